"""Personal API keys: made once, listed without their secret, revoked, and refused wherever they may not go."""

import datetime
import hashlib
import json
import logging

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiKey

from .factories import UserFactory

pytestmark = pytest.mark.django_db

KEYS_URL = "/api/auth/api-keys/"
TASKS_URL = "/api/tasks/"
BOTH = ["tasks:read", "tasks:write"]


@pytest.fixture
def person(db):
    return UserFactory()


@pytest.fixture
def person_client(client_for, person):
    return client_for(person)


def create_key(client, scopes=BOTH, **extra):
    response = client.post(KEYS_URL, {"name": "backup script", "scopes": scopes, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def key_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_key_is_shown_once_and_stored_as_its_sha256(person_client, person):
    body = create_key(person_client)

    key = body["key"]
    assert key.startswith("tdk_") and len(key) == len("tdk_") + 8 + 1 + 64
    assert body["prefix"] == key[: len("tdk_") + 8]
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiKey.objects.filter(pk=body["id"]).values().get())

    listed = person_client.get(KEYS_URL).json()
    assert [entry["id"] for entry in listed] == [body["id"]]
    assert set(listed[0]) == {"id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at"}
    assert key not in str(listed)


def test_a_key_lists_its_owner_s_tasks_and_records_its_use_once_a_minute(person_client, person):
    person_client.post(TASKS_URL, {"title": "mine"}, format="json")
    key = create_key(person_client)

    response = key_client(key["key"]).get(TASKS_URL)

    assert response.status_code == 200
    assert [task["title"] for task in response.json()["results"]] == ["mine"]
    first_use = ApiKey.objects.get(pk=key["id"]).last_used_at
    assert first_use is not None
    key_client(key["key"]).get(TASKS_URL)
    assert ApiKey.objects.get(pk=key["id"]).last_used_at == first_use
    ApiKey.objects.filter(pk=key["id"]).update(last_used_at=first_use - datetime.timedelta(minutes=2))
    key_client(key["key"]).get(TASKS_URL)
    assert ApiKey.objects.get(pk=key["id"]).last_used_at > first_use


def test_a_key_costs_the_queries_a_token_costs_plus_its_throttle(person_client, person, django_assert_num_queries):
    key = create_key(person_client)["key"]
    client = key_client(key)
    client.get(TASKS_URL)  # its last use written; compiled queries warm

    with django_assert_num_queries(2) as token_queries:
        assert person_client.get(TASKS_URL).status_code == 200
    with django_assert_num_queries(len(token_queries) + 1) as key_queries:
        assert client.get(TASKS_URL).status_code == 200

    sql = [query["sql"] for query in key_queries.captured_queries]
    assert sum('"accounts_apikey"' in statement for statement in sql) == 1
    assert any("ratecounter" in statement.lower() for statement in sql)


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (["tasks:read"], {"list", "get"}),
        (["tasks:write"], {"create", "patch", "toggle", "delete", "bulk"}),
        (BOTH, {"list", "get", "create", "patch", "toggle", "delete", "bulk"}),
    ],
)
def test_a_key_reaches_only_what_its_scopes_allow(person_client, person, scopes, allowed):
    client = key_client(create_key(person_client, scopes=scopes)["key"])

    def task_id():
        return person_client.post(TASKS_URL, {"title": "t"}, format="json").json()["id"]

    calls = {
        "list": lambda: client.get(TASKS_URL),
        "get": lambda: client.get(f"{TASKS_URL}{task_id()}/"),
        "create": lambda: client.post(TASKS_URL, {"title": "by key"}, format="json"),
        "patch": lambda: client.patch(f"{TASKS_URL}{task_id()}/", {"title": "x"}, format="json"),
        "toggle": lambda: client.post(f"{TASKS_URL}{task_id()}/toggle/"),
        "delete": lambda: client.delete(f"{TASKS_URL}{task_id()}/"),
        "bulk": lambda: client.post(f"{TASKS_URL}bulk/", {"action": "complete", "ids": [task_id()]}, format="json"),
    }
    for name, call in calls.items():
        response = call()
        if name in allowed:
            assert response.status_code < 300, (name, response.content)
        else:
            assert response.status_code == 403, name
            assert response.json()["code"] == "api_key_scope_missing"


ACCOUNT_ENDPOINTS = [
    ("get", "/api/auth/me/"),
    ("patch", "/api/auth/me/"),
    ("delete", "/api/auth/me/"),
    ("get", "/api/auth/me/export/"),
    ("post", "/api/auth/password/change/"),
    ("post", "/api/auth/logout-all/"),
    ("post", "/api/auth/email/change/"),
    ("get", KEYS_URL),
    ("post", KEYS_URL),
    ("delete", f"{KEYS_URL}1/"),
]


@pytest.mark.parametrize(("method", "url"), ACCOUNT_ENDPOINTS)
def test_a_key_never_reaches_an_account_endpoint(person_client, person, method, url):
    key = create_key(person_client)
    body = {"name": "x", "scopes": BOTH, "current_password": "x", "new_password": "y" * 20, "email": "e@example.com"}

    response = getattr(key_client(key["key"]), method)(url.replace("/1/", f"/{key['id']}/"), body, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "api_key_not_accepted"
    person.refresh_from_db()
    assert person.is_active and person.tokens_valid_after is None
    assert ApiKey.objects.filter(user=person).count() == 1


def test_every_bearer_route_of_the_api_refuses_keys_unless_it_names_their_scopes():
    from django.urls import get_resolver
    from rest_framework.views import APIView

    accepting = set()
    for pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "cls", None)
        if view is not None and issubclass(view, APIView) and getattr(view, "api_key_scopes", None) is not None:
            accepting.add(view.__name__)
    assert accepting == {"TaskViewSet", "UserTaskViewSet"}


def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _patterns(pattern)
        else:
            yield pattern


def test_a_stranger_cannot_list_or_revoke_another_person_s_key(person_client, client_for):
    key = create_key(person_client)
    stranger = client_for(UserFactory())

    assert stranger.get(KEYS_URL).json() == []
    assert stranger.delete(f"{KEYS_URL}{key['id']}/").status_code == 404
    assert key_client(key["key"]).get(TASKS_URL).status_code == 200


def test_a_stranger_s_key_shows_only_the_stranger_s_tasks(person_client, client_for):
    person_client.post(TASKS_URL, {"title": "private"}, format="json")
    stranger = client_for(UserFactory())
    stranger_key = create_key(stranger)["key"]

    response = key_client(stranger_key).get(TASKS_URL)

    assert response.json()["results"] == []


def test_a_revoked_key_is_refused_at_once(person_client):
    key = create_key(person_client)

    assert person_client.delete(f"{KEYS_URL}{key['id']}/").status_code == 204

    response = key_client(key["key"]).get(TASKS_URL)
    assert (response.status_code, response.json()["code"]) == (401, "api_key_not_valid")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert person_client.get(KEYS_URL).json() == []


def test_an_expired_key_is_refused(person_client):
    soon = timezone.now() + datetime.timedelta(hours=1)
    key = create_key(person_client, expires_at=soon.isoformat())
    ApiKey.objects.filter(pk=key["id"]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert key_client(key["key"]).get(TASKS_URL).json()["code"] == "api_key_not_valid"


def test_a_key_of_a_deactivated_or_deleted_account_is_refused(person_client, person):
    key = create_key(person_client)["key"]
    services.user_deactivate(user=person)
    response = key_client(key).get(TASKS_URL)
    assert response.status_code == 401

    services.user_erase(user=person, via="api")
    assert key_client(key).get(TASKS_URL).json()["code"] == "api_key_not_valid"
    assert not ApiKey.objects.exists()


def test_a_key_with_a_valid_prefix_but_a_wrong_secret_is_refused(person_client):
    key = create_key(person_client)["key"]
    wrong = key[:-1] + ("0" if key[-1] != "0" else "1")

    response = key_client(wrong).get(TASKS_URL)

    assert (response.status_code, response.json()["code"]) == (401, "api_key_not_valid")


@pytest.mark.parametrize("revoke", ["logout-all", "password change", "deletion"])
def test_logging_out_everywhere_changing_the_password_or_deleting_the_account_revokes_every_key(
    person_client, person, revoke
):
    person.set_password("old password 123!")
    person.save()
    keys = [create_key(person_client)["key"] for _ in range(2)]

    if revoke == "logout-all":
        assert person_client.post("/api/auth/logout-all/").status_code == 204
    elif revoke == "password change":
        body = {"current_password": "old password 123!", "new_password": "a new password 456?"}
        assert person_client.post("/api/auth/password/change/", body, format="json").status_code == 200
    else:
        response = person_client.delete("/api/auth/me/", {"current_password": "old password 123!"}, format="json")
        assert response.status_code == 204

    assert not ApiKey.objects.filter(user_id=person.pk).exists()
    for key in keys:
        assert key_client(key).get(TASKS_URL).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["tasks:admin"]},
        {"name": "x", "scopes": ["tasks:read", "tasks:read"]},
        {"name": "", "scopes": ["tasks:read"]},
        {"name": "x", "scopes": ["tasks:read"], "expires_at": "2000-01-01T00:00:00Z"},
        {"name": "x", "scopes": "tasks:read"},
    ],
)
def test_a_bad_creation_is_a_clear_400(person_client, body):
    response = person_client.post(KEYS_URL, body, format="json")

    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_a_person_holds_a_bounded_number_of_keys(person_client, settings, monkeypatch):
    monkeypatch.setattr(services.api_keys, "API_KEYS_MAX_PER_USER", 2)
    create_key(person_client)
    create_key(person_client)

    response = person_client.post(KEYS_URL, {"name": "third", "scopes": BOTH}, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "api_key_limit_reached")


def test_an_unknown_or_huge_key_id_is_a_404(person_client):
    assert person_client.delete(f"{KEYS_URL}{10**30}/").status_code == 404
    assert person_client.delete(f"{KEYS_URL}424242/").status_code == 404


def test_a_key_is_throttled_per_key(person_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "2/min"},
    }
    first, second = (key_client(create_key(person_client)["key"]) for _ in range(2))

    assert [first.get(TASKS_URL).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(TASKS_URL).status_code == 200
    assert person_client.get(TASKS_URL).status_code == 200


def test_a_key_is_looked_up_by_its_digest_alone_so_timing_tells_nothing_of_its_secret(
    person_client, django_assert_num_queries
):
    key = create_key(person_client)["key"]
    # The right public id, the wrong secret: what someone guessing a key's rest would send.
    guess = key[: len("tdk_") + 9] + "f" * 64

    with django_assert_num_queries(1) as queries:
        assert key_client(guess).get(TASKS_URL).status_code == 401

    (query,) = queries.captured_queries
    digest = hashlib.sha256(guess.encode()).hexdigest()
    assert digest in query["sql"] or digest in str(query)
    assert guess not in str(query) and key[:12] not in str(query)


def test_a_key_made_before_a_relink_is_refused_and_one_made_after_works(person_client, person, client_for):
    old_key = create_key(person_client)["key"]

    relinked = services.user_relink(
        user=person, new_id="relinkedAccount000000000000000001", actor=None, os_user="support"
    )

    assert key_client(old_key).get(TASKS_URL).json()["code"] == "api_key_not_valid"
    new_key = create_key(client_for(relinked))["key"]
    assert key_client(new_key).get(TASKS_URL).status_code == 200


def test_a_key_is_never_logged_and_its_refusal_is_on_the_access_line(person_client, caplog):
    key = create_key(person_client)

    with caplog.at_level(logging.DEBUG):
        key_client(key["key"]).get(TASKS_URL)
        person_client.delete(f"{KEYS_URL}{key['id']}/")
        key_client(key["key"]).get(TASKS_URL)

    assert key["key"] not in caplog.text
    assert key["key"][len("tdk_") + 9 :] not in str([record.__dict__ for record in caplog.records])
    # The creation, the use, the revocation, the refused use.
    access = [record for record in caplog.records if record.name == "core.access"]
    assert [getattr(record, "refusal_code", None) for record in access] == [None, None, None, "api_key_not_valid"]


def test_the_account_export_lists_the_keys_without_their_secret_or_digest(person_client):
    key = create_key(person_client, scopes=["tasks:read"])

    body = b"".join(person_client.get("/api/auth/me/export/").streaming_content)

    exported = json.loads(body)["security"]["api_keys"]
    assert [(entry["name"], entry["prefix"], entry["scopes"]) for entry in exported] == [
        ("backup script", key["prefix"], ["tasks:read"])
    ]
    assert key["key"].encode() not in body
    assert ApiKey.objects.get().digest.encode() not in body
