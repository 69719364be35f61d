"""Territory fiche (/territoire/<siren>) in headless Chromium on the real build, screen and print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import not_found_error

pytestmark = pytest.mark.browser

LENS = "246200364"  # CA de Lens - Liévin (Pas-de-Calais)
AMIENS = "248000531"  # Amiens Métropole, accelerated territory of Logement d'abord


def open_fiche(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#fiche-carte .js-plotly-plot")).to_be_attached(timeout=20000)
    page.wait_for_load_state("networkidle")


def test_fiche_shows_identity_map_priority_need_supply_and_arguments(page: Page, app_url: str, screenshot):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(app_url) else outside.append(request.url))
    open_fiche(page, f"{app_url}/territoire/{LENS}")
    expect(page.locator("#territoire-titre")).to_have_text("CA de Lens - Liévin")
    expect(page).to_have_title(re.compile("CA de Lens - Liévin"))
    identity = page.locator("#fiche-identite")
    expect(identity).to_contain_text("Communauté d'agglomération")
    expect(identity).to_contain_text("Pas-de-Calais (62)")
    expect(identity).to_contain_text("36 dans la région")
    assert page.locator("#fiche-carte .choroplethlocation").count() == 36
    figures = page.locator("#fiche-chiffres")
    expect(figures.locator("thead")).to_contain_text("Hauts-de-France")
    expect(figures).to_contain_text("Insee, Filosofi 2019")
    expect(figures).to_contain_text("publié par département seulement")
    expect(figures).to_contain_text(re.compile(r"couvre \d+\u202f% de la population"))  # approximations
    priority = page.locator("#fiche-priorite")
    expect(priority).to_contain_text("1er sur 92 EPCI")
    expect(priority).to_contain_text("dans les 10 premiers pour")
    expect(priority.locator(".scatterlayer .trace")).to_have_count(3)  # others, the first ten, this territory
    expect(page.locator("#fiche-score")).to_contain_text("sur 100")
    expect(page.locator("#fiche-ecart")).to_contain_text("Pensions de famille et résidences accueil")
    expect(page.locator("#fiche-ecart")).to_contain_text("Dispersion des tailles")
    expect(page.locator("#fiche-etablissements tbody tr").first).to_be_visible()
    arguments = page.locator("#fiche-arguments")
    expect(arguments).to_contain_text(
        re.compile(r"Part des minima sociaux dans le revenu \(valeur officielle 2019\) \(\d+,\d\u202f%, Insee")
    )
    expect(arguments).to_contain_text(re.compile(r"il en manquerait environ [\d\u202f]+ places \(fourchette"))
    expect(page.locator("#fiche-logement-d-abord")).to_contain_text("à travers son département")
    expect(page.locator("#fiche-monter-un-projet")).to_have_attribute(
        "href", f"/comprendre/monter-un-projet?territoire={LENS}"
    )
    assert outside == [], "the fiche must work offline"
    screenshot("fiche")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".fiche-actions")).to_be_hidden()
    screenshot("fiche-impression")
    pdf_page = page.context.new_page()
    pdf_page.goto(f"{app_url}/territoire/{AMIENS}")
    expect(pdf_page.locator("#fiche-carte .js-plotly-plot")).to_be_attached(timeout=20000)
    pdf = pdf_page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_accelerated_epci_and_weights_from_the_address(page: Page, app_url: str, screenshot):
    open_fiche(page, f"{app_url}/territoire/{AMIENS}?poids=loyer_appartement:1&reference=region")
    expect(page.locator("#fiche-logement-d-abord")).to_contain_text(
        "Territoire de mise en œuvre accélérée du Logement d'abord (1re vague)"
    )
    expect(page.locator("#fiche-score tbody tr")).to_have_count(1)
    expect(page.locator("#fiche-ecart")).to_contain_text("taux régional")
    screenshot("fiche-amiens")


def test_unknown_siren_gives_a_404_page_with_a_search(page: Page, app_url: str, screenshot, expected_errors: list[str]):
    expected_errors.append(not_found_error(f"{app_url}/territoire/123456789"))
    response = page.goto(f"{app_url}/territoire/123456789")
    assert response is not None and response.status == 404
    expect(page.locator("#territoire-titre")).to_have_text("Territoire introuvable")
    expect(page.locator("#territoire-avis")).to_contain_text("123456789")
    search = page.get_by_label("Rechercher un EPCI par son nom")
    search.fill("thierache")
    results = page.locator("#fiche-recherche-resultats a")
    expect(results.first).to_be_visible()
    assert all("Thiérache" in text for text in results.all_inner_texts())
    screenshot("fiche-introuvable")
    results.first.click()
    expect(page.locator("#fiche-carte .js-plotly-plot")).to_be_attached(timeout=20000)
    expect(page.locator("#territoire-titre")).to_contain_text("Thiérache")


MEL = "200093201"
PICARDIE_VERTE = "246000848"


def test_mel_explains_its_priority_and_picardie_verte_shows_its_coverage(page: Page, app_url: str, screenshot):
    open_fiche(page, f"{app_url}/territoire/{MEL}")
    priority = page.locator("#fiche-priorite")
    expect(priority).to_contain_text("son offre dépasse la référence")  # a surplus in the top 10, explained
    expect(page.locator("#fiche-chiffres")).to_contain_text("245900410")  # official median of the 2019 MEL
    screenshot("fiche-mel")
    open_fiche(page, f"{app_url}/territoire/{PICARDIE_VERTE}")
    figures = page.locator("#fiche-chiffres")
    expect(figures).to_contain_text("moins de la moitié : à lire avec prudence")  # poverty rate from one commune
    expect(page.locator("#fiche-priorite")).to_contain_text("aucune résidence sociale recensée")
    screenshot("fiche-picardie-verte")


def test_the_method_page_gives_formulas_weights_and_perimeter_changes(page: Page, app_url: str, screenshot):
    page.goto(f"{app_url}/sources#methode-besoins")
    method = page.locator("#methode-besoins")
    expect(method).to_contain_text("Offre attendue compte tenu du besoin", timeout=20000)
    expect(method).to_contain_text("CC Thelloise")
    expect(method).to_contain_text("Places par établissement")
    expect(method.locator("tbody tr").first).to_be_visible()
    screenshot("sources-methode")
