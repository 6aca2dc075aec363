"""The read gateway: every SELECT demoscope runs is in this module.

A question about the stored data is one function here that takes a :class:`Reader` and returns
plain values (exact :class:`~fractions.Fraction` for ratings). Above it, :mod:`demoscope.read`
turns them into answers (scorecards, overviews, series) and the services read through the same
functions inside their write transaction (the lock makes those reads current).

Why raw SQL through a small ``Reader`` and not the ORM: ``demoscope show`` must start in well
under a second and importing SQLAlchemy alone costs a large part of that budget, so SQLite
files are read with the standard library's ``sqlite3`` (opened read-only) and only PostgreSQL
(or a write transaction) goes through SQLAlchemy. The same SQL runs on both.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from demoscope.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

Row = tuple[Any, ...]
_NO_PARAMS: Mapping[str, Any] = {}


class Reader(Protocol):
    """Runs one SELECT with named parameters (``:name``) and returns all rows."""

    dialect: str

    def __call__(self, sql: str, params: Mapping[str, Any], /) -> list[Row]: ...


class SqliteReader:
    """Read-only access to a SQLite file through the standard library, one connection per
    thread (a ``sqlite3`` connection belongs to the thread that opened it). Opened with
    ``mode=ro``: it cannot write. Each statement sees the last committed write."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import sqlite3

            if not self.path.exists():
                raise ConfigError(f"no database at sqlite:///{self.path}: "
                                  "run 'demoscope db init' first")
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            try:
                conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            except sqlite3.OperationalError:
                # A database in a read-only folder (a read-only medium, a shared mount) where
                # SQLite cannot create the WAL files it reads through: nobody can write it
                # there either, so it is read as immutable.
                if os.access(self.path.parent, os.W_OK):
                    raise
                conn.close()
                conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def __call__(self, sql: str, params: Mapping[str, Any], /) -> list[Row]:
        return self._conn().execute(sql, params).fetchall()


class EngineReader:
    """Reads through a pooled SQLAlchemy engine (PostgreSQL, or SQLite in memory): a pooled
    connection per query, so no transaction (and no lock) outlives the read."""

    def __init__(self, engine: Engine) -> None:
        from sqlalchemy import text

        self._text = text
        self.engine = engine
        self.dialect = engine.dialect.name

    def __call__(self, sql: str, params: Mapping[str, Any], /) -> list[Row]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(self._text(sql), dict(params)).all()]


class ConnectionReader:
    """Reads on one SQLAlchemy connection (a write transaction's: it sees its own writes)."""

    def __init__(self, conn: Connection) -> None:
        from sqlalchemy import text

        self._text = text
        self.conn = conn
        self.dialect = conn.dialect.name

    def __call__(self, sql: str, params: Mapping[str, Any], /) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(self._text(sql), dict(params)).all()]


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///PATH`` URL (None for other databases and in-memory SQLite)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return url.removeprefix("sqlite:///")
    return None


def reader_for_url(url: str) -> Reader:
    """The fastest reader for a database URL: stdlib sqlite3 for SQLite files, else a pooled
    SQLAlchemy engine."""
    path = sqlite_path(url)
    if path is not None:
        return SqliteReader(path)
    from demoscope.store.db import get_engine

    return EngineReader(get_engine(url))


def reader_for_engine(engine: Engine) -> Reader:
    """A reader over a service's engine, outside any write transaction (a pre-check that the
    transaction repeats under the lock)."""
    return EngineReader(engine)


def _in(name: str, values: Iterable[Any], params: dict[str, Any]) -> str:
    """``IN (:name0, :name1, ...)`` with the values added to ``params`` (both drivers bind
    named parameters; neither expands a list)."""
    vals = list(values)
    params.update({f"{name}{i}": v for i, v in enumerate(vals)})
    return "IN (" + ", ".join(f":{name}{i}" for i in range(len(vals))) + ")"


# -- the database itself ----------------------------------------------------------------------

def table_names(read: Reader) -> list[str]:
    """Names of the tables in the database (its current schema on PostgreSQL)."""
    if read.dialect == "sqlite":
        sql = ("SELECT name FROM sqlite_master WHERE type = 'table' "
               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return sorted(r[0] for r in read(sql, _NO_PARAMS))


def schema_revision(read: Reader) -> str | None:
    """The schema revision Alembic recorded (None: the table is there but empty)."""
    rows = read("SELECT version_num FROM alembic_version", _NO_PARAMS)
    return str(rows[0][0]) if rows else None


def is_initialised(read: Reader) -> bool:
    """Whether the schema exists (``demoscope db init`` has run)."""
    try:
        read("SELECT 1 FROM ratings LIMIT 1", {})
    except Exception:  # no such table, or a database that is not demoscope's
        return False
    return True


class DataVersion(NamedTuple):
    """Which data a database holds: the built-in dataset it was set up with and the serial
    number that every write transaction bumps. ``label`` (``2026.11.1+3``) is what exports and
    API responses carry. (A tuple: the web app reads and compares it on every request.)"""

    dataset: str
    serial: int

    @property
    def label(self) -> str:
        return f"{self.dataset or 'unknown'}+{self.serial}"


def data_version(read: Reader) -> DataVersion:
    """The database's data version (one row, read by every request of the web app)."""
    try:
        rows = read("SELECT dataset, serial FROM data_version WHERE id = 1", _NO_PARAMS)
    except ConfigError:
        raise
    except Exception as exc:  # no such table: a database set up by an older demoscope
        raise ConfigError(f"the database has no data version ({type(exc).__name__}): "
                          "run 'demoscope db upgrade'") from None
    if not rows:
        raise ConfigError("the database has no data version row: run 'demoscope db upgrade'")
    return DataVersion._make(rows[0])


# -- reference data ---------------------------------------------------------------------------

def methodology_codes(read: Reader) -> set[str]:
    """Codes of the methodologies the database holds."""
    return {r[0] for r in read("SELECT code FROM methodologies", {})}


def country_codes(read: Reader) -> list[str]:
    """ISO codes of the countries the database knows, sorted."""
    return [r[0] for r in read("SELECT iso3 FROM countries ORDER BY iso3", {})]


def has_country(read: Reader, iso3: str) -> bool:
    """Whether the database knows the country (ratings may only name known ones)."""
    return bool(read("SELECT 1 FROM countries WHERE iso3 = :iso3", {"iso3": iso3}))


def edition_ids(read: Reader, methodology: str) -> dict[int, int]:
    """``{edition year: edition id}`` of the methodology's editions in the database."""
    return {y: i for y, i in read("SELECT year, id FROM editions WHERE methodology = :m",
                                  {"m": methodology})}


# -- ratings ----------------------------------------------------------------------------------

def country_years(read: Reader, methodology: str, iso3: str) -> list[int]:
    """Editions in which the country has at least one rating, ascending."""
    rows = read(
        "SELECT DISTINCT e.year FROM ratings r JOIN editions e ON e.id = r.edition_id "
        "WHERE r.country_iso3 = :iso3 AND e.methodology = :m ORDER BY e.year",
        {"iso3": iso3, "m": methodology})
    return [r[0] for r in rows]


def editions_with_data(read: Reader, methodology: str) -> list[int]:
    """Editions with at least one rating, ascending."""
    rows = read("SELECT DISTINCT e.year FROM ratings r JOIN editions e ON e.id = r.edition_id "
                "WHERE e.methodology = :m ORDER BY e.year", {"m": methodology})
    return [r[0] for r in rows]


def row(read: Reader, methodology: str, iso3: str, year: int) -> dict[str, Fraction]:
    """``{category: value}`` of one country in one edition, on that edition's own scale."""
    rows = read(
        "SELECT r.category, r.value_x100 FROM ratings r JOIN editions e ON e.id = r.edition_id "
        "WHERE r.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y",
        {"iso3": iso3, "m": methodology, "y": year})
    return {c: Fraction(v, 100) for c, v in rows}


def country_rows(read: Reader, methodology: str, iso3: str) -> dict[int, dict[str, Fraction]]:
    """``{year: {category: value}}`` of one country in every edition with data."""
    out: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for year, cat, v in read(
            "SELECT e.year, r.category, r.value_x100 FROM ratings r JOIN editions e "
            "ON e.id = r.edition_id WHERE e.methodology = :m AND r.country_iso3 = :iso3 "
            "ORDER BY e.year", {"m": methodology, "iso3": iso3}):
        out[year][cat] = Fraction(v, 100)
    return dict(out)


def edition_rows(read: Reader, methodology: str, up_to: int = 9999,
                 iso3s: Iterable[str] | None = None) -> dict[int, dict[str, dict[str, Fraction]]]:
    """``{year: {iso3: {category: value}}}`` of every edition up to ``up_to`` (of some
    countries), on each edition's own scale, in one query."""
    params: dict[str, Any] = {"m": methodology, "y": up_to}
    sql = ("SELECT e.year, r.country_iso3, r.category, r.value_x100 FROM ratings r "
           "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year <= :y")
    codes = list(iso3s or ())
    if codes:
        sql += " AND r.country_iso3 " + _in("c", codes, params)
    out: dict[int, dict[str, dict[str, Fraction]]] = defaultdict(lambda: defaultdict(dict))
    for year, iso3, cat, v in read(sql, params):
        out[year][iso3][cat] = Fraction(v, 100)
    return {y: dict(rows) for y, rows in sorted(out.items())}


def _filters(methodology: str, first: int | None, last: int | None,
             iso3s: Iterable[str] | None, categories: Iterable[str] | None = None
             ) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (over ``ratings r`` joined to ``editions e``) and its parameters for
    editions ``first``..``last`` (either open) and optionally some countries and categories."""
    where = ["e.methodology = :m"]
    params: dict[str, Any] = {"m": methodology}
    if first is not None:
        where.append("e.year >= :lo")
        params["lo"] = first
    if last is not None:
        where.append("e.year <= :hi")
        params["hi"] = last
    codes, cats = list(iso3s or ()), [c.upper() for c in categories or ()]
    if codes:
        where.append("r.country_iso3 " + _in("c", codes, params))
    if cats:
        where.append("r.category " + _in("k", cats, params))
    return " AND ".join(where), params


class Rating(NamedTuple):
    """One stored rating, on its edition's own scale."""

    iso3: str
    year: int
    category: str
    value: Fraction


def ratings(read: Reader, methodology: str, *, first: int | None = None, last: int | None = None,
            iso3s: Iterable[str] | None = None, categories: Iterable[str] | None = None
            ) -> list[Rating]:
    """Ratings of editions ``first``..``last`` (inclusive; either open), optionally of some
    countries and categories, ordered by ISO code, edition and category code. The one query
    behind the exports, ``demoscope.load()`` and ``/api/v1/ratings``."""
    where, params = _filters(methodology, first, last, iso3s, categories)
    rows = read(
        "SELECT r.country_iso3, e.year, r.category, r.value_x100 FROM ratings r "
        f"JOIN editions e ON e.id = r.edition_id WHERE {where} "
        "ORDER BY r.country_iso3, e.year, r.category", params)
    return [Rating(i, y, c, Fraction(v, 100)) for i, y, c, v in rows]


def count_ratings(read: Reader) -> int:
    """How many ratings the database holds."""
    return int(read("SELECT COUNT(*) FROM ratings", {})[0][0])


def rated_years(read: Reader, methodology: str) -> dict[str, list[int]]:
    """``{iso3: [editions with ratings]}``, ascending."""
    out: dict[str, list[int]] = defaultdict(list)
    for iso3, year in read("SELECT DISTINCT r.country_iso3, e.year FROM ratings r JOIN editions e "
                           "ON e.id = r.edition_id WHERE e.methodology = :m ORDER BY e.year",
                           {"m": methodology}):
        out[iso3].append(year)
    return dict(out)


def edition_coverage(read: Reader, methodology: str) -> dict[int, dict[str, int]]:
    """``{year: {iso3: number of ratings}}`` of the editions with data."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for year, iso3, n in read(
            "SELECT e.year, r.country_iso3, COUNT(*) FROM ratings r JOIN editions e "
            "ON e.id = r.edition_id WHERE e.methodology = :m GROUP BY e.year, r.country_iso3",
            {"m": methodology}):
        out[year][iso3] = int(n)
    return dict(out)


def published(read: Reader, methodology: str, iso3: str, year: int
              ) -> dict[str, tuple[Fraction, str | None]]:
    """Printed overall scores ``{code: (value, quirk)}`` of one country and edition."""
    rows = read(
        "SELECT p.code, p.value_x100, p.quirk FROM published_scores p "
        "JOIN editions e ON e.id = p.edition_id "
        "WHERE p.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y",
        {"iso3": iso3, "m": methodology, "y": year})
    return {c: (Fraction(v, 100), q) for c, v, q in rows}


def stored_values(read: Reader) -> dict[tuple[str, int, str], int]:
    """Every stored rating ``{(iso3, edition id, category): hundredths}`` (loading a dataset
    compares against it in one query)."""
    return {(i, e, c): v for i, e, c, v in read(
        "SELECT country_iso3, edition_id, category, value_x100 FROM ratings", {})}


def stored_published(read: Reader) -> dict[tuple[str, int, str], int]:
    """Every printed score ``{(iso3, edition id, code): hundredths}``."""
    return {(i, e, c): v for i, e, c, v in read(
        "SELECT country_iso3, edition_id, code, value_x100 FROM published_scores", {})}


class Cell(NamedTuple):
    """A stored rating with what a write keeps or replaces."""

    id: int
    value: Fraction
    source: str
    source_url: str | None
    justification: str | None


def rating_cell(read: Reader, iso3: str, edition_id: int, category: str, *,
                for_update: bool = False) -> Cell | None:
    """One stored rating, or None. ``for_update`` (inside a write transaction) also locks the
    row on PostgreSQL (``SELECT … FOR UPDATE``); the transaction's write lock already
    serialises writers, the row lock keeps the cell safe should that ever be narrowed."""
    lock = " FOR UPDATE" if for_update and read.dialect == "postgresql" else ""
    rows = read("SELECT id, value_x100, source, source_url, justification FROM ratings "
                "WHERE country_iso3 = :iso3 AND edition_id = :e AND category = :c" + lock,
                {"iso3": iso3, "e": edition_id, "c": category})
    if not rows:
        return None
    i, v, s, u, j = rows[0]
    return Cell(i, Fraction(v, 100), s, u, j)


class Revision(NamedTuple):
    old: Fraction | None
    new: Fraction
    source: str
    justification: str | None
    changed_at: datetime | str


def revisions(read: Reader, methodology: str, iso3: str, year: int, category: str
              ) -> list[Revision]:
    """Every recorded change of one cell, oldest first (the chain replays to its value)."""
    rows = read(
        "SELECT v.old_value_x100, v.new_value_x100, v.source, v.justification, v.changed_at "
        "FROM rating_revisions v JOIN ratings r ON r.id = v.rating_id "
        "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year = :y "
        "AND r.country_iso3 = :iso3 AND r.category = :c ORDER BY v.id",
        {"m": methodology, "y": year, "iso3": iso3, "c": category})
    return [Revision(None if o is None else Fraction(o, 100), Fraction(n, 100), s, j, t)
            for o, n, s, j, t in rows]


# -- headline values, printed changes, reconstructed rows ---------------------------------------

class Published(NamedTuple):
    """A printed overall score (on the edition's own scale) and where it comes from."""

    value: Fraction
    quirk: str | None
    printed_direction: str | None  # the scale the source printed it on, when not the edition's
    source: str
    source_url: str | None


def published_scores(read: Reader, methodology: str, iso3s: Iterable[str] | None = None,
                     year: int | None = None) -> dict[tuple[str, int], dict[str, Published]]:
    """``{(iso3, year): {code: Published}}`` of every printed overall score (of some countries,
    of one edition)."""
    params: dict[str, Any] = {"m": methodology}
    sql = ("SELECT p.country_iso3, e.year, p.code, p.value_x100, p.quirk, p.printed_direction, "
           "p.source, p.source_url FROM published_scores p JOIN editions e ON e.id = p.edition_id "
           "WHERE e.methodology = :m")
    sql += _where_countries("p", iso3s, params) + _where_year(year, params)
    out: dict[tuple[str, int], dict[str, Published]] = defaultdict(dict)
    for iso3, y, code, v, quirk, printed, source, url in read(sql, params):
        out[(iso3, y)][code] = Published(Fraction(v, 100), quirk, printed, source, url)
    return dict(out)


class Headline(NamedTuple):
    """What a page prints about a country-edition besides its scores (see ``HeadlineRow``)."""

    regime: str | None
    printed_direction: str | None
    change_list: str
    source: str
    source_url: str | None


def headlines(read: Reader, methodology: str, iso3s: Iterable[str] | None = None,
              year: int | None = None) -> dict[tuple[str, int], Headline]:
    """``{(iso3, year): Headline}`` of the stored page headlines."""
    params: dict[str, Any] = {"m": methodology}
    sql = ("SELECT h.country_iso3, e.year, h.regime, h.printed_direction, h.change_list, "
           "h.source, h.source_url FROM headlines h JOIN editions e ON e.id = h.edition_id "
           "WHERE e.methodology = :m")
    sql += _where_countries("h", iso3s, params) + _where_year(year, params)
    return {(i, y): Headline(r, p, c, s, u) for i, y, r, p, c, s, u in read(sql, params)}


class PrintedChange(NamedTuple):
    code: str
    before: Fraction | None
    after: Fraction
    source_url: str | None


def printed_changes(read: Reader, methodology: str, iso3s: Iterable[str] | None = None,
                    year: int | None = None) -> dict[tuple[str, int], list[PrintedChange]]:
    """``{(iso3, year): [PrintedChange]}`` of the stored "Score changes" bullets (edition's own
    scale), in code order."""
    params: dict[str, Any] = {"m": methodology}
    sql = ("SELECT c.country_iso3, e.year, c.code, c.from_x100, c.to_x100, c.source_url "
           "FROM printed_changes c JOIN editions e ON e.id = c.edition_id WHERE e.methodology = :m")
    sql += _where_countries("c", iso3s, params) + _where_year(year, params) + " ORDER BY c.code"
    out: dict[tuple[str, int], list[PrintedChange]] = defaultdict(list)
    for iso3, y, code, before, after, url in read(sql, params):
        out[(iso3, y)].append(PrintedChange(code, None if before is None else Fraction(before, 100),
                                            Fraction(after, 100), url))
    return dict(out)


class Reconstructed(NamedTuple):
    """A reconstructed row: values on the edition's own scale, the full row it starts from and
    the provenance sentence every face shows beside it."""

    values: dict[str, Fraction]
    base_edition: int
    provenance: str


def reconstructed(read: Reader, methodology: str, iso3s: Iterable[str] | None = None,
                  year: int | None = None) -> dict[tuple[str, int], Reconstructed]:
    """``{(iso3, year): Reconstructed}`` (of some countries, of one edition)."""
    params: dict[str, Any] = {"m": methodology}
    sql = ("SELECT r.country_iso3, e.year, r.category, r.value_x100, r.base_edition, "
           "r.provenance FROM reconstructed_ratings r JOIN editions e ON e.id = r.edition_id "
           "WHERE e.methodology = :m")
    sql += _where_countries("r", iso3s, params) + _where_year(year, params)
    out: dict[tuple[str, int], Reconstructed] = {}
    for iso3, y, cat, v, base, prov in read(sql, params):
        got = out.setdefault((iso3, y), Reconstructed({}, base, prov))
        got.values[cat] = Fraction(v, 100)
    return out


class CoverageCounts(NamedTuple):
    """How much a database holds for one country-edition (what its status is made of)."""

    ratings: int
    reconstructed: int
    headline: bool  # a page headline (score, percentage or regime) is stored


def coverage_counts(read: Reader, methodology: str, iso3: str | None = None
                    ) -> dict[tuple[str, int], CoverageCounts]:
    """``{(iso3, year): CoverageCounts}`` of every country-edition with anything stored (of
    one country), in three grouped queries."""
    p: dict[str, Any] = {"m": methodology}
    one = ""
    if iso3 is not None:
        p["iso3"] = iso3
        one = " AND {}.country_iso3 = :iso3"
    rated = {(i, y): int(n) for i, y, n in read(
        "SELECT r.country_iso3, e.year, COUNT(*) FROM ratings r JOIN editions e "
        "ON e.id = r.edition_id WHERE e.methodology = :m" + one.format("r")
        + " GROUP BY r.country_iso3, e.year", p)}
    rebuilt = {(i, y): int(n) for i, y, n in read(
        "SELECT r.country_iso3, e.year, COUNT(*) FROM reconstructed_ratings r JOIN editions e "
        "ON e.id = r.edition_id WHERE e.methodology = :m" + one.format("r")
        + " GROUP BY r.country_iso3, e.year", p)}
    heads = {(i, y) for i, y in read(
        "SELECT h.country_iso3, e.year FROM headlines h JOIN editions e ON e.id = h.edition_id "
        "WHERE e.methodology = :m" + one.format("h"), p)}
    return {k: CoverageCounts(rated.get(k, 0), rebuilt.get(k, 0), k in heads)
            for k in set(rated) | set(rebuilt) | heads}


def _where_countries(alias: str, iso3s: Iterable[str] | None, params: dict[str, Any]) -> str:
    codes = list(iso3s or ())
    return f" AND {alias}.country_iso3 " + _in("c", codes, params) if codes else ""


def _where_year(year: int | None, params: dict[str, Any]) -> str:
    if year is None:
        return ""
    params["y"] = year
    return " AND e.year = :y"


def country_revisions(read: Reader, methodology: str, iso3: str) -> list[tuple[int, str, Revision]]:
    """Every recorded change of one country's ratings ``(edition, category, revision)``, by
    edition, category and time (corrections of published values among them)."""
    rows = read(
        "SELECT e.year, r.category, v.old_value_x100, v.new_value_x100, v.source, v.justification, "
        "v.changed_at FROM rating_revisions v JOIN ratings r ON r.id = v.rating_id "
        "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND r.country_iso3 = :iso3 "
        "ORDER BY e.year, r.category, v.id", {"m": methodology, "iso3": iso3})
    return [(y, c, Revision(None if o is None else Fraction(o, 100), Fraction(n, 100), s, j, t))
            for y, c, o, n, s, j, t in rows]


def edition_revisions(read: Reader, methodology: str, year: int, source: str,
                      iso3: str | None = None) -> list[tuple[str, str, Revision]]:
    """``(iso3, category, revision)`` of one edition's revisions with ``source`` (e.g. the
    workflow's corrections), of one country or all, oldest first."""
    params: dict[str, Any] = {"m": methodology, "y": year, "s": source}
    sql = ("SELECT r.country_iso3, r.category, v.old_value_x100, v.new_value_x100, v.source, "
           "v.justification, v.changed_at FROM rating_revisions v JOIN ratings r ON r.id = v.rating_id "
           "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND e.year = :y "
           "AND v.source = :s")
    if iso3 is not None:
        sql += " AND r.country_iso3 = :iso3"
        params["iso3"] = iso3
    return [(i, c, Revision(None if o is None else Fraction(o, 100), Fraction(n, 100), s, j, t))
            for i, c, o, n, s, j, t in read(sql + " ORDER BY v.id", params)]


# -- the assessment workflow --------------------------------------------------------------------

def utc(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back text without a zone)."""
    if value is None:
        return None
    from datetime import UTC

    t = datetime.fromisoformat(value) if isinstance(value, str) else value
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


class UserRecord(NamedTuple):
    id: int
    username: str
    role: str
    countries: tuple[str, ...]
    password_hash: str
    disabled: bool
    created_at: datetime | str


_USER_COLS = "id, username, role, countries, password_hash, disabled, created_at"


def _user(r: Row) -> UserRecord:
    i, u, role, countries, h, d, t = r
    return UserRecord(i, u, role, tuple(c for c in (countries or "").split(",") if c), h, bool(d), t)


def user_by_name(read: Reader, username: str) -> UserRecord | None:
    """The person called ``username`` (None: nobody)."""
    rows = read(f"SELECT {_USER_COLS} FROM users WHERE username = :u", {"u": username})
    return _user(rows[0]) if rows else None


def users(read: Reader) -> list[UserRecord]:
    """Every person, by name."""
    return [_user(r) for r in read(f"SELECT {_USER_COLS} FROM users ORDER BY username", {})]


class Credential(NamedTuple):
    user: UserRecord
    kind: str
    csrf: str
    expires_at: datetime | str


def credential(read: Reader, secret_hash: str) -> Credential | None:
    """The token or session with this secret's hash, with its person (expiry unchecked)."""
    rows = read(
        "SELECT u.id, u.username, u.role, u.countries, u.password_hash, u.disabled, u.created_at, "
        "c.kind, c.csrf, c.expires_at FROM credentials c JOIN users u ON u.id = c.user_id "
        "WHERE c.secret_hash = :h", {"h": secret_hash})
    if not rows:
        return None
    r = rows[0]
    return Credential(_user(r[:7]), r[7], r[8], r[9])


def recent_login_failures(read: Reader, username: str, limit: int) -> list[datetime | str]:
    """Times of the last ``limit`` failed logins for ``username``, newest first."""
    return [r[0] for r in read("SELECT at FROM login_failures WHERE username = :u "
                               "ORDER BY id DESC LIMIT :n", {"u": username, "n": limit})]


class AssessmentEdition(NamedTuple):
    id: int
    year: int
    state: str
    methodology_version: str
    direction: str
    opened_by: str
    opened_at: datetime | str
    published_at: datetime | str | None


_AED_COLS = "id, year, state, methodology_version, direction, opened_by, opened_at, published_at"


def assessment_edition(read: Reader, methodology: str, year: int, *, for_update: bool = False
                       ) -> AssessmentEdition | None:
    """An edition being assessed (or published through the workflow), or None."""
    lock = " FOR UPDATE" if for_update and read.dialect == "postgresql" else ""
    rows = read(f"SELECT {_AED_COLS} FROM assessment_editions WHERE methodology = :m "
                f"AND year = :y{lock}", {"m": methodology, "y": year})
    return AssessmentEdition._make(rows[0]) if rows else None


def assessment_editions(read: Reader, methodology: str) -> list[AssessmentEdition]:
    """Every edition the workflow opened, newest first."""
    return [AssessmentEdition._make(r) for r in read(
        f"SELECT {_AED_COLS} FROM assessment_editions WHERE methodology = :m ORDER BY year DESC",
        {"m": methodology})]


def assessment_versions(read: Reader, edition_id: int) -> dict[str, tuple[int, int]]:
    """``{iso3: (assessment id, version)}`` of an assessment edition's countries."""
    return {iso3: (i, v) for i, iso3, v in read(
        "SELECT id, country_iso3, version FROM assessments WHERE edition_id = :e "
        "ORDER BY country_iso3", {"e": edition_id})}


class CellRecord(NamedTuple):
    """One category of an assessment (values on the edition's own scale)."""

    previous: Fraction | None
    previous_edition: int | None
    starting: Fraction | None
    starting_edition: int | None
    starting_source: str | None  # None: a stored rating of starting_edition
    consensus: Fraction | None
    justification: str | None
    updated_by: str | None
    updated_at: datetime | str | None


def _f(v: int | None) -> Fraction | None:
    return None if v is None else Fraction(v, 100)


def assessment_cells(read: Reader, edition_id: int, iso3: str | None = None
                     ) -> dict[str, dict[str, CellRecord]]:
    """``{iso3: {category: cell}}`` of an assessment edition (one country, or all)."""
    params: dict[str, Any] = {"e": edition_id}
    sql = ("SELECT a.country_iso3, c.category, c.previous_x100, c.previous_edition, "
           "c.starting_x100, c.starting_edition, c.starting_source, c.consensus_x100, "
           "c.justification, c.updated_by, "
           "c.updated_at FROM assessment_cells c JOIN assessments a ON a.id = c.assessment_id "
           "WHERE a.edition_id = :e")
    if iso3 is not None:
        sql += " AND a.country_iso3 = :iso3"
        params["iso3"] = iso3
    out: dict[str, dict[str, CellRecord]] = defaultdict(dict)
    for i, cat, p, pe, s, se, src, c, j, by, at in read(sql, params):
        out[i][cat] = CellRecord(_f(p), pe, _f(s), se, src, _f(c), j, by, at)
    return dict(out)


class ProposalRecord(NamedTuple):
    """One proposal as made (a later one by the same person supersedes it, both are kept)."""

    id: int
    year: int
    iso3: str
    category: str
    username: str
    role: str
    value: Fraction
    justification: str
    at: datetime | str


def proposals(read: Reader, methodology: str, *, year: int | None = None,
              iso3: str | None = None, username: str | None = None) -> list[ProposalRecord]:
    """Every proposal ever made (history included), oldest first, optionally of one edition,
    country or person: the one query behind the assessment, the divergence view and the
    statistics of raters."""
    where = ["e.methodology = :m"]
    params: dict[str, Any] = {"m": methodology}
    for col, name, value in (("e.year", "y", year), ("a.country_iso3", "iso3", iso3),
                             ("p.username", "u", username)):
        if value is not None:
            where.append(f"{col} = :{name}")
            params[name] = value
    rows = read(
        "SELECT p.id, e.year, a.country_iso3, p.category, p.username, p.role, p.value_x100, "
        "p.justification, p.at FROM proposals p JOIN assessments a ON a.id = p.assessment_id "
        "JOIN assessment_editions e ON e.id = a.edition_id "
        f"WHERE {' AND '.join(where)} ORDER BY p.id", params)
    return [ProposalRecord(i, y, c, k, u, r, Fraction(v, 100), j, t)
            for i, y, c, k, u, r, v, j, t in rows]


class CommentRecord(NamedTuple):
    id: int
    category: str | None
    username: str
    role: str
    text: str
    at: datetime | str


def comments(read: Reader, edition_id: int, iso3: str) -> list[CommentRecord]:
    """Comments on one country of an assessment edition, oldest first."""
    return [CommentRecord._make(r) for r in read(
        "SELECT m.id, m.category, m.username, m.role, m.text, m.at FROM comments m "
        "JOIN assessments a ON a.id = m.assessment_id WHERE a.edition_id = :e "
        "AND a.country_iso3 = :iso3 ORDER BY m.id", {"e": edition_id, "iso3": iso3})]


def confirmations(read: Reader, edition_id: int) -> dict[str, dict[str, Fraction]]:
    """``{iso3: {code: last value confirmed}}`` of an assessment edition."""
    out: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for iso3, code, v in read(
            "SELECT a.country_iso3, c.code, c.value_x100 FROM confirmations c "
            "JOIN assessments a ON a.id = c.assessment_id WHERE a.edition_id = :e ORDER BY c.id",
            {"e": edition_id}):
        out[iso3][code] = Fraction(v, 100)
    return dict(out)


class ConsensusRevision(NamedTuple):
    iso3: str
    category: str
    old: Fraction | None
    new: Fraction
    justification: str | None
    version: int
    username: str
    at: datetime | str


def consensus_revisions(read: Reader, edition_id: int, iso3: str | None = None
                        ) -> list[ConsensusRevision]:
    """Every accepted consensus write of an assessment edition, oldest first."""
    params: dict[str, Any] = {"e": edition_id}
    sql = ("SELECT a.country_iso3, r.category, r.old_x100, r.new_x100, r.justification, r.version, "
           "r.username, r.at FROM consensus_revisions r JOIN assessments a ON a.id = r.assessment_id "
           "WHERE a.edition_id = :e")
    if iso3 is not None:
        sql += " AND a.country_iso3 = :iso3"
        params["iso3"] = iso3
    return [ConsensusRevision(i, c, _f(o), Fraction(n, 100), j, v, u, t)
            for i, c, o, n, j, v, u, t in read(sql + " ORDER BY r.id", params)]


class DraftRecord(NamedTuple):
    version: int
    parts: str  # JSON
    footnotes: str  # JSON
    username: str
    at: datetime | str


def report_drafts(read: Reader, edition_id: int, iso3: str, *, latest: bool = True
                  ) -> list[DraftRecord]:
    """The report draft's versions of one country, newest first (only the newest: ``latest``)."""
    rows = read(
        "SELECT d.version, d.parts, d.footnotes, d.username, d.at FROM report_drafts d "
        "JOIN assessments a ON a.id = d.assessment_id WHERE a.edition_id = :e "
        "AND a.country_iso3 = :iso3 ORDER BY d.version DESC" + (" LIMIT 1" if latest else ""),
        {"e": edition_id, "iso3": iso3})
    return [DraftRecord._make(r) for r in rows]


def draft_authors(read: Reader, edition_id: int, iso3: str) -> list[str]:
    """Who wrote versions of a country's report draft, first contribution first."""
    rows = read(
        "SELECT d.username, MIN(d.version) FROM report_drafts d JOIN assessments a "
        "ON a.id = d.assessment_id WHERE a.edition_id = :e AND a.country_iso3 = :iso3 "
        "GROUP BY d.username ORDER BY MIN(d.version)", {"e": edition_id, "iso3": iso3})
    return [r[0] for r in rows]


class AuditRecord(NamedTuple):
    id: int
    at: datetime | str
    username: str
    action: str
    object: str
    edition: int | None
    iso3: str | None
    before: str | None
    after: str | None


def audit_entries(read: Reader, *, edition: int | None = None, iso3: str | None = None,
                  username: str | None = None, limit: int | None = None, offset: int = 0
                  ) -> list[AuditRecord]:
    """Audit log entries, oldest first, optionally of one edition, country or person."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    for col, name, value in (("edition", "e", edition), ("iso3", "i", iso3),
                             ("username", "u", username)):
        if value is not None:
            where.append(f"{col} = :{name}")
            params[name] = value
    page = " LIMIT :n OFFSET :o" if limit is not None else ""
    if limit is not None:
        params.update(n=limit, o=offset)
    return [AuditRecord._make(r) for r in read(
        "SELECT id, at, username, action, object, edition, iso3, before, after FROM audit_log "
        f"WHERE {' AND '.join(where)} ORDER BY id{page}", params)]
# -- the readers' site: coverage, published headline scores, sources -------------------------

def published_by_edition(read: Reader, methodology: str, year: int | None = None,
                         iso3: str | None = None) -> dict[int, dict[str, dict[str, Fraction]]]:
    """``{year: {iso3: {code: value}}}`` of every printed overall score (DS, DP), on each
    edition's own scale; of one edition or country when given. The site shows a printed
    score where the categories are incomplete and counts the country-editions it covers."""
    params: dict[str, Any] = {"m": methodology}
    sql = ("SELECT e.year, p.country_iso3, p.code, p.value_x100 FROM published_scores p "
           "JOIN editions e ON e.id = p.edition_id WHERE e.methodology = :m")
    if year is not None:
        sql += " AND e.year = :y"
        params["y"] = year
    if iso3 is not None:
        sql += " AND p.country_iso3 = :iso3"
        params["iso3"] = iso3
    out: dict[int, dict[str, dict[str, Fraction]]] = defaultdict(lambda: defaultdict(dict))
    for y, iso3, code, v in read(sql, params):
        out[y][iso3][code] = Fraction(v, 100)
    return {y: dict(rows) for y, rows in sorted(out.items())}


class CellSource(NamedTuple):
    """Where a stored value came from, and the reason given for it."""

    category: str
    source: str
    source_url: str | None
    source_edition: int | None
    justification: str | None


def row_sources(read: Reader, methodology: str, iso3: str, year: int) -> list[CellSource]:
    """Source, URL and justification of each stored rating and printed score of one
    country-edition (ratings first, in category code order)."""
    params = {"iso3": iso3, "m": methodology, "y": year}
    rated = read(
        "SELECT r.category, r.source, r.source_url, r.source_edition, r.justification "
        "FROM ratings r JOIN editions e ON e.id = r.edition_id "
        "WHERE r.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y "
        "ORDER BY r.category", params)
    printed = read(
        "SELECT p.code, p.source, p.source_url, p.source_edition, NULL FROM published_scores p "
        "JOIN editions e ON e.id = p.edition_id "
        "WHERE p.country_iso3 = :iso3 AND e.methodology = :m AND e.year = :y ORDER BY p.code",
        params)
    return [CellSource(*r) for r in (*rated, *printed)]


def source_urls(read: Reader, methodology: str) -> dict[tuple[str, int], str]:
    """``{(iso3, year): source URL}`` of every country-edition: the URL most of its stored
    values cite (the downloads carry one source per row)."""
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for table, col in (("ratings", "r"), ("published_scores", "r")):
        for iso3, year, url, n in read(
                f"SELECT {col}.country_iso3, e.year, {col}.source_url, COUNT(*) FROM {table} {col} "
                f"JOIN editions e ON e.id = {col}.edition_id WHERE e.methodology = :m "
                f"AND {col}.source_url IS NOT NULL GROUP BY {col}.country_iso3, e.year, {col}.source_url",
                {"m": methodology}):
            counts[(iso3, year)][url] += int(n)
    return {k: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for k, v in counts.items()}




class Provenance(NamedTuple):
    """Where a stored rating comes from and why it is what it is: what a published report
    and the API cite for each value and each change."""

    source: str
    source_url: str | None
    justification: str | None


def provenance(read: Reader, methodology: str, *, first: int | None = None,
               last: int | None = None, iso3s: Iterable[str] | None = None
               ) -> dict[tuple[str, int, str], Provenance]:
    """``{(iso3, edition, category): Provenance}`` of the ratings of editions
    ``first``..``last`` (inclusive; either open), optionally of some countries."""
    where, params = _filters(methodology, first, last, iso3s)
    rows = read("SELECT r.country_iso3, e.year, r.category, r.source, r.source_url, "
                "r.justification FROM ratings r JOIN editions e ON e.id = r.edition_id "
                f"WHERE {where}", params)
    return {(i, y, c): Provenance(s or "", u, j) for i, y, c, s, u, j in rows}

class SourcedRating(NamedTuple):
    """A stored rating with its provenance (a data release prints both)."""

    iso3: str
    year: int
    category: str
    value: Fraction
    source: str
    source_url: str | None
    justification: str | None


def sourced_ratings(read: Reader, methodology: str, *, last: int | None = None
                    ) -> list[SourcedRating]:
    """Every rating of the editions up to ``last`` with its provenance, ordered by ISO code,
    edition and category code: the rows of a data release."""
    where, params = _filters(methodology, None, last, None)
    rows = read(
        "SELECT r.country_iso3, e.year, r.category, r.value_x100, r.source, r.source_url, "
        "r.justification FROM ratings r JOIN editions e ON e.id = r.edition_id "
        f"WHERE {where} ORDER BY r.country_iso3, e.year, r.category", params)
    return [SourcedRating(i, y, c, Fraction(v, 100), s or "", u, j)
            for i, y, c, v, s, u, j in rows]


# -- estimates: the calibration aid ----------------------------------------------------------


def rating_justifications(read: Reader, methodology: str, category: str
                          ) -> dict[tuple[str, int], tuple[str, str]]:
    """``{(iso3, year): (source, justification)}`` of the stored ratings of one category that
    carry a justification: the calibration aid shows them beside comparable values."""
    return {(iso3, year): (source or "", text) for iso3, year, source, text in read(
        "SELECT r.country_iso3, e.year, r.source, r.justification FROM ratings r "
        "JOIN editions e ON e.id = r.edition_id WHERE e.methodology = :m AND r.category = :k "
        "AND r.justification IS NOT NULL AND r.justification <> '' "
        "ORDER BY r.country_iso3, e.year", {"m": methodology, "k": category})}
