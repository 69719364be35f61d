"""The editor's « Ajouter une diapositive » form: one group of fields per kind of slide, the group of the
chosen kind shown (`dashboard.presentation.callbacks.show_fields`). Flat layout declarations."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core import catalogue
from dashboard.core.levels import LEVEL_EPCI, LEVELS
from dashboard.core.store import Store
from dashboard.map import components as map_components
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation import specs
from dashboard.presentation.specs import DeckChoices
from dashboard.ui.components import DROPDOWN_LABELS

#: The kind of slide the form proposes first.
FIRST_KIND = specs.KIND_MAP


def radio_field(legend: str, field_id: str, labels: dict[str, str], value: str, **props: Any) -> html.Fieldset:
    """Radio buttons, one per `labels` entry (value → label), under their legend."""
    options = [{"label": label, "value": key} for key, label in labels.items()]
    return html.Fieldset(
        [html.Legend(legend), dcc.RadioItems(id=field_id, options=options, value=value, **props)],
        className="map-field",
    )


def field_group(kind: str, children: list[Any]) -> html.Div:
    """The fields of one kind of slide, hidden unless it is the kind proposed first."""
    return html.Div(
        children,
        id={"type": presentation_ids.PRES_FORM_GROUP, "kind": kind},
        className="deck-form-group",
        hidden=kind != FIRST_KIND,
    )


def epci_options(choices: DeckChoices) -> list[dict[str, str]]:
    """The région's EPCI in alphabetical order (accents ignored)."""
    return sorted(
        ({"label": name, "value": code} for code, name in choices.epcis.items()),
        key=lambda option: catalogue.normalise(option["label"]),
    )


def map_fields(store: Store, choices: DeckChoices) -> html.Div:
    return field_group(
        specs.KIND_MAP,
        [
            html.Label("Indicateur", htmlFor=presentation_ids.PRES_FORM_INDICATOR),
            dcc.Dropdown(
                id=presentation_ids.PRES_FORM_INDICATOR,
                options=map_components.indicator_options(store),
                value=next((key for key in choices.map_featured if key in choices.levels), None),
                clearable=False,
                search_order="original",
                labels=DROPDOWN_LABELS,
            ),
            radio_field(
                "Niveau", presentation_ids.PRES_FORM_LEVEL, LEVELS, LEVEL_EPCI, inline=True, className="radio-inline"
            ),
        ],
    )


def ranking_fields() -> html.Div:
    return field_group(
        specs.KIND_RANKING,
        [
            html.Label(
                f"Nombre de territoires ({specs.MIN_TOP} à {specs.MAX_TOP})", htmlFor=presentation_ids.PRES_FORM_TOP
            ),
            dcc.Input(
                id=presentation_ids.PRES_FORM_TOP,
                type="number",
                min=specs.MIN_TOP,
                max=specs.MAX_TOP,
                step=1,
                value=specs.DEFAULT_TOP,
            ),
            html.P(
                "Classement par places manquantes au regard du besoin, réglages par défaut (taux national) ; "
                "pour d'autres poids, réglez-les sur la page Classement puis « Ajouter ce classement à la "
                "présentation », ou écrivez-les dans l'adresse "
                "(classement:10:part_minima_sociaux_2019:2,loyer_appartement:1).",
                className="map-hint",
            ),
        ],
    )


def territory_fields(choices: DeckChoices) -> html.Div:
    return field_group(
        specs.KIND_TERRITORY,
        [
            html.Label("Territoire (EPCI)", htmlFor=presentation_ids.PRES_FORM_TERRITORY),
            dcc.Dropdown(
                id=presentation_ids.PRES_FORM_TERRITORY,
                options=epci_options(choices),
                placeholder="Rechercher un EPCI…",
                labels=DROPDOWN_LABELS,
            ),
        ],
    )


def comparison_fields(choices: DeckChoices) -> html.Div:
    return field_group(
        specs.KIND_COMPARISON,
        [
            html.Label(
                f"Territoires à comparer ({specs.MIN_COMPARED} à {specs.MAX_COMPARED} EPCI)",
                htmlFor=presentation_ids.PRES_FORM_COMPARED,
            ),
            dcc.Dropdown(
                id=presentation_ids.PRES_FORM_COMPARED,
                options=epci_options(choices),
                multi=True,
                placeholder="Rechercher des EPCI…",
                labels=DROPDOWN_LABELS,
            ),
            html.Label(
                f"Indicateurs (1 à {specs.MAX_COMPARED_INDICATORS})",
                htmlFor=presentation_ids.PRES_FORM_COMPARED_INDICATORS,
            ),
            dcc.Dropdown(
                id=presentation_ids.PRES_FORM_COMPARED_INDICATORS,
                options=[{"label": choices.label(key), "value": key} for key in choices.epci_indicators],
                value=choices.compared_defaults(),
                multi=True,
                labels=DROPDOWN_LABELS,
            ),
        ],
    )


def add_form(store: Store, choices: DeckChoices) -> html.Section:
    return html.Section(
        [
            html.H2("Ajouter une diapositive"),
            html.P(
                "Vous pouvez aussi ajouter la vue en cours depuis la carte ou depuis la fiche d'un territoire "
                "(bouton « Ajouter à la présentation »).",
                className="map-hint",
            ),
            radio_field(
                "Type de diapositive",
                presentation_ids.PRES_FORM_KIND,
                specs.FORM_KINDS,
                FIRST_KIND,
                className="radio-list",
            ),
            map_fields(store, choices),
            ranking_fields(),
            territory_fields(choices),
            comparison_fields(choices),
            html.Button(
                "Ajouter la diapositive",
                id=presentation_ids.PRES_FORM_ADD,
                type="button",
                className="button button-primary",
            ),
            html.P(id=presentation_ids.PRES_FORM_ERROR, className="deck-form-error", role="alert"),
        ],
        className="panel deck-form",
    )
