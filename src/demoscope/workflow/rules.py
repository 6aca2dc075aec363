"""The rules an edition must meet before it is published (pure: facts in, what is missing out).

Method (Nations in Transit): the published ratings are the consensus; every change from the
previous edition is explained in the report; and a large move is not made lightly. So, for
every country and every category the edition rates:

* ``consensus`` — a consensus value is set;
* ``justification`` — a consensus that differs from the previous edition has a justification;
* ``confirmation`` — a change larger than :data:`LARGE_CHANGE` carries an editor's explicit
  confirmation (of that value: a confirmation of another value does not count);
* ``regime_confirmation`` — a consensus that moves the country's score across a regime band
  carries an editor's confirmation of the new score (reported under the score's code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from demoscope.methodology import Edition, Methodology
from demoscope.scoring import band_by_score, democracy_score

#: A change larger than this in one edition needs an editor's confirmation.
LARGE_CHANGE = Fraction(1, 2)

#: ``ratings.source`` of values published by the workflow, and of corrections of them.
SOURCE_CONSENSUS = "consensus"
SOURCE_CORRECTION = "correction"

RULES = ("consensus", "justification", "confirmation", "regime_confirmation")


@dataclass(frozen=True)
class CellFacts:
    """One category of one country: the values on the edition's own scale."""

    previous: Fraction | None
    consensus: Fraction | None
    justification: str | None
    confirmed: Fraction | None = None  # the value an editor confirmed, if any


@dataclass(frozen=True)
class CountryFacts:
    iso3: str
    cells: Mapping[str, CellFacts]
    score_confirmed: Fraction | None = None  # the printed score an editor confirmed


@dataclass(frozen=True)
class Missing:
    iso3: str
    category: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        return {"iso3": self.iso3, "category": self.category, "rule": self.rule}


def is_large(previous: Fraction | None, value: Fraction) -> bool:
    """Whether a change from ``previous`` needs an editor's confirmation (> LARGE_CHANGE)."""
    return previous is not None and abs(value - previous) > LARGE_CHANGE


def band_crossing(m: Methodology, ed: Edition, country: CountryFacts) -> tuple[str, str] | None:
    """``(old band, new band)`` when the consensus moves the score across a regime band
    (both rows complete), else None."""
    prev = {c: f.previous for c, f in country.cells.items() if f.previous is not None}
    new = {c: f.consensus for c, f in country.cells.items() if f.consensus is not None}
    if not prev or not new:
        return None
    before, after = democracy_score(m, ed, prev), democracy_score(m, ed, new)
    if not (before.complete and after.complete):
        return None
    b0, b1 = band_by_score(m, before.printed, ed.direction), band_by_score(m, after.printed, ed.direction)
    if b0 is None or b1 is None or b0.code == b1.code:
        return None
    return b0.code, b1.code


def new_score(m: Methodology, ed: Edition, country: CountryFacts) -> Fraction | None:
    """The printed score of the consensus row (None while incomplete)."""
    new = {c: f.consensus for c, f in country.cells.items() if f.consensus is not None}
    if not new:
        return None
    s = democracy_score(m, ed, new)
    return Fraction(s.printed) if s.complete else None


def missing(m: Methodology, ed: Edition, countries: list[CountryFacts]) -> list[Missing]:
    """Everything that stops publication, by country (as given) and category (edition order)."""
    out: list[Missing] = []
    for country in countries:
        for cat in ed.categories:
            cell = country.cells.get(cat, CellFacts(None, None, None))
            if cell.consensus is None:
                out.append(Missing(country.iso3, cat, "consensus"))
                continue
            changed = cell.previous is not None and cell.consensus != cell.previous
            if changed and not (cell.justification or "").strip():
                out.append(Missing(country.iso3, cat, "justification"))
            if is_large(cell.previous, cell.consensus) and cell.confirmed != cell.consensus:
                out.append(Missing(country.iso3, cat, "confirmation"))
        crossed = band_crossing(m, ed, country) is not None
        if crossed and country.score_confirmed != new_score(m, ed, country):
            out.append(Missing(country.iso3, m.score.code, "regime_confirmation"))
    return out
