"""The Prometheus metrics: what is counted, the middleware that counts requests, and the exposition.

Metrics are on when `METRICS_TOKEN` is set (README, "Metrics and traces"):
`/metrics` (server/views.py) answers whoever sends that token. Under the
production server each worker writes its counts to files of its own in a
directory the main process made for this server instance (server/metrics.py,
prometheus-client's multiprocess mode), and `/metrics`, whichever worker
answers it, adds up every worker's files: the counts of the whole server,
dead and respawned workers included. Outside it (tests, `runserver`) the
counts are this process's own.

Labels never hold what a client chose: a request is labelled by its route
template (`api/tasks/<pk>`), never its path; a method outside HTTP's own by
`other`; token refusals by their fixed code and reason.
"""

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponseBase
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess, values
from prometheus_client.metrics_core import Metric

# Seconds; a request of this project takes about a millisecond, a slow one tens.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# One observation per request: `http_requests_total` is this histogram's count, written out at
# each scrape (`exposition`), so that a request pays for one metric, not two.
DURATION = "http_request_duration_seconds"
request_duration = Histogram(
    DURATION,
    "Time from the request reaching Django to its response, by route template, method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS_TOTAL_HELP = "HTTP requests answered, by route template, method and status."
token_refusals_total = Counter(
    "auth_token_refusals", "Bearer tokens refused with 401, by error code and reason.", ["code", "reason"]
)
lockouts_total = Counter(
    "auth_lockouts", "Sign-ins that locked their client IP out, or were refused while it was (django-axes)."
)
throttle_refusals_total = Counter(
    "throttle_refusals", "Requests refused with 429 by a rate limit, by scope.", ["scope"]
)
better_auth_events_total = Counter(
    "better_auth_events", "Better Auth event deliveries, by event type and result.", ["type", "result"]
)
database_unavailable_total = Counter(
    "database_unavailable_responses", "Requests answered 503 database_unavailable because the database failed."
)
jwks_fetches_total = Counter("jwks_fetches", "Fetches of Better Auth's JWKS, by result (ok or the error).", ["result"])

# Distinct (code, reason) pairs of token refusals counted by name; past it, the reason is `other`.
# They are the package's and the project's fixed messages: the limit is only a backstop.
MAX_REFUSAL_LABELS = 64
# Their counters' children, kept: refusing a token is what an attacker can make the API do at will.
_refusal_children: dict[tuple[str, str], Any] = {}

UNMATCHED_ROUTE = "<unmatched>"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def is_enabled() -> bool:
    return bool(settings.METRICS_TOKEN)


def is_multiprocess() -> bool:
    """Whether this process writes its counts to the server's shared directory (server/metrics.py)."""
    return values.ValueClass is not values.MutexValue


def exposition() -> bytes:
    """Every metric in Prometheus' text format: all the server's workers' counts, or this process's."""
    if not is_multiprocess():
        return generate_latest(WithRequestCounts(REGISTRY))
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(WithRequestCounts(registry))


class WithRequestCounts:
    """A registry's metrics, and `http_requests_total`: the request histogram's counts, as a counter."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        for family in self.registry.collect():
            yield family
            if family.name == DURATION:
                requests = Metric("http_requests", REQUESTS_TOTAL_HELP, "counter")
                for sample in family.samples:
                    if sample.name.endswith("_count"):
                        requests.add_sample("http_requests_total", sample.labels, sample.value)
                yield requests


# A route's regular expression (DRF's routers) as a template: `(?P<pk>[^/.]+)` as `<pk>`, no anchors.
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def route_label(route: str) -> str:
    """A route as a label: a path's template as Django has it, a regular expression's shown as one."""
    return _NAMED_GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "").replace("/?", "/") or "/"


class RequestMetricsMiddleware:
    """Observes each request's duration by route template, method and status (and so counts it).

    First in MIDDLEWARE, so that everything Django does is timed. The route
    is known once Django has resolved the path (`request.resolver_match`);
    a request answered before that, or for no route, is `<unmatched>`. The
    histogram's child is looked up once per (route, method, status) and
    kept: a request costs two clock reads, a dictionary lookup and one
    observation (docs/benchmarks.md, "Metrics").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not is_enabled():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self._children: dict[tuple[str, str, int], Any] = {}
        self._routes: dict[str, str] = {}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        # Any word is a method to HTTP: the client's own would grow the children without end.
        method = request.method if request.method in HTTP_METHODS else "other"
        key = (match.route if match is not None else UNMATCHED_ROUTE, method, response.status_code)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._child_for(*key)
        child.observe(elapsed)
        return response

    def _child_for(self, route: str, method: str, status: int) -> Any:
        label = self._routes.get(route)
        if label is None:
            # Route strings come from the URLconf: a fixed, short list.
            label = self._routes[route] = route if route == UNMATCHED_ROUTE else route_label(route)
        return request_duration.labels(label, method, str(status))


def token_refused(sender: object, *, code: str, reason: str, **kwargs: Any) -> None:
    """drf_better_auth.signals.token_refused's receiver."""
    child = _refusal_children.get((code, reason))
    if child is None:
        if len(_refusal_children) >= MAX_REFUSAL_LABELS:
            child = token_refusals_total.labels(code, "other")
        else:
            child = _refusal_children[code, reason] = token_refusals_total.labels(code, reason)
    child.inc()


def jwks_fetched(sender: object, *, error: str | None, **kwargs: Any) -> None:
    """drf_better_auth.signals.jwks_fetched's receiver."""
    jwks_fetches_total.labels(error or "ok").inc()


def user_locked_out(sender: object, **kwargs: Any) -> None:
    """django-axes' user_locked_out receiver: sent for the attempt that locks an IP and each refused after."""
    lockouts_total.inc()


def _signals_counted() -> list[tuple[Signal, Callable[..., None]]]:
    from axes.signals import user_locked_out as axes_user_locked_out
    from drf_better_auth import signals

    return [
        (signals.token_refused, token_refused),
        (signals.jwks_fetched, jwks_fetched),
        (axes_user_locked_out, user_locked_out),
    ]


def receivers_connect() -> None:
    """Counts what the package and django-axes signal. Connected only while metrics are on
    (core/apps.py): a signal nobody receives costs the request that sends it one truth test,
    and a refused token is what an attacker can send at will."""
    for signal, receiver in _signals_counted():
        signal.connect(receiver, dispatch_uid=f"{__name__}.{receiver.__name__}")


def receivers_disconnect() -> None:
    for signal, receiver in _signals_counted():
        signal.disconnect(receiver, dispatch_uid=f"{__name__}.{receiver.__name__}")
