"""GET /healthz: is this worker able to serve the data, which build, which version (for load balancers).

200 when the store was loaded: its build date, the app version, the build found on disk (a newer one
means the workers should be restarted to serve it) and the state of this worker's cache: for Redis,
whether the worker uses it (« en service ») or answers without it until a retry time (« contourné
jusqu'à … », status `degrade`); for the local cache, its entries and bytes against its budget. 503 with
a French reason when the store is missing or unreadable — the pages then explain how to build it.

Nothing slow is ever touched (a load balancer drops a host whose check is late): no network call (the
cache state is what the worker recorded), and the build on disk is read at most every DISK_CHECK_S.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app

from dashboard.api.blueprint import CACHE_EXTENSION
from dashboard.core import routes
from dashboard.core.release import app_version, code_fingerprint
from dashboard.core.store import COVERAGE_FILE, StoreError, StoreMissing, current_store
from dashboard.settings import Settings

SETTINGS_KEY = "HEALTH_SETTINGS"

STATUS_OK = "ok"
STATUS_DEGRADED = "degrade"
STATUS_DOWN = "indisponible"
DISK_CHECK_S = 5.0

_disk_lock = threading.Lock()
_disk_seen: dict[Path, tuple[float, dict[str, Any]]] = {}


def disk_build(processed_dir: Path) -> dict[str, Any]:
    """Build date of the store currently on disk (it may differ from the one loaded at start-up)."""
    try:
        with (processed_dir / COVERAGE_FILE).open(encoding="utf-8") as handle:
            return {"construites_le": json.load(handle)["built_at"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        return {"erreur": f"{COVERAGE_FILE} illisible ou absent ({type(error).__name__})"}


def recent_disk_build(processed_dir: Path) -> dict[str, Any]:
    """`disk_build`, read again only when the last reading is older than DISK_CHECK_S."""
    now = time.monotonic()
    with _disk_lock:
        seen = _disk_seen.get(processed_dir)
        if seen is not None and now - seen[0] < DISK_CHECK_S:
            return seen[1]
    found = disk_build(processed_dir)
    with _disk_lock:
        _disk_seen[processed_dir] = (now, found)
    return found


def cache_state(server: Flask) -> dict[str, Any]:
    """What this worker's response cache is doing now, as recorded in memory (no call to Redis)."""
    extension = server.extensions.get(CACHE_EXTENSION)
    backend = getattr(extension, "cache", None)
    if backend is None:
        return {"type": "aucun"}
    state = getattr(backend, "state", None)
    return state() if callable(state) else {"type": type(backend).__name__}


def health() -> tuple[dict[str, Any], int]:
    """The health report and its HTTP status."""
    settings: Settings = current_app.config[SETTINGS_KEY]
    store = current_store()
    report: dict[str, Any] = {"version": app_version(), "revision": code_fingerprint()}
    if isinstance(store, StoreError):
        report["status"] = STATUS_DOWN
        report["raison"] = str(store)
        report["donnees"] = {"chargees": False, "absentes": isinstance(store, StoreMissing)}
        return report, 503
    cache_report = cache_state(current_app)
    on_disk = recent_disk_build(settings.processed_dir)
    loaded = store.built_at.isoformat()
    bypassed = cache_report.get("type") == "redis" and cache_report.get("etat") != "en service"
    report["status"] = STATUS_DEGRADED if bypassed else STATUS_OK
    report["donnees"] = {
        "chargees": True,
        "construites_le": loaded,
        "sur_disque": {**on_disk, "identiques": on_disk.get("construites_le") == loaded},
    }
    report["cache"] = cache_report
    if report["status"] == STATUS_DEGRADED:
        report["raison"] = (
            f"Cache Redis injoignable\u202f: ce processus calcule les réponses sans cache partagé "
            f"({cache_report['etat']})."
        )
    return report, 200


def health_blueprint() -> Blueprint:
    blueprint = Blueprint("health", __name__)

    @blueprint.get(routes.HEALTH)
    def healthz() -> Response:
        report, status = health()
        response = Response(json.dumps(report, ensure_ascii=False), status=status, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response

    return blueprint


def init_health(server: Flask, settings: Settings) -> None:
    server.config[SETTINGS_KEY] = settings
    server.register_blueprint(health_blueprint())
