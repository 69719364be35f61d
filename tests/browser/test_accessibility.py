"""Accessibility in the browser: an automated WCAG 2.1 AA audit (axe-core) of every page and state that
matters, then the keyboard on the home page (every control reached, visible focus, the map's table link)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.core import routes
from dashboard.map import ids as map_ids
from tests.browser.axe import axe_script, blocking, describe, run_axe
from tests.browser.conftest import LOCALE, VIEWPORT, not_found_error, save_screenshot, watch_errors

pytestmark = pytest.mark.browser

AMIENS_EPCI, AMIENS_COMMUNE = "248000531", "80021"
DECK = f"d=carte:taux_chomage|classement:5|territoire:{AMIENS_EPCI}"
NOT_FOUND = "/adresse-inconnue"
#: (name, address) of every page and state audited.
PAGES = [
    ("carte avec un territoire", f"{routes.HOME}?territoire={AMIENS_EPCI}"),
    ("classement", routes.RANKING),
    ("tableaux", routes.TABLES),
    ("fiche EPCI", routes.territory_path(AMIENS_EPCI)),
    ("fiche commune", routes.commune_path(AMIENS_COMMUNE)),
    ("comparaison", f"{routes.COMPARE}?territoires={AMIENS_COMMUNE},{AMIENS_EPCI}"),
    ("calculateur", routes.CALCULATOR),
    ("sources", routes.SOURCES),
    ("API", routes.API_DOC),
    ("404", NOT_FOUND),
    ("éditeur de présentation", f"{routes.PRESENTATION}?{DECK}"),
]


@pytest.fixture(scope="module")
def axe() -> str:
    """axe.min.js (downloaded once, integrity checked): a failure fails the audit, never skips it."""
    return axe_script()


@pytest.fixture
def audit_page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A page whose context bypasses the app's CSP (to inject axe-core: the audit only); console errors fail."""
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE, bypass_csp=True)
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    context.close()
    unexpected = [error for error in errors if error != not_found_error(app_url + NOT_FOUND)]
    if unexpected:
        pytest.fail("browser errors:\n" + "\n".join(unexpected))


def settled(page: Page, url: str) -> None:
    """Open `url` and wait until its heading is shown and no request is under way."""
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_every_page_passes_the_wcag_aa_audit(audit_page: Page, app_url: str, axe: str):
    page = audit_page
    found: list[str] = []
    for name, path in PAGES:
        settled(page, app_url + path)
        found += [describe(name, blocking(run_axe(page, axe)))]
    # A slide, shown full window; moving to the next one is announced.
    page.get_by_role("button", name="Lancer la présentation").click()
    status = page.locator(".deck:not(.deck-print) .deck-status")
    expect(status).to_have_text(re.compile(r"^Diapositive 1 sur 3 : "))
    found += [describe("diapositive", blocking(run_axe(page, axe)))]
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text(re.compile(r"^Diapositive 2 sur 3 : Où manque-t-il le plus de places"))
    problems = "\n".join(line for line in found if line)
    assert not problems, "critical or serious WCAG 2.1 AA violations:\n" + problems


FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        id: element.id, name: element.getAttribute('name') || '', tag: element.tagName.toLowerCase(),
        label: element.getAttribute('aria-label') || element.getAttribute('data-title') || '',
        text: (element.textContent || '').trim().slice(0, 60),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        style: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    };
}"""
MAP_BUTTONS = {"Zoomer", "Dézoomer", "Recentrer la carte", "Télécharger la carte (PNG)"}


def tab_through(page: Page, most: int) -> list[dict[str, object]]:
    """The focused element after each Tab, until the values table's link has been passed (or `most` Tabs)."""
    stops: list[dict[str, object]] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1]["id"] == map_ids.MAP_TABLE_LINK:
            break
    return stops


def test_the_home_page_works_with_the_keyboard_and_shows_the_focus(page: Page, app_url: str):
    page.goto(app_url + routes.HOME)
    expect(page.locator(f"#{map_ids.MAP_GRAPH} path.choroplethlocation").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    stops = tab_through(page, 150)
    reached = {stop["id"] or stop["name"] or stop["label"] for stop in stops}
    for control in (map_ids.MAP_INDICATOR, map_ids.MAP_LEVEL, map_ids.MAP_TERRITORY, map_ids.MAP_LAYERS_RESIDENCE):
        assert control in reached, f"{control} is never reached with Tab: {reached}"
    assert MAP_BUTTONS.issubset(reached), f"the map's buttons are not all reached with Tab: {reached}"
    assert stops[-1]["id"] == map_ids.MAP_TABLE_LINK
    hidden = [stop for stop in stops if not stop["outline"]]
    assert not hidden, f"focus without a visible outline: {hidden}"

    # On a map button, the focus shows (and the button, shown on hover only, shows too).
    page.keyboard.press("Shift+Tab")
    while page.evaluate(FOCUSED)["label"] not in MAP_BUTTONS:
        page.keyboard.press("Shift+Tab")
    expect(page.locator(".modebar-btn:focus")).to_be_visible()
    shown = "e => [e.closest('.modebar-group'), e.closest('.modebar')].map(p => getComputedStyle(p).opacity)"
    assert page.locator(".modebar-btn:focus").evaluate(shown) == ["1", "1"]
    save_screenshot(page, "a11y-home-focus", full_page=False)

    # « Voir ces valeurs en tableau » moves the focus to the table of the map's values.
    page.locator(f"#{map_ids.MAP_TABLE_LINK}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{map_ids.MAP_TABLE_GRID}")).to_be_focused()
    expect(page.locator(f"#{map_ids.MAP_TABLE_GRID} tbody tr").first).to_be_in_viewport()


def test_the_map_palette_is_a_choice_kept_in_the_address(page: Page, app_url: str):
    """A colour-blind-safe palette from the list: the map's legend follows, the address keeps it; an unknown
    palette in the address gives the default with a notice."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + routes.HOME + "?palette=arc-en-ciel")
    expect(page.locator(f"#{map_ids.MAP_NOTICES}")).to_contain_text(
        "Palette « arc-en-ciel » inconnue : la palette par défaut est utilisée."
    )
    swatches = page.locator(f"#{map_ids.MAP_LEGEND} .legend-swatch:not(.legend-swatch-missing)")
    expect(swatches.first).to_have_css("background-color", "rgb(239, 243, 255)")  # the first blue
    page.get_by_label("Viridis, lisible par tous (écarts : orange et violet)").check()
    expect(swatches.first).to_have_css("background-color", "rgb(253, 231, 37)")  # viridis' yellow
    expect(page).to_have_url(re.compile(r"[?&]palette=viridis(&|$)"))
    expect(page.locator(f"#{map_ids.MAP_GRAPH} path.choroplethlocation").first).to_be_attached()
    page.locator(f"#{map_ids.MAP_PALETTE}").scroll_into_view_if_needed()
    save_screenshot(page, "a11y-palette-viridis", full_page=False)
