"""Comparison page (/comparer) in headless Chromium: table from the address, a territory added with the picker,
the address kept in step, « Comparer avec… » from a fiche."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.commune import ids as commune_ids
from dashboard.comparison import ids as compare_ids
from dashboard.core import routes

pytestmark = pytest.mark.browser

AMIENS_COMMUNE, AMIENS_EPCI = "80021", "248000531"
TABLE = f"#{compare_ids.COMPARE_TABLE}"


def test_compare_a_commune_and_an_epci_then_add_a_departement(page: Page, app_url: str, screenshot):
    page.goto(f"{app_url}{routes.COMPARE}?territoires={AMIENS_COMMUNE},{AMIENS_EPCI}")
    head = page.locator(f"{TABLE} thead")
    expect(head).to_contain_text("Amiens (commune)")
    expect(head).to_contain_text("CA Amiens Métropole (EPCI)")
    expect(head).to_contain_text("Hauts-de-France")
    expect(page.locator(TABLE)).to_contain_text("Source : Insee")
    page.locator(f"#{compare_ids.COMPARE_TERRITORIES}").click()
    page.keyboard.type("Somme (dép")
    page.get_by_role("option", name="Somme (département, 80)", exact=True).click()
    page.keyboard.press("Escape")
    expect(head).to_contain_text("Somme (département)")
    expect(page).to_have_url(re.compile(rf"territoires={AMIENS_COMMUNE},{AMIENS_EPCI},80(&|$)"))
    screenshot("comparer")


def test_a_fiche_offers_to_compare_it(page: Page, app_url: str):
    page.goto(app_url + routes.commune_path(AMIENS_COMMUNE))
    expect(page.locator(f"#{commune_ids.COMMUNE_TITLE}")).to_have_text("Amiens")
    page.get_by_role("link", name="Comparer avec…").click()
    expect(page.locator(f"#{compare_ids.COMPARE_TITLE}")).to_have_text("Comparer des territoires")
    expect(page.locator(TABLE)).to_contain_text("Choisissez de 2 à 4 territoires")
    expect(page.locator(f"#{compare_ids.COMPARE_TERRITORIES}")).to_contain_text("Amiens (commune, 80021)")
