"""Load driver: simulated users replay tests/load/scenario.py against the app, on loopback only.

    python -m tests.load.runner                      # gunicorn, 2 workers, on DATA_DIR (or data/), 60 s
    python -m tests.load.runner --duration 10 --users 6
    python -m tests.load.runner --url http://127.0.0.1:8050   # an app already running (loopback only)

Each simulated user is a thread with its own keep-alive connection that runs actions one after the other
without pause (closed loop), for a bounded time. Every request counts: throughput (requests per second),
latency percentiles and errors (an HTTP status ≥ 400, a network error, or a callback answered with
the app's error banner). The figures are printed, and written as JSON with --json. Targets of the
issue: ≥ 150 req/s, p95 < 300 ms, 0 errors over 60 s with 2 gunicorn workers.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import ipaddress
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.core import routes
from tests.load import scenario
from tests.load.server import REPO_ROOT, gunicorn

MAX_DURATION_S = 600
MAX_USERS = 64
REQUEST_TIMEOUT_S = 30
ERROR_PAUSE_S = 0.2
TARGET_RPS = 150
TARGET_P95_MS = 300
HEADERS = {"Accept-Encoding": "gzip", "Accept": "*/*", "User-Agent": "tests.load.runner"}


@dataclass(frozen=True)
class Sample:
    action: str
    label: str
    status: int
    seconds: float
    error: str | None


@dataclass(frozen=True)
class Report:
    duration_s: float
    users: int
    requests: int
    actions: int
    errors: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    by_label: dict[str, dict[str, float]]
    requests_by_action: dict[str, int]
    error_samples: list[str]

    @property
    def meets_targets(self) -> bool:
        return self.errors == 0 and self.requests_per_s >= TARGET_RPS and self.p95_ms < TARGET_P95_MS


def check_loopback(url: str) -> tuple[str, int]:
    """Host and port of `url`; refuse anything that is not a loopback address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if parts.scheme != "http" or not loopback:
        raise ValueError(f"the load driver only targets http://127.0.0.1 (loopback), not {url!r}")
    return host, parts.port or 80


class Client:
    """One keep-alive HTTP connection (one simulated user)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def fetch(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = dict(HEADERS)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            reused = self.connection is not None
            try:
                connection = self._connection()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                if response.getheader("Content-Encoding", "") == "gzip":
                    content = gzip.decompress(content)
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, content
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2 or not reused:  # a kept-alive connection closed by the server: retry once
                    raise
        raise AssertionError("unreachable")


def _user(
    base: tuple[str, int], site: scenario.Site, seed: int, deadline: float, samples: list[Sample], actions: list[str]
) -> None:
    rng = random.Random(seed)
    client = Client(*base)
    try:
        while time.monotonic() < deadline:
            action, requests = scenario.next_action(site, rng)
            actions.append(action)
            for request in requests:
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                error = None
                status = 0
                try:
                    status, content = client.fetch(request.method, request.path, request.body)
                    if status >= 400:
                        error = f"{status} {request.method} {request.path[:120]}: {content[:200]!r}"
                    elif request.path == routes.DASH_UPDATE and scenario.APP_ERROR_MARKER in content:
                        error = f"callback error banner for {request.label}"
                except (OSError, http.client.HTTPException) as exception:
                    error = f"{type(exception).__name__} {request.method} {request.path[:120]}: {exception}"
                    client.close()
                    time.sleep(ERROR_PAUSE_S)  # a server that is down is not hammered in a tight loop
                samples.append(Sample(action, request.label, status, time.perf_counter() - started, error))
    finally:
        client.close()


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def summarise(samples: list[Sample], duration_s: float, users: int, actions: int) -> Report:
    latencies = sorted(sample.seconds * 1000 for sample in samples)
    by_label: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        by_label[sample.label].append(sample.seconds * 1000)
    errors = [sample for sample in samples if sample.error]
    return Report(
        duration_s=round(duration_s, 1),
        users=users,
        requests=len(samples),
        actions=actions,
        errors=len(errors),
        requests_per_s=round(len(samples) / duration_s, 1) if duration_s else 0.0,
        p50_ms=round(_percentile(latencies, 0.50), 1),
        p95_ms=round(_percentile(latencies, 0.95), 1),
        p99_ms=round(_percentile(latencies, 0.99), 1),
        max_ms=round(latencies[-1], 1) if latencies else 0.0,
        by_label={
            label: {
                "n": len(values),
                "median_ms": round(statistics.median(values), 1),
                "p95_ms": round(_percentile(sorted(values), 0.95), 1),
            }
            for label, values in sorted(by_label.items(), key=lambda item: -len(item[1]))
        },
        requests_by_action=dict(Counter(sample.action for sample in samples)),
        error_samples=[sample.error for sample in errors[:10] if sample.error],
    )


def run(base_url: str, duration_s: float, users: int, warmup_s: float = 5.0, seed: int = 9) -> Report:
    """Discover the app, warm it up, then measure `users` closed-loop users for `duration_s` seconds."""
    if not 0 < duration_s <= MAX_DURATION_S or not 0 < users <= MAX_USERS or warmup_s < 0:
        raise ValueError(f"duration in ]0, {MAX_DURATION_S}] s and users in ]0, {MAX_USERS}] please")
    base = check_loopback(base_url)
    setup = Client(*base)
    try:
        site = scenario.discover(setup.fetch)
    finally:
        setup.close()

    def phase(seconds: float, seed_offset: int) -> tuple[list[Sample], list[str], float]:
        samples: list[Sample] = []
        actions: list[str] = []
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=_user, args=(base, site, seed + seed_offset + index, deadline, samples, actions), daemon=True
            )
            for index in range(users)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + REQUEST_TIMEOUT_S + 5)
        return samples, actions, time.monotonic() - started

    if warmup_s:
        phase(warmup_s, 1000)
    samples, actions, elapsed = phase(duration_s, 0)
    return summarise(samples, elapsed, users, len(actions))


def format_report(report: Report) -> str:
    verdict = "objectifs atteints" if report.meets_targets else "objectifs NON atteints"
    lines = [
        f"Charge : {report.users} utilisateurs simultanés pendant {report.duration_s} s",
        f"  requêtes : {report.requests} ({report.requests_per_s} req/s) ; erreurs : {report.errors}",
        f"  latence : médiane {report.p50_ms} ms, p95 {report.p95_ms} ms, p99 {report.p99_ms} ms, max {report.max_ms} ms",
        f"  objectifs : ≥ {TARGET_RPS} req/s, p95 < {TARGET_P95_MS} ms, 0 erreur → {verdict}",
        "  par requête (nombre, médiane, p95) :",
    ]
    for label, figures in report.by_label.items():
        lines.append(f"    {label:<60} {figures['n']:>6} {figures['median_ms']:>8} ms {figures['p95_ms']:>8} ms")
    lines.extend(f"  erreur : {sample}" for sample in report.error_samples)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="app already running (loopback only); default: start gunicorn")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("DATA_DIR", REPO_ROOT / "data")))
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    if args.url:
        report = run(args.url, args.duration, args.users, args.warmup)
    else:
        log = Path(tempfile.mkdtemp(prefix="load-")) / "gunicorn.log"
        print(f"gunicorn ({args.workers} workers) sur {args.data_dir}, journal : {log}", file=sys.stderr)
        with gunicorn(args.data_dir, log, workers=args.workers) as url:
            report = run(url, args.duration, args.users, args.warmup)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if report.meets_targets else 1


if __name__ == "__main__":
    sys.exit(main())
