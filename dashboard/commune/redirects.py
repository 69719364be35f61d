"""A former commune's address (a code merged into a commune nouvelle) leads to its current commune's fiche.

`/commune/<former code>` answers 301 towards `/commune/<current code>?ancien=<former code>`; the fiche then says
which former commune was asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, redirect, request

from dashboard.core import catalogue, routes
from dashboard.core.levels import LEVEL_COMMUNE
from dashboard.core.store import Store, current_store

PARAM_FORMER = "ancien"


def current_code(store: Store, code: str) -> str | None:
    """The current commune of a former code when it has a fiche (a commune of the map), else None."""
    current = catalogue.former_commune_codes(store).get(code)
    mapped = store.display.get(LEVEL_COMMUNE)
    return current if current is not None and mapped is not None and current in set(mapped.codes) else None


def init_commune_redirects(server: Flask) -> None:
    """Redirect the addresses of former communes (GET and HEAD)."""
    prefix = routes.COMMUNE_PREFIX + "/"

    @server.before_request
    def former_commune() -> Response | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(prefix):
            return None
        store = current_store()
        code = request.path[len(prefix) :]
        current = current_code(store, code) if isinstance(store, Store) else None
        if current is None:
            return None
        return redirect(f"{routes.commune_path(current)}?{urlencode({PARAM_FORMER: code})}", code=301)
