"""Read-only JSON/CSV API (/api/v1/...) and the download route of the tables page (/telecharger/...).

Both are Flask blueprints registered by `create_app` through `init_api`; they read only the store. API
responses are cached with flask-caching (configuration: `cache_config`) under canonical keys (the
validated parameters, never the Host header nor the raw query); errors are JSON with a French message,
and every response carries the source and vintage of what it returns.

`init_api` also sets what the whole app shares: the cache (a byte-bounded one per worker, or Redis), the
public address written into files (PUBLIC_URL, see `public_url`) and relative redirects (a Location
header never repeats the Host header the client sent).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
from flask import Blueprint, Flask, Response, current_app, has_app_context, request
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache
from redis.exceptions import RedisError

from dashboard.core import routes
from dashboard.core.perimeter import perimeter, region_name
from dashboard.core.store import CONFIG_KEY, StoreError, current_store
from dashboard.exports import media as exports_media
from dashboard.needs import analysis as needs_store
from dashboard.needs import export as needs_export
from dashboard.needs import state as needs_state
from dashboard.server.release import code_fingerprint
from dashboard.settings import Settings
from dashboard.tables import views as exports
from dashboard.tables.state import parse_query, to_query

CACHE_EXTENSION = "dashboard_api_cache"
LOOKUPS_EXTENSION = "dashboard_api_lookups"
PUBLIC_URL_KEY = "PUBLIC_URL"
CACHE_TIMEOUT_S = 3600
#: Entries of the local cache, at most (the byte budget, CACHE_MAX_MB, is what bounds it in practice).
CACHE_THRESHOLD = 10_000
#: One answer larger than this share of the byte budget is not kept (it would push out many others).
CACHE_MAX_ENTRY_SHARE = 8
#: Bookkeeping of one entry beyond its key and bytes (tuple, dict slot, objects): about 200 bytes.
CACHE_ENTRY_OVERHEAD = 200
REDIS_KEY_PREFIX = "residences-hdf"
REDIS_TIMEOUT_S = 0.5
REDIS_RETRY_S = 30.0
#: Eviction policies under which a full Redis drops old entries instead of refusing writes.
REDIS_EVICTING = ("allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "allkeys-random", "volatile-ttl")

API_LEVELS = ("commune", "epci", "departement", "region", "france")
TERRITORY_LEVELS = ("commune", "epci", "departement", "region")
FORMATS = ("json", "csv")
FRANCE_CODE = "FR"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab), sauf mention contraire dans les sources"
MISSING = "null (JSON) ou vide (CSV) : valeur manquante, jamais 0"
CSV_MIMETYPE = "text/csv; charset=utf-8"

logger = logging.getLogger(__name__)


def cache_config(settings: Settings, namespace: str = "") -> dict[str, Any]:
    """flask-caching configuration: a byte-bounded cache per worker, or Redis when REDIS_URL is set.

    The data is read-only for the life of a worker, so cached answers never go stale. The local cache
    keeps at most `settings.cache_max_bytes` of answers and pages (CACHE_MAX_MB), least recently used
    out first. With Redis, the cache is shared by every worker of every host behind the load balancer;
    its keys start with `namespace` (build date of the data and fingerprint of the code), so hosts
    serving different builds or releases never share answers; its size is Redis's `maxmemory` (with
    `maxmemory-policy allkeys-lru`, checked at start). Redis being unreachable only slows answers down
    (see TolerantRedisCache).
    """
    config: dict[str, Any] = {"CACHE_DEFAULT_TIMEOUT": CACHE_TIMEOUT_S}
    if not settings.redis_url:
        return {
            **config,
            "CACHE_TYPE": f"{__name__}.BoundedLocalCache",
            "CACHE_THRESHOLD": CACHE_THRESHOLD,
            "CACHE_MAX_BYTES": settings.cache_max_bytes,
        }
    return {
        **config,
        "CACHE_TYPE": f"{__name__}.TolerantRedisCache",
        "CACHE_REDIS_URL": settings.redis_url,
        "CACHE_KEY_PREFIX": f"{REDIS_KEY_PREFIX}:{namespace}:",
        "CACHE_OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S},
    }


class BoundedLocalCache(SimpleCache):
    """flask-caching's in-process cache, bounded in bytes: least recently used entries out first.

    An entry weighs its key, its serialised value and CACHE_ENTRY_OVERHEAD; the total never exceeds
    `max_bytes` (an answer over `max_bytes / CACHE_MAX_ENTRY_SHARE` is simply not kept). Thread-safe
    (gunicorn's threads share it).
    """

    def __init__(
        self,
        max_bytes: int = 64 * 1024 * 1024,
        threshold: int = CACHE_THRESHOLD,
        default_timeout: int = 300,
        **options: Any,
    ) -> None:
        super().__init__(threshold=threshold, default_timeout=default_timeout, **options)
        self._cache: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_bytes = max(0, int(max_bytes))
        self._bytes = 0

    @classmethod
    def factory(cls, app: Flask, config: dict[str, Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
        kwargs.update(threshold=config["CACHE_THRESHOLD"], max_bytes=config["CACHE_MAX_BYTES"])
        return cls(*args, **kwargs)

    @staticmethod
    def _weight(key: str, data: bytes) -> int:
        return len(key) + len(data) + CACHE_ENTRY_OVERHEAD

    def _drop(self, key: str) -> bool:
        item = self._cache.pop(key, None)
        if item is None:
            return False
        self._bytes -= self._weight(key, item[1])
        return True

    def _expired(self, expires: float) -> bool:
        return expires != 0 and expires <= time.time()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._cache.get(key)
            if item is None:
                return None
            if self._expired(item[0]):
                self._drop(key)
                return None
            self._cache.move_to_end(key)
            return self.serializer.loads(item[1])

    def has(self, key: str) -> bool:
        with self._lock:
            item = self._cache.get(key)
            return item is not None and not self._expired(item[0])

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        data = self.serializer.dumps(value)
        weight = self._weight(key, data)
        with self._lock:
            self._drop(key)
            if weight > self._max_bytes // CACHE_MAX_ENTRY_SHARE:
                return False
            self._cache[key] = (self._normalize_timeout(timeout), data)
            self._bytes += weight
            while self._cache and (self._bytes > self._max_bytes or len(self._cache) > self._threshold):
                oldest, (_, old_data) = self._cache.popitem(last=False)
                self._bytes -= self._weight(oldest, old_data)
            return True

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        with self._lock:
            if self.has(key):
                return False
            return self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._drop(key)

    def clear(self) -> bool:
        with self._lock:
            self._cache.clear()
            self._bytes = 0
            return True

    def size_bytes(self) -> int:
        return self._bytes

    def state(self) -> dict[str, Any]:
        """For /healthz: entries, bytes and budget (memory only, instant)."""
        with self._lock:
            return {
                "type": "local",
                "entrees": len(self._cache),
                "octets": self._bytes,
                "plafond_octets": self._max_bytes,
            }


def clock() -> float:
    """Wall-clock time of the Redis bypass (a module function, so that tests can move time on)."""
    return time.time()


class TolerantRedisCache(RedisCache):
    """flask-caching's Redis backend that degrades to "no cache" while Redis is unreachable.

    A failed call is logged and answered as a cache miss; Redis is then left alone (bypassed) for
    REDIS_RETRY_S seconds, so a dead Redis costs one timeout per worker per period, not one per request.
    `state` tells /healthz what this worker does now, without calling Redis.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bypass_until = 0.0
        self._last_error_at = 0.0
        self._last_error = ""

    def _attempt(self, operation: Callable[[], Any], fallback: Any) -> Any:
        if clock() < self._bypass_until:
            return fallback
        try:
            return operation()
        except RedisError as error:
            now = clock()
            self._last_error_at, self._last_error = now, str(error)[:200]
            self._bypass_until = now + REDIS_RETRY_S
            logger.warning("Redis cache unreachable (%s): answering without cache for %s s", error, REDIS_RETRY_S)
            return fallback

    def get(self, key: str) -> Any:
        return self._attempt(lambda: super(TolerantRedisCache, self).get(key), None)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._attempt(lambda: super(TolerantRedisCache, self).set(key, value, timeout), False)

    def delete(self, key: str) -> Any:
        return self._attempt(lambda: super(TolerantRedisCache, self).delete(key), False)

    def bypassed_until(self) -> float | None:
        """Until when (epoch seconds) this worker answers without Redis, or None when it uses Redis."""
        until = self._bypass_until
        return until if clock() < until else None

    def state(self) -> dict[str, Any]:
        """For /healthz: « en service », or « contourné jusqu'à HH:MM:SS » with the last error (instant)."""
        until = self.bypassed_until()
        if until is None:
            return {"type": "redis", "etat": "en service"}
        local = datetime.fromtimestamp(until).astimezone()
        failed = datetime.fromtimestamp(self._last_error_at).astimezone()
        return {
            "type": "redis",
            "etat": f"contourné jusqu'à {local:%H:%M:%S}",
            "contourne_jusqu_a": local.isoformat(timespec="seconds"),
            "derniere_erreur_le": failed.isoformat(timespec="seconds"),
            "derniere_erreur": self._last_error,
        }

    def memory_policy(self) -> tuple[int, str] | None:
        """Redis's (maxmemory, maxmemory-policy), or None when it cannot be read (down, CONFIG disabled)."""
        try:
            config = self._read_client.config_get("maxmemory*")
        except RedisError:
            return None
        return int(config.get("maxmemory", 0) or 0), str(config.get("maxmemory-policy", ""))


def check_redis_memory(backend: TolerantRedisCache) -> None:
    """Log at start-up a Redis that may grow without bound, or refuse writes when full."""
    policy = backend.memory_policy()
    if policy is None:
        logger.warning("Redis cache: maxmemory and maxmemory-policy could not be read (Redis down or CONFIG off)")
        return
    limit, eviction = policy
    if limit == 0 or eviction not in REDIS_EVICTING:
        logger.warning(
            "Redis cache without a memory bound (maxmemory=%s, maxmemory-policy=%s): set maxmemory "
            "(e.g. 256mb) and maxmemory-policy allkeys-lru on the Redis server",
            limit,
            eviction or "?",
        )


def relative_redirects(response: Response) -> Response:
    """A redirect to this site says only the path: never the Host header the client sent."""
    location = response.headers.get("Location")
    if location and 300 <= response.status_code < 400:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():
            response.headers["Location"] = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return response


def init_api(server: Flask, settings: Settings) -> None:
    """Set up the cache, the public address and relative redirects; register the API and download blueprints."""
    store = server.config.get(CONFIG_KEY)
    data_version = store.built_at.strftime("%Y%m%dT%H%M%S") if isinstance(store, exports.Store) else "sans-donnees"
    cache = Cache()
    cache.init_app(server, config=cache_config(settings, f"{data_version}:{code_fingerprint()}"))
    server.extensions[CACHE_EXTENSION] = cache
    if isinstance(cache.cache, TolerantRedisCache):
        check_redis_memory(cache.cache)
    server.config[PUBLIC_URL_KEY] = settings.link_base
    if not settings.public_url:
        logger.warning("PUBLIC_URL is not set: links written into downloads and PDFs point to %s", settings.link_base)
    server.after_request(relative_redirects)
    server.register_blueprint(api_blueprint())
    server.register_blueprint(downloads_blueprint())


def public_url() -> str:
    """The site's public address (PUBLIC_URL, or the local default), without a trailing slash."""
    return current_app.config[PUBLIC_URL_KEY]


class ApiError(Exception):
    """A request the API refuses: HTTP status and a French message for the caller."""

    def __init__(self, message: str, status: int = 400, parameter: str | None = None, allowed: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.status = status
        self.parameter = parameter
        self.allowed = list(allowed)

    def response(self) -> Response:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.parameter:
            body["parametre"] = self.parameter
        if self.allowed:
            body["valeurs_acceptees"] = self.allowed
        return _json({"erreur": body}, status=self.status)


def _json(payload: Any, status: int = 200) -> Response:
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return Response(text, status=status, mimetype="application/json")


def _store() -> exports.Store:
    store = current_store()
    if isinstance(store, StoreError):
        raise ApiError(f"Données indisponibles : {store}", status=503)
    return store


# --- Parameters ------------------------------------------------------------------------------------------


def _check_parameters(allowed: Sequence[str]) -> None:
    unknown = [key for key in request.args if key not in allowed]
    if unknown:
        raise ApiError(
            f"Paramètre inconnu : « {unknown[0]} ». Paramètres acceptés : {', '.join(allowed)}.",
            parameter=unknown[0],
            allowed=allowed,
        )


def _list(name: str) -> list[str]:
    """Comma-separated values of a parameter (repeated parameters are joined), in order, without duplicates."""
    values = [part.strip() for item in request.args.getlist(name) for part in item.split(",")]
    return list(dict.fromkeys(value for value in values if value))


def _one_of(name: str, allowed: Sequence[str], default: str | None = None) -> str:
    values = _list(name)
    if not values:
        if default is None:
            raise ApiError(f"Paramètre « {name} » obligatoire : {', '.join(allowed)}.", parameter=name, allowed=allowed)
        return default
    if len(values) > 1 or values[0] not in allowed:
        raise ApiError(
            f"Valeur inconnue pour « {name} » : « {','.join(values)} ». Valeurs acceptées : {', '.join(allowed)}.",
            parameter=name,
            allowed=allowed,
        )
    return values[0]


def _subset(name: str, allowed: Sequence[str], what: str, show_allowed: bool = True) -> list[str]:
    values = _list(name)
    allowed_set = set(allowed)
    unknown = [value for value in values if value not in allowed_set]
    if unknown:
        listed = ", ".join(f"« {value} »" for value in unknown[:10])
        hint = f" Valeurs acceptées : {', '.join(allowed)}." if show_allowed else ""
        raise ApiError(
            f"{what} inconnu{'s' if len(unknown) > 1 else ''} : {listed}.{hint}",
            parameter=name,
            allowed=allowed if show_allowed else (),
        )
    return values


def _format() -> str:
    return _one_of("format", FORMATS, default="json")


# --- Caching ---------------------------------------------------------------------------------------------


def api_cache_key(endpoint: str, parameters: Mapping[str, Any]) -> str:
    """Cache key of an answer: its endpoint and its validated parameters, hashed (bounded length).

    The caller puts in `parameters` exactly what the answer depends on, in canonical form (defaults
    filled in, duplicates removed, lists sorted when their order does not change the answer), so that
    equivalent queries share one entry; the Host header and unknown parameters never reach the key.
    """
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"api:{endpoint}:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"


def _cached(parameters: Mapping[str, Any], build: Callable[[], Response], cacheable: bool = True) -> Response:
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


def _csv_response(frame: pd.DataFrame, name: str) -> Response:
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(exports.neutralise, na_action="ignore")
    text = safe.to_csv(index=False, float_format="%.12g")
    return Response(
        text.encode("utf-8"),
        content_type=CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# --- Payloads --------------------------------------------------------------------------------------------


def _meta(store: exports.Store) -> dict[str, Any]:
    return {
        "donnees_construites_le": store.built_at.isoformat(),
        "licence": LICENCE,
        "valeurs_manquantes": MISSING,
        "documentation": routes.API_DOC,
    }


def _dataset_summary(dataset: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": dataset.get("id"),
        "titre": dataset.get("title"),
        "producteur": dataset.get("publisher"),
        "millesime": dataset.get("vintage"),
        "licence": dataset.get("licence"),
        "citation": dataset.get("citation"),
        "url": dataset.get("page_url"),
        "couverture": dataset.get("level"),
    }


def _datasets(store: exports.Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    found = []
    for dataset_id in ids:
        try:
            found.append(_dataset_summary(store.dataset(dataset_id)))
        except KeyError:
            continue
    return found


def _memo(store: exports.Store, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per store (and per app): the lists parameters are checked against on every request,
    hits included (the long table's indicators per level takes ~40 ms). Read-only values."""
    if not has_app_context():
        return compute()
    memo = current_app.extensions.get(LOOKUPS_EXTENSION)
    if memo is None or memo.get("") is not store:  # first call, or another store (tests, a reload)
        memo = {"": store}
        current_app.extensions[LOOKUPS_EXTENSION] = memo
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def _available(store: exports.Store, level: str) -> list[str]:
    return _memo(store, f"indicators:{level}", lambda: list(exports.level_indicators(store, (level,))[level]))


def _names(store: exports.Store, level: str) -> dict[str, str]:
    return _memo(store, f"names:{level}", lambda: _territory_names(store, level))


def _territory_names(store: exports.Store, level: str) -> dict[str, str]:
    if level == "france":
        return {FRANCE_CODE: "France"}
    territories = store.territories.loc[store.territories["level"] == level]
    return dict(zip(territories["code"], territories["name"], strict=True))


def indicators_payload(store: exports.Store, level: str, indicators: Sequence[str], codes: Sequence[str]) -> dict:
    """Long table of the values, with the catalogue entry, source and vintage of each indicator."""
    specs = exports.indicator_specs(store)
    citations = exports.indicator_citations(store, level)
    frame = _indicator_rows(store, level, indicators, codes)
    described = []
    for indicator in indicators:
        spec = specs[indicator]
        source, vintage = citations.get(indicator, ("", spec.get("vintage", "")))
        described.append(
            {
                "id": indicator,
                "libelle": spec.get("label"),
                "unite": spec.get("unit"),
                "definition": spec.get("definition"),
                "theme": spec.get("theme_label") or spec.get("theme"),
                "methode": spec.get("method"),
                "methode_libelle": spec.get("method_label"),
                "approximation": exports.is_approximation(spec, level),
                "source": source,
                "millesime": vintage,
                "jeux_de_donnees": _datasets(store, spec.get("datasets", [])),
            }
        )
    return {
        "niveau": level,
        "nombre": len(frame),
        "indicateurs": described,
        "donnees": exports.records(frame[["code", "nom", "indicateur", "valeur", "couverture"]]),
        "meta": _meta(store),
    }


def _indicator_rows(store: exports.Store, level: str, indicators: Sequence[str], codes: Sequence[str]) -> pd.DataFrame:
    long = store.indicators
    rows = long.loc[(long["level"] == level) & long["indicator"].isin(list(indicators))]
    if codes:
        rows = rows.loc[rows["code"].isin(list(codes))]
    order = {indicator: position for position, indicator in enumerate(indicators)}
    rows = rows.assign(_order=rows["indicator"].map(order)).sort_values(["code", "_order"], kind="stable")
    return pd.DataFrame(
        {
            "niveau": level,
            "code": rows["code"].astype("str"),
            "nom": rows["code"].map(_names(store, level)).astype("str"),
            "indicateur": rows["indicator"].astype("str"),
            "valeur": rows["value"].astype("float64"),
            "couverture": rows["coverage"].astype("float64"),
            "source": rows["source"].astype("str"),
            "millesime": rows["vintage"].astype("str"),
        }
    ).reset_index(drop=True)


TERRITORY_FIELDS = {
    "code": "code",
    "name": "nom",
    "kind": "nature",
    "departement_code": "departement",
    "epci_code": "epci",
    "population": "population",
    "in_region": "dans_la_region",
}


def territories_frame(
    store: exports.Store, level: str, departements: Sequence[str], epcis: Sequence[str]
) -> pd.DataFrame:
    territories = store.territories.loc[store.territories["level"] == level]
    if departements:
        column = "code" if level == "departement" else "departement_code"
        territories = territories.loc[territories[column].isin(list(departements))]
    if epcis:
        column = "code" if level == "epci" else "epci_code"
        territories = territories.loc[territories[column].isin(list(epcis))]
    fields = [field for field in TERRITORY_FIELDS if field in territories]
    frame = pd.DataFrame(territories[fields]).rename(columns=TERRITORY_FIELDS)
    frame.insert(0, "niveau", level)
    return frame.sort_values("code", kind="stable").reset_index(drop=True)


RESIDENCE_FIELDS = {
    "finess": "finess",
    "name": "nom",
    "type": "type",
    "type_label": "type_libelle",
    "family": "famille",
    "commune_code": "commune",
    "commune_name": "commune_nom",
    "epci_code": "epci",
    "departement_code": "departement",
    "postal_code": "code_postal",
    "opening_date": "ouverture",
    "source": "source",
}


def residences_frame(store: exports.Store, filters: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    residences = store.residences
    for field, values in filters.items():
        if values:
            kept = residences[field].isin(list(values)) if field in residences else False
            residences = residences.loc[kept]
    fields = [field for field in RESIDENCE_FIELDS if field in residences]
    frame = pd.DataFrame(residences[fields]).rename(columns=RESIDENCE_FIELDS)
    if hasattr(residences, "geometry"):
        points = residences.geometry
        frame["longitude"] = points.x.round(6).to_numpy()
        frame["latitude"] = points.y.round(6).to_numpy()
    return frame.sort_values("finess", kind="stable").reset_index(drop=True)


def sources_payload(store: exports.Store) -> dict[str, Any]:
    specs = exports.indicator_specs(store)
    per_level = exports.level_indicators(store, API_LEVELS)
    return {
        "jeux_de_donnees": [_dataset_summary(dataset) for dataset in store.catalogue.get("datasets", [])],
        "indicateurs": [
            {
                "id": indicator,
                "libelle": spec.get("label"),
                "unite": spec.get("unit"),
                "definition": spec.get("definition"),
                "theme": spec.get("theme_label") or spec.get("theme"),
                "methode": spec.get("method"),
                "methode_libelle": spec.get("method_label"),
                "millesime": spec.get("vintage"),
                "jeux_de_donnees": spec.get("datasets", []),
                "niveaux": [level for level in API_LEVELS if indicator in per_level[level]],
            }
            for indicator, spec in specs.items()
        ],
        "meta": _meta(store),
    }


# --- Blueprints ------------------------------------------------------------------------------------------


def api_blueprint() -> Blueprint:
    blueprint = Blueprint("api_v1", __name__, url_prefix=routes.API_V1)

    @blueprint.errorhandler(ApiError)
    def refused(error: ApiError) -> Response:
        return error.response()

    @blueprint.get("/")
    def index() -> Response:
        return _json(
            {
                "description": f"API en lecture seule du tableau de bord des résidences sociales ({region_name()}).",
                "documentation": routes.API_DOC,
                "points_d_acces": [
                    f"{routes.API_V1}/indicators?level=epci&indicator=population,taux_pauvrete&format=json",
                    f"{routes.API_V1}/territories?level=commune&epci=248000531",
                    f"{routes.API_V1}/residences?epci=248000531",
                    f"{routes.API_V1}/sources",
                    f"{routes.API_V1}/needs?reference=france&format=json",
                ],
            }
        )

    @blueprint.get("/indicators")
    def indicators() -> Response:
        _check_parameters(("level", "indicator", "code", "format"))
        store = _store()
        level = _one_of("level", API_LEVELS)
        available = _available(store, level)
        # The order of the indicators orders the answer; the codes only filter it.
        chosen = _subset("indicator", available, f"Indicateur (au niveau {level})") or list(available)
        codes = sorted(_subset("code", list(_names(store, level)), f"Code (au niveau {level})", show_allowed=False))
        output = _format()
        parameters = {"level": level, "indicator": chosen, "code": codes, "format": output}
        return _cached(parameters, lambda: indicators_answer(store, level, chosen, codes, output))

    def indicators_answer(
        store: exports.Store, level: str, chosen: list[str], codes: list[str], output: str
    ) -> Response:
        if output == "csv":
            frame = _indicator_rows(store, level, chosen, codes)
            specs = exports.indicator_specs(store)
            frame.insert(4, "libelle", frame["indicateur"].map(lambda i: specs[i].get("label")))
            frame.insert(5, "unite", frame["indicateur"].map(lambda i: specs[i].get("unit")))
            frame["approximation"] = frame["indicateur"].map(lambda i: exports.is_approximation(specs[i], level))
            return _csv_response(frame, f"indicateurs_{level}")
        return _json(indicators_payload(store, level, chosen, codes))

    @blueprint.get("/territories")
    def territories() -> Response:
        _check_parameters(("level", "departement", "epci", "format"))
        store = _store()
        level = _one_of("level", TERRITORY_LEVELS)
        departements = sorted(
            _subset("departement", list(_names(store, "departement")), "Département", show_allowed=True)
        )
        epcis = sorted(_subset("epci", list(_names(store, "epci")), "EPCI", show_allowed=False))
        if epcis and level in ("departement", "region"):
            raise ApiError(f"Le filtre « epci » ne s'applique pas au niveau {level}.", parameter="epci")
        output = _format()
        parameters = {"level": level, "departement": departements, "epci": epcis, "format": output}
        return _cached(parameters, lambda: territories_answer(store, level, departements, epcis, output))

    def territories_answer(
        store: exports.Store, level: str, departements: list[str], epcis: list[str], output: str
    ) -> Response:
        frame = territories_frame(store, level, departements, epcis)
        if output == "csv":
            return _csv_response(frame, f"territoires_{level}")
        source = store.dataset(exports.TERRITORIES_DATASET) if _has(store, exports.TERRITORIES_DATASET) else {}
        return _json(
            {
                "niveau": level,
                "nombre": len(frame),
                "source": source.get("citation"),
                "millesime": source.get("vintage"),
                "territoires": exports.records(frame),
                "meta": _meta(store),
            }
        )

    @blueprint.get("/residences")
    def residences() -> Response:
        _check_parameters(("epci", "departement", "commune", "type", "family", "format"))
        store = _store()
        residences_table = store.residences
        types = store.catalogue.get("residence_types", {})
        filters = {
            "epci_code": _subset("epci", list(_names(store, "epci")), "EPCI", show_allowed=False),
            "departement_code": _subset(
                "departement",
                _memo(
                    store,
                    "residences:departements",
                    lambda: sorted(residences_table.get("departement_code", pd.Series(dtype="str")).dropna().unique()),
                ),
                "Département",
            ),
            "commune_code": _subset("commune", list(_names(store, "commune")), "Commune", show_allowed=False),
            "type": _subset("type", list(types.get("labels", {})), "Type d'établissement"),
            "family": _subset("family", list(types.get("families", {})), "Famille d'établissements"),
        }
        filters = {field: sorted(values) for field, values in filters.items()}  # filters: order irrelevant
        output = _format()
        return _cached({**filters, "format": output}, lambda: residences_answer(store, filters, output))

    def residences_answer(store: exports.Store, filters: dict[str, list[str]], output: str) -> Response:
        residences_table = store.residences
        types = store.catalogue.get("residence_types", {})
        frame = residences_frame(store, filters)
        if output == "csv":
            return _csv_response(frame, "etablissements")
        citations = sorted(residences_table["source"].dropna().unique())
        return _json(
            {
                "nombre": len(frame),
                "source": " ; ".join(citations),
                "regle_de_typologie": types.get("rule"),
                "etablissements": exports.records(frame),
                "meta": _meta(store),
            }
        )

    @blueprint.get("/needs")
    def needs_analysis() -> Response:
        _check_parameters((*needs_state.ANALYSIS_PARAMS, needs_state.PARAM_FORMER_REFERENCE, "format"))
        store = _store()
        output = _format()
        query = {key: request.args.getlist(key) for key in request.args if key != "format"}
        query = {key: values[0] if len(values) == 1 else values for key, values in query.items()}
        state, notices = needs_state.parse_needs(query, only=needs_state.ANALYSIS_PARAMS)

        def answer() -> Response:
            analysis = needs_store.analyse(store, state.parameters)
            if output == "csv":
                return _csv_response(needs_export.frame(analysis), "besoins_epci")
            return _json(needs_export.payload(store, analysis, state, notices, _meta(store)))

        # The parsed state (exact values) is the key; an answer with notices repeats the raw values refused:
        # it is computed each time rather than kept (any text would otherwise make a new entry).
        return _cached({"state": repr(state), "format": output}, answer, cacheable=not notices)

    @blueprint.get("/sources")
    def sources() -> Response:
        _check_parameters(("format",))
        store = _store()
        _one_of("format", ("json",), default="json")
        return _cached({"format": "json"}, lambda: _json(sources_payload(store)))

    @blueprint.get("/<path:unknown>")
    def not_found(unknown: str) -> Response:
        raise ApiError(
            f"Adresse inconnue : {routes.API_V1}/{unknown}. Voir la documentation : {routes.API_DOC}.", status=404
        )

    return blueprint


def _has(store: exports.Store, dataset_id: str) -> bool:
    return any(dataset.get("id") == dataset_id for dataset in store.catalogue.get("datasets", []))


def permalink(query: str) -> str:
    """Absolute address of the tables page showing the view of `query`, at the site's public address.

    Never built from the request (its Host header is whatever the client sent): PUBLIC_URL, else the
    local default (see dashboard.settings).
    """
    return f"{public_url()}{routes.TABLES}?{query}"


def downloads_blueprint() -> Blueprint:
    blueprint = Blueprint("downloads", __name__, url_prefix=routes.DOWNLOAD)

    @blueprint.get("/<format_key>")
    def download(format_key: str) -> Response:
        if format_key not in exports.FORMATS:
            return exports_media.error_page(
                404,
                "Format de fichier inconnu",
                f"Format « {format_key} » inconnu. Formats proposés : {', '.join(exports.FORMATS)}.",
                routes.TABLES,
            )
        store = current_store()
        if isinstance(store, StoreError):
            return exports_media.error_page(503, "Données non construites", str(store), "/")
        query = {key: request.args.getlist(key) for key in request.args}
        state, _notices = parse_query(query, exports.table_choices(store))
        view = exports.view_of(store, state)
        now = datetime.now().astimezone()
        context = exports.ExportContext(
            exported_at=now,
            permalink=permalink(to_query(state)),
            built_at=store.built_at,
            title=perimeter(store).title,
        )
        export_format = exports.FORMATS[format_key]
        name = exports.filename(state, format_key, now.date())
        return Response(
            exports.write(view, format_key, context),
            content_type=export_format.mimetype,
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )

    return blueprint
