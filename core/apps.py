from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing: health probes, error bodies, request ids, metrics, checks."""

    name = "core"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from drf_better_auth import signals

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            metrics,
        )

        # The package and django-axes say what happened; the metrics count it.
        signals.token_refused.connect(metrics.token_refused, dispatch_uid="core.metrics.token_refused")
        signals.jwks_fetched.connect(metrics.jwks_fetched, dispatch_uid="core.metrics.jwks_fetched")
        user_locked_out.connect(metrics.user_locked_out, dispatch_uid="core.metrics.user_locked_out")
