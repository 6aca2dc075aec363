"""Tables and series across countries and editions: what the web pages and the API show.

Why here and not in the web layer: the edition overview, a category ranking, a country's
series, a comparison, the score and change lists are questions about the data, answered with
the same exact arithmetic as the scorecard; the routes only parse and format. Everything reads
through a :data:`~demoscope.store.queries.Reader` so one set of SQL serves SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from typing import Any

from demoscope.countries import registry
from demoscope.errors import InvalidRating, NotFound
from demoscope.methodology import Direction, Edition, Methodology, fmt, year_ranges
from demoscope.scorecard import rating_changes
from demoscope.scoring import change_verb, classify, democracy_score, percentage
from demoscope.store.queries import Reader

DS = "DS"


def _num(value: Fraction | None) -> float | None:
    return None if value is None else float(fmt(value))


def all_rows(read: Reader, m: Methodology, up_to: int = 9999, iso3s: list[str] | None = None
             ) -> dict[int, dict[str, dict[str, Fraction]]]:
    """``{year: {iso3: {category: value}}}`` of editions up to ``up_to`` (of some countries),
    on each edition's own scale, in one query."""
    sql = ("SELECT e.year, r.country_iso3, r.category, r.value_x100 FROM ratings r "
           "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year <= :y")
    params: dict[str, Any] = {"m": m.code, "y": up_to}
    if iso3s:
        sql += " AND r.country_iso3 IN (" + ", ".join(f":c{i}" for i in range(len(iso3s))) + ")"
        params.update({f"c{i}": c for i, c in enumerate(iso3s)})
    out: dict[int, dict[str, dict[str, Fraction]]] = defaultdict(lambda: defaultdict(dict))
    for year, iso3, cat, v in read(sql, params):
        out[year][iso3][cat] = Fraction(v, 100)
    return {y: dict(rows) for y, rows in sorted(out.items())}


def country_names(read: Reader) -> dict[str, str]:
    return dict(read("SELECT iso3, name FROM countries", {}))


def editions_with_data(read: Reader, m: Methodology) -> list[int]:
    rows = read("SELECT DISTINCT e.year FROM ratings r JOIN editions e ON e.id = r.edition_id "
                "WHERE e.methodology = :m ORDER BY e.year", {"m": m.code})
    return [r[0] for r in rows]


def latest_edition(read: Reader, m: Methodology) -> int:
    """The latest edition with any rating (the site's home page shows it)."""
    years = editions_with_data(read, m)
    if not years:
        raise NotFound("the database holds no ratings yet: run 'demoscope db init'")
    return years[-1]


def score_code(m: Methodology, text: str, edition: Edition | None = None) -> str:
    """``DS`` or a category code from user input; with an ``edition``, the category must be one
    that edition rates (GOV before 2005, NDG/LDG from 2005)."""
    code = text.strip().upper()
    if code == m.score.code or code == DS:
        return DS
    code = m.resolve_category(text)
    if edition is not None and not edition.uses(code):
        raise InvalidRating(
            f"the {edition.label} edition does not rate {code} ({m.category_name(code)}); "
            f"it rates: {', '.join(edition.categories)}", field="category")
    return code


# -- the edition overview --------------------------------------------------------------------

@dataclass
class Cell:
    value: Fraction | None
    change: str | None = None  # "improves" / "deteriorates" / "remains" against the previous edition


@dataclass
class OverviewRow:
    iso3: str
    country: str
    region: str
    cells: dict[str, Cell]
    ds: Fraction | None  # printed (rounded) score on the requested direction
    dp: Fraction | None
    regime: str | None
    regime_code: str | None
    colour: str | None
    ds_change: str | None = None
    previous: int | None = None  # the edition the changes compare with

    def value(self, code: str) -> Fraction | None:
        return self.ds if code == DS else self.cells[code].value if code in self.cells else None

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "iso3": self.iso3, "region": self.region,
                "ratings": {c: _num(v.value) for c, v in self.cells.items()},
                "changes": {c: v.change for c, v in self.cells.items() if v.change},
                "democracy_score": _num(self.ds), "democracy_percentage": _num(self.dp),
                "regime": self.regime, "regime_code": self.regime_code, "colour": self.colour,
                "democracy_score_change": self.ds_change, "previous_edition": self.previous}


@dataclass
class Overview:
    edition: Edition
    direction: Direction
    previous: int | None
    categories: tuple[str, ...]
    rows: list[OverviewRow]
    regions: dict[str, dict[str, Fraction | None]] = field(default_factory=dict)

    def to_dict(self, m: Methodology) -> dict[str, Any]:
        return {"edition": self.edition.year, "label": self.edition.label,
                "direction": m.direction_label(self.direction), "previous_edition": self.previous,
                "categories": list(self.categories),
                "countries": [r.to_dict() for r in self.rows],
                "regional_averages": {reg: {c: _num(v) for c, v in vals.items()}
                                      for reg, vals in self.regions.items()}}


def _score(m: Methodology, ed: Edition, values: dict[str, Fraction], target: Direction):
    score = democracy_score(m, ed, values, target)
    if not score.complete:
        return None, None, None
    regime = classify(m, score)
    return score, percentage(m, score.mean, target), regime


def edition_overview(read: Reader, m: Methodology, year: int,
                     direction: Direction | None = None) -> Overview:
    """All countries of one edition: ratings, DS, regime, change arrows against each country's
    previous edition with data, and regional averages (exact means, shown to 2 decimals).

    Regions are those the edition's own overview tables use (``countries.toml``: Croatia moves
    to the New EU Members with its 2013 accession). An edition without ratings is
    :class:`NotFound`, naming the editions that have some.
    """
    ed = m.edition(year)
    target = direction or ed.direction
    rows_by_year = all_rows(read, m, ed.year)  # earlier editions give the change arrows
    current = rows_by_year.get(ed.year, {})
    if not current:
        have = sorted(rows_by_year) or editions_with_data(read, m)
        raise NotFound(f"no ratings in the {ed.label} edition"
                       + (f" (editions with data: {year_ranges(have)})" if have else ""), field="edition")
    names = country_names(read)
    earlier = [y for y in rows_by_year if y < ed.year]
    out: list[OverviewRow] = []
    reg = registry()
    for iso3, values in current.items():
        prev_year = next((y for y in reversed(earlier) if iso3 in rows_by_year[y]), None)
        before = rows_by_year[prev_year][iso3] if prev_year else {}
        prev_ed = m.edition(prev_year) if prev_year else None
        cells = {}
        for cat in ed.categories:
            v = values.get(cat)
            conv = m.to_direction(v, ed.direction, target) if v is not None else None
            change = None
            if conv is not None and cat in before and prev_ed is not None:
                change = change_verb(m, target, m.to_direction(before[cat], prev_ed.direction, target), conv)
            cells[cat] = Cell(conv, change)
        score, dp, regime = _score(m, ed, values, target)
        ds_change = None
        if score is not None and prev_ed is not None and before:
            prev_score = democracy_score(m, prev_ed, before, target)
            if prev_score.complete:
                ds_change = change_verb(m, target, Fraction(prev_score.printed), Fraction(score.printed))
        c = reg.find(iso3)
        out.append(OverviewRow(
            iso3=iso3, country=c.name_in(ed.year) if c else names.get(iso3, iso3),
            region=c.region_in(ed.year)[0] if c else "",
            cells=cells, ds=Fraction(score.printed) if score else None,
            dp=Fraction(dp) if dp is not None else None,
            regime=regime.band.label(target) if regime else None,
            regime_code=regime.band.code if regime else None,
            colour=regime.band.colour if regime else None, ds_change=ds_change,
            previous=prev_year))
    out.sort(key=lambda r: r.country)
    regions: dict[str, dict[str, Fraction | None]] = {}
    by_region: dict[str, list[OverviewRow]] = defaultdict(list)
    for r in out:
        by_region[r.region].append(r)
    for region, members in sorted(by_region.items()):
        avg: dict[str, Fraction | None] = {}
        for cat in (*ed.categories, DS):
            vals = [v for v in (r.value(cat) for r in members) if v is not None]
            avg[cat] = sum(vals, Fraction(0)) / len(vals) if vals else None
        regions[region] = avg
    return Overview(ed, target, earlier[-1] if earlier else None, ed.categories, out, regions)


SORT_KEYS = ("country", "region", "regime")


def sort_rows(m: Methodology, ov: Overview, key: str, descending: bool = False) -> list[OverviewRow]:
    """Overview rows sorted by ``country``, ``region``, ``regime`` (most democratic band first)
    or a category/DS value; rows without the value (n/a) always come last."""
    rows = list(ov.rows)
    code = key.upper()
    if code == DS or code in ov.categories:
        have = [r for r in rows if r.value(code) is not None]
        missing = [r for r in rows if r.value(code) is None]
        have.sort(key=lambda r: (r.value(code), r.country), reverse=descending)
        return have + missing
    if key == "region":
        return sorted(rows, key=lambda r: (r.region, r.country), reverse=descending)
    if key == "regime":
        order = {b.code: i for i, b in enumerate(bands_best_first(m))}
        have = sorted((r for r in rows if r.regime_code), reverse=descending,
                      key=lambda r: (order.get(r.regime_code or "", 99), r.country))
        return have + [r for r in rows if not r.regime_code]
    return sorted(rows, key=lambda r: r.country, reverse=descending)


def bands_best_first(m: Methodology) -> list[Any]:
    """Regime bands from the most to the least democratic, read from their score ranges (not
    from the order they happen to have in the methodology file)."""
    def key(b: Any) -> Fraction:
        if Direction.LOW_BEST in b.ranges:
            return b.ranges[Direction.LOW_BEST][0]
        if Direction.HIGH_BEST in b.ranges:
            return -b.ranges[Direction.HIGH_BEST][1]
        return Fraction(0)
    return sorted(m.bands, key=key)


# -- rankings, series, comparisons -------------------------------------------------------------

def ranking(read: Reader, m: Methodology, year: int, category: str,
            direction: Direction | None = None) -> list[dict[str, Any]]:
    """Countries of one edition ordered from most to least democratic on one category or DS
    (ties share a rank). A category the edition does not rate is :class:`InvalidRating`."""
    code = score_code(m, category, m.edition(year))
    ov = edition_overview(read, m, year, direction)
    items = [(r, r.value(code)) for r in ov.rows]
    items = [(r, v) for r, v in items if v is not None]
    best_high = m.scale.best(ov.direction) == m.scale.max
    items.sort(key=lambda rv: (-rv[1] if best_high else rv[1], rv[0].country))
    out, rank, last = [], 0, None
    for i, (r, v) in enumerate(items, 1):
        if v != last:
            rank, last = i, v
        out.append({"rank": rank, "country": r.country, "iso3": r.iso3, "value": _num(v),
                    "regime": r.regime, "colour": r.colour})
    return out


def _series_from(m: Methodology, by_year: dict[int, dict[str, Fraction]],
                 direction: Direction | None) -> list[dict[str, Any]]:
    out = []
    for year, values in sorted(by_year.items()):
        ed = m.edition(year)
        target = direction or ed.direction
        score, dp, regime = _score(m, ed, values, target)
        out.append({
            "edition": year, "label": ed.label, "direction": m.direction_label(target),
            "categories": list(ed.categories),
            "ratings": {c: _num(m.to_direction(values[c], ed.direction, target)) if c in values
                        else None for c in ed.categories},
            "democracy_score": _num(Fraction(score.printed)) if score else None,
            "democracy_percentage": _num(Fraction(dp)) if dp is not None else None,
            "regime": regime.band.label(target) if regime else None,
            "colour": regime.band.colour if regime else None})
    return out


def country_series(read: Reader, m: Methodology, iso3: str,
                   direction: Direction | None = None) -> list[dict[str, Any]]:
    """One country's ratings and scores in every edition with data; ``direction`` None keeps each
    edition's own scale (the table as published), else all on one scale (for charts)."""
    rows = read("SELECT e.year, r.category, r.value_x100 FROM ratings r JOIN editions e "
                "ON e.id = r.edition_id WHERE e.methodology = :m AND r.country_iso3 = :iso3 "
                "ORDER BY e.year", {"m": m.code, "iso3": iso3})
    by_year: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for year, cat, v in rows:
        by_year[year][cat] = Fraction(v, 100)
    return _series_from(m, by_year, direction)


def categories_used(m: Methodology, series: list[dict[str, Any]]) -> list[str]:
    """The methodology's categories that any edition of the series rates, in its order (so a
    table across all editions shows GOV beside NDG and LDG)."""
    seen = {c for s in series for c in s["categories"]}
    return [c for c in m.categories if c in seen]


def country_chart(read: Reader, m: Methodology, iso3: str, series: list[dict[str, Any]],
                  direction: Direction | None = None) -> dict[str, Any]:
    """The data of a country's chart: DS and every category on ONE scale (a line cannot mix
    scales). Without a ``direction`` the scale of the latest edition with data is used."""
    target = direction or (m.edition(series[-1]["edition"]).direction if series else
                           next(iter(m.editions.values())).direction)
    same = all(s["direction"] == m.direction_label(target) for s in series)
    chart = series if same else country_series(read, m, iso3, target)
    used = categories_used(m, chart)
    return {"direction": m.direction_label(target),
            "years": [s["edition"] for s in chart],
            "ds": [s["democracy_score"] for s in chart],
            "categories": {c: [s["ratings"].get(c) for s in chart] for c in used},
            "names": {c: m.category(c).name for c in used},
            "score_name": m.score.name,
            "range": [float(m.scale.min), float(m.scale.max)],
            "reversed": target is Direction.LOW_BEST}


def compare(read: Reader, m: Methodology, iso3s: list[str], category: str,
            direction: Direction) -> dict[str, list[tuple[int, float | None]]]:
    """``{iso3: [(edition, value)]}`` of one category (or DS) on one scale, for a chart; only
    editions that rate the category."""
    code = score_code(m, category)
    out = {}
    for iso3 in iso3s:
        series = country_series(read, m, iso3, direction)
        out[iso3] = [(s["edition"], s["democracy_score"] if code == DS else s["ratings"].get(code))
                     for s in series if code == DS or code in s["ratings"]]
    return out


def compare_table(data: dict[str, list[tuple[int, float | None]]]) -> list[dict[str, Any]]:
    """Rows ``{"year", "values": {iso3: value}}`` for the editions where at least one of the
    compared countries has a value."""
    by_iso = {iso: dict(pts) for iso, pts in data.items()}
    years = sorted({y for pts in by_iso.values() for y, v in pts.items() if v is not None})
    return [{"year": y, "values": {iso: pts.get(y) for iso, pts in by_iso.items()}} for y in years]


# -- lists for the API ---------------------------------------------------------------------------

def countries_index(read: Reader, m: Methodology) -> list[dict[str, Any]]:
    """Every country in the database with region, aliases and the editions it is rated in."""
    years: dict[str, list[int]] = defaultdict(list)
    for iso3, year in read("SELECT DISTINCT r.country_iso3, e.year FROM ratings r JOIN editions e "
                           "ON e.id = r.edition_id WHERE e.methodology = :m ORDER BY e.year",
                           {"m": m.code}):
        years[iso3].append(year)
    reg = registry()
    out = []
    for iso3, name, region, sub in read("SELECT iso3, name, region, subregion FROM countries "
                                        "ORDER BY name", {}):
        c = reg.find(iso3)
        out.append({"iso3": iso3, "country": name, "region": region or "", "subregion": sub or "",
                    "aliases": list(c.aliases) if c else [], "editions": years.get(iso3, [])})
    return out


def editions_index(read: Reader, m: Methodology) -> list[dict[str, Any]]:
    """Every edition of the methodology with its label, scale, categories and how many
    countries it rates in the database (0 for editions not loaded)."""
    counts = dict(read("SELECT e.year, COUNT(DISTINCT r.country_iso3) FROM editions e LEFT JOIN "
                       "ratings r ON r.edition_id = e.id WHERE e.methodology = :m GROUP BY e.year",
                       {"m": m.code}))
    return [{"edition": e.year, "label": e.label, "direction": m.direction_label(e.direction),
             "categories": list(e.categories), "countries": int(counts.get(e.year, 0))}
            for e in m.editions.values()]


def _all_iso3(read: Reader) -> list[str]:
    return [r[0] for r in read("SELECT iso3 FROM countries ORDER BY iso3", {})]


def scores(read: Reader, m: Methodology, iso3s: list[str] | None, first: int, last: int,
           direction: Direction | None = None) -> list[dict[str, Any]]:
    """DS, DP and regime of each country-edition in ``first``..``last`` (of some countries)."""
    codes = iso3s or _all_iso3(read)
    names = country_names(read)
    rows = all_rows(read, m, last, codes)
    by_country: dict[str, dict[int, dict[str, Fraction]]] = defaultdict(dict)
    for year, per in rows.items():
        if year >= first:
            for iso3, values in per.items():
                by_country[iso3][year] = values
    out = []
    for iso3 in codes:
        for s in _series_from(m, by_country.get(iso3, {}), direction):
            out.append({"country": names.get(iso3, iso3), "iso3": iso3, "edition": s["edition"],
                        "direction": s["direction"], "democracy_score": s["democracy_score"],
                        "democracy_percentage": s["democracy_percentage"], "regime": s["regime"],
                        "complete": s["democracy_score"] is not None})
    return out


def changes(read: Reader, m: Methodology, iso3s: list[str] | None, edition: int | None = None,
            direction: Direction | None = None, changed_only: bool = False) -> list[dict[str, Any]]:
    """Every rating change against each country's previous edition with data, in the reports'
    wording: the same entries as the scorecards' ``changes`` (one function makes both)."""
    if edition is not None:
        m.edition(edition)
    codes = iso3s or _all_iso3(read)
    rows = all_rows(read, m, edition if edition is not None else 9999, codes)
    names = country_names(read)
    reg = registry()
    out = []
    for iso3 in codes:
        years = [y for y in rows if iso3 in rows[y]]
        c = reg.find(iso3)
        for prev_year, year in pairwise(years):
            if edition is not None and year != edition:
                continue
            ed, prev = m.edition(year), m.edition(prev_year)
            name = c.name_in(year) if c else names.get(iso3, iso3)
            for ch in rating_changes(m, name, ed, rows[year][iso3], prev, rows[prev_year][iso3],
                                     direction or ed.direction):
                if changed_only and ch["verb"] == "remains":
                    continue
                out.append({"country": names.get(iso3, iso3), "iso3": iso3, "edition": year,
                            "previous_edition": prev_year, **ch})
    return out
