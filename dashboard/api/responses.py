"""How the API answers: JSON (never NaN), CSV safe for a spreadsheet, and answers kept in the cache under
canonical keys (the validated parameters, never the Host header nor the raw query)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from flask import Response, current_app, request
from flask_caching import Cache

from dashboard.api.cache import CACHE_EXTENSION, CACHE_TIMEOUT_S
from dashboard.tables.files import neutralise
from dashboard.tables.formats import FORMAT_CSV, FORMATS


def json_response(payload: Any, status: int = 200) -> Response:
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return Response(text, status=status, mimetype="application/json")


def csv_response(frame: pd.DataFrame, name: str) -> Response:
    """The frame as a CSV attachment `<name>.csv`, text cells neutralised (formula injection)."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
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


def cached(parameters: Mapping[str, Any], build: Callable[[], Response], cacheable: bool = True) -> Response:
    """The answer for `parameters` from the cache, or built and kept when successful (X-Cache header)."""
    cache: Cache = current_app.extensions[CACHE_EXTENSION]
    key = api_cache_key(request.endpoint or request.path, parameters)
    hit = cache.get(key) if cacheable else None
    if hit is not None:
        body, content_type, headers = hit
        response = Response(body, content_type=content_type, headers=headers)
        response.headers["X-Cache"] = "HIT"
        return response
    response = build()
    response.headers["Cache-Control"] = f"public, max-age={CACHE_TIMEOUT_S}"
    if cacheable and response.status_code == 200:
        kept = ("Content-Disposition", "Cache-Control")
        headers = {name: value for name, value in response.headers.items() if name in kept}
        cache.set(key, (response.get_data(), response.content_type, headers))
    response.headers["X-Cache"] = "MISS"
    return response
