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
    attempt: int = 1

    def json(self):
        return json.loads(self.body)


def call(
    base_url, method, path, *, body=None, token=None, timeout=REQUEST_TIMEOUT, kind="", key=None, idempotency_key=None
):
    """One request on a connection of its own; never raises, the failure is in the outcome."""
    address = urlsplit(base_url)
    headers = {"Connection": "close"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
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


# Answers after which a write may or may not have landed (no answer, the proxy's 502, the database
# gone), or its first attempt is still running (409 idempotency_key_in_flight): send it again.
RETRIED_STATUSES = (None, 409, 502, 503)
MAX_ATTEMPTS = 8
RETRY_PAUSE = 0.25


def call_with_retries(base_url, method, path, *, idempotency_key, **kwargs):
    """What a careful client does: the same request with the same Idempotency-Key until it has an answer.

    Answers every attempt's outcome, the last one last.
    """
    outcomes = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = call(base_url, method, path, idempotency_key=idempotency_key, **kwargs)
        outcome.attempt = attempt
        outcomes.append(outcome)
        if outcome.status not in RETRIED_STATUSES:
            break
        time.sleep(RETRY_PAUSE * attempt)
    return outcomes


class Load:
    """`threads` threads, each sending `request(n)` in a loop until the block ends.

    `request(n)` answers `call`'s keyword arguments (method, path, body, token,
    kind, key, idempotency_key) for the n-th request overall; with `retry: True`
    the request is sent as `call_with_retries` sends it, and every attempt is
    an outcome. Use as a context manager; the
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
            arguments = self.request(next(self._counter))
            if arguments.pop("retry", False):
                outcomes = call_with_retries(self.base_url, **arguments)
            else:
                outcomes = [call(self.base_url, **arguments)]
            with self._lock:
                self.outcomes.extend(outcomes)

    def snapshot(self):
        with self._lock:
            return list(self.outcomes)


def p99_ms(outcomes):
    durations = sorted(outcome.elapsed for outcome in outcomes)
    if not durations:
        return None
    return round(durations[min(len(durations) - 1, int(len(durations) * 0.99))] * 1000, 1)
