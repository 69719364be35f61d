"""Cache of the page layouts served by Dash pages' router, in the app's Flask-Caching cache.

Opening a page makes the renderer POST the page router callback (`_pages_content.children`), whose
answer is the page's whole layout: for the map, the tables or the sources, 50 to 130 ms of CPU and
100 to 300 kB of JSON. The layouts are pure functions of the address and the (read-only) data store,
so the serialised answer for an address without query string is kept in the cache shared with the API
(local per worker, or Redis with REDIS_URL; the keys carry the data build and the code fingerprint).
Addresses with a query string (permalinks, filters) are computed each time, which bounds the number of
entries to the pages and the territory pages. A page that must not be cached (one that would depend
on the time or on the request) sets `cache_layout=False` in `dash.register_page`.
"""

from __future__ import annotations

from typing import Any

import dash
from flask import Flask, Response, g, request
from flask_caching import Cache

from dashboard.api import CACHE_EXTENSION

UPDATE_PATH = "/_dash-update-component"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
LOCATION_ID = "_pages_location"
ERROR_MARKER = b'"erreur-page"'  # dashboard.ids.APP_ERROR_PAGE: a failed layout is never kept
MAX_PATH_CHARS = 200
KEY_PREFIX = "page:"
OPT_OUT = "cache_layout"


def _location(payload: Any) -> tuple[str, str] | None:
    """(pathname, search) of a router callback request, or None for any other request."""
    if not isinstance(payload, dict) or payload.get("output") != ROUTER_OUTPUT:
        return None
    values = {
        item.get("property"): item.get("value")
        for item in payload.get("inputs") or []
        if isinstance(item, dict) and item.get("id") == LOCATION_ID
    }
    pathname, search = values.get("pathname"), values.get("search") or ""
    if not isinstance(pathname, str) or not isinstance(search, str):
        return None
    return pathname, search


def _opted_out(pathname: str) -> bool:
    for page in dash.page_registry.values():
        if page.get(OPT_OUT) is not False:
            continue
        template = page.get("path_template")
        if page.get("path") == pathname or (template and pathname.startswith(template.split("<")[0])):
            return True
    return False


def cache_key(pathname: str) -> str:
    return f"{KEY_PREFIX}{request.host}:{pathname}"


def init_page_cache(server: Flask) -> None:
    """Serve cached page layouts before Dash runs the router; keep the new ones after it ran."""

    def cache() -> Cache:
        return server.extensions[CACHE_EXTENSION]

    @server.before_request
    def serve_cached_layout() -> Response | None:
        if request.method != "POST" or request.path != UPDATE_PATH:
            return None
        location = _location(request.get_json(silent=True))
        if location is None:
            return None
        pathname, search = location
        if search or len(pathname) > MAX_PATH_CHARS or _opted_out(pathname):
            return None
        key = cache_key(pathname)
        body = cache().get(key)
        if body is not None:
            response = Response(body, mimetype="application/json")
            response.headers["X-Cache"] = "HIT"
            return response
        g.page_cache_key = key
        return None

    @server.after_request
    def keep_layout(response: Response) -> Response:
        key = g.pop("page_cache_key", None)
        if key is None or response.status_code != 200 or response.direct_passthrough:
            return response
        body = response.get_data()
        if ERROR_MARKER not in body:
            cache().set(key, body)
            response.headers["X-Cache"] = "MISS"
        return response


def router_request(pathname: str, search: str = "") -> dict[str, Any]:
    """The body the renderer POSTs to display `pathname` (Dash pages' router callback)."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": LOCATION_ID, "property": "pathname", "value": pathname},
            {"id": LOCATION_ID, "property": "search", "value": search},
        ],
        "changedPropIds": [f"{LOCATION_ID}.pathname", f"{LOCATION_ID}.search"],
    }


def warm_up(server: Flask) -> list[str]:
    """Display every page once, before real traffic; return the paths that did not answer 200.

    This finishes Dash's lazy set-up (callback map, page router), runs the lazy imports of the map's
    libraries (mapclassify and SciPy: about one second) and fills the page cache. Called by gunicorn in
    the master process (with preload_app: the workers are forked warm) and in each new worker.
    """
    client = server.test_client()
    failed = []
    if client.get("/_dash-layout").status_code != 200:
        failed.append("/_dash-layout")
    for page in list(dash.page_registry.values()):
        path = page.get("path")
        if not path or page.get("path_template"):
            continue
        if client.post(UPDATE_PATH, json=router_request(path)).status_code != 200:
            failed.append(path)
    return failed
