"""The ratings store on a real database (SQLite file, and PostgreSQL when configured)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from demoscope.countries import registry
from demoscope.errors import ConflictError, InvalidRating, UnknownCountry
from demoscope.methodology import nit
from demoscope.store import repo
from demoscope.store.db import get_engine, session_scope
from demoscope.store.models import EditionRow, RatingRevisionRow, RatingRow

M = nit()


def _raw_rating(session, **overrides):
    eid = session.scalar(select(EditionRow.id).where(EditionRow.year == 2008))
    row = {"country_iso3": "KAZ", "edition_id": eid, "category": "EP", "value_x100": 675,
           "scale_min_x100": 100, "scale_max_x100": 700, "step_x100": 25, "source": "test"}
    row.update(overrides)
    session.execute(insert(RatingRow), [row])


def test_init_loads_everything_and_is_idempotent(engine):
    with session_scope(engine) as s:
        n = s.scalar(text("SELECT count(*) FROM ratings"))
        p = s.scalar(text("SELECT count(*) FROM published_scores"))
    assert n + p == 2960 and p == 373
    again = repo.init_database(engine, M, registry())
    assert again.added == 0 and again.unchanged == 2960 and not again.differing


def test_init_keeps_a_corrected_value_and_reports_it(engine):
    with session_scope(engine) as s:
        repo.set_rating(s, M, "KAZ", 2008, "CO", Fraction("6.25"), justification="correction",
                        source="editor")
    result = repo.init_database(engine, M, registry())
    assert result.differing == ["KAZ 2008 CO: database 6.25, dataset 6.50"]
    with session_scope(engine) as s:
        assert repo.row(s, M, "KAZ", 2008)["CO"] == Fraction("6.25")


@pytest.mark.parametrize(
    ("overrides", "why"),
    [({"value_x100": 630}, "off grid"), ({"value_x100": 725}, "out of range"),
     ({"value_x100": 75}, "below range"), ({"category": "GOV"}, "category not rated in 2008"),
     ({"scale_max_x100": 800, "value_x100": 775}, "scale that is not the edition's"),
     ({}, "duplicate")],
)
def test_schema_makes_invalid_ratings_unstorable(engine, overrides, why):
    """Bypassing the library, the database itself refuses each kind of bad rating."""
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        _raw_rating(s, **overrides)


def test_set_rating_requires_justification_for_a_change(engine):
    with pytest.raises(InvalidRating, match="justification is required"), session_scope(engine) as s:
        repo.set_rating(s, M, "KAZ", 2009, "EP", Fraction("5.00"), justification=None, source="t")
    with session_scope(engine) as s:
        ch = repo.set_rating(s, M, "KAZ", 2009, "EP", Fraction("5.00"), justification="reform",
                             source="t")
        assert ch.old == Fraction("6.75") and ch.previous_edition_value == Fraction("6.75")
    with session_scope(engine) as s:
        assert repo.row(s, M, "KAZ", 2009)["EP"] == Fraction("5.00")
        revs = repo.revisions(s, "KAZ", 2009, "EP", M)
        assert [(r.old_value_x100, r.new_value_x100, r.justification) for r in revs] == [
            (675, 500, "reform")]


def test_unchanged_value_needs_no_justification(engine):
    with session_scope(engine) as s:
        before = repo.row(s, M, "KAZ", 2008)["EP"]
        ch = repo.set_rating(s, M, "KAZ", 2009, "EP", before, justification=None, source="t")
        assert ch.previous_edition_value == before


def test_conflict_is_never_silently_overwritten(engine):
    with pytest.raises(ConflictError, match=r"database holds 6\.75"), session_scope(engine) as s:
        repo.set_rating(s, M, "KAZ", 2009, "EP", Fraction("6.50"), justification="x", source="report",
                        overwrite=False)
    with session_scope(engine) as s:
        assert repo.row(s, M, "KAZ", 2009)["EP"] == Fraction("6.75")
        assert s.scalar(select(RatingRevisionRow.id)) is None


def test_a_failed_transaction_writes_nothing(engine):
    with pytest.raises(InvalidRating), session_scope(engine) as s:
        repo.set_rating(s, M, "KAZ", 2009, "EP", Fraction("6.75"), justification=None, source="t")
        repo.set_rating(s, M, "KAZ", 2009, "CS", Fraction("2.00"), justification=None, source="t")
    with session_scope(engine) as s:
        assert s.scalar(select(RatingRevisionRow.id)) is None


def test_new_edition_rating_on_the_inverted_scale(engine):
    """2020+ ratings are stored as published (7 best); the previous edition is converted
    before comparing, so an unchanged country needs no justification."""
    with session_scope(engine) as s:
        for cat in M.edition(2019).categories:
            repo.set_rating(s, M, "EST", 2019, cat, Fraction("1.75"), justification="x", source="t")
        ch = repo.set_rating(s, M, "EST", 2020, "EP", Fraction("6.25"), justification=None, source="t")
        assert ch.previous_edition_value == Fraction("6.25")


def test_unknown_country_and_edition(engine):
    with pytest.raises(UnknownCountry), session_scope(engine) as s:
        repo.set_rating(s, M, "XXX", 2008, "EP", Fraction(3), justification="x", source="t")


def test_filters(engine):
    with session_scope(engine) as s:
        facts = repo.ratings(s, M, iso3=["KAZ"], first=2005, last=2008, categories=["ep"])
    assert [(f.year, f.value) for f in facts] == [
        (2005, Fraction("6.50")), (2006, Fraction("6.50")), (2007, Fraction("6.50")),
        (2008, Fraction("6.75"))]


def test_migrations_match_the_models(empty_db_url):
    """Alembic's schema and the ORM models agree (no pending autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from demoscope.store.db import migrate
    from demoscope.store.models import Base

    engine = get_engine(empty_db_url)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
