"""`manage.py purge_inactive_users --older-than DAYS`: accounts deactivated long enough ago are erased."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import DeletedUserId, User
from tasks.models import Task
from tasks.tests.factories import TaskFactory

from .admin_forms import change_form, change_url
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def deactivated(days_ago, **fields):
    user = UserFactory(**fields)
    TaskFactory(owner=user)
    call_command("revoke_tokens", user.pk, "--deactivate", stdout=StringIO())
    User.objects.filter(pk=user.pk).update(deactivated_at=timezone.now() - timedelta(days=days_ago))
    return user


def purge(*args):
    stdout = StringIO()
    call_command("purge_inactive_users", *args, stdout=stdout)
    return stdout.getvalue()


def test_accounts_deactivated_longer_ago_are_erased_with_their_tasks_and_the_rest_kept():
    old = deactivated(31, email="old@example.com")
    recent = deactivated(29)
    active = UserFactory()
    TaskFactory(owner=active)

    output = purge("--older-than", "30")

    assert output == "Erased 1 account deactivated more than 30 days ago.\n"
    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk, active.pk}
    assert not Task.objects.filter(owner_id=old.pk).exists()
    assert DeletedUserId.objects.filter(user_id=old.pk).exists()
    assert "old@example.com" not in output


def test_the_admin_records_when_an_account_is_deactivated_and_forgets_it_on_reactivation(support_client):
    member = UserFactory()

    support_client.post(change_url(member), change_form(member, is_active=None))
    deactivated_at = User.objects.get(pk=member.pk).deactivated_at
    support_client.post(change_url(member), change_form(member, is_active="on"))

    assert deactivated_at is not None
    stored = User.objects.get(pk=member.pk)
    assert (stored.is_active, stored.deactivated_at) == (True, None)


def test_staff_accounts_are_left_and_named_by_id():
    staff = deactivated(90, is_staff=True)

    output = purge("--older-than", "30")

    assert f"Left staff account {staff.pk}" in output
    assert User.objects.filter(pk=staff.pk).exists()


def test_an_account_deactivated_before_anyone_recorded_when_is_kept():
    user = UserFactory(is_active=False)

    purge("--older-than", "1")

    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("days", ["0", "-3", "soon"])
def test_days_must_be_a_positive_whole_number(days):
    with pytest.raises(CommandError):
        call_command("purge_inactive_users", "--older-than", days, stdout=StringIO())
