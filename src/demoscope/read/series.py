"""One country across editions, and lists across countries and editions: series, scores,
changes, comparisons and chart data."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from itertools import pairwise

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.errors import NotFound
from demoscope.methodology import Direction, Methodology
from demoscope.numbers import num
from demoscope.read.citations import published_drafts
from demoscope.read.coverage import Status, percentage_derived, status_of
from demoscope.read.overview import score_code, scored
from demoscope.read.published import (
    PublishedHeadline,
    ReconstructedRow,
    headline_out,
    reconstructed_out,
)
from demoscope.read.scorecard import Change, rating_changes
from demoscope.scoring import band_by_score
from demoscope.store import reads
from demoscope.store.reads import Reader


class SeriesEntry(TypedDict):
    """One edition of a country's series."""

    edition: int
    label: str
    direction: str
    categories: list[str]
    ratings: dict[str, float | None]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    colour: str | None
    #: "complete", "reconstructed", "partial" or "headline-only" (see read.coverage); the
    #: ratings and score above come from stored ratings only
    status: Status
    headline: PublishedHeadline | None
    reconstructed: ReconstructedRow | None
    #: the printed score (a table's or a page's) on the entry's direction
    published_democracy_score: float | None
    #: the regime the printed score falls in, where no score is computed and none is printed
    derived_regime: str | None
    #: values demoscope derived: score_published, percentage_derived, regime_derived,
    #: reconstructed (see :mod:`demoscope.read.coverage`)
    flags: list[str]


class CountrySeries(TypedDict):
    """A country with its ratings, score and regime in every edition with data."""

    iso3: str
    country: str
    region: str
    subregion: str
    editions: list[SeriesEntry]


class ScoreEntry(TypedDict):
    country: str
    iso3: str
    edition: int
    direction: str
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    complete: bool
    status: Status
    #: the printed score and percentage (a country page's headline, or a table's score) on
    #: ``direction``: the only values of a "headline-only" country-edition
    published_democracy_score: float | None
    published_democracy_percentage: float | None
    published_regime: str | None
    #: provenance of a reconstructed row ("reconstructed from 2018 + changes printed in 2019")
    reconstructed: str | None
    #: values demoscope derived (see :mod:`demoscope.read.coverage`)
    flags: list[str]


class ChangeEntry(Change):
    """A scorecard change with the country and editions it belongs to."""

    country: str
    iso3: str
    edition: int
    previous_edition: int


class ChartBand(TypedDict):
    """A regime band behind a chart's lines, on the chart's scale."""

    code: str
    label: str
    low: float
    high: float
    colour: str


class ChartLine(TypedDict):
    """One line: a key (score or category code, or a country's ISO code), its full name, a
    colour fixed per key across every chart, and one value per edition (None: a gap)."""

    key: str
    name: str
    colour: str
    values: list[float | None]
    #: the score's line (drawn first and bold; categories are one toggle away)
    primary: bool
    #: per value: it is a printed score standing in for a computed one
    printed: list[bool]
    #: per value: the 90 % interval of the model's estimate (:mod:`demoscope.read.estimates`),
    #: None where none can be estimated (one reading per cell: every historic edition)
    lo: list[float | None]
    hi: list[float | None]


class LineChart(TypedDict):
    """A chart on ONE scale (a line cannot mix scales), with what a reader needs to read it:
    edition labels, an x-axis title saying what an edition covers, the scale in words and the
    regime bands of that scale."""

    direction: str
    scale_text: str
    years: list[int]
    labels: list[str]
    x_title: str
    y_title: str
    range: list[float]
    reversed: bool
    bands: list[ChartBand]
    lines: list[ChartLine]
    summary: str


#: Colours of lines that have no colour of their own (countries on the compare chart).
PALETTE = ("#0b61a4", "#c1440e", "#009e73", "#a3479b", "#e08a00", "#3aa0d8", "#7a5230",
           "#1b1f24", "#6b6b6b", "#5b8a00")


def edition_axis_title(m: Methodology) -> str:
    """"Edition (each covers the events of the previous calendar year)"."""
    ed = next(iter(m.editions.values()), None)
    lag = ed.year - ed.coverage_start.year if ed else 0
    if lag == 0:
        return "Edition (each covers the events of its own year)"
    if lag == 1:
        return "Edition (each covers the events of the previous calendar year)"
    return f"Edition (each covers the events of {lag} years before)"


def scale_text(m: Methodology, direction: Direction) -> str:
    """"1 = most democratic": a direction in words for readers."""
    from demoscope.numbers import fmt

    return f"{fmt(m.scale.best(direction), 0)} = most democratic"


def chart_bands(m: Methodology, direction: Direction, era: Direction | None = None
                ) -> list[ChartBand]:
    """The regime bands on ``direction`` (named as editions of direction ``era`` name them)."""
    out: list[ChartBand] = []
    for b in m.bands:
        rng = b.ranges.get(direction)
        if rng is not None:
            out.append({"code": b.code, "label": b.label(era or direction), "low": float(rng[0]),
                        "high": float(rng[1]), "colour": b.colour})
    return out


def _line_summary(name: str, years: list[int], labels: list[str], values: list[float | None],
                  what: str) -> str:
    pts = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
    if not pts:
        return f"No {what} for {name} in these editions."
    first, last = pts[0], pts[-1]
    if len(pts) == 1:
        return f"{name}: {what} {first[1]:.2f} in {first[0]}."
    return (f"{name}'s {what} went from {first[1]:.2f} in {first[0]} to {last[1]:.2f} in "
            f"{last[0]} ({len(pts)} editions with a value).")


class Extras(TypedDict):
    """What a country-edition holds besides stored ratings (see :func:`extras`)."""

    headline: PublishedHeadline | None
    reconstructed: ReconstructedRow | None
    published: dict[str, float]  # printed overall scores on the direction (page or table)


def series_entries(m: Methodology, by_year: dict[int, dict[str, Fraction]],
                   direction: Direction | None,
                   extra: dict[int, tuple[Status, dict[Direction, Extras]]] | None = None
                   ) -> list[SeriesEntry]:
    """Series entries of a country's rows (``{year: {category: value}}``) and of the editions
    ``extra`` adds (status, and headline and reconstruction per direction)."""
    out: list[SeriesEntry] = []
    extra = extra or {}
    for year in sorted(set(by_year) | set(extra)):
        values = by_year.get(year, {})
        ed = m.edition(year)
        target = direction or ed.direction
        got = scored(m, ed, values, target) if values else None
        regime = got[2] if got else None
        status, more = extra.get(year, ("complete" if got else "partial", {}))
        added = more.get(target, {"headline": None, "reconstructed": None, "published": {}})
        pub_ds = added["published"].get(m.score.code)
        head, rebuilt = added["headline"], added["reconstructed"]
        printed_regime = head["regime"] if head else None
        derived = (band_by_score(m, Fraction(str(pub_ds)), target)
                   if got is None and pub_ds is not None and not printed_regime else None)
        flags: list[str] = []
        if got is None and pub_ds is not None:
            flags.append("score_published")
        if (regime or derived or rebuilt) and not printed_regime:
            flags.append("regime_derived")
        if got is not None and percentage_derived(m, ed):
            flags.append("percentage_derived")
        if rebuilt:
            flags.append("reconstructed")
        out.append({
            "edition": year, "label": ed.label, "direction": m.direction_label(target),
            "categories": list(ed.categories),
            "ratings": {c: num(m.to_direction(values[c], ed.direction, target)) if c in values
                        else None for c in ed.categories},
            "democracy_score": num(Fraction(got[0].printed)) if got else None,
            "democracy_percentage": num(got[1]) if got else None,
            "regime": regime.band.label(ed.direction) if regime else None,
            "colour": (regime.band.colour if regime else derived.colour if derived else
                       _band_colour(m, printed_regime or (rebuilt["regime"] if rebuilt else None))),
            "status": status, "headline": head, "reconstructed": rebuilt,
            "published_democracy_score": pub_ds,
            "derived_regime": derived.label(ed.direction) if derived else None,
            "flags": flags})
    return out


def _band_colour(m: Methodology, label: str | None) -> str | None:
    """The colour of the band a printed regime label names (either direction's wording)."""
    if not label:
        return None
    for b in m.bands:
        if label in (b.name, *b.names.values()):
            return b.colour
    return None


def shown(s: SeriesEntry) -> tuple[float | None, bool]:
    """The score a chart or page shows for an entry and whether it is not computed from stored
    ratings: the computed score, else the reconstructed row's, else the printed one."""
    if s["democracy_score"] is not None:
        return s["democracy_score"], False
    if s["reconstructed"] is not None:
        return s["reconstructed"]["democracy_score"], True
    return s["published_democracy_score"], s["published_democracy_score"] is not None


def extras(read: Reader, m: Methodology, iso3s: list[str], direction: Direction | None
           ) -> dict[str, dict[int, tuple[Status, dict[Direction, Extras]]]]:
    """``{iso3: {year: (status, {direction: {"headline", "reconstructed"}})}}`` of every
    country-edition that holds anything (one grouped read per kind of evidence)."""
    counts = reads.coverage_counts(read, m.code, iso3s[0] if len(iso3s) == 1 else None)
    heads = reads.headlines(read, m.code, iso3s)
    pub = reads.published_scores(read, m.code, iso3s)
    changes = reads.printed_changes(read, m.code, iso3s)
    rebuilt = reads.reconstructed(read, m.code, iso3s)
    wanted = set(iso3s)
    out: dict[str, dict[int, tuple[Status, dict[Direction, Extras]]]] = {}
    for (iso3, year), c in counts.items():
        if iso3 not in wanted or year not in m.editions:
            continue
        ed = m.edition(year)
        per: dict[Direction, Extras] = {}
        for d in ([direction] if direction else [ed.direction]):
            per[d] = {"headline": headline_out(m, ed, d, heads.get((iso3, year)),
                                               pub.get((iso3, year), {}),
                                               changes.get((iso3, year), [])),
                      "reconstructed": reconstructed_out(m, ed, d, rebuilt.get((iso3, year))),
                      "published": {
                          code: num(p.value if code != m.score.code
                                    else m.to_direction(p.value, ed.direction, d))
                          for code, p in pub.get((iso3, year), {}).items()}}
        out.setdefault(iso3, {})[year] = (status_of(ed, c), per)
    return out


def country_series(read: Reader, m: Methodology, iso3: str,
                   direction: Direction | None = None) -> list[SeriesEntry]:
    """One country's ratings and scores in every edition with data (ratings, a reconstructed
    row or a published headline); ``direction`` None keeps each edition's own scale (the table
    as published), else all on one scale (for charts)."""
    return series_entries(m, reads.country_rows(read, m.code, iso3), direction,
                          extras(read, m, [iso3], direction).get(iso3, {}))


def country(read: Reader, m: Methodology, iso3: str, direction: Direction | None = None
            ) -> CountrySeries:
    """``GET /api/v1/countries/{iso3}``: the country and its series."""
    c = registry().resolve(iso3)
    return {"iso3": c.iso3, "country": c.name, "region": c.region, "subregion": c.subregion,
            "editions": country_series(read, m, c.iso3, direction)}


def categories_used(m: Methodology, series: list[SeriesEntry]) -> list[str]:
    """The methodology's categories that any edition of the series rates, in its order (so a
    table across all editions shows GOV beside NDG and LDG)."""
    seen = {c for s in series for c in s["categories"]}
    return [c for c in m.categories if c in seen]


def country_chart(read: Reader, m: Methodology, iso3: str, series: list[SeriesEntry],
                  direction: Direction | None = None, first: int | None = None,
                  last: int | None = None) -> LineChart:
    """A country's chart: the score (computed, else printed) and every category on ONE scale.
    Without a ``direction`` the scale of the latest edition with data is used; ``first`` and
    ``last`` narrow the editions (the page's time-range control)."""
    latest = m.edition(series[-1]["edition"]) if series else next(iter(m.editions.values()))
    target = direction or latest.direction
    same = all(s["direction"] == m.direction_label(target) for s in series)
    chart = series if same else country_series(read, m, iso3, target)
    chart = [s for s in chart if (first is None or s["edition"] >= first)
             and (last is None or s["edition"] <= last)]
    used = categories_used(m, chart)
    colours = dict(m.site.get("colours", {}))
    years = [s["edition"] for s in chart]
    labels = [s["label"] for s in chart]
    score = [shown(s)[0] for s in chart]
    lines: list[ChartLine] = [{
        "key": m.score.code, "name": m.score.name, "colour": colours.get(m.score.code, "#1b1f24"),
        "values": score, "primary": True, "printed": [shown(s)[1] for s in chart],
        "lo": [None] * len(chart), "hi": [None] * len(chart)}]
    for i, c in enumerate(used):
        values = [s["ratings"].get(c) if s["ratings"].get(c) is not None
                  else s["reconstructed"]["ratings"].get(c) if s["reconstructed"] else None
                  for s in chart]
        lines.append({"key": c, "name": m.category(c).name,
                      "colour": colours.get(c, PALETTE[i % len(PALETTE)]), "values": values,
                      "primary": False,
                      "printed": [s["ratings"].get(c) is None and v is not None
                                  for s, v in zip(chart, values, strict=True)],
                      "lo": [None] * len(chart), "hi": [None] * len(chart)})
    found = registry().find(iso3)
    name = found.name if found else iso3
    return {"direction": m.direction_label(target), "scale_text": scale_text(m, target),
            "years": years, "labels": labels, "x_title": edition_axis_title(m),
            "y_title": f"Rating ({scale_text(m, target)})",
            "range": [float(m.scale.min), float(m.scale.max)],
            "reversed": m.scale.best(target) == m.scale.min,
            "bands": chart_bands(m, target, latest.direction),
            "lines": lines,
            "summary": _line_summary(name, years, labels, score, m.score.name)
            + f" Values on one scale ({scale_text(m, target)})."}


def compare_chart(m: Methodology, data: dict[str, list[tuple[int, float | None]]],
                  names: dict[str, str], label: str, direction: Direction) -> LineChart:
    """The compare page's chart: one line per country, on one scale."""
    years = sorted({y for pts in data.values() for y, _ in pts})
    labels = [m.edition(y).label for y in years]
    lines: list[ChartLine] = []
    summary: list[str] = []
    for i, (iso, pts) in enumerate(data.items()):
        by = dict(pts)
        values = [by.get(y) for y in years]
        lines.append({"key": iso, "name": names.get(iso, iso), "colour": PALETTE[i % len(PALETTE)],
                      "values": values, "primary": True, "printed": [False] * len(years),
                      "lo": [None] * len(years), "hi": [None] * len(years)})
        summary.append(_line_summary(names.get(iso, iso), years, labels, values, label))
    return {"direction": m.direction_label(direction), "scale_text": scale_text(m, direction),
            "years": years, "labels": labels, "x_title": edition_axis_title(m),
            "y_title": f"{label} ({scale_text(m, direction)})",
            "range": [float(m.scale.min), float(m.scale.max)],
            "reversed": m.scale.best(direction) == m.scale.min,
            "bands": chart_bands(m, direction) if label == m.score.name else [],
            "lines": lines, "summary": " ".join(summary)}


def compare(read: Reader, m: Methodology, iso3s: list[str], category: str,
            direction: Direction) -> dict[str, list[tuple[int, float | None]]]:
    """``{iso3: [(edition, value)]}`` of one category (or the score) on one scale, for a chart;
    only editions that rate the category."""
    code = score_code(m, category)
    out = {}
    for iso3 in iso3s:
        series = country_series(read, m, iso3, direction)
        out[iso3] = [(s["edition"], shown(s)[0] if code == m.score.code
                      else s["ratings"].get(code))
                     for s in series if code == m.score.code or code in s["ratings"]]
    return out


class CompareRow(TypedDict):
    year: int
    values: dict[str, float | None]


def compare_table(data: dict[str, list[tuple[int, float | None]]]) -> list[CompareRow]:
    """Rows ``{"year", "values": {iso3: value}}`` for the editions where at least one of the
    compared countries has a value."""
    by_iso = {iso: dict(pts) for iso, pts in data.items()}
    years = sorted({y for pts in by_iso.values() for y, v in pts.items() if v is not None})
    return [{"year": y, "values": {iso: pts.get(y) for iso, pts in by_iso.items()}} for y in years]


def _names(iso3s: Iterable[str]) -> dict[str, str]:
    reg = registry()
    return {iso: (c.name if (c := reg.find(iso)) else iso) for iso in iso3s}


def scores(read: Reader, m: Methodology, iso3s: list[str] | None, first: int, last: int,
           direction: Direction | None = None) -> list[ScoreEntry]:
    """Score, percentage and regime of each country-edition in ``first``..``last``."""
    codes = iso3s or reads.country_codes(read)
    names = _names(codes)
    rows = reads.edition_rows(read, m.code, last, codes)
    by_country: dict[str, dict[int, dict[str, Fraction]]] = {}
    for year, per in rows.items():
        if year >= first:
            for iso3, values in per.items():
                by_country.setdefault(iso3, {})[year] = values
    more = extras(read, m, codes, direction)
    pct = m.percentage.code if m.percentage else ""
    out: list[ScoreEntry] = []
    for iso3 in codes:
        added = {y: e for y, e in more.get(iso3, {}).items() if first <= y <= last}
        for s in series_entries(m, by_country.get(iso3, {}), direction, added):
            head, rec = s["headline"], s["reconstructed"]
            ed = m.edition(s["edition"])
            pub = added.get(s["edition"], ("none", {}))[1].get(direction or ed.direction)
            printed = pub["published"] if pub else {}
            out.append({"country": names[iso3], "iso3": iso3, "edition": s["edition"],
                        "direction": s["direction"], "democracy_score": s["democracy_score"],
                        "democracy_percentage": s["democracy_percentage"], "regime": s["regime"],
                        "complete": s["democracy_score"] is not None, "status": s["status"],
                        "published_democracy_score": printed.get(m.score.code),
                        "published_democracy_percentage": printed.get(pct),
                        "published_regime": head["regime"] if head else None,
                        "reconstructed": rec["provenance"] if rec else None,
                        "flags": s["flags"]})
    return out


def changes(read: Reader, m: Methodology, iso3s: list[str] | None, edition: int | None = None,
            direction: Direction | None = None, changed_only: bool = False) -> list[ChangeEntry]:
    """Every rating change against each country's previous edition with data, in the reports'
    wording: the same entries as the scorecards' ``changes`` (one function makes both)."""
    if edition is not None:
        m.edition(edition)
    codes = iso3s or reads.country_codes(read)
    rows = reads.edition_rows(read, m.code, edition if edition is not None else 9999, codes)
    prov: dict[tuple[str, int], dict[str, reads.Provenance]] = {}
    for (i, y, cat), p in reads.provenance(read, m.code, first=edition, last=edition,
                                           iso3s=iso3s).items():
        prov.setdefault((i, y), {})[cat] = p
    names = _names(codes)
    reg = registry()
    drafts = published_drafts(read, m, iso3s, edition)
    out: list[ChangeEntry] = []
    for iso3 in codes:
        years = [y for y in rows if iso3 in rows[y]]
        c = reg.find(iso3)
        for prev_year, year in pairwise(years):
            if edition is not None and year != edition:
                continue
            ed, prev = m.edition(year), m.edition(prev_year)
            name = c.name_in(year) if c else names[iso3]
            for ch in rating_changes(m, name, ed, rows[year][iso3], prev, rows[prev_year][iso3],
                                     direction or ed.direction, prov.get((iso3, year)),
                                     drafts.get((iso3, year))):
                if changed_only and ch["verb"] == "remains":
                    continue
                out.append({"country": names[iso3], "iso3": iso3, "edition": year,
                            "previous_edition": prev_year, **ch})
    return out


def require_series(series: list[SeriesEntry], name: str) -> list[SeriesEntry]:
    """The series, or :class:`NotFound` when the country has no rating at all."""
    if not series:
        raise NotFound(f"no ratings for {name} in the database")
    return series
