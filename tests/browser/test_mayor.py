"""The issue's « done when », tried as a mayor of Lens would, in one session of headless Chromium: find the commune
by name from the header, read its page, compare the EPCI with a neighbour, see the Logement d'abord trend, place a
25-place pension de famille and watch the gap and rank move, share the link, add it to the presentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.commune import ids as commune_ids
from dashboard.comparison import ids as compare_ids
from dashboard.core import routes
from dashboard.scenario import ids as scenario_ids
from dashboard.territory import ids as territory_ids
from dashboard.trends import ids as trend_ids
from dashboard.ui import ids as ui_ids

pytestmark = pytest.mark.browser

LENS_LIEVIN, LENS, HENIN_CARVIN = "246200364", "62498", "246200299"
SIZES = ((1440, 900), (1920, 1080))


def scenario_part(role: str) -> str:
    return f"#{scenario_ids.scoped(role, scenario_ids.SCOPE_FICHE)}"


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_mayor_explores_alone_and_builds_the_case(page: Page, app_url: str, screenshot, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url + routes.HOME)

    # Find the commune by name, from the header of any page.
    page.locator(f"#{ui_ids.HEADER_SEARCH}").fill("Lens")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{routes.SEARCH}\?{routes.SEARCH_PARAM}=Lens"))
    page.get_by_role("link", name=f"Lens (commune, {LENS})").click()

    # Its page, then its EPCI's.
    expect(page.locator(f"#{commune_ids.COMMUNE_TITLE}")).to_have_text("Lens")
    screenshot(f"maire-commune-{width}")
    page.get_by_role("link", name="CA de Lens - Liévin").first.click()
    expect(page.locator(f"#{territory_ids.TERRITORY_TITLE}")).to_have_text("CA de Lens - Liévin")

    # The Logement d'abord trend of its département.
    trends = page.locator(f"#{trend_ids.EPCI_TRENDS}")
    expect(trends).to_contain_text("valeur du département du Pas-de-Calais")
    lda = page.locator(f"#{trend_ids.graph_id(trend_ids.EPCI_TRENDS, 'lda')}")
    expect(lda.locator(".scatterlayer path.js-line").first).to_be_attached()

    # Place a 25-place pension de famille in Lens: the gap and the rank move. The page first settles (its charts
    # are drawn in tasks of their own: on a loaded machine a click before that can land on a moving picker).
    page.wait_for_load_state("networkidle")
    page.locator(scenario_part(scenario_ids.COMMUNE)).click()
    expect(page.locator("input.dash-dropdown-search")).to_be_focused()
    page.keyboard.type("Lens")
    page.get_by_role("option", name=f"Lens ({LENS})", exact=True).click()
    page.locator(scenario_part(scenario_ids.ADD)).click()
    results = page.locator(scenario_part(scenario_ids.RESULTS))
    expect(results).to_contain_text("l'écart au taux national passe de +220 à +195 places")
    expect(results.locator("tbody tr").filter(has_text="Rang de priorité").locator("strong")).to_have_text(
        re.compile(r"\d+e sur 92")
    )
    results.scroll_into_view_if_needed()
    screenshot(f"maire-scenario-{width}")

    # Share the link: it reopens the same scenario.
    shared = page.locator(scenario_part(scenario_ids.PERMALINK)).input_value()
    assert f"projets=pension_de_famille:25:{LENS}" in shared
    page.goto(shared)
    expect(page.locator(scenario_part(scenario_ids.RESULTS))).to_contain_text("passe de +220 à +195 places")

    # Compare the EPCI with a neighbour.
    page.get_by_role("link", name="Comparer avec…").click()
    page.locator(f"#{compare_ids.COMPARE_TERRITORIES}").click()
    page.keyboard.type("Hénin")
    page.get_by_role("option", name=f"CA d'Hénin-Carvin (EPCI, {HENIN_CARVIN})", exact=True).click()
    page.keyboard.press("Escape")
    expect(page.locator(f"#{compare_ids.COMPARE_TABLE} thead")).to_contain_text("CA d'Hénin-Carvin")
    screenshot(f"maire-comparaison-{width}")

    # Back to the scenario, into the presentation.
    page.goto(shared)
    page.locator(scenario_part(scenario_ids.DECK)).click()
    expect(page.locator(".slide-scenario-table").first).to_contain_text("Avec les projets")
