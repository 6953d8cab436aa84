"""Better Auth's events, delivered by its hooks as Standard Webhooks: verified, then parsed by a registry.

A delivery is a POST whose body is `{"type": ..., "data": {...}}`, with three
headers in the manner of Standard Webhooks (standardwebhooks.com):

- `Webhook-Id`: the event's unique id (1-100 characters of `A-Za-z0-9._:-`);
- `Webhook-Timestamp`: Unix seconds when it was sent;
- `Webhook-Signature`: `v1,<base64 HMAC-SHA256>` of `"{id}.{timestamp}.{body}"`,
  keyed with the UTF-8 bytes of the WEBHOOK_SECRET setting (several
  space-separated signatures are accepted; one must match).

Deliveries more than `TIMESTAMP_TOLERANCE` from our clock are refused. What an
event does is the app's: it registers a class per event type into `registry`
(`@registry.register`), which `parse` builds from the delivery's `data`.
"""

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from .exceptions import EventInvalid, EventTypeUnknown, SignatureInvalid, TimestampOutOfRange, WebhooksNotConfigured
from .settings import api_settings

TIMESTAMP_TOLERANCE = timedelta(minutes=5)
EVENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
TIMESTAMP_PATTERN = re.compile(r"^[0-9]{1,12}$")
SIGNATURE_VERSION = "v1"


class Event(Protocol):
    """What the app registers for an event type: built from the delivery's `data`, then applied."""

    type: ClassVar[str]
    user_id: str

    def apply(self) -> None: ...


EventClass = TypeVar("EventClass", bound=type[Any])


class EventRegistry:
    """Event types and the classes that read them, in the order they were registered."""

    def __init__(self) -> None:
        self._classes: dict[str, Any] = {}

    def register(self, event_class: EventClass) -> EventClass:
        """A class decorator: the class has a `type` and a `from_data(data)` classmethod that builds it."""
        self._classes[event_class.type] = event_class
        return event_class

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(self._classes)

    def parse(self, body: bytes) -> Event:
        """The event a verified body describes; EventInvalid or EventTypeUnknown otherwise."""
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise EventInvalid() from None
        if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
            raise EventInvalid()
        event_type = document.get("type")
        event_class = self._classes.get(event_type) if isinstance(event_type, str) else None
        if event_class is None:
            raise EventTypeUnknown(_("Unknown event type; known: %(types)s.") % {"types": ", ".join(self.types)})
        event: Event = event_class.from_data(document["data"])
        return event


registry = EventRegistry()


@dataclass(frozen=True)
class Delivery:
    """A delivery whose signature holds: its event id and when it was sent."""

    event_id: str
    sent_at: datetime


def sign(secret: str, event_id: str, timestamp: str | int, body: bytes) -> str:
    """The `Webhook-Signature` value for a delivery (what Better Auth's hook computes)."""
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def verify(*, headers: Mapping[str, str], body: bytes, now: float | None = None) -> Delivery:
    """The delivery, when it is signed with our secret and fresh; else an APIException."""
    secret: str = api_settings.WEBHOOK_SECRET
    if not secret:
        raise WebhooksNotConfigured()
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
    return Delivery(event_id=event_id, sent_at=datetime.fromtimestamp(sent_at, tz=UTC))


def data_id(data: Mapping[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    """`data[key]`, a Better Auth id matching `pattern`; EventInvalid otherwise."""
    value = data.get(key)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise EventInvalid(_("data.%(key)s must be a Better Auth id.") % {"key": key})
    return value


def data_optional_string(data: Mapping[str, Any], key: str) -> str | None:
    """`data[key]`, a string or absent; EventInvalid otherwise."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise EventInvalid(_("data.%(key)s must be a string.") % {"key": key})
    return value
