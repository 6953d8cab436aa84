"""The links we mail, and what following one does: verify an address, reset a password."""

import logging

from django.contrib.auth import password_validation
from django.db import transaction

from .. import emails, links
from ..exceptions import InvalidLink
from ..models import User
from .tokens import user_tokens_revoke
from .users import _mark_email_verified

logger = logging.getLogger("accounts.auth")


def email_verification_send(*, user):
    """Mail `user` a fresh link that verifies their address."""
    emails.send_verification_email(user)


def email_verification_resend(*, email):
    """A fresh link for the active, unverified account holding `email`; nothing for any other address."""
    user = User.objects.filter(email=email, is_active=True, email_verified=False).first()
    if user is not None:
        email_verification_send(user=user)


def email_verify(*, uid, token):
    """Mark verified the address a verification link was mailed to; InvalidLink unless the link holds."""
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.email_verification_tokens)
        _mark_email_verified(user)
    return user


def password_reset_request(*, email):
    """Mail `email` a reset link if an active account holds it, otherwise a note that none does.

    Either way one email is rendered and handed to the backend, so the answer
    takes comparable time and says nothing about the address; the note tells
    its owner that someone asked. The per-address rate limit bounds both.
    """
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        emails.send_password_reset_no_account_email(email)
    else:
        emails.send_password_reset_email(user)


def password_reset_confirm(*, uid, token, password):
    """Set a new password from a reset link; every earlier token of the user fails from now on.

    InvalidLink unless the link holds; Django's ValidationError when the
    password fails the validators (the link stays usable then). The link
    proved the address too, so it counts as verified.
    """
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.password_reset_tokens)
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.email_verified = True
        user.save(update_fields=["password", "email_verified"])
        user_tokens_revoke(user=user)
    logger.info("password reset", extra={"event": "password_reset", "user_id": user.pk})
    return user


def _user_of_link(*, uid, token, generator):
    """The active user a link names, locked until the transaction ends, if its token holds; else InvalidLink.

    The lock makes a link single-use under races too: whoever comes second
    sees the state the first one changed, which the token no longer matches.
    """
    user_id = links.user_id_from_uid(uid)
    user = None
    if user_id is not None:
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or not generator.check_token(user, token):
        raise InvalidLink()
    return user
