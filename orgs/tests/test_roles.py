"""What a Better Auth role gives: Better Auth's defaults mapped, any other role nothing until an operator maps it."""

import pytest

from orgs.checks import organization_roles_check
from orgs.roles import Access, role_access


@pytest.mark.parametrize(
    ("role", "access"),
    [
        ("owner", Access.ADMIN),
        ("admin", Access.ADMIN),
        ("member", Access.MEMBER),
        ("guest", Access.NONE),
        ("", Access.NONE),
        ("Owner", Access.NONE),
        ("guest, member", Access.MEMBER),
        ("member,admin", Access.ADMIN),
    ],
)
def test_each_role_gives_the_access_it_maps_to_and_nothing_by_default(role, access):
    assert role_access(role) is access


def test_a_mapping_to_anything_but_member_or_admin_stops_start_up(settings):
    assert organization_roles_check(None) == []

    settings.ORGANIZATION_ROLES = {**settings.ORGANIZATION_ROLES, "boss": "superuser"}

    assert [error.id for error in organization_roles_check(None)] == ["orgs.E001"]
