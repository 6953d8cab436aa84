"""Who holds an email address, and who may take it from whom: the ownership rule.

An address is held by at most one account. It never links two accounts, nor
an account to a second identity: each account is reached only by its own
credentials (`User.identity`). When two parties claim one address, the one
with the stronger proof keeps it (`User.email_yields`): whoever proves it
with more than a click (Better Auth's `emailVerified` for a new identity, a
password reset) takes it from a holder that proved nothing, or only clicked a
sign-up link. The holder keeps its own id, credentials and
data under no address. Two holders with strong proofs are never merged.
"""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.crypto import get_random_string

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import YIELDING_PROOFS, EmailProof, User, normalize_email

logger = logging.getLogger("accounts.auth")

EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length  # type: ignore[assignment]  # set (the stubs allow None)
# Addresses of released accounts: `.invalid` is reserved (RFC 2606), so no mail ever reaches one.
RELEASED_EMAIL_DOMAIN = "released.invalid"
RELEASED_ADDRESS_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


class ReleaseReason:
    """Why an account gave its address up, as the `email_released` log line says it."""

    BETTER_AUTH_PROOF = "proven_by_better_auth"
    PASSWORD_RESET = "proven_by_password_reset"
    DECLINED = "declined_by_address_owner"


def email_clean(raw: object) -> str | None:
    """The normalised address if the database can hold it and it is valid, else None.

    Every address that comes in (a body, a token, an event, an import) goes through here.
    """
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


def email_proof_after(*, user: User, email: str, proof: str) -> str:
    """How `user`, about to hold `email`, has proven it: the proof brought now, or theirs for this very address.

    An address once proven stays proven until it changes; a new one starts unproven.
    """
    if proof != EmailProof.NONE:
        return proof
    return user.email_proof if email == user.email else EmailProof.NONE


def email_release(*, email: str, to_user_id: str, reason: str) -> User | None:
    """The ownership rule: the account holding `email`, if its proof yields, gives it up to `to_user_id`.

    A holder with a strong proof keeps the address, and the caller's save then
    fails on the unique email. Call it inside the transaction that gives the
    address away, so both happen or neither. Answers the released account, or None.
    """
    holder = (
        User.objects.select_for_update()
        .filter(email=email, email_proof__in=YIELDING_PROOFS)
        .exclude(pk=to_user_id)
        .first()
    )
    if holder is None:
        return None
    return user_email_release(user=holder, reason=reason, to_user_id=to_user_id)


def user_email_release(*, user: User, reason: str, to_user_id: str | None = None) -> User:
    """`user` gives up its address: it keeps its id, credentials and data under an address no mail reaches.

    It may take and prove another one. The release is logged once the
    caller's transaction commits, with both ids and the reason, never the address.
    """
    user.email = f"unverified-{get_random_string(20, RELEASED_ADDRESS_CHARS)}@{RELEASED_EMAIL_DOMAIN}"
    user.email_prove(EmailProof.NONE)
    user.save(update_fields=["email", "email_verified", "email_proof"])
    audit_record(event=AuditEvent.EMAIL_CHANGED, user_id=user.pk, detail={"action": f"released: {reason}"})
    transaction.on_commit(
        lambda: logger.warning(
            "account released its email address",
            extra={"event": "email_released", "user_id": user.pk, "to_user_id": to_user_id, "reason": reason},
        )
    )
    return user
