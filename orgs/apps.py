from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """Better Auth's organizations and who belongs to them, as its events report them."""

    name = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The system checks, the event handlers in drf_better_auth's registry, and a user's memberships
        # going with the user.
        from accounts.personal_data import personal_data_register

        from . import checks, events, signals  # noqa: F401
        from .personal_data import memberships_erase, memberships_export

        # A person's memberships go with their account's export and erasure (accounts.personal_data).
        personal_data_register(name="organizations", export=memberships_export, erase=memberships_erase)
