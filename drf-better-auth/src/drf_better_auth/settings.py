"""The package's settings: one key, `settings.SIMPLE_JWT`, read as DRF reads `REST_FRAMEWORK`.

Key names are SimpleJWT's wherever they mean the same, so a SimpleJWT block
works here unchanged; the Better Auth keys and the hooks are additions. Every
default is below, in one place. The values are read again whenever a test
changes them (`setting_changed`).
"""

from collections.abc import Collection
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from rest_framework.settings import APISettings

SETTINGS_KEY = "SIMPLE_JWT"
# Django settings read where the block leaves a secret out: Better Auth's own variable names.
SIGNING_KEY_FALLBACK = "BETTER_AUTH_SECRET"
WEBHOOK_SECRET_FALLBACK = "BETTER_AUTH_WEBHOOK_SECRET"
# A secret shorter than this is guessable: never a previous key, and an error as the signing key.
MINIMUM_SECRET_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    # Lifetimes of the tokens this API issues.
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    # A refresh returns a new refresh token and blacklists the one presented.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # Record `last_login` when a token pair is obtained with a password (the default SIGN_IN_RULE).
    "UPDATE_LAST_LOGIN": True,
    # The shared secret: signs our tokens, verifies HS256 ones. None: settings.BETTER_AUTH_SECRET.
    "SIGNING_KEY": None,
    # Earlier secrets, still accepted for verification during a rotation; never used to sign.
    # Weak ones (under 32 characters, or listed in PLACEHOLDER_SECRETS) are ignored.
    "PREVIOUS_SIGNING_KEYS": [],
    # Secrets published somewhere (a repository's development defaults): a token signed with one proves nothing.
    "PLACEHOLDER_SECRETS": (),
    # Expected `aud` (a string or a list) and `iss`; None means not checked. Set on tokens we issue.
    "AUDIENCE": None,
    "ISSUER": None,
    # Better Auth's JWKS endpoint, for its asymmetric tokens; None turns them off.
    "JWKS_URL": None,
    # Asymmetric algorithms accepted from the JWKS (Better Auth's jwt plugin choices).
    "JWKS_ALGORITHMS": ("EdDSA", "ES256", "ES512", "PS256", "RS256"),
    # Keys are refreshed after this long; an unknown `kid` refetches at most once per interval.
    "JWKS_CACHE_LIFETIME": timedelta(minutes=10),
    "JWKS_REFETCH_INTERVAL": timedelta(seconds=30),
    # The whole of one fetch, however slowly the endpoint answers.
    "JWKS_TIMEOUT": timedelta(seconds=3),
    # How long an ended Better Auth session's id should be kept (read by the app's rules): at least
    # the longest life of a token minted in it (the jwt plugin's 15 minutes, the cookie cache's 5).
    "ENDED_SESSION_RETENTION": timedelta(days=1),
    # Clock skew tolerated on exp, nbf and iat.
    "LEEWAY": timedelta(seconds=5),
    # Larger tokens are refused before any parsing (Better Auth's cookie cache is the biggest, ~1-4 KB).
    "MAX_TOKEN_BYTES": 8192,
    # `Authorization: <type> <token>`; the type is matched case-sensitively, as SimpleJWT does.
    "AUTH_HEADER_TYPES": ("Bearer",),
    "AUTH_HEADER_NAME": "HTTP_AUTHORIZATION",
    # Realm announced in `WWW-Authenticate` on 401.
    "WWW_AUTHENTICATE_REALM": "api",
    # The user field tokens identify, and the claim SimpleJWT-shaped tokens carry it in.
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
    # Signs Better Auth's event deliveries (Standard Webhooks). None: settings.BETTER_AUTH_WEBHOOK_SECRET;
    # empty turns the webhook view off (503).
    "WEBHOOK_SECRET": None,
    # The token endpoints' serializers, as in SimpleJWT.
    "TOKEN_OBTAIN_SERIALIZER": "drf_better_auth.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "drf_better_auth.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "drf_better_auth.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "drf_better_auth.serializers.TokenBlacklistSerializer",
    # The app's rules about its users (drf_better_auth.users has the defaults and their contracts).
    # Each takes keyword arguments and raises an AuthenticationFailed or a TokenError to refuse.
    "TOKEN_USER_RULE": "drf_better_auth.users.token_user",
    "TOKEN_ACCEPTED_RULE": "drf_better_auth.users.token_accepted",
    "TOKEN_VERIFY_RULE": "drf_better_auth.users.token_verify",
    "BLACKLIST_RULE": "drf_better_auth.users.blacklist",
    "BLACKLIST_CHECK_RULE": "drf_better_auth.users.blacklist_check",
    "SIGN_IN_RULE": "drf_better_auth.users.sign_in",
    # API keys for scripts (drf_better_auth.api_keys): a bearer token starting with this prefix is one,
    # never decoded as a JWT. None turns keys off. Pick something secret scanners can match ("tdk_").
    "API_KEY_PREFIX": None,
    # `API_KEY_RULE(digest=...) -> (user, ApiKeyAuth)`: the key stored with this SHA-256, if usable now.
    "API_KEY_RULE": "drf_better_auth.users.api_key_user",
}

IMPORT_STRINGS = (
    "TOKEN_OBTAIN_SERIALIZER",
    "TOKEN_REFRESH_SERIALIZER",
    "TOKEN_VERIFY_SERIALIZER",
    "TOKEN_BLACKLIST_SERIALIZER",
    "TOKEN_USER_RULE",
    "TOKEN_ACCEPTED_RULE",
    "TOKEN_VERIFY_RULE",
    "BLACKLIST_RULE",
    "BLACKLIST_CHECK_RULE",
    "SIGN_IN_RULE",
    "API_KEY_RULE",
)


def previous_key_weakness(value: str, placeholders: Collection[str]) -> str | None:
    """Why `value` may not verify tokens as a previous signing key, or None.

    Placeholders are published (PLACEHOLDER_SECRETS), so a token signed with
    one proves nothing; nor does one signed with a secret short enough to guess.
    """
    if value in placeholders:
        return "is a development placeholder"
    if len(value) < MINIMUM_SECRET_LENGTH:
        return f"is too weak: {len(value)} characters, at least {MINIMUM_SECRET_LENGTH} are required"
    return None


class BetterAuthSettings(APISettings):
    """DRF's settings object over `settings.SIMPLE_JWT`, with the secrets resolved."""

    @property
    def user_settings(self) -> dict[str, Any]:
        if not hasattr(self, "_user_settings"):
            self._user_settings = getattr(settings, SETTINGS_KEY, {})
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        value = super().__getattr__(attr)
        if attr == "SIGNING_KEY" and not value:
            value = getattr(settings, SIGNING_KEY_FALLBACK, None) or None
        elif attr == "WEBHOOK_SECRET" and value is None:
            value = getattr(settings, WEBHOOK_SECRET_FALLBACK, "") or ""
        elif attr == "PREVIOUS_SIGNING_KEYS":
            # Whatever the mode: a token signed with a guessable secret proves nothing.
            value = [key for key in value if previous_key_weakness(key, self.PLACEHOLDER_SECRETS) is None]
        setattr(self, attr, value)
        return value


api_settings = BetterAuthSettings(None, cast(Any, DEFAULTS), IMPORT_STRINGS)


def _reload_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting in (SETTINGS_KEY, SIGNING_KEY_FALLBACK, WEBHOOK_SECRET_FALLBACK):
        api_settings.reload()


setting_changed.connect(_reload_on_change)
