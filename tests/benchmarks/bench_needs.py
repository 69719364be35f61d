"""Server time of the needs analysis on the real build (prints figures; not a test).

DATA_DIR=data .venv/bin/python -m tests.benchmarks.bench_needs
"""

from __future__ import annotations

import statistics
import time

from dashboard import needs
from dashboard.app import create_app
from dashboard.store import current_store

ROUNDS = 10
LENS = "246200364"


def timed(function, rounds: int = ROUNDS) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(0.95 * (len(timings) - 1))] * 1000


def main() -> None:
    app = create_app()
    from dashboard.pages import classement, territoire  # pages register themselves once the app exists

    with app.server.test_request_context("/"):
        store = current_store()
        inputs = needs.needs_inputs(store)
        figures = {
            "score + 500 draws (92 EPCI)": lambda: needs.ranking(inputs, needs.DEFAULT_COMPONENTS, draws=500),
            "ranking page layout": lambda: classement.layout(poids="taux_pauvrete:2", dep="62"),
            "territory fiche layout": lambda: territoire.layout(code_siren=LENS),
        }
        for label, function in figures.items():
            function()  # warm-up
            median, p95 = timed(function)
            print(f"{label:<32} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
