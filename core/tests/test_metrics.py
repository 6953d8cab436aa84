"""Prometheus metrics in one process: what a request counts and under which labels, and who may read them.

Counts across the server's workers: server/tests/test_metrics_across_workers.py.
"""

import uuid

import pytest
from django.core import checks
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from core import metrics
from core.middleware import ExceptionStatusMiddleware

TOKEN = "metrics-token-of-its-own-0123456789abcdefghij"


def value(name, **labels):
    if name == "http_requests_total":  # written out at each scrape only
        for family in text_string_to_metric_families(metrics.exposition().decode()):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return sample.value
        return 0
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.fixture
def metrics_on(settings, metrics_counting):
    settings.METRICS_TOKEN = TOKEN


def test_requests_are_counted_by_route_template_never_by_path(client, metrics_on):
    route = {"route": "api/tasks/<pk>/", "method": "GET", "status": "401"}
    before = value("http_requests_total", **route)
    timed_before = value("http_request_duration_seconds_count", **route)

    for _ in range(3):
        assert client.get(f"/api/tasks/{uuid.uuid4()}/").status_code == 401

    assert value("http_requests_total", **route) == before + 3
    assert value("http_request_duration_seconds_count", **route) == timed_before + 3
    exposition = metrics.exposition().decode()
    assert "api/tasks/<pk>/" in exposition
    assert "(?P<" not in exposition


def test_a_path_no_route_matches_and_a_made_up_method_have_labels_of_their_own(client, metrics_on):
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "404"}
    other = {"route": "health", "method": "other", "status": "405"}
    before = value("http_requests_total", **unmatched), value("http_requests_total", **other)

    client.get(f"/api/{uuid.uuid4()}/nowhere")
    client.generic("BREW", "/health")

    assert (value("http_requests_total", **unmatched), value("http_requests_total", **other)) == (
        before[0] + 1,
        before[1] + 1,
    )
    assert "BREW" not in metrics.exposition().decode()


def test_made_up_methods_share_one_child(settings, metrics_on):
    middleware = metrics.RequestMetricsMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()

    for number in range(20):
        middleware(factory.generic(f"BREW{number}", "/health"))

    assert [key[1] for key in middleware._children] == ["other"]


def test_without_a_token_no_request_is_counted(client, settings):
    settings.METRICS_TOKEN = ""
    route = {"route": "health", "method": "GET", "status": "200"}
    before = value("http_requests_total", **route)

    client.get("/health")

    assert value("http_requests_total", **route) == before


@pytest.mark.parametrize(
    "route, label",
    [
        ("api/auth/me/", "api/auth/me/"),
        ("api/^tasks/(?P<pk>[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})/?$", "api/tasks/<pk>/"),
        ("api/^(?P<user_id>[A-Za-z0-9]{1,64})/tasks/?$", "api/<user_id>/tasks/"),
        ("", "/"),
    ],
)
def test_a_route_s_regular_expression_is_labelled_as_a_template(route, label):
    assert metrics.route_label(route) == label


def test_metrics_answer_only_their_own_token(metrics_on):
    client = Client(enforce_csrf_checks=True)
    for authorization in ("", "Bearer", f"Bearer {TOKEN[:-1]}", f"Token {TOKEN}", f"Bearer {TOKEN} x"):
        assert client.get("/metrics", HTTP_AUTHORIZATION=authorization).status_code == 404
        # Nor does another method give the endpoint away (a 405 would).
        assert client.post("/metrics", HTTP_AUTHORIZATION=authorization).status_code == 404
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"] == metrics.CONTENT_TYPE
    assert b"# TYPE http_requests_total counter" in response.content


def test_metrics_are_not_there_at_all_when_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_token_refusals_are_counted_by_code_and_reason(client, metrics_counting):
    labels = {"code": "token_not_valid", "reason": "Token is malformed"}
    before = value("auth_token_refusals_total", **labels)

    client.get("/api/tasks/", HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert value("auth_token_refusals_total", **labels) == before + 1


def test_refusal_reasons_past_the_limit_are_counted_as_other(monkeypatch):
    seen = [("token_not_valid", f"reason {n}") for n in range(metrics.MAX_REFUSAL_LABELS)]
    monkeypatch.setattr(metrics, "_refusal_children", {key: metrics.token_refusals_total.labels(*key) for key in seen})
    before = [
        value("auth_token_refusals_total", code="token_not_valid", reason=reason) for reason in ("other", "reason 3")
    ]

    metrics.token_refused(None, code="token_not_valid", reason="a reason never seen")
    metrics.token_refused(None, code="token_not_valid", reason="reason 3")

    after = [
        value("auth_token_refusals_total", code="token_not_valid", reason=reason) for reason in ("other", "reason 3")
    ]
    assert after == [before[0] + 1, before[1] + 1]
    assert value("auth_token_refusals_total", code="token_not_valid", reason="a reason never seen") == 0


def test_database_unavailable_answers_are_counted():
    before = value("database_unavailable_responses_total")
    middleware = ExceptionStatusMiddleware(lambda request: None)

    response = middleware.process_exception(RequestFactory().get("/api/tasks/"), OperationalError("refused"))

    assert response.status_code == 503
    assert value("database_unavailable_responses_total") == before + 1


@pytest.mark.parametrize(
    "token, error",
    [("short", "core.metrics.E002"), ("same-as-the-secret-key", "core.E030"), ("s" * 40, None)],
)
def test_with_debug_off_a_weak_or_shared_metrics_token_stops_start_up(settings, token, error):
    settings.DEBUG = False
    settings.SECRET_KEY = "same-as-the-secret-key-0123456789abcdefghij"
    settings.METRICS_TOKEN = settings.SECRET_KEY if token == "same-as-the-secret-key" else token

    ids = [message.id for message in checks.run_checks() if message.id.startswith("core.")]

    assert ids == ([error] if error else [])


def test_nothing_is_counted_from_signals_while_metrics_are_off(client, settings):
    settings.METRICS_TOKEN = ""
    labels = {"code": "token_not_valid", "reason": "Token is malformed"}
    before = value("auth_token_refusals_total", **labels)

    client.get("/api/tasks/", HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert value("auth_token_refusals_total", **labels) == before
