"""The shared cache with a real Redis server (Debian package redis-server), started by the tests.

Each test module run starts its own `redis-server` on a free loopback port with a temporary directory
and no persistence, and stops it at the end. The tests are skipped only when the binary is absent
(scripts/test.sh installs it with apt-get).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from dashboard.api.cache import TolerantRedisCache
from dashboard.app import create_app
from dashboard.settings import Settings
from tests.dashboard_data import write_tiny_store
from tests.load.server import free_port, gunicorn

REDIS_SERVER = shutil.which("redis-server")
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
TERRITORIES = "/api/v1/territories?level=epci"

pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="redis-server absent : installez le paquet Debian redis-server (bash scripts/test.sh le fait)",
)


def start_redis(directory: Path, port: int | None = None, *options: str) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    directory.mkdir(parents=True, exist_ok=True)
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory)]
    command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no", *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return process, url
        except redis.exceptions.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    process, url = start_redis(tmp_path / "redis")
    yield url
    stop(process)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_tiny_store(tmp_path / "data")


def router_payload(pathname: str) -> dict:
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }


def test_two_hosts_share_api_answers_and_page_layouts_through_redis(redis_url: str, data_dir: Path):
    settings = Settings(data_dir=data_dir, redis_url=redis_url)
    first, second = (create_app(settings).server for _ in range(2))  # two stateless workers or hosts
    assert isinstance(first.extensions["dashboard_api_cache"].cache, TolerantRedisCache)

    miss = first.test_client().get(TERRITORIES)
    assert miss.status_code == 200 and miss.headers["X-Cache"] == "MISS"
    hit = second.test_client().get(TERRITORIES)
    assert hit.headers["X-Cache"] == "HIT"
    assert hit.get_json() == miss.get_json()

    page = second.test_client().post("/_dash-update-component", json=router_payload("/sources"))
    assert page.status_code == 200 and page.headers["X-Cache"] == "MISS"
    again = first.test_client().post("/_dash-update-component", json=router_payload("/sources"))
    assert again.headers["X-Cache"] == "HIT" and again.get_data() == page.get_data()

    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert len(keys) == 2
    assert all(key.startswith("residences-hdf:20260315T093000:") for key in keys)
    assert first.test_client().get("/healthz").get_json()["cache"] == {"type": "redis", "etat": "en service"}


def test_hosts_serving_another_build_do_not_share_answers(redis_url: str, data_dir: Path, tmp_path: Path):
    other_dir = write_tiny_store(tmp_path / "other")
    coverage = other_dir / "processed" / "coverage.json"
    coverage.write_text('{"built_at": "2026-04-01T00:00:00+00:00"}', encoding="utf-8")
    old = create_app(Settings(data_dir=data_dir, redis_url=redis_url)).server.test_client()
    new = create_app(Settings(data_dir=other_dir, redis_url=redis_url)).server.test_client()
    assert old.get(TERRITORIES).headers["X-Cache"] == "MISS"
    assert new.get(TERRITORIES).headers["X-Cache"] == "MISS"
    assert new.get(TERRITORIES).headers["X-Cache"] == "HIT"


def test_the_app_keeps_answering_when_redis_goes_down(data_dir: Path, tmp_path: Path, caplog):
    process, url = start_redis(tmp_path / "redis")
    client = create_app(Settings(data_dir=data_dir, redis_url=url)).server.test_client()
    assert client.get(TERRITORIES).headers["X-Cache"] == "MISS"
    stop(process)

    with caplog.at_level(logging.WARNING, logger="dashboard.api.cache"):
        for _ in range(3):
            response = client.get(TERRITORIES)
            assert response.status_code == 200 and response.headers["X-Cache"] == "MISS"
            assert response.get_json()["nombre"] == 2
    warnings = [record for record in caplog.records if "Redis cache unreachable" in record.getMessage()]
    assert len(warnings) == 1  # then Redis is left alone for a while, not retried on every request
    health = client.get("/healthz")
    assert health.status_code == 200
    report = health.get_json()
    assert report["status"] == "degrade" and report["cache"]["etat"].startswith("contourné jusqu'à ")
    assert "Redis" in report["raison"]


def test_gunicorn_workers_share_the_cache(redis_url: str, data_dir: Path, tmp_path: Path):
    log = tmp_path / "gunicorn.log"
    env = {"REDIS_URL": redis_url, "GUNICORN_CMD_ARGS": "--access-logformat 'worker=%(p)s %(U)s'"}

    def fetch(url: str) -> str:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.headers["X-Cache"]

    with gunicorn(data_dir, log, workers=2, threads=2, env=env) as url:
        first = fetch(url + TERRITORIES)
        later: list[str] = []
        # More concurrent requests than the 4 threads of the two workers: the second worker must accept some
        # (with fewer, a fast cached answer lets one worker take every connection).
        with ThreadPoolExecutor(max_workers=16) as pool:
            for _ in range(60):
                later += pool.map(fetch, [url + TERRITORIES] * 16)
                workers = set(re.findall(r"worker=<(\d+)> /api/v1/territories", log.read_text()))
                if len(workers) == 2:
                    break
    assert len(workers) == 2, "both workers should have answered"
    # With a cache per worker, the second worker would miss too: here only the very first request misses.
    assert first == "MISS" and set(later) == {"HIT"}


def test_health_tells_what_the_worker_does_while_it_bypasses_a_recovered_redis(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Redis back up: the worker keeps bypassing it until its retry time, and /healthz says so, then « en service »."""
    from dashboard.api import cache as api

    process, url = start_redis(tmp_path / "redis")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    server = create_app(Settings(data_dir=data_dir, redis_url=url)).server
    client = server.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    stop(process)
    assert client.get(TERRITORIES).headers["X-Cache"] == "MISS"  # fails over Redis: bypassed from now on

    process, _ = start_redis(tmp_path / "redis-again", port)  # Redis is back, on the same address
    try:
        assert client.get(TERRITORIES).headers["X-Cache"] == "MISS"
        assert redis.Redis.from_url(url).keys("*") == []  # the worker still works without Redis…
        report = client.get("/healthz").get_json()
        assert report["status"] == "degrade"  # … and /healthz says so
        state = report["cache"]["etat"]
        assert re.fullmatch(r"contourné jusqu'à \d\d:\d\d:\d\d", state), state
        assert report["cache"]["contourne_jusqu_a"] > report["cache"]["derniere_erreur_le"]

        backend = server.extensions["dashboard_api_cache"].cache
        until = backend.bypassed_until()
        monkeypatch.setattr(api, "clock", lambda: until + 1)  # the retry time comes
        assert client.get(TERRITORIES).headers["X-Cache"] == "MISS"
        assert client.get(TERRITORIES).headers["X-Cache"] == "HIT"
        report = client.get("/healthz").get_json()
        assert report["status"] == "ok" and report["cache"] == {"type": "redis", "etat": "en service"}
    finally:
        stop(process)


def test_a_redis_without_memory_limit_is_reported_at_start(data_dir: Path, tmp_path: Path, caplog):
    process, url = start_redis(tmp_path / "redis")
    try:
        with caplog.at_level(logging.WARNING, logger="dashboard.api.cache"):
            create_app(Settings(data_dir=data_dir, redis_url=url))
        assert any("maxmemory" in record.getMessage() for record in caplog.records)
    finally:
        stop(process)
    caplog.clear()
    process, url = start_redis(tmp_path / "bounded", None, "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru")
    try:
        with caplog.at_level(logging.WARNING, logger="dashboard.api.cache"):
            create_app(Settings(data_dir=data_dir, redis_url=url))
        assert not any("maxmemory" in record.getMessage() for record in caplog.records)
    finally:
        stop(process)


def test_redis_keys_carry_no_host_and_no_raw_arguments(redis_url: str, data_dir: Path):
    client = create_app(Settings(data_dir=data_dir, redis_url=redis_url)).server.test_client()
    for host in ("a.example", "b.example", "evil.example"):
        for query in ("level=epci", "level=epci&format=json", "format=json&level=%20epci"):
            response = client.get(f"/api/v1/territories?{query}", headers={"Host": host})
            assert response.status_code == 200
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys("*")]
    assert len(keys) == 1, keys
    assert "example" not in keys[0] and "level" not in keys[0]
