"""Screenshots of the main pages at the four reference sizes (phone, tablet, laptop, projector), for a person to
look at, with each page's width against its window (a page wider than its window scrolls sideways).

    OPENDATA_MIRROR=… .venv/bin/python -m tests.browser.screens [DATA_DIR]   →  tests/artifacts/ecrans-<page>-<size>.png

The page list (address and what shows its content has arrived) is shared with tests/browser/test_screens.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.presentation import ids as presentation_ids
from dashboard.ranking import ids as ranking_ids
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LOCALE
from tests.load.server import REPO_ROOT, gunicorn

SIZES = ((390, 844), (768, 1024), (1440, 900), (1920, 1080))
AMIENS_EPCI, AMIENS_COMMUNE = "248000531", "80021"
MAP_DRAWN = f"#{map_ids.MAP_GRAPH} .choroplethlocation"
DECK = f"{routes.PRESENTATION}?d=carte:taux_pauvrete|territoire:{AMIENS_EPCI}|classement:10"
SHOW_DECK = "Lancer la présentation"
#: Each page, what shows that its content has arrived, and (pages with charts) that its charts are drawn.
PAGES = {
    "carte": (routes.HOME, f"#{map_ids.MAP_TABLE_BODY} tr", MAP_DRAWN),
    "classement": (routes.RANKING, f"#{ranking_ids.RANK_TABLE} tr", f"#{ranking_ids.RANK_CHART} .main-svg"),
    "tableaux": (routes.TABLES, ".ag-row", None),
    "fiche": (routes.territory_path(AMIENS_EPCI), ".fiche-page .data-table", ".fiche-page .js-plotly-plot"),
    "commune": (routes.commune_path(AMIENS_COMMUNE), ".trend-figure", None),
    "comparer": (routes.COMPARE, "#main h1", None),
    "calculateur": (routes.CALCULATOR, "#main h1", None),
    "diapositive": (DECK, f"#{presentation_ids.PRES_DECK} .slide", None),
}
LOOKED_AT = ("carte", "fiche", "classement", "diapositive")
PAGE_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


def open_page(page: Page, base_url: str, name: str, drawn: bool = False) -> None:
    """Open one of PAGES and wait for its content, and its charts if `drawn` (the slide: shown full window)."""
    path, content, charts = PAGES[name]
    page.goto(base_url + path)
    expect(page.locator(content).first).to_be_attached(timeout=30000)
    if drawn and charts:
        expect(page.locator(charts).first).to_be_attached(timeout=30000)
    page.wait_for_load_state("networkidle")
    if name == "diapositive":
        page.get_by_role("button", name=SHOW_DECK).click()


def capture(base_url: str, names: tuple[str, ...] = LOOKED_AT) -> list[str]:
    """Screenshot each page at each size (the window, then the whole page); return one line per capture."""
    lines = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height}, locale=LOCALE)
            page = context.new_page()
            for name in names:
                open_page(page, base_url, name, drawn=True)
                page.wait_for_timeout(300)  # the last redraw of a responsive chart
                scroll_width, window = page.evaluate(PAGE_WIDTH)
                stem = ARTIFACTS / f"ecrans-{name}-{width}x{height}"
                page.screenshot(path=f"{stem}.png")
                page.screenshot(path=f"{stem}-page.png", full_page=True)
                verdict = "ok" if scroll_width <= window else "PLUS LARGE QUE LA FENÊTRE"
                lines.append(f"{name:12} {width}×{height}: largeur {scroll_width} px / {window} px {verdict}")
            context.close()
        browser.close()
    return lines


def main(argv: list[str]) -> None:
    data_dir = Path(argv[0]) if argv else REPO_ROOT / "data"
    with tempfile.TemporaryDirectory() as logs, gunicorn(data_dir, Path(logs) / "gunicorn.log", workers=1) as url:
        print("\n".join(capture(url)))
    print(f"captures : {ARTIFACTS}/ecrans-*.png")


if __name__ == "__main__":
    main(sys.argv[1:])
