"""Trend blocks and sections: each chart with its title, sources, notes and its values as a table (« Voir les
valeurs », the text alternative); the trends of an EPCI fiche and of a commune fiche."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from dashboard.core.formatting import MISSING_LABEL, format_number, typo
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_EPCI
from dashboard.core.perimeter import of_departement
from dashboard.core.store import Store
from dashboard.needs.figures import graph_config
from dashboard.needs.views import table
from dashboard.trends import ids as trend_ids
from dashboard.trends.compare import RESIDENCE_COLUMNS, Place, comparison_trends
from dashboard.trends.data import Trend, lda_trend, lovac_trend, openings_trend, population_trend
from dashboard.trends.figures import trend_figure
from dashboard.ui.components import sources_line
from dashboard.ui.graph_frame import graph_frame


def _value(value: float | None, decimals: int) -> str:
    return MISSING_LABEL if value is None else format_number(value, decimals)


def summary_sentence(trend: Trend) -> str:
    """« Personnes relogées : 378 en 2017, 783 en 2022 (janv.–nov.). », first and last known value per line."""
    parts = []
    for line in trend.lines:
        known = [(label, value) for label, value in zip(trend.labels, line.values, strict=True) if value is not None]
        if not known:
            parts.append(f"{line.name} : {MISSING_LABEL}")
        elif line.marker_only:
            parts.append(f"{line.name} : {_value(known[-1][1], trend.decimals)}")
        elif len(known) == 1 or trend.steps:
            parts.append(f"{line.name} : {_value(known[-1][1], trend.decimals)} en {known[-1][0]}")
        else:
            first, last = known[0], known[-1]
            parts.append(
                f"{line.name} : {_value(first[1], trend.decimals)} en {first[0]}, "
                f"{_value(last[1], trend.decimals)} en {last[0]}"
            )
    return typo(f"{' ; '.join(parts)} — {trend.unit.removesuffix('.')}.")


def values_table(trend: Trend) -> html.Div:
    """The chart's values, one row per line, one column per year (years as rows when there are many)."""
    if len(trend.years) > 8:
        head = ["Année", *[line.name for line in trend.lines]]
        rows = [
            html.Tr(
                [html.Th(label, scope="row")]
                + [html.Td(_value(line.values[i], trend.decimals)) for line in trend.lines]
            )
            for i, label in enumerate(trend.labels)
        ]
        return table(None, head, rows, numeric=tuple(range(1, len(head))))
    head = ["", *trend.labels]
    rows = [
        html.Tr([html.Th(line.name, scope="row")] + [html.Td(_value(value, trend.decimals)) for value in line.values])
        for line in trend.lines
    ]
    return table(None, head, rows, numeric=tuple(range(1, len(head))))


def trend_block(trend: Trend, graph_id: str) -> html.Figure:
    """One trend: title (what and where), chart, a sentence and the values for screen readers, sources, notes."""
    return html.Figure(
        [
            html.H3(trend.title, className="trend-title"),
            html.Div(
                graph_frame(
                    dcc.Graph(id=graph_id, figure=trend_figure(trend), config=graph_config(), className="trend-graph")
                ),
                className="chart-described",  # a11y.js hides the drawing from screen readers, not its buttons
            )
            if trend.drawable
            else None,
            html.P(summary_sentence(trend), className="trend-summary"),
            html.Details(
                [html.Summary("Voir les valeurs"), values_table(trend)],
                className="fiche-details trend-values",
            ),
            html.Figcaption(
                [
                    html.P(sources_line(list(trend.citations)), className="figure-source trend-source"),
                    *[html.P(typo(note), className="figure-source") for note in trend.notes],
                ]
            ),
        ],
        className=trend_ids.TREND_FIGURE_CLASS,
    )


def trends_section(section_id: str, lead: str, blocks: Sequence[html.Figure | html.P]) -> html.Section:
    """The « Évolutions » section of a fiche: a lead, then the charts two by two."""
    return html.Section(
        [
            html.H2("Évolutions"),
            html.P(typo(lead), className="section-lead"),
            html.Div(list(blocks), className="trend-grid"),
        ],
        id=section_id,
        className="trends",
    )


def departement_blocks(store: Store, section: str, departement: tuple[str, str]) -> list[html.Figure]:
    """Logement d'abord and private vacancy of a département, labelled as the département's values."""
    phrase = of_departement(departement[1])
    return [
        trend_block(trend, trend_ids.graph_id(section, trend.key))
        for trend in (lda_trend(store, departement, phrase), lovac_trend(store, departement, phrase))
    ]


def openings_block(store: Store, section: str, column: str, code: str, name: str, nothing: str) -> html.Figure:
    """Résidences sociales by opening year, or a short sentence when the territory has none."""
    trend = openings_trend(store, column, code, name)
    if trend is None:
        return html.Figure(
            [html.H3("Résidences sociales par année d'ouverture", className="trend-title"), html.P(typo(nothing))],
            className=f"{trend_ids.TREND_FIGURE_CLASS} trend-empty",
        )
    return trend_block(trend, trend_ids.graph_id(section, trend.key))


LEAD = (
    "Séries datées des sources : population aux recensements et population légale, résidences sociales par année "
    "d'ouverture, et, publiés par département seulement, Logement d'abord et vacance du parc privé. Chaque "
    "graphique donne sa source, son millésime et ses valeurs."
)


def fiche_trends(
    store: Store, section: str, level: str, code: str, name: str, departement: tuple[str, str]
) -> html.Section:
    """The trends of a fiche: the territory's population and résidences by opening year (or a sentence when it
    has none), its département's Logement d'abord and private vacancy."""
    population = population_trend(store, level, code, name)
    nothing = (
        "Aucune résidence sociale n'est recensée dans la commune (extrait FINESS) : pas de graphique."
        if level == LEVEL_COMMUNE
        else "Aucune résidence sociale de cet EPCI n'est recensée dans FINESS (extrait utilisé) : pas de graphique."
    )
    return trends_section(
        section,
        LEAD,
        [
            trend_block(population, trend_ids.graph_id(section, population.key)),
            openings_block(store, section, RESIDENCE_COLUMNS[level], code, name, nothing),
            *departement_blocks(store, section, departement),
        ],
    )


def epci_trends(store: Store, code: str, name: str, departement: tuple[str, str]) -> html.Section:
    """The trends of an EPCI fiche."""
    return fiche_trends(store, trend_ids.EPCI_TRENDS, LEVEL_EPCI, code, name, departement)


def commune_trends(store: Store, code: str, name: str, departement: tuple[str, str]) -> html.Section:
    """The trends of a commune fiche."""
    return fiche_trends(store, trend_ids.COMMUNE_TRENDS, LEVEL_COMMUNE, code, name, departement)


def comparison_section(store: Store, chosen: Sequence[Place]) -> html.Section:
    """The comparison's trends: one chart per trend for the chosen territories, the région and France."""
    section = trend_ids.COMPARE_TRENDS
    return html.Section(
        [
            html.H2("Évolutions comparées"),
            html.P(
                typo(
                    "Séries datées des sources, rendues comparables entre territoires de tailles différentes (pour "
                    "10 000 habitants, part du parc, indice). Logement d'abord et vacance du parc privé ne sont "
                    "publiés que par département."
                ),
                className="section-lead",
            ),
            html.Div(
                [
                    trend_block(trend, trend_ids.graph_id(section, trend.key))
                    for trend in comparison_trends(store, chosen)
                ],
                className="trend-grid",
            ),
        ],
        id=section,
        className="trends",
    )
