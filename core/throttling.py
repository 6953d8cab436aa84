"""Rate limits whose counters live in the database, shared by every worker and replica.

DRF's own throttles keep a request history in Django's cache and rewrite it
with a read-then-write, so parallel requests on several processes each see
room that is no longer there. Here each counter is one atomic upsert of a
fixed-window row: the limit holds exactly, whichever process answers.

A request is counted against all of its limits or none: the upserts run in
one transaction, rolled back when any limit is reached. So a request refused
for its IP uses up no address's allowance (nor the reverse), and refused
requests add no rows.
"""

import hashlib
import ipaddress
import time
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.http import HttpRequest
from drf_better_auth.api_keys import ApiKeyAuth
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from .metrics import throttle_refusals_total
from .models import RateCounter

_TABLE = RateCounter._meta.db_table


def _ip_address(text: str) -> str | None:
    """`text` as a canonical IP address, or None when it is not one the address columns can hold."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6:
        if address.scope_id:
            # Zone ids ("fe80::1%eth0") name an interface of the sender, not a client; inet refuses them.
            return None
        # One client, one identity: "::ffff:192.0.2.1" is 192.0.2.1.
        address = address.ipv4_mapped or address
    return str(address)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, for the per-IP throttles and django-axes' lockouts; None if there is none.

    With NUM_PROXIES=N the Nth X-Forwarded-For entry from the right is
    trusted: the one the outermost of our N proxies wrote. Anything else
    there was sent by the client. An entry that is not a valid address, or a
    header with fewer than N entries (the request did not come through every
    proxy), is ignored for the connection's address: the header's text never
    becomes the identity, or every new string would be a new client.
    """
    num_proxies = api_settings.NUM_PROXIES or 0
    if num_proxies:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= num_proxies:
            forwarded = _ip_address(entries[-num_proxies])
            if forwarded is not None:
                return forwarded
    return _ip_address(request.META.get("REMOTE_ADDR") or "")


def rate_counter_hit(*, key: str, window_seconds: float, now: float | None = None) -> tuple[int, float]:
    """Count one request against `key`; answers (hits in the current window, when the window ends)."""
    now = time.time() if now is None else now
    table, key_column, ends, hits = map(connection.ops.quote_name, (_TABLE, "key", "window_ends", "hits"))
    with connection.cursor() as cursor:
        # Both PostgreSQL and SQLite (3.35+) take this upsert; SET sees the row as it was.
        # Only quoted identifiers are formatted in; the values go as parameters.
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {ends}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{hits} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{hits} + 1 END, "
            f"{ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END "
            f"RETURNING {hits}, {ends}",
            [key, now + window_seconds, now, now],
        )
        return cursor.fetchone()


class RateLimit(NamedTuple):
    """At most `requests` per `window` seconds for the counter `key`."""

    key: str
    requests: int
    window: int


def rate_limits_take(limits: Iterable["RateLimit"], *, now: float | None = None) -> float | None:
    """Count one request against every limit, or against none if any is reached.

    Answers None when the request was counted, otherwise the seconds until
    the last of the reached limits' windows ends.
    """
    if not limits:
        return None
    now = time.time() if now is None else now
    waits = []
    with transaction.atomic():
        # Every request upserts its rows in one order, so two never wait on each other's locks.
        for limit in sorted(set(limits)):
            hits, window_ends = rate_counter_hit(key=limit.key, window_seconds=limit.window, now=now)
            if hits > limit.requests:
                waits.append(window_ends - now)
        if waits:
            # The row locks were held until here: parallel requests saw the counts this one added.
            transaction.set_rollback(True)
    return max(*waits, 0) if waits else None


def rate_counters_flush_expired(*, now: float | None = None) -> int:
    """Delete the counters of windows that have ended; answers how many."""
    now = time.time() if now is None else now
    deleted, _details = RateCounter.objects.filter(window_ends__lte=now).delete()
    return deleted


class DatabaseRateThrottle(SimpleRateThrottle):
    """A fixed-window `SimpleRateThrottle` counted in the database, per client IP for anonymous callers."""

    # Set from `rate` by SimpleRateThrottle (parse_rate); read only when `rate` is set.
    num_requests: int
    duration: int

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]
        # Read when used, not when DRF is imported, so the settings in force apply.
        return api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[return-value]  # the stubs say numbers, not "5/min"

    def get_ident(self, request: Request) -> str:
        # Clients with no usable address share one count rather than escaping it.
        return client_ip(request) or "unknown"

    def limit_for(self, request: Request, view: APIView) -> RateLimit | None:
        """This request's `RateLimit` here, or None when this throttle does not limit it."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        # Hashed: the key column has a width, and keys may hold whatever a client sent.
        return RateLimit(hashlib.sha256(key.encode()).hexdigest(), self.num_requests, self.duration)

    def allow_request(self, request: Request, view: APIView) -> bool:
        limit = self.limit_for(request, view)
        self._wait = rate_limits_take([limit] if limit else [])
        if self._wait is not None:
            throttle_refusals_total.labels(self.scope or type(self).__name__).inc()
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class ScopedDatabaseRateThrottle(ScopedRateThrottle, DatabaseRateThrottle):
    """DRF's `ScopedRateThrottle` (the view's `throttle_scope`, per user or client IP), counted in the database."""

    def limit_for(self, request: Request, view: APIView) -> RateLimit | None:
        # What ScopedRateThrottle.allow_request does before counting: the view names the scope, the scope the rate.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return None
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[assignment]  # a rate is set
        return super().limit_for(request, view)

    allow_request = DatabaseRateThrottle.allow_request


class ScopedAddressRateThrottle(ScopedDatabaseRateThrottle):
    """Per the address a request is about, whichever IP sends it: the view's `throttle_address_scope` rate.

    The view's `throttle_address(request)` names the address (or None: not
    counted here). Keys are hashed, so the counters store no addresses.
    """

    scope_attr = "throttle_address_scope"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        address = view.throttle_address(request)
        if address is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": address}


class ApiKeyRateThrottle(DatabaseRateThrottle):
    """Per API key, whichever client sends it: the `api_key` rate. Requests with a token are not counted here.

    One upsert, no transaction around it (one counter: nothing to count
    together), so a key's request costs one round trip more than a token's.
    """

    scope = "api_key"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, ApiKeyAuth):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.key_id}

    def allow_request(self, request: Request, view: APIView) -> bool:
        limit = self.limit_for(request, view)
        self._wait = None
        if limit is not None:
            hits, window_ends = rate_counter_hit(key=limit.key, window_seconds=limit.window)
            if hits > limit.requests:
                self._wait = max(window_ends - time.time(), 0)
        return self._wait is None


class CountedTogetherMixin:
    """For a view whose throttles are all database throttles: a request is counted by all of them or by none.

    DRF asks every throttle in turn and each counts what it is asked, so a
    request one throttle refuses would still use up the others' allowance.
    """

    def check_throttles(self, request: Request) -> None:
        # An APIView's mixin: get_throttles and throttled are the view's.
        throttles = self.get_throttles()  # type: ignore[attr-defined]
        limits = [limit for throttle in throttles if (limit := throttle.limit_for(request, self))]
        wait = rate_limits_take(limits)
        if wait is not None:
            throttle_refusals_total.labels(getattr(self, "throttle_scope", None) or type(self).__name__).inc()
            self.throttled(request, wait)  # type: ignore[attr-defined]
