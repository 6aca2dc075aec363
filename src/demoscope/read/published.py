"""Published headline values and reconstructed rows, as the answers show them: always in a key
of their own, never mixed into ``ratings`` or the computed ``democracy_score``.

Why apart: a program that reads ``ratings`` of a scorecard, a series or an export must only
ever get values a source printed (or a user entered). A headline (score, percentage and regime
as a country page prints them, with no category ratings) is marked as published; a
reconstructed row (rebuilt from an earlier full row and the changes printed since, see
:mod:`demoscope.reconstruction`) carries its provenance ("reconstructed from 2018 + changes
printed in 2019").
"""

from __future__ import annotations

from fractions import Fraction

from typing_extensions import TypedDict

from demoscope.methodology import Direction, Edition, Methodology
from demoscope.numbers import num
from demoscope.scoring import classify, democracy_score, percentage
from demoscope.store.reads import Headline, PrintedChange, Published, Reconstructed

#: A "Score changes" bullet as printed, on the answer's direction.
PrintedChangeOut = TypedDict("PrintedChangeOut", {"category": str, "from": float | None,
                                                  "to": float})


class PublishedHeadline(TypedDict):
    """The headline a country page prints for the edition, marked as published: values as
    printed, converted to the answer's direction (the percentage has no direction)."""

    kind: str  # always "published headline"
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None  # the label as printed
    printed_scale: str | None  # the scale the page prints on
    printed_democracy_score: float | None  # the score as the page prints it (on printed_scale)
    change_list: str  # "listed", "none" (the page says so) or "unknown" (no or a cut list)
    changes: list[PrintedChangeOut]
    source_url: str | None


class ReconstructedRow(TypedDict):
    """A full row no source prints, reconstructed and checked against the printed score."""

    kind: str  # always "reconstructed"
    provenance: str  # "reconstructed from 2018 + changes printed in 2019"
    base_edition: int
    ratings: dict[str, float]
    democracy_score: float
    democracy_percentage: float
    regime: str | None


def headline_out(m: Methodology, ed: Edition, target: Direction, head: Headline | None,
                 scores: dict[str, Published], changes: list[PrintedChange]
                 ) -> PublishedHeadline | None:
    """The published headline of one country-edition (None when no page headline is stored)."""
    if head is None:
        return None
    ds = scores.get(m.score.code)
    dp = scores.get(m.percentage.code) if m.percentage else None
    printed = m.scale.parse_direction(head.printed_direction) if head.printed_direction else None
    as_printed = (m.to_direction(ds.value, ed.direction, printed)
                  if ds is not None and printed is not None else None)
    return {
        "kind": "published headline",
        "democracy_score": num(m.to_direction(ds.value, ed.direction, target)) if ds else None,
        "democracy_percentage": num(dp.value) if dp else None,
        "regime": head.regime,
        "printed_scale": m.direction_label(printed) if printed else None,
        "printed_democracy_score": num(as_printed),
        "change_list": head.change_list,
        "changes": [{"category": c.code,
                     "from": num(m.to_direction(c.before, ed.direction, target))
                     if c.before is not None else None,
                     "to": num(m.to_direction(c.after, ed.direction, target))} for c in changes],
        "source_url": head.source_url,
    }


def reconstructed_out(m: Methodology, ed: Edition, target: Direction,
                      rec: Reconstructed | None) -> ReconstructedRow | None:
    """A reconstructed row on ``target`` with its computed score, percentage and regime."""
    if rec is None:
        return None
    score = democracy_score(m, ed, rec.values, target)
    regime = classify(m, score)
    return {
        "kind": "reconstructed",
        "provenance": rec.provenance,
        "base_edition": rec.base_edition,
        "ratings": {c: num(m.to_direction(rec.values[c], ed.direction, target))
                    for c in ed.categories if c in rec.values},
        "democracy_score": num(Fraction(score.printed)),
        "democracy_percentage": num(Fraction(percentage(m, score.mean, target))),
        "regime": regime.band.label(target) if regime else None,
    }
