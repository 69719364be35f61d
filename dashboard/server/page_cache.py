"""Cache of the page layouts served by Dash pages' router, and which addresses are pages.

Opening a page makes the renderer POST the page router callback (`_pages_content.children`), whose
answer is the page's whole layout: for the map, the tables or the sources, 50 to 130 ms of CPU and
100 to 300 kB of JSON. The layouts are pure functions of the address and the (read-only) data store,
so the serialised answer is kept for the canonical address of each page (`/sources`, `/territoire/<siren>`
of an EPCI that exists), without query string, in the cache shared with the API (local per worker, or
Redis with REDIS_URL; the keys carry the data build and the code fingerprint). Everything else
(permalinks, filters, `/sources/`, unknown territories) is computed each time: made-up addresses cannot
fill the cache, and the page entries are bounded by the number of pages. A page that must not be cached
(one that would depend on the time or on the request) sets `cache_layout=False` in `dash.register_page`.

The key is made of exactly what Dash's router uses: the callback request is first checked against the
router's declaration (`callback_requests.callback_body`: a request with a decoy input, or missing or extra
outputs, is refused with 400 before anything is read or kept), then the pathname and search are read
by position, as Dash reads them. Neither the Host header nor any other header is part of the key.

`match_page` tells which registered page an address displays; `create_app` uses it to answer 404 for an
address that is no page. A page with a path template may give, in its registry entry, a `valid_path`
function of the path variables (e.g. « is this SIREN an EPCI of the store? »): without it, its pages are
taken as existing but never cached (an attacker could otherwise fill the cache with made-up addresses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import dash
from dash import _pages
from dash.exceptions import UnsupportedRelativePath
from flask import Flask, Response, g, request
from werkzeug.exceptions import BadRequest

from dashboard.api.blueprint import CACHE_EXTENSION
from dashboard.core import routes
from dashboard.server.callback_requests import callback_body
from dashboard.ui import ids as ui_ids

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
LOCATION_ID = "_pages_location"
ROUTER_INPUTS = [{"id": LOCATION_ID, "property": "pathname"}, {"id": LOCATION_ID, "property": "search"}]
ERROR_MARKER = f'"{ui_ids.APP_ERROR_PAGE}"'.encode()  # a failed layout is never kept
KEY_PREFIX = "page:"
OPT_OUT = "cache_layout"
VALID_PATH = "valid_path"
NOT_FOUND_MODULE = "not_found_404"
TEMPLATE_VARIABLE = re.compile(r"<(.*?)>")


@dataclass(frozen=True)
class PageMatch:
    """The registered page that Dash's router displays for an address."""

    page: dict[str, Any]
    variables: dict[str, Any] = field(default_factory=dict)
    #: The page's own address (a template filled with the variables): `/sources`, `/territoire/248000531`.
    canonical: str = "/"
    #: False when a template page's `valid_path` says its variables name nothing (e.g. an unknown SIREN).
    exists: bool = True

    @property
    def cacheable(self) -> bool:
        checked = not self.page.get("path_template") or callable(self.page.get(VALID_PATH))
        return self.exists and checked and self.page.get(OPT_OUT) is not False


def match_page(app: dash.Dash, pathname: Any) -> PageMatch | None:
    """The page Dash's router renders for `pathname` (same functions), or None for its not-found page."""
    if not isinstance(pathname, str):
        return None
    try:
        path_id = app.strip_relative_path(pathname)
    except UnsupportedRelativePath:
        return None
    page, variables = _pages._path_to_page(path_id)  # what the router callback calls
    if not page or page["module"].split(".")[-1] == NOT_FOUND_MODULE:
        return None
    variables = dict(variables or {})
    template = page.get("path_template")
    if not template:
        return PageMatch(page, variables, page["relative_path"])
    canonical = app.get_relative_path(TEMPLATE_VARIABLE.sub(lambda name: str(variables.get(name[1], "")), template))
    check = page.get(VALID_PATH)
    exists = bool(check(**variables)) if callable(check) else True
    return PageMatch(page, variables, canonical, exists)


def cache_key(canonical: str) -> str:
    return f"{KEY_PREFIX}{canonical}"


def router_location(app: dash.Dash, body: dict[str, Any]) -> tuple[str, str] | None:
    """(pathname, search) of a checked router request, read by position as Dash reads them.

    None when the router takes other inputs than the location (`routing_callback_inputs`): its answer
    then depends on more than the address, and is not cached. A location no browser can have (not text,
    a pathname outside the app) is refused with 400, like any request the renderer would not send.
    """
    callback = app.callback_map[ROUTER_OUTPUT]
    if callback.get("inputs") != ROUTER_INPUTS or callback.get("state"):
        return None
    pathname, search = (entry.get("value") for entry in body["inputs"])
    if not isinstance(pathname, str) or not isinstance(search, str | None):
        raise BadRequest()
    try:
        app.strip_relative_path(pathname)
    except UnsupportedRelativePath as error:
        raise BadRequest() from error
    return pathname, search or ""


def init_page_cache(app: dash.Dash) -> None:
    """Serve cached page layouts before Dash runs the router; keep the new ones after it ran."""
    server: Flask = app.server

    def cache() -> Any:
        return server.extensions[CACHE_EXTENSION]

    @server.before_request
    def serve_cached_layout() -> Response | None:
        if request.method != "POST" or request.path != routes.DASH_UPDATE:
            return None
        body = callback_body(app)  # 400 unless exactly what the renderer sends for a known callback
        if body["output"] != ROUTER_OUTPUT:
            return None
        location = router_location(app, body)
        if location is None:
            return None
        pathname, search = location
        match = match_page(app, pathname)
        if search or match is None or not match.cacheable or pathname != match.canonical:
            return None
        key = cache_key(match.canonical)
        cached = cache().get(key)
        if cached is not None:
            response = Response(cached, mimetype="application/json")
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
        if client.post(routes.DASH_UPDATE, json=router_request(path)).status_code != 200:
            failed.append(path)
    return failed
