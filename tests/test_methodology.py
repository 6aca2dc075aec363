"""The methodology file: NIT's history modelled as data, and custom indices without code."""

from __future__ import annotations

from fractions import Fraction

import pytest

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
