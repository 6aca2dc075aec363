"""Exact scoring: rounding, conversion, percentage and regime bands, with property tests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demoscope.methodology import Direction, nit
from demoscope.scoring import (
    band_by_percentage,
    band_by_score,
    change_sentence,
    change_verb,
    classify,
    democracy_score,
    percentage,
    round_half_up,
)

M = nit()
quarters = st.integers(min_value=4, max_value=28).map(lambda q: Fraction(q, 4))


def row_for(year: int):
    return st.fixed_dictionaries({c: quarters for c in M.edition(year).categories})


def test_seed_check_kazakhstan_2008():
    """The method's own worked example: 44.75 / 7 = 6.392… → 6.39."""
    vals = dict(zip(["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"],
                    map(Fraction, ["6.75", "6.75", "5.50", "6.75", "6.25", "6.25", "6.50"]), strict=True))
    s = democracy_score(M, M.edition(2008), vals)
    assert s.mean == Fraction(4475, 700)
    assert s.printed == Decimal("6.39")
    assert classify(M, s).name == "Consolidated Authoritarian Regime"


def test_percentage_uses_the_unrounded_mean():
    """Kazakhstan 2020: sum 9.25 over 7 → DS 1.32, DP 5.36 (the rounded DS would give 5.33)."""
    mean = Fraction("9.25") / 7
    assert round_half_up(mean) == Decimal("1.32")
    assert percentage(M, mean, Direction.HIGH_BEST) == Decimal("5.36")
    # Kosovo 2019 converted: 21.75 / 7 → DS 3.11, DP 35.12
    assert percentage(M, Fraction("21.75") / 7, Direction.HIGH_BEST) == Decimal("35.12")
    # the same mean given on the old scale converts first
    assert percentage(M, 8 - Fraction("21.75") / 7, Direction.LOW_BEST) == Decimal("35.12")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.345", "2.35"), ("2.3449", "2.34"), ("-1.005", "-1.01"), ("6.999", "7.00"), ("0.005", "0.01")],
)
def test_round_half_up(value, expected):
    assert round_half_up(Fraction(value)) == Decimal(expected)


@given(quarters)
def test_conversion_is_an_involution_and_stays_on_grid(v):
    s = M.scale
    assert s.convert(s.convert(v)) == v
    assert s.on_grid(s.convert(v)) and s.in_range(s.convert(v))


@given(st.sampled_from([1999, 2004, 2008, 2019]).flatmap(lambda y: st.tuples(st.just(y), row_for(y))))
def test_printed_score_mirrors_exactly_between_directions(case):
    year, vals = case
    ed = M.edition(year)
    low = democracy_score(M, ed, vals)
    high = democracy_score(M, ed, vals, Direction.HIGH_BEST)
    assert high.mean == 8 - low.mean
    assert high.printed == 8 - low.printed
    assert abs(Fraction(low.printed) - low.mean) <= Fraction(1, 200)


@given(st.sampled_from([2008, 2019, 2022]).flatmap(lambda y: st.tuples(st.just(y), row_for(y))))
def test_seven_category_means_never_sit_on_a_half(case):
    """With seven categories no mean is an exact half, so rounding in either direction agrees."""
    year, vals = case
    exact = democracy_score(M, M.edition(year), vals).mean
    assert (exact * 100 - Fraction(1, 2)).denominator != 1
    assert round_half_up(8 - exact) == 8 - round_half_up(exact)


def test_six_category_means_can_sit_on_a_half_and_round_up():
    """27/24 = 1.125 → 1.13 (half-up; half-even would print 1.12)."""
    vals = dict.fromkeys(M.edition(2003).categories, Fraction(1))
    vals["CO"] = Fraction("1.75")
    s = democracy_score(M, M.edition(2003), vals)
    assert s.mean == Fraction(9, 8) and s.printed == Decimal("1.13")
    assert democracy_score(M, M.edition(2003), vals, Direction.HIGH_BEST).printed == Decimal("6.87")


@given(st.sampled_from([2008, 2021]).flatmap(lambda y: st.tuples(st.just(y), row_for(y))))
def test_regime_is_the_same_band_whichever_direction(case):
    year, vals = case
    ed = M.edition(year)
    a = classify(M, democracy_score(M, ed, vals, Direction.LOW_BEST))
    b = classify(M, democracy_score(M, ed, vals, Direction.HIGH_BEST))
    assert a.band.code == b.band.code


@pytest.mark.parametrize(
    ("ds", "direction", "code"),
    [("2.99", "low_best", "CD"), ("3.00", "low_best", "SCD"), ("3.99", "low_best", "SCD"),
     ("4.00", "low_best", "TH"), ("5.99", "low_best", "SCA"), ("6.00", "low_best", "CA"),
     ("7.00", "low_best", "CA"), ("1.00", "low_best", "CD"),
     ("5.01", "high_best", "CD"), ("5.00", "high_best", "SCD"), ("4.01", "high_best", "SCD"),
     ("4.00", "high_best", "TH"), ("3.01", "high_best", "TH"), ("3.00", "high_best", "SCA"),
     ("2.01", "high_best", "SCA"), ("2.00", "high_best", "CA"), ("1.00", "high_best", "CA")],
)
def test_band_edges(ds, direction, code):
    assert band_by_score(M, Decimal(ds), Direction(direction)).code == code


@given(st.integers(min_value=100, max_value=700))
def test_bands_cover_the_scale_without_overlap(n):
    """Every two-decimal score falls in exactly one band on each direction, mirrored."""
    v = Decimal(n).scaleb(-2)
    for d in Direction:
        hits = [b for b in M.bands if b.ranges[d][0] <= Fraction(v) <= b.ranges[d][1]]
        assert len(hits) == 1
    assert band_by_score(M, v, Direction.LOW_BEST) is band_by_score(M, 8 - v, Direction.HIGH_BEST)


def test_percentage_rule_reports_the_edge_disagreement():
    """DS 5.01 (7-best) is DP 66.83 → 67: the score bands say Consolidated Democracy, the
    percentage ranges Semi-Consolidated; the classifier keeps the score rule and says so."""
    mean = Fraction("5.01")
    s = democracy_score(M, M.edition(2021), {c: Fraction(5) for c in M.edition(2021).categories})
    assert s.printed == Decimal("5.00")
    assert band_by_percentage(M, percentage(M, mean, Direction.HIGH_BEST)).code == "SCD"
    assert band_by_score(M, Decimal("5.01"), Direction.HIGH_BEST).code == "CD"


@pytest.mark.parametrize(
    ("direction", "old", "new", "verb"),
    [("low_best", "5.75", "5.50", "improves"), ("high_best", "5.75", "5.50", "deteriorates"),
     ("low_best", "6.50", "6.75", "deteriorates"), ("high_best", "1.25", "1.50", "improves"),
     ("low_best", "6.75", "6.75", "remains")],
)
def test_change_verb_follows_the_scale(direction, old, new, verb):
    assert change_verb(M, Direction(direction), Fraction(old), Fraction(new)) == verb


def test_change_sentences_in_the_reports_wording():
    assert (change_sentence("Kazakhstan", "Civil Society", Fraction("5.75"), Fraction("5.5"), "improves")
            == "Kazakhstan's rating for civil society improves from 5.75 to 5.50.")
    assert (change_sentence("Kazakhstan", "Independent Media", None, Fraction("6.75"), "remains")
            == "Kazakhstan's rating for independent media remains at 6.75.")


def test_score_of_an_incomplete_row_says_what_is_missing():
    s = democracy_score(M, M.edition(2008), {"EP": Fraction(3), "CS": Fraction(4)})
    assert not s.complete and s.missing == ("IM", "NDG", "LDG", "JFI", "CO")
