"""Tables page in Chromium: filters, sort and URL state, and downloads read back with real readers."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyogrio
import pytest
from playwright.sync_api import Page, expect

from dashboard.api import ids as api_ids
from dashboard.core import routes
from dashboard.tables import ids as tables_ids
from dashboard.ui import ids as ui_ids
from tests.browser.conftest import watch_requests_leaving

pytestmark = pytest.mark.browser

COUNT = f"#{tables_ids.TABLE_COUNT}"
GRID = f"#{tables_ids.TABLE_GRID}"
RESIDENCE_COUNT = f"#{tables_ids.TABLE_RESIDENCE_COUNT}"
RESIDENCE_GRID = f"#{tables_ids.TABLE_RESIDENCE_GRID}"


def open_tables(page: Page, url: str, grid: str = GRID) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableaux et téléchargements")
    expect(page.locator(f"{grid} .ag-row").first).to_be_visible()


def count_of(page: Page, selector: str) -> int:
    text = page.locator(selector).inner_text()
    return int(re.sub(r"\D", "", text.split("sur")[0]))


def shown_codes(page: Page, grid: str, column: str) -> list[str]:
    """Values of a column in the grid's display order (all rows must be rendered)."""
    rows = page.locator(f"{grid} .ag-center-cols-container .ag-row")
    pairs = rows.evaluate_all(
        "(rows, column) => rows.map(row => [Number(row.getAttribute('row-index')),"
        " row.querySelector(`[col-id='${column}']`).innerText])",
        column,
    )
    return [value for _index, value in sorted(pairs)]


def download(page: Page, link_name: str, tab: str, directory: Path) -> tuple[Path, str]:
    link = page.locator(f'a.download-link[id*=\'"tab":"{tab}"\']').filter(has_text=link_name)
    with page.expect_download() as info:
        link.click()
    target = directory / info.value.suggested_filename
    info.value.save_as(target)
    return target, info.value.suggested_filename


def test_filter_sort_and_download_the_french_csv(page: Page, app_url: str, screenshot, tmp_path: Path):
    outside = watch_requests_leaving(page, app_url)
    open_tables(page, app_url + routes.TABLES)
    expect(page.locator(COUNT)).to_have_text("92 EPCI")
    expect(page.locator(".ag-header-group-cell").first).to_contain_text("Logement")

    page.locator(f"#{tables_ids.TABLE_DEPARTEMENTS}").click()
    page.get_by_role("option", name="80 — Somme").click()
    page.keyboard.press("Escape")
    expect(page.locator(COUNT)).to_have_text(re.compile(r"^16 EPCI sur 92$"))
    expect(page).to_have_url(re.compile(r"dep=80"))

    header = page.locator(".ag-header-cell[col-id='taux_pauvrete']")
    header.click()
    expect(page).to_have_url(re.compile(r"tri=taux_pauvrete"))  # ascending first: wait before the second click
    header.click()
    expect(page).to_have_url(re.compile(r"tri=-taux_pauvrete"))
    expect(header).to_have_attribute("aria-sort", "descending")
    codes = shown_codes(page, GRID, "code_epci")
    assert len(codes) == 16

    path, name = download(page, "CSV pour Excel (;)", "territoires", tmp_path)
    assert re.fullmatch(r"territoires_epci_\d{4}-\d{2}-\d{2}_dep-80_excel\.csv", name)
    read = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code EPCI (SIREN)": str})
    assert read["Code EPCI (SIREN)"].tolist() == codes
    pinned = page.locator(f"{GRID} .ag-pinned-left-header .ag-header-cell-text").all_inner_texts()
    assert pinned == ["EPCI"] and list(read.columns[:2]) == ["EPCI", "Code EPCI (SIREN)"]  # the screen's order
    poverty = read.filter(like="Taux de pauvreté (%, approximation)").iloc[:, 0]
    assert poverty.dtype == float and poverty.dropna().is_monotonic_decreasing
    assert poverty.isna().sum() == 0 or poverty.tail(poverty.isna().sum()).isna().all()  # missing values last
    assert page.locator(f"#{tables_ids.TABLE_PERMALINK}").get_attribute("href").endswith("tri=-taux_pauvrete")
    page.wait_for_load_state("networkidle")
    assert outside == [], "dash-ag-grid and the page must load nothing from outside the app"
    screenshot("tableaux-epci-somme-tri")


def test_permalink_restores_the_view_and_the_xlsx_matches(page: Page, app_url: str, screenshot, tmp_path: Path):
    open_tables(page, app_url + routes.TABLES + "?niveau=commune&dep=02&min_population=5000&tri=-population&inconnu=1")
    expect(page.locator(f"#{tables_ids.TABLE_NOTICES}")).to_contain_text("Paramètre « inconnu » inconnu, ignoré.")
    expect(page.get_by_label("Communes")).to_be_checked()
    expect(page.get_by_role("textbox", name="Seuil 1 : valeur minimale")).to_have_value("5000")
    count = count_of(page, COUNT)
    assert 0 < count < 100
    expect(page).not_to_have_url(re.compile("inconnu"))
    screenshot("tableaux-communes-seuil")

    path, name = download(page, "Excel (XLSX)", "territoires", tmp_path)
    assert name.endswith("_dep-02_1-seuil.xlsx") and name.startswith("territoires_commune_")
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook["Données"].iter_rows(values_only=True))
    assert len(rows) - 1 == count
    population = rows[0].index("Population municipale (habitants)")
    values = [row[population] for row in rows[1:]]
    assert min(values) >= 5000 and values == sorted(values, reverse=True)
    filters = dict(workbook["Filtres"].iter_rows(min_row=2, values_only=True))
    assert (
        "min_population=5000" in filters["Lien vers cette vue"] and "tri=-population" in filters["Lien vers cette vue"]
    )


def test_residences_tab_and_the_api_page(page: Page, app_url: str, screenshot, tmp_path: Path):
    open_tables(page, app_url + routes.TABLES + "?onglet=residences", RESIDENCE_GRID)
    expect(page.locator(RESIDENCE_COUNT)).to_contain_text("établissements")
    total = count_of(page, RESIDENCE_COUNT)
    page.get_by_label("Pension de famille").check()
    expect(page.locator(RESIDENCE_COUNT)).to_contain_text(" sur ")
    expect(page).to_have_url(re.compile(r"onglet=residences.*types=pension_de_famille"))
    count = count_of(page, RESIDENCE_COUNT)
    assert 0 < count < total
    screenshot("tableaux-etablissements")

    path, _name = download(page, "GeoJSON", "residences", tmp_path)
    points = pyogrio.read_dataframe(path)
    assert len(points) == count and set(points["type"]) == {"Pension de famille"}

    expect(page.locator(f"#{ui_ids.NAV}")).not_to_contain_text("API")
    page.get_by_role("link", name="API en lecture seule").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API en lecture seule")
    expect(page.locator(f"#{api_ids.API_ENDPOINTS}")).to_contain_text("GET /api/v1/indicators")
    screenshot("api")
