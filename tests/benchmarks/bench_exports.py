"""Benchmark of the full export: all communes × all indicators, in every format, server time.

Usage (from the repository root):

    python -m tests.benchmarks.bench_exports            # DATA_DIR or data/ must hold a build
    python -m tests.benchmarks.bench_exports --repeat 5

Prints, per format, the time to build the view and write the file, and the time of the whole request to
the download route through the Flask test client. Exits with status 1 when a request exceeds the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.core.store import load_store  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.tables import files as table_files  # noqa: E402
from dashboard.tables import formats as table_formats  # noqa: E402
from dashboard.tables import indicators as table_indicators  # noqa: E402
from dashboard.tables import views as table_views  # noqa: E402
from dashboard.tables.state import LEVEL_COMMUNE, TableState, to_query  # noqa: E402

TARGET_S = 2.0


def timed(function, repeat: int) -> tuple[float, float, object]:
    """(median, max) seconds over `repeat` calls, and the last result."""
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations), max(durations), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    store = load_store(args.data_dir)
    choices = table_indicators.table_choices(store)
    state = TableState(level=LEVEL_COMMUNE, indicators=choices.available(LEVEL_COMMUNE))
    context = table_files.ExportContext(
        datetime.now(UTC), "http://localhost/tableaux?" + to_query(state), store.built_at
    )

    view_median, view_max, view = timed(lambda: table_views.territory_view(store, state), args.repeat)
    print(
        f"Vue complète : {len(view.frame)} communes × {len(state.indicators)} indicateurs "
        f"({len(view.columns)} colonnes), construite en {view_median:.3f} s (max {view_max:.3f} s)"
    )
    client = create_app(Settings(data_dir=args.data_dir)).server.test_client()
    client.get("/")  # the first request of a worker builds Dash's page registry: not an export cost
    query = to_query(state)
    print(
        f"{'format':<10} {'écriture (s)':>13} {'requête (s)':>12} {'max (s)':>9} {'taille':>10}  cible < {TARGET_S} s"
    )
    too_slow = []
    for key in table_formats.FORMATS:
        write_median, _write_max, content = timed(lambda key=key: table_formats.write(view, key, context), args.repeat)

        def request(key: str = key) -> bytes:
            response = client.get(f"/telecharger/{key}?{query}")
            assert response.status_code == 200, response.status_code
            return response.data

        request_median, request_max, _ = timed(request, args.repeat)
        verdict = "ok" if request_max < TARGET_S else "TROP LENT"
        if request_max >= TARGET_S:
            too_slow.append(key)
        size = f"{len(content) / 1e6:.1f} Mo"
        print(f"{key:<10} {write_median:>13.3f} {request_median:>12.3f} {request_max:>9.3f} {size:>10}  {verdict}")
    return 1 if too_slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
