"""The « Projet envisagé » block: a form to place planned residences in the EPCI's communes, the projects, and
the EPCI's figures before and after them (dashboard.needs.scenario). Same block on the fiche and on the map."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core.formatting import typo
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.store import Store
from dashboard.needs import state as needs_state
from dashboard.needs.figures import graph_config, need_supply_caption
from dashboard.needs.projects import MAX_PLACES, ProjectChoices, project_choices, project_sentence, write_projects
from dashboard.needs.scenario import RANK_ONLY, WhatIf, changes_table, method_note, position_figure, summary, what_if
from dashboard.needs.state import NeedsState
from dashboard.presentation.buttons import add_link
from dashboard.presentation.request import add_href
from dashboard.presentation.specs import KIND_SCENARIO, SlideSpec
from dashboard.scenario import ids
from dashboard.ui.components import DROPDOWN_LABELS
from dashboard.ui.permalink import permalink_field

MAP_INTRODUCTION = (
    "Placez une résidence envisagée dans une commune de l'EPCI : son offre, son écart et son rang de priorité sont "
    "recalculés, avant et après (estimations). Les projets s'ajoutent à l'adresse de la carte."
)
DEFAULT_KIND = "pension_de_famille"
DEFAULT_PLACES = 25
INTRODUCTION = (
    "Ajoutez une ou plusieurs résidences envisagées (type, nombre de places, commune) : l'offre de l'EPCI, son écart "
    "à la référence, sa position besoin × offre et son rang de priorité sont recalculés aussitôt, avant et après. "
    "Les projets sont dans l'adresse de la page : partagez-la ou ajoutez le scénario à la présentation."
)


def commune_options(choices: ProjectChoices, siren: str | None) -> list[dict[str, str]]:
    """The communes of the EPCI, by name (« Amiens (80021) »)."""
    codes = [code for code, epci in choices.epci_of.items() if epci == siren]
    return [
        {"label": choices.commune_label(code), "value": code}
        for code in sorted(codes, key=lambda code: choices.communes[code])
    ]


def projects_list(scenario: WhatIf, siren: str, scope: str) -> html.Div:
    """The projects with a « Retirer » button each (all projects of the address, those of this EPCI first)."""
    projects = sorted(
        enumerate(scenario.projects), key=lambda item: scenario.choices.epci_of.get(item[1].commune) != siren
    )
    if not projects:
        return html.P("Aucun projet envisagé pour l'instant.", className="scenario-empty")
    items = []
    for index, project in projects:
        elsewhere = scenario.choices.epci_of.get(project.commune) != siren
        items.append(
            html.Li(
                [
                    html.Span(project_sentence(project, scenario.choices)),
                    html.Span(" (dans un autre EPCI)", className="cell-detail") if elsewhere else None,
                    html.Button(
                        "Retirer",
                        id=ids.removal(scope, index),
                        type="button",
                        className="button button-small",
                        **{"aria-label": f"Retirer : {project_sentence(project, scenario.choices)}"},
                    ),
                ],
                className="scenario-project",
            )
        )
    return html.Ul(items, className="scenario-projects")


def results(scenario: WhatIf, siren: str) -> list[Any]:
    """The summary sentence, the before/after table and how it is computed."""
    if not scenario.projects:
        return [html.P("Ajoutez un projet pour voir l'offre, l'écart et le rang évoluer.", className="scenario-empty")]
    return [
        html.P(summary(scenario, siren), className="notice notice-info scenario-summary"),
        changes_table(scenario, siren, "Avant et après les projets envisagés (estimations)"),
        html.P(method_note(scenario), className="figure-source"),
    ]


def figure_caption(scenario: WhatIf) -> str:
    """What the position chart shows (the outliers beyond its axis included)."""
    return typo(
        "Position besoin × offre avec les projets : le cercle vide est ce territoire sans eux, la flèche montre le "
        "déplacement. " + need_supply_caption(scenario.after)
    )


def position_block(scenario: WhatIf, siren: str, scope: str) -> html.Figure:
    """The need × supply chart with the EPCI before and after (hidden without project; redrawn on its own)."""
    return html.Figure(
        [
            dcc.Graph(
                id=ids.scoped(ids.FIGURE, scope),
                figure=position_figure(scenario, siren) if scenario.projects else {},
                config=graph_config(),
                className="scenario-graph",
            ),
            html.Figcaption(figure_caption(scenario), id=ids.scoped(ids.CAPTION, scope), className="figure-source"),
        ],
        id=ids.scoped(ids.FIGURE_BLOCK, scope),
        className="scenario-figure",
        hidden=not scenario.projects,
    )


def deck_href(scenario: WhatIf, siren: str) -> str:
    """The « Ajouter à la présentation » address of the « Scénario » slide (its projects only)."""
    return add_href(SlideSpec(KIND_SCENARIO, codes=(siren,), projects=scenario.projects))


def epci_of_selection(store: Store, level: Any, code: Any) -> tuple[str | None, str | None]:
    """(EPCI, commune) of a territory selected on the map: an EPCI itself, or a commune's EPCI and the commune."""
    choices = project_choices(store)
    if not isinstance(code, str):
        return None, None
    if level == LEVEL_EPCI and code in set(choices.epci_of.values()):
        return code, None
    if level == LEVEL_COMMUNE and code in choices.epci_of:
        return choices.epci_of[code], code
    return None, None


def context_data(siren: str | None, state: NeedsState) -> dict[str, str | None]:
    """What the callbacks need to redo the analysis: the EPCI and the analysis parameters (without projects)."""
    return {"epci": siren, "query": needs_state.serialise_needs(state, only=needs_state.ANALYSIS_PARAMS)}


def form(choices: ProjectChoices, siren: str | None, scope: str, commune: str | None = None) -> html.Div:
    """Type, places and commune of a new project, and the « Ajouter » button."""
    return html.Div(
        [
            html.Div(
                [
                    html.Label("Type de résidence", htmlFor=ids.scoped(ids.KIND, scope)),
                    dcc.Dropdown(
                        id=ids.scoped(ids.KIND, scope),
                        options=[{"label": label, "value": key} for key, label in choices.kinds.items()],
                        value=DEFAULT_KIND if DEFAULT_KIND in choices.kinds else None,
                        clearable=False,
                        searchable=False,
                        labels=DROPDOWN_LABELS,
                    ),
                ],
                className="scenario-field",
            ),
            html.Div(
                [
                    html.Label(f"Places (1 à {MAX_PLACES})", htmlFor=ids.scoped(ids.PLACES, scope)),
                    dcc.Input(
                        id=ids.scoped(ids.PLACES, scope),
                        type="number",
                        min=1,
                        max=MAX_PLACES,
                        step=1,
                        value=DEFAULT_PLACES,
                        className="scenario-places",
                    ),
                ],
                className="scenario-field",
            ),
            html.Div(
                [
                    html.Label("Commune", htmlFor=ids.scoped(ids.COMMUNE, scope)),
                    dcc.Dropdown(
                        id=ids.scoped(ids.COMMUNE, scope),
                        options=commune_options(choices, siren),
                        value=commune,
                        placeholder="Choisir une commune de l'EPCI",
                        labels=DROPDOWN_LABELS,
                    ),
                ],
                className="scenario-field scenario-field-wide",
            ),
            html.Button("Ajouter le projet", id=ids.scoped(ids.ADD, scope), type="button", className="button"),
            html.P(id=ids.scoped(ids.STATUS, scope), role="status", className="scenario-status"),
        ],
        className="scenario-form no-print",
    )


def share_block(scenario: WhatIf, siren: str, scope: str) -> html.Div:
    """The scenario's address (fiche only: the map has its own) and « Ajouter le scénario à la présentation »."""
    permalink = (
        permalink_field(
            "Lien vers ce scénario",
            ids.scoped(ids.PERMALINK, scope),
            ids.scoped(ids.COPY, scope),
            ids.scoped(ids.COPY_STATUS, scope),
        )
        if scope == ids.SCOPE_FICHE
        else None
    )
    return html.Div(
        [
            permalink,
            add_link(
                deck_href(scenario, siren),
                ids.scoped(ids.DECK, scope),
                KIND_SCENARIO,
                "Ajouter le scénario à la présentation",
            ),
        ],
        className="scenario-share no-print",
        hidden=not scenario.projects,
        id=ids.scoped(f"{ids.DECK}-bloc", scope),
    )


def scenario_block(store: Store, siren: str, state: NeedsState, scope: str, commune: str | None = None) -> html.Div:
    """The whole block for the EPCI `siren`, the form's commune preset to `commune`. On the fiche it keeps its
    projects and draws the need × supply chart; on the map the page keeps the projects (ids.projects_store)."""
    scenario = what_if(store, state.parameters, RANK_ONLY)
    on_fiche = scope == ids.SCOPE_FICHE
    return html.Div(
        [
            html.P(typo(INTRODUCTION if on_fiche else MAP_INTRODUCTION)),
            form(project_choices(store), siren, scope, commune),
            html.Div(projects_list(scenario, siren, scope), id=ids.scoped(ids.LIST, scope)),
            html.Div(
                [
                    html.Div(
                        results(scenario, siren),
                        id=ids.scoped(ids.RESULTS, scope),
                        role="region",
                        **{"aria-live": "polite", "aria-label": "Effet des projets envisagés"},
                    ),
                    position_block(scenario, siren, scope) if on_fiche else None,
                ],
                className="scenario-results",
            ),
            share_block(scenario, siren, scope),
            dcc.Store(id=ids.scoped(ids.PROJECTS, scope), data=write_projects(state.projects) or "")
            if on_fiche
            else None,
            dcc.Store(id=ids.scoped(ids.CONTEXT, scope), data=context_data(siren, state)),
            dcc.Store(
                id=ids.scoped(ids.QUERY, scope),
                data=needs_state.serialise_needs(state, only=needs_state.SCENARIO_PARAMS),
            ),
        ],
        className="scenario-block",
    )
