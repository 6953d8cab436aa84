"""The emails accounts send, rendered from `templates/accounts/email/`, through Django's email backend."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import ngettext

from . import links

logger = logging.getLogger("accounts.auth")


def send_verification_email(user):
    return _send("verify_email", user.email, {"user": user, "link": links.verification_link(user)})


def send_password_reset_email(user):
    return _send("password_reset", user.email, {"user": user, "link": links.password_reset_link(user)})


def send_password_reset_no_account_email(email):
    return _send("password_reset_no_account", email, {"email": email})


def _send(template, to, context):
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


def _lifetime(seconds):
    hours, rest = divmod(seconds, 3600)
    if hours and not rest:
        return ngettext("%d hour", "%d hours", hours) % hours
    minutes = max(seconds // 60, 1)
    return ngettext("%d minute", "%d minutes", minutes) % minutes
