"""A Better Auth `role` grants no Django staff rights unless BETTER_AUTH_ROLE_GROUPS maps it; never superuser."""

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks

from accounts.models import User
from audit.models import AuditEntry, AuditEvent

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory

pytestmark = pytest.mark.django_db

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


def with_role(sign_hs256, role, updated_at="2026-11-01T10:00:00.000Z"):
    return sign_hs256(better_auth_claims(user_id=USER_ID, role=role, updatedAt=updated_at))


def test_role_admin_gives_no_staff_rights_and_no_admin_access(call_me, sign_hs256, client):
    assert call_me(with_role(sign_hs256, "admin")).status_code == 200

    ada = User.objects.get(pk=USER_ID)
    assert (ada.better_auth_role, ada.is_staff, ada.is_superuser, ada.groups.count()) == ("admin", False, False, 0)
    client.force_login(ada)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 302


def test_a_mapped_role_makes_staff_in_the_mapped_groups_and_never_superuser(
    call_me, sign_hs256, settings, support_group
):
    settings.BETTER_AUTH_ROLE_GROUPS = {"admin": ["Support"], "superuser": ["Support"]}

    call_me(with_role(sign_hs256, "user,admin"))

    ada = User.objects.get(pk=USER_ID)
    assert (ada.is_staff, ada.is_superuser, list(ada.groups.values_list("name", flat=True))) == (
        True,
        False,
        ["Support"],
    )
    entry = AuditEntry.objects.get(event=AuditEvent.ROLE_CHANGED)
    assert (entry.user_id, entry.detail) == (USER_ID, {"role": "user,admin", "staff": True})


def test_a_role_named_superuser_is_just_a_name(call_me, sign_hs256, settings, support_group):
    settings.BETTER_AUTH_ROLE_GROUPS = {"superuser": ["Support"]}

    call_me(with_role(sign_hs256, "superuser"))

    assert User.objects.filter(pk=USER_ID, is_superuser=False, is_staff=True).exists()


def test_losing_the_mapped_role_takes_back_what_it_granted(call_me, sign_hs256, settings, support_group):
    settings.BETTER_AUTH_ROLE_GROUPS = {"admin": ["Support"]}
    call_me(with_role(sign_hs256, "admin"))
    other = Group.objects.create(name="Operators")
    User.objects.get(pk=USER_ID).groups.add(other)

    call_me(with_role(sign_hs256, "user", updated_at="2026-11-02T10:00:00.000Z"))

    ada = User.objects.get(pk=USER_ID)
    assert (ada.is_staff, list(ada.groups.values_list("name", flat=True))) == (False, ["Operators"])


def test_an_older_token_does_not_undo_a_newer_role(call_me, sign_hs256, settings, support_group):
    settings.BETTER_AUTH_ROLE_GROUPS = {"admin": ["Support"]}
    call_me(with_role(sign_hs256, "user", updated_at="2026-11-02T10:00:00.000Z"))

    call_me(with_role(sign_hs256, "admin", updated_at="2026-11-01T10:00:00.000Z"))

    ada = User.objects.get(pk=USER_ID)
    assert (ada.better_auth_role, ada.is_staff) == ("user", False)


def test_an_unmapped_role_leaves_staff_an_operator_gave_alone(call_me, sign_hs256):
    BetterAuthUserFactory(pk=USER_ID, email="ada@example.com", is_staff=True)

    call_me(with_role(sign_hs256, "user"))

    assert User.objects.get(pk=USER_ID).is_staff is True


def test_the_same_role_again_writes_nothing(call_me, sign_hs256):
    call_me(with_role(sign_hs256, "admin"))
    call_me(with_role(sign_hs256, "admin"))

    assert AuditEntry.objects.filter(event=AuditEvent.ROLE_CHANGED).count() == 1


@pytest.mark.parametrize("value", [["admin"], {"admin": "Support"}, {"admin": [1]}, "admin"])
def test_a_mapping_of_the_wrong_shape_stops_start_up(settings, value):
    settings.BETTER_AUTH_ROLE_GROUPS = value

    assert "accounts.E011" in [message.id for message in run_checks()]


def test_a_role_from_a_user_updated_event_is_taken_too(api_client, settings, support_group):
    from .test_audit_events import deliver

    settings.BETTER_AUTH_ROLE_GROUPS = {"admin": ["Support"]}
    BetterAuthUserFactory(pk=USER_ID, email="ada@example.com")

    response = deliver(
        api_client,
        settings,
        "user.updated",
        {"user_id": USER_ID, "role": "admin", "updated_at": "2026-11-03T00:00:00Z"},
    )

    assert response.status_code == 200
    assert User.objects.filter(pk=USER_ID, is_staff=True, groups__name="Support").exists()


def test_an_older_token_never_takes_back_a_role_changed_without_any_other_change(call_me, sign_hs256, settings):
    # A rename at 10:00 is taken; Better Auth then changes only the role (updatedAt 11:00).
    call_me(with_role(sign_hs256, "user", updated_at="2026-11-01T10:00:00.000Z"))
    call_me(with_role(sign_hs256, "admin", updated_at="2026-11-01T11:00:00.000Z"))

    # The 10:00 token, still unexpired, is used again.
    call_me(with_role(sign_hs256, "user", updated_at="2026-11-01T10:00:00.000Z"))

    assert User.objects.get(pk=USER_ID).better_auth_role == "admin"
    assert AuditEntry.objects.filter(event=AuditEvent.ROLE_CHANGED).count() == 2
