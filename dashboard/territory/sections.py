"""Territory fiche sections: each `*_section` turns the fiche's data (`dashboard.needs.fiche`) into its
part of the page; the needs analysis's shared charts and tables come from `dashboard.needs.views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from dash import dcc, html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.formatting import format_weight, typo
from dashboard.core.levels import FRANCE_CODE, LEVEL_FRANCE
from dashboard.core.perimeter import in_perimeter, own_region, perimeter_adjective
from dashboard.core.store import Store
from dashboard.needs import arguments, figures
from dashboard.needs import model as needs
from dashboard.needs import views as needs_views
from dashboard.needs.analysis import lookup, source_of
from dashboard.needs.fiche import FicheData, Identity, lookup_value
from dashboard.needs.state import serialise_needs
from dashboard.needs.views import value_cell
from dashboard.territory import ids as territory_ids
from dashboard.ui.components import sources_line
from dashboard.ui.graph_frame import graph_frame


def identity_section(data: FicheData) -> html.Section:
    """Kind, SIREN, département, communes and population, with their source."""
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
                    html.Dd(f"{ident.communes} {in_perimeter()}{outside}"),
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
    """The FINESS establishments of the EPCI, in a table, with their sources."""
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
    """Whether the EPCI implements Logement d'abord in an accelerated way."""
    citation = catalogue.citation_for(store, catalogue.ROLE_REFERENCE_FIGURES)
    source = sources_line([citation]) if citation else ""
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


def supply_text(rate: float, places: float) -> str:
    """« 17,2 places pour 10 000 habitants, soit environ 2 055 places » (or « aucune résidence sociale »)."""
    if not np.isfinite(places):
        return formatting.MISSING_LABEL
    if places == 0:
        return "aucune résidence sociale recensée (0 place)"
    rounded = needs.round_places(places)
    amount = f"environ {formatting.format_number(rounded)} places" if rounded else "moins de 5 places"
    return f"{arguments.number(rate)} places pour 10 000 habitants, soit {amount}"


def need_mean_text(data: FicheData) -> str:
    """« 68 sur 100 (moyenne régionale pondérée : 60) » (« moyenne nationale » for a France build)."""
    return (
        f"{formatting.format_number(data.row['need'], 0)} sur 100 (moyenne {perimeter_adjective()} pondérée : "
        f"{formatting.format_number(data.analysis.mean_need, 0)})"
    )


def need_only_facts(data: FicheData) -> list:
    """The rank by need index and the index, when the build has no places (no supply, no gap)."""
    analysis, row = data.analysis, data.row
    return [
        html.P(
            [
                html.Span(formatting.ordinal(int(row["rank"])), className="score-value"),
                html.Span(f" sur {analysis.ranked} EPCI", className="score-unit"),
                html.Span(" — indice de besoin", className="score-rank"),
            ],
            className="score-headline",
        ),
        html.Dl([html.Dt("Indice de besoin"), html.Dd(need_mean_text(data))], className="facts fiche-priority-facts"),
        html.P(
            typo(f"{needs_views.PLACES_UNAVAILABLE} : ni offre, ni offre attendue, ni écart en places."),
            className="notice notice-info",
        ),
    ]


def priority_facts(data: FicheData) -> list:
    """The rank, need, supply, expected supply, shortfall, gap and robustness of the EPCI, in words."""
    analysis, row, code = data.analysis, data.row, data.identity.code
    if not np.isfinite(row["rank"]):
        return [html.P("Priorité non calculée : indice de besoin ou offre en places indisponible.")]
    if not analysis.inputs.supply.available:
        return need_only_facts(data)
    quadrant = figures.quadrant(analysis, code)
    explanation = needs_views.top_explanation(analysis, code)
    return [
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
                html.Dd(need_mean_text(data)),
                html.Dt("Offre existante"),
                html.Dd(typo(supply_text(row["supply_rate"], row["supply_places"]))),
                html.Dt("Offre attendue au regard du besoin"),
                html.Dd(typo(f"{arguments.number(row['expected_rate'])} places pour 10 000 habitants")),
                html.Dt("Manque au regard du besoin"),
                html.Dd(typo(f"{arguments.signed_places(row['shortfall_places'])} places")),
                html.Dt(typo(f"Écart au {analysis.reference.label}")),
                html.Dd(
                    typo(
                        f"{arguments.signed_places(row['gap_places'])} places (fourchette "
                        f"{arguments.signed_places(row['gap_low'])} à {arguments.signed_places(row['gap_high'])})"
                    )
                ),
                html.Dt("Robustesse"),
                html.Dd(typo(arguments.robustness_text(row, analysis.draws))),
            ],
            className="facts fiche-priority-facts",
        ),
        html.P(typo(f"Position : {figures.QUADRANTS[quadrant].lower()}."), className="notice notice-info")
        if quadrant
        else None,
        html.P(explanation, className="notice notice-warning") if explanation else None,
    ]


def priority_section(data: FicheData) -> html.Section:
    """Priority rank, need and supply in numbers, and the need × supply chart with this territory (rank and need
    only when the build has no places)."""
    analysis, code = data.analysis, data.identity.code
    body = priority_facts(data)
    top = analysis.order(analysis.table.index)[: needs.TOP]
    with_places = analysis.inputs.supply.available
    return html.Section(
        [
            html.H2("Priorité (estimation)"),
            html.P(
                typo(
                    "Estimation : offre qu'aurait le territoire au taux de référence ajusté à son besoin, moins celle "
                    "qu'il a (en places). Un signe + indique des places manquantes."
                    if with_places
                    else "Estimation : rang de l'EPCI par son indice de besoin."
                ),
                className="section-lead",
            ),
            *body,
            html.Figure(
                [
                    graph_frame(
                        dcc.Graph(
                            id=territory_ids.FICHE_NEED_SUPPLY_CHART,
                            figure=figures.need_supply_figure(analysis, labelled=top, highlight=code, height=420),
                            config=figures.graph_config(),
                            className="fiche-graph",
                        )
                    ),
                    html.Figcaption(figures.need_supply_caption(analysis), className="figure-source"),
                ]
            )
            if with_places
            else None,
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


def component_row(data: FicheData, component: needs.Component, colour: str) -> html.Tr:
    """One indicator of the need index: value and its coverage, direction, weight, position, contribution."""
    analysis, code, indicator = data.analysis, data.identity.code, component.indicator
    entry = analysis.inputs.entries.get(indicator, {})
    value = analysis.inputs.values.at[code, indicator]
    coverage = analysis.inputs.coverage.at[code, indicator]
    oriented = analysis.index.oriented.at[code, indicator]
    shown = lookup_value(value, coverage, analysis.inputs.sources.get(indicator, ""))
    if bool(analysis.masked.at[code, indicator]):
        status = f"écartée : couvre {formatting.format_percent(coverage)} de la population (moins de 80 %)"
    elif not np.isfinite(value):
        status = "donnée manquante : non comptée"
    else:
        status = arguments.number(analysis.index.contributions.at[code, indicator])
    return html.Tr(
        [
            html.Th(
                [
                    needs_views.swatch(colour),
                    analysis.inputs.label(indicator)
                    + (" (valeur du département)" if needs.CANDIDATE_BY_ID[indicator].inherited else ""),
                    html.Span(analysis.inputs.sources.get(indicator, ""), className="cell-detail"),
                ],
                scope="row",
            ),
            html.Td(value_cell(shown, entry), className="cell-number"),
            html.Td("↑ besoin" if component.direction > 0 else "↓ besoin", className="cell-nowrap"),
            html.Td(format_weight(component.weight), className="cell-number"),
            html.Td("–" if not np.isfinite(oriented) else arguments.number(oriented, 2), className="cell-number"),
            html.Td(status, className="cell-number"),
        ]
    )


def need_headline(row: Mapping[str, float]) -> list:
    """The need index of the EPCI out of 100, and how many of its indicators are missing."""
    if not np.isfinite(row["need"]):
        return [html.P("Aucun indicateur du besoin n'est renseigné pour ce territoire : pas d'indice.")]
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
    return headline


def need_section(data: FicheData) -> html.Section:
    """The need index: value, contributions and the breakdown of each indicator (value, coverage, weight)."""
    analysis, code = data.analysis, data.identity.code
    colours = figures.component_colours(analysis.components)
    rows = [component_row(data, component, colours[component.indicator]) for component in analysis.components]
    headline = need_headline(data.row)
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
            graph_frame(
                dcc.Graph(
                    id=territory_ids.FICHE_SCORE_CHART,
                    figure=figures.contribution_figure(analysis, [code], height=150, legend=False),
                    config=figures.graph_config(),
                    className="fiche-graph",
                )
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


def supply_section(store: Store, data: FicheData) -> html.Section:
    """Supply in places by family and the gap to the chosen reference, with the places computation."""
    analysis = data.analysis
    supply = analysis.inputs.supply
    if not supply.available:
        body: list = [html.P(typo(f"{needs_views.PLACES_UNAVAILABLE}."))]
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


def key_figure_row(store: Store, indicator: str, entry: Mapping[str, Any], ident: Identity) -> html.Tr:
    """One key figure: the EPCI's value (when published at that level), its département's, the région's, France's."""
    if "epci" in set(entry.get("levels") or []):
        cells: list = [value_cell(lookup(store, indicator, "epci", ident.code), entry)]
    else:
        cells = [html.Span("publié par département seulement", className="cell-note")]
    scopes = (
        ("departement", ident.departement_code),
        ("region", own_region(store, "epci", ident.code)[0]),
        (LEVEL_FRANCE, FRANCE_CODE),
    )
    for scope, code in scopes:
        cells.append(value_cell(lookup(store, indicator, scope, code), entry, detail=scope == "france"))
    notes = " (approximation)" if entry.get("approximation") else (" (estimation)" if entry.get("estimate") else "")
    return html.Tr(
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


def figures_section(store: Store, data: FicheData) -> html.Section:
    """The fiche's key figures (the catalogue's featured indicators of the fiche) compared with the département, the région and France."""
    entries = catalogue.indicator_entries(store)
    ident = data.identity
    rows = [
        key_figure_row(store, indicator, entries[indicator], ident)
        for indicator in catalogue.featured(store, catalogue.FEATURED_FICHE)
        if indicator in entries and entries[indicator].get("available", True)
    ]
    return html.Section(
        [
            html.H2("Chiffres clés"),
            html.P(
                typo(
                    "Le territoire comparé à son département, à sa région et à la France (« – » : valeur non publiée "
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
                        own_region(store, "epci", ident.code)[1] or "Région",
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
    """The sentences written from the data: for a need, then nuancing it."""
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
