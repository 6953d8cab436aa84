"""Better Auth's admin plugin in a token: `banned`/`banExpires` refuse it (403); `impersonatedBy`, `role` are read."""

import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from drf_better_auth.exceptions import TokenError, UserBanned
from drf_better_auth.tokens import token_identity
from drf_better_auth.users import token_ensure_not_banned

from .conftest import USER_ID, better_auth_claims, sign

ADMIN_ID = "AdminAdminAdminAdminAdminAdmin01"


def iso(seconds_from_now):
    return datetime.fromtimestamp(time.time() + seconds_from_now, tz=UTC).isoformat().replace("+00:00", "Z")


def test_the_jwt_plugin_s_user_fields_and_impersonator_are_read():
    identity = token_identity(
        sign(better_auth_claims(banned=True, banExpires=iso(60), role="admin,user", impersonatedBy=ADMIN_ID))
    )

    assert (identity.banned, identity.role, identity.impersonated_by) == (True, "admin,user", ADMIN_ID)
    assert identity.ban_expires is not None and identity.ban_expires.tzinfo is not None


def test_the_cookie_cache_s_impersonator_is_its_session_s():
    now = int(time.time())
    claims = {
        "session": {"id": "session0001", "userId": USER_ID, "impersonatedBy": ADMIN_ID},
        "user": {"id": USER_ID, "email": "ada@example.com", "banned": False, "role": "user"},
        "iat": now,
        "exp": now + 300,
    }

    identity = token_identity(sign(claims))

    assert (identity.impersonated_by, identity.banned, identity.role) == (ADMIN_ID, False, "user")


@pytest.mark.parametrize("banned", ["true", 1, None])
def test_only_a_json_true_is_a_ban_and_a_role_is_a_string(banned):
    identity = token_identity(sign(better_auth_claims(banned=banned, role=["admin"])))

    assert (identity.banned, identity.role, identity.impersonated_by) == (False, None, None)


@pytest.mark.parametrize("impersonator", ["has spaces", 42, "", "x" * 65])
def test_an_unreadable_impersonator_refuses_the_token(impersonator):
    with pytest.raises(TokenError, match="Token impersonator id is not recognizable"):
        token_identity(sign(better_auth_claims(impersonatedBy=impersonator)))


@pytest.mark.parametrize(
    "claims, refused",
    [
        ({"banned": True}, True),
        ({"banned": True, "banExpires": None}, True),
        ({"banned": True, "banExpires": iso(3600)}, True),
        ({"banned": True, "banExpires": iso(-60)}, False),
        ({"banned": False, "banExpires": iso(3600)}, False),
    ],
)
def test_a_ban_holds_until_it_expires(claims, refused):
    identity = token_identity(sign(better_auth_claims(**claims)))

    if refused:
        with pytest.raises(UserBanned):
            token_ensure_not_banned(identity=identity)
    else:
        token_ensure_not_banned(identity=identity)


@pytest.mark.django_db
def test_a_banned_token_answers_403_with_its_code_not_a_401_challenge(api_client):
    response = api_client.get("/plain-me/", HTTP_AUTHORIZATION=f"Bearer {sign(better_auth_claims(banned=True))}")

    assert response.status_code == 403
    assert response.json() == {"detail": "This account is banned.", "code": "user_banned"}
    assert User.objects.filter(username=USER_ID).exists()


@pytest.mark.django_db
def test_an_expired_ban_in_the_token_lets_it_through(api_client):
    token = sign(better_auth_claims(banned=True, banExpires=iso(-1)))

    assert api_client.get("/plain-me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
