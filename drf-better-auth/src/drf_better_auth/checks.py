"""System checks on the secrets: start-up stops when one is missing, weak, published or shared.

The rules are functions an app can call with its own names (the variables its
operators set, its check ids); `DrfBetterAuthConfig.ready` registers them with
the package's.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from .settings import (
    MINIMUM_SECRET_LENGTH,
    SETTINGS_KEY,
    SIGNING_KEY_FALLBACK,
    WEBHOOK_SECRET_FALLBACK,
    api_settings,
    previous_key_weakness,
)

GENERATE_HINT = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def secret_errors(*, variable: str, value: str | None, placeholder: str | None, id_prefix: str) -> list[CheckMessage]:
    """Errors for a required secret that is unset, the development placeholder, or under 32 characters."""
    if not value or value == placeholder:
        return [
            Error(
                f"{variable} is not set.",
                hint=f"Set {variable} to a random value of at least "
                f"{MINIMUM_SECRET_LENGTH} characters, or set DJANGO_DEBUG=true for development.",
                id=f"{id_prefix}.E001",
            )
        ]
    if len(value) < MINIMUM_SECRET_LENGTH:
        return [
            Error(
                f"{variable} is too weak: {len(value)} characters, at least {MINIMUM_SECRET_LENGTH} are required.",
                hint=GENERATE_HINT,
                id=f"{id_prefix}.E002",
            )
        ]
    return []


def previous_key_problems(*, variable: str, id_prefix: str) -> list[CheckMessage]:
    """Weak previous keys: warnings with DEBUG on, errors with it off (the backend ignores them either way).

    Messages name the entry by position, never by value.
    """
    problems: list[CheckMessage] = []
    previous = getattr(settings, SETTINGS_KEY, {}).get("PREVIOUS_SIGNING_KEYS", [])
    for position, value in enumerate(previous, start=1):
        weakness = previous_key_weakness(value, api_settings.PLACEHOLDER_SECRETS)
        if weakness is None:
            continue
        message = f"{variable} entry {position} {weakness}."
        if settings.DEBUG:
            problems.append(
                Warning(message, hint="It is ignored: tokens signed with it are refused.", id=f"{id_prefix}.W001")
            )
        else:
            problems.append(
                Error(
                    message,
                    hint=f"Remove it: anyone could forge tokens signed with it. Entries of {variable} are earlier "
                    f"signing keys, at least {MINIMUM_SECRET_LENGTH} characters each.",
                    id=f"{id_prefix}.E003",
                )
            )
    return problems


def webhook_secret_problems(*, variable: str, id_prefix: str) -> list[CheckMessage]:
    """With DEBUG off, the webhook secret is optional (events off), but never weak or another secret."""
    value: str = api_settings.WEBHOOK_SECRET
    if settings.DEBUG or not value:
        return []
    if weak := secret_errors(variable=variable, value=value, placeholder=None, id_prefix=id_prefix):
        return weak
    if value in (api_settings.SIGNING_KEY, getattr(settings, SIGNING_KEY_FALLBACK, None), settings.SECRET_KEY):
        # Whoever holds a token-signing secret must not also be able to sign events, and back.
        return [
            Error(
                f"{variable} must be a secret of its own, not the signing key, {SIGNING_KEY_FALLBACK} or SECRET_KEY.",
                hint=GENERATE_HINT,
                id=f"{id_prefix}.E005",
            )
        ]
    return []


def _signing_key_variable() -> str:
    explicit = getattr(settings, SETTINGS_KEY, {}).get("SIGNING_KEY")
    return f"{SETTINGS_KEY}['SIGNING_KEY']" if explicit else SIGNING_KEY_FALLBACK


def check_signing_keys(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """With DEBUG off, the signing key is set, at least 32 characters and no placeholder; previous keys too."""
    problems = previous_key_problems(variable=f"{SETTINGS_KEY}['PREVIOUS_SIGNING_KEYS']", id_prefix="drf_better_auth")
    if not settings.DEBUG:
        key: str | None = api_settings.SIGNING_KEY
        placeholders = api_settings.PLACEHOLDER_SECRETS
        problems += secret_errors(
            variable=_signing_key_variable(),
            value=None if key in placeholders else key,
            placeholder=None,
            id_prefix="drf_better_auth",
        )
    return problems


def check_webhook_secret(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    explicit = getattr(settings, SETTINGS_KEY, {}).get("WEBHOOK_SECRET")
    variable = f"{SETTINGS_KEY}['WEBHOOK_SECRET']" if explicit is not None else WEBHOOK_SECRET_FALLBACK
    return webhook_secret_problems(variable=variable, id_prefix="drf_better_auth")
