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
FICHE_PDF_PREFIX = f"{routes.EXPORT}/territoire"
PARAM_SLIDE = "diapo"
PARAM_SIZE = "taille"
#: Export links of a slide in the editor: (format, size, label).
IMAGE_LINKS = (
    ("png", SIZE_PROJECTOR, "PNG 1920 × 1080"),
    ("png", SIZE_PRINT, "PNG A4 300 dpi"),
    ("svg", SIZE_PROJECTOR, "SVG"),
)


def image_href(spec: SlideSpec, fmt: str, size: str) -> str:
    return f"{routes.EXPORT}/diapositive.{fmt}?{PARAM_SLIDE}={quote(spec.token, safe=URL_SAFE)}&{PARAM_SIZE}={size}"


def deck_pdf_href(slides: Sequence[SlideSpec]) -> str:
    return DECK_PDF_PATH + deck_query(slides)


def fiche_pdf_href(siren: str) -> str:
    return f"{FICHE_PDF_PREFIX}/{siren}.pdf"
