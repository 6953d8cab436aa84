"""System checks that stop start-up on unsafe or broken configuration."""

import re

from django.conf import settings
from django.core.checks import Error, Warning, register

MINIMUM_SECRET_LENGTH = 32

# (setting name, environment variable, development placeholder setting)
SECRETS = [
    ("SECRET_KEY", "DJANGO_SECRET_KEY", "DEVELOPMENT_SECRET_KEY"),
    ("BETTER_AUTH_SECRET", "BETTER_AUTH_SECRET", "DEVELOPMENT_BETTER_AUTH_SECRET"),
]
PREVIOUS_SECRETS_VARIABLE = "BETTER_AUTH_PREVIOUS_SECRETS"


def previous_secret_weakness(value):
    """Why `value` may not verify tokens as a previous secret, or None.

    The development placeholders are public (they are in this repository), so
    a token signed with one proves nothing; nor does one signed with a secret
    short enough to guess.
    """
    if value in (settings.DEVELOPMENT_SECRET_KEY, settings.DEVELOPMENT_BETTER_AUTH_SECRET):
        return "is a development placeholder"
    if len(value) < MINIMUM_SECRET_LENGTH:
        return f"is too weak: {len(value)} characters, at least {MINIMUM_SECRET_LENGTH} are required"
    return None


@register()
def check_secrets(app_configs=None, **kwargs):
    """With DEBUG off, each secret must be set and at least 32 characters long.

    Previous secrets are checked in every mode: weak ones are errors with
    DEBUG off and warnings with it on (the token backend ignores them either way).
    """
    return _check_previous_secrets() + ([] if settings.DEBUG else _check_current_secrets())


def _check_current_secrets():
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


def _check_previous_secrets():
    # Messages name the entry by position, never by value.
    problems = []
    previous = getattr(settings, "SIMPLE_JWT", {}).get("PREVIOUS_SIGNING_KEYS", [])
    for position, value in enumerate(previous, start=1):
        weakness = previous_secret_weakness(value)
        if weakness is None:
            continue
        message = f"{PREVIOUS_SECRETS_VARIABLE} entry {position} {weakness}."
        if settings.DEBUG:
            problems.append(
                Warning(message, hint="It is ignored: tokens signed with it are refused.", id="core.W001")
            )
        else:
            problems.append(
                Error(
                    message,
                    hint="Remove it: anyone could forge tokens signed with it. Previous secrets are "
                    f"earlier values of BETTER_AUTH_SECRET, at least {MINIMUM_SECRET_LENGTH} characters each.",
                    id="core.E003",
                )
            )
    return problems


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


# What Django's CSRF deploy check, the admin and django-axes ask MIDDLEWARE to hold (their
# checks security.W003, admin.E408-E410 and axes.W002, silenced in settings): here they live
# in BROWSER_MIDDLEWARE, in this order.
BROWSER_PAGES_NEED = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]


@register()
def check_browser_middleware(app_configs=None, **kwargs):
    """CSRF, the admin's and axes' middleware run for browser pages: BrowserPagesMiddleware and what it runs."""
    listed = list(getattr(settings, "BROWSER_MIDDLEWARE", []))
    in_order = [path for path in listed if path in BROWSER_PAGES_NEED]
    if "core.middleware.BrowserPagesMiddleware" in settings.MIDDLEWARE and in_order == BROWSER_PAGES_NEED:
        return []
    return [
        Error(
            "CSRF, the admin and django-axes need core.middleware.BrowserPagesMiddleware in MIDDLEWARE "
            "and these in BROWSER_MIDDLEWARE, in this order: " + ", ".join(BROWSER_PAGES_NEED) + ".",
            id="core.E020",
        )
    ]
