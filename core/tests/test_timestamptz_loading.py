"""timestamptz values read through psycopg's compiled loader are exactly what Django's own loader gives.

`core.postgresql` registers psycopg's compiled timestamptz loader when the
database time zone is UTC (`core/postgresql/base.py`); these tests read the
same values with Django's loader put back, and compare value for value and
tzinfo for tzinfo.
"""

import datetime
from contextlib import contextmanager

import psycopg
import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from psycopg import pq

from core.postgresql.base import CompiledUTCTimestamptzLoader, DatabaseWrapper
from tasks.models import Task
from tasks.tests.factories import TaskFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid

LITERALS = [
    "2024-03-10 12:34:56.789012+00",
    "2024-03-10 12:34:56.5+00",  # PostgreSQL prints the fraction without its trailing zeros
    "2024-03-10 12:34:56.000001-07:30",
    "2024-10-27 02:30:00+02",  # in Europe's autumn changeover
    "1900-01-01 00:00:00+00:09:21",  # Paris mean time: an offset with seconds
    "1970-01-01 00:00:00+14",
    "2000-02-29 23:59:59.999999-12",
    "0001-01-01 00:00:00+00",  # the first instant Python can hold
    "9999-12-31 23:59:59.999999+00",  # the last
    None,
]

# Instants across Python's range (a day short of each end, which an offset could cross) at offsets PostgreSQL accepts.
instants = st.datetimes(
    min_value=datetime.datetime(1, 1, 2),
    max_value=datetime.datetime(9999, 12, 30),
    timezones=st.integers(min_value=-15 * 60, max_value=15 * 60).map(
        lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
    ),
)


def loader_registered_on(context):
    return context.adapters.get_loader(TIMESTAMPTZ_OID, pq.Format.TEXT)


@contextmanager
def djangos_loader():
    """Django's own timestamptz loader on the connection, as Django's backend registers it."""
    connection.ensure_connection()
    registered = loader_registered_on(connection.connection)
    register_tzloader(connection.timezone, connection.connection)
    try:
        yield
    finally:
        connection.connection.adapters.register_loader("timestamptz", registered)


def read_timestamptz(texts):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(text, n) ORDER BY n", [texts]
        )
        return [value for (value,) in cursor.fetchall()]


def assert_read_alike(ours, djangos):
    assert ours == djangos  # the instants, and NULLs
    for our, django in zip(ours, djangos, strict=True):
        if django is not None:
            assert our.tzinfo is django.tzinfo
            assert (our.replace(tzinfo=None), our.fold) == (django.replace(tzinfo=None), django.fold)


def test_the_connection_reads_timestamptz_with_psycopgs_compiled_loader():
    connection.ensure_connection()

    assert pq.__impl__ in ("c", "binary")
    assert loader_registered_on(connection.connection) is CompiledUTCTimestamptzLoader
    psycopg_loader = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, pq.Format.TEXT)
    assert type(CompiledUTCTimestamptzLoader(TIMESTAMPTZ_OID, connection.connection)) is psycopg_loader


def test_cursors_keep_the_compiled_loader_instead_of_registering_djangos_again():
    with connection.cursor() as cursor:
        assert loader_registered_on(cursor.cursor) is CompiledUTCTimestamptzLoader
    with connection.chunked_cursor() as cursor:
        assert loader_registered_on(cursor.cursor) is CompiledUTCTimestamptzLoader


def test_timestamptz_values_read_exactly_as_with_djangos_loader():
    ours = read_timestamptz(LITERALS)
    with djangos_loader():
        djangos = read_timestamptz(LITERALS)

    assert_read_alike(ours, djangos)
    assert ours[0] == datetime.datetime(2024, 3, 10, 12, 34, 56, 789012, tzinfo=datetime.UTC)
    assert ours[0].tzinfo is datetime.UTC


@hypothesis_settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(instants, max_size=20))
def test_any_instant_reads_exactly_as_with_djangos_loader(written):
    texts = [instant.isoformat() for instant in written]

    ours = read_timestamptz(texts)
    with djangos_loader():
        djangos = read_timestamptz(texts)

    assert_read_alike(ours, djangos)
    assert ours == written


@pytest.mark.parametrize("text", ["0001-01-01 00:00:00+01", "9999-12-31 23:59:59-01", "infinity", "-infinity"])
def test_a_value_python_cannot_hold_fails_as_with_djangos_loader(text):
    with pytest.raises(DataError) as ours:
        read_timestamptz([text])
    with djangos_loader(), pytest.raises(DataError) as djangos:
        read_timestamptz([text])

    assert str(ours.value) == str(djangos.value)


def test_a_task_saved_and_read_back_through_the_orm_has_the_same_aware_datetimes():
    task = TaskFactory(completed=True)

    def read_back():
        stored = Task.objects.get(pk=task.pk)
        return [stored.created_at, stored.updated_at, stored.completed_at]

    ours = read_back()
    with djangos_loader():
        djangos = read_back()

    assert_read_alike(ours, djangos)
    assert ours == [task.created_at, task.updated_at, task.completed_at]
    assert all(value.tzinfo is datetime.UTC for value in ours)


@pytest.mark.parametrize("time_zone", ["Europe/Paris", "UTC"])
def test_a_database_time_zone_of_its_own_keeps_djangos_loader(time_zone):
    # Even "UTC": Django's loader then gives ZoneInfo("UTC"), psycopg's datetime.timezone.utc.
    wrapper = DatabaseWrapper({**connection.settings_dict, "TIME_ZONE": time_zone})

    loader = loader_registered_on(wrapper.get_connection_params()["context"])

    assert loader is not CompiledUTCTimestamptzLoader
    assert loader.timezone is wrapper.timezone


def test_without_use_tz_djangos_loader_makes_naive_datetimes(settings):
    settings.USE_TZ = False
    wrapper = DatabaseWrapper(connection.settings_dict)

    loader = loader_registered_on(wrapper.get_connection_params()["context"])

    assert loader is not CompiledUTCTimestamptzLoader
    assert loader.timezone is None
