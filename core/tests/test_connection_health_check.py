"""A reused PostgreSQL connection the server has closed is replaced before a request uses it."""

import time

import psycopg
import pytest
from django.db import connection

# Timed: connections checked against their age (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True), pytest.mark.timing]


@pytest.fixture(autouse=True)
def reconnect_afterwards():
    # Some tests end the test's own connection; the database's teardown needs a live one.
    yield
    connection.close()


def server_side_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    # From a connection of its own, as a restart or an administrator would.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def usable_within(seconds):
    deadline = time.monotonic() + seconds
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    return connection.is_usable()


def test_an_open_idle_connection_is_usable():
    server_side_pid()

    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable():
    terminate(server_side_pid())

    assert not usable_within(5)


def test_the_check_before_a_request_replaces_an_ended_connection():
    old_pid = server_side_pid()
    terminate(old_pid)
    usable_within(5)

    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()

    assert server_side_pid() != old_pid


def test_the_check_sends_the_server_nothing():
    pid = server_side_pid()

    assert connection.is_usable()

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        [last_query] = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert last_query == "SELECT pg_backend_pid()"
