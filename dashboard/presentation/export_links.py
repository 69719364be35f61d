"""Addresses of the image and PDF exports of slides and fiches (served by `dashboard.exports.media`)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from dashboard.core import routes
from dashboard.presentation.request import URL_SAFE, deck_query
from dashboard.presentation.specs import SlideSpec

SIZE_PROJECTOR = "projecteur"
SIZE_PRINT = "impression"
DECK_PDF_PATH = f"{routes.EXPORT}/presentation.pdf"
#: The map page's view as an image or a PDF: `/export/carte.<format>?<the map page's query>`.
MAP_IMAGE_PATH = f"{routes.EXPORT}/carte"
FICHE_PDF_PREFIX = f"{routes.EXPORT}/territoire"
PARAM_SLIDE = "diapo"
PARAM_SIZE = "taille"
#: Export links of a slide in the editor: (format, size, label).
IMAGE_LINKS = (
    ("png", SIZE_PROJECTOR, "PNG 1920 × 1080"),
    ("png", SIZE_PRINT, "PNG A4 300 dpi"),
    ("svg", SIZE_PROJECTOR, "SVG"),
)
#: Formats of the slides that are no figure (territory, scenario): a picture of the slide as shown.
PICTURE_FORMATS = ("png",)
#: Export links of the map page's view: (format, label).
MAP_IMAGE_LINKS = (("png", "PNG 1920 × 1080"), ("svg", "SVG"), ("pdf", "PDF"))


def image_href(spec: SlideSpec, fmt: str, size: str) -> str:
    return f"{routes.EXPORT}/diapositive.{fmt}?{PARAM_SLIDE}={quote(spec.token, safe=URL_SAFE)}&{PARAM_SIZE}={size}"


def deck_pdf_href(slides: Sequence[SlideSpec]) -> str:
    return DECK_PDF_PATH + deck_query(slides)


def fiche_pdf_href(siren: str) -> str:
    return f"{FICHE_PDF_PREFIX}/{siren}.pdf"


def map_image_href(query: str, fmt: str) -> str:
    """The map page's view (its query string, with its leading « ? ») as a file of format `fmt`."""
    return f"{MAP_IMAGE_PATH}.{fmt}{query}"
