"""Unauthenticated probes and Django's own error pages as JSON under /api/."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request):
    """The process is alive; the database is not touched."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """The process can serve: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {
                "status": "unavailable",
                "detail": "The database is unreachable.",
                "code": "database_unavailable",
            },
            status=503,
        )
    return JsonResponse({"status": "ok"})
