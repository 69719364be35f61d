"""Territory fiche (/territoire/<siren>): data and Dash builders, no callback.

`fiche_data` gathers everything the fiche shows for one EPCI (a pure function of the store and of the needs
state); the `*_section` functions turn it into components. The needs analysis itself is computed by
`dashboard.needs.analysis.analyse`, its shared charts and tables come from `dashboard.needs.views`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from dash import dcc, html

from dashboard.content import typo
from dashboard.core import catalogue, formatting, routes
from dashboard.core.levels import EPCI_KINDS, FAMILY_HEBERGEMENT, FAMILY_RESIDENCE, LEVEL_EPCI
from dashboard.core.perimeter import perimeter
from dashboard.core.store import DISPLAY_DECIMALS, Store
from dashboard.map import view as maps
from dashboard.needs import arguments
from dashboard.needs import model as needs
from dashboard.needs import views as needs_views
from dashboard.needs.analysis import Analysis, Value, analyse, lookup, region_code, source_of
from dashboard.needs.arguments import Argument
from dashboard.needs.state import ANALYSIS_PARAMS, INDEX_PARAMS, NeedsState, format_weight, serialise_needs
from dashboard.territory import ids as territory_ids
from dashboard.ui.components import sources_line

TERRITORIES_DATASET = "decoupage-administratif-6.0.0"
REFERENCE_DATASET = "reference-figures"
ACCELERATED_DEPARTEMENT_LEVEL = "departement"
#: Key figures of the fiche, compared with the département, the région and France.
KEY_INDICATORS = (
    "population",
    "evolution_population",
    "part_minima_sociaux_2019",
    "niveau_vie_d1_2019",
    "niveau_vie_median_2019",
    "taux_pauvrete",
    "taux_chomage",
    "taux_vacance",
    "loyer_appartement",
    "logements_sociaux",
    "taux_logement_social",
    "taux_rotation_logement_social",
    "taux_vacance_logement_social",
    "nb_residence_sociale",
    "places_residence_sociale_pour_10000",
    "places_pension_famille_pour_10000",
    "places_fjt_pour_10000",
    "places_residence_generaliste_pour_10000",
    "nb_hebergement",
    "places_hebergement_pour_10000",
    "vacance_longue_privee",
    "lda_relogements_pour_10000",
    "lda_atteinte_cible",
)
FICHE_MAP_HEIGHT = 420


def fiche_href(siren: str, state: NeedsState | None = None) -> str:
    query = serialise_needs(state, only=ANALYSIS_PARAMS) if state else ""
    return f"{routes.TERRITORY_PREFIX}/{siren}{query}"


def map_href(siren: str, state: NeedsState) -> str:
    """The map explorer on the need index with the same weights, this territory selected."""
    query = serialise_needs(state, only=INDEX_PARAMS).lstrip("?")
    return f"/?indicateur=score_besoin&niveau=epci&territoire={siren}&{query}"


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
    #: The région's name when the EPCI straddles its border (its figures cover that part only), else «  ».
    straddled_region: str = ""


@dataclass(frozen=True)
class FicheData:
    identity: Identity
    state: NeedsState
    analysis: Analysis
    establishments: pd.DataFrame
    accelerated: str | None
    arguments: tuple[Argument, ...]

    @property
    def row(self) -> pd.Series:
        return self.analysis.table.loc[self.identity.code]


def identity(store: Store, siren: str) -> Identity | None:
    row = maps.territory_row(store, LEVEL_EPCI, siren) if LEVEL_EPCI in store.display else None
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
        source = sources_line([store.dataset(TERRITORIES_DATASET)["citation"], source_of(store, "population")])
    except KeyError:
        source = sources_line([source_of(store, "population")])
    population = row.get("population")
    return Identity(
        code=siren,
        name=str(row["name"]),
        kind=EPCI_KINDS.get(str(row.get("kind")), "EPCI"),
        departement_code=code,
        departement_name=str(departements.get(code, code)),
        communes=int(inside.sum()),
        communes_outside=int((~inside).sum()),
        population=float(population) if pd.notna(population) else None,
        source=source,
        straddled_region=perimeter(store).name if int((~inside).sum()) else "",
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
    for family in (FAMILY_RESIDENCE, FAMILY_HEBERGEMENT):
        for position, kind in enumerate(typology.get(family, [])):
            of_type = points[(points["type"] == kind) & points.geometry.notna()] if len(points) else points
            if of_type.empty:
                continue
            if family == FAMILY_RESIDENCE:
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


def identity_section(data: FicheData) -> html.Section:
    ident = data.identity
    outside = (
        f" (et {ident.communes_outside} communes hors de la région, en Seine-Maritime)"
        if ident.communes_outside
        else ""
    )
    population = (
        formatting.format_number(ident.population) if ident.population is not None else formatting.MISSING_LABEL
    )
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
        id=territory_ids.FICHE_IDENTITY,
    )


def establishments_section(store: Store, data: FicheData) -> html.Section:
    frame = data.establishments
    families = store.catalogue["residence_types"].get("families", {})
    if frame.empty:
        body: Any = html.P("Aucun établissement de logement accompagné ou d'hébergement n'est recensé dans FINESS.")
    else:
        body = needs_views.table(
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
        id=territory_ids.FICHE_ESTABLISHMENTS,
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
        id=territory_ids.FICHE_LDA,
    )


def fiche_data(store: Store, siren: str, state: NeedsState) -> FicheData | None:
    ident = identity(store, siren)
    if ident is None:
        return None
    analysis = analyse(store, state.parameters)
    accelerated = accelerated_status(store, siren, ident.departement_code, ident.departement_name)
    return FicheData(
        identity=ident,
        state=state,
        analysis=analysis,
        establishments=establishments_of(store, siren),
        accelerated=accelerated,
        arguments=arguments.territory_arguments(
            store, analysis, siren, (ident.departement_code, ident.departement_name), accelerated
        ),
    )


# --- Sections of the fiche ------------------------------------------------------------------------


def value_cell(value: Value, entry: Mapping[str, Any], straddled_region: str = "", detail: bool = True) -> list:
    """A value with, below it, its coverage when partial and (`detail`) what it covers or how it was estimated."""
    if value.value is None:
        return [formatting.MISSING_LABEL]
    notes = [
        text for text in (arguments.coverage_text(value, straddled_region), value.detail if detail else "") if text
    ]
    return [
        formatting.format_number(value.value, formatting.value_decimals(entry)),
        html.Span(typo(" ; ".join(notes)), className="cell-detail") if notes else None,
    ]


def supply_text(rate: float, places: float) -> str:
    """« 17,2 places pour 10 000 habitants, soit environ 2 055 places » (or « aucune résidence sociale »)."""
    if not np.isfinite(places):
        return formatting.MISSING_LABEL
    if places == 0:
        return "aucune résidence sociale recensée (0 place)"
    rounded = needs.round_places(places)
    amount = f"environ {formatting.format_number(rounded)} places" if rounded else "moins de 5 places"
    return f"{needs_views.number(rate)} places pour 10 000 habitants, soit {amount}"


def priority_section(data: FicheData) -> html.Section:
    """Priority rank, need and supply in numbers, and the need × supply chart with this territory."""
    analysis, row, code = data.analysis, data.row, data.identity.code
    reference = analysis.reference
    if not np.isfinite(row["rank"]):
        body: list = [html.P("Priorité non calculée : indice de besoin ou offre en places indisponible.")]
    else:
        quadrant = needs_views.quadrant(analysis, code)
        explanation = needs_views.top_explanation(analysis, code)
        body = [
            html.P(
                [
                    html.Span(formatting.ordinal(int(row["rank"])), className="score-value"),
                    html.Span(f" sur {analysis.ranked} EPCI", className="score-unit"),
                    html.Span(f" — {needs.ORDERS[analysis.parameters.order].lower()}", className="score-rank"),
                ],
                className="score-headline",
            ),
            html.Dl(
                [
                    html.Dt("Indice de besoin"),
                    html.Dd(
                        f"{formatting.format_number(row['need'], 0)} sur 100 (moyenne régionale pondérée : "
                        f"{formatting.format_number(analysis.mean_need, 0)})"
                    ),
                    html.Dt("Offre existante"),
                    html.Dd(typo(supply_text(row["supply_rate"], row["supply_places"]))),
                    html.Dt("Offre attendue au regard du besoin"),
                    html.Dd(typo(f"{needs_views.number(row['expected_rate'])} places pour 10 000 habitants")),
                    html.Dt("Manque au regard du besoin"),
                    html.Dd(typo(f"{needs_views.signed_places(row['shortfall_places'])} places")),
                    html.Dt(typo(f"Écart au {reference.label}")),
                    html.Dd(
                        typo(
                            f"{needs_views.signed_places(row['gap_places'])} places (fourchette "
                            f"{needs_views.signed_places(row['gap_low'])} à {needs_views.signed_places(row['gap_high'])})"
                        )
                    ),
                    html.Dt("Robustesse"),
                    html.Dd(typo(arguments.robustness_text(row, analysis.draws))),
                ],
                className="facts fiche-priority-facts",
            ),
            html.P(typo(f"Position : {needs_views.QUADRANTS[quadrant].lower()}."), className="notice notice-info")
            if quadrant
            else None,
            html.P(explanation, className="notice notice-warning") if explanation else None,
        ]
    top = analysis.order(analysis.table.index)[: needs.TOP]
    return html.Section(
        [
            html.H2("Priorité (estimation)"),
            html.P(
                typo(
                    "Estimation : offre qu'aurait le territoire au taux de référence ajusté à son besoin, moins celle "
                    "qu'il a (en places). Un signe + indique des places manquantes."
                ),
                className="section-lead",
            ),
            *body,
            html.Figure(
                [
                    dcc.Graph(
                        id=territory_ids.FICHE_NEED_SUPPLY_CHART,
                        figure=needs_views.need_supply_figure(analysis, labelled=top, highlight=code, height=420),
                        config=needs_views.graph_config(),
                        className="fiche-graph",
                    ),
                    html.Figcaption(needs_views.need_supply_caption(analysis), className="figure-source"),
                ]
            ),
            html.P(
                [
                    dcc.Link("Méthode", href=routes.METHOD),
                    " · ",
                    dcc.Link(
                        "Changer les réglages (page Classement)",
                        href=f"{routes.RANKING}{serialise_needs(data.state)}",
                    ),
                ],
                className="figure-source",
            ),
        ],
        id=territory_ids.FICHE_PRIORITY,
    )


def need_section(data: FicheData) -> html.Section:
    """The need index: value, contributions and the breakdown of each indicator (value, coverage, weight)."""
    analysis, code, row = data.analysis, data.identity.code, data.row
    straddled_region = data.identity.straddled_region
    rows = []
    colours = needs_views.component_colours(analysis.components)
    for component in analysis.components:
        entry = analysis.inputs.entries.get(component.indicator, {})
        candidate = needs.CANDIDATE_BY_ID[component.indicator]
        value = analysis.inputs.values.at[code, component.indicator]
        coverage = analysis.inputs.coverage.at[code, component.indicator]
        masked = bool(analysis.masked.at[code, component.indicator])
        oriented = analysis.index.oriented.at[code, component.indicator]
        contribution = analysis.index.contributions.at[code, component.indicator]
        shown = lookup_value(value, coverage, analysis.inputs.sources.get(component.indicator, ""))
        if masked:
            status = f"écartée : couvre {formatting.format_percent(coverage)} de la population (moins de 80 %)"
        elif not np.isfinite(value):
            status = "donnée manquante : non comptée"
        else:
            status = needs_views.number(contribution)
        rows.append(
            html.Tr(
                [
                    html.Th(
                        [
                            needs_views.swatch(colours[component.indicator]),
                            analysis.inputs.label(component.indicator)
                            + (" (valeur du département)" if candidate.inherited else ""),
                            html.Span(analysis.inputs.sources.get(component.indicator, ""), className="cell-detail"),
                        ],
                        scope="row",
                    ),
                    html.Td(value_cell(shown, entry, straddled_region), className="cell-number"),
                    html.Td("↑ besoin" if component.direction > 0 else "↓ besoin", className="cell-nowrap"),
                    html.Td(format_weight(component.weight), className="cell-number"),
                    html.Td(
                        "–" if not np.isfinite(oriented) else needs_views.number(oriented, 2), className="cell-number"
                    ),
                    html.Td(status, className="cell-number"),
                ]
            )
        )
    if np.isfinite(row["need"]):
        headline = [
            html.P(
                [
                    html.Span(formatting.format_number(row["need"], 0), className="score-value"),
                    html.Span(" sur 100", className="score-unit"),
                ],
                className="score-headline",
            )
        ]
        missing = int(row["n_missing"])
        if missing:
            headline.append(
                html.P(
                    typo(
                        f"{missing} indicateur(s) manquant(s) ou écarté(s) pour ce territoire : l'indice est calculé "
                        "sur les autres, dont les poids sont répartis (jamais une valeur 0)."
                    ),
                    className="notice notice-info",
                )
            )
    else:
        headline = [html.P("Aucun indicateur du besoin n'est renseigné pour ce territoire : pas d'indice.")]
    return html.Section(
        [
            html.H2("Indice de besoin (estimation)"),
            html.P(
                typo(
                    "Indicateurs de la demande seulement (l'offre existante n'y entre pas), chacun rangé parmi les EPCI "
                    "de la région et orienté dans le sens du besoin, puis pondéré."
                ),
                className="section-lead",
            ),
            *headline,
            dcc.Graph(
                id=territory_ids.FICHE_SCORE_CHART,
                figure=needs_views.contribution_figure(analysis, [code], height=150, legend=False),
                config=needs_views.graph_config(),
                className="fiche-graph",
            ),
            needs_views.table(
                "Décomposition (couleurs du graphique) : valeur et sa couverture, sens, poids, position parmi les "
                "EPCI (0 à 1, orientée dans le sens du besoin) et contribution en points",
                [
                    "Indicateur (source)",
                    "Valeur",
                    "Sens",
                    "Poids",
                    "Position (0 à 1, sens du besoin)",
                    "Contribution (points)",
                ],
                rows,
                numeric=(1, 3, 4, 5),
            ),
            html.P(
                [
                    typo(f"Normalisation : {needs.NORMALISATIONS[analysis.parameters.normalisation]} "),
                    dcc.Link("Méthode de l'indice", href=routes.METHOD),
                ],
                className="figure-source",
            ),
        ],
        id=territory_ids.FICHE_SCORE,
    )


def lookup_value(value: float, coverage: float, source: str):
    """A candidate's value as a store Value (for value_cell)."""
    return Value(
        float(value) if np.isfinite(value) else None, float(coverage) if np.isfinite(coverage) else None, None, source
    )


def supply_section(store: Store, data: FicheData) -> html.Section:
    """Supply in places by family and the gap to the chosen reference, with the places computation."""
    analysis = data.analysis
    supply = analysis.inputs.supply
    if not supply.available:
        body: list = [
            html.P("Places non estimables : chiffres DREES de la région indisponibles dans cette construction.")
        ]
    else:
        body = [
            needs_views.family_gap_table(analysis, data.identity.code),
            html.P(typo(needs_views.spread_text(supply)), className="figure-source"),
            html.Details(
                [
                    html.Summary("Calcul du nombre de places par établissement"),
                    needs_views.places_computation_table(supply),
                ],
                className="fiche-details",
            ),
        ]
    return html.Section(
        [
            html.H2("Offre existante et écart à la référence (estimations)"),
            html.P(
                typo(
                    f"FINESS recense des établissements, pas des places : chaque établissement compte pour la taille "
                    f"moyenne de sa famille dans la région. Référence : {analysis.reference.label}."
                ),
                className="section-lead",
            ),
            *body,
            html.P(
                [
                    sources_line([source_of(store, "places_residence_sociale_pour_10000")]) + ". ",
                    dcc.Link("Méthode de l'écart", href=routes.METHOD),
                ],
                className="figure-source",
            ),
        ],
        id=territory_ids.FICHE_GAP,
    )


def figures_section(store: Store, data: FicheData) -> html.Section:
    entries = catalogue.indicator_entries(store)
    ident = data.identity
    straddled_region = ident.straddled_region
    rows = []
    for indicator in KEY_INDICATORS:
        entry = entries.get(indicator)
        if entry is None or not entry.get("available", True):
            continue
        levels = set(entry.get("levels") or [])
        cells = []
        if "epci" in levels:
            cells.append(value_cell(lookup(store, indicator, "epci", ident.code), entry, straddled_region))
        else:
            cells.append(html.Span("publié par département seulement", className="cell-note"))
        for scope, code in (("departement", ident.departement_code), ("region", region_code(store)), ("france", "FR")):
            cells.append(value_cell(lookup(store, indicator, scope, code), entry, detail=scope == "france"))
        notes = " (approximation)" if entry.get("approximation") else (" (estimation)" if entry.get("estimate") else "")
        rows.append(
            html.Tr(
                [
                    html.Th(
                        [
                            dcc.Link(catalogue.label_with_unit(entry), href=routes.indicator_source_path(indicator)),
                            notes,
                            html.Span(sources_line([source_of(store, indicator)]), className="cell-detail"),
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
                    "à ce niveau). Les taux au-dessus de la commune sont recalculés à partir des sommes ; une valeur "
                    "approchée à partir des communes est donnée avec la part de la population qu'elle couvre."
                ),
                className="section-lead",
            ),
            html.Div(
                needs_views.table(
                    None,
                    [
                        "Indicateur (unité ; source, millésime)",
                        ident.name,
                        ident.departement_name,
                        perimeter(store).name,
                        "France",
                    ],
                    rows,
                    numeric=(1, 2, 3, 4),
                ),
                id=territory_ids.TERRITORY_TABLE,
            ),
        ],
        id=territory_ids.FICHE_FIGURES,
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
                    "Phrases écrites automatiquement à partir des données, chacune avec son chiffre, sa référence, "
                    "sa source et, si le chiffre ne couvre qu'une partie de la population, sa couverture ; une "
                    "comparaison n'apparaît que si l'écart dépasse 5 %."
                ),
                className="section-lead",
            ),
            *blocks,
        ],
        id=territory_ids.FICHE_ARGUMENTS,
        className="fiche-arguments",
    )
