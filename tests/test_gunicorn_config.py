"""Worker recycling in gunicorn.conf.py: staggered limits, so that two workers never restart together."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

CONFIG = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def load_config() -> dict:
    namespace: dict = {}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)
    return namespace


def test_workers_recycle_rarely_and_never_together():
    config = load_config()
    base, jitter = config["max_requests"], config["max_requests_jitter"]
    assert base >= 20_000  # at 200 requests per second, minutes between restarts, not seconds
    for workers in (2, 3, 4, 8):
        limits = sorted(
            config["staggered_max_requests"](base, workers, age, draw)
            for age in range(1, workers + 1)
            for draw in (0, jitter)
        )
        firsts = sorted(config["staggered_max_requests"](base, workers, age, 0) for age in range(1, workers + 1))
        gaps = [later - earlier for earlier, later in itertools.pairwise(firsts)]
        # With the largest jitter, two workers of one generation stay at least base/workers − jitter apart.
        assert min(gaps) >= base // workers and base // workers > jitter, workers
        assert limits[0] >= base


def test_post_fork_sets_the_staggered_limit_and_respects_recycling_off():
    config = load_config()
    cfg = SimpleNamespace(max_requests=20_000, max_requests_jitter=0, workers=2)
    server = SimpleNamespace(cfg=cfg)
    first, second = SimpleNamespace(age=1, max_requests=0), SimpleNamespace(age=2, max_requests=0)
    config["post_fork"](server, first)
    config["post_fork"](server, second)
    assert {first.max_requests, second.max_requests} == {20_000, 30_000}
    off = SimpleNamespace(age=1, max_requests=123)
    config["post_fork"](SimpleNamespace(cfg=SimpleNamespace(max_requests=0, max_requests_jitter=0, workers=2)), off)
    assert off.max_requests == 123  # gunicorn's own « never » is kept
