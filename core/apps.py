from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing: health probes, error bodies, request ids, checks."""

    name = "core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
