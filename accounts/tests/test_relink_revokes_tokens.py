"""Every relink revokes the account's tokens: none minted before it works after it, under either id, nor after an
undo.
"""

import time

import pytest
from django.core.management import call_command
from drf_better_auth.tokens import AccessToken, RefreshToken

from accounts.models import User

from .claims import better_auth_claims
from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIRST_ID = "FirstBetterAuthId0123456789abcde"
NEW_ID = "NewBetterAuthId0123456789abcdefg"


@pytest.fixture
def ada():
    # Verified: an unverified holder would simply release the address to the new id (the ownership rule).
    return UserFactory(pk=FIRST_ID, email="ada@example.com", email_verified=True)


def tokens_of(user, sign_hs256, **better_auth):
    """What a person holds under the account's id now: Better Auth's token and ours."""
    return {
        "better auth": sign_hs256(better_auth_claims(user_id=user.pk, **better_auth)),
        "access": str(AccessToken.for_user(user)),
        "refresh": str(RefreshToken.for_user(user)),
    }


def lists_tasks(api_client, token):
    return api_client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def assert_all_refused(api_client, tokens):
    for kind, token in tokens.items():
        if "refresh" in kind:
            refreshed = api_client.post("/api/token/refresh/", {"refresh": token}, format="json")
            assert refreshed.status_code == 401, kind
        else:
            assert not lists_tasks(api_client, token), kind
            verified = api_client.post("/api/token/verify/", {"token": token}, format="json")
            assert verified.status_code == 401, kind


def test_no_token_minted_before_a_relink_works_after_it_under_either_id(ada, sign_hs256, api_client):
    before = {
        **{f"first id {kind}": token for kind, token in tokens_of(ada, sign_hs256).items()},
        # Refused with user_conflict until the relink; a mistaken relink must not wake it either.
        "new id better auth": sign_hs256(better_auth_claims(user_id=NEW_ID)),
    }

    call_command("relink_user", FIRST_ID, NEW_ID, "--yes")

    assert_all_refused(api_client, before)
    # Better Auth's `iat` is whole seconds: its next token is minted a second later.
    assert lists_tasks(api_client, sign_hs256(better_auth_claims(user_id=NEW_ID, iat=int(time.time()) + 1)))


def test_after_an_undo_no_token_minted_before_it_works_under_either_id(superuser_session, ada, sign_hs256, api_client):
    first_id_tokens = tokens_of(ada, sign_hs256)
    assert superuser_session.relink(FIRST_ID, NEW_ID).status_code == 302
    new_id_tokens = tokens_of(User.objects.get(pk=NEW_ID), sign_hs256, iat=int(time.time()) + 1)
    assert all(lists_tasks(api_client, new_id_tokens[kind]) for kind in ("better auth", "access"))

    undone = superuser_session.relink(NEW_ID, FIRST_ID)

    assert undone.status_code == 302
    assert_all_refused(api_client, first_id_tokens)
    assert_all_refused(api_client, new_id_tokens)
