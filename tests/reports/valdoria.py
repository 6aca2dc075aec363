"""Fictional Valdoria documents in the shapes real copies take, and the ways copies get damaged.

Every document here is written from data (:data:`TABLE_2018`, :data:`TABLE_2010`,
:data:`PAGE_2019`, ...), so a test knows the exact values a reader must return whatever the
layout or the damage. Nothing here is taken from a real report: the country, the people, the
sentences and the numbers are invented (the numbers keep the method's arithmetic, so the
Democracy Scores are the exact means of their rows).

Layouts of a ratings table (how text extraction renders one):

* ``lines``: a row per line, cells separated by spaces;
* ``flat``: the whole table on one line (text pulled out of a PDF page);
* ``glued``: no separators at all ("Electoral Process4.254.50");
* ``pipes``: ``|`` between cells (a web table copied as text);
* ``cells``: one cell per line with blank lines between (a web table pasted cell by cell);
* ``wrapped``: long labels broken over two lines, the last column's value printed between
  the halves ("National Democratic 5.50 Governance 5.25 5.25 ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

NAMES = {"EP": "Electoral Process", "CS": "Civil Society", "IM": "Independent Media",
         "GOV": "Governance", "NDG": "National Democratic Governance",
         "LDG": "Local Democratic Governance", "JFI": "Judicial Framework and Independence",
         "CO": "Corruption", "DS": "Democracy Score"}


def _q(*values: str | None) -> list[Fraction | None]:
    return [None if v is None else Fraction(v) for v in values]


def _ds(rows: dict[str, list[Fraction | None]], years: list[int]) -> list[Decimal | None]:
    """The Democracy Score of each column: the exact mean of its ratings, half up to 2 places."""
    out: list[Decimal | None] = []
    for i, _ in enumerate(years):
        col = [r[i] for r in rows.values() if r[i] is not None]
        mean = sum(col, Fraction(0)) / len(col)
        out.append(Decimal(mean.numerator) / Decimal(mean.denominator))
    return [None if v is None else v.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
            for v in out]


@dataclass
class Table:
    """A ratings table: rows in printed order, columns ``years``."""

    years: list[int]
    rows: dict[str, list]  # code -> values per column (Fraction/Decimal, None = n/a)

    def truth(self) -> dict[int, dict[str, Fraction | Decimal | None]]:
        return {y: {c: vals[i] for c, vals in self.rows.items()} for i, y in enumerate(self.years)}


def _table(years: list[int], rows: dict[str, list[Fraction | None]]) -> Table:
    return Table(years, {**rows, "DS": _ds(rows, years)})


#: A 2018 edition's table: ten editions, the order the tables of 2009 on print (NDG first).
TABLE_2018 = _table(list(range(2009, 2019)), {
    "NDG": _q("4.75", "4.75", "5.00", "5.00", "5.00", "5.25", "5.25", "5.25", "5.50", "5.50"),
    "EP": _q("3.50", "3.50", "3.75", "3.75", "3.75", "3.75", "4.00", "4.00", "4.00", "4.25"),
    "CS": _q("2.75", "2.75", "2.75", "3.00", "3.00", "3.00", "3.00", "3.25", "3.25", "3.25"),
    "IM": _q("4.00", "4.00", "4.25", "4.25", "4.50", "4.50", "4.50", "4.75", "4.75", "5.00"),
    "LDG": _q("3.25", "3.25", "3.25", "3.25", "3.50", "3.50", "3.50", "3.50", "3.50", "3.75"),
    "JFI": _q("4.50", "4.50", "4.50", "4.75", "4.75", "4.75", "4.75", "5.00", "5.00", "5.00"),
    "CO": _q("5.00", "5.00", "5.00", "5.00", "5.25", "5.25", "5.25", "5.25", "5.50", "5.50"),
})

#: A 2010 edition's table: 2001–2010, Governance before 2005, National and Local after.
TABLE_2010 = _table([2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010], {
    "EP": _q("4.00", "4.00", "4.25", "4.25", "4.25", "4.50", "4.50", "4.50", "4.75", "4.75"),
    "CS": _q("3.25", "3.25", "3.25", "3.50", "3.50", "3.50", "3.50", "3.75", "3.75", "3.75"),
    "IM": _q("4.50", "4.75", "4.75", "4.75", "5.00", "5.00", "5.00", "5.25", "5.25", "5.25"),
    "GOV": _q("4.75", "4.75", "5.00", "5.00", None, None, None, None, None, None),
    "NDG": _q(None, None, None, None, "5.00", "5.00", "5.25", "5.25", "5.25", "5.50"),
    "LDG": _q(None, None, None, None, "4.25", "4.25", "4.25", "4.50", "4.50", "4.50"),
    "JFI": _q("4.25", "4.25", "4.50", "4.50", "4.50", "4.75", "4.75", "4.75", "5.00", "5.00"),
    "CO": _q("5.50", "5.50", "5.50", "5.75", "5.75", "5.75", "5.75", "6.00", "6.00", "6.00"),
})


def cell(value: Fraction | Decimal | None, *, strip: bool = False, comma: bool = False,
         na: str = "n/a") -> str:
    """A value as a table prints it: two decimals, or without trailing zeros (``strip``)."""
    if value is None:
        return na
    text = f"{float(value):.2f}"
    if strip:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


@dataclass
class TableDoc:
    """A document made of a header, a ratings table and a note, with its layout options."""

    table: Table
    edition: int
    country: str = "Valdoria"
    layout: str = "lines"
    title: str | None = "Nations in Transit {edition} - {country}"
    intro: list[str] = field(default_factory=lambda: [
        "{country} by Ana Example", "",
        "Capital: Port Mirel", "Population: 0.4 million", "GNI/capita, PPP: US$9,990", ""])
    table_title: str | None = "Nations in Transit Ratings and Averaged Scores"
    header_label: str = "NIT Edition"
    header: list[str] | None = None  # printed years (default: the table's)
    glue_header: bool = False
    strip: bool = False  # "4" and "3.5" instead of "4.00" and "3.50"
    comma: bool = False
    na: str = "n/a"
    drop_label: str | None = None  # the code of a row printed without its label
    wrap: tuple[str, ...] = ("NDG", "LDG", "JFI")  # labels the "wrapped" layout breaks
    between: dict[str, list[str]] = field(default_factory=dict)  # lines before a row (furniture)
    label_slip: dict[str, str] = field(default_factory=dict)  # code -> label as mistyped
    note: str = ("NOTE: The ratings here are invented for tests. They use a scale of 1 to 7, "
                 "with 1 representing the highest degree of democratic development and 7 the least.")

    def render(self) -> str:
        fmt = {"edition": self.edition, "country": self.country}
        out = [self.title.format(**fmt), ""] if self.title else []
        out += [line.format(**fmt) for line in self.intro]
        if self.table_title:
            out += [self.table_title, ""]
        years = self.header if self.header is not None else [str(y) for y in self.table.years]
        out += self._rows(years)
        out += ["", self.note, "", "Executive Summary", "",
                "In the year under review the delta republic argued about its harbour dues."]
        return "\n".join(out) + "\n"

    def _label(self, code: str) -> str:
        return self.label_slip.get(code, NAMES[code])

    def _cells(self, code: str) -> list[str]:
        return [cell(v, strip=self.strip and code != "DS", comma=self.comma, na=self.na)
                for v in self.table.rows[code]]

    def _rows(self, years: list[str]) -> list[str]:
        layout = self.layout
        sep = {"lines": " ", "flat": " ", "glued": "", "pipes": " | ", "cells": "\n\n",
               "wrapped": " "}[layout]
        head = "".join(years) if self.glue_header else sep.join(years)
        glue_label = "" if layout == "glued" else sep
        lines: list[str] = []
        lead = (self.header_label + glue_label) if self.header_label else ""
        lines.append(lead + head + (" |" if layout == "pipes" else ""))
        for code in self.table.rows:
            lines += self.between.get(code, [])
            cells = self._cells(code)
            label = "" if code == self.drop_label else self._label(code)
            if layout == "wrapped" and code in self.wrap and label:
                first, _, rest = label.partition(" ")
                if code == "JFI":
                    first, rest = "Judicial Framework", "and Independence"
                elif code in ("NDG", "LDG"):
                    first, rest = label.rsplit(" ", 1)
                lines.append(f"{first} {cells[-1]} {rest} " + " ".join(cells[:-1]))
                continue
            body = sep.join(cells)
            if layout == "pipes":
                body = "| " + body + " |"
            lines.append((label + glue_label + body) if label else body)
        if layout == "flat":
            return [" ".join(lines)]
        if layout == "cells":
            return "\n\n".join(lines).split("\n")
        return lines


def table_doc(table: Table = TABLE_2018, edition: int = 2018, **kw) -> TableDoc:
    return TableDoc(table=table, edition=edition, **kw)


# --- web pages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    code: str  # category code or "DS"
    before: str
    after: str
    verb: str = "declined"
    why: str = ("after the harbour board suspended the council's public hearings for most of "
                "the year")


@dataclass
class Page:
    """A country page of the 2018–2024 site, saved as text the way copies of it look."""

    edition: int
    ds: str
    dp: str
    regime: str | None
    changes: list[Change]
    country: str = "Valdoria"
    url: bool = True
    title: bool = False
    heading: str | None = "Score changes in {edition}"
    score_style: str = "max"  # "max": "Democracy Score 4.04 7"; "pipes"; "slash"; "lines"
    last_year: str = "inline"  # "inline": "47 100 Regime"; "lines": one item per line
    last_dp: str = "47"
    legend: str = ("Valdoria's marks run from 1 to 7, with 7 representing the highest degree of "
                   "democratic development and 1 the least. The percentage restates the score "
                   "from 0 to 100.")
    ds_bullet: str = "line"  # "line": "As a result, X's Democracy Score ..."; "bullet"; "none"
    no_from: bool = False
    slips: dict[str, str] = field(default_factory=dict)  # code -> name as mistyped
    summary: str = ("The harbour board tightened its hold on the delta councils, and two small "
                    "newspapers closed after losing their printing contracts.")

    def render(self) -> str:
        slug = self.country.lower().replace(" ", "-")
        out: list[str] = []
        if self.url:
            out += [f"URL: https://example.org/country/{slug}/nations-transit/{self.edition}", ""]
        if self.title:
            out += [f"Nations in Transit {self.edition}", "", self.country, ""]
        if self.regime:
            out.append(self.regime)
        out += self._scores()
        out.append("Last Year's Democracy Percentage & Status")
        last_regime = self.regime or "Transitional or Hybrid Regime"
        if self.last_year == "inline":
            out.append(f"{self.last_dp} 100 {last_regime}")
        else:
            out += [self.last_dp, "100", last_regime]
        out += [self.legend, ""]
        if self.heading is not None:
            out += ["header1 " + self.heading.format(edition=self.edition,
                                                     previous=self.edition - 1), ""]
        for ch in self.changes:
            if ch.code == "DS" and self.ds_bullet != "bullet":
                continue
            out.append("  • " + self._bullet(ch))
        ds = [ch for ch in self.changes if ch.code == "DS"]
        if ds and self.ds_bullet == "line":
            out += ["", f"As a result, {self.country}’s " + self._bullet(ds[0])]
        out += ["", "header2 Executive Summary", "", self.summary, ""]
        return "\n".join(out) + "\n"

    def _scores(self) -> list[str]:
        dp, ds = self.dp, self.ds
        style = self.score_style
        if style == "max":
            return [f"DEMOCRACY-PERCENTAGE Democracy Percentage {dp} 100",
                    f"DEMOCRACY-SCORE Democracy Score {ds} 7"]
        if style == "pipes":
            return [f"Democracy Percentage | {dp} 100 |", f"Democracy Score | {ds} 7 |"]
        if style == "slash":
            return [f"Democracy Percentage {dp} /100", f"Democracy Score {ds} /7"]
        return ["Democracy Percentage", dp, "100", "Democracy Score", ds, "7"]

    def _bullet(self, ch: Change) -> str:
        name = "Democracy Score" if ch.code == "DS" else self.slips.get(ch.code, NAMES[ch.code])
        kind = "" if ch.code == "DS" else " rating"
        frm = "" if self.no_from else "from "
        tail = "." if ch.code == "DS" else f" {ch.why}."
        return f"{name}{kind} {ch.verb} {frm}{ch.before} to {ch.after}{tail}"


#: A 2019 edition shown on today's site: every number on the 7-best scale.
PAGE_2019 = Page(2019, "3.71", "45.24", "Transitional or Hybrid Regime", [
    Change("NDG", "3.50", "3.25"),
    Change("CS", "4.50", "4.75", "improved", "as river-cleaning associations registered "
           "without fees and a small grants fund opened to neighbourhood groups"),
    Change("DS", "3.75", "3.71"),
])

#: A 2024 page: scores only, no regime label and no list of changes in the copy.
PAGE_2024 = Page(2024, "3.79", "46.43", None, [], heading=None)


def page(base: Page = PAGE_2019, **kw) -> Page:
    return replace(base, **kw)


# --- damage done to a rendered copy ---------------------------------------------------------

def line_of(text: str, needle: str) -> int:
    """The 1-based line where ``needle`` first occurs."""
    return text.count("\n", 0, text.index(needle)) + 1


def glue_years(text: str, years: list[int]) -> str:
    """Print a header's years without separators ("200920102011...")."""
    run = re.compile(r"[\s|]*".join(str(y) for y in years))
    return run.sub("".join(str(y) for y in years), text, count=1)


def misprint_year(text: str, years: list[int], i: int) -> str:
    """Print year ``i`` of the header as the year before it (a year printed twice)."""
    printed = [str(y) for y in years]
    wrong = printed.copy()
    wrong[i] = printed[i - 1] if i else str(years[0] - 1)
    sep = r"([\s|]*)"
    pattern = re.compile(sep.join(printed))
    def fix(m: re.Match[str]) -> str:
        seps = [*m.groups(), ""]
        return "".join(y + s for y, s in zip(wrong, seps, strict=True))
    return pattern.sub(fix, text, count=1)


def drop_label(text: str, label: str) -> str:
    """Lose a row's label (its cells stay where they were)."""
    at = text.index(label)
    return text[:at] + text[at + len(label):].lstrip(" \t")


def cut_after(text: str, needle: str, keep: int = 0) -> str:
    """The copy stops ``keep`` characters after the first ``needle`` ends."""
    return text[: text.index(needle) + len(needle) + keep]


def rename(text: str, old: str, new: str) -> str:
    return text.replace(old, new).replace(old.lower(), new.lower())


def with_gaps(table: Table, code: str, columns: list[int]) -> Table:
    """``table`` with no value ("n/a", a dash) in ``columns`` of row ``code``."""
    rows = {c: list(v) for c, v in table.rows.items()}
    for i in columns:
        rows[code][i] = None
    return Table(list(table.years), rows)


def html_table_doc(table: Table, edition: int, na: str = "n/a", country: str = "Valdoria") -> str:
    """A saved web page holding the ratings table as an HTML ``<table>`` (one ``<td>`` per
    cell, ``na`` where a row has no value)."""
    head = "".join(f"<th>{y}</th>" for y in table.years)
    body = "".join(
        f"<tr><td>{NAMES[code]}</td>" + "".join(f"<td>{cell(v, na=na)}</td>" for v in vals)
        + "</tr>\n" for code, vals in table.rows.items())
    return (f"<html><body>\n<h1>Nations in Transit {edition} - {country}</h1>\n"
            f"<p>{country} by Ana Example</p>\n<table>\n<tr><th>NIT Edition</th>{head}</tr>\n"
            f"{body}</table>\n<p>Marks run from 1 to 7, with 1 representing "
            "the highest degree of democratic development and 7 the least.</p>\n</body></html>\n")
