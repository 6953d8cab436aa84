"""DRF authentication for Better Auth and SimpleJWT bearer tokens."""

import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.request import Request

from . import signals
from .api_keys import api_key_authenticate, is_api_key
from .exceptions import AuthenticationFailed, BadAuthorizationHeader, InvalidToken, TokenError
from .settings import api_settings
from .tokens import TokenIdentity, token_identity

# Its own logger, so that a project whose access log already carries each refusal
# (`TokenRefusal.of`) can turn these lines off by configuration alone.
refusal_logger = logging.getLogger("drf_better_auth.refusals")


@dataclass(frozen=True, slots=True)
class VerifiedBearerToken:
    """A request's bearer token, verified before DRF ran: `BearerTokenMiddleware` hands it to the authentication.

    The one place the two meet: the middleware `attach`es what it verified,
    `BetterAuthJWTAuthentication` takes it back with `of`, and neither parses
    the header or verifies the token a second time.
    """

    raw_token: str
    identity: TokenIdentity

    ATTRIBUTE = "_drf_better_auth_verified_token"

    def attach(self, request: HttpRequest) -> None:
        setattr(request, self.ATTRIBUTE, self)

    @classmethod
    def of(cls, request: HttpRequest | Request) -> "VerifiedBearerToken | None":
        verified: VerifiedBearerToken | None = getattr(request, cls.ATTRIBUTE, None)
        return verified


@dataclass(frozen=True, slots=True)
class TokenRefusal:
    """Why a request's bearer token was refused: its code and reason, never the token.

    Left on the request (`attach`) wherever a token is refused, the early
    refusal or DRF's, so that whatever writes the request's own log line
    (an access log) can carry it (`of`).
    """

    code: str
    reason: str

    ATTRIBUTE = "_drf_better_auth_token_refusal"

    def attach(self, request: HttpRequest | Request) -> None:
        # DRF's Request reads attributes through to Django's, but sets them on itself.
        setattr(getattr(request, "_request", request), self.ATTRIBUTE, self)

    @classmethod
    def of(cls, request: HttpRequest) -> "TokenRefusal | None":
        refusal: TokenRefusal | None = getattr(request, cls.ATTRIBUTE, None)
        return refusal


class BetterAuthJWTAuthentication(authentication.BaseAuthentication):
    """Reads `Authorization: Bearer <token>` (never the query string) and resolves its user.

    Accepts HS256 tokens signed with the shared secret (Better Auth's jwt
    plugin through its sign hook, its session cookie cache, SimpleJWT and our
    own), earlier secrets during a rotation, and Better Auth's asymmetric
    tokens from its JWKS. The user comes from the TOKEN_USER_RULE and
    TOKEN_ACCEPTED_RULE hooks. Failures answer 401 with SimpleJWT's bodies;
    the reason is logged by code, never with the token.

    A token starting with API_KEY_PREFIX is an API key, told apart before
    anything is decoded: only views naming `api_key_scopes` accept one
    (`drf_better_auth.api_keys`; `request.auth` is then an `ApiKeyAuth`).
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            verified = VerifiedBearerToken.of(request)
            if verified is not None:
                return self.user_for(verified.identity), verified.raw_token
            raw_token = self.get_raw_token(request.META.get(api_settings.AUTH_HEADER_NAME))
            if raw_token is None:
                return None
            if is_api_key(raw_token):
                return api_key_authenticate(request, raw_token)
            return self.get_user(raw_token), raw_token
        except AuthenticationFailed as error:
            token_refused(request, error)
            raise

    def get_raw_token(self, header: str | None) -> str | None:
        """The token in the header; None when there is none or another scheme is used."""
        parts = (header or "").split()
        if not parts:
            return None
        header_types = api_settings.AUTH_HEADER_TYPES
        if parts[0] not in header_types:
            if parts[0].lower() in {header_type.lower() for header_type in header_types}:
                raise BadAuthorizationHeader(
                    _("Authorization header must start with '%s' (case-sensitive)") % header_types[0]
                )
            if len(parts) == 1:
                raise BadAuthorizationHeader()
            return None
        if len(parts) != 2:
            raise BadAuthorizationHeader()
        return parts[1]

    def get_user(self, raw_token: str) -> Any:
        """The user of a raw token, verified here."""
        try:
            identity = token_identity(raw_token)
        except TokenError as error:
            raise InvalidToken.from_token_error(error) from None
        return self.user_for(identity)

    def user_for(self, identity: TokenIdentity) -> Any:
        """The user of a verified token, through the app's rules (read from the database as it is now)."""
        try:
            user = api_settings.TOKEN_USER_RULE(identity=identity)
            api_settings.TOKEN_ACCEPTED_RULE(user=user, identity=identity)
        except TokenError as error:
            raise InvalidToken.from_token_error(error) from None
        return user

    def authenticate_header(self, request: Request | None) -> str:
        return f'{api_settings.AUTH_HEADER_TYPES[0]} realm="{api_settings.WWW_AUTHENTICATE_REALM}"'


def token_refused(request: HttpRequest | Request, error: AuthenticationFailed) -> None:
    """What a refused token leaves: a `TokenRefusal` on the request, one `token_refused` line, and the signal."""
    detail: Any = error.detail
    refusal = TokenRefusal(code=str(detail["code"]), reason=str(detail["detail"]))
    refusal.attach(request)
    refusal_logger.info(
        "token refused", extra={"event": "token_refused", "code": refusal.code, "reason": refusal.reason}
    )
    signals.token_refused.send(BetterAuthJWTAuthentication, code=refusal.code, reason=refusal.reason)
