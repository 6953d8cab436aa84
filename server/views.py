"""The probes a load balancer or orchestrator asks, `/health` (the process is alive) and `/ready` (send it
traffic), and `/metrics`, which Prometheus scrapes with a token of its own."""

import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from core import metrics as core_metrics
from core.exceptions import DatabaseUnavailable

from . import draining


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """The process is alive; the database is not touched."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Whether to send this process traffic: 503 when it cannot serve, 200 when it can.

    503 while the database does not answer, or while the server drains on its
    way down. A cache outage is reported (`"status": "degraded"`) but stays
    200: nothing on the request path needs the cache, and a 503 there would
    take every replica out of rotation at once for a dependency they can do
    without.
    """
    checks = {"database": _database_status(), "cache": _cache_status()}
    if draining.is_draining():
        return JsonResponse(
            {"status": "draining", "detail": "The server is shutting down.", "code": "draining", **checks},
            status=503,
        )
    if checks["database"] != "ok":
        return JsonResponse(
            {
                "status": "unavailable",
                "detail": DatabaseUnavailable.default_detail,
                "code": DatabaseUnavailable.default_code,
                **checks,
            },
            status=503,
        )
    return JsonResponse({"status": "ok" if checks["cache"] == "ok" else "degraded", **checks})


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _cache_status() -> str:
    # Only a cache that can go away (Redis) says whether it is there.
    is_available = getattr(cache, "is_available", None)
    return "unavailable" if is_available is not None and not is_available() else "ok"


# Read-only and token-bearing: CSRF's 403 to a POST would only tell a stranger the path exists.
@csrf_exempt
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus metrics of the whole server (core/metrics.py), for a request bearing METRICS_TOKEN.

    Anything else (no token, another, metrics off) answers 404, as for a
    path that does not exist, whatever its method: the endpoint is not there
    for strangers.
    """
    token = settings.METRICS_TOKEN
    if not token or not hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()
    ):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(core_metrics.exposition(), content_type=core_metrics.CONTENT_TYPE)
