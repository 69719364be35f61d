"""Browser-side timings of the map for bench_map.py (headless Chromium, Playwright): first map drawn and
indicator switch to repaint, for the app and for the one-callback baseline (`baseline_map_app.py`)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

VIEWPORT = {"width": 1440, "height": 900}
PATHS = "path.choroplethlocation"

#: Milliseconds from navigation start until the first territory polygon is in the page, then painted.
FIRST_DRAWN_JS = f"""() => new Promise(resolve => {{
    const check = () => document.querySelector('{PATHS}')
        ? requestAnimationFrame(() => resolve(performance.now()))
        : requestAnimationFrame(check);
    check();
}})"""

#: Sets the indicator as a person would (Dash's set_props fires the same callbacks), then waits for plotly to
#: redraw the territories with the new indicator (their hover template names it; a redraw of something else
#: does not count) and for the browser to paint them: milliseconds, or -1 after 15 s.
SWITCH_JS = """([graph, dropdown, value]) => new Promise(resolve => {
    const gd = document.querySelector(graph);
    const before = gd.data[0].hovertemplate;
    const start = performance.now();
    const timer = setTimeout(() => resolve(-1), 15000);
    const check = () => {
        if (gd.data[0].hovertemplate === before) {
            return;
        }
        gd.removeListener('plotly_afterplot', check);
        requestAnimationFrame(() => {
            clearTimeout(timer);
            resolve(performance.now() - start);
        });
    };
    gd.on('plotly_afterplot', check);
    window.dash_clientside.set_props(dropdown, {value: value});
})"""


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(samples: Sequence[float]) -> str:
    return (
        f"p50 {percentile(samples, 0.5):7.1f} ms   p95 {percentile(samples, 0.95):7.1f} ms   "
        f"max {max(samples):7.1f} ms   (n = {len(samples)})"
    )


def first_map_drawn(browser: Any, url: str, runs: int) -> list[float]:
    """Each run in a fresh context (empty cache): milliseconds until the map is drawn; one warm-up run first."""
    samples = []
    for run in range(runs + 1):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        drawn = page.evaluate(FIRST_DRAWN_JS)
        context.close()
        if run:
            samples.append(drawn)
    return samples


def switch_repaints(browser: Any, url: str, dropdown: str, indicators: Sequence[str], rounds: int) -> list[float]:
    """Milliseconds from an indicator change to the repainted map, cycling through `indicators`."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(PATHS, state="attached", timeout=60000)
    page.wait_for_load_state("networkidle")
    samples = []
    sequence = [*indicators[1:], indicators[0]] * rounds
    for indicator in sequence:
        elapsed = page.evaluate(SWITCH_JS, [".js-plotly-plot", dropdown, indicator])
        page.wait_for_load_state("networkidle")
        if elapsed < 0:
            raise RuntimeError(f"no repaint after switching to {indicator}")
        samples.append(elapsed)
    context.close()
    return samples


def report(label: str, samples: Sequence[float]) -> None:
    print(f"  {label:<44} {summary(samples)}   median {statistics.median(samples):7.1f} ms")
