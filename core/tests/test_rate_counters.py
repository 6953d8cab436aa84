"""Fixed-window counters in the database: one atomic count per request, a fresh window after the last ends."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import RateCounter
from core.throttling import rate_counter_hit

pytestmark = pytest.mark.django_db


def test_hits_in_one_window_add_up_and_keep_the_window_end():
    answers = [rate_counter_hit(key="k", window_seconds=60, now=1000.0 + i) for i in range(3)]

    assert answers == [(1, 1060.0), (2, 1060.0), (3, 1060.0)]


def test_the_first_hit_after_a_window_ends_starts_a_new_one():
    rate_counter_hit(key="k", window_seconds=60, now=1000.0)
    rate_counter_hit(key="k", window_seconds=60, now=1030.0)

    assert rate_counter_hit(key="k", window_seconds=60, now=1060.0) == (1, 1120.0)


def test_each_key_counts_on_its_own():
    rate_counter_hit(key="a", window_seconds=60, now=1000.0)

    assert rate_counter_hit(key="b", window_seconds=60, now=1000.0) == (1, 1060.0)


def test_flush_rate_counters_deletes_only_ended_windows():
    rate_counter_hit(key="ended", window_seconds=1, now=0.0)
    rate_counter_hit(key="running", window_seconds=10**10, now=0.0)
    stdout = StringIO()

    call_command("flush_rate_counters", stdout=stdout)

    assert stdout.getvalue() == "Deleted 1 expired rate-limit counters.\n"
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["running"]
