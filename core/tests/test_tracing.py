"""OpenTelemetry traces: a request's span holds its SQL statements' spans, log lines carry the trace id, and off
(the default) nothing of OpenTelemetry is even imported."""

import http.server
import io
import json
import logging
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, connections
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from core.logging import JSONFormatter, RequestIDFilter
from core.tracing import tracing_start, tracing_stop
from testing.http import http as call
from testing.processes import PROJECT_ROOT, project_env

# Timed: spans exported within a deadline (scripts/run-tests runs these alone).
pytestmark = pytest.mark.timing


@pytest.fixture
def spans(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's spans: PostgreSQL only")
    exporter = InMemorySpanExporter()
    tracing_start(processor=SimpleSpanProcessor(exporter))
    # The connection the test opened was made before psycopg was instrumented.
    connections.close_all()
    yield exporter
    tracing_stop()
    connections.close_all()


@pytest.fixture
def access_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIDFilter())
    handler.setFormatter(JSONFormatter())
    access = logging.getLogger("core.access")
    access.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    access.removeHandler(handler)


def test_a_request_s_span_holds_its_database_spans_and_its_log_lines_carry_the_trace_id(
    spans, access_lines, client_for, user
):
    client = client_for(user)
    spans.clear()  # the user's creation

    response = client.get("/api/tasks/", HTTP_X_REQUEST_ID="traced-request-1")

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    [request_span] = [span for span in finished if span.kind == SpanKind.SERVER]
    assert request_span.name.startswith("GET api/tasks/")  # DRF's router route, as Django resolved it
    assert request_span.attributes["http.status_code"] == 200
    queries = [span for span in finished if span.attributes.get("db.system.name", span.attributes.get("db.system"))]
    assert queries, [span.name for span in finished]
    trace_id = request_span.context.trace_id
    for query in queries:
        assert query.context.trace_id == trace_id
        assert query.parent.span_id == request_span.context.span_id
        assert query.attributes.get("db.system.name", query.attributes.get("db.system")) == "postgresql"
    [line] = [line for line in access_lines() if line["request_id"] == "traced-request-1"]
    assert line["trace_id"] == f"{trace_id:032x}"


def test_no_span_holds_the_query_string(spans, client_for, user):
    client_for(user).get("/api/tasks/?access_token=leaked-secret-value&completed=false")

    finished = spans.get_finished_spans()
    assert finished
    for span in finished:
        assert "leaked-secret-value" not in json.dumps(dict(span.attributes or {})), span.name


# A request through the production entry point (config/wsgi.py), then which modules the process holds.
PROBE = """
import io, json, os, sys
from wsgiref.util import setup_testing_defaults
import config.wsgi
for path in ("/health", "/api/tasks/"):
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": "Bearer not-a-jwt"}
    setup_testing_defaults(environ)
    b"".join(config.wsgi.application(environ, lambda status, headers: None))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), flush=True)
os._exit(0)  # no export at exit to an endpoint that is not there
"""


@pytest.mark.server  # a process of its own
@pytest.mark.parametrize("endpoint, imported", [("", False), ("http://127.0.0.1:9/", True)], ids=["off", "on"])
def test_opentelemetry_is_imported_only_when_an_endpoint_is_set(tmp_path, endpoint, imported):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_ROOT,
        env=project_env(
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
            # Nothing is exported before the probe exits.
            OTEL_BSP_SCHEDULE_DELAY="600000",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.splitlines()[-1])
    assert ("opentelemetry" in modules) is imported
    assert ("prometheus_client" in modules) is True  # metrics' definitions load either way; METRICS_TOKEN turns them on


class Collector(http.server.ThreadingHTTPServer):
    """Stands in for an OpenTelemetry collector's OTLP/HTTP endpoint: keeps the spans it is sent."""

    def __init__(self):
        self.span_names = []
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/v1/traces":
                    export = ExportTraceServiceRequest.FromString(body)
                    collector.span_names += [
                        span.name
                        for spans in export.resource_spans
                        for scope in spans.scope_spans
                        for span in scope.spans
                    ]
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def collector():
    server = Collector()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_the_server_s_workers_export_their_spans_to_the_endpoint(serve, collector):
    _, base_url = serve(
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.server_address[1]}",
        OTEL_BSP_SCHEDULE_DELAY="100",
    )

    for _ in range(4):
        call("GET", f"{base_url}/api/tasks/", token="not-a-jwt")

    deadline = time.monotonic() + 20
    while collector.span_names.count("GET api/tasks/?$") < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert collector.span_names.count("GET api/tasks/?$") == 4
