"""Benchmark of the needs analysis on the real build: prints figures, asserts nothing (not a timed test).

    DATA_DIR=data .venv/bin/python -m tests.benchmarks.bench_needs [--browser]

- server: what the /classement callback does after a weight change (controls → state → analysis with 500
  draws → every output, serialised as Dash sends it), for random weights; beside it, in the same run, the
  analysis without robustness (1 draw) as a baseline, and the fiche layout;
- with --browser: in headless Chromium on a real gunicorn (production configuration, one worker), the time from a slider key press to the updated
  address of the page (what a user waits for), and the callback's round trip seen by the browser, beside a
  round trip to /healthz from the same page as a baseline.

Targets: /classement recompute after a weight change, server p95 < 150 ms with 500 draws (needs analysis v2, a
région); < 400 ms for the 1,250 EPCIs of a France build (national scale).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import plotly

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.core.store import current_store  # noqa: E402
from dashboard.needs import model as needs  # noqa: E402
from dashboard.needs import state as needs_state  # noqa: E402
from dashboard.needs.analysis import analyse  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ROUNDS = 40
#: Above this many EPCIs the build is national (`--region france`), and so is the target.
REGIONAL_EPCIS = 300
LENS = "246200364"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(label: str, samples: list[float], unit: str = "ms") -> None:
    print(
        f"{label:<58} p50 {statistics.median(samples):7.1f} {unit}   p95 {percentile(samples, 0.95):7.1f} {unit}"
        f"   (n = {len(samples)})"
    )


def healthz_round_trips(page, rounds: int) -> list[float]:
    """Milliseconds of `rounds` fetches of /healthz from the page: the baseline of a browser round trip."""
    return [
        page.evaluate(
            "async () => { const t = performance.now(); await fetch('/healthz'); return performance.now() - t; }"
        )
        for _ in range(rounds)
    ]


def random_controls(generator: np.random.Generator) -> needs_state.Controls:
    weights = {candidate.indicator: float(generator.choice([0, 0.5, 1, 1.5, 2, 3])) for candidate in needs.CANDIDATES}
    weights["part_minima_sociaux_2019"] = max(weights["part_minima_sociaux_2019"], 0.5)
    return needs_state.Controls(
        weights=weights,
        normalisation="rang",
        include_partial=[],
        reference=str(generator.choice(["france", "region"])),
        target=None,
        order="places",
        departements=[],
        kinds=[],
        band="",
    )


def server(rounds: int) -> None:
    app = create_app()
    from dashboard.pages import territoire  # pages register themselves once the app exists
    from dashboard.ranking import view as ranking

    generator = np.random.default_rng(1)
    with app.server.test_request_context("/"):
        store = current_store()
        departements = list(store.display["departement"].codes)
        ranking.view(store, needs_state.default_state())  # warm-up
        gc.freeze()  # as gunicorn.conf.py does after each worker's warm-up
        callback, analysis_500, analysis_1, sizes = [], [], [], []
        for _ in range(rounds):
            controls = random_controls(generator)
            start = time.perf_counter()
            state, _ = needs_state.state_from_controls(controls, departements)
            body = json.dumps(ranking.view(store, state), cls=plotly.utils.PlotlyJSONEncoder)
            callback.append((time.perf_counter() - start) * 1000)
            sizes.append(len(body) / 1000)
            parameters = state.parameters
            start = time.perf_counter()
            analyse(store, parameters)
            analysis_500.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            analyse(store, parameters, draws=1)
            analysis_1.append((time.perf_counter() - start) * 1000)
        fiche = []
        for _ in range(10):
            start = time.perf_counter()
            json.dumps(territoire.layout(code_siren=LENS), cls=plotly.utils.PlotlyJSONEncoder)
            fiche.append((time.perf_counter() - start) * 1000)
    print("Server (Flask request context, real build), random weights and references:")
    report("/classement weight change: whole callback, 500 draws", callback)
    report("  of which the analysis with 500 draws", analysis_500)
    report("  baseline: the same analysis without robustness (1 draw)", analysis_1)
    report("territory fiche layout (serialised)", fiche)
    report("callback response size", sizes, unit="kB")
    epcis = len(store.display["epci"].codes)
    target = 150 if epcis <= REGIONAL_EPCIS else 400  # needs analysis v2 (a région); national scale (France)
    verdict = "met" if percentile(callback, 0.95) < target else "NOT met"
    print(f"Target /classement p95 < {target} ms with 500 draws for {epcis} EPCI: {verdict}.")


def browser(rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import serve

    data_dir = Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")).resolve()
    log = Path("/tmp/bench-needs-gunicorn.log")
    with serve(data_dir, log) as url, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        round_trips: list[float] = []
        page.on(
            "requestfinished",
            lambda request: (
                round_trips.append(request.timing["responseEnd"] - request.timing["requestStart"])
                if "_dash-update-component" in request.url
                else None
            ),
        )
        page.goto(url + "/classement")
        page.locator("#classement-tableau tr").first.wait_for(timeout=30000)
        page.wait_for_load_state("networkidle")
        round_trips.clear()
        slider = page.locator("#poids-loyer_appartement + div [role='slider']")
        waits = []
        for position in range(rounds):
            before = page.locator("#classement-lien").input_value()
            slider.focus()
            start = time.perf_counter()
            page.keyboard.press("End" if position % 2 == 0 else "Home")
            page.wait_for_function(
                "previous => document.getElementById('classement-lien').value !== previous", arg=before
            )
            page.wait_for_load_state("networkidle")
            waits.append((time.perf_counter() - start) * 1000)
        baseline = healthz_round_trips(page, rounds)
        chromium.close()
    print("Browser (headless Chromium, gunicorn.conf.py with 1 worker × 4 threads, loopback):")
    report("slider key press → ranking and address updated", waits)
    report("  callback round trip seen by the browser", round_trips)
    report("  baseline: /healthz round trip from the same page", baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    server(args.rounds)
    if args.browser:
        browser(max(10, args.rounds // 2))


if __name__ == "__main__":
    main()
