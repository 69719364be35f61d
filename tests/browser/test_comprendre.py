"""« Comprendre », « Monter un projet », the calculator and the sources page in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.calculator import ids as calculator_ids
from dashboard.content import ids as content_ids
from dashboard.core import routes
from dashboard.server.security import PAGES_CONTENT_ID
from dashboard.ui import ids as ui_ids

pytestmark = pytest.mark.browser

METROPOLE_LILLE = "200093201"


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(f"#{PAGES_CONTENT_ID} h1")).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_comprendre_page_and_the_way_to_the_project_page(page: Page, app_url: str, screenshot):
    open_page(page, app_url + routes.COMPRENDRE)
    expect(page).to_have_title("Comprendre les résidences sociales — Résidences sociales")
    expect(page.locator(".nav-link.active")).to_have_text("Comprendre")
    expect(page.locator(f"#{ui_ids.NAV}, nav .nav-link").filter(has_text="Monter un projet")).to_have_count(0)
    table = page.locator(".types-table")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tbody tr").first.locator("td").last).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_text("Source : FINESS (DREES), extraction du 08/01/2021").first).to_be_visible()
    expect(page.locator(f"#{content_ids.COMPRENDRE_RESERVES} .reservation")).to_have_count(2)
    screenshot("comprendre")
    page.get_by_role("link", name="Monter un projet de résidence sociale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monter un projet de résidence sociale")
    expect(page).to_have_url(re.compile(re.escape(routes.PROJECT) + "$"))


def test_project_page_for_a_territory_and_for_an_unknown_code(page: Page, app_url: str, screenshot):
    open_page(page, f"{app_url}{routes.PROJECT}?territoire={METROPOLE_LILLE}")
    heading = page.locator(f"#{content_ids.PROJET_TERRITOIRE}")
    expect(heading).to_contain_text("Métropole Européenne de Lille")
    expect(heading).to_contain_text(f"SIREN {METROPOLE_LILLE}")
    expect(page.locator(".territory-panel")).to_contain_text("Pension de famille")
    expect(page.locator(".territory-panel")).to_contain_text("mise en œuvre accélérée")
    screenshot("monter-un-projet-territoire")
    open_page(page, f"{app_url}{routes.PROJECT}?territoire=000000000")
    expect(page.get_by_role("alert")).to_contain_text("Aucun territoire de code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monter un projet de résidence sociale")
    screenshot("monter-un-projet-code-inconnu")


def calculator_field(page: Page, key: str):
    """The input of one calculator field (`key` as in the address)."""
    return page.locator(f"#{calculator_ids.CALC_FIELD_PREFIX}{key}")


def calculator_error(page: Page, key: str):
    """The validation message of one calculator field."""
    return page.locator(f"#{calculator_ids.CALC_ERROR_PREFIX}{key}")


def calculator_block(page: Page, key: str):
    """Label, input and messages of one calculator field."""
    return page.locator(f"#{calculator_ids.CALC_BLOCK_PREFIX}{key}")


def fill(page: Page, key: str, value: str) -> None:
    field = calculator_field(page, key)
    field.fill(value)
    field.press("Tab")


def test_calculator_estimates_validates_and_keeps_its_state_in_the_url(page: Page, app_url: str, screenshot):
    open_page(page, app_url + routes.CALCULATOR)
    result = page.locator(f"#{calculator_ids.CALC_RESULT}")
    expect(result).to_contain_text("Pour estimer le coût public d'une place, renseignez")
    # The default project: the average size of the région's pensions de famille (2 281 DREES places ÷ 105 FINESS).
    expect(calculator_field(page, "places")).to_have_value("22")
    expect(page.locator(f"#{calculator_ids.CALC_BLOCK_PREFIX}places")).to_contain_text(
        "2\u202f281 places ÷ 105 établissements"
    )
    expect(calculator_field(page, "forfait")).to_have_value("18")
    expect(page.locator(".calc-caveat")).to_contain_text("ordres de grandeur à confirmer")
    screenshot("calculateur-vide")

    for key, value in (("places", "25"), ("investissement", "100000"), ("part_subvention", "50")):
        fill(page, key, value)
    fill(page, "duree", "40")
    fill(page, "occupation", "95")
    expect(result).to_contain_text(re.compile(r"≈\s8\s490\s€"))
    expect(page.locator(f"#{calculator_ids.CALC_CHART} .main-svg").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"places=25&investissement=100000&part_subvention=50&duree=40&occupation=95"))
    screenshot("calculateur-resultat")

    fill(page, "places", "0")
    expect(calculator_error(page, "places")).to_have_text("« Nombre de places » doit être supérieur à zéro.")
    expect(result).to_contain_text("Corrigez")
    fill(page, "duree", "-3")
    expect(calculator_error(page, "duree")).to_have_text("« Durée d'amortissement » ne peut pas être négatif.")
    screenshot("calculateur-erreurs")

    fill(page, "places", "50")
    fill(page, "duree", "40")
    page.get_by_text("Autre résidence sociale").click()
    expect(calculator_block(page, "forfait")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"type=autre.*places=50"))
    page.reload()
    expect(calculator_field(page, "places")).to_have_value("50")
    expect(calculator_block(page, "forfait")).to_be_hidden()
    # 50 % × 100 000 € ÷ 40 years = 1 250 €; AGLS 25 000 € ÷ 50 places = 500 €
    expect(result).to_contain_text(re.compile(r"≈\s1\s750\s€"))


def test_calculator_bad_url_parameters_give_a_notice(page: Page, app_url: str, screenshot):
    open_page(page, app_url + routes.CALCULATOR + "?places=-2&type=chateau&forfait=20")
    notice = page.locator(f"#{calculator_ids.CALC_NOTICES}")
    expect(notice).to_contain_text("Paramètre « places=-2 » ignoré")
    expect(notice).to_contain_text("Paramètre « type=chateau » ignoré")
    expect(calculator_field(page, "places")).to_have_value("22")
    expect(calculator_field(page, "forfait")).to_have_value("20")
    screenshot("calculateur-parametres-invalides")


def test_sources_page_anchors(page: Page, app_url: str, screenshot):
    open_page(page, app_url + routes.indicator_source_path("taux_pauvrete"))
    target = page.locator(f"#{routes.indicator_anchor('taux_pauvrete')}")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("Taux de pauvreté")
    expect(page.locator(f"#{routes.DATASET_ANCHOR_PREFIX}finess-fhir-20210108-france-housing")).to_contain_text(
        "Lignes lues"
    )
    expect(page.locator(f"#{content_ids.SOURCES_LIMITS}")).to_contain_text("DALO")
    screenshot("sources-indicateur")
