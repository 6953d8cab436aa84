"""Better Auth's `user.deleted` erases the account here too, unless BETTER_AUTH_DELETED_USERS=deactivate."""

import json
import time
import uuid

import pytest
from drf_better_auth import webhooks

from accounts.models import DeletedUserId, User
from tasks.models import Task
from tasks.tests.factories import TaskFactory

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/better-auth/events/"
WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdefghijklmnop"
USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def deleted(api_client):
    def post(user_id=USER_ID):
        body = json.dumps({"type": "user.deleted", "data": {"user_id": user_id}}).encode()
        event_id, timestamp = str(uuid.uuid4()), str(int(time.time()))
        return api_client.generic(
            "POST",
            URL,
            body,
            content_type="application/json",
            HTTP_WEBHOOK_ID=event_id,
            HTTP_WEBHOOK_TIMESTAMP=timestamp,
            HTTP_WEBHOOK_SIGNATURE=webhooks.sign(WEBHOOK_SECRET, event_id, timestamp, body),
        )

    return post


@pytest.fixture
def ada():
    user = BetterAuthUserFactory(pk=USER_ID, email="ada@example.com", name="Ada Lovelace")
    TaskFactory.create_batch(2, owner=user)
    return user


def test_by_default_the_account_and_its_tasks_are_erased_and_earlier_tokens_never_bring_it_back(
    deleted, ada, sign_hs256, call_me
):
    token = sign_hs256(better_auth_claims(user_id=USER_ID, iat=int(time.time()) - 5))

    response = deleted()

    assert response.json() == {"status": "applied"}
    assert not User.objects.filter(pk=USER_ID).exists()
    assert not Task.objects.filter(owner_id=USER_ID).exists()
    assert call_me(token).status_code == 401
    assert not User.objects.filter(pk=USER_ID).exists()


def test_a_person_never_seen_here_is_remembered_so_their_earlier_token_creates_nobody(deleted, sign_hs256, call_me):
    token = sign_hs256(better_auth_claims(user_id=USER_ID, iat=int(time.time()) - 5))

    deleted()

    assert call_me(token).status_code == 401
    assert not User.objects.exists()


def test_with_deactivate_the_account_keeps_its_data_and_is_refused(deleted, ada, settings, sign_hs256, call_me):
    settings.BETTER_AUTH_DELETED_USERS = "deactivate"

    deleted()

    stored = User.objects.get(pk=USER_ID)
    assert (stored.is_active, stored.deactivated_at is not None) == (False, True)
    assert Task.objects.filter(owner_id=USER_ID).count() == 2
    assert not DeletedUserId.objects.exists()
    assert call_me(sign_hs256(better_auth_claims(user_id=USER_ID))).json()["code"] == "user_inactive"


def test_a_staff_account_or_a_local_account_with_that_id_is_only_deactivated(deleted):
    staff = BetterAuthUserFactory(is_staff=True)
    local = UserFactory()
    TaskFactory(owner=local)

    deleted(staff.pk)
    deleted(local.pk)

    assert [user.is_active for user in User.objects.filter(pk__in=[staff.pk, local.pk])] == [False, False]
    assert Task.objects.filter(owner=local).count() == 1
