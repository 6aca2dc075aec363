"""Exact scores: means of quarter points, half-up rounding, percentages, regimes, change words.

No I/O here. Every number is a :class:`~fractions.Fraction` until it is printed; rounding
happens once, half-up, to the methodology's decimals, on the edition's own published scale.

Why the scale matters: a mean of six quarter points can sit exactly on a half (27/24 =
1.125). The real 1999–2004 tables print such means rounded up on their 1-best scale (2.125
→ 2.13, 5.625 → 5.63: half-up, not half-even). Rounding 8 − 1.125 = 6.875 on the other scale
would give 6.88, not 8 − 1.13 = 6.87. So a score shown in the other direction is the printed
score mirrored exactly (8 − x), which keeps the regime the same in both directions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from demoscope.methodology import Band, Direction, Edition, Methodology
from demoscope.numbers import fmt, round_half_up

__all__ = ["Regime", "Score", "band_by_label", "band_by_percentage", "band_by_score", "change_sentence",
           "change_verb", "classify", "democracy_score", "mean", "percentage", "round_half_up"]


@dataclass(frozen=True)
class Score:
    """A computed overall score for one country and edition."""

    mean: Fraction  # exact, on ``direction``
    printed: Decimal  # rounded as the method prints it
    direction: Direction
    rated: tuple[str, ...]  # categories that entered the mean
    missing: tuple[str, ...]  # categories the edition rates but the row lacks

    @property
    def complete(self) -> bool:
        return not self.missing


def mean(ratings: Mapping[str, Fraction], m: Methodology) -> Fraction:
    """The (weighted) mean of the given ratings; NIT weights are all 1, a plain mean."""
    if not ratings:
        raise ValueError("no ratings to average")
    weights = {c: m.categories[c].weight if c in m.categories else Fraction(1) for c in ratings}
    total = sum(weights.values(), Fraction(0))
    return sum((ratings[c] * weights[c] for c in ratings), Fraction(0)) / total


def democracy_score(
    m: Methodology, edition: Edition, ratings: Mapping[str, Fraction],
    direction: Direction | None = None,
) -> Score:
    """The overall score of a row of ratings given on ``edition``'s own scale.

    Only categories the edition tracks enter the mean (method: "the plain average of the
    ratings of the categories tracked in that edition"). ``direction`` picks the scale the
    result is expressed on (default: the edition's own).
    """
    target = direction or edition.direction
    used = {c: v for c, v in ratings.items() if edition.uses(c) and v is not None}
    missing = tuple(c for c in edition.categories if c not in used)
    exact = mean(used, m)
    printed = round_half_up(exact, m.score.decimals)  # once, on the published scale
    if target is not edition.direction:
        exact = m.scale.convert(exact)
        printed = round_half_up(m.scale.min + m.scale.max - Fraction(printed), m.score.decimals)
    return Score(exact, printed, target, tuple(c for c in edition.categories if c in used), missing)


def percentage(m: Methodology, exact_mean: Fraction, direction: Direction) -> Decimal:
    """Democracy Percentage from the UNROUNDED mean: (mean on high-best − min)/(max − min)·100.

    Method: DP = (DS₇ − 1) / 6 × 100 where DS₇ is the unrounded mean on the 7-best scale
    (Kazakhstan 2020: 9.25/7 → 5.36, whereas the rounded 1.32 would give 5.33).
    """
    s = m.scale
    high = s.to_direction(exact_mean, direction, Direction.HIGH_BEST)
    decimals = m.percentage.decimals if m.percentage else 2
    return round_half_up((high - s.min) / (s.max - s.min) * 100, decimals)


@dataclass(frozen=True)
class Regime:
    """A regime classification and how it was decided."""

    band: Band
    name: str  # the label used on the requested direction
    rule: str  # "score" (published DS bands) or "percentage"
    percentage_band: Band | None  # what the percentage ranges say, when computable
    agrees: bool  # whether both rules give the same band

    @property
    def code(self) -> str:
        return self.band.code


def band_by_score(m: Methodology, printed: Decimal | Fraction, direction: Direction) -> Band | None:
    """The band whose inclusive range on ``direction`` holds the printed two-decimal score."""
    value = Fraction(printed) if isinstance(printed, Decimal) else printed
    for band in m.bands:
        found = band.ranges.get(direction)
        if found is not None and found[0] <= value <= found[1]:
            return band
    return None


def band_by_percentage(m: Methodology, dp: Decimal | Fraction) -> Band | None:
    """The band whose percentage range holds ``dp``. The site states integer ranges (68–100,
    51–67, ...), so the percentage is rounded half-up to a whole number first: 17.86 counts as
    18 (the lower edge of the next band), 66.83 as 67."""
    value = Fraction(round_half_up(Fraction(dp) if isinstance(dp, Decimal) else dp, 0))
    for band in m.bands:
        if band.percentage and band.percentage[0] <= value <= band.percentage[1]:
            return band
    return None


def classify(m: Methodology, score: Score) -> Regime | None:
    """Regime type by the published score bands, with the percentage rule as a cross-check.

    The score bands decide (they are the published rule for every edition); the percentage
    ranges of the 2020+ site are reported beside them so an edge case (DS 5.01 → DP 66.8) is
    visible rather than silently resolved.
    """
    band = band_by_score(m, score.printed, score.direction)
    if band is None:
        return None
    pct_band = band_by_percentage(m, percentage(m, score.mean, score.direction)) if any(
        b.percentage for b in m.bands) else None
    return Regime(band, band.label(score.direction), "score", pct_band,
                  pct_band is None or pct_band.code == band.code)


# -- change wording --------------------------------------------------------------------------


def change_verb(m: Methodology, direction: Direction, old: Fraction, new: Fraction) -> str:
    """"improves", "deteriorates" or "remains", read on the scale the values are given on."""
    if old == new:
        return "remains"
    better = new < old if direction is Direction.LOW_BEST else new > old
    return "improves" if better else "deteriorates"


def change_sentence(
    country: str, category_name: str, old: Fraction | None, new: Fraction, verb: str
) -> str:
    """The closing sentence of a category paragraph in the reports' own wording.

    "Kazakhstan's rating for civil society improves from 5.75 to 5.50." /
    "Kazakhstan's rating for civil society remains at 6.75."
    """
    what = f"{country}'s rating for {category_name.lower()}"
    if verb == "remains" or old is None:
        return f"{what} remains at {fmt(new)}."
    return f"{what} {verb} from {fmt(old)} to {fmt(new)}."


def band_by_label(m: Methodology, label: str) -> Band | None:
    """The band a printed regime label names, compared loosely (case, spacing, hyphens, and the
    "Government" that some editions put in "Transitional Government or Hybrid Regime")."""
    key = _label_key(label)
    for band in m.bands:
        if key in {_label_key(n) for n in (band.name, *band.names.values())}:
            return band
    return None


def _label_key(text: str) -> str:
    letters = "".join(ch for ch in text.lower() if "a" <= ch <= "z" or ch == " ")
    return "".join(w for w in letters.split() if w != "government")


def uncompared_sentence(country: str, category_name: str, new: Fraction,
                        previous_label: str | None) -> str:
    """The closing sentence of a category paragraph when there is nothing to compare with:
    the country's first rated edition, or a category the previous edition did not rate for
    it (GOV before the 2005 split, a gap in the data). It must not say "remains": nothing
    remained.

    "Kosovo's first rating for civil society is 4.00." /
    "Albania's rating for local democratic governance is 3.25 (no rating in the 2004 edition
    to compare with)."
    """
    cat = category_name.lower()
    if previous_label is None:
        return f"{country}'s first rating for {cat} is {fmt(new)}."
    return (f"{country}'s rating for {cat} is {fmt(new)} (no rating in the {previous_label} "
            "edition to compare with).")
