"""Support staff deactivate people and log them out everywhere from the user list; staff accounts are for superusers."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from .factories import UserFactory

CHANGELIST_URL = "/admin/accounts/user/"
ME_URL = "/api/auth/me/"
ACTIONS = ("revoke_tokens_of_selected", "deactivate_selected")


def staff_client_with(client, *codenames):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))
    client.force_login(staff)
    return client


def run_action(client, action, users):
    return client.post(CHANGELIST_URL, {"action": action, "_selected_action": [user.pk for user in users]}, follow=True)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def people(client_for):
    """Three people, each with a working token their user is cached under."""
    people = UserFactory.create_batch(3)
    clients = [client_for(person) for person in people]
    for api in clients:
        assert api.get(ME_URL).status_code == 200
    return list(zip(people, clients, strict=True))


@pytest.fixture
def staff_member(client_for):
    """A staff member (not a superuser) with a working token."""
    member = UserFactory(is_staff=True)
    api = client_for(member)
    assert api.get(ME_URL).status_code == 200
    return member, api


def test_revoking_tokens_refuses_every_earlier_token_of_the_selected_people_only(support_client, people):
    (ada, ada_api), (bob, bob_api), (_carol, carol_api) = people

    response = run_action(support_client, "revoke_tokens_of_selected", [ada, bob])

    assert response.status_code == 200
    assert messages_of(response) == ["Revoked every token of 2 users."]
    for api in (ada_api, bob_api):
        refused = api.get(ME_URL)
        assert refused.status_code == 401
        assert refused.json()["detail"] == "Token has been revoked"
    assert carol_api.get(ME_URL).status_code == 200


def test_deactivating_refuses_the_selected_people_at_once(support_client, people):
    (ada, ada_api), (_bob, bob_api), _carol = people

    response = run_action(support_client, "deactivate_selected", [ada])

    assert messages_of(response) == ["Deactivated 1 user."]
    ada.refresh_from_db()
    assert ada.is_active is False
    assert ada_api.get(ME_URL).status_code == 401
    assert bob_api.get(ME_URL).status_code == 200


@pytest.mark.parametrize("codenames", [("view_user",), ("view_user", "change_user")], ids=["view", "view+change"])
def test_staff_without_the_action_permissions_cannot_run_either_action(
    client, db, static_files_without_manifest, people, codenames
):
    staff = staff_client_with(client, *codenames)
    (ada, ada_api), *_others = people

    for action in ACTIONS:
        run_action(staff, action, [ada])

    ada.refresh_from_db()
    assert ada.is_active is True and ada.tokens_valid_after is None
    assert ada_api.get(ME_URL).status_code == 200


@pytest.mark.parametrize("action", ACTIONS)
def test_support_cannot_run_an_action_on_a_selection_with_staff_in_it_and_nothing_changes(
    support_client, people, staff_member, action
):
    (ada, ada_api), *_others = people
    member, member_api = staff_member

    response = run_action(support_client, action, [ada, member])

    assert messages_of(response) == [
        "Nothing changed: 1 selected user is staff, and only a superuser may act on staff."
    ]
    for user, api in ((ada, ada_api), (member, member_api)):
        user.refresh_from_db()
        assert user.is_active is True and user.tokens_valid_after is None
        assert api.get(ME_URL).status_code == 200


def test_support_cannot_run_an_action_on_a_superuser(support_client, client_for):
    boss = UserFactory(is_staff=True, is_superuser=True)
    boss_api = client_for(boss)

    response = run_action(support_client, "deactivate_selected", [boss])

    assert messages_of(response) == [
        "Nothing changed: 1 selected user is staff, and only a superuser may act on staff."
    ]
    boss.refresh_from_db()
    assert boss.is_active is True
    assert boss_api.get(ME_URL).status_code == 200


def test_a_superuser_can_log_out_and_deactivate_staff(superuser_client, staff_member):
    member, member_api = staff_member

    assert messages_of(run_action(superuser_client, "revoke_tokens_of_selected", [member])) == [
        "Revoked every token of 1 user."
    ]
    assert member_api.get(ME_URL).json()["detail"] == "Token has been revoked"
    assert messages_of(run_action(superuser_client, "deactivate_selected", [member])) == ["Deactivated 1 user."]
    member.refresh_from_db()
    assert member.is_active is False
