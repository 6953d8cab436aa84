"""Whatever the query string, the list answers 200 or a 4xx with the JSON error body: never a 5xx.

Property-based: hypothesis builds query strings from the parameters the list
reads (and others), with values near the valid ones and arbitrary text,
percent-encoded or raw (invalid UTF-8 included), in both URL shapes.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .factories import TaskFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PARAMETERS = [
    "page",
    "page_size",
    "completed",
    "priority",
    "due_before",
    "due_after",
    "search",
    "ordering",
    "format",
    "tz",
]
NEAR_VALID = [
    "",
    "1",
    "0",
    "-1",
    "2",
    "100",
    "101",
    "true",
    "false",
    "True",
    "maybe",
    "low",
    "high",
    "urgent",
    "2030-01-01",
    "2030-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "title",
    "-priority",
    "due_date,title",
    "bogus",
    "json",
    "api",
    "\x00",
    "%00",
    "9" * 400,
]
keys = st.sampled_from(PARAMETERS) | st.text(max_size=12)
values = st.sampled_from(NEAR_VALID) | st.text(max_size=60) | st.integers().map(str)
# Bytes that are not UTF-8, as a client may send them percent-encoded.
raw_bytes = st.binary(max_size=8).map(lambda data: "".join(f"%{byte:02X}" for byte in data))


def encoded(text):
    return quote(text, safe="")


pairs = st.lists(st.tuples(keys.map(encoded), values.map(encoded) | raw_bytes), max_size=6)
query_strings = pairs.map(lambda items: "&".join(f"{key}={value}" for key, value in items)) | st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"), max_size=80
)


@pytest.fixture
def seeded(owner):
    TaskFactory.create_batch(3, owner=owner)
    TaskFactory(owner=owner, completed=True)


@FUZZ
@given(query_string=query_strings, user_shape=st.booleans())
def test_any_query_string_on_the_list_answers_200_or_a_json_4xx(owner_client, owner, seeded, query_string, user_shape):
    path = f"/api/{owner.pk}/tasks/" if user_shape else "/api/tasks/"

    response = owner_client.get(f"{path}?{query_string}")

    assert response.status_code < 500, (query_string, response.content[:500])
    if response.status_code != 200:
        assert 400 <= response.status_code < 500
        assert isinstance(response.json()["code"], str), (query_string, response.content[:500])
