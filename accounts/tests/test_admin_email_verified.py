"""The admin shows whether each address is verified, filters by it, and lets nobody set it by hand."""

from .admin_forms import USERS_URL, change_form, change_url
from .factories import UserFactory


def test_the_user_list_shows_and_filters_by_email_verified(support_client):
    UserFactory(email="verified@example.com", email_verified=True)
    UserFactory(email="pending@example.com")

    listing = support_client.get(USERS_URL)
    verified_only = support_client.get(USERS_URL, {"email_verified__exact": "1"})
    unverified_only = support_client.get(USERS_URL, {"email_verified__exact": "0"})

    assert b"column-email_verified" in listing.content
    assert b"By email verified" in listing.content
    assert b"verified@example.com" in verified_only.content and b"pending@example.com" not in verified_only.content
    assert b"pending@example.com" in unverified_only.content and b"verified@example.com" not in unverified_only.content


def test_support_cannot_mark_an_address_verified_even_with_a_crafted_post(support_client):
    member = UserFactory(email="ada@example.com")

    response = support_client.post(change_url(member), change_form(member, email_verified="on", name="Ada"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.email_verified) == ("Ada", False)


def test_a_superuser_cannot_mark_an_address_verified_either(superuser_client):
    member = UserFactory(email="ada@example.com")

    superuser_client.post(change_url(member), change_form(member, email_verified="on"))

    member.refresh_from_db()
    assert member.email_verified is False


def test_saving_other_fields_keeps_a_verified_address_verified(support_client):
    member = UserFactory(email="ada@example.com", email_verified=True)

    support_client.post(change_url(member), change_form(member, name="Ada L."))

    member.refresh_from_db()
    assert (member.name, member.email_verified) == ("Ada L.", True)
