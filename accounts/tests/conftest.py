import base64
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client

from .factories import UserFactory

ME_URL = "/api/auth/me/"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def better_auth_claims(user_id="Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe", **overrides):
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


@pytest.fixture
def sign_hs256():
    """Sign claims HS256 with the shared secret (or another key), as Better Auth's sign hook does."""

    def sign(claims, key=None, headers=None):
        return jwt.encode(claims, key or django_settings.BETTER_AUTH_SECRET, algorithm="HS256", headers=headers)

    return sign


@pytest.fixture
def call_me(api_client):
    def call(token, scheme="Bearer"):
        return api_client.get(ME_URL, HTTP_AUTHORIZATION=f"{scheme} {token}")

    return call


class JWKSServer:
    """A loopback JWKS endpoint serving real Ed25519 public keys, counting its fetches."""

    def __init__(self):
        self.private_keys = {}
        self.fetches = 0
        self.failing = False
        self.add_key("key-1")
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/auth/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def add_key(self, kid):
        self.private_keys[kid] = Ed25519PrivateKey.generate()

    def jwks(self):
        keys = []
        for kid, private_key in self.private_keys.items():
            jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "EdDSA"})
        return {"keys": keys}

    def public_key_bytes(self, kid="key-1"):
        from cryptography.hazmat.primitives import serialization

        return (
            self.private_keys[kid]
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )

    def sign(self, claims, kid="key-1", private_key=None):
        return jwt.encode(claims, private_key or self.private_keys[kid], algorithm="EdDSA", headers={"kid": kid})

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                if server.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                body = json.dumps(server.jwks()).encode()
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


@pytest.fixture
def support_group(db):
    """The group the migrations create (for `db` tests: transactional ones empty the database, this group too)."""
    return Group.objects.get(name="Support")


@pytest.fixture
def support_user(support_group):
    """Staff in the Support group, as the README tells operators to set support staff up."""
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(support_group)
    return user


@pytest.fixture
def support_client(client, support_user, static_files_without_manifest):
    client.force_login(support_user)
    return client


@pytest.fixture
def superuser_client(db, static_files_without_manifest):
    # A client of its own, so a test can act as support and as a superuser.
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def superuser_session(db, static_files_without_manifest):
    """A superuser signed in through the admin's sign-in page, posting every form with its CSRF token."""
    from .admin_session import PASSWORD, AdminSession

    return AdminSession(UserFactory(email="root@example.com", password=PASSWORD, is_staff=True, is_superuser=True))


class BetterAuthSteps:
    """The harness's `events` command: a real Better Auth whose hooks report to our API, driven step by step."""

    def __init__(self, process, user):
        self.process = process
        self.user = user

    def do(self, step, **arguments):
        """Run one step (sign-in, sign-out, update-user, change-email, delete-user); answers its JSON line."""
        import select

        self.process.stdin.write(json.dumps({"do": step, **arguments}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"Better Auth harness gave no answer to {step!r}")
        return json.loads(line)


@pytest.fixture
def better_auth_reporting_to():
    """`start(api_url, secret, webhook_secret)`: a Better Auth with one signed-up user, its hooks posting to that
    API.
    """
    from conftest import run_better_auth

    processes = []

    def start(api_url, *, secret, webhook_secret, email="Events.Person@Example.com", name="Events Person"):
        process, ready = run_better_auth(
            "events",
            {
                "secret": secret,
                "webhook_secret": webhook_secret,
                "api_url": api_url,
                "base_url": "http://localhost:3000",
                "email": email,
                "password": "events passphrase 42",
                "name": name,
            },
        )
        processes.append(process)
        return BetterAuthSteps(process, ready["user"])

    yield start
    for process in processes:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class BetterAuthPeople:
    """The harness's `people` command: a real Better Auth where people sign up, prove addresses and sign in."""

    def __init__(self, process):
        self.process = process

    def _do(self, step, **arguments):
        import select

        self.process.stdin.write(json.dumps({"do": step, **arguments}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        answer = json.loads(self.process.stdout.readline() if ready else '{"error": "no answer"}')
        if "error" in answer:
            raise RuntimeError(f"Better Auth refused {step!r}: {answer['error']}")
        return answer

    def sign_up(self, email, password, name=""):
        """Better Auth's email and password sign-up, which proves nothing; answers the user's id."""
        return self._do("sign-up", email=email, password=password, name=name)["user"]["id"]

    def verify_email(self, email):
        """Open the verification link Better Auth mailed at sign-up."""
        self._do("verify-email", email=email)

    def token(self, email, password):
        """A fresh jwt-plugin token (HS256 with BETTER_AUTH_SECRET) from signing in."""
        return self._do("sign-in", email=email, password=password)["token"]


@pytest.fixture
def better_auth_people(settings):
    from conftest import run_better_auth

    process, _ready = run_better_auth(
        "people", {"secret": settings.BETTER_AUTH_SECRET, "base_url": "http://localhost:3000"}
    )
    yield BetterAuthPeople(process)
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
