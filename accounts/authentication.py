"""DRF authentication for Better Auth and SimpleJWT bearer tokens."""

import logging

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication

from . import services
from .exceptions import AuthenticationFailed, BadAuthorizationHeader, InvalidToken, TokenError
from .settings import api_settings
from .tokens import token_identity

logger = logging.getLogger("accounts.auth")

# Where `accounts.middleware.BearerTokenMiddleware` leaves a token it verified: (raw token, TokenIdentity).
VERIFIED_TOKEN_ATTRIBUTE = "verified_bearer_token"


class BetterAuthJWTAuthentication(authentication.BaseAuthentication):
    """Reads `Authorization: Bearer <token>` (never the query string) and resolves its user.

    Accepts HS256 tokens signed with BETTER_AUTH_SECRET (Better Auth's jwt
    plugin through its sign hook, its session cookie cache, SimpleJWT and our
    own), earlier secrets during a rotation, and Better Auth's asymmetric
    tokens from its JWKS. Failures answer 401 with SimpleJWT's bodies; the
    reason is logged by code, never with the token.
    """

    def authenticate(self, request):
        try:
            raw_token = self.get_raw_token(request.META.get(api_settings.AUTH_HEADER_NAME))
            if raw_token is None:
                return None
            return self.get_user(raw_token, verified=getattr(request, VERIFIED_TOKEN_ATTRIBUTE, None)), raw_token
        except AuthenticationFailed as error:
            log_token_refused(error)
            raise

    def get_raw_token(self, header):
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

    def get_user(self, raw_token, *, verified=None):
        """The user of a verified token, read from the database as it is now.

        `verified` is `(raw token, TokenIdentity)` when `accounts.middleware`
        has already verified this very token for this request.
        """
        try:
            identity = verified[1] if verified and verified[0] == raw_token else token_identity(raw_token)
            user = services.user_sync_from_token(identity=identity)
            services.user_ensure_token_accepted(user=user, identity=identity)
        except TokenError as error:
            raise InvalidToken.from_token_error(error) from None
        return user

    def authenticate_header(self, request):
        return f'{api_settings.AUTH_HEADER_TYPES[0]} realm="{api_settings.WWW_AUTHENTICATE_REALM}"'


def log_token_refused(error):
    """The one line a refused token leaves: its code and reason, never the token."""
    logger.info(
        "token refused",
        extra={"event": "token_refused", "code": str(error.detail["code"]), "reason": str(error.detail["detail"])},
    )
