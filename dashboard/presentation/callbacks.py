"""Callbacks of the presentation editor and of its links on the map page: they only wire pure functions
(registered when `dashboard.pages.presentation` imports this module)."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback

from dashboard.core.store import store_for_callback
from dashboard.map import ids as map_ids
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.links import map_actions
from dashboard.presentation.parsing import SlideError, parse_deck, spec_from_form
from dashboard.presentation.request import PARAM_ADD, deck_href
from dashboard.presentation.specs import MAX_SLIDES, DeckChoices, choices_from_store
from dashboard.ui.permalink import register_permalink

FORM = {
    "kind": State(presentation_ids.PRES_FORM_KIND, "value"),
    "indicator": State(presentation_ids.PRES_FORM_INDICATOR, "value"),
    "level": State(presentation_ids.PRES_FORM_LEVEL, "value"),
    "top": State(presentation_ids.PRES_FORM_TOP, "value"),
    "territory": State(presentation_ids.PRES_FORM_TERRITORY, "value"),
    "compared": State(presentation_ids.PRES_FORM_COMPARED, "value"),
    "compared_indicators": State(presentation_ids.PRES_FORM_COMPARED_INDICATORS, "value"),
}


def slide_added(form: dict[str, Any], deck_text: str | None, choices: DeckChoices) -> dict[str, Any]:
    """The address of the deck with the form's slide added (`href`), or why it is not (`error`)."""
    try:
        spec = spec_from_form(**form, choices=choices)
    except SlideError as error:
        message = str(error)
        return {"href": dash.no_update, "error": f"Diapositive non ajoutée : {message[0].lower()}{message[1:]}."}
    slides, _ = parse_deck(deck_text, choices)
    if len(slides) >= MAX_SLIDES:
        return {
            "href": dash.no_update,
            "error": f"La présentation compte déjà {MAX_SLIDES} diapositives : retirez-en une d'abord.",
        }
    return {"href": deck_href(slides, **{PARAM_ADD: spec.token}), "error": ""}


@callback(
    output={"hidden": Output({"type": presentation_ids.PRES_FORM_GROUP, "kind": ALL}, "hidden")},
    inputs={"kind": Input(presentation_ids.PRES_FORM_KIND, "value")},
    state={"groups": State({"type": presentation_ids.PRES_FORM_GROUP, "kind": ALL}, "id")},
    prevent_initial_call=True,
)
def show_fields(kind: str, groups: list[dict[str, str]]) -> dict[str, list[bool]]:
    """Only the fields of the chosen kind of slide are shown."""
    return {"hidden": [group["kind"] != kind for group in groups]}


@callback(
    output={
        "href": Output(presentation_ids.PRES_LOCATION, "href"),
        "error": Output(presentation_ids.PRES_FORM_ERROR, "children"),
    },
    inputs={"_clicks": Input(presentation_ids.PRES_FORM_ADD, "n_clicks")},
    state={"form": FORM, "state": State(presentation_ids.PRES_STATE, "data")},
    prevent_initial_call=True,
)
def add_slide(_clicks: int | None, form: dict[str, Any], state: dict[str, Any] | None) -> dict[str, Any]:
    """« Ajouter la diapositive »: go to the deck with the slide appended (as `ajouter`)."""
    choices = choices_from_store(store_for_callback())
    return slide_added(form, (state or {}).get("deck"), choices)


@callback(
    output={"actions": Output(map_ids.MAP_PRESENTATION_ACTIONS, "children")},
    inputs={"query": Input(map_ids.MAP_QUERY, "data")},
)
def update_map_actions(query: str | None) -> dict[str, Any]:
    """The map page's view changes its query (map_ids.MAP_QUERY): the links follow it."""
    return {"actions": map_actions(store_for_callback(), query)}


# The deck kept in the browser: « Reprendre la présentation en cours » and the canonical address.
clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="sync"),
    Output(presentation_ids.PRES_RESUME, "href"),
    Output(presentation_ids.PRES_RESUME_BLOCK, "hidden"),
    Input(presentation_ids.PRES_STATE, "data"),
)

register_permalink(
    presentation_ids.PRES_PERMALINK,
    presentation_ids.PRES_COPY,
    presentation_ids.PRES_COPY_STATUS,
    namespace="presentation",
)
