"""The space of a component kept while its script loads: dcc.Graph waits for plotly.js behind an empty
placeholder, and dash-ag-grid draws nothing until its grid code has arrived, so the content below would
jump down by their height when they are drawn (layout shift). The rules are in style.css."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

FRAME_CLASS = "reserved-frame"
HEIGHT_VARIABLE = "--reserved-height"


def figure_height(figure: Any) -> int | None:
    """The height set in a figure's layout (a plotly Figure or its dict), if any."""
    if figure is None:
        return None
    layout = figure.get("layout", {}) if isinstance(figure, dict) else figure.layout
    height = layout.get("height") if isinstance(layout, dict) else layout.height
    return int(height) if isinstance(height, int | float) else None


def reserved(component: Any, height: str | None) -> html.Div:
    """`component` in a frame of `height` (a CSS length) while the component is not drawn yet."""
    return html.Div(component, className=FRAME_CLASS, style={HEIGHT_VARIABLE: height} if height else None)


def graph_frame(graph: dcc.Graph, height: int | None = None) -> html.Div:
    """`graph` in a frame as tall as its figure (or `height`, in pixels) until plotly.js has drawn it."""
    height = height or figure_height(getattr(graph, "figure", None))
    return reserved(graph, f"{height}px" if height else None)
