"""One JSON error body for every error the API returns.

The body follows SimpleJWT's wire shape, `{"detail", "code"}`, and adds
`errors` (field -> messages) for validation errors and `messages` for
token errors, so clients can always read `detail` and branch on `code`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .routing import is_api_request


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable; try again shortly."
    default_code = "database_unavailable"
    # Seconds a client should wait before retrying (the `Retry-After` header).
    retry_after = 5


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "request_too_large"


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces), quoted or not."
    default_code = "idempotency_key_invalid"


class IdempotencyKeyReused(exceptions.APIException):
    """The key was first sent with another request (method, path or body): a client bug, not a retry (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used for a different request; use a new key for a new request."
    default_code = "idempotency_key_reused"


class IdempotencyKeyInFlight(exceptions.APIException):
    """The first request with this key is still running: retry after it ends, and get its answer (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still in progress; retry shortly."
    default_code = "idempotency_key_in_flight"
    # Seconds a client should wait before retrying (the `Retry-After` header).
    retry_after = 1


class PreconditionFailed(exceptions.APIException):
    """If-Match names no current version of the resource: someone changed it since the client read it (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it (If-Match); read it again, then retry."
    default_code = "precondition_failed"


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # DRF converts Django's Http404 and PermissionDenied only after the handler
    # is chosen; converting first gives them their proper codes.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        # DRF's handler answers APIExceptions only; anything else is Django's 500.
        return None
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc, response.data)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def error_body(exc: exceptions.APIException, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return {
            "detail": "Invalid input.",
            "code": "invalid",
            "errors": data if isinstance(data, dict) else {"non_field_errors": data},
        }
    if isinstance(data, dict) and "detail" in data:
        body = dict(data)
        body.setdefault("code", _code_of(exc))
        return body
    return {"detail": str(data), "code": _code_of(exc)}


def _code_of(exc: exceptions.APIException) -> Any:
    # DRF's handler answers only APIExceptions (Django's own are converted above).
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _json_error(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    if is_api_request(request):
        return _json_error(status.HTTP_400_BAD_REQUEST, "Bad request.", "bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception, template_name: str = "403.html") -> HttpResponse:
    if is_api_request(request):
        return _json_error(
            status.HTTP_403_FORBIDDEN,
            "You do not have permission to perform this action.",
            "permission_denied",
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception, template_name: str = "404.html") -> HttpResponse:
    if is_api_request(request):
        return _json_error(status.HTTP_404_NOT_FOUND, "Not found.", "not_found")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if is_api_request(request):
        return _json_error(status.HTTP_500_INTERNAL_SERVER_ERROR, "A server error occurred.", "server_error")
    return defaults.server_error(request)
