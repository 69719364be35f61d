"""Set-up of the server routes that read the store: the API (/api/v1/...) and the downloads (/telecharger/...).

`init_api` also sets what the whole app shares: the cache (a byte-bounded one per worker, or Redis, see
`dashboard.api.cache`), the public address written into files (PUBLIC_URL, see
`dashboard.api.downloads.public_url`) and relative redirects (a Location header never repeats the Host
header the client sent).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request
from flask_caching import Cache

from dashboard.api.cache import CACHE_EXTENSION, TolerantRedisCache, cache_config, check_redis_memory
from dashboard.api.documentation import api_page
from dashboard.api.downloads import PUBLIC_URL_KEY, downloads_blueprint
from dashboard.api.routes import api_blueprint
from dashboard.core import routes
from dashboard.core.release import code_fingerprint
from dashboard.core.store import CONFIG_KEY, Store
from dashboard.settings import Settings

logger = logging.getLogger(__name__)


def relative_redirects(response: Response) -> Response:
    """A redirect to this site says only the path: never the Host header the client sent."""
    location = response.headers.get("Location")
    if location and 300 <= response.status_code < 400:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():
            response.headers["Location"] = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return response


def init_api(server: Flask, settings: Settings) -> None:
    """Set up the cache, the public address and relative redirects; register the API and download blueprints."""
    store = server.config.get(CONFIG_KEY)
    data_version = store.built_at.strftime("%Y%m%dT%H%M%S") if isinstance(store, Store) else "sans-donnees"
    cache = Cache()
    cache.init_app(server, config=cache_config(settings, f"{data_version}:{code_fingerprint()}"))
    server.extensions[CACHE_EXTENSION] = cache
    if isinstance(cache.cache, TolerantRedisCache):
        check_redis_memory(cache.cache)
    server.config[PUBLIC_URL_KEY] = settings.link_base
    if not settings.public_url:
        logger.warning("PUBLIC_URL is not set: links written into downloads and PDFs point to %s", settings.link_base)
    server.after_request(relative_redirects)
    server.register_blueprint(api_blueprint())
    server.add_url_rule(routes.API_DOC, "api_page", api_page, methods=["GET"])
    server.register_blueprint(downloads_blueprint())
