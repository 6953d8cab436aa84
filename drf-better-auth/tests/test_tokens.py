"""The token shapes and what a verified token says: SimpleJWT's, Better Auth's jwt plugin, its cookie cache."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from drf_better_auth.exceptions import TokenError
from drf_better_auth.tokens import (
    AccessToken,
    RefreshToken,
    Token,
    TokenShape,
    parse_datetime_claim,
    token_identity,
    token_shape,
)

from .conftest import USER_ID, better_auth_claims, sign


def cookie_cache_claims(user_id=USER_ID, session_user_id=USER_ID, session_id="session0001"):
    now = int(time.time())
    return {
        "session": {"id": session_id, "userId": session_user_id},
        "user": {"id": user_id, "email": "ada@example.com", "name": "Ada", "updatedAt": "2026-01-02T03:04:05.000Z"},
        "iat": now,
        "exp": now + 300,
    }


def refused(token, **kwargs):
    with pytest.raises(TokenError) as error:
        token_identity(token, **kwargs)
    return str(error.value)


def test_better_auth_s_jwt_plugin_token_speaks_for_its_subject():
    identity = token_identity(sign(better_auth_claims(sid="session0001")))

    assert (identity.user_id, identity.email, identity.name) == (USER_ID, "ada@example.com", "Ada")
    assert (identity.email_verified, identity.may_create_user, identity.session_id) == (True, True, "session0001")
    assert (identity.token_type, identity.jti) == ("access", None)


def test_the_cookie_cache_speaks_for_its_user_and_session():
    identity = token_identity(sign(cookie_cache_claims()))

    assert (identity.user_id, identity.session_id) == (USER_ID, "session0001")
    assert identity.profile_updated_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert identity.email_verified is False


@pytest.mark.parametrize(
    "claims, reason",
    [
        (cookie_cache_claims(session_user_id="someoneElse"), "Token session does not belong to its user"),
        (cookie_cache_claims(session_id="not a session id!"), "Token session id is not recognizable"),
        (better_auth_claims(sub="has spaces"), "Token contained no recognizable user identification"),
        (better_auth_claims(token_type="refresh", jti="j1"), "Token has wrong type"),
        (better_auth_claims(token_type="access"), "Token has no id"),
        (better_auth_claims(token_type="access", jti="x" * 65), "Token has no id"),
    ],
    ids=["session-of-another", "bad-session-id", "bad-user-id", "refresh", "simplejwt-without-jti", "long-jti"],
)
def test_shapes_that_do_not_hold_are_refused(claims, reason):
    assert refused(sign(claims)) == reason


@pytest.mark.django_db
def test_tokens_we_issue_are_simplejwt_s_and_name_the_user():
    user = User.objects.create(username=USER_ID, email="ada@example.com")
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token

    identity = token_identity(str(access))
    assert (identity.user_id, identity.token_type, identity.may_create_user) == (USER_ID, "access", False)
    assert access["email"] == "ada@example.com" and access.get("sub") == USER_ID
    assert access.jti != refresh.jti
    assert RefreshToken(str(refresh)).identity().token_type == "refresh"
    assert abs(refresh.expires_at - (datetime.now(tz=UTC) + timedelta(days=7))) < timedelta(seconds=5)
    assert refused(str(refresh)) == "Token has wrong type"
    assert token_identity(str(refresh), token_types=("refresh",)).jti == refresh.jti


def test_only_a_simplejwt_token_of_the_right_type_reads_as_one():
    with pytest.raises(TokenError, match="Token has wrong type"):
        RefreshToken(sign(better_auth_claims()))
    with pytest.raises(TokenError, match="Token has wrong type"):
        RefreshToken(str(AccessToken()))
    assert AccessToken(str(AccessToken()), verify=False).payload["token_type"] == "access"


def test_a_token_class_must_say_how_long_its_tokens_live():
    class Bare(Token):
        token_type = "bare"

    with pytest.raises(NotImplementedError):
        Bare()


def test_issuer_and_audience_are_required_when_configured(settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ISSUER": "https://auth.example", "AUDIENCE": ["api", "web"]}

    assert token_shape(better_auth_claims(iss="https://auth.example", aud="web")) is TokenShape.BETTER_AUTH_JWT
    with pytest.raises(TokenError, match="issuer"):
        token_shape(better_auth_claims(iss="https://other.example", aud="web"))
    with pytest.raises(TokenError, match="audience"):
        token_shape(better_auth_claims(iss="https://auth.example", aud=["mobile"]))
    with pytest.raises(TokenError, match="audience"):
        token_shape(better_auth_claims(iss="https://auth.example"))
    # Better Auth never gives its cookie cache an issuer or audience.
    assert token_shape(cookie_cache_claims()) is TokenShape.SESSION_COOKIE_CACHE


@pytest.mark.parametrize(
    "value, parsed",
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", None),
        ("yesterday", None),
        (1767322800, None),
    ],
)
def test_a_datetime_claim_is_only_a_hint(value, parsed):
    assert parse_datetime_claim(value) == parsed
