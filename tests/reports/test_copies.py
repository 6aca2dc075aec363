"""What real copies of a report do to its text (PDF extraction, a page saved from the web),
applied to fictional Valdoria documents: every value must still be read exactly."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from valdoria import PAGE_2019, TABLE_2018, Table, page, table_doc

from demoscope.reports import read_report_bytes
from demoscope.reports.model import Report


def read(text: str, name: str = "valdoria.txt") -> Report:
    return read_report_bytes(text.encode(), name)


def assert_exact(r: Report, table: Table) -> None:
    want = {y: {c: v for c, v in row.items()} for y, row in table.truth().items()}
    got = {y: dict(row) for y, row in r.tables.items()}
    assert got == want


def assert_page(r: Report) -> None:
    assert (r.edition, r.democracy_score, r.democracy_percentage, r.regime) == (
        2019, Decimal(PAGE_2019.ds), Decimal(PAGE_2019.dp), PAGE_2019.regime)
    assert [(s.category, s.to_value) for s in r.statements] == [("NDG", Decimal("3.25")),
                                                           ("CS", Decimal("4.75")),
                                                           ("DS", Decimal("3.71"))]


def _soft_hyphens(text: str) -> str:
    """A soft hyphen inside every long word, as PDF extraction leaves where a line once
    broke ("Demo\\u00adcracy", "Valdo\\u00adria")."""
    return re.sub(r"([A-Za-z]{4})([A-Za-z]{3})", "\\1\u00ad\\2", text)


def _space_runs(text: str) -> str:
    """Justified PDF text: two spaces wherever there was one."""
    return text.replace(" ", "  ")


@pytest.mark.parametrize("damage", [_soft_hyphens, _space_runs], ids=lambda f: f.__name__)
@pytest.mark.parametrize("layout", ["lines", "flat", "pipes"])
def test_table_copy_artefacts(damage, layout: str) -> None:
    text = table_doc(layout=layout).render()
    assert damage(text) != text
    r = read(damage(text))
    assert r.edition == 2018
    assert_exact(r, TABLE_2018)


@pytest.mark.parametrize("damage", [_soft_hyphens, _space_runs], ids=lambda f: f.__name__)
def test_page_copy_artefacts(damage) -> None:
    text = page().render()
    assert_page(read(text))
    assert_page(read(damage(text)))


def test_invisible_characters_are_dropped_from_sentences() -> None:
    text = page().render().replace("declined", "dec\u00adlined").replace("Score", "Sco\u2060re")
    r = read(text)
    assert_page(r)
    assert all("\u00ad" not in s.sentence and "\u2060" not in s.sentence for s in r.statements)
