"""A token PyJWT would refuse only for its signature is refused without PyJWT, with PyJWT's answer."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from django.conf import settings as django_settings
from drf_better_auth import backends
from drf_better_auth.backends import TokenBackend
from drf_better_auth.exceptions import TokenBackendError
from hypothesis import given, settings
from hypothesis import strategies as st

SECRET = "a-shared-secret-long-enough-to-pass-0123456789"
OLD_SECRET = "an-earlier-secret-long-enough-to-pass-0123456789"
FORGER = "some-other-secret-nobody-here-holds-0123456789"


@pytest.fixture
def backend():
    return TokenBackend(signing_key=SECRET, previous_signing_keys=[OLD_SECRET], leeway=0, max_token_bytes=8192)


def segment(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def signed(secret, **headers):
    now = int(time.time())
    return jwt.encode({"sub": "someone", "iat": now, "exp": now + 60}, secret, algorithm="HS256", headers=headers)


def refusal(backend, token):
    with pytest.raises(TokenBackendError) as refused:
        backend.decode(token)
    return str(refused.value)


def answer(backend, token):
    try:
        return backend.decode(token)
    except TokenBackendError as error:
        return str(error)


def test_the_current_and_the_earlier_secret_both_verify(backend):
    assert backend.decode(signed(SECRET))["sub"] == "someone"
    assert backend.decode(signed(OLD_SECRET))["sub"] == "someone"


def test_a_token_signed_with_another_secret_is_refused_for_its_signature(backend):
    assert refusal(backend, signed(FORGER)) == "Token signature is invalid"


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
headers = st.fixed_dictionaries(
    {"alg": st.just("HS256")},
    optional={
        "typ": st.just("JWT"),
        "kid": st.one_of(st.text(max_size=5), st.integers()),
        "crit": st.lists(st.sampled_from(["b64", "exp"]), max_size=2),
        "b64": st.booleans(),
    },
)
claims = st.fixed_dictionaries({"sub": st.just("someone"), "iat": st.integers(0, 2**33), "exp": st.integers(0, 2**33)})
junk = st.text(alphabet=ALPHABET + "=!.", max_size=12)


@st.composite
def tokens(draw):
    header = segment(draw(headers))
    payload = draw(st.one_of(claims.map(segment), junk))
    signing_input = f"{header}.{payload}"
    signature = draw(
        st.one_of(
            st.sampled_from([SECRET, OLD_SECRET, FORGER]).map(lambda secret: signature_of(secret, signing_input)),
            junk,
        )
    )
    return f"{signing_input}.{signature}" + draw(st.sampled_from(["", "=", ".x"]))


def signature_of(secret, signing_input):
    digest = hmac.digest(secret.encode(), signing_input.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@settings(max_examples=400, deadline=None)
@given(token=tokens())
def test_every_token_gets_the_answer_pyjwt_alone_gives(token):
    backend = TokenBackend(signing_key=SECRET, previous_signing_keys=[OLD_SECRET], leeway=0, max_token_bytes=8192)
    shortcut = answer(backend, token)
    with pytest.MonkeyPatch.context() as patched:
        # Every token down the path that tries PyJWT with each key in turn.
        patched.setattr(backends, "_reaches_signature_check", lambda token, header: False)
        assert answer(backend, token) == shortcut


def re_encodes_to_itself(segment):
    """RFC 4648's canonical encoding, by its definition: decoded and encoded again, the segment is unchanged."""
    if len(segment) % 4 == 1 or any(character not in ALPHABET for character in segment):
        return False
    decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() == segment


def test_a_segment_is_canonical_exactly_when_it_re_encodes_to_itself_whatever_its_last_character():
    for size in range(7):
        encoded = base64.urlsafe_b64encode(bytes(range(1, size + 1))).rstrip(b"=").decode()
        for last in ALPHABET + "=.!":
            segment = encoded[:-1] + last
            token = f"{segment}.{segment}.{segment}"
            assert backends._is_canonical_compact_jws(token) == re_encodes_to_itself(segment), segment


segment_texts = st.one_of(
    st.text(alphabet=ALPHABET + "=", max_size=11),
    st.binary(max_size=8).map(lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()),
)


@settings(max_examples=500, deadline=None)
@given(segments=st.lists(segment_texts, min_size=1, max_size=4))
def test_a_token_is_canonical_base64url_exactly_when_it_has_three_segments_that_re_encode_to_themselves(segments):
    token = ".".join(segments)
    expected = len(segments) == 3 and all(re_encodes_to_itself(segment) for segment in segments)

    assert backends._is_canonical_compact_jws(token) == expected


def test_tokens_sharing_a_header_share_one_parse_that_none_of_them_can_change(backend):
    first, second = signed(FORGER), signed(SECRET)
    header = backends._unverified_header(first)

    assert backends._unverified_header(second) is header
    with pytest.raises(TypeError):
        header["alg"] = "none"
    assert backend.decode(second)["sub"] == "someone"


def test_the_project_backend_refuses_a_forged_bearer_token(api_client, db):
    token = signed(FORGER)
    assert django_settings.BETTER_AUTH_SECRET != FORGER

    response = api_client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"
