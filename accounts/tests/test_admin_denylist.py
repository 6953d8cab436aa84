"""Support staff can see which refresh tokens are denylisted, and cannot change the list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import DenylistedToken

LIST_URL = "/admin/accounts/denylistedtoken/"


@pytest.fixture
def entry(db):
    return DenylistedToken.objects.create(
        jti="5f1c0ffee0ddba11",
        user_id="Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe",
        expires_at=timezone.now() + timedelta(days=1),
    )


def test_the_denylist_is_listed_and_found_by_user_id(superuser_client, entry):
    response = superuser_client.get(LIST_URL, {"q": entry.user_id})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [entry]
    assert entry.jti in response.content.decode()


def test_support_staff_see_the_denylist(support_client, entry):
    response = support_client.get(LIST_URL)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [entry]


def test_entries_can_be_neither_added_nor_changed_nor_deleted(superuser_client, entry):
    assert superuser_client.get(f"{LIST_URL}add/").status_code == 403
    assert superuser_client.post(f"{LIST_URL}{entry.pk}/change/", {"jti": "other"}).status_code == 403
    assert superuser_client.post(f"{LIST_URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DenylistedToken.objects.get(pk=entry.pk).jti == "5f1c0ffee0ddba11"
