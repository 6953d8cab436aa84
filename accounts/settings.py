"""The token bridge's settings, read from `settings.SIMPLE_JWT`.

Key names follow djangorestframework-simplejwt, so a SimpleJWT settings block
works here unchanged; the Better Auth keys are additions. Every default is
below, in one place.
"""

from datetime import timedelta

from django.conf import settings

from .checks import previous_secret_weakness

DEFAULTS = {
    # Lifetimes of the tokens this API issues.
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    # A refresh returns a new refresh token and denylists the one presented.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # Record `last_login` when a token pair is obtained with a password.
    "UPDATE_LAST_LOGIN": True,
    # The shared secret (BETTER_AUTH_SECRET): signs our tokens, verifies HS256 ones.
    "SIGNING_KEY": None,
    # Earlier secrets, still accepted for verification during a rotation; never used to sign.
    # Weak ones (under 32 characters, or a development placeholder) are ignored.
    "PREVIOUS_SIGNING_KEYS": [],
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
    # How long an ended Better Auth session's id is kept: at least the longest life of a token
    # minted in it (the jwt plugin's 15 minutes, the cookie cache's 5 by default).
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
}


class BridgeSettings:
    """Attribute access to the merged settings; reloaded when tests override them."""

    def __init__(self, user_settings=None):
        self._user_settings = user_settings
        self._cached = set()

    @property
    def user_settings(self):
        if self._user_settings is None:
            self._user_settings = getattr(settings, "SIMPLE_JWT", {})
        return self._user_settings

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Invalid token bridge setting: {name!r}")
        value = self.user_settings.get(name, DEFAULTS[name])
        if name == "SIGNING_KEY" and not value:
            value = settings.BETTER_AUTH_SECRET
        if name == "PREVIOUS_SIGNING_KEYS":
            # Whatever the mode: a token signed with a guessable secret proves nothing.
            value = [key for key in value if previous_secret_weakness(key) is None]
        self._cached.add(name)
        setattr(self, name, value)
        return value

    def reload(self):
        for name in self._cached:
            delattr(self, name)
        self._cached.clear()
        self._user_settings = None


api_settings = BridgeSettings()
