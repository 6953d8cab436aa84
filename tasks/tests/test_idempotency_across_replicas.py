"""A retry sent to another replica (another process, another worker) is answered from the key the first one kept."""

import uuid

import pytest
from drf_better_auth.tokens import AccessToken

from accounts.tests.factories import UserFactory
from tasks.models import Task
from testing.http import http

pytestmark = pytest.mark.postgres_only


def test_a_create_retried_on_the_other_replica_is_replayed_and_stored_once(replicas):
    urls = replicas.start(2)
    owner = UserFactory()
    token = str(AccessToken.for_user(owner))
    key = {"Idempotency-Key": str(uuid.uuid4())}

    answers = [
        http("POST", f"{url}/api/tasks/", token=token, body={"title": "Once"}, headers=key) for url in (*urls, *urls)
    ]
    refused = http("POST", f"{urls[1]}/api/tasks/", token=token, body={"title": "Other"}, headers=key)

    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    assert refused[0] == 422 and refused[1]["code"] == "idempotency_key_reused"
    assert Task.objects.filter(owner=owner).count() == 1
