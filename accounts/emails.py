"""The emails accounts send, rendered from `templates/accounts/email/`, through Django's email backend."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from . import links
from .models import User

logger = logging.getLogger("accounts.auth")


# No text a user chose (a name, a note) goes into these emails: an account can
# be made by a stranger with someone else's address, and its emails must not
# carry the stranger's words to that inbox. The addressee's own address is all
# they say of an account.


def send_verification_email(user: User) -> bool:
    """Someone signed up with this address: confirm it was you, or release it."""
    context = {"email": user.email, "link": links.verification_link(user), "decline_link": links.decline_link(user)}
    return _send("verify_email", user.email, context)


def send_verification_not_needed_email(email: str) -> bool:
    """A new verification link was asked for, but no account is waiting for this address to be verified."""
    return _send("verify_email_not_needed", email, {"email": email})


def send_password_reset_email(user: User) -> bool:
    return _send("password_reset", user.email, {"email": user.email, "link": links.password_reset_link(user)})


def send_password_reset_new_account_email(user: User) -> bool:
    """The account holding the address never proved it: the link gives the reader an account of their own."""
    return _send(
        "password_reset_new_account", user.email, {"email": user.email, "link": links.password_reset_link(user)}
    )


def send_password_reset_better_auth_email(email: str) -> bool:
    """The address belongs to a Better Auth identity: its password is Better Auth's to reset."""
    return _send("password_reset_better_auth", email, {"email": email})


def send_password_reset_no_account_email(email: str) -> bool:
    return _send("password_reset_no_account", email, {"email": email})


def send_email_change_email(user: User, new_email: str) -> bool:
    """To the new address: confirm that the account may move here."""
    return _send("email_change", new_email, {"email": new_email, "link": links.email_change_link(user, new_email)})


def send_email_change_taken_email(new_email: str) -> bool:
    """To the new address, when another account keeps it: nothing to confirm."""
    return _send("email_change_taken", new_email, {"email": new_email})


def send_email_change_notice(user: User) -> bool:
    """To the current address: a move to another address was asked for."""
    return _send("email_change_notice", user.email, {"email": user.email})


def _send(template: str, to: str, context: dict[str, Any]) -> bool:
    """Render and send one email; answers whether the backend took it.

    A mail server that is down is logged, not raised: the account change that
    asked for the email stands, and the person can ask again.
    """
    context = {**context, "lifetime": _lifetime(settings.PASSWORD_RESET_TIMEOUT)}
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except OSError as error:
        # smtplib's errors are OSErrors. The body holds a link: only the kind of email is logged.
        logger.error(
            "email could not be sent",
            extra={"event": "email_failed", "template": template, "reason": type(error).__name__},
        )
        return False
    return True


def _lifetime(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    if hours and not rest:
        return ngettext("%d hour", "%d hours", hours) % hours
    minutes = max(seconds // 60, 1)
    return ngettext("%d minute", "%d minutes", minutes) % minutes
