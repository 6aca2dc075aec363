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


# -- what the readers' site says about coverage (issue 14) ------------------------------------

#: What each status means, in words for readers (the pages' legends and the codebook).
STATUS_TEXT: dict[str, str] = {
    "complete": "every category the edition rated is in the dataset",
    "reconstructed": "the categories were rebuilt from an earlier row and the changes the "
                     "edition printed; checked against the printed score",
    "partial": "some categories are missing from the dataset; the printed score is shown "
               "where the dataset has it",
    "headline-only": "only the printed headline (score, percentage, regime) is in the dataset, "
                     "no category",
    "none": "nothing in the dataset",
}

#: Flags on a row: values that demoscope derived instead of reading them from a publication.
Flag = Literal["score_published", "percentage_derived", "regime_derived", "reconstructed"]
FLAG_TEXT: dict[str, str] = {
    "score_published": "the overall score is the printed one: the dataset lacks categories to "
                       "compute it",
    "percentage_derived": "percentage computed by demoscope: the edition did not publish one",
    "regime_derived": "regime type assigned by demoscope from the score bands, not printed "
                      "in the dataset's source",
    "reconstructed": "category ratings reconstructed from an earlier row and printed changes",
}

#: The mark the pages print where the dataset lacks a value the edition did rate (``n/a``
#: stays for categories the edition did not rate at all).
MISSING_MARK = "–"


def percentage_derived(m: Methodology, ed: Edition) -> bool:
    """Whether a percentage shown for this edition is demoscope's, not the publisher's."""
    intro = m.percentage.introduced if m.percentage else None
    return intro is not None and ed.year < intro


class EditionCoverage(TypedDict):
    """How much of one edition the dataset holds, and the sentence the pages print."""

    edition: int
    label: str
    rated: int | None
    in_dataset: int
    complete: int
    reconstructed: int
    partial: int
    headline_only: int
    sentence: str


def coverage_sentence(m: Methodology, ed: Edition, in_dataset: int, rated: int | None,
                      partial: int = 0, headline: int = 0, rebuilt: int = 0) -> str:
    """"8 of the 29 countries rated in Nations in Transit 2018 are in this dataset." (and what
    is incomplete)."""
    name = f"{m.name} {ed.label}"
    verb = "is" if in_dataset == 1 else "are"
    if rated is not None:
        text = f"{in_dataset} of the {rated} countries rated in {name} {verb} in this dataset"
    else:
        text = (f"{in_dataset} {'country' if in_dataset == 1 else 'countries'} of {name} {verb} "
                "in this dataset (how many the edition rated is not recorded)")
    extra = []
    if rebuilt:
        extra.append(f"{rebuilt} with categories reconstructed from printed changes")
    if partial:
        extra.append(f"{partial} with some categories missing")
    if headline:
        extra.append(f"{headline} with the printed headline only")
    return text + (f"; {', '.join(extra)}" if extra else "") + "."


def edition_coverage(m: Methodology, ed: Edition, statuses: dict[str, Status]) -> EditionCoverage:
    """The coverage of one edition from the statuses of its countries."""
    count = {s: sum(1 for v in statuses.values() if v == s) for s in STATUSES}
    in_dataset = sum(n for s, n in count.items() if s != "none")
    rated = m.countries_rated(ed.year)
    return {"edition": ed.year, "label": ed.label, "rated": rated, "in_dataset": in_dataset,
            "complete": count["complete"], "reconstructed": count["reconstructed"],
            "partial": count["partial"], "headline_only": count["headline-only"],
            "sentence": coverage_sentence(m, ed, in_dataset, rated, count["partial"],
                                          count["headline-only"], count["reconstructed"])}


def edition_statuses(read: Reader, m: Methodology, year: int) -> dict[str, Status]:
    """``{iso3: status}`` of the countries one edition holds anything of."""
    ed = m.edition(year)
    return {iso3: status_of(ed, got) for (iso3, y), got in reads.coverage_counts(read, m.code).items()
            if y == ed.year and status_of(ed, got) != "none"}


class GridRow(TypedDict):
    iso3: str
    country: str
    statuses: dict[int, Status]


class CoverageGrid(TypedDict):
    """Countries × editions for the home page: the status of every cell and each edition's
    coverage (the API's :class:`Coverage` holds the same statuses with their counts)."""

    editions: list[int]
    labels: dict[int, str]
    countries: list[GridRow]
    editions_coverage: list[EditionCoverage]
    legend: dict[str, str]


def coverage_grid(read: Reader, m: Methodology) -> CoverageGrid:
    """Every country × every edition of the methodology with the status of each cell (from
    :func:`coverage`) and each edition's coverage."""
    cov = coverage(read, m)
    countries: list[GridRow] = [
        {"iso3": c["iso3"], "country": c["country"],
         "statuses": {y: c["editions"][str(y)]["status"] for y in cov["editions"]}}
        for c in cov["countries"]]
    per_edition = {y: {r["iso3"]: r["statuses"][y] for r in countries} for y in cov["editions"]}
    return {"editions": cov["editions"], "labels": {y: m.editions[y].label for y in cov["editions"]},
            "countries": countries,
            "editions_coverage": [edition_coverage(m, m.editions[y], per_edition[y])
                                  for y in cov["editions"]],
            "legend": dict(STATUS_TEXT)}
