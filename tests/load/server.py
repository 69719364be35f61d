"""Start the production entry point (gunicorn with gunicorn.conf.py) on a free loopback port, for tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15


class ServerFailed(RuntimeError):
    """gunicorn exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    """Whether the server answers at all (any HTTP status, 503 included)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def gunicorn(
    data_dir: Path, log_path: Path, workers: int = 2, threads: int = 4, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve `dashboard.wsgi:server` on DATA_DIR=`data_dir` with the production configuration; yield its URL.

    Only 127.0.0.1 is bound. The server is stopped (SIGTERM, then SIGKILL) when the block ends.
    """
    port = free_port()
    environment = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "DEBUG": "0", **(env or {})}
    command = [sys.executable, "-m", "gunicorn", "-c", str(REPO_ROOT / "gunicorn.conf.py"), "dashboard.wsgi:server"]
    command += ["--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not answers(base_url + "/healthz"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerFailed(f"gunicorn did not start on {base_url}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
