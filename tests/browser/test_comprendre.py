"""« Comprendre », « Monter un projet », the calculator and the sources page in headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

METROPOLE_LILLE = "200093201"


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#_pages_content h1")).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_comprendre_page_and_the_way_to_the_project_page(page: Page, app_url: str, screenshot):
    open_page(page, app_url + "/comprendre")
    expect(page).to_have_title("Comprendre les résidences sociales — Résidences sociales")
    expect(page.locator(".nav-link.active")).to_have_text("Comprendre")
    expect(page.locator("#site-nav, nav .nav-link").filter(has_text="Monter un projet")).to_have_count(0)
    table = page.locator(".types-table")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tbody tr").first.locator("td").last).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_text("Source : FINESS (DREES), extraction du 08/01/2021").first).to_be_visible()
    expect(page.locator("#reserves .reservation")).to_have_count(2)
    screenshot("comprendre")
    page.get_by_role("link", name="Monter un projet de résidence sociale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monter un projet de résidence sociale")
    expect(page).to_have_url(re.compile(r"/comprendre/monter-un-projet$"))


def test_project_page_for_a_territory_and_for_an_unknown_code(page: Page, app_url: str, screenshot):
    open_page(page, f"{app_url}/comprendre/monter-un-projet?territoire={METROPOLE_LILLE}")
    heading = page.locator("#projet-territoire")
    expect(heading).to_contain_text("Métropole Européenne de Lille")
    expect(heading).to_contain_text(f"SIREN {METROPOLE_LILLE}")
    expect(page.locator(".territory-panel")).to_contain_text("Pension de famille")
    expect(page.locator(".territory-panel")).to_contain_text("mise en œuvre accélérée")
    screenshot("monter-un-projet-territoire")
    open_page(page, f"{app_url}/comprendre/monter-un-projet?territoire=000000000")
    expect(page.get_by_role("alert")).to_contain_text("Aucun territoire de code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monter un projet de résidence sociale")
    screenshot("monter-un-projet-code-inconnu")


def fill(page: Page, key: str, value: str) -> None:
    field = page.locator(f"#calc-champ-{key}")
    field.fill(value)
    field.press("Tab")


def test_calculator_estimates_validates_and_keeps_its_state_in_the_url(page: Page, app_url: str, screenshot):
    open_page(page, app_url + "/calculateur")
    result = page.locator("#calc-resultat")
    expect(result).to_contain_text("Pour estimer le coût public d'une place, renseignez")
    expect(page.locator("#calc-champ-places")).to_have_value("")
    expect(page.locator("#calc-champ-forfait")).to_have_value("18")
    expect(page.locator(".calc-caveat")).to_contain_text("ordres de grandeur à confirmer")
    screenshot("calculateur-vide")

    for key, value in (("places", "25"), ("investissement", "100000"), ("part_subvention", "50")):
        fill(page, key, value)
    fill(page, "duree", "40")
    fill(page, "occupation", "95")
    expect(result).to_contain_text(re.compile(r"≈\s8\s490\s€"))
    expect(page.locator("#calc-graphique .main-svg").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"places=25&investissement=100000&part_subvention=50&duree=40&occupation=95"))
    screenshot("calculateur-resultat")

    fill(page, "places", "0")
    expect(page.locator("#calc-erreur-places")).to_have_text("« Nombre de places » doit être supérieur à zéro.")
    expect(result).to_contain_text("Corrigez")
    fill(page, "duree", "-3")
    expect(page.locator("#calc-erreur-duree")).to_have_text("« Durée d'amortissement » ne peut pas être négatif.")
    screenshot("calculateur-erreurs")

    fill(page, "places", "50")
    fill(page, "duree", "40")
    page.get_by_text("Autre résidence sociale").click()
    expect(page.locator("#calc-bloc-forfait")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"type=autre.*places=50"))
    page.reload()
    expect(page.locator("#calc-champ-places")).to_have_value("50")
    expect(page.locator("#calc-bloc-forfait")).to_be_hidden()
    # 50 % × 100 000 € ÷ 40 years = 1 250 €; AGLS 25 000 € ÷ 50 places = 500 €
    expect(result).to_contain_text(re.compile(r"≈\s1\s750\s€"))


def test_calculator_bad_url_parameters_give_a_notice(page: Page, app_url: str, screenshot):
    open_page(page, app_url + "/calculateur?places=-2&type=chateau&forfait=20")
    notice = page.locator("#calc-notices")
    expect(notice).to_contain_text("Paramètre « places=-2 » ignoré")
    expect(notice).to_contain_text("Paramètre « type=chateau » ignoré")
    expect(page.locator("#calc-champ-places")).to_have_value("")
    expect(page.locator("#calc-champ-forfait")).to_have_value("20")
    screenshot("calculateur-parametres-invalides")


def test_sources_page_anchors(page: Page, app_url: str, screenshot):
    open_page(page, app_url + "/sources#indicateur-taux_pauvrete")
    target = page.locator("#indicateur-taux_pauvrete")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("Taux de pauvreté")
    expect(page.locator("#jeu-finess-fhir-20210108-hdf")).to_contain_text("Lignes lues")
    expect(page.locator("#limites")).to_contain_text("DALO")
    screenshot("sources-indicateur")
