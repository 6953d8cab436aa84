"""Whatever arrives as an API key, the answer is a 401 or a 403 with a JSON code: never a 5xx.

Property-based: hypothesis sends values that start with the key prefix
(random text, near misses of a real key's shape, a real key with one
character changed) to an endpoint that takes keys and to one that does not.
"""

import string

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts import services

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PREFIX = "tdk_"

hex_text = st.text(alphabet="0123456789abcdef", max_size=80)
near_misses = st.builds(
    lambda public, sep, secret: f"{PREFIX}{public}{sep}{secret}",
    st.text(alphabet=string.hexdigits, min_size=6, max_size=10),
    st.sampled_from(["_", "-", "", "__", ".", "\u00a0"]),
    hex_text,
)
anything_after_the_prefix = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=120).map(
    lambda rest: PREFIX + rest
)


@pytest.fixture
def real_key(db):
    _key, new = services.api_key_create(
        user=UserFactory(), name="fuzz", scopes=["tasks:read", "tasks:write"], expires_at=None
    )
    return new.key


def answer(path, authorization):
    response = APIClient().get(path, HTTP_AUTHORIZATION=authorization)
    return response.status_code, response.json()


@FUZZ
@given(key=near_misses | anything_after_the_prefix)
@pytest.mark.parametrize(("path", "status"), [("/api/tasks/", 401), ("/api/auth/me/", 403)])
def test_a_key_like_value_is_refused_with_a_json_code(db, key, path, status):
    got, body = answer(path, f"Bearer {key}")

    if body["code"] == "bad_authorization_header":
        # Whitespace inside (any of Unicode's): the header is no `Bearer <one value>`.
        assert got == 401
        assert len(f"Bearer {key}".split()) != 2
    else:
        assert (got, body["code"]) == (status, "api_key_not_valid" if status == 401 else "api_key_not_accepted")


@FUZZ
@given(position=st.integers(min_value=len(PREFIX), max_value=76), character=st.sampled_from("0123456789abcdefG_-"))
def test_a_real_key_with_one_character_changed_is_refused(real_key, position, character):
    changed = real_key[:position] + character + real_key[position + 1 :]

    got, body = answer("/api/tasks/", f"Bearer {changed}")

    assert got == (200 if changed == real_key else 401)
