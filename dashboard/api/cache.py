"""The cache of the API answers and of the pages: a byte-bounded one per worker, or Redis (flask-caching).

The data is read-only for the life of a worker, so cached answers never go stale. Redis being unreachable
only slows answers down (`TolerantRedisCache`); `state()` of either backend tells /healthz what it does.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache
from redis.exceptions import RedisError

from dashboard.settings import Settings

CACHE_EXTENSION = "dashboard_api_cache"
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
