"""Browser test infrastructure: the real app under gunicorn, headless Chromium, console-error guard."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.dashboard_data import write_tiny_store

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
START_TIMEOUT_S = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is a browser test."""
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def serve(data_dir: Path, log_path: Path, options: tuple[str, ...] = ()) -> Iterator[str]:
    """Run the production entry point (gunicorn, dashboard.wsgi) on a free port; yield its base URL.

    `options` go to gunicorn first (e.g. `("-c", "gunicorn.conf.py")` for the production hooks)."""
    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(data_dir), "DEBUG": "0", "PORT": str(port)}
    command = [sys.executable, "-m", "gunicorn", *options, "dashboard.wsgi:server", "--workers", "1"]
    command += ["--threads", "4"]
    command += ["--timeout", "60", "--preload", "--no-control-socket", "--bind", f"127.0.0.1:{port}"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(base_url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start on {base_url}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def app_url(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a real build of the data from the open-data mirror."""
    with serve(built_data_dir, tmp_path_factory.mktemp("app") / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="session")
def empty_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a data directory that was never built."""
    data_dir = tmp_path_factory.mktemp("empty-data")
    with serve(data_dir, tmp_path_factory.mktemp("empty-app") / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="session")
def tiny_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the tiny hand-made store of tests/dashboard_data.py."""
    data_dir = write_tiny_store(tmp_path_factory.mktemp("tiny") / "data")
    with serve(data_dir, tmp_path_factory.mktemp("tiny-app") / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
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


def not_found_error(url: str) -> str:
    """How Chromium reports a document answered 404 (expected for an unknown address) on the console."""
    return f"console: Failed to load resource: the server responded with a status of 404 (NOT FOUND) ({url})"


@pytest.fixture
def expected_errors() -> list[str]:
    """Console errors a test expects (e.g. `not_found_error(url)`): the `page` fixture lets them through."""
    return []


@pytest.fixture
def page(browser: Browser, expected_errors: list[str]) -> Iterator[Page]:
    """A fresh page; the test fails at teardown if the browser logged an error or a script threw."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    new_page = context.new_page()
    errors = watch_errors(new_page)
    yield new_page
    context.close()
    unexpected = [error for error in errors if error not in expected_errors]
    if unexpected:
        pytest.fail("browser errors:\n" + "\n".join(unexpected))


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Save a full-page screenshot as tests/artifacts/<name>.png and return its path."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
