"""Better Auth's organization events, registered into drf_better_auth's registry (applied once by accounts.events).

Data as the shipped hooks (examples/nextjs/src/lib/api-events.mjs) send it:
`{organizationId, userId, role}` for a member added, updated or removed
(`organizationName` too, optional, names the organization), `{organizationId}`
for an organization deleted. Member events also carry `occurredAt`, optional, when
they happened in Better Auth (milliseconds since 1970, `Date.now()`), the same on
every retry of a delivery, so that a late retry changes nothing a later event
set (orgs.services).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from drf_better_auth.exceptions import EventInvalid
from drf_better_auth.tokens import USER_ID_PATTERN
from drf_better_auth.webhooks import data_id, data_optional_string, registry

from . import services
from .models import NAME_MAX_LENGTH, ORGANIZATION_ID_PATTERN, ROLE_MAX_LENGTH


def _role(data: Mapping[str, Any]) -> str:
    role = data.get("role")
    if not isinstance(role, str) or not role.strip() or len(role) > ROLE_MAX_LENGTH:
        raise EventInvalid(f"data.role must be a Better Auth role of 1 to {ROLE_MAX_LENGTH} characters.")
    return role.strip()


# Date.now() in the year 9999: anything larger is no time this API can store.
MAX_OCCURRED_AT_MS = 253_402_300_799_999


def _occurred_at(data: Mapping[str, Any]) -> datetime | None:
    value = data.get("occurredAt")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OCCURRED_AT_MS:
        raise EventInvalid("data.occurredAt must be when the event happened, in milliseconds since 1970 (Date.now()).")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _member(data: Mapping[str, Any]) -> dict[str, Any]:
    """What every member event names: the organization, the member, and when it happened (if it says)."""
    return {
        "organization_id": data_id(data, "organizationId", ORGANIZATION_ID_PATTERN),
        "user_id": data_id(data, "userId", USER_ID_PATTERN),
        "occurred_at": _occurred_at(data),
    }


def _organization_name(data: Mapping[str, Any]) -> str | None:
    name = data_optional_string(data, "organizationName")
    return None if name is None else name[:NAME_MAX_LENGTH]


@dataclass(frozen=True)
class MemberChanged:
    organization_id: str
    user_id: str
    role: str
    organization_name: str | None = None
    occurred_at: datetime | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_member(data), role=_role(data), organization_name=_organization_name(data))

    def apply(self) -> None:
        services.membership_set(
            organization_id=self.organization_id,
            user_id=self.user_id,
            role=self.role,
            organization_name=self.organization_name,
            occurred_at=self.occurred_at,
        )


@registry.register
class MemberAdded(MemberChanged):
    type = "organization.member.added"


@registry.register
class MemberUpdated(MemberChanged):
    """A role changed; also records a member the API missed being added."""

    type = "organization.member.updated"


@registry.register
@dataclass(frozen=True)
class MemberRemoved:
    """The member's next request to the organization is refused. The role is read, not needed."""

    type = "organization.member.removed"
    organization_id: str
    user_id: str
    occurred_at: datetime | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(**_member(data))

    def apply(self) -> None:
        services.membership_remove(
            organization_id=self.organization_id, user_id=self.user_id, occurred_at=self.occurred_at
        )


@registry.register
@dataclass(frozen=True)
class OrganizationDeleted:
    type = "organization.deleted"
    organization_id: str
    # About no one person: accounts.events logs each event's user id.
    user_id: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        return cls(organization_id=data_id(data, "organizationId", ORGANIZATION_ID_PATTERN))

    def apply(self) -> None:
        services.organization_delete(organization_id=self.organization_id)
