"""System checks that stop start-up on unsafe or broken configuration."""

import re

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


# What a browser sends as `Origin`: scheme, lower-case host, optional port; nothing else.
_ORIGIN = re.compile(r"^https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")


@register()
def check_cors_allowed_origins(app_configs=None, **kwargs):
    """Each CORS origin must be exactly what browsers send, or it never matches."""
    return [
        Error(
            f"CORS_ALLOWED_ORIGINS has {origin!r}, which no browser sends as its origin.",
            hint="Write each origin as scheme://host[:port] in lower case, with no path and no "
            "trailing slash, e.g. https://app.example.com or http://localhost:3000.",
            id="core.E010",
        )
        for origin in settings.CORS_ALLOWED_ORIGINS
        if not _ORIGIN.match(origin)
    ]
