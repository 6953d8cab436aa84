"""Who holds an email address, and who may take it from whom: the ownership rule."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.crypto import get_random_string

from ..models import User, normalize_email

logger = logging.getLogger("accounts.auth")

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
# Addresses of released accounts: `.invalid` is reserved (RFC 2606), so no mail ever reaches one.
RELEASED_EMAIL_DOMAIN = "released.invalid"
RELEASED_ADDRESS_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def email_clean(raw):
    """The normalised address if the database can hold it and it is valid, else None."""
    if not isinstance(raw, str):
        return None
    email = normalize_email(raw)
    if len(email) > EMAIL_MAX_LENGTH:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def email_verified_after(*, user, email, proven):
    """Whether `user` holding `email` has proven it: a proof now, or theirs already for this very address.

    An address once proven stays proven until it changes; a new one starts unproven.
    """
    return proven or (email == user.email and user.email_verified)


def email_release(*, email, to_user_id):
    """The ownership rule: an unverified account holding `email` gives it up to `to_user_id`, who proved it.

    The holder keeps its id, password and tasks under a placeholder address of
    the reserved `.invalid` domain, and can take and verify another. A
    verified holder keeps the address: two proven holders are never merged,
    and the caller's save then fails on the unique email. Call it inside the
    transaction that gives the address away, so both happen or neither; the
    release is logged once that transaction commits. Answers the released
    account, or None.
    """
    holder = (
        User.objects.select_for_update()
        .filter(email=email, email_verified=False)
        .exclude(pk=to_user_id)
        .first()
    )
    if holder is None:
        return None
    holder.email = f"unverified-{get_random_string(20, RELEASED_ADDRESS_CHARS)}@{RELEASED_EMAIL_DOMAIN}"
    holder.save(update_fields=["email"])
    transaction.on_commit(
        lambda: logger.warning(
            "unverified account released its email address to a verified owner",
            extra={"event": "email_released", "user_id": holder.pk, "to_user_id": to_user_id},
        )
    )
    return holder
