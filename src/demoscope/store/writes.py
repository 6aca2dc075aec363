"""The write side of the store: the write transaction and plain-value write functions.

Every write use case (``services/``) follows one pattern::

    with write_transaction(engine) as tx:        # takes the write lock, bumps the data version
        held = reads.row(tx.read, ...)            # reads see the last committed write
        writes.put_rating(tx, ...)                # plain values, no policy

The lock is taken before anything is read (:func:`demoscope.store.db.locked`), so a value read
inside the transaction cannot be replaced by a concurrent writer before this one commits: the
revision history of a cell always replays to its current value, and two first inserts into
one cell never race into a UNIQUE error. The data version is bumped in the same transaction,
so every reader that sees the new version also sees the new data (read models are rebuilt
lazily on the next request; see :mod:`demoscope.read.cache`).

The functions take values the calling service has already validated and decide nothing
(whether a change needs a justification, whether a conflict may be overwritten: that is the
services'). The schema's constraints remain the last word: a value a bug let through is still
refused by the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, update
from sqlalchemy.orm import Session

from demoscope.errors import ConfigError
from demoscope.numbers import x100
from demoscope.store import reads, schema
from demoscope.store.db import locked
from demoscope.store.models import (
    AssessmentCellRow,
    AssessmentEditionRow,
    AssessmentRow,
    AuditRow,
    CommentRow,
    ConfirmationRow,
    ConsensusRevisionRow,
    CountryRow,
    CredentialRow,
    DataVersionRow,
    EditionCategoryRow,
    EditionRow,
    HeadlineRow,
    LoginFailureRow,
    MethodologyRow,
    PrintedChangeRow,
    ProposalRow,
    PublishedScoreRow,
    RatingRevisionRow,
    RatingRow,
    ReconstructedRatingRow,
    ReportDraftRow,
    UserRow,
    utcnow,
)


@dataclass(frozen=True)
class WriteTransaction:
    """What a service writes through: the ORM session and the read gateway over the same
    connection (it sees the transaction's own writes, and what it reads stays current)."""

    session: Session
    connection: Connection
    read: reads.Reader


class _FlushingReader(reads.ConnectionReader):
    """The gateway over a write transaction's connection that first sends the session's
    pending writes, so a read always sees what the transaction wrote before it."""

    def __init__(self, conn: Connection, session: Session) -> None:
        super().__init__(conn)
        self.session = session

    def __call__(self, sql: str, params: Mapping[str, Any], /) -> list[reads.Row]:
        self.session.flush()
        return super().__call__(sql, params)


@contextmanager
def open_locked(engine: Engine) -> Iterator[WriteTransaction]:
    """The write lock and a session, without bumping the data version: for setting up a
    database, whose schema (and version row) may not exist until it is migrated inside."""
    with locked(engine) as conn:
        session = Session(bind=conn, expire_on_commit=False, autoflush=True)
        try:
            yield WriteTransaction(session, conn, _FlushingReader(conn, session))
            session.flush()
        finally:
            session.close()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[WriteTransaction]:
    """One serialised write transaction that bumps the data version; committed when the block
    ends, rolled back (nothing written, version unchanged) on any error. The database's schema
    revision is checked first, under the lock (:func:`demoscope.store.schema.check`): nothing
    is written into a schema this demoscope does not know."""
    with open_locked(engine) as tx:
        schema.check(tx.read, engine.url.render_as_string(hide_password=True))
        bump_data_version(tx.session)
        yield tx


@contextmanager
def auth_transaction(engine: Engine) -> Iterator[WriteTransaction]:
    """A serialised write transaction that leaves the data version alone: for credentials
    (sessions, tokens) and failed logins, which change no rating, draft or person, so the
    read models built at this version stay right."""
    with open_locked(engine) as tx:
        yield tx


def bump_data_version(session: Session) -> None:
    """Count one more write transaction (read models keyed on the old serial are rebuilt).
    The schema is checked before (:func:`write_transaction`), so the table is there; an error
    of the database here (read-only, disk full) is the database's own and says so."""
    done = session.execute(update(DataVersionRow).where(DataVersionRow.id == 1)
                           .values(serial=DataVersionRow.serial + 1, changed_at=utcnow()))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConfigError("the database has no data version row: run 'demoscope db upgrade'")


def set_dataset(session: Session, dataset: str) -> None:
    """Record which built-in dataset the database was set up with."""
    session.execute(update(DataVersionRow).where(DataVersionRow.id == 1).values(dataset=dataset))


def add_methodology(session: Session, code: str, name: str, version: str, definition: str) -> None:
    """A methodology row, with the TOML it was loaded from."""
    session.add(MethodologyRow(code=code, name=name, version=version, definition=definition))


def add_country(session: Session, iso3: str, name: str, region: str, subregion: str) -> None:
    """A country row (the key ratings refer to; names and regions are the registry's)."""
    session.add(CountryRow(iso3=iso3, name=name, region=region, subregion=subregion))


def add_edition(session: Session, methodology: str, year: int, label: str, coverage: tuple[date, date],
                direction: str, methodology_version: str,
                categories: Mapping[str, str], scale: tuple[Fraction, Fraction, Fraction]) -> None:
    """An edition with the categories it rates (``{code: name then}``) on ``scale``
    (min, max, step)."""
    lo, hi, step = (x100(v) for v in scale)
    row = EditionRow(methodology=methodology, year=year, label=label, coverage_start=coverage[0],
                     coverage_end=coverage[1], direction=direction,
                     methodology_version=methodology_version)
    row.categories = [EditionCategoryRow(category=c, name=n, scale_min_x100=lo, scale_max_x100=hi,
                                         step_x100=step) for c, n in categories.items()]
    session.add(row)


def insert_ratings(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Bulk insert of new ratings (``RatingRow`` columns), one round trip."""
    batch = list(rows)
    if batch:
        session.execute(insert(RatingRow), batch)


def insert_published_scores(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Bulk insert of printed scores (``PublishedScoreRow`` columns), one round trip."""
    batch = list(rows)
    if batch:
        session.execute(insert(PublishedScoreRow), batch)


def put_rating(tx: WriteTransaction, iso3: str, edition_id: int, category: str, value: Fraction,
               scale: tuple[Fraction, Fraction, Fraction], *, source: str,
               source_url: str | None = None, justification: str | None = None
               ) -> Fraction | None:
    """Store ``value`` in one cell and return the value it replaces (None: a new cell).

    The cell is read under the transaction's lock, so the old value recorded in the revision
    history is the one this write replaces, whatever else runs at the same time; a changed
    value adds a revision (old → new, source, justification), so the history of every cell
    replays to its current value."""
    held = reads.rating_cell(tx.read, iso3, edition_id, category, for_update=True)
    new = x100(value)
    if held is None:
        lo, hi, step = (x100(v) for v in scale)
        result = tx.session.execute(insert(RatingRow).values(
            country_iso3=iso3, edition_id=edition_id, category=category, value_x100=new,
            scale_min_x100=lo, scale_max_x100=hi, step_x100=step, source=source,
            source_url=source_url, justification=justification, updated_at=utcnow()))
        rating_id = result.inserted_primary_key[0]  # type: ignore[attr-defined]
        old = None
    else:
        rating_id, old = held.id, held.value
        if old == value and not justification:
            return old
        tx.session.execute(update(RatingRow).where(RatingRow.id == held.id).values(
            value_x100=new, source=source, source_url=source_url or held.source_url,
            justification=justification or held.justification, updated_at=utcnow()))
    if old != value:
        tx.session.add(RatingRevisionRow(rating_id=rating_id,
                                         old_value_x100=None if old is None else x100(old),
                                         new_value_x100=new, source=source,
                                         justification=justification))
    return old


def insert_headlines(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Bulk insert of page headlines (``HeadlineRow`` columns), one round trip."""
    batch = list(rows)
    if batch:
        session.execute(insert(HeadlineRow), batch)


def insert_printed_changes(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """Bulk insert of printed score changes (``PrintedChangeRow`` columns), one round trip."""
    batch = list(rows)
    if batch:
        session.execute(insert(PrintedChangeRow), batch)


def put_headline(session: Session, iso3: str, edition_id: int, values: Mapping[str, Any]) -> None:
    """Store a page headline (``HeadlineRow`` columns), replacing the one held for the
    country-edition."""
    session.execute(delete(HeadlineRow).where(HeadlineRow.country_iso3 == iso3,
                                              HeadlineRow.edition_id == edition_id))
    session.execute(insert(HeadlineRow).values(country_iso3=iso3, edition_id=edition_id, **values))


def put_published_score(session: Session, iso3: str, edition_id: int, code: str,
                        values: Mapping[str, Any]) -> None:
    """Store a printed overall score (``PublishedScoreRow`` columns), replacing the one held."""
    session.execute(delete(PublishedScoreRow).where(
        PublishedScoreRow.country_iso3 == iso3, PublishedScoreRow.edition_id == edition_id,
        PublishedScoreRow.code == code))
    session.execute(insert(PublishedScoreRow).values(country_iso3=iso3, edition_id=edition_id,
                                                     code=code, **values))


def replace_printed_changes(session: Session, iso3: str, edition_id: int,
                            rows: Iterable[Mapping[str, Any]]) -> None:
    """Replace the printed score changes of one country-edition (``PrintedChangeRow``
    columns without the key)."""
    session.execute(delete(PrintedChangeRow).where(PrintedChangeRow.country_iso3 == iso3,
                                                   PrintedChangeRow.edition_id == edition_id))
    insert_printed_changes(session, [{"country_iso3": iso3, "edition_id": edition_id, **r}
                                     for r in rows])


def replace_reconstructed(session: Session, iso3s: Iterable[str],
                          rows: Iterable[Mapping[str, Any]]) -> None:
    """Replace every reconstructed rating of ``iso3s`` by ``rows`` (``ReconstructedRatingRow``
    columns): reconstructed rows are derived data, rebuilt whole from their evidence."""
    codes = list(iso3s)
    if codes:
        session.execute(delete(ReconstructedRatingRow).where(
            ReconstructedRatingRow.country_iso3.in_(codes)))
    batch = list(rows)
    if batch:
        session.execute(insert(ReconstructedRatingRow), batch)


# -- the assessment workflow (plain values; the rules are in services/ and workflow/) ----------


def add_user(session: Session, username: str, role: str, countries: str, password_hash: str) -> int:
    """A person; returns the new id."""
    row = UserRow(username=username, role=role, countries=countries, password_hash=password_hash,
                  disabled=0, created_at=utcnow())
    session.add(row)
    session.flush()
    return row.id


def set_user_disabled(session: Session, user_id: int, disabled: bool) -> None:
    """Disable (or enable) a person."""
    session.execute(update(UserRow).where(UserRow.id == user_id).values(disabled=int(disabled)))


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace a person's password hash."""
    session.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))


def add_credential(session: Session, user_id: int, kind: str, secret_hash: str, csrf: str,
                   expires_at: datetime) -> None:
    """A token or session, stored as the SHA-256 of its secret."""
    session.add(CredentialRow(user_id=user_id, kind=kind, secret_hash=secret_hash, csrf=csrf,
                              created_at=utcnow(), expires_at=expires_at))


def delete_credential(session: Session, secret_hash: str) -> None:
    """End one session or token."""
    session.execute(delete(CredentialRow).where(CredentialRow.secret_hash == secret_hash))


def delete_user_credentials(session: Session, user_id: int) -> None:
    """End every session and token of a person."""
    session.execute(delete(CredentialRow).where(CredentialRow.user_id == user_id))


def delete_expired_credentials(session: Session, now: datetime) -> None:
    """Drop sessions and tokens that expired before ``now``."""
    session.execute(delete(CredentialRow).where(CredentialRow.expires_at < now))


def add_login_failure(session: Session, username: str) -> None:
    """Record one failed login for ``username`` (throttling counts them)."""
    session.add(LoginFailureRow(username=username, at=utcnow()))


def delete_login_failures(session: Session, before: datetime) -> None:
    """Drop failed logins older than ``before`` (they no longer count)."""
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < before))


def add_assessment_edition(session: Session, methodology: str, year: int, state: str,
                           methodology_version: str, direction: str, opened_by: str) -> int:
    """An edition opened for assessment; returns its id."""
    row = AssessmentEditionRow(methodology=methodology, year=year, state=state,
                               methodology_version=methodology_version, direction=direction,
                               opened_by=opened_by, opened_at=utcnow())
    session.add(row)
    session.flush()
    return row.id


def set_edition_state(session: Session, edition_id: int, state: str,
                      published_at: datetime | None = None) -> None:
    """Move an assessment edition to ``state`` (and stamp its publication)."""
    values: dict[str, Any] = {"state": state}
    if published_at is not None:
        values["published_at"] = published_at
    session.execute(update(AssessmentEditionRow).where(AssessmentEditionRow.id == edition_id)
                    .values(**values))


def add_assessment(session: Session, edition_id: int, iso3: str,
                   cells: Mapping[str, tuple[Fraction | None, int | None, Fraction | None, int | None]],
                   starting_source: str | None = None) -> int:
    """A country in an assessment edition with its cells ``{category: (previous, previous
    edition, starting, starting edition)}`` and where its starting values come from when they
    are no stored ratings (``starting_source``); returns the assessment id."""
    row = AssessmentRow(edition_id=edition_id, country_iso3=iso3, version=0)
    session.add(row)
    session.flush()
    for cat, (prev, prev_ed, start, start_ed) in cells.items():
        session.add(AssessmentCellRow(
            assessment_id=row.id, category=cat,
            previous_x100=None if prev is None else x100(prev), previous_edition=prev_ed,
            starting_x100=None if start is None else x100(start), starting_edition=start_ed,
            starting_source=starting_source if start is not None else None))
    return row.id


def put_consensus(session: Session, assessment_id: int, category: str, old: Fraction | None,
                  value: Fraction, justification: str | None, expected_version: int,
                  username: str) -> int:
    """Set one consensus value and bump the assessment's version, only if the version is still
    ``expected_version`` (returns the new version, or -1 when someone else saved first); the
    write is kept in ``consensus_revisions``."""
    bumped = session.execute(update(AssessmentRow).where(
        AssessmentRow.id == assessment_id, AssessmentRow.version == expected_version)
        .values(version=AssessmentRow.version + 1))
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        return -1
    now = utcnow()
    session.execute(update(AssessmentCellRow).where(
        AssessmentCellRow.assessment_id == assessment_id, AssessmentCellRow.category == category)
        .values(consensus_x100=x100(value), justification=justification, updated_by=username,
                updated_at=now))
    session.add(ConsensusRevisionRow(
        assessment_id=assessment_id, category=category,
        old_x100=None if old is None else x100(old), new_x100=x100(value),
        justification=justification, version=expected_version + 1, username=username, at=now))
    return expected_version + 1


def add_proposal(session: Session, assessment_id: int, category: str, username: str, role: str,
                 value: Fraction, justification: str) -> None:
    """One proposal (never replaces an earlier one: the history stays)."""
    session.add(ProposalRow(assessment_id=assessment_id, category=category, username=username,
                            role=role, value_x100=x100(value), justification=justification,
                            at=utcnow()))


def add_comment(session: Session, assessment_id: int, category: str | None, username: str,
                role: str, text: str) -> None:
    """A comment on an assessment (a category, or the whole country)."""
    session.add(CommentRow(assessment_id=assessment_id, category=category, username=username,
                           role=role, text=text, at=utcnow()))


def add_confirmation(session: Session, assessment_id: int, code: str, value: Fraction,
                     username: str) -> None:
    """An editor's confirmation of ``value`` for a category or the score."""
    session.add(ConfirmationRow(assessment_id=assessment_id, code=code, value_x100=x100(value),
                                username=username, at=utcnow()))


def add_report_draft(session: Session, assessment_id: int, version: int, parts: str,
                     footnotes: str, username: str) -> None:
    """One version of a country's report draft (parts and footnotes as JSON)."""
    session.add(ReportDraftRow(assessment_id=assessment_id, version=version, parts=parts,
                               footnotes=footnotes, username=username, at=utcnow()))


def add_audit(session: Session, username: str, action: str, obj: str, edition: int | None,
              iso3: str | None, before: str | None, after: str | None) -> None:
    """Append one audit entry (the table refuses UPDATE and DELETE)."""
    session.add(AuditRow(at=utcnow(), username=username, action=action, object=obj,
                         edition=edition, iso3=iso3, before=before, after=after))
