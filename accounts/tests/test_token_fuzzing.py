"""Whatever arrives as a token, the answer is 200 or a 401 with SimpleJWT's body: never a 5xx, never a traceback.

Property-based: hypothesis generates Authorization headers, JOSE headers,
payloads and claim values, and signs the JSON ones with the real secret, so
the parsers behind the signature check are reached too. Runs on both
databases; on PostgreSQL it also proves every claim the database cannot hold
is refused or cleaned before it is written.
"""

import hashlib
import hmac
import json
import logging

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .claims import ME_URL, b64url, better_auth_claims

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
# Claim names our parsers read, so generated payloads reach them instead of only random keys.
CLAIMS = [
    "sub",
    "id",
    "email",
    "name",
    "iat",
    "exp",
    "nbf",
    "iss",
    "aud",
    "jti",
    "token_type",
    "user_id",
    "updatedAt",
    "session",
    "user",
    "emailVerified",
]
long_text = st.text(min_size=200, max_size=400)
claim_values = json_values | long_text | st.sampled_from(["access", "refresh", "HS256", "\x00", "a@b.co"])
payloads = st.dictionaries(st.sampled_from(CLAIMS), claim_values, max_size=10) | st.builds(
    lambda overrides: {**better_auth_claims(), **overrides},
    st.dictionaries(st.sampled_from(CLAIMS), claim_values, max_size=3),
)
# What a WSGI server can hand us in a header: latin-1 text.
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300)


def signed(payload_bytes, header=None):
    """An HS256 signature with the real secret over any header and payload; no library vets them first."""
    header_bytes = json.dumps({"alg": "HS256", "typ": "JWT"} if header is None else header).encode()
    signing_input = f"{b64url(header_bytes)}.{b64url(payload_bytes)}"
    signature = hmac.new(settings.BETTER_AUTH_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def assert_clean_answer(response):
    assert response.status_code in (200, 401), response.content
    if response.status_code == 401:
        body = response.json()
        assert body["code"] in {
            "token_not_valid",
            "bad_authorization_header",
            "not_authenticated",
            "user_not_found",
            "user_inactive",
            "user_conflict",
        }
        assert body["detail"]


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.INFO)
    yield
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


@FUZZ
@given(header=header_text)
def test_any_authorization_header_gets_a_clean_answer(api_client, no_tracebacks, header):
    assert_clean_answer(api_client.get(ME_URL, HTTP_AUTHORIZATION=header))


@FUZZ
@given(scheme=st.sampled_from(["Bearer ", "Bearer  ", ""]), segments=st.lists(header_text, min_size=1, max_size=5))
def test_any_dotted_token_gets_a_clean_answer(api_client, no_tracebacks, scheme, segments):
    assert_clean_answer(api_client.get(ME_URL, HTTP_AUTHORIZATION=scheme + ".".join(segments)))


@FUZZ
@given(
    header=st.dictionaries(
        st.sampled_from(["alg", "kid", "typ", "crit", "b64", "jku"]) | st.text(max_size=5), json_values, max_size=5
    )
)
def test_any_jose_header_gets_a_clean_answer(api_client, no_tracebacks, header):
    token = signed(json.dumps(better_auth_claims()).encode(), header={"alg": "HS256", **header})

    assert_clean_answer(api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}"))


@FUZZ
@given(payload=payloads)
def test_any_signed_payload_gets_a_clean_answer(api_client, no_tracebacks, payload):
    token = signed(json.dumps(payload).encode())

    assert_clean_answer(api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}"))


@FUZZ
@given(
    payload=payloads, endpoint=st.sampled_from(["/api/token/refresh/", "/api/token/verify/", "/api/token/blacklist/"])
)
def test_any_signed_payload_posted_to_a_token_endpoint_gets_a_clean_answer(
    api_client, no_tracebacks, settings, payload, endpoint
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": None}}
    token = signed(json.dumps(payload).encode())
    field = "token" if endpoint.endswith("verify/") else "refresh"

    response = api_client.post(endpoint, {field: token}, format="json")

    assert response.status_code in (200, 401), response.content


@FUZZ
@given(
    depth=st.integers(min_value=1, max_value=3000),
    opener=st.sampled_from(["[", '{"a":', '[{"a":']),
    where=st.sampled_from(["header", "payload"]),
)
def test_any_nesting_depth_gets_a_clean_answer(api_client, no_tracebacks, depth, opener, where):
    nested = (opener * depth).encode()
    token = (
        signed(nested)
        if where == "payload"
        else f"{b64url(nested)}.{b64url(json.dumps(better_auth_claims()).encode())}.c2ln"
    )

    assert_clean_answer(api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}"))
