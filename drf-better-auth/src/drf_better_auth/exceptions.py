"""Errors of the package, with SimpleJWT's codes and bodies.

`TokenError` is raised below the HTTP layer (decoding, verification, the
app's rules); `InvalidToken.from_token_error` turns it into SimpleJWT's 401
body, `{"detail": ..., "code": "token_not_valid", "messages": [...]}`, where
a request meets it: the authentication class and the token endpoints.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class TokenError(Exception):
    """A token failed verification; the message says why, for people."""


class TokenBackendError(TokenError):
    """The token could not be decoded or its signature verified."""


class DetailDictMixin:
    """SimpleJWT's error detail: a dict with `detail` and `code`, and whatever else the error adds."""

    default_detail: Any
    default_code: str

    def __init__(self, detail: Any = None, code: str | None = None) -> None:
        detail_dict = {"detail": self.default_detail, "code": self.default_code}
        if isinstance(detail, dict):
            detail_dict.update(detail)
        elif detail is not None:
            detail_dict["detail"] = detail
        if code is not None:
            detail_dict["code"] = code
        super().__init__(detail_dict)  # type: ignore[call-arg]


class AuthenticationFailed(DetailDictMixin, exceptions.AuthenticationFailed):
    pass


class InvalidToken(AuthenticationFailed):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Token is invalid or expired")
    default_code = "token_not_valid"

    @classmethod
    def from_token_error(cls, error: TokenError, *, token_type: str = "access") -> "InvalidToken":
        message = str(error)
        token_class = f"{token_type.capitalize()}Token"
        return cls(
            {
                "detail": message,
                "messages": [{"token_class": token_class, "token_type": token_type, "message": message}],
            }
        )


class BadAuthorizationHeader(AuthenticationFailed):
    default_detail = _("Authorization header must contain two space-delimited values")
    default_code = "bad_authorization_header"


class UserNotFound(AuthenticationFailed):
    default_detail = _("User not found")
    default_code = "user_not_found"


class UserInactive(AuthenticationFailed):
    default_detail = _("User is inactive")
    default_code = "user_inactive"


class AccountRefused(DetailDictMixin, exceptions.PermissionDenied):
    """The token is good, and names a person who may not use the API now: 403, never a 401 to sign in again.

    The base of the app's own refusals of an account (a rule raises a
    subclass with its own `default_code`); signing in again would not help.
    """

    default_detail = _("This account may not use the API now.")
    default_code = "account_refused"


class UserBanned(AccountRefused):
    """Banned through Better Auth's admin plugin, until the ban is lifted or expires."""

    default_detail = _("This account is banned.")
    default_code = "user_banned"


class NoActiveAccount(AuthenticationFailed):
    default_detail = _("No active account found with the given credentials")
    default_code = "no_active_account"


class WebhooksNotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Better Auth events are not configured on this API (BETTER_AUTH_WEBHOOK_SECRET).")
    default_code = "events_not_configured"


class SignatureInvalid(exceptions.AuthenticationFailed):
    default_detail = _("The event's Webhook-Id, Webhook-Timestamp or Webhook-Signature is missing or wrong.")
    default_code = "signature_invalid"


class TimestampOutOfRange(exceptions.AuthenticationFailed):
    default_detail = _("The event's Webhook-Timestamp is too far from the API's clock (more than 5 minutes).")
    default_code = "timestamp_out_of_range"


class EventInvalid(exceptions.ParseError):
    default_detail = _('The event is not valid JSON of the form {"type": ..., "data": {...}}.')
    default_code = "event_invalid"


class EventTypeUnknown(exceptions.ParseError):
    default_detail = _("Unknown event type.")
    default_code = "event_type_unknown"


class ApiKeyInvalid(AuthenticationFailed):
    default_detail = _("API key is invalid, expired or revoked")
    default_code = "api_key_not_valid"


class ApiKeyNotAccepted(exceptions.PermissionDenied):
    default_detail = _("API keys are not accepted here; sign in as a person.")
    default_code = "api_key_not_accepted"


class ApiKeyScopeMissing(exceptions.PermissionDenied):
    default_detail = _("The API key lacks the scope this request needs.")
    default_code = "api_key_scope_missing"

    def __init__(self, scope: str) -> None:
        super().__init__(_("The API key lacks the scope this request needs: %s.") % scope)
