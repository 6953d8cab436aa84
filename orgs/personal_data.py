"""A person's memberships in their account's export and erasure (accounts.personal_data; registered in orgs/apps.py)."""

from collections.abc import Iterator
from typing import Any

from accounts.models import User

from .models import Membership, MembershipEnded
from .selectors import memberships_of


def memberships_export(*, user: User) -> Iterator[dict[str, Any]]:
    """Each organization `user` belongs to, with their role, as `GET /api/orgs/` lists them."""
    for membership in memberships_of(user_id=user.pk):
        yield {"id": membership.organization_id, "name": membership.organization.name, "role": membership.role}


def memberships_erase(*, user_id: str) -> int:
    """Delete the person's memberships and the record of their removals; answers how many memberships went."""
    MembershipEnded.objects.filter(user_id=user_id).delete()
    deleted, _details = Membership.objects.filter(user_id=user_id).delete()
    return deleted
