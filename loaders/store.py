"""Write the processed store atomically: a failed build never touches the last good one.

Each build is written to its own folder, `<parent>/builds/<date>-<pid>/`, next to the store's path (by default
`data/builds/` beside `data/processed`). The store's path is a symbolic link to the current build; a new build is
switched in by replacing that link with `os.replace` (one atomic rename): at every instant `processed` is either
the previous complete build or the new complete one. The previous build is kept (rollback: point the link back
at it); older ones are deleted after the switch.

A store written by an older version is a real folder: it is migrated by exchanging it with the new link in one
atomic call (`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on macOS) and then moved into
`builds/` as the previous build. Where neither call exists, the folder is moved into `builds/` before the link
takes its place: `processed` is then missing for the time between two renames (once, at the migration).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

STORE_FILES = (
    "territories.parquet",
    "indicators.parquet",
    "residences.parquet",
    "series.parquet",
    "coverage.json",
    "catalogue.json",
)
#: Folder of the builds, beside the store's link.
BUILDS = "builds"
#: Builds kept: the current one and the previous one.
KEEP = 2
#: Prefixes of the work entries of `builds/` (hidden; removed when the process that made them is gone).
STAGING_PREFIX = ".en-cours-"
LINK_PREFIX = ".lien-"


def builds_dir(target: Path) -> Path:
    """Where the builds of the store at `target` are written."""
    return Path(target).parent / BUILDS


def write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(folder)` into a new build folder, check every store file exists, then switch `target` to it.

    Returns the new build folder. If anything fails before the switch, `target` is left exactly as it was and
    the new folder is removed."""
    target = Path(target)
    builds = builds_dir(target)
    builds.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
    staging = builds / f"{STAGING_PREFIX}{name}"
    folder = builds / name
    staging.mkdir()
    try:
        write(staging)
        missing = [file for file in STORE_FILES if not (staging / file).is_file()]
        if missing:
            raise RuntimeError(f"magasin incomplet, fichier(s) manquant(s) : {', '.join(missing)}")
        os.rename(staging, folder)
        previous = switch(target, folder)
    except BaseException:
        linked = current_build(target)
        for leftover in (staging, folder):
            if leftover.resolve() != linked:
                shutil.rmtree(leftover, ignore_errors=True)
        recover_migrated(builds)
        raise
    prune(builds, keep={folder, *([previous] if previous else [])})
    return folder


def current_build(target: Path) -> Path | None:
    """The build folder the link `target` points to (None when `target` is missing or a real folder)."""
    target = Path(target)
    if not target.is_symlink():
        return None
    return (target.parent / os.readlink(target)).resolve()


def switch(target: Path, folder: Path) -> Path | None:
    """Point the link `target` at `folder` in one rename; returns the build it pointed to before, if any.

    A real folder at `target` (a store of an older version) is moved into `builds/` and returned."""
    target, folder = Path(target), Path(folder)
    builds = folder.parent
    link = builds / f"{LINK_PREFIX}{os.getpid()}"
    if link.is_symlink() or link.exists():
        os.unlink(link)
    os.symlink(os.path.relpath(folder, target.parent), link)
    if target.is_symlink() or not target.exists():
        previous = current_build(target)
        os.replace(link, target)
        return previous
    migrated = _migrated_name(target)
    if exchange(link, target):  # `link` now holds the old folder (recovered by `recover_migrated` after a crash)
        os.rename(link, builds / migrated)
    else:
        os.rename(target, builds / migrated)  # the one window without `target`
        os.replace(link, target)
    return builds / migrated


def _migrated_name(folder: Path) -> str:
    """Build name of a store folder of an older version: its modification date."""
    return f"{datetime.fromtimestamp(folder.stat().st_mtime, UTC):%Y%m%dT%H%M%S%fZ}-ancien"


def recover_migrated(builds: Path) -> None:
    """Give a build name to an old store folder left under a work name by a crash during its migration."""
    for path in builds.iterdir():
        if path.name.startswith(LINK_PREFIX) and path.is_dir() and not path.is_symlink():
            os.rename(path, builds / _migrated_name(path))


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic call; False where the system offers no such call."""
    libc = ctypes.CDLL(None, use_errno=True)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        result = libc.renamex_np(os.fsencode(first), os.fsencode(second), rename_swap)
    else:
        return False
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 45, 95):  # EINVAL, ENOSYS, ENOTSUP (macOS), EOPNOTSUPP: not on this file system
        return False
    raise OSError(error, os.strerror(error), str(second))


def prune(builds: Path, keep: set[Path]) -> None:
    """Delete builds older than the `KEEP` newest (never those in `keep`, nor the build another store beside it
    links to: `data/processed` and `data/processed-84` share `data/builds/`), and work entries left by a crash."""
    recover_migrated(builds)
    folders = sorted(path for path in builds.iterdir() if path.is_dir() and not path.name.startswith("."))
    linked = {path.resolve() for path in builds.parent.iterdir() if path.is_symlink()}
    kept = {path.resolve() for path in keep} | {path.resolve() for path in folders[-KEEP:]} | linked
    for path in folders:
        if path.resolve() not in kept:
            shutil.rmtree(path, ignore_errors=True)
    for path in builds.iterdir():
        if path.name.startswith((STAGING_PREFIX, LINK_PREFIX)) and not _alive(_pid(path.name)):
            if path.is_symlink() or not path.is_dir():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _pid(name: str) -> int:
    digits = name.rsplit("-", 1)[-1]
    return int(digits) if digits.isdigit() else 0


def _alive(pid: int) -> bool:
    """Whether a process `pid` exists (this one included)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
