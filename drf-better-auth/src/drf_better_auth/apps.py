from django.apps import AppConfig


class DrfBetterAuthConfig(AppConfig):
    """Installing the app registers the secrets' system checks (`drf_better_auth.checks`)."""

    name = "drf_better_auth"
    label = "drf_better_auth"
    verbose_name = "Better Auth for DRF"

    def ready(self) -> None:
        from django.core.checks import register

        from . import checks

        register(checks.check_signing_keys)
        register(checks.check_webhook_secret)
