"""A methodology as data: categories, scale, score rule, regime bands and editions.

Nations in Transit ships as ``methodologies/nit.toml``; a team defines its own index with a file
of the same shape and no code change. This module is the only place that reads edition ranges:
everything else asks an :class:`Edition` which categories it rates, what they are called and
which end of the scale is best.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from demoscope.errors import InvalidRating, MethodologyError, UnknownEdition
from demoscope.numbers import fmt, frac, plain

__all__ = ["Band", "Category", "Direction", "Edition", "Era", "Methodology", "PercentageRule",
           "Scale", "ScoreRule", "builtin_methodologies", "eras", "fmt", "frac", "load_methodology",
           "nit", "parse_methodology", "year_ranges"]


#: How many years after its last edition a methodology answers for (continued editions).
CONTINUATION_YEARS = 50


class Direction(StrEnum):
    """Which end of the scale is most democratic, as an edition publishes it."""

    LOW_BEST = "low_best"
    HIGH_BEST = "high_best"

    @property
    def other(self) -> Direction:
        return Direction.HIGH_BEST if self is Direction.LOW_BEST else Direction.LOW_BEST


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    covers: str = ""
    aliases: tuple[str, ...] = ()
    weight: Fraction = Fraction(1)


@dataclass(frozen=True)
class Scale:
    """The rating grid: ``min``..``max`` in steps of ``step``, exact."""

    min: Fraction
    max: Fraction
    step: Fraction

    def on_grid(self, value: Fraction) -> bool:
        return ((value - self.min) / self.step).denominator == 1

    def in_range(self, value: Fraction) -> bool:
        return self.min <= value <= self.max

    def convert(self, value: Fraction) -> Fraction:
        """Mirror a value to the other direction: ``min + max − value`` (NIT: ``8 − x``)."""
        return self.min + self.max - value

    def best(self, direction: Direction) -> Fraction:
        return self.min if direction is Direction.LOW_BEST else self.max

    def label(self, direction: Direction) -> str:
        """The name used in JSON contracts: ``"1_best"`` or ``"7_best"`` for NIT."""
        best = self.best(direction)
        return f"{int(best) if best.denominator == 1 else float(best)}_best"

    def parse_direction(self, text: str | Direction) -> Direction:
        """Accept ``low_best``/``high_best``, ``low``/``high`` or the scale labels ``1_best``/``7_best``."""
        if isinstance(text, Direction):
            return text
        t = str(text).strip().lower().replace("-", "_")
        table = {
            "low_best": Direction.LOW_BEST, "low": Direction.LOW_BEST,
            "high_best": Direction.HIGH_BEST, "high": Direction.HIGH_BEST,
            self.label(Direction.LOW_BEST): Direction.LOW_BEST,
            self.label(Direction.HIGH_BEST): Direction.HIGH_BEST,
        }
        if t not in table:
            allowed = ", ".join(sorted({self.label(d) for d in Direction} | {d.value for d in Direction}))
            raise InvalidRating(f"direction {text!r} is not one of: {allowed}", field="direction")
        return table[t]

    def to_direction(self, value: Fraction, source: Direction, target: Direction) -> Fraction:
        return value if source is target else self.convert(value)


@dataclass(frozen=True)
class Band:
    """A regime type: inclusive score ranges on each direction and a percentage range."""

    code: str
    name: str
    ranges: Mapping[Direction, tuple[Fraction, Fraction]]
    percentage: tuple[Fraction, Fraction] | None
    names: Mapping[Direction, str] = field(default_factory=dict)
    colour: str = "#777777"

    def label(self, direction: Direction) -> str:
        return self.names.get(direction, self.name)


@dataclass(frozen=True)
class Edition:
    """One edition: its year, printed label, direction, categories and their names then."""

    year: int
    label: str
    direction: Direction
    categories: tuple[str, ...]
    names: Mapping[str, str]
    coverage_start: date
    coverage_end: date
    note: str = ""
    #: True for a year after the methodology's last edition: a team continuing the index runs
    #: it on the last era's rules, but the methodology's publisher never published it.
    continued: bool = False

    def uses(self, category: str) -> bool:
        return category in self.categories


@dataclass(frozen=True)
class ScoreRule:
    code: str
    name: str
    decimals: int
    rounding: str


@dataclass(frozen=True)
class PercentageRule:
    code: str
    name: str
    decimals: int
    introduced: int | None


@dataclass(frozen=True, eq=False)
class Methodology:
    code: str
    name: str
    publisher: str
    version: str
    description: str
    scale: Scale
    score: ScoreRule
    percentage: PercentageRule | None
    categories: Mapping[str, Category]
    editions: Mapping[int, Edition]
    bands: tuple[Band, ...]
    source: str = ""
    #: Presentation defaults for the web site (``[site]``: e.g. ``compare``, the countries the
    #: compare page starts with); data, so that no page names an index's countries.
    site: Mapping[str, Any] = field(default_factory=dict)
    #: How many countries each edition rated, where the methodology file records it
    #: (``[[coverage.rated]]``): the site says "8 of the 29 countries rated in 2018".
    rated: Mapping[int, int] = field(default_factory=dict)

    # -- editions -------------------------------------------------------------------------
    def edition(self, year: int | str) -> Edition:
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise UnknownEdition(f"edition {year!r} is not a year", field="edition") from None
        if y not in self.editions:
            years = sorted(self.editions)
            if years and years[-1] < y <= years[-1] + CONTINUATION_YEARS:
                return self.continued_edition(y)
            raise UnknownEdition(
                f"{self.name} has no {y} edition (editions: {_ranges(years)})", field="edition"
            )
        return self.editions[y]

    def continued_edition(self, year: int) -> Edition:
        """An edition after the methodology's last one, on its last era's rules (categories,
        their names, direction, coverage lag), marked ``continued``: a team that carries the
        index on rates it this way, and nothing pretends the publisher published it."""
        last = self.editions[max(self.editions)]
        if year <= last.year:
            raise UnknownEdition(f"{year} is not after {self.name}'s last edition ({last.year})",
                                 field="edition")
        lag = last.year - last.coverage_end.year
        note = (f"Not an edition of {self.publisher or self.name}: continues the rules of its "
                f"last edition ({last.label}).")
        return replace(last, year=year, label=str(year),
                       coverage_start=date(year - lag, 1, 1), coverage_end=date(year - lag, 12, 31),
                       note=note, continued=True)
    def edition_for(self, year: int) -> Edition | None:
        """The edition named ``year`` or whose label spans it (``2000`` → the edition labelled
        ``1999–2000``), else None: what a reader means by a year in a URL or a search."""
        if year in self.editions:
            return self.editions[year]
        for ed in self.editions.values():
            years = [int(y) for y in re.findall(r"\d{4}", ed.label)]
            if years and min(years) <= year <= max(years):
                return ed
        return None

    def countries_rated(self, year: int) -> int | None:
        """How many countries the edition rated, if the methodology file says."""
        return self.rated.get(year)

    def previous_edition(self, year: int) -> Edition | None:
        earlier = [y for y in self.editions if y < year]
        return self.editions[max(earlier)] if earlier else None

    # -- categories -----------------------------------------------------------------------
    def category(self, code: str) -> Category:
        try:
            return self.categories[code.upper()]
        except KeyError:
            raise InvalidRating(
                f"category {code!r} is not one of: {', '.join(self.categories)}", field="category"
            ) from None

    def category_name(self, code: str, edition: Edition | None = None) -> str:
        if edition is not None and code in edition.names:
            return edition.names[code]
        return self.category(code).name

    @property
    def _category_lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for cat in self.categories.values():
            for alias in (cat.code, cat.name, *cat.aliases):
                table[_norm(alias)] = cat.code
        for ed in self.editions.values():
            for code, name in ed.names.items():
                table.setdefault(_norm(name), code)
        return table

    def resolve_category(self, text: str) -> str:
        """A category code from a code, name or alias as reports print it ("civil society")."""
        lookup = _category_lookup(self)
        key = _norm(text)
        if key in lookup:
            return lookup[key]
        close = difflib.get_close_matches(key, list(lookup), n=3, cutoff=0.75)
        hint = f" Did you mean: {', '.join(lookup[c] for c in close)}?" if close else ""
        raise InvalidRating(
            f"category {text!r} is not one of: {', '.join(self.categories)}.{hint}", field="category"
        )

    # -- values ---------------------------------------------------------------------------
    def check_value(self, value: Fraction | str | float, *, field: str = "value") -> Fraction:
        """A rating value on the grid and in range, or :class:`InvalidRating` saying why."""
        v = frac(value) if not isinstance(value, Fraction) else value
        s = self.scale
        if not s.in_range(v):
            raise InvalidRating(
                f"{field} {fmt(v)} is out of range: ratings run from {fmt(s.min)} to {fmt(s.max)}",
                field=field,
            )
        if not s.on_grid(v):
            raise InvalidRating(
                f"{field} {plain(v)} is off the grid: ratings move in steps of {plain(s.step)} "
                f"(e.g. {fmt(s.min)}, {fmt(s.min + s.step)}, ...)",
                field=field,
            )
        return v

    def check_rating(self, year: int, category: str, value: Fraction | str | float) -> Fraction:
        """Validate a (edition, category, value) triple against this methodology."""
        ed = self.edition(year)
        code = self.category(category).code
        if not ed.uses(code):
            raise InvalidRating(
                f"the {ed.year} edition does not rate {code} ({self.category_name(code)}); "
                f"it rates: {', '.join(ed.categories)}",
                field="category",
            )
        return self.check_value(value)

    def to_direction(self, value: Fraction, source: Direction, target: Direction) -> Fraction:
        return self.scale.to_direction(value, source, target)

    def direction_label(self, direction: Direction) -> str:
        return self.scale.label(direction)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").replace(",", " ").split())


@cache
def _category_lookup(m: Methodology) -> dict[str, str]:
    return m._category_lookup


def year_ranges(years: Iterable[int]) -> str:
    """Years as compact ranges, as messages print them: ``1997–1999, 2001–2018``."""
    return _ranges(years)


@dataclass(frozen=True)
class Era:
    """A run of consecutive editions that share categories, their names, direction and note:
    how the methodology page and the docs tell the history (GOV split in 2005, the 2020
    inversion) without a year in the code."""

    first: Edition
    last: Edition
    editions: tuple[int, ...]

    @property
    def label(self) -> str:
        return self.first.label if self.first is self.last else f"{self.first.label} to {self.last.label}"


def eras(m: Methodology) -> list[Era]:
    """The methodology's editions grouped into eras (consecutive editions with the same
    categories, category names, direction and note)."""
    out: list[Era] = []
    for ed in m.editions.values():
        key = (ed.categories, dict(ed.names), ed.direction, ed.note)
        if out:
            last = out[-1].last
            if (last.categories, dict(last.names), last.direction, last.note) == key:
                out[-1] = Era(out[-1].first, ed, (*out[-1].editions, ed.year))
                continue
        out.append(Era(ed, ed, (ed.year,)))
    return out


def _ranges(years: Iterable[int]) -> str:
    ys = sorted(years)
    out: list[str] = []
    start = prev = ys[0]
    for y in [*ys[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(out)


# -- loading ---------------------------------------------------------------------------------


#: Bounds a methodology file must keep: every number is a plain decimal (no exponent, at most
#: :data:`~demoscope.numbers.MAX_NUMBER_LENGTH` characters), scale values are exact hundredths
#: (the store keeps hundredths) within ±``MAX_SCALE``, the grid has at most ``MAX_GRID``
#: steps, scores print with at most ``MAX_DECIMALS`` decimals, and a file is at most
#: ``MAX_FILE_BYTES``. Why: every command loads the methodology first, so a value outside
#: these would make each of them hang (``decimals = 100000000``) or print a wrong score
#: (``max = "1e999999"`` made every Democracy Percentage 100.00).
MAX_SCALE = Fraction(10**6)
MAX_GRID = 10_000
MAX_DECIMALS = 6
MAX_FILE_BYTES = 1024 * 1024
_YEARS = (1000, 9999)
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,15}")  # a category code (the store's column holds 16)
_INDEX_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")  # goes into style sheets: nothing else


class _Loader:
    """Reads one methodology file's parsed TOML, checking type and range of every value it
    takes; each failure is one :class:`MethodologyError` naming the file, the table and the
    key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, key: str | None = None) -> MethodologyError:
        return MethodologyError(message, where=self.source, field=key)

    def table(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"[{where}] must be a table")
        return value

    def tables(self, value: Any, where: str) -> list[Mapping[str, Any]]:
        if not isinstance(value, list):
            raise self.fail(f"{where} must be an array of tables ([[{where}]])")
        return [self.table(v, f"{where} #{i + 1}") for i, v in enumerate(value)]

    def need(self, mapping: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in mapping:
            raise self.fail(f"missing {key!r} in [{where}]", key)
        return mapping[key]

    def text(self, mapping: Mapping[str, Any], key: str, where: str, default: str | None = None,
             max_length: int = 200) -> str:
        value = mapping.get(key, default) if default is not None else self.need(mapping, key, where)
        if isinstance(value, int | float) and not isinstance(value, bool) and key == "version":
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(f"{key!r} in [{where}] must be a string", key)
        if len(value) > max_length:
            raise self.fail(f"{key!r} in [{where}] is longer than {max_length} characters", key)
        return value

    def texts(self, value: Any, key: str, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} in [{where}] must be an array of strings", key)
        return tuple(value)

    def number(self, value: Any, key: str, where: str) -> Fraction:
        """A plain decimal (a TOML string, integer or float) within ±MAX_SCALE."""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{key!r} in [{where}] must be a number", key)
        try:
            v = frac(value, field=key)
        except InvalidRating as exc:
            raise self.fail(f"[{where}] {exc.message}", key) from None
        if abs(v) > MAX_SCALE:
            raise self.fail(f"{key!r} in [{where}] is out of range (at most {MAX_SCALE} either "
                            "way)", key)
        return v

    def integer(self, value: Any, key: str, where: str, lo: int, hi: int) -> int:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
                and len(value.strip()) <= 4:
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(f"{key!r} in [{where}] must be a whole number", key)
        if not lo <= value <= hi:
            raise self.fail(f"{key!r} in [{where}] is {value}: it must be between {lo} and {hi}",
                            key)
        return value

    def pair(self, value: Any, key: str, where: str) -> tuple[Fraction, Fraction]:
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(f"{key!r} in [{where}] must be a pair [low, high]", key)
        lo, hi = (self.number(v, key, where) for v in value)
        if lo > hi:
            raise self.fail(f"{key!r} in [{where}] runs from {plain(lo)} down to {plain(hi)}", key)
        return lo, hi

    # -- the parts ------------------------------------------------------------------------
    def scale(self, data: Mapping[str, Any]) -> Scale:
        sc = self.table(self.need(data, "scale", "top level"), "scale")
        lo, hi, step = (self.number(self.need(sc, k, "scale"), k, "scale")
                        for k in ("min", "max", "step"))
        for key, v in (("min", lo), ("max", hi), ("step", step)):
            if (v * 100).denominator != 1:
                raise self.fail(f"{key!r} in [scale] has more than two decimals", key)
        if not (lo < hi and step > 0):
            raise self.fail("scale needs min < max and a positive step")
        steps = (hi - lo) / step
        if steps.denominator != 1:
            raise self.fail("scale needs a step that reaches max from min", "step")
        if steps > MAX_GRID:
            raise self.fail(f"the scale has {steps} steps: at most {MAX_GRID}", "step")
        return Scale(lo, hi, step)

    def score(self, data: Mapping[str, Any]) -> ScoreRule:
        sr = self.table(data.get("score", {}), "score")
        rule = ScoreRule(self.text(sr, "code", "score", "DS", 8), self.text(sr, "name", "score", "Score"),
                         self.integer(sr.get("decimals", 2), "decimals", "score", 0, MAX_DECIMALS),
                         self.text(sr, "rounding", "score", "half_up"))
        if rule.rounding != "half_up":
            raise self.fail(f"rounding {rule.rounding!r} not supported (half_up)", "rounding")
        return rule

    def percentage(self, data: Mapping[str, Any]) -> PercentageRule | None:
        if "percentage" not in data:
            return None
        pr = self.table(data["percentage"], "percentage")
        introduced = pr.get("introduced")
        return PercentageRule(
            self.text(pr, "code", "percentage", "DP", 8),
            self.text(pr, "name", "percentage", "Percentage"),
            self.integer(pr.get("decimals", 2), "decimals", "percentage", 0, MAX_DECIMALS),
            None if introduced is None else self.integer(introduced, "introduced", "percentage",
                                                         *_YEARS))

    def categories(self, data: Mapping[str, Any]) -> dict[str, Category]:
        cats: dict[str, Category] = {}
        for i, c in enumerate(self.tables(self.need(data, "categories", "top level"), "categories")):
            where = f"categories #{i + 1}"
            code = self.text(c, "code", where, max_length=16).upper()
            if not _CODE.fullmatch(code):
                raise self.fail(f"category code {code!r} must be a letter then letters, digits "
                                "or _ (at most 16)", "code")
            if code in cats:
                raise self.fail(f"category {code} defined twice", "code")
            weight = self.number(c.get("weight", 1), "weight", where)
            if weight <= 0:
                raise self.fail(f"'weight' in [{where}] must be positive", "weight")
            cats[code] = Category(code, self.text(c, "name", f"categories.{code}"),
                                  self.text(c, "covers", where, "", 4000),
                                  self.texts(c.get("aliases", []), "aliases", where), weight)
        if not cats:
            raise self.fail("the methodology has no categories", "categories")
        return cats

    def editions(self, data: Mapping[str, Any], cats: Mapping[str, Category]) -> dict[int, Edition]:
        coverage = self.table(data.get("coverage", {}), "coverage")
        lag = self.integer(coverage.get("lag_years", 1), "lag_years", "coverage", 0, 50)
        editions: dict[int, Edition] = {}
        for i, era in enumerate(self.tables(self.need(data, "eras", "top level"), "eras")):
            where = f"eras #{i + 1}"
            try:
                direction = Direction(self.need(era, "direction", where))
            except ValueError:
                raise self.fail(f"'direction' in [{where}] must be one of: "
                                f"{', '.join(d.value for d in Direction)}", "direction") from None
            codes = tuple(c.upper() for c in self.texts(self.need(era, "categories", where),
                                                        "categories", where))
            if not codes:
                raise self.fail(f"{where} rates no category", "categories")
            for code in codes:
                if code not in cats:
                    raise self.fail(f"{where} names unknown category {code}", "categories")
            names = {k.upper(): self.text(era["names"], k, f"{where}.names")
                     for k in self.table(era.get("names", {}), f"{where}.names")}
            labels = {self.integer(k, "labels", where, *_YEARS):
                      self.text(era["labels"], k, f"{where}.labels", max_length=32)
                      for k in self.table(era.get("labels", {}), f"{where}.labels")}
            years = self.need(era, "editions", where)
            if not isinstance(years, list):
                raise self.fail(f"'editions' in [{where}] must be an array of years", "editions")
            for year in years:
                y = self.integer(year, "editions", where, *_YEARS)
                if y in editions:
                    raise self.fail(f"edition {y} is in two eras", "editions")
                editions[y] = Edition(
                    y, labels.get(y, str(y)), direction, codes, names,
                    date(y - lag, 1, 1), date(y - lag, 12, 31),
                    self.text(era, "note", where, "", 4000),
                )
        if not editions:
            raise self.fail("the methodology has no editions", "eras")
        return dict(sorted(editions.items()))

    def rated(self, data: Mapping[str, Any], editions: Mapping[int, Edition]) -> dict[int, int]:
        """``[[coverage.rated]]``: how many countries editions ``first``..``last`` rated."""
        rated: dict[int, int] = {}
        cov = self.table(data.get("coverage", {}), "coverage")
        for i, r in enumerate(self.tables(cov.get("rated", []), "coverage.rated")):
            where = f"coverage.rated #{i + 1}"
            first = self.integer(self.need(r, "first", where), "first", where, *_YEARS)
            last = self.integer(self.need(r, "last", where), "last", where, *_YEARS)
            n = self.integer(self.need(r, "countries", where), "countries", where, 0, 10_000)
            rated.update({y: n for y in editions if first <= y <= last})
        return rated

    def bands(self, data: Mapping[str, Any], scale: Scale) -> tuple[Band, ...]:
        bands: list[Band] = []
        for i, b in enumerate(self.tables(data.get("bands", []), "bands")):
            where = f"bands #{i + 1}"
            ranges = {}
            for d in Direction:
                if d.value in b:
                    lo, hi = self.pair(b[d.value], d.value, where)
                    if lo < scale.min or hi > scale.max:
                        raise self.fail(f"{d.value!r} in [{where}] runs outside the scale "
                                        f"({plain(scale.min)}–{plain(scale.max)})", d.value)
                    ranges[d] = (lo, hi)
            pct = None
            if "percentage" in b:
                pct = self.pair(b["percentage"], "percentage", where)
                if pct[0] < 0 or pct[1] > 100:
                    raise self.fail(f"'percentage' in [{where}] runs outside 0–100", "percentage")
            names_by_dir = {}
            for k in self.table(b.get("names", {}), f"{where}.names"):
                try:
                    names_by_dir[Direction(k)] = self.text(b["names"], k, f"{where}.names")
                except ValueError:
                    raise self.fail(f"names in [{where}] are keyed by direction: "
                                    f"{', '.join(d.value for d in Direction)}", "names") from None
            colour = self.text(b, "colour", where, "#777777", 64)
            if not _COLOUR.fullmatch(colour):
                raise self.fail(f"'colour' in [{where}] must be #rgb or #rrggbb", "colour")
            bands.append(Band(self.text(b, "code", where, max_length=16), self.text(b, "name", where),
                              ranges, pct, names_by_dir, colour))
        return tuple(bands)


def parse_methodology(data: Mapping[str, Any], source: str = "<memory>") -> Methodology:
    """Build a :class:`Methodology` from the parsed TOML, validating every value as it goes
    (types, plain decimals, and the ranges above: no file makes a command hang or print a
    wrong score)."""
    load = _Loader(source)
    data = load.table(data, "top level")
    index = load.table(load.need(data, "index", "top level"), "index")
    code = load.text(index, "code", "index", "custom", 32)
    if not _INDEX_CODE.fullmatch(code):
        raise load.fail(f"index code {code!r} must be lower-case letters, digits, '_', '.' "
                        "or '-' (at most 32)", "code")
    scale = load.scale(data)
    cats = load.categories(data)
    site = load.table(data.get("site", {}), "site")
    if "compare" in site:
        load.texts(site["compare"], "compare", "site")
    for key in load.table(site.get("colours", {}), "site.colours"):
        if not _COLOUR.fullmatch(load.text(site["colours"], key, "site.colours", max_length=16)):
            raise load.fail(f"colour {key!r} in [site.colours] must be #rgb or #rrggbb", "colours")
    editions = load.editions(data, cats)
    return Methodology(
        code=code, name=load.text(index, "name", "index", "Custom index"),
        publisher=load.text(index, "publisher", "index", ""),
        version=load.text(index, "version", "index", "1", 32),
        description=load.text(index, "description", "index", "", 4000), scale=scale,
        score=load.score(data), percentage=load.percentage(data), categories=cats,
        editions=editions, bands=load.bands(data, scale), source=source,
        site=dict(site), rated=load.rated(data, editions),
    )


def builtin_methodologies() -> list[str]:
    """Names of the methodologies shipped in the package (``nit``)."""
    folder = resources.files("demoscope") / "methodologies"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


@cache
def load_methodology(name_or_path: str = "nit") -> Methodology:
    """A built-in methodology by name, or one from a TOML file path. Cached: it is immutable."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and (path.exists() or path.is_symlink()):
        raw, source = _read_file(path), str(path)
    else:
        res = resources.files("demoscope") / "methodologies" / f"{name_or_path}.toml"
        if not res.is_file():
            raise MethodologyError(
                f"no methodology {name_or_path!r}: built-in ones are {builtin_methodologies()}, "
                "or give a path to a .toml file"
            )
        raw, source = res.read_bytes(), f"demoscope/methodologies/{name_or_path}.toml"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MethodologyError(f"not valid TOML: {exc}", where=source) from exc
    except RecursionError:
        raise MethodologyError("not valid TOML: nested too deeply", where=source) from None
    return parse_methodology(data, source)


def _read_file(path: Path) -> bytes:
    """A methodology file's bytes: a regular file of at most MAX_FILE_BYTES (a FIFO or a
    device would block or never end)."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise MethodologyError(f"cannot read the file: {exc.strerror or exc}", where=str(path)
                               ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise MethodologyError("not a regular file", where=str(path))
        chunks = [os.read(fd, MAX_FILE_BYTES + 1)]
        got = len(chunks[0])
        while chunks[-1] and got <= MAX_FILE_BYTES:
            chunks.append(os.read(fd, MAX_FILE_BYTES + 1 - got))
            got += len(chunks[-1])
    except OSError as exc:
        raise MethodologyError(f"cannot read the file: {exc.strerror or exc}", where=str(path)
                               ) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        raise MethodologyError(f"the file is over {MAX_FILE_BYTES // 1024} KiB", where=str(path))
    return data


def nit() -> Methodology:
    """The built-in Nations in Transit methodology."""
    return load_methodology("nit")
