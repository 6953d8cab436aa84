import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.testapp import events

# The repository's interop harness (interop/better-auth/README.md): a real Better Auth in Node.
HARNESS = Path(__file__).resolve().parents[2] / "interop" / "better-auth" / "harness.mjs"
USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


@pytest.fixture(autouse=True)
def clean_slate():
    cache.clear()
    events.APPLIED.clear()
    events.RECEIVED.clear()


@pytest.fixture
def api_client():
    return APIClient()


def better_auth_claims(user_id=USER_ID, **overrides):
    """Claims in the shape of Better Auth's jwt plugin: the user object plus sub, iat, exp."""
    now = int(time.time())
    claims = {
        "id": user_id,
        "sub": user_id,
        "email": "ada@example.com",
        "name": "Ada",
        "emailVerified": True,
        "iat": now,
        "exp": now + 900,
    }
    claims.update(overrides)
    return claims


def sign(claims, key=None, **headers):
    return jwt.encode(claims, key or django_settings.BETTER_AUTH_SECRET, algorithm="HS256", headers=headers or None)


@pytest.fixture(scope="session")
def better_auth():
    """Tokens minted by a real Better Auth for one signed-up user, with its JWKS served on loopback."""
    if not HARNESS.exists() or shutil.which("node") is None or not (HARNESS.parent / "node_modules").exists():
        if os.environ.get("REQUIRE_BETTER_AUTH"):
            pytest.fail(f"the Better Auth harness is required and missing: {HARNESS} (npm ci in its folder)")
        pytest.skip("the Better Auth harness (interop/better-auth in the repository) is not installed")
    stderr = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        ["node", str(HARNESS), "mint"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True
    )
    request = {
        "secret": django_settings.BETTER_AUTH_SECRET,
        "other_secret": "a-different-better-auth-secret-0123456789abcdef",
        "base_url": "http://localhost:3000",
        "email": "Interop.Person@Example.com",
        "password": "interop passphrase 42",
        "name": "Interop Person",
    }
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        stderr.seek(0)
        raise RuntimeError(f"the Better Auth harness gave no answer:\n{stderr.read()[-4000:]}")
    yield json.loads(line)
    process.stdin.close()
    process.wait(timeout=10)


class JWKSServer:
    """A loopback JWKS endpoint serving real Ed25519 public keys, counting its fetches.

    `failing` answers 503; `body`, when set, is served instead of the keys.
    """

    def __init__(self):
        self.private_keys = {}
        self.fetches = 0
        self.failing = False
        self.body = None
        self.add_key("key-1")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/auth/jwks"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def add_key(self, kid):
        self.private_keys[kid] = Ed25519PrivateKey.generate()

    def jwks(self):
        keys = []
        for kid, private_key in self.private_keys.items():
            jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "EdDSA"})
        return {"keys": keys}

    def sign(self, claims, kid="key-1", **headers):
        return jwt.encode(claims, self.private_keys[kid], algorithm="EdDSA", headers={"kid": kid, **headers})

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                if server.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = server.body if server.body is not None else json.dumps(server.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def jwks_server(settings):
    server = JWKSServer()
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "JWKS_URL": server.url}
    yield server
    server.close()
