"""Tokens in the shapes Better Auth issues, and the endpoint that tells who a token names."""

import base64
import time

ME_URL = "/api/auth/me/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def better_auth_claims(user_id: str = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe", **overrides: object) -> dict:
    """Claims in the shape of Better Auth's jwt plugin: the user object plus sub, iat, exp."""
    now = int(time.time())
    claims = {
        "id": user_id,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "emailVerified": True,
        "image": None,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "sub": user_id,
        "iat": now,
        "exp": now + 900,
        "iss": "http://localhost:3000",
        "aud": "http://localhost:3000",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not ...}
