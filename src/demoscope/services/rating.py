"""Recording a rating: the rule that every change is explained, and the revision history.

Method rule (Nations in Transit): every change from the previous edition is explained in the
country report, so a value that differs from the country's rating in the previous edition
needs a justification. The old value of the cell is kept in the revision history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Engine

from demoscope.errors import ConflictError, InvalidRating, NotFound, UnknownCountry
from demoscope.methodology import Edition, Methodology
from demoscope.numbers import fmt
from demoscope.store import reads, writes


@dataclass(frozen=True)
class RatingChange:
    """What one recorded rating changed (values on the edition's own scale)."""

    iso3: str
    year: int
    category: str
    old: Fraction | None
    new: Fraction
    previous_edition_value: Fraction | None  # converted to this edition's scale


def rate(engine: Engine, m: Methodology, iso3: str, year: int, category: str, value: Fraction, *,
         justification: str | None, source: str, source_url: str | None = None) -> RatingChange:
    """Record one rating on ``year``'s own scale (one transaction; the old value is kept).

    Raises :class:`InvalidRating` for a value, category or edition the methodology does not
    allow, or a change from the previous edition without a justification;
    :class:`UnknownCountry` / :class:`NotFound` for what the database does not hold."""
    ed = m.edition(year)
    cat = m.category(category).code
    value = m.check_rating(ed.year, cat, value)
    check_text("source", source, SOURCE_LENGTH)
    check_text("justification", justification, JUSTIFICATION_LENGTH, lines=True)
    with writes.write_transaction(engine) as tx:
        check_country(tx.read, iso3)
        check_not_assessed(tx.read, m, ed.year)
        prev = previous_value(tx.read, m, iso3, ed, cat)
        if prev is not None and prev[1] != value and not (justification and justification.strip()):
            raise InvalidRating(
                f"{iso3} {cat} changes from {fmt(prev[1])} ({prev[0]}) to {fmt(value)}: "
                "a justification is required (--justification TEXT)", field="justification")
        old = record(tx, m, iso3, ed, cat, value, source=source, source_url=source_url,
                     justification=justification)
    return RatingChange(iso3, ed.year, cat, old, value, prev[1] if prev else None)


#: The longest ``--source`` a user may type (characters): a citation, not a document. The
#: ``source`` columns hold any length (provenance built from a long file path is kept whole).
SOURCE_LENGTH = 200
#: The longest justification accepted (characters): several pages of a report, no more.
JUSTIFICATION_LENGTH = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")


def check_text(field: str, text: str | None, limit: int, *, lines: bool = False) -> None:
    """Refuse text a column cannot hold the same way on every backend: longer than ``limit``
    characters (PostgreSQL refuses what SQLite would store), control characters (PostgreSQL
    refuses NUL), or not valid Unicode. ``lines`` allows line breaks and tabs."""
    if text is None:
        return
    if len(text) > limit:
        raise InvalidRating(f"{field} is {len(text)} characters long: at most {limit}", field=field)
    if (_CONTROL if lines else _CONTROL_IN_LINE).search(text):
        raise InvalidRating(f"{field} contains control characters", field=field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRating(f"{field} is not valid UTF-8 text", field=field) from None


def check_not_assessed(read: reads.Reader, m: Methodology, year: int) -> None:
    """:class:`ConflictError` for an edition the assessment workflow runs: its values change
    through proposals and the consensus, and once published only through an audited
    correction (``demoscope correct``), never by a direct rating."""
    aed = reads.assessment_edition(read, m.code, year)
    if aed is None:
        return
    how = ("send a correction: demoscope correct ... --reason" if aed.state == "published"
           else "propose a value or set the consensus")
    raise ConflictError(f"the {year} edition is run by the assessment workflow "
                        f"({aed.state}): {how}", field="edition")


def check_country(read: reads.Reader, iso3: str) -> None:
    """:class:`UnknownCountry` unless the database knows ``iso3``."""
    if not reads.has_country(read, iso3):
        raise UnknownCountry(iso3)


def previous_value(read: reads.Reader, m: Methodology, iso3: str, ed: Edition, category: str
                   ) -> tuple[int, Fraction] | None:
    """``(previous edition, value converted to ed's scale)`` of the category, if rated then."""
    prev = m.previous_edition(ed.year)
    if prev is None or not prev.uses(category):
        return None
    value = reads.row(read, m.code, iso3, prev.year).get(category)
    if value is None:
        return None
    return prev.year, m.to_direction(value, prev.direction, ed.direction)


def record(tx: writes.WriteTransaction, m: Methodology, iso3: str, ed: Edition, category: str,
           value: Fraction, *, source: str, source_url: str | None = None,
           justification: str | None = None) -> Fraction | None:
    """Write one validated value in an open write transaction; returns the value it replaced."""
    eid = reads.edition_ids(tx.read, m.code).get(ed.year)
    if eid is None:
        raise NotFound(f"the database has no {ed.year} edition: run 'demoscope db init'")
    s = m.scale
    return writes.put_rating(tx, iso3, eid, category, value, (s.min, s.max, s.step), source=source,
                             source_url=source_url, justification=justification)
