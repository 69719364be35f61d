"""Write the processed store atomically: a failed build never touches the last good one."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

STORE_FILES = ("territories.parquet", "indicators.parquet", "residences.parquet", "coverage.json", "catalogue.json")


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run `write(staging_dir)`, check every store file exists, then swap it into `target`.

    The previous store is moved aside and removed only once the new one is in place; if
    anything fails before the swap, `target` is left exactly as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f"{target.name}.new-{os.getpid()}")
    previous = target.with_name(f"{target.name}.previous-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write(staging)
        missing = [name for name in STORE_FILES if not (staging / name).is_file()]
        if missing:
            raise RuntimeError(f"store incomplete, missing: {', '.join(missing)}")
        if target.exists():
            os.replace(target, previous)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not target.exists():
            os.replace(previous, target)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
