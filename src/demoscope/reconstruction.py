"""Rebuilding full category rows that no source prints, from a full row and printed changes.

The pages of the 2018–2024 site print a country's headline (Democracy Score, Democracy
Percentage, regime) and a list of the score changes against the previous edition, but not the
seven category ratings. A country's last full row plus the changes each following edition
prints gives that edition's row — if the chain holds. This module decides whether it does; it
has no I/O (the services feed it from the store and store what it accepts).

A row is **accepted** only when every piece of evidence agrees:

* each printed change starts from the value the chain holds ("from 3.50" where the row says
  3.50), and names a category the edition rates;
* the edition's list of changes is known to be whole: ``listed`` (the copy shows its bullets
  and nothing says it was cut) or ``none`` (the page says it has no score changes). A copy
  that shows no bullet, or ends inside the list, is ``unknown`` and **ends the chain**: a cut
  copy may have dropped two changes that cancel out in the mean (+0.25 in one category,
  −0.25 in another), which neither the Democracy Score nor the Percentage would reveal;
* the row's computed Democracy Score (exact mean, half up, on the edition's own scale) equals
  the printed one (the headline, or failing it the score's own change bullet);
* the computed Democracy Percentage equals the printed one when the page prints one (it comes
  from the unrounded mean, so it pins the sum of the ratings exactly).

Anything else is a :class:`ChainNote` and no row: the chain stops at the first edition it
cannot reproduce, since every later row would rest on it. Values are always on each edition's
own scale; a chain that crosses a change of direction (NIT's 2020 inversion) mirrors the row
(``8 − x``) before applying the next edition's changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from demoscope.methodology import Methodology
from demoscope.numbers import fmt
from demoscope.scoring import democracy_score, percentage

ChangeList = Literal["listed", "none", "unknown"]
CHANGE_LISTS: tuple[ChangeList, ...] = ("listed", "none", "unknown")


@dataclass(frozen=True)
class PrintedChange:
    """One "Score changes" bullet, on the edition's own scale (``before`` None: not printed)."""

    code: str
    before: Fraction | None
    after: Fraction


@dataclass(frozen=True)
class Evidence:
    """What one edition prints for a country without a full row."""

    year: int
    changes: tuple[PrintedChange, ...] = ()
    change_list: ChangeList = "unknown"
    score: Fraction | None = None  # printed Democracy Score, edition's own scale
    percentage: Fraction | None = None  # printed Democracy Percentage


@dataclass(frozen=True)
class Row:
    """An accepted reconstructed row: ``values`` on the edition's own scale."""

    year: int
    values: dict[str, Fraction]
    base: int  # the edition of the full row the chain starts from
    via: tuple[int, ...]  # editions whose printed changes were applied, in order
    score: Decimal
    percentage: Decimal | None  # computed from the unrounded mean

    @property
    def provenance(self) -> str:
        """"reconstructed from 2018 + changes printed in 2019" (and 2020, ... for longer
        chains): what every face shows beside a reconstructed value."""
        return provenance(self.base, self.via)


def provenance(base: int, via: tuple[int, ...]) -> str:
    years = [str(y) for y in via]
    listed = years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]
    return f"reconstructed from {base} + changes printed in {listed}"


@dataclass(frozen=True)
class ChainNote:
    """Why a chain stopped (or something it noticed): ``year`` is the edition concerned."""

    year: int
    severity: Literal["warning", "info"]
    code: str
    message: str


@dataclass
class Chain:
    rows: list[Row] = field(default_factory=list)
    notes: list[ChainNote] = field(default_factory=list)


def reconstruct(m: Methodology, base_year: int, base: Mapping[str, Fraction],
                evidence: Mapping[int, Evidence]) -> Chain:
    """Rows for the editions after ``base_year`` that ``evidence`` covers, in order, as long as
    the chain holds (see the module doc). ``base`` is a complete row on ``base_year``'s own
    scale; ``evidence`` is keyed by edition year (editions with a printed full row must not be
    in it: a new chain starts there)."""
    out = Chain()
    years = sorted(m.editions)
    ed = m.edition(base_year)
    row = {c: Fraction(v) for c, v in base.items() if ed.uses(c)}
    if any(c not in row for c in ed.categories):
        return out
    via: list[int] = []
    for year in years[years.index(base_year) + 1:]:
        ev = evidence.get(year)
        if ev is None:
            break
        new_ed = m.edition(year)

        def stop(code: str, message: str, severity: Literal["warning", "info"] = "warning",
                 year: int = year) -> Chain:
            out.notes.append(ChainNote(year, severity, code, message))
            return out

        if set(new_ed.categories) != set(ed.categories):
            return stop("chain_categories_changed",
                        f"the {year} edition rates other categories than {ed.year} "
                        f"({', '.join(new_ed.categories)}); no row is carried across")
        if ev.change_list == "unknown":
            return stop("chain_changes_unknown",
                        f"the {year} copy shows no complete list of score changes (no bullet, "
                        "or a copy cut inside the list): an unlisted change cannot be ruled "
                        f"out, so no {year} row is reconstructed", "info")
        carried = {c: m.to_direction(v, ed.direction, new_ed.direction) for c, v in row.items()}
        prev_printed = Fraction(democracy_score(m, ed, row, new_ed.direction).printed)
        applied = dict(carried)
        for ch in ev.changes:
            if ch.code == m.score.code:
                if ch.before is not None and ch.before != prev_printed:
                    return stop("chain_score_from_mismatch",
                                f"the {year} {m.score.name} change starts from "
                                f"{fmt(ch.before)}, but the chain's {ed.year} row gives "
                                f"{fmt(prev_printed)}")
                continue
            if not new_ed.uses(ch.code):
                return stop("chain_unknown_category",
                            f"the {year} changes name {ch.code}, which the edition does not rate")
            if ch.before is not None and ch.before != carried[ch.code]:
                return stop("chain_from_mismatch",
                            f"the {year} change of {m.category_name(ch.code, new_ed)} starts "
                            f"from {fmt(ch.before)}, but the chain's {ed.year} row holds "
                            f"{fmt(carried[ch.code])}")
            applied[ch.code] = ch.after
        printed = ev.score
        bullet = next((c for c in ev.changes if c.code == m.score.code), None)
        if printed is None and bullet is not None:
            printed = bullet.after
        elif printed is not None and bullet is not None and bullet.after != printed:
            return stop("chain_score_bullet_mismatch",
                        f"the {year} page prints {m.score.name} {fmt(printed)} but its change "
                        f"bullet ends at {fmt(bullet.after)}")
        if printed is None:
            return stop("chain_no_printed_score",
                        f"the {year} copy prints no {m.score.name}: nothing to check a "
                        "reconstructed row against")
        score = democracy_score(m, new_ed, applied)
        if Fraction(score.printed) != printed:
            return stop("chain_score_mismatch",
                        f"{ed.year} + the changes printed in {year} give {m.score.name} "
                        f"{score.printed}, but {year} prints {fmt(printed)}: refused (a change "
                        "is missing from the copy or misprinted)")
        pct = percentage(m, score.mean, new_ed.direction) if m.percentage else None
        if ev.percentage is not None and pct is not None and Fraction(pct) != ev.percentage:
            name = m.percentage.name if m.percentage else "percentage"
            return stop("chain_percentage_mismatch",
                        f"{ed.year} + the changes printed in {year} give {name} {pct}, but "
                        f"{year} prints {fmt(ev.percentage)}: refused")
        via.append(year)
        out.rows.append(Row(year, applied, base_year, tuple(via), score.printed, pct))
        row, ed = applied, new_ed
    return out
