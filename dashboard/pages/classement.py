"""Ranking page (/classement): where places in résidences sociales are missing, EPCI by EPCI.

Two axes (a need index built from demand-side indicators, and the existing supply in places), the priority
that combines them (shortfall in places against the supply expected given the need), the gap to a reference
rate, and the robustness of each rank. Weights, reference, order and filters live in the URL.

Computations: `dashboard.needs.model` and `dashboard.needs.analysis`; URL: `dashboard.needs.state`; shared charts and
tables: `dashboard.needs.views`. This module lays them out and wires the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash
import numpy as np
import pandas as pd
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard.content import typo
from dashboard.core import catalogue, formatting, routes
from dashboard.core.levels import LEVEL_DEPARTEMENT
from dashboard.core.perimeter import of_region
from dashboard.core.store import Store, StoreError, current_store
from dashboard.map.components import notices_component
from dashboard.needs import ids as needs_ids
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.needs import views as needs_views
from dashboard.needs.analysis import Analysis, analyse, needs_inputs, reference, source_of, supply_of
from dashboard.needs.arguments import places_text, range_text
from dashboard.needs.state import NeedsState
from dashboard.presentation import deck
from dashboard.presentation import ids as presentation_ids
from dashboard.territory import fiche
from dashboard.ui.components import requires_store

dash.register_page(
    __name__,
    path=routes.RANKING,
    name="Classement",
    title="Où manque-t-il des places ? Classement des EPCI — Résidences sociales",
    description=lambda: f"Besoin, offre en places et priorité (estimations) des EPCI {of_region()}.",
    order=5,
)

CHART_TOP = 15
HEADING = "Où manque-t-il des places en résidences sociales ?"


# --- Pure builders ----------------------------------------------------------------------------------


def filtered_codes(territories: pd.DataFrame, state: NeedsState) -> list[str]:
    """EPCIs shown with the filters (need index, priority and ranks stay computed over the whole région)."""
    keep = pd.Series(True, index=territories.index)
    if state.departements:
        keep &= territories["departement_code"].isin(state.departements)
    if state.kinds:
        keep &= territories["kind"].replace({"MET69": "METRO"}).isin(state.kinds)
    if state.band:
        _, low, high = needs_state.BANDS[state.band]
        population = territories["population"].astype(float)
        keep &= (population >= low) & (population < high)
    return list(territories.index[keep])


def interval_text(row: Mapping[str, float]) -> str:
    if not np.isfinite(row["rank"]):
        return "–"
    low, high = int(row["rank_low"]), int(row["rank_high"])
    return f"{low} – {high}" if low != high else str(low)


def table_rows(analysis: Analysis, codes: Sequence[str], state: NeedsState) -> list[html.Tr]:
    # Plain dicts: per-row pandas lookups would cost more than the whole analysis.
    table = analysis.table.to_dict("index")
    territories = analysis.inputs.territories.to_dict("index")
    names = analysis.inputs.departement_names
    ranked_count = analysis.ranked
    rows = []
    for code in codes:
        row, territory = table[code], territories[code]
        ranked = np.isfinite(row["rank"])
        robust = ranked and needs.robust_top(row["rank_high"])
        details = [
            names.get(territory["departement_code"], territory["departement_code"]),
            str(territory["kind"]).replace("METRO", "Métropole").replace("MET69", "Métropole"),
            f"{formatting.format_number(territory['population'])} hab.",
        ]
        notes = []
        if row["n_masked"]:
            notes.append(f"{int(row['n_masked'])} valeur(s) partielle(s) écartée(s)")
        elif row["n_missing"]:
            notes.append(f"{int(row['n_missing'])} indicateur(s) manquant(s)")
        explanation = needs_views.top_explanation(analysis, code) if ranked and row["rank"] <= needs.TOP else None
        rows.append(
            html.Tr(
                [
                    html.Td(formatting.ordinal(int(row["rank"])) if ranked else "–", className="cell-number"),
                    html.Th(
                        [
                            dcc.Link(str(territory["name"]), href=fiche.fiche_href(code, state)),
                            html.Span(f" dans les {needs.TOP} premiers", className="badge-robust") if robust else None,
                            html.Span(" · ".join(details), className="cell-detail"),
                            html.Span(" ; ".join(notes), className="cell-detail") if notes else None,
                            html.Span(explanation, className="cell-explanation") if explanation else None,
                        ],
                        scope="row",
                    ),
                    html.Td(needs_views.number(row["need"], 0), className="cell-number"),
                    html.Td(
                        f"{needs_views.number(row['supply_rate'])} → {needs_views.number(row['expected_rate'])}",
                        className="cell-number cell-nowrap",
                    ),
                    html.Td(needs_views.signed_places(row["shortfall_places"]), className="cell-number cell-strong"),
                    html.Td(needs_views.gap_cell(row), className="cell-number"),
                    html.Td(
                        [
                            html.Span(interval_text(row), className="cell-interval"),
                            html.Span(needs_views.robustness_cell(row, ranked_count), className="cell-detail"),
                        ],
                        className="cell-number",
                    ),
                ]
            )
        )
    return rows


def table_header(analysis: Analysis) -> html.Tr:
    reference = analysis.reference.label.split(" (")[0]
    labels = (
        ("Rang", None),
        ("EPCI", None),
        ("Besoin", "indice sur 100"),
        ("Offre → attendue", "places pour 10 000 hab."),
        ("Manque", "places, attendue − existante"),
        (f"Écart au {reference}", "places, et fourchette"),
        ("Rang", "90 % des tirages"),
    )
    return html.Tr(
        [
            html.Th(
                [typo(label), html.Span(typo(detail), className="cell-detail")] if detail else label,
                scope="col",
                className=None if position == 1 else "cell-number",
            )
            for position, (label, detail) in enumerate(labels)
        ]
    )


def summary(analysis: Analysis, state: NeedsState) -> list[Any]:
    """The top of the ranking in words, the région's total gap, what was left out."""
    table = analysis.table.join(analysis.inputs.territories["name"])
    order = needs.ORDERS[analysis.parameters.order].lower()
    used = ", ".join(
        f"{analysis.inputs.label(c.indicator)} ({needs_state.format_weight(c.weight)})" for c in analysis.components
    )
    items: list[Any] = [
        html.P(
            typo(
                f"{analysis.ranked} EPCI classés par {order}. Indice de besoin : {used}. Référence : "
                f"{analysis.reference.label}."
            )
        )
    ]
    total, low, high = analysis.total_gap
    if np.isfinite(total):
        verb = "il manquerait" if needs.round_places(total) > 0 else "l'offre dépasserait la référence de"
        items.append(
            html.P(
                html.Strong(
                    typo(
                        f"Pour l'ensemble de la région, au {analysis.reference.label.split(' (')[0]}, {verb} "
                        f"{places_text(total)} en résidences sociales ({range_text(low, high)}) : estimation."
                    )
                )
            )
        )
    robust = table[(table["rank_high"] <= needs.TOP) & table["rank"].notna()].sort_values("rank")
    if len(robust):
        items.append(
            html.P(
                [
                    html.Strong(
                        typo(f"Dans les {needs.TOP} premiers pour au moins 95 % des {analysis.draws} tirages : ")
                    ),
                    *_join(
                        [dcc.Link(name, href=fiche.fiche_href(code, state)) for code, name in robust["name"].items()]
                    ),
                    ".",
                ]
            )
        )
    else:
        items.append(
            html.P(
                typo(
                    f"Aucun EPCI ne reste dans les {needs.TOP} premiers pour 95 % des tirages : le haut du classement "
                    "dépend des réglages."
                )
            )
        )
    masked = int((analysis.table["n_masked"] > 0).sum())
    if masked:
        items.append(
            html.P(
                typo(
                    f"{masked} EPCI ont une valeur approchée couvrant moins de 80 % de leur population : elle est "
                    "écartée de leur indice (voir la colonne EPCI)."
                    if not analysis.parameters.include_partial
                    else f"{masked} EPCI ont une valeur approchée couvrant moins de 80 % de leur population, incluse "
                    "à votre demande."
                )
            )
        )
    return items


def _join(items: list) -> list:
    joined: list = []
    for position, item in enumerate(items):
        if position:
            joined.append(", ")
        joined.append(item)
    return joined


def view(store: Store, state: NeedsState) -> dict[str, Any]:
    """Everything the callback updates, for a state (also used to render the page), by output name."""
    analysis = analyse(store, state.parameters)
    codes = analysis.order(filtered_codes(analysis.inputs.territories, state))
    ranked = [code for code in codes if np.isfinite(analysis.table.at[code, "rank"])]
    chart_codes = ranked[:CHART_TOP]
    total = len(analysis.inputs.territories)
    sources = sorted(
        {analysis.inputs.sources[c.indicator] for c in analysis.components if analysis.inputs.sources.get(c.indicator)}
    )
    return {
        "notices": None,
        "summary": summary(analysis, state),
        "need_supply": needs_views.need_supply_figure(analysis, labelled=ranked[: needs.TOP]),
        "need_supply_caption": needs_views.need_supply_caption(analysis),
        "contributions": needs_views.contribution_figure(analysis, chart_codes),
        "contributions_caption": typo(
            f"Contribution de chaque indicateur à l'indice de besoin des {len(chart_codes)} premiers EPCI affichés "
            "(points sur 100)."
        ),
        "header": table_header(analysis),
        "rows": table_rows(analysis, codes, state),
        "count": f"{len(codes)} EPCI affichés sur {total}"
        + (" (filtres actifs)" if len(codes) < total else "")
        + " ; rangs calculés sur l'ensemble de la région.",
        "sources": typo(
            f"Sources de l'indice : {' ; '.join(sources)}. Offre en places : "
            f"{source_of(store, 'places_residence_sociale_pour_10000')}."
        ),
        "query": needs_state.serialise_needs(state),
        "map_href": "/?indicateur=score_besoin&niveau=epci&"
        + needs_state.serialise_needs(state, only=needs_state.INDEX_PARAMS).lstrip("?"),
        "add_href": deck.add_href(deck.ranking_spec(state.weights)),
    }


# --- Layout -------------------------------------------------------------------------------------------


def weight_controls(entries: Mapping[str, Mapping], state: NeedsState) -> list[Any]:
    blocks = []
    for group, title in needs.GROUPS.items():
        members = [candidate for candidate in needs.CANDIDATES if candidate.group == group]
        rows = []
        for candidate in members:
            entry = entries.get(candidate.indicator, {})
            direction = int(entry.get("direction") or 0)
            rows.append(
                html.Div(
                    [
                        html.Label(
                            [
                                str(entry.get("label", candidate.indicator)),
                                " (valeur du département)" if candidate.inherited else "",
                                html.Span(
                                    " ↑ besoin" if direction > 0 else " ↓ besoin",
                                    className="weight-direction",
                                    title="Sens : une valeur plus élevée signale plus de besoin"
                                    if direction > 0
                                    else "Sens : une valeur plus élevée signale moins de besoin",
                                ),
                            ],
                            id=f"poids-{candidate.indicator}",
                            className="weight-label",
                        ),
                        html.Div(
                            dcc.Slider(
                                id={"type": needs_ids.RANK_WEIGHT, "indicator": candidate.indicator},
                                min=0,
                                max=needs.WEIGHT_MAX,
                                step=0.25,
                                marks={0: "0", 1: "1", 2: "2", 3: "3"},
                                value=state.weight(candidate.indicator),
                                updatemode="mouseup",
                                className="weight-slider",
                            ),
                            role="group",
                            **{"aria-labelledby": f"poids-{candidate.indicator}"},
                        ),
                        html.P(typo(candidate.reason), className="weight-reason"),
                    ],
                    className="weight-row",
                )
            )
        blocks.append(html.Fieldset([html.Legend(title), *rows], className="weight-group"))
    return blocks


def controls(store: Store, state: NeedsState) -> html.Div:
    entries = catalogue.indicator_entries(store)
    unavailable = [entry for entry in entries.values() if not entry.get("available", True)]
    departements = store.display[LEVEL_DEPARTEMENT].features
    supply = supply_of(store)
    references = {key: reference(store, supply, key) for key in ("france", "region")}
    return html.Div(
        [
            html.H2("Indice de besoin : indicateurs et poids"),
            html.P(
                typo(
                    "Seulement des indicateurs de la demande ; l'offre existante est un axe à part. Poids 0 : "
                    "indicateur non retenu."
                ),
                className="map-hint",
            ),
            *weight_controls(entries, state),
            dcc.Checklist(
                id=needs_ids.RANK_PARTIAL,
                options=[
                    {
                        "label": typo(
                            "Inclure les valeurs approchées qui couvrent moins de 80 % de la population de l'EPCI"
                        ),
                        "value": "incluses",
                    }
                ],
                value=["incluses"] if state.include_partial else [],
                className="layer-list",
            ),
            html.Details(
                [
                    html.Summary("Indicateurs non disponibles en données ouvertes"),
                    html.Ul(
                        [
                            html.Li(f"{entry['label']} — {entry.get('official_source') or 'source non publiée'}")
                            for entry in unavailable
                        ]
                    ),
                ],
                className="map-details",
            ),
            html.Fieldset(
                [
                    html.Legend("Normalisation"),
                    dcc.RadioItems(
                        id=needs_ids.RANK_NORMALISATION,
                        options=[
                            {"label": "Rang dans la région (par défaut)", "value": "rang"},
                            {"label": "Écart robuste à la médiane", "value": "z_robuste"},
                        ],
                        value=state.normalisation,
                        className="radio-list",
                    ),
                ],
                className="map-field",
            ),
            html.Button("Rétablir les réglages par défaut", id=needs_ids.RANK_RESET, className="button", type="button"),
            html.H2("Référence de l'offre"),
            html.Fieldset(
                [
                    html.Legend("Taux de référence (places en résidences sociales pour 10 000 habitants)"),
                    dcc.RadioItems(
                        id=needs_ids.RANK_REFERENCE,
                        options=[
                            {
                                "label": typo(references["france"].label.capitalize() + " (par défaut)"),
                                "value": "france",
                            },
                            {"label": typo(references["region"].label.capitalize()), "value": "region"},
                            {"label": "Objectif saisi ci-dessous", "value": "cible"},
                        ],
                        value=state.reference,
                        className="radio-list",
                    ),
                    html.Label("Objectif (places pour 10 000 habitants)", htmlFor=needs_ids.RANK_TARGET),
                    dcc.Input(
                        id=needs_ids.RANK_TARGET,
                        type="number",
                        min=0,
                        max=needs_state.MAX_TARGET,
                        step=0.5,
                        value=state.target,
                        debounce=True,
                        className="number-input",
                    ),
                    dcc.Link("Voir le calcul des places", href=routes.METHOD, className="map-definition-link"),
                ],
                className="map-field",
            ),
            html.H2("Ordre du classement"),
            html.Fieldset(
                [
                    html.Legend("Classer par"),
                    dcc.RadioItems(
                        id=needs_ids.RANK_ORDER,
                        options=[
                            {"label": label + (" (par défaut)" if key == "places" else ""), "value": key}
                            for key, label in needs.ORDERS.items()
                        ],
                        value=state.order,
                        className="radio-list",
                    ),
                ],
                className="map-field",
            ),
            html.H2("Filtres"),
            html.Fieldset(
                [
                    html.Legend("Départements"),
                    dcc.Checklist(
                        id=needs_ids.RANK_DEPARTEMENTS,
                        options=[
                            {"label": f"{name} ({code})", "value": code}
                            for code, name in zip(departements["code"], departements["name"], strict=True)
                        ],
                        value=list(state.departements),
                        className="layer-list",
                    ),
                ],
                className="map-field",
            ),
            html.Fieldset(
                [
                    html.Legend("Nature de l'EPCI"),
                    dcc.Checklist(
                        id=needs_ids.RANK_KINDS,
                        options=[{"label": label, "value": key} for key, label in needs_state.KINDS.items()],
                        value=list(state.kinds),
                        className="layer-list",
                    ),
                ],
                className="map-field",
            ),
            html.Fieldset(
                [
                    html.Legend("Population"),
                    dcc.RadioItems(
                        id=needs_ids.RANK_BAND,
                        options=[{"label": "Toutes tailles", "value": ""}]
                        + [{"label": label, "value": key} for key, (label, _, _) in needs_state.BANDS.items()],
                        value=state.band or "",
                        className="radio-list",
                    ),
                ],
                className="map-field",
            ),
        ],
        className="rank-controls map-controls",
    )


def permalink(map_href: str, add_href: str) -> html.Div:
    return html.Div(
        [
            html.Label("Lien vers ce classement", htmlFor=needs_ids.RANK_PERMALINK),
            html.Div(
                [
                    dcc.Input(
                        id=needs_ids.RANK_PERMALINK, type="text", readOnly=True, value="", className="permalink-input"
                    ),
                    html.Button("Copier le lien", id=needs_ids.RANK_COPY, className="button", type="button"),
                ],
                className="permalink-row",
            ),
            html.P(id=needs_ids.RANK_COPY_STATUS, role="status", className="copy-status"),
            html.P(
                [
                    html.A(
                        "Ajouter ce classement à la présentation",
                        href=add_href,
                        id=presentation_ids.PRES_ADD_FROM_RANKING,
                        className="button button-secondary",
                        **{"data-deck-add": "classement"},
                    ),
                    dcc.Link(
                        "Voir l'indice de besoin sur la carte",
                        href=map_href,
                        id=needs_ids.RANK_MAP_LINK,
                        className="map-definition-link",
                    ),
                ],
                className="rank-actions",
            ),
        ],
        className="permalink",
    )


def chart_section(title: str, graph_id: str, figure: dict[str, Any], caption: str) -> html.Section:
    """A chart with its title and its caption (the caption's id is the graph's + « -legende »)."""
    return html.Section(
        [
            html.H2(title),
            html.P(caption, id=f"{graph_id}-legende", className="map-hint"),
            dcc.Graph(id=graph_id, figure=figure, config=needs_views.graph_config(), className="rank-chart"),
        ]
    )


@requires_store
def content(store: Store, query: Mapping[str, Any]) -> html.Div:
    departements = list(store.display[LEVEL_DEPARTEMENT].codes)
    state, notices = needs_state.parse_needs(query, departements)
    notices += [
        f"Paramètre « {name[:40]} » inconnu : il est ignoré." for name in query if name not in needs_state.ACCEPTED
    ]
    if not needs_inputs(store).supply.available:
        notices.append(
            "Les places ne peuvent pas être estimées avec cette construction (chiffres DREES de la région absents) : "
            "seul l'indice de besoin est calculé."
        )
    shown = view(store, state)
    return html.Div(
        [
            html.Div(notices_component(notices), id=needs_ids.RANK_NOTICES),
            html.Div(
                [
                    controls(store, state),
                    dcc.Loading(
                        html.Div(
                            [
                                html.Section(
                                    shown["summary"],
                                    id=needs_ids.RANK_SUMMARY,
                                    className="panel rank-summary",
                                    **{"aria-live": "polite"},
                                ),
                                permalink(shown["map_href"], shown["add_href"]),
                                chart_section(
                                    "Besoin et offre",
                                    needs_ids.RANK_NEED_SUPPLY,
                                    shown["need_supply"],
                                    shown["need_supply_caption"],
                                ),
                                html.Section(
                                    [
                                        html.H2("Tableau du classement"),
                                        html.P(shown["count"], id=needs_ids.RANK_COUNT, role="status"),
                                        html.P(
                                            typo(
                                                "Manque au regard du besoin = offre attendue (référence ajustée à "
                                                "l'indice de besoin) − offre existante ; écart = référence − offre "
                                                "existante. Places estimées, arrondies à 5 ; + = places manquantes."
                                            ),
                                            id=needs_ids.RANK_GAP_NOTE,
                                            className="map-hint",
                                        ),
                                        html.Div(
                                            html.Table(
                                                [
                                                    html.Caption(
                                                        "EPCI classés par priorité (estimation) ; rang 1 = plus de "
                                                        "places manquantes au regard du besoin. Cliquez sur un nom "
                                                        "pour ouvrir sa fiche."
                                                    ),
                                                    html.Thead(shown["header"], id=f"{needs_ids.RANK_TABLE}-entete"),
                                                    html.Tbody(shown["rows"], id=needs_ids.RANK_TABLE),
                                                ],
                                                className="data-table rank-table",
                                            ),
                                            className="table-scroll",
                                        ),
                                        html.P(shown["sources"], id=needs_ids.RANK_SOURCES, className="figure-source"),
                                        html.P(
                                            [
                                                typo("Indice, offre, priorité et écarts sont des estimations : "),
                                                dcc.Link("méthode, indicateurs et limites", href=routes.METHOD),
                                                ".",
                                            ],
                                            className="figure-source",
                                        ),
                                    ]
                                ),
                                chart_section(
                                    "Ce qui fait l'indice de besoin des premiers",
                                    needs_ids.RANK_CHART,
                                    shown["contributions"],
                                    shown["contributions_caption"],
                                ),
                            ],
                            className="rank-main",
                        ),
                        delay_show=300,
                        overlay_style={"visibility": "visible", "opacity": 0.6},
                    ),
                ],
                className="rank-layout",
            ),
            dcc.Store(id=needs_ids.RANK_QUERY, data=shown["query"]),
        ]
    )


def layout(**query: Any) -> html.Div:
    return html.Div(
        [
            html.H1(HEADING, id=needs_ids.RANK_TITLE),
            html.P(
                typo(
                    "Classement des 92 EPCI de la région (estimation). L'indice de besoin réunit des indicateurs de la "
                    "demande (précarité, tension sur le parc social, marché du logement, personnes hébergées) ; "
                    "l'offre existante est comptée à part, en places. La priorité est le nombre de places qui "
                    "manquent par rapport à l'offre qu'aurait le territoire au taux de référence ajusté à son "
                    "besoin. Chaque rang est recalculé sous 500 variations des réglages."
                ),
                className="map-lead",
            ),
            content(query=query),
        ],
        className="rank-page",
    )


# --- Callbacks ----------------------------------------------------------------------------------------

OUTPUTS = {
    "notices": Output(needs_ids.RANK_NOTICES, "children"),
    "summary": Output(needs_ids.RANK_SUMMARY, "children"),
    "need_supply": Output(needs_ids.RANK_NEED_SUPPLY, "figure"),
    "need_supply_caption": Output(f"{needs_ids.RANK_NEED_SUPPLY}-legende", "children"),
    "contributions": Output(needs_ids.RANK_CHART, "figure"),
    "contributions_caption": Output(f"{needs_ids.RANK_CHART}-legende", "children"),
    "header": Output(f"{needs_ids.RANK_TABLE}-entete", "children"),
    "rows": Output(needs_ids.RANK_TABLE, "children"),
    "count": Output(needs_ids.RANK_COUNT, "children"),
    "sources": Output(needs_ids.RANK_SOURCES, "children"),
    "query": Output(needs_ids.RANK_QUERY, "data"),
    "map_href": Output(needs_ids.RANK_MAP_LINK, "href"),
    "add_href": Output(presentation_ids.PRES_ADD_FROM_RANKING, "href"),
}
INPUTS = {
    "weights": Input({"type": needs_ids.RANK_WEIGHT, "indicator": ALL}, "value"),
    "normalisation": Input(needs_ids.RANK_NORMALISATION, "value"),
    "include_partial": Input(needs_ids.RANK_PARTIAL, "value"),
    "reference": Input(needs_ids.RANK_REFERENCE, "value"),
    "target": Input(needs_ids.RANK_TARGET, "value"),
    "order": Input(needs_ids.RANK_ORDER, "value"),
    "departements": Input(needs_ids.RANK_DEPARTEMENTS, "value"),
    "kinds": Input(needs_ids.RANK_KINDS, "value"),
    "band": Input(needs_ids.RANK_BAND, "value"),
}


def _store() -> Store:
    store = current_store()
    if isinstance(store, StoreError):
        raise dash.exceptions.PreventUpdate
    return store


@callback(output=OUTPUTS, inputs=INPUTS, prevent_initial_call=True)
def update(weights, normalisation, include_partial, reference, target, order, departements, kinds, band):
    store = _store()
    indicators = [item["id"]["indicator"] for item in ctx.inputs_list[0]]
    values = weights if isinstance(weights, list) and len(weights) == len(indicators) else [None] * len(indicators)
    controls_state = needs_state.Controls(
        weights=dict(zip(indicators, values, strict=True)),
        normalisation=normalisation,
        include_partial=include_partial,
        reference=reference,
        target=target,
        order=order,
        departements=departements,
        kinds=kinds,
        band=band,
    )
    state, notices = needs_state.state_from_controls(controls_state, list(store.display[LEVEL_DEPARTEMENT].codes))
    shown = view(store, state)
    shown["notices"] = notices_component(notices)
    return shown


@callback(
    output={
        "weights": Output({"type": needs_ids.RANK_WEIGHT, "indicator": ALL}, "value"),
        "normalisation": Output(needs_ids.RANK_NORMALISATION, "value"),
        "include_partial": Output(needs_ids.RANK_PARTIAL, "value"),
    },
    inputs={"clicks": Input(needs_ids.RANK_RESET, "n_clicks")},
    state={"slider_ids": State({"type": needs_ids.RANK_WEIGHT, "indicator": ALL}, "id")},
    prevent_initial_call=True,
)
def reset(clicks, slider_ids):
    return {
        "weights": [needs.default_weight(item["indicator"]) for item in slider_ids],
        "normalisation": "rang",
        "include_partial": [],
    }


clientside_callback(
    ClientsideFunction(namespace="carte", function_name="syncUrl"),
    Output(needs_ids.RANK_PERMALINK, "value"),
    Input(needs_ids.RANK_QUERY, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="carte", function_name="copyLink"),
    Output(needs_ids.RANK_COPY_STATUS, "children"),
    Input(needs_ids.RANK_COPY, "n_clicks"),
    State(needs_ids.RANK_PERMALINK, "id"),
    prevent_initial_call=True,
)
