"""Audit against the database through ``db_lookup`` (a dict-backed fake of the store)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from demoscope.reports import audit_report, read_report, read_report_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def _fake(db: dict[tuple[str, int], dict[str, str]]):
    def lookup(iso3: str, year: int) -> dict[str, Fraction] | None:
        row = db.get((iso3, year))
        return None if row is None else {k: Fraction(v) for k, v in row.items()}
    return lookup


GEORGIA_2012 = {"EP": "4.50", "CS": "3.75", "IM": "4.50", "NDG": "5.50", "LDG": "5.25",
                "JFI": "5.00", "CO": "5.00"}
GEORGIA_2011 = {"EP": "4.75", "CS": "3.75", "IM": "4.50", "NDG": "5.50", "LDG": "5.25",
                "JFI": "4.75", "CO": "5.00"}


#: What the reader notes about the fixture's wrapped labels (NDG, LDG, JFI): how it read them.
WRAPPED = ["table_label_wrapped"] * 3


def test_agreeing_database_gives_no_findings(m) -> None:
    r = read_report(FIXTURES / "georgia-2012-pdf.txt")
    lookup = _fake({("GEO", 2012): GEORGIA_2012, ("GEO", 2011): GEORGIA_2011})
    assert [f.code for f in audit_report(r, m, lookup)] == WRAPPED


def test_database_conflicts_are_errors_with_lines(m) -> None:
    r = read_report(FIXTURES / "georgia-2012-pdf.txt")
    lookup = _fake({("GEO", 2012): GEORGIA_2012 | {"CS": "4.00"},
                    ("GEO", 2011): GEORGIA_2011 | {"EP": "5.00"}})
    found = [(f.code, f.line) for f in audit_report(r, m, lookup) if f.severity == "error"]
    assert ("db_mismatch", 10) in found  # the table cell for CS 2012
    assert ("db_mismatch", 38) in found  # the CS sentence
    assert ("db_mismatch", 34) in found  # the EP sentence's "from"


def test_no_data_in_database_is_noted(m) -> None:
    r = read_report(FIXTURES / "georgia-2012-pdf.txt")
    assert [f.code for f in audit_report(r, m, _fake({}))] == [*WRAPPED, "db_no_data"]


def test_database_values_are_converted_to_the_page_scale(m) -> None:
    # A 2019 page on the 2020+ site shows 7-best values; the store holds 2019 on 1-best.
    html = (FIXTURES / "valdoria-2022.html").read_text().replace("2022", "2019").replace(
        "<h1>Valdoria</h1>", "<h1>Hungary</h1>").replace("Valdoria:", "Hungary:")
    r = read_report_bytes(html.encode(), "hu.html", ".html")
    assert (r.iso3, r.edition, r.scale) == ("HUN", 2019, "7_best")
    lookup = _fake({("HUN", 2019): {"CS": str(8 - 4.5), "LDG": str(8 - 3.75)},
                    ("HUN", 2018): {"CS": str(8 - 4.25), "LDG": str(8 - 3.5)}})
    codes = [f.code for f in audit_report(r, m, lookup)]
    assert "db_mismatch" not in codes and "scale_converted" in codes


def test_json_contract(m) -> None:
    r = read_report(FIXTURES / "georgia-2012-pdf.txt")
    audit_report(r, m)
    data = r.to_json()
    for key in ("country", "iso3", "edition", "shape", "scale", "tables", "statements",
                "democracy_score", "democracy_percentage", "regime", "audit"):
        assert key in data
    assert data["tables"]["2012"] == {"EP": 4.5, "CS": 3.75, "IM": 4.5, "GOV": None,
                                      "NDG": 5.5, "LDG": 5.25, "JFI": 5.0, "CO": 5.0,
                                      "DS": 4.79}
    st = data["statements"][1]
    assert set(st) >= {"category", "from", "to", "verb", "line", "sentence"}
    assert st["from"] is None and st["verb"] == "remains"
    import json

    json.dumps(data)
