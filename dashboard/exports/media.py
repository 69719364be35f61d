"""Image and PDF exports: maps and charts as PNG/SVG with title, legend, source and date baked in, the deck
as a PDF handout (one slide per A4 landscape page) and a territory fiche as a PDF.

Pure part: `export_figure` builds a self-contained plotly figure (GeoJSON inlined, every text written in
it) for a slide and an image size. Rendering part: headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright's sync API), one browser per render, closed in every case; the image page has no network
at all (plotly.js injected from the plotly package, requests aborted). The PDF pages are loaded at the
site's public address (PUBLIC_URL, so that every link of the PDF points there) but never over the
network: each request of the page is answered in-process by the Flask app (`serve_in_process`),
anything else is refused. When Chromium or Playwright is missing the routes answer 503 with a French
page; a render has a time limit (RENDER_TIMEOUT_S).

Renders never run in the threads that serve requests: they run in a small pool per process
(`RenderPool`, MAX_RENDERS at once). A request waits for its render only if the pool admits it, and the
pool admits at most GUNICORN_THREADS − 2 renders (running or queued): the other threads stay free for
the pages and /healthz, and any further export is answered at once with 503 and Retry-After.

Routes: `/export/diapositive.png|svg?diapo=<slide>&taille=projecteur|impression`,
`/export/presentation.pdf?d=<deck>`, `/export/territoire/<siren>.pdf`.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import html as html_text
import json
import logging
import os
import textwrap
import threading
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import plotly
import plotly.graph_objects as go
from dash import html
from flask import Blueprint, Flask, Response, current_app, request

from dashboard.core import formatting, routes
from dashboard.core.perimeter import APP_NAME, app_title, perimeter, region_name
from dashboard.core.store import Store, StoreError, current_store
from dashboard.map import view as maps
from dashboard.presentation import deck
from dashboard.presentation import ids as presentation_ids
from dashboard.settings import ASSETS_DIR, Settings
from dashboard.territory import ids as territory_ids
from dashboard.ui.components import format_date

logger = logging.getLogger(__name__)

IMAGE_ROUTE = f"{routes.EXPORT}/diapositive.<fmt>"
DECK_PDF_PATH = f"{routes.EXPORT}/presentation.pdf"
FICHE_PDF_PREFIX = f"{routes.EXPORT}/territoire"
PARAM_SLIDE = "diapo"
PARAM_SIZE = "taille"
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
CONFIG_ENGINE = "EXPORT_ENGINE"
EXTENSION_KEY = "exports_media"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
)
RENDER_TIMEOUT_S = 40.0
LAUNCH_TIMEOUT_S = 15.0
#: Renders at once per process (each one is a browser, about one core).
MAX_RENDERS = 2
#: Renders admitted beyond those running, waiting for a free browser (when threads allow it).
MAX_QUEUED = 2
#: Request threads of a gunicorn worker kept free for pages and /healthz, whatever the exports.
FREE_THREADS = 2
DEFAULT_THREADS = 4
#: CPU niceness of Chromium and of Playwright's driver (the worker's threads keep theirs).
RENDER_NICENESS = 10
#: Retry-After of a 503 « Serveur occupé » (seconds): about one render.
BUSY_RETRY_S = 10
#: Request headers of Chromium not passed to the app: the host is the public one, and the answer must
#: come uncompressed (the app compresses when asked; Playwright sends the body as is).
DROPPED_REQUEST_HEADERS = frozenset({"host", "accept-encoding", "content-length", "connection"})
DROPPED_RESPONSE_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection"})
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
TOPOJSON = ASSETS_DIR / "topojson" / "world_110m.json"
#: A4 landscape at 96 CSS px per inch: the print view of the deck is laid out at this viewport.
A4_LANDSCAPE_PX = (1123, 794)
A4_PORTRAIT_PRINTABLE_PX = 703  # (210 - 2 × 12) mm at 96 px per inch


@dataclass(frozen=True)
class ImageSize:
    key: str
    width: int  # layout size, in CSS px
    height: int
    scale: int  # PNG pixels per layout px
    label: str

    @property
    def pixels(self) -> tuple[int, int]:
        return self.width * self.scale, self.height * self.scale


SIZE_PROJECTOR = "projecteur"
SIZE_PRINT = "impression"
SIZES = {
    SIZE_PROJECTOR: ImageSize(SIZE_PROJECTOR, 1920, 1080, 1, "vidéoprojecteur, 1920 × 1080 pixels"),
    SIZE_PRINT: ImageSize(SIZE_PRINT, 1754, 1240, 2, "impression A4 paysage à 300 dpi, 3508 × 2480 pixels"),
}
#: Export links of a slide in the editor: (format, size, label).
IMAGE_LINKS = (
    ("png", SIZE_PROJECTOR, "PNG 1920 × 1080"),
    ("png", SIZE_PRINT, "PNG A4 300 dpi"),
    ("svg", SIZE_PROJECTOR, "SVG"),
)


def image_href(spec: deck.SlideSpec, fmt: str, size: str) -> str:
    return (
        f"{routes.EXPORT}/diapositive.{fmt}?{PARAM_SLIDE}={quote(spec.token, safe=deck.URL_SAFE)}&{PARAM_SIZE}={size}"
    )


def deck_pdf_href(slides: Sequence[deck.SlideSpec]) -> str:
    return DECK_PDF_PATH + deck.deck_query(slides)


def fiche_pdf_href(siren: str) -> str:
    return f"{FICHE_PDF_PREFIX}/{siren}.pdf"


def fiche_actions(siren: str) -> html.P:
    """The territory page's links: add the territory to the deck in progress, download its fiche as a PDF."""
    return html.P(
        [
            html.A(
                "Ajouter à la présentation",
                href=deck.add_href(deck.SlideSpec(deck.KIND_TERRITORY, codes=(siren,))),
                id=presentation_ids.PRES_ADD_FROM_FICHE,
                className="button button-secondary",
                **{"data-deck-add": "territoire"},
            ),
            html.A(
                "Télécharger la fiche en PDF",
                href=fiche_pdf_href(siren),
                id=territory_ids.EXPORT_FICHE_PDF,
                className="button button-secondary",
                download="",
            ),
        ],
        className="deck-fiche-actions no-print",
    )


# --- Export figures (pure) -------------------------------------------------------------------------------

TEXT = "#161616"
MUTED = "#3a3a3a"
ACCENT = "#000091"
REGION_COLOUR = "#b34000"
MARGIN = 48


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: « Taux de pauvreté par EPCI » → « taux-de-pauvrete-par-epci »."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(char.lower() if char.isalnum() else " " for char in ascii_text).split()
    return "-".join(words)[:limit].strip("-") or "export"


def escape(text: str) -> str:
    return html_text.escape(text, quote=False)


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """Lines of `text` that fit in `width_px` at `font_px` (average glyph ≈ 0.53 em)."""
    chars = max(20, int(width_px / (font_px * 0.53)))
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


@dataclass(frozen=True)
class Frame:
    """Pixel ↔ paper coordinates of an export of `width` × `height` (y measured from the top)."""

    width: int
    height: int

    @property
    def k(self) -> float:
        """Font scale: 1 at 1920 px wide."""
        return self.width / 1920

    def x(self, px: float) -> float:
        return px / self.width

    def y(self, px_from_top: float) -> float:
        return 1 - px_from_top / self.height


def _text(figure: go.Figure, frame: Frame, text: str, left: float, top: float, size: float, **style: Any) -> None:
    figure.add_annotation(
        text=text,
        x=frame.x(left),
        y=frame.y(top),
        xref="paper",
        yref="paper",
        xanchor=style.pop("xanchor", "left"),
        yanchor=style.pop("yanchor", "top"),
        showarrow=False,
        align=style.pop("align", "left"),
        font={"size": size, "color": style.pop("color", TEXT), "family": maps.FONT_FAMILY},
        **style,
    )


def footer_lines(slide: deck.Slide, built_at: datetime, exported_at: datetime) -> list[str]:
    return [
        slide.source_line,
        f"{slide.vintage_line} · Données construites le {format_date(built_at)} · "
        f"Image produite le {format_date(exported_at)} · {app_title(slide.region)}",
    ]


def frame_texts(
    figure: go.Figure, frame: Frame, slide: deck.Slide, built_at: datetime, exported_at: datetime
) -> tuple[float, float]:
    """Title, subtitle and footer (source, vintage, dates); returns the body's top and bottom in px."""
    k = frame.k
    width = frame.width - 2 * MARGIN * k
    title_size, subtitle_size, footer_size = 44 * k, 24 * k, 17 * k
    title_lines = wrap(slide.title, width, title_size)[:2]
    title = "<b>" + "<br>".join(map(escape, title_lines)) + "</b>"
    _text(figure, frame, title, MARGIN * k, 32 * k, title_size, color=ACCENT)
    top = 32 * k + len(title_lines) * title_size * 1.25 + 8 * k
    subtitle_lines = wrap(slide.subtitle, width, subtitle_size)[:2]
    _text(figure, frame, "<br>".join(map(escape, subtitle_lines)), MARGIN * k, top, subtitle_size, color=MUTED)
    top += len(subtitle_lines) * subtitle_size * 1.3 + 24 * k
    lines = [line for text in footer_lines(slide, built_at, exported_at) for line in wrap(text, width, footer_size)]
    footer_height = len(lines) * footer_size * 1.35 + 28 * k
    _text(
        figure,
        frame,
        "<br>".join(map(escape, lines)),
        MARGIN * k,
        frame.height - 24 * k,
        footer_size,
        yanchor="bottom",
        color=MUTED,
    )
    figure.add_shape(
        type="line",
        xref="paper",
        yref="paper",
        x0=frame.x(MARGIN * k),
        x1=frame.x(frame.width - MARGIN * k),
        y0=frame.y(frame.height - footer_height),
        y1=frame.y(frame.height - footer_height),
        line={"color": "#999999", "width": max(1, 1.5 * k)},
    )
    return top, frame.height - footer_height - 16 * k


def _base_layout(figure: go.Figure, frame: Frame) -> None:
    figure.update_layout(
        width=frame.width,
        height=frame.height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "autoexpand": False},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        showlegend=False,
        separators=",\u202f",
        font={"family": maps.FONT_FAMILY, "color": TEXT, "size": 20 * frame.k},
    )


def map_export(
    store: Store, slide: deck.Slide, frame: Frame, geometry: Mapping[str, Any], top: float, bottom: float
) -> go.Figure:
    """The map on the left two thirds, the legend (colours, bounds, counts, notes) on the right."""
    k = frame.k
    figure = deck.map_slide_figure(store, slide, geometry)
    legend_left = frame.width * 0.66
    figure.update_geos(
        domain={"x": [frame.x(MARGIN * k), frame.x(legend_left - 24 * k)], "y": [frame.y(bottom), frame.y(top)]}
    )
    legend = slide.view.legend
    if legend is None:
        return figure
    size = 22 * k
    _text(figure, frame, f"<b>{escape(legend.unit or legend.title)}</b>", legend_left, top, size)
    y = top + size * 1.8
    swatch_w, swatch_h = 44 * k, 28 * k
    for entry in legend.entries:
        figure.add_shape(
            type="rect",
            xref="paper",
            yref="paper",
            x0=frame.x(legend_left),
            x1=frame.x(legend_left + swatch_w),
            y0=frame.y(y + swatch_h),
            y1=frame.y(y),
            fillcolor=entry.colour,
            line={"color": maps.BORDER_COLOUR, "width": max(1, k)},
        )
        if entry.missing:  # the map hatches missing values; the image marks the swatch the same way
            figure.add_shape(
                type="line",
                xref="paper",
                yref="paper",
                x0=frame.x(legend_left),
                x1=frame.x(legend_left + swatch_w),
                y0=frame.y(y + swatch_h),
                y1=frame.y(y),
                line={"color": "#8c8c8c", "width": max(1, 2 * k)},
            )
        _text(
            figure,
            frame,
            f"{escape(entry.label)}  <span style='color:{MUTED}'>({escape(entry.count_label)})</span>",
            legend_left + swatch_w + 14 * k,
            y + swatch_h / 2,
            size,
            yanchor="middle",
        )
        y += swatch_h + 14 * k
    note_size = 16 * k
    y += 12 * k
    width = frame.width - MARGIN * k - legend_left
    for note in slide.notes:
        lines = wrap(deck.short_note(note), width, note_size)
        if y + len(lines) * note_size * 1.35 > bottom:
            break
        _text(figure, frame, "<br>".join(map(escape, lines)), legend_left, y, note_size, color=MUTED)
        y += len(lines) * note_size * 1.35 + 10 * k
    return figure


def _notes(figure: go.Figure, frame: Frame, notes: Sequence[str], bottom: float) -> float:
    """Notes written upwards from `bottom`; returns the top of the first one."""
    size = 16 * frame.k
    lines = [line for note in notes for line in wrap(note, frame.width - 2 * MARGIN * frame.k, size)]
    if not lines:
        return bottom
    _text(figure, frame, "<br>".join(map(escape, lines)), MARGIN * frame.k, bottom, size, yanchor="bottom", color=MUTED)
    return bottom - len(lines) * size * 1.35 - 16 * frame.k


def ranking_export(slide: deck.Slide, frame: Frame, top: float, bottom: float) -> go.Figure:
    """Horizontal bars of the places missing given the need, rank 1 at the top, with the rank interval."""
    k = frame.k
    rows = slide.ranking
    figure = go.Figure(
        go.Bar(
            orientation="h",
            x=[max(row.shortfall, 0.0) for row in rows],
            y=[f"{formatting.ordinal(row.rank)}  {row.name}{' *' if row.missing else ''}" for row in rows],
            text=[
                f"{row.shortfall_text} places   (besoin {row.need_text}, offre {row.supply_text} ; rang {row.interval}"
                f"{' ✓' if row.solid else ''})"
                for row in rows
            ],
            textposition="outside",
            cliponaxis=False,
            marker={"color": ACCENT},
            textfont={"size": 20 * k, "color": TEXT},
        )
    )
    chart_bottom = _notes(figure, frame, slide.notes, bottom)
    figure.update_layout(
        bargap=0.3,
        xaxis={
            "domain": [0.34, 0.84],
            "range": [0, max((max(row.shortfall, 0.0) for row in rows), default=1.0) * 1.05 or 1.0],
            "title": {"text": "Places manquantes au regard du besoin (estimation)", "font": {"size": 18 * k}},
            "tickfont": {"size": 18 * k},
            "gridcolor": "#dddddd",
            "anchor": "y",
        },
        yaxis={
            "domain": [frame.y(chart_bottom - 70 * k), frame.y(top)],
            "autorange": "reversed",
            "tickfont": {"size": min(22, 360 / max(len(rows), 1)) * k + 4 * k},
            "ticksuffix": "  ",
        },
    )
    return figure


def comparison_export(slide: deck.Slide, frame: Frame, top: float, bottom: float) -> go.Figure:
    """One panel of horizontal bars per indicator, the territories on the rows, the région as a dashed line."""
    k = frame.k
    figure = go.Figure()
    chart_bottom = _notes(figure, frame, slide.notes, bottom) - 44 * k  # room for the région labels
    count = len(slide.comparison)
    left, right, gap = 0.27, 0.98, 0.035
    width = (right - left - gap * (count - 1)) / count
    title_size = 21 * k
    titles = [
        wrap(
            row.label + (f" ({row.unit})" if row.unit else "") + (" — approximation" if row.note else ""),
            width * frame.width,
            title_size,
        )[:3]
        for row in slide.comparison
    ]
    bars_top = top + max(len(lines) for lines in titles) * title_size * 1.3 + 20 * k
    y_domain = [frame.y(chart_bottom), frame.y(bars_top)]
    names = list(slide.territories)
    for index, (row, title) in enumerate(zip(slide.comparison, titles, strict=True)):
        suffix = "" if index == 0 else str(index + 1)
        x0 = left + index * (width + gap)
        figure.add_trace(
            go.Bar(
                orientation="h",
                x=[value if value is not None else 0 for value in row.values],
                y=names,
                text=list(row.texts),
                textposition="auto",
                marker={"color": ACCENT},
                textfont={"size": 20 * k},
                insidetextfont={"color": "#ffffff"},
                outsidetextfont={"color": TEXT},
                cliponaxis=False,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
            )
        )
        known = [value for value in [*row.values, row.region_value] if value is not None]
        upper = max(known) * 1.12 if known and max(known) > 0 else 1
        figure.update_layout(
            {
                f"xaxis{suffix}": {
                    "domain": [x0, x0 + width],
                    "range": [0, upper],
                    "anchor": f"y{suffix}",
                    "showticklabels": False,
                    "showgrid": False,
                    "zeroline": True,
                    "zerolinecolor": "#161616",
                },
                f"yaxis{suffix}": {
                    "domain": y_domain,
                    "anchor": f"x{suffix}",
                    "autorange": "reversed",
                    "showticklabels": index == 0,
                    "tickfont": {"size": 21 * k},
                    "ticksuffix": "  ",
                },
            }
        )
        _text(figure, frame, "<b>" + "<br>".join(map(escape, title)) + "</b>", x0 * frame.width, top, title_size)
        if row.region_value is not None:
            figure.add_shape(
                type="line",
                xref=f"x{suffix}",
                yref="paper",
                x0=row.region_value,
                x1=row.region_value,
                y0=y_domain[0],
                y1=y_domain[1],
                line={"color": REGION_COLOUR, "width": 3 * k, "dash": "dash"},
            )
            figure.add_annotation(
                text=escape(f"{slide.region} : {row.region_text}"),
                x=row.region_value,
                xref=f"x{suffix}",
                y=y_domain[0],
                yref="paper",
                yanchor="top",
                xanchor="center",
                yshift=-6 * k,
                showarrow=False,
                font={"size": 18 * k, "color": REGION_COLOUR, "family": maps.FONT_FAMILY},
            )
    return figure


def export_figure(
    store: Store,
    slide: deck.Slide,
    size: ImageSize,
    exported_at: datetime,
    geometry: Mapping[str, Any] | None = None,
) -> go.Figure:
    """A self-contained figure of a map, ranking or comparison slide, everything written in the image."""
    frame = Frame(size.width, size.height)
    probe = go.Figure()
    top, bottom = frame_texts(probe, frame, slide, store.built_at, exported_at)
    kind = slide.spec.kind
    if kind == deck.KIND_MAP:
        figure = map_export(store, slide, frame, geometry or inline_geometry(store), top, bottom)
    elif kind == deck.KIND_RANKING:
        figure = ranking_export(slide, frame, top, bottom)
    elif kind == deck.KIND_COMPARISON:
        figure = comparison_export(slide, frame, top, bottom)
    else:
        raise ValueError(f"no image export for {kind!r} slides")
    for annotation in probe.layout.annotations:
        figure.add_annotation(annotation)
    for shape in probe.layout.shapes:
        figure.add_shape(shape)
    _base_layout(figure, frame)
    return figure


def inline_geometry(store: Store) -> dict[str, Any]:
    """Every level's GeoJSON as objects, for a figure rendered with no network."""
    return {level: json.loads(display.geojson) for level, display in store.display.items()}


def figure_texts(figure: go.Figure) -> str:
    """Every text written in a figure (annotations, tick labels given as categories, bar texts), for tests."""
    parts = [annotation.text or "" for annotation in figure.layout.annotations]
    for trace in figure.data:
        for name in ("text", "y"):
            values = getattr(trace, name, None)
            if values is not None and not isinstance(values, str):
                parts += [str(value) for value in values]
    return "\n".join(parts)


# --- Rendering with headless Chromium ---------------------------------------------------------------------


class ExportUnavailable(RuntimeError):
    """The rendering engine (Playwright, Chromium) cannot run here."""


class ExportTimeout(RuntimeError):
    """The render took longer than the time limit."""


class ExportBusy(RuntimeError):
    """Too many renders at once in this process."""


#: The image page's origin: never resolved, every request of the page is answered (or refused) by the route.
IMAGE_ORIGIN = "http://export.invalid"
IMAGE_PAGE = (
    "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><script src='/plotly.min.js'></script></head>"
    "<body style='margin:0'></body></html>"
)
#: Starts the render and returns at once: the result (or the error) lands in window.exportResult, which the
#: engine waits for with a time limit (page.evaluate itself has none).
IMAGE_SCRIPT = """
([figure, options, topojson]) => {
    window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
    window.PlotlyGeoAssets.topojson.world_110m = topojson;
    const node = document.createElement("div");
    document.body.appendChild(node);
    Plotly.newPlot(node, figure.data, figure.layout, {staticPlot: true})
        .then(() => Plotly.toImage(node, options))
        .then((url) => { window.exportResult = {url: url}; })
        .catch((error) => { window.exportResult = {error: String(error)}; });
}
"""
SETTLED_SCRIPT = """
(count) => {
    if (document.querySelector("[data-dash-is-loading]")) { return false; }
    if (count !== null && document.querySelectorAll(".slide").length !== count) { return false; }
    const graphs = Array.from(document.querySelectorAll(".js-plotly-plot"));
    const maps = Array.from(document.querySelectorAll(".slide-graph"));
    return graphs.every((graph) => graph.querySelector(".main-svg"))
        && maps.every((graph) => graph.querySelector(".choroplethlocation"));
}
"""
#: Paper of the deck's PDF: A4 landscape without margins, whatever the site's print rules say.
DECK_PAGE_STYLE = "@page { size: 297mm 210mm; margin: 0; }"
#: Hides the site's header, footer and buttons in the PDF of a page (the deck's print view hides them itself).
PDF_PAGE_STYLE = (
    ".skip-link, .site-header, .site-footer, .no-print, button, .deck-controls, #erreur-application "
    "{ display: none !important; } body { background: #ffffff; }"
)


def serve_in_process(
    server: Flask, method: str, url: str, headers: Mapping[str, str], body: bytes | None
) -> tuple[int, dict[str, str], bytes]:
    """One request of Chromium answered by the Flask app itself, in this thread (no socket, no gunicorn
    thread): status, headers and body for Playwright's `route.fulfill`.

    The request reaches the app as from any browser (same hooks, limits and error pages), with the
    host of `url` (the public address) and without Accept-Encoding.
    """
    parts = urlsplit(url)
    forwarded = {name: value for name, value in headers.items() if name.lower() not in DROPPED_REQUEST_HEADERS}
    response = server.test_client().open(
        parts.path or "/",
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=method,
        headers=forwarded,
        data=body,
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    try:
        content = response.get_data()
    finally:
        response.close()
    kept = {
        name.lower(): value for name, value in response.headers.items() if name.lower() not in DROPPED_RESPONSE_HEADERS
    }
    return response.status_code, kept, content


@dataclass(frozen=True)
class Engine:
    """Headless Chromium driven by Playwright: one browser per render, closed whatever happens.

    `base_url` is the site's public address: the address the PDF pages are loaded at (answered
    in-process, see `serve_in_process`), hence the one every link of a PDF points to.
    """

    chromium: str = DEFAULT_CHROMIUM
    base_url: str = "http://localhost:8050"
    timeout_s: float = RENDER_TIMEOUT_S

    def available(self) -> str | None:
        """Why renders cannot run here, or None."""
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "le module Python « playwright » n'est pas installé"
        if not os.access(self.chromium, os.X_OK):
            return f"le navigateur Chromium est introuvable ({self.chromium})"
        return None

    @contextlib.contextmanager
    def browser(self) -> Iterator[Any]:
        problem = self.available()
        if problem:
            raise ExportUnavailable(problem)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                lower_children_priority()  # Playwright's driver: Chromium, started by it, inherits its priority
                try:
                    browser = playwright.chromium.launch(
                        executable_path=self.chromium, args=list(CHROMIUM_ARGS), timeout=LAUNCH_TIMEOUT_S * 1000
                    )
                except PlaywrightError as error:
                    raise ExportUnavailable(f"Chromium n'a pas pu démarrer ({first_line(error)})") from error
                try:
                    yield browser
                finally:
                    browser.close()
        except PlaywrightTimeoutError as error:
            raise ExportTimeout(first_line(error)) from error
        except PlaywrightError as error:
            raise ExportUnavailable(f"Chromium a signalé une erreur ({first_line(error)})") from error

    def image(self, figure: go.Figure, fmt: str, size: ImageSize) -> bytes:
        """PNG or SVG of a self-contained figure, rendered by plotly.js with no network."""
        options = {
            "format": fmt,
            "width": size.width,
            "height": size.height,
            "scale": size.scale if fmt == "png" else 1,
        }
        deadline = time.monotonic() + self.timeout_s
        with self.browser() as browser:
            page = browser.new_page()
            page.route("**/*", image_page_route)
            page.goto(f"{IMAGE_ORIGIN}/", timeout=remaining_ms(deadline, self.timeout_s))
            topojson = json.loads(TOPOJSON.read_text(encoding="utf-8"))
            page.evaluate(IMAGE_SCRIPT, [json.loads(figure.to_json()), options, topojson])
            page.wait_for_function(
                "() => window.exportResult !== undefined", polling=50, timeout=remaining_ms(deadline, self.timeout_s)
            )
            result = page.evaluate("window.exportResult")
        if "error" in result:
            raise RuntimeError(f"plotly.js n'a pas pu dessiner l'image : {result['error']}")
        header, _, payload = result["url"].partition(",")
        return base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode("utf-8")

    def pdf(
        self,
        server: Flask,
        path: str,
        ready: str,
        count: int | None,
        landscape: bool,
        page_css: str | None = None,
    ) -> bytes:
        """PDF of one of the app's pages, loaded at the public address and answered by `server` in-process
        (nothing else reachable).

        Waits for `ready` (a CSS selector), then for every graph to be drawn (and `count` slides, if given);
        the whole render, launch included, must end within the engine's time limit.
        """
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        deadline = time.monotonic() + self.timeout_s
        url = self.base_url.rstrip("/") + path
        allowed = self.base_url.rstrip("/") + "/"

        def answer(route: Any) -> None:
            request_ = route.request
            if not request_.url.startswith(allowed):
                route.abort()
                return
            try:
                status, headers, body = serve_in_process(
                    server, request_.method, request_.url, request_.headers, request_.post_data_buffer
                )
            except Exception:  # the app answers its own errors; this is a fault of the bridge itself
                logger.exception("export: in-process request failed: %s %s", request_.method, request_.url)
                route.abort()
                return
            route.fulfill(status=status, headers=headers, body=body)

        with self.browser() as browser:
            viewport = {"width": A4_LANDSCAPE_PX[0], "height": A4_LANDSCAPE_PX[1]}
            if not landscape:  # the printable width of A4 portrait (12 mm margins): graphs drawn at print size
                viewport = {"width": A4_PORTRAIT_PRINTABLE_PX, "height": 1000}
            # bypass_csp: the app forbids eval, which Playwright's waiting uses; the page itself is unchanged.
            context = browser.new_context(viewport=viewport, locale="fr-FR", bypass_csp=True)
            context.route("**/*", answer)
            page = context.new_page()
            try:
                page.goto(
                    url,
                    wait_until="load" if landscape else "networkidle",
                    timeout=remaining_ms(deadline, self.timeout_s),
                )
            except PlaywrightError as error:
                if isinstance(error, PlaywrightTimeoutError):
                    raise
                raise ExportUnavailable(f"la page {path} n'a pas pu être chargée ({first_line(error)})") from error
            page.wait_for_selector(ready, state="attached", timeout=remaining_ms(deadline, self.timeout_s))
            page.wait_for_function(
                SETTLED_SCRIPT, arg=count, polling=100, timeout=remaining_ms(deadline, self.timeout_s)
            )
            if page_css:
                page.add_style_tag(content=page_css)
            page.wait_for_timeout(150)  # last layout pass of the responsive graphs
            # The page's CSS sets the paper: A4 landscape without margins for the deck (presentation.css),
            # A4 portrait with margins for the fiche (print.css); the values below are the fallbacks.
            options: dict[str, Any] = {"print_background": True, "prefer_css_page_size": True}
            if landscape:
                options.update(
                    width="297mm", height="210mm", margin={"top": "0", "right": "0", "bottom": "0", "left": "0"}
                )
            else:
                options.update(
                    format="A4",
                    margin={"top": "14mm", "right": "12mm", "bottom": "16mm", "left": "12mm"},
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=(
                        "<div style='font-size:8px;width:100%;padding:0 12mm;font-family:sans-serif;color:#444'>"
                        f"{escape(app_title(region_name(server)))} · {escape(url)} · page "
                        "<span class='pageNumber'></span> / <span class='totalPages'></span></div>"
                    ),
                )
            return page.pdf(**options)


def lower_children_priority() -> None:
    """Give the child processes of this worker (Playwright's driver, hence the Chromium it starts) a lower
    CPU priority (niceness RENDER_NICENESS), so that on a busy host the worker's own threads — the pages,
    /healthz and the renders' Python side — are scheduled first. Linux only; silently skipped elsewhere.
    """
    me = os.getpid()
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[-1].split()[1])
            if parent == me and os.getpriority(os.PRIO_PROCESS, int(entry)) < RENDER_NICENESS:
                os.setpriority(os.PRIO_PROCESS, int(entry), RENDER_NICENESS)
        except (OSError, ValueError, IndexError):
            continue


def remaining_ms(deadline: float, limit: float) -> float:
    """Milliseconds left before `deadline` (time.monotonic), for the next step of a render."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise ExportTimeout(f"plus de {limit:.0f} s")
    return left * 1000


def image_page_route(route: Any) -> None:
    """The image page and plotly.js (from the plotly package) are served here; anything else is refused."""
    url = route.request.url
    if url == f"{IMAGE_ORIGIN}/":
        route.fulfill(body=IMAGE_PAGE, content_type="text/html; charset=utf-8")
    elif url == f"{IMAGE_ORIGIN}/plotly.min.js":
        route.fulfill(path=str(PLOTLY_JS), content_type="text/javascript; charset=utf-8")
    else:
        route.abort()


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def engine_from(server: Flask) -> Engine:
    return server.config[CONFIG_ENGINE]


def pool_capacity(environ: Mapping[str, str]) -> int:
    """Renders a worker admits (running or queued): its threads but FREE_THREADS, from 1 to MAX_RENDERS + MAX_QUEUED.

    Each admitted render keeps one request thread waiting for it; GUNICORN_THREADS is the number of
    threads of a worker (gunicorn.conf.py).
    """
    text = environ.get("GUNICORN_THREADS", "").strip()
    threads = int(text) if text.isdigit() else DEFAULT_THREADS
    return max(1, min(threads - FREE_THREADS, MAX_RENDERS + MAX_QUEUED))


class RenderPool:
    """The renders of a process, away from the threads that serve requests.

    At most `workers` renders run at once (threads of their own, created in the worker process, never
    in gunicorn's master before it forks); at most `capacity` are admitted (running or waiting for a
    browser). A render that cannot be admitted is refused at once (ExportBusy): the request thread is
    given back immediately instead of waiting in line.
    """

    def __init__(self, workers: int = MAX_RENDERS, capacity: int = MAX_RENDERS) -> None:
        self.workers = workers
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._slots = threading.BoundedSemaphore(self.capacity)

    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():  # new process: new threads and slots
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="rendu-export"
                )
                self._slots = threading.BoundedSemaphore(self.capacity)
                self._pid = os.getpid()
            return self._executor

    def run(self, produce: Any, timeout_s: float) -> Any:
        """The result of `produce()` run in the pool; ExportBusy at once when the pool is full."""
        pool = self._pool()
        slots = self._slots
        if not slots.acquire(blocking=False):
            raise ExportBusy("trop d'exports en cours")

        def job() -> Any:
            try:
                return produce()
            finally:
                slots.release()  # held as long as the browser runs, given back before the result is seen

        try:
            future = pool.submit(job)
        except BaseException:
            slots.release()
            raise
        try:
            return future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError as error:
            if future.cancel():  # still waiting for a browser: it will never start (a running one has a deadline)
                slots.release()
            raise ExportTimeout(f"plus de {timeout_s:.0f} s") from error


# --- Routes -------------------------------------------------------------------------------------------------

ERROR_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title} — {app}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#161616;
max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}h1{{font-size:1.8rem}}
.notice{{border-left:4px solid #b34000;background:#fff4f3;padding:.75rem 1rem}}a{{color:#000091}}</style>
</head><body><main><h1>{title}</h1><div class="notice" role="alert"><p>{message}</p></div>
<p><a href="{back}">Revenir à la page précédente</a> · <a href="/">Accueil</a></p></main></body></html>"""


def error_page(
    status: int, title: str, message: str, back: str = routes.PRESENTATION, retry_after_s: int = 30
) -> Response:
    """A small standalone French HTML page (no script); a 503 says when to retry (Retry-After)."""
    body = ERROR_PAGE.format(title=escape(title), message=escape(message), back=escape(back), app=escape(APP_NAME))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = str(retry_after_s)
    return response


def file_response(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _store_or_error() -> Store | Response:
    store = current_store()
    if isinstance(store, StoreError):
        return error_page(503, "Données non construites", str(store), "/")
    return store


def _render(kind: str, back: str, produce: Any) -> Response | bytes:
    """Run a render in the process's render pool, with the engine's limits; a French 503 page when it
    cannot be done (at once when the pool is full)."""
    started = time.monotonic()
    pool: RenderPool = current_app.extensions[EXTENSION_KEY]
    limit = getattr(engine_from(current_app), "timeout_s", RENDER_TIMEOUT_S)
    try:
        content = pool.run(produce, limit + LAUNCH_TIMEOUT_S)
    except ExportUnavailable as error:
        logger.warning("export %s unavailable: %s", kind, error)
        return error_page(
            503,
            "Export indisponible",
            f"Le moteur d'export (Chromium sans interface) n'est pas disponible sur ce serveur : {error}. "
            "La présentation à l'écran fonctionne normalement ; installez Chromium (paquet Debian « chromium ») "
            "pour produire les images et les PDF.",
            back,
        )
    except ExportTimeout as error:
        logger.warning("export %s timed out: %s", kind, error)
        return error_page(
            503,
            "Export trop long",
            f"La production du fichier a dépassé {RENDER_TIMEOUT_S:.0f} secondes et a été interrompue. "
            "Réessayez dans un instant, ou exportez moins de diapositives à la fois.",
            back,
        )
    except ExportBusy:
        logger.info("export %s refused: render pool full", kind)
        return error_page(
            503,
            "Serveur occupé",
            "D'autres exports sont en cours de production sur ce serveur. "
            f"Réessayez dans {BUSY_RETRY_S} secondes environ.",
            back,
            retry_after_s=BUSY_RETRY_S,
        )
    logger.info("export %s rendered in %.2f s (%d bytes)", kind, time.monotonic() - started, len(content))
    return content


def exports_blueprint() -> Blueprint:
    blueprint = Blueprint("exports_media", __name__)

    @blueprint.get(IMAGE_ROUTE)
    def slide_image(fmt: str) -> Response:
        back = routes.PRESENTATION
        if fmt not in FORMATS:
            return error_page(404, "Format inconnu", f"Format « {fmt} » inconnu : png ou svg.", back)
        store = _store_or_error()
        if isinstance(store, Response):
            return store
        size_key = request.args.get(PARAM_SIZE, SIZE_PROJECTOR)
        if size_key not in SIZES:
            return error_page(400, "Taille inconnue", f"Taille « {size_key} » inconnue : {' ou '.join(SIZES)}.", back)
        text = request.args.get(PARAM_SLIDE, "")
        try:
            spec, _ = deck.parse_slide(text, deck.choices_from_store(store))
        except deck.SlideError as error:
            return error_page(400, "Diapositive invalide", f"Diapositive « {text} » invalide : {error}.", back)
        if spec.kind not in deck.IMAGE_KINDS:
            return error_page(
                400,
                "Pas d'image pour ce type de diapositive",
                "Les images sont produites pour les cartes, les classements et les comparaisons ; la fiche d'un "
                "territoire s'exporte en PDF.",
                back,
            )
        size = SIZES[size_key]
        slide = deck.build_slide(store, spec)
        figure = export_figure(store, slide, size, datetime.now().astimezone())
        engine = engine_from(current_app)
        result = _render(f"{fmt} {spec.token}", back, lambda: engine.image(figure, fmt, size))
        if isinstance(result, Response):
            return result
        pixels = "x".join(map(str, size.pixels if fmt == "png" else (size.width, size.height)))
        return file_response(result, FORMATS[fmt], f"{slug(slide.title)}_{pixels}.{fmt}")

    @blueprint.get(DECK_PDF_PATH)
    def deck_pdf() -> Response:
        store = _store_or_error()
        if isinstance(store, Response):
            return store
        choices = deck.choices_from_store(store)
        slides, notices = deck.parse_deck(request.args.get(deck.PARAM_DECK, ""), choices)
        back = deck.deck_href(slides) if slides else routes.PRESENTATION
        if not slides:
            reason = " ".join(notices) or "Ajoutez des diapositives avant d'exporter."
            return error_page(400, "Présentation vide", f"Aucune diapositive valide à exporter. {reason}", back)
        path = deck.deck_href(slides, **{deck.PARAM_VIEW: deck.VIEW_PRINT})
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

    @blueprint.get(f"{FICHE_PDF_PREFIX}/<siren>.pdf")
    def fiche_pdf(siren: str) -> Response:
        store = _store_or_error()
        if isinstance(store, Response):
            return store
        choices = deck.choices_from_store(store)
        if siren not in choices.epcis:
            return error_page(
                404, "Territoire introuvable", f"Aucun EPCI de la région ne porte le numéro SIREN « {siren} ».", "/"
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
