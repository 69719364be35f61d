"""Image and PDF exports: maps and charts as PNG/SVG with title, legend, source and date baked in, the deck
as a PDF handout (one slide per A4 landscape page) and a territory fiche as a PDF.

The links to the exports, and their Flask routes: each route checks its parameters, builds the figure
(`dashboard.exports.figures`) or names the page to print, and has it rendered in the process's render pool
(`dashboard.exports.engine`). When Chromium or Playwright is missing, the pool is full or a render takes too
long, the routes answer 503 with a French page.

Routes: `/export/diapositive.png|svg?diapo=<slide>&taille=projecteur|impression`, `/export/carte.png|svg|pdf?<map
page's query>`,
`/export/presentation.pdf?d=<deck>`, `/export/territoire/<siren>.pdf`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from dashboard.core import routes
from dashboard.core.perimeter import of_perimeter, perimeter
from dashboard.core.store import Store, StoreError, current_store
from dashboard.exports.engine import (
    BUSY_RETRY_S,
    CONFIG_ENGINE,
    DECK_PAGE_STYLE,
    DEFAULT_CHROMIUM,
    LAUNCH_TIMEOUT_S,
    PDF_PAGE_STYLE,
    RENDER_TIMEOUT_S,
    Engine,
    ExportUnavailable,
    engine_from,
)
from dashboard.exports.figures import SIZES, ImageSize, export_figure
from dashboard.exports.frame import slug
from dashboard.exports.map_overlay import overlay_of
from dashboard.exports.pool import MAX_RENDERS, ExportBusy, ExportTimeout, RenderPool, pool_capacity
from dashboard.map import state as map_state
from dashboard.presentation.export_links import (
    DECK_PDF_PATH,
    FICHE_PDF_PREFIX,
    MAP_IMAGE_PATH,
    PARAM_SIZE,
    PARAM_SLIDE,
    PICTURE_FORMATS,
    SIZE_PROJECTOR,
)
from dashboard.presentation.parsing import SlideError, parse_deck, parse_slide
from dashboard.presentation.request import PARAM_DECK, PARAM_VIEW, VIEW_PRINT, deck_href
from dashboard.presentation.slides import Slide, build_slide
from dashboard.presentation.specs import IMAGE_KINDS, SlideSpec, choices_from_store, map_spec
from dashboard.settings import Settings
from dashboard.territory import ids as territory_ids
from dashboard.ui.components import format_date
from dashboard.ui.responses import error_page, file_response

logger = logging.getLogger(__name__)

IMAGE_ROUTE = f"{routes.EXPORT}/diapositive.<fmt>"
MAP_IMAGE_ROUTE = f"{MAP_IMAGE_PATH}.<fmt>"
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
MAP_FORMATS = {**FORMATS, "pdf": "application/pdf"}
EXTENSION_KEY = "exports_media"


def _store_or_error() -> Store | Response:
    store = current_store()
    if isinstance(store, StoreError):
        return error_page(503, "Données non construites", str(store), "/")
    return store


@dataclass(frozen=True)
class Refusal:
    """What a route says when a render cannot be done: log line (kind, error), French title and message."""

    level: int
    log: str
    title: str
    message: str
    retry_after_s: int = 30


REFUSALS = {
    ExportUnavailable: Refusal(
        logging.WARNING,
        "export %s unavailable: %s",
        "Export indisponible",
        "Le moteur d'export (Chromium sans interface) n'est pas disponible sur ce serveur : {error}. "
        "La présentation à l'écran fonctionne normalement ; installez Chromium (paquet Debian « chromium ») "
        "pour produire les images et les PDF.",
    ),
    ExportTimeout: Refusal(
        logging.WARNING,
        "export %s timed out: %s",
        "Export trop long",
        f"La production du fichier a dépassé {RENDER_TIMEOUT_S:.0f} secondes et a été interrompue. "
        "Réessayez dans un instant, ou exportez moins de diapositives à la fois.",
    ),
    ExportBusy: Refusal(
        logging.INFO,
        "export %s refused: render pool full (%s)",
        "Serveur occupé",
        f"D'autres exports sont en cours de production sur ce serveur. Réessayez dans {BUSY_RETRY_S} secondes environ.",
        BUSY_RETRY_S,
    ),
}


def _refusal(kind: str, back: str, error: ExportUnavailable | ExportTimeout | ExportBusy) -> Response:
    """The French 503 page of a render that could not be done, logged."""
    refusal = REFUSALS[type(error)]
    logger.log(refusal.level, refusal.log, kind, error)
    message = refusal.message.format(error=error)
    return error_page(503, refusal.title, message, back, retry_after_s=refusal.retry_after_s)


def _render(kind: str, back: str, produce: Any) -> Response | bytes:
    """Run a render in the process's render pool, with the engine's limits; a French 503 page when it
    cannot be done (at once when the pool is full)."""
    started = time.monotonic()
    pool: RenderPool = current_app.extensions[EXTENSION_KEY]
    limit = getattr(engine_from(current_app), "timeout_s", RENDER_TIMEOUT_S)
    try:
        content = pool.run(produce, limit + LAUNCH_TIMEOUT_S)
    except (ExportUnavailable, ExportTimeout, ExportBusy) as error:
        return _refusal(kind, back, error)
    logger.info("export %s rendered in %.2f s (%d bytes)", kind, time.monotonic() - started, len(content))
    return content


def _image_spec(store: Store, back: str, fmt: str) -> SlideSpec | Response:
    """The slide named by the query, or the French error page when it is invalid or has no image in `fmt`."""
    text = request.args.get(PARAM_SLIDE, "")
    try:
        spec, _ = parse_slide(text, choices_from_store(store))
    except SlideError as error:
        return error_page(400, "Diapositive invalide", f"Diapositive « {text} » invalide : {error}.", back)
    if spec.kind not in IMAGE_KINDS and fmt not in PICTURE_FORMATS:
        return error_page(
            400,
            "Pas de SVG pour ce type de diapositive",
            "Le SVG est produit pour les cartes, les classements et les comparaisons ; les autres diapositives "
            "s'exportent en PNG (et la fiche d'un territoire en PDF).",
            back,
        )
    return spec


def _image_request(fmt: str, formats: Mapping[str, str], back: str) -> tuple[Store, ImageSize] | Response:
    """The store and the image size of the query (projector by default) for a file of format `fmt`, or the
    French error page (unknown format or size, data not built)."""
    if fmt not in formats:
        known = ", ".join(list(formats)[:-1]) + " ou " + list(formats)[-1]
        return error_page(404, "Format inconnu", f"Format « {fmt} » inconnu : {known}.", back)
    store = _store_or_error()
    if isinstance(store, Response):
        return store
    size_key = request.args.get(PARAM_SIZE, SIZE_PROJECTOR)
    if size_key not in SIZES:
        return error_page(400, "Taille inconnue", f"Taille « {size_key} » inconnue : {' ou '.join(SIZES)}.", back)
    return store, SIZES[size_key]


def _file_name(title: str, fmt: str, size: ImageSize) -> str:
    pixels = "x".join(map(str, size.pixels if fmt == "png" else (size.width, size.height)))
    return f"{slug(title)}_{pixels}.{fmt}"


def _slide_render(store: Store, slide: Slide, fmt: str, size: ImageSize) -> Callable[[], bytes]:
    """The render of a slide's image: its export figure for a map, ranking or comparison, else a picture of
    its print view (one slide filling the window) with the image's date on its vintage line."""
    now = datetime.now().astimezone()
    engine = engine_from(current_app)
    if slide.spec.kind in IMAGE_KINDS:
        figure = export_figure(store, slide, size, now)
        return lambda: engine.image(figure, fmt, size)
    server, path = current_app._get_current_object(), deck_href([slide.spec], **{PARAM_VIEW: VIEW_PRINT})
    return lambda: engine.slide_png(server, path, size, f"Image produite le {format_date(now)}")


def slide_image(fmt: str) -> Response:
    """PNG or SVG of one slide at a size of SIZES: a figure for a map, ranking or comparison, a picture of the
    slide as shown for the others."""
    back = routes.PRESENTATION
    asked = _image_request(fmt, FORMATS, back)
    if isinstance(asked, Response):
        return asked
    store, size = asked
    spec = _image_spec(store, back, fmt)
    if isinstance(spec, Response):
        return spec
    slide = build_slide(store, spec)
    result = _render(f"{fmt} {spec.token}", back, _slide_render(store, slide, fmt, size))
    if isinstance(result, Response):
        return result
    return file_response(result, FORMATS[fmt], _file_name(slide.title, fmt, size))


def map_image(fmt: str) -> Response:
    """The map page's view (its query string) as PNG, SVG or PDF: the map slide of its indicator with its
    establishment layers drawn as on screen and its selected territory outlined."""
    asked = _image_request(fmt, MAP_FORMATS, routes.HOME)
    if isinstance(asked, Response):
        return asked
    store, size = asked
    state, _ = map_state.parse_state(request.args.to_dict(), map_state.choices_from_store(store))
    back = routes.HOME + map_state.serialise_state(state)
    spec = map_spec(state)
    if spec is None:
        return error_page(400, "Carte vide", "Aucun indicateur n'est disponible dans les données construites.", back)
    slide = build_slide(store, spec)
    figure = export_figure(store, slide, size, datetime.now().astimezone(), overlay=overlay_of(store, state))
    engine = engine_from(current_app)
    if fmt == "pdf":
        result = _render(f"pdf map {spec.token}", back, lambda: engine.figure_pdf(figure, size, slide.title))
    else:
        result = _render(f"{fmt} map {spec.token}", back, lambda: engine.image(figure, fmt, size))
    if isinstance(result, Response):
        return result
    return file_response(result, MAP_FORMATS[fmt], _file_name(slide.title, fmt, size))


def deck_pdf() -> Response:
    """The deck of the query as a PDF handout, one slide per A4 landscape page."""
    store = _store_or_error()
    if isinstance(store, Response):
        return store
    choices = choices_from_store(store)
    slides, notices = parse_deck(request.args.get(PARAM_DECK, ""), choices)
    back = deck_href(slides) if slides else routes.PRESENTATION
    if not slides:
        reason = " ".join(notices) or "Ajoutez des diapositives avant d'exporter."
        return error_page(400, "Présentation vide", f"Aucune diapositive valide à exporter. {reason}", back)
    path = deck_href(slides, **{PARAM_VIEW: VIEW_PRINT})
    server, engine = current_app._get_current_object(), engine_from(current_app)
    result = _render(
        f"pdf deck of {len(slides)}",
        back,
        lambda: engine.pdf(server, path, ".deck-print", len(slides), True, DECK_PAGE_STYLE),
    )
    if isinstance(result, Response):
        return result
    return file_response(
        result, "application/pdf", f"presentation_{slug(perimeter(store).name)}_{store.built_at:%Y-%m-%d}.pdf"
    )


def fiche_pdf(siren: str) -> Response:
    """The fiche of one EPCI as a PDF (A4 portrait)."""
    store = _store_or_error()
    if isinstance(store, Response):
        return store
    choices = choices_from_store(store)
    if siren not in choices.epcis:
        return error_page(
            404, "Territoire introuvable", f"Aucun EPCI {of_perimeter()} ne porte le numéro SIREN « {siren} ».", "/"
        )
    path = routes.territory_path(siren)
    server, engine = current_app._get_current_object(), engine_from(current_app)
    result = _render(
        f"pdf fiche {siren}",
        path,
        lambda: engine.pdf(server, path, f"#{territory_ids.TERRITORY_TITLE}", None, False, PDF_PAGE_STYLE),
    )
    if isinstance(result, Response):
        return result
    return file_response(result, "application/pdf", f"fiche_{slug(choices.epcis[siren])}_{siren}.pdf")


def exports_blueprint() -> Blueprint:
    """The image and PDF export routes."""
    blueprint = Blueprint("exports_media", __name__)
    blueprint.add_url_rule(IMAGE_ROUTE, view_func=slide_image, methods=["GET"])
    blueprint.add_url_rule(MAP_IMAGE_ROUTE, view_func=map_image, methods=["GET"])
    blueprint.add_url_rule(DECK_PDF_PATH, view_func=deck_pdf, methods=["GET"])
    blueprint.add_url_rule(f"{FICHE_PDF_PREFIX}/<siren>.pdf", view_func=fiche_pdf, methods=["GET"])
    return blueprint


def init_exports(server: Flask, settings: Settings) -> None:
    """Register the export routes and the render pool; PDF pages are loaded at the public address
    (PUBLIC_URL, see Settings.link_base) and answered in-process.

    CHROMIUM_PATH (environment) names the browser; GUNICORN_THREADS sizes the render pool.
    """
    if os.environ.get("EXPORT_BASE_URL", "").strip():
        logger.warning("EXPORT_BASE_URL is no longer used: PDF pages are served in-process, links use PUBLIC_URL")
    chromium = os.environ.get("CHROMIUM_PATH", "").strip() or DEFAULT_CHROMIUM
    with contextlib.suppress(ImportError):  # imported once here (gunicorn's master), not by a first render
        import playwright.sync_api  # noqa: F401
    server.config.setdefault(CONFIG_ENGINE, Engine(chromium=chromium, base_url=settings.link_base))
    server.extensions[EXTENSION_KEY] = RenderPool(MAX_RENDERS, pool_capacity(os.environ))
    server.register_blueprint(exports_blueprint())
