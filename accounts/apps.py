from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and their credentials; the rules drf_better_auth's token bridge calls (SIMPLE_JWT's hooks)."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks, the OpenAPI extension, and the event handlers in drf_better_auth's registry.
        from . import checks, events, schema  # noqa: F401
