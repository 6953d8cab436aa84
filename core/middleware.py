"""Request ids, access lines, CORS that says what it refuses, the statuses of failures that are
not bugs, and the browser pages' middleware kept off the API."""

import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import urlsplit

import corsheaders.middleware
from corsheaders.middleware import ACCESS_CONTROL_ALLOW_ORIGIN
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed, RequestDataTooBig
from django.core.handlers.exception import convert_exception_to_response
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from drf_better_auth.authentication import TokenRefusal

from .exceptions import DatabaseUnavailable, RequestTooLarge
from .logging import request_id_var
from .metrics import database_unavailable_total
from .outages import OutageLog
from .routing import is_api_request

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("core.access")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_META_KEY = "HTTP_X_REQUEST_ID"
# Client-supplied ids end up in logs: accept only short, plain tokens.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_LOGGED_ORIGIN_LENGTH = 200
MAX_REMEMBERED_ORIGINS = 100

# What each middleware wraps: the rest of the chain, down to the view.
GetResponse = Callable[[HttpRequest], HttpResponseBase]
ViewHook = Callable[[HttpRequest, Callable[..., Any], tuple[Any, ...], dict[str, Any]], HttpResponseBase | None]


class RequestIDMiddleware:
    """Request id: taken from `X-Request-ID` when sane, generated otherwise, echoed back."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        supplied = request.META.get(REQUEST_ID_META_KEY, "")
        request_id = supplied if _ACCEPTABLE_ID.match(supplied) else os.urandom(16).hex()
        request.request_id = request_id  # type: ignore[attr-defined]  # read by core.logging.request_id_of
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class AccessLogMiddleware:
    """One JSON line per request, on the `core.access` logger, once its response is ready.

    Method, path, status, duration, size, client address and user agent, with
    the request's id (it runs inside `RequestIDMiddleware`), and a refused
    bearer token's code and reason. The path is logged
    without its query string: tokens belong in the Authorization header, but a
    client that puts one in the URL must not find it in the logs. Written by
    the application rather than the server, so it reads the same under any
    server and carries the id the response echoes.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 3)
        status = response.status_code
        length = response.get("Content-Length")
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "event": "http_request",
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "response_bytes": int(length) if length and length.isdigit() else None,
                "remote_addr": request.META.get("REMOTE_ADDR"),
                "user_agent": request.META.get("HTTP_USER_AGENT"),
                **refusal_fields(request),
            },
        )
        return response


def refusal_fields(request: HttpRequest) -> dict[str, str]:
    """A refused bearer token's code and reason, for its request's access line (which stands for the
    package's own `token_refused` line: one line per refused request, however many arrive)."""
    refusal = TokenRefusal.of(request)
    return {} if refusal is None else {"refusal_code": refusal.code, "refusal_reason": refusal.reason}


class BrowserPagesMiddleware:
    """Runs `settings.BROWSER_MIDDLEWARE` for every request except the bearer-token API's.

    Sessions, CSRF, `request.user`, messages and django-axes' lockout page
    serve the pages a browser signs in to with a cookie: the admin and the
    account pages. An API request carries its credentials in the
    Authorization header and no cookie: DRF authenticates it itself
    (`drf_better_auth.authentication`), so there is no session to load and no
    ambient credential for CSRF to protect. Run on every API request, they
    cost about an eighth of a refused one (docs/benchmarks.md).

    The listed middleware are chained here as Django chains MIDDLEWARE, in
    the same order; their `process_view` hooks run from this one's.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self._view_hooks: list[ViewHook] = []
        handler = convert_exception_to_response(get_response)
        for path in reversed(settings.BROWSER_MIDDLEWARE):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_exception") or hasattr(middleware, "process_template_response"):
                raise ImproperlyConfigured(f"{path}: only process_view hooks are run from BROWSER_MIDDLEWARE")
            if hasattr(middleware, "process_view"):
                self._view_hooks.insert(0, middleware.process_view)
            handler = convert_exception_to_response(middleware)
        self._browser_handler = handler

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_api_request(request):
            return self.get_response(request)
        return self._browser_handler(request)  # type: ignore[return-value]  # a sync chain: never awaitable

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if is_api_request(request):
            return None
        for hook in self._view_hooks:
            response = hook(request, view_func, view_args, view_kwargs)
            if response is not None:
                return response
        return None


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers', plus a warning naming each origin it refuses.

    A browser reports a refused origin only as "Failed to fetch"; this line
    tells the operator which origin to add. Each process warns once per origin,
    and remembers a bounded number of them: origins are chosen by clients.

    A request without `Origin` (no browser's cross-origin call: scripts,
    servers, API keys, attackers' floods) gets what the library gives it, only
    `Vary: Origin` on the URLs CORS covers, without the library's look for an
    `Origin` in `request.headers`: building that mapping of every header was
    about an eighth of a refused token's cost (docs/benchmarks.md).
    `core/tests/test_cors.py` compares both roads' answers.
    """

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self._refused: set[str] = set()

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        # An OPTIONS without Origin may still be a preflight to the library: its road.
        if self.async_mode or "HTTP_ORIGIN" in request.META or request.method == "OPTIONS":
            return super().__call__(request)
        # Not async_mode: the rest of the chain answers at once.
        response = cast(HttpResponseBase, self.get_response(request))
        if self.is_enabled(request):
            patch_vary_headers(response, ("origin",))
        return response

    def add_response_headers(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().add_response_headers(request, response)
        origin = request.headers.get("Origin")
        if origin and ACCESS_CONTROL_ALLOW_ORIGIN not in response and self.is_enabled(request):
            self._warn_refused(origin, request)
        return response

    def _warn_refused(self, origin: str, request: HttpRequest) -> None:
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
            "CORS refused origin %s: it is not in CORS_ALLOWED_ORIGINS (%s); browsers on it see only 'Failed to fetch'",
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

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            database_outage_log.failed(exception)
            database_unavailable_total.inc()
            response = _error_response(DatabaseUnavailable())
            response["Retry-After"] = str(DatabaseUnavailable.retry_after)
            # The outage log above stands for Django's per-request error line.
            response._has_been_logged = True  # type: ignore[attr-defined]  # Django's flag (django.utils.log)
            return response
        if isinstance(exception, RequestDataTooBig):
            _discard_body(request)
            return _error_response(RequestTooLarge())
        return None


# Bodies up to this size are read and dropped before a 413; a bigger one
# is cut off (the proxy in front answers those itself, see deploy/).
DISCARD_LIMIT = 1024 * 1024

database_outage_log = OutageLog("database")


def _error_response(exc: DatabaseUnavailable | RequestTooLarge) -> JsonResponse:
    return JsonResponse({"detail": str(exc.detail), "code": exc.default_code}, status=exc.status_code)


def _discard_body(request: HttpRequest) -> None:
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
