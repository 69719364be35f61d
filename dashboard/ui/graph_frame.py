"""The space of a graph kept while dcc.Graph waits for plotly.js: its placeholder is an empty div, so the
content below would jump down by the graph's height when it is drawn (layout shift)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

FRAME_CLASS = "graph-frame"
HEIGHT_VARIABLE = "--graph-height"


def figure_height(figure: Any) -> int | None:
    """The height set in a figure's layout (a plotly Figure or its dict), if any."""
    if figure is None:
        return None
    layout = figure.get("layout", {}) if isinstance(figure, dict) else figure.layout
    height = layout.get("height") if isinstance(layout, dict) else layout.height
    return int(height) if isinstance(height, int | float) else None


def graph_frame(graph: dcc.Graph, height: int | None = None) -> html.Div:
    """`graph` in a frame as tall as its figure (or `height`) until plotly.js has drawn it (style.css)."""
    height = height or figure_height(getattr(graph, "figure", None))
    return html.Div(graph, className=FRAME_CLASS, style={HEIGHT_VARIABLE: f"{height}px"} if height else None)
