"""Callbacks of the tables page: they only wire the controls to the pure functions of the tables feature,
and keep the address bar, the permalink and the download links in step with what is shown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import ALL, Input, Output, State, callback, clientside_callback, no_update

from dashboard.core import routes
from dashboard.core.store import store_for_callback
from dashboard.tables import controls
from dashboard.tables import ids as tables_ids
from dashboard.tables.grid import grid_column_defs, grid_rows
from dashboard.tables.indicators import table_choices
from dashboard.tables.layout import count_text, download_href, grid_style, sources_block
from dashboard.tables.state import (
    TAB_RESIDENCES,
    TAB_TERRITORIES,
    TableChoices,
    TableState,
    from_controls,
    sort_from_column_state,
    threshold_number,
    to_query,
)
from dashboard.tables.views import View, view_of

INDICATORS = {"type": tables_ids.TABLE_INDICATORS, "theme": ALL}
THRESHOLD_INDICATORS = {"type": tables_ids.TABLE_THRESHOLD_INDICATOR, "index": ALL}
THRESHOLD_MINIMUMS = {"type": tables_ids.TABLE_THRESHOLD_MIN, "index": ALL}
THRESHOLD_MAXIMUMS = {"type": tables_ids.TABLE_THRESHOLD_MAX, "index": ALL}
RESIDENCE_TYPES = {"type": tables_ids.TABLE_RESIDENCE_TYPES, "family": ALL}
DOWNLOADS = {"type": tables_ids.TABLE_DOWNLOAD, "tab": ALL, "format": ALL}

#: The controls of the page, by the name of `from_controls`'s argument they give.
CONTROLS = {
    "tab": Input(tables_ids.TABLE_TABS, "value"),
    "level": Input(tables_ids.TABLE_LEVEL, "value"),
    "indicator_lists": Input(INDICATORS, "value"),
    "departements": Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
    "epcis": Input(tables_ids.TABLE_EPCIS, "value"),
    "threshold_indicators": Input(THRESHOLD_INDICATORS, "value"),
    "minimums": Input(THRESHOLD_MINIMUMS, "value"),
    "maximums": Input(THRESHOLD_MAXIMUMS, "value"),
    "type_lists": Input(RESIDENCE_TYPES, "value"),
}


def _controls(*names: str) -> dict[str, Input]:
    """Some of the CONTROLS, as inputs of a callback."""
    return {name: CONTROLS[name] for name in names}


# Replace the address bar without reloading the page (dcc.Location would re-render the page).
clientside_callback(
    """
    function(query) {
        if (query === undefined || query === null) { return window.dash_clientside.no_update; }
        const target = window.location.pathname + (query ? "?" + query : "");
        if (target !== window.location.pathname + window.location.search) {
            window.history.replaceState(window.history.state, "", target);
        }
        return query;
    }
    """,
    Output(tables_ids.TABLE_URL_SYNC, "data"),
    Input(tables_ids.TABLE_QUERY, "data"),
    prevent_initial_call=True,
)


def _flatten(lists: list[list[str] | None] | None) -> list[str]:
    return [value for values in lists or [] for value in values or []]


def state_of_controls(choices: TableChoices, **values: Any) -> TableState:
    """The state shown by the controls (missing ones at their default), validated like a URL."""
    return from_controls(
        choices,
        tab=values.get("tab"),
        level=values.get("level"),
        indicators=_flatten(values.get("indicator_lists")),
        departements=values.get("departements"),
        epcis=values.get("epcis"),
        thresholds=list(
            zip(
                values.get("threshold_indicators") or [],
                values.get("minimums") or [],
                values.get("maximums") or [],
                strict=True,
            )
        ),
        residence_types=_flatten(values.get("type_lists")),
        sort=values.get("sort"),
        residence_sort=values.get("residence_sort"),
    )


def _shown(tab: str, values: dict[str, Any]) -> tuple[TableState, View]:
    """The state of the controls on a tab, and its view."""
    store = store_for_callback()
    state = state_of_controls(table_choices(store), tab=tab, **values)
    return state, view_of(store, state)


def threshold_notice(minimums: list[str | None], maximums: list[str | None]) -> str:
    """« Seuil ignoré : « x » n'est pas un nombre. » for the first bound typed that is not a number."""
    bad = [text for text in [*minimums, *maximums] if text not in (None, "") and threshold_number(text) is None]
    return f"Seuil ignoré : « {bad[0]} » n'est pas un nombre." if bad else ""


@callback(
    output={"options": Output(INDICATORS, "options"), "value": Output(INDICATORS, "value")},
    inputs={"level": Input(tables_ids.TABLE_LEVEL, "value"), "indicator_lists": State(INDICATORS, "value")},
    prevent_initial_call=True,
)
def indicators_for_level(level: str, indicator_lists: list[list[str] | None]) -> dict[str, list]:
    store = store_for_callback()
    choices = table_choices(store)
    state = state_of_controls(choices, level=level, indicator_lists=indicator_lists)
    theme_list = controls.themes(store)
    return {
        "options": [controls.indicator_options(store, choices, state.level, theme) for theme, _ in theme_list],
        "value": controls.split_by_theme(store, state.indicators, theme_list),
    }


@callback(
    output={"options": Output(THRESHOLD_INDICATORS, "options"), "value": Output(THRESHOLD_INDICATORS, "value")},
    inputs={"indicator_lists": Input(INDICATORS, "value"), "current": State(THRESHOLD_INDICATORS, "value")},
    prevent_initial_call=True,
)
def threshold_choices(indicator_lists: list[list[str] | None], current: list[str | None]) -> dict[str, list]:
    store = store_for_callback()
    indicators = tuple(_flatten(indicator_lists))
    options = controls.threshold_options(store, indicators)
    return {"options": [options] * len(current), "value": [value if value in indicators else None for value in current]}


@callback(
    output={"options": Output(tables_ids.TABLE_EPCIS, "options"), "value": Output(tables_ids.TABLE_EPCIS, "value")},
    inputs={
        "departements": Input(tables_ids.TABLE_DEPARTEMENTS, "value"),
        "epcis": State(tables_ids.TABLE_EPCIS, "value"),
    },
    prevent_initial_call=True,
)
def epcis_for_departements(departements: list[str] | None, epcis: list[str] | None) -> dict[str, list]:
    options = controls.epci_options(store_for_callback(), departements or [])
    allowed = {option["value"] for option in options}
    return {"options": options, "value": [code for code in epcis or [] if code in allowed]}


@callback(
    output={
        "column_defs": Output(tables_ids.TABLE_GRID, "columnDefs"),
        "rows": Output(tables_ids.TABLE_GRID, "rowData"),
        "style": Output(tables_ids.TABLE_GRID, "style"),
        "count": Output(tables_ids.TABLE_COUNT, "children"),
        "sources": Output(tables_ids.TABLE_SOURCES, "children"),
        "summary": Output(tables_ids.TABLE_INDICATOR_SUMMARY, "children"),
        "notice": Output(tables_ids.TABLE_THRESHOLD_NOTICE, "children"),
    },
    inputs={
        **_controls(
            "level", "indicator_lists", "departements", "epcis", "threshold_indicators", "minimums", "maximums"
        ),
        "sort": State(tables_ids.TABLE_SORT, "data"),
    },
    prevent_initial_call=True,
)
def update_territories(**values: Any) -> dict[str, Any]:
    state, view = _shown(TAB_TERRITORIES, values)
    return {
        "column_defs": grid_column_defs(view, state.sort),
        "rows": grid_rows(view),
        "style": grid_style(len(view.frame)),
        "count": count_text(view),
        "sources": sources_block(view),
        "summary": controls.indicator_summary(len(state.indicators)),
        "notice": threshold_notice(values["minimums"], values["maximums"]),
    }


@callback(
    output={
        "rows": Output(tables_ids.TABLE_RESIDENCE_GRID, "rowData"),
        "style": Output(tables_ids.TABLE_RESIDENCE_GRID, "style"),
        "count": Output(tables_ids.TABLE_RESIDENCE_COUNT, "children"),
    },
    inputs={
        **_controls("departements", "epcis", "type_lists"),
        "residence_sort": State(tables_ids.TABLE_RESIDENCE_SORT, "data"),
    },
    prevent_initial_call=True,
)
def update_residences(**values: Any) -> dict[str, Any]:
    _state, view = _shown(TAB_RESIDENCES, values)
    return {"rows": grid_rows(view), "style": grid_style(len(view.frame)), "count": count_text(view)}


def sort_of_grid(column_state: list[dict] | None, current: str | None) -> Any:
    """The URL value of a grid's sort (no update when unchanged)."""
    sort = sort_from_column_state(column_state)
    value = sort.to_param() if sort else None
    return no_update if value == current else value


# Each grid's sort is kept in its store, which the links read.
for grid_id, sort_id in (
    (tables_ids.TABLE_GRID, tables_ids.TABLE_SORT),
    (tables_ids.TABLE_RESIDENCE_GRID, tables_ids.TABLE_RESIDENCE_SORT),
):
    callback(
        Output(sort_id, "data"),
        Input(grid_id, "columnState"),
        State(sort_id, "data"),
        prevent_initial_call=True,
    )(sort_of_grid)


@callback(
    output={
        "downloads": Output(DOWNLOADS, "href"),
        "permalink": Output(tables_ids.TABLE_PERMALINK, "href"),
        "query": Output(tables_ids.TABLE_QUERY, "data"),
    },
    inputs={
        **CONTROLS,
        "sort": Input(tables_ids.TABLE_SORT, "data"),
        "residence_sort": Input(tables_ids.TABLE_RESIDENCE_SORT, "data"),
        "link_ids": State(DOWNLOADS, "id"),
    },
    prevent_initial_call=True,
)
def update_links(link_ids: list[dict[str, str]], **values: Any) -> dict[str, Any]:
    state = state_of_controls(table_choices(store_for_callback()), **values)
    queries = {tab: to_query(replace(state, tab=tab)) for tab in (TAB_TERRITORIES, TAB_RESIDENCES)}
    query = to_query(state)
    return {
        "downloads": [download_href(link["format"], queries[link["tab"]]) for link in link_ids],
        "permalink": f"{routes.TABLES}?{query}",
        "query": query,
    }
