"""API keys: told apart from JWTs by their prefix, refused where a view names no scopes, scoped where it does."""

import hashlib
import logging
import re

import pytest
from django.contrib.auth.models import User
from drf_better_auth import api_keys
from drf_better_auth.api_keys import ApiKeyScopes, api_key_digest, api_key_generate, is_api_key
from drf_better_auth.exceptions import ApiKeyInvalid
from drf_better_auth.users import api_key_user

from tests.testapp import keys

from .conftest import USER_ID, better_auth_claims, sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_keys():
    keys.STORED.clear()


@pytest.fixture
def ada():
    return User.objects.create(username=USER_ID)


def stored_key(ada, *scopes):
    new = api_key_generate()
    keys.STORED[new.digest] = (ada.username, scopes)
    return new.key


def call(api_client, key, path="/notes-by-key/", method="get"):
    return getattr(api_client, method)(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_new_key_has_the_prefix_a_public_id_and_256_random_bits_and_is_kept_as_its_sha256():
    new = api_key_generate()

    assert re.fullmatch(r"dba_[0-9a-f]{8}_[0-9a-f]{64}", new.key)
    assert new.public_prefix == new.key[:12]
    assert new.digest == hashlib.sha256(new.key.encode()).hexdigest() == api_key_digest(new.key)
    assert api_key_generate().key != new.key


def test_a_key_with_the_read_scope_reads_and_does_not_write(api_client, ada):
    key = stored_key(ada, "notes:read")

    response = call(api_client, key)
    assert (response.status_code, response.json()) == (200, {"id": USER_ID, "scopes": ["notes:read"]})

    response = call(api_client, key, method="post")
    assert response.status_code == 403
    assert response.json() == {"detail": "The API key lacks the scope this request needs: notes:write."}


def test_a_key_with_the_write_scope_writes(api_client, ada):
    assert call(api_client, stored_key(ada, "notes:write"), method="post").status_code == 201


@pytest.mark.parametrize("path", ["/me/", "/plain-me/", "/notes/"])
def test_a_view_naming_no_scopes_refuses_every_key_without_looking_it_up(api_client, ada, path):
    key = stored_key(ada, "notes:read", "notes:write")
    keys.STORED.clear()  # a lookup would answer 401: the 403 proves there was none

    response = call(api_client, key, path)

    assert response.status_code == 403
    assert response.json() == {"detail": "API keys are not accepted here; sign in as a person."}


@pytest.mark.parametrize(
    "key",
    [
        "dba_",
        "dba_1234abcd_" + "0" * 63,
        "dba_1234abcd_" + "0" * 65,
        "dba_1234ABCD_" + "0" * 64,
        "dba_1234abcd-" + "0" * 64,
        "dba_1234abcd_" + "0" * 63 + "\u0660",
    ],
)
def test_a_key_of_the_wrong_shape_is_refused_without_a_lookup(api_client, ada, key, monkeypatch):
    monkeypatch.setattr(keys, "STORED", None)  # any lookup would fail with a TypeError

    response = call(api_client, key)

    assert (response.status_code, response.json()["code"]) == (401, "api_key_not_valid")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unknown_key_is_refused_and_logged_by_code_without_the_key(api_client, ada, caplog):
    key = api_key_generate().key

    with caplog.at_level(logging.INFO, logger="drf_better_auth"):
        response = call(api_client, key)

    assert response.json() == {"detail": "API key is invalid, expired or revoked", "code": "api_key_not_valid"}
    assert [record.code for record in caplog.records if record.name.startswith("drf_better_auth")] == [
        "api_key_not_valid"
    ]
    assert key not in caplog.text


def test_the_early_refusal_leaves_keys_to_the_authentication(api_client, ada):
    # /notes-by-key/ opts in to the early refusal: a key decoded as a JWT would be refused there.
    assert call(api_client, stored_key(ada, "notes:read")).status_code == 200


def test_a_jwt_still_reaches_a_view_that_takes_keys(api_client):
    response = call(api_client, sign(better_auth_claims()))

    assert response.json() == {"id": USER_ID, "scopes": []}


def test_with_no_prefix_keys_are_off_and_a_key_is_just_a_bad_token(api_client, ada, settings):
    key = stored_key(ada, "notes:read")
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "API_KEY_PREFIX": None}

    assert not is_api_key(key)
    response = call(api_client, key)
    assert (response.status_code, response.json()["code"]) == (401, "token_not_valid")
    with pytest.raises(ValueError, match="API keys are off"):
        api_key_generate()


def test_the_default_rule_knows_no_key():
    with pytest.raises(ApiKeyInvalid):
        api_key_user(digest=api_key_digest(api_key_generate().key))


def test_scopes_read_for_safe_methods_and_write_for_the_rest():
    scopes = ApiKeyScopes(read="r", write="w")

    assert [scopes.required(method) for method in ("GET", "HEAD", "OPTIONS")] == ["r", "r", "r"]
    assert [scopes.required(method) for method in ("POST", "PUT", "PATCH", "DELETE")] == ["w"] * 4
    assert api_keys.SAFE_METHODS == {"GET", "HEAD", "OPTIONS"}
