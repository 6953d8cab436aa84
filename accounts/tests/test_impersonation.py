"""A Better Auth admin impersonating someone works as that person; every write is recorded with the admin's id.

Tokens carry `impersonatedBy` as the shipped auth.ts puts it there (beside
`sid`) and as the cookie cache carries it (in `session`); the interop test
of a real admin plugin is in test_better_auth_admin_plugin.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry, AuditEvent
from tasks.models import Task
from tasks.tests.factories import TaskFactory

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory

pytestmark = pytest.mark.django_db

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
ADMIN_ID = "AdminAdminAdminAdminAdminAdmin01"


@pytest.fixture
def ada():
    return BetterAuthUserFactory(pk=USER_ID, email="ada@example.com")


@pytest.fixture
def as_ada(api_client, sign_hs256, ada):
    """Ada's API, called by the admin impersonating her."""
    token = sign_hs256(
        better_auth_claims(user_id=USER_ID, sid="ImpersonationSession0123456789ab", impersonatedBy=ADMIN_ID)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client


def cookie_cache_token(sign_hs256):
    now = int(time.time())
    claims = {
        "session": {"id": "ImpersonationSession0123456789ab", "userId": USER_ID, "impersonatedBy": ADMIN_ID},
        "user": {"id": USER_ID, "email": "ada@example.com"},
        "iat": now,
        "exp": now + 300,
    }
    return sign_hs256(claims)


def impersonated_writes():
    return [
        (entry.user_id, entry.actor_id, entry.detail["method"], entry.detail["status"])
        for entry in AuditEntry.objects.filter(event=AuditEvent.IMPERSONATED_WRITE).order_by("id")
    ]


def test_every_task_write_is_recorded_with_the_impersonator_and_works_as_the_person(as_ada, ada):
    created = as_ada.post("/api/tasks/", {"title": "Call the bank"}, format="json")
    url = f"/api/tasks/{created.json()['id']}/"
    assert as_ada.patch(url, {"title": "Call the bank today"}, format="json").status_code == 200
    assert as_ada.put(url, {"title": "Call the bank now"}, format="json").status_code == 200
    assert as_ada.post(f"{url}toggle/").status_code == 200
    assert as_ada.delete(url).status_code == 204

    assert created.status_code == 201
    assert impersonated_writes() == [
        (USER_ID, ADMIN_ID, "POST", 201),
        (USER_ID, ADMIN_ID, "PATCH", 200),
        (USER_ID, ADMIN_ID, "PUT", 200),
        (USER_ID, ADMIN_ID, "POST", 200),
        (USER_ID, ADMIN_ID, "DELETE", 204),
    ]
    routes = [entry.detail["route"] for entry in AuditEntry.objects.filter(event=AuditEvent.IMPERSONATED_WRITE)]
    assert all("tasks" in route and "Call" not in route for route in routes)


def test_a_refused_write_is_recorded_too(as_ada):
    assert as_ada.post("/api/tasks/", {"title": ""}, format="json").status_code == 400

    assert impersonated_writes() == [(USER_ID, ADMIN_ID, "POST", 400)]
    assert not Task.objects.exists()


def test_account_changes_name_the_impersonator_in_their_own_entries(as_ada, ada):
    assert as_ada.post("/api/auth/logout-all/").status_code == 204

    revoked = AuditEntry.objects.get(event=AuditEvent.TOKENS_REVOKED)
    assert (revoked.user_id, revoked.actor_id) == (USER_ID, ADMIN_ID)
    assert impersonated_writes() == [(USER_ID, ADMIN_ID, "POST", 204)]


def test_the_cookie_cache_s_impersonation_is_recorded_the_same(api_client, sign_hs256, ada):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {cookie_cache_token(sign_hs256)}")

    assert api_client.post("/api/tasks/", {"title": "Pay rent"}, format="json").status_code == 201

    assert impersonated_writes() == [(USER_ID, ADMIN_ID, "POST", 201)]


def test_the_person_s_own_writes_and_every_read_record_nothing(api_client, as_ada, sign_hs256, ada):
    task = TaskFactory(owner=ada)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {sign_hs256(better_auth_claims(user_id=USER_ID))}")
    assert api_client.post("/api/tasks/", {"title": "My own"}, format="json").status_code == 201

    assert as_ada.get("/api/tasks/").status_code == 200
    assert as_ada.get(f"/api/tasks/{task.pk}/").status_code == 200

    assert not AuditEntry.objects.exists()


def test_the_hot_path_writes_nothing_to_the_trail(as_ada, ada):
    task = TaskFactory(owner=ada)
    as_ada.get("/api/tasks/")

    with CaptureQueriesContext(connection) as queries:
        assert as_ada.get("/api/tasks/").status_code == 200
        assert as_ada.get(f"/api/tasks/{task.pk}/").status_code == 200

    assert [query["sql"] for query in queries if "audit" in query["sql"]] == []


def test_a_stranger_cannot_put_someone_else_s_impersonation_on_their_own_writes(api_client, sign_hs256, ada):
    # A token naming an impersonator is Better Auth's word, signed with the secret; a forged one is refused.
    forged = sign_hs256(better_auth_claims(user_id=USER_ID, impersonatedBy=ADMIN_ID), key="x" * 40)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert api_client.post("/api/tasks/", {"title": "Pay rent"}, format="json").status_code == 401
    assert not AuditEntry.objects.exists()
