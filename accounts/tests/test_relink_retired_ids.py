"""A retired id is never given to another account: only the account relinked away from it takes it back (an undo)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from drf_better_auth.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.models import User
from tasks.tests.factories import TaskFactory

from .admin_session import USERS_URL
from .factories import UserFactory

pytestmark = pytest.mark.django_db

ADA_FIRST_ID = "AdaFirstBetterAuthId0123456789ab"
ADA_NEW_ID = "AdaNewBetterAuthId0123456789abcd"
BOB_ID = "BobBetterAuthId0123456789abcdefg"


@pytest.fixture
def ada_relinked():
    """Ada, relinked away from her first id, and the tokens she held under it."""
    ada = UserFactory(pk=ADA_FIRST_ID, email="ada@example.com")
    tokens = {"access": str(AccessToken.for_user(ada)), "refresh": str(RefreshToken.for_user(ada))}
    services.user_relink(user=ada, new_id=ADA_NEW_ID, actor=None)
    return ada, tokens


@pytest.fixture
def bob():
    person = UserFactory(pk=BOB_ID, email="bob@example.com")
    TaskFactory(owner=person, title="Bob's private task")
    return person


def assert_first_id_tokens_dead(api_client, tokens):
    """Ada's old tokens read nobody's tasks and refresh into nothing."""
    listed = api_client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert listed.status_code == 401
    refreshed = api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401 and "access" not in refreshed.json()


def test_the_admin_refuses_to_relink_another_account_onto_a_retired_id(
    superuser_session, ada_relinked, bob, api_client
):
    _ada, tokens = ada_relinked

    typed = superuser_session.relink(BOB_ID, ADA_FIRST_ID, step="enter")
    crafted = superuser_session.relink(BOB_ID, ADA_FIRST_ID, step="confirm")

    for page in (typed, crafted):
        assert page.status_code == 200
        assert "was retired by a relink" in str(page.context["form"].errors.get("new_id"))
    assert User.objects.get(pk=BOB_ID).tasks.count() == 1
    assert not User.objects.filter(pk=ADA_FIRST_ID).exists()
    assert_first_id_tokens_dead(api_client, tokens)


def test_the_command_refuses_to_relink_another_account_onto_a_retired_id(ada_relinked, bob, api_client):
    _ada, tokens = ada_relinked

    with pytest.raises(CommandError, match=f"The id {ADA_FIRST_ID} was retired by a relink"):
        call_command("relink_user", BOB_ID, ADA_FIRST_ID, "--yes")

    assert User.objects.filter(pk=BOB_ID).exists() and not User.objects.filter(pk=ADA_FIRST_ID).exists()
    assert_first_id_tokens_dead(api_client, tokens)


def test_the_account_relinked_away_takes_its_first_id_back_in_the_admin(superuser_session, ada_relinked):
    done = superuser_session.relink(ADA_NEW_ID, ADA_FIRST_ID)

    assert done.status_code == 302 and done.url == f"{USERS_URL}{ADA_FIRST_ID}/change/"
    assert User.objects.get(pk=ADA_FIRST_ID).email == "ada@example.com"


def test_a_form_posted_without_its_csrf_token_relinks_nothing(superuser_session, ada_relinked):
    response = superuser_session.client.post(
        USERS_URL,
        {
            "action": "relink_selected",
            "_selected_action": [ADA_NEW_ID],
            "relink_step": "confirm",
            "new_id": ADA_FIRST_ID,
        },
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=ADA_NEW_ID).exists()


def test_an_id_whose_account_was_deleted_is_never_taken_again(ada_relinked, bob):
    ada, _tokens = ada_relinked
    User.objects.get(pk=ada.pk).delete()

    with pytest.raises(ValidationError) as refused:
        services.user_relink(user=bob, new_id=ADA_FIRST_ID, actor=None)

    assert refused.value.code == "id_retired"


def test_an_account_that_moved_on_may_still_take_back_an_id_it_held_before(ada_relinked):
    ada, _tokens = ada_relinked
    services.user_relink(user=ada, new_id="AdaThirdId", actor=None)

    services.user_relink(user=ada, new_id=ADA_FIRST_ID, actor=None)

    assert User.objects.get(pk=ADA_FIRST_ID).email == "ada@example.com"


@pytest.mark.postgres_only
def test_importing_better_auth_users_never_creates_an_account_under_a_retired_id(better_auth_database):
    url, [grace] = better_auth_database(
        [{"email": "grace@example.com", "password": "compiler pioneer 1952", "name": "Grace"}]
    )
    # Under another address since, so that only the id can stop the import.
    relinked = UserFactory(pk=grace["id"], email="grace.hopper@example.com")
    services.user_relink(user=relinked, new_id="GraceNewId", actor=None)
    stdout, stderr = StringIO(), StringIO()

    call_command("import_better_auth_users", "--database-url", url, stdout=stdout, stderr=stderr)

    assert stderr.getvalue() == f"Skipped {grace['id']} <grace@example.com>: its id was retired by a relink.\n"
    assert stdout.getvalue() == "created 0, updated 0, unchanged 0, skipped 1.\n"
    assert not User.objects.filter(pk=grace["id"]).exists()
