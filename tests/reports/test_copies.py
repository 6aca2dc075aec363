"""What real copies of a report do to its text (PDF extraction, a page saved from the web),
applied to fictional Valdoria documents: every value must still be read exactly."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

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


def _caps_headings(text: str) -> str:
    """Headings set in capitals (a PDF cover, a web page styled in capitals): every short
    line without a rating on it."""
    return "\n".join(line.upper() if len(line) < 60 and not re.search(r"\d\.\d", line)
                     else line for line in text.split("\n"))


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes"])
def test_headings_in_capitals(layout: str) -> None:
    text = table_doc(layout=layout).render()
    caps = _caps_headings(text)
    assert "NATIONS IN TRANSIT 2018 - VALDORIA" in caps and "CAPITAL: PORT MIREL" in caps
    r = read(caps)
    assert (r.edition, r.country) == (2018, "Valdoria")
    assert_exact(r, TABLE_2018)


def test_headings_in_capitals_without_a_title() -> None:
    """The country read from a capitals line above "by Author", the edition from the table."""
    text = table_doc(layout="lines", title=None).render()
    r = read(_caps_headings(text))
    assert (r.edition, r.country) == (2018, "Valdoria")
    assert_exact(r, TABLE_2018)


@pytest.mark.parametrize("heading", ["2018 SCORES", "2018 scores"])
def test_score_block_heading_in_another_case(heading: str) -> None:
    """"2018 SCORES" and "2018 scores" date a score block as "2018 Scores" does."""
    rows = [f"{name}: {value}" for name, value in (
        ("Democracy Score", "4.61"), ("Electoral Process", "4.25"), ("Civil Society", "3.25"),
        ("Independent Media", "5.00"), ("National Democratic Governance", "5.50"),
        ("Local Democratic Governance", "3.75"), ("Judicial Framework and Independence", "5.00"),
        ("Corruption", "5.50"))]
    text = "\n".join(["VALDORIA", "", heading, *rows, "",
                      "Executive Summary:", "", "The delta republic argued about its harbour "
                      "dues all year."]) + "\n"
    r = read(text)
    assert r.edition == 2018
    assert r.tables[2018] == {c: TABLE_2018.truth()[2018][c] for c in r.tables[2018]}
    assert len(r.tables[2018]) == 8


def test_regime_in_capitals_reads_as_printed_elsewhere() -> None:
    text = page().render()
    assert PAGE_2019.regime and PAGE_2019.regime in text
    r = read(text.replace(PAGE_2019.regime, PAGE_2019.regime.upper()))
    assert_page(r)
    assert r.regime == PAGE_2019.regime


@pytest.mark.parametrize("layout", ["lines", "pipes", "cells", "flat", "glued", "wrapped"])
@pytest.mark.parametrize("head", [["212 Nations in Transit 2018"],
                                  ["Nations in Transit 2018 212"],
                                  ["", "212 Nations in Transit 2018", ""],
                                  ["", "Nations in Transit 2018", "17", ""]],
                         ids=["number-first", "number-last", "blank-lines", "number-below"])
@pytest.mark.parametrize("code", ["NDG", "LDG"], ids=["after-header", "mid-table"])
def test_running_head_where_a_page_breaks_inside_the_table(layout: str, head: list[str],
                                                           code: str) -> None:
    """A page break between the year header and the first row, or between two rows: its
    running head's year and page number are no cells and no header (a flat copy has the head
    inline, between a row's last value and the next label)."""
    assert next(iter(TABLE_2018.rows)) == "NDG"
    r = read(table_doc(layout=layout, between={code: head}).render())
    assert r.edition == 2018
    assert_exact(r, TABLE_2018)


_TEXT_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "valdoria-2011.txt"


def _hyphenated(text: str, width: int) -> str:
    """Paragraphs wrapped at ``width`` the way a typeset PDF breaks them: a long word that
    does not fit is split with a hyphen, its second half opening the next line."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            if line and len(line) + 1 + len(word) > width:
                room = width - len(line) - 2
                if len(word) >= 9 and room >= 4 and word[:room].isalpha() \
                        and word[room:].isalpha() and word[room:].islower():
                    out.append(f"{line} {word[:room]}-")
                    line = word[room:]
                    continue
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("width", range(40, 80, 3))
def test_words_hyphenated_at_line_ends(width: int) -> None:
    """A PDF copy breaks "democratic", "governance", "deteriorates" over two lines: every
    rating statement is still read, and placed on a line of its sentence."""
    text = _TEXT_FIXTURE.read_text(encoding="utf-8")
    plain = read(text)
    damaged = _hyphenated(text, width)
    assert re.search(r"[a-z]-\n[a-z]", damaged)
    r = read(damaged)
    got = [(s.category, s.kind, s.from_value, s.to_value) for s in r.statements]
    assert got == [(s.category, s.kind, s.from_value, s.to_value) for s in plain.statements]
    lines = damaged.split("\n")
    for s in r.statements:
        assert set(lines[s.line - 1].split()) & set(s.sentence.split()), s.sentence


@pytest.mark.parametrize("style", ["max", "pipes", "slash"])
def test_page_whose_score_block_runs_on_one_line(style: str) -> None:
    """A page saved with its lines run together: the regime, this year's scores, last year's
    percentage and status, and the legend on one line. This year's values and regime are
    read; last year's are not taken for them."""
    text = page(score_style=style, last_dp="47", regime="Semi-Consolidated Democracy").render()
    head, sep, rest = text.partition("\n\nheader1")
    lines = head.split("\n")
    joined = "\n".join([*lines[:2], " ".join(lines[2:])]) + sep + rest
    assert "Democracy Score" in joined.split("\n")[2] and "Last Year" in joined.split("\n")[2]
    r = read(joined)
    assert (r.democracy_score, r.democracy_percentage, r.regime) == (
        Decimal(PAGE_2019.ds), Decimal(PAGE_2019.dp), "Semi-Consolidated Democracy")
    assert r.regime_line == 3


def test_score_label_broken_over_two_lines() -> None:
    """A narrow copy breaks "Democracy Percentage 45.24 100" after "Democracy": 100 is still
    the scale's maximum, not a second percentage."""
    text = page().render()
    line = f"DEMOCRACY-PERCENTAGE Democracy Percentage {PAGE_2019.dp} 100"
    assert line in text
    r = read(text.replace(line, line.replace("Democracy Percentage", "Democracy\nPercentage")))
    assert r.democracy_percentage == Decimal(PAGE_2019.dp)
    assert {y: dict(v) for y, v in r.tables.items()} == {
        2019: {"DP": Decimal(PAGE_2019.dp), "DS": Decimal(PAGE_2019.ds)}}


def test_page_naming_only_its_capital() -> None:
    """A page copy without its address that names no country, only its capital in the
    possessive: the capital names the country (invented text about a real capital)."""
    text = page(url=False, ds_bullet="none", legend="Marks run from 1 to 7, with 7 the best.",
                summary="Tallinn’s harbour board tightened its hold on the city councils, "
                        "and Tallinn’s two small newspapers closed.").render()
    r = read(text)
    assert (r.country, r.iso3) == ("Estonia", "EST")
    assert "country_inferred" in {f.code for f in r.notes}


_BLOCK = [("Democracy Score", "4.61"), ("National Democratic Governance", "5.50"),
          ("Electoral Process", "4.25"), ("Civil Society", "3.25"),
          ("Independent Media", "5.00"), ("Local Democratic Governance", "3.75"),
          ("Judicial Framework and Independence", "5.00"), ("Corruption", "5.50")]


@pytest.mark.parametrize("width", range(30, 46, 3))
def test_score_block_wrapped_narrow(width: int) -> None:
    """A score block whose "(1 = best, 7 = worst)" legends and regime label break over lines
    in a narrow copy: every score is read, and the regime whole."""
    import textwrap

    lines = ["Nations in Transit 2018 - Valdoria", "", "2018 Scores", ""]
    for name, value in _BLOCK[:1]:
        lines.append(f"{name} (1 = best, 7 = worst): {value}")
    lines.append("Regime Classification: Semi-Consolidated Authoritarian Regime")
    lines += [f"{name} (1 = best, 7 = worst): {value}" for name, value in _BLOCK[1:]]
    lines += ["", "Executive Summary:", "", "The delta republic argued about its harbour dues."]
    text = "\n".join(textwrap.fill(line, width) if line else line for line in lines) + "\n"
    assert re.search(r"\([^)]*\n", text)
    assert "Classification: Semi-Consolidated Authoritarian Regime" not in text
    r = read(text)
    assert r.tables == {2018: {code: TABLE_2018.truth()[2018][code] for code in TABLE_2018.rows}}
    assert r.regime == "Semi-Consolidated Authoritarian Regime"


def test_undated_page_is_dated_by_the_published_data(m) -> None:
    """A page saved without its address, its heading "Score Changes" without a year: the
    edition is the one whose built-in headline for the country is the printed Democracy
    Score (on today's 7-best scale), said as a finding; a score no edition has dates
    nothing."""
    from demoscope.dataset import builtin_headlines

    heads = builtin_headlines()
    est = {y: m.scale.convert(h.score) for (iso3, y), h in heads.items()
           if iso3 == "EST" and h.score is not None}
    year = max(y for y, v in est.items() if list(est.values()).count(v) == 1)
    ds = f"{float(est[year]):.2f}"
    assert Decimal(ds) == est[year]
    text = page(country="Estonia", url=False, ds=ds, edition=year, heading="Score Changes",
                legend="Marks run from 1 to 7, with 7 the best.", ds_bullet="none",
                summary="In Estonia an invented harbour board argued about its dues.").render()
    assert str(year) not in text
    r = read(text)
    assert (r.country, r.edition) == ("Estonia", year)
    assert "edition_from_data" in {f.code for f in r.notes}
    assert read(text.replace(f"Score {ds}", "Score 1.01")).edition is None


def test_country_name_broken_in_the_title() -> None:
    """A narrow copy breaks the title after "and": the country is the whole name."""
    doc = table_doc(layout="lines", country="Valdoria and Merrow",
                    title="Nations in Transit {edition} - Valdoria and\nMerrow")
    text = doc.render()
    assert text.startswith("Nations in Transit 2018 - Valdoria and\nMerrow\n")
    r = read(text)
    assert (r.country, r.edition) == ("Valdoria and Merrow", 2018)
    assert_exact(r, TABLE_2018)


@pytest.mark.parametrize("case", [str.upper, str.lower, str.capitalize],
                         ids=["upper", "lower", "sentence"])
def test_regime_in_another_case_is_the_band_name(case) -> None:
    """A regime printed in capitals or sentence case is the method's band name."""
    regime = "Semi-Consolidated Authoritarian Regime"
    text = page(regime=regime).render()
    r = read(text.replace(regime, case(regime)))
    assert r.regime == regime


@pytest.mark.parametrize("at", range(len(_BLOCK)))
@pytest.mark.parametrize("furniture", [["", "Nations in Transit 2018", "57", ""], ["", "57", ""]],
                         ids=["head-and-number", "number"])
def test_page_break_between_a_label_and_its_value(at: int, furniture: list[str]) -> None:
    """A score block printed label, legend, value on lines of their own, a page break (its
    page number alone on a line) between one label and its value: every score is read."""
    lines = ["Nations in Transit 2018 - Valdoria", "", "2018 Scores", ""]
    for i, (name, value) in enumerate(_BLOCK):
        lines += [name, "(1 = best, 7 = worst)", *(furniture if i == at else []), value, ""]
    lines += ["Executive Summary:", "", "The delta republic argued about its harbour dues."]
    r = read("\n".join(lines) + "\n")
    assert r.tables == {2018: {code: TABLE_2018.truth()[2018][code] for code in TABLE_2018.rows}}
