"""Read queries as plain SQL, runnable on any DB-API-like reader.

Why not the ORM here: ``demoscope show`` must start in well under a second, and importing
SQLAlchemy alone costs more than that budget on a small machine. The same SQL runs through
stdlib ``sqlite3`` (for SQLite files, read-only) or through a SQLAlchemy connection (any
database, the web app), so there is one set of read queries, not two.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

Reader = Callable[[str, dict[str, Any]], list[tuple]]


def sqlite_reader(path: str) -> Reader:
    """A read-only reader on a SQLite file (opened with ``mode=ro``: it cannot write)."""
    import sqlite3
    from pathlib import Path

    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)

    def run(sql: str, params: dict[str, Any]) -> list[tuple]:
        return conn.execute(sql, params).fetchall()

    return run


def session_reader(session_or_conn: Any) -> Reader:
    """A reader over a SQLAlchemy ``Session`` or ``Connection``."""
    from sqlalchemy import text

    def run(sql: str, params: dict[str, Any]) -> list[tuple]:
        return [tuple(r) for r in session_or_conn.execute(text(sql), params).all()]

    return run


def reader_for_url(url: str) -> Reader:
    """The fastest reader for a database URL: stdlib sqlite3 for SQLite files, else SQLAlchemy."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return sqlite_reader(url.removeprefix("sqlite:///"))
    from sqlalchemy import text

    from demoscope.store.db import get_engine

    engine = get_engine(url)

    def run(sql: str, params: dict[str, Any]) -> list[tuple]:
        # a pooled connection per query: no transaction (and no lock) outlives the read
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params).all()]

    return run


def is_initialised(read: Reader) -> bool:
    try:
        read("SELECT 1 FROM ratings LIMIT 1", {})
    except Exception:
        return False
    return True


def country(read: Reader, iso3: str) -> tuple[str, str, str, str] | None:
    rows = read("SELECT iso3, name, region, subregion FROM countries WHERE iso3 = :iso3",
                {"iso3": iso3})
    return rows[0] if rows else None


def country_years(read: Reader, methodology: str, iso3: str) -> list[int]:
    """Editions in which the country has at least one rating, ascending."""
    rows = read(
        "SELECT DISTINCT e.year FROM ratings r JOIN editions e ON e.id = r.edition_id "
        "WHERE r.country_iso3 = :iso3 AND e.methodology = :m ORDER BY e.year",
        {"iso3": iso3, "m": methodology})
    return [r[0] for r in rows]


def row(read: Reader, methodology: str, iso3: str, year: int) -> dict[str, Fraction]:
    """``{category: value}`` of one country in one edition, on that edition's own scale."""
    rows = read(
        "SELECT r.category, r.value_x100 FROM ratings r JOIN editions e ON e.id = r.edition_id "
        "WHERE r.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y",
        {"iso3": iso3, "m": methodology, "y": year})
    return {c: Fraction(v, 100) for c, v in rows}


def published(read: Reader, methodology: str, iso3: str, year: int
              ) -> dict[str, tuple[Fraction, str | None]]:
    """Printed overall scores ``{code: (value, quirk)}`` of one country and edition."""
    rows = read(
        "SELECT p.code, p.value_x100, p.quirk FROM published_scores p "
        "JOIN editions e ON e.id = p.edition_id "
        "WHERE p.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y",
        {"iso3": iso3, "m": methodology, "y": year})
    return {c: (Fraction(v, 100), q) for c, v, q in rows}


def edition_rows(read: Reader, methodology: str, year: int) -> list[tuple[str, str, int]]:
    """Every rating of one edition: ``(iso3, category, value_x100)``."""
    return read(
        "SELECT r.country_iso3, r.category, r.value_x100 FROM ratings r "
        "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year = :y",
        {"m": methodology, "y": year})


def ratings_between(read: Reader, methodology: str, first: int, last: int,
                    iso3s: list[str] | None = None, categories: list[str] | None = None
                    ) -> list[tuple[str, str, int, str, int]]:
    """Ratings of editions ``first``..``last``, optionally of some countries and categories:
    ``(country name, iso3, year, category, value_x100)`` ordered by country, year, category."""
    where = ["e.methodology = :m", "e.year BETWEEN :lo AND :hi"]
    params: dict[str, Any] = {"m": methodology, "lo": first, "hi": last}
    for key, col, values in (("c", "r.country_iso3", iso3s), ("k", "r.category", categories)):
        if values:
            where.append(f"{col} IN (" + ", ".join(f":{key}{i}" for i in range(len(values))) + ")")
            params.update({f"{key}{i}": v for i, v in enumerate(values)})
    return read(
        "SELECT c.name, r.country_iso3, e.year, r.category, r.value_x100 FROM ratings r "
        "JOIN editions e ON e.id = r.edition_id JOIN countries c ON c.iso3 = r.country_iso3 "
        f"WHERE {' AND '.join(where)} ORDER BY r.country_iso3, e.year, r.category", params)
