"""The address of /presentation: `d` (the deck), `ajouter` (slides appended by « ajouter à la
présentation ») and `vue` (`impression`: the print view), declared with `dashboard.core.url_state`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from dashboard.core import routes
from dashboard.core.url_state import Invalid, Param, Reading, UrlState
from dashboard.presentation.parsing import parse_deck
from dashboard.presentation.specs import MAX_SLIDES, DeckChoices, SlideSpec, serialise_deck, slide_token

PARAM_DECK = "d"
PARAM_ADD = "ajouter"
PARAM_VIEW = "vue"
VIEW_PRINT = "impression"
#: Characters kept as they are in deck URLs (readable, and legal in a query string).
URL_SAFE = ":|,."


@dataclass(frozen=True)
class DeckRequest:
    """What /presentation was asked for: the deck, slides just added, print view, and the notices."""

    deck: tuple[SlideSpec, ...] = ()
    added: tuple[SlideSpec, ...] = ()
    print_view: bool = False
    notices: tuple[str, ...] = ()

    @property
    def slides(self) -> tuple[SlideSpec, ...]:
        """The deck with the added slides at its end."""
        return self.deck + self.added


def _read_deck(text: str, reading: Reading) -> tuple[SlideSpec, ...]:
    slides, notices = parse_deck(text, reading.choices)
    reading.notices.extend(notices)
    return tuple(slides)


def _read_added(text: str, reading: Reading) -> tuple[SlideSpec, ...]:
    """Slides appended to the deck (numbered after it), none when the deck would grow past MAX_SLIDES."""
    if not text:
        return ()
    deck = reading.state.deck
    extra, notices = parse_deck(text, reading.choices, first_number=len(deck) + 1)
    room = MAX_SLIDES - len(deck)
    if len(extra) > room:
        reading.note(
            f"La présentation compte déjà {len(deck)} diapositives ({MAX_SLIDES} au plus) : rien n'est ajouté."
        )
        extra = extra[: max(room, 0)]
    reading.notices.extend(notices)
    return tuple(extra)


def _read_view(text: str, _reading: Reading) -> bool:
    if text and text != VIEW_PRINT:
        raise Invalid(f"Vue « {text} » inconnue : la vue d'édition est affichée.")
    return text == VIEW_PRINT


def _write_deck(slides: Sequence[SlideSpec]) -> str | None:
    return serialise_deck(slides) if slides else None


PRESENTATION_URL = UrlState(
    (
        Param(PARAM_DECK, "deck", _read_deck, _write_deck),
        Param(PARAM_ADD, "added", _read_added, _write_deck),
        Param(PARAM_VIEW, "print_view", _read_view, lambda print_view: VIEW_PRINT if print_view else None),
    )
)


def parse_request(query: Mapping[str, str | Sequence[str]], choices: DeckChoices) -> DeckRequest:
    """Read `d`, `ajouter` and `vue`, with one French notice per part ignored or adjusted."""
    request, notices = PRESENTATION_URL.parse(query, DeckRequest(), choices)
    return replace(request, notices=tuple(notices))


def deck_query(slides: Sequence[SlideSpec], **extra: str) -> str:
    """« ?d=… » (with extra parameters), the separators kept readable."""
    pairs = PRESENTATION_URL.pairs(DeckRequest(deck=tuple(slides)))
    pairs += [(name, value) for name, value in extra.items() if value]
    if not pairs:
        return ""
    return "?" + "&".join(f"{name}={quote(value, safe=URL_SAFE)}" for name, value in pairs)


def deck_href(slides: Sequence[SlideSpec], **extra: str) -> str:
    return routes.PRESENTATION + deck_query(slides, **extra)


def add_href(spec: SlideSpec) -> str:
    """Link of an « ajouter à la présentation » button (presentation.js prepends the deck in progress)."""
    return f"{routes.PRESENTATION}?{PARAM_ADD}={quote(slide_token(spec), safe=URL_SAFE)}"
