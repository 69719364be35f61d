"""The map explorer (home page) in headless Chromium, on the real build of the open-data mirror."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Page, expect

from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.territory import ids as territory_ids
from tests.browser.conftest import save_screenshot, watch_requests_leaving

pytestmark = pytest.mark.browser

GRAPH = f"#{map_ids.MAP_GRAPH} .js-plotly-plot"
TERRITORY_PATHS = f"#{map_ids.MAP_GRAPH} .choroplethlayer .trace.choropleth:first-child path.choroplethlocation"
HEADING = f"#{map_ids.MAP_HEADING}"
LEGEND = f"#{map_ids.MAP_LEGEND}"
PERMALINK = f"#{map_ids.MAP_PERMALINK}"
PANEL = f"#{map_ids.MAP_PANEL}"
TABLE_ROWS = f"#{map_ids.MAP_TABLE_BODY} tr"
ARRAS = "200033579"


def open_map(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(TERRITORY_PATHS).first).to_be_attached(timeout=20000)
    page.wait_for_load_state("networkidle")


def trace(page: Page, index: int, key: str):
    return page.evaluate(f"document.querySelector('{GRAPH}').data[{index}]['{key}']")


def fills(page: Page) -> list[str]:
    return page.locator(TERRITORY_PATHS).evaluate_all("paths => paths.map(p => getComputedStyle(p).fill)")


def choose_indicator(page: Page, label: str) -> None:
    page.locator(f"#{map_ids.MAP_INDICATOR}").click()
    page.get_by_role("option", name=label, exact=True).click()


def point_inside(built_data_dir: Path, code: str) -> tuple[float, float]:
    territories = gpd.read_parquet(built_data_dir / "processed" / "territories.parquet")
    shape = territories.loc[territories["code"] == code].geometry.iloc[0]
    point = shape.representative_point()
    return point.x, point.y


def click_location(page: Page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, using the projection of plotly's geo subplot."""
    x, y = page.evaluate(
        """([graph, lon, lat]) => {
            const gd = document.querySelector(graph);
            const [px, py] = gd._fullLayout.geo._subplot.projection([lon, lat]);
            const box = gd.querySelector('.main-svg').getBoundingClientRect();
            return [box.left + px, box.top + py];
        }""",
        [GRAPH, lon, lat],
    )
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def test_map_draws_the_92_epci_offline_with_legend_table_and_sources(page: Page, app_url: str, screenshot):
    outside = watch_requests_leaving(page, app_url)
    open_map(page, app_url + routes.HOME)
    expect(page.locator(TERRITORY_PATHS)).to_have_count(92)
    assert len(trace(page, 0, "locations")) == 92
    assert isinstance(trace(page, 0, "geojson"), str), "the polygons must come from the cached GeoJSON URL"
    # The map opens on the need index: it varies across the région (five full classes, every EPCI valued).
    expect(page.locator(HEADING)).to_have_text("Indice de besoin (estimation) par EPCI")
    legend = page.locator(LEGEND)
    expect(legend.locator(".legend-entry")).to_have_count(5)
    expect(legend.locator(".legend-entry").first).to_contain_text("EPCI")
    expect(legend).to_contain_text("92 EPCI sur 92 renseignés")
    expect(legend).not_to_contain_text("sans une partie de ses indicateurs")
    expect(legend).not_to_contain_text("classes seulement")
    # Its many sources are printed once, under the map; the legend floating over the map points there.
    expect(legend).to_contain_text("Sources et millésimes : sous la carte.")
    expect(page.locator(f"#{map_ids.MAP_SOURCE}")).to_contain_text("estimation à partir de")
    expect(page.locator(f"#{map_ids.MAP_SOURCE}")).to_contain_text("Insee, Filosofi 2019")
    expect(page.locator(f"#{map_ids.MAP_SOURCE}")).to_contain_text("Fonds de carte : Etalab / IGN")
    expect(page.locator(TABLE_ROWS)).to_have_count(92)
    expect(page.locator(f"#{map_ids.MAP_TABLE_SOURCE}")).to_contain_text("Source")
    assert page.locator(PERMALINK).input_value().startswith(app_url + routes.HOME + "?indicateur=score_besoin")
    # The table is sortable from the keyboard.
    page.locator(f"#{map_ids.MAP_TABLE_SORT_NAME}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{map_ids.MAP_TABLE_TH_NAME}")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(TABLE_ROWS).first.locator("th")).to_have_text(re.compile(r"^C"))
    assert outside == [], "the map must work offline: no request may leave the app"
    screenshot("map-epci")


def test_changing_the_indicator_changes_legend_and_colours_without_resending_geometry(
    page: Page, app_url: str, screenshot
):
    open_map(page, app_url + routes.HOME + "?couches=aucune")
    before_legend = page.locator(LEGEND).inner_text()
    before_fills = fills(page)
    geometry_requests: list[str] = []
    page.on(
        "request",
        lambda request: geometry_requests.append(request.url) if routes.GEOMETRY + "/" in request.url else None,
    )
    choose_indicator(page, "Taux de pauvreté")
    expect(page.locator(HEADING)).to_have_text("Taux de pauvreté par EPCI")
    expect(page.locator(LEGEND)).to_contain_text("donnée non disponible")
    expect(page.locator(LEGEND)).to_contain_text("Ces valeurs sont des approximations.")
    assert page.locator(LEGEND).inner_text() != before_legend
    expect(page.locator(f"{TERRITORY_PATHS}[fill='rgb(230, 230, 230)']")).not_to_have_count(0)
    hatched = page.locator(f"{TERRITORY_PATHS}[fill='rgb(230, 230, 230)']").first
    assert "url(" in hatched.evaluate("path => getComputedStyle(path).fill")  # hatched, not a scale colour
    assert fills(page) != before_fills
    expect(page.locator(f"#{map_ids.MAP_TABLE_CAPTION}")).to_contain_text("Taux de pauvreté par EPCI")
    expect(page).to_have_url(re.compile(re.escape("indicateur=taux_pauvrete")))
    assert geometry_requests == [], "an indicator change must not fetch the polygons again"
    screenshot("map-indicator-changed")


def test_a_residence_type_toggle_hides_its_points(page: Page, app_url: str, screenshot):
    open_map(page, app_url + routes.HOME)
    points = page.locator(f"#{map_ids.MAP_GRAPH} .scattergeo .point")
    before = points.count()
    assert trace(page, 3, "name") == "Résidence sociale généraliste" and trace(page, 3, "visible") is True
    page.get_by_role("checkbox", name=re.compile("Résidence sociale généraliste")).uncheck()
    expect(points).to_have_count(before - len(trace(page, 3, "lon")))
    assert trace(page, 3, "visible") is False
    expect(page).to_have_url(re.compile(re.escape("couches=pension_de_famille,residence_accueil,fjt,ftm")))
    screenshot("map-layer-hidden")


def test_a_permalink_restores_the_view(page: Page, app_url: str, screenshot):
    query = routes.HOME + (
        "?indicateur=taux_chomage&niveau=commune&classement=intervalles-egaux&classes=4"
        "&reference=region&couches=fjt&territoire=62041"
    )
    open_map(page, app_url + query)
    expect(page.locator(TERRITORY_PATHS)).to_have_count(3782)
    expect(page.locator(f"#{map_ids.MAP_INDICATOR}")).to_contain_text("Taux de chômage des 15-64 ans")
    expect(page.locator(f"#{map_ids.MAP_LEVEL} input[value='commune']")).to_be_checked()
    expect(page.locator(f"#{map_ids.MAP_SCHEME} input[value='intervalles-egaux']")).to_be_checked()
    expect(page.locator(f"#{map_ids.MAP_CLASSES} input[value='4']")).to_be_checked()
    expect(page.locator(f"#{map_ids.MAP_REFERENCE} input[value='region']")).to_be_checked()
    expect(page.locator(f"{LEGEND} .legend-entry")).to_have_count(5)  # 4 classes + missing values
    expect(page.locator(LEGEND)).to_contain_text("valeur régionale")
    expect(page.locator(f"{PANEL} h2")).to_have_text("Arras")
    assert trace(page, 2, "locations") == ["62041"]
    link = page.locator(PERMALINK).input_value()
    assert link == app_url + query
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator(f"#{map_ids.MAP_COPY_STATUS}")).to_have_text("Lien copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot("map-permalink")


def test_bad_parameters_show_a_notice_and_the_defaults(page: Page, app_url: str, screenshot):
    open_map(page, app_url + routes.HOME + "?indicateur=licorne&niveau=lune&classes=12&couches=dragon")
    notice = page.locator(f"#{map_ids.MAP_NOTICES}")
    expect(notice).to_contain_text("Indicateur « licorne » inconnu")
    expect(notice).to_contain_text("Niveau « lune » inconnu")
    expect(notice).to_contain_text("Nombre de classes « 12 » invalide")
    expect(notice).to_contain_text("« dragon »")
    expect(page.locator(TERRITORY_PATHS)).to_have_count(92)
    expect(page.locator(HEADING)).to_have_text("Indice de besoin (estimation) par EPCI")
    screenshot("map-bad-parameters")


def test_an_indicator_missing_at_a_level_suggests_its_level(page: Page, app_url: str, screenshot):
    open_map(page, app_url + routes.HOME + "?indicateur=vacance_privee&couches=aucune")
    notice = page.locator(f"#{map_ids.MAP_LEVEL_NOTICE}")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("n'est pas calculé par EPCI. Il existe par département")
    screenshot("map-level-missing")
    notice.get_by_role("button", name="Afficher par département").click()
    expect(page.locator(TERRITORY_PATHS)).to_have_count(5)
    expect(notice).to_be_hidden()
    expect(page.locator(f"{LEGEND} .legend-entry")).to_have_count(5)
    screenshot("map-departements")


def test_clicking_an_epci_opens_its_panel_and_its_page(page: Page, app_url: str, built_data_dir: Path, screenshot):
    open_map(page, app_url + routes.HOME + "?indicateur=taux_pauvrete&couches=aucune")
    click_location(page, *point_inside(built_data_dir, ARRAS))
    expect(page.locator(".hoverlayer")).to_contain_text("CU d'Arras")
    expect(page.locator(".hoverlayer")).to_contain_text("Rang dans la région")
    panel = page.locator(PANEL)
    expect(panel.locator("h2")).to_have_text("CU d'Arras")
    expect(panel).to_contain_text("Taux de pauvreté")
    expect(panel).to_contain_text("Source : Insee, Filosofi 2021")
    assert trace(page, 2, "locations") == [ARRAS]
    expect(page).to_have_url(re.compile(re.escape("territoire=200033579")))
    screenshot("map-panel")
    panel.get_by_role("link", name="Ouvrir la fiche du territoire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CU d'Arras")
    expect(page.locator(f"#{territory_ids.TERRITORY_TABLE} tbody tr")).not_to_have_count(0)
    expect(page.locator(f"#{territory_ids.TERRITORY_TABLE}")).to_contain_text("Source : Insee, Filosofi 2021")
    screenshot("territory-page")


# --- Issue 17: a map worth looking at ----------------------------------------------------------------------

FRAME = ".map-frame"
LABELS = f"#{map_ids.MAP_GRAPH} text[data-etiquette]"
VISIBLE_LABELS = f"#{map_ids.MAP_GRAPH} text[data-etiquette='visible']"
DEPARTEMENT_BORDERS = f"#{map_ids.MAP_GRAPH} .choroplethlayer .trace.choropleth:nth-child(2) path.choroplethlocation"


def rect(page: Page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.evaluate("element => element.getBoundingClientRect().toJSON()")


def geo_view(page: Page) -> tuple[float, float, float]:
    return page.evaluate(
        f"""() => {{
            const geo = document.querySelector('{GRAPH}')._fullLayout.geo;
            return [geo.center.lon, geo.center.lat, geo.projection.scale];
        }}"""
    )


def overlapping(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], start=i + 1)
        if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]


def test_the_map_fills_the_window_beside_its_controls_with_towns_and_departements(page: Page, app_url: str):
    page.set_viewport_size({"width": 1440, "height": 900})
    outside = watch_requests_leaving(page, app_url)
    open_map(page, app_url + routes.HOME)
    frame = rect(page, FRAME)
    assert frame["width"] >= 0.6 * 1440, frame
    assert frame["bottom"] <= 900 and frame["top"] > 0, frame
    assert rect(page, ".map-aside")["right"] <= frame["left"]  # controls beside the map, not above it
    # Town names: the préfectures and large towns are written on the map, with no two names overlapping.
    expect(page.locator(VISIBLE_LABELS).filter(has_text=re.compile("^Amiens$"))).to_have_count(1)
    expect(page.locator(VISIBLE_LABELS).filter(has_text=re.compile("^Lille$"))).to_have_count(1)
    names = page.evaluate(
        f"(() => {{ const data = document.querySelector('{GRAPH}').data; return data.at(-1).text; }})()"
    )
    assert page.locator(LABELS).count() == len(names) > 40 and names[:2] == ["Lille", "Amiens"]
    hidden = page.locator(f"{LABELS}[data-etiquette='masquee']").count()
    assert 0 < hidden < page.locator(LABELS).count()  # the crowded Lille area sheds names, not the whole map
    boxes = page.locator(VISIBLE_LABELS).evaluate_all("texts => texts.map(t => t.getBoundingClientRect().toJSON())")
    assert overlapping(boxes) == []
    assert page.locator(VISIBLE_LABELS).first.evaluate("t => getComputedStyle(t).pointerEvents") == "none"
    # Département outlines, drawn above the territories.
    expect(page.locator(DEPARTEMENT_BORDERS)).to_have_count(5)
    assert trace(page, 1, "marker")["line"]["width"] > trace(page, 0, "marker")["line"]["width"]
    # The legend is next to the map (over its corner), inside the window.
    legend = rect(page, LEGEND)
    assert frame["left"] <= legend["left"] and legend["bottom"] <= min(frame["bottom"], 900)
    assert outside == []
    save_screenshot(page, "map-1440x900", full_page=False)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(400)  # plotly follows the new size
    wide = rect(page, FRAME)
    assert wide["width"] > frame["width"] + 300 and wide["bottom"] <= 1080
    svg_width = page.locator(f"{GRAPH} .main-svg").first.evaluate("svg => svg.getBoundingClientRect().width")
    assert svg_width > frame["width"] + 300  # the drawing grows with its frame
    save_screenshot(page, "map-1920x1080", full_page=False)


def test_a_clicked_territory_shows_its_panel_over_the_map_without_scrolling(
    page: Page, app_url: str, built_data_dir: Path
):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_map(page, app_url + routes.HOME + "?couches=aucune")
    expect(page.locator(f"#{map_ids.MAP_PANEL_CLOSE}")).to_be_hidden()
    click_location(page, *point_inside(built_data_dir, ARRAS))
    title = page.locator(f"{PANEL} h2")
    expect(title).to_have_text("CU d'Arras")
    assert page.evaluate("window.scrollY") == 0
    panel, frame, name = rect(page, ".map-panel"), rect(page, FRAME), rect(page, f"{PANEL} h2")
    assert frame["left"] < panel["left"] and panel["right"] <= frame["right"] and panel["bottom"] <= 900
    close = rect(page, f"#{map_ids.MAP_PANEL_CLOSE}")
    assert close["left"] >= name["right"] or close["bottom"] <= name["top"], (close, name)  # « × » beside the name
    save_screenshot(page, "map-1440x900-panel", full_page=False)
    page.locator(f"#{map_ids.MAP_PANEL_CLOSE}").click()
    expect(page.locator(".map-panel")).to_be_hidden()


def test_choosing_a_territory_in_the_list_zooms_to_it_and_keeps_the_map_in_view(page: Page, app_url: str):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_map(page, app_url + routes.HOME + "?niveau=commune&couches=aucune")
    *_, scale = geo_view(page)
    before = page.evaluate("window.scrollY")
    page.locator(f"#{map_ids.MAP_TERRITORY}").click()
    page.keyboard.type("Amiens")
    page.get_by_role("option", name="Amiens (80021)").click()
    expect(page.locator(f"{PANEL} h2")).to_have_text("Amiens")
    page.wait_for_function(f"() => document.querySelector('{GRAPH}')._fullLayout.geo.projection.scale > {scale}")
    zoomed_lon, zoomed_lat, zoomed_scale = geo_view(page)
    assert zoomed_scale > 2 * scale and abs(zoomed_lon - 2.29) < 0.1 and abs(zoomed_lat - 49.9) < 0.1
    assert trace(page, 2, "locations") == ["80021"]
    frame = rect(page, FRAME)
    assert page.evaluate("window.scrollY") == before and frame["top"] >= 0 and frame["bottom"] <= 900
    expect(page.locator(VISIBLE_LABELS).filter(has_text=re.compile("^Amiens$"))).to_have_count(1)
    save_screenshot(page, "map-1440x900-commune-zoom", full_page=False)


def test_a_territory_clicked_then_chosen_again_in_the_list_is_zoomed_to(page: Page, app_url: str, built_data_dir: Path):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_map(page, app_url + routes.HOME + "?couches=aucune")
    click_location(page, *point_inside(built_data_dir, ARRAS))
    expect(page.locator(f"{PANEL} h2")).to_have_text("CU d'Arras")
    *_, unzoomed = geo_view(page)
    for name in ("CA Amiens Métropole", "CU d'Arras"):
        page.locator(f"#{map_ids.MAP_TERRITORY}").click()
        page.keyboard.type(name)
        page.get_by_role("option", name=re.compile(f"^{re.escape(name)} ")).click()
        expect(page.locator(f"{PANEL} h2")).to_have_text(name)
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('{GRAPH}')._fullLayout.geo.center.lon - 2.8) < 0.15"
        f" && document.querySelector('{GRAPH}')._fullLayout.geo.projection.scale > {unzoomed}"
    )
