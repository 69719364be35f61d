"""Trend charts in headless Chromium: on an EPCI fiche, a commune fiche and a comparison, each chart is drawn
(svg lines), titled, sourced, with its values for screen readers, and the console stays clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from dashboard.comparison import ids as compare_ids
from dashboard.core import routes
from dashboard.trends import ids as trend_ids
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

AMIENS_COMMUNE, AMIENS_EPCI = "80021", "248000531"
FIGURE = f".{trend_ids.TREND_FIGURE_CLASS}"


def section_screenshot(section: Locator, name: str, width: int, height: int) -> None:
    page = section.page
    page.set_viewport_size({"width": width, "height": height})
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the responsive graphs redraw at the new width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=ARTIFACTS / f"{name}-{width}.png")


def expect_drawn_trends(section: Locator, count: int) -> None:
    """`count` charts, each with a title, drawn lines, a source line and its values."""
    figures = section.locator(f"{FIGURE}:has(.js-plotly-plot)")
    expect(figures).to_have_count(count)
    for index in range(count):
        figure = figures.nth(index)
        expect(figure.locator("h3")).not_to_be_empty()
        expect(figure.locator(".scatterlayer path.js-line, .scatterlayer path.point").first).to_be_attached()
        expect(figure.locator(".trend-source")).to_contain_text("Source")
        expect(figure.locator("summary")).to_have_text("Voir les valeurs")


def test_epci_fiche_draws_its_trends_with_the_departement_s_values(page: Page, app_url: str):
    page.goto(app_url + routes.territory_path(AMIENS_EPCI))
    section = page.locator(f"#{trend_ids.EPCI_TRENDS}")
    expect_drawn_trends(section, 4)
    expect(section).to_contain_text("Population en 2013, 2018, 2023 — CA Amiens Métropole")
    expect(section).to_contain_text("valeur du département de la Somme")
    expect(section).to_contain_text("2022 (janv.–nov.)")
    expect(section).to_contain_text("Source : Cerema, LOVAC (2020–2025)")
    expect(section).to_contain_text("Ce n'est donc pas l'historique de l'offre")
    lda = section.locator(f"#{trend_ids.graph_id(trend_ids.EPCI_TRENDS, 'lda')}")
    expect(lda.locator(".xtick text").last).to_contain_text("2022")
    section.locator(FIGURE).nth(2).locator("summary").click()
    expect(section.locator(FIGURE).nth(2).locator("table")).to_contain_text("783")
    for width, height in ((1440, 900), (1920, 1080)):
        section_screenshot(section, "tendances-epci", width, height)


def test_commune_fiche_draws_population_residences_and_departement_trends(page: Page, app_url: str):
    page.goto(app_url + routes.commune_path(AMIENS_COMMUNE))
    section = page.locator(f"#{trend_ids.COMMUNE_TRENDS}")
    expect_drawn_trends(section, 4)
    expect(section).to_contain_text("Population en 2013, 2018, 2023 — Amiens")
    expect(section).to_contain_text("Source : FINESS")
    section_screenshot(section, "tendances-commune", 1440, 900)


def test_commune_without_residence_says_so_instead_of_an_empty_chart(page: Page, app_url: str):
    page.goto(app_url + routes.commune_path("02001"))
    section = page.locator(f"#{trend_ids.COMMUNE_TRENDS}")
    expect_drawn_trends(section, 3)
    expect(section.locator(".trend-empty")).to_contain_text("Aucune résidence sociale n'est recensée dans la commune")


def test_comparison_draws_one_chart_per_trend_for_the_chosen_territories(page: Page, app_url: str):
    page.goto(f"{app_url}{routes.COMPARE}?territoires={AMIENS_COMMUNE},{AMIENS_EPCI}")
    section = page.locator(f"#{trend_ids.COMPARE_TRENDS}")
    expect_drawn_trends(section, 4)
    population = section.locator(f"#{trend_ids.graph_id(trend_ids.COMPARE_TRENDS, 'population')}")
    expect(population.locator(".legendtext")).to_have_count(3)  # two territories and the région
    page.locator(f"#{compare_ids.COMPARE_TERRITORIES}").click()  # the picker redraws the trends
    page.keyboard.type("Nord (dép")
    page.get_by_role("option", name="Nord (département, 59)", exact=True).click()
    page.keyboard.press("Escape")
    expect(population.locator(".legendtext")).to_have_count(4)
    expect_drawn_trends(section, 4)
    expect(section).to_contain_text("valeurs des départements")
    expect(section).to_contain_text("Amiens (commune) → Somme")
    lda = section.locator(f"#{trend_ids.graph_id(trend_ids.COMPARE_TRENDS, 'lda')}")
    expect(lda.locator(".legendtext")).to_have_count(4)  # Somme, Nord, the région, France
    for width, height in ((1440, 900), (1920, 1080)):
        section_screenshot(section, "tendances-comparer", width, height)
