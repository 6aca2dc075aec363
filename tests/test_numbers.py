"""Strict numbers: a rating or a methodology number is a plain decimal of bounded length.

The fuzz tests are bounded in time (a fixed number of examples, a deadline per example and a
test timeout): the parser must answer every input at once, with a value or one clear error.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demoscope.errors import InvalidRating
from demoscope.numbers import MAX_NUMBER_LENGTH, frac, parse_decimal

PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.mark.parametrize("text", [
    "1e999999999", "1e5000", "1e0", "25/4", "６.００", "٦", "nan", "NaN", "inf", "-inf",
    "Infinity", "0x10", "1_000", "+6", "6.", ".5", "6,25", "6.2.5", "", " ", "−6",
    "1" * (MAX_NUMBER_LENGTH + 1), "6\x00", "6.25abc",
])
def test_refused(text):
    with pytest.raises(InvalidRating) as info:
        parse_decimal(text)
    assert "\n" not in str(info.value)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize(("text", "value"), [
    ("6.25", Fraction(25, 4)), ("7", Fraction(7)), (" 5.75\n", Fraction(23, 4)),
    ("-2", Fraction(-2)), ("06.50", Fraction(13, 2)), ("0.01", Fraction(1, 100)),
])
def test_accepted(text, value):
    assert parse_decimal(text) == value


def test_non_text_inputs():
    assert frac(6.25) == Fraction(25, 4)
    assert frac(7) == 7
    assert frac(Decimal("5.50")) == Fraction(11, 2)
    for bad in (float("nan"), float("inf"), 1e300, 10**40, Decimal("1e999999999"), Decimal("NaN"),
                True, None, [6]):
        with pytest.raises(InvalidRating):
            frac(bad)  # type: ignore[arg-type]


FAST = settings(max_examples=400, deadline=timedelta(milliseconds=500),
                suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.timeout(120)
@FAST
@given(st.text(max_size=64) | st.from_regex(r"\A[-+]?[0-9٠-٩０-９]{0,30}([./eE][-+]?[0-9]{0,12})?\Z"))
def test_fuzz_any_text_is_a_value_or_one_line(text):
    try:
        value = parse_decimal(text)
    except InvalidRating as exc:
        assert "\n" not in exc.message
        return
    t = text.strip()
    assert PLAIN.fullmatch(t) and len(t) <= MAX_NUMBER_LENGTH
    assert value == Fraction(Decimal(t))


@pytest.mark.timeout(120)
@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                   min_value=-10**12, max_value=10**12))
def test_fuzz_plain_decimals_round_trip(d):
    text = f"{d:f}"
    assert parse_decimal(text) == Fraction(d)
