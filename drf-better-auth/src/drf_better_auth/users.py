"""The default rules about users, and the contract of each: what a project without rules of its own gets.

SimpleJWT reaches the app through `USER_AUTHENTICATION_RULE` and
`TOKEN_USER_CLASS`; this package reaches it through the `*_RULE` settings
below. Each is a dotted path to a function taking keyword arguments; each
refuses by raising an `AuthenticationFailed` (its code and status are kept),
an `AccountRefused` (403: a good token, an account that may not use the API
now, such as `UserBanned`) or a `TokenError` (answered as SimpleJWT's
`token_not_valid`).

- `TOKEN_USER_RULE(identity=...) -> user`: the user a verified token names,
  found, created on first sight (only when `identity.may_create_user`: only
  Better Auth vouches for people not seen yet), given a newer profile.
- `TOKEN_ACCEPTED_RULE(user=..., identity=...)`: whether that user may use
  the token now (active, not banned, not revoked, its session not ended).
- `TOKEN_VERIFY_RULE(identity=...)`: `/token/verify/`: would the token be
  accepted now? Changes nothing.
- `BLACKLIST_RULE(refresh=...)`: blacklist a refresh token; raise TokenError
  when it already is, even in a race.
- `BLACKLIST_CHECK_RULE(jti=...)`: raise TokenError when the token id is blacklisted.
- `SIGN_IN_RULE(request=..., <USERNAME_FIELD>=..., password=...) -> user`:
  the active user these credentials name (`/token/`).
- `API_KEY_RULE(digest=...) -> (user, ApiKeyAuth)`: the user and scopes of
  the API key whose SHA-256 is `digest` (drf_better_auth.api_keys), when it
  may be used now: known, not expired nor revoked, its user active.

The defaults keep users in `get_user_model()`, found by `USER_ID_FIELD`, and
the blacklist in Django's default cache (use a shared cache with several
processes). The package stores no API keys: the default API_KEY_RULE knows none.
"""

import time
from typing import Any, cast

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .api_keys import ApiKeyAuth
from .exceptions import ApiKeyInvalid, NoActiveAccount, TokenError, UserBanned, UserInactive, UserNotFound
from .settings import api_settings
from .tokens import RefreshToken, TokenIdentity

BLACKLIST_KEY = "drf_better_auth:blacklist:{jti}"


def token_user(*, identity: TokenIdentity) -> Any:
    """The user whose USER_ID_FIELD is the token's user id; created on first sight for Better Auth's tokens."""
    user = _user_named(identity)
    if user is not None:
        return user
    if not identity.may_create_user:
        raise UserNotFound()
    user_model = get_user_model()
    defaults: dict[str, Any] = {"password": make_password(None)}
    email_field = user_model.get_email_field_name()
    if identity.email and email_field in {field.name for field in user_model._meta.fields}:
        defaults[email_field] = identity.email
    user, _created = user_model._default_manager.get_or_create(
        **{api_settings.USER_ID_FIELD: identity.user_id}, defaults=defaults
    )
    return user


def token_accepted(*, user: Any, identity: TokenIdentity) -> None:
    """An inactive user's tokens are refused, and those saying the person is banned (until the ban expires)."""
    if not user.is_active:
        raise UserInactive()
    token_ensure_not_banned(identity=identity)


def token_ensure_not_banned(*, identity: TokenIdentity, now: float | None = None) -> None:
    """UserBanned when the token says Better Auth banned the person (`banned: true`), unless `banExpires` has passed."""
    if not identity.banned:
        return
    expires = identity.ban_expires
    if expires is None or expires.timestamp() > (time.time() if now is None else now):
        raise UserBanned()


def token_verify(*, identity: TokenIdentity) -> None:
    """Accepted now: not blacklisted, and a user that exists and is accepted (or Better Auth's first sight)."""
    if identity.token_type == RefreshToken.token_type:
        api_settings.BLACKLIST_CHECK_RULE(jti=identity.jti)
    user = _user_named(identity)
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        return
    api_settings.TOKEN_ACCEPTED_RULE(user=user, identity=identity)


def blacklist(*, refresh: RefreshToken) -> None:
    """Blacklists the token id in the cache until the token expires anyway (past the leeway)."""
    refused_after = refresh.expires_at.timestamp() + api_settings.LEEWAY.total_seconds()
    timeout = max(1, int(refused_after - time.time()) + 1)
    if not cache.add(BLACKLIST_KEY.format(jti=refresh.jti), True, timeout=timeout):
        raise TokenError(_("Token is blacklisted"))


def blacklist_check(*, jti: str | None) -> None:
    if cache.get(BLACKLIST_KEY.format(jti=jti)):
        raise TokenError(_("Token is blacklisted"))


def sign_in(*, request: HttpRequest | None, password: str, **credentials: str) -> Any:
    """Django's `authenticate`, as SimpleJWT's TokenObtainSerializer calls it; only active users get tokens."""
    user = authenticate(request, password=password, **credentials)
    if user is None or not user.is_active:
        raise NoActiveAccount()
    if api_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)  # type: ignore[arg-type]
    return user


def api_key_user(*, digest: str) -> tuple[Any, ApiKeyAuth]:
    """No key is known: an app that turns keys on stores them and names its own rule."""
    raise ApiKeyInvalid()


def _user_named(identity: TokenIdentity) -> Any:
    user_model = get_user_model()
    field = cast("Field[Any, Any]", user_model._meta.get_field(api_settings.USER_ID_FIELD))
    try:
        value = field.to_python(identity.user_id)
    except ValidationError:
        raise TokenError(_("Token contained no recognizable user identification")) from None
    return user_model._default_manager.filter(**{api_settings.USER_ID_FIELD: value}).first()
