"""The per-request user read: the ORM's own SQL compiled once, answering what the ORM answers."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_better_auth.tokens import TokenIdentity

from accounts.models import EndedSession, User
from accounts.selectors import user_get_for_token

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def identity_for(user_id, session_id=None):
    return TokenIdentity(user_id=user_id, issued_at=time.time(), session_id=session_id)


def field_values(user):
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_user_read_holds_every_field_as_the_orm_reads_it():
    made = UserFactory(email_verified=True, tokens_valid_after=timezone.now())

    read = user_get_for_token(identity=identity_for(made.pk))

    assert field_values(read) == field_values(User.objects.get(pk=made.pk))
    assert read._state.adding is False and read._state.db == "default"


def test_an_unknown_user_reads_as_none():
    assert user_get_for_token(identity=identity_for("nobodyWithThisId")) is None


def test_a_token_naming_an_ended_session_reads_its_end():
    user = UserFactory()
    EndedSession.objects.create(session_id="ended-session", user_id=user.pk, expires_at=timezone.now())

    assert user_get_for_token(identity=identity_for(user.pk, "ended-session")).token_session_ended
    assert not user_get_for_token(identity=identity_for(user.pk, "live-session")).token_session_ended


def test_the_values_go_where_the_placeholders_were_not_into_the_sql():
    user = UserFactory()
    hostile = "x' OR '1'='1"

    assert user_get_for_token(identity=identity_for(hostile)) is None
    assert user_get_for_token(identity=identity_for(user.pk, hostile)).pk == user.pk


def test_each_read_is_one_query():
    user = UserFactory()
    user_get_for_token(identity=identity_for(user.pk, "some-session"))

    with CaptureQueriesContext(connection) as queries:
        user_get_for_token(identity=identity_for(user.pk, "some-session"))

    assert len(queries) == 1
