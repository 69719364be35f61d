"""Long tasks the pages avoid: charts drawn one per task (assets/graphiques.js), in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

#: A stand-in for plotly.js: each drawing keeps the main thread busy for 80 ms.
FAKE_PLOTLY = """() => {
window.drawn = [];
window.Plotly = {react: function (gd) {
    const end = performance.now() + 80;
    while (performance.now() < end) {}
    window.drawn.push(gd);
    return Promise.resolve(gd);
}};
}"""

#: Three charts asking to be drawn for the first time in the same task, as the charts of a fiche do once
#: plotly.js has loaded; then, in a later task, an update of a drawn chart (a change of indicator on the map).
DRAW_THREE = """async () => {
    const tasks = [];
    new PerformanceObserver(list => list.getEntries().forEach(e => tasks.push(Math.round(e.duration))))
        .observe({type: 'longtask'});
    const script = document.createElement('script');
    document.head.appendChild(script);
    script.dispatchEvent(new Event('load'));  // as when dcc.Graph's plotly.js has arrived
    const results = await new Promise(resolve => setTimeout(() => {
        const drawings = ['a', 'b', 'c'].map(gd => Plotly.react(gd));
        const before = window.drawn.length;
        Promise.all(drawings).then(done => resolve({before, done}));
    }, 50));
    await new Promise(resolve => setTimeout(resolve, 300));
    const update = Plotly.react({_fullLayout: {}, id: 'carte'});
    const updatedAtOnce = window.drawn.length === 4;
    await update;
    await new Promise(resolve => setTimeout(resolve, 100));  // long tasks are reported after they end
    return {...results, updatedAtOnce, drawn: window.drawn.map(gd => gd.id || gd), tasks};
}"""


def test_charts_are_drawn_one_per_task_in_order_and_updates_at_once(page: Page, app_url: str):
    """The app's own graphiques.js (every page loads it) wraps the stand-in when its script has loaded."""
    page.goto(app_url + "/a-propos")
    page.wait_for_load_state("networkidle")
    page.evaluate(FAKE_PLOTLY)
    result = page.evaluate(DRAW_THREE)
    assert result["before"] == 0  # first drawings wait for tasks of their own (not the one that laid out the page)
    assert result["done"] == ["a", "b", "c"] and result["drawn"] == ["a", "b", "c", "carte"]
    assert result["updatedAtOnce"]  # an update in a task free of drawings is not delayed
    drawing_tasks = [duration for duration in result["tasks"] if duration >= 80]
    assert len(drawing_tasks) == 4 and max(drawing_tasks) < 160, result["tasks"]  # never two drawings in one task
