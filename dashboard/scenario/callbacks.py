"""Callbacks of the « Projet envisagé » block, declared once per page that shows it (fiche, map): adding or
removing a project redoes the analysis and rewrites the projects, the before/after table and the address."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from dash import ALL, Input, Output, State, callback, ctx, html
from dash.exceptions import PreventUpdate

from dashboard.core.store import store_for_callback
from dashboard.map import ids as map_ids
from dashboard.map.need_index import score_state
from dashboard.needs import state as needs_state
from dashboard.needs.projects import (
    MAX_PLACES,
    MAX_PROJECTS,
    Project,
    ProjectChoices,
    parse_projects,
    project_choices,
    whole_places,
    write_projects,
)
from dashboard.needs.scenario import RANK_ONLY, position_figure, what_if
from dashboard.needs.state import NeedsState
from dashboard.scenario import ids
from dashboard.scenario.layout import (
    deck_href,
    epci_of_selection,
    figure_caption,
    projects_list,
    results,
    scenario_block,
)
from dashboard.ui.permalink import register_permalink


def new_project(kind: Any, places: Any, commune: Any, choices: ProjectChoices) -> tuple[Project | None, str]:
    """The project the form describes, or a French message saying what is missing."""
    number = whole_places(places)
    if not isinstance(kind, str) or kind not in choices.kinds:  # a callback body may hold anything
        return None, "Choisissez un type de résidence."
    if number is None:
        return None, f"Indiquez un nombre entier de places, de 1 à {MAX_PLACES}."
    if not isinstance(commune, str) or commune not in choices.communes:
        return None, "Choisissez la commune du projet."
    return Project(kind, number, commune), ""


def edited_projects(
    projects: tuple[Project, ...], form: dict[str, Any], choices: ProjectChoices
) -> tuple[tuple[Project, ...], str]:
    """The projects after the click that triggered the callback, and the status line."""
    trigger = ctx.triggered_id
    if isinstance(trigger, dict):  # a « Retirer » button
        index = trigger.get("index")
        kept = tuple(project for at, project in enumerate(projects) if at != index)
        return kept, "Projet retiré." if len(kept) < len(projects) else ""
    if len(projects) >= MAX_PROJECTS:
        return projects, f"{MAX_PROJECTS} projets au plus : retirez-en un pour en ajouter un autre."
    project, message = new_project(form["kind"], form["places"], form["commune"], choices)
    if project is None:
        return projects, message
    return (*projects, project), "Projet ajouté : l'effet est calculé ci-dessous."


def context_state(context: Any, projects: tuple[Project, ...]) -> tuple[str, NeedsState]:
    """The EPCI and the analysis parameters of the page (context store), with `projects`."""
    context = context if isinstance(context, dict) else {}
    query = dict(parse_qsl(str(context.get("query") or "").lstrip("?")))
    state, _ = needs_state.parse_needs(query, only=needs_state.ANALYSIS_PARAMS)
    return str(context.get("epci") or ""), replace(state, projects=projects)


def register(scope: str) -> None:
    """The callbacks of the block on the page `scope`."""
    register_edits(scope)
    register_position(scope)


def register_edits(scope: str) -> None:
    """Adding or removing a project: projects, list, before/after table, status, address and slide link."""

    @callback(
        output={
            "projects": Output(ids.projects_store(scope), "data", allow_duplicate=True),
            "listing": Output(ids.scoped(ids.LIST, scope), "children"),
            "results": Output(ids.scoped(ids.RESULTS, scope), "children"),
            "status": Output(ids.scoped(ids.STATUS, scope), "children"),
            "query": Output(ids.scoped(ids.QUERY, scope), "data"),
            "deck": Output(ids.scoped(ids.DECK, scope), "href"),
            "share_hidden": Output(ids.scoped(f"{ids.DECK}-bloc", scope), "hidden"),
        },
        inputs={
            "add": Input(ids.scoped(ids.ADD, scope), "n_clicks"),
            "submit": Input(ids.scoped(ids.PLACES, scope), "n_submit"),
            "removed": Input(ids.removal(scope, ALL), "n_clicks"),
            "kind": State(ids.scoped(ids.KIND, scope), "value"),
            "places": State(ids.scoped(ids.PLACES, scope), "value"),
            "commune": State(ids.scoped(ids.COMMUNE, scope), "value"),
            "current": State(ids.projects_store(scope), "data"),
            "context": State(ids.scoped(ids.CONTEXT, scope), "data"),
        },
        prevent_initial_call=True,
    )
    def update_projects(add, submit, removed, kind, places, commune, current, context) -> dict[str, Any]:
        """Add or remove one project, then redo the analysis with the page's parameters."""
        if not any(trigger.get("value") for trigger in ctx.triggered):
            raise PreventUpdate  # the block or its list was just drawn: no click yet
        store = store_for_callback()
        choices = project_choices(store)
        projects, _ = parse_projects(current if isinstance(current, str) else "", choices)
        projects, status = edited_projects(projects, {"kind": kind, "places": places, "commune": commune}, choices)
        siren, state = context_state(context, projects)
        scenario = what_if(store, state.parameters, RANK_ONLY)
        return {
            "projects": write_projects(projects) or "",
            "listing": projects_list(scenario, siren, scope),
            "results": results(scenario, siren),
            "status": status,
            "query": needs_state.serialise_needs(state, only=needs_state.SCENARIO_PARAMS),
            "deck": deck_href(scenario, siren),
            "share_hidden": not projects,
        }


def register_position(scope: str) -> None:
    """The need × supply chart, redrawn once the projects changed."""

    @callback(
        output={
            "figure": Output(ids.scoped(ids.FIGURE, scope), "figure"),
            "caption": Output(ids.scoped(ids.CAPTION, scope), "children"),
            "hidden": Output(ids.scoped(ids.FIGURE_BLOCK, scope), "hidden"),
        },
        inputs={
            "current": Input(ids.projects_store(scope), "data"),
            "context": State(ids.scoped(ids.CONTEXT, scope), "data"),
        },
        prevent_initial_call=True,
    )
    def redraw_position(current: Any, context: Any) -> dict[str, Any]:
        """The need × supply chart once the table is shown (drawn apart so that the table comes first)."""
        store = store_for_callback()
        projects, _ = parse_projects(current if isinstance(current, str) else "", project_choices(store))
        siren, state = context_state(context, projects)
        if not projects:
            return {"figure": {}, "caption": "", "hidden": True}
        scenario = what_if(store, state.parameters, RANK_ONLY)
        return {
            "figure": position_figure(scenario, siren),
            "caption": figure_caption(scenario),
            "hidden": False,
        }


register(ids.SCOPE_FICHE)
register_edits(ids.SCOPE_MAP)


@callback(
    output={"block": Output(map_ids.MAP_PANEL_PROJECT, "children")},
    inputs={"code": Input(map_ids.MAP_TERRITORY, "value")},
    state={
        "level": State(map_ids.MAP_DRAWN_LEVEL, "data"),
        "score": State(map_ids.MAP_SCORE, "data"),
        "projects": State(map_ids.MAP_PROJECTS, "data"),
    },
)
def map_project_block(code: Any, level: Any, score: Any, projects: Any) -> dict[str, Any]:
    """Under the selected territory's figures on the map: « Projet envisagé » for its EPCI (a commune's EPCI,
    that commune preset), folded unless a project is already placed there."""
    store = store_for_callback()
    siren, commune = epci_of_selection(store, level, code)
    if siren is None:
        return {"block": None}
    choices = project_choices(store)
    planned, _ = parse_projects(projects if isinstance(projects, str) else "", choices)
    state = replace(score_state(score if isinstance(score, str) else None), projects=planned)
    here = any(choices.epci_of.get(project.commune) == siren for project in planned)
    return {
        "block": html.Details(
            [
                html.Summary("Projet envisagé : et si une résidence ouvrait ici ?", className="map-project-summary"),
                scenario_block(store, siren, state, ids.SCOPE_MAP, commune),
            ],
            open=here,
            className="map-project",
        )
    }


register_permalink(
    ids.scoped(ids.PERMALINK, ids.SCOPE_FICHE),
    ids.scoped(ids.COPY, ids.SCOPE_FICHE),
    ids.scoped(ids.COPY_STATUS, ids.SCOPE_FICHE),
    query_id=ids.scoped(ids.QUERY, ids.SCOPE_FICHE),
)
