"""Signing and verification, with the algorithm pinned per key.

HS256 tokens are verified only with the shared secret and the secrets listed
for a rotation; asymmetric tokens only with Better Auth's JWKS key named by
their `kid`, with that key's own algorithm. The token's header never chooses
the key type, so an HS256 token is never checked against a public key and
`alg: none` never passes.

Decoding only verifies: the signature, `exp`/`nbf`/`iat`, and that the
registered claims have the JSON types RFC 7519 gives them. What the payload
means (its shape, `iss`, `aud`, the user) is read in `tokens.py`.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jwt
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .exceptions import TokenBackendError
from .jwks import JWKSClient, UnknownSigningKey

if TYPE_CHECKING:
    from jwt.types import Options

HMAC_ALGORITHM = "HS256"
# Three base64url segments, as PyJWT accepts them without padding.
BASE64URL_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
# RFC 4648 3.5: in the canonical encoding, the bits of a segment's last character that encode no
# data are zero, so decoding and re-encoding gives the segment back. By the segment's length mod 4:
# after one byte's two characters, A, Q, g or w; after two bytes' three, a multiple of 4.
CANONICAL_LAST_CHARACTERS = {2: frozenset("AQgw"), 3: frozenset("AEIMQUYcgkosw048")}
# The distinct JOSE headers parsed and kept per process: a deployment's tokens carry a handful.
HEADER_CACHE_SIZE = 64
# Header parameters PyJWT checks before the signature (RFC 7515 `crit`, RFC 7797 `b64`).
HEADERS_CHECKED_BEFORE_SIGNATURE = frozenset({"crit", "b64"})
# The last second `datetime` can represent: a NumericDate beyond it names no real moment.
LATEST_NUMERIC_DATE = 253402300799
NUMERIC_DATE_CLAIMS = ("exp", "nbf", "iat")
STRING_CLAIMS = ("iss", "sub", "jti")


class TokenBackend:
    def __init__(
        self,
        *,
        signing_key: str | None,
        previous_signing_keys: Iterable[str] = (),
        audience: str | list[str] | None = None,
        issuer: str | None = None,
        leeway: float | timedelta,
        max_token_bytes: int,
        jwks: JWKSClient | None = None,
    ) -> None:
        self.signing_key = signing_key
        secrets = [signing_key] if signing_key else []
        # Prepared once: PyJWT otherwise re-inspects a raw secret on every decode.
        self.verifying_keys = [(secret.encode(), _hmac_key(secret)) for secret in (*secrets, *previous_signing_keys)]
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
        self.max_token_bytes = max_token_bytes
        self.jwks = jwks
        self._options: Options = {"require": ["exp", "iat"], "verify_aud": False, "verify_iss": False}

    @classmethod
    def from_settings(cls, settings: Any) -> "TokenBackend":
        jwks = (
            JWKSClient(
                settings.JWKS_URL,
                algorithms=settings.JWKS_ALGORITHMS,
                cache_lifetime=settings.JWKS_CACHE_LIFETIME.total_seconds(),
                refetch_interval=settings.JWKS_REFETCH_INTERVAL.total_seconds(),
                timeout=settings.JWKS_TIMEOUT.total_seconds(),
            )
            if settings.JWKS_URL
            else None
        )
        return cls(
            signing_key=settings.SIGNING_KEY,
            previous_signing_keys=settings.PREVIOUS_SIGNING_KEYS,
            audience=settings.AUDIENCE,
            issuer=settings.ISSUER,
            leeway=settings.LEEWAY,
            max_token_bytes=settings.MAX_TOKEN_BYTES,
            jwks=jwks,
        )

    def encode(self, payload: dict[str, Any]) -> str:
        if not self.signing_key:
            raise ImproperlyConfigured("No SIGNING_KEY (or BETTER_AUTH_SECRET) to sign tokens with.")
        claims = dict(payload)
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        return jwt.encode(claims, self.signing_key, algorithm=HMAC_ALGORITHM)

    def decode(self, token: str) -> dict[str, Any]:
        """The verified payload of `token`, or TokenBackendError saying why not."""
        if len(token) > self.max_token_bytes:
            raise TokenBackendError(_("Token is too large"))
        header = _unverified_header(token)
        algorithm = header.get("alg")
        if algorithm == HMAC_ALGORITHM:
            payload = self._decode_hmac(token, header)
        elif (jwks := self.jwks) is not None and isinstance(algorithm, str) and algorithm in jwks.algorithms:
            payload = self._decode_jwks(token, header, jwks)
        else:
            raise TokenBackendError(_("Token is signed with an algorithm this server does not accept"))
        _check_registered_claim_types(payload)
        return payload

    def _decode_hmac(self, token: str, header: Mapping[str, Any]) -> dict[str, Any]:
        if _reaches_signature_check(token, header):
            # PyJWT would fail on nothing before the signature: find the key
            # that signed it (or none) with one HMAC per key, then let PyJWT
            # verify everything with that key alone. A forged token costs
            # microseconds instead of a full decode per key.
            signing_input, _dot, signature = token.rpartition(".")
            for secret, key in self.verifying_keys:
                if _hmac_matches(secret, signing_input, signature):
                    return self._verify(token, key, HMAC_ALGORITHM)
            raise TokenBackendError(_("Token signature is invalid"))
        for _secret, key in self.verifying_keys:
            try:
                return self._verify(token, key, HMAC_ALGORITHM)
            except jwt.InvalidSignatureError:
                continue
        raise TokenBackendError(_("Token signature is invalid"))

    def _decode_jwks(self, token: str, header: Mapping[str, Any], jwks: JWKSClient) -> dict[str, Any]:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenBackendError(_("Token has no key id"))
        try:
            key = jwks.key_for(kid)
        except UnknownSigningKey:
            raise TokenBackendError(_("Token is signed with an unknown key")) from None
        if header["alg"] != key.algorithm_name:
            raise TokenBackendError(_("Token algorithm does not match its key"))
        try:
            return self._verify(token, key, key.algorithm_name)
        except jwt.InvalidSignatureError:
            raise TokenBackendError(_("Token signature is invalid")) from None

    def _verify(self, token: str, key: jwt.PyJWK, algorithm: str) -> dict[str, Any]:
        try:
            return jwt.decode(token, key, algorithms=[algorithm], leeway=self.leeway, options=self._options)
        except jwt.InvalidSignatureError:
            raise
        except jwt.ExpiredSignatureError:
            raise TokenBackendError(_("Token is expired")) from None
        except jwt.ImmatureSignatureError:
            raise TokenBackendError(_("Token is not yet valid")) from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenBackendError(_("Token has no '%s' claim") % error.claim) from None
        except (jwt.DecodeError, RecursionError):
            # RecursionError: JSON nested deeper than the parser's limit.
            raise TokenBackendError(_("Token is malformed")) from None
        except (jwt.InvalidTokenError, OverflowError, ValueError, TypeError):
            raise TokenBackendError(_("Token has invalid claims")) from None


def _hmac_key(secret: str) -> jwt.PyJWK:
    encoded = jwt.utils.base64url_encode(secret.encode()).decode()
    return jwt.PyJWK({"kty": "oct", "k": encoded}, algorithm=HMAC_ALGORITHM)


def _reaches_signature_check(token: str, header: Mapping[str, Any]) -> bool:
    """Whether PyJWT, decoding `token`, would check its signature before anything else can fail.

    Three segments, each canonical unpadded base64url, and no header parameter
    PyJWT validates first (`crit`, `b64`, a `kid` that is not a string): then
    a signature that does not match is the first and only error it could raise.
    """
    if not _is_canonical_compact_jws(token):
        return False
    if HEADERS_CHECKED_BEFORE_SIGNATURE & header.keys():
        return False
    return isinstance(header.get("kid", ""), str)


def _is_canonical_compact_jws(token: str) -> bool:
    """Three segments of unpadded base64url, each in its canonical encoding."""
    if not BASE64URL_COMPACT_JWS.fullmatch(token):
        return False
    for segment in token.split("."):
        remainder = len(segment) % 4
        if remainder == 1 or (remainder and segment[-1] not in CANONICAL_LAST_CHARACTERS[remainder]):
            return False
    return True


def _hmac_matches(secret: bytes, signing_input: str, signature: str) -> bool:
    expected = base64.urlsafe_b64encode(hmac.digest(secret, signing_input.encode(), hashlib.sha256))
    return hmac.compare_digest(expected.rstrip(b"="), signature.encode())


def _unverified_header(token: str) -> Mapping[str, Any]:
    """The JOSE header, only to choose the verification path; PyJWT re-parses strictly after."""
    return _parsed_header(token.split(".", 1)[0])


@functools.lru_cache(maxsize=HEADER_CACHE_SIZE)
def _parsed_header(segment: str) -> Mapping[str, Any]:
    # Read-only: one parse is shared by every token with this header. A segment
    # that does not parse raises each time, and is not kept.
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise TokenBackendError(_("Token is malformed")) from None
    if not isinstance(header, dict):
        raise TokenBackendError(_("Token is malformed"))
    return MappingProxyType(header)


def _check_registered_claim_types(payload: dict[str, Any]) -> None:
    """RFC 7519's types, as `jose` on the Better Auth side enforces them: a NumericDate is a number."""
    for claim in NUMERIC_DATE_CLAIMS:
        if claim in payload and not _is_numeric_date(payload[claim]):
            raise TokenBackendError(_("Token claim '%s' is not a NumericDate") % claim)
    for claim in STRING_CLAIMS:
        if claim in payload and not isinstance(payload[claim], str):
            raise TokenBackendError(_("Token claim '%s' is not a string") % claim)
    audience = payload.get("aud")
    if "aud" in payload and not (
        isinstance(audience, str) or (isinstance(audience, list) and all(isinstance(item, str) for item in audience))
    ):
        raise TokenBackendError(_("Token claim 'aud' is not a string or a list of strings"))


def _is_numeric_date(value: object) -> bool:
    # bool is an int in Python, but `true` is no NumericDate in JSON.
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= LATEST_NUMERIC_DATE
    )
