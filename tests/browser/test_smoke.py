"""Smoke test of the running app in headless Chromium."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.core import routes
from dashboard.map import ids as map_ids
from dashboard.server.security import PAGES_CONTENT_ID
from tests.browser.conftest import EXPECT_TIMEOUT_MS, not_found_error, serve, watch_errors, watch_requests_leaving
from tests.dashboard_data import write_tiny_store

pytestmark = pytest.mark.browser

TITLE = "Résidences sociales — Hauts-de-France"
HEADING = "Carte des territoires des Hauts-de-France"
ABOUT_HEADING = "Résidences sociales dans les Hauts-de-France"
PAGE_HEADING = f"#{PAGES_CONTENT_ID} h1"


# Special servers, for this module only: the app on a data directory that was never built, and on the tiny
# hand-made store of tests/dashboard_data.py.
@pytest.fixture(scope="module")
def empty_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a data directory that was never built."""
    data_dir = tmp_path_factory.mktemp("empty-data")
    with serve(data_dir, tmp_path_factory.mktemp("empty-app") / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="module")
def tiny_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the tiny hand-made store of tests/dashboard_data.py."""
    data_dir = write_tiny_store(tmp_path_factory.mktemp("tiny") / "data")
    with serve(data_dir, tmp_path_factory.mktemp("tiny-app") / "gunicorn.log") as url:
        yield url


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(PAGE_HEADING)).to_be_visible()


def test_home_page_loads_in_french(page: Page, app_url: str, screenshot):
    outside = watch_requests_leaving(page, app_url)
    open_page(page, app_url + routes.HOME)
    expect(page).to_have_title(TITLE)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page.locator("header")).to_contain_text("Résidences sociales")
    expect(page.locator("footer.site-footer")).to_contain_text("Sources, millésimes et licences")
    expect(page.locator(".nav-link.active")).to_have_text("Accueil")
    expect(page.locator(f"#{map_ids.MAP_GRAPH} path.choroplethlocation").first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert outside == [], "the page must work offline: no request may leave the app"
    screenshot("home")
    page.get_by_role("link", name="À propos de l'outil et chiffres clés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ABOUT_HEADING)
    figures = page.locator(".key-figure")
    expect(figures.nth(0)).to_contain_text(re.compile(r"^92\s*EPCI"))
    expect(figures.nth(1)).to_contain_text(re.compile(r"^3\s782\s*communes de la région"))
    expect(figures.nth(2)).to_contain_text("Source : FINESS (DREES), extraction du 08/01/2021")
    page.wait_for_load_state("networkidle")
    assert outside == [], "the page must work offline: no request may leave the app"
    screenshot("about")


def test_unknown_address_shows_the_french_404(page: Page, app_url: str, screenshot, expected_errors: list[str]):
    """A 404 status for crawlers, the app's French not-found page for people, navigation unchanged."""
    url = app_url + "/adresse-inconnue"
    expected_errors.append(not_found_error(url))  # Chromium's report of the document's own 404 status
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator(PAGE_HEADING)).to_have_text("Page introuvable")
    expect(page).to_have_title("Page introuvable — Résidences sociales")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("header")).to_contain_text("Résidences sociales")  # the site's header and menu
    page.wait_for_load_state("networkidle")
    screenshot("not-found")
    page.get_by_role("link", name="Retourner à l'accueil").click()  # navigation inside the app
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    # An unknown address reached inside the app (no page load) shows the same page.
    page.evaluate(
        "window.history.pushState({}, '', '/autre-inconnue'); window.dispatchEvent(new PopStateEvent('popstate'))"
    )
    expect(page.locator(PAGE_HEADING)).to_have_text("Page introuvable")
    page.wait_for_load_state("networkidle")


def test_production_pages_do_not_tell_the_versions(app_url: str):
    import dash
    import plotly

    with urllib.request.urlopen(app_url + routes.TABLES) as response:
        index = response.read().decode()
    for version in (dash.__version__, plotly.__version__, dash.__version__.replace(".", "_")):
        assert version not in index
    assert "python_version" not in index
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(app_url + "/_reload-hash")
    assert refused.value.code == 404


def test_without_data_the_home_page_explains_how_to_build_it(page: Page, empty_app_url: str, screenshot):
    open_page(page, empty_app_url + routes.HOME)
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Données non construites")
    expect(notice).to_contain_text("python -m loaders build")
    screenshot("home-without-data")


def test_home_key_figures_and_navigation_to_sources(page: Page, tiny_app_url: str, screenshot):
    open_page(page, tiny_app_url + routes.ABOUT)
    figures = page.locator(".key-figure")
    expect(figures).to_have_count(3)
    expect(figures.nth(0)).to_contain_text(re.compile(r"^2\s*EPCI"))
    expect(figures.nth(2)).to_contain_text("Source : Éditeur FINESS de test")
    screenshot("home-key-figures")
    page.get_by_role("link", name="Sources, millésimes et licences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sources des données")
    expect(page.locator(".nav-link.active")).to_have_text("Sources")
    expect(page).to_have_title("Sources — Résidences sociales")
    screenshot("sources")


def test_console_and_script_errors_are_caught(browser: Browser, empty_app_url: str):
    other = browser.new_page()
    errors = watch_errors(other)
    other.goto(empty_app_url + routes.HOME)
    other.evaluate("console.error('erreur de test')")
    other.evaluate("setTimeout(() => { throw new Error('exception de test'); })")
    deadline = time.monotonic() + EXPECT_TIMEOUT_MS / 1000
    while not any("exception de test" in error for error in errors) and time.monotonic() < deadline:
        other.wait_for_timeout(50)  # the uncaught error reaches Playwright asynchronously
    other.close()
    assert any("erreur de test" in error for error in errors)
    assert any("exception de test" in error for error in errors)
