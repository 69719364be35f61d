"""Territory fiche (/territoire/<siren>) in headless Chromium on the real build, screen and print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes
from dashboard.territory import ids as territory_ids
from tests.browser.conftest import not_found_error, watch_requests_leaving

pytestmark = pytest.mark.browser

LENS = "246200364"  # CA de Lens - Liévin (Pas-de-Calais)
AMIENS = "248000531"  # Amiens Métropole, accelerated territory of Logement d'abord
MAP_DRAWN = f"#{territory_ids.FICHE_MAP} .js-plotly-plot"
TITLE = f"#{territory_ids.TERRITORY_TITLE}"
FIGURES = f"#{territory_ids.FICHE_FIGURES}"
PRIORITY = f"#{territory_ids.FICHE_PRIORITY}"
SCORE = f"#{territory_ids.FICHE_SCORE}"
GAP = f"#{territory_ids.FICHE_GAP}"
LOGEMENT_D_ABORD = f"#{territory_ids.FICHE_LDA}"


def open_fiche(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(MAP_DRAWN)).to_be_attached(timeout=20000)
    page.wait_for_load_state("networkidle")


def test_fiche_shows_identity_map_priority_need_supply_and_arguments(page: Page, app_url: str, screenshot):
    outside = watch_requests_leaving(page, app_url)
    open_fiche(page, app_url + routes.territory_path(LENS))
    expect(page.locator(TITLE)).to_have_text("CA de Lens - Liévin")
    expect(page).to_have_title(re.compile("CA de Lens - Liévin"))
    identity = page.locator(f"#{territory_ids.FICHE_IDENTITY}")
    expect(identity).to_contain_text("Communauté d'agglomération")
    expect(identity).to_contain_text("Pas-de-Calais (62)")
    expect(identity).to_contain_text("36 dans la région")
    assert page.locator(f"#{territory_ids.FICHE_MAP} .choroplethlocation").count() == 36
    figures = page.locator(FIGURES)
    expect(figures.locator("thead")).to_contain_text("Hauts-de-France")
    expect(figures).to_contain_text("Insee, Filosofi 2019")
    expect(figures).to_contain_text("publié par département seulement")
    expect(figures).to_contain_text(re.compile(r"couvre \d+\u202f% de la population"))  # approximations
    priority = page.locator(PRIORITY)
    expect(priority).to_contain_text("1er sur 92 EPCI")
    expect(priority).to_contain_text("dans les 10 premiers pour")
    expect(priority.locator(".scatterlayer .trace")).to_have_count(3)  # others, the first ten, this territory
    expect(page.locator(SCORE)).to_contain_text("sur 100")
    expect(page.locator(GAP)).to_contain_text("Pensions de famille et résidences accueil")
    expect(page.locator(GAP)).to_contain_text("Dispersion des tailles")
    expect(page.locator(f"#{territory_ids.FICHE_ESTABLISHMENTS} tbody tr").first).to_be_visible()
    arguments = page.locator(f"#{territory_ids.FICHE_ARGUMENTS}")
    expect(arguments).to_contain_text(
        re.compile(r"Part des minima sociaux dans le revenu \(valeur officielle 2019\) \(\d+,\d\u202f%, Insee")
    )
    expect(arguments).to_contain_text(re.compile(r"il en manquerait environ [\d\u202f]+ places \(fourchette"))
    expect(page.locator(LOGEMENT_D_ABORD)).to_contain_text("à travers son département")
    expect(page.locator(f"#{territory_ids.FICHE_PROJECT_LINK}")).to_have_attribute(
        "href", f"{routes.PROJECT}?territoire={LENS}"
    )
    assert outside == [], "the fiche must work offline"
    screenshot("fiche")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".fiche-actions")).to_be_hidden()
    screenshot("fiche-impression")
    pdf_page = page.context.new_page()
    pdf_page.goto(app_url + routes.territory_path(AMIENS))
    expect(pdf_page.locator(MAP_DRAWN)).to_be_attached(timeout=20000)
    pdf = pdf_page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_accelerated_epci_and_weights_from_the_address(page: Page, app_url: str, screenshot):
    open_fiche(page, app_url + routes.territory_path(AMIENS) + "?poids=loyer_appartement:1&reference=region")
    expect(page.locator(LOGEMENT_D_ABORD)).to_contain_text(
        "Territoire de mise en œuvre accélérée du Logement d'abord (1re vague)"
    )
    expect(page.locator(f"{SCORE} tbody tr")).to_have_count(1)
    expect(page.locator(GAP)).to_contain_text("taux régional")
    screenshot("fiche-amiens")


def test_unknown_siren_gives_a_404_page_with_a_search(page: Page, app_url: str, screenshot, expected_errors: list[str]):
    url = app_url + routes.territory_path("123456789")
    expected_errors.append(not_found_error(url))
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator(TITLE)).to_have_text("Territoire introuvable")
    expect(page.locator(f"#{territory_ids.TERRITORY_NOTICE}")).to_contain_text("123456789")
    search = page.get_by_label("Rechercher un EPCI ou une commune (nom ou code)")
    search.fill("thierache")
    results = page.locator(f"#{territory_ids.FICHE_SEARCH_RESULTS} a")
    expect(results.first).to_be_visible()
    assert all("Thiérache" in text for text in results.all_inner_texts())
    screenshot("fiche-introuvable")
    results.first.click()
    expect(page.locator(MAP_DRAWN)).to_be_attached(timeout=20000)
    expect(page.locator(TITLE)).to_contain_text("Thiérache")


MEL = "200093201"
PICARDIE_VERTE = "246000848"


def test_mel_explains_its_priority_and_picardie_verte_shows_its_coverage(page: Page, app_url: str, screenshot):
    open_fiche(page, app_url + routes.territory_path(MEL))
    priority = page.locator(PRIORITY)
    expect(priority).to_contain_text("son offre dépasse la référence")  # a surplus in the top 10, explained
    expect(page.locator(FIGURES)).to_contain_text("245900410")  # official median of the 2019 MEL
    screenshot("fiche-mel")
    open_fiche(page, app_url + routes.territory_path(PICARDIE_VERTE))
    figures = page.locator(FIGURES)
    expect(figures).to_contain_text("moins de la moitié : à lire avec prudence")  # poverty rate from one commune
    expect(page.locator(PRIORITY)).to_contain_text("aucune résidence sociale recensée")
    screenshot("fiche-picardie-verte")


def test_the_method_page_gives_formulas_weights_and_perimeter_changes(page: Page, app_url: str, screenshot):
    page.goto(app_url + routes.METHOD)
    method = page.locator(f"#{routes.METHOD_ANCHOR}")
    expect(method).to_contain_text("Offre attendue compte tenu du besoin", timeout=20000)
    expect(method).to_contain_text("CC Thelloise")
    expect(method).to_contain_text("Places par établissement")
    expect(method.locator("tbody tr").first).to_be_visible()
    screenshot("sources-methode")
