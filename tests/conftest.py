"""Shared fixtures: where the open-data mirror is, and small fixture files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def mirror_path() -> Path:
    """The open-data mirror: OPENDATA_MIRROR, else ../shared/opendata beside the checkout."""
    value = os.environ.get("OPENDATA_MIRROR")
    return Path(value).resolve() if value else (REPO_ROOT.parent / "shared" / "opendata").resolve()


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_path()
    if not (path / "README.md").is_file():
        pytest.fail(f"open-data mirror not found at {path}: set OPENDATA_MIRROR")
    os.environ["OPENDATA_MIRROR"] = str(path)
    return path


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built_data_dir(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR holding a real build of the processed store from the open-data mirror.

    TEST_DATA_DIR, when set, names an existing build to reuse instead (faster local runs).
    """
    reuse = os.environ.get("TEST_DATA_DIR")
    if reuse:
        return Path(reuse).resolve()
    from loaders.build import build

    data_dir = tmp_path_factory.mktemp("built") / "data"
    build(data_dir / "processed", progress=False)
    return data_dir


#: Tests that use the France build share one xdist worker (`--dist loadgroup`), so that it is built once.
FRANCE_GROUP = "france"


@pytest.fixture(scope="session")
def france_data_dir(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DATA_DIR holding the France build (`python -m loaders build --region france`, about 30 s).

    TEST_FRANCE_DATA_DIR, when set, names an existing France build to reuse instead.
    """
    reuse = os.environ.get("TEST_FRANCE_DATA_DIR")
    if reuse:
        return Path(reuse).resolve()
    from loaders.build import build

    data_dir = tmp_path_factory.mktemp("france") / "data"
    build(data_dir / "processed", region_code="france", progress=False)
    return data_dir
