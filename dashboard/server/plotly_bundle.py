"""plotly.js for the app's graphs: a partial bundle (the trace types the app draws), served at an address
made of its content's digest and cached for a year.

Dash's own plotly.js (4.7 MB, every trace type, ≈ 460 ms to evaluate) is fetched by the first dcc.Graph
of a page from `config.plotlyjs_url` once `serve_locally` is off in the renderer's configuration
(`DashboardApp._config`); the pages without a graph load no plotly.js at all. The bundle is built from
the npm registry by `dashboard/vendor/plotly/build.sh` (provenance in its README). The image exports,
rendered by Chromium on the server, keep the full plotly.js of the plotly package.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort

from dashboard.core import routes
from dashboard.server.static_cache import CACHE_FOREVER

BUNDLE = Path(__file__).resolve().parents[1] / "vendor" / "plotly" / "plotly-dashboard.min.js"
#: The trace types registered in the bundle (vendor/plotly/entry.js); scatter comes with plotly's core.
TRACE_TYPES = ("scatter", "bar", "choropleth", "scattergeo")
DIGEST_LENGTH = 16


@cache
def bundle_digest() -> str:
    return hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:DIGEST_LENGTH]


def bundle_url(prefix: str = "/") -> str:
    """Address of the bundle under the app's `requests_pathname_prefix`."""
    return f"{prefix.rstrip('/')}{routes.PLOTLY_BUNDLE}-{bundle_digest()}.min.js"


def init_plotly_bundle(server: Flask) -> None:
    """GET /js/plotly-<digest>.min.js: the bundle (404 for another digest)."""

    @server.get(f"{routes.PLOTLY_BUNDLE}-<digest>.min.js")
    def plotly_bundle(digest: str) -> Response:
        if digest != bundle_digest():
            abort(404)
        response = Response(BUNDLE.read_bytes(), mimetype="text/javascript")
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response
