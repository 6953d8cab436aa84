"""Request bodies read whole, under a deadline, before Django sees them (part of server/wsgi.py's layer).

Granian hands a request to a Python thread once its headers are in; the body
is read from that thread, when the application asks, and granian has no
deadline for it (emmett-framework/granian#728, "wontfix"). A client that
declares `Content-Length: 100` and sends one byte held the thread, and with
it the worker, for as long as it kept the connection open.

Here every declared body (up to `DISCARD_LIMIT`, the most the application
ever reads) is read first, in the request's own thread, while a watchdog
thread keeps the deadline. A blocked read cannot be abandoned (the worker
deadlocks when a request returns with a read of its body still pending), and
granian tells Python the client's address but not its port, so the watchdog
makes the read return by shutting the read side of this worker's
connections from that address to this port: the read ends with what
arrived, the thread answers 408, and granian closes the connection. Other
connections from the same address to the same worker at that moment are
shut too: a direct client that lets a body stall loses its other requests
in flight on that worker; behind the proxy, which reads whole bodies
itself and sends them at once, a deadline is never reached.

A request without a body (no Content-Length, or 0) passes straight through:
one dictionary lookup.
"""

import io
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.http import JsonResponse

from core.middleware import DISCARD_LIMIT

logger = logging.getLogger(__name__)

# How often the watchdog looks at the bodies being read: a deadline is kept
# to within this much, and an idle worker pays four wake-ups a second.
TICK_SECONDS = 0.25

TIMEOUT_BODY = {
    "detail": "The request body did not arrive in time.",
    "code": "request_timeout",
}


def read_bodies_within(seconds: float, application: WSGIApplication) -> WSGIApplication:
    """`application` with each request's declared body read whole within `seconds`, or answered 408."""
    watchdog = Watchdog(seconds)

    def read_first(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH")
        if not length or length == "0":
            return application(environ, start_response)
        try:
            size = int(length)
        except ValueError:
            return application(environ, start_response)
        if not 0 < size <= DISCARD_LIMIT:
            # Django refuses a bigger body with 413 without reading it (core.middleware).
            return application(environ, start_response)
        key = threading.get_ident()
        watchdog.watch(key, environ)
        try:
            body = environ["wsgi.input"].read(size)
        finally:
            expired = watchdog.forget(key)
        if expired and len(body) < size:
            return answer_timeout(start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        return application(environ, start_response)

    return read_first


def answer_timeout(start_response: StartResponse) -> list[bytes]:
    response = JsonResponse(TIMEOUT_BODY, status=408)
    # The rest of the body may still come; it must not be read as a next request.
    response["Connection"] = "close"
    start_response("408 Request Timeout", list(response.items()))
    return [response.content]


class Watchdog:
    """Makes body reads that pass their deadline return, from a thread of this worker's own."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # Thread id -> [deadline, client address, server port, expired]; one read per thread at a time.
        self._reads: dict[int, list[Any]] = {}
        self._pid: int | None = None

    def watch(self, key: int, environ: WSGIEnvironment) -> None:
        if self._pid != os.getpid():
            # Started in the worker that reads (threads do not survive a fork), at its first body.
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="body-deadlines", daemon=True).start()
        self._reads[key] = [
            time.monotonic() + self.seconds,
            environ.get("REMOTE_ADDR"),
            int(environ.get("SERVER_PORT") or 0),
            False,
        ]

    def forget(self, key: int) -> bool:
        """Stop watching; answers whether the deadline passed."""
        return self._reads.pop(key)[3]

    def _run(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            late = [read for read in list(self._reads.values()) if read[0] <= now and not read[3]]
            for read in late:
                read[3] = True
            for client, port in {(read[1], read[2]) for read in late}:
                shut = shut_read_side(client, port)
                logger.warning(
                    "A request body from %s did not arrive within %ss: 408, %s connection(s) from it closed",
                    client,
                    self.seconds,
                    shut,
                    extra={"event": "request_body_timeout", "remote_addr": client, "connections_closed": shut},
                )


def shut_read_side(client: str | None, port: int) -> int:
    """Shut the read side of this process's TCP connections from `client` to local `port`; answer how many."""
    shut = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:
            continue  # the listing's own descriptor, closed since
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            os.close(fd)  # not a socket
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockname()[1] == port
                and sock.getpeername()[0] == client
            ):
                sock.shutdown(socket.SHUT_RD)
                shut += 1
        except OSError:
            pass  # a listening socket (no peer), or a connection closing meanwhile
        finally:
            sock.close()
    return shut
