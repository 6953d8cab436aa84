"""Who belongs to which organization, read from the database on every request: no process keeps a copy,
so a membership Better Auth removed is refused at once by every worker of every replica."""

from django.db.models import QuerySet

from core.compiled import CompiledQuery, Placeholder

from .models import Membership

# Values that stand in for a request's own while the SQL is compiled (no Better Auth id holds a NUL).
_ORGANIZATION_ID = Placeholder("\x00organization-id\x00", Membership._meta.get_field("organization"))
_USER_ID = Placeholder("\x00user-id\x00", Membership._meta.get_field("user_id"))


def membership_role(*, organization_id: str, user_id: str) -> str | None:
    """The user's Better Auth role in the organization, or None when they are not a member (or it does not exist)."""
    memberships = CompiledQuery.once("membership_role", _membership_query).fetch(
        organization_id=organization_id, user_id=user_id
    )
    return memberships[0].role if memberships else None


def _membership_query() -> CompiledQuery:
    memberships = Membership.objects.filter(organization_id=_ORGANIZATION_ID.value, user_id=_USER_ID.value)
    return CompiledQuery(memberships, organization_id=_ORGANIZATION_ID, user_id=_USER_ID)


def memberships_of(*, user_id: str) -> QuerySet[Membership]:
    """The user's memberships with their organizations, by organization name."""
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
