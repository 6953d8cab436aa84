"""Support staff deactivate people and log them out everywhere from the user list."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from .factories import UserFactory

CHANGELIST_URL = "/admin/accounts/user/"
ME_URL = "/api/auth/me/"


def staff_client_with(client, *codenames):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    client.force_login(staff)
    return client


@pytest.fixture
def support_client(client, db, static_files_without_manifest):
    return staff_client_with(client, "view_user", "change_user")


def run_action(client, action, users):
    return client.post(
        CHANGELIST_URL, {"action": action, "_selected_action": [user.pk for user in users]}, follow=True
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def people(client_for):
    """Three people, each with a working token their user is cached under."""
    people = UserFactory.create_batch(3)
    clients = [client_for(person) for person in people]
    for api in clients:
        assert api.get(ME_URL).status_code == 200
    return list(zip(people, clients))


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


def test_staff_who_may_only_view_users_cannot_run_either_action(client, db, static_files_without_manifest, people):
    viewer = staff_client_with(client, "view_user")
    (ada, ada_api), *_others = people

    for action in ("revoke_tokens_of_selected", "deactivate_selected"):
        run_action(viewer, action, [ada])

    ada.refresh_from_db()
    assert ada.is_active is True and ada.tokens_valid_after is None
    assert ada_api.get(ME_URL).status_code == 200
