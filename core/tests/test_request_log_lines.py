"""Every line a request logs carries the request id its response echoes, and no other line does."""

import logging

import pytest

ME_URL = "/api/auth/me/"


def test_a_request_s_lines_carry_the_id_the_client_sent(api_client, db, log_lines):
    response = api_client.post(
        "/api/token/",
        {"email": "nobody@example.com", "password": "a wrong guess"},
        format="json",
        HTTP_X_REQUEST_ID="ticket-42.retry:1",
    )

    assert response["X-Request-ID"] == "ticket-42.retry:1"
    lines = log_lines()
    # The failed sign-in from inside the view (and django-axes' note of it), and the access line
    # written as the response leaves.
    assert {"accounts.auth", "core.access"} <= {line["logger"] for line in lines}
    assert {line["request_id"] for line in lines} == {"ticket-42.retry:1"}


@pytest.mark.parametrize(
    "sent", [None, "has spaces in it", "x" * 129, "line\nbreak"], ids=["none", "spaces", "too-long", "newline"]
)
def test_without_a_usable_id_one_is_made_and_every_line_carries_it(api_client, db, log_lines, sent):
    headers = {"HTTP_X_REQUEST_ID": sent} if sent is not None else {}

    response = api_client.get(ME_URL, HTTP_AUTHORIZATION="Bearer not-a-token", **headers)

    made = response["X-Request-ID"]
    assert made != sent and len(made) == 32
    assert {line["request_id"] for line in log_lines()} == {made}


def test_a_line_logged_after_the_request_carries_no_id(api_client, db, log_lines):
    api_client.get(ME_URL, HTTP_AUTHORIZATION="Bearer not-a-token", HTTP_X_REQUEST_ID="finished-request")

    logging.getLogger("accounts.auth").warning("between requests")

    assert log_lines()[-1]["message"] == "between requests"
    assert log_lines()[-1]["request_id"] is None
