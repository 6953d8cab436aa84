"""Every write made while a Better Auth admin impersonates someone, recorded with the admin's id."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import AuditEvent
from .services import audit_record

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ImpersonatedWriteMiddleware:
    """After a write (any method but the safe ones), one audit entry when the token was an impersonation.

    DRF puts the authenticated user on the Django request too; the accounts
    rules mark it with `impersonated_by` (the admin's Better Auth id) when
    the token's session is an impersonation. The entry names the route, the
    method and the status, never the path's values or the body. Reads cost
    one comparison: the hot path writes nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in SAFE_METHODS:
            return response
        impersonator = getattr(getattr(request, "user", None), "impersonated_by", None)
        if impersonator:
            match = request.resolver_match
            audit_record(
                event=AuditEvent.IMPERSONATED_WRITE,
                user_id=str(request.user.pk),
                actor_id=impersonator,
                via="api",
                request=request,
                detail={
                    "method": request.method,
                    "route": match.route if match is not None else "",
                    "status": response.status_code,
                },
            )
        return response
