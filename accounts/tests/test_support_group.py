"""The migrations create a "Support" group holding exactly what support staff need."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

SUPPORT_NEEDS = {
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    ("accounts", "deactivate_user"),
    ("accounts", "revoke_user_tokens"),
    ("accounts", "view_denylistedtoken"),
    ("tasks", "view_task"),
    ("orgs", "view_organization"),
    ("orgs", "view_membership"),
    # The audit trail, read-only: an impersonated person's writes among it.
    ("audit", "view_auditentry"),
}


def permissions_of(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_support_group_holds_exactly_what_support_needs(support_group):
    assert permissions_of(support_group) == SUPPORT_NEEDS


def test_a_support_member_has_no_other_permission(support_user):
    assert support_user.get_all_permissions() == {f"{app}.{codename}" for app, codename in SUPPORT_NEEDS}


@pytest.mark.django_db(transaction=True)
def test_migrating_again_over_existing_permissions_and_a_hand_made_group_leaves_exactly_those():
    # Permissions exist by now (post_migrate made them). An operator's own
    # "Support" group, with more than support needs, must come out exact.
    call_command("migrate", "accounts", "0001", verbosity=0)
    hand_made, _created = Group.objects.get_or_create(name="Support")
    hand_made.permissions.set(Permission.objects.filter(codename__in=["delete_user", "change_group"]))
    permissions_before = Permission.objects.count()

    call_command("migrate", verbosity=0)

    assert permissions_of(Group.objects.get(name="Support")) == SUPPORT_NEEDS
    assert Permission.objects.count() == permissions_before
