"""The slides as the page shows them (editor preview, full-screen show, print view): Dash components
built from `dashboard.presentation.slides.Slide` (flat layout declarations)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core import formatting
from dashboard.core.levels import LEVEL_NOUNS
from dashboard.core.store import Store
from dashboard.map import components as map_components
from dashboard.map.geometry import geometry_urls, topojson_url
from dashboard.map.legend import LegendEntry
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.figures import bar_share, map_slide_figure, short_note
from dashboard.presentation.slides import Slide
from dashboard.presentation.specs import KIND_MAP, KIND_RANKING, KIND_SCENARIO, KIND_TERRITORY
from dashboard.ui.components import format_date

GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def slide_graph(store: Store, slide: Slide) -> dcc.Graph:
    figure = map_slide_figure(store, slide, geometry_urls(store))
    config = {**GRAPH_CONFIG, "topojsonURL": topojson_url()}
    return dcc.Graph(figure=figure, config=config, className="slide-graph", style={"height": "100%"})


def legend_entry(entry: LegendEntry, nouns: tuple[str, str]) -> html.Li:
    count = f"{formatting.format_number(entry.count)} {nouns[0] if entry.count == 1 else nouns[1]}"
    return html.Li(
        [
            map_components.swatch(entry.colour, entry.missing),
            html.Span(entry.label, className="slide-legend-label"),
            html.Span(count, className="slide-legend-count"),
        ],
        className="slide-legend-entry",
    )


def legend_block(slide: Slide) -> html.Aside:
    view = slide.view
    legend = view.legend
    if legend is None:
        return html.Aside(html.P(view.unavailable_message or ""), className="slide-legend")
    nouns = LEVEL_NOUNS[view.level]
    return html.Aside(
        [
            html.P(legend.unit or legend.title, className="slide-legend-title"),
            html.Ul(
                [legend_entry(entry, nouns) for entry in legend.entries],
                className="slide-legend-list",
            ),
            *[html.P(short_note(note), className="slide-note") for note in slide.notes],
        ],
        className="slide-legend",
    )


def map_body(store: Store, slide: Slide) -> list[Any]:
    return [html.Div(slide_graph(store, slide), className="slide-map"), legend_block(slide)]


def bar(share: float, kind: str = "") -> html.Span:
    return html.Span(
        html.Span(className="slide-bar-fill", style={"width": f"{100 * share:.1f}%"}),
        className=f"slide-bar {kind}".strip(),
        **{"aria-hidden": "true"},
    )


def ranking_body(slide: Slide) -> list[Any]:
    longest = max((row.shortfall for row in slide.ranking), default=0.0)
    rows = [
        html.Tr(
            [
                html.Td(formatting.ordinal(row.rank), className="cell-number slide-rank"),
                html.Th(
                    [row.name, html.Span(" *", title="indicateur manquant ou partiel") if row.missing else None],
                    scope="row",
                ),
                html.Td(
                    html.Div(
                        [
                            bar(max(row.shortfall, 0.0) / longest if longest > 0 else 0.0),
                            html.Span(row.shortfall_text, className="slide-bar-value"),
                        ],
                        className="slide-bar-line",
                    ),
                    className="slide-bar-cell",
                ),
                html.Td(row.need_text, className="cell-number"),
                html.Td(row.supply_text, className="cell-number"),
                html.Td([row.interval, html.Span(" ✓", className="slide-solid") if row.solid else None]),
            ]
        )
        for row in slide.ranking
    ]
    return [
        html.Table(
            [
                html.Caption(
                    f"{slide.title} — places manquantes au regard du besoin (estimation)", className="visually-hidden"
                ),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("Rang", scope="col", className="cell-number"),
                            html.Th("EPCI", scope="col"),
                            html.Th("Places manquantes", scope="col"),
                            html.Th("Besoin (sur 100)", scope="col", className="cell-number"),
                            html.Th("Offre (pour 10 000 hab.)", scope="col", className="cell-number"),
                            html.Th("Rang selon les réglages", scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="slide-table slide-ranking-table",
            style={"--rows": str(max(len(rows), 1))},
        ),
        html.Div([html.P(note, className="slide-note") for note in slide.notes], className="slide-notes"),
    ]


def territory_body(slide: Slide) -> list[Any]:
    figures = [
        html.Div(
            [
                html.Dt(figure.label, className="slide-figure-label"),
                html.Dd(
                    [figure.number, " ", html.Span(figure.unit, className="slide-figure-unit")]
                    if figure.unit
                    else figure.number,
                    className="slide-figure-value",
                ),
                html.Dd(figure.detail, className="slide-figure-detail") if figure.detail else None,
            ],
            className="slide-figure",
        )
        for figure in slide.figures
    ]
    arguments = [
        html.Li(item.text, className="slide-argument" if item.supports else "slide-argument slide-argument-nuance")
        for item in slide.arguments
    ]
    return [
        html.Div(
            [
                html.P(slide.score_text, className="slide-score") if slide.score_text else None,
                html.Dl(figures, className="slide-figures"),
            ],
            className="slide-territory-figures",
        ),
        html.Div(
            [
                html.H3("Arguments", className="slide-subheading"),
                html.Ul(arguments, className="slide-arguments")
                if arguments
                else html.P("Aucun écart de plus de 5 % avec les moyennes de référence."),
                *[html.P(note, className="slide-note") for note in slide.notes],
            ],
            className="slide-territory-arguments",
        ),
    ]


def comparison_body(slide: Slide) -> list[Any]:
    head = [html.Th("Indicateur", scope="col")]
    head += [html.Th(name, scope="col") for name in slide.territories]
    head.append(html.Th(slide.region, scope="col", className="slide-region"))
    rows = []
    for row in slide.comparison:
        shares = bar_share([*row.values, row.region_value])
        cells = [
            html.Th(
                [
                    row.label,
                    html.Span(
                        [row.unit, " — approximation" if row.note else None] if row.unit else "approximation",
                        className="slide-unit",
                    )
                    if row.unit or row.note
                    else None,
                ],
                scope="row",
            )
        ]
        cells += [
            html.Td([html.Span(text, className="slide-bar-value"), bar(share)], className="slide-bar-cell")
            for text, share in zip(row.texts, shares[:-1], strict=True)
        ]
        cells.append(
            html.Td(
                [html.Span(row.region_text, className="slide-bar-value"), bar(shares[-1], "slide-bar-region")],
                className="slide-bar-cell slide-region",
            )
        )
        rows.append(html.Tr(cells))
    return [
        html.Table(
            [
                html.Caption(slide.title, className="visually-hidden"),
                html.Thead(html.Tr(head)),
                html.Tbody(rows),
            ],
            className="slide-table slide-comparison-table",
        ),
        html.Div([html.P(note, className="slide-note") for note in slide.notes], className="slide-notes"),
    ]


def scenario_body(slide: Slide) -> list[Any]:
    """The planned residences, the before/after table (moved figures in bold) and the summary."""
    rows = [
        html.Tr(
            [
                html.Th(change.label, scope="row"),
                html.Td(change.before),
                html.Td(html.Strong(change.after) if change.moved else change.after),
            ]
        )
        for change in slide.changes
    ]
    return [
        html.Div(
            [
                html.H3("Projet(s) envisagé(s)", className="slide-subheading"),
                html.Ul([html.Li(text) for text in slide.projects], className="slide-arguments"),
                html.P(slide.score_text, className="slide-score"),
            ],
            className="slide-scenario-projects",
        ),
        html.Table(
            [
                html.Caption(slide.title, className="visually-hidden"),
                html.Thead(
                    html.Tr(
                        [
                            html.Th("", scope="col"),
                            html.Th("Sans projet", scope="col"),
                            html.Th("Avec les projets", scope="col"),
                        ]
                    )
                ),
                html.Tbody(rows),
            ],
            className="slide-table slide-scenario-table",
        ),
        html.Div([html.P(note, className="slide-note") for note in slide.notes], className="slide-notes"),
    ]


def slide_body(store: Store, slide: Slide) -> list[Any]:
    kind = slide.spec.kind
    if slide.error:  # a slide that could not be built (build_slides)
        return [html.P(slide.error, className="slide-note")]
    if kind == KIND_MAP:
        return map_body(store, slide)
    if kind == KIND_RANKING:
        return ranking_body(slide)
    if kind == KIND_TERRITORY:
        return territory_body(slide)
    if kind == KIND_SCENARIO:
        return scenario_body(slide)
    return comparison_body(slide)


def slide_component(store: Store, slide: Slide, number: int, total: int) -> html.Section:
    built = format_date(store.built_at)
    return html.Section(
        [
            html.Header(
                [html.H2(slide.title, className="slide-title"), html.P(slide.subtitle, className="slide-subtitle")],
                className="slide-header",
            ),
            html.Div(slide_body(store, slide), className=f"slide-body slide-body-{slide.spec.kind}"),
            html.Footer(
                [
                    html.Div(
                        [
                            html.P(slide.source_line, className="slide-source") if slide.sources else None,
                            html.P(
                                f"{slide.vintage_line} · Données construites le {built}"
                                if slide.vintages
                                else f"Données construites le {built}",
                                className="slide-vintage",
                            ),
                        ],
                        className="slide-credits",
                    ),
                    html.P(f"{number} / {total}", className="slide-counter", **{"aria-hidden": "true"}),
                ],
                className="slide-footer",
            ),
        ],
        id=f"diapo-{number}",
        className=f"slide slide-{slide.spec.kind}",
        role="group",
        **{
            "aria-roledescription": "diapositive",
            "aria-label": f"Diapositive {number} sur {total} : {slide.title}",
            "data-index": str(number),
        },
    )


def deck_controls() -> html.Div:
    """Buttons of the full-screen show, visible only while the mouse moves (presentation.js)."""

    def control(text: str, action: str, label: str) -> html.Button:
        return html.Button(
            text,
            type="button",
            className="deck-control",
            title=label,
            **{"data-deck-action": action, "aria-label": label},
        )

    return html.Div(
        [
            control("‹", "previous", "Diapositive précédente (←)"),
            control("›", "next", "Diapositive suivante (→)"),
            control("Plein écran", "fullscreen", "Plein écran (F)"),
            control("Quitter", "exit", "Quitter la présentation (Échap)"),
        ],
        className="deck-controls",
    )


def deck_component(store: Store, slides: list[Slide], print_view: bool = False) -> html.Div:
    total = len(slides)
    return html.Div(
        [
            *[slide_component(store, slide, number, total) for number, slide in enumerate(slides, start=1)],
            None if print_view else deck_controls(),
            html.P(className="visually-hidden deck-status", role="status", **{"aria-live": "polite"}),
        ],
        id=presentation_ids.PRES_DECK,
        className="deck deck-print" if print_view else "deck",
        **{"data-count": str(total)},
    )
