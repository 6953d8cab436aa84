"""Request id: taken from `X-Request-ID` when sane, generated otherwise, echoed back; CORS that says what it refuses."""

import logging
import re
import uuid
from urllib.parse import urlsplit

import corsheaders.middleware
from corsheaders.middleware import ACCESS_CONTROL_ALLOW_ORIGIN
from django.conf import settings

from .logging import request_id_var

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Client-supplied ids end up in logs: accept only short, plain tokens.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_LOGGED_ORIGIN_LENGTH = 200
MAX_REMEMBERED_ORIGINS = 100


class RequestIDMiddleware:
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
