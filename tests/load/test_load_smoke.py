"""A 10-second smoke of the load scenario against gunicorn with 2 workers on a real build.

It checks that every action of the scenario works under concurrency (0 errors), also while gunicorn
recycles its workers, and prints the figures; the 60-second measurement against the targets is
`python -m tests.load.runner`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from tests.load.runner import format_report, run
from tests.load.server import REPO_ROOT, gunicorn

RECYCLE_EVERY = 200
ARTIFACT = REPO_ROOT / "tests" / "artifacts" / "load-smoke.json"


def test_ten_seconds_of_mixed_load_without_error(built_data_dir: Path, tmp_path: Path, capsys):
    # Workers are recycled every ~200 requests: the load also checks that restarts drop no request.
    recycling = {"GUNICORN_MAX_REQUESTS": str(RECYCLE_EVERY)}
    with gunicorn(built_data_dir, tmp_path / "gunicorn.log", workers=2, env=recycling) as url:
        report = run(url, duration_s=10, users=6, warmup_s=1)
    summary = format_report(report)
    with capsys.disabled():
        print("\n" + summary)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2), encoding="utf-8")

    assert report.errors == 0, "\n".join(report.error_samples)
    restarts = (tmp_path / "gunicorn.log").read_text().count("Booting worker")
    assert restarts >= 3, "the workers should have been recycled during the run"
    assert report.requests >= 100, summary
    assert {"page_accueil", "changement_indicateur", "api", "export", "fiche"} <= set(report.requests_by_action), (
        summary
    )
    # The indicator switch reached the map callbacks (payloads built like the renderer's).
    assert {"POST callback carte.figure", "POST router"} <= set(report.by_label), summary
