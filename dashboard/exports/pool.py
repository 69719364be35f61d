"""The renders of a process, away from the threads that serve requests (`RenderPool`): at most MAX_RENDERS
at once, at most GUNICORN_THREADS − FREE_THREADS admitted (running or queued); any further export is refused
at once (ExportBusy → 503 with Retry-After).
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
from collections.abc import Mapping
from typing import Any

#: Renders at once per process (each one is a browser, about one core).
MAX_RENDERS = 2
#: Renders admitted beyond those running, waiting for a free browser (when threads allow it).
MAX_QUEUED = 2
#: Request threads of a gunicorn worker kept free for pages and /healthz, whatever the exports.
FREE_THREADS = 2
DEFAULT_THREADS = 4


class ExportTimeout(RuntimeError):
    """The render took longer than the time limit."""


class ExportBusy(RuntimeError):
    """Too many renders at once in this process."""


def pool_capacity(environ: Mapping[str, str]) -> int:
    """Renders a worker admits (running or queued): its threads but FREE_THREADS, from 1 to MAX_RENDERS + MAX_QUEUED.

    Each admitted render keeps one request thread waiting for it; GUNICORN_THREADS is the number of
    threads of a worker (gunicorn.conf.py).
    """
    text = environ.get("GUNICORN_THREADS", "").strip()
    threads = int(text) if text.isdigit() else DEFAULT_THREADS
    return max(1, min(threads - FREE_THREADS, MAX_RENDERS + MAX_QUEUED))


class RenderPool:
    """The renders of a process, away from the threads that serve requests.

    At most `workers` renders run at once (threads of their own, created in the worker process, never
    in gunicorn's master before it forks); at most `capacity` are admitted (running or waiting for a
    browser). A render that cannot be admitted is refused at once (ExportBusy): the request thread is
    given back immediately instead of waiting in line.
    """

    def __init__(self, workers: int = MAX_RENDERS, capacity: int = MAX_RENDERS) -> None:
        self.workers = workers
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._slots = threading.BoundedSemaphore(self.capacity)

    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():  # new process: new threads and slots
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self.workers, thread_name_prefix="rendu-export"
                )
                self._slots = threading.BoundedSemaphore(self.capacity)
                self._pid = os.getpid()
            return self._executor

    def run(self, produce: Any, timeout_s: float) -> Any:
        """The result of `produce()` run in the pool; ExportBusy at once when the pool is full."""
        pool = self._pool()
        slots = self._slots
        if not slots.acquire(blocking=False):
            raise ExportBusy("trop d'exports en cours")

        def job() -> Any:
            try:
                return produce()
            finally:
                slots.release()  # held as long as the browser runs, given back before the result is seen

        try:
            future = pool.submit(job)
        except BaseException:
            slots.release()
            raise
        try:
            return future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError as error:
            if future.cancel():  # still waiting for a browser: it will never start (a running one has a deadline)
                slots.release()
            raise ExportTimeout(f"plus de {timeout_s:.0f} s") from error
