"""Browser cache of the static files (dashboard.server.static_cache) and the vendored scripts, the partial
plotly.js bundle and regenerator-runtime (dashboard.server.vendor_scripts), through the Flask test client on the tiny store."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from flask.testing import FlaskClient
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard.app import create_app
from dashboard.server import vendor_scripts
from dashboard.server.static_cache import CACHE_FOREVER, REVALIDATE
from dashboard.server.vendor_scripts import PLOTLY, REGENERATOR_RUNTIME
from dashboard.settings import PACKAGE_DIR, Settings
from tests.dashboard_data import write_tiny_store

STATIC_URL = re.compile(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"')
CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)
BUNDLE_TRACE = re.compile(r'moduleType:"trace",name:"(\w+)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    data_dir = write_tiny_store(tmp_path_factory.mktemp("static") / "data")
    return create_app(Settings(data_dir=data_dir)).server.test_client()


@pytest.fixture(scope="module")
def index(client: FlaskClient) -> str:
    return client.get("/").get_data(as_text=True)


def test_every_script_and_style_sheet_of_a_page_is_cached_for_a_year(client: FlaskClient, index: str) -> None:
    urls = STATIC_URL.findall(index)
    assert any("/assets/" in url for url in urls) and any("_dash-component-suites" in url for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == CACHE_FOREVER, url


def test_plotly_js_is_the_partial_bundle_at_a_content_address_cached_for_a_year(
    client: FlaskClient, index: str
) -> None:
    config = json.loads(CONFIG.search(index).group(1))
    assert config["serve_locally"] is False  # the renderer then loads plotly.js from plotlyjs_url
    url = config["plotlyjs_url"]
    assert url == PLOTLY.url() and PLOTLY.digest() in url
    assert_served_forever(client, url, PLOTLY)


def assert_served_forever(client: FlaskClient, url: str, script: vendor_scripts.VendoredScript) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == CACHE_FOREVER
    assert response.mimetype == "text/javascript"
    assert response.get_data() == script.path.read_bytes()
    assert client.get(url.replace(script.digest(), "0" * vendor_scripts.DIGEST_LENGTH)).status_code == 404


def test_regenerator_runtime_replaces_the_babel_polyfill_before_react(client: FlaskClient, index: str) -> None:
    scripts = re.findall(r'<script src="([^"]+)"', index)
    assert not [url for url in scripts if "polyfill" in url]
    url = REGENERATOR_RUNTIME.url()
    assert scripts.index(url) < next(i for i, src in enumerate(scripts) if "/react@" in src)
    assert_served_forever(client, url, REGENERATOR_RUNTIME)
    assert client.get(f"/js/unknown-{REGENERATOR_RUNTIME.digest()}.js").status_code == 404


def test_regenerator_runtime_is_the_npm_file_unchanged() -> None:
    folder = REGENERATOR_RUNTIME.path.parent
    readme = (folder / "README.md").read_text(encoding="utf-8")
    content = REGENERATOR_RUNTIME.path.read_bytes()
    assert f"`{len(content)}` bytes, SHA-256\n  `{hashlib.sha256(content).hexdigest()}`" in readme
    assert "registry.npmjs.org/regenerator-runtime/-/regenerator-runtime-0.13.11.tgz" in readme
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert (folder / "fetch.sh").exists()


def test_chunks_without_fingerprint_and_assets_without_date_are_revalidated(client: FlaskClient, index: str) -> None:
    chunk = client.get("/_dash-component-suites/dash/dcc/async-graph.js")
    assert chunk.status_code == 200 and chunk.headers["Cache-Control"] == REVALIDATE
    asset = next(url for url in STATIC_URL.findall(index) if url.startswith("/assets/"))
    bare = client.get(asset.split("?")[0])
    assert bare.status_code == 200 and bare.headers["Cache-Control"] == REVALIDATE


def trace_types_in_sources() -> set[str]:
    """Every plotly trace type the app's code builds, as `go.<Trace>(` or as a `"type": "<trace>"` dict."""
    traces = [getattr(go, name) for name in go.__all__ if name[0].isupper()]
    classes = {cls.__name__: cls().type for cls in traces if isinstance(cls, type) and issubclass(cls, BaseTraceType)}
    names = set(classes.values())
    found: set[str] = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= {classes[name] for name in re.findall(r"\bgo\.(\w+)\(", text) if name in classes}
        found |= {name for name in re.findall(r'"type":\s*"(\w+)"', text) if name in names}
    return found


def test_the_bundle_draws_every_trace_type_of_the_app() -> None:
    bundled = set(BUNDLE_TRACE.findall(PLOTLY.path.read_text(encoding="utf-8")))
    assert bundled == set(vendor_scripts.TRACE_TYPES)
    used = trace_types_in_sources()
    assert {"choropleth", "scattergeo", "bar", "scatter"} <= used
    assert used <= bundled, f"add {sorted(used - bundled)} to dashboard/vendor/plotly/entry.js and rebuild"


def test_the_bundle_carries_its_provenance() -> None:
    folder = PLOTLY.path.parent
    # The same plotly.js as the plotly package's (the figures the app builds are checked against its schema).
    assert PLOTLY.path.read_text(encoding="utf-8").startswith(f"/*! plotly.js v{get_plotlyjs_version()} ")
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "registry.npmjs.org/plotly.js/-/plotly.js-" in readme and PLOTLY.digest() in readme
    assert Path(folder / "build.sh").exists()
