"""The shortcut for `Accept: */*` picks what DRF's own negotiation picks, and leaves the rest to it."""

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.negotiation import ContentNegotiation

RENDERERS = [JSONRenderer(), BrowsableAPIRenderer()]


def negotiated(negotiation, accept=None, path="/api/tasks/", format_suffix=None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(path, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, RENDERERS, format_suffix)
    except Exception as error:  # what DRF raises is part of the answer
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize(
    "accept, path, format_suffix",
    [
        (None, "/api/tasks/", None),
        ("*/*", "/api/tasks/", None),
        ("application/json", "/api/tasks/", None),
        ("text/html", "/api/tasks/", None),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "/api/tasks/", None),
        ("image/png", "/api/tasks/", None),
        ("*/*", "/api/tasks/?format=api", None),
        (None, "/api/tasks/?format=json", None),
        ("*/*", "/api/tasks/", "api"),
        ("*/*; indent=4", "/api/tasks/", None),
    ],
)
def test_the_answer_is_drf_s_own(accept, path, format_suffix):
    assert negotiated(ContentNegotiation(), accept, path, format_suffix) == negotiated(
        DefaultContentNegotiation(), accept, path, format_suffix
    )


def test_an_api_request_without_accept_gets_json(api_client, db):
    response = api_client.get("/api/tasks/", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "token_not_valid"


def test_a_request_for_something_else_is_still_refused_with_406(api_client, user):
    api_client.force_authenticate(user)

    response = api_client.get("/api/tasks/", HTTP_ACCEPT="image/png")

    assert response.status_code == 406
