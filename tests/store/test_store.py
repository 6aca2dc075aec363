"""The ratings store on a real database (SQLite file, and PostgreSQL when configured): the
set-up service, the schema's constraints, the write transaction and the read gateway."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from demoscope.countries import registry
from demoscope.dataset import DATASET_VERSION
from demoscope.errors import InvalidRating, UnknownCountry
from demoscope.methodology import nit
from demoscope.services.rating import rate
from demoscope.services.setup import set_up_database
from demoscope.store import reads, writes
from demoscope.store.db import get_engine, session_scope
from demoscope.store.models import EditionRow, RatingRevisionRow, RatingRow

M = nit()


def _raw_rating(session, **overrides):
    eid = session.scalar(select(EditionRow.id).where(EditionRow.year == 2008))
    row = {"country_iso3": "KAZ", "edition_id": eid, "category": "EP", "value_x100": 675,
           "scale_min_x100": 100, "scale_max_x100": 700, "step_x100": 25, "source": "test"}
    row.update(overrides)
    session.execute(insert(RatingRow), [row])


def _read(engine):
    return reads.EngineReader(engine)


def test_init_loads_everything_and_is_idempotent(engine):
    with session_scope(engine) as s:
        n = s.scalar(text("SELECT count(*) FROM ratings"))
        p = s.scalar(text("SELECT count(*) FROM published_scores"))
    assert n + p == 2960 + 159 and n == 2587
    # the pages add 80 Democracy Scores and 80 Percentages; Serbia 2018's score is the table's
    assert p == 373 + 159
    with session_scope(engine) as s:
        heads = s.scalar(text("SELECT count(*) FROM headlines"))
        bullets = s.scalar(text("SELECT count(*) FROM printed_changes"))
    assert heads == 80 and bullets == 143
    version = reads.data_version(_read(engine))
    assert version.dataset == DATASET_VERSION and version.label == f"{DATASET_VERSION}+1"
    again = set_up_database(engine, M, registry())
    assert again.added == 0 and again.unchanged == 2960 + 160 + 80 and not again.differing
    assert again.reconstructed == 4


def test_a_fresh_init_says_nothing_was_there(empty_db_url):
    """On an empty database nothing is "already present": Serbia 2018's Democracy Score, given
    by the built-in table and by its page alike, counts once as added and once as
    corroborated."""
    from demoscope.store.db import get_engine

    first = set_up_database(get_engine(empty_db_url), M, registry())
    assert first.unchanged == 0 and first.corroborated == 1 and not first.differing
    assert first.added == first.total - 1


def test_init_is_one_transaction(empty_db_url, monkeypatch):
    """A failure while loading the dataset leaves no schema behind (nothing half-set-up)."""
    from demoscope.services import setup

    def boom(*_a, **_k):
        raise RuntimeError("killed while loading")

    monkeypatch.setattr(setup, "load_records", boom)
    engine = get_engine(empty_db_url)
    with pytest.raises(RuntimeError):
        set_up_database(engine, M, registry())
    assert not reads.is_initialised(reads.reader_for_url(empty_db_url))
    monkeypatch.undo()
    assert set_up_database(engine, M, registry()).added == 2960 + 159 + 80 + 143


def test_init_keeps_a_corrected_value_and_reports_it(engine):
    rate(engine, M, "KAZ", 2008, "CO", Fraction("6.25"), justification="correction", source="editor")
    result = set_up_database(engine, M, registry())
    assert result.differing == ["KAZ 2008 CO: database 6.25, dataset 6.50"]
    assert reads.row(_read(engine), "nit", "KAZ", 2008)["CO"] == Fraction("6.25")


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


def test_rate_requires_justification_for_a_change(engine):
    with pytest.raises(InvalidRating, match="justification is required"):
        rate(engine, M, "KAZ", 2009, "EP", Fraction("5.00"), justification=None, source="t")
    ch = rate(engine, M, "KAZ", 2009, "EP", Fraction("5.00"), justification="reform", source="t")
    assert ch.old == Fraction("6.75") and ch.previous_edition_value == Fraction("6.75")
    read = _read(engine)
    assert reads.row(read, "nit", "KAZ", 2009)["EP"] == Fraction("5.00")
    revs = reads.revisions(read, "nit", "KAZ", 2009, "EP")
    assert [(r.old, r.new, r.justification) for r in revs] == [
        (Fraction("6.75"), Fraction("5.00"), "reform")]


def test_every_write_bumps_the_data_version_and_a_refused_one_does_not(engine):
    read = _read(engine)
    before = reads.data_version(read).serial
    with pytest.raises(InvalidRating):
        rate(engine, M, "KAZ", 2009, "EP", Fraction("5.00"), justification=None, source="t")
    assert reads.data_version(read).serial == before
    rate(engine, M, "KAZ", 2009, "EP", Fraction("5.00"), justification="x", source="t")
    assert reads.data_version(read).serial == before + 1


def test_unchanged_value_needs_no_justification(engine):
    before = reads.row(_read(engine), "nit", "KAZ", 2008)["EP"]
    ch = rate(engine, M, "KAZ", 2009, "EP", before, justification=None, source="t")
    assert ch.previous_edition_value == before


def test_a_failed_transaction_writes_nothing(engine):
    read = _read(engine)
    serial = reads.data_version(read).serial
    eid = reads.edition_ids(read, "nit")[2009]
    scale = (M.scale.min, M.scale.max, M.scale.step)
    with pytest.raises(RuntimeError), writes.write_transaction(engine) as tx:
        writes.put_rating(tx, "KAZ", eid, "EP", Fraction("2.00"), scale, source="t")
        raise RuntimeError("refused half-way")
    assert reads.row(read, "nit", "KAZ", 2009)["EP"] == Fraction("6.75")
    assert reads.data_version(read).serial == serial
    with session_scope(engine) as s:
        assert s.scalar(select(RatingRevisionRow.id)) is None


def test_new_edition_rating_on_the_inverted_scale(engine):
    """2020+ ratings are stored as published (7 best); the previous edition is converted
    before comparing, so an unchanged country needs no justification."""
    for cat in M.edition(2019).categories:
        rate(engine, M, "EST", 2019, cat, Fraction("1.75"), justification="x", source="t")
    ch = rate(engine, M, "EST", 2020, "EP", Fraction("6.25"), justification=None, source="t")
    assert ch.previous_edition_value == Fraction("6.25")


def test_unknown_country(engine):
    with pytest.raises(UnknownCountry):
        rate(engine, M, "XXX", 2008, "EP", Fraction(3), justification="x", source="t")


def test_filters(engine):
    found = reads.ratings(_read(engine), "nit", iso3s=["KAZ"], first=2005, last=2008,
                          categories=["ep"])
    assert [(f.year, f.value) for f in found] == [
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


def test_a_database_from_before_the_data_version_says_to_upgrade(empty_db_url):
    """A database migrated to the first schema only (an older demoscope): reads and writes say
    'run demoscope db upgrade' in one line; the upgrade adds the version and they work."""
    from demoscope.errors import ConfigError
    from demoscope.store.db import migrate

    engine = get_engine(empty_db_url)
    migrate(engine, "0001")
    with pytest.raises(ConfigError, match="db upgrade"):
        reads.data_version(reads.reader_for_url(empty_db_url))
    with pytest.raises(ConfigError, match="db upgrade"), writes.write_transaction(engine):
        pass
    migrate(engine)
    assert reads.data_version(reads.reader_for_url(empty_db_url)).serial == 0
