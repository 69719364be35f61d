"""Long tasks and layout shifts the pages avoid: charts drawn one per task (assets/graphiques.js), each keeping
its room until drawn, in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes

pytestmark = pytest.mark.browser

#: A stand-in for plotly.js: each drawing keeps the main thread busy for 80 ms.
FAKE_PLOTLY = """() => {
window.drawn = [];
const name = gd => gd.id || gd;
window.Plotly = {
    react: function (gd) {
        const end = performance.now() + 80;
        while (performance.now() < end) {}
        window.drawn.push(name(gd));
        if (typeof gd === 'object') { gd._fullLayout = {}; }
        return Promise.resolve(gd);
    },
    Plots: {resize: gd => { window.drawn.push('resize ' + name(gd)); return Promise.resolve(); }},
};
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
    const late = {id: 'tendances'};  // dcc.Graph resizes a chart before its first drawing when the page moves
    const resized = Plotly.Plots.resize(late);
    await Promise.all([Plotly.react(late), resized]);
    await new Promise(resolve => setTimeout(resolve, 100));  // long tasks are reported after they end
    return {...results, updatedAtOnce, drawn: window.drawn, tasks};
}"""


def test_charts_are_drawn_one_per_task_in_order_updated_at_once_and_resized_once_drawn(page: Page, app_url: str):
    """The app's own graphiques.js (every page loads it) wraps the stand-in when its script has loaded."""
    page.goto(app_url + "/a-propos")
    page.wait_for_load_state("networkidle")
    page.evaluate(FAKE_PLOTLY)
    result = page.evaluate(DRAW_THREE)
    assert result["before"] == 0  # first drawings wait for tasks of their own (not the one that laid out the page)
    assert result["done"] == ["a", "b", "c"]
    assert result["drawn"] == ["a", "b", "c", "carte", "tendances", "resize tendances"]  # resized once drawn
    assert result["updatedAtOnce"]  # an update in a task free of drawings is not delayed
    # Never two drawings in one task: five drawings, five long tasks (two in one would leave four). Their length
    # is not asserted: on a loaded machine one drawing's task can outlast two drawings' worth of busy time.
    drawing_tasks = [duration for duration in result["tasks"] if duration >= 80]
    assert len(drawing_tasks) == 5, result["tasks"]


#: Records every layout shift not caused by the person (as CLS counts them) from before the page's scripts.
SHIFTS_JS = """window.layoutShifts = [];
new PerformanceObserver(list => list.getEntries().forEach(entry => {
    if (!entry.hadRecentInput) window.layoutShifts.push(entry.value);
})).observe({type: 'layout-shift', buffered: true});"""


@pytest.mark.parametrize(
    "path",
    [
        routes.territory_path("200093201"),  # MEL: 8 charts, the largest tables
        routes.commune_path("59350"),
        routes.RANKING,
    ],
)
def test_nothing_moves_while_charts_wait_for_their_drawing(page: Page, app_url: str, path: str):
    """Each chart keeps its room until drawn, even while it waits for its own task (style.css, graphiques.js)."""
    page.add_init_script(SHIFTS_JS)
    page.goto(app_url + path)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached(timeout=20000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert sum(page.evaluate("() => window.layoutShifts")) < 0.05
