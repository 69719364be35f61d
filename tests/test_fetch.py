"""Fetching sources: mirror, official download into a checksum-verified cache, clear errors."""

from __future__ import annotations

from pathlib import Path

import pooch
import pytest

from loaders import catalogue, fetch
from loaders.errors import SourceError


@pytest.fixture
def no_mirror(monkeypatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("OPENDATA_MIRROR", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_mirror_file_is_read_in_place(mirror: Path):
    path = fetch.fetch("insee-filosofi-com-2021-geo2024", "cc_filosofi_2021_COM_hdf.csv")
    assert path == mirror / "housing" / "insee-filosofi-com-2021-geo2024" / "cc_filosofi_2021_COM_hdf.csv"


def test_missing_mirror_file_names_dataset_and_file(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("OPENDATA_MIRROR", str(tmp_path))
    with pytest.raises(SourceError, match=r"\[cerema-lovac-dep-2020-2025\].*lovac_opendata_dep\.csv.*absent du miroir"):
        fetch.fetch("cerema-lovac-dep-2020-2025", "lovac_opendata_dep.csv")


def test_failed_download_names_dataset_url_and_the_mirror(no_mirror, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("réseau injoignable")

    monkeypatch.setattr(pooch, "retrieve", unreachable)
    with pytest.raises(SourceError) as error:
        fetch.fetch("etalab-contours-administratifs-2024-1000m", "epci-1000m.geojson")
    message = str(error.value)
    assert "[etalab-contours-administratifs-2024-1000m]" in message
    assert "https://etalab-datasets.geo.data.gouv.fr/contours-administratifs/2024/geojson/epci-1000m.geojson" in message
    assert "OPENDATA_MIRROR" in message


def test_filtered_extract_without_official_download_says_to_use_a_mirror(no_mirror):
    with pytest.raises(SourceError, match="OPENDATA_MIRROR"):
        fetch.fetch("finess-fhir-20210108-hdf", "finess-etablissements-hdf.ndjson")


def test_live_only_dataset_is_not_looked_for_in_the_mirror(mirror: Path):
    with pytest.raises(SourceError, match="source officielle"):
        fetch.fetch("finess-extraction-etablissements", "etablissements.csv")


def test_download_is_cached_with_its_checksum_and_a_corrupted_cache_is_refused(no_mirror, monkeypatch):
    def fake_retrieve(url, known_hash=None, fname=None, path=None, **kwargs):
        target = Path(path) / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text("CODGEO;NBMENFISC21\n")
        return str(target)

    monkeypatch.setattr(pooch, "retrieve", fake_retrieve)
    dataset = catalogue.Dataset(
        id="essai",
        short="Essai",
        theme="housing",
        title="Essai",
        publisher="Essai",
        licence="Essai",
        vintage="2024",
        format="CSV",
        level="commune",
        page_url="https://example.org",
        files=(catalogue.SourceFile("essai.csv", "https://example.org/essai.csv"),),
    )
    path = fetch._download(dataset, dataset.files[0])
    sidecar = path.with_name("essai.csv.sha256")
    assert sidecar.read_text().strip() == fetch.sha256_of(path)
    assert fetch._download(dataset, dataset.files[0]) == path
    path.write_text("altéré\n")
    with pytest.raises(SourceError, match="cache modifié"):
        fetch._download(dataset, dataset.files[0])


def test_declared_checksum_is_enforced(no_mirror, monkeypatch, tmp_path: Path):
    served = tmp_path / "epci-1000m.geojson"
    served.write_text("{}")
    monkeypatch.setattr(pooch, "retrieve", lambda *args, **kwargs: str(served))
    with pytest.raises(SourceError, match="somme de contrôle"):
        fetch.fetch("etalab-contours-administratifs-2024-1000m", "epci-1000m.geojson")


def test_newest_data_gouv_resource_is_picked_by_pattern():
    record = {
        "resources": [
            {"title": "etalab-cs1100507-stock-20250703-0338.csv", "url": "https://x/a.csv", "last_modified": "2025-07"},
            {"title": "etalab-cs1100507-stock-20260512-0339.csv", "url": "https://x/b.csv", "last_modified": "2026-05"},
            {"title": "etalab-cs1100502-stock-20260512-0340.csv", "url": "https://x/c.csv", "last_modified": "2026-06"},
        ]
    }
    pattern = catalogue.get("finess-extraction-etablissements").files[0].datagouv[1]
    assert fetch.pick_newest_resource(record, pattern) == "https://x/b.csv"
    with pytest.raises(FileNotFoundError):
        fetch.pick_newest_resource({"resources": []}, pattern)
