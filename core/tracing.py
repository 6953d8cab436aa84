"""OpenTelemetry traces: a span per request (Django) with a span per SQL statement (psycopg), sent over OTLP.

Off by default. On when OTEL_EXPORTER_OTLP_ENDPOINT is set (the OTLP/HTTP
endpoint of a collector, e.g. http://otel-collector:4318): the WSGI entry
point (config/wsgi.py) then calls `tracing_start()` in each worker, before
Django loads its middleware. The exporter reads the standard OTEL_*
variables itself (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS,
OTEL_TRACES_SAMPLER, ...). Off, this module is never imported: nothing of
OpenTelemetry is loaded, and a request pays nothing for it.

Spans are exported in batches from a thread of each worker, never on the
request path. SQL statements are recorded as Django sends them, with
placeholders and never their parameters; URLs without their query string.
Each log line written during a
traced request carries its `trace_id` next to its `request_id` (core/logging.py).
"""

import os

from django.http import HttpRequest
from opentelemetry import trace
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanProcessor
from opentelemetry.trace import Span

from . import logging as core_logging

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
DEFAULT_SERVICE_NAME = "todo-api"


def is_configured() -> bool:
    return bool(os.environ.get(ENDPOINT_VARIABLE))


def tracing_start(*, processor: SpanProcessor | None = None) -> TracerProvider:
    """Trace requests and their SQL into `processor` (by default: batches exported over OTLP/HTTP)."""
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or DEFAULT_SERVICE_NAME})
    provider = TracerProvider(resource=resource)
    if processor is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())
        # The process's own, for any other code that asks OpenTelemetry for a tracer.
        trace.set_tracer_provider(provider)
    provider.add_span_processor(processor)
    DjangoInstrumentor().instrument(tracer_provider=provider, request_hook=without_query_string)
    PsycopgInstrumentor().instrument(tracer_provider=provider)
    core_logging.trace_id_of_current_span = current_trace_id
    return provider


# The span attributes that hold the request's URL, under the old and the stable HTTP conventions.
URL_ATTRIBUTES = ("http.url", "http.target", "url.full")


def without_query_string(span: Span, request: HttpRequest) -> None:
    """The request span's URL without its query string: a client may have put a token there (as in core.logging)."""
    if not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for name in URL_ATTRIBUTES:
        value = attributes.get(name)
        if isinstance(value, str) and "?" in value:
            span.set_attribute(name, value.split("?", 1)[0])
    if attributes.get("url.query"):
        span.set_attribute("url.query", "")


def tracing_stop() -> None:
    """Undo `tracing_start` (tests): no more spans, no trace id in log lines."""
    DjangoInstrumentor().uninstrument()
    PsycopgInstrumentor().uninstrument()
    core_logging.trace_id_of_current_span = None


def current_trace_id() -> str | None:
    """The trace id of the span in progress, as collectors show it (32 hex digits), or None outside one."""
    context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else None
