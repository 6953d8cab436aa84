"""Better Auth's public keys, fetched from its JWKS endpoint and cached in-process.

Keys are looked up by `kid`. An unknown `kid` triggers a refetch at most once
per `JWKS_REFETCH_INTERVAL` (so a stream of forged kids cannot hammer the
endpoint), and when a refetch fails the last good keys keep serving.

A fetch ends by its deadline (`JWKS_TIMEOUT`) however slowly the endpoint
answers. Only a request whose `kid` the cached set lacks waits for a fetch:
when the set is merely stale, one request refreshes it and the others keep
using the keys they have.
"""

import http.client
import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import jwt
from jwt.exceptions import PyJWKError

from .signals import jwks_fetched

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024


class UnknownSigningKey(Exception):
    """The token names a `kid` the JWKS does not hold (even after a refetch)."""


class JWKSClient:
    def __init__(
        self,
        url: str,
        *,
        algorithms: Iterable[str],
        cache_lifetime: float,
        refetch_interval: float,
        timeout: float,
    ) -> None:
        self.url = url
        self.algorithms = frozenset(algorithms)
        self.cache_lifetime = cache_lifetime
        self.refetch_interval = refetch_interval
        self.timeout = timeout
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> jwt.PyJWK:
        """The PyJWK for `kid`, refetching the set when it is stale or lacks the kid."""
        if kid in self._keys:
            # A stale set keeps serving while one request refreshes it; no other waits for that.
            if self._stale() and self._lock.acquire(blocking=False):
                try:
                    if self._stale() and self._may_fetch():
                        self._refresh(time.monotonic() + self.timeout)
                finally:
                    self._lock.release()
        else:
            deadline = time.monotonic() + self.timeout
            # Waits for a fetch under way, but never past this request's own deadline.
            if self._lock.acquire(timeout=self.timeout):
                try:
                    if kid not in self._keys and self._may_fetch():
                        self._refresh(deadline)
                finally:
                    self._lock.release()
        key = self._keys.get(kid)
        if key is None:
            raise UnknownSigningKey(kid)
        return key

    def _stale(self) -> bool:
        return self._fetched_at is None or time.monotonic() - self._fetched_at > self.cache_lifetime

    def _may_fetch(self) -> bool:
        return self._attempted_at is None or (time.monotonic() - self._attempted_at >= self.refetch_interval)

    def _refresh(self, deadline: float) -> None:
        self._attempted_at = time.monotonic()
        try:
            self._keys = self._fetch(deadline)
        except (OSError, http.client.HTTPException, ValueError, PyJWKError) as error:
            logger.warning(
                "JWKS refetch failed; serving the last good keys",
                extra={"event": "jwks_fetch_failed", "error": type(error).__name__, "keys": len(self._keys)},
            )
            jwks_fetched.send(JWKSClient, url=self.url, error=type(error).__name__)
            return
        self._fetched_at = self._attempted_at
        jwks_fetched.send(JWKSClient, url=self.url, error=None)

    def _fetch(self, deadline: float) -> dict[str, jwt.PyJWK]:
        # The URL is the JWKS_URL setting, an operator's, never a request's.
        request = urllib.request.Request(self.url, headers={"Accept": "application/json"})  # noqa: S310
        with _Cutoff(deadline) as cutoff:
            opener = urllib.request.build_opener(_CutoffHandler(cutoff))
            try:
                with opener.open(request, timeout=cutoff.remaining()) as response:
                    body = response.read(MAX_JWKS_BYTES + 1)
            except (OSError, http.client.HTTPException):
                cutoff.raise_if_passed()
                raise
            # A cut mid-body can leave a short read that is not an error.
            cutoff.raise_if_passed()
        if len(body) > MAX_JWKS_BYTES:
            raise ValueError("JWKS document too large")
        document = json.loads(body)
        keys: dict[str, jwt.PyJWK] = {}
        for jwk in document.get("keys", []):
            kid = jwk.get("kid")
            if not kid or jwk.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(jwk)
            except (PyJWKError, jwt.InvalidKeyError):
                # A key PyJWT cannot read (a missing parameter, an unknown curve) verifies nothing.
                continue
            if key.algorithm_name in self.algorithms:
                keys[kid] = key
        return keys


class _Cutoff:
    """Shuts down a fetch's sockets at its deadline, whatever they are doing then.

    A socket timeout bounds each read, not the fetch: an endpoint sending a
    byte a second never trips it.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.remaining(), self._cut)
        self._timer.daemon = True

    def __enter__(self) -> "_Cutoff":
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def raise_if_passed(self) -> None:
        if self.passed or not self.remaining():
            raise TimeoutError("JWKS fetch passed its deadline")

    def connect(
        self, address: tuple[str, int], timeout: float | None, source_address: tuple[str, int] | None = None
    ) -> socket.socket:
        """socket.create_connection, bounded by the deadline and watched until it."""
        self.raise_if_passed()
        sock = socket.create_connection(address, self.remaining(), source_address)
        with self._lock:
            self._sockets.append(sock)
            passed = self.passed
        if passed:
            _shut_down(sock)
        return sock

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut_down(sock)


class _CutoffHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """urllib's HTTP and HTTPS handlers (proxies and redirects included), with every connection under a cutoff."""

    def __init__(self, cutoff: _Cutoff) -> None:
        super().__init__()
        self.cutoff = cutoff

    def do_open(self, http_class: Any, req: urllib.request.Request, **http_conn_args: Any) -> http.client.HTTPResponse:
        cutoff = self.cutoff

        def connection(*args: Any, **kwargs: Any) -> Any:
            made = http_class(*args, **kwargs)
            # http.client opens its socket (before any TLS handshake) through this hook.
            made._create_connection = cutoff.connect
            return made

        return super().do_open(connection, req, **http_conn_args)


def _shut_down(sock: socket.socket) -> None:
    # Wakes a read blocked on the socket in another thread, which close() does not.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
