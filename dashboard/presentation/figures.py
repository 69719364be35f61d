"""Figures of slides, shared by the page and the image and PDF exports (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.core.store import Store
from dashboard.map.figure import FIRST_RESIDENCE_TRACE, map_figure
from dashboard.presentation.slides import Slide

#: Length past which a legend note is cut after its first sentence.
NOTE_LIMIT = 170


def bar_share(values: Sequence[float | None]) -> list[float]:
    """Each value as a share of the largest absolute value (0 when missing), for bars drawn in HTML."""
    known = [abs(value) for value in values if value is not None and math.isfinite(value)]
    top = max(known) if known else 0
    return [(abs(value) / top if top and value is not None and math.isfinite(value) else 0.0) for value in values]


def map_slide_figure(store: Store, slide: Slide, geometry: Mapping[str, Any], selected: str | None = None) -> Any:
    """The map of a map slide, without hover, filling its frame (with the `selected` territory outlined).

    `geometry` maps a level to its GeoJSON: a URL on screen (`dashboard.map.callbacks.geometry_urls`), the
    parsed GeoJSON for an image export (rendered with no network).
    """
    view = slide.view
    figure = map_figure(store, view.level, geometry, view.trace_values, layers=(), selected=selected)
    figure.data = figure.data[:FIRST_RESIDENCE_TRACE]  # no establishment points on a slide
    figure.update_layout(height=None, autosize=True, paper_bgcolor="rgba(0,0,0,0)", dragmode=False)
    figure.update_traces(hoverinfo="skip", hovertemplate=None, selector={"type": "choropleth"})
    return figure


def short_note(note: str, limit: int = NOTE_LIMIT) -> str:
    """A legend note cut after its first sentence when it is long (the full text is on /sources)."""
    if len(note) <= limit:
        return note
    first, dot, _ = note.partition(". ")
    return first + "." if dot and len(first) < limit else note[: limit - 1].rstrip() + "…"
