"""The comparison page's callbacks: the pickers redraw the table and the trends and rewrite the address."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate

from dashboard.comparison import ids as compare_ids
from dashboard.comparison.layout import (
    add_to_deck,
    comparison_table,
    comparison_trends,
    searched_on_server,
    territory_options,
)
from dashboard.comparison.state import (
    PARAM_INDICATORS,
    PARAM_TERRITORIES,
    choices_from_store,
    parse_state,
    serialise_state,
)
from dashboard.core.store import store_for_callback
from dashboard.ui.permalink import register_permalink


def _joined(values: Any) -> str:
    return ",".join(str(value) for value in values or [] if isinstance(value, str))


@callback(
    output={
        "table": Output(compare_ids.COMPARE_TABLE, "children"),
        "trends": Output(compare_ids.COMPARE_TRENDS, "children"),
        "query": Output(compare_ids.COMPARE_QUERY, "data"),
        "add_href": Output(compare_ids.COMPARE_ADD, "href"),
        "add_hidden": Output(f"{compare_ids.COMPARE_ADD}-bloc", "hidden"),
    },
    inputs={
        "territories": Input(compare_ids.COMPARE_TERRITORIES, "value"),
        "indicators": Input(compare_ids.COMPARE_INDICATORS, "value"),
    },
    prevent_initial_call=True,
)
def update_comparison(territories: Any, indicators: Any) -> dict[str, Any]:
    """The pickers' values, checked like the address (unknown values ignored), drawn and written back."""
    store = store_for_callback()
    choices = choices_from_store(store)
    query = {PARAM_TERRITORIES: _joined(territories), PARAM_INDICATORS: _joined(indicators)}
    state, _notices = parse_state({key: value for key, value in query.items() if value}, choices)
    href, hidden = add_to_deck(choices, state)
    return {
        "table": comparison_table(store, choices, state),
        "trends": comparison_trends(store, choices, state),
        "query": serialise_state(state),
        "add_href": href,
        "add_hidden": hidden,
    }


@callback(
    output={"options": Output(compare_ids.COMPARE_TERRITORIES, "options")},
    inputs={"search": Input(compare_ids.COMPARE_TERRITORIES, "search_value")},
    state={"selected": State(compare_ids.COMPARE_TERRITORIES, "value")},
    prevent_initial_call=True,
)
def search_territories(search: Any, selected: Any) -> dict[str, Any]:
    """The territory picker's options for what is typed, when they are searched on the server (a France build has
    36,000); a région's are all in the page already."""
    store = store_for_callback()
    if not searched_on_server(store):
        raise PreventUpdate
    chosen = [value for value in selected or [] if isinstance(value, str)]
    return {"options": territory_options(store, search if isinstance(search, str) else "", chosen)}


register_permalink(
    compare_ids.COMPARE_PERMALINK,
    compare_ids.COMPARE_COPY,
    compare_ids.COMPARE_COPY_STATUS,
    query_id=compare_ids.COMPARE_QUERY,
)
