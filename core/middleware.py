"""Request ids, CORS that says what it refuses, and the statuses of failures that are not bugs."""

import logging
import re
import uuid
from urllib.parse import urlsplit

import corsheaders.middleware
from corsheaders.middleware import ACCESS_CONTROL_ALLOW_ORIGIN
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

from .exceptions import DatabaseUnavailable, RequestTooLarge
from .logging import request_id_var
from .outages import OutageLog

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Client-supplied ids end up in logs: accept only short, plain tokens.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_LOGGED_ORIGIN_LENGTH = 200
MAX_REMEMBERED_ORIGINS = 100


class RequestIDMiddleware:
    """Request id: taken from `X-Request-ID` when sane, generated otherwise, echoed back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = supplied if _ACCEPTABLE_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers', plus a warning naming each origin it refuses.

    A browser reports a refused origin only as "Failed to fetch"; this line
    tells the operator which origin to add. Each process warns once per origin,
    and remembers a bounded number of them: origins are chosen by clients.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._refused = set()

    def add_response_headers(self, request, response):
        response = super().add_response_headers(request, response)
        origin = request.headers.get("Origin")
        if origin and ACCESS_CONTROL_ALLOW_ORIGIN not in response and self.is_enabled(request):
            self._warn_refused(origin, request)
        return response

    def _warn_refused(self, origin, request):
        origin = origin[:MAX_LOGGED_ORIGIN_LENGTH]
        try:
            # The page's own origin (Swagger UI's calls) needs no CORS.
            same_origin = urlsplit(origin).netloc == request.META.get("HTTP_HOST")
        except ValueError:  # not a URL at all ("http://[")
            same_origin = False
        if same_origin or origin in self._refused or len(self._refused) >= MAX_REMEMBERED_ORIGINS:
            return
        self._refused.add(origin)
        logger.warning(
            "CORS refused origin %s: it is not in CORS_ALLOWED_ORIGINS (%s); "
            "browsers on it see only 'Failed to fetch'",
            origin,
            ", ".join(settings.CORS_ALLOWED_ORIGINS) or "empty",
            extra={"event": "cors_origin_refused", "origin": origin},
        )


class ExceptionStatusMiddleware:
    """Gives the failures that are not bugs their own status instead of a 500 or a bare 400.

    - The database unreachable (refused, restarting, connection lost): 503
      with `Retry-After` and `code: "database_unavailable"`, and a concise,
      rate-limited log line instead of a traceback per request.
    - A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 with `code:
      "request_too_large"`, after reading the rest of the body (up to
      DISCARD_LIMIT) so that a client still sending it can read the answer:
      closing with unread data makes the kernel reset the connection.

    Exceptions raised in views reach `process_exception`, DRF views included
    (DRF re-raises what its own handler does not answer).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            database_outage_log.failed(exception)
            response = _error_response(DatabaseUnavailable())
            response["Retry-After"] = str(DatabaseUnavailable.retry_after)
            # The outage log above stands for Django's per-request error line.
            response._has_been_logged = True
            return response
        if isinstance(exception, RequestDataTooBig):
            _discard_body(request)
            return _error_response(RequestTooLarge())
        return None


# Bodies up to this size are read and dropped before a 413; a bigger one
# is cut off (the proxy in front answers those itself, see deploy/).
DISCARD_LIMIT = 1024 * 1024

database_outage_log = OutageLog("database")


def _error_response(exc):
    return JsonResponse({"detail": str(exc.detail), "code": exc.default_code}, status=exc.status_code)


def _discard_body(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > DISCARD_LIMIT:
        return
    while length > 0:
        chunk = request.read(min(length, 64 * 1024))
        if not chunk:
            return
        length -= len(chunk)
