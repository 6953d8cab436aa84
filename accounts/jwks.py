"""Better Auth's public keys, fetched from its JWKS endpoint and cached in-process.

Keys are looked up by `kid`. An unknown `kid` triggers a refetch at most once
per `JWKS_REFETCH_INTERVAL` (so a stream of forged kids cannot hammer the
endpoint), and when a refetch fails the last good keys keep serving.
"""

import json
import logging
import threading
import time
import urllib.request

import jwt
from jwt.exceptions import PyJWKError

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024


class UnknownSigningKey(Exception):
    pass


class JWKSClient:
    def __init__(self, url, *, algorithms, cache_lifetime, refetch_interval, timeout):
        self.url = url
        self.algorithms = frozenset(algorithms)
        self.cache_lifetime = cache_lifetime
        self.refetch_interval = refetch_interval
        self.timeout = timeout
        self._keys = {}
        self._fetched_at = None
        self._attempted_at = None
        self._lock = threading.Lock()

    def key_for(self, kid):
        """The PyJWK for `kid`, refetching the set when it is stale or lacks the kid."""
        key = self._keys.get(kid)
        if key is not None and not self._stale():
            return key
        with self._lock:
            key = self._keys.get(kid)
            if (key is None or self._stale()) and self._may_fetch():
                self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise UnknownSigningKey(kid)
        return key

    def _stale(self):
        return self._fetched_at is None or time.monotonic() - self._fetched_at > self.cache_lifetime

    def _may_fetch(self):
        return self._attempted_at is None or (
            time.monotonic() - self._attempted_at >= self.refetch_interval
        )

    def _refresh(self):
        self._attempted_at = time.monotonic()
        try:
            self._keys = self._fetch()
        except (OSError, ValueError, PyJWKError) as error:
            logger.warning(
                "JWKS refetch failed; serving the last good keys",
                extra={"event": "jwks_fetch_failed", "error": type(error).__name__, "keys": len(self._keys)},
            )
            return
        self._fetched_at = self._attempted_at

    def _fetch(self):
        request = urllib.request.Request(self.url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read(MAX_JWKS_BYTES + 1)
        if len(body) > MAX_JWKS_BYTES:
            raise ValueError("JWKS document too large")
        document = json.loads(body)
        keys = {}
        for jwk in document.get("keys", []):
            kid = jwk.get("kid")
            if not kid or jwk.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(jwk)
            except PyJWKError:
                continue
            if key.algorithm_name in self.algorithms:
                keys[kid] = key
        return keys
