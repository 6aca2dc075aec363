"""Repository functions: the only code that reads and writes the ratings tables.

Values cross this boundary as :class:`~fractions.Fraction` on the edition's own scale; the
tables hold exact integers of hundredths. Functions take a session and never commit: the
caller's :func:`~demoscope.store.db.session_scope` makes each command one transaction.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from demoscope.countries import CountryRegistry
from demoscope.errors import (
    ConflictError,
    DemoscopeError,
    InvalidRating,
    NotFound,
    UnknownCountry,
)
from demoscope.methodology import Direction, Methodology, fmt
from demoscope.store import queries
from demoscope.store.models import (
    CountryRow,
    EditionCategoryRow,
    EditionRow,
    MethodologyRow,
    PublishedScoreRow,
    RatingRevisionRow,
    RatingRow,
)

Progress = Callable[[int, int], None]


def x100(value: Fraction) -> int:
    """Exact hundredths of a value (6.25 → 625); refuses anything finer."""
    scaled = value * 100
    if scaled.denominator != 1:
        raise InvalidRating(f"{float(value)} has more than two decimals", field="value")
    return scaled.numerator


def from_x100(n: int) -> Fraction:
    return Fraction(n, 100)


# -- reference data -------------------------------------------------------------------------


def sync_reference(session: Session, m: Methodology, countries: CountryRegistry,
                   definition: str = "") -> dict[int, int]:
    """Make the methodology, its editions and categories, and the countries present.

    Idempotent: existing rows are left as they are (a team may have renamed a region), missing
    ones are added. Returns ``{edition year: edition id}``.
    """
    if session.get(MethodologyRow, m.code) is None:
        session.add(MethodologyRow(code=m.code, name=m.name, version=m.version,
                                   definition=definition))
    have = set(session.scalars(select(CountryRow.iso3)))
    for c in countries:
        if c.iso3 not in have:
            session.add(CountryRow(iso3=c.iso3, name=c.name, region=c.region, subregion=c.subregion))
    existing = {e.year: e for e in session.scalars(
        select(EditionRow).where(EditionRow.methodology == m.code))}
    s = m.scale
    for ed in m.editions.values():
        if ed.year in existing:
            continue
        row = EditionRow(methodology=m.code, year=ed.year, label=ed.label,
                         coverage_start=ed.coverage_start, coverage_end=ed.coverage_end,
                         direction=ed.direction.value, methodology_version=m.version)
        row.categories = [
            EditionCategoryRow(category=c, name=m.category_name(c, ed), scale_min_x100=x100(s.min),
                               scale_max_x100=x100(s.max), step_x100=x100(s.step))
            for c in ed.categories
        ]
        session.add(row)
    session.flush()
    return edition_ids(session, m)


def edition_ids(session: Session, m: Methodology) -> dict[int, int]:
    rows = session.execute(select(EditionRow.year, EditionRow.id)
                           .where(EditionRow.methodology == m.code))
    return {y: i for y, i in rows}


def _edition_id(session: Session, m: Methodology, year: int) -> int:
    ed = m.edition(year)  # raises UnknownEdition with the list of editions
    ids = edition_ids(session, m)
    if ed.year not in ids:
        raise NotFound(f"the database has no {ed.year} edition: run 'demoscope db init'")
    return ids[ed.year]


# -- loading the dataset --------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a load did: rows added, rows already there, rows where the database differs."""

    added: int = 0
    unchanged: int = 0
    differing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.unchanged + len(self.differing)


def load_records(session: Session, m: Methodology, records: Iterable, *, source: str,
                 progress: Progress | None = None) -> LoadResult:
    """Insert dataset records that are not in the database yet (bulk, one round trip per table).

    A record whose cell the database already holds with another value is *not* overwritten:
    someone may have corrected it with ``demoscope rate``; it is listed in ``differing``.
    """
    recs = list(records)
    ids = edition_ids(session, m)
    s = m.scale
    scale_cols = {"scale_min_x100": x100(s.min), "scale_max_x100": x100(s.max),
                  "step_x100": x100(s.step)}
    have_r = {(iso, eid, cat): v for iso, eid, cat, v in session.execute(
        select(RatingRow.country_iso3, RatingRow.edition_id, RatingRow.category,
               RatingRow.value_x100))}
    have_p = {(iso, eid, code): v for iso, eid, code, v in session.execute(
        select(PublishedScoreRow.country_iso3, PublishedScoreRow.edition_id,
               PublishedScoreRow.code, PublishedScoreRow.value_x100))}
    score_codes = {m.score.code} | ({m.percentage.code} if m.percentage else set())
    from demoscope.dataset import quirks

    q = quirks()
    new_r: list[dict] = []
    new_p: list[dict] = []
    result = LoadResult()
    for i, r in enumerate(recs):
        eid = ids[r.year]
        key = (r.iso3, eid, r.category)
        v = x100(r.value)
        have = have_p if r.category in score_codes else have_r
        if key in have:
            if have[key] == v:
                result.unchanged += 1
            else:
                result.differing.append(
                    f"{r.iso3} {r.year} {r.category}: database {fmt(from_x100(have[key]))}, "
                    f"dataset {fmt(r.value)}")
        elif r.category in score_codes:
            quirk = q.get((r.iso3, r.year))
            new_p.append({"country_iso3": r.iso3, "edition_id": eid, "code": r.category,
                          "value_x100": v, "source": source, "source_url": r.source_url,
                          "source_edition": r.source_edition,
                          "quirk": quirk.note if quirk and r.category == m.score.code else None})
            result.added += 1
        else:
            new_r.append({"country_iso3": r.iso3, "edition_id": eid, "category": r.category,
                          "value_x100": v, **scale_cols, "source": source,
                          "source_url": r.source_url, "source_edition": r.source_edition})
            result.added += 1
        if progress and (i % 500 == 0 or i == len(recs) - 1):
            progress(i + 1, len(recs))
    if new_r:
        session.execute(insert(RatingRow), new_r)
    if new_p:
        session.execute(insert(PublishedScoreRow), new_p)
    return result


def init_database(engine: Engine, m: Methodology, countries: CountryRegistry,
                  progress: Progress | None = None) -> LoadResult:
    """Create or migrate the schema and load the built-in dataset; safe to run again."""
    from importlib import resources

    from demoscope.dataset import builtin_records
    from demoscope.store.db import migrate, session_scope

    migrate(engine)
    definition = ""
    res = resources.files("demoscope") / "methodologies" / f"{m.code}.toml"
    if res.is_file():
        definition = res.read_text(encoding="utf-8")
        tomllib.loads(definition)  # it parsed once already; this keeps the stored copy honest
    with session_scope(engine) as session:
        sync_reference(session, m, countries, definition)
        return load_records(session, m, builtin_records(), source="built-in dataset",
                            progress=progress)


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingFact:
    """One rating as stored, with its provenance."""

    iso3: str
    country: str
    year: int
    category: str
    value: Fraction  # on the edition's own scale
    direction: Direction
    source: str
    source_url: str | None
    justification: str | None


def ratings(session: Session, m: Methodology, *, iso3: Iterable[str] | None = None,
            first: int | None = None, last: int | None = None,
            categories: Iterable[str] | None = None) -> list[RatingFact]:
    """Ratings, filtered, ordered by country, edition and the methodology's category order."""
    q = (select(RatingRow.country_iso3, CountryRow.name, EditionRow.year, RatingRow.category,
                RatingRow.value_x100, EditionRow.direction, RatingRow.source,
                RatingRow.source_url, RatingRow.justification)
         .join(EditionRow, EditionRow.id == RatingRow.edition_id)
         .join(CountryRow, CountryRow.iso3 == RatingRow.country_iso3)
         .where(EditionRow.methodology == m.code))
    if iso3 is not None:
        q = q.where(RatingRow.country_iso3.in_(list(iso3)))
    if first is not None:
        q = q.where(EditionRow.year >= first)
    if last is not None:
        q = q.where(EditionRow.year <= last)
    if categories is not None:
        q = q.where(RatingRow.category.in_([c.upper() for c in categories]))
    order = {c: i for i, c in enumerate(m.categories)}
    facts = [RatingFact(a, b, y, c, from_x100(v), Direction(d), s, u, j)
             for a, b, y, c, v, d, s, u, j in session.execute(q)]
    facts.sort(key=lambda f: (f.country, f.year, order.get(f.category, 99)))
    return facts


def row(session: Session, m: Methodology, iso3: str, year: int) -> dict[str, Fraction]:
    """One country's ratings in one edition, ``{category: value}`` on the edition's scale."""
    return queries.row(queries.session_reader(session), m.code, iso3, m.edition(year).year)


def published_scores(session: Session, m: Methodology, iso3: str, year: int
                     ) -> dict[str, tuple[Fraction, str | None]]:
    """Printed overall scores ``{code: (value, quirk note)}`` for one country and edition."""
    return queries.published(queries.session_reader(session), m.code, iso3, m.edition(year).year)


def country_years(session: Session, m: Methodology, iso3: str) -> list[int]:
    """Editions in which the country has at least one rating, ascending."""
    return queries.country_years(queries.session_reader(session), m.code, iso3)


def countries(session: Session) -> list[CountryRow]:
    return list(session.scalars(select(CountryRow).order_by(CountryRow.name)))


def country(session: Session, iso3: str) -> CountryRow:
    found = session.get(CountryRow, iso3)
    if found is None:
        raise UnknownCountry(iso3)
    return found


@dataclass(frozen=True)
class EditionSummary:
    year: int
    label: str
    direction: Direction
    categories: tuple[str, ...]
    countries: tuple[str, ...]  # ISO codes with ratings in the database
    ratings: int


def editions(session: Session, m: Methodology) -> list[EditionSummary]:
    """Every edition of the methodology with what the database holds for it."""
    from sqlalchemy import func

    counts: dict[int, int] = dict(session.execute(
        select(RatingRow.edition_id, func.count()).group_by(RatingRow.edition_id)).all())
    rated: dict[int, set[str]] = {}
    for eid, iso in session.execute(select(RatingRow.edition_id, RatingRow.country_iso3).distinct()):
        rated.setdefault(eid, set()).add(iso)
    ids = edition_ids(session, m)
    out = []
    for ed in m.editions.values():
        eid = ids.get(ed.year)
        out.append(EditionSummary(ed.year, ed.label, ed.direction, ed.categories,
                                  tuple(sorted(rated.get(eid, ()))), counts.get(eid, 0)))
    return out


# -- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingChange:
    iso3: str
    year: int
    category: str
    old: Fraction | None
    new: Fraction
    previous_edition_value: Fraction | None


def set_rating(session: Session, m: Methodology, iso3: str, year: int, category: str,
               value: Fraction, *, justification: str | None, source: str,
               require_justification: bool = True, source_url: str | None = None,
               overwrite: bool = True) -> RatingChange:
    """Record one rating, keeping the old value in ``rating_revisions``.

    Method rule: every change from the previous edition is explained, so a value that differs
    from the country's rating in the previous edition needs a justification. With
    ``overwrite=False`` a different existing value raises :class:`ConflictError` instead.
    """
    ed = m.edition(year)
    cat = m.category(category).code
    value = m.check_rating(ed.year, cat, value)
    country(session, iso3)
    eid = _edition_id(session, m, ed.year)
    prev_val: Fraction | None = None
    prev = m.previous_edition(ed.year)
    if prev is not None and prev.uses(cat):
        prev_val = row(session, m, iso3, prev.year).get(cat)
        if prev_val is not None:
            prev_val = m.to_direction(prev_val, prev.direction, ed.direction)
    if (require_justification and prev_val is not None and prev_val != value
            and not (justification and justification.strip())):
        raise InvalidRating(
            f"{iso3} {cat} changes from {fmt(prev_val)} ({prev.year}) to {fmt(value)}: "  # type: ignore[union-attr]
            "a justification is required (--justification TEXT)", field="justification")
    existing = session.scalar(select(RatingRow).where(
        RatingRow.country_iso3 == iso3, RatingRow.edition_id == eid, RatingRow.category == cat))
    old = from_x100(existing.value_x100) if existing else None
    if existing is not None and old != value and not overwrite:
        raise ConflictError(
            f"{iso3} {ed.year} {cat}: the database holds {fmt(old)} (source: {existing.source}), "  # type: ignore[arg-type]
            f"the new value is {fmt(value)}; use --update to record it", field=cat)
    s = m.scale
    if existing is None:
        existing = RatingRow(country_iso3=iso3, edition_id=eid, category=cat, value_x100=x100(value),
                             scale_min_x100=x100(s.min), scale_max_x100=x100(s.max),
                             step_x100=x100(s.step), source=source, source_url=source_url,
                             justification=justification)
        session.add(existing)
    elif old != value or justification:
        existing.value_x100 = x100(value)
        existing.source = source
        existing.source_url = source_url or existing.source_url
        existing.justification = justification or existing.justification
    try:
        session.flush()
    except IntegrityError as exc:  # the schema's last word; the checks above should catch first
        raise InvalidRating(f"the database refused the rating: {exc.orig}") from exc
    if old != value:
        session.add(RatingRevisionRow(rating_id=existing.id, old_value_x100=x100(old) if old else None,
                                      new_value_x100=x100(value), source=source,
                                      justification=justification))
    return RatingChange(iso3, ed.year, cat, old, value, prev_val)


def revisions(session: Session, rating_iso3: str, year: int, category: str,
              m: Methodology) -> list[RatingRevisionRow]:
    eid = _edition_id(session, m, year)
    rid = session.scalar(select(RatingRow.id).where(
        RatingRow.country_iso3 == rating_iso3, RatingRow.edition_id == eid,
        RatingRow.category == category))
    if rid is None:
        return []
    return list(session.scalars(select(RatingRevisionRow).where(RatingRevisionRow.rating_id == rid)
                                .order_by(RatingRevisionRow.id)))


def db_lookup(session: Session, m: Methodology) -> Callable[[str, int], Mapping[str, Fraction] | None]:
    """A ``(iso3, year) → ratings`` function for the report audit (None when absent)."""

    def lookup(iso3: str, year: int) -> Mapping[str, Fraction] | None:
        try:
            found = row(session, m, iso3, year)
        except DemoscopeError:  # unknown edition or empty database: nothing to compare with
            return None
        return found or None

    return lookup


def clear_ratings(session: Session) -> None:
    """Remove every rating, revision and published score (tests and re-imports)."""
    session.execute(delete(RatingRevisionRow))
    session.execute(delete(RatingRow))
    session.execute(delete(PublishedScoreRow))
