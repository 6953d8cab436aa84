"""What Better Auth's events do here, registered into drf_better_auth's registry; each applied once.

drf_better_auth verifies a delivery (Standard Webhooks, `webhooks.verify`)
and reads its `data` with the class registered for its type. An event id is
stored until its timestamp leaves the tolerance window, so a replay is
recognised and answered like the first delivery, without applying it again.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_better_auth.exceptions import EventInvalid
from drf_better_auth.tokens import SESSION_ID_PATTERN, USER_ID_PATTERN, parse_datetime_claim
from drf_better_auth.webhooks import TIMESTAMP_TOLERANCE, Event, data_id, data_optional_string, registry

from audit.models import AuditEvent
from audit.services import audit_record

from . import services
from .models import Identity, ReceivedEvent, User

logger = logging.getLogger("accounts.auth")


@registry.register
@dataclass(frozen=True)
class SessionDeleted:
    type = "session.deleted"
    session_id: str
    user_id: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            session_id=data_id(data, "session_id", SESSION_ID_PATTERN),
            user_id=data_id(data, "user_id", USER_ID_PATTERN),
        )

    def apply(self) -> None:
        services.session_end(session_id=self.session_id, user_id=self.user_id)


@registry.register
@dataclass(frozen=True)
class UserUpdated:
    """Also the `profile` that `services.user_profile_sync` reads, as a token's identity is."""

    type = "user.updated"
    user_id: str
    email: str | None
    name: str | None
    profile_updated_at: datetime | None
    email_verified: bool = False
    # Better Auth's admin plugin's role, when it has one (BETTER_AUTH_ROLE_GROUPS decides what it grants).
    role: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            user_id=data_id(data, "user_id", USER_ID_PATTERN),
            email=data_optional_string(data, "email"),
            name=data_optional_string(data, "name"),
            profile_updated_at=parse_datetime_claim(data.get("updated_at")),
            email_verified=data.get("email_verified") is True,
            role=data_optional_string(data, "role"),
        )

    def apply(self) -> None:
        user = User.objects.filter(pk=self.user_id).first()
        # A user not seen yet is created from their first token, with the profile it carries.
        if user is not None:
            services.user_profile_sync(user=user, profile=self)
            services.user_role_sync(user=user, profile=self, via="better_auth")


@registry.register
@dataclass(frozen=True)
class UserBanned:
    """Better Auth's admin plugin banned the person: refused from the next request on, until `banExpires` if set."""

    type = "user.banned"
    user_id: str
    ban_expires: datetime | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        raw = data.get("banExpires")
        expires = parse_datetime_claim(raw)
        if raw is not None and expires is None:
            raise EventInvalid(_("data.banExpires must be an ISO 8601 date and time with its offset, or null."))
        return cls(user_id=data_id(data, "userId", USER_ID_PATTERN), ban_expires=expires)

    def apply(self) -> None:
        services.user_ban_set(user_id=self.user_id, banned=True, expires=self.ban_expires)


@registry.register
@dataclass(frozen=True)
class UserUnbanned:
    """Better Auth's admin plugin lifted the ban."""

    type = "user.unbanned"
    user_id: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(user_id=data_id(data, "userId", USER_ID_PATTERN))

    def apply(self) -> None:
        services.user_ban_set(user_id=self.user_id, banned=False)


@registry.register
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

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(user_id=data_id(data, "user_id", USER_ID_PATTERN))

    def apply(self) -> None:
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


def receive(*, event_id: str, sent_at: datetime, event: Event) -> bool:
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
        audit_record(
            event=AuditEvent.BETTER_AUTH_EVENT,
            user_id=event.user_id,
            via="better_auth",
            detail={"type": event.type, "event_id": event_id, **_ban_detail(event)},
        )
    logger.info(
        "event applied",
        extra={"event": "better_auth_event_applied", "event_type": event.type, "user_id": event.user_id},
    )
    return True


def _ban_detail(event: Event) -> dict[str, object]:
    expires = getattr(event, "ban_expires", None)
    return {"ban_expires": expires.isoformat()} if expires is not None else {}
