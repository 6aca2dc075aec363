"""Round trip: every generated report, read back by ``demoscope ingest --dry-run --json``,
gives exactly the stored ratings, the Democracy Score and the rating statements.

Over every country-edition of the built-in data (about 400 reports), through the real CLI.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from demoscope.methodology import frac, nit
from demoscope.publish import assemble, markdown
from demoscope.read.scorecard import scorecard as build_scorecard
from demoscope.store import reads


def _ingest(cli, folder) -> dict[str, dict]:
    code, out, err = cli("ingest", "--dry-run", "--json", folder)
    assert code == 0, err
    return {json.loads(line)["file"]: json.loads(line) for line in out.splitlines()}


def _expected_statements(card: dict) -> list[tuple]:
    return sorted((c["category"], c["verb"], None if c["verb"] == "remains" else c["from"],
                   c["to"]) for c in card["changes"])


def test_every_country_edition_reads_back(cli, read_db, tmp_path):
    m = nit()
    written = {}
    for year, per in reads.edition_rows(read_db, m.code).items():
        for iso3 in per:
            report = assemble.country_report(read_db, m, iso3, year)
            path = tmp_path / f"{iso3.lower()}-{year}.md"
            path.write_text(markdown.country_report(report), encoding="utf-8")
            written[str(path)] = (iso3, year, report)
    assert len(written) > 350  # the built-in data: 29 countries, 1997–2018
    got = _ingest(cli, tmp_path)
    assert set(got) == set(written)
    problems = []
    for file, (iso3, year, report) in written.items():
        d = got[file]
        card = build_scorecard(read_db, m, iso3, year)
        ed = m.edition(year)
        row = d["tables"].get(str(year), {})
        back = {k: v for k, v in row.items() if k in ed.categories and v is not None}
        statements = sorted((s["category"], s["kind"], s["from"], s["to"]) for s in d["statements"])
        checks = {
            "identity": ((d["iso3"], d["edition"], d["scale"]), (iso3, year, card["direction"])),
            "ratings": (back, card["ratings"]),
            "democracy_score": (d["democracy_score"], card["democracy_score"]),
            "table_score": (row.get("DS"), card["democracy_score"]),
            "statements": (statements, _expected_statements(card)),
            "regime": (d["regime"], card["regime"]),
            # the whole ten-edition table, column by column, as assembled from the database
            "table": ({y: c for y, r in d["tables"].items()
                       if (c := {k: v for k, v in r.items() if v is not None})},
                      {str(y): {row.code: float(row.values[i]) for row in report.table.rows
                                if row.values[i] is not None}
                       for i, y in enumerate(report.table.editions)
                       if any(row.values[i] is not None for row in report.table.rows)}),
        }
        errors = [f for f in d["audit"] if f["severity"] == "error"]
        if errors:
            problems.append((file, "audit errors", errors))
        for name, (a, b) in checks.items():
            if a != b:
                problems.append((file, name, a, b))
    assert problems == [], "\n".join(map(repr, problems[:20]))


def test_the_table_is_the_stored_series(read):
    """The table's cells are the stored ratings (n/a where an edition does not rate a
    category), with the Governance note where GOV gives way to NDG and LDG."""
    m = nit()
    r = assemble.country_report(read, m, "KAZ", 2008)
    t = r.table
    assert t.editions == (2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008)
    rows = {row.code: row for row in t.rows}
    assert rows["GOV"].values[:4] == (Fraction(5), Fraction(23, 4), Fraction(25, 4), Fraction(25, 4))
    assert rows["GOV"].values[4:] == (None,) * 4 and rows["NDG"].values[:4] == (None,) * 4
    assert rows["GOV"].note == rows["NDG"].note == rows["LDG"].note == "*" and not rows["EP"].note
    assert rows["DS"].values[-1] == frac("6.39")
    assert any(n.startswith("* From 2005 Governance is split") for n in t.notes)
    assert "1 = most democratic" in t.notes[-1]


def test_gaps_and_first_ratings_never_say_remains(read):
    """Albania has no 2007–2008 ratings: its 2009 report compares with 2006 and prints n/a
    for the gap; a category first rated in an edition gets no "remains" sentence."""
    m = nit()
    alb = assemble.country_report(read, m, "ALB", 2009)
    assert alb.previous_edition == 2006
    cols = dict(zip(alb.table.editions, zip(*(r.values for r in alb.table.rows), strict=True),
                    strict=True))
    assert set(cols[2007]) == {None} and set(cols[2008]) == {None}
    first = assemble.country_report(read, m, "ALB", 2005)
    ndg = next(p for p in first.categories if p.code == "NDG")
    assert ndg.change is None
    assert ndg.sentence == ("Albania's rating for national democratic governance is 4.25 (no "
                            "rating in the 2004 edition to compare with).")
    xkx = assemble.country_report(read, m, "XKX", 2007)  # Kosovo's first edition here
    assert all(p.sentence.startswith("Kosovo's first rating for ") for p in xkx.categories)


def test_draft_report_reads_back_with_sections_and_footnotes(cli, read, tmp_path, draft):
    m = nit()
    report = assemble.country_report(read, m, "KAZ", 2008, draft)
    path = tmp_path / "kaz-2008.md"
    text = markdown.country_report(report)
    path.write_text(text, encoding="utf-8")
    d = _ingest(cli, path)[str(path)]
    assert {s["category"] for s in d["sections"] if s["category"]} == {"EP", "CO"}
    assert [f["number"] for f in d["footnotes"]] == [1, 2, 3]
    assert all(f["cited_at"] for f in d["footnotes"])
    card = build_scorecard(read, m, "KAZ", 2008)
    assert sorted((s["category"], s["kind"], s["from"], s["to"]) for s in d["statements"]) == \
        _expected_statements(card)
    assert d["tables"]["2008"]["DS"] == 6.39
    codes = {f["code"] for f in d["audit"]}
    # the draft justifies the two changes and lists every cited note
    assert "change_unjustified" not in codes and "footnote_missing" not in codes
    assert "by Ada Example and Ben Sample" in text
    assert "Electoral Process. The invented electoral commission" in text
    assert text.count("Kazakhstan's rating for electoral process deteriorates from 6.50 to 6.75.") == 1


def test_inverted_scale_edition_reads_back(cli, engine, read_db, tmp_path):
    """From 2020 the words follow the 7-best scale and older columns are converted (8 − x)."""
    from demoscope.services.rating import rate

    m = nit()
    first = {"EP": "2.50", "CS": "3.00", "IM": "2.25", "NDG": "2.00", "LDG": "2.25", "JFI": "2.00",
             "CO": "2.00"}
    second = {**first, "EP": "2.75", "IM": "2.00"}
    for year, values in ((2020, first), (2021, second)):
        for cat, v in values.items():
            rate(engine, m, "GEO", year, cat, frac(v), source="test",
                 justification="An invented reason long enough to count as one.")
    report = assemble.country_report(read_db, m, "GEO", 2021)
    assert report.direction == "7_best" and report.democracy_percentage is not None
    ep = next(p for p in report.categories if p.code == "EP")
    assert ep.sentence == "Georgia's rating for electoral process improves from 2.50 to 2.75."
    im = next(p for p in report.categories if p.code == "IM")
    assert im.sentence == "Georgia's rating for independent media deteriorates from 2.25 to 2.00."
    rows = {r.code: r for r in report.table.rows}
    from demoscope.store.reads import row

    stored_2018 = row(read_db, m.code, "GEO", 2018)["EP"]  # published on the 1-best scale
    assert rows["EP"].values[report.table.editions.index(2018)] == 8 - stored_2018
    assert any("converted" in n for n in report.table.notes)
    path = tmp_path / "geo-2021.md"
    path.write_text(markdown.country_report(report), encoding="utf-8")
    d = _ingest(cli, path)[str(path)]
    card = build_scorecard(read_db, m, "GEO", 2021)
    assert d["scale"] == "7_best"
    assert {k: v for k, v in d["tables"]["2021"].items() if k in card["ratings"]} == card["ratings"]
    assert d["democracy_score"] == card["democracy_score"]
    assert d["democracy_percentage"] == card["democracy_percentage"]
    assert sorted((s["category"], s["kind"], s["from"], s["to"]) for s in d["statements"]) == \
        _expected_statements(card)


@pytest.mark.parametrize(("iso3", "year"), [("ALB", 2009), ("KAZ", 2023)])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_gap_in_the_data_reads_back_in_its_own_column(read, iso3: str, year: int, fmt: str):
    """A country-edition the database lacks (Albania has no 2007–2008 ratings; Kazakhstan's
    2023 edition is a published headline only) is printed as a gap mark ("n.a." in Markdown,
    the site's "–" in HTML): read back, every column keeps its own values and the gap gives
    none, so nothing after it shifts into the wrong edition."""
    from demoscope.publish import html
    from demoscope.read.coverage import MISSING_MARK
    from demoscope.reports import read_report_bytes

    report = assemble.country_report(read, nit(), iso3, year)
    t = report.table
    gaps = [y for i, y in enumerate(t.editions)
            if any(r.gaps and r.gaps[i] for r in t.rows)]
    assert gaps  # the case under test: a column with a gap
    text = markdown.country_report(report) if fmt == "md" else html.country_report(report)
    assert ("n.a." if fmt == "md" else f">{MISSING_MARK}<") in text
    back = read_report_bytes(text.encode(), f"{iso3.lower()}-{year}.{fmt}")
    assert back.edition == year
    got = {y: {k: v for k, v in row.items() if v is not None} for y, row in back.tables.items()}
    want = {y: {r.code: r.values[i] for r in t.rows if r.values[i] is not None}
            for i, y in enumerate(t.editions)}
    if report.published_score is not None:
        # the published headline (HTML prints it as the report's score; both print the
        # change to it), never the previous edition's score taken for this one's
        assert back.democracy_score in (None, report.published_score)
        assert [s.to_value for s in back.statements if s.category == "DS"] == \
            [report.published_score]
        assert got[year].pop("DS", report.published_score) == report.published_score
    assert {y: c for y, c in got.items() if c} == {y: c for y, c in want.items() if c}
    assert all(not got.get(y) for y in gaps if not want[y])
