"""What the database holds for each country-edition: its **status**, for coverage grids and for
every answer that must say what kind of values it shows.

One status per country-edition, decided in one place (:func:`status_of`):

* ``complete`` — a stored rating for every category the edition rates (printed in a source
  table, imported from a report, or entered): the score is computed from them;
* ``reconstructed`` — no complete stored row, but a full row reconstructed from an earlier full
  row and the changes printed since, accepted because it reproduces the printed Democracy
  Score (and Percentage). Its values are never printed by any source; every face flags them;
* ``partial`` — some stored ratings, not all, and no reconstruction;
* ``headline-only`` — no rating, only a published headline (score, percentage, regime as a
  country page prints them);
* ``none`` — nothing.

A ``complete`` or ``partial`` country-edition may also have a headline (``headline: true``).
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.methodology import Edition, Methodology
from demoscope.store import reads
from demoscope.store.reads import CoverageCounts, Reader

Status = Literal["complete", "reconstructed", "partial", "headline-only", "none"]
#: Every status, from the most to the least a country-edition can hold.
STATUSES: tuple[Status, ...] = ("complete", "reconstructed", "partial", "headline-only", "none")


def status_of(ed: Edition, counts: CoverageCounts | None) -> Status:
    """The status of one country-edition from what is stored for it (see the module doc)."""
    if counts is None:
        return "none"
    if counts.ratings >= len(ed.categories):
        return "complete"
    if counts.reconstructed:
        return "reconstructed"
    if counts.ratings:
        return "partial"
    return "headline-only" if counts.headline else "none"


class CoverageCell(TypedDict):
    """One country-edition of the grid."""

    status: Status
    ratings: int  # stored ratings (printed, imported or entered)
    categories: int  # categories the edition rates
    headline: bool  # a published headline (score, percentage, regime of a page) is stored


class CountryCoverage(TypedDict):
    iso3: str
    country: str
    region: str
    editions: dict[str, CoverageCell]  # every edition of the methodology, by year


class Coverage(TypedDict):
    """``GET /api/v1/coverage`` and ``demoscope coverage --json``: the status of every
    country-edition, and how many country-editions have each status."""

    statuses: list[str]
    editions: list[int]
    countries: list[CountryCoverage]
    counts: dict[str, int]


def coverage(read: Reader, m: Methodology) -> Coverage:
    """The status of every country the database knows in every edition of ``m``."""
    held = reads.coverage_counts(read, m.code)
    reg = registry()
    years = sorted(m.editions)
    counts: dict[str, int] = {s: 0 for s in STATUSES}
    out: list[CountryCoverage] = []
    for iso3 in reads.country_codes(read):
        c = reg.find(iso3)
        cells: dict[str, CoverageCell] = {}
        for y in years:
            ed = m.editions[y]
            got = held.get((iso3, y))
            status = status_of(ed, got)
            counts[status] += 1
            cells[str(y)] = {"status": status, "ratings": got.ratings if got else 0,
                             "categories": len(ed.categories),
                             "headline": bool(got and got.headline)}
        out.append({"iso3": iso3, "country": c.name if c else iso3,
                    "region": c.region if c else "", "editions": cells})
    out.sort(key=lambda r: r["country"])
    return {"statuses": list(STATUSES), "editions": years, "countries": out, "counts": counts}


def country_statuses(read: Reader, m: Methodology, iso3: str) -> dict[int, Status]:
    """``{year: status}`` of one country's editions that hold anything."""
    held = reads.coverage_counts(read, m.code, iso3)
    return {y: status_of(m.edition(y), got) for (_i, y), got in sorted(held.items())
            if y in m.editions}
