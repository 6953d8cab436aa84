"""System checks: the secrets, in the names operators set (drf_better_auth's rules), and BETTER_AUTH_DELETED_USERS.

drf_better_auth's own checks would name the settings (`SIMPLE_JWT[...]`); these
name the environment variables config/settings.py reads them from, so the
package's app is not installed and these are registered instead.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from drf_better_auth.checks import previous_key_problems, secret_errors, webhook_secret_problems

PREVIOUS_SECRETS_VARIABLE = "BETTER_AUTH_PREVIOUS_SECRETS"


@register()
def check_better_auth_secrets(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, BETTER_AUTH_SECRET must be set and at least 32 characters long.

    Previous secrets are checked in every mode: weak ones are errors with
    DEBUG off and warnings with it on (the token backend ignores them either way).
    """
    problems = previous_key_problems(variable=PREVIOUS_SECRETS_VARIABLE, id_prefix="accounts")
    if not settings.DEBUG:
        problems += secret_errors(
            variable="BETTER_AUTH_SECRET",
            value=settings.BETTER_AUTH_SECRET,
            placeholder=settings.DEVELOPMENT_BETTER_AUTH_SECRET,
            id_prefix="accounts",
        )
    return problems


@register()
def check_webhook_secret(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, BETTER_AUTH_WEBHOOK_SECRET is optional (events off), but never weak or shared."""
    return webhook_secret_problems(variable="BETTER_AUTH_WEBHOOK_SECRET", id_prefix="accounts")


DELETED_USERS_CHOICES = ("delete", "deactivate")


@register()
def check_better_auth_deleted_users(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """BETTER_AUTH_DELETED_USERS is `delete` or `deactivate`: a typo must not silently keep or erase data."""
    value = getattr(settings, "BETTER_AUTH_DELETED_USERS", "delete")
    if value in DELETED_USERS_CHOICES:
        return []
    return [
        Error(
            f"BETTER_AUTH_DELETED_USERS is {value!r}; it must be one of: {', '.join(DELETED_USERS_CHOICES)}.",
            id="accounts.E010",
        )
    ]


@register()
def check_better_auth_role_groups(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """BETTER_AUTH_ROLE_GROUPS maps role names to lists of group names: a typo must not grant or take staff rights."""
    value = getattr(settings, "BETTER_AUTH_ROLE_GROUPS", {})
    if isinstance(value, dict) and all(
        isinstance(role, str) and isinstance(groups, list) and all(isinstance(group, str) for group in groups)
        for role, groups in value.items()
    ):
        return []
    return [
        Error(
            "BETTER_AUTH_ROLE_GROUPS must be a JSON object of Better Auth role -> list of Django group names, "
            'such as {"admin": ["Support"]}.',
            id="accounts.E011",
        )
    ]
