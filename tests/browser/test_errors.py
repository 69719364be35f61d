"""Errors as a visitor sees them (issue 9): a failing callback or page says so in French, no traceback.

The app runs in this process (werkzeug on a loopback port, debug off, real build) so that a test can
make a callback or a page layout fail on purpose with monkeypatch.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.calculator import ids as calculator_ids
from dashboard.calculator import model as calculator
from dashboard.core import routes
from dashboard.settings import Settings
from dashboard.territory import ids as territory_ids
from dashboard.ui import ids as ui_ids
from tests.browser.conftest import not_found_error, save_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def local_url(built_data_dir: Path) -> Iterator[str]:
    """Special server, for this module only: the app in this process, so that monkeypatch reaches it."""
    app = create_app(Settings(data_dir=built_data_dir))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_failing_callback_shows_a_french_message_that_can_be_closed(page: Page, local_url: str, monkeypatch):
    page.goto(local_url + routes.CALCULATOR)
    # A field far down the page: the banner must still come into view (it is sticky).
    field = page.locator(f"#{calculator_ids.CALC_FIELD_PREFIX}{calculator.COST_CHRS}")
    expect(field).to_be_visible(timeout=20000)
    page.wait_for_load_state("networkidle")
    banner = page.locator(f"#{ui_ids.APP_ERROR}")
    expect(banner).to_be_hidden()

    def broken(*_args, **_kwargs):
        raise RuntimeError("détail interne à ne pas montrer")

    monkeypatch.setattr(calculator, "estimate", broken)
    field.fill("21000")
    field.press("Enter")  # the field is debounced: its callback runs on Enter or when it loses focus
    expect(banner).to_be_visible(timeout=10000)
    expect(banner).to_contain_text("Une erreur est survenue pendant la mise à jour de la page")
    expect(banner).to_contain_text("Référence de l'erreur")
    expect(page.locator("body")).not_to_contain_text("détail interne")
    expect(page.locator("body")).not_to_contain_text("Traceback")
    assert page.evaluate("window.scrollY") > 1000
    box = banner.bounding_box()
    assert box is not None and 0 <= box["y"] < 900 - box["height"]  # in the viewport
    save_screenshot(page, "erreur-rappel", full_page=False)
    page.get_by_role("button", name="Fermer ce message").click()
    expect(banner).to_be_hidden()


def test_a_failing_page_shows_a_french_error_section(page: Page, local_url: str, monkeypatch, screenshot):
    def broken_layout(**_kwargs):
        raise KeyError("détail interne à ne pas montrer")

    monkeypatch.setitem(dash.page_registry["dashboard.pages.sources"], "layout", broken_layout)
    page.goto(local_url + routes.SOURCES + "?vue=erreur")  # a query string: the page cache is bypassed
    section = page.locator(f"#{ui_ids.APP_ERROR_PAGE}")
    expect(section).to_be_visible(timeout=20000)
    expect(section.get_by_role("heading", level=1)).to_have_text("Page momentanément indisponible")
    expect(section).to_contain_text("Référence de l'erreur")
    expect(page.locator("body")).not_to_contain_text("détail interne")
    screenshot("erreur-page")
    section.get_by_role("link", name="Retourner à l'accueil").click()
    expect(page).to_have_url(local_url + routes.HOME)


def test_an_error_page_of_the_server_is_french(page: Page, local_url: str, expected_errors: list[str]):
    # (A browser resolves « .. » and %2e%2e itself: those are tested with raw requests in tests/dashboard.)
    page.set_viewport_size({"width": 1280, "height": 700})
    url = local_url + "/assets/inexistant.css"
    expected_errors.append(not_found_error(url))  # the browser logs the 404 of the document itself
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    save_screenshot(page, "erreur-404-serveur")


def test_the_fiche_of_an_unknown_siren_is_a_french_404_with_a_search(
    page: Page, local_url: str, expected_errors: list[str]
):
    url = local_url + routes.territory_path("999999999")
    expected_errors.append(not_found_error(url))
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator(f"#{territory_ids.TERRITORY_TITLE}")).to_have_text("Territoire introuvable")
    expect(page).to_have_title("Territoire introuvable — Résidences sociales")
    page.get_by_label("Rechercher un EPCI ou une commune (nom ou code)").fill("Amiens")
    page.get_by_role("link", name=re.compile("Amiens")).first.click()
    expect(page.locator(f"#{territory_ids.TERRITORY_TITLE}")).to_contain_text("Amiens", timeout=20000)
    page.wait_for_load_state("networkidle")
