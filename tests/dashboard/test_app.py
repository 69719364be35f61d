"""The app factory, settings and store, without a browser."""

from __future__ import annotations

from pathlib import Path

import dash
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.store import CONFIG_KEY, Store, StoreError, StoreMissing, load_store
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
    assert "<title>Résidences sociales — Hauts-de-France</title>" in response.text
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
    assert "4 résidences sociales dans ces EPCI" in home
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
