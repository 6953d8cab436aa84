"""The one-time links we mail: email verification and password reset.

A link carries the user's id (urlsafe base64, as Django's own reset views do)
and a token from a `PasswordResetTokenGenerator`. The token is an HMAC of the
account's state, nothing is stored: it dies when that state changes (the
password or last sign-in for a reset, the address or the verified flag for a
verification), which makes it single-use, and after `PASSWORD_RESET_TIMEOUT`
seconds. The links point at the Next.js pages that post them back to the API.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import USER_ID_PATTERN

VERIFY_EMAIL_PATH = "/verify-email"
RESET_PASSWORD_PATH = "/reset-password"


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.links.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # A new address, or the address verified, and every earlier link fails.
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


# Django's own reset generator: bound to the password hash, last sign-in and email.
password_reset_tokens = PasswordResetTokenGenerator()
email_verification_tokens = EmailVerificationTokenGenerator()


def uid_of(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from_uid(uid):
    """The user id a link's `uid` holds, or None when it holds no possible id."""
    try:
        user_id = force_str(urlsafe_base64_decode(uid))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    # Checked before any query: a decoded NUL would make PostgreSQL refuse it.
    return user_id if USER_ID_PATTERN.fullmatch(user_id) else None


def link_to(path, user, token):
    """The front end's page at `path`, with the user's uid and the token in the query."""
    query = urlencode({"uid": uid_of(user), "token": token})
    return f"{settings.FRONTEND_URL.rstrip('/')}{path}?{query}"


def verification_link(user):
    return link_to(VERIFY_EMAIL_PATH, user, email_verification_tokens.make_token(user))


def password_reset_link(user):
    return link_to(RESET_PASSWORD_PATH, user, password_reset_tokens.make_token(user))
