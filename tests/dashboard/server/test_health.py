"""GET /healthz, and a running app that keeps serving its data when a rebuild fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.core.release import app_version, code_fingerprint
from dashboard.settings import Settings
from tests.dashboard_data import write_tiny_store
from tests.load.server import REPO_ROOT, gunicorn

FILOSOFI = ("insee-filosofi-com-2021-geo2024-france", "cc_filosofi_2021_COM.csv")


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_reports_the_build_and_the_version(tmp_path: Path):
    client = create_app(Settings(data_dir=write_tiny_store(tmp_path / "data"))).server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["version"] == app_version() == "0.1.0"
    assert report["revision"] == code_fingerprint() and len(report["revision"]) == 12
    assert report["donnees"]["chargees"] is True
    assert report["donnees"]["construites_le"] == "2026-03-15T09:30:00+00:00"
    assert report["donnees"]["sur_disque"] == {"construites_le": "2026-03-15T09:30:00+00:00", "identiques": True}
    assert report["cache"]["type"] == "local" and report["cache"]["entrees"] == 0


def test_health_tells_when_the_disk_holds_another_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from dashboard.server import health

    monkeypatch.setattr(health, "DISK_CHECK_S", 0.0)  # read the disk at each call (at most every 5 s in service)
    data_dir = write_tiny_store(tmp_path / "data")
    client = create_app(Settings(data_dir=data_dir)).server.test_client()
    coverage = data_dir / "processed" / "coverage.json"
    coverage.write_text(json.dumps({"built_at": "2026-04-01T00:00:00+00:00"}), encoding="utf-8")
    on_disk = client.get("/healthz").get_json()["donnees"]["sur_disque"]
    assert on_disk == {"construites_le": "2026-04-01T00:00:00+00:00", "identiques": False}
    coverage.unlink()
    report = client.get("/healthz")
    assert report.status_code == 200  # the loaded store is still served
    assert "coverage.json" in report.get_json()["donnees"]["sur_disque"]["erreur"]


def test_health_is_503_with_a_reason_when_the_store_is_missing(tmp_path: Path):
    client = create_app(Settings(data_dir=tmp_path)).server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["status"] == "indisponible"
    assert report["donnees"] == {"chargees": False, "absentes": True}
    assert "python -m loaders build" in report["raison"]
    assert client.get("/").status_code == 200  # the pages explain how to build the data


def test_health_is_503_with_a_reason_when_the_store_is_unreadable(tmp_path: Path):
    data_dir = write_tiny_store(tmp_path / "data")
    (data_dir / "processed" / "indicators.parquet").write_bytes(b"PAR1 not really parquet")
    response = create_app(Settings(data_dir=data_dir)).server.test_client().get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["donnees"] == {"chargees": False, "absentes": False}
    assert "illisibles" in report["raison"] and "python -m loaders build" in report["raison"]


def _damaged_mirror(mirror: Path, target: Path, dataset_path: str, file: str) -> None:
    """A copy of the mirror made of symbolic links, except one truncated file."""
    for source in mirror.rglob("*"):
        destination = target / source.relative_to(mirror)
        if source.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.symlink_to(source)
    damaged = target / dataset_path / file
    content = damaged.read_bytes()
    damaged.unlink()
    damaged.write_bytes(content[: len(content) // 2])


@pytest.mark.build
def test_a_failed_rebuild_leaves_the_running_app_serving_the_previous_data(
    built_data_dir: Path, mirror: Path, tmp_path: Path
):
    from loaders import catalogue

    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir / "processed", data_dir / "processed")
    before = {path.name: path.read_bytes() for path in (data_dir / "processed").iterdir()}
    dataset, file = FILOSOFI
    damaged = tmp_path / "mirror"
    _damaged_mirror(mirror, damaged, catalogue.get(dataset).mirror_path, file)
    population = "/api/v1/indicators?level=region&indicator=population"

    with gunicorn(data_dir, tmp_path / "gunicorn.log", workers=1, threads=2) as url:
        status, health_before = get_json(url + "/healthz")
        assert status == 200 and health_before["status"] == "ok"
        _, served_before = get_json(url + population)

        rebuild = subprocess.run(
            [sys.executable, "-m", "loaders", "build", "--output", str(data_dir / "processed"), "--quiet"],
            cwd=REPO_ROOT,
            env={**os.environ, "OPENDATA_MIRROR": str(damaged)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert rebuild.returncode == 1
        assert dataset in rebuild.stderr and file in rebuild.stderr and "conservé intact" in rebuild.stderr

        assert {path.name: path.read_bytes() for path in (data_dir / "processed").iterdir()} == before
        status, health_after = get_json(url + "/healthz")
        del health_before["cache"], health_after["cache"]  # the answer above was cached meanwhile
        assert status == 200 and health_after == health_before
        assert health_after["donnees"]["sur_disque"]["identiques"] is True
        _, served_after = get_json(url + population)
        assert served_after["donnees"] == served_before["donnees"]
        assert served_after["donnees"][0]["valeur"] == 5_992_194

    # A worker restarted after the failed rebuild serves the previous store too.
    with gunicorn(data_dir, tmp_path / "gunicorn-restart.log", workers=1, threads=2) as url:
        status, health_restart = get_json(url + "/healthz")
        assert status == 200
        assert health_restart["donnees"]["construites_le"] == health_before["donnees"]["construites_le"]


def test_health_answers_at_once_when_redis_hangs(tmp_path: Path):
    """A Redis that accepts connections but never answers: /healthz must not wait for it (nor for anything)."""
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections complete in the backlog; nothing is ever read or answered
    port = silent.getsockname()[1]
    try:
        settings = Settings(data_dir=write_tiny_store(tmp_path / "data"), redis_url=f"redis://127.0.0.1:{port}/0")
        client = create_app(settings).server.test_client()
        for _ in range(3):
            started = time.monotonic()
            response = client.get("/healthz")
            assert time.monotonic() - started < 0.1
            assert response.status_code == 200
    finally:
        silent.close()


def test_health_reports_the_local_cache_budget(tmp_path: Path):
    settings = Settings(data_dir=write_tiny_store(tmp_path / "data"), cache_max_bytes=2_000_000)
    client = create_app(settings).server.test_client()
    client.get("/api/v1/territories?level=epci")
    cache = client.get("/healthz").get_json()["cache"]
    assert cache["type"] == "local" and cache["plafond_octets"] == 2_000_000
    assert cache["entrees"] >= 1 and 0 < cache["octets"] <= 2_000_000
