"""Browser test infrastructure, once per test session (per xdist worker with `-n`): the real app served by
gunicorn with the production configuration, one headless Chromium, and a fresh page per test whose console
errors fail the test.

Modules that need another server (no data, the tiny store, monkeypatched code) start their own, in the module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from tests.load.server import gunicorn

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
LOCALE = "fr-FR"
# How long `expect(...)` waits for a page to reach the asserted state (Playwright's default: 5 s). The tests run
# on a few shared cores, two sessions side by side with `-n 2`: a slow answer there is not a failure.
EXPECT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is a browser test."""
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@contextlib.contextmanager
def serve(data_dir: Path, log_path: Path) -> Iterator[str]:
    """The production entry point (gunicorn -c gunicorn.conf.py, one worker of 4 threads) on a free loopback
    port, on DATA_DIR=`data_dir`; yield its base URL."""
    with gunicorn(data_dir, log_path, workers=1, threads=4) as url:
        yield url


@pytest.fixture(scope="session")
def app_url(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a real build of the data from the open-data mirror, shared by every test of the session."""
    with serve(built_data_dir, tmp_path_factory.mktemp("app") / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session; each test opens its own context in it."""
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def watch_errors(page: Page) -> list[str]:
    """Collect, in the returned list, every console error and uncaught script error of `page`."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors


def watch_requests_leaving(page: Page, *allowed: str) -> list[str]:
    """Collect, in the returned list, every request of `page` to an address starting with none of `allowed`."""
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(allowed) else outside.append(request.url))
    return outside


def not_found_error(url: str) -> str:
    """How Chromium reports a document answered 404 (expected for an unknown address) on the console."""
    return f"console: Failed to load resource: the server responded with a status of 404 (NOT FOUND) ({url})"


@pytest.fixture
def expected_errors() -> list[str]:
    """Console errors a test expects (e.g. `not_found_error(url)`): the `page` fixture lets them through."""
    return []


@pytest.fixture
def page(browser: Browser, expected_errors: list[str]) -> Iterator[Page]:
    """A fresh page in a new context; the test fails at teardown if the browser logged an error or a script
    threw, but for the errors the test declared in `expected_errors`."""
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    new_page = context.new_page()
    errors = watch_errors(new_page)
    yield new_page
    context.close()
    unexpected = [error for error in errors if error not in expected_errors]
    if unexpected:
        pytest.fail("browser errors:\n" + "\n".join(unexpected))


def save_screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot of `page` as tests/artifacts/<name>.png (the whole page, or the window only)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Save a full-page screenshot of the test's page as tests/artifacts/<name>.png and return its path."""
    return lambda name: save_screenshot(page, name)
