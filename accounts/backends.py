"""Signing and verification, with the algorithm pinned per key.

HS256 tokens are verified only with the shared secret and the secrets listed
for a rotation; asymmetric tokens only with Better Auth's JWKS key named by
their `kid`, with that key's own algorithm. The token's header never chooses
the key type, so an HS256 token is never checked against a public key and
`alg: none` never passes.

`iss` and `aud`, when configured, are required of every token except Better
Auth's session cookie cache, which never carries them; its own shape (a
`session` and a `user` object) is what marks it.
"""

import base64
import binascii
import json

import jwt
from django.utils.translation import gettext_lazy as _

from .exceptions import TokenBackendError
from .jwks import JWKSClient, UnknownSigningKey
from .settings import api_settings

HMAC_ALGORITHM = "HS256"


class TokenBackend:
    def __init__(self, settings=api_settings):
        self.signing_key = settings.SIGNING_KEY
        # Prepared once: PyJWT otherwise re-inspects a raw secret on every decode.
        self.verifying_keys = [
            _hmac_key(secret) for secret in (self.signing_key, *settings.PREVIOUS_SIGNING_KEYS)
        ]
        self.audience = settings.AUDIENCE
        self.issuer = settings.ISSUER
        self.leeway = settings.LEEWAY
        self.max_token_bytes = settings.MAX_TOKEN_BYTES
        self.jwks = (
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
        self._options = {"require": ["exp", "iat"], "verify_aud": False, "verify_iss": False}
        self._accepted_audiences = (
            {self.audience} if isinstance(self.audience, str) else set(self.audience or ())
        )

    def encode(self, payload):
        claims = dict(payload)
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        return jwt.encode(claims, self.signing_key, algorithm=HMAC_ALGORITHM)

    def decode(self, token):
        """The verified payload of `token`, or TokenBackendError saying why not."""
        if len(token) > self.max_token_bytes:
            raise TokenBackendError(_("Token is too large"))
        header = _unverified_header(token)
        algorithm = header.get("alg")
        if algorithm == HMAC_ALGORITHM:
            payload = self._decode_hmac(token)
        elif self.jwks is not None and algorithm in self.jwks.algorithms:
            payload = self._decode_jwks(token, header)
        else:
            raise TokenBackendError(_("Token is signed with an algorithm this server does not accept"))
        if not is_session_cookie_cache(payload):
            self._check_issuer_and_audience(payload)
        return payload

    def _check_issuer_and_audience(self, payload):
        if self.issuer is not None and payload.get("iss") != self.issuer:
            raise TokenBackendError(_("Token issuer is not accepted"))
        if self._accepted_audiences:
            audience = payload.get("aud")
            audiences = {audience} if isinstance(audience, str) else audience
            if not isinstance(audiences, (set, list)) or not self._accepted_audiences.intersection(
                a for a in audiences if isinstance(a, str)
            ):
                raise TokenBackendError(_("Token audience is not accepted"))

    def _decode_hmac(self, token):
        for key in self.verifying_keys:
            try:
                return self._verify(token, key, HMAC_ALGORITHM)
            except jwt.InvalidSignatureError:
                continue
        raise TokenBackendError(_("Token signature is invalid"))

    def _decode_jwks(self, token, header):
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenBackendError(_("Token has no key id"))
        try:
            key = self.jwks.key_for(kid)
        except UnknownSigningKey:
            raise TokenBackendError(_("Token is signed with an unknown key")) from None
        if header["alg"] != key.algorithm_name:
            raise TokenBackendError(_("Token algorithm does not match its key"))
        try:
            return self._verify(token, key, key.algorithm_name)
        except jwt.InvalidSignatureError:
            raise TokenBackendError(_("Token signature is invalid")) from None

    def _verify(self, token, key, algorithm):
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
        except jwt.DecodeError:
            raise TokenBackendError(_("Token is malformed")) from None
        except jwt.InvalidTokenError:
            raise TokenBackendError(_("Token has invalid claims")) from None


def _hmac_key(secret):
    encoded = jwt.utils.base64url_encode(secret.encode()).decode()
    return jwt.PyJWK({"kty": "oct", "k": encoded}, algorithm=HMAC_ALGORITHM)


def _unverified_header(token):
    """The JOSE header, only to choose the verification path; PyJWT re-parses strictly after."""
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        raise TokenBackendError(_("Token is malformed")) from None
    if not isinstance(header, dict):
        raise TokenBackendError(_("Token is malformed"))
    return header


def is_session_cookie_cache(payload):
    """Better Auth's session cookie cache: a `session` and a `user` object."""
    return isinstance(payload.get("session"), dict) and isinstance(payload.get("user"), dict)


_token_backend = None


def get_token_backend():
    """The process-wide backend (it holds the JWKS cache); rebuilt when settings change."""
    global _token_backend
    if _token_backend is None:
        _token_backend = TokenBackend()
    return _token_backend


def reset_token_backend():
    global _token_backend
    _token_backend = None
