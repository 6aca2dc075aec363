"""Publishing an assessment edition, and correcting published ratings.

Publication checks the rules (:mod:`demoscope.workflow.rules`) in the same transaction that
writes: 409 with the list of what is missing until they all hold, then every consensus value
becomes a rating through the constrained ratings path (:func:`demoscope.services.rating.record`:
the database's grid, range and edition-category constraints, a revision per value), and the
edition is published. A published edition never changes again; a correction is a new revision
of a published rating, with its reason, shown in the scorecard, the country's revision history
and the next data release's change list.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Engine

from demoscope.errors import ConflictError, InvalidRating, NotFound, PublicationRefused
from demoscope.methodology import Methodology
from demoscope.numbers import fmt, num
from demoscope.services.access import audit, require
from demoscope.services.assessment import _text, edition_for
from demoscope.services.rating import check_country, record
from demoscope.store import reads, writes
from demoscope.store.models import utcnow
from demoscope.workflow import rules
from demoscope.workflow.roles import Action, Actor
from demoscope.workflow.states import PUBLISHABLE_FROM, State

SOURCE_CONSENSUS, SOURCE_CORRECTION = rules.SOURCE_CONSENSUS, rules.SOURCE_CORRECTION


def facts(read: reads.Reader, m: Methodology, aed: reads.AssessmentEdition
          ) -> list[rules.CountryFacts]:
    """The publication rules' input for every country of an assessment edition."""
    cells = reads.assessment_cells(read, aed.id)
    confirmed = reads.confirmations(read, aed.id)
    out = []
    for iso3 in sorted(reads.assessment_versions(read, aed.id)):
        conf = confirmed.get(iso3, {})
        out.append(rules.CountryFacts(iso3, {
            c: rules.CellFacts(x.previous, x.consensus, x.justification, conf.get(c))
            for c, x in cells.get(iso3, {}).items()}, conf.get(m.score.code)))
    return out


def missing(read: reads.Reader, m: Methodology, year: int) -> list[rules.Missing]:
    """What still stops the publication of ``year`` (read-only)."""
    aed = edition_for(read, m, year)
    return rules.missing(m, m.edition(year), facts(read, m, aed))


@dataclass(frozen=True)
class Published:
    year: int
    countries: list[str]
    ratings: int


def publish(engine: Engine, m: Methodology, actor: Actor | None, year: int) -> Published:
    """Publish ``year`` (editor): :class:`PublicationRefused` (409, ``missing``) until every
    rule holds; then the consensus becomes the edition's ratings, in one transaction."""
    who = require(actor, Action.PUBLISH)
    ed = m.edition(year)
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        state = State(aed.state)
        if state is State.PUBLISHED:
            raise ConflictError(f"the {year} edition is published already", field="edition")
        if aed.methodology_version != m.version:
            raise ConflictError(f"the {year} edition was opened under {m.code} "
                                f"{aed.methodology_version}; this is {m.version}", field="edition")
        found = rules.missing(m, ed, facts(tx.read, m, aed))
        if state is not PUBLISHABLE_FROM or found:
            why = (f"the {year} edition is in {state.value}; publication starts from "
                   f"{PUBLISHABLE_FROM.value}" if state is not PUBLISHABLE_FROM else
                   f"the {year} edition cannot be published yet: {len(found)} rule(s) unmet")
            raise PublicationRefused(why, [x.to_dict() for x in found])
        if ed.year not in reads.edition_ids(tx.read, m.code):
            s = m.scale
            writes.add_edition(tx.session, m.code, ed.year, ed.label,
                               (ed.coverage_start, ed.coverage_end), ed.direction.value,
                               aed.methodology_version,
                               {c: m.category_name(c, ed) for c in ed.categories},
                               (s.min, s.max, s.step))
            tx.session.flush()
        cells = reads.assessment_cells(tx.read, aed.id)
        count = 0
        for iso3 in sorted(cells):
            for cat in ed.categories:
                cell = cells[iso3][cat]
                assert cell.consensus is not None  # the rules hold
                record(tx, m, iso3, ed, cat, cell.consensus, source=SOURCE_CONSENSUS,
                       justification=cell.justification)
                count += 1
        writes.set_edition_state(tx.session, aed.id, State.PUBLISHED.value, published_at=utcnow())
        audit(tx, who.username, "edition.publish", f"edition {year}", edition=year,
              before={"state": state.value},
              after={"state": State.PUBLISHED.value, "countries": sorted(cells), "ratings": count})
    return Published(year, sorted(cells), count)


@dataclass(frozen=True)
class Correction:
    year: int
    iso3: str
    category: str
    old: Fraction
    new: Fraction
    reason: str


def correct(engine: Engine, m: Methodology, actor: Actor | None, year: int, iso3: str,
            category: str, value: Fraction | str, reason: str | None) -> Correction:
    """Correct a published rating (editor): a new revision with its reason. An edition still
    being assessed is changed through its consensus, not corrected."""
    who = require(actor, Action.CORRECT, iso3)
    ed = m.edition(year)
    cat = m.category(category).code
    v = m.check_rating(ed.year, cat, value)
    why = _text(reason, "reason", required=True)
    with writes.write_transaction(engine) as tx:
        check_country(tx.read, iso3)
        aed = reads.assessment_edition(tx.read, m.code, ed.year)
        if aed is not None and State(aed.state) is not State.PUBLISHED:
            raise ConflictError(f"the {year} edition is not published yet: change its consensus",
                                field="edition")
        old = reads.row(tx.read, m.code, iso3, ed.year).get(cat)
        if old is None:
            raise NotFound(f"{iso3} has no published {cat} rating in {ed.year}", field="category")
        if old == v:
            raise InvalidRating(f"{iso3} {ed.year} {cat} is {fmt(v)} already", field="value")
        record(tx, m, iso3, ed, cat, v, source=SOURCE_CORRECTION, justification=why)
        audit(tx, who.username, "correction", f"rating {iso3} {ed.year} {cat}", edition=ed.year,
              iso3=iso3, before={"value": num(old)}, after={"value": num(v), "reason": why})
    return Correction(ed.year, iso3, cat, old, v, why)
