"""The page /presentation: the editor (notices, list of slides with their links, exports, form, preview)
or, with `?vue=impression`, the slides alone, one per A4 landscape page (flat layout declarations).

The whole deck is in the address (`?d=carte:taux_pauvrete|classement:10|territoire:200093201`, see
`dashboard.presentation.specs`), so a link restores it; a bad part is dropped with a notice. The editor and
the full-screen show (assets/presentation.js: ← → space PageUp PageDown, F, Esc) share the same slides.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.core import routes
from dashboard.core.store import Store, current_store
from dashboard.presentation import export_links as export_addresses
from dashboard.presentation import ids as presentation_ids
from dashboard.presentation.form import add_form
from dashboard.presentation.request import (
    PARAM_ADD,
    PARAM_DECK,
    PARAM_VIEW,
    VIEW_PRINT,
    DeckRequest,
    deck_href,
    deck_query,
    parse_request,
)
from dashboard.presentation.slide_views import deck_component
from dashboard.presentation.slides import Slide, build_slides, example_deck
from dashboard.presentation.specs import (
    IMAGE_KINDS,
    KIND_TERRITORY,
    DeckChoices,
    SlideSpec,
    choices_from_store,
    describe,
    moved,
    removed,
    serialise_deck,
)
from dashboard.ui.components import ignored_parameters, requires_store
from dashboard.ui.permalink import permalink_field

TITLE = "Mode présentation"
LEAD = (
    "Assemblez une suite de diapositives pour un comité (carte d'un indicateur, classement par places manquantes au regard du besoin, "
    "fiche d'un territoire, comparaison de territoires), puis présentez-la en plein écran, même sans connexion : "
    "tout est servi par l'application. L'adresse de la page contient toute la présentation : partagez-la pour la "
    "retrouver à l'identique."
)
NOTICES_TITLE = "Certaines parties de l'adresse ont été ignorées ou corrigées"
KEYS_HELP = [
    ("→, Espace ou Page suivante", "diapositive suivante"),
    ("← ou Page précédente", "diapositive précédente"),
    ("Début, Fin", "première, dernière diapositive"),
    ("F", "plein écran"),
    ("Échap", "revenir à cette page"),
]


def notices_block(notices: tuple[str, ...]) -> html.Div | None:
    """The shared notice of ignored parameters, titled for a deck (whose parts can also be corrected)."""
    block = ignored_parameters(notices, presentation_ids.PRES_NOTICES)
    if block is not None:
        block.children[0].children = NOTICES_TITLE
    return block


def added_block(added: tuple[SlideSpec, ...], choices: DeckChoices) -> html.Div | None:
    if not added:
        return None
    return html.Div(
        [
            html.P(
                f"Diapositive{'s' if len(added) > 1 else ''} ajoutée{'s' if len(added) > 1 else ''} à la fin de "
                "la présentation :"
            ),
            html.Ul([html.Li(describe(spec, choices)) for spec in added]),
        ],
        id=presentation_ids.PRES_ADDED,
        className="notice notice-info",
        role="status",
    )


def export_links(spec: SlideSpec) -> html.Span:
    """Image links of a slide (PNG of every kind, SVG of the figures), and the fiche PDF of a territory."""
    links = [
        html.A(label, href=export_addresses.image_href(spec, fmt, size), className="deck-export", download="")
        for fmt, size, label in export_addresses.IMAGE_LINKS
        if spec.kind in IMAGE_KINDS or fmt in export_addresses.PICTURE_FORMATS
    ]
    if spec.kind == KIND_TERRITORY:
        links.append(
            html.A(
                "fiche PDF", href=export_addresses.fiche_pdf_href(spec.code or ""), className="deck-export", download=""
            )
        )
    return html.Span(["Export : ", *_joined(links)], className="deck-exports")


def _joined(items: list[Any], separator: str = " · ") -> list[Any]:
    result: list[Any] = []
    for position, item in enumerate(items):
        if position:
            result.append(separator)
        result.append(item)
    return result


def slide_action(verb: str, number: int, href: str, remove: bool = False) -> dcc.Link:
    """« Monter », « Descendre » or « Retirer » for slide `number` (1-based)."""
    return dcc.Link(
        verb,
        href=href,
        className="deck-action deck-action-remove" if remove else "deck-action",
        title=f"{verb} la diapositive {number}",
    )


def slide_item(slides: list[SlideSpec], index: int, choices: DeckChoices) -> html.Li:
    number = index + 1
    actions = [
        slide_action("Monter", number, deck_href(moved(slides, index, -1))) if index > 0 else None,
        slide_action("Descendre", number, deck_href(moved(slides, index, 1))) if index < len(slides) - 1 else None,
        slide_action("Retirer", number, deck_href(removed(slides, index)) or routes.PRESENTATION, True),
    ]
    return html.Li(
        [
            html.Span(describe(slides[index], choices), className="deck-item-title"),
            html.Span([item for item in actions if item is not None], className="deck-actions"),
            export_links(slides[index]),
        ],
        className="deck-item",
    )


def slide_list(slides: list[SlideSpec], choices: DeckChoices) -> html.Ol:
    items = [slide_item(slides, index, choices) for index in range(len(slides))]
    return html.Ol(items, id=presentation_ids.PRES_LIST, className="deck-list")


def toolbar(slides: list[SlideSpec]) -> html.Div:
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
                href=export_addresses.deck_pdf_href(slides),
                className="button button-secondary",
                download="",
            ),
        ],
        className="deck-toolbar",
    )


def permalink(slides: list[SlideSpec]) -> html.Div:
    return permalink_field(
        "Lien vers cette présentation",
        presentation_ids.PRES_PERMALINK,
        presentation_ids.PRES_COPY,
        presentation_ids.PRES_COPY_STATUS,
        deck_href(slides),
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


def state_data(request: DeckRequest, query: dict[str, Any]) -> dict[str, Any]:
    """What the clientside sync needs: the deck text, whether the address set it, the canonical query."""
    explicit = PARAM_DECK in query or PARAM_ADD in query
    return {
        "deck": serialise_deck(request.slides),
        "explicit": explicit,
        "canonical": deck_query(request.slides) if explicit else None,
        "path": routes.PRESENTATION,
    }


def deck_section(slides: list[SlideSpec], choices: DeckChoices) -> list[Any]:
    """The editor's list of slides, with the show, the PDF and the link to the deck."""
    return [
        html.H2(f"Diapositives ({len(slides)})"),
        toolbar(slides),
        keys_help(),
        slide_list(slides, choices),
        html.P(
            dcc.Link("Vider la présentation", href=f"{routes.PRESENTATION}?{PARAM_DECK}="),
            className="deck-clear",
        ),
        permalink(slides),
    ]


def empty_section(store: Store, choices: DeckChoices) -> list[Any]:
    """What the editor shows for an empty deck: how to add slides, and a starting deck."""
    return [
        html.H2("Diapositives (0)"),
        html.P(
            "La présentation est vide. Ajoutez des diapositives avec le formulaire ci-dessous, depuis la carte ou "
            "la fiche d'un territoire, ou partez d'une présentation type :"
        ),
        html.P(
            dcc.Link(
                "Commencer avec une présentation type (cartes, classement, territoire, comparaison)",
                href=deck_href(example_deck(store, choices)),
                className="button-link",
            )
        ),
    ]


def resume_link() -> html.P:
    """« Reprendre la présentation en cours », shown by presentation.js when a deck is kept in the browser."""
    return html.P(
        dcc.Link(
            "Reprendre la présentation en cours",
            href=routes.PRESENTATION,
            id=presentation_ids.PRES_RESUME,
            className="button-link",
        ),
        className="deck-resume",
        hidden=True,
        id=presentation_ids.PRES_RESUME_BLOCK,
    )


def preview(store: Store, built: list[Slide]) -> html.Section | None:
    if not built:
        return None
    return html.Section(
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


@requires_store
def editor(store: Store, query: dict[str, Any]) -> html.Div:
    choices = choices_from_store(store)
    request = parse_request(query, choices)
    slides = list(request.slides)
    built = build_slides(store, slides)
    if request.print_view:
        return html.Div([deck_component(store, built, print_view=True)])
    list_section = deck_section(slides, choices) if slides else empty_section(store, choices)
    return html.Div(
        [
            notices_block(request.notices),
            added_block(request.added, choices),
            resume_link(),
            html.Div(
                [html.Section(list_section, className="deck-editor"), add_form(store, choices)],
                className="deck-layout",
            ),
            preview(store, built),
            dcc.Store(id=presentation_ids.PRES_STATE, data=state_data(request, query)),
        ]
    )


def page(**query: Any) -> html.Div:
    """The whole page (title and lead, unless printing), for `dashboard.pages.presentation`."""
    store = current_store()
    print_view = query.get(PARAM_VIEW) == VIEW_PRINT
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
