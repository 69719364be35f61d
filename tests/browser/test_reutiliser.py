"""Issue 19 in a browser: the /api page without JavaScript, and « Réutiliser les données » from the footer."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from dashboard.api import ids as api_ids
from dashboard.content import ids as content_ids
from dashboard.core import routes
from dashboard.ui import ids as ui_ids
from tests.browser.conftest import LOCALE, save_screenshot, watch_errors

SIZES = ({"width": 1440, "height": 900}, {"width": 1920, "height": 1080})


def test_api_page_reads_without_javascript(browser: Browser, app_url: str):
    for size in SIZES:
        context = browser.new_context(viewport=size, locale=LOCALE, java_script_enabled=False)
        page = context.new_page()
        errors = watch_errors(page)
        page.goto(app_url + routes.API_DOC)
        expect(page.get_by_role("heading", level=1)).to_have_text("API en lecture seule")
        endpoints = page.locator(f"#{api_ids.API_ENDPOINTS}")
        for path in ("/indicators", "/territories", "/residences", "/needs", "/sources"):
            expect(endpoints).to_contain_text(f"GET /api/v1{path}")
        expect(endpoints).to_contain_text("projets")
        expect(page.get_by_role("link", name="/api/v1/openapi.json")).to_be_visible()
        save_screenshot(page, f"api-sans-javascript-{size['width']}", full_page=False)
        context.close()
        assert errors == []


def test_reuse_page_from_the_footer(page: Page, app_url: str):
    for size in SIZES:
        page.set_viewport_size(size)
        page.goto(app_url + routes.SOURCES)
        page.locator(f"#{ui_ids.FOOTER_REUSE_LINK}").click()
        expect(page.locator(f"#{content_ids.REUSE_TITLE}")).to_have_text("Réutiliser les données")
        examples = page.locator(f"#{content_ids.REUSE_EXAMPLES}")
        expect(examples).to_contain_text("curl --compressed")
        expect(examples).to_contain_text("pd.read_csv(")
        expect(examples).to_contain_text("read.csv(")
        expect(page.get_by_text("ogr2ogr -lco ENCODING=UTF-8")).to_be_visible()
        save_screenshot(page, f"reutiliser-{size['width']}", full_page=False)
    # The footer's API link loads the static page (not Dash's router).
    page.locator(f"#{ui_ids.FOOTER_API_LINK}").click()
    expect(page.locator(f"#{api_ids.API_ENDPOINTS}")).to_contain_text("GET /api/v1/indicators")
