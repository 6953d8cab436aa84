"""Finding the user an operator names on the command line."""

from django.core.management.base import CommandError

from accounts.models import User, normalize_email


def user_from_argument(email_or_id: str) -> User:
    """The user with this email address (any case) or this id; CommandError when there is none."""
    # Ids never contain "@" (see USER_ID_PATTERN), so the two cannot be confused.
    if "@" in email_or_id:
        lookup, description = {"email": normalize_email(email_or_id)}, "email address"
    else:
        lookup, description = {"pk": email_or_id}, "id"
    try:
        return User.objects.get(**lookup)
    except User.DoesNotExist:
        raise CommandError(f"No user has the {description} {email_or_id!r}.") from None
