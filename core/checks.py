"""System checks that stop start-up on unsafe production configuration."""

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_SECRET_LENGTH = 32

# (setting name, environment variable, development placeholder setting)
SECRETS = [
    ("SECRET_KEY", "DJANGO_SECRET_KEY", "DEVELOPMENT_SECRET_KEY"),
    ("BETTER_AUTH_SECRET", "BETTER_AUTH_SECRET", "DEVELOPMENT_BETTER_AUTH_SECRET"),
]


@register()
def check_secrets(app_configs=None, **kwargs):
    """With DEBUG off, each secret must be set and at least 32 characters long."""
    if settings.DEBUG:
        return []
    errors = []
    for setting, variable, placeholder in SECRETS:
        value = getattr(settings, setting, "") or ""
        if not value or value == getattr(settings, placeholder, None):
            errors.append(
                Error(
                    f"{variable} is not set.",
                    hint=f"Set {variable} to a random value of at least "
                    f"{MINIMUM_SECRET_LENGTH} characters, or set DJANGO_DEBUG=true for development.",
                    id="core.E001",
                )
            )
        elif len(value) < MINIMUM_SECRET_LENGTH:
            errors.append(
                Error(
                    f"{variable} is too weak: {len(value)} characters, "
                    f"at least {MINIMUM_SECRET_LENGTH} are required.",
                    hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                    id="core.E002",
                )
            )
    return errors


@register()
def check_webhook_secret(app_configs=None, **kwargs):
    """With DEBUG off, BETTER_AUTH_WEBHOOK_SECRET is optional (events off), but never weak or shared."""
    value = getattr(settings, "BETTER_AUTH_WEBHOOK_SECRET", "") or ""
    if settings.DEBUG or not value:
        return []
    if len(value) < MINIMUM_SECRET_LENGTH:
        return [
            Error(
                f"BETTER_AUTH_WEBHOOK_SECRET is too weak: {len(value)} characters, "
                f"at least {MINIMUM_SECRET_LENGTH} are required.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="core.E002",
            )
        ]
    if value in (settings.BETTER_AUTH_SECRET, settings.SECRET_KEY):
        # Whoever holds a token-signing secret must not also be able to sign events, and back.
        return [
            Error(
                "BETTER_AUTH_WEBHOOK_SECRET must be a secret of its own, not BETTER_AUTH_SECRET or DJANGO_SECRET_KEY.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="core.E005",
            )
        ]
    return []
