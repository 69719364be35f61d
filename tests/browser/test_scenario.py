"""« Projet envisagé » in headless Chromium, as a mayor would try it: place a 25-place pension de famille in the
commune, watch the EPCI's gap and rank move, share the link, add the scenario to the presentation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.scenario import ids as scenario_ids

pytestmark = pytest.mark.browser

LENS_LIEVIN, LENS = "246200364", "62498"
FICHE = scenario_ids.SCOPE_FICHE


def part(role: str) -> str:
    return f"#{scenario_ids.scoped(role, FICHE)}"


def test_a_mayor_places_a_pension_de_famille_and_watches_the_gap_and_rank_move(page: Page, app_url: str, screenshot):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + routes.territory_path(LENS_LIEVIN))
    results = page.locator(part(scenario_ids.RESULTS))
    expect(results).to_contain_text("Ajoutez un projet pour voir")
    page.locator(part(scenario_ids.COMMUNE)).click()
    page.keyboard.type("Lens")
    page.get_by_role("option", name=f"Lens ({LENS})", exact=True).click()
    page.locator(part(scenario_ids.ADD)).click()
    expect(page.locator(part(scenario_ids.STATUS))).to_contain_text("Projet ajouté")
    expect(page.locator(part(scenario_ids.LIST))).to_contain_text(f"Pension de famille de 25 places à Lens ({LENS})")
    expect(results).to_contain_text("l'écart au taux national passe de +220 à +195 places")
    expect(results).to_contain_text("Sans projet")
    rows = results.locator("tbody tr")
    expect(rows.filter(has_text="Rang de priorité")).to_contain_text("1er sur 92")
    expect(rows.filter(has_text="Rang de priorité").locator("strong")).to_have_text(re.compile(r"\d+e sur 92"))
    expect(page).to_have_url(re.compile(rf"projets=pension_de_famille:25:{LENS}(&|$)"))
    expect(page.locator(part(scenario_ids.PERMALINK))).to_have_value(
        re.compile(rf"projets=pension_de_famille:25:{LENS}")
    )
    results.scroll_into_view_if_needed()
    screenshot("scenario-fiche")

    # The shared link opens the same scenario.
    page.goto(page.url)
    expect(page.locator(part(scenario_ids.RESULTS))).to_contain_text("passe de +220 à +195 places")

    # Into the presentation: a « Scénario » slide with the before/after.
    page.locator(part(scenario_ids.DECK)).click()
    expect(page).to_have_url(re.compile(r"/presentation"))
    slide = page.locator(".slide-scenario-table").first
    expect(slide).to_contain_text("Avec les projets")
    expect(page.get_by_text("Scénario : CA de Lens - Liévin — 1 projet(s), 25 places").first).to_be_visible()
    table_box = slide.bounding_box()
    body_box = page.locator(".slide-body-scenario").first.bounding_box()
    assert table_box and body_box and table_box["y"] + table_box["height"] <= body_box["y"] + body_box["height"] + 1
    screenshot("scenario-diapositive")


def test_removing_the_project_and_invalid_form_values(page: Page, app_url: str):
    page.goto(app_url + routes.territory_path(LENS_LIEVIN) + f"?projets=pension_de_famille:25:{LENS}|fjt:900:{LENS}")
    expect(page.get_by_text("Projet « fjt:900:62498 » ignoré")).to_be_visible()
    page.locator(part(scenario_ids.ADD)).click()
    expect(page.locator(part(scenario_ids.STATUS))).to_have_text("Choisissez la commune du projet.")
    page.get_by_role("button", name=re.compile("Retirer : Pension de famille")).click()
    expect(page.locator(part(scenario_ids.LIST))).to_have_text("Aucun projet envisagé pour l'instant.")
    expect(page).not_to_have_url(re.compile("projets="))


def test_on_the_map_a_commune_s_panel_places_a_project_in_its_epci(page: Page, app_url: str, screenshot):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app_url + f"{routes.HOME}?niveau=commune&territoire={LENS}")
    block = page.locator(f"#{map_ids.MAP_PANEL_PROJECT}")
    block.get_by_text("Projet envisagé : et si une résidence ouvrait ici ?").click()
    expect(page.locator(f"#{scenario_ids.scoped(scenario_ids.COMMUNE, scenario_ids.SCOPE_MAP)}")).to_contain_text(
        f"Lens ({LENS})"
    )
    page.locator(f"#{scenario_ids.scoped(scenario_ids.ADD, scenario_ids.SCOPE_MAP)}").click()
    results = page.locator(f"#{scenario_ids.scoped(scenario_ids.RESULTS, scenario_ids.SCOPE_MAP)}")
    expect(results).to_contain_text("l'écart au taux national passe de +220 à +195 places")
    expect(page).to_have_url(re.compile(rf"territoire={LENS}&projets=pension_de_famille:25:{LENS}$"))
    expect(page.locator(f"#{map_ids.MAP_PERMALINK}")).to_have_value(re.compile(f"projets=pension_de_famille:25:{LENS}"))
    results.scroll_into_view_if_needed()
    screenshot("scenario-carte")

    # The address reopens the map with the project, folded open in the panel.
    page.goto(page.url)
    expect(page.locator(f"#{scenario_ids.scoped(scenario_ids.LIST, scenario_ids.SCOPE_MAP)}")).to_contain_text(
        f"Pension de famille de 25 places à Lens ({LENS})"
    )
    page.get_by_role("button", name=re.compile("Retirer : Pension de famille")).click()
    expect(page).not_to_have_url(re.compile("projets="))
