"""Benchmark of « Projet envisagé » (what-if) on the real build: prints figures, asserts nothing.

    DATA_DIR=data .venv/bin/python -m tests.benchmarks.bench_scenario [--browser]

- server: what the block's callbacks compute after a project is added (analysis without and with the projects,
  ranks with the chosen parameters, the list, the before/after table and chart, serialised as Dash sends them),
  for random projects; beside it, in the same run, one analysis with its 500 robustness draws (what /classement
  computes) as a baseline;
- with --browser: in headless Chromium on a real gunicorn (production configuration, one worker), the time from
  a click on « Ajouter le projet » (or « Retirer ») to the updated before/after table of the fiche, beside a
  round trip to /healthz from the same page.

Target (issue « Territories an elected official can explore alone »): a what-if change to updated gap and rank
≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly

from dashboard.app import create_app
from dashboard.core.store import current_store
from dashboard.needs import state as needs_state
from dashboard.needs.analysis import analyse
from dashboard.needs.projects import Project, project_choices
from dashboard.needs.scenario import RANK_ONLY, what_if
from dashboard.scenario import ids as scenario_ids
from dashboard.scenario.layout import projects_list, results
from tests.benchmarks.bench_needs import REPO_ROOT, healthz_round_trips, percentile, report
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

ROUNDS = 40
LENS_LIEVIN, LENS = "246200364", "62498"
TARGET_MS = 300
ADD_BUTTON = f"#{scenario_ids.scoped(scenario_ids.ADD, scenario_ids.SCOPE_FICHE)}"
REMOVE_BUTTON = ".scenario-project button"
#: In the page: click a button, resolve with the milliseconds until the before/after block's text changes.
CLICK_TO_UPDATE = """([results, button]) => new Promise(resolve => {
    const target = document.querySelector(results);
    const before = target.innerText;
    const start = performance.now();
    const observer = new MutationObserver(() => {
        if (target.innerText !== before) { observer.disconnect(); resolve(performance.now() - start); }
    });
    observer.observe(target, {childList: true, subtree: true, characterData: true});
    document.querySelector(button).click();
})"""


def server(rounds: int) -> None:
    app = create_app()
    generator = np.random.default_rng(7)
    with app.server.test_request_context("/"):
        store = current_store()
        choices = project_choices(store)
        communes = sorted(choices.communes)
        kinds = sorted(choices.kinds)
        base = needs_state.default_state()
        what_if(store, base.parameters, RANK_ONLY)  # warm-up
        callback, baseline = [], []
        for _ in range(rounds):
            projects = tuple(
                Project(str(generator.choice(kinds)), int(generator.integers(1, 501)), str(generator.choice(communes)))
                for _ in range(int(generator.integers(1, 4)))
            )
            siren = choices.epci_of[projects[0].commune]
            parameters = replace(base.parameters, projects=projects)
            start = time.perf_counter()
            scenario = what_if(store, parameters, RANK_ONLY)
            json.dumps(
                [projects_list(scenario, siren, scenario_ids.SCOPE_FICHE), results(scenario, siren)],
                cls=plotly.utils.PlotlyJSONEncoder,
            )
            callback.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            analyse(store, parameters)
            baseline.append((time.perf_counter() - start) * 1000)
    print("Server (Flask request context, real build), 1 to 3 random projects:")
    report("what-if: both analyses, list, table and chart serialised", callback)
    report("  baseline: one analysis with 500 draws", baseline)


def browser(rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import serve

    data_dir = Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")).resolve()
    log = Path("/tmp/bench-scenario-gunicorn.log")
    fiche = scenario_ids.SCOPE_FICHE
    with serve(data_dir, log) as url, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        page.goto(f"{url}/territoire/{LENS_LIEVIN}")
        page.locator(f"#{scenario_ids.scoped(scenario_ids.COMMUNE, fiche)}").click()
        page.keyboard.type("Lens")
        page.get_by_role("option", name=f"Lens ({LENS})", exact=True).click()
        page.wait_for_load_state("networkidle")
        waits = []
        for position in range(rounds):
            button = ADD_BUTTON if position % 2 == 0 else REMOVE_BUTTON
            waits.append(
                page.evaluate(CLICK_TO_UPDATE, [f"#{scenario_ids.scoped(scenario_ids.RESULTS, fiche)}", button])
            )
            page.wait_for_load_state("networkidle")
        baseline = healthz_round_trips(page, rounds)
        chromium.close()
    print("Browser (headless Chromium, gunicorn.conf.py with 1 worker × 4 threads, loopback):")
    report("click « Ajouter » / « Retirer » → before/after table updated", waits)
    report("  baseline: /healthz round trip from the same page", baseline)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    server(args.rounds)
    if args.browser:
        waits = browser(max(10, args.rounds // 2))
        verdict = "met" if percentile(waits, 0.95) <= TARGET_MS else "NOT met"
        print(f"Target what-if change to updated gap and rank ≤ {TARGET_MS} ms (browser p95): {verdict}.")


if __name__ == "__main__":
    main()
