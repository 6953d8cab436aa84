from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """Better Auth's organizations and who belongs to them, as its events report them."""

    name = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks, the event handlers in drf_better_auth's registry, and a user's memberships
        # going with the user.
        from . import checks, events, signals  # noqa: F401
