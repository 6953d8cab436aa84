from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their credentials, and the Better Auth / SimpleJWT token bridge."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks, the OpenAPI extension, and rebuilding the token backend on settings changes.
        from . import checks, schema, state  # noqa: F401
