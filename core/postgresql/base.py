"""Django's PostgreSQL backend, checking a reused connection without asking the server.

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
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
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
