"""Former home of the deck: re-exports for modules outside the presentation folder (exports, ranking
page), to be replaced by imports from specs, parsing, request, slides and figures when merged."""

# ruff: noqa: F401
from dashboard.presentation.figures import map_slide_figure, short_note
from dashboard.presentation.parsing import SlideError, parse_deck, parse_slide
from dashboard.presentation.request import PARAM_DECK, PARAM_VIEW, URL_SAFE, VIEW_PRINT, add_href, deck_href, deck_query
from dashboard.presentation.slides import Slide, build_slide
from dashboard.presentation.specs import (
    IMAGE_KINDS,
    KIND_COMPARISON,
    KIND_MAP,
    KIND_RANKING,
    KIND_TERRITORY,
    SlideSpec,
    choices_from_store,
    ranking_spec,
)
