"""What is running: the app version (pyproject.toml) and a fingerprint of its code.

The fingerprint changes whenever a Python file of the dashboard changes, so caches shared between
hosts (Redis) never mix answers of two releases during a rolling update.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from pathlib import Path

from dashboard.settings import PACKAGE_DIR, REPO_ROOT

UNKNOWN = "inconnue"


@cache
def app_version(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    """The version declared in pyproject.toml ('inconnue' when the file is not shipped)."""
    try:
        with pyproject.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return UNKNOWN


@cache
def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """12 hex digits of the SHA-256 of the dashboard's Python files (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
