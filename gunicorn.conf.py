"""gunicorn configuration of the dashboard: `gunicorn -c gunicorn.conf.py dashboard.wsgi:server` (Procfile).

Every value can be tuned by an environment variable (defaults in brackets):

- PORT [8050], BIND_HOST [0.0.0.0]: where to listen;
- WEB_CONCURRENCY [number of CPUs, from 2 to 8]: worker processes. The work is CPU-bound (pandas,
  plotly), so about one worker per core; each worker holds its own read-only copy of the data store
  (about 400 MB resident, partly shared with the master thanks to preload_app);
- GUNICORN_THREADS [4]: threads per worker (requests waiting on the network overlap);
- GUNICORN_TIMEOUT [60]: seconds before a silent worker is killed and replaced;
- GUNICORN_MAX_REQUESTS [20000]: a worker is recycled after about this many requests, which bounds memory
  growth. The workers' limits are staggered (`post_fork`): worker k of n recycles after
  max_requests × (1 + k/n) requests plus up to 10 % jitter, so two workers never restart together and one
  always serves; a recycled worker finishes its requests (graceful_timeout) and its replacement is warmed
  before it takes traffic (`post_worker_init`);
- FORWARDED_ALLOW_IPS [127.0.0.1]: addresses of the reverse proxy allowed to set X-Forwarded-* headers;
- ACCESS_LOG [-]: access log file (`-` = standard output), or empty to turn it off.

Warm-up: the master (preload_app) and then each new worker display every page once before taking
traffic (Dash's lazy set-up, lazy imports of mapclassify/SciPy, page cache): see `_warm_up`. The objects
that live as long as the worker (data store, layouts, modules) are then moved out of the garbage collector's
reach (`gc.freeze`): without it, each full collection walks them again and pauses a request for about 70 ms.

Production never runs in debug mode: gunicorn never calls `app.run` (the only place that turns Dash's
dev tools and Flask's debugger on, for `python -m dashboard` with DEBUG=1) and `create_app` sets Flask's
DEBUG off; a warning is logged if DEBUG is set.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


# Serving
bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{_int('PORT', 8050)}"
workers = _int("WEB_CONCURRENCY", min(8, max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# Load the data store once in the master: workers are forked with it (copy-on-write) and start at once.
preload_app = True

# Faults: a stuck worker is replaced, a stopping one finishes its requests, workers are recycled.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
# The heartbeat file of the workers in memory, not on a (possibly slow or read-only) disk.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# Several instances may run side by side (tests, blue/green): no shared control socket.
control_socket_disable = True

# Bad input: request line up to 8 KiB (the app refuses, in French, queries over 4 KiB with 414),
# at most 100 headers of 8 KiB each.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Behind a reverse proxy (TLS termination, load balancer).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
proc_name = "residences-sociales-hdf"


def when_ready(server) -> None:  # gunicorn hook: the master is listening, no worker forked yet
    if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
        server.log.warning("DEBUG is ignored under gunicorn: production never runs in debug mode.")
    if server.cfg.preload_app:  # warm the app once here: every worker is forked from a warm master
        _warm_up(server.app.wsgi(), server.log)


def staggered_max_requests(base: int, workers: int, age: int, draw: int) -> int:
    """Requests before the worker spawned `age`-th (gunicorn counts from 1) is recycled: the workers of a
    generation are spread over one extra `base`, so that their restarts never coincide; `draw` (from 0 to the
    jitter) adds gunicorn's usual randomness."""
    return base + (age % max(workers, 1)) * base // max(workers, 1) + draw


def post_fork(server, worker) -> None:  # gunicorn hook: in the new worker, before it initialises
    cfg = server.cfg
    if cfg.max_requests <= 0:  # recycling turned off: gunicorn's own default (never)
        return
    draw = random.randint(0, cfg.max_requests_jitter) if cfg.max_requests_jitter > 0 else 0
    worker.max_requests = staggered_max_requests(cfg.max_requests, cfg.workers, worker.age, draw)


def post_worker_init(worker) -> None:  # gunicorn hook: a new worker, before it accepts connections
    """Display every page once in the worker before real traffic (quick when the master was warmed).

    Dash builds its callback map and the page router on the first request it serves; with several
    threads, requests arriving together on a fresh worker (at start, or after `max_requests`) could
    otherwise be dispatched before that set-up ends and fail with « Callback function not found ».
    """
    _warm_up(worker.wsgi, worker.log)
    gc.freeze()


def _warm_up(app, log) -> None:
    from dashboard.server.page_cache import warm_up

    try:
        failed = warm_up(app)
    except Exception:  # a failed warm-up must not stop the server: real requests redo the set-up
        log.exception("Warm-up failed")
        return
    if failed:
        log.warning("Warm-up: no 200 answer for %s", ", ".join(failed))
