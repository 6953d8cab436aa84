"""A log line's JSON: orjson's text is the standard library's, and what orjson refuses still gets its line."""

import json
import math
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from core.logging import json_line


def standard_library_line(entry):
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=datetime.isoformat)


texts_and_integers = st.one_of(
    st.text(), st.integers(min_value=-(2**63), max_value=2**64 - 1), st.booleans(), st.none()
)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def entries(values):
    return st.builds(
        lambda time, rest: {"time": time, **rest},
        st.datetimes(timezones=st.just(UTC)),
        st.dictionaries(st.text(), values, max_size=12),
    )


@settings(max_examples=500, deadline=None)
@given(entry=entries(texts_and_integers))
def test_a_line_is_the_text_the_standard_library_writes(entry):
    assert json_line(entry) == standard_library_line(entry)


@settings(max_examples=500, deadline=None)
@given(entry=entries(st.one_of(texts_and_integers, finite_floats)))
def test_a_line_with_numbers_holds_the_values_the_standard_library_writes(entry):
    # A float may be spelled otherwise (0.00006103515625 for 6.103515625e-05): the same number.
    assert json.loads(json_line(entry)) == json.loads(standard_library_line(entry))


@settings(max_examples=200, deadline=None)
@given(big=st.one_of(st.integers(max_value=-(2**63) - 1), st.integers(min_value=2**64)))
def test_an_integer_orjson_refuses_is_written_as_the_standard_library_writes_it(big):
    entry = {"time": datetime(2026, 12, 6, tzinfo=UTC), "count": big}
    assert json_line(entry) == standard_library_line(entry)


def test_a_lone_surrogate_still_gets_its_line():
    line = json_line({"message": "half a pair: \ud800"})
    assert line == '{"message":"half a pair: \ud800"}'


def test_what_json_has_no_number_for_is_written_null_and_the_line_stays_json():
    line = json_line({"ratio": math.nan, "bound": math.inf})
    assert json.loads(line) == {"ratio": None, "bound": None}
