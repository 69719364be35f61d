"""`bash scripts/run.sh`, the presenters' command: local address by default, one « prêt » line, access log in a
file (the real script, on the real build)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO_ROOT

START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """IPv4 addresses listening on `port`, read from /proc/net/tcp (state 0A = LISTEN)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_run_script_listens_locally_says_when_ready_and_logs_accesses_to_a_file(built_data_dir: Path, tmp_path: Path):
    port = free_port()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "processed").symlink_to((built_data_dir / "processed").resolve())
    environment = {key: value for key, value in os.environ.items() if key not in ("BIND_HOST", "ACCESS_LOG")}
    environment.update({"PORT": str(port), "DATA_DIR": str(data_dir), "WEB_CONCURRENCY": "1"})
    process = subprocess.Popen(
        ["bash", str(REPO_ROOT / "scripts" / "run.sh")],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            if line.startswith("prêt"):
                break
        ready = [line for line in lines if line.startswith("prêt")]
        assert ready == [
            f"prêt : http://localhost:{port} (Ctrl+C pour arrêter ; journal des accès : "
            f"{data_dir / 'logs' / 'acces.log'})\n"
        ], "".join(lines)
        assert listening_addresses(port) == {"127.0.0.1"}  # not 0.0.0.0: this machine only
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.status == 200
        time.sleep(0.5)
        assert "GET /healthz" in (data_dir / "logs" / "acces.log").read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "GET /healthz" not in "".join(lines) + output  # the access log stays out of the terminal
