"""The France build (`--region france`) in headless Chromium: the national map by EPCI and by commune, an
indicator switch on its 34,800 communes, and the fiche of an EPCI of another région than the Hauts-de-France."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes
from dashboard.territory import ids as territory_ids
from tests.browser.conftest import save_screenshot, serve, watch_requests_leaving
from tests.browser.test_map import HEADING, LEGEND, TERRITORY_PATHS, choose_indicator, trace
from tests.conftest import FRANCE_GROUP

pytestmark = pytest.mark.xdist_group(FRANCE_GROUP)

LYON_METROPOLE = "200046977"
#: The national map can take a few seconds to draw 34,800 polygons on these shared cores.
DRAW_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def france_url(france_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(france_data_dir, tmp_path_factory.mktemp("france-app") / "gunicorn.log") as url:
        yield url


def test_the_national_map_switches_indicator_on_every_commune(page: Page, france_url: str):
    page.set_viewport_size({"width": 1440, "height": 900})
    outside = watch_requests_leaving(page, france_url)
    page.goto(france_url + routes.HOME + "?couches=aucune")
    expect(page.locator(TERRITORY_PATHS).first).to_be_attached(timeout=DRAW_TIMEOUT_MS)
    expect(page).to_have_title(re.compile("Résidences sociales — France"))
    expect(page.locator("h1")).to_have_text("Carte des territoires de France")
    expect(page.locator(TERRITORY_PATHS)).to_have_count(1_250)
    expect(page.locator(LEGEND)).to_contain_text("1 250 EPCI sur 1 250 renseignés")
    expect(page.get_by_label("Régions")).to_be_visible()
    page.get_by_label("Communes").check()
    expect(page.locator(HEADING)).to_contain_text("par commune", timeout=DRAW_TIMEOUT_MS)
    count = len(trace(page, 0, "locations"))
    assert 34_800 < count < 34_900
    expect(page.locator(TERRITORY_PATHS)).to_have_count(count, timeout=DRAW_TIMEOUT_MS)
    geometry_requests: list[str] = []
    page.on(
        "request",
        lambda request: geometry_requests.append(request.url) if routes.GEOMETRY + "/" in request.url else None,
    )
    choose_indicator(page, "Taux de pauvreté")
    expect(page.locator(HEADING)).to_have_text("Taux de pauvreté par commune", timeout=DRAW_TIMEOUT_MS)
    expect(page.locator(LEGEND)).to_contain_text(re.compile(r"communes sur 34\s8\d\d renseignées"))
    expect(page.locator(LEGEND)).to_contain_text("donnée non disponible")
    assert geometry_requests == [], "an indicator change must not fetch the polygons again"
    assert outside == []
    save_screenshot(page, "france-communes-pauvrete", full_page=False)


def test_an_epci_of_another_region_is_compared_with_its_region_and_france(page: Page, france_url: str):
    page.goto(france_url + routes.TERRITORY_PREFIX + "/" + LYON_METROPOLE)
    expect(page.locator("h1")).to_have_text("Métropole de Lyon")
    expect(page.locator(f"#{territory_ids.FICHE_PRIORITY}")).to_contain_text("sur 1250 EPCI")
    expect(page.locator(f"#{territory_ids.FICHE_PRIORITY}")).to_contain_text("moyenne nationale pondérée")
    expect(page.locator(f"#{territory_ids.FICHE_PRIORITY}")).to_contain_text("Places non estimables")
    table = page.locator(f"#{territory_ids.TERRITORY_TABLE}")
    expect(table.locator("th").filter(has_text="Auvergne-Rhône-Alpes")).to_have_count(1)
    expect(table.get_by_role("columnheader", name="Rhône", exact=True)).to_have_count(1)
    expect(table.get_by_role("columnheader", name="France", exact=True)).to_have_count(1)
    save_screenshot(page, "france-fiche-lyon")
