"""Audit a report against itself, the method and the database.

Every check says where (line) and why. What it checks, and the rule behind it:

* statement vs table vs database: a rating sentence must state the value its own table prints
  for the edition (and, for a change, the previous column), and what the database holds;
* printed Democracy Score vs the exact mean of the printed ratings (``scoring.democracy_score``,
  half-up to two decimals: exact, no tolerance), Democracy Percentage vs the unrounded mean,
  regime label vs the score bands;
* the verb vs the numbers on the *report's* scale ("improves from 5.75 to 5.50" is right on the
  1-best scale and wrong on the 7-best; a 2019 page on the 2020+ site is 7-best);
* values on the grid and in range (``Methodology.check_value``);
* a changed category needs a justification (the rest of its paragraph or bullet) and a
  statement; sections missing or duplicated; footnotes cited but not listed and vice versa;
* a country or edition the methodology/registry does not know is noted, never fatal.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cache

from demoscope.errors import InvalidRating
from demoscope.methodology import Direction, Edition, Methodology, fmt
from demoscope.reports.detect import regime_key
from demoscope.reports.model import Finding, Report, Statement
from demoscope.scoring import band_by_score, change_verb, democracy_score, percentage, round_half_up

#: ``(iso3, edition_year) -> {category: rating}`` on the edition's own scale, or None.
DbLookup = Callable[[str, int], Mapping[str, Fraction] | None]

#: Fewer words than this beside a change's rating sentence is no justification.
MIN_JUSTIFICATION_WORDS = 8


def audit_report(report: Report, methodology: Methodology,
                 db_lookup: DbLookup | None = None) -> list[Finding]:
    """All findings for ``report`` (parse notes included), sorted by line. They are also
    stored on ``report.audit`` so ``report.to_json()`` carries them."""
    m = methodology
    direction = _direction(m, report.scale)
    out: list[Finding] = list(report.notes)
    _identity(report, m, direction, out)
    _values(report, m, out)
    _scores(report, m, direction, out)
    _statements(report, m, direction, out)
    _changes(report, m, out)
    _sections(report, m, out)
    _footnotes(report, out)
    if db_lookup is not None:
        _database(report, m, direction, db_lookup, out)
    out.sort(key=lambda f: (f.line is None, f.line or 0))
    report.audit = out
    return out


def _edition(report: Report, m: Methodology) -> Edition | None:
    return m.editions.get(report.edition) if report.edition is not None else None


def _identity(report: Report, m: Methodology, direction: Direction, out: list[Finding]) -> None:
    if report.country is None:
        out.append(Finding("warning", "country_missing", "the report names no country", None))
    elif report.iso3 is None:
        out.append(Finding("info", "unknown_country",
                           f"country {report.country!r} is not in the registry; the report is "
                           "read but cannot be matched to the database", report.country_line))
    if report.edition is None:
        out.append(Finding("warning", "edition_missing",
                           "no edition year found in a title or table header", None))
        return
    ed = _edition(report, m)
    if ed is None:
        out.append(Finding("warning", "unknown_edition",
                           f"{m.name} has no {report.edition} edition; values are read but "
                           "not checked against that edition's categories", report.edition_line))
    elif ed.direction is not direction and not any(f.code == "scale_converted"
                                                    for f in report.notes):
        out.append(Finding("info", "scale_converted",
                           f"values are printed on the {report.scale} scale; the "
                           f"{ed.year} edition published them on the "
                           f"{m.direction_label(ed.direction)} scale", report.edition_line))


def _values(report: Report, m: Methodology, out: list[Finding]) -> None:
    for year, row in sorted(report.tables.items()):
        for code, value in row.items():
            if value is None:
                continue
            if code == "DP":
                if not 0 <= value <= 100:
                    out.append(Finding("error", "value_out_of_range",
                                       f"Democracy Percentage {year} {value} is outside 0–100",
                                       report.cell_lines.get((year, code))))
                continue
            if code == "DS":
                if not m.scale.in_range(_fr(value)):
                    out.append(Finding("error", "value_out_of_range",
                                       f"Democracy Score {year} {value} is outside "
                                       f"{fmt(m.scale.min)}–{fmt(m.scale.max)}",
                                       report.cell_lines.get((year, code))))
                continue
            if not _valid(m, value):
                _invalid(m, value, f"{code} {year}", report.cell_lines.get((year, code)), out)
    for s in report.statements:
        if s.category in ("DS", "DP"):
            continue
        for v in (s.from_value, s.to_value):
            if v is not None and not _valid(m, v):
                _invalid(m, v, f"{s.category} in the rating sentence", s.line, out)


def _invalid(m: Methodology, value: Fraction | Decimal, what: str, line: int | None,
             out: list[Finding]) -> None:
    """The finding for a value :func:`_valid` refused, worded by ``check_value``."""
    try:
        m.check_value(_fr(value), field=what)
    except InvalidRating as exc:
        code = "value_off_grid" if "grid" in exc.message else "value_out_of_range"
        out.append(Finding("error", code, exc.message, line))


def _valid(m: Methodology, value: Fraction | Decimal) -> bool:
    """``m.scale.in_range(v) and m.scale.on_grid(v)`` in integers: with v = n/d, min = a/b,
    max = c/e and step = p/q, v is in range when a·d ≤ n·b and n·e ≤ c·d, and on the grid when
    (v − min)/step = (n·b − a·d)·q / (d·b·p) is a whole number. Exact, and no Fraction is made."""
    v = _fr(value)
    n, d = v.numerator, v.denominator
    a, b, c, e, p, q = _grid(m)
    return a * d <= n * b and n * e <= c * d and (n * b - a * d) * q % (d * b * p) == 0


@cache
def _grid(m: Methodology) -> tuple[int, int, int, int, int, int]:
    s = m.scale
    return (s.min.numerator, s.min.denominator, s.max.numerator, s.max.denominator,
            s.step.numerator, s.step.denominator)


def _fr(value: Fraction | Decimal) -> Fraction:
    """``Fraction(value)``, without making a new one when it already is one."""
    return value if type(value) is Fraction else Fraction(value)


@cache
def _regime_names(m: Methodology) -> frozenset[str]:
    return frozenset(regime_key(n) for b in m.bands for n in (b.name, *b.names.values()))


@cache
def _band_names(m: Methodology) -> dict[str, frozenset[str]]:
    """:func:`regime_key` of each band's names, by band code."""
    return {b.code: frozenset(regime_key(n) for n in (b.name, *b.names.values())) for b in m.bands}


@cache
def _direction(m: Methodology, scale: str) -> Direction:
    return m.scale.parse_direction(scale)


def _row_score(m: Methodology, ed: Edition, own: dict[str, Fraction],
               direction: Direction) -> tuple[Fraction, Decimal]:
    """``(score.mean, score.printed)`` of ``scoring.democracy_score(m, ed, own, direction)``
    for a complete row, the weighted mean summed in integers: Σ wᵢ·nᵢ·(D/dᵢ) / (D·Σ wᵢ) with D
    the common denominator, one Fraction made instead of one per addition and product (a PDF
    table has a row per year). Same value, same rounding (``scoring.round_half_up``) and the
    same mirroring onto the other scale; rows this does not cover (weights that are not whole
    numbers, an empty row) go to ``democracy_score`` itself. ``test_speed_paths`` holds the two
    to each other."""
    weights = _int_weights(m, ed.year)
    if weights is None or not own:
        score = democracy_score(m, ed, own, direction)
        return score.mean, score.printed
    common = math.lcm(*(v.denominator for v in own.values()))
    total = sum(weights[c] * v.numerator * (common // v.denominator) for c, v in own.items())
    exact = Fraction(total, common * sum(weights[c] for c in own))
    decimals = m.score.decimals
    printed = round_half_up(exact, decimals)  # once, on the published scale
    if direction is not ed.direction:
        exact = m.scale.convert(exact)
        printed = round_half_up(m.scale.min + m.scale.max - Fraction(printed), decimals)
    return exact, printed


@cache
def _int_weights(m: Methodology, year: int) -> dict[str, int] | None:
    """The weight ``scoring.mean`` gives each category of the edition, when all are whole."""
    weights = {c: m.categories[c].weight if c in m.categories else Fraction(1)
               for c in m.editions[year].categories}
    if any(Fraction(w).denominator != 1 for w in weights.values()):
        return None
    return {c: int(w) for c, w in weights.items()}


def _scores(report: Report, m: Methodology, direction: Direction, out: list[Finding]) -> None:
    unchecked: list[int] = []
    for year, row in sorted(report.tables.items()):
        ed = m.editions.get(year)
        printed = row.get("DS")
        if ed is None or not isinstance(printed, Decimal):
            continue
        ratings = {c: row[c] for c in ed.categories if row.get(c) is not None}
        if len(ratings) < len(ed.categories):
            unchecked.append(year)
            continue
        own = {c: m.to_direction(_fr(v), direction, ed.direction) for c, v in ratings.items()}
        mean, computed = _row_score(m, ed, own, direction)
        line = report.cell_lines.get((year, "DS"))
        if computed != printed:
            out.append(Finding(
                "error", "ds_mismatch",
                f"Democracy Score {year} is printed {printed} but the mean of the printed "
                f"ratings is {mean.numerator}/{mean.denominator} = {computed}",
                line))
        dp = row.get("DP")
        if isinstance(dp, Decimal):
            want = percentage(m, mean, direction)
            if want != dp:
                out.append(Finding(
                    "error", "dp_mismatch",
                    f"Democracy Percentage {year} is printed {dp} but the unrounded mean gives "
                    f"{want}", report.cell_lines.get((year, "DP"))))
    if unchecked:
        out.append(Finding("info", "ds_unchecked",
                           "Democracy Score not recomputed where the copy lacks ratings: "
                           + ", ".join(map(str, unchecked)), None))
    ds, dp = report.democracy_score, report.democracy_percentage
    if ds is not None and dp is not None:
        high = m.to_direction(Fraction(ds), direction, Direction.HIGH_BEST)
        approx = (high - m.scale.min) / (m.scale.max - m.scale.min) * 100
        # DS is rounded to 0.005, so DP from it may differ by up to 0.005/6·100 ≈ 0.083.
        if abs(Fraction(dp) - approx) > Fraction(1, 10):
            out.append(Finding("error", "dp_inconsistent",
                               f"Democracy Percentage {dp} does not match Democracy Score {ds}",
                               report.score_line))
    if report.regime and ds is not None:
        band = band_by_score(m, ds, direction)
        key = regime_key(report.regime)
        if key not in _regime_names(m):
            out.append(Finding("warning", "regime_unknown",
                               f"regime {report.regime!r} is not a band of {m.name}",
                               report.regime_line))
        elif band is not None and key not in _band_names(m)[band.code]:
            out.append(Finding("error", "regime_mismatch",
                               f"regime printed as {report.regime!r} but a Democracy Score of "
                               f"{ds} on the {report.scale} scale is "
                               f"{band.label(direction)!r}", report.regime_line))


def _statements(report: Report, m: Methodology, direction: Direction,
                out: list[Finding]) -> None:
    year = report.edition
    for s in report.statements:
        if s.from_value is not None:
            expected = change_verb(m, direction, _fr(s.from_value), _fr(s.to_value))
            if s.kind != expected:
                out.append(Finding(
                    "error", "verb_mismatch",
                    f"{_name(m, s)} {s.verb!r} from {_f(s.from_value)} to {_f(s.to_value)}, "
                    f"but on the {report.scale} scale that {_as_verb(expected)}", s.line))
            if expected != "remains" and s.category not in ("DS", "DP") and \
                    len(s.justification.split()) < MIN_JUSTIFICATION_WORDS:
                out.append(Finding(
                    "warning", "change_unjustified",
                    f"{_name(m, s)} changes from {_f(s.from_value)} to {_f(s.to_value)} with no "
                    "justification paragraph", s.line))
        if year is None:
            continue
        row = report.tables.get(year, {})
        printed = row.get(s.category)
        if printed is not None and _fr(printed) != _fr(s.to_value):
            out.append(Finding(
                "error", "statement_table_mismatch",
                f"{_name(m, s)}: the sentence gives {_f(s.to_value)} for {year}, the table "
                f"prints {_f(printed)} (line {report.cell_lines.get((year, s.category))})",
                s.line))
        prev = _previous(report, year, s.category)
        if prev is not None:
            prev_year, prev_value = prev
            stated_prev = s.from_value if s.from_value is not None else s.to_value
            if _fr(prev_value) != _fr(stated_prev):
                said = "was" if s.from_value is not None else "remains at"
                out.append(Finding(
                    "error", "statement_table_mismatch",
                    f"{_name(m, s)}: the sentence says it {said} {_f(stated_prev)}, the table "
                    f"prints {_f(prev_value)} for {prev_year}", s.line))


def _previous(report: Report, year: int, code: str) -> tuple[int, Fraction | Decimal] | None:
    earlier = [y for y in report.tables if y < year and report.tables[y].get(code) is not None]
    if not earlier:
        return None
    y = max(earlier)
    value = report.tables[y][code]
    assert value is not None
    return y, value


def _changes(report: Report, m: Methodology, out: list[Finding]) -> None:
    ed = _edition(report, m)
    if ed is None:
        return
    stated = {s.category for s in report.statements}
    row = report.tables.get(ed.year, {})
    if report.statements:
        for code in ed.categories:
            prev = _previous(report, ed.year, code)
            now = row.get(code)
            if prev is not None and now is not None and _fr(prev[1]) != _fr(now) \
                    and code not in stated:
                out.append(Finding(
                    "warning", "change_without_statement",
                    f"{m.category_name(code, ed)} moves from {_f(prev[1])} ({prev[0]}) to "
                    f"{_f(now)} with no rating sentence explaining it",
                    report.cell_lines.get((ed.year, code))))
    if report.shape == "text":
        for code in ed.categories:
            if code not in stated:
                out.append(Finding("warning", "statement_missing",
                                   f"no rating sentence for {m.category_name(code, ed)}", None))


def _sections(report: Report, m: Methodology, out: list[Finding]) -> None:
    ed = _edition(report, m)
    if ed is None or not (any(s.category for s in report.sections) or report.shape == "text"):
        return
    seen = Counter(s.category for s in report.sections if s.category)
    first: dict[str, int] = {}
    for s in report.sections:
        if s.category is None:
            continue
        if s.category in first:
            out.append(Finding("warning", "section_duplicate",
                               f"a second {s.heading!r} section (the first is at line "
                               f"{first[s.category]})", s.line))
        else:
            first[s.category] = s.line
    for code in ed.categories:
        if seen[code] == 0:
            out.append(Finding("warning", "section_missing",
                               f"no {m.category_name(code, ed)!r} section heading", None))
    for s in report.sections:
        if s.category and not ed.uses(s.category):
            out.append(Finding("warning", "section_not_rated",
                               f"section {s.heading!r} is not a category of the {ed.year} "
                               "edition", s.line))


def _footnotes(report: Report, out: list[Finding]) -> None:
    listed = Counter(f.number for f in report.footnotes)
    for f in report.footnotes:
        if listed[f.number] > 1 and f is not next(x for x in report.footnotes
                                                  if x.number == f.number):
            out.append(Finding("warning", "footnote_duplicate",
                               f"footnote [{f.number}] is listed more than once", f.line))
        if not f.cited_at:
            out.append(Finding("warning", "footnote_uncited",
                               f"footnote [{f.number}] is listed but never cited", f.line))
    for number, lines in report.citations.items():
        if number not in listed:
            out.append(Finding("warning", "footnote_missing",
                               f"footnote [{number}] is cited but not listed", lines[0]))


def _database(report: Report, m: Methodology, direction: Direction, db_lookup: DbLookup,
              out: list[Finding]) -> None:
    if report.iso3 is None or report.edition is None:
        return
    ed = _edition(report, m)
    current = _db_values(db_lookup, report.iso3, report.edition, ed, m, direction)
    if current is None:
        out.append(Finding("info", "db_no_data",
                           f"the database has no ratings for {report.iso3} {report.edition}",
                           report.edition_line))
    else:
        row = report.tables.get(report.edition, {})
        for code, printed in sorted(row.items()):
            if code in ("DS", "DP") or printed is None or code not in current:
                continue
            if Fraction(printed) != current[code]:
                out.append(Finding(
                    "error", "db_mismatch",
                    f"{code} {report.edition}: the report prints {_f(printed)}, the database "
                    f"holds {_f(current[code])}", report.cell_lines.get((report.edition, code))))
        for s in report.statements:
            if s.category in current and Fraction(s.to_value) != current[s.category] and \
                    Fraction(row.get(s.category) or s.to_value) == Fraction(s.to_value):
                out.append(Finding(
                    "error", "db_mismatch",
                    f"{_name(m, s)} {report.edition}: the sentence gives {_f(s.to_value)}, the "
                    f"database holds {_f(current[s.category])}", s.line))
    prev_ed = m.previous_edition(report.edition)
    if prev_ed is None:
        return
    before = _db_values(db_lookup, report.iso3, prev_ed.year, prev_ed, m, direction)
    if not before:
        return
    for s in report.statements:
        if s.from_value is not None and s.category in before and \
                Fraction(s.from_value) != before[s.category]:
            out.append(Finding(
                "error", "db_mismatch",
                f"{_name(m, s)}: the sentence says it was {_f(s.from_value)}, the database holds "
                f"{_f(before[s.category])} for {prev_ed.year}", s.line))


def _db_values(db_lookup: DbLookup, iso3: str, year: int, ed: Edition | None, m: Methodology,
               direction: Direction) -> dict[str, Fraction] | None:
    raw = db_lookup(iso3, year)
    if raw is None:
        return None
    source = ed.direction if ed is not None else direction
    return {c.upper(): m.to_direction(Fraction(v), source, direction)
            for c, v in raw.items() if v is not None}


def _name(m: Methodology, s: Statement) -> str:
    if s.category == "DS":
        return "Democracy Score"
    return m.category_name(s.category)


def _f(value: Fraction | Decimal | None) -> str:
    if value is None:
        return "n/a"
    return fmt(Fraction(value))


def _as_verb(kind: str) -> str:
    return {"improves": "is an improvement", "deteriorates": "is a deterioration",
            "remains": "is no change"}[kind]
