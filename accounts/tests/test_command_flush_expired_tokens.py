"""`manage.py flush_expired_tokens`: denylist entries of expired tokens are deleted, the rest kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import DenylistedToken

pytestmark = pytest.mark.django_db


def denylisted(jti, expires_in):
    return DenylistedToken.objects.create(jti=jti, user_id="SomeUser", expires_at=timezone.now() + expires_in)


def test_expired_entries_are_deleted_and_counted_and_live_ones_kept():
    denylisted("expired-1", timedelta(minutes=-1))
    denylisted("expired-2", timedelta(days=-3))
    denylisted("still-valid", timedelta(hours=1))
    stdout = StringIO()

    call_command("flush_expired_tokens", stdout=stdout)

    assert stdout.getvalue() == "Deleted 2 expired denylist entries.\n"
    assert list(DenylistedToken.objects.values_list("jti", flat=True)) == ["still-valid"]


def test_nothing_to_flush_says_so():
    stdout = StringIO()

    call_command("flush_expired_tokens", stdout=stdout)

    assert stdout.getvalue() == "Deleted 0 expired denylist entries.\n"
