"""Placing a found table's cells: which edition each column is, which category each row is.

:mod:`~demoscope.reports.tables` finds rows (a label and its cells) and groups (rows that stand
together, with the years printed above them). Here every cell gets its year and its category,
including where the copy damaged the table. Each inference is a finding that says where (the
line), what was inferred and why; values themselves always come from the document.

* **Columns.** A table's columns are consecutive editions ending with the report's own (an
  edition's table ends with the edition itself). A header that prints exactly such a run (in
  either order) is read as printed. A header whose years are not consecutive editions (one year
  printed twice, "2009 2010 2011 2011 2013 …"; a year lost when the header was glued together;
  a title's year run into it) is replaced by the consecutive editions that agree best with what
  it prints, ending with the report's edition when that fits as well as any. A table with no
  header at all is read as the last editions up to the report's.
* **Rows without a label.** Text extraction sometimes loses a row's label: its cells then run
  on after the previous row's ("Electoral Process 3.50 … 3.75 2.75 … 3.25"), or stand between
  the header and the first row. A row with exactly two (three, …) tables' width of cells is
  split, and each unlabelled run is named by the categories the columns' editions track that
  the table lacks: the only one missing, or the ones the table's printed order puts between
  the neighbouring rows (the methodology's order, or the order with National Democratic
  Governance first that the tables of 2006 on print).
* **Cells never shift.** A cell the copy prints empty (between two ``|``) or as something that
  is no value ("4.2x") keeps its column and gives no value (``table_cell_unreadable``). A row
  that stops at such a token keeps the cells before it (``table_row_stops``); a row that ends
  the copy keeps the cells it has (``table_row_truncated``). Any other row with fewer cells
  than the table has columns does not say which column lacks its cell: it is not read
  (``table_row_short``), never placed from the left.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache

from demoscope.methodology import Methodology
from demoscope.reports.model import Finding
from demoscope.reports.tables import SCORE_CODES, Cell, Group, Row, Unread, parse_value

Value = Fraction | Decimal | None


@dataclass
class Tables:
    """Every cell placed: ``values[year][code]`` and the line each was read from."""

    values: dict[int, dict[str, Value]] = field(default_factory=dict)
    lines: dict[tuple[int, str], int] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)
    truncated: bool = False
    #: Cells of a one-column block whose year is unknown (no header, no edition): the
    #: document's own scores all the same (``{code: (value, line)}``).
    undated: dict[str, tuple[Value, int]] = field(default_factory=dict)
    #: The rows of a wider table whose years are unknown, cells in column order (the last
    #: column is the report's own edition, whichever it is): ``{code: [value, ...]}``.
    undated_rows: dict[str, list[Value]] = field(default_factory=dict)


def assign(groups: list[Group], edition: int | None, m: Methodology) -> Tables:
    """Place every row's cells under its column year; report conflicts, never overwrite."""
    out = Tables()
    tables: list[tuple[Group, list[int], list[Row]]] = []
    for g in groups:
        years = _columns(g, edition, m, out.notes)
        if years is None:
            _undated(g, out)
            continue
        tables.append((g, years, _split(g, len(years), out.notes)))
    for g, years, rows in tables:
        if any(not r.code for r in rows):
            # what the other parts of the document give for most of these years (the rest of
            # a table that a stray line cut in two; not a one-year score block)
            seen = Counter(r.code for g2, y2, rows2 in tables if g2 is not g
                           for r in rows2 if r.code for y in y2 if y in years)
            others = {c for c, k in seen.items() if 2 * k > len(years)}
            _name_orphans(rows, years, others, out, m)
        for row in rows:
            if row.code:
                _place(row, years, g, out)
    return out


# --- columns ---------------------------------------------------------------------------------

def _columns(g: Group, edition: int | None, m: Methodology,
             notes: list[Finding]) -> list[int] | None:
    """The year of each column of ``g`` (see the module doc), with a finding for inferences."""
    width = _width(g)
    tokens = g.header_tokens
    first_line = g.rows[0].line
    if not tokens:
        years = infer_years(edition, width, m)
        if years is None:
            return None
        if width > 1:
            notes.append(Finding(
                "info", "table_years_inferred",
                f"the table prints no year header; columns read as {years[0]}–{years[-1]} "
                f"(the last {width} editions up to the report's {edition} edition)",
                first_line))
        return years
    if consecutive(tokens, m) or consecutive(tokens[::-1], m):
        if not _header_lost_years(g, len(tokens)):
            return list(tokens)
        width = _full_width(g)
    shown = " ".join(map(str, tokens))
    if len(tokens) > width and consecutive(tokens[-width:], m):
        years = list(tokens[-width:])
        why = (f"only its last {width} years are consecutive editions, as many as each row "
               "has cells")
    else:
        end, how = _best_end(tokens, width, edition, m)
        if end is None:
            return None
        years = infer_years(end, width, m) or []
        why = (f"they are not consecutive editions ({how}); the columns are the {width} "
               f"consecutive editions ending with {end}")
    notes.append(Finding(
        "info", "table_years_misprinted",
        f"the year header prints {shown!r}: {why}, read as {years[0]}–{years[-1]}",
        g.header_line or first_line))
    return years


def _width(g: Group) -> int:
    """Cells per row: the header's count when it reads as a header, else the usual count."""
    if g.years:
        return len(g.years)
    return _full_width(g) or len(g.header_tokens or ()) or 1


def _full_width(g: Group) -> int:
    """The most common number of cells of a labelled row that is not cut short (0: none)."""
    counts = Counter(_printed(r.values) for r in g.rows if r.code and not r.fragment)
    if not counts:
        return 0
    top = max(counts.values())
    return max(w for w, n in counts.items() if n == top)


def _printed(values: list[Cell]) -> int:
    """How many cells a row prints, empty cells after its last one not counted (a table that
    ends every row on an empty cell has no column there)."""
    n = len(values)
    while n and values[n - 1] == Unread(""):
        n -= 1
    return n


def _header_lost_years(g: Group, count: int) -> bool:
    """A clean header with fewer years than every full row has cells (a year lost in the
    copy): at least two labelled rows, all longer than the header and of one length that is
    no multiple of it (a multiple is a row that swallowed an unlabelled one)."""
    full = [len(r.values) for r in g.rows if r.code and not r.fragment]
    return len(full) >= 2 and len(set(full)) == 1 and full[0] > count and full[0] % count != 0


def consecutive(years: list[int], m: Methodology) -> bool:
    """Whether ``years`` are consecutive editions, oldest first (1999 follows 1998, 2001
    follows 1999; past the methodology's last edition, every year is one)."""
    return all(_next_edition(a, m) == b for a, b in itertools.pairwise(years))


def _next_edition(year: int, m: Methodology) -> int:
    eds = _editions(m)
    i = bisect_right(eds, year)
    return eds[i] if i < len(eds) else year + 1


@cache
def _editions(m: Methodology) -> tuple[int, ...]:
    return tuple(sorted(m.editions))


def _best_end(tokens: list[int], width: int, edition: int | None,
              m: Methodology) -> tuple[int | None, str]:
    """The last edition of the consecutive run of ``width`` editions that agrees with the most
    printed years (compared from the right); the report's edition wins a tie."""
    candidates = set(_editions(m)) | ({edition} if edition else set())
    candidates |= {t for t in tokens}
    best: tuple[int, int, int] | None = None  # (agreement, is the edition, end)
    for end in candidates:
        seq = infer_years(end, width, m) or []
        agree = sum(1 for a, b in zip(reversed(seq), reversed(tokens), strict=False) if a == b)
        key = (agree, int(end == edition), end)
        if best is None or key > best:
            best = key
    if best is None or (best[0] == 0 and edition is None):
        return None, "no run of editions matches them"
    agree, _, end = best
    if agree == 0 and edition is not None:
        return edition, "none of them matches a run of editions; the report's edition ends it"
    return end, f"{agree} of {len(tokens)} agree with that run"


def infer_years(edition: int | None, width: int, m: Methodology) -> list[int] | None:
    """The last ``width`` editions up to ``edition`` (1999 is the 1999–2000 edition)."""
    if edition is None or width < 1:
        return None
    known = [y for y in _editions(m) if y <= edition]
    if edition in m.editions and len(known) >= width:
        return known[-width:]
    return list(range(edition - width + 1, edition + 1))


def edition_from_eras(groups: Iterable[Group], m: Methodology) -> tuple[int, str, int] | None:
    """(edition, why, line) for a report that prints no edition and whose tables no year:
    where the methodology's eras show in a table. A category an edition starts (or stops)
    rating is printed n/a in the columns of the other era, so the column where it starts is
    the first edition that rates it; the columns being consecutive editions, the last one is
    the report's edition. Every category of the table must agree; else None."""
    eds = list(_editions(m))
    for g in groups:
        if g.header_tokens:
            continue
        width = _full_width(g)
        rows = {r.code: r.values for r in g.rows
                if r.code in m.categories and len(r.values) == width
                and not any(isinstance(v, Unread) for v in r.values)}
        if width < 2 or not rows:
            continue
        found: set[int] = set()
        why = ""
        for code, vals in rows.items():
            present = [v is not None for v in vals]
            if all(present) or not any(present):
                continue
            k = present.index(not present[0])
            if any(p == present[0] for p in present[k:]):
                found.add(-1)  # n/a in the middle: no era boundary
                continue
            rated = [y for y in eds if m.editions[y].uses(code)]
            if not rated:
                continue
            at = rated[0] if not present[0] else rated[-1]
            col = k if not present[0] else k - 1
            i = eds.index(at) - col
            if i < 0 or i + width > len(eds):
                found.add(-1)
                continue
            found.add(eds[i + width - 1])
            why = why or (f"{code} is printed {'from' if not present[0] else 'until'} column "
                          f"{col + 1}, and the first edition {'rating' if not present[0] else 'after'} "
                          f"it is {at if not present[0] else eds[eds.index(at) + 1]}")
        if len(found) == 1 and -1 not in found:
            end = found.pop()
            for code, vals in rows.items():  # every cell agrees with its column's era
                cols = eds[eds.index(end) - width + 1: eds.index(end) + 1]
                if any(v is not None and not m.editions[y].uses(code)
                       for v, y in zip(vals, cols, strict=True)):
                    break  # a value printed for an edition that does not rate it
            else:
                return end, why, g.rows[0].line
    return None


def header_end(groups: Iterable[Group], m: Methodology) -> list[int]:
    """For each group with a header, the edition its last column is (the edition is the last
    column of a report's own table): the printed last year, or the best run's end for a
    misprinted header."""
    out = []
    for g in groups:
        tokens = g.header_tokens
        if not tokens:
            continue
        if consecutive(tokens, m):
            out.append(tokens[-1])
        elif consecutive(tokens[::-1], m):
            out.append(tokens[0])
        elif len(tokens) >= 3:
            end, _ = _best_end(tokens, _width(g), None, m)
            if end is not None:
                out.append(end)
    return out


# --- rows ------------------------------------------------------------------------------------

def _split(g: Group, width: int, notes: list[Finding]) -> list[Row]:
    """The group's rows with every run of cells that belongs to a lost label split off as a
    row of its own (code "")."""
    established = bool(g.years or g.header_tokens) or sum(
        1 for r in g.rows if r.code and len(r.values) == width) >= 3
    out: list[Row] = []
    for row in g.rows:
        values = row.values
        if not row.code and not g.header_tokens and row is g.rows[0] and (
                width < 2 or len(values) % width or not established):
            continue  # numbers before a table without header that fill no whole row
        if row.code and row.dash_first and len(values) == width + 1:
            notes.append(Finding(
                "info", "table_dash_separator",
                f"{row.label} row prints a dash before its {width} cells; read as a separator, "
                "not as an n/a cell", row.line))
            row = _with(row, values[1:], row.offsets[1:])
            values = row.values
        if len(values) <= width or not established:
            out.append(row)
            continue
        if row.n_pre:
            keep = max(0, width - row.n_pre)
            post = len(values) - row.n_pre
            head = values[:keep] + values[post:]
            rest, rest_offsets = values[keep:post], row.offsets[keep:post]
        else:
            head, rest, rest_offsets = values[:width], values[width:], row.offsets[width:]
        whole = len(rest) // width * width
        # the last unlabelled run may be shorter (a row that ends early, or the copy's cut)
        # when nothing labelled follows it in the table
        last = row is g.rows[-1] and 2 * (len(rest) - whole) >= width
        if not rest or (len(rest) != whole and not (row.fragment or last)):
            out.append(row)  # extra cells: _place reports them
            continue
        out.append(_with(row, head, row.offsets[: len(head)], fragment=False))
        chunks = [rest[i:i + width] for i in range(0, len(rest), width)]
        for k, chunk in enumerate(chunks):
            offs = rest_offsets[k * width: k * width + len(chunk)]
            line = g.line_at(offs[0]) if g.line_at and offs else row.line
            cut = (row.fragment or len(chunk) < width) and k == len(chunks) - 1
            out.append(Row("", "", offs[0] if offs else row.end, row.end, line, chunk, cut,
                           offsets=offs, unlabelled=True))
    return out


def _with(row: Row, values: list, offsets: list[int], fragment: bool | None = None) -> Row:
    return Row(row.code, row.label, row.start, row.end, row.line, values,
               row.fragment if fragment is None else fragment, 0, offsets, False, row.slip,
               row.unlabelled, row.stopped, row.ends_copy, row.lead_empty)


@cache
def printed_orders(m: Methodology) -> tuple[tuple[str, ...], ...]:
    """The orders tables print their rows in: the methodology's (EP, CS, IM, GOV, NDG, LDG,
    JFI, CO), the same with National Democratic Governance first (the tables of 2006 on), and
    the score block's (Democracy Score first); each with the Democracy Score last unless it
    leads."""
    base = (*m.categories, *SCORE_CODES[:1])
    ndg_first = ("NDG", *(c for c in base if c != "NDG"))
    return base, ndg_first, (SCORE_CODES[0], *ndg_first[:-1])


def _name_orphans(rows: list[Row], years: list[int], others: set[str], out: Tables,
                  m: Methodology) -> None:
    """Name each unlabelled row (see the module doc); an unnameable one is reported.
    ``others``: categories the rest of the document gives for these years."""
    orphans = [i for i, r in enumerate(rows) if not r.code]
    expected: list[str] = []
    for y in years:
        ed = m.editions.get(y)
        for c in (ed.categories if ed else ()):
            if c not in expected:
                expected.append(c)
    expected.append(SCORE_CODES[0])
    present = {r.code for r in rows if r.code} | others
    missing = [c for c in expected if c not in present]
    labelled = [r.code for r in rows if r.code]
    order = next((o for o in printed_orders(m) if _follows(labelled, o)), None)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    fits = {i: [c for c in missing if _fits(c, rows[i].values, years, m)] for i in orphans}
    if len(orphans) == 1 and len(fits[orphans[0]]) == 1:
        code = fits[orphans[0]][0]
        why = (f"the only category of the {span} editions missing from the table"
               if len(missing) == 1 else
               f"of the categories missing from the table, the only one its cells fit "
               f"({_name(code, m)} is n/a exactly where those editions do not rate it)")
        _named(rows, orphans[0], code, m, why, out)
        return
    for run in _runs(orphans):
        before = next((rows[i].code for i in range(run[0] - 1, -1, -1) if rows[i].code), None)
        after = next((rows[i].code for i in range(run[-1] + 1, len(rows)) if rows[i].code), None)
        between = _between(order, before, after, missing) if order else []
        if len(between) > len(run):  # keep those the cells fit
            between = [c for c in between if all(c in fits[i] for i in run)] or between
        if order and len(between) == len(run):
            where = (f"between {_name(before, m) if before else 'the header'} and "
                     f"{_name(after, m) if after else 'the end of the table'}")
            for i, code in zip(run, between, strict=True):
                _named(rows, i, code, m, f"the category missing {where} in the table's order",
                       out)
                missing.remove(code)
            continue
        for i in run:
            out.notes.append(Finding(
                "warning", "table_row_unlabeled",
                f"a row of {len(rows[i].values)} cells prints no label and no category can be "
                "inferred for it; its values were not read", rows[i].line))


def _fits(code: str, values: list[Cell], years: list[int], m: Methodology) -> bool:
    """Whether cells could be ``code``'s: a value only in editions that rate it, ratings on
    the quarter grid, a score with two decimals."""
    numbers = [(y, Fraction(raw.replace(",", "."))) for y, raw in zip(years, values,
                                                                    strict=False)
               if isinstance(raw, str)]
    if code in SCORE_CODES:  # a mean: some value off the quarter grid, or printed to 2 places
        return any((v * 4).denominator != 1 for _, v in numbers) or any(
            isinstance(raw, str) and len(raw.replace(",", ".").partition(".")[2]) == 2
            for raw in values)
    for year, v in numbers:
        ed = m.editions.get(year)
        if (ed is not None and not ed.uses(code)) or (v * 4).denominator != 1:
            return False
    return True


def _follows(codes: list[str], order: tuple[str, ...]) -> bool:
    """Whether ``codes`` appear in ``order``'s order (codes it lacks make it no match)."""
    pos = [order.index(c) if c in order else -1 for c in codes]
    return -1 not in pos and all(a < b for a, b in itertools.pairwise(pos))


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _between(order: tuple[str, ...], before: str | None, after: str | None,
             missing: list[str]) -> list[str]:
    lo = order.index(before) if before in order else -1
    hi = order.index(after) if after in order else len(order)
    return [c for c in order[lo + 1: hi] if c in missing]


def _named(rows: list[Row], i: int, code: str, m: Methodology, why: str, out: Tables) -> None:
    row = rows[i]
    name = _name(code, m)
    rows[i] = Row(code, name, row.start, row.end, row.line, row.values, row.fragment, 0,
                  row.offsets, unlabelled=True, stopped=row.stopped, ends_copy=row.ends_copy,
                  lead_empty=row.lead_empty)
    out.notes.append(Finding(
        "info", "table_label_inferred",
        f"a row of {len(row.values)} cells prints no label; read as {name}: {why}", row.line))


def _name(code: str, m: Methodology) -> str:
    if code in m.categories:
        return m.categories[code].name
    return {"DS": "Democracy Score", "DP": "Democracy Percentage"}.get(code, code)


# --- cells -----------------------------------------------------------------------------------

def _place(row: Row, years: list[int], g: Group, out: Tables) -> None:
    values = row.values
    if row.lead_empty and len(values) + row.lead_empty == len(years) and not (
            row.fragment or row.ends_copy) and 2 * sum(r.lead_empty > 0 for r in g.rows) <= \
            len(g.rows):
        # "Label | | 4.75 …" one cell short, where the table's other rows print no such
        # rule after their label: the empty cell is the first column's
        values = [*(Unread("") for _ in range(row.lead_empty)), *values]
        row = _with(row, values, [row.start] * row.lead_empty + row.offsets)
    if row.n_pre and len(values) > row.n_pre:
        out.notes.append(Finding(
            "info", "table_label_wrapped",
            f"{row.label} is printed in two parts with {row.n_pre} cell(s) between them; "
            f"read as the last column{'s' if row.n_pre > 1 else ''}, where text extraction "
            "pulls the cells printed beside a wrapped label's first line", row.line))
    if row.slip:
        out.notes.append(Finding(
            "info", "category_name_slip",
            f"row label {row.slip!r} is no category name; read as {row.label}, the name it "
            "nearly spells", row.line))
    if len(values) > len(years) and _printed(values) <= len(years):
        values = values[: len(years)]  # empty cells after the table's last column
    if len(values) > len(years):
        if any(isinstance(v, Unread) for v in values):
            # which of the cells is no cell of the table (page furniture, a stray mark) is
            # not known: reading from the left would shift the cells after it
            out.notes.append(Finding(
                "warning", "table_extra_cells",
                f"{row.label} row has {len(values)} cells for {len(years)} year columns, one "
                "of them unreadable; which cells are the table's cannot be told, so the row "
                "is not read", row.line))
            return
        out.notes.append(Finding(
            "warning", "table_extra_cells",
            f"{row.label} row has {len(values)} cells for {len(years)} year columns; "
            "extra cells ignored", row.line))
        values = values[: len(years)]
    if len(values) < len(years):
        if row.fragment or row.ends_copy:
            out.truncated = True
            out.notes.append(Finding(
                "info", "table_row_truncated",
                f"{row.label} row stops after {len(values)} of {len(years)} cells "
                "(the copy is cut short)", row.line))
        elif row.stopped:
            out.notes.append(Finding(
                "warning", "table_row_stops",
                f"{row.label} row stops at {row.stopped!r}, which is no value, after "
                f"{len(values)} of {len(years)} cells: the cells before it are read, the "
                "rest are not", row.line))
        else:
            out.notes.append(Finding(
                "warning", "table_row_short",
                f"{row.label} row prints {len(values)} cells for {len(years)} year columns: "
                "which column lacks its cell cannot be told, so none of its cells is read",
                row.line))
            return
    per_value = row.unlabelled and g.line_at is not None
    for k, (year, raw) in enumerate(zip(years, values, strict=False)):
        line = row.line
        if per_value and k < len(row.offsets):
            line = g.line_at(row.offsets[k])  # type: ignore[misc]
        if isinstance(raw, Unread):
            out.notes.append(Finding(
                "warning", "table_cell_unreadable",
                f"{row.label} {year}: the table prints {raw.shown()}, which is no value; "
                "nothing is read for it, and the other cells keep their columns", line))
            continue
        value = None if raw is None else parse_value(raw, row.code)
        cells = out.values.setdefault(year, {})
        if row.code in cells:
            if cells[row.code] != value:
                out.notes.append(Finding(
                    "warning", "table_conflict",
                    f"{row.label} {year} printed as {_show(cells[row.code])} at line "
                    f"{out.lines[(year, row.code)]} and as {_show(value)} here; "
                    "the first is kept", row.line))
            continue
        cells[row.code] = value
        out.lines[(year, row.code)] = line


def _undated(g: Group, out: Tables) -> None:
    """A group whose years cannot be known: a one-column block keeps its cells undated (a
    partial copy's own scores); a wider table cannot be read."""
    if _width(g) == 1:
        for row in g.rows:
            if row.code and row.values and row.code not in out.undated:
                raw = row.values[0]
                if isinstance(raw, Unread):
                    continue
                value = None if raw is None else parse_value(raw, row.code)
                out.undated[row.code] = (value, row.line)
        out.notes.append(Finding(
            "warning", "table_years_unknown",
            "a score block names no year and the report no edition; its values are read as "
            "the document's own scores but not placed under a year", g.rows[0].line))
        return
    width = _full_width(g)
    kept = 0
    for row in g.rows:
        if row.code and row.values and row.code not in out.undated_rows:
            if any(isinstance(raw, Unread) for raw in row.values):
                out.notes.append(Finding(
                    "warning", "table_cell_unreadable",
                    f"{row.label} row prints a cell that is no value; the row is not read",
                    row.line))
                continue
            cells = [None if raw is None else parse_value(raw, row.code)
                     for raw in row.values if not isinstance(raw, Unread)]
            out.undated_rows[row.code] = cells
            kept += 1
            if len(row.values) == width and row.code not in out.undated:
                out.undated[row.code] = (cells[-1], row.line)
    out.notes.append(Finding(
        "warning", "table_years_unknown",
        f"a ratings table ({kept} rows of {width} columns) has no year header and the report "
        "names no edition: its values are read in column order, the last column being the "
        "report's own edition, but not placed under years", g.rows[0].line))


def _show(value: Value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Decimal):
        return str(value)
    return f"{float(value):.2f}"
