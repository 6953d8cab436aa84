"""The one-time links we mail: verify an address, decline it, reset a password, confirm a new address.

A link carries the user's id (urlsafe base64, as Django's own reset views do)
and a token. The tokens are HMACs of the account's state, stored nowhere:
each dies when that state changes, which makes it single-use, and after
`PASSWORD_RESET_TIMEOUT` seconds (`ACCOUNT_LINK_LIFETIME`).

- Verification and decline: the address and how it was proven. Both die
  once the address is proven, released or changed.
- Password reset: Django's (the password hash, last sign-in, the address)
  plus the account's identity and proof, so a link mailed for an unproven
  holder does not work once the holder has proven the address.
- Change of address: the new address rides in the token (signed, not secret:
  it goes to that very address), bound to the password hash, the current
  address and its proof, and the last revocation. A password reset, a sign
  out everywhere or the change itself kills every pending change.

The links point at the Next.js pages that post them back to the API.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import USER_ID_PATTERN, User

VERIFY_EMAIL_PATH = "/verify-email"
DECLINE_EMAIL_PATH = "/verify-email/decline"
RESET_PASSWORD_PATH = "/reset-password"
CONFIRM_EMAIL_CHANGE_PATH = "/confirm-email-change"


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.links.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_proof}{timestamp}"


class EmailDeclineTokenGenerator(EmailVerificationTokenGenerator):
    """The "this wasn't me" link beside a verification link: the same state, a key of its own."""

    key_salt = "accounts.links.EmailDeclineTokenGenerator"


class PasswordResetTokens(PasswordResetTokenGenerator):
    key_salt = "accounts.links.PasswordResetTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.identity}{user.email_proof}"


class EmailChangeTokens:
    """Tokens that carry a new address for one account, signed and bound to that account's state."""

    salt = "accounts.links.EmailChangeTokens"

    def make_token(self, user: User, new_email: str) -> str:
        return signing.dumps({"email": new_email, "state": self._state(user)}, salt=self.salt)

    def new_email(self, user: User, token: str) -> str | None:
        """The address `token` asks `user` to move to, while the link holds; else None."""
        try:
            payload = signing.loads(token, salt=self.salt, max_age=settings.PASSWORD_RESET_TIMEOUT)
        except signing.BadSignature:
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("email"), str):
            return None
        if not constant_time_compare(str(payload.get("state")), self._state(user)):
            return None
        return payload["email"]

    def _state(self, user: User) -> str:
        revoked = user.tokens_valid_after.timestamp() if user.tokens_valid_after else ""
        value = f"{user.pk}{user.password}{user.email}{user.email_proof}{revoked}"
        return salted_hmac(self.salt, value, algorithm="sha256").hexdigest()[:32]


password_reset_tokens = PasswordResetTokens()
email_verification_tokens = EmailVerificationTokenGenerator()
email_decline_tokens = EmailDeclineTokenGenerator()
email_change_tokens = EmailChangeTokens()


def uid_of(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from_uid(uid: str) -> str | None:
    """The user id a link's `uid` holds, or None when it holds no possible id."""
    try:
        user_id = force_str(urlsafe_base64_decode(uid))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    # Checked before any query: a decoded NUL would make PostgreSQL refuse it.
    return user_id if USER_ID_PATTERN.fullmatch(user_id) else None


def link_to(path: str, user: User, token: str) -> str:
    """The front end's page at `path`, with the user's uid and the token in the query."""
    query = urlencode({"uid": uid_of(user), "token": token})
    return f"{settings.FRONTEND_URL.rstrip('/')}{path}?{query}"


def verification_link(user: User) -> str:
    return link_to(VERIFY_EMAIL_PATH, user, email_verification_tokens.make_token(user))


def decline_link(user: User) -> str:
    return link_to(DECLINE_EMAIL_PATH, user, email_decline_tokens.make_token(user))


def password_reset_link(user: User) -> str:
    return link_to(RESET_PASSWORD_PATH, user, password_reset_tokens.make_token(user))


def email_change_link(user: User, new_email: str) -> str:
    return link_to(CONFIRM_EMAIL_CHANGE_PATH, user, email_change_tokens.make_token(user, new_email))
