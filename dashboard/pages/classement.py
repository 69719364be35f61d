"""Ranking page (/classement): the EPCIs of the région by needs score (estimation), with rank intervals under
random weights, estimated supply gap and key indicators; weights, gap reference and filters in the URL.

Pure computations live in `dashboard.needs` (score, intervals, gap) and `dashboard.needs_state` (URL);
this module lays them out and wires the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash
import numpy as np
import pandas as pd
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard import fiche, ids, maps, needs, needs_state
from dashboard.components import requires_store
from dashboard.content import typo
from dashboard.map_components import notices_component
from dashboard.needs_state import NeedsState
from dashboard.store import Store, StoreError, current_store

dash.register_page(
    __name__,
    path=needs.RANKING_PATH,
    name="Classement",
    title="Classement des EPCI par besoin — Résidences sociales",
    description="Score de besoin (estimation) des EPCI des Hauts-de-France, robustesse et écart d'offre estimé.",
    order=5,
)

CHART_TOP = 15
KEY_COLUMNS = ("taux_pauvrete", "residence_sociale_pour_10000")
HEADING = "Classement des EPCI par besoin (estimation)"


# --- Pure builders ----------------------------------------------------------------------------------


def filtered_codes(inputs: needs.NeedsInputs, state: NeedsState) -> list[str]:
    """EPCIs shown with the filters (the score and ranks stay computed over the whole région)."""
    territories = inputs.territories
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


def ordered(ranking: needs.Ranking, codes: Sequence[str], inputs: needs.NeedsInputs) -> list[str]:
    frame = ranking.table.loc[list(codes)].join(inputs.territories["name"])
    frame = frame.assign(_missing=frame["score"].isna())
    return list(frame.sort_values(["_missing", "rank", "name"], kind="stable").index)


def interval_text(row: Mapping[str, float]) -> str:
    if not np.isfinite(row["rank"]):
        return "–"
    low, high = int(row["rank_low"]), int(row["rank_high"])
    return f"{low} – {high}" if low != high else str(low)


def gap_text(value: float, decimals: int = 1) -> str:
    if not np.isfinite(value):
        return "–"
    text = needs.format_number(value, decimals)
    return f"+{text}" if value > 0 and not text.startswith("0") else text.replace("-", "−")


def table_rows(
    store: Store,
    inputs: needs.NeedsInputs,
    ranking: needs.Ranking,
    gap: pd.DataFrame,
    codes: Sequence[str],
    state: NeedsState,
) -> list[html.Tr]:
    entries = maps.indicator_entries(store)
    count = ranking.scored
    # Plain dicts: per-row pandas lookups would cost more than the whole score computation.
    table = ranking.table.to_dict("index")
    territories = inputs.territories.to_dict("index")
    gaps = gap.to_dict("index")
    key_values = inputs.values[list(KEY_COLUMNS)].to_dict("index")
    rows = []
    for code in codes:
        row, territory, gap_row = table[code], territories[code], gaps[code]
        finite = np.isfinite(row["score"])
        robust = finite and row["rank_max"] <= needs.ROBUST_TOP
        missing = int(row["n_missing"])
        details = [
            inputs.departement_names.get(territory["departement_code"], territory["departement_code"]),
            str(territory["kind"]).replace("METRO", "Métropole").replace("MET69", "Métropole"),
            f"{maps.format_number(territory['population'])} hab.",
        ]
        notes = [needs.robustness(row["rank"], row["rank_max"], row["rank_min"], count)]
        if missing:
            notes.append(f"{missing} indicateur{'s' if missing > 1 else ''} manquant{'s' if missing > 1 else ''}")
        rows.append(
            html.Tr(
                [
                    html.Td(maps.ordinal(int(row["rank"])) if finite else "–", className="cell-number"),
                    html.Th(
                        [
                            dcc.Link(str(territory["name"]), href=fiche.fiche_href(code, state)),
                            html.Span(" cas solide", className="badge-robust") if robust else None,
                            html.Span(" · ".join(details), className="cell-detail"),
                        ],
                        scope="row",
                    ),
                    html.Td(
                        [
                            html.Span(needs.format_number(row["score"]) if finite else "–"),
                            html.Span(
                                html.Span(className="score-bar", style={"width": f"{row['score']:.0f}%"}),
                                className="score-track",
                                **{"aria-hidden": "true"},
                            )
                            if finite
                            else None,
                        ],
                        className="cell-number cell-score",
                    ),
                    html.Td(
                        [
                            html.Span(interval_text(row), className="cell-interval"),
                            html.Span(" ; ".join(notes), className="cell-detail"),
                        ],
                        className="cell-number",
                    ),
                    html.Td(maps.format_number(gap_row["existing"]), className="cell-number"),
                    html.Td(gap_text(gap_row["gap_residences"]), className="cell-number"),
                    html.Td(gap_text(gap_row["gap_places"], 0), className="cell-number"),
                    *[
                        html.Td(
                            maps.format_number(key_values[code][key], maps.value_decimals(entries.get(key, {})))
                            if np.isfinite(key_values[code][key])
                            else maps.MISSING_LABEL,
                            className="cell-number",
                        )
                        for key in KEY_COLUMNS
                    ],
                ]
            )
        )
    return rows


def table_header(entries: Mapping[str, Mapping[str, Any]]) -> html.Thead:
    labels = [
        ("Rang", True),
        ("EPCI", False),
        ("Score (sur 100)", True),
        ("Intervalle de rang (90 % des tirages)", True),
        ("Résidences sociales", True),
        ("Écart estimé (résidences)", True),
        ("Écart estimé (places)", True),
        *[(maps.label_with_unit(entries.get(key, {"label": key})), True) for key in KEY_COLUMNS],
    ]
    return html.Thead(
        html.Tr(
            [html.Th(label, scope="col", className="cell-number" if numeric else None) for label, numeric in labels]
        )
    )


def summary(inputs: needs.NeedsInputs, ranking: needs.Ranking, state: NeedsState) -> list[Any]:
    """Which EPCIs are strong cases (top 10 under every weight drawn), in words."""
    table = ranking.table.join(inputs.territories["name"])
    robust = table[table["rank_max"] <= needs.ROBUST_TOP].sort_values("rank")
    used = ", ".join(f"{inputs.label(c.indicator)} ({needs.format_weight(c.weight)})" for c in ranking.components)
    items = [
        html.P(
            typo(
                f"{ranking.scored} EPCI classés avec : {used}. Normalisation : "
                f"{'rang dans la région' if ranking.method == 'rang' else 'écart robuste à la médiane'}."
            )
        )
    ]
    if len(robust):
        items.append(
            html.P(
                [
                    html.Strong(
                        typo(
                            f"Cas solides — dans les {needs.ROBUST_TOP} premiers pour chacun des {ranking.draws} jeux "
                            "de poids tirés : "
                        )
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
                    f"Aucun EPCI ne reste dans les {needs.ROBUST_TOP} premiers pour tous les jeux de poids tirés : "
                    "le haut du classement dépend du réglage des poids."
                )
            )
        )
    missing = int((ranking.table["n_missing"] > 0).sum())
    if missing:
        items.append(
            html.P(
                typo(
                    f"{missing} EPCI ont au moins un indicateur manquant (secret statistique) : leur score est calculé "
                    "sur les indicateurs disponibles et signalé dans le tableau."
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


def gap_note(rate: needs.ReferenceRate, places: float | None, state: NeedsState) -> str:
    assumption = (
        f"{needs.format_number(places)} places par résidence ("
        + ("moyenne régionale DREES ÷ FINESS" if state.places is None else "hypothèse saisie")
        + ")"
        if places
        else "sans hypothèse de places"
    )
    if rate.value is None:
        return typo("Écart non calculé : aucun taux de référence disponible.")
    return typo(
        f"Écart estimé = population × {rate.label} ÷ 10 000 − résidences recensées ; en places : {assumption}. "
        "Un écart positif signale une offre inférieure à la référence (estimation)."
    )


def view(store: Store, state: NeedsState) -> dict[str, Any]:
    """Everything the callback updates, for a state (also used to render the page)."""
    inputs = needs.needs_inputs(store)
    ranking = needs.ranking(inputs, needs.components_from_weights(state.weight_map), state.normalisation)
    rate = needs.reference_rate(store, state.comparison, state.target)
    places = state.places if state.places is not None else needs.default_places(store).value
    gap = needs.gap_table(store, inputs, rate.value, places)
    codes = ordered(ranking, filtered_codes(inputs, state), inputs)
    shown_chart = [code for code in codes if np.isfinite(ranking.table.at[code, "score"])][:CHART_TOP]
    total = len(inputs.territories)
    count = (
        f"{len(codes)} EPCI affichés sur {total}" + (" (filtres actifs)" if len(codes) < total else "") + " ; "
        "rangs calculés sur l'ensemble de la région."
    )
    sources = sorted({inputs.sources[c.indicator] for c in ranking.components if inputs.sources.get(c.indicator)})
    return {
        "summary": summary(inputs, ranking, state),
        "figure": fiche.contribution_figure(ranking, inputs, shown_chart),
        "rows": table_rows(store, inputs, ranking, gap, codes, state),
        "count": count,
        "gap_note": gap_note(rate, places, state),
        "sources": f"Sources : {' ; '.join(sources)}. Établissements : {needs.source_of(store, 'nb_residence_sociale')}.",
        "query": needs_state.serialise_needs(state),
        "map_href": "/?indicateur=score_besoin&niveau=epci&"
        + needs_state.serialise_needs(state, only=needs_state.SCORE_PARAMS).lstrip("?"),
        "chart_caption": (
            f"Contribution de chaque indicateur au score des {len(shown_chart)} premiers EPCI affichés (points sur 100)."
        ),
    }


# --- Layout -------------------------------------------------------------------------------------------


def weight_controls(inputs: needs.NeedsInputs, state: NeedsState) -> list[Any]:
    blocks = []
    for group, title in needs.GROUPS.items():
        members = [candidate for candidate in needs.CANDIDATES if candidate.group == group]
        blocks.append(
            html.Fieldset(
                [
                    html.Legend(title),
                    *[
                        html.Div(
                            [
                                html.Label(
                                    [
                                        inputs.label(candidate.indicator),
                                        " (valeur du département)" if candidate.inherited else "",
                                        html.Span(
                                            " ↑ besoin" if candidate.direction > 0 else " ↓ besoin",
                                            className="weight-direction",
                                            title="Sens : une valeur plus élevée signale plus de besoin"
                                            if candidate.direction > 0
                                            else "Sens : une valeur plus élevée signale moins de besoin",
                                        ),
                                    ],
                                    id=f"poids-{candidate.indicator}",
                                    className="weight-label",
                                ),
                                html.Div(
                                    dcc.Slider(
                                        id={"type": ids.RANK_WEIGHT, "indicator": candidate.indicator},
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
                                html.P(candidate.reason, className="weight-reason"),
                            ],
                            className="weight-row",
                        )
                        for candidate in members
                    ],
                ],
                className="weight-group",
            )
        )
    return blocks


def controls(store: Store, inputs: needs.NeedsInputs, state: NeedsState) -> html.Div:
    unavailable = [entry for entry in maps.indicator_entries(store).values() if not entry.get("available", True)]
    computation = needs.default_places(store)
    departements = store.display[maps.LEVEL_DEPARTEMENT].features
    return html.Div(
        [
            html.H2("Indicateurs et poids"),
            html.P(
                typo(
                    "Poids 0 : indicateur non retenu. Valeurs par défaut : précarité (pauvreté, niveau de vie, "
                    "chômage), pression sur le logement (vacance, croissance), présence d'hébergement et offre "
                    "existante de résidences sociales (plus d'offre, moins de besoin)."
                ),
                className="map-hint",
            ),
            *weight_controls(inputs, state),
            html.Details(
                [
                    html.Summary("Indicateurs non disponibles en données ouvertes"),
                    html.Ul(
                        [
                            html.Li(f"{entry['label']} — {entry.get('official_source') or 'source non publiée'}")
                            for entry in unavailable
                        ]
                    ),
                    html.P(
                        typo(
                            "La part de logements sociaux n'est publiée par aucun fichier ouvert utilisable par EPCI : "
                            "elle ne peut pas entrer dans le score."
                        )
                    ),
                ],
                className="map-details",
            ),
            html.Fieldset(
                [
                    html.Legend("Normalisation"),
                    dcc.RadioItems(
                        id=ids.RANK_NORMALISATION,
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
            html.Button("Rétablir les poids par défaut", id=ids.RANK_RESET, className="button", type="button"),
            html.H2("Écart d'offre"),
            html.Fieldset(
                [
                    html.Legend("Taux de référence (résidences sociales pour 10 000 habitants)"),
                    dcc.RadioItems(
                        id=ids.RANK_COMPARISON,
                        options=[
                            {"label": needs.reference_rate(store, "region").label.capitalize(), "value": "region"},
                            {"label": needs.reference_rate(store, "france").label.capitalize(), "value": "france"},
                            {"label": "Taux saisi ci-dessous", "value": "cible"},
                        ],
                        value=state.comparison,
                        className="radio-list",
                    ),
                    html.Label("Taux saisi (pour 10 000 habitants)", htmlFor=ids.RANK_TARGET),
                    dcc.Input(
                        id=ids.RANK_TARGET,
                        type="number",
                        min=0,
                        max=needs_state.MAX_TARGET,
                        step=0.05,
                        value=state.target,
                        debounce=True,
                        className="number-input",
                    ),
                ],
                className="map-field",
            ),
            html.Div(
                [
                    html.Label("Places par résidence", htmlFor=ids.RANK_PLACES),
                    dcc.Input(
                        id=ids.RANK_PLACES,
                        type="number",
                        min=1,
                        max=needs_state.MAX_PLACES,
                        step=0.1,
                        value=state.places,
                        placeholder=needs.format_number(computation.value) if computation.value else "",
                        debounce=True,
                        className="number-input",
                    ),
                    html.P(
                        typo(
                            "Vide : moyenne régionale "
                            + (f"({needs.format_number(computation.value)} places), " if computation.value else "")
                            + "places DREES fin 2021 ÷ établissements FINESS des mêmes types."
                        ),
                        className="weight-reason",
                    ),
                    dcc.Link("Voir le calcul", href=needs.METHOD_PATH, className="map-definition-link"),
                ],
                className="map-field",
            ),
            html.H2("Filtres"),
            html.Fieldset(
                [
                    html.Legend("Départements"),
                    dcc.Checklist(
                        id=ids.RANK_DEPARTEMENTS,
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
                        id=ids.RANK_KINDS,
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
                        id=ids.RANK_BAND,
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


@requires_store
def content(store: Store, query: Mapping[str, Any]) -> html.Div:
    inputs = needs.needs_inputs(store)
    state, notices = needs_state.parse_needs(query, list(store.display[maps.LEVEL_DEPARTEMENT].codes))
    notices += [f"Paramètre « {name} » inconnu : il est ignoré." for name in query if name not in needs_state.PARAMS]
    shown = view(store, state)
    entries = maps.indicator_entries(store)
    return html.Div(
        [
            html.Div(notices_component(notices), id=ids.RANK_NOTICES),
            html.Div(
                [
                    controls(store, inputs, state),
                    html.Div(
                        [
                            html.Section(
                                shown["summary"],
                                id=ids.RANK_SUMMARY,
                                className="panel rank-summary",
                                **{"aria-live": "polite"},
                            ),
                            html.Div(
                                [
                                    html.Label("Lien vers ce classement", htmlFor=ids.RANK_PERMALINK),
                                    html.Div(
                                        [
                                            dcc.Input(
                                                id=ids.RANK_PERMALINK,
                                                type="text",
                                                readOnly=True,
                                                value="",
                                                className="permalink-input",
                                            ),
                                            html.Button(
                                                "Copier le lien", id=ids.RANK_COPY, className="button", type="button"
                                            ),
                                        ],
                                        className="permalink-row",
                                    ),
                                    html.P(id=ids.RANK_COPY_STATUS, role="status", className="copy-status"),
                                    dcc.Link(
                                        "Voir le score sur la carte",
                                        href=shown["map_href"],
                                        id=ids.RANK_MAP_LINK,
                                        className="map-definition-link",
                                    ),
                                ],
                                className="permalink",
                            ),
                            html.Section(
                                [
                                    html.H2("Pourquoi ces territoires arrivent en tête"),
                                    html.P(
                                        shown["chart_caption"], id=f"{ids.RANK_CHART}-legende", className="map-hint"
                                    ),
                                    dcc.Graph(
                                        id=ids.RANK_CHART,
                                        figure=shown["figure"],
                                        config=fiche.graph_config(),
                                        className="rank-chart",
                                    ),
                                ]
                            ),
                            html.Section(
                                [
                                    html.H2("Tableau du classement"),
                                    html.P(shown["count"], id=ids.RANK_COUNT, role="status"),
                                    html.P(shown["gap_note"], id=ids.RANK_GAP_NOTE, className="map-hint"),
                                    html.Div(
                                        html.Table(
                                            [
                                                html.Caption(
                                                    "EPCI classés par score de besoin (estimation) ; rang 1 = besoin le "
                                                    "plus marqué. Cliquez sur un nom pour ouvrir sa fiche."
                                                ),
                                                table_header(entries),
                                                html.Tbody(shown["rows"], id=ids.RANK_TABLE),
                                            ],
                                            className="data-table rank-table",
                                        ),
                                        className="table-scroll",
                                    ),
                                    html.P(shown["sources"], id=f"{ids.RANK_TABLE}-sources", className="figure-source"),
                                    html.P(
                                        [
                                            typo("Score et écart sont des estimations : "),
                                            dcc.Link("méthode, indicateurs et limites", href=needs.METHOD_PATH),
                                            ".",
                                        ],
                                        className="figure-source",
                                    ),
                                ]
                            ),
                        ],
                        className="rank-main",
                    ),
                ],
                className="rank-layout",
            ),
            dcc.Store(id=ids.RANK_QUERY, data=shown["query"]),
        ]
    )


def layout(**query: Any) -> html.Div:
    return html.Div(
        [
            html.H1(HEADING, id=ids.RANK_TITLE),
            html.P(
                typo(
                    "Un score de besoin calculé pour chacun des 92 EPCI à partir d'indicateurs publics, avec des poids "
                    "que vous réglez. Le classement est recalculé sous 500 variations aléatoires des poids : un "
                    "territoire qui reste en tête quels que soient les poids est un cas solide. L'écart d'offre compare "
                    "les résidences sociales existantes à un taux de référence. Tout est estimé et expliqué."
                ),
                className="map-lead",
            ),
            content(query=query),
        ],
        className="rank-page",
    )


# --- Callbacks ----------------------------------------------------------------------------------------


def _store() -> Store:
    store = current_store()
    if isinstance(store, StoreError):
        raise dash.exceptions.PreventUpdate
    return store


@callback(
    Output(ids.RANK_NOTICES, "children"),
    Output(ids.RANK_SUMMARY, "children"),
    Output(ids.RANK_CHART, "figure"),
    Output(f"{ids.RANK_CHART}-legende", "children"),
    Output(ids.RANK_TABLE, "children"),
    Output(ids.RANK_COUNT, "children"),
    Output(ids.RANK_GAP_NOTE, "children"),
    Output(f"{ids.RANK_TABLE}-sources", "children"),
    Output(ids.RANK_QUERY, "data"),
    Output(ids.RANK_MAP_LINK, "href"),
    Input({"type": ids.RANK_WEIGHT, "indicator": ALL}, "value"),
    Input(ids.RANK_NORMALISATION, "value"),
    Input(ids.RANK_COMPARISON, "value"),
    Input(ids.RANK_TARGET, "value"),
    Input(ids.RANK_PLACES, "value"),
    Input(ids.RANK_DEPARTEMENTS, "value"),
    Input(ids.RANK_KINDS, "value"),
    Input(ids.RANK_BAND, "value"),
    prevent_initial_call=True,
)
def update(weights, normalisation, comparison, target, places, departements, kinds, band):
    store = _store()
    indicators = [item["id"]["indicator"] for item in ctx.inputs_list[0]]
    state, notices = needs_state.state_from_controls(
        dict(zip(indicators, weights, strict=True)),
        normalisation,
        comparison,
        target,
        places,
        departements,
        kinds,
        band,
        list(store.display[maps.LEVEL_DEPARTEMENT].codes),
    )
    shown = view(store, state)
    return (
        notices_component(notices),
        shown["summary"],
        shown["figure"],
        shown["chart_caption"],
        shown["rows"],
        shown["count"],
        shown["gap_note"],
        shown["sources"],
        shown["query"],
        shown["map_href"],
    )


@callback(
    Output({"type": ids.RANK_WEIGHT, "indicator": ALL}, "value"),
    Output(ids.RANK_NORMALISATION, "value"),
    Input(ids.RANK_RESET, "n_clicks"),
    State({"type": ids.RANK_WEIGHT, "indicator": ALL}, "id"),
    prevent_initial_call=True,
)
def reset(_clicks, slider_ids):
    return [needs.default_weight(item["indicator"]) for item in slider_ids], "rang"


clientside_callback(
    ClientsideFunction(namespace="carte", function_name="syncUrl"),
    Output(ids.RANK_PERMALINK, "value"),
    Input(ids.RANK_QUERY, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="carte", function_name="copyLink"),
    Output(ids.RANK_COPY_STATUS, "children"),
    Input(ids.RANK_COPY, "n_clicks"),
    State(ids.RANK_PERMALINK, "id"),
    prevent_initial_call=True,
)
