"""Better Auth's own events, delivered by its hooks: verified, parsed, applied once.

A delivery is a POST whose body is `{"type": ..., "data": {...}}`, with three
headers in the manner of Standard Webhooks (standardwebhooks.com):

- `Webhook-Id`: the event's unique id (1-100 characters of `A-Za-z0-9._:-`);
- `Webhook-Timestamp`: Unix seconds when it was sent;
- `Webhook-Signature`: `v1,<base64 HMAC-SHA256>` of `"{id}.{timestamp}.{body}"`,
  keyed with the UTF-8 bytes of BETTER_AUTH_WEBHOOK_SECRET (several
  space-separated signatures are accepted; one must match).

Deliveries more than `TIMESTAMP_TOLERANCE` from our clock are refused. An
event id is stored until its timestamp leaves that window, so a replay is
recognised and answered like the first delivery, without applying it again.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from . import services
from .models import SESSION_ID_PATTERN, USER_ID_PATTERN, Identity, ReceivedEvent, User
from .tokens import parse_datetime_claim

logger = logging.getLogger("accounts.auth")

TIMESTAMP_TOLERANCE = timedelta(minutes=5)
EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
TIMESTAMP_PATTERN = re.compile(r"^[0-9]{1,12}$")
SIGNATURE_VERSION = "v1"


class EventsNotConfigured(exceptions.APIException):
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


def sign(secret, event_id, timestamp, body):
    """The `Webhook-Signature` value for a delivery (what Better Auth's hook computes)."""
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def verify(*, headers, body, now=None):
    """The delivery's (event id, sent at) when it is signed with our secret and fresh; else an APIException."""
    secret = settings.BETTER_AUTH_WEBHOOK_SECRET
    if not secret:
        raise EventsNotConfigured()
    event_id = headers.get("Webhook-Id", "")
    timestamp = headers.get("Webhook-Timestamp", "")
    if not EVENT_ID_PATTERN.fullmatch(event_id) or not TIMESTAMP_PATTERN.fullmatch(timestamp):
        raise SignatureInvalid()
    expected = sign(secret, event_id, timestamp, body).encode()
    offered = [part.encode() for part in headers.get("Webhook-Signature", "").split() if part.isascii()]
    # Every candidate is compared, in constant time each.
    if not any([hmac.compare_digest(expected, candidate) for candidate in offered]):
        raise SignatureInvalid()
    sent_at = int(timestamp)
    now = time.time() if now is None else now
    if abs(now - sent_at) > TIMESTAMP_TOLERANCE.total_seconds():
        raise TimestampOutOfRange()
    return event_id, datetime.fromtimestamp(sent_at, tz=UTC)


@dataclass(frozen=True)
class SessionDeleted:
    type = "session.deleted"
    session_id: str
    user_id: str

    def apply(self):
        services.session_end(session_id=self.session_id, user_id=self.user_id)


@dataclass(frozen=True)
class UserUpdated:
    """Also the `profile` that `services.user_profile_sync` reads, as a token's identity is."""

    type = "user.updated"
    user_id: str
    email: str | None
    name: str | None
    profile_updated_at: datetime | None
    email_verified: bool = False

    def apply(self):
        user = User.objects.filter(pk=self.user_id).first()
        # A user not seen yet is created from their first token, with the profile it carries.
        if user is not None:
            services.user_profile_sync(user=user, profile=self)


@dataclass(frozen=True)
class UserDeleted:
    """Erases the account (BETTER_AUTH_DELETED_USERS=delete, the default) or deactivates it (=deactivate).

    Erasing records the id even for a person never seen here, so no token
    Better Auth issued before the deletion creates an account. A staff
    account, or an account a local password reaches, is only deactivated:
    Better Auth's deletion does not take their admin history or data.
    """

    type = "user.deleted"
    user_id: str

    def apply(self):
        user = User.objects.filter(pk=self.user_id).first()
        if settings.BETTER_AUTH_DELETED_USERS == "deactivate":
            if user is not None and user.is_active:
                services.user_deactivate(user=user)
            return
        if user is None:
            services.user_id_record_deleted(user_id=self.user_id)
        elif user.is_staff or user.is_superuser or user.identity != Identity.BETTER_AUTH:
            logger.warning("deleted user kept, deactivated", extra={"event": "user_erase_refused", "user_id": user.pk})
            if user.is_active:
                services.user_deactivate(user=user)
        else:
            services.user_erase(user=user, via="better_auth")


def parse(body):
    """The event a verified body describes; EventInvalid or EventTypeUnknown otherwise."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EventInvalid() from None
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise EventInvalid()
    data = event["data"]
    event_type = event.get("type")
    if event_type == SessionDeleted.type:
        return SessionDeleted(
            session_id=_id(data, "session_id", SESSION_ID_PATTERN), user_id=_id(data, "user_id", USER_ID_PATTERN)
        )
    if event_type == UserUpdated.type:
        return UserUpdated(
            user_id=_id(data, "user_id", USER_ID_PATTERN),
            email=_optional_string(data, "email"),
            name=_optional_string(data, "name"),
            profile_updated_at=parse_datetime_claim(data.get("updated_at")),
            email_verified=data.get("email_verified") is True,
        )
    if event_type == UserDeleted.type:
        return UserDeleted(user_id=_id(data, "user_id", USER_ID_PATTERN))
    raise EventTypeUnknown(
        _("Unknown event type; known: %(types)s.")
        % {"types": ", ".join((SessionDeleted.type, UserUpdated.type, UserDeleted.type))}
    )


def _id(data, key, pattern):
    value = data.get(key)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise EventInvalid(_("data.%(key)s must be a Better Auth id.") % {"key": key})
    return value


def _optional_string(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise EventInvalid(_("data.%(key)s must be a string.") % {"key": key})
    return value


def receive(*, event_id, sent_at, event):
    """Apply the event unless its id was applied before; answers whether it was applied now.

    The id and the event's effect commit together: a delivery that fails
    half-way leaves no trace, so Better Auth's retry applies it.
    """
    with transaction.atomic():
        ReceivedEvent.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
        try:
            with transaction.atomic():
                ReceivedEvent.objects.create(
                    event_id=event_id, event_type=event.type, expires_at=sent_at + TIMESTAMP_TOLERANCE
                )
        except IntegrityError:
            logger.info("event replayed", extra={"event": "better_auth_event_replayed", "event_type": event.type})
            return False
        event.apply()
    logger.info(
        "event applied",
        extra={"event": "better_auth_event_applied", "event_type": event.type, "user_id": event.user_id},
    )
    return True
