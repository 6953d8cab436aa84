"""Tokens: the SimpleJWT-shaped ones we issue, and reading any accepted token.

Tokens we issue carry SimpleJWT's claims (`token_type`, `exp`, `iat`, `jti`,
`user_id`) plus `sub` and `email`, so SimpleJWT services and Better-Auth-style
clients both read them. `iat` keeps sub-second precision so that revocation
("log out everywhere") can tell a token minted just before it from one minted
just after.

Three token shapes are recognised, by `token_shape` alone:
- SimpleJWT (`token_type` present): the user id is in `USER_ID_CLAIM`.
- Better Auth's session cookie cache (`session` and `user` objects): `user.id`.
- Better Auth's jwt plugin: `sub`, with the user object's fields alongside.
`iss` and `aud`, when configured, are required of every shape but the cookie
cache, which Better Auth never gives them.
"""

import enum
import re
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

from django.utils.translation import gettext_lazy as _

from .exceptions import TokenError
from .settings import api_settings
from .state import token_backend

# Token ids are kept in a blacklist: printable ASCII that fits a modest column.
JTI_PATTERN = re.compile(r"^[!-~]{1,64}$")
# Better Auth's ids (32 characters of [A-Za-z0-9] by default; UUIDs when configured), and the
# string ids SimpleJWT-shaped tokens carry: both fit this shape.
USER_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Better Auth makes session ids with the same generator as user ids.
SESSION_ID_PATTERN = USER_ID_PATTERN


class TokenShape(enum.Enum):
    SIMPLEJWT = "simplejwt"
    SESSION_COOKIE_CACHE = "session_cookie_cache"
    BETTER_AUTH_JWT = "better_auth_jwt"


def token_shape(payload: dict[str, Any]) -> TokenShape:
    """Which kind of token a verified payload is; checks `iss` and `aud` where that kind carries them."""
    if api_settings.TOKEN_TYPE_CLAIM in payload:
        shape = TokenShape.SIMPLEJWT
    elif isinstance(payload.get("session"), dict) and isinstance(payload.get("user"), dict):
        return TokenShape.SESSION_COOKIE_CACHE
    else:
        shape = TokenShape.BETTER_AUTH_JWT
    if api_settings.ISSUER is not None and payload.get("iss") != api_settings.ISSUER:
        raise TokenError(_("Token issuer is not accepted"))
    if api_settings.AUDIENCE is not None:
        accepted = api_settings.AUDIENCE
        accepted = {accepted} if isinstance(accepted, str) else set(accepted)
        audience = payload.get("aud")
        # The backend has checked the type: a string or a list of strings.
        if not accepted.intersection([audience] if isinstance(audience, str) else audience or ()):
            raise TokenError(_("Token audience is not accepted"))
    return shape


@dataclass(frozen=True)
class TokenIdentity:
    """Who a verified token speaks for, and what it says about them."""

    user_id: str
    issued_at: float
    # SimpleJWT's `token_type` and `jti`; Better Auth's tokens are access tokens without an id.
    token_type: str = "access"
    jti: str | None = None
    email: str | None = None
    name: str | None = None
    profile_updated_at: datetime | None = None
    # Better Auth's `emailVerified`: the person proved they own `email`.
    email_verified: bool = False
    # Only Better Auth vouches for people we have not seen; SimpleJWT tokens name existing users.
    may_create_user: bool = False
    # The Better Auth session the token was minted in (`sid`, or the cookie cache's `session.id`).
    session_id: str | None = None
    # Better Auth's admin plugin: the user object's `banned` (only a JSON `true`) and `banExpires`,
    # `role` (a string, several roles comma-separated), and the session's `impersonatedBy`: the
    # id of the admin acting as this person (the cookie cache's `session.impersonatedBy`, or
    # `impersonatedBy` beside `sid` in a jwt plugin token).
    banned: bool = False
    ban_expires: datetime | None = None
    role: str | None = None
    impersonated_by: str | None = None


class Token:
    """A SimpleJWT-shaped token: build one for a user, or read and verify one."""

    token_type: ClassVar[str]
    payload: dict[str, Any]

    def __init__(self, token: str | None = None, verify: bool = True) -> None:
        if token is None:
            now = time.time()
            self.payload = {
                api_settings.TOKEN_TYPE_CLAIM: self.token_type,
                "exp": int(now + self.lifetime.total_seconds()),
                "iat": round(now, 6),
                api_settings.JTI_CLAIM: uuid.uuid4().hex,
            }
            return
        self.payload = token_backend().decode(token)
        if token_shape(self.payload) is not TokenShape.SIMPLEJWT:
            raise TokenError(_("Token has wrong type"))
        if verify:
            self.verify()

    @property
    def lifetime(self) -> timedelta:
        raise NotImplementedError

    @classmethod
    def for_user(cls, user: Any) -> Self:
        token = cls()
        user_id = str(getattr(user, api_settings.USER_ID_FIELD))
        token[api_settings.USER_ID_CLAIM] = user_id
        token["sub"] = user_id
        if hasattr(user, "email"):
            token["email"] = user.email
        return token

    def verify(self) -> None:
        _check_simplejwt_claims(self.payload, (self.token_type,))

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.payload[key] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self.payload.get(key, default)

    def __str__(self) -> str:
        return token_backend().encode(self.payload)

    def identity(self) -> TokenIdentity:
        """The TokenIdentity of a token we issued (it names an existing user)."""
        return _simplejwt_identity(self.payload)

    @property
    def jti(self) -> str | None:
        jti: str | None = self.payload.get(api_settings.JTI_CLAIM)
        return jti

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.payload["exp"], tz=UTC)


class AccessToken(Token):
    token_type = "access"

    @property
    def lifetime(self) -> timedelta:
        lifetime: timedelta = api_settings.ACCESS_TOKEN_LIFETIME
        return lifetime


class RefreshToken(Token):
    token_type = "refresh"
    # Claims the access token gets afresh rather than copied from its refresh token.
    no_copy_claims = ("token_type", "exp", "iat", "jti", "aud", "iss")

    @property
    def lifetime(self) -> timedelta:
        lifetime: timedelta = api_settings.REFRESH_TOKEN_LIFETIME
        return lifetime

    @property
    def access_token(self) -> AccessToken:
        access = AccessToken()
        for claim, value in self.payload.items():
            if claim not in self.no_copy_claims:
                access[claim] = value
        return access


def token_identity(raw_token: str, *, token_types: Collection[str] = (AccessToken.token_type,)) -> TokenIdentity:
    """The TokenIdentity of a token of any accepted shape, verified; TokenError if refused.

    SimpleJWT-shaped tokens must be of one of `token_types`; Better Auth's are access tokens.
    """
    payload = token_backend().decode(raw_token)
    shape = token_shape(payload)
    if shape is TokenShape.SIMPLEJWT:
        _check_simplejwt_claims(payload, token_types)
        return _simplejwt_identity(payload)
    if shape is TokenShape.SESSION_COOKIE_CACHE:
        user = payload["user"]
        user_id = _user_id(user.get("id"))
        if payload["session"].get("userId") != user_id:
            raise TokenError(_("Token session does not belong to its user"))
        session = payload["session"]
        return _better_auth_identity(
            user_id, payload, user, session_id=session.get("id"), impersonated_by=session.get("impersonatedBy")
        )
    return _better_auth_identity(
        _user_id(payload.get("sub")),
        payload,
        payload,
        session_id=payload.get("sid"),
        impersonated_by=payload.get("impersonatedBy"),
    )


def _check_simplejwt_claims(payload: dict[str, Any], token_types: Collection[str]) -> None:
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) not in token_types:
        raise TokenError(_("Token has wrong type"))
    jti = payload.get(api_settings.JTI_CLAIM)
    if not isinstance(jti, str) or not JTI_PATTERN.fullmatch(jti):
        raise TokenError(_("Token has no id"))


def _simplejwt_identity(payload: dict[str, Any]) -> TokenIdentity:
    return TokenIdentity(
        user_id=_user_id(payload.get(api_settings.USER_ID_CLAIM)),
        issued_at=float(payload["iat"]),
        token_type=payload[api_settings.TOKEN_TYPE_CLAIM],
        jti=payload.get(api_settings.JTI_CLAIM),
    )


def _better_auth_identity(
    user_id: str, payload: dict[str, Any], user: dict[str, Any], *, session_id: object, impersonated_by: object
) -> TokenIdentity:
    email = user.get("email")
    name = user.get("name")
    role = user.get("role")
    return TokenIdentity(
        user_id=user_id,
        issued_at=float(payload["iat"]),
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
        profile_updated_at=parse_datetime_claim(user.get("updatedAt")),
        # Only a JSON `true` is a proof; "true", 1 or anything else is not.
        email_verified=user.get("emailVerified") is True,
        may_create_user=True,
        session_id=_session_id(session_id),
        banned=user.get("banned") is True,
        ban_expires=parse_datetime_claim(user.get("banExpires")),
        role=role if isinstance(role, str) else None,
        impersonated_by=_impersonator_id(impersonated_by),
    )


def _user_id(value: object) -> str:
    if not isinstance(value, str) or not USER_ID_PATTERN.fullmatch(value):
        raise TokenError(_("Token contained no recognizable user identification"))
    return value


def _session_id(value: object) -> str | None:
    """The session id, checked only when the token carries one: an unreadable one cannot be checked."""
    if value is None:
        return None
    if not isinstance(value, str) or not SESSION_ID_PATTERN.fullmatch(value):
        raise TokenError(_("Token session id is not recognizable"))
    return value


def _impersonator_id(value: object) -> str | None:
    """Who is acting as the person: refused when unreadable, since whatever they do is recorded under it."""
    if value is None:
        return None
    if not isinstance(value, str) or not USER_ID_PATTERN.fullmatch(value):
        raise TokenError(_("Token impersonator id is not recognizable"))
    return value


def parse_datetime_claim(value: object) -> datetime | None:
    """An aware datetime in UTC, or None for anything that is not one (the claim is only a hint)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else None
    except (ValueError, OverflowError):
        return None
