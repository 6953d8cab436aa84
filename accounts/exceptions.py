"""Errors of the accounts endpoints and rules; the token errors are drf_better_auth's (`exceptions`)."""

from django.utils.translation import gettext_lazy as _
from drf_better_auth.exceptions import AuthenticationFailed
from rest_framework import exceptions, status


class UserConflict(AuthenticationFailed):
    default_detail = _(
        "No account can be created for this token: its email address belongs to another account. "
        "A new token will not help; support must relink the account"
    )
    default_code = "user_conflict"


class SignInLocked(exceptions.APIException):
    """Too many failed sign-ins from this client IP or for this account (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed sign-in attempts; try again later.")
    default_code = "sign_in_locked"

    def __init__(self, wait: int) -> None:
        super().__init__()
        # DRF's handler sends `wait` as Retry-After, as it does for Throttled.
        self.wait = wait


class InvalidLink(exceptions.APIException):
    """A verification or password reset link that does not hold: tampered with, used, outdated or expired."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("This link is invalid, already used or expired. Ask for a new one.")
    default_code = "invalid_link"


class EmailTaken(exceptions.APIException):
    """A confirmed change of address to one another account holds: a confirmation never takes an address away."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Another account uses this address, so this account cannot move to it.")
    default_code = "email_taken"


class EmailChangeNotHere(exceptions.APIException):
    """A Better Auth identity's address is Better Auth's: it changes there, and reaches us in its tokens."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This account signs in through Better Auth: change its address there.")
    default_code = "email_managed_by_better_auth"


class PasswordIncorrect(exceptions.APIException):
    """The signed-in holder's current password, asked again before a change that cannot be undone, is wrong."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The current password is not correct.")
    default_code = "password_incorrect"


class PasswordManagedByBetterAuth(exceptions.APIException):
    """A Better Auth identity has no password here: it signs in, and changes its password, at Better Auth."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This account signs in through Better Auth: change its password there.")
    default_code = "password_managed_by_better_auth"


class RecentSignInRequired(exceptions.APIException):
    """A Better Auth identity deletes its account only with a token from a recent sign-in."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("Sign in again, then delete the account within 5 minutes.")
    default_code = "recent_sign_in_required"


class StaffAccount(exceptions.APIException):
    """A staff account is not deleted through the API: its admin history would go with it."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This account has admin access; a superuser removes that before the account can be deleted.")
    default_code = "staff_account"


class ApiKeyLimitReached(exceptions.APIException):
    """The person holds as many API keys as one may: revoke one to make another (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "api_key_limit_reached"

    def __init__(self, limit: int) -> None:
        super().__init__(f"You have reached the limit of {limit} API keys. Revoke one to create another.")
