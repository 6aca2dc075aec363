"""Plain-text reports: the fictional Valdoria 2011 fixture, read and audited."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from demoscope.reports import audit_report, read_report, read_report_bytes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "valdoria-2011.txt"


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_reads_text_report() -> None:
    r = read_report(FIXTURE)
    assert (r.shape, r.country, r.iso3, r.edition, r.scale) == (
        "text", "Valdoria", None, 2011, "1_best")
    assert [(s.category, s.kind) for s in r.statements] == [
        ("EP", "deteriorates"), ("CS", "improves"), ("IM", "remains"), ("NDG", "remains"),
        ("LDG", "remains"), ("JFI", "improves"), ("CO", "remains")]
    ep = r.statements[0]
    assert (ep.from_value, ep.to_value, ep.line) == (Fraction("4.25"), Fraction("4.5"), 7)
    assert ep.sentence == "Valdoria's rating for electoral process deteriorates from 4.25 to 4.50."
    assert r.statements[2].from_value is None
    assert [s.category for s in r.sections] == ["NDG", "EP", "CS", "IM", "LDG", "JFI", "CO"]
    assert [f.number for f in r.footnotes] == [1, 2, 3, 4]
    assert r.footnotes[0].cited_at == (7,)
    assert r.tables[2011]["DS"] == Decimal("4.36")
    assert r.democracy_score == Decimal("4.36")
    assert r.regime == "Transitional Government or Hybrid Regime"
    assert set(r.summary_paragraphs) == {"EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"}


def test_clean_report_has_only_the_unknown_country_note(m) -> None:
    findings = audit_report(read_report(FIXTURE), m)
    assert _codes(findings) == ["unknown_country"]


def _mutated(old: str, new: str, count: int = 1):
    text = FIXTURE.read_text()
    assert old in text, old
    return read_report_bytes(text.replace(old, new, count).encode(), "valdoria.txt")


def test_wrong_verb_on_the_scale(m) -> None:
    r = _mutated("civil society improves from 3.00 to 2.75",
                 "civil society deteriorates from 3.00 to 2.75")
    f = [x for x in audit_report(r, m) if x.code == "verb_mismatch"]
    assert len(f) == 1 and f[0].line == 9 and f[0].severity == "error"


def test_statement_contradicts_table(m) -> None:
    r = _mutated("Corruption: 5.25", "Corruption: 5.50")
    codes = _codes(audit_report(r, m))
    assert "statement_table_mismatch" in codes and "ds_mismatch" in codes


def test_off_grid_value(m) -> None:
    r = _mutated("Civil Society: 2.75", "Civil Society: 2.70")
    assert "value_off_grid" in _codes(audit_report(r, m))


def test_change_without_justification(m) -> None:
    r = _mutated("Independent Media. The two private radio stations kept broadcasting, but the "
                 "public broadcaster still opens every news bulletin with the harbour master's "
                 "announcements. Valdoria's independent media rating remains at 4.75.",
                 "Independent Media. Valdoria's independent media rating deteriorates from 4.50 "
                 "to 4.75.")
    f = [x for x in audit_report(r, m) if x.code == "change_unjustified"]
    assert len(f) == 1 and f[0].line == 11


def test_sections_missing_and_duplicated(m) -> None:
    r = _mutated("Corruption:\n\nThe sea wall", "Civil Society:\n\nThe sea wall")
    codes = _codes(audit_report(r, m))
    assert "section_missing" in codes and "section_duplicate" in codes


def test_footnotes_cited_but_not_listed_and_uncited(m) -> None:
    r = _mutated("[4] Registry of Associations", "[5] Registry of Associations")
    findings = audit_report(r, m)
    missing = [f for f in findings if f.code == "footnote_missing"]
    uncited = [f for f in findings if f.code == "footnote_uncited"]
    assert missing[0].line == 37 and uncited[0].message.startswith("footnote [5]")


def test_unknown_edition_still_parses(m) -> None:
    text = FIXTURE.read_text().replace("Nations in Transit 2011", "Nations in Transit 2031")
    text = text.replace("2011 Scores", "2031 Scores")
    r = read_report_bytes(text.encode(), "future.txt")
    assert r.edition == 2031 and len(r.statements) == 7 and r.tables[2031]["EP"] == Fraction(9, 2)
    assert "unknown_edition" in _codes(audit_report(r, m))


def test_real_country_resolves_iso3(m) -> None:
    text = FIXTURE.read_text().replace("Valdoria", "Moldova")
    r = read_report_bytes(text.encode(), "md.txt")
    assert (r.country, r.iso3) == ("Moldova", "MDA")


_ONE_SENTENCE = """Nations in Transit 2009

Executive Summary:

Valdoria is an invented delta republic used here to probe how rating sentences are phrased.

{}
"""


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Valdoria's rating in electoral process thus deteriorates from 3.75 to 4.00.",
     [("EP", "3.75", "4")]),
    ("Valdoria's rating for corruption, therefore, improves from 5.25 to 5.00.",
     [("CO", "5.25", "5")]),
    ("Valdoria's ratings for civil society and independent media remain at 3.50.",
     [("CS", None, "3.5"), ("IM", None, "3.5")]),
    ("Valdoria's ratings for civil society and judicial framework and independence improve "
     "from 3.75 to 3.50.", [("CS", "3.75", "3.5"), ("JFI", "3.75", "3.5")]),
    ("Valdoria's rating for local democratic governance stays at 3.75.", [("LDG", None, "3.75")]),
])
def test_rating_sentence_phrasings(sentence: str, expected: list) -> None:
    r = read_report_bytes(_ONE_SENTENCE.format(sentence).encode(), "valdoria-2009.txt")
    got = [(s.category, s.from_value, s.to_value) for s in r.statements]
    assert got == [(c, None if a is None else Fraction(a), Fraction(b)) for c, a, b in expected]
    assert all(s.sentence == sentence for s in r.statements)
