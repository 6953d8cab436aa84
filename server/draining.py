"""The drain: shutting down, finishing what the server has, taking nothing new; and whether it has begun.

The flag lives in one byte of anonymous shared memory, created when this
module is first imported. The server's main process imports it
(server/run.py) before it forks any worker, so the main process and every
worker, including those forked later, share the byte: the main process sets
it on SIGTERM and every worker's `/ready` (server/views.py) sees it at once.
Outside the server it is simply never set.
"""

import logging
import mmap
import socket
import time
from collections.abc import Sequence

from . import listeners

logger = logging.getLogger("_granian")  # granian's own logger: our lines sit with its

_flag = mmap.mmap(-1, 1)


def begin() -> None:
    _flag[0] = 1


def is_draining() -> bool:
    return _flag[0] == 1


def drain(listening: Sequence[socket.socket], *, serving_seconds: float, queue_timeout: float) -> None:
    """Everything before granian's graceful stop, so that the stop drops no request.

    1. `/ready` turns 503 in every worker, and for `serving_seconds`
       (SERVER_DRAIN_SECONDS) everything goes on as before.
    2. The listening sockets stop completing new handshakes: a client's
       connection attempt goes unanswered, as to a stopped server, and a
       proxy tries another replica; nothing was sent, so even a POST is safe
       to retry.
    3. The connections already queued on the sockets are accepted and served,
       for up to `queue_timeout` (SERVER_GRACEFUL_TIMEOUT). (Closing a socket
       with connections queued resets them.)

    Then the caller has granian stop: each worker stops accepting, finishes
    the requests in flight (up to SERVER_GRACEFUL_TIMEOUT, then it is killed)
    and the main process exits 0.
    """
    begin()
    logger.info("Draining: /ready answers 503; serving for %ss more", serving_seconds)
    time.sleep(serving_seconds)
    refusing = [sock for sock in listening if listeners.refuse_new_connections(sock)]
    deadline = time.monotonic() + queue_timeout
    while (queued := sum(listeners.queued_connections(sock) for sock in refusing)) and time.monotonic() < deadline:
        time.sleep(0.01)
    if queued:
        logger.warning("Stopping with %s connections still queued after %ss", queued, queue_timeout)
    else:
        logger.info("Drained: no connection is queued; stopping")
