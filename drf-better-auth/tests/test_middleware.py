"""The early refusal answers exactly what DRF answers, only on views that opt in, and hands a good token on."""

import time

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from drf_better_auth import authentication, middleware
from drf_better_auth.authentication import BetterAuthJWTAuthentication, TokenRefusal
from drf_better_auth.middleware import EarlyRefusalMixin
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from tests.testapp.views import NotesViewSet, WhoAmIView

from .conftest import better_auth_claims, sign

pytestmark = pytest.mark.django_db

GATE = "drf_better_auth.middleware.BearerTokenMiddleware"
FORGER = "a-secret-this-server-does-not-hold-0123456789"
ROUTES = [
    ("get", "/me/"),
    ("post", "/me/"),
    ("options", "/me/"),
    ("get", "/notes/"),
    ("delete", "/notes/7/"),
    ("put", "/notes/7/"),
    ("head", "/notes/7/"),
]
TOKENS = {
    "forged": lambda: sign(better_auth_claims(), key=FORGER),
    "expired": lambda: sign(better_auth_claims(exp=int(time.time()) - 60)),
    "not-a-jwt": lambda: "not.a.token",
}


def answer(method, path, token, **headers):
    # A new client each time: a client builds its middleware chain once, on its first request.
    response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)
    return response.status_code, response.content, dict(response.headers)


@pytest.mark.parametrize("accept", [{}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "*/*"}])
@pytest.mark.parametrize("token_kind", sorted(TOKENS))
@pytest.mark.parametrize("method, path", ROUTES)
def test_the_early_refusal_is_drf_s_refusal(settings, method, path, token_kind, accept):
    token = TOKENS[token_kind]()
    early = answer(method, path, token, **accept)

    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != GATE]
    assert answer(method, path, token, **accept) == early
    assert early[0] == 401


def spy(monkeypatch, owner, name):
    calls = []
    original = getattr(owner, name)

    def recording(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


@pytest.mark.parametrize("view, path", [(WhoAmIView, "/me/"), (NotesViewSet, "/notes/")])
def test_a_forged_token_never_reaches_a_view_that_opted_in(client, monkeypatch, view, path):
    started = spy(monkeypatch, view, "initial")

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKENS['forged']()}")

    assert response.status_code == 401
    assert started == []


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ACCEPT": "text/html"}, {"QUERY_STRING": "format=json"}, {"HTTP_AUTHORIZATION": "bearer x"}],
    ids=["html", "format-query", "bad-header"],
)
def test_what_needs_drf_is_left_to_drf(client, monkeypatch, headers):
    started = spy(monkeypatch, WhoAmIView, "initial")

    client.get("/me/", **{"HTTP_AUTHORIZATION": f"Bearer {TOKENS['forged']()}", **headers})

    assert len(started) == 1


def test_a_view_that_did_not_opt_in_is_left_to_drf(client, monkeypatch):
    verified_early = spy(monkeypatch, middleware, "token_identity")

    response = client.get("/plain-me/", HTTP_AUTHORIZATION=f"Bearer {TOKENS['forged']()}")

    assert response.status_code == 401
    assert verified_early == []


def test_no_token_is_left_to_drf(client, monkeypatch):
    verified_early = spy(monkeypatch, middleware, "token_identity")

    assert client.get("/me/").status_code == 401
    assert verified_early == []


def test_a_good_token_is_verified_once_and_its_header_parsed_once(client, monkeypatch):
    token = sign(better_auth_claims())
    verified_early = spy(monkeypatch, middleware, "token_identity")
    verified_by_drf = spy(monkeypatch, authentication, "token_identity")
    parsed = spy(monkeypatch, BetterAuthJWTAuthentication, "get_raw_token")

    response = client.get("/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert (len(verified_early), len(verified_by_drf), len(parsed)) == (1, 0, 1)


def test_opting_in_needs_the_package_s_authentication_first():
    class SessionFirst(EarlyRefusalMixin, APIView):
        authentication_classes = [SessionAuthentication, BetterAuthJWTAuthentication]

    with pytest.raises(ImproperlyConfigured, match="SessionFirst"):
        SessionFirst.as_view()


def test_a_view_rendering_more_than_json_keeps_drf_s_refusal():
    class Browsable(EarlyRefusalMixin, APIView):
        renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    assert not hasattr(Browsable.as_view(), middleware.REFUSAL_ATTRIBUTE)
    assert hasattr(Browsable.as_view(renderer_classes=[JSONRenderer]), middleware.REFUSAL_ATTRIBUTE)


def test_each_reason_is_rendered_once(client, monkeypatch):
    rendered = spy(monkeypatch, JSONRenderer, "render")
    token = jwt.encode(better_auth_claims(), FORGER)

    for _ in range(3):
        client.get("/notes/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert len(rendered) <= 1


@pytest.mark.parametrize("path", ["/me/", "/plain-me/"], ids=["refused-early", "refused-by-drf"])
def test_a_refusal_is_left_on_the_request_for_its_access_line(client, path):
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKENS['forged']()}")

    assert response.status_code == 401
    assert TokenRefusal.of(response.wsgi_request) == TokenRefusal("token_not_valid", "Token signature is invalid")


def test_an_accepted_token_leaves_no_refusal(client):
    response = client.get("/me/", HTTP_AUTHORIZATION=f"Bearer {sign(better_auth_claims())}")

    assert response.status_code == 200
    assert TokenRefusal.of(response.wsgi_request) is None
