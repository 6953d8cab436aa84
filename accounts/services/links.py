"""The links we mail, and what following one does: prove or decline an address, reset a password, move an address.

Links are local credentials: they act on accounts a local password reaches,
never hand a Better Auth identity's account to whoever reads the mailbox, and
never put a password on it. Where the holder of an address never proved it,
a proof through a link does not give the prover that account: the holder
releases the address and the prover gets an account of their own.
"""

import logging

from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from audit.services import audit_record

from .. import emails, links
from ..exceptions import EmailChangeNotHere, EmailTaken, InvalidLink
from ..models import EmailProof, Identity, User
from .ownership import ReleaseReason, user_email_release
from .tokens import user_tokens_revoke

logger = logging.getLogger("accounts.auth")


def email_verification_resend(*, email: str) -> None:
    """Mail a fresh link if a local account is waiting for `email` to be proven, otherwise a note that none is.

    Either way one query and one email, so the answer takes the same time and
    says nothing about the address.
    """
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None and _awaits_verification(user):
        emails.send_verification_email(user)
    else:
        emails.send_verification_not_needed_email(email)


def _awaits_verification(user: User) -> bool:
    return user.identity == Identity.LOCAL and user.email_proof == EmailProof.NONE


def email_verify(*, uid: str, token: str) -> User:
    """Record that the mailbox of a local account's address opened its sign-up link; InvalidLink otherwise."""
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.email_verification_tokens)
        if not _awaits_verification(user):
            raise InvalidLink()
        user.email_prove(EmailProof.VERIFICATION_LINK)
        user.save(update_fields=["email_verified", "email_proof"])
    logger.info("email address verified", extra={"event": "email_verified", "user_id": user.pk})
    return user


def email_decline(*, uid: str, token: str) -> None:
    """ "This wasn't me": the account that signed up with the address gives it up; InvalidLink otherwise."""
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.email_decline_tokens)
        if not _awaits_verification(user):
            raise InvalidLink()
        user_email_release(user=user, reason=ReleaseReason.DECLINED)


def password_reset_request(*, email: str) -> None:
    """Mail `email` what a reset can do for it: a link, or a note saying why there is none.

    A local account with a proven address gets a reset link. An account that
    never proved the address gets a link to an account of the reader's own.
    A Better Auth identity that proved it is told to reset at Better Auth.
    With no active account, a note says so. Either way one query and one
    email, so the answer takes comparable time and says nothing about the address.
    """
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        emails.send_password_reset_no_account_email(email)
    elif _reset_keeps_account(user):
        emails.send_password_reset_email(user)
    elif user.email_yields:
        emails.send_password_reset_new_account_email(user)
    else:
        emails.send_password_reset_better_auth_email(email)


def _reset_keeps_account(user: User) -> bool:
    """A reset sets the password of a local account whose holder proved its address; no other account."""
    return user.identity == Identity.LOCAL and user.email_proof != EmailProof.NONE


def password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Follow a reset link: a new password for the account, or a new account for the prover.

    For a local account with a proven address the password changes and every
    earlier token fails. For an account that never proved its address (a
    Better Auth identity, or a local sign-up nobody confirmed) the holder
    releases it and keeps its data; the prover gets a new local account with
    the address and the password. Either way the address is now proven by a
    reset. InvalidLink unless the link holds; Django's ValidationError when
    the password fails the validators (the link stays usable then).
    """
    with transaction.atomic():
        holder = _user_of_link(uid=uid, token=token, generator=links.password_reset_tokens)
        if _reset_keeps_account(holder):
            password_validation.validate_password(password, holder)
            holder.set_password(password)
            holder.email_prove(EmailProof.PASSWORD_RESET)
            holder.save(update_fields=["password", "email_verified", "email_proof"])
            user_tokens_revoke(user=holder, via="api")
            audit_record(event=AuditEvent.PASSWORD_RESET, user_id=holder.pk, via="api")
            logger.info("password reset", extra={"event": "password_reset", "user_id": holder.pk})
            return holder
        if not holder.email_yields:
            raise InvalidLink()
        return _user_create_for_prover(holder=holder, password=password)


def _user_create_for_prover(*, holder: User, password: str) -> User:
    email = holder.email
    prover = User(email=email, identity=Identity.LOCAL)
    password_validation.validate_password(password, prover)
    user_email_release(user=holder, reason=ReleaseReason.PASSWORD_RESET)
    prover.set_password(password)
    prover.email_prove(EmailProof.PASSWORD_RESET)
    prover.save(force_insert=True)
    logger.info(
        "user created by a password reset for a released address",
        extra={"event": "user_created", "user_id": prover.pk, "released_user_id": holder.pk},
    )
    return prover


def email_change_request(*, user: User, new_email: str) -> None:
    """Ask to move `user` to `new_email`: nothing changes until the new address confirms.

    The new address gets the confirmation link, or, when another account
    holds that address, a note that nothing will change; the current address
    gets a notice. The caller answers the same either way. EmailChangeNotHere
    for a Better Auth identity, whose address Better Auth owns.
    """
    email_change_ensure_here(user=user)
    if User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
        emails.send_email_change_taken_email(new_email)
    else:
        emails.send_email_change_email(user, new_email)
    emails.send_email_change_notice(user)
    logger.info("email change requested", extra={"event": "email_change_requested", "user_id": user.pk})


def email_change_ensure_here(*, user: User) -> None:
    """EmailChangeNotHere for a Better Auth identity: Better Auth owns its address."""
    if user.identity != Identity.LOCAL:
        raise EmailChangeNotHere()


def email_change_confirm(*, uid: str, token: str) -> User:
    """Follow a change-of-address link: the account moves to the address that confirmed, and is signed out.

    Only to an address no other account holds: a confirmation never moves an
    address away from another account (EmailTaken), whoever clicks it. InvalidLink unless the link holds.
    """
    try:
        with transaction.atomic():
            user = _user_of_link(uid=uid, token=token, generator=None)
            new_email = links.email_change_tokens.new_email(user, token)
            if new_email is None or user.identity != Identity.LOCAL:
                raise InvalidLink()
            user.email = new_email
            user.email_prove(EmailProof.EMAIL_CHANGE)
            user.save(update_fields=["email", "email_verified", "email_proof"])
            user_tokens_revoke(user=user, via="api")
            audit_record(event=AuditEvent.EMAIL_CHANGED, user_id=user.pk, via="api")
    except IntegrityError:
        raise EmailTaken() from None
    logger.info("email address changed", extra={"event": "email_changed", "user_id": user.pk})
    return user


def _user_of_link(*, uid: str, token: str, generator: PasswordResetTokenGenerator | None) -> User:
    """The active user a link names, locked until the transaction ends, if its token holds; else InvalidLink.

    The lock makes a link single-use under races too: whoever comes second
    sees the state the first one changed, which the token no longer matches.
    `generator` None leaves the token to the caller.
    """
    user_id = links.user_id_from_uid(uid)
    user = None
    if user_id is not None:
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or (generator is not None and not generator.check_token(user, token)):
        raise InvalidLink()
    return user
