"""Running an assessment edition: opening it, moving its state, proposals, comments, the
editor's consensus (optimistic locking), confirmations of large changes and the report draft.

Every use case validates its input first, then in ONE write transaction checks the person's
permission (:mod:`demoscope.workflow.roles`), the edition's state
(:mod:`demoscope.workflow.states`), writes plain values and appends the audit entry. Draft
values live in the workflow's tables, never in ``ratings``: publication
(:mod:`demoscope.services.publication`) is the only way into the published data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Engine

from demoscope.errors import ConflictError, InvalidRating, NotFound, StaleVersion, UnknownCountry
from demoscope.methodology import Edition, Methodology
from demoscope.numbers import fmt, num
from demoscope.services.access import audit, require
from demoscope.store import reads, writes
from demoscope.workflow import drafts, rules
from demoscope.workflow.roles import Action, Actor
from demoscope.workflow.states import State, accepts, can_move, stages_for

MAX_TEXT = 20_000


def _state(aed: reads.AssessmentEdition) -> State:
    return State(aed.state)


def edition_for(read: reads.Reader, m: Methodology, year: int) -> reads.AssessmentEdition:
    """The assessment edition ``year`` or :class:`NotFound`."""
    aed = reads.assessment_edition(read, m.code, year)
    if aed is None:
        raise NotFound(f"no assessment edition {year}: open it with 'demoscope edition open {year}'",
                       field="edition")
    return aed


def check_stage(aed: reads.AssessmentEdition, action: Action) -> None:
    """:class:`ConflictError` (409) unless the edition's state accepts ``action``."""
    state = _state(aed)
    if accepts(state, action):
        return
    if state is State.PUBLISHED:
        raise ConflictError(f"the {aed.year} edition is published and cannot change: "
                            f"send a correction (POST /api/v1/editions/{aed.year}/corrections)",
                            field="edition")
    stages = ", ".join(s.value for s in stages_for(action))
    raise ConflictError(f"the {aed.year} edition is in {state.value}: "
                        f"{action.value.replace('_', ' ')} is possible in {stages}", field="state")


def assessment_of(read: reads.Reader, aed: reads.AssessmentEdition, iso3: str) -> tuple[int, int]:
    """``(assessment id, version)`` of a country in the edition, or :class:`NotFound`."""
    found = reads.assessment_versions(read, aed.id).get(iso3)
    if found is None:
        raise NotFound(f"{iso3} is not assessed in the {aed.year} edition", field="iso3")
    return found


def _text(value: str | None, field: str, *, required: bool = False) -> str:
    t = (value or "").strip()
    if required and not t:
        raise InvalidRating(f"{field} is required", field=field)
    if len(t) > MAX_TEXT:
        raise InvalidRating(f"{field} is longer than {MAX_TEXT} characters", field=field)
    return t


# -- opening and moving editions ------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    year: int
    countries: list[str]
    methodology_version: str
    direction: str
    continued: bool


def starting_values(read: reads.Reader, m: Methodology, ed: Edition, iso3: str
                    ) -> dict[str, tuple[Fraction | None, int | None]]:
    """``{category: (value, edition)}``: the country's latest edition with data before ``ed``
    (see :func:`starting_point`), converted to ``ed``'s scale; categories that edition did not
    rate start empty."""
    values, year, _source = starting_point(read, m, ed, iso3)
    return {c: (values[c], year) if values.get(c) is not None else (None, None)
            for c in ed.categories}


def starting_point(read: reads.Reader, m: Methodology, ed: Edition, iso3: str,
                   reconstructed: bool = True
                   ) -> tuple[dict[str, Fraction], int | None, str | None]:
    """``(values, edition, source)``: the row a country's assessment in ``ed`` starts from —
    its latest edition before ``ed`` with stored ratings, or (``reconstructed``) a later
    reconstructed row (:mod:`demoscope.services.reconstructing`: a full row rebuilt from the
    printed changes) — converted to ``ed``'s scale (a 1-best value opens as ``min + max − x``
    in a 7-best edition). ``source`` is None for stored ratings and the reconstructed row's
    provenance otherwise, which the assessment keeps beside each starting value: a
    reconstructed value never passes for a published rating. The *previous* values an
    assessment compares with stay the stored ratings (``reconstructed=False``), the row its
    published changes are measured against."""
    years = [y for y in reads.country_years(read, m.code, iso3) if y < ed.year]
    rebuilt = {y: r for (_i, y), r in reads.reconstructed(read, m.code, [iso3]).items()
               if y < ed.year and (not years or y > years[-1])} if reconstructed else {}
    if rebuilt:
        year = max(rebuilt)
        row, source = rebuilt[year].values, rebuilt[year].provenance
    elif years:
        year, source = years[-1], None
        row = reads.row(read, m.code, iso3, year)
    else:
        return {}, None, None
    last = m.edition(year)
    return ({c: m.to_direction(row[c], last.direction, ed.direction) for c in ed.categories
             if c in row}, year, source)


def open_edition(engine: Engine, m: Methodology, actor: Actor | None, year: int,
                 countries: Iterable[str] | None = None) -> Opened:
    """Open ``year`` for assessment (editor) with the given countries (default: every country
    rated in the latest edition with data), in drafting, the methodology version pinned.

    A year after the methodology's last edition follows its last era's rules
    (:meth:`Methodology.continued_edition`)."""
    who = require(actor, Action.OPEN_EDITION)
    ed = m.edition(year)
    codes = sorted({c.strip().upper() for c in (countries or ()) if c.strip()})
    with writes.write_transaction(engine) as tx:
        if reads.assessment_edition(tx.read, m.code, ed.year) is not None:
            raise ConflictError(f"the {ed.year} edition is open already", field="year")
        if not codes:
            with_data = reads.editions_with_data(tx.read, m.code)
            latest = max((y for y in with_data if y < ed.year), default=None)
            if latest is None:
                raise InvalidRating("no earlier edition with data: name the countries",
                                    field="countries")
            codes = sorted(reads.edition_rows(tx.read, m.code, latest).get(latest, {}))
        for c in codes:
            if not reads.has_country(tx.read, c):
                raise UnknownCountry(c)
            if reads.row(tx.read, m.code, c, ed.year):
                raise ConflictError(f"{c} already has published ratings in {ed.year}: send a "
                                    "correction instead", field="countries")
        eid = writes.add_assessment_edition(tx.session, m.code, ed.year, State.DRAFTING.value,
                                            m.version, ed.direction.value, who.username)
        starts: dict[str, dict[str, float | None]] = {}
        sources: dict[str, str] = {}
        for c in codes:
            values, since, source = starting_point(tx.read, m, ed, c)
            before, then, _ = starting_point(tx.read, m, ed, c, reconstructed=False)
            writes.add_assessment(tx.session, eid, c, {
                cat: (before.get(cat), then if cat in before else None,
                      values.get(cat), since if cat in values else None)
                for cat in ed.categories}, source)
            starts[c] = {cat: num(values.get(cat)) for cat in ed.categories}
            if source:
                sources[c] = source
        audit(tx, who.username, "edition.open", f"edition {ed.year}", edition=ed.year,
              after={"state": State.DRAFTING.value, "countries": codes,
                     "methodology_version": m.version,
                     "direction": m.direction_label(ed.direction), "starting": starts,
                     "starting_reconstructed": sources})
    return Opened(ed.year, codes, m.version, m.direction_label(ed.direction), ed.continued)


def move_edition(engine: Engine, m: Methodology, actor: Actor | None, year: int, state: str) -> str:
    """Move an edition to ``state`` (editor): drafting → review → consensus, or one step back.
    Publication goes through :func:`demoscope.services.publication.publish`."""
    who = require(actor, Action.MOVE_EDITION)
    try:
        target = State(state.strip().lower())
    except ValueError:
        raise InvalidRating(f"state {state!r} is not one of: "
                            f"{', '.join(s.value for s in State)}", field="state") from None
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        source = _state(aed)
        if target is State.PUBLISHED and source is not State.PUBLISHED:
            raise ConflictError(f"publish with POST /api/v1/editions/{year}/publish (the "
                                "publication rules are checked there)", field="state")
        if not can_move(source, target):
            raise ConflictError(f"the {year} edition cannot move from {source.value} to "
                                f"{target.value}", field="state")
        writes.set_edition_state(tx.session, aed.id, target.value)
        audit(tx, who.username, "edition.state", f"edition {year}", edition=year,
              before={"state": source.value}, after={"state": target.value})
    return target.value


# -- proposals, comments, consensus -----------------------------------------------------------------


def propose(engine: Engine, m: Methodology, actor: Actor | None, iso3: str, year: int,
            category: str, value: Fraction | str, justification: str | None) -> None:
    """Record a participant's proposal (a new one from the same person supersedes the last;
    both are kept). A proposal that differs from the starting value needs a justification."""
    who = require(actor, Action.PROPOSE, iso3)
    cat = m.category(category).code
    v = m.check_rating(year, cat, value)
    why = _text(justification, "justification")
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        check_stage(aed, Action.PROPOSE)
        aid, _ = assessment_of(tx.read, aed, iso3)
        cell = reads.assessment_cells(tx.read, aed.id, iso3)[iso3][cat]
        if cell.starting is not None and v != cell.starting and not why:
            raise InvalidRating(f"{iso3} {cat}: {fmt(v)} differs from the starting value "
                                f"{fmt(cell.starting)}: a justification is required",
                                field="justification")
        mine = [p for p in reads.proposals(tx.read, m.code, year=year, iso3=iso3,
                                           username=who.username) if p.category == cat]
        writes.add_proposal(tx.session, aid, cat, who.username, who.role.value, v, why)
        audit(tx, who.username, "proposal", f"assessment {iso3} {year} {cat}", edition=year,
              iso3=iso3,
              before=({"value": num(mine[-1].value), "justification": mine[-1].justification}
                      if mine else None),
              after={"value": num(v), "justification": why, "role": who.role.value})


def comment(engine: Engine, m: Methodology, actor: Actor | None, iso3: str, year: int,
            category: str | None, text: str) -> None:
    """A reviewer's (or author's, editor's) comment on a country or one of its categories."""
    who = require(actor, Action.COMMENT, iso3)
    cat = m.category(category).code if category else None
    body = _text(text, "text", required=True)
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        check_stage(aed, Action.COMMENT)
        aid, _ = assessment_of(tx.read, aed, iso3)
        if cat is not None and cat not in m.edition(year).categories:
            raise InvalidRating(f"the {year} edition does not rate {cat}", field="category")
        writes.add_comment(tx.session, aid, cat, who.username, who.role.value, body)
        audit(tx, who.username, "comment", f"assessment {iso3} {year}" + (f" {cat}" if cat else ""),
              edition=year, iso3=iso3, after={"text": body})


@dataclass(frozen=True)
class ConsensusSaved:
    version: int
    value: Fraction
    previous: Fraction | None
    confirmed: bool


def set_consensus(engine: Engine, m: Methodology, actor: Actor | None, iso3: str, year: int,
                  category: str, value: Fraction | str, justification: str | None, version: int,
                  *, confirm: bool = False) -> ConsensusSaved:
    """Save the editor's consensus for one category, if ``version`` is still the assessment's
    (optimistic locking): otherwise :class:`StaleVersion` (409) carrying both values, and
    nothing is written. ``confirm`` also confirms a large change at this value."""
    who = require(actor, Action.SET_CONSENSUS, iso3)
    cat = m.category(category).code
    v = m.check_rating(year, cat, value)
    why = _text(justification, "justification")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidRating("version must be the assessment's version (an integer ≥ 0)",
                            field="version")
    # optimistic fast path: a version already stale is refused without taking the write lock
    pre = reads.reader_for_engine(engine)
    _check_version(pre, edition_for(pre, m, year), iso3, cat, v, why, version)
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        check_stage(aed, Action.SET_CONSENSUS)
        aid, current = _check_version(tx.read, aed, iso3, cat, v, why, version)
        cell = reads.assessment_cells(tx.read, aed.id, iso3)[iso3][cat]
        new_version = writes.put_consensus(tx.session, aid, cat, cell.consensus, v, why or None,
                                           version, who.username)
        if new_version < 0:  # cannot happen under the write lock; the guard is the database's
            raise StaleVersion(f"{iso3} {year} changed while saving: reload and save again")
        if confirm:
            writes.add_confirmation(tx.session, aid, cat, v, who.username)
        audit(tx, who.username, "consensus", f"assessment {iso3} {year} {cat}", edition=year,
              iso3=iso3,
              before={"value": num(cell.consensus) if cell.consensus is not None else None,
                      "justification": cell.justification, "version": current},
              after={"value": num(v), "justification": why or None, "version": new_version,
                     **({"confirmed": True} if confirm else {})})
    return ConsensusSaved(new_version, v, cell.previous, confirm)


def _check_version(read: reads.Reader, aed: reads.AssessmentEdition, iso3: str, category: str,
                   value: Fraction, justification: str, version: int) -> tuple[int, int]:
    """``(assessment id, version)`` if ``version`` is still the assessment's, else
    :class:`StaleVersion` with the saved value and the refused one (nothing is lost)."""
    year = aed.year
    aid, current = assessment_of(read, aed, iso3)
    if version == current:
        return aid, current
    cell = reads.assessment_cells(read, aed.id, iso3)[iso3][category]
    raise StaleVersion(
        f"{iso3} {year} was saved by someone else since version {version} (now {current}): "
        "reload, compare and save again", extra={
            "current": {"version": current, "category": category,
                        "value": num(cell.consensus) if cell.consensus is not None else None,
                        "justification": cell.justification, "by": cell.updated_by},
            "yours": {"version": version, "category": category, "value": num(value),
                      "justification": justification}})


def confirm(engine: Engine, m: Methodology, actor: Actor | None, iso3: str, year: int,
            code: str) -> Fraction:
    """An editor confirms a large change: a category's current consensus, or (the score's
    code) the score the consensus gives, when it crosses a regime band. Returns the value."""
    who = require(actor, Action.CONFIRM, iso3)
    ed = m.edition(year)
    key = code.strip().upper()
    if key != m.score.code:
        key = m.category(key).code
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        check_stage(aed, Action.CONFIRM)
        aid, _ = assessment_of(tx.read, aed, iso3)
        cells = reads.assessment_cells(tx.read, aed.id, iso3)[iso3]
        if key == m.score.code:
            facts = rules.CountryFacts(iso3, {c: rules.CellFacts(x.previous, x.consensus, None)
                                              for c, x in cells.items()})
            value = rules.new_score(m, ed, facts)
            if value is None:
                raise ConflictError(f"{iso3} has no consensus in every category yet: nothing "
                                    f"to confirm for the {m.score.code}", field="category")
        else:
            if key not in cells or cells[key].consensus is None:
                raise ConflictError(f"{iso3} {key} has no consensus to confirm", field="category")
            value = cells[key].consensus
            assert value is not None
        writes.add_confirmation(tx.session, aid, key, value, who.username)
        audit(tx, who.username, "confirm", f"assessment {iso3} {year} {key}", edition=year,
              iso3=iso3, after={"value": num(value)})
    return value


# -- the report draft -----------------------------------------------------------------------------


def save_report(engine: Engine, m: Methodology, actor: Actor | None, iso3: str, year: int,
                parts: Mapping[str, str], footnotes: Sequence[tuple[int, str]] | None,
                version: int | None = None) -> int:
    """Save a new version of a country's report draft (parts not given keep their text;
    ``footnotes`` None keeps the footnotes).
    ``version``, when given, must be the current draft version (optimistic locking).
    Returns the new version."""
    who = require(actor, Action.WRITE_REPORT, iso3)
    ed = m.edition(year)
    given = {str(k): str(v or "") for k, v in parts.items()}
    with writes.write_transaction(engine) as tx:
        aed = edition_for(tx.read, m, year)
        check_stage(aed, Action.WRITE_REPORT)
        aid, _ = assessment_of(tx.read, aed, iso3)
        latest = reads.report_drafts(tx.read, aed.id, iso3)
        current = latest[0].version if latest else 0
        if version is not None and version != current:
            raise StaleVersion(f"the {iso3} {year} report draft was saved by someone else since "
                               f"version {version} (now {current}): reload and merge",
                               extra={"current": {"version": current},
                                      "yours": {"version": version}})
        old_parts = json.loads(latest[0].parts) if latest else {}
        notes = ([(int(n), str(t)) for n, t in footnotes] if footnotes is not None else
                 [(int(f["number"]), str(f["text"])) for f in json.loads(latest[0].footnotes)]
                 if latest else [])
        merged = {**old_parts, **given}
        merged = {k: merged[k] for k in drafts.part_keys(ed) if merged.get(k, "").strip()} | {
            k: v for k, v in given.items() if k not in drafts.part_keys(ed)}
        found = drafts.problems(ed, merged, notes)
        if found:
            p = found[0]
            raise InvalidRating(f"report part {p.part}: {p.reason}", field=p.part)
        writes.add_report_draft(tx.session, aid, current + 1, json.dumps(merged, ensure_ascii=False),
                                json.dumps([{"number": n, "text": t} for n, t in notes],
                                           ensure_ascii=False), who.username)
        changed = sorted(k for k in set(merged) | set(old_parts) if merged.get(k) != old_parts.get(k))
        audit(tx, who.username, "report", f"report {iso3} {year}", edition=year, iso3=iso3,
              before={"version": current}, after={"version": current + 1, "parts": changed,
                                                  "footnotes": len(notes)})
    return current + 1
