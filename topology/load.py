"""Load for the fault tests: threads sending requests through the proxy, every outcome kept."""

import http.client
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

REQUEST_TIMEOUT = 40  # longer than the proxy's 35 s read timeout: the proxy answers first


@dataclass
class Outcome:
    kind: str
    started: float
    elapsed: float
    status: int | None
    error: str | None = None
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    key: str | None = None

    def json(self):
        return json.loads(self.body)


def call(base_url, method, path, *, body=None, token=None, timeout=REQUEST_TIMEOUT, kind="", key=None):
    """One request on a connection of its own; never raises, the failure is in the outcome."""
    address = urlsplit(base_url)
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return Outcome(
            kind,
            started,
            time.monotonic() - started,
            response.status,
            None,
            data,
            {name.lower(): value for name, value in response.getheaders()},
            key,
        )
    except (OSError, http.client.HTTPException) as error:
        # Refused, reset, timed out, or cut short: the client saw no (whole) answer.
        return Outcome(kind, started, time.monotonic() - started, None, repr(error), key=key)
    finally:
        connection.close()


class Load:
    """`threads` threads, each sending `request(n)` in a loop until the block ends.

    `request(n)` answers `call`'s keyword arguments (method, path, body, token,
    kind, key) for the n-th request overall. Use as a context manager; the
    outcomes are in `outcomes` afterwards (and while it runs).
    """

    def __init__(self, base_url, request, *, threads):
        self.base_url = base_url
        self.request = request
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.outcomes = []
        self._counter = itertools.count()
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _run(self):
        while not self._stop.is_set():
            outcome = call(self.base_url, **self.request(next(self._counter)))
            with self._lock:
                self.outcomes.append(outcome)

    def snapshot(self):
        with self._lock:
            return list(self.outcomes)


def p99_ms(outcomes):
    durations = sorted(outcome.elapsed for outcome in outcomes)
    if not durations:
        return None
    return round(durations[min(len(durations) - 1, int(len(durations) * 0.99))] * 1000, 1)
