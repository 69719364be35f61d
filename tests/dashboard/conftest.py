"""Fixtures of the dashboard tests: the app on the real build of the data (one per test module) and its store."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest

from dashboard.app import create_app
from dashboard.core.store import Store
from dashboard.settings import Settings


@pytest.fixture(scope="module")
def app(built_data_dir: Path) -> dash.Dash:
    return create_app(Settings(data_dir=built_data_dir))


@pytest.fixture(scope="module")
def store(app: dash.Dash) -> Store:
    return app.server.config["STORE"]
