"""A methodology as data: categories, scale, score rule, regime bands and editions.

Nations in Transit ships as ``methodologies/nit.toml``; a team defines its own index with a file
of the same shape and no code change. This module is the only place that reads edition ranges:
everything else asks an :class:`Edition` which categories it rates, what they are called and
which end of the scale is best.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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

    # -- editions -------------------------------------------------------------------------
    def edition(self, year: int | str) -> Edition:
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise UnknownEdition(f"edition {year!r} is not a year", field="edition") from None
        if y not in self.editions:
            years = sorted(self.editions)
            raise UnknownEdition(
                f"{self.name} has no {y} edition (editions: {_ranges(years)})", field="edition"
            )
        return self.editions[y]

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


def parse_methodology(data: Mapping[str, Any], source: str = "<memory>") -> Methodology:
    """Build a :class:`Methodology` from the parsed TOML, validating as it goes."""

    def need(mapping: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in mapping:
            raise MethodologyError(f"missing {key!r} in [{where}]", where=source, field=key)
        return mapping[key]

    try:
        index = need(data, "index", "top level")
        sc = need(data, "scale", "top level")
        scale = Scale(frac(need(sc, "min", "scale")), frac(need(sc, "max", "scale")),
                      frac(need(sc, "step", "scale")))
        if not (scale.min < scale.max and scale.step > 0 and scale.on_grid(scale.max)):
            raise MethodologyError("scale needs min < max and a step that reaches max", where=source)
        sr = data.get("score", {})
        score = ScoreRule(sr.get("code", "DS"), sr.get("name", "Score"), int(sr.get("decimals", 2)),
                          sr.get("rounding", "half_up"))
        if score.rounding != "half_up":
            raise MethodologyError(f"rounding {score.rounding!r} not supported (half_up)", where=source)
        pr = data.get("percentage")
        percentage = (
            PercentageRule(pr.get("code", "DP"), pr.get("name", "Percentage"),
                           int(pr.get("decimals", 2)), pr.get("introduced"))
            if pr else None
        )
        cats: dict[str, Category] = {}
        for i, c in enumerate(need(data, "categories", "top level")):
            code = need(c, "code", f"categories #{i + 1}").upper()
            if code in cats:
                raise MethodologyError(f"category {code} defined twice", where=source)
            cats[code] = Category(code, need(c, "name", f"categories.{code}"), c.get("covers", ""),
                                  tuple(c.get("aliases", ())), frac(c.get("weight", 1)))
        lag = int(data.get("coverage", {}).get("lag_years", 1))
        editions: dict[int, Edition] = {}
        for i, era in enumerate(need(data, "eras", "top level")):
            where = f"eras #{i + 1}"
            direction = Direction(need(era, "direction", where))
            codes = tuple(c.upper() for c in need(era, "categories", where))
            for code in codes:
                if code not in cats:
                    raise MethodologyError(f"{where} names unknown category {code}", where=source)
            names = {k.upper(): v for k, v in era.get("names", {}).items()}
            labels = {int(k): v for k, v in era.get("labels", {}).items()}
            for year in need(era, "editions", where):
                y = int(year)
                if y in editions:
                    raise MethodologyError(f"edition {y} is in two eras", where=source)
                editions[y] = Edition(
                    y, labels.get(y, str(y)), direction, codes, names,
                    date(y - lag, 1, 1), date(y - lag, 12, 31), era.get("note", ""),
                )
        bands: list[Band] = []
        for i, b in enumerate(data.get("bands", [])):
            where = f"bands #{i + 1}"
            ranges = {}
            for d in Direction:
                if d.value in b:
                    lo, hi = (frac(x) for x in b[d.value])
                    ranges[d] = (lo, hi)
            pct = None
            if "percentage" in b:
                p_lo, p_hi = (frac(x) for x in b["percentage"])
                pct = (p_lo, p_hi)
            names_by_dir = {Direction(k): v for k, v in b.get("names", {}).items()}
            bands.append(Band(need(b, "code", where), need(b, "name", where), ranges, pct,
                              names_by_dir, b.get("colour", "#777777")))
    except MethodologyError:
        raise
    except (ValueError, TypeError, KeyError, InvalidRating) as exc:
        raise MethodologyError(f"invalid methodology: {exc}", where=source) from exc
    return Methodology(
        code=index.get("code", "custom"), name=index.get("name", "Custom index"),
        publisher=index.get("publisher", ""), version=str(index.get("version", "1")),
        description=index.get("description", ""), scale=scale, score=score,
        percentage=percentage, categories=cats, editions=dict(sorted(editions.items())),
        bands=tuple(bands), source=source, site=dict(data.get("site", {})),
    )


def builtin_methodologies() -> list[str]:
    """Names of the methodologies shipped in the package (``nit``)."""
    folder = resources.files("demoscope") / "methodologies"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


@cache
def load_methodology(name_or_path: str = "nit") -> Methodology:
    """A built-in methodology by name, or one from a TOML file path. Cached: it is immutable."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        raw, source = path.read_bytes(), str(path)
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
    return parse_methodology(data, source)


def nit() -> Methodology:
    """The built-in Nations in Transit methodology."""
    return load_methodology("nit")
