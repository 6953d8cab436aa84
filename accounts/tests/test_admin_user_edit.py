"""Support staff correct a member's name and reactivate them from the user's admin page; passwords are not theirs to
set.

Changes of address are in test_admin_email_change.
"""

from .admin_forms import USERS_URL, change_form, change_url, password_form, password_url
from .factories import UserFactory

ME_URL = "/api/auth/me/"
NEW_PASSWORD = "a new password support picked 7"


def test_support_user_corrects_a_members_name(support_client):
    member = UserFactory(email="ada@example.com", name="Ada Lovelcae")

    response = support_client.post(change_url(member), change_form(member, name="Ada Lovelace"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.name) == ("ada@example.com", "Ada Lovelace")


def test_support_user_reactivates_a_member_who_then_signs_in_afresh(support_client, client_for):
    member = UserFactory()
    old_api = client_for(member)
    support_client.post(USERS_URL, {"action": "deactivate_selected", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.is_active is False

    response = support_client.post(change_url(member), change_form(member, is_active="on"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is True
    # Tokens from before the deactivation stay refused; a new one works.
    assert old_api.get(ME_URL).status_code == 401
    assert client_for(member).get(ME_URL).status_code == 200


def test_support_user_cannot_set_a_members_password_and_sign_in_as_them(support_client):
    member = UserFactory(password="the member's own passphrase 1")

    assert support_client.get(password_url(member)).status_code == 403
    response = support_client.post(password_url(member), password_form(NEW_PASSWORD))

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password("the member's own passphrase 1")
    assert not member.check_password(NEW_PASSWORD)
