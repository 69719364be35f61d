"""Page benchmark: layout shift, blocking time, largest paint and bytes per page, in headless Chromium.

    DATA_DIR=data .venv/bin/python -m tests.benchmarks.bench_pages [--runs 3] [--url http://127.0.0.1:8050]

Serves the app with gunicorn (or measures `--url`), then loads each page `--runs` times, each in a fresh
browser context (empty cache) at Lighthouse's desktop size (1350 × 940, no throttling), and prints, per
page, the median over the runs of:

- CLS: cumulative layout shift as Lighthouse counts it (largest session window of `layout-shift` entries
  not caused by an input: shifts less than 1 s apart, window at most 5 s);
- TBT: total blocking time, the sum of (duration − 50 ms) of the main thread's long tasks after the first
  contentful paint, until the page is quiet (no long task, request or layout shift for 2 s);
- LCP: largest contentful paint;
- KB: bytes transferred on the first visit (compressed, headers included), then on a second visit in the
  same context (what the browser cache saves).

A simple page (/a-propos: text only) is measured in the same run as the baseline. The last line is the
verdict against the targets of issue 18: CLS < 0.1 on every page, TBT < 300 ms on /, /classement and the
fiches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from dashboard.core import routes  # noqa: E402
from tests.benchmarks.bench_map import start_gunicorn  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LOCALE  # noqa: E402

VIEWPORT = {"width": 1350, "height": 940}  # Lighthouse's desktop preset
CLS_TARGET = 0.1
TBT_TARGET_MS = 300
QUIET_MS = 2000
MAX_WAIT_MS = 30000
EPCI = "200093201"  # Métropole Européenne de Lille
COMMUNE = "59350"  # Lille
BASELINE = routes.ABOUT

#: (label, path, whether the TBT target applies)
PAGES = (
    ("accueil (carte)", routes.HOME, True),
    ("classement", routes.RANKING, True),
    ("fiche EPCI", routes.territory_path(EPCI), True),
    ("fiche commune", routes.commune_path(COMMUNE), True),
    ("tableaux", routes.TABLES, False),
    ("comparer", routes.COMPARE, False),
    ("calculateur", routes.CALCULATOR, False),
)

#: Runs before any script of the page: records paints, layout shifts and long tasks from the start.
OBSERVE_JS = """(() => {
    const seen = window.__bench = {shifts: [], longtasks: [], lcp: 0, last: 0};
    const touch = () => { seen.last = performance.now(); };
    const watch = (type, onEntry) => {
        try {
            new PerformanceObserver(list => list.getEntries().forEach(onEntry)).observe({type, buffered: true});
        } catch (error) { /* entry type not supported */ }
    };
    watch('layout-shift', entry => { if (!entry.hadRecentInput) { seen.shifts.push([entry.startTime, entry.value]); } touch(); });
    watch('longtask', entry => { seen.longtasks.push([entry.startTime, entry.duration]); touch(); });
    watch('largest-contentful-paint', entry => { seen.lcp = entry.startTime; });
    watch('resource', touch);
})();"""

#: Waits until the page is quiet, then returns what was observed.
RESULT_JS = f"""() => new Promise(resolve => {{
    const seen = window.__bench;
    const start = performance.now();
    const check = () => {{
        const now = performance.now();
        if ((now - Math.max(seen.last, start) < {QUIET_MS}) && now - start < {MAX_WAIT_MS}) {{
            setTimeout(check, 100);
            return;
        }}
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const bytes = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
            .reduce((sum, entry) => sum + (entry.transferSize || 0), 0);
        resolve({{shifts: seen.shifts, longtasks: seen.longtasks, lcp: seen.lcp,
                  fcp: fcp ? fcp.startTime : 0, bytes, timedOut: now - start >= {MAX_WAIT_MS}}});
    }};
    check();
}})"""


@dataclass(frozen=True)
class Sample:
    cls: float
    tbt: float
    lcp: float
    first_kb: float
    repeat_kb: float


def cumulative_layout_shift(shifts: list[list[float]]) -> float:
    """Largest session window: shifts less than 1 s apart, a window lasting at most 5 s."""
    best = current = 0.0
    window_start = previous = None
    for start, value in sorted(shifts):
        if previous is None or start - previous > 1000 or start - window_start > 5000:
            window_start, current = start, 0.0
        current += value
        previous = start
        best = max(best, current)
    return best


def total_blocking_time(longtasks: list[list[float]], fcp: float) -> float:
    """Sum of the blocking part (beyond 50 ms) of the long tasks that end after the first contentful paint."""
    total = 0.0
    for start, duration in longtasks:
        blocking_start = max(start, fcp)
        blocking = start + duration - blocking_start - 50
        if start + duration > fcp and blocking > 0:
            total += blocking
    return total


def measure(browser: Any, url: str) -> Sample:
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    context.add_init_script(OBSERVE_JS)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    first = page.evaluate(RESULT_JS)
    if first["timedOut"]:
        print(f"    (not quiet after {MAX_WAIT_MS / 1000:.0f} s: {url})")
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    repeat = page.evaluate(RESULT_JS)
    context.close()
    return Sample(
        cls=cumulative_layout_shift(first["shifts"]),
        tbt=total_blocking_time(first["longtasks"], first["fcp"]),
        lcp=first["lcp"],
        first_kb=first["bytes"] / 1024,
        repeat_kb=repeat["bytes"] / 1024,
    )


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(
        *(statistics.median(getattr(sample, name) for sample in samples) for name in Sample.__dataclass_fields__)
    )


def line(label: str, path: str, sample: Sample, runs: list[Sample]) -> str:
    spread = "/".join(f"{run.tbt:.0f}" for run in runs)
    return (
        f"  {label:<16} {path:<22} CLS {sample.cls:5.3f}   TBT {sample.tbt:6.0f} ms ({spread})   "
        f"LCP {sample.lcp:6.0f} ms   {sample.first_kb:7.0f} KB, again {sample.repeat_kb:6.0f} KB"
    )


def verdict(results: dict[str, tuple[str, bool, Sample]]) -> str:
    failures = [
        f"CLS {sample.cls:.2f} on {label}" for label, (_, _, sample) in results.items() if sample.cls >= CLS_TARGET
    ]
    failures += [
        f"TBT {sample.tbt:.0f} ms on {label}"
        for label, (_, target, sample) in results.items()
        if target and sample.tbt >= TBT_TARGET_MS
    ]
    targets = f"CLS < {CLS_TARGET} on every page, TBT < {TBT_TARGET_MS} ms on /, /classement and the fiches"
    return f"VERDICT: {'met' if not failures else 'NOT met'} ({targets})" + (
        f": {'; '.join(failures)}" if failures else ""
    )


def run(base_url: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    pages = (*PAGES, ("témoin (texte)", BASELINE, False))
    results: dict[str, tuple[str, bool, Sample]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        measure(browser, base_url + BASELINE)  # warm-up: server caches, Chromium's own start
        print(f"{len(pages)} pages × {runs} runs, {VIEWPORT['width']}×{VIEWPORT['height']}, empty cache each run")
        for label, path, target in pages:
            samples = []
            for index in range(runs):
                samples.append(measure(browser, base_url + path))
                print(
                    f"    {label} run {index + 1}: TBT {samples[-1].tbt:.0f} ms, CLS {samples[-1].cls:.3f}", flush=True
                )
            results[label] = (path, target, median_sample(samples))
            print(line(label, path, results[label][2], samples), flush=True)
        browser.close()
    print(verdict({label: value for label, value in results.items() if value[0] != BASELINE}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", help="measure this running server instead of starting one")
    args = parser.parse_args()
    if args.url:
        run(args.url.rstrip("/"), args.runs)
        return
    process, url, _ = start_gunicorn(Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")))
    try:
        run(url, args.runs)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
