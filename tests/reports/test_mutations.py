"""Mutation tests: fictional Valdoria reports, damaged the ways real copies are, read exactly.

Each class of damage seen in real documents (issue 9) is applied to self-written documents in
every layout a ratings table takes (see ``valdoria.py``): the reader must return exactly the
values the document prints, nothing invented, and a finding (with its line) for every
inference it had to make.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from valdoria import (
    NAMES,
    PAGE_2019,
    PAGE_2024,
    TABLE_2010,
    TABLE_2018,
    Change,
    Table,
    cut_after,
    drop_label,
    glue_years,
    html_table_doc,
    line_of,
    misprint_year,
    page,
    rename,
    table_doc,
    with_gaps,
)

from demoscope.reports import audit_report, read_report_bytes
from demoscope.reports.model import Report

LAYOUTS = ["lines", "flat", "glued", "pipes", "cells", "wrapped"]
#: Findings every Valdoria report has and that say nothing about damage.
ROUTINE = {"unknown_country", "ds_unchecked"}


def read(text: str, name: str = "valdoria.txt") -> Report:
    return read_report_bytes(text.encode(), name)


def assert_table(r: Report, table: Table, upto: dict[str, int] | None = None) -> None:
    """Every cell of ``table`` read exactly (``upto``: code → cells the copy still has), and
    no value that the table does not print."""
    for code, values in table.rows.items():
        count = len(values) if upto is None else upto.get(code, len(values))
        for year, value in list(zip(table.years, values, strict=True))[:count]:
            assert r.tables.get(year, {}).get(code, "absent") == value, (year, code)
    for year, row in r.tables.items():
        for code in row:
            assert year in table.years and code in table.rows, ("extra", year, code)
            if upto is not None:
                assert table.years.index(year) < upto.get(code, len(table.years)), (year, code)


def codes(r: Report, m) -> list[str]:
    return [f.code for f in audit_report(r, m) if f.code not in ROUTINE]


def finding(r: Report, code: str):
    found = [f for f in r.notes if f.code == code]
    assert found, f"no {code} finding in {[f.code for f in r.notes]}"
    return found[0]


# --- tables: layouts and clean copies --------------------------------------------------------

def reading_notes(layout: str, strip: bool = False) -> list[str]:
    """The findings a clean copy in ``layout`` gets: how wrapped labels and glued runs without
    trailing zeros were read (inferences, each reported)."""
    if layout == "wrapped":
        return ["table_label_wrapped"] * 3
    if layout == "glued" and strip:
        return ["value_glue_cut"]
    return []


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("table", [TABLE_2018, TABLE_2010], ids=["2018", "2010"])
def test_every_layout_reads_exactly(layout: str, table: Table, m) -> None:
    edition = table.years[-1]
    r = read(table_doc(table, edition, layout=layout).render())
    assert (r.shape, r.edition, r.country) == ("pdf", edition, "Valdoria")
    assert_table(r, table)
    assert codes(r, m) == reading_notes(layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_trailing_zeros_dropped_and_decimal_commas(layout: str, m) -> None:
    for kw in ({"strip": True}, {"comma": True}):
        if layout == "glued" and "comma" in kw:
            continue  # "3,503,50" cannot be told apart from a list of numbers
        r = read(table_doc(layout=layout, **kw).render())
        assert_table(r, TABLE_2018)
        assert sorted(set(codes(r, m))) == sorted(set(reading_notes(layout, "strip" in kw)))


# --- tables: year headers --------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_glued_year_header(layout: str, m) -> None:
    text = glue_years(table_doc(layout=layout).render(), TABLE_2018.years)
    assert "20092010201120122013" in text
    r = read(text)
    assert_table(r, TABLE_2018)
    assert codes(r, m) == reading_notes(layout)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("i", [1, 4, 9])
@pytest.mark.parametrize("glued", [False, True])
def test_misprinted_year_header(layout: str, i: int, glued: bool) -> None:
    """A year printed twice: the columns are still the consecutive editions ending with the
    report's edition, and a finding at the header's line says so."""
    text = table_doc(layout=layout).render()
    text = misprint_year(text, TABLE_2018.years, i)
    if glued:
        wrong = [*TABLE_2018.years]
        wrong[i] = wrong[i - 1]
        text = glue_years(text, wrong)
    r = read(text)
    assert_table(r, TABLE_2018)
    note = finding(r, "table_years_misprinted")
    assert note.line == line_of(text, "2009")  # where the header's years start
    assert "2009–2018" in note.message


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes", "cells"])
def test_misprinted_header_without_title_names_the_edition(layout: str) -> None:
    """No title: the edition is the end of the run of editions the header fits best."""
    text = misprint_year(table_doc(layout=layout, title=None).render(), TABLE_2018.years, 9)
    r = read(text)
    assert r.edition == 2018
    assert_table(r, TABLE_2018)
    assert {"table_years_misprinted", "edition_from_table"} <= {f.code for f in r.notes}


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes", "cells"])
def test_header_years_in_reverse_order(layout: str) -> None:
    years = [str(y) for y in reversed(TABLE_2018.years)]
    doc = table_doc(layout=layout, header=years)
    doc.table = Table(TABLE_2018.years[::-1], {c: v[::-1] for c, v in TABLE_2018.rows.items()})
    r = read(doc.render())
    assert_table(r, TABLE_2018)


def test_no_year_header_is_inferred_from_the_edition() -> None:
    text = table_doc(layout="lines").render().replace(
        "NIT Edition " + " ".join(map(str, TABLE_2018.years)) + "\n", "")
    r = read(text)
    assert_table(r, TABLE_2018)
    assert "2009–2018" in finding(r, "table_years_inferred").message


# --- tables: rows whose label was lost, split or mistyped -------------------------------------

@pytest.mark.parametrize(("layout", "code"), [
    (layout, code) for layout in LAYOUTS for code in TABLE_2018.rows
    # (the "wrapped" layout prints NDG, LDG and JFI in two halves, tested on their own)
    if not (layout == "wrapped" and code in ("NDG", "LDG", "JFI"))])
def test_row_label_lost(layout: str, code: str) -> None:
    """A row of cells with no label is named by the category the table lacks, wherever the row
    stands (first, between two rows, or last)."""
    doc = table_doc(layout=layout)
    original = doc.render()
    text = drop_label(original, NAMES[code])
    r = read(text)
    assert_table(r, TABLE_2018)
    note = finding(r, "table_label_inferred")
    assert NAMES[code] in note.message
    # the finding points at the line of the row's first cell
    first = text.index(doc._cells(code)[0], original.index(NAMES[code]))
    assert note.line == text.count("\n", 0, first) + 1


@pytest.mark.parametrize("layout", ["lines", "pipes", "cells"])
def test_two_adjacent_labels_lost_follow_the_printed_order(layout: str) -> None:
    text = table_doc(layout=layout).render()
    text = drop_label(drop_label(text, "Civil Society"), "Independent Media")
    r = read(text)
    assert_table(r, TABLE_2018)
    named = [f.message for f in r.notes if f.code == "table_label_inferred"]
    assert len(named) == 2 and "Civil Society" in named[0] and "Independent Media" in named[1]


def test_unnameable_row_is_reported_not_guessed() -> None:
    """Two rows without labels, in an order no table prints: nothing is guessed."""
    doc = table_doc(layout="lines")
    doc.table = Table(TABLE_2018.years, {c: TABLE_2018.rows[c] for c in
                                         ("EP", "NDG", "CS", "CO", "IM", "JFI", "LDG", "DS")})
    text = drop_label(drop_label(doc.render(), "Civil Society"), "Corruption")
    r = read(text)
    assert "CS" not in r.tables[2018] and "CO" not in r.tables[2018]
    assert r.tables[2018]["EP"] == TABLE_2018.rows["EP"][-1]
    assert [f.code for f in r.notes].count("table_row_unlabeled") == 2


@pytest.mark.parametrize("layout", ["flat", "wrapped"])
def test_label_broken_around_a_value(layout: str, m) -> None:
    """ "National Democratic 5.50 Governance 4.75 ...": the value between the halves is the
    last column's."""
    text = table_doc(layout="wrapped").render()
    if layout == "flat":
        text = text.replace("\n", " ")
    assert "National Democratic 5.50 Governance 4.75" in text
    r = read(text)
    assert_table(r, TABLE_2018)


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes", "cells", "glued"])
@pytest.mark.parametrize(("code", "slip"), [("JFI", "Judicial Framework and Independent"),
                                            ("LDG", "Local Democratic Governace"),
                                            ("CO", "Corruptoin")])
def test_category_name_with_a_slip(layout: str, code: str, slip: str) -> None:
    text = table_doc(layout=layout, label_slip={code: slip}).render()
    r = read(text)
    assert_table(r, TABLE_2018)
    note = finding(r, "category_name_slip")
    assert slip in note.message and NAMES[code] in note.message


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes", "cells"])
@pytest.mark.parametrize("na", ["N/A", "n.a.", "na", "-", "–"])
def test_na_spellings(layout: str, na: str, m) -> None:
    r = read(table_doc(TABLE_2010, 2010, layout=layout, na=na).render())
    assert_table(r, TABLE_2010)
    assert codes(r, m) == []


def test_dash_after_label_is_a_separator() -> None:
    text = table_doc(layout="lines").render().replace("Corruption ", "Corruption – ")
    r = read(text)
    assert_table(r, TABLE_2018)
    assert finding(r, "table_dash_separator").line == line_of(text, "Corruption –")


# --- tables: documents without a title, furniture, partial copies -----------------------------

@pytest.mark.parametrize("layout", ["lines", "pipes", "cells", "flat"])
def test_table_right_after_a_document_header(layout: str) -> None:
    """No table title, no author line: the table starts right after the document's header."""
    r = read(table_doc(layout=layout, table_title=None, intro=[], header_label="").render())
    assert (r.shape, r.edition, r.country) == ("pdf", 2018, "Valdoria")
    assert_table(r, TABLE_2018)


@pytest.mark.parametrize("furniture", [["212 Nations in Transit 2018"], ["Page 3 of 9"],
                                       ["", "www.example.org", ""], ["Valdoria 213"]])
def test_page_furniture_between_rows(furniture: list[str]) -> None:
    r = read(table_doc(layout="lines", between={"LDG": furniture}).render())
    assert_table(r, TABLE_2018)


@pytest.mark.parametrize("layout", ["lines", "flat", "cells", "pipes"])
@pytest.mark.parametrize(("code", "cells"), [("CS", 3), ("JFI", 7), ("DS", 9)])
def test_excerpt_cut_mid_row(layout: str, code: str, cells: int) -> None:
    """The copy stops inside a row, in the middle of a value ("4."): the cells before it are
    read, the cut one is no value, and the report says the copy is cut."""
    doc = table_doc(layout=layout)
    text = doc.render()
    label_at = text.index(NAMES[code])
    values = doc._cells(code)
    at = label_at
    for v in values[: cells]:
        at = text.index(v, at) + len(v)
    cut = text[: text.index(values[cells], at) + 2]
    assert cut.endswith(values[cells][:2])
    r = read(cut)
    order = list(TABLE_2018.rows)
    upto = {c: (len(TABLE_2018.years) if order.index(c) < order.index(code) else
                cells if c == code else 0) for c in order}
    assert_table(r, TABLE_2018, upto)
    assert r.truncated
    assert finding(r, "table_row_truncated").line == line_of(cut, NAMES[code])


def test_renamed_country_still_yields_values() -> None:
    """A country the registry does not know: values come from the document alone."""
    text = rename(table_doc(layout="flat", title=None).render(), "Valdoria", "Merovia")
    r = read(text)
    assert (r.country, r.iso3, r.edition) == ("Merovia", None, 2018)
    assert_table(r, TABLE_2018)


def test_score_block_only() -> None:
    """An excerpt that keeps only a score block is still a report (never "no ratings")."""
    r = read("Valdoria by Ana Example\n\n2016 Scores\n\nDemocracy Score: 4.39\n"
             "Electoral Process: 3.50\n")
    assert r.edition == 2016 and r.democracy_score == Decimal("4.39")
    assert r.tables[2016] == {"DS": Decimal("4.39"), "EP": Fraction("3.5")}


def test_undated_excerpt_keeps_its_score() -> None:
    r = read("Valdoria\n\nDemocracy Score: 4.39\n\nThe rest of this copy is unreadable.\n")
    assert r.democracy_score == Decimal("4.39") and r.edition is None
    assert finding(r, "table_years_unknown")


# --- web pages -------------------------------------------------------------------------------

def assert_page(r: Report, p) -> None:
    assert (r.shape, r.edition, r.scale) == ("webpage", p.edition, "7_best")
    assert r.democracy_score == Decimal(p.ds) and r.democracy_percentage == Decimal(p.dp)
    assert r.regime == p.regime
    want = [(c.code, Fraction(c.before) if c.code != "DS" else Decimal(c.before),
             Fraction(c.after) if c.code != "DS" else Decimal(c.after), c.verb)
            for c in p.changes if c.code != "DS" or p.ds_bullet != "none"]
    assert [(s.category, s.from_value, s.to_value, s.verb) for s in r.statements] == want


@pytest.mark.parametrize("base", [PAGE_2019, PAGE_2024], ids=["2019", "2024"])
@pytest.mark.parametrize("style", ["max", "pipes", "slash", "lines"])
@pytest.mark.parametrize("last_year", ["inline", "lines"])
def test_page_scores_with_the_scale_maximum(base, style: str, last_year: str) -> None:
    """"Democracy Score 4.04 7", "| 82.14 100 |", "/7", one item per line: the maximum is
    never a second value, and last year's status is never this year's regime."""
    p = page(base, score_style=style, last_year=last_year)
    text = p.render()
    r = read(text)
    assert_page(r, p)
    maxima = [f for f in r.notes if f.code == "score_scale_maximum"]
    if style == "slash":  # "/7" says what it is: nothing to infer
        assert not maxima
    else:  # each finding points at the line that prints the maximum
        lines = text.split("\n")
        assert sorted(lines[f.line - 1].replace("|", " ").split()[-1] for f in maxima) == [
            "100", "7"]


@pytest.mark.parametrize("last_year", ["inline", "lines"])
def test_page_without_a_regime_label(last_year: str) -> None:
    p = page(PAGE_2019, regime=None, last_year=last_year)
    r = read(p.render())
    assert_page(r, p)
    assert finding(r, "regime_not_printed")


def test_old_edition_on_the_new_scale(m) -> None:
    """A 2019 page on today's site prints 7-best values: kept as printed with scale 7_best,
    and a finding at the scale statement says how they convert to the edition's own scale."""
    p = PAGE_2019
    text = p.render()
    r = read(text)
    assert_page(r, p)
    note = finding(r, "scale_converted")
    assert note.line == line_of(text, "marks run from 1 to 7")
    assert "8 − x" in note.message and "4.29 in the 2019 edition" in note.message
    assert not [f for f in audit_report(r, m) if f.severity == "error"]


@pytest.mark.parametrize(("heading", "finding_code"), [
    ("Score changes in {edition}", None),
    ("Score Changes", None),
    ("Score changes in {previous}", "heading_names_previous_year"),
])
def test_score_changes_headings(heading: str, finding_code: str | None) -> None:
    p = page(PAGE_2019, heading=heading)
    text = p.render()
    r = read(text)
    assert_page(r, p)
    if finding_code:
        assert finding(r, finding_code).line == line_of(text, "header1")


def test_heading_alone_names_the_edition() -> None:
    p = page(PAGE_2024, url=False, heading="Score changes in {edition}",
             changes=[Change("CO", "2.75", "2.50")])
    r = read(p.render())
    assert_page(r, p)
    assert finding(r, "edition_from_heading")


def test_no_score_changes() -> None:
    p = page(PAGE_2019, changes=[], heading="No score changes")
    text = p.render()
    r = read(text)
    assert_page(r, p)
    assert finding(r, "no_score_changes").line == line_of(text, "No score changes")


def test_changes_without_from() -> None:
    p = page(PAGE_2019, no_from=True)
    text = p.render()
    r = read(text)
    assert_page(r, p)
    notes = [f for f in r.notes if f.code == "statement_without_from"]
    assert [n.line for n in notes] == [line_of(text, "National Democratic"),
                                       line_of(text, "Civil Society"),
                                       line_of(text, "Democracy Score declined")]


@pytest.mark.parametrize(("verbs", "kinds"), [
    (("declined", "improved", "decreased"), ("deteriorates", "improves", "deteriorates")),
    (("fell", "rose", "dropped"), ("deteriorates", "improves", "deteriorates")),
    (("decreased", "increased", "fell"), ("deteriorates", "improves", "deteriorates")),
])
def test_other_verbs_are_read_on_the_page_scale(verbs, kinds, m) -> None:
    p = page(PAGE_2019, changes=[Change("NDG", "3.50", "3.25", verbs[0]),
                                 Change("CS", "4.50", "4.75", verbs[1]),
                                 Change("DS", "3.75", "3.71", verbs[2])])
    r = read(p.render())
    assert_page(r, p)
    assert tuple(s.kind for s in r.statements) == kinds
    numeric = {"decreased", "increased", "fell", "rose", "dropped"}
    assert sum(f.code == "verb_read_from_numbers" for f in r.notes) == len(numeric & set(verbs))
    assert "verb_mismatch" not in codes(r, m)


@pytest.mark.parametrize(("code", "slip"), [("JFI", "Judicial Framework and Independent"),
                                            ("LDG", "Local Democratic Governace"),
                                            ("IM", "Independant Media")])
def test_change_with_a_slipped_category_name(code: str, slip: str) -> None:
    p = page(PAGE_2019, changes=[Change(code, "3.50", "3.25"), *PAGE_2019.changes[1:]],
             slips={code: slip})
    text = p.render()
    r = read(text)
    assert_page(r, p)
    assert finding(r, "category_name_slip").line == line_of(text, slip)


def test_last_bullet_cut_after_its_numbers() -> None:
    p = page(PAGE_2019, ds_bullet="bullet")
    text = cut_after(p.render(), "to 4.75 ", 12)
    r = read(text)
    assert [(s.category, s.to_value) for s in r.statements] == [
        ("NDG", Fraction("3.25")), ("CS", Fraction("4.75"))]
    assert finding(r, "statement_cut_short").line == line_of(text, "Civil Society")


@pytest.mark.parametrize("keep", [-1, -2, -3])
def test_bullet_cut_inside_its_number(keep: int) -> None:
    """"to 4." or "to 4.7" where the copy stops is no value: the change is not read."""
    text = cut_after(page(PAGE_2019).render(), "to 4.75", keep)
    r = read(text)
    assert [s.category for s in r.statements] == ["NDG"]
    assert finding(r, "statement_cut").line == line_of(text, "Civil Society")


def test_page_cut_mid_sentence_keeps_its_scores() -> None:
    text = cut_after(page(PAGE_2024).render(), "Executive Summary", 40)
    r = read(text)
    assert_page(r, PAGE_2024)


def test_renamed_page_takes_the_name_it_prints() -> None:
    text = rename(PAGE_2019.render(), "Valdoria", "Ostrania")
    r = read(text)
    assert (r.country, r.iso3) == ("Ostrania", None)
    assert_page(r, PAGE_2019)


def test_copy_ending_on_a_bullet_marks_the_list_cut() -> None:
    """What a reconstruction from printed changes must know: the list may be incomplete."""
    text = cut_after(page(PAGE_2019).render(), "neighbourhood groups.")
    r = read(text)
    assert r.truncated
    assert finding(r, "changes_list_cut").line == line_of(text, "Civil Society rating")
    assert not read(page(PAGE_2019).render()).truncated


def test_report_carries_the_printed_scale_and_where_it_is_stated() -> None:
    text = PAGE_2019.render()
    r = read(text)
    assert (r.scale, r.scale_source, r.scale_line) == (
        "7_best", "legend", line_of(text, "marks run from 1 to 7"))
    no_legend = read(page(PAGE_2019, legend="").render())
    assert (no_legend.scale, no_legend.scale_source, no_legend.scale_line) == (
        "7_best", "percentage", None)


# --- plain text and partial copies -----------------------------------------------------------

ESSAY = """Nations in Transit 2011

Executive Summary:

Electoral Process. The delta council moved the vote twice and closed three polling stations in
the marsh villages without notice. Valdoria's rating for electoral process worsens to 4.50
from 4.25.

Civil Society. Associations registered freely. Valdoria's rating for civil society improves by
a quarter point from 3.00 to 2.75.

Independent Media. Valdoria's ratings for independent media, local democratic governance, and
corruption remain at 4.75.

Judicial Framework and Independence. Valdoria's judicial framework & independence rating is
unchanged at 4.25.
"""


def test_essay_sentences_as_authors_write_them() -> None:
    r = read(ESSAY)
    assert r.shape == "text"
    assert [(s.category, s.from_value, s.to_value, s.kind) for s in r.statements] == [
        ("EP", Fraction("4.25"), Fraction("4.5"), "deteriorates"),
        ("CS", Fraction(3), Fraction("2.75"), "improves"),
        ("IM", None, Fraction("4.75"), "remains"),
        ("LDG", None, Fraction("4.75"), "remains"),
        ("CO", None, Fraction("4.75"), "remains"),
        ("JFI", None, Fraction("4.25"), "remains"),
    ]
    assert [s.line for s in r.statements] == [6, 9, 12, 12, 12, 15]  # where each head starts


@pytest.mark.parametrize("text", [
    "Valdoria\n\nCivil Society rating improved 2.50 to 2.75 after the registry reopened.\n",
    "Valdoria\n\n  • Corruption declined from 3.00 to 2.75 as tenders closed.\n",
])
def test_a_lone_rating_change_is_a_report(text: str) -> None:
    """A fragment whose only readable part is a rating change is read, never refused."""
    r = read(text)
    assert len(r.statements) == 1 and r.statements[0].to_value in (Fraction("2.75"),)


@pytest.mark.parametrize("header", ["1997 1998 1999-2000 2001 2002", "1997 1998 1999 2001 2002*",
                                    "1997 1998 1999–2000 2001 2002"])
def test_year_header_spellings(header: str) -> None:
    text = (f"Nations in Transit 2002 - Valdoria\n\nNIT Ratings {header}\n"
            "Electoral Process 4.00 4.00 4.25 4.25 4.50\n"
            "Civil Society 3.25 3.25 3.25 3.50 3.50\n")
    r = read(text)
    assert sorted(r.tables) == [1997, 1998, 1999, 2001, 2002]
    assert r.tables[1999]["EP"] == Fraction("4.25") and r.tables[2002]["CS"] == Fraction("3.5")
    assert not [f for f in r.notes if f.code.startswith("table_years")]


# --- no edition anywhere, the heading's year, decimal commas glued ----------------------------

def _undated_doc(table: Table, layout: str) -> str:
    return table_doc(table, table.years[-1], title=None, header_label="", header=[],
                     table_title=None, layout=layout).render()


@pytest.mark.parametrize("layout", ["lines", "flat", "glued", "pipes", "cells"])
@pytest.mark.parametrize("with_ds", [True, False], ids=["ds", "no-ds"])
def test_a_table_with_no_edition_and_no_years_is_read_undated(layout: str, with_ds: bool) -> None:
    """No title, no year header, no edition anywhere (and maybe no score row): never 'no
    ratings found'. The rows are read in column order (the last column is the report's own,
    unknown, edition), with findings saying why they carry no years."""
    rows = dict(TABLE_2018.rows) if with_ds else {c: v for c, v in TABLE_2018.rows.items()
                                                  if c != "DS"}
    table = Table(TABLE_2018.years, rows)
    text = _undated_doc(table, layout)
    r = read(text)
    assert r.edition is None and r.tables == {}
    assert r.undated == table.rows
    assert r.democracy_score == (TABLE_2018.rows["DS"][-1] if with_ds else None)
    unknown = finding(r, "table_years_unknown")
    assert unknown.line == line_of(text, NAMES["NDG"][:8]) or layout == "flat"
    assert finding(r, "edition_unknown").severity == "warning"
    assert r.to_json()["undated"]["EP"][-1] == float(TABLE_2018.rows["EP"][-1])


def test_a_report_with_no_edition_is_refused_by_import_clearly() -> None:
    from demoscope.methodology import nit
    from demoscope.services.importing import import_report

    r = read(_undated_doc(TABLE_2018, "lines"))
    r.iso3 = "SRB"  # a known country: what stops it is the edition
    result = import_report(None, nit(), r)  # type: ignore[arg-type]  # refused before any write
    assert result.status == "skipped" and "names no edition" in result.reason


@pytest.mark.parametrize("layout", ["lines", "flat", "glued", "pipes", "cells"])
def test_a_table_with_no_edition_is_dated_by_the_methodologys_eras(layout: str) -> None:
    """Governance printed until a column and National/Local Governance from the next: the
    methodology says which editions those are, so the table's years (and the report's
    edition) follow, with a finding."""
    text = _undated_doc(TABLE_2010, layout)
    r = read(text)
    assert r.edition == 2010 and not r.undated
    assert_table(r, TABLE_2010)
    note = finding(r, "edition_inferred")
    assert "GOV" in note.message or "NDG" in note.message or "LDG" in note.message


def _heading_page(summary: str, **kw):
    return page(PAGE_2019, edition=2023, url=False, heading="Score changes in 2022",
                summary=summary, **kw)


def test_the_heading_names_the_events_year_when_the_copy_is_about_it() -> None:
    p = _heading_page("In March 2022 the harbour board dissolved two councils; by the autumn "
                      "of 2022 the courts had sided with it, and the 2022 budget cut the "
                      "grants of the river associations.")
    text = p.render()
    r = read(text)
    assert r.edition == 2023
    note = finding(r, "edition_from_heading")
    assert note.line == line_of(text, "Score changes in 2022") and "events of 2022" in note.message
    assert finding(r, "heading_names_previous_year")


def test_the_heading_names_the_edition_when_the_copy_is_about_the_year_before() -> None:
    p = page(PAGE_2019, edition=2022, url=False, heading="Score changes in 2022",
             summary="Throughout 2021 the harbour board tightened its hold; the 2021 local "
                     "elections were postponed twice, and in early 2022 a court restored them.")
    r = read(p.render())
    assert r.edition == 2022
    assert "heading names the edition" in finding(r, "edition_from_heading").message


def test_a_heading_with_nothing_else_to_date_the_page_is_a_flagged_guess() -> None:
    r = read(_heading_page("The harbour board tightened its hold on the delta councils.").render())
    assert r.edition == 2022  # what most editions' pages print
    note = finding(r, "edition_from_heading")
    assert note.severity == "warning" and "may be 2023" in note.message


def test_the_published_data_dates_a_page_of_a_known_country() -> None:
    """A page of a country the built-in data knows: the score it prints is the 2023 edition's
    headline (not the 2022 one's), which decides the edition."""
    from demoscope.dataset import builtin_headlines

    h = builtin_headlines()[("UZB", 2023)]
    p = _heading_page("The delta councils met twice.", country="Uzbekistan",
                      ds=f"{float(h.score):.2f}", dp=f"{float(h.percentage):.2f}",
                      regime=h.regime)
    r = read(p.render())
    assert r.edition == 2023 and "published data" in finding(r, "edition_from_heading").message


@pytest.mark.parametrize("layout", ["glued", "lines", "pipes"])
@pytest.mark.parametrize(("table", "edition"), [(TABLE_2018, 2018), (TABLE_2010, 2010)])
def test_glued_decimal_commas(layout: str, table: Table, edition: int) -> None:
    """"3,503,504,25": decimal commas printed without separators are cut into ratings; a
    number with thousands separators in the header ("1,234,567") is left alone."""
    doc = table_doc(table, edition, layout=layout, comma=True)
    doc.intro = [*doc.intro, "Households: 1,234,567 (census)", ""]
    text = doc.render()
    if layout == "glued":
        assert "3,503,50" in text or "4,004,00" in text or "4,754,75" in text
    r = read(text)
    assert_table(r, table)
    assert "1,234,567" in text and not any(
        "1,23" in (f.message or "") for f in r.notes if f.code == "value_glue_cut")


# --- tables: dash cells and cells that are no value keep their column --------------------------

GAPS = [("DS", [0]), ("DS", [4]), ("DS", [9]), ("CS", [3, 4]), ("JFI", [0, 9]), ("NDG", [8, 9])]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dash", ["—", "–", "-"], ids=["em", "en", "hyphen"])
@pytest.mark.parametrize(("code", "columns"), GAPS)
def test_dash_cells_keep_their_columns(layout: str, dash: str, code: str, columns: list[int]
                                       ) -> None:
    """A dash printed for "no value" anywhere in a row (first, middle, last, several) is an
    n/a cell of its own column, spaced or glued to its neighbours as PDF text leaves it
    ("4.07–4.25", "Civil Society—2.75", "4.43-"): the values after it stay in their years."""
    table = with_gaps(TABLE_2018, code, columns)
    text = table_doc(table, 2018, layout=layout, na=dash).render()
    r = read(text)
    assert_table(r, table)
    assert not {"table_row_short", "table_extra_cells", "table_cell_unreadable"} & {
        f.code for f in r.notes}


@pytest.mark.parametrize("dash", ["—", "–", "-", "n/a"])
@pytest.mark.parametrize(("code", "columns"), GAPS)
def test_web_page_table_with_dash_cells(dash: str, code: str, columns: list[int]) -> None:
    table = with_gaps(TABLE_2018, code, columns)
    r = read(html_table_doc(table, 2018, na=dash), "valdoria.html")
    assert r.edition == 2018
    assert_table(r, table)


@pytest.mark.parametrize(("code", "columns"), GAPS)
def test_web_page_table_with_empty_cells(code: str, columns: list[int]) -> None:
    """An empty ``<td>`` keeps its column: nothing is read for it (it says neither a value
    nor n/a), with a finding on its line, and every other cell is read in its own year."""
    table = with_gaps(TABLE_2018, code, columns)
    html = html_table_doc(table, 2018, na="EMPTY").replace("<td>EMPTY</td>", "<td></td>")
    r = read(html, "valdoria.html")
    expected = {c: [v for i, v in enumerate(vals) if c != code or i not in columns]
                for c, vals in table.rows.items()}
    for c, vals in table.rows.items():
        for i, (year, v) in enumerate(zip(table.years, vals, strict=True)):
            got = r.tables.get(year, {}).get(c, "absent")
            assert got == ("absent" if c == code and i in columns else v), (year, c)
    assert sum(len(v) for v in expected.values()) == sum(len(row) for row in r.tables.values())
    notes = [f for f in r.notes if f.code == "table_cell_unreadable"]
    assert all(str(table.years[i]) in f.message for f, i in zip(notes, columns, strict=True))
    assert all(f.line == line_of(html, f"<td>{NAMES[code]}</td>") for f in notes)


@pytest.mark.parametrize("layout", ["lines", "flat", "pipes"])
def test_a_cell_that_is_no_value_keeps_its_column(layout: str) -> None:
    """"4.2x" printed where a cell stands: nothing is read for that year, the cells after it
    keep theirs, and the report says which cell it could not read."""
    text = table_doc(layout=layout).render()
    sep = " | " if layout == "pipes" else " "
    row = sep.join(table_doc()._cells("CS"))
    damaged = row.replace("3.00" + sep + "3.00" + sep + "3.00", "3.00" + sep + "3.0x" + sep
                          + "3.00", 1)
    assert damaged != row and row in text  # CS: 2.75 2.75 2.75 3.00 3.00(2013) 3.00 ...
    r = read(text.replace(row, damaged))
    assert r.tables[2013].get("CS", "absent") == "absent"
    for year, value in zip(TABLE_2018.years, TABLE_2018.rows["CS"], strict=True):
        if year != 2013:
            assert r.tables[year]["CS"] == value, year
    note = finding(r, "table_cell_unreadable")
    assert "2013" in note.message and "'3.0x'" in note.message


def test_a_row_short_of_a_cell_is_not_read_from_the_left() -> None:
    """A row that prints one cell fewer than the table has columns, with no sign of which is
    missing: reading it from the left would shift every cell after the gap into the wrong
    year, so it is not read, and the report says so."""
    text = table_doc(layout="lines").render()
    row = " ".join(table_doc()._cells("IM"))
    short = row.replace("4.25 4.25 ", "4.25 ", 1)
    assert short != row
    r = read(text.replace(row, short))
    assert all("IM" not in cells for cells in r.tables.values())
    assert finding(r, "table_row_short").line == line_of(text, "Independent Media")
    order = [c for c in TABLE_2018.rows if c != "IM"]
    assert_table(r, Table(TABLE_2018.years, {c: TABLE_2018.rows[c] for c in order}))
