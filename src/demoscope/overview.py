"""Tables and series across countries and editions: what the web pages and the API show.

Why here and not in the web layer: the edition overview, a category ranking, a country's
series and a comparison are questions about the data, answered with the same exact arithmetic
as the scorecard; the routes only format them. Everything reads through a
:data:`~demoscope.store.queries.Reader` so one set of SQL serves SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from demoscope.countries import registry
from demoscope.methodology import Direction, Edition, Methodology, fmt
from demoscope.scoring import change_verb, classify, democracy_score, percentage
from demoscope.store.queries import Reader

DS = "DS"


def _num(value: Fraction | None) -> float | None:
    return None if value is None else float(fmt(value))


def all_rows(read: Reader, m: Methodology, up_to: int = 9999) -> dict[int, dict[str, dict[str, Fraction]]]:
    """``{year: {iso3: {category: value}}}`` of editions up to ``up_to``, on each edition's own
    scale (one query)."""
    out: dict[int, dict[str, dict[str, Fraction]]] = defaultdict(lambda: defaultdict(dict))
    for year, iso3, cat, v in read(
            "SELECT e.year, r.country_iso3, r.category, r.value_x100 FROM ratings r "
            "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year <= :y",
            {"m": m.code, "y": up_to}):
        out[year][iso3][cat] = Fraction(v, 100)
    return {y: dict(rows) for y, rows in out.items()}


def country_names(read: Reader) -> dict[str, str]:
    return dict(read("SELECT iso3, name FROM countries", {}))


def editions_with_data(read: Reader, m: Methodology) -> list[int]:
    rows = read("SELECT DISTINCT e.year FROM ratings r JOIN editions e ON e.id = r.edition_id "
                "WHERE e.methodology = :m ORDER BY e.year", {"m": m.code})
    return [r[0] for r in rows]


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

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "iso3": self.iso3, "region": self.region,
                "ratings": {c: _num(v.value) for c, v in self.cells.items()},
                "changes": {c: v.change for c, v in self.cells.items() if v.change},
                "democracy_score": _num(self.ds), "democracy_percentage": _num(self.dp),
                "regime": self.regime, "regime_code": self.regime_code, "colour": self.colour,
                "democracy_score_change": self.ds_change}


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
    previous edition with data, and regional averages (exact means, shown to 2 decimals)."""
    ed = m.edition(year)
    target = direction or ed.direction
    rows_by_year = all_rows(read, m, ed.year)  # earlier editions give the change arrows
    names = country_names(read)
    current = rows_by_year.get(ed.year, {})
    years = sorted(rows_by_year)
    earlier = [y for y in years if y < ed.year]
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
            colour=regime.band.colour if regime else None, ds_change=ds_change))
    out.sort(key=lambda r: r.country)
    regions: dict[str, dict[str, Fraction | None]] = {}
    by_region: dict[str, list[OverviewRow]] = defaultdict(list)
    for r in out:
        by_region[r.region].append(r)
    for region, members in sorted(by_region.items()):
        avg: dict[str, Fraction | None] = {}
        for cat in (*ed.categories, DS):
            vals = [r.ds if cat == DS else r.cells[cat].value for r in members]
            vals = [v for v in vals if v is not None]
            avg[cat] = sum(vals, Fraction(0)) / len(vals) if vals else None
        regions[region] = avg
    return Overview(ed, target, earlier[-1] if earlier else None, ed.categories, out, regions)


def ranking(read: Reader, m: Methodology, year: int, category: str,
            direction: Direction | None = None) -> list[dict[str, Any]]:
    """Countries of one edition ordered from most to least democratic on one category or DS
    (ties share a rank)."""
    ov = edition_overview(read, m, year, direction)
    code = category.upper()
    if code != DS:
        code = m.category(code).code
    items = [(r, r.ds if code == DS else r.cells.get(code, Cell(None)).value) for r in ov.rows]
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


def compare(read: Reader, m: Methodology, iso3s: list[str], category: str,
            direction: Direction) -> dict[str, list[tuple[int, float | None]]]:
    """``{iso3: [(edition, value)]}`` of one category (or DS) on one scale, for a chart."""
    code = category.upper()
    if code != DS:
        code = m.category(code).code
    out = {}
    for iso3 in iso3s:
        series = country_series(read, m, iso3, direction)
        out[iso3] = [(s["edition"], s["democracy_score"] if code == DS else s["ratings"].get(code))
                     for s in series if code == DS or code in s["ratings"]]
    return out
