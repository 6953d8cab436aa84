"""Django's Redis cache, made safe to lose: an outage is a cache miss, never a 500.

Django's `RedisCache` raises on any connection error, so with Redis down every
request touching the cache fails. Here a Redis error is what a cache may do at
any time anyway: reads miss, writes are dropped, `incr` finds no key. Code that
uses the cache correctly (as a copy of what lives elsewhere) stays correct.

Nothing on the request path needs the cache to be up; a failed `delete` during
an outage can only leave an entry that expires by its own timeout, which is why
nothing security-relevant is kept in the cache.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from .outages import OutageLog

# After a failure, each process leaves Redis alone for this long: a host that
# does not answer would otherwise cost a connect timeout on every cache call.
RETRY_INTERVAL = 1.0

outage_log = OutageLog("cache")


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0

    def _call(self, method: Callable[..., Any], *args: Any, fallback: Callable[[], Any]) -> Any:
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return method(*args)
        except RedisError as error:
            self._down_until = time.monotonic() + RETRY_INTERVAL
            outage_log.failed(error)
            return fallback()

    def is_available(self) -> bool:
        """Whether Redis answers a PING now (the readiness probe asks)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(super().add, key, value, timeout, version, fallback=lambda: False)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._call(super().get, key, default, version, fallback=lambda: default)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        return self._call(super().set, key, value, timeout, version, fallback=lambda: None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(super().touch, key, timeout, version, fallback=lambda: False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call(super().delete, key, version, fallback=lambda: False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._call(super().get_many, keys, version, fallback=dict)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(super().has_key, key, version, fallback=lambda: False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> NoReturn:
            raise ValueError(f"Key '{key}' not found.")

        return self._call(super().incr, key, delta, version, fallback=missing)

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # Django's contract: the keys that could not be stored.
        return self._call(super().set_many, data, timeout, version, fallback=lambda: list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        return self._call(super().delete_many, keys, version, fallback=lambda: None)

    def clear(self) -> None:
        return self._call(super().clear, fallback=lambda: False)
