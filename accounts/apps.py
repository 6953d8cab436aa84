from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People and their credentials; the rules drf_better_auth's token bridge calls (SIMPLE_JWT's hooks)."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks, the OpenAPI extension, the event handlers in drf_better_auth's registry,
        # and the audit trail's receivers of django-axes' and the admin's signals.
        from . import checks, events, receivers, schema  # noqa: F401
