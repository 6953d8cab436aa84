"""Nobody changes a member's address behind their back: support cannot at all, a superuser only through the new address.

Through the admin as a browser uses it: signed in at the login page, with a
real session and CSRF tokens, including POSTs crafted to carry an address.
"""

import pytest
from django.core import mail

from accounts.models import User

from .admin_forms import AdminSession, change_form, change_url
from .factories import BetterAuthUserFactory, UserFactory
from .mailed_links import link_in

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")

STAFF_PASSWORD = "the staff member's passphrase 31"
MEMBER_PASSWORD = "the member's own passphrase 17"
SUPPORT_MAILBOX = "support.person@evil.example"


@pytest.fixture
def support(support_group):
    user = UserFactory(email="support@example.com", is_staff=True, password=STAFF_PASSWORD)
    user.groups.add(support_group)
    return AdminSession("support@example.com", STAFF_PASSWORD)


@pytest.fixture
def superuser(db):
    UserFactory(email="root@example.com", is_staff=True, is_superuser=True, password=STAFF_PASSWORD)
    return AdminSession("root@example.com", STAFF_PASSWORD)


@pytest.fixture
def member(db):
    return UserFactory(email="ada@example.com", password=MEMBER_PASSWORD, email_verified=True)


def sign_in(api_client, email, password):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json")


def test_the_address_is_read_only_for_support(support, member):
    page = support.get(change_url(member)).content.decode()

    assert 'name="name"' in page
    assert 'name="email"' not in page
    assert "ada@example.com" in page


def test_support_cannot_sign_in_as_a_member_by_pointing_the_address_at_their_own_mailbox(support, member, api_client):
    crafted = support.post(change_url(member), change_form(member, email=SUPPORT_MAILBOX, name="Ada"))
    mail.outbox.clear()
    api_client.post("/api/auth/password-reset/", {"email": SUPPORT_MAILBOX}, format="json")

    assert crafted.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.name) == ("ada@example.com", "Ada")
    [note] = mail.outbox
    assert note.to == [SUPPORT_MAILBOX]
    assert "no active account uses this address" in note.body
    assert sign_in(api_client, "ada@example.com", MEMBER_PASSWORD).status_code == 200


def test_a_post_without_the_csrf_token_changes_nothing(support, member):
    response = support.client.post(change_url(member), change_form(member, name="Someone else"))

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.name != "Someone else"


def test_a_superusers_change_waits_for_the_new_address_tells_the_old_one_and_then_signs_the_member_out(
    superuser, member, api_client, client_for
):
    earlier = client_for(member)

    response = superuser.post(change_url(member), change_form(member, email="Ada@New.example"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.email_verified) == ("ada@example.com", True)
    confirmation, notice = sorted(mail.outbox, key=lambda message: message.to != ["ada@new.example"])
    assert (confirmation.to, notice.to) == (["ada@new.example"], ["ada@example.com"])
    assert "another address" in notice.body and "ada@new.example" not in notice.body

    confirmed = api_client.post("/api/auth/email/change/confirm/", link_in(confirmation).body(), format="json")

    assert confirmed.status_code == 200
    member.refresh_from_db()
    assert (member.email, member.email_proof) == ("ada@new.example", "email_change")
    assert earlier.get("/api/auth/me/").status_code == 401
    assert sign_in(api_client, "ada@new.example", MEMBER_PASSWORD).status_code == 200


def test_nobody_edits_a_better_auth_identitys_address_here_superusers_included(superuser, db):
    identity = BetterAuthUserFactory(email="ada@example.com", email_verified=True)

    page = superuser.get(change_url(identity)).content.decode()
    superuser.post(change_url(identity), change_form(identity, email="root@evil.example"))

    assert 'name="email"' not in page
    assert User.objects.get(pk=identity.pk).email == "ada@example.com"
    assert not [message for message in mail.outbox if message.to == ["root@evil.example"]]
