"""Callbacks of the map explorer (home page): they only wire the map's pure functions to the controls.

An indicator or class change sends a `Patch` of the territories trace (values, colours, hover text);
only a level change sends a new figure, and even then the polygons stay out of it: the figure points to
`/carte/geometrie/<level>-<token>.json` (`dashboard.map.geometry`), which the browser fetches once and
caches. Every callback names its outputs (a dict), and changes nothing when the data is not built.
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx, no_update
from dash.exceptions import PreventUpdate

from dashboard.core.levels import LEVEL_EPCI, NATIONAL_LEVELS
from dashboard.core.store import Store, store_for_callback
from dashboard.map import components
from dashboard.map import ids as map_ids
from dashboard.map.figure import (
    EXPLORER_ASPECT,
    TRACE_SELECTION,
    TRACE_TERRITORIES,
    layer_visibility,
    map_figure,
    selection_locations,
    territory_zoom,
)
from dashboard.map.geometry import geometry_urls
from dashboard.map.need_index import map_view_for, score_state
from dashboard.map.panel import panel_component, territory_options, territory_summary
from dashboard.map.state import MapState, choices_from_store, serialise_state, state_from_controls
from dashboard.map.table import DEFAULT_SORT, SORT_NAME, SORT_RANK, table_props
from dashboard.ui.permalink import register_permalink

#: The settings of the view, read by the map, table and address callbacks (one argument, a dict).
VIEW_INPUTS = {
    "indicator": Input(map_ids.MAP_INDICATOR, "value"),
    "level": Input(map_ids.MAP_LEVEL, "value"),
    "scheme": Input(map_ids.MAP_SCHEME, "value"),
    "classes": Input(map_ids.MAP_CLASSES, "value"),
    "reference": Input(map_ids.MAP_REFERENCE, "value"),
    "palette": Input(map_ids.MAP_PALETTE, "value"),
}


def _layers(residence: list[str] | None, hebergement: list[str] | None) -> list[str]:
    return [*(residence or []), *(hebergement or [])]


def _state(
    store: Store,
    view: dict[str, Any],
    layers: list[str],
    territory: str | None,
    score: str | None,
    projects: Any = None,
) -> MapState:
    """The state of the page's controls (`view`: the values of VIEW_INPUTS), checked like the address."""
    return state_from_controls(
        choices_from_store(store),
        **view,
        layers=layers,
        territory=territory,
        score=score_state(score),
        projects=projects if isinstance(projects, str) else None,
    )


def _drawn_level(level: Any) -> str:
    """The level the map shows (kept in the page); EPCI when the page sent something else."""
    return level if level in NATIONAL_LEVELS else LEVEL_EPCI


# --- Map, legend, heading ------------------------------------------------------------------------------


@callback(
    output={
        "figure": Output(map_ids.MAP_GRAPH, "figure"),
        "drawn_level": Output(map_ids.MAP_DRAWN_LEVEL, "data"),
        "heading": Output(map_ids.MAP_HEADING, "children"),
        "source": Output(map_ids.MAP_SOURCE, "children"),
        "legend": Output(map_ids.MAP_LEGEND, "children"),
        "indicator_help": Output(map_ids.MAP_INDICATOR_HELP, "children"),
        "notice_hidden": Output(map_ids.MAP_LEVEL_NOTICE, "hidden"),
        "notice_text": Output(map_ids.MAP_LEVEL_NOTICE_TEXT, "children"),
        "suggest_text": Output(map_ids.MAP_LEVEL_SUGGEST, "children"),
        "suggest_value": Output(map_ids.MAP_LEVEL_SUGGEST, "value"),
        "suggest_hidden": Output(map_ids.MAP_LEVEL_SUGGEST, "hidden"),
    },
    inputs={"view": VIEW_INPUTS},
    state={
        "residence": State(map_ids.MAP_LAYERS_RESIDENCE, "value"),
        "hebergement": State(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
        "drawn_level": State(map_ids.MAP_DRAWN_LEVEL, "data"),
        "score": State(map_ids.MAP_SCORE, "data"),
    },
    prevent_initial_call=True,
)
def update_map(view, residence, hebergement, drawn_level, score=None):
    """The map (a Patch of its values, or a new figure for a new level), its heading, source, legend and help."""
    store = store_for_callback()
    state = _state(store, view, _layers(residence, hebergement), None, score)
    shown = map_view_for(store, state)
    if state.level == drawn_level:
        figure = Patch()
        for key, value in shown.trace_values.items():
            figure["data"][TRACE_TERRITORIES][key] = value
    else:  # a new level: new polygons (by URL) and no selection
        figure = map_figure(
            store, shown.level, geometry_urls(store), shown.trace_values, state.layers, None, EXPLORER_ASPECT
        )
    return {
        "figure": figure,
        "drawn_level": state.level,
        "heading": shown.heading,
        "source": components.map_source(store, shown),
        "legend": components.legend_component(shown),
        "indicator_help": components.indicator_help(shown),
        **components.level_notice_props(shown),
    }


@callback(
    output={"level": Output(map_ids.MAP_LEVEL, "value")},
    inputs={"_clicks": Input(map_ids.MAP_LEVEL_SUGGEST, "n_clicks")},
    state={"level": State(map_ids.MAP_LEVEL_SUGGEST, "value")},
    prevent_initial_call=True,
)
def switch_to_suggested_level(_clicks, level):
    """The level switch set to the level the notice suggests."""
    if level not in NATIONAL_LEVELS:
        raise PreventUpdate
    return {"level": level}


@callback(
    output={"figure": Output(map_ids.MAP_GRAPH, "figure", allow_duplicate=True)},
    inputs={
        "residence": Input(map_ids.MAP_LAYERS_RESIDENCE, "value"),
        "hebergement": Input(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
    },
    prevent_initial_call=True,
)
def toggle_layers(residence, hebergement):
    """Shows or hides the establishment traces (a Patch of their visibility)."""
    store = store_for_callback()
    figure = Patch()
    for index, visible in layer_visibility(store, _layers(residence, hebergement)).items():
        figure["data"][index]["visible"] = visible
    return {"figure": figure}


# --- Selected territory ----------------------------------------------------------------------------------


@callback(
    output={"value": Output(map_ids.MAP_TERRITORY, "value"), "options": Output(map_ids.MAP_TERRITORY, "options")},
    inputs={
        "click": Input(map_ids.MAP_GRAPH, "clickData"),
        "_close": Input(map_ids.MAP_PANEL_CLOSE, "n_clicks"),
        "search": Input(map_ids.MAP_TERRITORY, "search_value"),
        "level": Input(map_ids.MAP_DRAWN_LEVEL, "data"),
    },
    state={"selected": State(map_ids.MAP_TERRITORY, "value")},
    prevent_initial_call=True,
)
def territory_picker(click, _close, search, level, selected):
    """The selected territory and the picker's options: a click on the map selects, the panel's button
    clears, typing searches, a new level drops a selection that does not exist there."""
    store = store_for_callback()
    level = _drawn_level(level)
    codes = set(store.display[level].codes)
    trigger = ctx.triggered_id
    value: Any = no_update
    if trigger == map_ids.MAP_GRAPH:
        points = (click or {}).get("points") or []
        location = points[0].get("location") if points else None
        if not points or points[0].get("curveNumber") != TRACE_TERRITORIES or location not in codes:
            raise PreventUpdate
        value = selected = location
    elif trigger == map_ids.MAP_PANEL_CLOSE or (trigger == map_ids.MAP_DRAWN_LEVEL and selected not in codes):
        value = selected = None
    search_text = search if trigger == map_ids.MAP_TERRITORY else None
    return {"value": value, "options": territory_options(store, level, search_text, selected)}


@callback(
    output={
        "panel": Output(map_ids.MAP_PANEL, "children"),
        "close_hidden": Output(map_ids.MAP_PANEL_CLOSE, "hidden"),
        "figure": Output(map_ids.MAP_GRAPH, "figure", allow_duplicate=True),
        "click": Output(map_ids.MAP_GRAPH, "clickData"),
    },
    inputs={"code": Input(map_ids.MAP_TERRITORY, "value"), "indicator": Input(map_ids.MAP_INDICATOR, "value")},
    state={"level": State(map_ids.MAP_DRAWN_LEVEL, "data"), "click": State(map_ids.MAP_GRAPH, "clickData")},
    prevent_initial_call=True,
)
def show_territory(code, indicator, level, click=None):
    """The selected territory's panel and its outline on the map; a territory chosen in the list (not the
    one just clicked on the map) is also zoomed to, and the last click is forgotten (choosing that territory
    in the list later zooms to it too)."""
    store = store_for_callback()
    level = _drawn_level(level)
    summary = territory_summary(store, level, code, indicator) if code else None
    panel = {"panel": panel_component(store, summary), "close_hidden": summary is None}
    if ctx.triggered_id != map_ids.MAP_TERRITORY:  # a new indicator: same outline, no second redraw of the map
        return {**panel, "figure": no_update, "click": no_update}
    figure = Patch()
    figure["data"][TRACE_SELECTION]["locations"] = selection_locations(store, level, code)
    from_list = code != clicked_location(click)
    zoom = territory_zoom(store, level, code, EXPLORER_ASPECT) if code and from_list else None
    if zoom:
        figure["layout"]["geo"]["center"] = zoom["center"]
        figure["layout"]["geo"]["projection"]["scale"] = zoom["scale"]
    return {**panel, "figure": figure, "click": None if from_list and click else no_update}


def clicked_location(click: Any) -> str | None:
    """The territory code of the last click on the map, if any."""
    points = (click or {}).get("points") or []
    return points[0].get("location") if points else None


# --- Table -------------------------------------------------------------------------------------------------


def table_position(trigger: Any, sort: dict[str, Any] | None, page: int | None) -> tuple[dict[str, Any], int]:
    """The table's sort and page after a click: a header sorts by its column (again: the other way), the
    pager turns the page, anything else (a new view, a filter) goes back to the first page."""
    sort = sort or DEFAULT_SORT
    page = page or 0
    if trigger in (map_ids.MAP_TABLE_SORT_RANK, map_ids.MAP_TABLE_SORT_NAME):
        column = SORT_RANK if trigger == map_ids.MAP_TABLE_SORT_RANK else SORT_NAME
        descending = not sort["descending"] if sort["column"] == column else False
        return {"column": column, "descending": descending}, 0
    if trigger == map_ids.MAP_TABLE_PREVIOUS:
        return sort, page - 1
    if trigger == map_ids.MAP_TABLE_NEXT:
        return sort, page + 1
    return sort, 0


@callback(
    output={
        "data": Output(map_ids.MAP_TABLE_DATA, "data"),
        "caption": Output(map_ids.MAP_TABLE_CAPTION, "children"),
        "pager": Output(map_ids.MAP_TABLE_PAGER, "children"),
        "previous_disabled": Output(map_ids.MAP_TABLE_PREVIOUS, "disabled"),
        "next_disabled": Output(map_ids.MAP_TABLE_NEXT, "disabled"),
        "previous_hidden": Output(map_ids.MAP_TABLE_PREVIOUS, "hidden"),
        "next_hidden": Output(map_ids.MAP_TABLE_NEXT, "hidden"),
        "sort": Output(map_ids.MAP_TABLE_SORT, "data"),
        "page": Output(map_ids.MAP_TABLE_PAGE, "data"),
        "rank_sort": Output(map_ids.MAP_TABLE_TH_RANK, "aria-sort"),
        "name_sort": Output(map_ids.MAP_TABLE_TH_NAME, "aria-sort"),
        "source": Output(map_ids.MAP_TABLE_SOURCE, "children"),
    },
    inputs={
        "view": VIEW_INPUTS,
        "_rank": Input(map_ids.MAP_TABLE_SORT_RANK, "n_clicks"),
        "_name": Input(map_ids.MAP_TABLE_SORT_NAME, "n_clicks"),
        "_previous": Input(map_ids.MAP_TABLE_PREVIOUS, "n_clicks"),
        "_next": Input(map_ids.MAP_TABLE_NEXT, "n_clicks"),
        "search": Input(map_ids.MAP_TABLE_FILTER, "value"),
    },
    state={
        "sort": State(map_ids.MAP_TABLE_SORT, "data"),
        "page": State(map_ids.MAP_TABLE_PAGE, "data"),
        "score": State(map_ids.MAP_SCORE, "data"),
    },
    prevent_initial_call=True,
)
def update_table(view, _rank, _name, _previous, _next, search, sort, page, score=None):
    """The values table after a change of view, sort, page or filter."""
    store = store_for_callback()
    state = _state(store, view, [], None, score)
    sort, page = table_position(ctx.triggered_id, sort, page)
    return table_props(map_view_for(store, state), sort, page, search or "")


# --- URL, permalink, copy ----------------------------------------------------------------------------------


@callback(
    output={"query": Output(map_ids.MAP_QUERY, "data")},
    inputs={
        "view": VIEW_INPUTS,
        "residence": Input(map_ids.MAP_LAYERS_RESIDENCE, "value"),
        "hebergement": Input(map_ids.MAP_LAYERS_HEBERGEMENT, "value"),
        "territory": Input(map_ids.MAP_TERRITORY, "value"),
        "projects": Input(map_ids.MAP_PROJECTS, "data"),
    },
    state={"score": State(map_ids.MAP_SCORE, "data")},
    prevent_initial_call=True,
)
def update_query(view, residence, hebergement, territory, projects, score=None):
    """The query string of the view (the permalink and the address bar follow it)."""
    store = store_for_callback()
    state = _state(store, view, _layers(residence, hebergement), territory, score, projects)
    return {"query": serialise_state(state)}


clientside_callback(
    ClientsideFunction(namespace="carte", function_name="tableRows"),
    Output(map_ids.MAP_TABLE_BODY, "children"),
    Input(map_ids.MAP_TABLE_DATA, "data"),
    State(map_ids.MAP_TABLE_BODY, "id"),
)

register_permalink(map_ids.MAP_PERMALINK, map_ids.MAP_COPY, map_ids.MAP_COPY_STATUS, query_id=map_ids.MAP_QUERY)
