from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing: health probes, error bodies, request ids, metrics, checks."""

    name = "core"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.signals import request_started
        from django.db import reset_queries

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            metrics,
        )

        # The package and django-axes say what happened; the metrics count it, when they are on.
        if metrics.is_enabled():
            metrics.receivers_connect()
        if not settings.DEBUG:
            # Django empties every connection's query log as each request starts; only DEBUG (or
            # a test's CaptureQueriesContext, which reconnects this) fills it: about 3 % of a
            # refused token's cost, on every request (docs/benchmarks.md).
            request_started.disconnect(reset_queries)
