"""System checks that stop start-up on unsafe or broken configuration."""

import re
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from drf_better_auth.checks import secret_errors

from .compiled import django_verified_errors


@register()
def check_secret_key(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, DJANGO_SECRET_KEY must be set and at least 32 characters long."""
    if settings.DEBUG:
        return []
    return secret_errors(
        variable="DJANGO_SECRET_KEY",
        value=settings.SECRET_KEY,
        placeholder=settings.DEVELOPMENT_SECRET_KEY,
        id_prefix="core",
    )


@register()
def check_metrics_token(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, METRICS_TOKEN is optional (metrics off), but never weak or another secret."""
    token = settings.METRICS_TOKEN
    if settings.DEBUG or not token:
        return []
    if weak := secret_errors(variable="METRICS_TOKEN", value=token, placeholder=None, id_prefix="core.metrics"):
        return weak
    if token in (settings.SECRET_KEY, settings.BETTER_AUTH_SECRET, settings.BETTER_AUTH_WEBHOOK_SECRET):
        # Whoever scrapes metrics must not hold a key that signs tokens, sessions or events.
        return [
            Error(
                "METRICS_TOKEN must be a secret of its own, not DJANGO_SECRET_KEY or a Better Auth secret.",
                hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="core.E030",
            )
        ]
    return []


# What a browser sends as `Origin`: scheme, lower-case host, optional port; nothing else.
_ORIGIN = re.compile(r"^https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")


@register()
def check_cors_allowed_origins(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
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
def check_browser_middleware(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
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


@register()
def check_django_verified(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """core.compiled reads the ORM compiler's internals: only a Django release it was verified against runs it."""
    return django_verified_errors()
