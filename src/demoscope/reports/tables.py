"""Ratings tables and score blocks, found in text however extraction scrambled them.

One reader serves every shape because every copy of the table degrades in the same few ways:

* cells glued together ("Electoral Process4.254.003.75", "Governancen/an/a", "NIT
  Ratings19992001", "44.254.5" without trailing zeros: cut on the quarter grid when only one
  cut fits) or one per line, or separated by ``|``;
* labels wrapped over lines with values in between ("National Democratic 6.25 Governance n/a
  ... 6.00" — the value printed before the label's second line belongs to the *last* column,
  which text extraction pulled forward; "Judicial Framework 4.25 ... 4.5 and Independence" —
  every value between the two halves, in order);
* "n/a" cells in any spelling ("N/A", "n.a.", "na", a dash), "*" note markers, "(1 = best,
  7 = worst)" legends, numbers without trailing zeros ("3.5", "4") or with a decimal comma
  ("3,64"), a page's scale maximum after a score ("Democracy Score 4.04 7");
* labels with a slip ("Judicial Framework and Independent") or without their last word, read
  by :mod:`~demoscope.reports.names`; labels lost altogether, whose cells then run on after
  the previous row's or stand before the first row;
* a year header that is missing, glued or misprinted, and rows cut short when a copy stops
  early ("4." is no value).

A *row* is a category label followed by cells; a *group* is a run of rows with nothing but
separators (or page furniture) between them, with the years printed before it. Single-year
blocks ("2013 Scores", "Democracy Score: 4.39", "Electoral Process: \n3.50") are groups of
one column. This module finds rows and groups; :mod:`~demoscope.reports.columns` gives every
cell its year and category, with a finding for each inference. Values always come from the
document; nothing is filled in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache

from demoscope.methodology import Methodology
from demoscope.reports import names
from demoscope.reports.source import MAX_TABLE_ROWS, Overgrown

SCORE_CODES = ("DS", "DP")
_EXTRA_LABELS = {
    "DS": ("Democracy Score", "Democracy Rating"),
    "DP": ("Democracy Percentage",),
}

# A value printed between the words of a wrapped label: a number or an n/a cell in any of the
# spellings a cell has (:data:`_NA_CELL`: a dash too), so that a wrapped row keeps every column.
_VAL = r"(?:\d(?:[.,]\d{1,2})?|n/a|n\.a\.|[-–—])"
_SEP = rf"(?:[\s|]+{_VAL}(?=[\s|]))*[\s|]+"
# A cell: a value, "n/a" as tables spell it ("n/a", "N/A", "n.a.", "na", a dash), or a
# fragment ("4." where the copy stops). Note markers ("*", "†") may follow a value.
_NA_CELL = r"(?P<na>n/a|n\.a\.?|na|[-–—])"
_CELL = re.compile(
    r"[\s|:*]*(?:(?P<v>\d(?:[.,]\d{1,2})?)|" + _NA_CELL + r"|(?P<frag>\d[.,]))[*†‡]?"
    r"(?=[\s|*]|\Z)", re.I)
_CELL_DP = re.compile(
    r"[\s|:*]*(?:(?P<v>\d{1,3}(?:[.,]\d{1,2})?)%?|" + _NA_CELL + r"|(?P<frag>\d{1,3}[.,]))"
    r"[*†‡]?(?=[\s|*]|\Z)", re.I)
_PRE_VALUE = re.compile(r"(?<![\w.,/])(\d(?:[.,]\d{1,2})?|n/a|n\.a\.|[-–—])(?![\w.,/])", re.I)
_GAP = re.compile(r"[\s|*:]*")
# Page furniture where a table runs over a page break: a running head ("496 Nations in
# Transit 2008"), a page number alone, or a country head with its page number ("Albania 57").
_FURNITURE_LINE = re.compile(
    r"(?:\d{1,4}[ \t]+)?Nations in Transit[ \t]+(?:19|20)\d\d(?:[ \t]+\d{1,4})?|"
    r"(?:[A-Z][A-Za-z .'-]{2,40}[ \t]+)?\d{1,4}")

# Clean-up applied to a copy of the text before reading tables; none adds or removes a newline
# (un-gluing inserts spaces, so offsets shift: the reader maps them through the copy's own lines).
_LEGEND = re.compile(r"\(\s*[17]\s*=[^)\n]*(?:\n[^)\n]*)?\)")  # may break over a line
_OUT_OF = re.compile(r"/[ \t]*(?:7|100)(?![\d.,])")
# Web pages print the scale's maximum after a score, in its own cell or line ("Democracy
# Score 4.04 7", "Democracy Percentage | 82.14 100 |"): a bare 7 (100) that no further number
# follows on its line is that maximum, never a second value.
_DS_MAX = re.compile(
    r"(?i)(democracy\s+score[\s:|]+\d[.,]\d{1,2})([\s|]+7)(?![\d.,/%])(?![ \t|]*\d)")
_DP_MAX = re.compile(
    r"(?i)(democracy\s+percentage[\s:|]+\d{1,3}(?:[.,]\d{1,2})?)%?([\s|]+100)(?![\d.,/%])"
    r"(?![ \t|]*\d)")
_NA = re.compile(r"[nN]/[aA]")
_LETTER_DIGIT = re.compile(r"\d(?<=[A-Za-z*:)]\d)")  # digit first: the engine scans faster
_DIGIT_RUN = re.compile(r"\d[\d.,]{5,}")
_YEAR_GLUE = re.compile(r"(?:(?:19|20)\d\d){2,}")
_VALUE_GLUE = re.compile(r"(?:\d\.\d\d){2,}(?:\d\.?)?")
#: Ratings with decimal commas printed without separators ("3,503,504,25").
_COMMA_GLUE = re.compile(r"(?:[1-7],\d\d){2,}")


# A dash printed as an n/a cell but glued to its neighbours, as PDF text extraction leaves it
# ("4.07–4.25", "3.25–" at a row's end, "Civil Society–2.75", "5.00----"): spaced apart, one
# cell per dash, so that each stays a cell of its own and keeps its column. Only next to a
# value-shaped number or between a label and one (never a year range such as "1999–2000", a
# rule "----" or a hyphenated word).
_DASHES = re.compile(r"[-–—]+")
_VALUE_BEFORE = re.compile(r"\d[.,]\d\d?\Z")
_VALUE_AFTER = re.compile(r"\d[.,]\d")


def _dash_cells(m: re.Match[str]) -> str:
    run, text, a, b = m.group(), m.string, m.start(), m.end()
    value_before = _VALUE_BEFORE.search(text, max(0, a - 4), a) is not None
    value_after = _VALUE_AFTER.match(text, b) is not None
    cell_ends = b == len(text) or text[b] in " \t|\n"
    letter_before = a > 0 and text[a - 1].isalpha()
    if run == "-":  # a hyphen alone: never inside a word or a range of years
        glued = (value_before and (value_after or cell_ends)) or (letter_before and value_after)
    else:
        glued = (value_before and (value_after or cell_ends or len(run) > 1)) or (
            letter_before and (value_after or (len(run) > 1 and cell_ends)))
    return " " + " ".join(run) + " " if glued else run


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group())


def _out_of(m: re.Match[str]) -> str:
    """Blank "/ 7" and "/100" after a number ("4.64 / 7"), not other slashes."""
    before = m.string[: m.start()].rstrip(" \t")
    return " " * len(m.group()) if before[-1:].isdigit() else m.group()


def _na(m: re.Match[str]) -> str:
    prev = m.string[m.start() - 1: m.start()]
    return " " + m.group() if prev.isalnum() else m.group()


def _unglue(m: re.Match[str]) -> str:
    run = m.group()
    prev = m.string[m.start() - 1: m.start()]
    nxt = m.string[m.end(): m.end() + 1]
    if prev in (",", ".") or nxt == ",":
        return run
    if "," in run:
        if "." not in run and _COMMA_GLUE.fullmatch(run):
            return " ".join(re.findall(r"\d,\d\d", run))
        return run
    if _YEAR_GLUE.fullmatch(run):
        return " ".join(run[i:i + 4] for i in range(0, len(run), 4))
    if _VALUE_GLUE.fullmatch(run):
        return " ".join(re.findall(r"\d\.\d\d|\d\.?", run))
    if run.count(".") >= 2 and run.isascii():
        cells = _grid_cells(run)
        if cells:
            return " ".join(cells)
    return run


#: Ratings as tables print them when trailing zeros are dropped ("4", "3.5", "4.25").
_GRID_CELL = re.compile(r"[1-7](?:\.(?:[05]|[0257][05]))?")


def _grid_cells(run: str) -> list[str] | None:
    """The one way to cut a run of glued ratings printed without trailing zeros ("44.254.5")
    into ratings on the quarter grid (a last "4." where a copy stops included); ``None`` when
    there is no way or more than one."""
    n = len(run)
    ways: list[list[list[str]]] = [[] for _ in range(n + 1)]  # ways[i]: cuts of run[i:]
    ways[n] = [[]]
    for i in range(n - 1, -1, -1):
        found: list[list[str]] = []
        for size in (1, 3, 4):
            piece = run[i:i + size]
            if len(piece) == size and _GRID_CELL.fullmatch(piece) and \
                    (size != 3 or piece[2] in "05") and (size != 4 or piece[2:] in _QUARTERS):
                found += [[piece, *rest] for rest in ways[i + size]]
            if len(found) > 1:
                break
        if i == n - 2 and run[i].isdigit() and run[i + 1] == ".":  # "4." where the copy stops
            found.append([run[i:]])
        ways[i] = found[:2]
    return ways[0][0] if len(ways[0]) == 1 else None


_QUARTERS = ("00", "25", "50", "75")


#: UTF-8 lead bytes of the non-ASCII characters that "\\d" matches (Unicode decimal digits,
#: Arabic-Indic to fullwidth); ``tests/reports/test_speed_paths.py`` checks the list.
DIGIT_LEAD_BYTES = b"\xd9\xdb\xdf\xe0\xe1\xea\xef\xf0"


def _byte_classes() -> bytes:
    """A ``bytes.translate`` table for UTF-8 text: ASCII letters, "*", ":" and ")" → "a";
    ASCII digits and the lead bytes of other digits → "0"; "." and "," → "."; continuation bytes →
    "c"; every other byte → " "."""
    table = bytearray(b" " * 256)
    for b in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*:)":
        table[b] = ord("a")
    for b in b"0123456789" + DIGIT_LEAD_BYTES:
        table[b] = ord("0")
    table[ord(".")] = ord(".")
    table[ord(",")] = ord(".")  # decimal commas glue like points ("3,503,50")
    for b in range(0x80, 0xC0):
        table[b] = ord("c")
    return bytes(table)


_BYTE_CLASSES = _byte_classes()
# In the byte classes, a place ``_LETTER_DIGIT`` may match (a digit right after a letter, "*",
# ":" or ")") and one ``_DIGIT_RUN`` may (a digit, then 5 bytes of digits or dots). Both open
# on the digit, which the regex engine finds fast: digits are few.
_GLUED_BYTES = re.compile(rb"0(?<=a0)")
_RUN_BYTES = re.compile(rb"0[0.c]{5}")


def prepare(text: str, lowered: str | None = None,
            cuts: list[tuple[int, str, str]] | None = None) -> str:
    """Undo the gluing and legends of extracted tables (line breaks untouched).
    ``lowered``: the text lower-cased (:attr:`Doc.lower <demoscope.reports.source.Doc.lower>`)
    when the caller has it. ``cuts``: collects ``(line index, run, cells)`` for every run of
    glued ratings cut on the quarter grid (an inference the caller reports)."""
    size = len(text)
    if "=" in text:
        text = _LEGEND.sub(_blank, text)
    if "/" in text:
        text = _OUT_OF.sub(_out_of, text)
        if _has_na(text):
            text = _NA.sub(_na, text)
    if lowered is None or len(text) != size:
        # (blanking legends and "/ 7" keeps every offset and cannot make or unmake a
        # "democracy" label: an earlier lowered copy still serves)
        lowered = text.lower()
    # (the label may be broken over two lines: "Democracy\nPercentage 51.19 100")
    at = lowered.find("democracy")
    while at >= 0:
        hit = _DS_MAX.match(text, at) or _DP_MAX.match(text, at)
        if hit:
            text = text[: hit.start(2)] + " " * len(hit.group(2)) + text[hit.end(2):]
        at = lowered.find("democracy", at + 1)
    # (ASCII patterns: a line holds a running head only where the lowered text has the words)
    at = lowered.find(_RUNNING_HEAD) if len(lowered) == len(text) else -1
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        text = text[:start] + blank_running_heads(text[start:end]) + text[end:]
        at = lowered.find(_RUNNING_HEAD, end)
    if len(lowered) != len(text) and _RUNNING_HEAD in lowered:
        text = "\n".join(map(blank_running_heads, text.split("\n")))
    if "\n" in text:
        text = _PAGE_NUMBER_LINE.sub(_blank, text)
    text = _DASHES.sub(_dash_cells, text)
    return _unglue_digits(text, cuts)


# A running head on a line of its own, with or without its page number ("57 Nations in
# Transit 2015", "Nations in Transit 2015 57"): where a page break falls inside a table its
# year and page number would be read as cells (a table row split over the break, a header
# taken for the table's own). Blanked in the copy tables are read from; it still dates the
# report. Text pulled out of a PDF page as one line has it inline ("... 5.00 212 Nations in
# Transit 2018 Local Democratic Governance 3.25 ..."): a page number there has 2-3 digits (a
# year before it is the header's).
_RUNNING_HEAD = "nations in transit"


def blank_running_heads(line: str) -> str:
    """``line`` blanked when it is a running head, else with each running head in it blanked
    (every offset kept)."""
    if _RUNNING_HEAD_LINE.fullmatch(line):
        return " " * len(line)
    return _RUNNING_HEAD_INLINE.sub(_blank, line)


_RUNNING_HEAD_LINE = re.compile(
    r"[ \t]*(?:\d{1,4}[ \t]+)?Nations in Transit[ \t]+(?:19|20)\d\d(?:[ \t]+\d{1,4})?[ \t]*",
    re.I | re.A)
# A page number alone on its line (10-999) right before a rating ("Electoral Process\n57\n
# 1.75", the page broke between a label and its value): no cell. A table's own numbers on a
# line of their own are ratings (1-7), years, or percentages, which no rating follows.
_PAGE_NUMBER_LINE = re.compile(r"(?m)^[ \t]*[1-9]\d{1,2}[ \t]*$(?=(?:\n[ \t]*)+[1-7][.,]\d\d?(?!\d))")
_RUNNING_HEAD_INLINE = re.compile(
    r"(?:(?<![\w.,])\d{2,3}[ \t]+)?Nations in Transit[ \t]+(?:19|20)\d\d(?:[ \t]+\d{2,3})?"
    r"(?![\w.,])", re.I | re.A)


def _has_na(text: str) -> bool:
    """Whether ``_NA`` ("n/a" in any case) occurs: tried at each "/" only."""
    at = text.find("/", 1)
    while at >= 0:
        if text[at - 1] in "nN" and text[at + 1: at + 2] in ("a", "A"):
            return True
        at = text.find("/", at + 1)
    return False


def _unglue_digits(text: str, cuts: list[tuple[int, str, str]] | None = None) -> str:
    """``_LETTER_DIGIT`` then ``_DIGIT_RUN`` substituted in ``text``.

    Both scan for digits character by character, and most texts have nothing or next to
    nothing for them. The text's UTF-8 bytes mapped to byte classes (``bytes.translate``, a
    table lookup per byte) show, with no false "no", which lines can hold a match; neither
    pattern reaches across a line, so only those lines are substituted (all of the text when
    there are many). The first only inserts spaces before digits: it makes no digit run the
    second would not have found on the same line before it."""
    raw = text.encode("utf-8", "surrogatepass")
    classes = raw.translate(_BYTE_CLASSES)
    glued = _lines_with(raw, classes, _GLUED_BYTES)
    runs = _lines_with(raw, classes, _RUN_BYTES)
    if not glued and not runs:
        return text
    if len(glued) + len(runs) > 32:
        if glued:
            text = _LETTER_DIGIT.sub(_space_before, text)
        return _DIGIT_RUN.sub(_noting(_unglue, cuts, None), text) if runs else text
    lines = text.split("\n")
    for i in glued:
        lines[i] = _LETTER_DIGIT.sub(_space_before, lines[i])
    for i in runs:
        lines[i] = _DIGIT_RUN.sub(_noting(_unglue, cuts, i), lines[i])
    return "\n".join(lines)


def _noting(unglue, cuts: list[tuple[int, str, str]] | None, line: int | None):
    """``unglue``, recording in ``cuts`` the runs it cut on the quarter grid."""
    if cuts is None:
        return unglue

    def sub(m: re.Match[str]) -> str:
        out = unglue(m)
        run = m.group()
        if out != run and not _YEAR_GLUE.fullmatch(run) and not _VALUE_GLUE.fullmatch(run):
            at = m.string.count("\n", 0, m.start()) if line is None else line
            cuts.append((at, run, out))
        return out

    return sub


def _lines_with(raw: bytes, classes: bytes, pattern: re.Pattern[bytes]) -> list[int]:
    """Indices of the lines of ``raw`` where ``pattern`` matches ``classes`` (its byte-class
    copy, offset for offset), each once; at most 33 (enough to tell "many")."""
    out: list[int] = []
    line = 0
    counted = 0  # lines are counted up to here
    hit = pattern.search(classes)
    while hit and len(out) <= 32:
        at = hit.start()
        line += raw.count(b"\n", counted, at)
        out.append(line)
        counted = raw.find(b"\n", at)  # on to the next line
        if counted < 0:
            break
        hit = pattern.search(classes, counted)
    return out


def _space_before(m: re.Match[str]) -> str:
    return " " + m.group()


@dataclass
class Row:
    """A label and the cells after it. ``code`` is "" for a run of cells whose label the copy
    lost (:mod:`~demoscope.reports.columns` infers it from the table's order)."""

    code: str
    label: str
    start: int
    end: int
    line: int
    values: list[Cell]  # in column order; None = n/a, Unread = no value read
    fragment: bool = False  # a dangling "2." — the copy stops inside this row
    n_pre: int = 0  # how many of ``values`` (the last ones) were printed inside the label
    offsets: list[int] = field(default_factory=list)  # where each cell after the label starts
    dash_first: bool = False  # the first cell after the label is a dash (n/a or a separator)
    slip: str = ""  # the label as printed when it is a near miss of ``label``
    unlabelled: bool = False  # the copy prints no label: each cell has its own line
    stopped: str = ""  # what the row stops at on its line when that is no cell ("4.2x")
    ends_copy: bool = False  # nothing but white space follows the row: the copy ends with it
    #: empty cells between the label and the first cell ("Label | | 4.75"): a rule that many
    #: copies print after the label, or empty first cells; columns.py decides by the count
    lead_empty: int = 0


@dataclass
class Group:
    rows: list[Row] = field(default_factory=list)
    years: list[int] | None = None  # from the printed header, when it reads as one
    header_line: int | None = None
    header_tokens: list[int] | None = None  # every year printed in the header, as printed
    line_at: Callable[[int], int] | None = None


@cache
def label_lexicon(m: Methodology) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every row label the methodology knows, longest first, tolerant of wraps
    and of values printed between the words of a wrapped label."""
    names: dict[str, str] = {}
    for cat in m.categories.values():
        multi = [a for a in cat.aliases if " " in a.strip()]
        for name in (cat.name, *multi):
            names.setdefault(_key(name), cat.code)
    for ed in m.editions.values():
        for code, name in ed.names.items():
            names.setdefault(_key(name), code)
    for code, labels in _EXTRA_LABELS.items():
        for name in labels:
            names.setdefault(_key(name), code)
    groups: dict[str, str] = {}
    parts = []
    for i, (key, code) in enumerate(sorted(names.items(), key=lambda kv: -len(kv[0]))):
        gname = f"L{i}"
        groups[gname] = code
        words = ["(?:and|&)" if w == "and" else re.escape(w) + ",?" for w in key.split()]
        parts.append(f"(?P<{gname}>{_SEP.join(words)})")
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])", re.I)
    return pattern, groups


@cache
def _first_words(m: Methodology) -> tuple[re.Pattern[str], ...]:
    """Where a label can start: its first word, capitalised or upper-case (rows start
    upper-case, so lower-case prose is skipped). One pattern per first letter, longest word
    first, e.g. "C(?:ONSTITUTIONAL|onstitutional|ORRUPTION|...)": a pattern that opens with
    one letter is found at memchr speed, where one alternation over all the words tests every
    character of a long report. Scanning for these and trying the full label pattern only there
    keeps long reports fast."""
    pattern, _ = label_lexicon(m)
    words = set(re.findall(r"\(\?P<L\d+>([A-Za-z]+)", pattern.pattern))
    alts = sorted({w.capitalize() for w in words} | {w.upper() for w in words},
                  key=len, reverse=True)
    by_letter: dict[str, list[str]] = {}
    for a in alts:
        by_letter.setdefault(a[0], []).append(re.escape(a[1:]))
    return tuple(re.compile(re.escape(first) + "(?:" + "|".join(rest) + ")")
                 for first, rest in sorted(by_letter.items()))


def _label_starts(text: str, m: Methodology) -> list[int]:
    """Where ``finditer`` of the alternation of every first word would match, in order: all
    matches of each letter's pattern (overlapping ones too), then left to right, each that
    starts before the previous one ends dropped, as finditer would."""
    found: list[tuple[int, int]] = []
    for p in _first_words(m):
        hit = p.search(text)
        while hit:
            found.append(hit.span())
            hit = p.search(text, hit.start() + 1)
    found.sort()
    out: list[int] = []
    end = 0
    for start, stop in found:
        if start >= end:
            out.append(start)
            end = stop
    return out


def _key(name: str) -> str:
    return " ".join(name.replace(",", " ").split()).lower()


def find_groups(text: str, m: Methodology, line_at) -> list[Group]:
    """Rows and groups in ``text`` (already :func:`prepare`-d). ``line_at(offset)`` → line."""
    pattern, codes = label_lexicon(m)
    rows: list[Row] = []
    pos_after = 0
    for at in _label_starts(text, m):
        if at < pos_after:
            continue
        match = pattern.match(text, at)
        if match is None:
            continue
        pos_after = end = match.end()
        label = match.group()
        if not label[0].isupper():
            continue
        code = codes[match.lastgroup or ""]
        found = _PRE_VALUE.findall(label)  # values printed between the label's words
        pre = [v if v[0].isdigit() else None for v in found] if found else found
        if not pre and (_CELL_DP if code == "DP" else _CELL).match(text, end) is None:
            continue  # a category named in prose, not a row: most labels in a long report
        name = " ".join((_PRE_VALUE.sub(" ", label) if found else label).split())
        row = _cells(text, end, code, name, at, line_at)
        if not pre and not row.values and not row.fragment:
            continue
        if pre:
            row.values = row.values + pre
            row.n_pre = len(pre)
        rows.append(row)
        if len(rows) > MAX_TABLE_ROWS:
            raise Overgrown("rows of ratings tables", MAX_TABLE_ROWS)
    groups: list[Group] = []
    current: Group | None = None
    codes_in: set[str] = set()
    last_end = -1
    for row in rows:
        if current is not None and row.code not in codes_in and \
                not _is_gap(text, last_end, row.start):
            # a row whose label has a slip ("Judicial Framework and Independent 4.50 ...")
            slipped = _slipped_row(text, last_end, row.start, m, line_at)
            if slipped is not None and slipped.code not in codes_in and \
                    _is_gap(text, slipped.end, row.start):
                current.rows.append(slipped)
                codes_in.add(slipped.code)
                last_end = slipped.end
        if current is None or row.code in codes_in or not _is_gap(text, last_end, row.start):
            if current is not None:
                _slipped_tail(current, text, last_end, codes_in, m, line_at)
            current = Group(line_at=line_at)
            groups.append(current)
            codes_in = set()
            _attach_header(current, text, row.start, line_at)
        current.rows.append(row)
        codes_in.add(row.code)
        last_end = row.end
    if current is not None:
        _slipped_tail(current, text, last_end, codes_in, m, line_at)
    return [g for g in groups if _plausible(g, text)]


def _cells(text: str, end: int, code: str, name: str, at: int, line_at) -> Row:
    """The cells after a label that ends at ``end``, up to the first thing that is no cell.

    A cell is never dropped silently: an empty cell between two ``|`` and a token printed
    where a cell stands that is no value ("4.2x", "?"), when cells follow it, each keep their
    column as :class:`Unread` (no value; :mod:`~demoscope.reports.columns` reports them), so
    that the cells after them stay under their own years."""
    cell = _CELL_DP if code == "DP" else _CELL
    post: list[Cell] = []
    offsets: list[int] = []
    pos, fragment, dash, stopped, lead_empty = end, False, False, "", 0
    while True:
        c = cell.match(text, pos)
        if c is None:
            odd = _odd_cell(text, pos, cell)
            if odd is None:
                stop = _STOP.match(text, pos)
                if stop is not None and not _WORD.search(stop.group("tok")):
                    stopped = stop.group("tok")
                break
            if post:
                _empty_cells(text, pos, odd.start("odd"), post, offsets)
            post.append(Unread(odd.group("odd")))
            offsets.append(odd.start("odd"))
            pos = odd.end()
            continue
        v, na, frag = c.group("v", "na", "frag")
        content = c.start("v") if v else c.start("na") if na else c.start("frag")
        if post:
            _empty_cells(text, pos, content, post, offsets)
        else:  # "Label | | 4.75": an empty first cell, or a rule after the label
            lead_empty = len(_EMPTY_CELL.findall(text, pos, content))
        pos = c.end()
        if frag:
            fragment = True
            break
        if not post and not v:
            dash = na in ("-", "–", "—")
        post.append(v or None)
        offsets.append(content)
    if post:  # empty cells after the last one, up to the end of its line ("3.25 |  |")
        eol = text.find("\n", pos)
        eol = len(text) if eol < 0 else eol
        if _TRAILING.fullmatch(text, pos, eol):
            _empty_cells(text, pos, eol, post, offsets)
    row = Row(code, name, at, pos, line_at(at), post, fragment, 0, offsets, dash)
    row.stopped, row.lead_empty = stopped, lead_empty
    row.ends_copy = _REST_BLANK.match(text, pos) is not None
    return row


@dataclass(frozen=True)
class Unread:
    """A cell of a row that holds no value the reader can read: empty (between two ``|``) or
    printed as something that is no value (``printed``). It keeps its column."""

    printed: str

    def shown(self) -> str:
        return repr(self.printed) if self.printed else "an empty cell"


#: One cell of a row as read: the value as printed, ``None`` for n/a, or :class:`Unread`.
Cell = str | None | Unread

# Two "|" with only spaces between them: an empty cell ("| 4.25 |  | 4.50 |").
_EMPTY_CELL = re.compile(r"\|[ \t]+(?=\|)")
_TRAILING = re.compile(r"[ \t|]*")
# A token standing where a cell would (short, on the row's line, no word in it: never the
# next row's label or prose), read as an unreadable cell only when a cell follows it.
_ODD_CELL = re.compile(r"[ \t|:*]*(?P<odd>[^\s|]{1,12})(?=[ \t|])")
_WORD = re.compile(r"[A-Za-z]{3}")
# What a row stops at on its own line, when that is no cell ("4.2x" where the copy ends).
_STOP = re.compile(r"[ \t|:*]*(?P<tok>[^\s|]{1,24})")
_REST_BLANK = re.compile(r"[\s|*]*\Z")


def _odd_cell(text: str, pos: int, cell: re.Pattern[str]) -> re.Match[str] | None:
    odd = _ODD_CELL.match(text, pos)
    if odd is None or _WORD.search(odd.group("odd")) or odd.group("odd")[0] in "%/":
        return None
    nxt = cell.match(text, odd.end())
    if nxt is None or nxt.group("frag") or "\n" in text[odd.end(): nxt.start(
            "v") if nxt.group("v") else nxt.start("na")]:
        return None
    return odd


def _empty_cells(text: str, start: int, end: int, post: list[Cell], offsets: list[int]) -> None:
    """An :class:`Unread` cell for every empty cell between two "|" in ``text[start:end]``,
    the separator between two cells of one line."""
    sep = text[start:end]
    if "|" not in sep or "\n" in sep:  # (a new line starts a row: its "| |" is its rule)
        return
    for hit in _EMPTY_CELL.finditer(text, start, end):
        post.append(Unread(""))
        offsets.append(hit.start() + 1)


# A label that the lexicon does not know: capitalised words (with "and", "of", "&"), at most
# six, right before a cell.
_ANY_LABEL = re.compile(r"[\s|*:]*([A-Z][A-Za-z]+(?:[ \t]+(?:[A-Za-z]+|&)){0,5})"
                        r"(?=[\s|:*]+(?:\d|[nN]\.?/?[aA]\b|[-–—]))")


def _slipped_row(text: str, start: int, end: int, m: Methodology, line_at) -> Row | None:
    """A row at ``start`` (before ``end``) whose label is a near miss of a known name."""
    hit = _ANY_LABEL.match(text, start, end)
    if hit is None:
        return None
    near = names.near_name(names.words_of(hit.group(1)), m)
    if near is None:
        return None
    code, known = near
    row = _cells(text[:end], hit.end(1), code, known, hit.start(1), line_at)
    if not row.values:
        return None
    row.slip = hit.group(1)
    return row


def _slipped_tail(group: Group, text: str, last_end: int, codes_in: set[str], m: Methodology,
                  line_at) -> None:
    """Rows with a slipped label right after the group's last row (the end of a table)."""
    while True:
        stop = min(len(text), last_end + 400)
        row = _slipped_row(text, last_end, stop, m, line_at)
        if row is None or row.code in codes_in:
            return
        group.rows.append(row)
        codes_in.add(row.code)
        last_end = row.end


def _is_gap(text: str, start: int, end: int) -> bool:
    """Only spaces, cell rules and notes between two rows of one table, or whole lines of
    page furniture between them (a table that runs over a page break)."""
    if _GAP.fullmatch(text, start, end):
        return True
    pieces = text[start:end].split("\n")
    if len(pieces) < 3:  # furniture stands on a line of its own
        return False
    edge = " \t|*:\r"
    return not pieces[0].strip(edge) and not pieces[-1].strip(edge) and all(
        not p.strip(edge) or _FURNITURE_LINE.fullmatch(p.strip(edge)) for p in pieces[1:-1])


_TOKEN = re.compile(r"[^\s|]+")
# A year in a header: "2005", "2005*" (a note mark), "1999-2000" (the 1999–2000 edition)
_YEAR_TOKEN = re.compile(r"(?:19|20)\d\d(?:[-–/](?:19|20)?\d\d)?[*†‡]?")
_VALUE_TOKEN = re.compile(r"(?:\d(?:[.,]\d{1,2})?|n/a|n\.a\.?|na|[-–—])[*†‡]?", re.I)


_MD_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-{0,}:?[ \t]*")


def _before_rule(text: str, window_start: int, start: int) -> int:
    """Where the header ends: ``start``, or the start of a Markdown table's delimiter row
    ("|:---|---:|") standing alone on the line just before the first row."""
    line_start = text.rfind("\n", window_start, start) + 1
    if text[line_start:start].strip(" \t|"):
        return start  # the first row does not start its line
    prev_end = line_start - 1
    if prev_end <= window_start:
        return start
    prev_start = text.rfind("\n", window_start, prev_end) + 1
    if _MD_RULE.fullmatch(text, prev_start, prev_end):
        return prev_start
    return start


def _attach_header(group: Group, text: str, start: int, line_at) -> None:
    """The run of year tokens right before the group's first row, if any (a header), and cells
    between that header and the first row (a first row whose label was lost)."""
    window_start = max(0, start - 800)
    # Most groups have none: look at the last token first ("[^\\s|]+" read backwards).
    end = _before_rule(text, window_start, start)
    while end > window_start and (text[end - 1].isspace() or text[end - 1] == "|"):
        end -= 1
    first = end
    while first > window_start and not (text[first - 1].isspace() or text[first - 1] == "|"):
        first -= 1
    if first == end:
        return
    if _YEAR_TOKEN.fullmatch(text, first, end):
        tokens = list(_TOKEN.finditer(text, window_start, end))
        lead: list[re.Match[str]] = []
    elif _VALUE_TOKEN.fullmatch(text, first, end):
        tokens = list(_TOKEN.finditer(text, window_start, end))
        lead = []
        while tokens and _VALUE_TOKEN.fullmatch(tokens[-1].group()) and len(lead) < 40:
            lead.append(tokens.pop())
        lead.reverse()
        if not tokens or not _YEAR_TOKEN.fullmatch(tokens[-1].group()):
            # no header: the cells may still be a first row whose label was lost, which
            # :mod:`~demoscope.reports.columns` keeps only if they fill whole rows
            _lead_row(group, lead, line_at)
            return
    else:
        return
    years: list[int] = []
    first = start
    for tok in reversed(tokens):
        if not _YEAR_TOKEN.fullmatch(tok.group()):
            break
        years.append(int(tok.group()[:4]))
        first = tok.start()
    years.reverse()
    if lead and len(years) >= 2 and len(lead) % len(years) == 0:
        _lead_row(group, lead, line_at)  # (other numbers there are no row of this table)
    group.header_tokens = years
    group.header_line = line_at(first)
    if all(a < b for a, b in itertools.pairwise(years)):
        group.years = years


def _lead_row(group: Group, lead: list[re.Match[str]], line_at) -> None:
    """Cells before a group's first labelled row, as a row without a label."""
    raw = [t.group().rstrip("*†‡") for t in lead]
    values: list[Cell] = [None if not r[0].isdigit() else r for r in raw]
    group.rows.append(Row("", "", lead[0].start(), lead[-1].end(), line_at(lead[0].start()),
                          values, offsets=[t.start() for t in lead], unlabelled=True))


def _plausible(group: Group, text: str) -> bool:
    """Drop stray matches in prose: a group needs a value that is not n/a, and a lone row needs
    a header, a score label, or to start a line ("Corruption: 3.25"), as score blocks do."""
    if not any(isinstance(v, str) for row in group.rows for v in row.values):
        return False
    if group.header_tokens or len(group.rows) > 1:
        return True
    row = group.rows[0]
    if row.code in SCORE_CODES:
        return True
    line_start = text.rfind("\n", 0, row.start) + 1
    return not text[line_start:row.start].strip(" \t|")


@cache
def parse_value(text: str, code: str) -> Fraction | Decimal:
    """A cell as an exact number: ratings as Fraction, printed scores as Decimal."""
    t = text.replace(",", ".")
    if code in SCORE_CODES:
        try:
            return Decimal(t)
        except InvalidOperation:  # pragma: no cover - the regex admits digits only
            return Decimal(0)
    return Fraction(t)
