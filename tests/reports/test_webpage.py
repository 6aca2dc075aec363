"""Web pages (2018–2024 site): the fictional Valdoria 2022 page, as HTML and as text."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from demoscope.errors import ReportParseError
from demoscope.reports import audit_report, read_report, read_report_bytes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "valdoria-2022.html"


def test_reads_html_page(m) -> None:
    r = read_report(FIXTURE)
    assert (r.shape, r.country, r.edition, r.scale) == ("webpage", "Valdoria", 2022, "7_best")
    assert r.democracy_score == Decimal("3.50")
    assert r.democracy_percentage == Decimal("41.67")
    assert r.regime == "Transitional or Hybrid Regime"
    assert [(s.category, s.from_value, s.to_value, s.verb) for s in r.statements] == [
        ("CS", Fraction("4.25"), Fraction("4.5"), "improved"),
        ("LDG", Fraction("3.5"), Fraction("3.75"), "improved"),
        ("DS", Decimal("3.43"), Decimal("3.50"), "improved"),
    ]
    # line numbers point into the HTML source
    assert r.statements[0].line == 32
    assert [f.code for f in audit_report(r, m)] == ["unknown_country", "ds_unchecked"]


def test_seven_best_verbs_are_checked_on_the_page_scale(m) -> None:
    html = FIXTURE.read_text().replace("rating improved from 4.25 to 4.50",
                                       "rating declined from 4.25 to 4.50")
    r = read_report_bytes(html.encode(), "page.html", ".html")
    bad = [f for f in audit_report(r, m) if f.code == "verb_mismatch"]
    assert len(bad) == 1 and bad[0].line == 32


def test_percentage_must_match_score(m) -> None:
    html = FIXTURE.read_text().replace('"value">41.67', '"value">47.10')
    r = read_report_bytes(html.encode(), "page.html", ".html")
    assert "dp_inconsistent" in [f.code for f in audit_report(r, m)]


def test_regime_must_match_score(m) -> None:
    html = FIXTURE.read_text().replace('class="regime">Transitional or Hybrid Regime',
                                       'class="regime">Consolidated Democracy')
    r = read_report_bytes(html.encode(), "page.html", ".html")
    assert "regime_mismatch" in [f.code for f in audit_report(r, m)]


def test_shape_comes_from_content_not_extension(tmp_path: Path) -> None:
    copy = tmp_path / "saved-page.txt"
    copy.write_bytes(FIXTURE.read_bytes())
    assert read_report(copy).shape == "webpage"
    text_fixture = FIXTURE.with_name("valdoria-2011.txt")
    as_html = tmp_path / "report.html"
    as_html.write_bytes(text_fixture.read_bytes())
    assert read_report(as_html).shape == "text"


def test_html_that_is_not_a_report() -> None:
    html = b"<html><head><title>Recipes</title></head><body><p>Bake the bread for forty " \
           b"minutes.</p><table><tr><td>Flour</td><td>500 g</td></tr></table></body></html>"
    with pytest.raises(ReportParseError, match="not a Nations in Transit report"):
        read_report_bytes(html, "recipes.html", ".html")


_SAVED_PAGE = """URL: https://example.org/country/{slug}/nations-transit/2023

Nations in Transit 2023

Transitional or Hybrid Regime
Democracy Percentage 39.29 100
Democracy Score 3.36 7

Score changes in 2023

  • Corruption rating declined from 2.50 to 2.25 as procurement rules were suspended for
    the whole of the year under an emergency decree.

As a result, {name}'s Democracy Score declined from 3.39 to 3.36.
"""


@pytest.mark.parametrize(("slug", "name", "country", "iso3"), [
    ("north-macedonia", "North Macedonia", "North Macedonia", "MKD"),  # the address names it
    ("valdoria", "Valdoria", "Valdoria", None),  # unknown: the score's possessive names it
    ("bosnia-and-herzegovina", "The country", "Bosnia and Herzegovina", "BIH"),
])
def test_saved_page_names_its_country(slug, name, country, iso3) -> None:
    r = read_report_bytes(_SAVED_PAGE.format(slug=slug, name=name).encode(), "page.txt")
    assert (r.shape, r.edition, r.scale) == ("webpage", 2023, "7_best")
    assert (r.country, r.iso3) == (country, iso3)
    assert [(s.category, s.verb) for s in r.statements] == [("CO", "declined"), ("DS", "declined")]


def test_unknown_country_from_the_address_alone() -> None:
    text = _SAVED_PAGE.format(slug="east-valdoria", name="The country")
    r = read_report_bytes(text.encode(), "page.txt")
    assert (r.country, r.iso3) == ("East Valdoria", None)
