"""Territory fiche (/territoire/<siren>) and needs analysis: data and Dash builders, no callback.

`fiche_data` gathers everything the fiche shows for one EPCI (pure function of the store and of the
needs state); the `*_section` functions turn it into components. `contribution_figure` and
`method_section` are shared with the ranking page and the sources page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from dash import dcc, html

from dashboard import ids, maps, needs
from dashboard.components import sources_line
from dashboard.content import typo
from dashboard.needs_state import NeedsState, serialise_needs
from dashboard.store import DISPLAY_DECIMALS, Store

TERRITORY_PATH = "/territoire"
PROJECT_PATH = "/comprendre/monter-un-projet"
TERRITORIES_DATASET = "decoupage-administratif-6.0.0"
REFERENCE_DATASET = "reference-figures"
ACCELERATED_DEPARTEMENT_LEVEL = "departement"
#: Key figures of the fiche, compared with the département, the région and France.
KEY_INDICATORS = (
    "population",
    "evolution_population",
    "taux_pauvrete",
    "revenu_median",
    "taux_chomage",
    "taux_vacance",
    "part_proprietaires",
    "nb_residence_sociale",
    "residence_sociale_pour_10000",
    "pension_de_famille_pour_10000",
    "fjt_pour_10000",
    "nb_hebergement",
    "hebergement_pour_10000",
    "vacance_longue_privee",
    "lda_relogements_pour_10000",
    "lda_atteinte_cible",
)
#: Indicators compared in the « Arguments », with the noun phrase used in the sentence.
ARGUMENT_PHRASES = {
    "taux_pauvrete": "le taux de pauvreté",
    "revenu_median": "le niveau de vie médian",
    "taux_chomage": "le taux de chômage des 15-64 ans",
    "taux_vacance": "le taux de logements vacants",
    "residence_sociale_pour_10000": "l'offre de résidences sociales",
    "hebergement_pour_10000": "la présence d'établissements d'hébergement",
}
SCOPES = (("departement", "departement"), ("region", "region"), ("france", "france"))
FICHE_MAP_HEIGHT = 420


def fmt(value: float | None, entry: Mapping[str, Any]) -> str:
    return maps.format_value(value if value is not None else float("nan"), entry)


def _number(value: float | None, decimals: int) -> str:
    return maps.format_number(value, decimals) if value is not None and np.isfinite(value) else "–"


def fiche_href(siren: str, state: NeedsState | None = None) -> str:
    query = serialise_needs(state, only=("poids", "normalisation", "comparaison", "cible", "places")) if state else ""
    return f"{TERRITORY_PATH}/{siren}{query}"


# --- Data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    code: str
    name: str
    kind: str
    departement_code: str
    departement_name: str
    communes: int
    communes_outside: int
    population: float | None
    source: str


@dataclass(frozen=True)
class Argument:
    text: str
    supports: bool  # True: argues for a need; False: nuances it


@dataclass(frozen=True)
class FicheData:
    identity: Identity
    state: NeedsState
    inputs: needs.NeedsInputs
    ranking: needs.Ranking
    gap: pd.Series
    rate: needs.ReferenceRate
    places: float | None
    places_computation: needs.PlacesComputation
    establishments: pd.DataFrame
    accelerated: str | None
    arguments: tuple[Argument, ...]


def identity(store: Store, siren: str) -> Identity | None:
    row = maps.territory_row(store, maps.LEVEL_EPCI, siren) if maps.LEVEL_EPCI in store.display else None
    if row is None:
        return None
    territories = store.territories
    members = territories[(territories["level"] == "commune") & (territories["epci_code"] == siren)]
    inside = (
        members["in_region"].fillna(True).astype(bool) if "in_region" in members else pd.Series(True, members.index)
    )
    departements = territories[territories["level"] == "departement"].set_index("code")["name"]
    code = str(row.get("departement_code") or "")
    try:
        source = sources_line([store.dataset(TERRITORIES_DATASET)["citation"], needs.source_of(store, "population")])
    except KeyError:
        source = sources_line([needs.source_of(store, "population")])
    population = row.get("population")
    return Identity(
        code=siren,
        name=str(row["name"]),
        kind=maps.EPCI_KINDS.get(str(row.get("kind")), "EPCI"),
        departement_code=code,
        departement_name=str(departements.get(code, code)),
        communes=int(inside.sum()),
        communes_outside=int((~inside).sum()),
        population=float(population) if pd.notna(population) else None,
        source=source,
    )


def accelerated_status(store: Store, siren: str, departement: str, departement_name: str) -> str | None:
    """Whether the EPCI is a territory of accelerated implementation of Logement d'abord, itself or
    through its département."""
    for entry in store.catalogue.get("accelerated_territories", []):
        wave = int(entry.get("wave") or 0)
        ordinal = "1re" if wave == 1 else f"{wave}e"
        if entry.get("territory_level") == "epci" and entry.get("territory_code") == siren:
            return f"Territoire de mise en œuvre accélérée du Logement d'abord ({ordinal} vague)."
        if entry.get("territory_level") == ACCELERATED_DEPARTEMENT_LEVEL and entry.get("territory_code") == departement:
            return (
                f"Concerné par la mise en œuvre accélérée du Logement d'abord à travers son département : "
                f"le {departement_name} est territoire de mise en œuvre accélérée ({ordinal} vague)."
                if departement_name.startswith("Pas")
                else f"Concerné à travers son département ({departement_name}), territoire de mise en œuvre "
                f"accélérée du Logement d'abord ({ordinal} vague)."
            )
    return None


def establishments_of(store: Store, siren: str) -> pd.DataFrame:
    residences = store.residences
    if "epci_code" not in residences:
        return residences.iloc[:0]
    typology = store.catalogue["residence_types"]
    order = {
        kind: i for i, kind in enumerate([*typology.get("residence_sociale", []), *typology.get("hebergement", [])])
    }
    of_epci = pd.DataFrame(residences[residences["epci_code"] == siren].drop(columns="geometry", errors="ignore"))
    of_epci = of_epci.assign(_order=of_epci["type"].map(order).fillna(99))
    return of_epci.sort_values(["_order", "commune_name", "name"], kind="stable").drop(columns="_order")


FEMININE_DEPARTEMENTS = frozenset({"Somme", "Seine-Maritime", "Marne", "Meuse", "Manche", "Moselle", "Haute-Marne"})


def of_departement(name: str) -> str:
    """« de l'Aisne », « du Nord », « de la Somme »."""
    if name[:1].upper() in "AEIOUYÉÈÊH":
        return f"de l'{name}"
    return f"de la {name}" if name in FEMININE_DEPARTEMENTS else f"du {name}"


def reference_name(scope: str, departement_name: str) -> str:
    if scope == "departement":
        return f"la moyenne {of_departement(departement_name)}"
    return "la moyenne régionale" if scope == "region" else "la moyenne nationale"


SCOPE_CODES = {"region": needs.REGION_CODE, "france": needs.FRANCE_CODE}


def comparison_arguments(store: Store, siren: str, ident: Identity) -> list[Argument]:
    """One sentence per indicator and reference (département, région) whose difference is at least 5 %."""
    entries = maps.indicator_entries(store)
    result = []
    for indicator, phrase in ARGUMENT_PHRASES.items():
        entry = entries.get(indicator)
        local = needs.value_of(store, indicator, "epci", siren)
        if entry is None or local is None:
            continue
        candidate = needs.CANDIDATE_BY_ID.get(indicator)
        direction = candidate.direction if candidate else int(entry.get("direction") or 0)
        approximation = entry.get("method") == "approximation"
        decimals = maps.value_decimals(entry)
        unit = entry.get("unit") or ""
        source = needs.source_of(store, indicator)
        figure = needs.Figure(phrase, local, maps.unit_for(local, unit), source, approximation, decimals)
        for scope, code in (("departement", ident.departement_code), ("region", needs.REGION_CODE)):
            reference = needs.value_of(store, indicator, scope, code)
            if reference is None:
                continue
            text = needs.argument(
                figure,
                needs.Figure("", reference, maps.unit_for(reference, unit), "", decimals=decimals),
                reference_name(scope, ident.departement_name),
            )
            if text:
                supports = (local > reference) == (direction > 0) if direction else False
                result.append(Argument(typo(text), supports))
    return result


def gap_argument(data_gap: pd.Series, rate: needs.ReferenceRate, places: float | None, source: str) -> Argument | None:
    expected, existing = data_gap.get("expected"), data_gap.get("existing")
    if rate.value is None or expected is None or existing is None or not np.isfinite(expected):
        return None
    gap = expected - existing
    head = (
        f"Avec pour référence le {rate.label.replace(' pour 10 000 hab.', ' résidence sociale pour 10 000 habitants')}, "
        "le territoire "
        f"compterait {needs.format_number(expected)} résidences sociales ; il en compte "
        f"{needs.format_number(existing, 0)} ({source})"
    )
    if gap >= 0.5:
        places_text = (
            f", soit environ {needs.format_number(gap * places, 0)} places ({needs.format_number(places)} places par "
            "résidence)"
            if places
            else ""
        )
        return Argument(
            typo(f"{head} : il en manquerait environ {needs.format_number(gap)}{places_text} (estimation)."), True
        )
    if gap <= -0.5:
        return Argument(typo(f"{head} : l'offre dépasse ce taux de {needs.format_number(-gap)} résidence(s)."), False)
    return Argument(typo(f"{head} : l'offre est proche de ce taux."), False)


def rank_argument(row: pd.Series, count: int, draws: int) -> Argument | None:
    rank = row.get("rank")
    if rank is None or not np.isfinite(rank):
        return None
    text = (
        f"Avec les poids choisis, le score de besoin (estimation) classe le territoire {maps.ordinal(int(rank))} sur "
        f"{count} EPCI de la région ; son rang reste entre le {maps.ordinal(int(row['rank_low']))} et le "
        f"{maps.ordinal(int(row['rank_high']))} pour 90 % des {draws} jeux de poids tirés (chaque poids × 0,5 à 1,5)."
    )
    if row["rank_max"] <= needs.ROBUST_TOP:
        text += (
            f" Il reste dans les {needs.ROBUST_TOP} premiers quels que soient les poids tirés : c'est un cas solide."
        )
    return Argument(typo(text), rank <= max(needs.ROBUST_TOP, count // 4))


def fiche_data(store: Store, siren: str, state: NeedsState) -> FicheData | None:
    ident = identity(store, siren)
    if ident is None:
        return None
    inputs = needs.needs_inputs(store)
    ranking = needs.ranking(inputs, needs.components_from_weights(state.weight_map), state.normalisation)
    rate = needs.reference_rate(store, state.comparison, state.target)
    computation = needs.default_places(store)
    places = state.places if state.places is not None else computation.value
    gap = needs.gap_table(store, inputs, rate.value, places).loc[siren]
    establishments = establishments_of(store, siren)
    accelerated = accelerated_status(store, siren, ident.departement_code, ident.departement_name)
    arguments = comparison_arguments(store, siren, ident)
    finess = needs.source_of(store, needs.EXISTING_INDICATOR)
    extra = [
        rank_argument(ranking.table.loc[siren], ranking.scored, ranking.draws),
        gap_argument(gap, rate, places, finess),
    ]
    if gap.get("existing") == 0:
        extra.append(Argument(typo(f"Aucune résidence sociale n'est recensée sur le territoire ({finess})."), True))
    if accelerated:
        extra.append(Argument(typo(accelerated), True))
    return FicheData(
        identity=ident,
        state=state,
        inputs=inputs,
        ranking=ranking,
        gap=gap,
        rate=rate,
        places=places,
        places_computation=computation,
        establishments=establishments,
        accelerated=accelerated,
        arguments=tuple([*(item for item in extra if item is not None), *arguments]),
    )


# --- Figures --------------------------------------------------------------------------------------

COMPONENT_COLOURS = ("#000091", "#6a6af4", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#0072B2")
COMPONENT_COLOURS += ("#999999", "#F0E442")


def component_colours(components: Sequence[needs.Component]) -> dict[str, str]:
    order = [candidate.indicator for candidate in needs.CANDIDATES]
    return {c.indicator: COMPONENT_COLOURS[order.index(c.indicator) % len(COMPONENT_COLOURS)] for c in components}


def contribution_figure(
    ranking: needs.Ranking, inputs: needs.NeedsInputs, codes: Sequence[str], height: int | None = None
) -> dict[str, Any]:
    """Stacked horizontal bars: each EPCI's score split into the contributions of its indicators.

    A plain figure dict (plotly's validation of go.Figure costs more than the computation).
    """
    colours = component_colours(ranking.components)
    names = inputs.territories["name"].reindex(codes).astype(str).tolist()
    data = []
    for component in ranking.components:
        values = ranking.contributions[component.indicator].reindex(codes).round(1)
        label = inputs.label(component.indicator)
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": [None if not np.isfinite(value) else float(value) for value in values],
                "name": label,
                "marker": {"color": colours[component.indicator]},
                "hovertemplate": "%{y}<br>" + label + " : %{x:.1f} points<extra></extra>",
            }
        )
    layout = {
        "barmode": "stack",
        "height": height or max(260, 26 * len(codes) + 160),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "xaxis": {"title": {"text": "Score de besoin (points sur 100)"}, "range": [0, 100], "gridcolor": "#e5e5e5"},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 12}},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": {"family": maps.FONT_FAMILY, "size": 13},
        "separators": ", ",
    }
    return {"data": data, "layout": layout}


def graph_config() -> dict[str, Any]:
    return {
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "locale": "fr-carte",
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def fiche_map_figure(store: Store, siren: str) -> dict[str, Any] | None:
    """The EPCI's communes (inline GeoJSON: small) and its establishments as points, no basemap (figure dict)."""
    territories = store.territories
    communes = territories[
        (territories["level"] == "commune")
        & (territories["epci_code"] == siren)
        & territories.geometry.notna()
        & ~territories.geometry.is_empty
    ]
    if communes.empty:
        return None
    rounded = shapely.transform(communes.geometry.to_numpy(), lambda xy: xy.round(DISPLAY_DECIMALS))
    features = ",".join(
        f'{{"type":"Feature","id":"{code}","properties":{{}},"geometry":{geometry}}}'
        for code, geometry in zip(communes["code"], shapely.to_geojson(rounded), strict=True)
    )
    data: list[dict[str, Any]] = [
        {
            "type": "choropleth",
            "geojson": json.loads(f'{{"type":"FeatureCollection","features":[{features}]}}'),
            "locations": communes["code"].tolist(),
            "featureidkey": "id",
            "z": [0] * len(communes),
            "colorscale": [[0, "#eef0fb"], [1, "#eef0fb"]],
            "showscale": False,
            "text": communes["name"].astype(str).tolist(),
            "marker": {"line": {"width": 0.8, "color": "#6b6b8f"}},
            "hovertemplate": "<b>%{text}</b><extra></extra>",
            "name": "communes",
            "showlegend": False,
        }
    ]
    typology = store.catalogue["residence_types"]
    residences = store.residences
    points = residences[residences["epci_code"] == siren] if "epci_code" in residences else residences.iloc[:0]
    for family in (maps.FAMILY_RESIDENCE, maps.FAMILY_HEBERGEMENT):
        for position, kind in enumerate(typology.get(family, [])):
            of_type = points[(points["type"] == kind) & points.geometry.notna()] if len(points) else points
            if of_type.empty:
                continue
            if family == maps.FAMILY_RESIDENCE:
                symbol, colour = maps.RESIDENCE_STYLES.get(kind, ("circle", "#000000"))
                size, line = 13, {"width": 1, "color": maps.BORDER_COLOUR}
            else:
                symbol = maps.HEBERGEMENT_SYMBOLS[position % len(maps.HEBERGEMENT_SYMBOLS)]
                colour, size, line = maps.HEBERGEMENT_COLOUR, 9, {"width": 1, "color": "#ffffff"}
            label = typology["labels"].get(kind, kind)
            data.append(
                {
                    "type": "scattergeo",
                    "lon": of_type.geometry.x.round(5).tolist(),
                    "lat": of_type.geometry.y.round(5).tolist(),
                    "mode": "markers",
                    "name": label,
                    "text": of_type["name"].astype(str).tolist(),
                    "customdata": of_type["commune_name"].astype(str).tolist(),
                    "marker": {"symbol": symbol, "color": colour, "size": size, "line": line},
                    "hovertemplate": f"<b>%{{text}}</b><br>{label}<br>%{{customdata}}<extra></extra>",
                }
            )
    layout = {
        "geo": {"visible": False, "fitbounds": "locations", "projection": {"type": "mercator"}, "bgcolor": "#ffffff"},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": FICHE_MAP_HEIGHT,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0, "font": {"size": 12}},
        "showlegend": len(data) > 1,
        "font": {"family": maps.FONT_FAMILY},
        "dragmode": False,
        "paper_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}


# --- Sections of the fiche ------------------------------------------------------------------------


def _table(caption: str | None, head: Sequence[str], rows: list, numeric: Sequence[int] = ()) -> html.Div:
    header = html.Tr(
        [html.Th(label, scope="col", className="cell-number" if i in numeric else None) for i, label in enumerate(head)]
    )
    return html.Div(
        html.Table(
            [html.Caption(caption) if caption else None, html.Thead(header), html.Tbody(rows)],
            className="data-table",
        ),
        className="table-scroll",
    )


def identity_section(data: FicheData) -> html.Section:
    ident = data.identity
    outside = (
        f" (et {ident.communes_outside} communes hors de la région, en Seine-Maritime)"
        if ident.communes_outside
        else ""
    )
    population = maps.format_number(ident.population) if ident.population is not None else maps.MISSING_LABEL
    return html.Section(
        [
            html.H2("Identité", className="visually-hidden"),
            html.Dl(
                [
                    html.Dt("Nature"),
                    html.Dd(ident.kind),
                    html.Dt("SIREN"),
                    html.Dd(ident.code),
                    html.Dt("Département"),
                    html.Dd(f"{ident.departement_name} ({ident.departement_code})"),
                    html.Dt("Communes"),
                    html.Dd(f"{ident.communes} dans la région{outside}"),
                    html.Dt("Population municipale"),
                    html.Dd(f"{population} habitants"),
                ],
                className="facts fiche-identity",
            ),
            html.P(ident.source, className="figure-source"),
        ],
        id=ids.FICHE_IDENTITY,
    )


def figures_section(store: Store, data: FicheData) -> html.Section:
    entries = maps.indicator_entries(store)
    ident = data.identity
    rows = []
    for indicator in KEY_INDICATORS:
        entry = entries.get(indicator)
        if entry is None or not entry.get("available", True):
            continue
        levels = set(entry.get("levels") or [])
        local = needs.value_of(store, indicator, "epci", ident.code)
        cells = []
        if "epci" in levels:
            cells.append(_number(local, maps.value_decimals(entry)) if local is not None else maps.MISSING_LABEL)
        else:
            cells.append(html.Span("publié par département seulement", className="cell-note"))
        for scope, code in (
            ("departement", ident.departement_code),
            ("region", needs.REGION_CODE),
            ("france", needs.FRANCE_CODE),
        ):
            value = needs.value_of(store, indicator, scope, code)
            cells.append(_number(value, maps.value_decimals(entry)))
        notes = " (approximation)" if entry.get("method") == "approximation" else ""
        rows.append(
            html.Tr(
                [
                    html.Th(
                        [
                            dcc.Link(maps.label_with_unit(entry), href=f"/sources#indicateur-{indicator}"),
                            notes,
                            html.Span(sources_line([needs.source_of(store, indicator)]), className="cell-detail"),
                        ],
                        scope="row",
                    ),
                    *[html.Td(cell, className="cell-number") for cell in cells],
                ]
            )
        )
    return html.Section(
        [
            html.H2("Chiffres clés"),
            html.P(
                typo(
                    "Le territoire comparé à son département, à la région et à la France (« – » : valeur non publiée "
                    "à ce niveau). Les taux au-dessus de la commune sont recalculés à partir des sommes ; le taux de "
                    "pauvreté et le niveau de vie médian sont des approximations (moyennes pondérées des communes)."
                ),
                className="section-lead",
            ),
            html.Div(  # id of the first territory page, kept (map tests follow the panel link to it)
                _table(
                    None,
                    [
                        "Indicateur (unité ; source, millésime)",
                        ident.name,
                        ident.departement_name,
                        "Hauts-de-France",
                        "France",
                    ],
                    rows,
                    numeric=(1, 2, 3, 4),
                ),
                id=ids.TERRITORY_TABLE,
            ),
        ],
        id=ids.FICHE_FIGURES,
    )


def score_section(data: FicheData) -> html.Section:
    code = data.identity.code
    row = data.ranking.table.loc[code]
    inputs = data.inputs
    oriented = needs.oriented_scores(inputs.values, data.ranking.components, data.ranking.method).loc[code]
    count = data.ranking.scored
    rows = []
    for component in data.ranking.components:
        entry = inputs.entries.get(component.indicator, {})
        value = inputs.values.at[code, component.indicator]
        contribution = data.ranking.contributions.at[code, component.indicator]
        candidate = needs.CANDIDATE_BY_ID[component.indicator]
        label = inputs.label(component.indicator) + (" (valeur du département)" if candidate.inherited else "")
        missing = not np.isfinite(value)
        rows.append(
            html.Tr(
                [
                    html.Th(label, scope="row"),
                    html.Td(fmt(None if missing else value, entry), className="cell-number"),
                    html.Td("↑ besoin" if component.direction > 0 else "↓ besoin", className="cell-nowrap"),
                    html.Td(needs.format_weight(component.weight), className="cell-number"),
                    html.Td(
                        "–" if missing else needs.format_number(oriented[component.indicator], 2),
                        className="cell-number",
                    ),
                    html.Td(
                        "donnée manquante : non comptée" if missing else needs.format_number(contribution),
                        className="cell-number",
                    ),
                ]
            )
        )
    if np.isfinite(row["score"]):
        headline = [
            html.P(
                [
                    html.Span(needs.format_number(row["score"]), className="score-value"),
                    html.Span(" points sur 100", className="score-unit"),
                    html.Span(f" — {maps.ordinal(int(row['rank']))} sur {count} EPCI", className="score-rank"),
                ],
                className="score-headline",
            ),
            html.P(
                typo(
                    f"Intervalle de rang (90 % des {data.ranking.draws} jeux de poids tirés) : du "
                    f"{maps.ordinal(int(row['rank_low']))} au {maps.ordinal(int(row['rank_high']))} ; extrêmes : "
                    f"{maps.ordinal(int(row['rank_min']))} et {maps.ordinal(int(row['rank_max']))}. "
                    f"Lecture : {needs.robustness(row['rank'], row['rank_max'], row['rank_min'], count)}."
                )
            ),
        ]
        if row["n_missing"]:
            headline.append(
                html.P(
                    typo(
                        f"{int(row['n_missing'])} indicateur(s) manquant(s) pour ce territoire : le score est calculé "
                        "sur les autres, dont les poids sont répartis (jamais une valeur 0)."
                    ),
                    className="notice notice-info",
                )
            )
    else:
        headline = [html.P("Aucun indicateur du score n'est renseigné pour ce territoire : pas de score.")]
    figure = contribution_figure(data.ranking, inputs, [code], height=230)
    return html.Section(
        [
            html.H2("Score de besoin (estimation)"),
            *headline,
            dcc.Graph(id=ids.FICHE_SCORE_CHART, figure=figure, config=graph_config(), className="fiche-graph"),
            _table(
                "Décomposition du score : valeur, sens, poids, valeur rangée (0 à 1, orientée vers le besoin) et "
                "contribution en points",
                ["Indicateur", "Valeur", "Sens", "Poids", "Rang orienté", "Contribution (points)"],
                rows,
                numeric=(1, 3, 4, 5),
            ),
            html.P(
                [
                    typo(f"Normalisation : {needs.NORMALISATIONS[data.ranking.method]} "),
                    dcc.Link("Méthode du score", href=needs.METHOD_PATH),
                    " · ",
                    dcc.Link(
                        "Changer les poids (page Classement)",
                        href=f"{needs.RANKING_PATH}{serialise_needs(data.state)}",
                    ),
                ],
                className="figure-source",
            ),
            html.P(
                sources_line(sorted({data.inputs.sources[c.indicator] for c in data.ranking.components})),
                className="figure-source",
            ),
        ],
        id=ids.FICHE_SCORE,
    )


def places_computation_table(computation: needs.PlacesComputation) -> html.Div:
    rows = [
        html.Tr(
            [
                html.Th(row.label, scope="row"),
                html.Td(", ".join(row.types)),
                html.Td(maps.format_number(row.places), className="cell-number"),
                html.Td(maps.format_number(row.count), className="cell-number"),
                html.Td(needs.format_number(row.per_residence) if row.per_residence else "–", className="cell-number"),
            ]
        )
        for row in computation.rows
    ]
    total_places = sum(row.places for row in computation.rows)
    total_count = sum(row.count for row in computation.rows)
    rows.append(
        html.Tr(
            [
                html.Th("Ensemble", scope="row"),
                html.Td(""),
                html.Td(maps.format_number(total_places), className="cell-number"),
                html.Td(maps.format_number(total_count), className="cell-number"),
                html.Td(needs.format_number(computation.value) if computation.value else "–", className="cell-number"),
            ],
            className="row-total",
        )
    )
    return _table(
        "Places par résidence : places publiées par la DREES (fin 2021) ÷ établissements recensés dans FINESS, "
        "mêmes types, Hauts-de-France",
        ["Places DREES", "Types FINESS", "Places", "Établissements", "Places par établissement"],
        rows,
        numeric=(2, 3, 4),
    )


def gap_section(store: Store, data: FicheData) -> html.Section:
    code = data.identity.code
    typology = store.catalogue["residence_types"]
    rows = []
    for kind in typology.get("residence_sociale", []):
        count = needs.value_of(store, f"nb_{kind}", "epci", code)
        rows.append(
            html.Tr(
                [
                    html.Th(typology["labels"].get(kind, kind), scope="row"),
                    html.Td(maps.format_number(count) if count is not None else "–", className="cell-number"),
                    *[
                        html.Td(
                            _number(needs.value_of(store, f"{kind}_pour_10000", level, where), 2),
                            className="cell-number",
                        )
                        for level, where in (("epci", code), ("region", needs.REGION_CODE), ("france", "FR"))
                    ],
                ]
            )
        )
    gap = data.gap
    rate = data.rate
    if rate.value is not None and np.isfinite(gap["expected"]):
        gap_residences = gap["gap_residences"]
        lines = [
            html.Li(
                typo(
                    f"Résidences sociales recensées : {needs.format_number(gap['existing'], 0)}, soit "
                    f"{needs.format_number(gap['rate_per_10000'], 2)} pour 10 000 habitants."
                )
            ),
            html.Li(typo(f"Référence : {rate.label}" + (f" — {rate.source}" if rate.source else "") + ".")),
            html.Li(
                typo(
                    f"Au taux de référence, le territoire compterait {needs.format_number(gap['expected'])} résidences "
                    f"({maps.format_number(data.identity.population or 0)} habitants × "
                    f"{needs.format_number(rate.value, 2)} ÷ 10 000)."
                )
            ),
            html.Li(
                html.Strong(
                    typo(
                        f"Écart estimé : {needs.format_number(gap_residences)} résidence(s)"
                        + (
                            f", soit {needs.format_number(gap['gap_places'], 0)} places "
                            f"(à {needs.format_number(data.places)} places par résidence)"
                            if data.places and np.isfinite(gap["gap_places"])
                            else ""
                        )
                        + (
                            " : offre inférieure à la référence."
                            if gap_residences > 0
                            else " : offre au moins égale à la référence."
                        )
                    )
                )
            ),
        ]
    else:
        lines = [html.Li("Aucun taux de référence disponible : écart non calculé.")]
    default_note = (
        "moyenne régionale calculée ci-dessous"
        if data.state.places is None
        else f"hypothèse saisie ({needs.format_number(data.places)})"
    )
    return html.Section(
        [
            html.H2("Écart d'offre estimé"),
            html.P(
                typo(
                    "Estimation : résidences qu'aurait le territoire au taux de référence, moins celles qu'il a. "
                    "FINESS recense des établissements, pas des places ; les places sont estimées avec "
                    f"un nombre moyen de places par résidence ({default_note}). Le parc par adulte de 20 à 59 ans ou "
                    "par ménage pauvre n'est pas calculable avec les données construites."
                ),
                className="section-lead",
            ),
            html.Ul(lines, className="gap-lines"),
            _table(
                "Résidences sociales par type : nombre d'établissements et taux pour 10 000 habitants",
                ["Type", "Nombre", "Pour 10 000 hab. : territoire", "Hauts-de-France", "France"],
                rows,
                numeric=(1, 2, 3, 4),
            ),
            html.Details(
                [
                    html.Summary("Calcul du nombre moyen de places par résidence"),
                    places_computation_table(data.places_computation),
                    html.P(
                        typo(
                            f"Types sans chiffre de places publié, exclus du calcul : {', '.join(data.places_computation.excluded)}."
                        )
                    )
                    if data.places_computation.excluded
                    else None,
                    html.P(f"Sources : {data.places_computation.source}", className="figure-source"),
                ],
                className="fiche-details",
            ),
            html.P(
                [
                    sources_line([needs.source_of(store, needs.EXISTING_INDICATOR)]) + ". ",
                    dcc.Link("Méthode de l'écart", href=needs.METHOD_PATH),
                ],
                className="figure-source",
            ),
        ],
        id=ids.FICHE_GAP,
    )


def establishments_section(store: Store, data: FicheData) -> html.Section:
    frame = data.establishments
    families = store.catalogue["residence_types"].get("families", {})
    if frame.empty:
        body: Any = html.P("Aucun établissement de logement accompagné ou d'hébergement n'est recensé dans FINESS.")
    else:
        body = _table(
            f"{len(frame)} établissement(s) recensé(s) dans FINESS",
            ["Famille", "Type", "Nom", "Commune", "N° FINESS"],
            [
                html.Tr(
                    [
                        html.Td(families.get(row.family, row.family)),
                        html.Td(row.type_label),
                        html.Th(str(row.name).title() if str(row.name).isupper() else str(row.name), scope="row"),
                        html.Td(row.commune_name),
                        html.Td(row.finess),
                    ]
                )
                for row in frame.itertuples(index=False)
            ],
        )
    citations = sorted(set(frame["source"].dropna())) if "source" in frame and len(frame) else []
    return html.Section(
        [
            html.H2("Établissements existants"),
            body,
            html.P(sources_line(citations), className="figure-source") if citations else None,
        ],
        id=ids.FICHE_ESTABLISHMENTS,
    )


def arguments_section(data: FicheData) -> html.Section:
    supporting = [item.text for item in data.arguments if item.supports]
    nuancing = [item.text for item in data.arguments if not item.supports]
    blocks = []
    if supporting:
        blocks += [html.H3("Ce qui plaide pour un besoin"), html.Ul([html.Li(text) for text in supporting])]
    if nuancing:
        blocks += [html.H3("Ce qui le nuance"), html.Ul([html.Li(text) for text in nuancing])]
    if not blocks:
        blocks = [html.P("Les données disponibles ne permettent aucune comparaison pour ce territoire.")]
    return html.Section(
        [
            html.H2("Arguments"),
            html.P(
                typo(
                    "Phrases écrites automatiquement à partir des données, chacune avec son chiffre et sa source ; "
                    "une comparaison n'apparaît que si l'écart dépasse 5 % et si les deux valeurs existent."
                ),
                className="section-lead",
            ),
            *blocks,
        ],
        id=ids.FICHE_ARGUMENTS,
        className="fiche-arguments",
    )


def lda_section(store: Store, data: FicheData) -> html.Section:
    try:
        source = sources_line([store.dataset(REFERENCE_DATASET)["citation"]])
    except KeyError:
        source = ""
    text = data.accelerated or (
        "Ce territoire ne fait pas partie des territoires de mise en œuvre accélérée du Logement d'abord, ni "
        "directement ni à travers son département."
    )
    return html.Section(
        [
            html.H2("Logement d'abord"),
            html.P(typo(text), className="badge-line" if data.accelerated else None),
            html.P(source, className="figure-source") if source else None,
        ],
        id=ids.FICHE_LDA,
    )


# --- Method section of the sources page ----------------------------------------------------------


def method_section(store: Store) -> html.Section:
    """/sources#methode-besoins: the score, its robustness and the supply gap, with their parameters."""
    entries = maps.indicator_entries(store)
    candidates = [
        html.Tr(
            [
                html.Th(
                    entries.get(c.indicator, {}).get("label", c.indicator)
                    + (" (valeur du département)" if c.inherited else ""),
                    scope="row",
                ),
                html.Td(needs.GROUPS[c.group]),
                html.Td("plus élevé = plus de besoin" if c.direction > 0 else "plus élevé = moins de besoin"),
                html.Td(needs.format_weight(needs.default_weight(c.indicator)), className="cell-number"),
                html.Td(c.reason),
            ]
        )
        for c in needs.CANDIDATES
    ]
    unavailable = [entry for entry in entries.values() if not entry.get("available", True)]
    computation = needs.default_places(store)
    return html.Section(
        [
            html.H2("Score de besoin et écart d'offre (estimations)"),
            html.Div(
                [
                    html.H3("Score de besoin"),
                    html.P(
                        typo(
                            "Le score de besoin est une estimation, calculée par EPCI, qui aide à repérer où de nouvelles "
                            "résidences sociales seraient le plus utiles. Chaque indicateur retenu est d'abord ramené "
                            "entre 0 et 1 parmi les 92 EPCI de la région, puis orienté dans le sens du besoin (1 − valeur "
                            "quand une valeur élevée signale moins de besoin). Le score est la moyenne pondérée de ces "
                            "valeurs, sur 100. Sa décomposition donne la contribution de chaque indicateur, en points."
                        )
                    ),
                    html.Ul([html.Li(typo(f"{key} : {text}")) for key, text in needs.NORMALISATIONS.items()]),
                    html.P(
                        typo(
                            "Indicateur manquant pour un EPCI (secret statistique) : il est laissé de côté et les "
                            "poids des autres sont répartis ; le nombre d'indicateurs manquants est signalé. Jamais une "
                            "valeur manquante n'est comptée comme 0."
                        )
                    ),
                    _table(
                        "Indicateurs proposés, sens et poids par défaut",
                        ["Indicateur", "Groupe", "Sens", "Poids par défaut", "Pourquoi"],
                        candidates,
                        numeric=(3,),
                    ),
                    html.P(
                        typo(
                            "Le Baromètre des résultats du Logement d'abord n'est publié que par département : "
                            "un EPCI qui l'utilise prend la valeur de son département, signalée « valeur du "
                            "département »."
                        )
                    ),
                    html.P(
                        typo(
                            "Non disponibles en données ouvertes, donc absents du score : "
                            + "; ".join(
                                f"{entry['label']} ({entry.get('official_source') or 'source non publiée'})"
                                for entry in unavailable
                            )
                            + ". La part de logements sociaux (RPLS) n'est publiée par aucun fichier ouvert lisible "
                            "par commune ou EPCI : elle ne peut pas entrer dans le score."
                        )
                    ),
                ],
                id=f"{ids.SOURCES_INDICATOR_PREFIX}{needs.SCORE_INDICATOR}",
            ),
            html.H3("Robustesse du classement"),
            html.P(
                typo(
                    f"Le classement est recalculé {needs.DRAWS} fois en multipliant chaque poids par un nombre tiré au "
                    "hasard entre 0,5 et 1,5 (tirage reproductible, graine fixe ; le premier tirage garde les poids "
                    "choisis). Pour chaque EPCI sont donnés l'intervalle de rang qui contient 90 % des tirages "
                    f"(5e à 95e centile) et les rangs extrêmes. Un EPCI qui reste dans les {needs.ROBUST_TOP} premiers "
                    "pour tous les tirages est un cas solide : son rang ne dépend pas d'un réglage particulier des poids."
                )
            ),
            html.H3("Écart d'offre estimé"),
            html.P(
                typo(
                    "Écart (en résidences) = population × taux de référence ÷ 10 000 − résidences sociales recensées "
                    "dans FINESS. Taux de référence au choix : taux régional, taux national ou objectif saisi, en "
                    "résidences sociales pour 10 000 habitants. Écart en places = écart en résidences × nombre moyen "
                    "de places par résidence (hypothèse réglable ; par défaut, la moyenne régionale ci-dessous). "
                    "Un écart positif signale une offre inférieure à la référence ; ce n'est pas un besoin mesuré."
                )
            ),
            places_computation_table(computation),
            html.P(
                typo(
                    "Limites : FINESS ne publie pas de capacités ; les places DREES datent de fin 2021 et l'extraction "
                    "FINESS du 8 janvier 2021 ; les foyers de travailleurs migrants non transformés n'ont pas de "
                    "chiffre de places publié et sont exclus de la moyenne. Le taux par adulte de 20 à 59 ans ou par "
                    "ménage pauvre n'est pas calculable avec les données construites (pas de population par âge ni de "
                    "ménages pauvres par EPCI)."
                )
            ),
            html.P(f"Sources : {computation.source}", className="figure-source"),
        ],
        id=needs.METHOD_ANCHOR,
    )
