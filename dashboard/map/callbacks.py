"""Callbacks of the map explorer (home page) and the route serving its GeoJSON.

They only wire `dashboard.map.view`, `dashboard.map.state` and `dashboard.map.components` to the controls.
An indicator or class change sends a `Patch` of the territories trace (values, colours, hover text);
only a level change sends a new figure, and even then the polygons stay out of it: the figure points to
`/carte/geometrie/<level>-<token>.json`, which the browser fetches once and caches.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import dash
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx, no_update
from flask import Blueprint, Flask, Response, abort, request

from dashboard.core import formatting, routes
from dashboard.core.levels import LEVEL_EPCI, LEVEL_NOUNS, LEVELS
from dashboard.core.store import Store, StoreError, current_store
from dashboard.map import components as map_components
from dashboard.map import ids as map_ids
from dashboard.map import view as maps
from dashboard.map.state import MapState, choices_from_store, serialise_state, state_from_controls
from dashboard.needs import analysis as needs_store
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views

TOPOJSON_ASSET = "topojson/"
CACHE_FOREVER = "public, max-age=31536000, immutable"


# --- GeoJSON route --------------------------------------------------------------------------------


def geometry_blueprint() -> Blueprint:
    blueprint = Blueprint("map_geometry", __name__)

    @blueprint.get(f"{routes.GEOMETRY}/<level>-<token>.json")
    def geometry(level: str, token: str) -> Response:
        store = current_store()
        if isinstance(store, StoreError) or level not in store.display or store.display[level].token != token:
            abort(404)
        display = store.display[level]
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = Response(display.geojson_gzip, mimetype="application/json")
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = Response(display.geojson, mimetype="application/json")
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response

    return blueprint


def init_map_routes(server: Flask) -> None:
    """Register the GeoJSON route on the Flask server (called by create_app)."""
    server.register_blueprint(geometry_blueprint())


def geometry_urls(store: Store) -> dict[str, str]:
    """URL of each level's GeoJSON (the token changes with the data, so it can be cached forever)."""
    return {
        level: dash.get_relative_path(f"{routes.GEOMETRY}/{level}-{display.token}.json")
        for level, display in store.display.items()
    }


def topojson_url() -> str:
    return dash.get_asset_url(TOPOJSON_ASSET)


def figure_for(store: Store, view: maps.MapView, layers: list[str], selected: str | None) -> Any:
    return maps.map_figure(store, view.level, geometry_urls(store), view.trace_values, layers, selected)


def map_view_for(store: Store, state: MapState) -> maps.MapView:
    """The map view of a state; the need index (not in the store) is computed with the state's weights."""
    computed = None
    if state.indicator == needs_store.SCORE_INDICATOR:
        computed = needs_views.index_level_values(store, state.score.parameters)
    return maps.map_view(
        store, state.indicator, state.level, state.scheme, state.classes, state.reference, computed=computed
    )


def score_state(query: str | None) -> needs_state.NeedsState:
    """The need index's weights kept in the page (map_ids.MAP_SCORE: a query string), checked like the URL."""
    return needs_state.parse_needs(dict(parse_qsl((query or "").lstrip("?"))), only=needs_state.INDEX_PARAMS)[0]


def _store() -> Store:
    store = current_store()
    if isinstance(store, StoreError):
        raise dash.exceptions.PreventUpdate
    return store


def _layers(residence: list[str] | None, hebergement: list[str] | None) -> list[str]:
    return [*(residence or []), *(hebergement or [])]


# --- Map, legend, heading ------------------------------------------------------------------------------


@callback(
    Output(map_ids.MAP_GRAPH, "figure"),
    Output(map_ids.MAP_DRAWN_LEVEL, "data"),
    Output(map_ids.MAP_HEADING, "children"),
    Output(map_ids.MAP_SOURCE, "children"),
    Output(map_ids.MAP_LEGEND, "children"),
    Output(map_ids.MAP_INDICATOR_HELP, "children"),
    Output(map_ids.MAP_LEVEL_NOTICE, "hidden"),
    Output(map_ids.MAP_LEVEL_NOTICE_TEXT, "children"),
    Output(map_ids.MAP_LEVEL_SUGGEST, "children"),
    Output(map_ids.MAP_LEVEL_SUGGEST, "value"),
    Output(map_ids.MAP_LEVEL_SUGGEST, "hidden"),
    Input(map_ids.MAP_INDICATOR, "value"),
    Input(map_ids.MAP_LEVEL, "value"),
    Input(map_ids.MAP_SCHEME, "value"),
    Input(map_ids.MAP_CLASSES, "value"),
    Input(map_ids.MAP_REFERENCE, "value"),
    State(map_ids.MAP_LAYERS_RESIDENCE, "value"),
    State(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
    State(map_ids.MAP_TERRITORY, "value"),
    State(map_ids.MAP_DRAWN_LEVEL, "data"),
    State(map_ids.MAP_SCORE, "data"),
    prevent_initial_call=True,
)
def update_map(
    indicator, level, scheme, classes, reference, residence, hebergement, territory, drawn_level, score=None
):
    store = _store()
    state = state_from_controls(
        choices_from_store(store),
        indicator,
        level,
        scheme,
        classes,
        reference,
        _layers(residence, hebergement),
        None,
        score_state(score),
    )
    view = map_view_for(store, state)
    if state.level == drawn_level:
        figure = Patch()
        for key, value in view.trace_values.items():
            figure["data"][maps.TRACE_TERRITORIES][key] = value
    else:  # a new level: new polygons (by URL) and no selection
        figure = figure_for(store, view, state.layers, None)
    suggested = view.suggested_level
    return (
        figure,
        state.level,
        view.heading,
        map_components.map_source(store, view),
        map_components.legend_component(view),
        map_components.indicator_help(view),
        view.unavailable_message is None,
        view.unavailable_message or "",
        f"Afficher par {LEVEL_NOUNS[suggested][0]}" if suggested else "",
        suggested or "",
        suggested is None,
    )


@callback(
    Output(map_ids.MAP_LEVEL, "value"),
    Input(map_ids.MAP_LEVEL_SUGGEST, "n_clicks"),
    State(map_ids.MAP_LEVEL_SUGGEST, "value"),
    prevent_initial_call=True,
)
def switch_to_suggested_level(_clicks, level):
    if level not in LEVELS:
        raise dash.exceptions.PreventUpdate
    return level


@callback(
    Output(map_ids.MAP_GRAPH, "figure", allow_duplicate=True),
    Input(map_ids.MAP_LAYERS_RESIDENCE, "value"),
    Input(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
    prevent_initial_call=True,
)
def toggle_layers(residence, hebergement):
    store = _store()
    figure = Patch()
    for index, visible in maps.layer_visibility(store, _layers(residence, hebergement)).items():
        figure["data"][index]["visible"] = visible
    return figure


# --- Selected territory ----------------------------------------------------------------------------------


@callback(
    Output(map_ids.MAP_TERRITORY, "value"),
    Output(map_ids.MAP_TERRITORY, "options"),
    Input(map_ids.MAP_GRAPH, "clickData"),
    Input(map_ids.MAP_PANEL_CLOSE, "n_clicks"),
    Input(map_ids.MAP_TERRITORY, "search_value"),
    Input(map_ids.MAP_DRAWN_LEVEL, "data"),
    State(map_ids.MAP_TERRITORY, "value"),
    prevent_initial_call=True,
)
def territory_picker(click, _close, search, level, selected):
    """The selected territory and the picker's options: a click on the map selects, the panel's button
    clears, typing searches, a new level drops a selection that does not exist there."""
    store = _store()
    level = level if level in LEVELS else LEVEL_EPCI
    codes = set(store.display[level].codes)
    trigger = ctx.triggered_id
    value: Any = no_update
    if trigger == map_ids.MAP_GRAPH:
        points = (click or {}).get("points") or []
        location = points[0].get("location") if points else None
        if not points or points[0].get("curveNumber") != maps.TRACE_TERRITORIES or location not in codes:
            raise dash.exceptions.PreventUpdate
        value = selected = location
    elif trigger == map_ids.MAP_PANEL_CLOSE or (trigger == map_ids.MAP_DRAWN_LEVEL and selected not in codes):
        value = selected = None
    search_text = search if trigger == map_ids.MAP_TERRITORY else None
    return value, maps.territory_options(store, level, search_text, selected)


@callback(
    Output(map_ids.MAP_PANEL, "children"),
    Output(map_ids.MAP_PANEL_CLOSE, "hidden"),
    Output(map_ids.MAP_GRAPH, "figure", allow_duplicate=True),
    Input(map_ids.MAP_TERRITORY, "value"),
    Input(map_ids.MAP_INDICATOR, "value"),
    State(map_ids.MAP_DRAWN_LEVEL, "data"),
    prevent_initial_call=True,
)
def show_territory(code, indicator, level):
    store = _store()
    level = level if level in LEVELS else LEVEL_EPCI
    summary = maps.territory_summary(store, level, code, indicator) if code else None
    figure = Patch()
    figure["data"][maps.TRACE_SELECTION]["locations"] = maps.selection_locations(store, level, code)
    return map_components.panel_component(store, summary), summary is None, figure


# --- Table -------------------------------------------------------------------------------------------------


@callback(
    Output(map_ids.MAP_TABLE_DATA, "data"),
    Output(map_ids.MAP_TABLE_CAPTION, "children"),
    Output(map_ids.MAP_TABLE_PAGER, "children"),
    Output(map_ids.MAP_TABLE_PREVIOUS, "disabled"),
    Output(map_ids.MAP_TABLE_NEXT, "disabled"),
    Output(map_ids.MAP_TABLE_PREVIOUS, "hidden"),
    Output(map_ids.MAP_TABLE_NEXT, "hidden"),
    Output(map_ids.MAP_TABLE_SORT, "data"),
    Output(map_ids.MAP_TABLE_PAGE, "data"),
    Output(map_ids.MAP_TABLE_TH_RANK, "aria-sort"),
    Output(map_ids.MAP_TABLE_TH_NAME, "aria-sort"),
    Output(map_ids.MAP_TABLE_SOURCE, "children"),
    Input(map_ids.MAP_INDICATOR, "value"),
    Input(map_ids.MAP_LEVEL, "value"),
    Input(map_ids.MAP_SCHEME, "value"),
    Input(map_ids.MAP_CLASSES, "value"),
    Input(map_ids.MAP_REFERENCE, "value"),
    Input(map_ids.MAP_TABLE_SORT_RANK, "n_clicks"),
    Input(map_ids.MAP_TABLE_SORT_NAME, "n_clicks"),
    Input(map_ids.MAP_TABLE_PREVIOUS, "n_clicks"),
    Input(map_ids.MAP_TABLE_NEXT, "n_clicks"),
    Input(map_ids.MAP_TABLE_FILTER, "value"),
    State(map_ids.MAP_TABLE_SORT, "data"),
    State(map_ids.MAP_TABLE_PAGE, "data"),
    State(map_ids.MAP_SCORE, "data"),
    prevent_initial_call=True,
)
def update_table(
    indicator, level, scheme, classes, reference, _rank, _name, _previous, _next, search, sort, page, score=None
):
    store = _store()
    state = state_from_controls(
        choices_from_store(store), indicator, level, scheme, classes, reference, [], None, score_state(score)
    )
    view = map_view_for(store, state)
    sort = sort or {"column": maps.SORT_RANK, "descending": False}
    trigger = ctx.triggered_id
    page = page or 0
    if trigger in (map_ids.MAP_TABLE_SORT_RANK, map_ids.MAP_TABLE_SORT_NAME):
        column = maps.SORT_RANK if trigger == map_ids.MAP_TABLE_SORT_RANK else maps.SORT_NAME
        descending = not sort["descending"] if sort["column"] == column else False
        sort, page = {"column": column, "descending": descending}, 0
    elif trigger == map_ids.MAP_TABLE_PREVIOUS:
        page -= 1
    elif trigger == map_ids.MAP_TABLE_NEXT:
        page += 1
    else:
        page = 0
    return table_outputs(store, view, sort, page, search or "")


def table_outputs(store: Store, view: maps.MapView, sort: dict[str, Any], page: int, search: str) -> tuple:
    """Rows (compact data, drawn by carte.js), caption, pager text, buttons disabled and hidden, sort and
    page stores, aria-sort of the two sortable headers, source line: for the layout and the callback."""
    if view.values is None:
        empty = {"rows": [], "classes": [], "missing": formatting.MISSING_LABEL}
        return (empty, view.unavailable_message or "", "", True, True, True, True, sort, 0, "none", "none", "")
    table = maps.table_view(
        view.values, view.classification, view.colours, sort["column"], sort["descending"], page, search
    )
    aria = map_components.sort_state(table)
    decimals = formatting.value_decimals(view.entry)
    return (
        maps.table_data(table, view.classification, view.colours, decimals),
        map_components.table_caption(view, table, search),
        map_components.pager_text(table),
        table.page <= 0,
        table.page >= table.pages - 1,
        table.pages <= 1,
        table.pages <= 1,
        sort,
        table.page,
        aria[maps.SORT_RANK],
        aria[maps.SORT_NAME],
        view.values.source_line,
    )


# --- URL, permalink, copy ----------------------------------------------------------------------------------


@callback(
    Output(map_ids.MAP_QUERY, "data"),
    Input(map_ids.MAP_INDICATOR, "value"),
    Input(map_ids.MAP_LEVEL, "value"),
    Input(map_ids.MAP_SCHEME, "value"),
    Input(map_ids.MAP_CLASSES, "value"),
    Input(map_ids.MAP_REFERENCE, "value"),
    Input(map_ids.MAP_LAYERS_RESIDENCE, "value"),
    Input(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
    Input(map_ids.MAP_TERRITORY, "value"),
    State(map_ids.MAP_SCORE, "data"),
    prevent_initial_call=True,
)
def update_query(indicator, level, scheme, classes, reference, residence, hebergement, territory, score=None):
    store = _store()
    state = state_from_controls(
        choices_from_store(store),
        indicator,
        level,
        scheme,
        classes,
        reference,
        _layers(residence, hebergement),
        territory,
        score_state(score),
    )
    return serialise_state(state)


clientside_callback(
    ClientsideFunction(namespace="carte", function_name="tableRows"),
    Output(map_ids.MAP_TABLE_BODY, "children"),
    Input(map_ids.MAP_TABLE_DATA, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="carte", function_name="syncUrl"),
    Output(map_ids.MAP_PERMALINK, "value"),
    Input(map_ids.MAP_QUERY, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="carte", function_name="copyLink"),
    Output(map_ids.MAP_COPY_STATUS, "children"),
    Input(map_ids.MAP_COPY, "n_clicks"),
    State(map_ids.MAP_PERMALINK, "id"),
    prevent_initial_call=True,
)
