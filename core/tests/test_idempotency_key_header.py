"""The Idempotency-Key header's syntax, and what makes two requests the same (core.idempotency)."""

import string

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from core.exceptions import IdempotencyKeyInvalid
from core.idempotency import idempotency_key_parse, request_fingerprint

KEY_CHARACTERS = "".join(c for c in string.printable if 0x21 <= ord(c) <= 0x7E and c not in '"\\')


@given(st.text(alphabet=KEY_CHARACTERS, min_size=1, max_size=255))
def test_a_key_of_visible_ascii_is_read_bare_or_quoted_as_itself(key):
    assert idempotency_key_parse(key) == idempotency_key_parse(f'"{key}"') == key


@given(st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300))
def test_any_value_is_read_as_a_key_of_visible_ascii_or_refused(value):
    try:
        key = idempotency_key_parse(value)
    except IdempotencyKeyInvalid:
        return
    assert 1 <= len(key) <= 255 and set(key) <= set(KEY_CHARACTERS)
    assert value in (key, f'"{key}"')


@pytest.mark.parametrize("value", ["", '"', '""', "a b", "k" * 256, "é", '"a', 'a"'])
def test_malformed_keys_are_refused(value):
    with pytest.raises(IdempotencyKeyInvalid):
        idempotency_key_parse(value)


def test_the_fingerprint_tells_method_path_query_and_body_apart():
    factory = RequestFactory()
    base = factory.post("/api/tasks/", b'{"title": "a"}', content_type="application/json")
    others = [
        factory.patch("/api/tasks/", b'{"title": "a"}', content_type="application/json"),
        factory.post("/api/tasks/?x=1", b'{"title": "a"}', content_type="application/json"),
        factory.post("/api/tasks/bulk/", b'{"title": "a"}', content_type="application/json"),
        factory.post("/api/tasks/", b'{"title": "b"}', content_type="application/json"),
    ]
    same = factory.post("/api/tasks/", b'{"title": "a"}', content_type="application/json")

    assert request_fingerprint(same) == request_fingerprint(base)
    assert len({request_fingerprint(request) for request in [base, *others]}) == 5
