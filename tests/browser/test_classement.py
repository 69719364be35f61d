"""Ranking page (/classement) and the needs score on the map, in headless Chromium on the real build."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROWS = "#classement-tableau tr"
CHART_BARS = "#classement-contributions .barlayer .trace"


def open_ranking(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(ROWS).first).to_be_visible(timeout=20000)
    page.wait_for_load_state("networkidle")


def first_names(page: Page, count: int = 5) -> list[str]:
    return page.locator(f"{ROWS} th a").evaluate_all(f"links => links.slice(0, {count}).map(a => a.textContent)")


def test_ranking_lists_the_92_epci_with_intervals_gap_and_sources(page: Page, app_url: str, screenshot):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(app_url) else outside.append(request.url))
    open_ranking(page, app_url + "/classement")
    expect(page.locator("#classement-titre")).to_have_text("Classement des EPCI par besoin (estimation)")
    expect(page.locator(ROWS)).to_have_count(92)
    first = page.locator(ROWS).first
    expect(first.locator("td").first).to_have_text("1er")
    expect(first).to_contain_text(re.compile(r"\d+ – \d+"))  # rank interval
    expect(page.locator(CHART_BARS)).to_have_count(7)  # one trace per default indicator
    expect(page.locator("#classement-resume")).to_contain_text("Cas solides")
    expect(page.locator("#classement-tableau-sources")).to_contain_text("Insee, Filosofi 2021")
    expect(page.locator("#classement-ecart-note")).to_contain_text("taux régional")
    expect(page.get_by_text("manquant").first).to_be_visible()  # EPCIs with a missing indicator are flagged
    assert page.locator("#classement-lien").input_value().startswith(app_url + "/classement?poids=taux_pauvrete:1")
    assert outside == []
    screenshot("classement")


def test_weight_sliders_change_the_ranking_and_the_address(page: Page, app_url: str, screenshot):
    open_ranking(page, app_url + "/classement")
    before = first_names(page)
    # Keyboard: the supply slider down to 0 (indicator left out), the poverty slider up.
    supply = page.locator("#poids-residence_sociale_pour_10000 + div [role='slider']")
    supply.focus()
    page.keyboard.press("Home")
    expect(page.locator(CHART_BARS)).to_have_count(6, timeout=10000)
    poverty = page.locator("#poids-taux_pauvrete + div [role='slider']")
    poverty.focus()
    page.keyboard.press("End")
    expect(page.locator("#classement-lien")).to_have_value(re.compile(r"taux_pauvrete:3"))
    assert "residence_sociale_pour_10000" not in page.url.split("poids=")[1].split("&")[0]
    after = first_names(page)
    assert after != before, "a change of weights must change the ranking"
    screenshot("classement-poids")
    page.get_by_role("button", name="Rétablir les poids par défaut").click()
    expect(page.locator(CHART_BARS)).to_have_count(7)
    expect(page.locator("#classement-lien")).to_have_value(re.compile(r"residence_sociale_pour_10000:1.5"))


def test_permalink_restores_weights_filters_and_gap_reference(page: Page, app_url: str, screenshot):
    query = "/classement?poids=taux_pauvrete:2,taux_chomage:1&normalisation=z_robuste&comparaison=cible&cible=1&places=30&dep=62&nature=CA,CU"
    open_ranking(page, app_url + query)
    expect(page.locator(CHART_BARS)).to_have_count(2)
    expect(page.locator("#classement-normalisation input[value='z_robuste']")).to_be_checked()
    expect(page.locator("#classement-comparaison input[value='cible']")).to_be_checked()
    expect(page.locator("#classement-places")).to_have_value("30")
    expect(page.locator("#classement-departements input[value='62']")).to_be_checked()
    rows = page.locator(ROWS)
    expect(rows).not_to_have_count(92)
    details = rows.locator("th .cell-detail").all_inner_texts()
    assert details and all(re.match(r"Pas-de-Calais · (CA|CU) · ", text) for text in details)
    expect(page.locator("#classement-nombre")).to_contain_text("filtres actifs")
    expect(page.locator("#classement-ecart-note")).to_contain_text("taux saisi (1,00 pour 10 000 hab.)")
    expect(page.locator("#classement-ecart-note")).to_contain_text("30,0 places par résidence (hypothèse saisie)")
    assert page.locator("#classement-lien").input_value() == app_url + query
    screenshot("classement-lien")
    # A fiche link keeps the weights.
    href = rows.first.locator("th a").get_attribute("href")
    assert href.startswith("/territoire/") and "poids=taux_pauvrete:2,taux_chomage:1" in href


def test_bad_parameters_give_notices_and_defaults(page: Page, app_url: str, screenshot):
    open_ranking(page, app_url + "/classement?poids=inconnu:2,taux_pauvrete:9&comparaison=lune&taille=geante")
    notices = page.locator("#classement-avis")
    expect(notices).to_contain_text("Indicateur « inconnu » inconnu")
    expect(notices).to_contain_text("Poids « 9 » invalide")
    expect(notices).to_contain_text("Comparaison « lune » inconnue")
    expect(page.locator(ROWS)).to_have_count(92)
    screenshot("classement-parametres-invalides")


def test_the_map_shows_the_score_with_the_weights_of_the_address(page: Page, app_url: str, screenshot):
    page.goto(app_url + "/?indicateur=score_besoin&poids=taux_pauvrete:1,taux_chomage:1&normalisation=rang")
    expect(page.locator("#carte .choroplethlayer path.choroplethlocation").first).to_be_attached(timeout=20000)
    expect(page.locator("#carte-entete")).to_have_text("Score de besoin (estimation) par EPCI")
    expect(page.locator("#carte-indicateur-aide")).to_contain_text(
        "Taux de pauvreté (1), Taux de chômage des 15-64 ans (1)"
    )
    expect(page.locator("#carte-indicateur-aide a", has_text="Régler les poids")).to_have_attribute(
        "href", re.compile(r"^/classement\?poids=taux_pauvrete:1,taux_chomage:1")
    )
    expect(page.locator("#carte-tableau-corps tr")).to_have_count(92)
    expect(page.locator("#carte-legende")).to_contain_text("Sources : estimation à partir de")
    link = page.locator("#carte-lien")
    expect(link).to_have_value(re.compile(r"indicateur=score_besoin.*poids=taux_pauvrete:1,taux_chomage:1"))
    # The communes level has no score: the map says so and offers the EPCI level.
    page.locator("#carte-niveau input[value='commune']").check()
    expect(page.locator("#carte-niveau-absent-texte")).to_contain_text("n'est pas calculé par commune")
    screenshot("carte-score")
