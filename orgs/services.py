"""Changes to organizations and memberships, as Better Auth's events and the import make them."""

from django.db import transaction

from .models import Membership, Organization


def membership_set(*, organization_id: str, user_id: str, role: str, organization_name: str | None = None) -> None:
    """Record the user as a member of the organization with `role` (added, or their role changed).

    An organization not seen yet is recorded with it; `organization_name`, when
    given, renames it.
    """
    with transaction.atomic():
        organization, created = Organization.objects.get_or_create(
            pk=organization_id, defaults={"name": organization_name or ""}
        )
        if not created and organization_name is not None and organization.name != organization_name:
            organization.name = organization_name
            organization.save(update_fields=["name"])
        Membership.objects.update_or_create(organization=organization, user_id=user_id, defaults={"role": role})


def membership_remove(*, organization_id: str, user_id: str) -> None:
    """The user is no longer a member: their next request to the organization is refused (nothing if they were not)."""
    Membership.objects.filter(organization_id=organization_id, user_id=user_id).delete()


def organization_delete(*, organization_id: str) -> None:
    """The organization, its memberships and its tasks (their foreign key cascades) go."""
    Organization.objects.filter(pk=organization_id).delete()
