"""Relinking a local account to its new Better Auth id: everything moves, the old id is retired, the audit trail is
kept.
"""

import logging
import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_better_auth.tokens import AccessToken

from accounts import services
from accounts.models import DenylistedToken, EndedSession, RelinkedUserId, RelinkRecord, User
from tasks.tests.factories import TaskFactory

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

OLD_ID = "OldBetterAuthId0123456789abcdefg"
NEW_ID = "NewBetterAuthId0123456789abcdefg"


@pytest.fixture
def ada(db):
    # Verified: an unverified holder would simply release the address to the new id (the ownership rule).
    return BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com", name="Ada Lovelace", email_verified=True)


def better_auth_token(sign_hs256, user_id=NEW_ID, **claims):
    return sign_hs256(better_auth_claims(user_id=user_id, **claims))


def fresh_better_auth_token(sign_hs256, user_id=NEW_ID, **claims):
    """A token Better Auth mints after the relink (which revokes every earlier one): its `iat` is whole seconds."""
    return better_auth_token(sign_hs256, user_id=user_id, iat=int(time.time()) + 1, **claims)


def test_the_new_ids_token_is_refused_as_a_conflict_before_and_its_next_token_is_the_same_account_after(
    ada, sign_hs256, call_me, api_client
):
    tasks = set(TaskFactory.create_batch(2, owner=ada))
    assert call_me(better_auth_token(sign_hs256)).json()["code"] == "user_conflict"

    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    token = fresh_better_auth_token(sign_hs256)
    response = call_me(token)
    assert response.status_code == 200
    assert response.json()["id"] == NEW_ID and response.json()["email"] == "ada@example.com"
    listed = api_client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {task["id"] for task in listed["results"]} == {str(task.id) for task in tasks}


def test_every_reference_to_the_user_moves_to_the_new_id(ada):
    task = TaskFactory(owner=ada)
    group = Group.objects.create(name="Editors")
    ada.groups.add(group)
    permission = Permission.objects.get(codename="view_task")
    ada.user_permissions.add(permission)
    user_type = ContentType.objects.get_for_model(User)
    as_actor = LogEntry.objects.create(user=ada, content_type=user_type, object_id="someone", action_flag=CHANGE)
    about_them = LogEntry.objects.create(
        user=UserFactory(), content_type=user_type, object_id=OLD_ID, action_flag=CHANGE
    )
    denied = DenylistedToken.objects.create(jti="j1", user_id=OLD_ID, expires_at=timezone.now())
    ended = EndedSession.objects.create(session_id="s1", user_id=OLD_ID, expires_at=timezone.now())

    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    assert not User.objects.filter(pk=OLD_ID).exists()
    moved = User.objects.get(pk=NEW_ID)
    assert (moved.email, moved.name, moved.password) == (ada.email, ada.name, ada.password)
    task.refresh_from_db()
    assert task.owner_id == NEW_ID
    assert list(moved.groups.all()) == [group]
    assert list(moved.user_permissions.all()) == [permission]
    as_actor.refresh_from_db()
    about_them.refresh_from_db()
    assert as_actor.user_id == NEW_ID and about_them.object_id == NEW_ID
    denied.refresh_from_db()
    ended.refresh_from_db()
    assert denied.user_id == NEW_ID and ended.user_id == NEW_ID
    assert ada.pk == NEW_ID


def test_tokens_naming_the_old_id_stop_working_whatever_email_they_carry(ada, sign_hs256, call_me):
    ours = AccessToken.for_user(ada)
    theirs = better_auth_token(sign_hs256, user_id=OLD_ID)
    # Would otherwise create a new user under the old id.
    theirs_other_email = better_auth_token(sign_hs256, user_id=OLD_ID, email="someone.else@example.com")
    assert call_me(ours).status_code == 200

    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    assert call_me(ours).json()["code"] == "user_not_found"
    for token in (theirs, theirs_other_email):
        response = call_me(token)
        assert response.status_code == 401
        assert response.json()["detail"] == "Token names a user id that has been relinked to another"
    assert not User.objects.filter(pk=OLD_ID).exists()


def test_the_next_token_of_the_new_account_brings_its_profile(ada, sign_hs256, call_me):
    ada.profile_synced_at = timezone.now()
    ada.save()
    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    call_me(fresh_better_auth_token(sign_hs256, name="Ada King", updatedAt="2026-11-01T10:00:00.000Z"))

    assert User.objects.get(pk=NEW_ID).name == "Ada King"


def test_a_relink_can_be_undone_and_the_first_id_works_again(ada, sign_hs256, call_me):
    services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    services.user_relink(user=ada, new_id=OLD_ID, actor=None)

    assert call_me(fresh_better_auth_token(sign_hs256, user_id=OLD_ID)).status_code == 200
    assert list(RelinkedUserId.objects.values_list("old_id", "account_id")) == [(NEW_ID, OLD_ID)]


def test_earlier_retired_ids_point_at_the_accounts_current_id(ada):
    services.user_relink(user=ada, new_id=NEW_ID, actor=None)
    services.user_relink(user=ada, new_id="ThirdId", actor=None)

    assert dict(RelinkedUserId.objects.values_list("old_id", "account_id")) == {OLD_ID: "ThirdId", NEW_ID: "ThirdId"}


@pytest.mark.parametrize(
    "new_id, code",
    [
        ("has spaces", "invalid_id"),
        ("", "invalid_id"),
        ("x" * 65, "invalid_id"),
        ("a@b", "invalid_id"),
        (OLD_ID, "same_id"),
    ],
)
def test_a_malformed_or_unchanged_id_is_refused_and_nothing_changes(ada, new_id, code):
    with pytest.raises(ValidationError) as refused:
        services.user_relink(user=ada, new_id=new_id, actor=None)

    assert refused.value.code == code
    assert User.objects.filter(pk=OLD_ID).exists()
    assert not RelinkedUserId.objects.exists() and not RelinkRecord.objects.exists()


def test_an_id_that_already_belongs_to_a_local_user_is_refused_naming_them(ada):
    TaskFactory(owner=ada)
    UserFactory(pk=NEW_ID, email="holder@example.com")

    with pytest.raises(ValidationError) as refused:
        services.user_relink(user=ada, new_id=NEW_ID, actor=None)

    assert refused.value.code == "id_taken"
    assert "holder@example.com" in refused.value.messages[0]
    assert User.objects.get(pk=OLD_ID).tasks.count() == 1


def test_nobody_relinks_their_own_account(ada):
    with pytest.raises(ValidationError) as refused:
        services.user_relink(user=ada, new_id=NEW_ID, actor=ada)

    assert refused.value.code == "own_account"


def test_the_relink_is_logged_with_both_ids_and_the_actor_and_recorded(ada, caplog):
    admin = UserFactory(is_staff=True, is_superuser=True)

    with caplog.at_level(logging.INFO, logger="accounts.auth"):
        services.user_relink(user=ada, new_id=NEW_ID, actor=admin)

    [record] = [r for r in caplog.records if getattr(r, "event", None) == "user_relinked"]
    assert (record.user_id, record.old_user_id, record.actor_id, record.via) == (NEW_ID, OLD_ID, admin.pk, "admin")
    record = RelinkRecord.objects.get()
    assert (record.old_id, record.new_id, record.via, record.actor_id) == (OLD_ID, NEW_ID, "admin", admin.pk)
