"""Application factory: a Dash multi-page app served entirely from local files.

Besides the pages, the factory serves the site files a crawler asks for (`/robots.txt`, `/favicon.ico`),
answers 404 (with the French not-found page of the app) for an address that is no page, and, in
production (Dash's dev tools off), keeps out of the pages what would tell the versions of Dash, Python
and Plotly (`DashboardApp`).
"""

from __future__ import annotations

import hashlib
import html as html_text
import importlib
import logging
import sys
from typing import Any

import dash
from dash import html
from dash._callback import GLOBAL_CALLBACK_LIST
from dash.fingerprint import check_fingerprint
from flask import Response, request, send_file
from werkzeug.exceptions import NotFound

from dashboard.api.blueprint import init_api
from dashboard.commune.page import known_commune
from dashboard.commune.redirects import init_commune_redirects
from dashboard.core.levels import LEVEL_EPCI
from dashboard.core.perimeter import Perimeter, app_title, perimeter
from dashboard.core.store import CONFIG_KEY, Store, StoreError, current_store, load_store
from dashboard.exports.media import init_exports
from dashboard.map.geometry import init_map_routes
from dashboard.server.compression import compressing_server
from dashboard.server.health import init_health
from dashboard.server.page_cache import VALID_PATH, init_page_cache, match_page
from dashboard.server.security import callback_error, error_banner, init_security, wants_json
from dashboard.server.static_cache import init_static_cache
from dashboard.server.static_compression import init_static_compression
from dashboard.server.vendor_scripts import PLOTLY, REGENERATOR_RUNTIME, init_vendor_scripts
from dashboard.settings import ASSETS_DIR, PACKAGE_DIR, Settings
from dashboard.ui import ids as ui_ids
from dashboard.ui.components import footer, header

NOT_FOUND_MODULE = "not_found_404"
TERRITORY_MODULE = "dashboard.pages.territoire"
COMMUNE_MODULE = "dashboard.pages.commune"
FAVICON = ASSETS_DIR / "favicon.ico"
SITE_FILES_MAX_AGE_S = 86400
# Crawlers: every page may be indexed. Downloads, exports (PDF, images through Chromium) and the API are
# computed on demand from the same data as the pages, in endless combinations of parameters: crawling
# them would only load the server. The API's documentation (/api, a page) stays open. Dash's own routes
# (/_dash-*, /assets/) stay open too: a search engine that runs the scripts needs them to see the pages.
ROBOTS_TXT = """\
# Résidences sociales : tableau de bord public, données ouvertes.
User-agent: *
Allow: /
Disallow: /telecharger/
Disallow: /export/
Disallow: /api/
Disallow: /healthz
"""
# What Dash writes in every page's configuration (`_dash-config`) for its dev tools only.
VERSION_KEYS = ("dash_version", "dash_version_url", "python_version", "plotly_version", "ddk_version")
COMPONENT_SUITES = "_dash-component-suites/"
INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""

logger = logging.getLogger(__name__)


def navigable_pages() -> list[dict]:
    """Registered pages shown in the header, in their declared order (the 404 page excluded).

    A page registered with `nav=False` (e.g. a sub-page reached by links) stays out of the header.
    """
    pages = [
        page
        for page in dash.page_registry.values()
        if page["module"].split(".")[-1] != NOT_FOUND_MODULE and page.get("nav", True)
    ]
    return sorted(pages, key=lambda page: page["order"])


class DashboardApp(dash.Dash):
    """Dash, minus what tells the versions of Dash, Python and Plotly when its dev tools are off.

    Dash writes them in each page's configuration (read only by the dev tools' version check) and in
    the fingerprint of each bundle's address (`react@18.v4_4_1m1796620322.3.1.min.js`). In production
    the former are left out and the latter replaced by an opaque one derived from it: it still changes
    with the version and the file's date (cache-busting), and Dash still serves it for a year.
    `python -m dashboard` with DEBUG=1 (dev tools on) keeps Dash's behaviour.

    In both modes, plotly.js is the app's partial bundle and regenerator-runtime takes the place of
    Dash's @babel/polyfill (dashboard.server.vendor_scripts).
    """

    def dev_tools_on(self) -> bool:
        tools = self._dev_tools
        return bool(tools.get("ui") or tools.get("hot_reload"))

    def _config(self) -> dict[str, Any]:
        config = super()._config()
        # The renderer fetches plotly.js from `plotlyjs_url` when `serve_locally` is off (its only use of
        # that key): the app's partial bundle, cached for a year (dashboard.server.vendor_scripts).
        config["serve_locally"] = False
        config["plotlyjs_url"] = PLOTLY.url(self.config.requests_pathname_prefix)
        if not self.dev_tools_on():
            for key in VERSION_KEYS:
                config.pop(key, None)
        return config

    def _collect_and_register_resources(self, resources: Any, include_async: bool = True, url_attr: str = "src"):
        sources = [
            REGENERATOR_RUNTIME.url(self.config.requests_pathname_prefix) if is_babel_polyfill(source) else source
            for source in super()._collect_and_register_resources(resources, include_async, url_attr)
        ]
        if self.dev_tools_on():
            return sources
        return [
            {**source, url_attr: opaque_fingerprint(source[url_attr])}
            if isinstance(source, dict) and isinstance(source.get(url_attr), str)
            else opaque_fingerprint(source)
            if isinstance(source, str)
            else source
            for source in sources
        ]


def is_babel_polyfill(source: Any) -> bool:
    """Whether a script of the page is Dash's @babel/polyfill, replaced by regenerator-runtime alone (the
    polyfill's only part the renderer needs; the rest slows today's browsers: dashboard/vendor/regenerator-runtime)."""
    return isinstance(source, str) and f"{COMPONENT_SUITES}dash/deps/polyfill@" in source


def opaque_fingerprint(url: str) -> str:
    """A component-suite address whose fingerprint (`v<version>m<date>`) no longer tells the version."""
    if COMPONENT_SUITES not in url:
        return url
    folder, _, name = url.rpartition("/")
    parts = name.split(".")
    if len(parts) < 3 or not check_fingerprint(name)[1]:
        return url
    digest = hashlib.sha256(parts[1].encode()).hexdigest()[:16]
    return f"{folder}/{'.'.join([parts[0], f'v0m{digest}', *parts[2:]])}"


def _known_territory(code_siren: Any = None, **_: Any) -> bool:
    """Whether `/territoire/<code_siren>` is the fiche of an EPCI of the store (else: its not-found page)."""
    store = current_store()
    return (
        isinstance(store, Store)
        and isinstance(code_siren, str)
        and LEVEL_EPCI in store.display
        and code_siren in set(store.display[LEVEL_EPCI].codes)
    )


def _page_title(page: dict[str, Any], variables: dict[str, Any], default: str) -> str:
    title = page.get("title", default)
    return str(title(**variables) if callable(title) else title)


def init_site_routes(app: dash.Dash) -> None:
    """/robots.txt, /favicon.ico, and a 404 status for any address that is no page of the app.

    Dash answers every unknown address with its page (200), where its router shows « Page introuvable »:
    for a crawler, every address exists. The same page is now served with 404, its title set to the
    not-found page's (or, for the fiche of an unknown SIREN, « Territoire introuvable »); navigating
    inside the app is unchanged. The API and Dash's own routes answer a JSON 404 (dashboard.server.security).
    """
    server = app.server
    catchall = f"{app.config.routes_pathname_prefix}<path:path>"

    @server.get("/robots.txt")
    def robots_txt() -> Response:
        response = Response(ROBOTS_TXT, mimetype="text/plain")
        response.cache_control.public = True
        response.cache_control.max_age = SITE_FILES_MAX_AGE_S
        return response

    @server.get("/favicon.ico")
    def favicon() -> Response:
        return send_file(FAVICON, mimetype="image/vnd.microsoft.icon", max_age=SITE_FILES_MAX_AGE_S)

    @server.before_request
    def not_found_status() -> Response | None:
        rule = request.url_rule
        if request.method not in ("GET", "HEAD") or rule is None or rule.rule != catchall:
            return None
        match = match_page(app, request.path)
        if match is not None and match.exists:
            return None
        if wants_json():
            raise NotFound()
        if match is None:
            not_found = next(
                (page for page in dash.page_registry.values() if page["module"].split(".")[-1] == NOT_FOUND_MODULE),
                {},
            )
            title = _page_title(not_found, {}, app.title)
        else:
            title = _page_title(match.page, match.variables, app.title)
        index = app.index()
        index = index.replace(f"<title>{app.title}</title>", f"<title>{html_text.escape(title)}</title>", 1)
        return Response(index, status=404, mimetype="text/html")


def description(region: Perimeter | None) -> str:
    """The app's meta description, naming its région when the data is built."""
    where = f" {region.in_name}" if region else ""
    return (
        f"Où développer les résidences sociales{where} : indicateurs par EPCI et par commune "
        "construits à partir de données publiques ouvertes."
    )


def _load_or_explain(settings: Settings) -> Store | StoreError:
    try:
        return load_store(settings.data_dir)
    except StoreError as error:
        logger.warning("%s", error)
        return error


#: The modules declaring each feature's callbacks (pages declare none).
CALLBACK_MODULES = (
    "dashboard.map.callbacks",
    "dashboard.ranking.callbacks",
    "dashboard.territory.callbacks",
    "dashboard.tables.callbacks",
    "dashboard.presentation.callbacks",
    "dashboard.calculator.callbacks",
    "dashboard.content.callbacks",
    "dashboard.comparison.callbacks",
    "dashboard.scenario.callbacks",
)


def register_callbacks() -> None:
    """Declare every feature's callbacks for the app about to be built.

    Dash hands the callbacks declared with `dash.callback` to the first app that serves a request, then
    forgets them: a module imported once would leave any later app of the process (tests build many)
    without callbacks. Each module is imported, or run again once the callbacks it declared were taken.
    """
    taken = not GLOBAL_CALLBACK_LIST
    for name in CALLBACK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            importlib.import_module(name)
        elif taken:
            importlib.reload(module)


def create_app(config: Settings | None = None) -> dash.Dash:
    """Build the app; the data store is loaded once here and kept in `server.config["STORE"]`."""
    settings = config or Settings.from_env()
    store = _load_or_explain(settings)
    region = perimeter(store) if isinstance(store, Store) else None
    register_callbacks()
    app = DashboardApp(
        __package__,
        server=compressing_server(__package__),  # flask-compress also compresses CSV, GeoJSON, GeoPackage
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        compress=True,
        title=app_title(region.name if region else ""),
        update_title=None,
        description=description(region),
        index_string=INDEX_STRING,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # Pages are laid out on demand: without this, Dash renders every page's layout into
        # each first response to validate callbacks (heavier pages, and errors for the ids of
        # pages that are not on screen).
        suppress_callback_exceptions=True,
        # A failing callback: French message in the page, logged with its context (dashboard.server.security).
        on_error=callback_error,
    )
    init_static_compression(app.server)
    init_static_cache(app.server)
    init_vendor_scripts(app.server)
    app.server.config[CONFIG_KEY] = store
    # Read-only API (/api/v1), downloads of the tables page (/telecharger) and their cache.
    init_api(app.server, settings)
    # A former commune's fiche address leads to its current commune (/commune/<former code>).
    init_commune_redirects(app.server)
    # GeoJSON of the map explorer (/carte/geometrie/<level>-<token>.json), cached by browsers.
    init_map_routes(app.server)
    # Image and PDF exports of the presentation mode and of the territory page (/export/...).
    init_exports(app.server, settings)
    app.layout = html.Div(
        [
            html.A("Aller au contenu", href=f"#{ui_ids.MAIN}", className="skip-link"),
            header(navigable_pages(), region.name if region else ""),
            html.Main(html.Div([error_banner(), dash.page_container], className="container"), id=ui_ids.MAIN),
            footer(store.built_at if isinstance(store, Store) else None),
        ],
        className="site",
    )
    # Production readiness (issue 9): /healthz, then security headers, limits, checked callback requests
    # and French error pages (before the hooks below: a request is refused before any of them runs).
    init_health(app.server, settings)
    init_security(app, settings)
    # Which fiches exist: their other addresses get a 404 status and stay out of the page cache.
    for module, known in ((TERRITORY_MODULE, _known_territory), (COMMUNE_MODULE, known_commune)):
        fiche = dash.page_registry.get(module)
        if fiche is not None:
            fiche.setdefault(VALID_PATH, known)
    init_site_routes(app)
    init_page_cache(app)
    return app
