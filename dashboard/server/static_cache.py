"""Browser cache of the static files: a year, immutable, for every address that changes with its content.

- Dash's component suites with a fingerprint in their name (`dash_renderer.v0m….min.js`) and the app's own
  assets with their `?m=<date of the file>` query: cached for a year, never revalidated (`immutable`).
- The chunks a component loads on demand (`dcc/async-graph.js`) have no fingerprint: the browser
  revalidates them at each page (`no-cache`; Dash answers 304 to a matching ETag).
- plotly.js and the other vendored scripts come from `dashboard.server.vendor_scripts`, at addresses made of
  their content's digest.
"""

from __future__ import annotations

from dash.fingerprint import check_fingerprint
from flask import Flask, Response, request

CACHE_FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPONENT_SUITES = "/_dash-component-suites/"
ASSETS = "/assets/"
ASSET_FINGERPRINT = "m"


def static_cache_control(path: str, query: dict[str, str]) -> str | None:
    """The Cache-Control of a static file's address, or None for any other address."""
    if path.startswith(COMPONENT_SUITES):
        return CACHE_FOREVER if check_fingerprint(path)[1] else REVALIDATE
    if path.startswith(ASSETS):
        return CACHE_FOREVER if ASSET_FINGERPRINT in query else REVALIDATE
    return None


def _cache_static(response: Response) -> Response:
    if response.status_code in (200, 304):
        value = static_cache_control(request.path, request.args.to_dict())
        if value is not None:
            response.headers["Cache-Control"] = value
    return response


def init_static_cache(server: Flask) -> None:
    """Register the hook that sets the static files' Cache-Control."""
    server.after_request(_cache_static)
