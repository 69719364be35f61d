"""How the API answers: JSON (never NaN), CSV safe for a spreadsheet (booleans « oui » / « non »), answers kept
in the cache under canonical keys (the validated parameters, never the Host header nor the raw query), and
validators: a weak `ETag` (the key, the build date of the data, the code) and `Last-Modified` (the build
date), so that a conditional request is answered 304 without computing anything."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from flask import Response, current_app, request
from flask_caching import Cache

from dashboard.api.cache import CACHE_EXTENSION, CACHE_TIMEOUT_S
from dashboard.core.release import code_fingerprint
from dashboard.core.store import Store, current_store
from dashboard.tables.files import neutralise
from dashboard.tables.formats import FORMAT_CSV, FORMATS

#: Booleans in CSV: words a French spreadsheet and a script read alike (JSON keeps true / false).
BOOLEAN_TEXT = {True: "oui", False: "non"}


def json_response(payload: Any, status: int = 200) -> Response:
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return Response(text, status=status, mimetype="application/json")


def csv_response(frame: pd.DataFrame, name: str) -> Response:
    """The frame as a CSV attachment `<name>.csv`, text cells neutralised (formula injection)."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(BOOLEAN_TEXT, na_action="ignore")
        elif not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise, na_action="ignore")
    text = safe.to_csv(index=False, float_format="%.12g")
    return Response(
        text.encode("utf-8"),
        content_type=FORMATS[FORMAT_CSV].mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def api_cache_key(endpoint: str, parameters: Mapping[str, Any]) -> str:
    """Cache key of an answer: its endpoint and its validated parameters, hashed (bounded length).

    The caller puts in `parameters` exactly what the answer depends on, in canonical form (defaults
    filled in, duplicates removed, lists sorted when their order does not change the answer), so that
    equivalent queries share one entry; the Host header and unknown parameters never reach the key.
    """
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"api:{endpoint}:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"


def entity_tag(key: str) -> str:
    """The ETag value of an answer: its cache key, the build date of the data and the code's fingerprint."""
    store = current_store()
    built = store.built_at.isoformat() if isinstance(store, Store) else ""
    return hashlib.sha256(f"{key}|{built}|{code_fingerprint()}".encode()).hexdigest()[:32]


def validated(response: Response, tag: str) -> Response:
    """The response with its validators (weak ETag, Last-Modified) and how long a client may keep it."""
    store = current_store()
    response.set_etag(tag, weak=True)  # weak: the same data whatever the content-coding (gzip or not)
    if isinstance(store, Store):
        response.last_modified = store.built_at
    response.headers["Cache-Control"] = f"public, max-age={CACHE_TIMEOUT_S}"
    return response


def unchanged(tag: str) -> bool:
    """Whether the client already holds this answer (If-None-Match first, else If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    store = current_store()
    since = request.if_modified_since
    return since is not None and isinstance(store, Store) and store.built_at.replace(microsecond=0) <= since


def conditional(key: str, build: Callable[[], Response]) -> Response:
    """304 Not Modified when the client's copy is current, else `build()`, both with their validators."""
    tag = entity_tag(key)
    response = Response(status=304) if unchanged(tag) else build()
    return validated(response, tag) if response.status_code in (200, 304) else response


def cached(parameters: Mapping[str, Any], build: Callable[[], Response], cacheable: bool = True) -> Response:
    """The answer for `parameters`: 304 when the client holds it, else from the cache, or built and kept
    when successful (X-Cache header)."""
    key = api_cache_key(request.endpoint or request.path, parameters)
    return conditional(key, lambda: _from_cache(key, build, cacheable))


def _from_cache(key: str, build: Callable[[], Response], cacheable: bool) -> Response:
    cache: Cache = current_app.extensions[CACHE_EXTENSION]
    hit = cache.get(key) if cacheable else None
    if hit is not None:
        body, content_type, headers = hit
        response = Response(body, content_type=content_type, headers=headers)
        response.headers["X-Cache"] = "HIT"
        return response
    response = build()
    if cacheable and response.status_code == 200:
        kept = ("Content-Disposition", "Link", "X-Total-Count")
        headers = {name: value for name, value in response.headers.items() if name in kept}
        cache.set(key, (response.get_data(), response.content_type, headers))
    response.headers["X-Cache"] = "MISS"
    return response
