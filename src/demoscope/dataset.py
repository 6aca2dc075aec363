"""The built-in dataset: real published NIT ratings, read and checked row by row.

``data/nit_ratings.csv`` holds one row per country, edition, category (and ``DS`` for the
printed Democracy Score) with the value as printed and its source. ``data/nit_pages_2018_2024.csv``
holds what the country pages of the 2018–2024 site print: headline values (Democracy Score,
Democracy Percentage, regime label) and each "Score changes" bullet, one row per printed item
(see :func:`read_page_items`). Every row is validated against the methodology when read, so a
bad row is reported as ``file:line: field: reason`` instead of reaching the database.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from demoscope.countries import CountryRegistry, registry
from demoscope.errors import DataError, DemoscopeError
from demoscope.methodology import Direction, Methodology, nit
from demoscope.numbers import frac
from demoscope.reconstruction import ChangeList, PrintedChange
from demoscope.scoring import band_by_label

DATASET_FILE = "nit_ratings.csv"
PAGES_FILE = "nit_pages_2018_2024.csv"
DATASET_VERSION = "2026.12.1"
REQUIRED_COLUMNS = ("country", "iso3", "year", "category", "value", "source_edition", "source_url")


@dataclass(frozen=True)
class Record:
    """One printed cell: a rating, or an overall score when ``category`` is the score code."""

    iso3: str
    country: str
    year: int
    category: str
    value: Fraction
    source_edition: int | None
    source_url: str
    also_printed_in: tuple[int, ...]
    line: int


def read_records(
    text: str, m: Methodology, countries: CountryRegistry, *, name: str = DATASET_FILE
) -> list[Record]:
    """Parse and validate a ratings CSV (the dataset's columns). Raises :class:`DataError`
    naming file, line and field for the first bad row; nothing is partially returned."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}", where=f"{name}:1")
    out: list[Record] = []
    seen: set[tuple[str, int, str]] = set()
    score_codes = {m.score.code} | ({m.percentage.code} if m.percentage else set())
    for i, row in enumerate(reader, start=2):
        where = f"{name}:{i}"
        field = "iso3"
        try:
            country = countries.find(row["iso3"] or "") or countries.find(row["country"] or "")
            if country is None:
                raise DataError(f"unknown country {row['country']!r} / {row['iso3']!r}")
            field = "year"
            year = int(row["year"])
            edition = m.edition(year)
            field = "category"
            cat = (row["category"] or "").strip().upper()
            field = "value"
            value = frac(row["value"])
            if cat == m.score.code and not m.scale.in_range(value):
                raise DataError(f"score {row['value']} is outside {m.scale.min}–{m.scale.max}")
            if cat in score_codes - {m.score.code} and not 0 <= value <= 100:
                raise DataError(f"percentage {row['value']} is outside 0–100")
            if cat not in score_codes:
                field = "category"
                m.check_rating(edition.year, cat, value)
            key = (country.iso3, year, cat)
            if key in seen:
                raise DataError(f"duplicate row for {country.iso3} {year} {cat}")
            seen.add(key)
            src = row.get("source_edition") or ""
            also = tuple(int(x) for x in (row.get("also_printed_in") or "").replace(";", " ").split())
        except DemoscopeError as exc:
            raise DataError(exc.message, where=where, field=exc.field or field) from None
        except (ValueError, TypeError) as exc:
            raise DataError(f"{field}: {exc}", where=where, field=field) from None
        out.append(Record(country.iso3, country.name, year, cat, value,
                          int(src) if src else None, row.get("source_url") or "", also, i))
    return out


@cache
def builtin_records() -> tuple[Record, ...]:
    """The shipped dataset, validated against the NIT methodology (cached)."""
    text = (resources.files("demoscope") / "data" / DATASET_FILE).read_text(encoding="utf-8")
    return tuple(read_records(text, nit(), registry(), name=f"demoscope/data/{DATASET_FILE}"))


@dataclass(frozen=True)
class DsQuirk:
    iso3: str
    year: int
    printed: Fraction
    note: str


@cache
def quirks() -> dict[tuple[str, int], DsQuirk]:
    """Printed Democracy Scores known not to follow from the printed ratings (source errors)."""
    raw = (resources.files("demoscope") / "data" / "quirks.toml").read_bytes()
    data = tomllib.loads(raw.decode())
    return {
        (q["iso3"], int(q["year"])): DsQuirk(q["iso3"], int(q["year"]), frac(q["printed"]), q["note"])
        for q in data.get("ds_mismatch", [])
    }



# -- the country pages of the 2018–2024 site ---------------------------------------------------

PAGE_COLUMNS = ("country", "iso3", "edition", "printed_scale", "item", "from_value", "to_value",
                "source_url")
#: The item that says a stored copy shows no "Score changes" bullet (the page said "No score
#: changes", or the copy was cut before its list: the file cannot tell which).
NO_BULLETS = "NO_CHANGE_BULLETS_IN_COPY"


@dataclass(frozen=True)
class PageItem:
    """One printed item of a country page, with its values converted to the edition's own
    scale (``printed_direction`` says how the page printed them: today's site shows the editions
    before 2020 on the 7-best scale, so a 2018 Democracy Score printed 4.04 is 3.96)."""

    iso3: str
    year: int
    item: str  # "score", "percentage", "regime", "change", "no_bullets"
    code: str | None  # the category or score code of a change
    before: Fraction | None
    after: Fraction | None
    regime: str | None
    printed_direction: Direction
    printed: str  # the values as the page prints them ("4.04", "5.75 → 5.50")
    source_url: str
    line: int


@dataclass(frozen=True)
class Headline:
    """Everything the page items say about one country-edition."""

    iso3: str
    year: int
    score: Fraction | None
    percentage: Fraction | None
    regime: str | None
    changes: tuple[PrintedChange, ...]
    change_list: ChangeList
    printed_direction: Direction
    source_url: str
    score_printed: str | None  # the Democracy Score as the page prints it, when converted
    line: int


def read_page_items(text: str, m: Methodology, countries: CountryRegistry, *,
                    name: str = PAGES_FILE) -> list[PageItem]:
    """Parse and validate the page items CSV. Raises :class:`DataError` naming file, line and
    field for the first bad row, and for a country-edition whose items contradict each other
    (a Democracy Score the Percentage does not give, a score bullet that ends elsewhere than the
    headline, bullets beside "no bullet in the copy") unless ``quirks.toml`` lists it."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PAGE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}", where=f"{name}:1")
    out: list[PageItem] = []
    seen: dict[tuple[str, int, str], int] = {}
    for i, row in enumerate(reader, start=2):
        field = "iso3"
        try:
            country = countries.find(row["iso3"] or "") or countries.find(row["country"] or "")
            if country is None:
                raise DataError(f"unknown country {row['country']!r} / {row['iso3']!r}")
            field = "edition"
            ed = m.edition(int(row["edition"]))
            field = "printed_scale"
            try:
                printed = m.scale.parse_direction((row["printed_scale"] or "").strip())
            except DemoscopeError as exc:
                raise DataError(exc.message, field=field) from None
            field = "source_url"
            url = (row["source_url"] or "").strip()
            if not url:
                raise DataError("no source address")
            field = "item"
            raw = (row["item"] or "").strip().upper()
            key = (country.iso3, ed.year, raw)
            if key in seen:
                raise DataError(f"duplicate item {raw} for {country.iso3} {ed.year} "
                                f"(first at line {seen[key]})")
            seen[key] = i
            item = _page_item(m, ed.year, ed.direction, raw, printed, row, i)
        except DemoscopeError as exc:
            raise DataError(exc.message, where=f"{name}:{i}", field=exc.field or field) from None
        except (ValueError, TypeError) as exc:
            raise DataError(f"{field}: {exc}", where=f"{name}:{i}", field=field) from None
        out.append(PageItem(country.iso3, ed.year, *item, printed, _printed(row), url, i))
    headlines(out, m, name=name)  # the cross-item checks
    return out


def _printed(row: dict[str, str]) -> str:
    a, b = (row.get("from_value") or "").strip(), (row.get("to_value") or "").strip()
    return f"{a} → {b}" if a else b


def _page_item(m: Methodology, year: int, own: Direction, raw: str, printed: Direction,
               row: dict[str, str], line: int
               ) -> tuple[str, str | None, Fraction | None, Fraction | None, str | None]:
    """(item, code, before, after, regime) of one row, values on the edition's own scale."""
    before_raw, after_raw = (row.get("from_value") or "").strip(), (row.get("to_value") or "").strip()

    def score(text: str, field: str) -> Fraction:
        v = frac(text)
        if not m.scale.in_range(v) or v.denominator not in (1, 2, 4, 5, 10, 20, 25, 50, 100):
            raise DataError(f"score {text} is not a two-decimal value in "
                            f"{m.scale.min}–{m.scale.max}", field=field)
        return m.to_direction(v, printed, own)

    def rating(code: str, text: str, field: str) -> Fraction:
        try:
            v = m.check_rating(year, code, frac(text))
        except DemoscopeError as exc:
            raise DataError(exc.message, field=field) from None
        return m.to_direction(v, printed, own)

    def none_but(*allowed: str) -> None:
        for col, value in (("from_value", before_raw), ("to_value", after_raw)):
            if value and col not in allowed:
                raise DataError(f"{raw} takes no {col} (got {value!r})", field=col)

    if raw == m.score.code:
        none_but("to_value")
        return "score", None, None, score(after_raw, "to_value"), None
    if m.percentage is not None and raw == m.percentage.code:
        none_but("to_value")
        v = frac(after_raw)
        if not 0 <= v <= 100:
            raise DataError(f"percentage {after_raw} is outside 0–100", field="to_value")
        return "percentage", None, None, v, None
    if raw == "REGIME":
        none_but("to_value")
        if band_by_label(m, after_raw) is None:
            raise DataError(f"regime {after_raw!r} is none of the methodology's regime types",
                            field="to_value")
        return "regime", None, None, None, " ".join(after_raw.split())
    if raw == NO_BULLETS:
        none_but()
        return "no_bullets", None, None, None, None
    if raw.startswith("CHANGE_"):
        code = raw.removeprefix("CHANGE_")
        if not after_raw:
            raise DataError(f"{raw} needs a to_value", field="to_value")
        if code == m.score.code:
            return ("change", code, score(before_raw, "from_value") if before_raw else None,
                    score(after_raw, "to_value"), None)
        m.category(code)
        return ("change", code, rating(code, before_raw, "from_value") if before_raw else None,
                rating(code, after_raw, "to_value"), None)
    raise DataError(f"item {raw!r} is not one of {m.score.code}, "
                    f"{m.percentage.code if m.percentage else ''}, REGIME, CHANGE_<CODE>, "
                    f"{NO_BULLETS}", field="item")


def headlines(items: list[PageItem], m: Methodology, *, name: str = PAGES_FILE
              ) -> dict[tuple[str, int], Headline]:
    """The items grouped per country-edition, checked against each other (see
    :func:`read_page_items`)."""
    grouped: dict[tuple[str, int], list[PageItem]] = {}
    for it in items:
        grouped.setdefault((it.iso3, it.year), []).append(it)
    known = headline_quirks()
    out: dict[tuple[str, int], Headline] = {}
    for (iso3, year), group in grouped.items():
        by = {it.item: it for it in group if it.item != "change"}
        changes = [it for it in group if it.item == "change"]
        first = min(it.line for it in group)
        if "no_bullets" in by and changes:
            raise DataError(f"{NO_BULLETS} beside {len(changes)} change bullet(s) for "
                            f"{iso3} {year}", where=f"{name}:{by['no_bullets'].line}", field="item")
        score = by["score"].after if "score" in by else None
        pct = by["percentage"].after if "percentage" in by else None
        ed = m.edition(year)
        if score is not None and pct is not None and (iso3, year) not in known:
            high = m.to_direction(score, ed.direction, Direction.HIGH_BEST)
            mean = pct / 100 * (m.scale.max - m.scale.min) + m.scale.min
            if abs(mean - high) > Fraction(1, 200) + Fraction(1, 20000) * (m.scale.max - m.scale.min):
                raise DataError(
                    f"{iso3} {year}: {m.score.name} {by['score'].printed} and "
                    f"{m.percentage.name if m.percentage else 'percentage'} {by['percentage'].printed} "
                    "contradict each other (list it in quirks.toml if the source prints both)",
                    where=f"{name}:{by['percentage'].line}", field="to_value")
        bullet = next((c for c in changes if c.code == m.score.code), None)
        if bullet is not None and score is not None and bullet.after != score \
                and (iso3, year) not in known:
            raise DataError(f"{iso3} {year}: the {m.score.name} change ends at {bullet.printed} "
                            f"but the headline prints {by['score'].printed}",
                            where=f"{name}:{bullet.line}", field="to_value")
        printed = group[0].printed_direction
        out[(iso3, year)] = Headline(
            iso3, year, score, pct, by["regime"].regime if "regime" in by else None,
            tuple(PrintedChange(c.code or "", c.before, c.after or Fraction(0)) for c in changes),
            "unknown" if "no_bullets" in by or not changes else "listed",
            printed, min(group, key=lambda it: it.line).source_url,
            by["score"].printed if "score" in by and printed is not ed.direction else None,
            first)
    return out


@cache
def builtin_page_items() -> tuple[PageItem, ...]:
    """The shipped page items, validated against the NIT methodology (cached)."""
    text = (resources.files("demoscope") / "data" / PAGES_FILE).read_text(encoding="utf-8")
    return tuple(read_page_items(text, nit(), registry(), name=f"demoscope/data/{PAGES_FILE}"))


@cache
def builtin_headlines() -> dict[tuple[str, int], Headline]:
    """The shipped page items per country-edition."""
    return headlines(list(builtin_page_items()), nit())


@cache
def headline_quirks() -> dict[tuple[str, int], str]:
    """Country-editions whose printed headline items contradict each other (source errors)."""
    raw = (resources.files("demoscope") / "data" / "quirks.toml").read_bytes()
    data = tomllib.loads(raw.decode())
    return {(q["iso3"], int(q["year"])): q["note"] for q in data.get("headline_mismatch", [])}
