"""Changes to organizations and memberships, as Better Auth's events and the import make them.

Events can arrive out of order: the shipped hooks retry a delivery that timed
out, and a retry may land after a later change went through. So each change
is applied under a lock of the organization's row, an organization deleted
leaves a `DeletedOrganization` behind, a removal a `MembershipEnded`, and an
event that says when it happened (`occurred_at`) older than what is recorded
changes nothing. Events that do not say are applied in the order they arrive.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import DeletedOrganization, Membership, MembershipEnded, Organization


def membership_set(
    *,
    organization_id: str,
    user_id: str,
    role: str,
    organization_name: str | None = None,
    occurred_at: datetime | None = None,
) -> bool:
    """Record the user as a member of the organization with `role` (added, or their role changed).

    An organization not seen yet is recorded with it; `organization_name`, when
    given, renames it. Answers whether anything was applied: not for an
    organization deleted here, nor for an event that happened before the
    membership's last change or the person's last removal.
    """
    with transaction.atomic():
        organization, _created = Organization.objects.select_for_update().get_or_create(
            pk=organization_id, defaults={"name": organization_name or ""}
        )
        # Checked under the row's lock: a deletion that went first has left its mark by now.
        if DeletedOrganization.objects.filter(pk=organization_id).exists():
            transaction.set_rollback(True)
            return False
        membership = Membership.objects.filter(organization=organization, user_id=user_id).first()
        if occurred_at is not None and _is_stale(occurred_at, organization_id, user_id, membership):
            # Nothing at all: not even the organization, when this late event was the first to name it.
            transaction.set_rollback(True)
            return False
        if organization_name is not None and organization.name != organization_name:
            organization.name = organization_name
            organization.save(update_fields=["name"])
        Membership.objects.update_or_create(
            organization=organization, user_id=user_id, defaults={"role": role, "changed_at": occurred_at}
        )
        MembershipEnded.objects.filter(organization_id=organization_id, user_id=user_id).delete()
    return True


def _changed_since(membership: Membership | None, occurred_at: datetime) -> bool:
    """Whether an event that happened at `occurred_at` is older than the membership's last change."""
    return membership is not None and membership.changed_at is not None and membership.changed_at > occurred_at


def _is_stale(occurred_at: datetime, organization_id: str, user_id: str, membership: Membership | None) -> bool:
    if _changed_since(membership, occurred_at):
        return True
    return MembershipEnded.objects.filter(
        organization_id=organization_id, user_id=user_id, ended_at__gte=occurred_at
    ).exists()


def membership_remove(*, organization_id: str, user_id: str, occurred_at: datetime | None = None) -> bool:
    """The user is no longer a member: their next request to the organization is refused.

    Answers False, changing nothing, for an event older than the membership's
    last change (the person was added back since). The removal is remembered
    (`MembershipEnded`, at `occurred_at` or now), so that an older addition
    arriving later does not undo it.
    """
    ended_at = occurred_at or timezone.now()
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization_id).first()
        membership = Membership.objects.filter(organization_id=organization_id, user_id=user_id).first()
        if occurred_at is not None and _changed_since(membership, occurred_at):
            return False
        if membership is not None:
            membership.delete()
        ended, created = MembershipEnded.objects.get_or_create(
            organization_id=organization_id, user_id=user_id, defaults={"ended_at": ended_at}
        )
        if not created and ended.ended_at < ended_at:
            ended.ended_at = ended_at
            ended.save(update_fields=["ended_at"])
    return True


def organization_delete(*, organization_id: str) -> None:
    """The organization, its memberships and its tasks (their foreign key cascades) go, for good."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization_id).first()
        DeletedOrganization.objects.get_or_create(pk=organization_id)
        Organization.objects.filter(pk=organization_id).delete()
        MembershipEnded.objects.filter(organization_id=organization_id).delete()
