"""Django's PostgreSQL backend, checking a reused connection without asking the
server, and reading timestamptz values with psycopg's compiled parser.

With CONN_HEALTH_CHECKS, Django checks a persistent connection before each
request; its PostgreSQL backend does so with `SELECT 1`, a round trip that
cost as much as the request's own user lookup. A connection the server has
closed (a restart, a failover, an idle timeout) has, by then, a readable
socket: the server's FATAL message, or the end of the stream. An idle
connection in good order has nothing to read. So a readable socket, or a
connection psycopg already knows is closed or broken, is reported unusable and
Django opens a new one; a quiet socket is used as it is. A connection that
fails later all the same fails like one that failed after `SELECT 1`: the
request answers 503 (`core.middleware.ExceptionStatusMiddleware`) and Django
drops the connection.

Django registers its own timestamptz loader, a subclass of psycopg's
pure-Python one that replaces each value's tzinfo with the connection's time
zone, so psycopg's compiled loader is never used: reading 100 rows of one
timestamptz column took ~397 µs instead of ~120 µs, ~2.8 µs a value, and a
task list page reads ~60. When the database time zone is UTC (USE_TZ on, no
TIME_ZONE in DATABASES), the compiled loader already gives what Django's does:
Django sets the session's TimeZone to UTC on every connection, and psycopg
then returns datetimes whose tzinfo is `datetime.timezone.utc`, the very
object Django's loader puts in. So in that case, with psycopg's C
implementation, the connection reads timestamptz with the compiled loader.
(Were a query to change the session's TimeZone, they would differ: Django's
loader shifts the instants, psycopg's keeps them, in that zone.) Another
database time zone keeps Django's loader: its tzinfo is a `ZoneInfo`, which
compares by identity, and nothing guarantees that psycopg's is the same object
as Django's.
"""

import datetime
import functools
import select
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import get_adapters_template
from psycopg import abc, adapt, adapters, pq

# psycopg's default timestamptz loader: the compiled one with its C implementation.
PSYCOPG_TIMESTAMPTZ_LOADER: type[abc.Loader] = adapters.get_loader(  # type: ignore[assignment]  # never None
    base.TIMESTAMPTZ_OID, pq.Format.TEXT
)


class CompiledUTCTimestamptzLoader(adapt.Loader):
    """psycopg's own timestamptz loader, registered as Django's create_cursor expects."""

    # create_cursor registers Django's loader on every cursor if this is not the connection's time zone.
    timezone = datetime.UTC

    # It answers another class's instance, which mypy refuses of a __new__.
    def __new__(cls, oid: int, context: abc.AdaptContext | None = None) -> abc.Loader:  # type: ignore[misc]
        # psycopg makes each cursor's loader by calling the registered class; given
        # its own compiled loader, it parses every value in C, without a Python call.
        return PSYCOPG_TIMESTAMPTZ_LOADER(oid, context)


@functools.cache
def utc_adapters_template() -> adapt.AdaptersMap:
    template = adapt.AdaptersMap(get_adapters_template(True, datetime.UTC))
    # Its `load` is the compiled loader's: mypy sees the abstract method it never defines.
    template.register_loader("timestamptz", CompiledUTCTimestamptzLoader)  # type: ignore[type-abstract]
    return template


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if self.timezone is datetime.UTC and pq.__impl__ != "python":
            params["context"] = utc_adapters_template()
        return params

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.pgconn.status != pq.ConnStatus.OK:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
