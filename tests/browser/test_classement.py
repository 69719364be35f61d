"""Ranking page (/classement) and the need index on the map, in headless Chromium on the real build."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.presentation import ids as presentation_ids
from dashboard.ranking import ids as ranking_ids
from tests.browser.conftest import watch_requests_leaving

pytestmark = pytest.mark.browser

ROWS = f"#{ranking_ids.RANK_TABLE} tr"
CHART_BARS = f"#{ranking_ids.RANK_CHART} .barlayer .trace"
SCATTER = f"#{ranking_ids.RANK_NEED_SUPPLY} .scatterlayer .trace"


def open_ranking(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(ROWS).first).to_be_visible(timeout=20000)
    page.wait_for_load_state("networkidle")


def weight_slider(page: Page, indicator: str):
    """The slider of one indicator's weight, next to its label `poids-<indicator>` (an id of the page module,
    not of dashboard.ranking.ids)."""
    return page.locator(f"#{ranking_ids.RANK_WEIGHT_LABEL_PREFIX}{indicator} + div [role='slider']")


def first_names(page: Page, count: int = 5) -> list[str]:
    return page.locator(f"{ROWS} th a").evaluate_all(f"links => links.slice(0, {count}).map(a => a.textContent)")


def test_ranking_pairs_need_and_supply_with_intervals_gap_and_sources(page: Page, app_url: str, screenshot):
    outside = watch_requests_leaving(page, app_url)
    open_ranking(page, app_url + routes.RANKING)
    expect(page.locator(f"#{ranking_ids.RANK_TITLE}")).to_have_text(
        "Où manque-t-il des places en résidences sociales ?"
    )
    expect(page.locator(ROWS)).to_have_count(92)
    first = page.locator(ROWS).first
    expect(first.locator("td").first).to_have_text("1er")
    expect(first).to_contain_text(re.compile(r"\d+ – \d+"))  # rank interval
    expect(first).to_contain_text(re.compile(r"top 10 : \d+\u202f% des tirages"))
    expect(page.locator(CHART_BARS)).to_have_count(10)  # one trace per indicator with a default weight
    expect(page.locator(SCATTER)).to_have_count(2)  # the other EPCI and the 10 first
    summary = page.locator(f"#{ranking_ids.RANK_SUMMARY}")
    expect(summary).to_contain_text(re.compile(r"il manquerait environ [\d\u202f]+ places"))
    expect(summary).to_contain_text("Dans les 10 premiers pour au moins 95 %")
    expect(page.locator(f"#{ranking_ids.RANK_SOURCES}")).to_contain_text("Insee, Filosofi 2019")
    expect(page.locator(f"#{ranking_ids.RANK_TABLE}-entete")).to_contain_text("Écart au taux national")
    # A first-ten territory above the reference says why it is there.
    expect(page.locator(".cell-explanation").first).to_be_visible()
    assert (
        page.locator(f"#{ranking_ids.RANK_PERMALINK}")
        .input_value()
        .startswith(app_url + routes.RANKING + "?poids=part_minima_sociaux_2019:1.5")
    )
    assert outside == []
    screenshot("classement")


def test_weight_sliders_change_the_ranking_and_the_address(page: Page, app_url: str, screenshot):
    open_ranking(page, app_url + routes.RANKING)
    before = first_names(page)
    # Keyboard: the rents slider down to 0 (indicator left out), the unemployment slider up.
    rents = weight_slider(page, "loyer_appartement")
    rents.focus()
    page.keyboard.press("Home")
    expect(page.locator(CHART_BARS)).to_have_count(9, timeout=10000)
    unemployment = weight_slider(page, "taux_chomage")
    unemployment.focus()
    page.keyboard.press("End")
    expect(page.locator(f"#{ranking_ids.RANK_PERMALINK}")).to_have_value(re.compile(r"taux_chomage:3"))
    assert "loyer_appartement" not in page.url.split("poids=")[1].split("&")[0]
    after = first_names(page)
    assert after != before, "a change of weights must change the ranking"
    screenshot("classement-poids")
    page.get_by_role("button", name="Rétablir les réglages par défaut").click()
    expect(page.locator(CHART_BARS)).to_have_count(10)
    expect(page.locator(f"#{ranking_ids.RANK_PERMALINK}")).to_have_value(re.compile(r"loyer_appartement:1"))


def test_permalink_restores_weights_reference_order_and_filters(page: Page, app_url: str, screenshot):
    query = routes.RANKING + (
        "?poids=part_minima_sociaux_2019:2,taux_chomage:1&normalisation=z_robuste&reference=cible"
        "&cible=20&ordre=pour_10000&dep=62&nature=CA,CU"
    )
    open_ranking(page, app_url + query)
    expect(page.locator(CHART_BARS)).to_have_count(2)
    expect(page.locator(f"#{ranking_ids.RANK_NORMALISATION} input[value='z_robuste']")).to_be_checked()
    expect(page.locator(f"#{ranking_ids.RANK_REFERENCE} input[value='cible']")).to_be_checked()
    expect(page.locator(f"#{ranking_ids.RANK_ORDER} input[value='pour_10000']")).to_be_checked()
    expect(page.locator(f"#{ranking_ids.RANK_TARGET}")).to_have_value("20")
    expect(page.locator(f"#{ranking_ids.RANK_DEPARTEMENTS} input[value='62']")).to_be_checked()
    rows = page.locator(ROWS)
    expect(rows).not_to_have_count(92)
    details = rows.locator("th .cell-detail").all_inner_texts()
    assert details and all(re.match(r"Pas-de-Calais · (CA|CU) · ", text) for text in details if "·" in text)
    expect(page.locator(f"#{ranking_ids.RANK_COUNT}")).to_contain_text("filtres actifs")
    expect(page.locator(f"#{ranking_ids.RANK_SUMMARY}")).to_contain_text(
        "objectif saisi (20,0 places pour 10 000 habitants"
    )
    assert page.locator(f"#{ranking_ids.RANK_PERMALINK}").input_value() == app_url + query
    expect(page.locator(f"#{presentation_ids.PRES_ADD_FROM_RANKING}")).to_have_attribute(
        "href", re.compile(r"ajouter=classement:10:part_minima_sociaux_2019:2,taux_chomage:1$")
    )
    screenshot("classement-lien")
    # A fiche link keeps the parameters of the analysis.
    href = rows.first.locator("th a").get_attribute("href")
    assert href.startswith(routes.TERRITORY_PREFIX + "/") and "poids=part_minima_sociaux_2019:2,taux_chomage:1" in href
    assert "reference=cible&cible=20&ordre=pour_10000" in href


def test_bad_parameters_give_notices_and_defaults(page: Page, app_url: str, screenshot):
    open_ranking(
        page, app_url + routes.RANKING + "?poids=inconnu:2,loyer_appartement:9&reference=lune&cible=-4&taille=geante"
    )
    notices = page.locator(f"#{ranking_ids.RANK_NOTICES}")
    expect(notices).to_contain_text("Indicateur « inconnu » inconnu")
    expect(notices).to_contain_text("Poids « 9 » invalide")
    expect(notices).to_contain_text("Valeur « lune » inconnue pour « reference »")
    expect(notices).to_contain_text("Objectif « -4 » invalide")
    expect(page.locator(ROWS)).to_have_count(92)
    screenshot("classement-parametres-invalides")


def test_the_map_shows_the_need_index_with_the_weights_of_the_address(page: Page, app_url: str, screenshot):
    page.goto(
        app_url
        + routes.HOME
        + "?indicateur=score_besoin&poids=part_minima_sociaux_2019:1,taux_chomage:1&normalisation=rang"
    )
    expect(page.locator(f"#{map_ids.MAP_GRAPH} .choroplethlayer path.choroplethlocation").first).to_be_attached(
        timeout=20000
    )
    expect(page.locator(f"#{map_ids.MAP_HEADING}")).to_have_text("Indice de besoin (estimation) par EPCI")
    expect(page.locator(f"#{map_ids.MAP_INDICATOR_HELP}")).to_contain_text(
        "Part des minima sociaux dans le revenu (valeur officielle 2019) (1), Taux de chômage des 15-64 ans (1)"
    )
    expect(page.locator(f"#{map_ids.MAP_INDICATOR_HELP} a", has_text="Régler les poids")).to_have_attribute(
        "href", re.compile("^" + re.escape(routes.RANKING) + r"\?poids=part_minima_sociaux_2019:1,taux_chomage:1")
    )
    expect(page.locator(f"#{map_ids.MAP_TABLE_BODY} tr")).to_have_count(92)
    expect(page.locator(f"#{map_ids.MAP_LEGEND}")).to_contain_text("Sources : estimation à partir de")
    link = page.locator(f"#{map_ids.MAP_PERMALINK}")
    expect(link).to_have_value(re.compile(r"indicateur=score_besoin.*poids=part_minima_sociaux_2019:1,taux_chomage:1"))
    # The communes level has no index: the map says so and offers the EPCI level.
    page.locator(f"#{map_ids.MAP_LEVEL} input[value='commune']").check()
    expect(page.locator(f"#{map_ids.MAP_LEVEL_NOTICE_TEXT}")).to_contain_text("n'est pas calculé par commune")
    screenshot("carte-score")


def test_a_name_of_the_ranking_opens_its_fiche_without_reloading_the_app(page: Page, app_url: str):
    """The table's rows are written from data (dashboard.ui.plain_rows): their links still navigate inside the app."""
    open_ranking(page, app_url + routes.RANKING)
    first = page.locator(f"{ROWS} th a").first
    name = first.text_content()
    page.evaluate("() => { window.sameApp = true; }")
    first.click()
    expect(page).to_have_url(re.compile(r"/territoire/\d{9}"))
    expect(page.locator("h1")).to_contain_text(name)
    assert page.evaluate("() => window.sameApp === true")  # no page load: the app stayed in place
