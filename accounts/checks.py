"""System checks on the token bridge's secrets: start-up stops when one is missing, weak or shared."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from core.checks import GENERATE_HINT, MINIMUM_SECRET_LENGTH, secret_errors

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
def check_better_auth_secrets(app_configs=None, **kwargs):
    """With DEBUG off, BETTER_AUTH_SECRET must be set and at least 32 characters long.

    Previous secrets are checked in every mode: weak ones are errors with
    DEBUG off and warnings with it on (the token backend ignores them either way).
    """
    problems = _check_previous_secrets()
    if not settings.DEBUG:
        problems += secret_errors(
            variable="BETTER_AUTH_SECRET",
            value=settings.BETTER_AUTH_SECRET,
            placeholder=settings.DEVELOPMENT_BETTER_AUTH_SECRET,
            id_prefix="accounts",
        )
    return problems


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
                Warning(message, hint="It is ignored: tokens signed with it are refused.", id="accounts.W001")
            )
        else:
            problems.append(
                Error(
                    message,
                    hint="Remove it: anyone could forge tokens signed with it. Previous secrets are "
                    f"earlier values of BETTER_AUTH_SECRET, at least {MINIMUM_SECRET_LENGTH} characters each.",
                    id="accounts.E003",
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
                hint=GENERATE_HINT,
                id="accounts.E002",
            )
        ]
    if value in (settings.BETTER_AUTH_SECRET, settings.SECRET_KEY):
        # Whoever holds a token-signing secret must not also be able to sign events, and back.
        return [
            Error(
                "BETTER_AUTH_WEBHOOK_SECRET must be a secret of its own, not BETTER_AUTH_SECRET or DJANGO_SECRET_KEY.",
                hint=GENERATE_HINT,
                id="accounts.E005",
            )
        ]
    return []


DELETED_USERS_CHOICES = ("delete", "deactivate")


@register()
def check_better_auth_deleted_users(app_configs=None, **kwargs):
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
