"""Every malformed, forged or out-of-date token gets 401 with SimpleJWT's code; none gets a 500."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from accounts.models import User

from .claims import ME_URL, b64url, better_auth_claims

NOW = int(time.time())


def unsigned(claims, alg="none"):
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


def hs256(claims, key=None, algorithm="HS256"):
    return jwt.encode(claims, key or settings.BETTER_AUTH_SECRET, algorithm=algorithm)


def hmac_with_public_key(claims, public_key_pem):
    """HS256 keyed with the server's public key: the classic algorithm-confusion forgery."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(public_key_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def with_raw_header(header_bytes):
    return f"{b64url(header_bytes)}.{b64url(json.dumps(better_auth_claims()).encode())}.c2ln"


def with_raw_payload(payload_bytes):
    return f"{hs256(better_auth_claims()).split('.')[0]}.{b64url(payload_bytes)}.c2ln"


def hs256_raw_payload(payload_bytes):
    """A correctly signed token around any payload bytes, so the parser behind the signature check is reached."""
    return jwt.api_jws.encode(payload_bytes, settings.BETTER_AUTH_SECRET, algorithm="HS256")


def reheader(token, header):
    """The same payload and signature under another header."""
    _, payload, signature = token.split(".")
    return f"{b64url(json.dumps(header).encode())}.{payload}.{signature}"


def simplejwt_claims(**overrides):
    return {"token_type": "access", "user_id": "nobody", "jti": "j1", "iat": NOW, "exp": NOW + 600, **overrides}


def cookie_cache_claims(session_user_id, user_id):
    return {
        "session": {"id": "s1", "userId": session_user_id},
        "user": {"id": user_id, "email": f"{user_id}@example.com"},
        "iat": NOW,
        "exp": NOW + 300,
    }


def bearer(token):
    return f"Bearer {token}"


# (case, Authorization header built from the JWKS server, expected code)
CASES = [
    ("alg none", lambda s: bearer(unsigned(better_auth_claims())), "token_not_valid"),
    ("alg None in other case", lambda s: bearer(unsigned(better_auth_claims(), alg="None")), "token_not_valid"),
    (
        "HS256 signed with the JWKS public key",
        lambda s: bearer(hmac_with_public_key(better_auth_claims(), s.public_key_bytes())),
        "token_not_valid",
    ),
    (
        "HS256 signed with a wrong secret",
        lambda s: bearer(hs256(better_auth_claims(), key="w" * 48)),
        "token_not_valid",
    ),
    (
        "HS512 with the right secret",
        lambda s: bearer(hs256(better_auth_claims(), algorithm="HS512")),
        "token_not_valid",
    ),
    ("truncated", lambda s: bearer(hs256(better_auth_claims())[:-12]), "token_not_valid"),
    ("extra segments", lambda s: bearer(hs256(better_auth_claims()) + ".e30"), "token_not_valid"),
    ("two segments", lambda s: bearer(hs256(better_auth_claims()).rsplit(".", 1)[0]), "token_not_valid"),
    ("bad base64", lambda s: bearer("@@@.###.$$$"), "token_not_valid"),
    ("non-JSON header", lambda s: bearer(with_raw_header(b"not json at all")), "token_not_valid"),
    ("non-JSON payload", lambda s: bearer(with_raw_payload(b"[1,2")), "token_not_valid"),
    ("oversized", lambda s: bearer(hs256(better_auth_claims(padding="x" * 20000))), "token_not_valid"),
    ("exp missing", lambda s: bearer(hs256(better_auth_claims(exp=...))), "token_not_valid"),
    ("exp past", lambda s: bearer(hs256(better_auth_claims(iat=NOW - 3600, exp=NOW - 600))), "token_not_valid"),
    ("exp not a number", lambda s: bearer(hs256(better_auth_claims(exp="tomorrow"))), "token_not_valid"),
    ("iat missing", lambda s: bearer(hs256(better_auth_claims(iat=...))), "token_not_valid"),
    (
        "iat in the future",
        lambda s: bearer(hs256(better_auth_claims(iat=NOW + 3600, exp=NOW + 7200))),
        "token_not_valid",
    ),
    ("nbf in the future", lambda s: bearer(hs256(better_auth_claims(nbf=NOW + 600))), "token_not_valid"),
    ("sub missing", lambda s: bearer(hs256(better_auth_claims(sub=...))), "token_not_valid"),
    ("sub empty", lambda s: bearer(hs256(better_auth_claims(sub=""))), "token_not_valid"),
    ("sub not a string", lambda s: bearer(hs256(better_auth_claims(sub=12345))), "token_not_valid"),
    ("sub a path", lambda s: bearer(hs256(better_auth_claims(sub="../admin"))), "token_not_valid"),
    ("sub too long", lambda s: bearer(hs256(better_auth_claims(sub="a" * 65))), "token_not_valid"),
    ("email missing on first sight", lambda s: bearer(hs256(better_auth_claims(email=...))), "token_not_valid"),
    (
        "email invalid on first sight",
        lambda s: bearer(hs256(better_auth_claims(email="not-an-email"))),
        "token_not_valid",
    ),
    (
        "refresh token used as access",
        lambda s: bearer(hs256(simplejwt_claims(token_type="refresh"))),
        "token_not_valid",
    ),
    ("SimpleJWT token for an unknown user", lambda s: bearer(hs256(simplejwt_claims())), "user_not_found"),
    (
        "cookie cache whose session is someone else's",
        lambda s: bearer(hs256(cookie_cache_claims("other", "u1"))),
        "token_not_valid",
    ),
    (
        "unknown kid",
        lambda s: bearer(reheader(s.sign(better_auth_claims()), {"alg": "EdDSA", "kid": "no-such-key"})),
        "token_not_valid",
    ),
    (
        "EdDSA without kid",
        lambda s: bearer(reheader(s.sign(better_auth_claims()), {"alg": "EdDSA"})),
        "token_not_valid",
    ),
    (
        "EdDSA signed by a stranger under a known kid",
        lambda s: bearer(s.sign(better_auth_claims(), private_key=Ed25519PrivateKey.generate())),
        "token_not_valid",
    ),
    (
        "RS256 header on an EdDSA key",
        lambda s: bearer(reheader(s.sign(better_auth_claims()), {"alg": "RS256", "kid": "key-1"})),
        "token_not_valid",
    ),
    ("header of 3000 nested arrays", lambda s: bearer(with_raw_header(b"[" * 3000)), "token_not_valid"),
    ("payload of 3000 nested arrays, signed", lambda s: bearer(hs256_raw_payload(b"[" * 3000)), "token_not_valid"),
    (
        "payload nested 3000 deep inside an object, signed",
        lambda s: bearer(hs256_raw_payload(b'{"a":' + b"[" * 3000)),
        "token_not_valid",
    ),
    ("alg a list", lambda s: bearer(reheader(hs256(better_auth_claims()), {"alg": ["HS256"]})), "token_not_valid"),
    (
        "alg an object",
        lambda s: bearer(reheader(hs256(better_auth_claims()), {"alg": {"HS256": True}})),
        "token_not_valid",
    ),
    (
        "alg a list with a JWKS configured",
        lambda s: bearer(reheader(s.sign(better_auth_claims()), {"alg": ["EdDSA"], "kid": "key-1"})),
        "token_not_valid",
    ),
    (
        "kid an object",
        lambda s: bearer(reheader(s.sign(better_auth_claims()), {"alg": "EdDSA", "kid": {"k": 1}})),
        "token_not_valid",
    ),
    ("iat a numeric string", lambda s: bearer(hs256(better_auth_claims(iat=str(NOW)))), "token_not_valid"),
    ("exp true", lambda s: bearer(hs256(better_auth_claims(exp=True))), "token_not_valid"),
    ("nbf a date string", lambda s: bearer(hs256(better_auth_claims(nbf="2026-01-01"))), "token_not_valid"),
    ("exp past the year 9999", lambda s: bearer(hs256(better_auth_claims(exp=10**13))), "token_not_valid"),
    (
        "exp Infinity",
        lambda s: bearer(hs256_raw_payload(json.dumps(better_auth_claims(exp=float("inf"))).encode())),
        "token_not_valid",
    ),
    (
        "iat NaN",
        lambda s: bearer(hs256_raw_payload(json.dumps(better_auth_claims(iat=float("nan"))).encode())),
        "token_not_valid",
    ),
    (
        "iss a number",
        lambda s: bearer(hs256_raw_payload(json.dumps(better_auth_claims(iss=42)).encode())),
        "token_not_valid",
    ),
    ("aud a list of numbers", lambda s: bearer(hs256(better_auth_claims(aud=[1, 2]))), "token_not_valid"),
    (
        "SimpleJWT jti too long for the denylist",
        lambda s: bearer(hs256(simplejwt_claims(jti="j" * 65))),
        "token_not_valid",
    ),
    (
        "sub with a trailing newline",
        lambda s: bearer(hs256(better_auth_claims(sub="Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe\n"))),
        "token_not_valid",
    ),
    (
        "email longer than the database holds",
        lambda s: bearer(hs256(better_auth_claims(email="a" * 64 + "@" + "b" * 243 + ".com"))),
        "token_not_valid",
    ),
    ("bearer in lower case", lambda s: f"bearer {hs256(better_auth_claims())}", "bad_authorization_header"),
    ("BEARER in upper case", lambda s: f"BEARER {hs256(better_auth_claims())}", "bad_authorization_header"),
    ("no scheme", lambda s: hs256(better_auth_claims()), "bad_authorization_header"),
    ("scheme without a token", lambda s: "Bearer", "bad_authorization_header"),
    ("three parts", lambda s: f"Bearer {hs256(better_auth_claims())} extra", "bad_authorization_header"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, header, code", CASES, ids=[case for case, _, _ in CASES])
def test_a_hostile_token_gets_401_with_the_right_code(api_client, jwks_server, case, header, code):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=header(jwks_server))

    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_token_in_the_query_string_is_ignored(api_client, sign_hs256):
    token = sign_hs256(better_auth_claims())

    for parameter in ("token", "access_token", "jwt", "auth"):
        response = api_client.get(f"{ME_URL}?{parameter}={token}")

        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_no_authorization_header_gets_401_not_authenticated(api_client):
    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_the_refusal_says_why_in_simplejwts_messages_shape(call_me, sign_hs256):
    response = call_me(sign_hs256(better_auth_claims(iat=NOW - 3600, exp=NOW - 600)))

    body = response.json()
    assert body["detail"] == "Token is expired"
    assert body["messages"] == [{"token_class": "AccessToken", "token_type": "access", "message": "Token is expired"}]


@pytest.mark.django_db
def test_a_bad_signature_is_named_as_such(call_me, sign_hs256):
    response = call_me(sign_hs256(better_auth_claims(), key="another-secret-of-enough-length-0123456789"))

    assert response.json()["detail"] == "Token signature is invalid"


@pytest.mark.django_db
def test_a_valid_token_passes_so_the_table_above_is_not_vacuous(call_me, sign_hs256, jwks_server):
    hs = call_me(sign_hs256(better_auth_claims()))
    ed = call_me(jwks_server.sign(better_auth_claims()))

    assert hs.status_code == 200 and ed.status_code == 200
    assert hs.json()["id"] == ed.json()["id"] == "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
