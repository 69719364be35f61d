"""The Host header is never trusted: relative redirects, and PUBLIC_URL for every link written into a file."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import openpyxl
import pyogrio
import pytest

from dashboard.app import create_app
from dashboard.settings import DEFAULT_PUBLIC_URL, Settings
from tests.dashboard_data import write_tiny_store

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
PUBLIC = "https://residences.example.fr"
VIEW = "niveau=commune"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_store(tmp_path_factory.mktemp("tiny") / "data")


def links(client, url: str, tmp_path: Path) -> dict[str, str]:
    """« Lien vers cette vue » of the XLSX, GeoJSON and GeoPackage downloads of `url`'s view."""
    found = {}
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/telecharger/xlsx?{url}", headers=EVIL).data))
    found["xlsx"] = dict(workbook["Filtres"].iter_rows(min_row=2, values_only=True))["Lien vers cette vue"]
    found["xlsx-properties"] = workbook.properties.description or workbook.properties.comments or ""
    geojson = json.loads(client.get(f"/telecharger/geojson?{url}", headers=EVIL).data)
    found["geojson"] = geojson["metadata"]["filtres"]["Lien vers cette vue"]
    gpkg = tmp_path / "vue.gpkg"
    gpkg.write_bytes(client.get(f"/telecharger/gpkg?{url}", headers=EVIL).data)
    filters = pyogrio.read_dataframe(gpkg, layer="filtres", read_geometry=False)
    found["gpkg"] = dict(zip(filters["filtre"], filters["valeur"], strict=True))["Lien vers cette vue"]
    return found


def test_public_url_is_read_and_checked():
    assert Settings.from_env({}).public_url is None
    assert Settings().link_base == DEFAULT_PUBLIC_URL.format(port=8050) == "http://localhost:8050"
    assert Settings(port=9000).link_base == "http://localhost:9000"
    assert Settings.from_env({"PUBLIC_URL": " https://residences.example.fr/ "}).link_base == PUBLIC
    assert Settings.from_env({"PUBLIC_URL": "http://10.0.0.5:8050"}).link_base == "http://10.0.0.5:8050"
    for wrong in ("residences.example.fr", "ftp://x.fr", "https://x.fr/?a=1", "https://x.fr/#a", "https://", "/chemin"):
        with pytest.raises(ValueError, match="PUBLIC_URL doit être"):
            Settings.from_env({"PUBLIC_URL": wrong})
    with pytest.raises(ValueError, match="sans chemin"):
        Settings.from_env({"PUBLIC_URL": "https://x.fr/residences"})


def test_redirects_are_relative_whatever_the_host_header(data_dir: Path):
    client = create_app(Settings(data_dir=data_dir)).server.test_client()
    response = client.get("/api/v1", headers=EVIL)
    assert response.status_code == 308
    assert response.headers["Location"] == "/api/v1/"
    response = client.get("/api/v1?format=json", headers=EVIL)
    assert response.headers["Location"] == "/api/v1/?format=json"
    assert "evil.example" not in str(response.headers)


def test_file_links_use_public_url_never_the_host_header(data_dir: Path, tmp_path: Path):
    client = create_app(Settings(data_dir=data_dir, public_url=PUBLIC)).server.test_client()
    found = links(client, VIEW, tmp_path)
    for name in ("xlsx", "geojson", "gpkg"):
        assert found[name] == f"{PUBLIC}/tableaux?{VIEW}", name
    assert all("evil.example" not in link for link in found.values())


def test_without_public_url_files_link_to_the_local_address_and_the_log_says_so(data_dir: Path, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="dashboard.api.blueprint"):
        client = create_app(Settings(data_dir=data_dir)).server.test_client()
    assert any("PUBLIC_URL" in record.getMessage() for record in caplog.records)
    found = links(client, VIEW, tmp_path)
    for name in ("xlsx", "geojson", "gpkg"):
        assert found[name] == f"http://localhost:8050/tableaux?{VIEW}", name
