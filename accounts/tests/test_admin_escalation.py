"""Support staff cannot raise anyone's privileges or take over a staff account, even by crafted POSTs; superusers
can.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from accounts.models import User

from .admin_forms import USERS_URL, change_form, change_url, password_form, password_url
from .factories import UserFactory

GROUPS_URL = "/admin/auth/group/"
OLD_PASSWORD = "correct horse battery staple 42"
NEW_PASSWORD = "a new password support picked 7"
STAFF_KINDS = {"staff": {"is_staff": True}, "superuser": {"is_staff": True, "is_superuser": True}}


def every_permission():
    return list(Permission.objects.values_list("pk", flat=True))


def signs_in(email, password):
    response = Client().post("/admin/login/?next=/admin/", {"username": email, "password": password})
    return response.status_code == 302


def staff_with(client, *codenames):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)
    return client


@pytest.fixture
def member(db):
    return UserFactory(name="Ada Lovelace")


def test_support_user_cannot_make_themselves_superuser_or_give_themselves_permissions(
    support_client, support_user, support_group
):
    crafted = change_form(
        support_user,
        name="Promoted",
        is_staff="on",
        is_superuser="on",
        groups=[support_group.pk],
        user_permissions=every_permission(),
    )

    response = support_client.post(change_url(support_user), crafted)

    assert response.status_code == 403
    support_user.refresh_from_db()
    assert support_user.is_superuser is False
    assert support_user.name != "Promoted"
    assert list(support_user.user_permissions.all()) == []
    assert list(support_user.groups.all()) == [support_group]


def test_support_user_cannot_promote_a_member_or_give_them_groups_or_permissions(support_client, member, support_group):
    crafted = change_form(
        member,
        name="Ada King",
        is_staff="on",
        is_superuser="on",
        groups=[support_group.pk],
        user_permissions=every_permission(),
    )

    response = support_client.post(change_url(member), crafted)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Ada King"  # the form was taken; only the privilege fields were not
    assert member.is_staff is False and member.is_superuser is False
    assert list(member.groups.all()) == []
    assert list(member.user_permissions.all()) == []


@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_support_user_cannot_set_a_staff_accounts_password_and_sign_in_as_them(support_client, kind):
    target = UserFactory(password=OLD_PASSWORD, **STAFF_KINDS[kind])
    assert support_client.get(password_url(target)).status_code == 403
    assert support_client.post(password_url(target), password_form(NEW_PASSWORD)).status_code == 403

    assert signs_in(target.email, OLD_PASSWORD)
    assert not signs_in(target.email, NEW_PASSWORD)


@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_support_user_cannot_change_a_staff_accounts_email_or_deactivate_it(support_client, kind):
    target = UserFactory(email="colleague@example.com", **STAFF_KINDS[kind])

    page = support_client.get(change_url(target))
    response = support_client.post(change_url(target), change_form(target, email="mine@example.com", is_active=None))

    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.email == "colleague@example.com"
    assert target.is_active is True


def test_staff_who_may_add_users_cannot_create_staff(client, db, static_files_without_manifest, support_group):
    creator = staff_with(client, "view_user", "add_user", "change_user")

    response = creator.post(
        f"{USERS_URL}add/",
        {
            "email": "new.hire@example.com",
            "name": "New Hire",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [support_group.pk],
            "user_permissions": every_permission(),
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="new.hire@example.com")
    assert created.is_staff is False and created.is_superuser is False
    assert list(created.groups.all()) == [] and list(created.user_permissions.all()) == []


def test_staff_who_may_delete_users_cannot_delete_a_superuser(client, db, static_files_without_manifest):
    deleter = staff_with(client, "view_user", "delete_user")
    boss = UserFactory(is_staff=True, is_superuser=True)

    single = deleter.post(f"{USERS_URL}{boss.pk}/delete/", {"post": "yes"})
    bulk = deleter.post(USERS_URL, {"action": "delete_selected", "_selected_action": [boss.pk], "post": "yes"})

    assert single.status_code == 403
    assert bulk.status_code == 403
    assert User.objects.filter(pk=boss.pk).exists()


def test_staff_who_may_change_groups_cannot_give_their_own_group_permissions(client, db, static_files_without_manifest):
    helpers = Group.objects.create(name="Helpers")
    helpers.permissions.add(*Permission.objects.filter(codename__in=["view_group", "add_group", "change_group"]))
    granted_before = set(helpers.permissions.all())
    staff = UserFactory(is_staff=True)
    staff.groups.add(helpers)
    client.force_login(staff)

    changed = client.post(f"{GROUPS_URL}{helpers.pk}/change/", {"name": "Helpers", "permissions": every_permission()})
    added = client.post(f"{GROUPS_URL}add/", {"name": "Everything", "permissions": every_permission()})

    assert changed.status_code == 403
    assert added.status_code == 403
    assert set(helpers.permissions.all()) == granted_before
    assert not Group.objects.filter(name="Everything").exists()


def test_a_superuser_still_promotes_members_and_sets_staff_passwords(superuser_client, member, support_group):
    colleague = UserFactory(is_staff=True, password=OLD_PASSWORD)

    promoted = superuser_client.post(change_url(member), change_form(member, is_staff="on", groups=[support_group.pk]))
    password_set = superuser_client.post(password_url(colleague), password_form(NEW_PASSWORD))

    assert promoted.status_code == 302 and password_set.status_code == 302
    member.refresh_from_db()
    assert member.is_staff is True
    assert list(member.groups.all()) == [support_group]
    assert signs_in(colleague.email, NEW_PASSWORD)
    assert not signs_in(colleague.email, OLD_PASSWORD)
