"""The admin's relink action: type the new id, confirm a page naming both ids; superusers only by default."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from accounts.models import User
from tasks.tests.factories import TaskFactory

from .factories import BetterAuthUserFactory, UserFactory
from .test_admin_actions import CHANGELIST_URL, messages_of, staff_client_with

pytestmark = pytest.mark.django_db

OLD_ID = "OldBetterAuthId0123456789abcdefg"
NEW_ID = "NewBetterAuthId0123456789abcdefg"
ACTION = "relink_selected"


@pytest.fixture
def ada(db):
    person = BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com")
    TaskFactory.create_batch(2, owner=person)
    return person


def relink_post(client, users, **fields):
    return client.post(CHANGELIST_URL, {"action": ACTION, "_selected_action": [u.pk for u in users], **fields})


def test_a_superuser_types_the_new_id_confirms_a_page_naming_both_and_the_account_moves(superuser_client, ada):
    first = relink_post(superuser_client, [ada])
    assert first.status_code == 200
    assert first.templates[0].name == "admin/accounts/user/relink_confirmation.html"
    assert OLD_ID in first.content.decode() and 'name="new_id"' in first.content.decode()

    second = relink_post(superuser_client, [ada], relink_step="enter", new_id=NEW_ID)
    page = second.content.decode()
    assert f'<code id="old-id">{OLD_ID}</code>' in page and f'<code id="new-id">{NEW_ID}</code>' in page
    assert "Their 2 tasks" in page
    assert User.objects.filter(pk=OLD_ID).exists()

    done = relink_post(superuser_client, [ada], relink_step="confirm", new_id=NEW_ID)

    assert done.status_code == 302 and done.url == f"/admin/accounts/user/{NEW_ID}/change/"
    assert User.objects.get(pk=NEW_ID).tasks.count() == 2
    entry = LogEntry.objects.get(object_id=NEW_ID)
    assert entry.get_change_message() == f"Relinked from Better Auth id {OLD_ID} to {NEW_ID}."
    assert messages_of(superuser_client.get(CHANGELIST_URL)) == [
        f"Relinked ada@example.com: id {OLD_ID} is now {NEW_ID}."
    ]


@pytest.mark.parametrize("new_id", ["not an id", OLD_ID], ids=["malformed", "unchanged"])
def test_a_bad_new_id_is_shown_again_with_its_error_and_nothing_changes(superuser_client, ada, new_id):
    response = relink_post(superuser_client, [ada], relink_step="enter", new_id=new_id)

    assert response.status_code == 200
    assert response.context["form"].errors["new_id"]
    assert 'name="relink_step" value="enter"' in response.content.decode()
    assert User.objects.filter(pk=OLD_ID).exists()


def test_an_id_taken_between_the_pages_is_refused_at_confirmation(superuser_client, ada):
    UserFactory(pk=NEW_ID, email="holder@example.com")

    response = relink_post(superuser_client, [ada], relink_step="confirm", new_id=NEW_ID)

    assert "holder@example.com" in str(response.context["form"].errors["new_id"])
    assert User.objects.get(pk=OLD_ID).tasks.count() == 2


def test_exactly_one_user_is_relinked_at_a_time(superuser_client, ada):
    response = relink_post(superuser_client, [ada, UserFactory()], relink_step="confirm", new_id=NEW_ID)

    assert response.status_code == 302
    assert messages_of(superuser_client.get(CHANGELIST_URL)) == ["Select exactly one user to relink."]
    assert User.objects.filter(pk=OLD_ID).exists()


def test_support_staff_are_not_offered_the_action_and_a_crafted_post_changes_nothing(support_client, ada):
    changelist = support_client.get(CHANGELIST_URL)
    assert ACTION not in changelist.content.decode()

    relink_post(support_client, [ada], relink_step="confirm", new_id=NEW_ID)

    assert User.objects.filter(pk=OLD_ID).exists()


def test_the_support_group_does_not_hold_the_relink_permission(support_group):
    assert not support_group.permissions.filter(codename="relink_user").exists()


def test_staff_granted_the_permission_relink_members_but_not_staff(client, ada, static_files_without_manifest):
    staff_client = staff_client_with(client, "view_user", "change_user", "relink_user")
    colleague = UserFactory(is_staff=True)

    relink_post(staff_client, [colleague], relink_step="confirm", new_id=NEW_ID)
    assert User.objects.filter(pk=colleague.pk).exists() and not User.objects.filter(pk=NEW_ID).exists()
    assert messages_of(staff_client.get(CHANGELIST_URL)) == [
        "Nothing changed: only a superuser may relink a staff account."
    ]

    relink_post(staff_client, [ada], relink_step="confirm", new_id=NEW_ID)
    assert User.objects.get(pk=NEW_ID).email == "ada@example.com"


def test_the_relink_permission_is_listed_for_granting(db):
    assert Permission.objects.filter(content_type__app_label="accounts", codename="relink_user").exists()


def test_superusers_see_the_retired_ids_read_only(superuser_client, ada):
    from accounts import services

    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    listing = superuser_client.get("/admin/accounts/relinkeduserid/")
    assert listing.status_code == 200 and OLD_ID in listing.content.decode()
    assert superuser_client.get(f"/admin/accounts/relinkeduserid/{OLD_ID}/delete/").status_code == 403


def test_support_staff_do_not_see_the_retired_ids_or_the_relink_records(support_client):
    assert support_client.get("/admin/accounts/relinkeduserid/").status_code == 403
    assert support_client.get("/admin/accounts/relinkrecord/").status_code == 403
