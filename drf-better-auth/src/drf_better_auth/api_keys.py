"""API keys for scripts and services: their shape, their hash, and what a view lets them do.

A key is `<API_KEY_PREFIX><8 hex: its public id>_<64 hex: 256 random bits>`
(`tdk_1a2b3c4d_0f…` with the prefix `tdk_`). The prefix tells secret scanners
what they found, and the authentication class that the bearer token is no JWT
(a JWT begins `eyJ`) before it decodes anything. The public id is shown in
lists so that people can tell their keys apart; it proves nothing.

The app stores only `api_key_digest(key)`: 256 random bits cannot be guessed
whatever the hash, so one SHA-256 is enough (no slow password hash). A key is
found by its digest, with one indexed lookup: the secret is never compared
byte by byte, so how long a refusal takes says nothing of how much of a key
was right.

What a key reaches is denied by default: only views that name the scopes
their reads and writes need (`api_key_scopes = ApiKeyScopes(...)`) accept one.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from rest_framework.request import Request

from .exceptions import ApiKeyInvalid, ApiKeyNotAccepted, ApiKeyScopeMissing
from .settings import api_settings

PUBLIC_ID_HEX = 8
SECRET_BYTES = 32  # 256 bits
_BODY = re.compile(rf"[0-9a-f]{{{PUBLIC_ID_HEX}}}_[0-9a-f]{{{SECRET_BYTES * 2}}}", re.ASCII)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key as it is made: `key` is shown once, the app keeps `public_prefix` and `digest`."""

    key: str
    public_prefix: str
    digest: str


@dataclass(frozen=True, slots=True)
class ApiKeyAuth:
    """`request.auth` of a request made with an API key: which key (the app's id for it) and its scopes."""

    key_id: Any
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ApiKeyScopes:
    """What a view asks of a key: `read` for GET, HEAD and OPTIONS, `write` for every other method."""

    read: str
    write: str

    def required(self, method: str) -> str:
        return self.read if method in SAFE_METHODS else self.write


def api_key_generate() -> NewApiKey:
    """A new key with API_KEY_PREFIX: 256 random bits after a public id."""
    prefix = api_settings.API_KEY_PREFIX
    if not prefix:
        raise ValueError("API keys are off: SIMPLE_JWT['API_KEY_PREFIX'] is not set.")
    public_prefix = f"{prefix}{secrets.token_hex(PUBLIC_ID_HEX // 2)}"
    key = f"{public_prefix}_{secrets.token_hex(SECRET_BYTES)}"
    return NewApiKey(key=key, public_prefix=public_prefix, digest=api_key_digest(key))


def api_key_digest(key: str) -> str:
    """What the app stores and looks a key up by: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def is_api_key(raw_token: str) -> bool:
    """Whether a bearer token claims to be an API key: it starts with API_KEY_PREFIX (when keys are on)."""
    prefix = api_settings.API_KEY_PREFIX
    return bool(prefix) and raw_token.startswith(prefix)


def api_key_authenticate(request: Request, raw_key: str) -> tuple[Any, ApiKeyAuth]:
    """The user and `ApiKeyAuth` of a key, if the view accepts keys and the key has the scope the request needs.

    A view that names no `api_key_scopes` refuses every key (403) without
    looking it up. A key of the wrong shape is refused without a query; one
    the app does not know, or refuses, answers 401 (API_KEY_RULE).
    """
    view = (request.parser_context or {}).get("view")
    scopes: ApiKeyScopes | None = getattr(view, "api_key_scopes", None)
    if scopes is None:
        raise ApiKeyNotAccepted()
    if _BODY.fullmatch(raw_key, len(api_settings.API_KEY_PREFIX)) is None:
        raise ApiKeyInvalid()
    user, auth = api_settings.API_KEY_RULE(digest=api_key_digest(raw_key))
    required = scopes.required(request.method or "")
    if required not in auth.scopes:
        raise ApiKeyScopeMissing(required)
    return user, auth
