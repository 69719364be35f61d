"""Every screen (issue 18): no page wider than a phone, the « Menu » button, the map first on a phone with the
indicator list's search box clear of its options, the ranking table whole at 1440 px with its territory column
fixed, charts drawn without scrolling (print included). Screenshots at four sizes: tests/browser/screens.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.map import ids as map_ids
from dashboard.ranking import ids as ranking_ids
from dashboard.ui import ids as ui_ids
from tests.browser.conftest import LOCALE, save_screenshot, watch_errors
from tests.browser.screens import PAGE_WIDTH, PAGES, open_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page of a phone-sized window (390 × 844); console errors fail the test."""
    context = browser.new_context(viewport=PHONE, locale=LOCALE, has_touch=True)
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    context.close()
    assert not errors, "browser errors:\n" + "\n".join(errors)


def check_menu(page: Page) -> None:
    """« Menu » folds the navigation: closed at first, opened by a click, closed again by Escape."""
    menu = page.locator(f"#{ui_ids.MENU_BUTTON}")
    nav = page.locator(f"#{ui_ids.NAV}")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-controls", ui_ids.NAV)
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Classement")).to_be_visible()
    save_screenshot(page, "screens-phone-menu", full_page=False)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav).to_be_hidden()


def check_map_first(page: Page) -> None:
    """On a phone the map is in the first screen, its legend right under it; the controls fold under a button."""
    button = page.locator(f"#{map_ids.MAP_SETTINGS_BUTTON}")
    settings = page.locator(f"#{map_ids.MAP_SETTINGS}")
    frame = page.locator(f"#{map_ids.MAP_GRAPH}").bounding_box()
    legend = page.locator(f"#{map_ids.MAP_LEGEND}").bounding_box()
    assert frame["y"] + frame["height"] / 2 < PHONE["height"], frame
    assert 0 <= legend["y"] - (frame["y"] + frame["height"]) < 20, (frame, legend)
    expect(settings).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#{map_ids.MAP_INDICATOR}")).to_be_visible()
    check_indicator_search(page)
    panel, map_now = settings.bounding_box(), page.locator(f"#{map_ids.MAP_GRAPH}").bounding_box()
    assert button.bounding_box()["y"] < panel["y"] < panel["y"] + panel["height"] <= map_now["y"] + 1
    button.click()
    expect(settings).to_be_hidden()


def check_indicator_search(page: Page) -> None:
    """The indicator list's search box sits above its options, none showing around or under it."""
    page.locator(f"#{map_ids.MAP_INDICATOR}").click()
    search = page.locator(".dash-dropdown-search-container")
    expect(search).to_be_visible()
    search.locator("input").fill("pauvre")
    option = page.get_by_role("option").first
    expect(option).to_be_visible()
    box, first = search.bounding_box(), option.bounding_box()
    assert first["y"] >= box["y"] + box["height"] - 1, (box, first)
    content = page.locator(".dash-dropdown-content").bounding_box()
    assert abs(box["y"] - content["y"]) < 2  # no band above the box where options would show
    save_screenshot(page, "screens-phone-liste-indicateurs", full_page=False)
    page.keyboard.press("Escape")
    expect(search).to_be_hidden()


def test_phone_pages_no_wider_than_the_window_menu_and_map_first(phone: Page, app_url: str):
    for name in PAGES:
        open_page(phone, app_url, name)
        width, window = phone.evaluate(PAGE_WIDTH)
        assert width <= window, f"{name}: the page is {width} px wide in a {window} px window"
        if name == "carte":
            save_screenshot(phone, "screens-phone-carte", full_page=False)
            check_menu(phone)
            check_map_first(phone)
        if name == "classement":  # controls folded; the ranking table scrolls in its frame, the EPCI column stays
            expect(phone.locator(f"#{ranking_ids.RANK_SETTINGS}")).to_be_hidden()
            expect(phone.locator(f"#{ranking_ids.RANK_SETTINGS_BUTTON}")).to_have_attribute("aria-expanded", "false")
            frame = phone.locator(".rank-table-frame")
            assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
            frame.evaluate("e => { e.scrollLeft = 200; }")
            name_cell = phone.locator(f"#{ranking_ids.RANK_TABLE} tr").first.locator("th")
            assert abs(name_cell.bounding_box()["x"] - frame.bounding_box()["x"]) < 2


def test_ranking_at_1440_every_column_in_a_frame_and_charts_drawn_without_scrolling(page: Page, app_url: str):
    page.set_viewport_size(LAPTOP)
    open_page(page, app_url, "classement", drawn=True)
    # Both charts are drawn with the page at its top: nothing waits for them to be scrolled into view.
    assert page.evaluate("window.scrollY") == 0
    for chart in (ranking_ids.RANK_NEED_SUPPLY, ranking_ids.RANK_CHART):
        expect(page.locator(f"#{chart} .trace").first).to_be_attached()
    table = page.evaluate(
        """() => {
            const frame = document.querySelector('.rank-table-frame');
            const table = frame.querySelector('table');
            const last = table.querySelector('thead th:last-child').getBoundingClientRect();
            return {width: table.scrollWidth, frame: frame.clientWidth, height: frame.getBoundingClientRect().height,
                    lastRight: last.right, frameRight: frame.getBoundingClientRect().right,
                    columns: table.querySelectorAll('thead th').length,
                    sticky: getComputedStyle(table.querySelector('tbody th')).position};
        }"""
    )
    assert table["columns"] == 7
    assert table["width"] <= table["frame"] and table["lastRight"] <= table["frameRight"] + 1, table
    assert table["height"] <= LAPTOP["height"], table  # its horizontal scrollbar, if any, is in view
    assert table["sticky"] == "sticky"
    save_screenshot(page, "screens-1440-classement", full_page=False)

    # Printed: the charts keep their drawing, the table all its rows, the controls are gone.
    page.emulate_media(media="print")
    expect(page.locator(".rank-controls")).to_be_hidden()
    frame = page.locator(".rank-table-frame")
    assert frame.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    for chart in (ranking_ids.RANK_NEED_SUPPLY, ranking_ids.RANK_CHART):
        assert page.locator(f"#{chart} .trace").count() > 0
        assert page.locator(f"#{chart}").bounding_box()["height"] > 200
