"""Commune fiche (/commune/<code Insee>) in headless Chromium on the real build, and how the map leads to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.commune import ids as commune_ids
from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.territory import ids as territory_ids
from tests.browser.conftest import not_found_error, watch_requests_leaving

pytestmark = pytest.mark.browser

AMIENS = "80021"
#: A commune merged into a commune nouvelle (administrative reference): 80007 → 80436.
MERGED, CURRENT = "80007", "80436"
TITLE = f"#{commune_ids.COMMUNE_TITLE}"


def test_commune_fiche_compares_the_commune_and_lists_residences(page: Page, app_url: str, screenshot):
    outside = watch_requests_leaving(page, app_url)
    page.goto(app_url + routes.commune_path(AMIENS))
    expect(page.locator(TITLE)).to_have_text("Amiens")
    expect(page).to_have_title(re.compile(r"Amiens \(80021\)"))
    identity = page.locator(f"#{commune_ids.COMMUNE_IDENTITY}")
    expect(identity).to_contain_text("Somme (80)")
    expect(identity).to_contain_text("CA Amiens Métropole")
    table = page.locator(f"#{commune_ids.COMMUNE_TABLE}")
    expect(table.locator("thead")).to_contain_text("Hauts-de-France")
    expect(table.locator("thead")).to_contain_text("CA Amiens Métropole")
    expect(table).to_contain_text("Taux de pauvreté")
    expect(table).to_contain_text("Source : Insee")
    expect(page.locator(f"#{commune_ids.COMMUNE_RESIDENCES} tbody tr").first).to_be_visible()
    nearest = page.locator(f"#{commune_ids.COMMUNE_NEAREST} tbody tr")
    expect(nearest).to_have_count(5)
    expect(nearest.first).to_contain_text(re.compile(r"\d+,\d\u00a0?km|\d+,\d km"))
    screenshot("commune-amiens")
    identity.get_by_role("link", name="CA Amiens Métropole").click()
    expect(page.locator(f"#{territory_ids.TERRITORY_TITLE}")).to_have_text("CA Amiens Métropole")
    assert outside == []


def test_the_commune_map_panel_opens_the_commune_fiche(page: Page, app_url: str):
    page.goto(f"{app_url}{routes.HOME}?niveau=commune&territoire={AMIENS}")
    link = page.locator(f"#{map_ids.MAP_PANEL}").get_by_role("link", name="Ouvrir la fiche de la commune")
    expect(link).to_be_visible(timeout=20000)
    link.click()
    expect(page.locator(TITLE)).to_have_text("Amiens")


def test_an_unknown_code_gives_a_french_404(page: Page, app_url: str, expected_errors: list[str]):
    url = app_url + routes.commune_path("99999")
    expected_errors.append(not_found_error(url))
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator(TITLE)).to_have_text("Commune introuvable")
    expect(page.locator(f"#{commune_ids.COMMUNE_NOTICE}")).to_contain_text("99999")
    search = page.get_by_label("Rechercher un EPCI ou une commune (nom ou code)")
    search.fill("abbev")
    link = page.locator(f"#{territory_ids.FICHE_SEARCH_RESULTS}").get_by_role("link", name="Abbeville (commune, 80001)")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator(TITLE)).to_have_text("Abbeville")


def test_a_former_commune_code_leads_to_the_current_commune(page: Page, app_url: str):
    page.goto(app_url + routes.commune_path(MERGED))
    expect(page).to_have_url(re.compile(rf"{routes.commune_path(CURRENT)}\?ancien={MERGED}$"))
    expect(page.locator(f"#{commune_ids.COMMUNE_NOTICE}")).to_contain_text(f"« {MERGED} »")
    expect(page.locator(TITLE)).not_to_have_text("Commune introuvable")
