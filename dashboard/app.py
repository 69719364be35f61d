"""Application factory: a Dash multi-page app served entirely from local files."""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import html

from dashboard import ids
from dashboard.api import init_api
from dashboard.callbacks_map import init_map_routes
from dashboard.components import APP_NAME, REGION_NAME, footer, header
from dashboard.exports_media import init_exports
from dashboard.health import init_health
from dashboard.page_cache import init_page_cache
from dashboard.security import callback_error, error_banner, init_security
from dashboard.settings import Settings
from dashboard.static_compression import init_static_compression
from dashboard.store import CONFIG_KEY, Store, StoreError, load_store

PACKAGE_DIR = Path(__file__).resolve().parent
TITLE = f"{APP_NAME} — {REGION_NAME}"
DESCRIPTION = (
    "Où développer les résidences sociales dans les Hauts-de-France : indicateurs par EPCI et par commune "
    "construits à partir de données publiques ouvertes."
)
NOT_FOUND_MODULE = "not_found_404"
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


def _load_or_explain(settings: Settings) -> Store | StoreError:
    try:
        return load_store(settings.data_dir)
    except StoreError as error:
        logger.warning("%s", error)
        return error


def create_app(config: Settings | None = None) -> dash.Dash:
    """Build the app; the data store is loaded once here and kept in `server.config["STORE"]`."""
    settings = config or Settings.from_env()
    app = dash.Dash(
        __package__,
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(PACKAGE_DIR / "assets"),
        serve_locally=True,
        compress=True,
        title=TITLE,
        update_title=None,
        description=DESCRIPTION,
        index_string=INDEX_STRING,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # Pages are laid out on demand: without this, Dash renders every page's layout into
        # each first response to validate callbacks (heavier pages, and errors for the ids of
        # pages that are not on screen).
        suppress_callback_exceptions=True,
        # A failing callback: French message in the page, logged with its context (dashboard.security).
        on_error=callback_error,
    )
    init_static_compression(app.server)
    store = _load_or_explain(settings)
    app.server.config[CONFIG_KEY] = store
    # Read-only API (/api/v1), downloads of the tables page (/telecharger) and their cache.
    init_api(app.server, settings)
    # GeoJSON of the map explorer (/carte/geometrie/<level>-<token>.json), cached by browsers.
    init_map_routes(app.server)
    # Image and PDF exports of the presentation mode and of the territory page (/export/...).
    init_exports(app.server, settings)
    app.layout = html.Div(
        [
            html.A("Aller au contenu", href=f"#{ids.MAIN}", className="skip-link"),
            header(navigable_pages()),
            html.Main(html.Div([error_banner(), dash.page_container], className="container"), id=ids.MAIN),
            footer(store.built_at if isinstance(store, Store) else None),
        ],
        className="site",
    )
    # Production readiness (issue 9): /healthz, then security headers, limits and French error pages
    # (last: the Content-Security-Policy hashes the inline scripts of every registered callback).
    init_health(app.server, settings)
    init_page_cache(app.server)
    init_security(app, settings)
    return app
