"""The early refusal of bad bearer tokens answers exactly what DRF's own refusal answers, on every route."""

import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.test import Client
from drf_better_auth import authentication, middleware
from drf_spectacular.generators import SchemaGenerator

from tasks.views import TaskViewSet

from .factories import BetterAuthUserFactory

GATE = "drf_better_auth.middleware.BearerTokenMiddleware"
FORGER = "a-secret-this-server-does-not-hold-0123456789"


def forged_token():
    now = int(time.time())
    return jwt.encode({"sub": "someone", "email": "someone@example.com", "iat": now, "exp": now + 600}, FORGER)


def expired_token():
    now = int(time.time())
    claims = {"sub": "someone", "email": "someone@example.com", "iat": now - 600, "exp": now - 300}
    return jwt.encode(claims, settings.BETTER_AUTH_SECRET)


TOKENS = {"forged": forged_token, "expired": expired_token, "not-a-jwt": lambda: "not.a.token"}


def api_operations():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    values = {"{id}": str(uuid.uuid4()), "{user_id}": "someUserId0000000000000000000001"}
    for template, operations in sorted(paths.items()):
        path = template
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        for method in operations:
            yield pytest.param(method, path, id=f"{method.upper()} {template}")


def answer(method, path, token, **headers):
    # A new client each time: a client builds its middleware chain once, on its first request.
    response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)
    response_headers = {
        name.lower(): value for name, value in response.headers.items() if name.lower() != "x-request-id"
    }
    return response.status_code, response.content, response_headers


@pytest.mark.django_db
@pytest.mark.parametrize("accept", [{}, {"HTTP_ACCEPT": "application/json"}], ids=["no-accept", "accept-json"])
@pytest.mark.parametrize("token_kind", sorted(TOKENS))
@pytest.mark.parametrize("method, path", list(api_operations()))
def test_the_early_refusal_is_drf_s_refusal(settings, method, path, token_kind, accept):
    token = TOKENS[token_kind]()
    early = answer(method, path, token, **accept)

    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if path != GATE]
    assert answer(method, path, token, **accept) == early


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ACCEPT": "text/html"}, {"HTTP_ACCEPT": "image/png"}, {"QUERY_STRING": "format=api"}],
    ids=["html", "png", "format-query"],
)
def test_requests_that_need_negotiating_are_left_to_drf(settings, headers):
    early = answer("get", "/api/tasks/", forged_token(), **headers)

    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if path != GATE]
    assert answer("get", "/api/tasks/", forged_token(), **headers) == early


@pytest.mark.django_db
def test_a_refused_token_leaves_one_line_its_access_line_with_the_reason(client, caplog):
    client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {forged_token()}")

    [record] = caplog.records
    assert (record.event, record.status, record.refusal_code, record.refusal_reason) == (
        "http_request",
        401,
        "token_not_valid",
        "Token signature is invalid",
    )


def spy(monkeypatch, owner, name):
    """Record each call of owner.name and let it run as before."""
    calls = []
    original = getattr(owner, name)

    def recording(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


@pytest.mark.django_db
def test_a_forged_token_never_reaches_the_view(client, monkeypatch):
    views_started = spy(monkeypatch, TaskViewSet, "initial")

    response = client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {forged_token()}", HTTP_ACCEPT="application/json")

    assert response.status_code == 401
    assert views_started == []


@pytest.mark.django_db
def test_a_good_token_is_verified_once(client, monkeypatch):
    user = BetterAuthUserFactory()
    now = int(time.time())
    token = jwt.encode({"sub": user.pk, "email": user.email, "iat": now, "exp": now + 600}, settings.BETTER_AUTH_SECRET)
    verified_early = spy(monkeypatch, middleware, "token_identity")
    verified_by_drf = spy(monkeypatch, authentication, "token_identity")

    response = client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert (len(verified_early), len(verified_by_drf)) == (1, 0)
