"""Rendering with headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's sync API): one browser
per render, closed in every case, within a time limit (RENDER_TIMEOUT_S).

The image page has no network at all (plotly.js injected from the plotly package, requests aborted). The PDF
pages are loaded at the site's public address (PUBLIC_URL, so that every link of the PDF points there) but
never over the network: each request of the page is answered in-process by the Flask app
(`serve_in_process`), anything else is refused.

Renders never run in the threads that serve requests: they run in a small pool per process (`pool.RenderPool`,
MAX_RENDERS at once). A request waits for its render only if the pool admits it, and the pool admits at most
GUNICORN_THREADS − 2 renders (running or queued): the other threads stay free for the pages and /healthz, and
any further export is answered at once with 503 and Retry-After.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import plotly
import plotly.graph_objects as go
from flask import Flask

from dashboard.core.perimeter import app_title, region_name
from dashboard.exports.figures import ImageSize
from dashboard.exports.pool import ExportTimeout
from dashboard.settings import ASSETS_DIR
from dashboard.ui.responses import escape

logger = logging.getLogger(__name__)

CONFIG_ENGINE = "EXPORT_ENGINE"
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
class PageView:
    """How an app page is loaded for a render: window size (CSS px), pixel ratio, slides to wait for, CSS
    added once drawn, print media from the start (graphs then drawn at their printed size)."""

    viewport: tuple[int, int]
    scale: float = 1
    count: int | None = None
    page_css: str | None = None
    print_media: bool = False
    wait_until: str = "load"


class ExportUnavailable(RuntimeError):
    """The rendering engine (Playwright, Chromium) cannot run here."""


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
#: Draws a figure in the image page (for a PDF of it): same as IMAGE_SCRIPT without the image, and the title.
DRAW_SCRIPT = """
([figure, title, topojson]) => {
    document.title = title;
    document.body.style.overflow = "hidden";
    window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
    window.PlotlyGeoAssets.topojson.world_110m = topojson;
    const node = document.createElement("div");
    document.body.appendChild(node);
    Plotly.newPlot(node, figure.data, figure.layout, {staticPlot: true})
        .then(() => { window.exportResult = {}; })
        .catch((error) => { window.exportResult = {error: String(error)}; });
}
"""
#: A slide of the print view filling the window, for its PNG.
SLIDE_IMAGE_STYLE = (
    ".deck-print > .slide { width: 100vw !important; height: 100vh !important; } "
    ".deck-print > .slide .slide-counter { visibility: hidden; }"
)
#: Fits the slide's text to its final size and adds the image's date to its vintage line.
CREDIT_SCRIPT = """
(credit) => {
    if (window.fitSlides) { window.fitSlides(); }  // the slide now fills the window: its text fitted again
    const line = document.querySelector(".deck-print > .slide .slide-vintage");
    if (line) { line.textContent += " · " + credit; }
}
"""
SETTLED_SCRIPT = """
(count) => {
    if (document.querySelector("[data-dash-is-loading]")) { return false; }
    if (count !== null && document.querySelectorAll(".slide").length !== count) { return false; }
    if (document.querySelector(".slide-body:not([data-fit])")) { return false; }  // text fitted to the slide
    // Dash loads plotly.js after the page: a graph counts as drawn once its SVG is there, a map once its shapes are.
    const graphs = Array.from(document.querySelectorAll(".dash-graph, .js-plotly-plot"));
    const maps = Array.from(document.querySelectorAll(".slide-graph, .dash-graph")).filter(
        (graph) => graph.querySelector(".geolayer > *") || graph.classList.contains("slide-graph"));
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
        with self.figure_page(figure, IMAGE_SCRIPT, options) as (_, result):
            pass
        header, _, payload = result["url"].partition(",")
        return base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode("utf-8")

    @contextlib.contextmanager
    def app_page(self, server: Flask, path: str, ready: str, view: PageView) -> Iterator[Any]:
        """One of the app's pages, loaded at the public address and answered by `server` in-process (nothing
        else reachable), once `ready` (a CSS selector) is there and every graph drawn (and `view.count` slides).

        The whole render, launch included, must end within the engine's time limit.
        """
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        deadline = time.monotonic() + self.timeout_s
        url = self.base_url.rstrip("/") + path
        with self.browser() as browser:
            # bypass_csp: the app forbids eval, which Playwright's waiting uses; the page itself is unchanged.
            context = browser.new_context(
                viewport={"width": view.viewport[0], "height": view.viewport[1]},
                device_scale_factor=view.scale,
                locale="fr-FR",
                bypass_csp=True,
            )
            context.route("**/*", in_process_answer(server, self.base_url.rstrip("/") + "/"))
            page = context.new_page()
            if view.print_media:  # graphs drawn at the size the print layout gives them
                page.emulate_media(media="print")
            try:
                page.goto(url, wait_until=view.wait_until, timeout=remaining_ms(deadline, self.timeout_s))
            except PlaywrightError as error:
                if isinstance(error, PlaywrightTimeoutError):
                    raise
                raise ExportUnavailable(f"la page {path} n'a pas pu être chargée ({first_line(error)})") from error
            page.wait_for_selector(ready, state="attached", timeout=remaining_ms(deadline, self.timeout_s))
            page.wait_for_function(
                SETTLED_SCRIPT, arg=view.count, polling=100, timeout=remaining_ms(deadline, self.timeout_s)
            )
            if view.page_css:
                page.add_style_tag(content=view.page_css)
            page.wait_for_timeout(150)  # last layout pass of the responsive graphs
            yield page

    def pdf(
        self,
        server: Flask,
        path: str,
        ready: str,
        count: int | None,
        landscape: bool,
        page_css: str | None = None,
    ) -> bytes:
        """PDF of one of the app's pages (the deck's print view in A4 landscape, a fiche in A4 portrait)."""
        if landscape:
            view = PageView(A4_LANDSCAPE_PX, count=count, page_css=page_css)
        else:  # the printable width of A4 portrait (12 mm margins), laid out for print before the graphs are drawn
            view = PageView(
                (A4_PORTRAIT_PRINTABLE_PX, 1000),
                count=count,
                page_css=page_css,
                print_media=True,
                wait_until="networkidle",
            )
        with self.app_page(server, path, ready, view) as page:
            url = self.base_url.rstrip("/") + path
            return page.pdf(**pdf_options(region_name(server), url, landscape))

    def slide_png(self, server: Flask, path: str, size: ImageSize, credit: str) -> bytes:
        """PNG of the one slide of a print view (`path`) at `size`: the slide fills the window, `credit` (the
        image's date) is added to its vintage line."""
        view = PageView((size.width, size.height), scale=size.scale, count=1, page_css=SLIDE_IMAGE_STYLE)
        with self.app_page(server, path, ".deck-print > .slide", view) as page:
            page.evaluate(CREDIT_SCRIPT, credit)
            return page.locator(".deck-print > .slide").screenshot(type="png", animations="disabled")

    @contextlib.contextmanager
    def figure_page(
        self, figure: go.Figure, script: str, extra: Any, viewport: dict[str, int] | None = None
    ) -> Iterator[tuple[Any, dict[str, Any]]]:
        """The image page (no network) once `script` has drawn `figure` (its arguments: the figure, `extra`
        and the world's topojson), with the script's result; a RuntimeError when plotly.js failed."""
        deadline = time.monotonic() + self.timeout_s
        with self.browser() as browser:
            page = browser.new_page(viewport=viewport) if viewport else browser.new_page()
            page.route("**/*", image_page_route)
            page.goto(f"{IMAGE_ORIGIN}/", timeout=remaining_ms(deadline, self.timeout_s))
            topojson = json.loads(TOPOJSON.read_text(encoding="utf-8"))
            page.evaluate(script, [json.loads(figure.to_json()), extra, topojson])
            page.wait_for_function(
                "() => window.exportResult !== undefined", polling=50, timeout=remaining_ms(deadline, self.timeout_s)
            )
            result = page.evaluate("window.exportResult")
            if "error" in result:
                raise RuntimeError(f"plotly.js n'a pas pu dessiner la figure : {result['error']}")
            yield page, result

    def figure_pdf(self, figure: go.Figure, size: ImageSize, title: str) -> bytes:
        """A one-page PDF of a self-contained figure, page size = figure size (vector text and shapes), tagged,
        titled `title`, in French."""
        viewport = {"width": size.width, "height": size.height}
        with self.figure_page(figure, DRAW_SCRIPT, title, viewport) as (page, _):
            return page.pdf(
                width=f"{size.width}px",
                height=f"{size.height}px",
                margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                print_background=True,
                tagged=True,
            )


def in_process_answer(server: Flask, allowed: str) -> Any:
    """Playwright's route handler of a PDF page: requests under `allowed` answered by `server`, others aborted."""

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

    return answer


def pdf_options(region: str, url: str, landscape: bool) -> dict[str, Any]:
    """Playwright's page.pdf options. The page's CSS sets the paper: A4 landscape without margins for the deck
    (presentation.css), A4 portrait with margins for the fiche (print.css); the values here are the fallbacks."""
    options: dict[str, Any] = {"print_background": True, "prefer_css_page_size": True, "tagged": True}
    if landscape:
        options.update(width="297mm", height="210mm", margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
    else:
        options.update(
            format="A4",
            margin={"top": "14mm", "right": "12mm", "bottom": "16mm", "left": "12mm"},
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                "<div style='font-size:8px;width:100%;padding:0 12mm;font-family:sans-serif;color:#444'>"
                f"{escape(app_title(region))} · {escape(url)} · page "
                "<span class='pageNumber'></span> / <span class='totalPages'></span></div>"
            ),
        )
    return options


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
