"""The app factory, settings and store, without a browser."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.core.store import CONFIG_KEY, Store, StoreError, StoreMissing, load_store
from dashboard.settings import Settings
from tests.dashboard_data import FINESS_CITATION, write_tiny_store


def text_of(component) -> str:
    """All the text a component tree displays, joined by spaces."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(child) for child in component)
    return text_of(getattr(component, "children", None))


def render(app: dash.Dash, module: str) -> str:
    with app.server.test_request_context("/"):
        return text_of(dash.page_registry[f"dashboard.pages.{module}"]["layout"]())


@pytest.fixture
def tiny_data_dir(tmp_path: Path) -> Path:
    return write_tiny_store(tmp_path / "data")


def test_settings_from_env():
    settings = Settings.from_env({"DATA_DIR": "/srv/data", "DEBUG": "1", "PORT": "9000", "REDIS_URL": "redis://r"})
    assert settings == Settings(data_dir=Path("/srv/data"), debug=True, port=9000, redis_url="redis://r")
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"DEBUG": "0"}).debug is False


def test_settings_reject_a_bad_port():
    with pytest.raises(ValueError, match="PORT"):
        Settings.from_env({"PORT": "huit-mille"})


def test_missing_store_names_the_build_command(tmp_path: Path):
    with pytest.raises(StoreMissing, match=r"python -m loaders build") as error:
        load_store(tmp_path)
    assert "territories.parquet" in str(error.value)


def test_store_with_a_missing_column_is_rejected(tiny_data_dir: Path):
    residences = tiny_data_dir / "processed" / "residences.parquet"
    pd.read_parquet(residences).drop(columns="family").to_parquet(residences)
    with pytest.raises(StoreError, match=r"residences\.parquet.*family"):
        load_store(tiny_data_dir)


def test_store_loads_the_processed_files(tiny_data_dir: Path):
    store = load_store(tiny_data_dir)
    assert store.count_territories("epci") == 2
    assert store.count_territories("commune") == 3
    assert store.residences_by_type("residence_sociale").to_dict() == {
        "Résidence sociale généraliste": 1,
        "Pension de famille": 2,
        "Résidence accueil": 0,
        "Foyer de jeunes travailleurs": 1,
    }
    assert store.territories.crs.to_epsg() == 4326
    assert store.residence_citations("hebergement") == [FINESS_CITATION]
    assert store.built_at.isoformat() == "2026-03-15T09:30:00+00:00"


def test_store_without_build_date_is_rejected(tiny_data_dir: Path):
    (tiny_data_dir / "processed" / "coverage.json").write_text("{}", encoding="utf-8")
    with pytest.raises(StoreError, match=r"coverage\.json.*built_at"):
        load_store(tiny_data_dir)


def test_app_starts_without_data_and_says_how_to_build_it(tmp_path: Path):
    app = create_app(Settings(data_dir=tmp_path))
    assert isinstance(app.server.config[CONFIG_KEY], StoreMissing)
    response = app.server.test_client().get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "<title>Résidences sociales</title>" in response.text  # no data: no région to name
    assert "cdn" not in response.text.lower()
    home = render(app, "home")
    assert "Données non construites" in home
    assert "python -m loaders build" in home


def test_home_key_figures_come_from_the_store(tiny_data_dir: Path):
    """The former home content (introduction, key figures) is on /a-propos; the home page is the map."""
    app = create_app(Settings(data_dir=tiny_data_dir))
    assert isinstance(app.server.config[CONFIG_KEY], Store)
    assert "Aucun indicateur à cartographier" in render(app, "home")  # the tiny store has no indicator
    home = render(app, "a_propos")
    assert "2 EPCI (intercommunalités)" in home
    assert "3 communes de la région" in home
    assert "Source : Éditeur géographique de test, Découpage administratif (test) (COG test)" in home
    assert "4 résidences sociales dans la région" in home
    assert "Pension de famille 2" in home
    assert "Résidence accueil 0" in home
    assert "Source : Éditeur FINESS de test, FINESS (test) (extraction de test)" in home
    assert "CHRS" not in home


def test_sources_page_lists_the_catalogue(tiny_data_dir: Path):
    sources = render(create_app(Settings(data_dir=tiny_data_dir)), "sources")
    assert "Découpage administratif (test)" in sources
    assert "Réserve de test sur les territoires." in sources
    assert "Données construites le 15/03/2026" in sources


def test_responses_are_compressed(tmp_path: Path):
    client = create_app(Settings(data_dir=tmp_path)).server.test_client()
    response = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_static_bundles_get_stronger_brotli_compression(tmp_path: Path):
    import brotli
    import plotly

    app = create_app(Settings(data_dir=tmp_path))
    client = app.server.test_client()
    path = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # loaded by dcc.Graph on demand
    original = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()

    strong = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert strong.headers["Content-Encoding"] == "br"
    assert brotli.decompress(strong.get_data()) == original
    assert len(strong.get_data()) < 0.27 * len(original)

    plain = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Content-Encoding"] == "gzip"
    dynamic = client.get("/_dash-layout", headers={"Accept-Encoding": "br"})
    assert dynamic.headers["Content-Encoding"] == "br"


# --- Unknown addresses: 404 with the French page; robots.txt and favicon ------------------------------------


@pytest.fixture
def tiny_client(tiny_data_dir: Path):
    return create_app(Settings(data_dir=tiny_data_dir)).server.test_client()


@pytest.mark.parametrize(
    "path",
    ["/.git/config", "/nimporte", "/nimporte/", "/wp-login.php", "/404", "/sources/en-trop", "/territoire/999999999"],
)
def test_an_unknown_address_answers_404_with_the_french_page(tiny_client, path: str):
    response = tiny_client.get(path)
    assert response.status_code == 404, path
    assert response.mimetype == "text/html" and '<html lang="fr">' in response.text
    assert 'id="react-entry-point"' in response.text  # the app, whose router shows the not-found page
    assert "Content-Security-Policy" in response.headers
    assert tiny_client.head(path).status_code == 404


def test_the_404_title_is_the_not_found_page_s(tiny_client):
    assert "<title>Page introuvable — Résidences sociales</title>" in tiny_client.get("/nimporte").text
    unknown = tiny_client.get("/territoire/999999999")  # the fiche explains, with a search by name
    assert "<title>Territoire introuvable — Résidences sociales</title>" in unknown.text


def test_an_unknown_api_address_answers_a_french_json_404(tiny_client):
    response = tiny_client.get("/api/v2/indicateurs")
    assert response.status_code == 404
    assert response.get_json()["erreur"]["message"].startswith("Page introuvable")


@pytest.mark.parametrize(
    "path", ["/", "/sources", "/tableaux", "/a-propos", "/territoire/200000001", "/sources/", "/?indicateur=x"]
)
def test_pages_answer_200(tiny_client, path: str):
    response = tiny_client.get(path)
    assert response.status_code == 200, path
    assert "<title>Résidences sociales</title>" in response.text  # no data: no région to name


def test_robots_txt_lets_crawlers_see_the_pages_only(tiny_client):
    response = tiny_client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/telecharger/", "/export/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /api" not in lines and "Disallow: /" not in lines  # the pages, the API's documentation


def test_the_favicon_is_served_and_linked(tiny_client):
    response = tiny_client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00" and len(response.data) < 2000  # an ICO file
    index = tiny_client.get("/").text
    href = re.search(r'<link rel="icon" type="image/x-icon" href="([^"]+)">', index)[1]
    assert href.startswith("/assets/favicon.ico?m=")
    assert tiny_client.get(href).data == response.data


# --- No version of Dash, Python or Plotly in production ----------------------------------------------------


def version_strings() -> list[str]:
    import plotly

    versions = [dash.__version__, plotly.__version__, sys.version.split()[0]]
    return [*versions, *(version.replace(".", "_") for version in versions)]


def test_pages_do_not_tell_the_versions_in_production(tiny_client):
    index = tiny_client.get("/").text
    for version in version_strings():
        assert version not in index, version
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', index)[1])
    assert not set(config) & {"dash_version", "python_version", "plotly_version", "ddk_version", "dash_version_url"}
    assert "_favicon.ico?v=" not in index
    # Bundles keep a fingerprint (cache-busting) and Dash still serves them for a year.
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert bundles and all(re.search(r"\.v0m[0-9a-f]{16}\.", bundle) for bundle in bundles)
    for bundle in bundles[:3]:
        response = tiny_client.get(bundle)
        assert response.status_code == 200 and response.cache_control.max_age == 31536000


def test_the_opaque_fingerprint_changes_with_the_version_and_the_date():
    from dashboard.app import opaque_fingerprint

    url = "/_dash-component-suites/dash/deps/react@18.v4_4_1m1796620322.3.1.min.js"
    hidden = opaque_fingerprint(url)
    assert hidden.startswith("/_dash-component-suites/dash/deps/react@18.v0m") and hidden.endswith(".3.1.min.js")
    assert "4_4_1" not in hidden and "1796620322" not in hidden
    assert opaque_fingerprint(url.replace("4_4_1", "4_4_2")) != hidden
    assert opaque_fingerprint(url.replace("m1796620322", "m1796620323")) != hidden
    assert opaque_fingerprint("/assets/style.css?m=1") == "/assets/style.css?m=1"


def test_dev_tools_keep_dash_s_behaviour(tiny_data_dir: Path, monkeypatch):
    app = create_app(Settings(data_dir=tiny_data_dir))
    monkeypatch.setitem(app._dev_tools, "ui", True)  # `python -m dashboard` with DEBUG=1
    index = app.server.test_client().get("/").text
    assert f'"dash_version":"{dash.__version__}"' in index
