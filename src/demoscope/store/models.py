"""ORM models. Values are exact integers of hundredths (``value_x100``: 6.25 → 625).

Why hundredths and the copied scale columns: a CHECK constraint cannot look into another
table, so each rating carries its edition-category's scale (min, max, step) and a composite
foreign key pins those copies to ``edition_categories``. The database itself then rejects a
value off the grid, out of range, or for a category the edition does not rate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass



#: The ``source`` columns (provenance of a value, e.g. the report file it was read from) hold
#: text of any length, stored whole: TEXT on PostgreSQL (a VARCHAR(200) refused longer values
#: and made the importer cut them). SQLite keeps any length in its VARCHAR(200), so its
#: columns stay as they were created (altering them would rebuild tables that foreign keys
#: reference, which SQLite cannot do inside demoscope's one-transaction migrations).
SOURCE_TYPE = Text().with_variant(String(200), "sqlite")


class MethodologyRow(Base):
    __tablename__ = "methodologies"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32))
    definition: Mapped[str] = mapped_column(Text)  # the TOML it was loaded from


class CountryRow(Base):
    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    subregion: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (CheckConstraint("length(iso3) = 3", name="ck_country_iso3_len"),)


class EditionRow(Base):
    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    methodology: Mapped[str] = mapped_column(ForeignKey("methodologies.code"))
    year: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    coverage_start: Mapped[date] = mapped_column(Date)
    coverage_end: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(16))
    methodology_version: Mapped[str] = mapped_column(String(32))

    categories: Mapped[list[EditionCategoryRow]] = relationship(
        back_populates="edition", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("methodology", "year", name="uq_edition_year"),
        CheckConstraint("direction IN ('low_best', 'high_best')", name="ck_edition_direction"),
    )


class EditionCategoryRow(Base):
    """A category an edition rates, with its name then and its scale."""

    __tablename__ = "edition_categories"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scale_min_x100: Mapped[int] = mapped_column(Integer)
    scale_max_x100: Mapped[int] = mapped_column(Integer)
    step_x100: Mapped[int] = mapped_column(Integer)

    edition: Mapped[EditionRow] = relationship(back_populates="categories")

    __table_args__ = (
        UniqueConstraint("edition_id", "category", "scale_min_x100", "scale_max_x100",
                         "step_x100", name="uq_edition_category_scale"),
        CheckConstraint("step_x100 > 0 AND scale_min_x100 < scale_max_x100",
                        name="ck_edition_category_scale"),
    )


class RatingRow(Base):
    """One published (or entered) rating, on its edition's own scale."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    edition_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(16))
    value_x100: Mapped[int] = mapped_column(Integer)
    scale_min_x100: Mapped[int] = mapped_column(Integer)
    scale_max_x100: Mapped[int] = mapped_column(Integer)
    step_x100: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(SOURCE_TYPE, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_edition: Mapped[int | None] = mapped_column(Integer, nullable=True)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["edition_id", "category", "scale_min_x100", "scale_max_x100", "step_x100"],
            ["edition_categories.edition_id", "edition_categories.category",
             "edition_categories.scale_min_x100", "edition_categories.scale_max_x100",
             "edition_categories.step_x100"],
            name="fk_rating_edition_category",
        ),
        UniqueConstraint("country_iso3", "edition_id", "category", name="uq_rating"),
        CheckConstraint("value_x100 BETWEEN scale_min_x100 AND scale_max_x100",
                        name="ck_rating_range"),
        CheckConstraint("(value_x100 - scale_min_x100) % step_x100 = 0", name="ck_rating_grid"),
        Index("ix_ratings_edition", "edition_id", "category"),
    )


class RatingRevisionRow(Base):
    """Every change to a rating, so that nothing a user entered is lost."""

    __tablename__ = "rating_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"))
    old_value_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_value_x100: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(SOURCE_TYPE, default="")
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublishedScoreRow(Base):
    """An overall score as the source printed it (DS, DP), kept beside the computed one."""

    __tablename__ = "published_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    code: Mapped[str] = mapped_column(String(8))
    value_x100: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(SOURCE_TYPE, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_edition: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quirk: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: the scale the source printed the score on when it is not the edition's own (the value is
    #: stored converted to the edition's own scale); None: printed on the edition's own scale
    printed_direction: Mapped[str | None] = mapped_column(String(16), nullable=True)

    __table_args__ = (
        UniqueConstraint("country_iso3", "edition_id", "code", name="uq_published_score"),
        CheckConstraint("value_x100 >= 0", name="ck_published_score_nonneg"),
    )


class HeadlineRow(Base):
    """What a country page prints about one country-edition besides its scores (which go to
    ``published_scores``): the regime label as printed, the scale the page prints on, and
    what the copy shows of its list of score changes.

    ``change_list`` is the evidence a reconstruction needs: ``listed`` (the copy shows the
    bullets, and nothing says it was cut), ``none`` (the page says it has no score changes)
    or ``unknown`` (the copy shows no bullet, or may have been cut inside the list: "no bullet
    in the copy" is not "no change")."""

    __tablename__ = "headlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    regime: Mapped[str | None] = mapped_column(String(200), nullable=True)
    printed_direction: Mapped[str | None] = mapped_column(String(16), nullable=True)
    change_list: Mapped[str] = mapped_column(String(16), default="unknown")
    source: Mapped[str] = mapped_column(SOURCE_TYPE, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        UniqueConstraint("country_iso3", "edition_id", name="uq_headline"),
        CheckConstraint("change_list IN ('listed', 'none', 'unknown')",
                        name="ck_headline_change_list"),
    )


class PrintedChangeRow(Base):
    """A "Score changes" bullet as a page printed it (a category or the overall score), stored
    on the edition's own scale: the evidence reconstructed rows are built from."""

    __tablename__ = "printed_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    code: Mapped[str] = mapped_column(String(16))
    from_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_x100: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(SOURCE_TYPE, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        UniqueConstraint("country_iso3", "edition_id", "code", name="uq_printed_change"),
        CheckConstraint("to_x100 >= 0 AND (from_x100 IS NULL OR from_x100 >= 0)",
                        name="ck_printed_change_nonneg"),
    )


class ReconstructedRatingRow(Base):
    """A rating no source prints, reconstructed from a country's last full row and the changes
    printed in each following edition, kept apart from ``ratings`` so that no query of printed
    values can ever return one. Accepted only when the row's computed score equals the printed
    one (see :mod:`demoscope.reconstruction`). Derived data: rebuilt whenever its evidence
    changes."""

    __tablename__ = "reconstructed_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    edition_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(16))
    value_x100: Mapped[int] = mapped_column(Integer)
    scale_min_x100: Mapped[int] = mapped_column(Integer)
    scale_max_x100: Mapped[int] = mapped_column(Integer)
    step_x100: Mapped[int] = mapped_column(Integer)
    base_edition: Mapped[int] = mapped_column(Integer)
    provenance: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(
            ["edition_id", "category", "scale_min_x100", "scale_max_x100", "step_x100"],
            ["edition_categories.edition_id", "edition_categories.category",
             "edition_categories.scale_min_x100", "edition_categories.scale_max_x100",
             "edition_categories.step_x100"],
            name="fk_reconstructed_edition_category",
        ),
        UniqueConstraint("country_iso3", "edition_id", "category", name="uq_reconstructed"),
        CheckConstraint("value_x100 BETWEEN scale_min_x100 AND scale_max_x100",
                        name="ck_reconstructed_range"),
        CheckConstraint("(value_x100 - scale_min_x100) % step_x100 = 0",
                        name="ck_reconstructed_grid"),
    )


class DataVersionRow(Base):
    """One row: which built-in dataset the database was set up with, and a serial number that
    every write transaction bumps.

    Why a row and not a file or a process variable: it is read by every web worker and every
    process, on SQLite and PostgreSQL alike, and it changes in the same transaction as the
    data, so a reader that sees the new serial sees the new data. Read models are cached per
    serial (see :mod:`demoscope.read.cache`)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, default=0)
    dataset: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (CheckConstraint("id = 1", name="ck_data_version_one_row"),)


# -- the assessment workflow (issue 12) ---------------------------------------------------------
# People, their credentials, editions being assessed, proposals, consensus, report drafts and
# the audit log. Draft values live here, never in ``ratings``: public reads cannot see them.
# Publication copies the consensus into ``ratings`` through the constrained ratings path.


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    countries: Mapped[str] = mapped_column(Text, default="")  # "KAZ,KGZ" (authors)
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'author', 'reviewer', 'viewer')",
                        name="ck_user_role"),
    )


class CredentialRow(Base):
    """An API token or a web session: only the SHA-256 of the secret is stored."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("kind IN ('token', 'session')", name="ck_credential_kind"),)


class LoginFailureRow(Base):
    """A failed login, kept to refuse guessing (too many for one user within a minute)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_login_failures_user", "username", "at"),)


class AssessmentEditionRow(Base):
    """An edition being assessed: its state and the methodology version pinned when opened."""

    __tablename__ = "assessment_editions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    methodology: Mapped[str] = mapped_column(ForeignKey("methodologies.code"))
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    methodology_version: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("methodology", "year", name="uq_assessment_edition"),
        CheckConstraint("state IN ('drafting', 'review', 'consensus', 'published')",
                        name="ck_assessment_edition_state"),
    )


class AssessmentRow(Base):
    """One country in an assessment edition; ``version`` is bumped by every consensus write."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("assessment_editions.id"))
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"))
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("edition_id", "country_iso3", name="uq_assessment"),)


class AssessmentCellRow(Base):
    """One category of an assessment: the previous edition's value and the starting value
    (both on the new edition's scale), and the editor's consensus with its justification."""

    __tablename__ = "assessment_cells"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    previous_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_edition: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starting_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starting_edition: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: where the starting value comes from when it is not a stored rating of
    #: ``starting_edition``: the provenance of a reconstructed row ("reconstructed from 2018 +
    #: changes printed in 2019"); NULL for a stored rating
    starting_source: Mapped[str | None] = mapped_column(Text, nullable=True)
    consensus_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ConsensusRevisionRow(Base):
    """Every accepted consensus write (nothing an editor saved is lost)."""

    __tablename__ = "consensus_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    category: Mapped[str] = mapped_column(String(16))
    old_x100: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_x100: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer)  # the assessment's version this write made
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProposalRow(Base):
    """A participant's proposal; a new one from the same person supersedes (never replaces)
    the earlier, so the history of every rater stays queryable."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    category: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    value_x100: Mapped[int] = mapped_column(Integer)
    justification: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_proposals_assessment", "assessment_id", "category"),)


class CommentRow(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    category: Mapped[str | None] = mapped_column(String(16), nullable=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConfirmationRow(Base):
    """An editor's confirmation of a large change (a category, or the score's band crossing),
    valid for the value it confirmed."""

    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    code: Mapped[str] = mapped_column(String(16))
    value_x100: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportDraftRow(Base):
    """One version of a country report draft (parts and footnotes as JSON); append-only."""

    __tablename__ = "report_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    version: Mapped[int] = mapped_column(Integer)
    parts: Mapped[str] = mapped_column(Text)
    footnotes: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("assessment_id", "version", name="uq_report_draft"),)


class AuditRow(Base):
    """The audit log: one entry per write, append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    object: Mapped[str] = mapped_column(Text)
    edition: Mapped[int | None] = mapped_column(Integer, nullable=True)
    iso3: Mapped[str | None] = mapped_column(String(3), nullable=True)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_audit_edition", "edition", "iso3"),)
