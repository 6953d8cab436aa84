"""Verification with the algorithm pinned per key: HS256 with the shared secrets, asymmetric only from the JWKS."""

import base64
import json
import time

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from drf_better_auth.backends import TokenBackend
from drf_better_auth.exceptions import TokenBackendError
from drf_better_auth.state import token_backend

from .conftest import better_auth_claims

NOT_ACCEPTED = "Token is signed with an algorithm this server does not accept"
SECRET = "a-shared-secret-long-enough-to-pass-0123456789"
OLD_SECRET = "an-earlier-secret-long-enough-to-pass-0123456789"
FORGER = "some-other-secret-nobody-here-holds-0123456789"


@pytest.fixture
def backend():
    return TokenBackend(signing_key=SECRET, previous_signing_keys=[OLD_SECRET], leeway=0, max_token_bytes=8192)


def raw_hs256(claims, key=SECRET):
    """Signs the claims as they are: PyJWT's encode refuses some of the claims these tests need."""
    return jwt.api_jws.encode(json.dumps(claims).encode(), key, algorithm="HS256")


def segment(value):
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def refusal(backend, token):
    with pytest.raises(TokenBackendError) as refused:
        backend.decode(token)
    return str(refused.value)


def test_the_current_and_an_earlier_secret_verify(backend):
    assert backend.decode(jwt.encode(better_auth_claims(), SECRET))["sub"] == better_auth_claims()["sub"]
    assert backend.decode(jwt.encode(better_auth_claims(), OLD_SECRET))["name"] == "Ada"


def test_tokens_we_sign_carry_the_audience_and_issuer():
    backend = TokenBackend(signing_key=SECRET, audience="api", issuer="us", leeway=0, max_token_bytes=8192)

    claims = backend.decode(backend.encode({"sub": "x", "iat": time.time(), "exp": time.time() + 60}))

    assert (claims["aud"], claims["iss"]) == ("api", "us")


def test_without_a_signing_key_nothing_is_signed_and_hs256_verifies_nothing():
    backend = TokenBackend(signing_key=None, leeway=0, max_token_bytes=8192)

    with pytest.raises(ImproperlyConfigured):
        backend.encode({"sub": "x"})
    assert refusal(backend, jwt.encode(better_auth_claims(), SECRET)) == "Token signature is invalid"


@pytest.mark.parametrize(
    "token, reason",
    [
        (jwt.encode(better_auth_claims(), FORGER), "Token signature is invalid"),
        (jwt.encode(better_auth_claims(exp=int(time.time()) - 60), SECRET), "Token is expired"),
        (jwt.encode(better_auth_claims(nbf=int(time.time()) + 600), SECRET), "Token is not yet valid"),
        (jwt.encode({"sub": "x", "iat": int(time.time())}, SECRET), "Token has no 'exp' claim"),
        (jwt.encode(better_auth_claims(), SECRET, algorithm="HS512"), NOT_ACCEPTED),
        (jwt.encode(better_auth_claims(), None, algorithm="none"), NOT_ACCEPTED),
        ("not-a-token", "Token is malformed"),
        (segment([1, 2]) + ".e30.sig", "Token is malformed"),
        ("x" * 9000, "Token is too large"),
        (raw_hs256(better_auth_claims(iat="soon")), "Token has invalid claims"),
        (raw_hs256(better_auth_claims(iat=True)), "Token claim 'iat' is not a NumericDate"),
        (raw_hs256(better_auth_claims(iss=12)), "Token claim 'iss' is not a string"),
        (raw_hs256(better_auth_claims(aud=[1])), "Token claim 'aud' is not a string or a list of strings"),
    ],
    ids=[
        "forged", "expired", "immature", "no-exp", "hs512", "alg-none", "not-a-jwt", "header-not-object",
        "too-large", "iat-not-number", "iat-bool", "iss-int", "aud-ints",
    ],
)  # fmt: skip
def test_refusals_name_their_reason(backend, token, reason):
    assert refusal(backend, token) == reason


@pytest.mark.parametrize(
    "header",
    [{"alg": "HS256", "crit": ["b64"], "b64": False}, {"alg": "HS256", "kid": 5}],
    ids=["crit", "kid-not-a-string"],
)
def test_tokens_pyjwt_checks_before_the_signature_get_pyjwt_s_own_answer(backend, header):
    """Only a token PyJWT would refuse for its signature alone takes the one-HMAC-per-key shortcut."""
    token = f"{segment(header)}.{segment(better_auth_claims())}.{segment(b'not-the-signature')}"

    with pytest.raises(TokenBackendError):
        backend.decode(token)


def test_a_non_canonical_segment_is_left_to_pyjwt(backend):
    header, payload, signature = jwt.encode(better_auth_claims(), SECRET).split(".")

    assert backend.decode(f"{header}.{payload}.{signature}")["name"] == "Ada"
    assert refusal(backend, f"{header}.{payload}.{signature}A") in ("Token signature is invalid", "Token is malformed")
    assert refusal(backend, f"{header}.{payload}") == "Token is malformed"


def test_jwks_tokens_are_verified_with_their_key_and_its_own_algorithm(jwks_server):
    backend = token_backend()

    assert backend.decode(jwks_server.sign(better_auth_claims()))["sub"] == better_auth_claims()["sub"]


def test_jwks_refusals(jwks_server):
    backend = token_backend()
    other = jwks_server.sign(better_auth_claims())
    header, payload, signature = other.split(".")
    no_kid = jwt.encode(better_auth_claims(), jwks_server.private_keys["key-1"], algorithm="EdDSA")
    wrong_alg = segment({"alg": "ES256", "kid": "key-1"}) + f".{payload}.{signature}"
    forged = jwt.encode(better_auth_claims(), _other_ed25519_key(), algorithm="EdDSA", headers={"kid": "key-1"})

    assert refusal(backend, no_kid) == "Token has no key id"
    unknown = jwt.encode(
        better_auth_claims(), jwks_server.private_keys["key-1"], algorithm="EdDSA", headers={"kid": "unknown"}
    )
    assert refusal(backend, unknown) == "Token is signed with an unknown key"
    assert refusal(backend, wrong_alg) == "Token algorithm does not match its key"
    assert refusal(backend, forged) == "Token signature is invalid"


def _other_ed25519_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()
