"""Callbacks of the territory fiche: the search by name of the « introuvable » page, and the print button."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback, clientside_callback

from dashboard.core.store import store_for_callback
from dashboard.territory import ids as territory_ids
from dashboard.territory.page import search_results


@callback(
    output={"results": Output(territory_ids.FICHE_SEARCH_RESULTS, "children")},
    inputs={"text": Input(territory_ids.FICHE_SEARCH, "value")},
    prevent_initial_call=True,
)
def search(text: str | None) -> dict[str, Any]:
    """Links to the EPCIs whose name contains the text typed."""
    return {"results": search_results(store_for_callback(), text)}


clientside_callback(
    "function (clicks) { if (clicks) { window.print(); } return window.dash_clientside.no_update; }",
    Output(f"{territory_ids.FICHE_PRINT}-sortie", "children"),
    Input(territory_ids.FICHE_PRINT, "n_clicks"),
    prevent_initial_call=True,
)
