"""Forged and expired bearer tokens refused before DRF builds a view for them, on the views that opt in.

Refusing a token is what an attacker can make an API do as often as they
like, so it should cost as little as it can. DRF refuses one only after it
has built the view, wrapped the request, negotiated the renderer and run the
view's exception handling; that machinery costs about twice the refusal
itself. A view that mixes in `EarlyRefusalMixin` lets `BearerTokenMiddleware`
verify the token as soon as Django knows the request is for that view
(`process_view`), and answer a token that fails verification with the
response DRF would give: the same status, body and headers.

Everything else is left to DRF: no header, another scheme, a malformed
header, an API key, an `Accept` that needs negotiating, views that did not opt in or
render more than JSON, and every check that needs the user (revocation, an
inactive account). A verified token is handed on (`VerifiedBearerToken`),
so DRF neither parses the header nor verifies the token again.
"""

import functools
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings as drf_settings
from rest_framework.views import APIView

from .api_keys import is_api_key
from .authentication import BetterAuthJWTAuthentication, VerifiedBearerToken, token_refused
from .exceptions import AuthenticationFailed, InvalidToken, TokenError
from .settings import api_settings
from .tokens import token_identity

if TYPE_CHECKING:
    from rest_framework.views import AsView, GenericView

# Where `EarlyRefusalMixin.as_view` leaves a view's Refusal on the view function.
REFUSAL_ATTRIBUTE = "bearer_token_refusal"


class EarlyRefusalMixin(APIView):
    """Opts a DRF view in to `BearerTokenMiddleware`'s early refusal of bad bearer tokens.

    The view must authenticate with `BetterAuthJWTAuthentication` first (start-up
    stops otherwise). A view that renders anything but JSON alone (DEBUG's
    browsable API) keeps DRF's refusal: its answer depends on negotiation.
    """

    @classmethod
    # *args: a ViewSet's as_view takes its actions first, positionally.
    def as_view(cls, *args: Any, **initkwargs: Any) -> "AsView[GenericView]":
        view = super().as_view(*args, **initkwargs)
        authentication_classes = initkwargs.get("authentication_classes", cls.authentication_classes)
        if not authentication_classes or not issubclass(authentication_classes[0], BetterAuthJWTAuthentication):
            raise ImproperlyConfigured(
                f"{cls.__name__} opts in to the early refusal of bearer tokens, "
                "so its first authentication class must be BetterAuthJWTAuthentication."
            )
        renderer_classes = initkwargs.get("renderer_classes", cls.renderer_classes)
        if list(renderer_classes) == [JSONRenderer]:
            setattr(view, REFUSAL_ATTRIBUTE, Refusal(view))
        return view


class BearerTokenMiddleware:
    """Last in MIDDLEWARE: refuses a bad bearer token once the view is known, for views that opted in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.authentication = BetterAuthJWTAuthentication()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        refusal: Refusal | None = getattr(view_func, REFUSAL_ATTRIBUTE, None)
        if refusal is None or not _renders_json_at_once(request, view_kwargs):
            return None
        try:
            raw_token = self.authentication.get_raw_token(request.META.get(api_settings.AUTH_HEADER_NAME))
        except AuthenticationFailed:
            return None
        if raw_token is None or is_api_key(raw_token):
            return None
        try:
            identity = token_identity(raw_token)
        except TokenError as error:
            return refusal.response(request, str(error))
        VerifiedBearerToken(raw_token, identity).attach(request)
        return None


class Refusal:
    """A view's 401: the body its exception handler gives, the headers its `finalize_response` adds.

    Made once per view and per reason a token is refused (a short, fixed list of messages).
    """

    def __init__(self, view: Callable[..., HttpResponse]) -> None:
        self.view = view
        self.refused = functools.lru_cache(maxsize=64)(self._refused)

    def response(self, request: HttpRequest, reason: str) -> HttpResponse:
        error, body, headers = self.refused(reason)
        token_refused(request, error)
        response = HttpResponse(body, status=error.status_code, content_type=JSONRenderer.media_type)
        for name, value in headers.items():
            response[name] = value
        return response

    @cached_property
    def view_headers(self) -> dict[str, str]:
        """`Allow` (and any other default header) of the view, built as DRF's schema generator builds one."""
        view: Any = self.view
        instance = view.cls(**view.initkwargs)
        # What the view function does before dispatching: a ViewSet binds its actions,
        # and Django's View.setup answers HEAD with GET.
        for method, action in (getattr(view, "actions", None) or {}).items():
            setattr(instance, method, getattr(instance, action))
        if hasattr(instance, "get") and not hasattr(instance, "head"):
            instance.head = instance.get
        headers: dict[str, str] = instance.default_response_headers
        return headers

    def _refused(self, reason: str) -> tuple[InvalidToken, bytes, dict[str, str]]:
        error = InvalidToken.from_token_error(TokenError(reason))
        # What APIView.handle_exception sets before calling the handler: it makes the answer a 401.
        error.auth_header = BetterAuthJWTAuthentication().authenticate_header(None)  # type: ignore[attr-defined]
        # DRF's handlers answer every APIException (None is for the exceptions they leave to Django).
        handler = cast("Callable[[Exception, dict[str, Any]], Response]", drf_settings.EXCEPTION_HANDLER)
        handled = handler(error, {"view": None, "args": (), "kwargs": {}, "request": None})
        headers = {name: value for name, value in handled.items() if name.lower() != "content-type"}
        body = JSONRenderer().render(handled.data, JSONRenderer.media_type, {})
        return error, body, {**headers, **self.view_headers}


def _renders_json_at_once(request: HttpRequest, view_kwargs: dict[str, Any]) -> bool:
    # What DRF's content negotiation answers at once with JSON alone: no format suffix, no
    # `?format=`, and no Accept header, `*/*` or JSON's own type exactly as it is.
    return (
        "format" not in view_kwargs
        and request.META.get("HTTP_ACCEPT") in (None, "*/*", JSONRenderer.media_type)
        # Without a query string, without building `request.GET` for it.
        and (not request.META.get("QUERY_STRING") or drf_settings.URL_FORMAT_OVERRIDE not in request.GET)
    )
