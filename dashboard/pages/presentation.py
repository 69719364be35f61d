"""Committee presentation mode (/presentation): assemble a deck of slides, show it full screen, export it.

The whole deck is in the address (`?d=carte:taux_pauvrete|classement:10|territoire:200093201`, see
`dashboard.presentation.deck`), so a link restores it; a bad part is dropped with a notice. The page has two views on
the same slides: the editor (list, reorder, remove, add, exports, and a preview of every slide) and the
full-screen show (dashboard/assets/presentation.js: ← → space PageUp PageDown, F, Esc). `?vue=impression`
lays the slides out one per A4 landscape page, for the PDF handout (dashboard/exports_media.py).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.core import catalogue, formatting, routes
from dashboard.core.levels import LEVEL_EPCI, LEVEL_NOUNS, LEVELS
from dashboard.core.store import Store, current_store
from dashboard.exports import media as exports_media
from dashboard.map import callbacks as callbacks_map
from dashboard.map import components as map_components
from dashboard.map import ids as map_ids
from dashboard.map import state as map_state
from dashboard.presentation import deck
from dashboard.presentation import ids as presentation_ids
from dashboard.ui.components import format_date, requires_store

logger = logging.getLogger(__name__)
TITLE = "Mode présentation"
#: Indicator proposed first by the form's map slide (an official figure, not an approximation).
DEFAULT_MAP_INDICATOR = "part_minima_sociaux_2019"

dash.register_page(
    __name__, path=routes.PRESENTATION, name="Présentation", title=f"{TITLE} — Résidences sociales", order=30
)

LEAD = (
    "Assemblez une suite de diapositives pour un comité (carte d'un indicateur, classement par places manquantes au regard du besoin, "
    "fiche d'un territoire, comparaison de territoires), puis présentez-la en plein écran, même sans connexion : "
    "tout est servi par l'application. L'adresse de la page contient toute la présentation : partagez-la pour la "
    "retrouver à l'identique."
)
KEYS_HELP = [
    ("→, Espace ou Page suivante", "diapositive suivante"),
    ("← ou Page précédente", "diapositive précédente"),
    ("Début, Fin", "première, dernière diapositive"),
    ("F", "plein écran"),
    ("Échap", "revenir à cette page"),
]
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


# --- Slides -----------------------------------------------------------------------------------------------


def slide_graph(store: Store, slide: deck.Slide) -> dcc.Graph:
    figure = deck.map_slide_figure(store, slide, callbacks_map.geometry_urls(store))
    config = {**GRAPH_CONFIG, "topojsonURL": callbacks_map.topojson_url()}
    return dcc.Graph(figure=figure, config=config, className="slide-graph", style={"height": "100%"})


def legend_block(slide: deck.Slide) -> html.Aside:
    view = slide.view
    legend = view.legend
    if legend is None:
        return html.Aside(html.P(view.unavailable_message or ""), className="slide-legend")
    nouns = LEVEL_NOUNS[view.level]
    return html.Aside(
        [
            html.P(legend.unit or legend.title, className="slide-legend-title"),
            html.Ul(
                [
                    html.Li(
                        [
                            map_components.swatch(entry.colour, entry.missing),
                            html.Span(entry.label, className="slide-legend-label"),
                            html.Span(
                                f"{formatting.format_number(entry.count)} {nouns[0] if entry.count == 1 else nouns[1]}",
                                className="slide-legend-count",
                            ),
                        ],
                        className="slide-legend-entry",
                    )
                    for entry in legend.entries
                ],
                className="slide-legend-list",
            ),
            *[html.P(deck.short_note(note), className="slide-note") for note in slide.notes],
        ],
        className="slide-legend",
    )


def map_body(store: Store, slide: deck.Slide) -> list[Any]:
    return [html.Div(slide_graph(store, slide), className="slide-map"), legend_block(slide)]


def bar(share: float, kind: str = "") -> html.Span:
    return html.Span(
        html.Span(className="slide-bar-fill", style={"width": f"{100 * share:.1f}%"}),
        className=f"slide-bar {kind}".strip(),
        **{"aria-hidden": "true"},
    )


def ranking_body(slide: deck.Slide) -> list[Any]:
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


def territory_body(slide: deck.Slide) -> list[Any]:
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


def comparison_body(slide: deck.Slide) -> list[Any]:
    head = [html.Th("Indicateur", scope="col")]
    head += [html.Th(name, scope="col") for name in slide.territories]
    head.append(html.Th(slide.region, scope="col", className="slide-region"))
    rows = []
    for row in slide.comparison:
        shares = deck.bar_share([*row.values, row.region_value])
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


def slide_body(store: Store, slide: deck.Slide) -> list[Any]:
    kind = slide.spec.kind
    if slide.error:  # a slide that could not be built (build_slides)
        return [html.P(slide.error, className="slide-note")]
    if kind == deck.KIND_MAP:
        return map_body(store, slide)
    if kind == deck.KIND_RANKING:
        return ranking_body(slide)
    if kind == deck.KIND_TERRITORY:
        return territory_body(slide)
    return comparison_body(slide)


def build_slides(store: Store, slides: list[deck.SlideSpec]) -> list[deck.Slide]:
    """Every slide's content; one that cannot be built (incomplete data) says so instead of breaking the page."""
    built = []
    for spec in slides:
        try:
            built.append(deck.build_slide(store, spec))
        except Exception:  # logged; the other slides are still shown
            logger.exception("slide %s could not be built", spec.token)
            built.append(
                deck.Slide(
                    spec=spec,
                    title="Diapositive indisponible",
                    subtitle=f"« {spec.token} »",
                    sources=(),
                    vintages=(),
                    error="Les données construites ne permettent pas de composer cette diapositive ; "
                    "l'erreur est enregistrée dans le journal du serveur.",
                )
            )
    return built


def slide_component(store: Store, slide: deck.Slide, number: int, total: int) -> html.Section:
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


def deck_component(store: Store, slides: list[deck.Slide], print_view: bool = False) -> html.Div:
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


# --- Editor ---------------------------------------------------------------------------------------------------


def notices_block(notices: tuple[str, ...]) -> html.Div | None:
    if not notices:
        return None
    return html.Div(
        [
            html.H2("Certaines parties de l'adresse ont été ignorées ou corrigées", className="notice-title"),
            html.Ul([html.Li(notice) for notice in notices]),
        ],
        id=presentation_ids.PRES_NOTICES,
        className="notice notice-warning",
        role="status",
    )


def added_block(added: tuple[deck.SlideSpec, ...], choices: deck.DeckChoices) -> html.Div | None:
    if not added:
        return None
    return html.Div(
        [
            html.P(
                f"Diapositive{'s' if len(added) > 1 else ''} ajoutée{'s' if len(added) > 1 else ''} à la fin de "
                "la présentation :"
            ),
            html.Ul([html.Li(deck.describe(spec, choices)) for spec in added]),
        ],
        id=presentation_ids.PRES_ADDED,
        className="notice notice-info",
        role="status",
    )


def export_links(spec: deck.SlideSpec) -> html.Span | None:
    if spec.kind == deck.KIND_TERRITORY:
        link = html.A(
            "fiche PDF", href=exports_media.fiche_pdf_href(spec.code or ""), className="deck-export", download=""
        )
        return html.Span(["Export : ", link], className="deck-exports")
    if spec.kind not in deck.IMAGE_KINDS:
        return None
    links = [
        html.A(label, href=exports_media.image_href(spec, fmt, size), className="deck-export", download="")
        for fmt, size, label in exports_media.IMAGE_LINKS
    ]
    return html.Span(["Image : ", *_joined(links)], className="deck-exports")


def _joined(items: list[Any], separator: str = " · ") -> list[Any]:
    result: list[Any] = []
    for position, item in enumerate(items):
        if position:
            result.append(separator)
        result.append(item)
    return result


def slide_list(slides: list[deck.SlideSpec], choices: deck.DeckChoices) -> html.Ol:
    items = []
    last = len(slides) - 1
    for index, spec in enumerate(slides):
        description = deck.describe(spec, choices)
        actions = [
            dcc.Link(
                "Monter",
                href=deck.deck_href(deck.moved(slides, index, -1)),
                className="deck-action",
                title=f"Monter la diapositive {index + 1}",
            )
            if index > 0
            else None,
            dcc.Link(
                "Descendre",
                href=deck.deck_href(deck.moved(slides, index, 1)),
                className="deck-action",
                title=f"Descendre la diapositive {index + 1}",
            )
            if index < last
            else None,
            dcc.Link(
                "Retirer",
                href=deck.deck_href(deck.removed(slides, index)) or routes.PRESENTATION,
                className="deck-action deck-action-remove",
                title=f"Retirer la diapositive {index + 1}",
            ),
        ]
        items.append(
            html.Li(
                [
                    html.Span(description, className="deck-item-title"),
                    html.Span([item for item in actions if item is not None], className="deck-actions"),
                    export_links(spec),
                ],
                className="deck-item",
            )
        )
    return html.Ol(items, id=presentation_ids.PRES_LIST, className="deck-list")


def example_deck(store: Store, choices: deck.DeckChoices) -> list[deck.SlideSpec]:
    """A starting deck: two maps, the top 10, the first territory and a comparison of the first two."""
    ranking = deck.build_slide(store, deck.SlideSpec(deck.KIND_RANKING, top=deck.DEFAULT_TOP))
    first = [row.code for row in ranking.ranking[:2]]
    specs = [
        deck.SlideSpec(deck.KIND_MAP, indicator=indicator)
        for indicator in ("places_residence_sociale_pour_10000", "part_minima_sociaux_2019")
        if LEVEL_EPCI in choices.levels.get(indicator, ())
    ]
    specs.append(deck.SlideSpec(deck.KIND_RANKING, top=deck.DEFAULT_TOP))
    if first:
        specs.append(deck.SlideSpec(deck.KIND_TERRITORY, codes=(first[0],)))
    if len(first) == 2:
        indicators = tuple(key for key in deck.DEFAULT_COMPARED_INDICATORS if key in choices.epci_indicators)
        specs.append(deck.SlideSpec(deck.KIND_COMPARISON, codes=tuple(first), indicators=indicators))
    return specs


def toolbar(slides: list[deck.SlideSpec]) -> html.Div:
    return html.Div(
        [
            html.Button(
                "▶ Lancer la présentation",
                id=presentation_ids.PRES_START,
                type="button",
                className="button button-primary",
                **{"data-deck-action": "start"},
            ),
            html.A(
                "Télécharger le PDF (une diapositive par page, A4 paysage)",
                id=presentation_ids.PRES_PDF,
                href=exports_media.deck_pdf_href(slides),
                className="button button-secondary",
                download="",
            ),
        ],
        className="deck-toolbar",
    )


def permalink(slides: list[deck.SlideSpec]) -> html.Div:
    return html.Div(
        [
            html.Label("Lien vers cette présentation", htmlFor=presentation_ids.PRES_PERMALINK),
            html.Div(
                [
                    dcc.Input(
                        id=presentation_ids.PRES_PERMALINK,
                        type="text",
                        readOnly=True,
                        value=deck.deck_href(slides),
                        className="permalink-input",
                    ),
                    html.Button(
                        "Copier le lien",
                        id=presentation_ids.PRES_COPY,
                        type="button",
                        className="button",
                    ),
                ],
                className="permalink-row",
            ),
            html.P(id=presentation_ids.PRES_COPY_STATUS, role="status", className="copy-status"),
        ],
        className="permalink",
    )


def keys_help() -> html.Details:
    return html.Details(
        [
            html.Summary("Touches pendant la présentation"),
            html.Dl(
                [html.Div([html.Dt(key), html.Dd(action)], className="deck-key") for key, action in KEYS_HELP],
                className="deck-keys",
            ),
            html.P(
                "Les télécommandes de présentation envoient ces touches. Les boutons à l'écran n'apparaissent que "
                "lorsque la souris bouge.",
                className="map-hint",
            ),
        ],
        className="deck-help",
        open=True,
    )


def field_group(kind: str, children: list[Any], hidden: bool) -> html.Div:
    return html.Div(
        children,
        id={"type": presentation_ids.PRES_FORM_GROUP, "kind": kind},
        className="deck-form-group",
        hidden=hidden,
    )


def add_form(store: Store, choices: deck.DeckChoices) -> html.Section:
    kind = deck.KIND_MAP
    epci_options = sorted(
        ({"label": name, "value": code} for code, name in choices.epcis.items()),
        key=lambda option: catalogue.normalise(option["label"]),
    )
    indicator_options = [{"label": choices.labels.get(key, key), "value": key} for key in choices.epci_indicators]
    dropdown_labels = {
        "search": "Rechercher",
        "no_options_found": "Aucun résultat",
        "clear_search": "Effacer la recherche",
        "clear_selection": "Retirer la sélection",
    }
    return html.Section(
        [
            html.H2("Ajouter une diapositive"),
            html.P(
                "Vous pouvez aussi ajouter la vue en cours depuis la carte ou depuis la fiche d'un territoire "
                "(bouton « Ajouter à la présentation »).",
                className="map-hint",
            ),
            html.Fieldset(
                [
                    html.Legend("Type de diapositive"),
                    dcc.RadioItems(
                        id=presentation_ids.PRES_FORM_KIND,
                        options=[{"label": label, "value": key} for key, label in deck.KINDS.items()],
                        value=kind,
                        className="radio-list",
                    ),
                ],
                className="map-field",
            ),
            field_group(
                deck.KIND_MAP,
                [
                    html.Label("Indicateur", htmlFor=presentation_ids.PRES_FORM_INDICATOR),
                    dcc.Dropdown(
                        id=presentation_ids.PRES_FORM_INDICATOR,
                        options=map_components.indicator_options(store),
                        value=DEFAULT_MAP_INDICATOR if DEFAULT_MAP_INDICATOR in choices.levels else None,
                        clearable=False,
                        search_order="original",
                        labels=dropdown_labels,
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Niveau"),
                            dcc.RadioItems(
                                id=presentation_ids.PRES_FORM_LEVEL,
                                options=[{"label": label, "value": level} for level, label in LEVELS.items()],
                                value=LEVEL_EPCI,
                                inline=True,
                                className="radio-inline",
                            ),
                        ],
                        className="map-field",
                    ),
                ],
                hidden=kind != deck.KIND_MAP,
            ),
            field_group(
                deck.KIND_RANKING,
                [
                    html.Label(
                        f"Nombre de territoires ({deck.MIN_TOP} à {deck.MAX_TOP})",
                        htmlFor=presentation_ids.PRES_FORM_TOP,
                    ),
                    dcc.Input(
                        id=presentation_ids.PRES_FORM_TOP,
                        type="number",
                        min=deck.MIN_TOP,
                        max=deck.MAX_TOP,
                        step=1,
                        value=deck.DEFAULT_TOP,
                    ),
                    html.P(
                        "Classement par places manquantes au regard du besoin, réglages par défaut (taux national) ; "
                        "pour d'autres poids, réglez-les sur la page Classement puis « Ajouter ce classement à la "
                        "présentation », ou écrivez-les dans l'adresse "
                        "(classement:10:part_minima_sociaux_2019:2,loyer_appartement:1).",
                        className="map-hint",
                    ),
                ],
                hidden=kind != deck.KIND_RANKING,
            ),
            field_group(
                deck.KIND_TERRITORY,
                [
                    html.Label("Territoire (EPCI)", htmlFor=presentation_ids.PRES_FORM_TERRITORY),
                    dcc.Dropdown(
                        id=presentation_ids.PRES_FORM_TERRITORY,
                        options=epci_options,
                        placeholder="Rechercher un EPCI…",
                        labels=dropdown_labels,
                    ),
                ],
                hidden=kind != deck.KIND_TERRITORY,
            ),
            field_group(
                deck.KIND_COMPARISON,
                [
                    html.Label(
                        f"Territoires à comparer ({deck.MIN_COMPARED} à {deck.MAX_COMPARED} EPCI)",
                        htmlFor=presentation_ids.PRES_FORM_COMPARED,
                    ),
                    dcc.Dropdown(
                        id=presentation_ids.PRES_FORM_COMPARED,
                        options=epci_options,
                        multi=True,
                        placeholder="Rechercher des EPCI…",
                        labels=dropdown_labels,
                    ),
                    html.Label(
                        f"Indicateurs (1 à {deck.MAX_COMPARED_INDICATORS})",
                        htmlFor=presentation_ids.PRES_FORM_COMPARED_INDICATORS,
                    ),
                    dcc.Dropdown(
                        id=presentation_ids.PRES_FORM_COMPARED_INDICATORS,
                        options=indicator_options,
                        value=[key for key in deck.DEFAULT_COMPARED_INDICATORS if key in choices.epci_indicators],
                        multi=True,
                        labels=dropdown_labels,
                    ),
                ],
                hidden=kind != deck.KIND_COMPARISON,
            ),
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


def state_data(request: deck.DeckRequest, query: dict[str, Any]) -> dict[str, Any]:
    """What the clientside sync needs: the deck text, whether the address set it, the canonical query."""
    explicit = deck.PARAM_DECK in query or deck.PARAM_ADD in query
    return {
        "deck": deck.serialise_deck(request.slides),
        "explicit": explicit,
        "canonical": deck.deck_query(request.slides) if explicit else None,
        "path": routes.PRESENTATION,
    }


@requires_store
def editor(store: Store, query: dict[str, Any]) -> html.Div:
    choices = deck.choices_from_store(store)
    request = deck.parse_request(query, choices)
    slides = list(request.slides)
    if request.print_view:
        return html.Div([deck_component(store, build_slides(store, slides), print_view=True)])
    built = build_slides(store, slides)
    if slides:
        list_section = [
            html.H2(f"Diapositives ({len(slides)})"),
            toolbar(slides),
            keys_help(),
            slide_list(slides, choices),
            html.P(
                dcc.Link("Vider la présentation", href=f"{routes.PRESENTATION}?{deck.PARAM_DECK}="),
                className="deck-clear",
            ),
            permalink(slides),
        ]
    else:
        list_section = [
            html.H2("Diapositives (0)"),
            html.P(
                "La présentation est vide. Ajoutez des diapositives avec le formulaire ci-dessous, depuis la carte ou "
                "la fiche d'un territoire, ou partez d'une présentation type :"
            ),
            html.P(
                dcc.Link(
                    "Commencer avec une présentation type (cartes, classement, territoire, comparaison)",
                    href=deck.deck_href(example_deck(store, choices)),
                    className="button-link",
                )
            ),
        ]
    return html.Div(
        [
            notices_block(request.notices),
            added_block(request.added, choices),
            html.P(
                dcc.Link(
                    "Reprendre la présentation en cours",
                    href=routes.PRESENTATION,
                    id=presentation_ids.PRES_RESUME,
                    className="button-link",
                ),
                className="deck-resume",
                hidden=True,
                id=presentation_ids.PRES_RESUME_BLOCK,
            ),
            html.Div(
                [html.Section(list_section, className="deck-editor"), add_form(store, choices)],
                className="deck-layout",
            ),
            html.Section(
                [
                    html.H2("Aperçu des diapositives"),
                    html.P(
                        "Chaque diapositive porte son titre, sa source, le millésime des données et son numéro.",
                        className="map-hint",
                    ),
                    deck_component(store, built),
                ],
                className="deck-preview",
            )
            if built
            else None,
            dcc.Store(id=presentation_ids.PRES_STATE, data=state_data(request, query)),
        ]
    )


def layout(**query: Any) -> html.Div:
    store = current_store()
    print_view = query.get(deck.PARAM_VIEW) == deck.VIEW_PRINT
    return html.Div(
        [
            None if print_view else html.H1(TITLE, id=presentation_ids.PRES_TITLE),
            None if print_view else html.P(LEAD, className="map-lead"),
            editor(query=query),
            dcc.Location(id=presentation_ids.PRES_LOCATION, refresh="callback-nav"),
            None if isinstance(store, Store) else placeholders(),
        ],
        className="presentation-page",
    )


def placeholders() -> html.Div:
    """Hidden components for the ids of the callbacks, when the data is not built."""
    return html.Div(
        [
            dcc.Store(id=presentation_ids.PRES_STATE),
            dcc.Link(href=routes.PRESENTATION, id=presentation_ids.PRES_RESUME),
            html.P(id=presentation_ids.PRES_RESUME_BLOCK),
        ],
        hidden=True,
    )


# --- Callbacks ------------------------------------------------------------------------------------------------


@callback(
    Output({"type": presentation_ids.PRES_FORM_GROUP, "kind": ALL}, "hidden"),
    Input(presentation_ids.PRES_FORM_KIND, "value"),
    State({"type": presentation_ids.PRES_FORM_GROUP, "kind": ALL}, "id"),
    prevent_initial_call=True,
)
def show_fields(kind, groups):
    return [group["kind"] != kind for group in groups]


@callback(
    Output(presentation_ids.PRES_LOCATION, "href"),
    Output(presentation_ids.PRES_FORM_ERROR, "children"),
    Input(presentation_ids.PRES_FORM_ADD, "n_clicks"),
    State(presentation_ids.PRES_FORM_KIND, "value"),
    State(presentation_ids.PRES_FORM_INDICATOR, "value"),
    State(presentation_ids.PRES_FORM_LEVEL, "value"),
    State(presentation_ids.PRES_FORM_TOP, "value"),
    State(presentation_ids.PRES_FORM_TERRITORY, "value"),
    State(presentation_ids.PRES_FORM_COMPARED, "value"),
    State(presentation_ids.PRES_FORM_COMPARED_INDICATORS, "value"),
    State(presentation_ids.PRES_STATE, "data"),
    prevent_initial_call=True,
)
def add_slide(_clicks, kind, indicator, level, top, territory, compared, compared_indicators, state):
    store = current_store()
    if not isinstance(store, Store):
        raise dash.exceptions.PreventUpdate
    choices = deck.choices_from_store(store)
    try:
        spec = deck.spec_from_form(kind, indicator, level, top, territory, compared, compared_indicators, choices)
    except deck.SlideError as error:
        message = str(error)
        return dash.no_update, f"Diapositive non ajoutée : {message[0].lower()}{message[1:]}."
    slides, _ = deck.parse_deck((state or {}).get("deck"), choices)
    if len(slides) >= deck.MAX_SLIDES:
        return dash.no_update, f"La présentation compte déjà {deck.MAX_SLIDES} diapositives : retirez-en une d'abord."
    return routes.PRESENTATION + deck.deck_query(slides, **{deck.PARAM_ADD: spec.token}), ""


clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="sync"),
    Output(presentation_ids.PRES_RESUME, "href"),
    Output(presentation_ids.PRES_RESUME_BLOCK, "hidden"),
    Input(presentation_ids.PRES_STATE, "data"),
)

clientside_callback(
    ClientsideFunction(namespace="presentation", function_name="copyLink"),
    Output(presentation_ids.PRES_COPY_STATUS, "children"),
    Input(presentation_ids.PRES_COPY, "n_clicks"),
    State(presentation_ids.PRES_PERMALINK, "id"),
    prevent_initial_call=True,
)


# --- « Ajouter à la présentation » and image export on the map page (dashboard/pages/home.py) ----------


def map_links(store: Store, query: str | None) -> tuple[str, str]:
    """Links of the map page's view: add it to the deck in progress, and its PNG with legend and source."""
    state, _ = map_state.parse_state(dict(parse_qsl((query or "").lstrip("?"))), map_state.choices_from_store(store))
    spec = deck.map_spec(state)
    if spec is None:
        return routes.PRESENTATION, routes.PRESENTATION
    return deck.add_href(spec), exports_media.image_href(spec, "png", exports_media.SIZE_PROJECTOR)


def map_actions(store: Store, query: str | None) -> list[Any]:
    add, image = map_links(store, query)
    return [
        html.A(
            "Ajouter à la présentation",
            href=add,
            id=presentation_ids.PRES_ADD_FROM_MAP,
            className="button button-secondary",
            **{"data-deck-add": "carte"},
        ),
        html.A(
            "Image de la carte (PNG 1920 × 1080, légende et source incluses)",
            href=image,
            id=presentation_ids.PRES_EXPORT_FROM_MAP,
            className="deck-map-image",
            download="",
        ),
    ]


@callback(Output(presentation_ids.PRES_MAP_ACTIONS, "children"), Input(map_ids.MAP_QUERY, "data"))
def update_map_actions(query):
    """The map page's view changes its query (map_ids.MAP_QUERY): the links follow it."""
    store = current_store()
    if not isinstance(store, Store):
        raise dash.exceptions.PreventUpdate
    return map_actions(store, query)
