"""Third-party scripts the app serves itself (`dashboard/vendor/`), each at an address made of its content's
digest and cached for a year.

- plotly.js: a partial bundle (the trace types the app draws). Dash's own plotly.js (4.7 MB, every trace
  type, ≈ 460 ms to evaluate) is fetched by the first dcc.Graph of a page from `config.plotlyjs_url` once
  `serve_locally` is off in the renderer's configuration (`DashboardApp._config`); the pages without a
  graph load no plotly.js at all. It is built from the npm registry by `dashboard/vendor/plotly/build.sh`
  (provenance in its README). The image exports, rendered by Chromium on the server, keep the full
  plotly.js of the plotly package.
- regenerator-runtime: in place of Dash's @babel/polyfill (`DashboardApp._collect_and_register_resources`;
  why in `dashboard/vendor/regenerator-runtime/README.md`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort

from dashboard.core import routes
from dashboard.server.static_cache import CACHE_FOREVER

VENDOR = Path(__file__).resolve().parents[1] / "vendor"
DIGEST_LENGTH = 16
#: The trace types registered in the plotly.js bundle (vendor/plotly/entry.js); scatter comes with plotly's core.
TRACE_TYPES = ("scatter", "bar", "choropleth", "scattergeo")


@cache
def _content(path: Path) -> bytes:
    """The file, read once per worker (it only changes with a release)."""
    return path.read_bytes()


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(_content(path)).hexdigest()[:DIGEST_LENGTH]


@dataclass(frozen=True)
class VendoredScript:
    """One served script: `name` in its address, `path` in the project."""

    name: str
    path: Path

    def content(self) -> bytes:
        return _content(self.path)

    def digest(self) -> str:
        return _digest(self.path)

    def url(self, prefix: str = "/") -> str:
        """Address of the script under the app's `requests_pathname_prefix`."""
        return f"{prefix.rstrip('/')}{routes.VENDOR_SCRIPTS}/{self.name}-{self.digest()}.js"


PLOTLY = VendoredScript("plotly", VENDOR / "plotly" / "plotly-dashboard.min.js")
REGENERATOR_RUNTIME = VendoredScript("regenerator-runtime", VENDOR / "regenerator-runtime" / "runtime.js")
SCRIPTS = {script.name: script for script in (PLOTLY, REGENERATOR_RUNTIME)}


def init_vendor_scripts(server: Flask) -> None:
    """GET /js/<name>-<digest>.js: the script (404 for an unknown name or another digest)."""

    @server.get(f"{routes.VENDOR_SCRIPTS}/<file>.js")
    def vendor_script(file: str) -> Response:
        name, _, digest = file.rpartition("-")
        script = SCRIPTS.get(name)
        if script is None or digest != script.digest():
            abort(404)
        response = Response(script.content(), mimetype="text/javascript")
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response
