"""One edition, all countries: the overview table, its regional averages, and rankings.

Why here and not in the web layer: the edition overview and a category ranking are questions
about the data, answered with the same exact arithmetic as the scorecard; the API serves the
:class:`EditionOverview` as JSON and the edition page renders the same object.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.errors import InvalidRating, NotFound
from demoscope.methodology import Band, Direction, Edition, Methodology, year_ranges
from demoscope.numbers import num
from demoscope.read.coverage import (
    EditionCoverage,
    Flag,
    Status,
    edition_coverage,
    percentage_derived,
    status_of,
)
from demoscope.read.published import ReconstructedRow, reconstructed_out
from demoscope.read.scorecard import Verb
from demoscope.scoring import (
    Regime,
    Score,
    band_by_score,
    change_verb,
    classify,
    democracy_score,
    percentage,
)
from demoscope.store import reads
from demoscope.store.reads import Reader


class OverviewRow(TypedDict):
    """One country in an edition overview (values on the overview's direction)."""

    country: str
    iso3: str
    region: str
    ratings: dict[str, float | None]
    changes: dict[str, Verb]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    regime_code: str | None
    colour: str | None
    democracy_score_change: Verb | None
    previous_edition: int | None
    #: complete / reconstructed / partial / headline-only (see :mod:`demoscope.read.coverage`)
    status: Status
    #: categories the edition rated that the dataset lacks for this country
    missing: list[str]
    #: the printed overall score (on the overview's direction), where the dataset has it
    published_democracy_score: float | None
    #: values demoscope derived: score_published, percentage_derived, regime_derived, ...
    flags: list[Flag]
    #: the reconstructed row (its ratings are not in ``ratings``), or None
    reconstructed: ReconstructedRow | None


class EditionOverview(TypedDict):
    """Every country of one edition, with regional averages (``GET /api/v1/editions/{year}``).
    An edition the dataset holds nothing of has no countries and says so in ``coverage``."""

    edition: int
    label: str
    direction: str
    previous_edition: int | None
    categories: list[str]
    countries: list[OverviewRow]
    regional_averages: dict[str, dict[str, float | None]]
    #: how many countries each regional average is the mean of, per column
    regional_counts: dict[str, dict[str, int]]
    coverage: EditionCoverage


class Rank(TypedDict):
    rank: int
    country: str
    iso3: str
    value: float
    regime: str | None
    colour: str | None
    #: the value is the printed score (the dataset lacks categories to compute it)
    published: bool


class Ranking(TypedDict):
    """A ranking with what it is among: "rank 3 among the 8 shown"."""

    edition: int
    label: str
    category: str
    direction: str
    shown: int
    coverage: EditionCoverage
    ranks: list[Rank]


def latest_edition(read: Reader, m: Methodology) -> int:
    """The latest edition with any rating (the site's home page shows it)."""
    years = reads.editions_with_data(read, m.code)
    if not years:
        raise NotFound("the database holds no ratings yet: run 'demoscope db init'")
    return years[-1]


def score_code(m: Methodology, text: str, edition: Edition | None = None) -> str:
    """The score code (``DS``) or a category code from user input; with an ``edition``, the
    category must be one that edition rates (GOV before 2005, NDG/LDG from 2005)."""
    code = text.strip().upper()
    if code == m.score.code:
        return code
    code = m.resolve_category(text)
    if edition is not None and not edition.uses(code):
        raise InvalidRating(
            f"the {edition.label} edition does not rate {code} ({m.category_name(code)}); "
            f"it rates: {', '.join(edition.categories)}", field="category")
    return code


def scored(m: Methodology, ed: Edition, values: dict[str, Fraction], target: Direction
           ) -> tuple[Score, Fraction, Regime | None] | None:
    """Score, percentage and regime of a complete row (None for an incomplete one)."""
    score = democracy_score(m, ed, values, target)
    if not score.complete:
        return None
    return score, Fraction(percentage(m, score.mean, target)), classify(m, score)


def edition_overview(read: Reader, m: Methodology, year: int,
                     direction: Direction | None = None) -> EditionOverview:
    """All countries of one edition: ratings, score, regime, change arrows against each
    country's previous edition with data, and regional averages (exact means, shown to 2
    decimals, with how many countries each averages).

    Regions are those the edition's own overview tables use (``countries.toml``: Croatia moves
    to the New EU Members with its 2013 accession). A country whose categories are incomplete
    keeps its printed score (``published_democracy_score``) and the regime derived from it; an
    edition the dataset holds nothing of has no rows and a coverage sentence saying so. Regime
    names are those of the edition's own era, whatever the direction shown. An edition a team
    continues past the publisher's last (``Edition.continued``) is :class:`NotFound` until it
    holds values: its drafts are not public."""
    ed = m.edition(year)
    target = direction or ed.direction
    by_year = reads.edition_rows(read, m.code, ed.year)  # earlier editions give the change arrows
    current = by_year.get(ed.year, {})
    printed = {i: {c: p.value for c, p in per.items()} for (i, _y), per in
               reads.published_scores(read, m.code, None, ed.year).items()}
    heads = {i: h for (i, _y), h in reads.headlines(read, m.code, None, ed.year).items()}
    rebuilt = {i: r for (i, _y), r in reads.reconstructed(read, m.code, None, ed.year).items()}
    counts = {i: c for (i, y), c in reads.coverage_counts(read, m.code).items() if y == ed.year}
    earlier = [y for y in by_year if y < ed.year]
    reg = registry()
    rows: list[tuple[OverviewRow, dict[str, Fraction | None]]] = []
    statuses: dict[str, Status] = {}
    for iso3 in sorted(set(current) | set(printed) | set(rebuilt)):
        values = current.get(iso3, {})
        pub = printed.get(iso3, {})
        status = statuses[iso3] = status_of(ed, counts.get(iso3))
        rec = reconstructed_out(m, ed, target, rebuilt.get(iso3)) if status == "reconstructed" else None
        printed_regime = heads[iso3].regime if iso3 in heads else None
        prev_year = next((y for y in reversed(earlier) if iso3 in by_year[y]), None)
        before = by_year[prev_year][iso3] if prev_year else {}
        prev_ed = m.edition(prev_year) if prev_year else None
        exact: dict[str, Fraction | None] = {}
        changes: dict[str, Verb] = {}
        for cat in ed.categories:
            v = values.get(cat)
            conv = m.to_direction(v, ed.direction, target) if v is not None else None
            exact[cat] = conv
            if conv is not None and cat in before and prev_ed is not None:
                old = m.to_direction(before[cat], prev_ed.direction, target)
                changes[cat] = change_verb(m, target, old, conv)  # type: ignore[assignment]
        got = scored(m, ed, values, target) if values else None
        ds_change: Verb | None = None
        if got is not None and prev_ed is not None and before:
            prev_score = democracy_score(m, prev_ed, before, target)
            if prev_score.complete:
                ds_change = change_verb(m, target, Fraction(prev_score.printed),  # type: ignore[assignment]
                                        Fraction(got[0].printed))
        pub_ds = (m.to_direction(pub[m.score.code], ed.direction, target)
                  if m.score.code in pub else None)
        flags: list[Flag] = []
        ds = Fraction(got[0].printed) if got else None
        regime = got[2].band if got and got[2] else None
        if rec is not None:
            flags.append("reconstructed")
            for cat, rv in rec["ratings"].items():
                if exact.get(cat) is None:
                    exact[cat] = Fraction(str(rv))
            regime = band_by_score(m, Fraction(str(rec["democracy_score"])), target)
        elif got is None and pub_ds is not None:
            flags.append("score_published")
            regime = band_by_score(m, pub_ds, target)
        shown = (ds if ds is not None else Fraction(str(rec["democracy_score"])) if rec
                 else pub_ds)
        exact[m.score.code] = shown
        if regime is not None and not printed_regime:
            flags.append("regime_derived")
        if got is not None and percentage_derived(m, ed):
            flags.append("percentage_derived")
        c = reg.find(iso3)
        rows.append(({
            "country": c.name_in(ed.year) if c else iso3,
            "iso3": iso3,
            "region": c.region_in(ed.year)[0] if c else "",
            "ratings": {cat: num(exact[cat]) for cat in ed.categories},
            "changes": changes,
            "democracy_score": num(ds),
            "democracy_percentage": num(got[1]) if got else None,
            "regime": (printed_regime if printed_regime and got is None
                       else regime.label(ed.direction) if regime else None),
            "regime_code": regime.code if regime else None,
            "colour": regime.colour if regime else None,
            "democracy_score_change": ds_change,
            "previous_edition": prev_year,
            "status": status,
            "missing": [cat for cat in ed.categories if cat not in values],
            "published_democracy_score": num(pub_ds),
            "flags": flags,
            "reconstructed": rec,
        }, exact))
    if not rows and ed.continued:  # an edition a team opened: public once it has values
        have = reads.editions_with_data(read, m.code)
        raise NotFound(f"no ratings in the {ed.label} edition"
                       + (f" (editions with data: {year_ranges(have)})" if have else ""),
                       field="edition")
    rows.sort(key=lambda r: r[0]["country"])
    by_region: dict[str, list[dict[str, Fraction | None]]] = defaultdict(list)
    for row, exact in rows:
        by_region[row["region"]].append(exact)
    regions: dict[str, dict[str, float | None]] = {}
    region_counts: dict[str, dict[str, int]] = {}
    for region, members in sorted(by_region.items()):
        avg: dict[str, float | None] = {}
        n: dict[str, int] = {}
        for code in (*ed.categories, m.score.code):
            vals = [v for v in (e[code] for e in members) if v is not None]
            avg[code] = num(sum(vals, Fraction(0)) / len(vals)) if vals else None
            n[code] = len(vals)
        regions[region] = avg
        region_counts[region] = n
    return {"edition": ed.year, "label": ed.label, "direction": m.direction_label(target),
            "previous_edition": earlier[-1] if earlier else None,
            "categories": list(ed.categories), "countries": [r for r, _ in rows],
            "regional_averages": regions, "regional_counts": region_counts,
            "coverage": edition_coverage(m, ed, statuses)}


def shown_score(m: Methodology, row: OverviewRow) -> float | None:
    """The score a page shows for a row: the computed one, else the reconstructed row's, else
    the printed one."""
    ds = row["democracy_score"]
    if ds is not None:
        return ds
    rec = row["reconstructed"]
    return rec["democracy_score"] if rec else row["published_democracy_score"]


def row_value(m: Methodology, row: OverviewRow, code: str) -> float | None:
    """A row's score (``code`` = the score code: computed, else printed) or category value."""
    return shown_score(m, row) if code == m.score.code else row["ratings"].get(code)


def sort_rows(m: Methodology, ov: EditionOverview, key: str, descending: bool = False
              ) -> list[OverviewRow]:
    """Overview rows sorted by ``country``, ``region``, ``regime`` (most democratic band first)
    or a category/score value; rows without the value (n/a) always come last."""
    rows = list(ov["countries"])
    code = key.upper()
    if code == m.score.code or code in ov["categories"]:
        have = [r for r in rows if row_value(m, r, code) is not None]
        missing = [r for r in rows if row_value(m, r, code) is None]
        have.sort(key=lambda r: (row_value(m, r, code), r["country"]), reverse=descending)
        return have + missing
    if key == "region":
        return sorted(rows, key=lambda r: (r["region"], r["country"]), reverse=descending)
    if key == "regime":
        order = {b.code: i for i, b in enumerate(bands_best_first(m))}
        ranked = sorted((r for r in rows if r["regime_code"]), reverse=descending,
                        key=lambda r: (order.get(r["regime_code"] or "", 99), r["country"]))
        return ranked + [r for r in rows if not r["regime_code"]]
    return sorted(rows, key=lambda r: r["country"], reverse=descending)


def bands_best_first(m: Methodology) -> list[Band]:
    """Regime bands from the most to the least democratic, read from their score ranges (not
    from the order they happen to have in the methodology file)."""
    def key(b: Band) -> Fraction:
        if Direction.LOW_BEST in b.ranges:
            return b.ranges[Direction.LOW_BEST][0]
        if Direction.HIGH_BEST in b.ranges:
            return -b.ranges[Direction.HIGH_BEST][1]
        return Fraction(0)
    return sorted(m.bands, key=key)


def ranking(read: Reader, m: Methodology, year: int, category: str,
            direction: Direction | None = None) -> list[Rank]:
    """Countries of one edition ordered from most to least democratic on one category or the
    score (ties share a rank; a printed score stands in where categories are missing, marked
    ``published``). A category the edition does not rate is :class:`InvalidRating`."""
    return ranking_of(read, m, year, category, direction)["ranks"]


def ranking_of(read: Reader, m: Methodology, year: int, category: str,
               direction: Direction | None = None) -> Ranking:
    """:func:`ranking` with what it ranks among: the edition's coverage and how many are
    shown (``GET /api/v1/rankings/{year}`` serves the ranks; the page says "among the 8
    shown")."""
    code = score_code(m, category, m.edition(year))
    ov = edition_overview(read, m, year, direction)
    target = m.scale.parse_direction(ov["direction"])
    items: list[tuple[OverviewRow, float]] = [
        (r, v) for r in ov["countries"] if (v := row_value(m, r, code)) is not None]
    best_high = m.scale.best(target) == m.scale.max
    items.sort(key=lambda rv: (-rv[1] if best_high else rv[1], rv[0]["country"]))
    out: list[Rank] = []
    rank, last = 0, None
    for i, (r, v) in enumerate(items, 1):
        if v != last:
            rank, last = i, v
        out.append({"rank": rank, "country": r["country"], "iso3": r["iso3"], "value": v,
                    "regime": r["regime"], "colour": r["colour"],
                    "published": code == m.score.code and r["democracy_score"] is None})
    return {"edition": ov["edition"], "label": ov["label"], "category": code,
            "direction": ov["direction"], "shown": len(out), "coverage": ov["coverage"],
            "ranks": out}
