"""PDF reports: extracted text with a scrambled table, and a real PDF made with reportlab."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from demoscope.errors import ReportParseError
from demoscope.reports import audit_report, read_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def test_scrambled_pdf_text(m) -> None:
    r = read_report(FIXTURES / "georgia-2012-pdf.txt")
    assert (r.shape, r.country, r.iso3, r.edition, r.scale) == (
        "pdf", "Georgia", "GEO", 2012, "1_best")
    assert sorted(r.tables) == list(range(2003, 2013))
    # a value pulled in front of the label's second line belongs to the last column
    assert r.tables[2012]["NDG"] == Fraction("5.5") and r.tables[2011]["NDG"] == Fraction("5.5")
    assert r.tables[2012]["LDG"] == Fraction("5.25") and r.tables[2005]["LDG"] == Fraction("5.75")
    assert r.tables[2012]["JFI"] == Fraction(5) and r.tables[2003]["JFI"] == Fraction("4.5")
    assert r.tables[2004]["GOV"] == Fraction("5.25") and r.tables[2004]["NDG"] is None
    assert r.tables[2012]["GOV"] is None
    assert r.democracy_score == Decimal("4.79")
    assert [s.category for s in r.statements] == ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"]
    assert [s.category for s in r.sections] == ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO"]
    # page furniture is not a rating and does not break the body; the only findings say how
    # the wrapped labels were read, each at its row
    assert [(f.code, f.line) for f in audit_report(r, m)] == [
        ("table_label_wrapped", 12), ("table_label_wrapped", 13), ("table_label_wrapped", 14)]


def _make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    lines = [
        "Nations in Transit 2010 - Valdoria",
        "Capital: Delta City Population: 0.4 million",
        "Nations in Transit Ratings and Averaged Scores",
        "NIT Edition 2008 2009 2010",
        "Electoral Process 4.00 4.25 4.25",
        "Civil Society 3.00 3.00 3.00",
        "Independent Media 4.75 4.75 4.75",
        "National Democratic Governance 5.00 5.00 5.00",
        "Local Democratic Governance 4.00 4.00 4.00",
        "Judicial Framework and Independence 4.50 4.50 4.50",
        "Corruption 5.25 5.25 5.50",
        "Democracy Score 4.36 4.39 4.43",
        "Executive Summary",
        "Corruption. Harbour contracts were again awarded without any tender and the audit",
        "office was barred from the port authority's books for the whole year. Valdoria's",
        "corruption rating deteriorates from 5.25 to 5.50.",
    ]
    for line in lines:
        c.drawString(50, y, line)
        y -= 18
    c.showPage()
    c.drawString(50, 800, "Electoral Process")
    c.drawString(50, 780, "The electoral commission kept its members and its rules this year.")
    c.save()


def test_real_pdf_roundtrip(tmp_path: Path, m) -> None:
    pdf = tmp_path / "valdoria-2010.pdf"
    _make_pdf(pdf)
    r = read_report(pdf)
    assert (r.shape, r.country, r.edition) == ("pdf", "Valdoria", 2010)
    assert r.tables[2010]["CO"] == Fraction("5.5") and r.tables[2008]["EP"] == Fraction(4)
    assert r.tables[2009]["DS"] == Decimal("4.39")
    assert [(s.category, s.kind, s.line) for s in r.statements] == [("CO", "deteriorates", 16)]
    assert not [f for f in audit_report(r, m) if f.severity == "error"]


def test_truncated_pdf_is_a_clean_error(tmp_path: Path) -> None:
    pdf = tmp_path / "cut.pdf"
    _make_pdf(pdf)
    data = pdf.read_bytes()
    cut = tmp_path / "cut2.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(ReportParseError) as err:
        read_report(cut)
    assert "cut2.pdf" in str(err.value)


def test_pdf_without_text(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(pdf))
    c.rect(10, 10, 100, 100)
    c.save()
    with pytest.raises(ReportParseError, match="no extractable text"):
        read_report(pdf)


def test_glued_table_cells_keep_their_source_lines() -> None:
    """Un-gluing "4.254.00" inserts spaces; the line of every cell must still be its own."""
    text = "\n".join([
        "Nations in Transit 2006",
        "Valdoria",
        "NIT Ratings200420052006",
        "Electoral Process4.254.003.75",
        "Civil Society3.503.503.25",
        "Independent Media4.504.254.25",
        "Governance4.75N/AN/A",
        "National Democratic GovernanceN/A4.254.00",
        "Local Democratic GovernanceN/A3.753.50",
        "Judicial Framework and Independence5.004.504.25",
        "Corruption6.005.505.25",
        "Democracy ScoreN/A4.254.07",
        "",
        "Executive Summary",
    ])
    from demoscope.reports import read_report_bytes

    r = read_report_bytes(text.encode(), "valdoria-2006.txt")
    assert r.tables[2006]["CO"] == Fraction("5.25")
    rows = {"EP": 4, "CS": 5, "IM": 6, "GOV": 7, "NDG": 8, "LDG": 9, "JFI": 10, "CO": 11, "DS": 12}
    for (year, code), line in r.cell_lines.items():
        assert line == rows[code], (year, code)


@pytest.mark.parametrize("furniture", [
    ["212 Nations in Transit 2006"], ["Nations in Transit 2006 213"], ["", "Valdoria 213", ""],
    ["214"],
])
def test_table_runs_over_a_page_break(furniture: list[str]) -> None:
    """Running heads and page numbers between two rows do not cut the table in two."""
    from demoscope.reports import read_report_bytes

    lines = [
        "Nations in Transit 2006", "Valdoria", "Capital: Delta City",
        "NIT Ratings 2004 2005 2006",
        "Electoral Process 4.25 4.00 3.75",
        "Civil Society 3.50 3.50 3.25",
        "Independent Media 4.50 4.25 4.25",
        *furniture,
        "Governance 4.75 n/a n/a",
        "National Democratic Governance n/a 4.25 4.00",
        "Local Democratic Governance n/a 3.75 3.50",
        "Judicial Framework and Independence 5.00 4.50 4.25",
        "Corruption 6.00 5.50 5.25",
        "Democracy Score n/a 4.25 4.07",
    ]
    r = read_report_bytes("\n".join(lines).encode(), "valdoria-2006.txt")
    assert r.tables[2006] == {"EP": Fraction("3.75"), "CS": Fraction("3.25"), "IM": Fraction("4.25"),
                              "GOV": None, "NDG": Fraction(4), "LDG": Fraction("3.5"),
                              "JFI": Fraction("4.25"), "CO": Fraction("5.25"), "DS": Decimal("4.07")}
    assert r.tables[2004]["GOV"] == Fraction("4.75") and r.tables[2004]["DS"] is None
