"""The need index on the map: a pseudo-indicator computed from the weights of the address (not in the
store), by EPCI. The map's view of a state computes it when the state shows it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from dashboard.core.store import Store
from dashboard.map.state import MapState
from dashboard.map.view import MapView, map_view
from dashboard.needs import analysis as needs_store
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views


def map_view_for(store: Store, state: MapState) -> MapView:
    """The map view of a state; the need index (not in the store) is computed with the state's weights."""
    computed = None
    if state.indicator == needs_store.SCORE_INDICATOR:
        computed = needs_views.index_level_values(store, state.score.parameters)
    settings = (state.indicator, state.level, state.scheme, state.classes, state.reference)
    return map_view(store, *settings, computed=computed, palette=state.palette)


def score_state(query: str | None) -> needs_state.NeedsState:
    """The need index's weights kept in the page (map_ids.MAP_SCORE: a query string), checked like the URL."""
    return needs_state.parse_needs(dict(parse_qsl((query or "").lstrip("?"))), only=needs_state.INDEX_PARAMS)[0]


def score_query(state: MapState) -> str:
    """The need index's weights of a state, as the page keeps them (map_ids.MAP_SCORE)."""
    return needs_state.serialise_needs(state.score, only=needs_state.INDEX_PARAMS)
