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


def test_an_entry_is_kept_while_its_token_still_passes_within_the_leeway(settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": timedelta(seconds=30)}
    denylisted("within-leeway", timedelta(seconds=-10))
    denylisted("past-leeway", timedelta(seconds=-40))

    call_command("flush_expired_tokens", stdout=StringIO())

    assert list(DenylistedToken.objects.values_list("jti", flat=True)) == ["within-leeway"]


def test_a_refresh_token_replayed_inside_the_leeway_after_a_flush_is_still_refused(api_client, settings, user):
    from drf_better_auth.tokens import RefreshToken

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": timedelta(seconds=30)}
    refresh = RefreshToken.for_user(user)
    refresh["exp"] = int(timezone.now().timestamp()) - 10
    raw = str(refresh)
    DenylistedToken.objects.create(jti=refresh.jti, user_id=user.pk, expires_at=refresh.expires_at)

    call_command("flush_expired_tokens", stdout=StringIO())
    response = api_client.post("/api/token/refresh/", {"refresh": raw}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is blacklisted"
