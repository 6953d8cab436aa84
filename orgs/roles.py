"""What a Better Auth organization role allows here: an access level, from the ORGANIZATION_ROLES setting.

Better Auth's three default roles are mapped by default (`owner` and `admin`
to ADMIN, `member` to MEMBER); any other role gives no access (NONE) until an
operator maps it (ORGANIZATION_EXTRA_ROLES). A member with several roles
(Better Auth stores them comma-separated) has the highest access any of them maps to.
"""

import enum

from django.conf import settings


class Access(enum.IntEnum):
    NONE = 0
    # Reads the organization's tasks, creates them, changes the ones they created, completes or reopens any.
    MEMBER = 1
    # Also changes and deletes any of the organization's tasks.
    ADMIN = 2


# The values ORGANIZATION_ROLES maps roles to (orgs.checks refuses any other).
ACCESS_NAMES = {"member": Access.MEMBER, "admin": Access.ADMIN}


def role_access(role: str) -> Access:
    """The access `role` (one Better Auth role, or several comma-separated) gives; NONE for an unmapped one."""
    mapped = settings.ORGANIZATION_ROLES
    levels = (ACCESS_NAMES.get(mapped.get(name.strip(), ""), Access.NONE) for name in role.split(","))
    return max(levels, default=Access.NONE)
