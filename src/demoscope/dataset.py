"""The built-in dataset: real published NIT ratings, read and checked row by row.

``data/nit_ratings.csv`` holds one row per country, edition, category (and ``DS`` for the
printed Democracy Score) with the value as printed and its source. Every row is validated
against the methodology when read, so a bad row is reported as ``file:line: field: reason``
instead of reaching the database.
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
from demoscope.methodology import Methodology, nit
from demoscope.numbers import frac

DATASET_FILE = "nit_ratings.csv"
DATASET_VERSION = "2026.11.1"
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

