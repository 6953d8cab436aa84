"""A superuser exports or erases a member's data on request: a confirmation page first, recorded after; support
cannot.
"""

import json
import logging

import pytest
from django.contrib.admin.models import DELETION, LogEntry

from accounts.models import DeletedUserId, User
from tasks.models import Task
from tasks.tests.factories import TaskFactory

from .factories import UserFactory
from .test_admin_actions import CHANGELIST_URL, messages_of, staff_client_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    person = UserFactory(email="ada@example.com", name="Ada Lovelace")
    TaskFactory.create_batch(2, owner=person, title="Ada's plan")
    return person


def act(client, action, users, **fields):
    return client.post(CHANGELIST_URL, {"action": action, "_selected_action": [u.pk for u in users], **fields})


def download(response):
    return json.loads(b"".join(response.streaming_content))


def test_a_superuser_confirms_a_page_then_downloads_the_export_and_it_is_recorded(superuser_client, ada, caplog):
    first = act(superuser_client, "export_data_selected", [ada])
    assert first.templates[0].name == "admin/accounts/user/account_data_confirmation.html"
    assert "Yes, export" in first.content.decode()
    assert not LogEntry.objects.filter(object_id=ada.pk).exists()

    with caplog.at_level(logging.INFO, logger="accounts.auth"):
        second = act(superuser_client, "export_data_selected", [ada], account_data_step="confirm")

    assert second["Content-Disposition"] == f'attachment; filename="account-{ada.pk}.json"'
    document = download(second)
    assert [task["title"] for task in document["tasks"]] == ["Ada's plan", "Ada's plan"]
    assert LogEntry.objects.get(object_id=ada.pk).change_message == "Exported the account's data on request."
    [line] = [record for record in caplog.records if getattr(record, "event", None) == "user_data_exported"]
    assert (line.user_id, "ada@example.com" in str(vars(line))) == (ada.pk, False)


def test_a_superuser_confirms_a_page_then_the_account_is_erased_and_recorded_without_its_address(
    superuser_session, ada
):
    first = superuser_session.post(CHANGELIST_URL, {"action": "erase_selected", "_selected_action": [ada.pk]})
    assert "Yes, erase" in first.content.decode()
    assert "Their 2 tasks" in first.content.decode()
    assert User.objects.filter(pk=ada.pk).exists()

    second = superuser_session.post(
        CHANGELIST_URL, {"action": "erase_selected", "_selected_action": [ada.pk], "account_data_step": "confirm"}
    )

    assert second.status_code == 302
    assert not User.objects.filter(pk=ada.pk).exists()
    assert not Task.objects.filter(owner_id=ada.pk).exists()
    assert DeletedUserId.objects.filter(user_id=ada.pk).exists()
    entry = LogEntry.objects.get(object_id=ada.pk, action_flag=DELETION)
    assert (entry.object_repr, entry.change_message) == ("(erased account)", "Erased the account's data on request.")
    assert not LogEntry.objects.filter(object_repr__icontains="ada@example.com").exists()


def test_support_staff_are_not_offered_either_action_and_a_crafted_post_does_nothing(support_client, ada):
    changelist = support_client.get(CHANGELIST_URL).content.decode()
    assert "export_data_selected" not in changelist and "erase_selected" not in changelist

    export = act(support_client, "export_data_selected", [ada], account_data_step="confirm")
    erase = act(support_client, "erase_selected", [ada], account_data_step="confirm")

    assert not export.streaming
    assert b"Ada's plan" not in export.content
    assert erase.status_code in (200, 302)
    assert User.objects.filter(pk=ada.pk).exists()
    assert Task.objects.filter(owner=ada).count() == 2


def test_staff_holding_every_user_permission_still_cannot(client, ada, static_files_without_manifest):
    staff_client = staff_client_with(
        client, "view_user", "change_user", "delete_user", "deactivate_user", "revoke_user_tokens", "relink_user"
    )

    act(staff_client, "erase_selected", [ada], account_data_step="confirm")

    assert User.objects.filter(pk=ada.pk).exists()


def test_a_staff_account_is_not_erased_by_the_action(superuser_client):
    colleague = UserFactory(is_staff=True)

    response = act(superuser_client, "erase_selected", [colleague], account_data_step="confirm")

    assert User.objects.filter(pk=colleague.pk).exists()
    assert messages_of(response)[0].startswith("Nothing changed: a staff account is not erased")


def test_exactly_one_user_at_a_time(superuser_client, ada):
    grace = UserFactory()

    response = act(superuser_client, "erase_selected", [ada, grace], account_data_step="confirm")

    assert User.objects.filter(pk__in=[ada.pk, grace.pk]).count() == 2
    assert messages_of(response) == ["Select exactly one user to erase."]


def test_djangos_own_delete_page_erases_as_the_action_does(superuser_client, ada):
    response = superuser_client.post(f"/admin/accounts/user/{ada.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=ada.pk).exists()
    assert DeletedUserId.objects.filter(user_id=ada.pk).exists()
    assert LogEntry.objects.get(object_id=ada.pk).object_repr == "(erased account)"
