"""Callbacks of the ranking page (/classement): every control recomputes the view (`ranking.view`), the reset
button restores the index's defaults, and the permalink follows the state."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx

from dashboard.core.levels import LEVEL_DEPARTEMENT
from dashboard.core.store import store_for_callback
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.presentation import ids as presentation_ids
from dashboard.ranking import ids as ranking_ids
from dashboard.ranking.layout import notices_block
from dashboard.ranking.view import view
from dashboard.ui.permalink import register_permalink
from dashboard.ui.plain_rows import ROWS_ATTRIBUTE

#: What the controls update, by the name `ranking.view` gives each value (plus the notices).
OUTPUTS = {
    "notices": Output(ranking_ids.RANK_NOTICES, "children"),
    "summary": Output(ranking_ids.RANK_SUMMARY, "children"),
    "need_supply": Output(ranking_ids.RANK_NEED_SUPPLY, "figure"),
    "need_supply_caption": Output(f"{ranking_ids.RANK_NEED_SUPPLY}-legende", "children"),
    "contributions": Output(ranking_ids.RANK_CHART, "figure"),
    "contributions_caption": Output(f"{ranking_ids.RANK_CHART}-legende", "children"),
    "header": Output(f"{ranking_ids.RANK_TABLE}-entete", "children"),
    "rows": Output(ranking_ids.RANK_TABLE, ROWS_ATTRIBUTE),
    "count": Output(ranking_ids.RANK_COUNT, "children"),
    "sources": Output(ranking_ids.RANK_SOURCES, "children"),
    "query": Output(ranking_ids.RANK_QUERY, "data"),
    "map_href": Output(ranking_ids.RANK_MAP_LINK, "href"),
    "add_href": Output(presentation_ids.PRES_ADD_FROM_RANKING, "href"),
}
INPUTS = {
    "weights": Input({"type": ranking_ids.RANK_WEIGHT, "indicator": ALL}, "value"),
    "normalisation": Input(ranking_ids.RANK_NORMALISATION, "value"),
    "include_partial": Input(ranking_ids.RANK_PARTIAL, "value"),
    "reference": Input(ranking_ids.RANK_REFERENCE, "value"),
    "target": Input(ranking_ids.RANK_TARGET, "value"),
    "order": Input(ranking_ids.RANK_ORDER, "value"),
    "departements": Input(ranking_ids.RANK_DEPARTEMENTS, "value"),
    "kinds": Input(ranking_ids.RANK_KINDS, "value"),
    "band": Input(ranking_ids.RANK_BAND, "value"),
}


@callback(output=OUTPUTS, inputs=INPUTS, prevent_initial_call=True)
def update(weights: Any, **controls: Any) -> dict[str, Any]:
    """The view of the controls' state; a malformed value falls back to its default with a notice."""
    store = store_for_callback()
    indicators = [item["id"]["indicator"] for item in ctx.inputs_list[0]]
    values = weights if isinstance(weights, list) and len(weights) == len(indicators) else [None] * len(indicators)
    checked = needs_state.Controls(weights=dict(zip(indicators, values, strict=True)), **controls)
    state, notices = needs_state.state_from_controls(checked, list(store.display[LEVEL_DEPARTEMENT].codes))
    return {**view(store, state), "notices": notices_block(notices)}


@callback(
    output={
        "weights": Output({"type": ranking_ids.RANK_WEIGHT, "indicator": ALL}, "value"),
        "normalisation": Output(ranking_ids.RANK_NORMALISATION, "value"),
        "include_partial": Output(ranking_ids.RANK_PARTIAL, "value"),
    },
    inputs={"clicks": Input(ranking_ids.RANK_RESET, "n_clicks")},
    state={"slider_ids": State({"type": ranking_ids.RANK_WEIGHT, "indicator": ALL}, "id")},
    prevent_initial_call=True,
)
def reset(clicks: int | None, slider_ids: list[dict[str, str]]) -> dict[str, Any]:
    """The need index's default weights, normalisation and partial values."""
    return {
        "weights": [needs.default_weight(item["indicator"]) for item in slider_ids],
        "normalisation": "rang",
        "include_partial": [],
    }


register_permalink(
    ranking_ids.RANK_PERMALINK, ranking_ids.RANK_COPY, ranking_ids.RANK_COPY_STATUS, ranking_ids.RANK_QUERY
)
