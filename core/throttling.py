"""Rate limits whose counters live in the database, shared by every worker and replica.

DRF's own throttles keep a request history in Django's cache and rewrite it
with a read-then-write, so parallel requests on several processes each see
room that is no longer there. Here each request is one atomic upsert of a
fixed-window counter: the limit holds exactly, whichever process answers.
"""

import hashlib
import time

from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from .models import RateCounter

_TABLE = RateCounter._meta.db_table


def rate_counter_hit(*, key, window_seconds, now=None):
    """Count one request against `key`; answers (hits in the current window, when the window ends)."""
    now = time.time() if now is None else now
    table, key_column, ends, hits = map(connection.ops.quote_name, (_TABLE, "key", "window_ends", "hits"))
    with connection.cursor() as cursor:
        # Both PostgreSQL and SQLite (3.35+) take this upsert; SET sees the row as it was.
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {ends}, {hits}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{hits} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{hits} + 1 END, "
            f"{ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END "
            f"RETURNING {hits}, {ends}",
            [key, now + window_seconds, now, now],
        )
        return cursor.fetchone()


def rate_counters_flush_expired(*, now=None):
    """Delete the counters of windows that have ended; answers how many."""
    now = time.time() if now is None else now
    deleted, _details = RateCounter.objects.filter(window_ends__lte=now).delete()
    return deleted


class DatabaseRateThrottle(SimpleRateThrottle):
    """A fixed-window `SimpleRateThrottle` counted in the database."""

    @property
    def THROTTLE_RATES(self):
        # Read when used, not when DRF is imported, so the settings in force apply.
        return api_settings.DEFAULT_THROTTLE_RATES

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        hits, window_ends = rate_counter_hit(key=self.key, window_seconds=self.duration, now=now)
        self._wait = window_ends - now
        return hits <= self.num_requests

    def wait(self):
        return max(self._wait, 0)


class ScopedDatabaseRateThrottle(ScopedRateThrottle, DatabaseRateThrottle):
    """DRF's `ScopedRateThrottle` (the view's `throttle_scope`, per user or client IP), counted in the database."""


class ScopedAddressRateThrottle(ScopedDatabaseRateThrottle):
    """Per the address a request is about, whichever IP sends it: the view's `throttle_address_scope` rate.

    The view's `throttle_address(request)` names the address (or None: not
    counted here). Keys hold its SHA-256, so the counters store no addresses.
    """

    scope_attr = "throttle_address_scope"

    def get_cache_key(self, request, view):
        address = view.throttle_address(request)
        if address is None:
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(address.encode()).hexdigest(),
        }
