"""PDF exports under gunicorn (1 worker × 4 threads, the production configuration): a burst of exports never
takes the threads that serve /healthz and the pages, and the links of a PDF point to PUBLIC_URL.

Needs Chromium (/usr/bin/chromium) and Playwright: marked `browser`.
"""

from __future__ import annotations

import io
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard.core.store import load_store
from dashboard.exports.engine import Engine
from dashboard.exports.pool import pool_capacity
from tests.load.server import gunicorn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(Engine().available() is not None, reason="Chromium ou Playwright absent"),
]

PUBLIC = "https://residences.example.fr"
AMIENS = "248000531"
#: What a reverse proxy sends, and a forged host: neither may end up in a file.
PROXIED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
BURST = 12
#: /healthz must answer in under 100 ms throughout. The development machine has 2 cores shared with other
#: test runs (load average up to 10 while this was measured) and the two renders take a core each: the
#: scheduler may delay one answer now and then (median 2-3 ms, slowest 0.12 to 0.6 s over ~150 calls).
#: Measured alone: median 2-3 ms, 95 % under 100 ms. In the default test run another test worker shares the
#: two cores (6 answers of 84 over 100 ms seen then, the slowest 0.23 s; 0.64 s with yet more load), so the
#: test asserts what tells a stalled service apart from a busy machine: a median under 50 ms, at most a
#: fifth of the answers over 100 ms, none over 2 s. Before the render pool, /healthz did not answer at all
#: (more than 30 s) during such a burst.
HEALTH_TARGET_S = 0.1
HEALTH_SLOW_SHARE = 0.2
HEALTH_MAX_S = 2.0
#: A page of the app, fetched during the burst too: the exports leave it threads.
PAGE_MAX_S = 1.0
FAST_503_S = 1.0


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def link_targets(pdf: bytes) -> list[str]:
    """The URI of every link annotation of a PDF."""
    targets = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def test_a_burst_of_pdf_exports_leaves_healthz_fast_and_pdf_links_public(built_data_dir: Path, tmp_path: Path):
    store = load_store(built_data_dir)
    epcis = store.territories.loc[store.territories["level"] == "epci", "code"].tolist()[:BURST]
    with gunicorn(built_data_dir, tmp_path / "gunicorn.log", workers=1, threads=4, env={"PUBLIC_URL": PUBLIC}) as url:
        port = url.rsplit(":", 1)[1]

        # A fiche asked through a proxy (and a forged Host): every link of the PDF goes to PUBLIC_URL.
        status, headers, pdf = get(f"{url}/export/territoire/{AMIENS}.pdf", PROXIED)
        assert status == 200, pdf[:500]
        targets = link_targets(pdf)
        assert len(targets) > 10
        relative = [target for target in targets if not target.startswith(("http://", "https://"))]
        assert relative == [], relative  # a file needs absolute addresses
        assert [t for t in targets if "127.0.0.1" in t or "localhost" in t or port in t or "evil" in t] == []
        assert any(target.startswith(f"{PUBLIC}/") for target in targets)

        # A burst of PDF exports while a load balancer polls /healthz.
        health: list[tuple[float, int]] = []
        pages: list[tuple[float, int]] = []
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                for path, seen in (("/healthz", health), ("/healthz", health), ("/sources", pages)):
                    started = time.monotonic()
                    status, _, _ = get(f"{url}{path}", timeout=30)
                    seen.append((time.monotonic() - started, status))
                    time.sleep(0.05)

        def export(siren: str) -> tuple[int, dict[str, str], bytes, float]:
            started = time.monotonic()
            status, headers, body = get(f"{url}/export/territoire/{siren}.pdf")
            return status, headers, body, time.monotonic() - started

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.monotonic()
        try:
            with ThreadPoolExecutor(max_workers=BURST) as pool:
                results = list(pool.map(export, epcis))
        finally:
            done.set()
            poller.join()
        burst_s = time.monotonic() - started

    statuses = [status for status, *_ in results]
    assert set(statuses) <= {200, 503}, statuses
    served = [result for result in results if result[0] == 200]
    busy = [result for result in results if result[0] == 503]
    assert len(served) == pool_capacity({"GUNICORN_THREADS": "4"}) == 2, statuses  # 4 threads: 2 exports at most
    assert len(busy) == BURST - len(served)
    assert all(body.startswith(b"%PDF") for _, _, body, _ in served)
    for _, headers, body, seconds in busy:
        assert seconds < FAST_503_S, f"503 after {seconds:.2f} s"
        assert int(headers["Retry-After"]) > 0
        assert "Serveur occupé" in body.decode("utf-8") and 'lang="fr"' in body.decode("utf-8")

    assert {status for _, status in pages} == {200} and max(seconds for seconds, _ in pages) < PAGE_MAX_S, pages
    latencies = sorted(seconds for seconds, _ in health)
    assert {status for _, status in health} == {200}
    assert len(latencies) >= 10, latencies
    slow = [seconds for seconds in latencies if seconds >= HEALTH_TARGET_S]
    median = latencies[len(latencies) // 2]
    summary = (
        f"{len(latencies)} /healthz in {burst_s:.1f} s: median {median * 1000:.0f} ms, "
        f"{len(slow)} over {HEALTH_TARGET_S * 1000:.0f} ms, slowest {latencies[-3:]}, statuses {statuses}"
    )
    print(summary)  # the measure (printed); the assertions below catch a stalled service
    assert latencies[-1] < HEALTH_MAX_S, summary
    assert median < HEALTH_TARGET_S / 2, summary
    assert len(slow) <= len(latencies) * HEALTH_SLOW_SHARE, summary
