"""The methodology file: NIT's history modelled as data, and custom indices without code."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demoscope.errors import InvalidRating, MethodologyError, UnknownEdition
from demoscope.methodology import Direction, load_methodology, nit


def test_nit_editions_and_eras():
    m = nit()
    assert sorted(m.editions) == [1995, 1997, 1998, 1999, *range(2001, 2025)]
    assert m.edition(1999).label == "1999–2000"
    assert m.edition(2004).categories == ("EP", "CS", "IM", "GOV", "JFI", "CO")
    assert m.edition(2005).categories == ("EP", "CS", "IM", "NDG", "LDG", "JFI", "CO")
    assert "CO" not in m.edition(1998).categories
    assert m.edition(2019).direction is Direction.LOW_BEST
    assert m.edition(2020).direction is Direction.HIGH_BEST


def test_category_names_follow_the_edition():
    m = nit()
    assert m.category_name("JFI", m.edition(2004)) == "Constitutional, Legislative and Judicial Framework"
    assert m.category_name("JFI", m.edition(2005)) == "Judicial Framework and Independence"


def test_coverage_period_is_the_previous_calendar_year():
    ed = nit().edition(2008)
    assert (ed.coverage_start.isoformat(), ed.coverage_end.isoformat()) == ("2007-01-01", "2007-12-31")


@pytest.mark.parametrize(
    ("text", "code"),
    [("civil society", "CS"), ("Judicial Framework and Independence", "JFI"), ("ndg", "NDG"),
     ("Constitutional, Legislative, and Judicial Framework", "JFI"), ("National Governance", "NDG"),
     ("Local Governance", "LDG")],
)
def test_resolve_category(text, code):
    assert nit().resolve_category(text) == code


def test_unknown_category_names_allowed_values():
    with pytest.raises(InvalidRating, match="EP, CS, IM"):
        nit().resolve_category("freedom of speech")


@pytest.mark.parametrize(
    ("value", "message"), [("6.3", "off the grid"), ("7.25", "out of range"), ("0.75", "out of range")]
)
def test_check_value_rejects(value, message):
    with pytest.raises(InvalidRating, match=message):
        nit().check_value(value)


def test_check_rating_rejects_category_the_edition_does_not_rate():
    with pytest.raises(InvalidRating, match="does not rate GOV"):
        nit().check_rating(2008, "GOV", "5.00")
    with pytest.raises(InvalidRating, match="does not rate NDG"):
        nit().check_rating(2003, "NDG", "5.00")


def test_unknown_edition_lists_editions():
    with pytest.raises(UnknownEdition, match="1995, 1997–1999, 2001–2024"):
        nit().edition(2000)


def test_direction_labels_and_parsing():
    s = nit().scale
    assert s.label(Direction.LOW_BEST) == "1_best"
    assert s.label(Direction.HIGH_BEST) == "7_best"
    assert s.parse_direction("7_best") is Direction.HIGH_BEST
    assert s.parse_direction("low") is Direction.LOW_BEST
    with pytest.raises(InvalidRating, match="direction"):
        s.parse_direction("sideways")
    assert s.convert(Fraction("6.75")) == Fraction("1.25")


CUSTOM = """
[index]
code = "civic"
name = "Civic Health Index"
[scale]
min = "0"
max = "10"
step = "0.5"
[score]
name = "Civic Score"
decimals = 1
[[categories]]
code = "A"
name = "Assembly"
weight = "2"
[[categories]]
code = "B"
name = "Budget transparency"
[[eras]]
editions = [2030, 2031]
direction = "high_best"
categories = ["A", "B"]
[[bands]]
code = "OK"
name = "Healthy"
high_best = ["5.0", "10.0"]
[[bands]]
code = "BAD"
name = "Unhealthy"
high_best = ["0.0", "4.9"]
"""


def test_custom_methodology_from_a_file_without_code(tmp_path):
    from demoscope.scoring import classify, democracy_score

    path = tmp_path / "civic.toml"
    path.write_text(CUSTOM)
    m = load_methodology(str(path))
    assert m.scale.label(Direction.HIGH_BEST) == "10_best"
    assert m.check_value("7.5") == Fraction("7.5")
    with pytest.raises(InvalidRating, match="off the grid"):
        m.check_value("7.25")
    score = democracy_score(m, m.edition(2031), {"A": Fraction(6), "B": Fraction(3)})
    assert score.mean == 5  # weighted: (2·6 + 3) / 3
    assert str(score.printed) == "5.0"
    assert classify(m, score).name == "Healthy"


def test_broken_methodology_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(CUSTOM.replace('categories = ["A", "B"]', 'categories = ["A", "Z"]'))
    with pytest.raises(MethodologyError, match="unknown category Z"):
        load_methodology(str(path))
    path.write_text("[index\n")
    with pytest.raises(MethodologyError, match="not valid TOML"):
        load_methodology(str(path))


# -- a methodology file cannot make a command hang or print a wrong score ---------------------

def _nit_data() -> dict:
    import tomllib
    from importlib import resources

    return tomllib.loads((resources.files("demoscope") / "methodologies" / "nit.toml").read_text())


@pytest.mark.parametrize(("path", "value", "needle"), [
    (("scale", "max"), "1e999999", "not a number"),
    (("scale", "max"), 1e300, "not a number"),
    (("scale", "max"), float("inf"), "not a number"),
    (("scale", "max"), "25/4", "not a number"),
    (("scale", "max"), "７", "not a number"),
    (("scale", "max"), "9999999", "out of range"),
    (("scale", "step"), "0.001", "more than two decimals"),
    (("scale", "max"), "9000", "steps"),
    (("scale", "step"), "0.35", "reaches max"),
    (("scale", "min"), "8", "min < max"),
    (("score", "decimals"), 100000000, "between 0 and 6"),
    (("score", "decimals"), -5, "between 0 and 6"),
    (("score", "decimals"), "two", "whole number"),
    (("score", "decimals"), 2.5, "whole number"),
    (("percentage", "decimals"), 99, "between 0 and 6"),
    (("coverage", "lag_years"), 10**9, "between 0 and 50"),
    (("bands", 0, "low_best"), ["0", "2.99"], "outside the scale"),
    (("bands", 0, "high_best"), ["5.01", "7.5"], "outside the scale"),
    (("bands", 0, "low_best"), ["2.99", "1"], "down to"),
    (("bands", 0, "percentage"), ["68", "101"], "outside 0–100"),
    (("bands", 0, "percentage"), ["-1", "17"], "outside 0–100"),
    (("bands", 0, "colour"), "red;}body{display:none", "#rgb"),
    (("categories", 0, "weight"), "0", "positive"),
    (("categories", 0, "code"), "E P", "category code"),
    (("eras", 0, "editions"), [10**12], "between 1000 and 9999"),
    (("eras", 0, "direction"), "sideways", "must be one of"),
    (("index", "code"), "../x", "index code"),
    (("scale",), [1, 2], "must be a table"),
])
def test_loader_refuses_out_of_range_values(path, value, needle):
    from demoscope.methodology import parse_methodology

    data = _nit_data()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(MethodologyError) as info:
        parse_methodology(data, "bad.toml")
    assert needle in str(info.value)
    assert str(info.value).startswith("bad.toml: ") and "\n" not in str(info.value)


def test_a_file_with_an_exponent_is_refused_in_one_line(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(CUSTOM.replace('max = "10"', 'max = "1e999999"'))
    with pytest.raises(MethodologyError, match="not a number"):
        load_methodology(str(path))
    path.write_text(CUSTOM.replace("decimals = 1", "decimals = 100000000"))
    with pytest.raises(MethodologyError, match="between 0 and 6"):
        load_methodology(str(path))


def test_loader_refuses_special_and_huge_files(tmp_path):
    import os

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(MethodologyError, match="not a regular file"):
        load_methodology(str(fifo))  # would block for ever if opened for reading
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2_000_000)
    with pytest.raises(MethodologyError, match="over"):
        load_methodology(str(big))
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(MethodologyError, match="not valid TOML"):
        load_methodology(str(deep))


# Values a fuzzer puts anywhere in the file: numbers of every kind, as TOML types and as text.
_NASTY = (st.integers() | st.floats() | st.booleans()
          | st.sampled_from(["1e999999", "1e999999999", "-5", "100000000", "0", "0.001", "25/4",
                             "７", "nan", "", "#fff", "low_best", "high_best", "EP", "9" * 40])
          | st.text(max_size=12) | st.lists(st.integers(-10**6, 10**12) | st.text(max_size=5),
                                            max_size=3)
          | st.just({}) | st.just([]))


def _paths(data, prefix=()):
    """Every (container, key) in the parsed TOML, to be replaced by a fuzzed value."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for k, v in items:
        yield (*prefix, k)
        if isinstance(v, dict | list):
            yield from _paths(v, (*prefix, k))


_ALL_PATHS = list(_paths(_nit_data()))


@pytest.mark.timeout(300)
@settings(max_examples=300, deadline=timedelta(seconds=2),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_ALL_PATHS), _NASTY), min_size=1, max_size=3))
def test_fuzz_the_loader_never_hangs_nor_scores_wrong(mutations):
    """Whatever values a file holds, loading it is one MethodologyError or a methodology whose
    scores stay on its scale and whose percentages stay within 0–100."""
    from demoscope.methodology import parse_methodology
    from demoscope.scoring import classify, democracy_score, percentage

    data = _nit_data()
    for path, value in mutations:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced a parent: nothing to put it in
    try:
        m = parse_methodology(data, "fuzzed.toml")
    except MethodologyError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 600
        return
    s = m.scale
    for ed in list(m.editions.values())[:3]:
        for value in (s.min, s.max, s.min + s.step):
            row = {c: value for c in ed.categories}
            score = democracy_score(m, ed, row)
            assert s.min <= Fraction(score.printed) <= s.max
            dp = percentage(m, score.mean, score.direction)
            assert 0 <= dp <= 100
            classify(m, score)
