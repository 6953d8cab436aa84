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
