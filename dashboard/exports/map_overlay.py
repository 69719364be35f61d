"""What the map page adds to its map in an image export (pure functions): the establishment layers of its
address drawn as on screen (same symbols and colours, one legend line per layer with its count) and the
selected territory outlined, with its legend line."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.core.catalogue import territory_row
from dashboard.core.formatting import format_number
from dashboard.core.store import Store
from dashboard.exports.frame import MUTED, Frame, text
from dashboard.map.figure import SELECTION_COLOUR, residence_traces, selection_locations
from dashboard.map.state import MapState
from dashboard.ui.responses import escape

#: Establishment points of an export: the screen's marker sizes at 1920 px wide, a little larger (the map is).
POINT_SCALE = 1.2
SELECTION_WIDTH = 3.5


@dataclass(frozen=True)
class MapOverlay:
    """The layers shown as points (types, in trace order) and the selected territory (code, name) of a map view."""

    layers: tuple[str, ...] = ()
    selected: str | None = None
    selected_name: str = ""


def overlay_of(store: Store, state: MapState) -> MapOverlay:
    """The overlay of a map page's state: its layers, and its territory when it is one of the level's."""
    selected = next(iter(selection_locations(store, state.level, state.territory)), None)
    row = territory_row(store, state.level, selected) if selected else None
    return MapOverlay(state.layers, selected, str(row["name"]) if row else (selected or ""))


def point_traces(store: Store, overlay: MapOverlay, frame: Frame) -> list[go.Scattergeo]:
    """The points of the overlay's layers, as the map page draws them (scaled to the image), without hover."""
    traces = [trace for trace in residence_traces(store, overlay.layers) if trace.visible]
    for trace in traces:
        trace.update(
            hoverinfo="skip",
            hovertemplate=None,
            customdata=None,
            marker_size=trace.marker.size * frame.k * POINT_SCALE,
            marker_line_width=max(1, frame.k),
        )
    return traces


def _legend_axes(figure: go.Figure) -> None:
    """Hidden cartesian axes spanning the paper (data coordinates = paper coordinates), for legend symbols."""
    axis = {"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True}
    figure.update_layout(xaxis=axis, yaxis=axis)


def overlay_legend(
    figure: go.Figure, frame: Frame, traces: list[go.Scattergeo], overlay: MapOverlay, left: float, top: float
) -> float:
    """One legend line per layer (its symbol, name and count) and one for the selected territory, from `top`
    at `left`; returns where the next block starts."""
    k = frame.k
    size, row = 19 * k, 32 * k
    y = top
    if traces:
        _legend_axes(figure)
        text(figure, frame, "<b>Établissements</b>", left, y, 22 * k)
        y += 22 * k * 1.6
    for trace in traces:
        figure.add_trace(
            go.Scatter(
                x=[frame.x(left + 22 * k)],
                y=[frame.y(y + row / 2)],
                mode="markers",
                marker=trace.marker.to_plotly_json(),
                hoverinfo="skip",
                showlegend=False,
            )
        )
        count = format_number(len(trace.lon))
        label = f"{escape(trace.name)}  <span style='color:{MUTED}'>({count})</span>"
        text(figure, frame, label, left + 58 * k, y + row / 2, size, yanchor="middle")
        y += row
    if overlay.selected:
        y += 8 * k
        figure.add_shape(
            type="rect",
            xref="paper",
            yref="paper",
            x0=frame.x(left),
            x1=frame.x(left + 44 * k),
            y0=frame.y(y + 28 * k),
            y1=frame.y(y),
            line={"color": SELECTION_COLOUR, "width": SELECTION_WIDTH * k},
        )
        label = f"Territoire sélectionné : <b>{escape(overlay.selected_name)}</b>"
        text(figure, frame, label, left + 58 * k, y + 14 * k, size, yanchor="middle")
        y += 28 * k + 8 * k
    return y
