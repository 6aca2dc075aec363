"""Ingesting a series of country pages: each page's headline is stored as published, values on
the edition's own scale, and the country's rows are reconstructed from its last full row (the
built-in 2018 row of Bosnia and Herzegovina, which the shipped pages do not cover) — accepted
only where the printed score is reproduced.

The pages are self-written (the invented changes and sentences of ``valdoria.Page``, rendered
with the country's name); their numbers follow the method exactly, computed here apart from
the code under test.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "reports"))

from valdoria import Change, Page

from demoscope.methodology import nit
from demoscope.reports.batch import read_paths
from demoscope.services.importing import import_report
from demoscope.store import reads
from test_reconstruction import _dp, _ds, _seven

M = nit()
NAME = "Bosnia and Herzegovina"
CATS = ("EP", "CS", "IM", "NDG", "LDG", "JFI", "CO")
NAMES = {"EP": "Electoral Process", "CS": "Civil Society", "IM": "Independent Media",
         "NDG": "National Democratic Governance", "LDG": "Local Democratic Governance",
         "JFI": "Judicial Framework and Independence", "CO": "Corruption"}
#: 2018 is the built-in row; the rest is invented (each on its edition's own scale).
TRUE = {
    2018: dict(zip(CATS, ("3.50", "3.50", "4.75", "6.00", "5.00", "4.75", "5.00"), strict=True)),
    2019: dict(zip(CATS, ("3.50", "3.75", "4.75", "6.00", "5.00", "4.75", "5.00"), strict=True)),
    2020: dict(zip(CATS, ("4.50", "4.25", "3.25", "2.00", "3.00", "3.00", "3.00"), strict=True)),
    2021: dict(zip(CATS, ("4.50", "4.25", "3.25", "2.00", "3.00", "3.00", "3.00"), strict=True)),
    2022: dict(zip(CATS, ("4.50", "4.25", "3.00", "2.00", "3.00", "3.00", "2.75"), strict=True)),
    2023: dict(zip(CATS, ("4.25", "4.25", "3.00", "2.00", "3.25", "3.00", "2.75"), strict=True)),
    2024: dict(zip(CATS, ("4.25", "4.25", "3.00", "2.25", "3.25", "3.00", "2.75"), strict=True)),
}


def _verb(before: Decimal, after: Decimal) -> str:
    return "improved" if after > before else "declined"  # the pages print the 7-best scale


def render(year: int, *, drop: str | None = None, says_none: bool = False) -> str:
    before, now = _seven(TRUE[year - 1], year - 1), _seven(TRUE[year], year)
    ds_before, ds = _ds(before, year - 1 < 2020), _ds(now, year < 2020)
    changes = [Change(c, f"{before[c]:.2f}", f"{now[c]:.2f}", _verb(before[c], now[c]))
               for c in CATS if before[c] != now[c] and c != drop]
    if ds != ds_before:
        changes.append(Change("DS", f"{ds_before:.2f}", f"{ds:.2f}", _verb(ds_before, ds)))
    page = Page(year, f"{ds:.2f}", f"{_dp(now):.2f}", "Transitional or Hybrid Regime", changes,
                country=NAME, heading="No score changes" if says_none else "Score changes in {edition}")
    return page.render()


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for year in range(2019, 2025):
        text = render(year, drop="LDG" if year == 2023 else None, says_none=year == 2021)
        (folder / f"bih-{year}.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_series_of_pages_rebuilds_the_rows_the_chain_reproduces(engine, pages):
    results = {}
    for report in read_paths([pages], methodology=M):
        assert not isinstance(report, Exception), report
        assert report.iso3 == "BIH", report.file
        results[report.edition] = import_report(engine, M, report)
    assert all(r.ok for r in results.values()), {y: r.reason for y, r in results.items()}
    # the 2019 page prints the 7-best scale: converted, with a note
    assert any("7_best scale" in n and "8 − x" in n for n in results[2019].notes)
    read = reads.EngineReader(engine)
    rebuilt = reads.reconstructed(read, M.code, ["BIH"])
    assert sorted(y for _i, y in rebuilt) == [2019, 2020, 2021, 2022]
    for (_i, year), rec in rebuilt.items():
        assert rec.values == {c: Fraction(v) for c, v in TRUE[year].items()}, year
        assert rec.base_edition == 2018
    assert rebuilt[("BIH", 2022)].provenance == (
        "reconstructed from 2018 + changes printed in 2019, 2020, 2021 and 2022")
    # 2023 lacks a bullet: refused with the reason, and 2024 is not built on it
    last = results[2024]
    assert any(n.startswith("2023: ") and "refused" in n for n in last.notes)
    heads = reads.headlines(read, M.code, ["BIH"])
    assert heads[("BIH", 2021)].change_list == "none" and heads[("BIH", 2019)].change_list == "listed"
    pub = reads.published_scores(read, M.code, ["BIH"], 2019)[("BIH", 2019)]
    assert pub["DS"].printed_direction == "high_best"
    assert pub["DS"].value == 8 - Fraction(str(_ds(_seven(TRUE[2019], 2019), True)))


def test_the_series_in_any_order_gives_the_same_rows(engine, pages):
    for report in sorted(read_paths([pages], methodology=M), key=lambda r: -r.edition):
        import_report(engine, M, report)
    rebuilt = reads.reconstructed(reads.EngineReader(engine), M.code, ["BIH"])
    assert sorted(y for _i, y in rebuilt) == [2019, 2020, 2021, 2022]


def test_a_cut_copy_ends_the_chain(engine, tmp_path):
    folder = tmp_path / "cut"
    folder.mkdir()
    (folder / "bih-2019.txt").write_text(render(2019), encoding="utf-8")
    text = render(2020)
    # the copy stops after the first bullet: the list may be incomplete
    cut = text[: text.index("\n", text.index("  • ")) + 1]
    (folder / "bih-2020.txt").write_text(cut, encoding="utf-8")
    for report in read_paths([folder], methodology=M):
        import_report(engine, M, report)
    read = reads.EngineReader(engine)
    assert sorted(y for _i, y in reads.reconstructed(read, M.code, ["BIH"])) == [2019]
    assert reads.headlines(read, M.code, ["BIH"])[("BIH", 2020)].change_list == "unknown"
