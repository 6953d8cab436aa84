"""Forged and expired bearer tokens refused before DRF builds a view for them.

Refusing a token is what an attacker can make the API do as often as they
like, so it should cost as little as it can. DRF refuses one only after it
has built the view, wrapped the request, negotiated the renderer and run the
view's exception handling; that machinery cost twice the refusal itself
(docs/benchmarks.md). `BearerTokenMiddleware` verifies the token as soon as
Django knows which view a request is for (`process_view`), and answers a
token that fails verification with the response DRF would give: the same
status, body and headers (`accounts/tests/test_bearer_token_middleware.py`
compares the two on every route). Everything else is left to DRF: no header,
another scheme, a malformed header, an `Accept` that needs negotiating, views
that do not authenticate with `BetterAuthJWTAuthentication` first, and every
check that needs the user (revocation, an inactive account), which DRF runs
as before. A verified token is handed on, so DRF does not verify it twice.
"""

import functools

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings as drf_settings
from rest_framework.views import APIView

from core.exceptions import error_body
from core.negotiation import names_first_renderer

from .authentication import VERIFIED_TOKEN_ATTRIBUTE, BetterAuthJWTAuthentication, log_token_refused
from .exceptions import AuthenticationFailed, InvalidToken, TokenError
from .settings import api_settings
from .tokens import token_identity


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.authentication = BetterAuthJWTAuthentication()

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refusal = refusal_for_view(view_func)
        if refusal is None or not _renders_without_negotiating(request, view_kwargs, refusal.renderer):
            return None
        try:
            raw_token = self.authentication.get_raw_token(request.META.get(api_settings.AUTH_HEADER_NAME))
        except AuthenticationFailed:
            return None
        if raw_token is None:
            return None
        try:
            identity = token_identity(raw_token)
        except TokenError as error:
            return refusal.response(str(error))
        setattr(request, VERIFIED_TOKEN_ATTRIBUTE, (raw_token, identity))
        return None


class Refusal:
    """A view's 401: the headers DRF's `finalize_response` gives it, the body its exception handler does.

    The reason a token is refused decides the body: the error and its
    rendered body are made once per reason (a short, fixed list of messages).
    """

    def __init__(self, *, headers, renderer):
        self.headers = headers
        self.renderer = renderer
        self.refused = functools.lru_cache(maxsize=64)(self._refused)

    def response(self, reason):
        error, body = self.refused(reason)
        log_token_refused(error)
        response = HttpResponse(body, status=error.status_code, content_type=self.renderer.media_type)
        for name, value in self.headers.items():
            response[name] = value
        return response

    def _refused(self, reason):
        error = InvalidToken.from_token_error(TokenError(reason))
        return error, self.renderer.render(error_body(error, error.detail), self.renderer.media_type, {})


@functools.cache
def refusal_for_view(view_func):
    """The Refusal of a DRF view that authenticates with BetterAuthJWTAuthentication first; else None."""
    view_class = getattr(view_func, "cls", None)
    if view_class is None or not issubclass(view_class, APIView):
        return None
    view = view_class(**getattr(view_func, "initkwargs", {}))
    authenticators = view.get_authenticators()
    if not authenticators or not isinstance(authenticators[0], BetterAuthJWTAuthentication):
        return None
    renderers = view.get_renderers()
    if len(renderers) != 1 or type(renderers[0]) is not JSONRenderer:
        # More than one renderer means negotiating (and `Vary: Accept`): DRF's to do.
        return None
    _bind_handlers(view, getattr(view_func, "actions", None))
    headers = {**view.default_response_headers, "WWW-Authenticate": authenticators[0].authenticate_header(None)}
    return Refusal(headers=headers, renderer=renderers[0])


def _bind_handlers(view, actions):
    # What a view's function does before dispatching, so that `Allow` lists the same
    # methods: a ViewSet binds its actions, and Django's View.setup answers HEAD with GET.
    for method, action in (actions or {}).items():
        setattr(view, method, getattr(view, action))
    if hasattr(view, "get") and not hasattr(view, "head"):
        view.head = view.get


def _renders_without_negotiating(request, view_kwargs, renderer):
    # What `core.negotiation.ContentNegotiation` answers at once (the first renderer): no
    # format suffix, no `?format=`, and an Accept header that names that renderer as it is.
    return (
        "format" not in view_kwargs
        and names_first_renderer(request.META.get("HTTP_ACCEPT"), [renderer])
        and drf_settings.URL_FORMAT_OVERRIDE not in request.GET
    )
