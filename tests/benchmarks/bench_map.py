"""Benchmark of the map explorer (home page): prints figures, asserts nothing (not a timed test).

    DATA_DIR=data .venv/bin/python tests/benchmarks/bench_map.py [--browser]

- indicator switch at EPCI and commune level: server time (p50, p95) and response bytes (raw and gzip)
  of every callback an indicator change fires, POSTed to /_dash-update-component with the payload the
  browser sends (built from /_dash-dependencies), through the Flask test client; beside it, the bytes
  of the naive alternative (the whole figure re-sent with its GeoJSON inline);
- app cold start: create_app() in-process, and a real gunicorn until its first answer;
- with --browser: first page transfer (bytes on the wire, compression on) in headless Chromium.

Targets (issue 4, a région): EPCI switch p95 < 100 ms and < 20 KB; commune switch p95 < 200 ms and < 150 KB;
first page < 2 MB; cold start < 3 s. National scale (DATA_DIR of a `--region france` build): EPCI / commune switch
p95 < 100 / 300 ms and < 30 / 400 KB gzip; first map drawn < 3 s (EPCI) / < 6 s (commune).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.core import catalogue  # noqa: E402
from dashboard.core.levels import LEVEL_COMMUNE, LEVEL_EPCI  # noqa: E402
from dashboard.map import ids as map_ids  # noqa: E402
from dashboard.map.classification import SCHEMES  # noqa: E402
from dashboard.map.figure import map_figure  # noqa: E402
from dashboard.map.palette import REFERENCE_AUTO  # noqa: E402
from dashboard.map.state import choices_from_store, default_state  # noqa: E402
from dashboard.map.table import SORT_RANK  # noqa: E402
from dashboard.map.view import MapView, map_view  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

#: Callbacks an indicator change fires on the server (the clientside URL sync is not a request).
BASELINE_APP = "tests.benchmarks.baseline_map_app:server"
BASELINE_LEVELS = (LEVEL_EPCI, LEVEL_COMMUNE)
INDICATOR_CALLBACKS = ("update_map", "update_table", "show_territory", "update_query")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class DashClient:
    """POSTs callbacks like the renderer does, from the app's own dependency list."""

    def __init__(self, app: Any) -> None:
        self.client = app.server.test_client()
        self.client.get("/")  # first request: Dash builds its validation layout
        self.dependencies = self.client.get("/_dash-dependencies").get_json()

    def dependency(self, first_output: str) -> dict[str, Any]:
        for dependency in self.dependencies:
            if dependency["output"].strip(".").split("@")[0].startswith(first_output):
                return dependency
        raise KeyError(first_output)

    def call(self, first_output: str, values: dict[str, Any], changed: str) -> tuple[float, int, int]:
        """One callback: (seconds, raw bytes, gzip bytes of the response)."""
        dependency = self.dependency(first_output)

        def props(items: list[dict[str, str]]) -> list[dict[str, Any]]:
            return [
                {
                    "id": item["id"],
                    "property": item["property"],
                    "value": values.get(f"{item['id']}.{item['property']}"),
                }
                for item in items
            ]

        outputs = [
            {"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
            for part in dependency["output"].strip(".").split("...")
        ]
        body = {
            "output": dependency["output"],
            "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
            "inputs": props(dependency["inputs"]),
            "state": props(dependency["state"]),
            "changedPropIds": [changed],
        }
        start = time.perf_counter()
        response = self.client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "identity"})
        elapsed = time.perf_counter() - start
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{first_output}: HTTP {response.status_code} {response.text[:300]}")
        raw = response.data
        return elapsed, len(raw), len(gzip.compress(raw, 6))


def naive_bytes(store: Any, view: MapView, layers: list[str]) -> tuple[int, int]:
    """The whole figure with its GeoJSON inline (what re-sending the figure would cost)."""
    inline = {level: json.loads(display.geojson) for level, display in store.display.items()}
    figure = map_figure(store, view.level, inline, view.trace_values, layers)
    text = figure.to_json().encode()
    return len(text), len(gzip.compress(text, 6))


def bench_switch(client: DashClient, store: Any, level: str, rounds: int) -> None:
    choices = choices_from_store(store)
    state = default_state(choices)
    indicators = [key for key in choices.indicators if level in catalogue.indicator_levels(store, key)]
    first_output = {
        "update_map": f"{map_ids.MAP_GRAPH}.figure",
        "update_table": f"{map_ids.MAP_TABLE_DATA}.data",
        "show_territory": f"{map_ids.MAP_PANEL}.children",
        "update_query": f"{map_ids.MAP_QUERY}.data",
    }
    times: dict[str, list[float]] = {name: [] for name in INDICATOR_CALLBACKS}
    totals: list[float] = []
    raw_sizes: list[int] = []
    gzip_sizes: list[int] = []
    for round_index in range(rounds):
        for position, indicator in enumerate(indicators):
            values = {
                f"{map_ids.MAP_INDICATOR}.value": indicator,
                f"{map_ids.MAP_LEVEL}.value": level,
                f"{map_ids.MAP_SCHEME}.value": list(SCHEMES)[position % 3],
                f"{map_ids.MAP_CLASSES}.value": 5,
                f"{map_ids.MAP_REFERENCE}.value": REFERENCE_AUTO,
                f"{map_ids.MAP_LAYERS_RESIDENCE}.value": list(state.layers),
                f"{map_ids.MAP_LAYERS_HEBERGEMENT}.value": [],
                f"{map_ids.MAP_TERRITORY}.value": None,
                f"{map_ids.MAP_DRAWN_LEVEL}.data": level,  # the map already shows this level: a Patch
                f"{map_ids.MAP_TABLE_FILTER}.value": "",
                f"{map_ids.MAP_TABLE_SORT}.data": {"column": SORT_RANK, "descending": False},
                f"{map_ids.MAP_TABLE_PAGE}.data": 0,
            }
            total_time, total_raw, total_gzip = 0.0, 0, 0
            for name in INDICATOR_CALLBACKS:
                elapsed, raw, zipped = client.call(first_output[name], values, f"{map_ids.MAP_INDICATOR}.value")
                times[name].append(elapsed)
                total_time += elapsed
                total_raw += raw
                total_gzip += zipped
            if round_index == 0:
                raw_sizes.append(total_raw)
                gzip_sizes.append(total_gzip)
            totals.append(total_time)
    view = map_view(store, indicators[0], level)
    naive_raw, naive_gzip = naive_bytes(store, view, list(state.layers))
    count = len(store.display[level].codes)
    print(f"\nIndicator switch at level {level} ({count} territories, {len(indicators)} indicators × {rounds} rounds)")
    for name in INDICATOR_CALLBACKS:
        samples = [1000 * value for value in times[name]]
        print(f"  {name:<15} p50 {percentile(samples, 0.5):6.1f} ms   p95 {percentile(samples, 0.95):6.1f} ms")
    samples = [1000 * value for value in totals]
    print(
        f"  all callbacks   p50 {percentile(samples, 0.5):6.1f} ms   p95 {percentile(samples, 0.95):6.1f} ms"
        "   (sum of the server times; the browser sends them in parallel)"
    )
    print(
        f"  payload: median {statistics.median(raw_sizes) / 1024:7.1f} KB raw, max {max(raw_sizes) / 1024:7.1f} KB raw;"
        f" median {statistics.median(gzip_sizes) / 1024:6.1f} KB gzip, max {max(gzip_sizes) / 1024:6.1f} KB gzip"
    )
    print(
        f"  naive alternative (full figure with inline GeoJSON): {naive_raw / 1024:7.1f} KB raw, {naive_gzip / 1024:6.1f} KB gzip"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(data_dir: Path, app: str = "dashboard.wsgi:server", env: dict[str, str] | None = None):
    """gunicorn (1 worker, 4 threads) serving `app` on a free port: (process, url, seconds to the first answer)."""
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(data_dir), "DEBUG": "0", **(env or {})}
    command = [sys.executable, "-m", "gunicorn", app, "--workers", "1", "--threads", "4"]
    command += ["--preload", "--no-control-socket", "--bind", f"127.0.0.1:{port}"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.perf_counter() - start > 60:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.05)
    return process, url, time.perf_counter() - start


def first_page_transfer(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        sizes: dict[str, int] = {}
        urls: dict[str, str] = {}
        session.on(
            "Network.responseReceived", lambda event: urls.__setitem__(event["requestId"], event["response"]["url"])
        )
        session.on(
            "Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"])
        )
        start = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_selector(f"#{map_ids.MAP_GRAPH} path.choroplethlocation", state="attached", timeout=60000)
        page.wait_for_load_state("networkidle")
        elapsed = time.perf_counter() - start
        browser.close()
    total = sum(sizes.values())
    print(
        f"\nFirst page transfer: {total / 1024 / 1024:.2f} MB on the wire in {len(sizes)} responses, map drawn in {elapsed:.1f} s"
    )
    for request_id, size in sorted(sizes.items(), key=lambda item: -item[1])[:6]:
        print(f"  {size / 1024:8.1f} KB  {urls.get(request_id, '?')[:110]}")


def level_indicators(store: Any, level: str) -> list[str]:
    """The mapped indicators that exist at `level` (the baseline app lists the same)."""
    return [key for key in catalogue.available_indicators(store) if level in catalogue.indicator_levels(store, key)]


def browser_timings(data_dir: Path, url: str, store: Any, runs: int, rounds: int, most: int | None) -> None:
    """First map drawn (EPCI, then commune level) and indicator switch → repaint (over the first `most` indicators
    of each level, all when None), the app beside the one-callback baseline, same run."""
    from playwright.sync_api import sync_playwright

    from tests.benchmarks import map_browser

    baselines = {level: start_gunicorn(data_dir, BASELINE_APP, {"BASELINE_LEVEL": level}) for level in BASELINE_LEVELS}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"\nIn headless Chromium at 1440×900, warm servers ({runs} page loads, {rounds} rounds of switches)")
            print("First map drawn (from navigation start, empty browser cache):")
            for level in BASELINE_LEVELS:
                print(f"  level {level}")
                map_browser.report("app", map_browser.first_map_drawn(browser, f"{url}/?niveau={level}", runs))
                map_browser.report(
                    "baseline (one callback, inline GeoJSON)",
                    map_browser.first_map_drawn(browser, baselines[level][1] + "/", runs),
                )
            for level in BASELINE_LEVELS:
                indicators = level_indicators(store, level)[:most]
                print(f"Indicator switch → map repainted, level {level}:")
                app_url = f"{url}/?niveau={level}"
                map_browser.report(
                    "app", map_browser.switch_repaints(browser, app_url, map_ids.MAP_INDICATOR, indicators, rounds)
                )
                map_browser.report(
                    "baseline (one callback, inline GeoJSON)",
                    map_browser.switch_repaints(browser, baselines[level][1] + "/", "indicateur", indicators, rounds),
                )
            browser.close()
    finally:
        for process, _, _ in baselines.values():
            process.terminate()
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also measure the map in Chromium (and the baseline)")
    parser.add_argument("--runs", type=int, default=5, help="page loads timed in Chromium")
    parser.add_argument("--browser-rounds", type=int, default=2, help="rounds of indicator switches in Chromium")
    parser.add_argument("--browser-only", action="store_true", help="skip the server-side switch timings")
    parser.add_argument("--indicators", type=int, default=None, help="switch through the first N indicators only")
    args = parser.parse_args()
    data_dir = Path(os.environ.get("DATA_DIR", REPO_ROOT / "data"))

    start = time.perf_counter()
    app = create_app(Settings(data_dir=data_dir))
    print(f"create_app() with the data loaded: {time.perf_counter() - start:.2f} s")
    store = app.server.config["STORE"]
    client = DashClient(app)
    if not args.browser_only:
        bench_switch(client, store, LEVEL_EPCI, args.rounds)
        bench_switch(client, store, LEVEL_COMMUNE, args.rounds)

    process, url, cold = start_gunicorn(data_dir)
    try:
        print(f"\nCold start: gunicorn launched → first answer of / in {cold:.2f} s")
        if args.browser:
            first_page_transfer(url)
            browser_timings(data_dir, url, store, args.runs, args.browser_rounds, args.indicators)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
