"""Answers of the assessment workflow: an assessment, an edition's status, the divergence
view, proposals (with their history), report drafts, people, the audit log and a country's
revision history.

Every answer that shows a draft is for logged-in people only: the faces check the permission
(:data:`demoscope.workflow.roles.Action.READ_DRAFTS`) before asking, and never serve these
through the prebuilt read-model cache (it is shared by everybody). The revision history holds
published values only and is public.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import datetime
from fractions import Fraction
from typing import Any

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Methodology
from demoscope.numbers import num
from demoscope.read import estimates
from demoscope.scoring import change_sentence, change_verb
from demoscope.store import reads
from demoscope.store.reads import Reader
from demoscope.workflow import drafts, rules
from demoscope.workflow.states import TRANSITIONS, State


def iso_time(value: datetime | str | None) -> str | None:
    """A stored time as ISO 8601 UTC (``2026-12-01T17:05:24Z``)."""
    t = reads.utc(value)
    return None if t is None else t.isoformat(timespec="seconds").replace("+00:00", "Z")


def _name(iso3: str, year: int | None = None) -> str:
    found = registry().find(iso3)
    return (found.name_in(year) if year else found.name) if found else iso3


def _aed(read: Reader, m: Methodology, year: int) -> reads.AssessmentEdition:
    aed = reads.assessment_edition(read, m.code, year)
    if aed is None:
        raise NotFound(f"no assessment edition {year}", field="edition")
    return aed


class Proposal(TypedDict):
    user: str
    role: str
    value: float
    justification: str
    at: str | None


class ProposalEntry(Proposal):
    """A proposal with where it belongs; ``current`` is False once the same person proposed
    again for the same cell (the history stays)."""

    id: int
    edition: int
    iso3: str
    category: str
    current: bool


class CategoryState(TypedDict):
    name: str
    previous: float | None
    previous_edition: int | None
    starting: float | None
    starting_edition: int | None
    #: where the starting value comes from when it is no stored rating (the provenance of a
    #: reconstructed row), else None
    starting_source: str | None
    proposals: list[Proposal]
    spread: float | None
    consensus: float | None
    justification: str | None
    updated_by: str | None
    large_change: bool
    confirmed: bool
    sentence: str | None


class Comment(TypedDict):
    user: str
    role: str
    category: str | None
    text: str
    at: str | None


class MissingEntry(TypedDict):
    iso3: str
    category: str
    rule: str


class Assessment(TypedDict):
    """``GET /api/v1/assessments/{iso3}/{year}``: one country in an assessment edition."""

    country: str
    iso3: str
    edition: int
    state: str
    version: int
    direction: str
    methodology_version: str
    continued: bool
    categories: dict[str, CategoryState]
    comments: list[Comment]
    missing: list[MissingEntry]
    report_version: int


def _proposal(p: reads.ProposalRecord) -> Proposal:
    return {"user": p.username, "role": p.role, "value": num(p.value),
            "justification": p.justification, "at": iso_time(p.at)}


def current_proposals(records: list[reads.ProposalRecord]
                      ) -> dict[tuple[str, str], list[reads.ProposalRecord]]:
    """``{(iso3, category): [each person's latest proposal]}`` in order of first proposal."""
    latest: dict[tuple[str, str, str], reads.ProposalRecord] = {}
    for p in records:
        latest[(p.iso3, p.category, p.username)] = p
    out: dict[tuple[str, str], list[reads.ProposalRecord]] = defaultdict(list)
    for (iso3, cat, _), p in latest.items():
        out[(iso3, cat)].append(p)
    return dict(out)


def spread(values: list[Fraction]) -> Fraction | None:
    """max − min of the proposals (None without any)."""
    return max(values) - min(values) if values else None


def _facts(read: Reader, m: Methodology, aed: reads.AssessmentEdition
           ) -> dict[str, rules.CountryFacts]:
    cells = reads.assessment_cells(read, aed.id)
    conf = reads.confirmations(read, aed.id)
    return {iso3: rules.CountryFacts(iso3, {
        c: rules.CellFacts(x.previous, x.consensus, x.justification, conf.get(iso3, {}).get(c))
        for c, x in cs.items()}, conf.get(iso3, {}).get(m.score.code)) for iso3, cs in cells.items()}


def rating_sentence(m: Methodology, iso3: str, year: int, category: str,
                    previous: Fraction | None, value: Fraction | None) -> str | None:
    """The sentence that closes a category's summary paragraph, generated from the consensus
    in the reports' wording for the edition's scale (never typed)."""
    if value is None:
        return None
    ed = m.edition(year)
    verb = change_verb(m, ed.direction, previous, value) if previous is not None else "remains"
    return change_sentence(_name(iso3, year), m.category_name(category, ed), previous, value, verb)


def assessment(read: Reader, m: Methodology, iso3: str, year: int) -> Assessment:
    """One country of an assessment edition: per category the previous and starting values,
    every participant's current proposal, their spread, the consensus and its justification."""
    aed = _aed(read, m, year)
    ed = m.edition(year)
    found = reads.assessment_versions(read, aed.id).get(iso3)
    if found is None:
        if not reads.has_country(read, iso3):
            raise UnknownCountry(iso3)
        raise NotFound(f"{iso3} is not assessed in the {year} edition", field="iso3")
    _, version = found
    cells = reads.assessment_cells(read, aed.id, iso3).get(iso3, {})
    props = current_proposals(reads.proposals(read, m.code, year=year, iso3=iso3))
    conf = reads.confirmations(read, aed.id).get(iso3, {})
    facts = rules.CountryFacts(iso3, {
        c: rules.CellFacts(x.previous, x.consensus, x.justification, conf.get(c))
        for c, x in cells.items()}, conf.get(m.score.code))
    cats: dict[str, CategoryState] = {}
    for cat in ed.categories:
        x = cells.get(cat)
        if x is None:
            continue
        ps = props.get((iso3, cat), [])
        sp = spread([p.value for p in ps])
        cats[cat] = {
            "name": m.category_name(cat, ed), "previous": num(x.previous),
            "previous_edition": x.previous_edition, "starting": num(x.starting),
            "starting_edition": x.starting_edition, "starting_source": x.starting_source,
            "proposals": [_proposal(p) for p in ps],
            "spread": num(sp), "consensus": num(x.consensus), "justification": x.justification,
            "updated_by": x.updated_by,
            "large_change": x.consensus is not None and rules.is_large(x.previous, x.consensus),
            "confirmed": x.consensus is not None and conf.get(cat) == x.consensus,
            "sentence": rating_sentence(m, iso3, year, cat, x.previous, x.consensus)}
    drafts_ = reads.report_drafts(read, aed.id, iso3)
    return {
        "country": _name(iso3), "iso3": iso3, "edition": year, "state": aed.state,
        "version": version, "direction": m.direction_label(ed.direction),
        "methodology_version": aed.methodology_version, "continued": ed.continued,
        "categories": cats,
        "comments": [{"user": c.username, "role": c.role, "category": c.category, "text": c.text,
                      "at": iso_time(c.at)} for c in reads.comments(read, aed.id, iso3)],
        "missing": [x.to_dict() for x in rules.missing(m, ed, [facts])],  # type: ignore[misc]
        "report_version": drafts_[0].version if drafts_ else 0}


class CountryStatus(TypedDict):
    iso3: str
    country: str
    version: int
    consensus: int
    categories: int
    proposals: int
    missing: int


class EditionStatus(TypedDict):
    """``GET /api/v1/editions/{year}/status``: an assessment edition and what it still needs."""

    edition: int
    state: str
    direction: str
    methodology_version: str
    continued: bool
    opened_by: str
    opened_at: str | None
    published_at: str | None
    next_states: list[str]
    countries: list[CountryStatus]
    missing: list[MissingEntry]


def edition_status(read: Reader, m: Methodology, year: int) -> EditionStatus:
    """An assessment edition's state, its countries' progress and the publication rules
    still unmet (the same list the 409 of a refused publication carries)."""
    aed = _aed(read, m, year)
    ed = m.edition(year)
    facts = _facts(read, m, aed)
    missing = rules.missing(m, ed, [facts[i] for i in sorted(facts)])
    props = current_proposals(reads.proposals(read, m.code, year=year))
    cells = reads.assessment_cells(read, aed.id)
    rows: list[CountryStatus] = []
    for iso3, (_, version) in reads.assessment_versions(read, aed.id).items():
        cs = cells.get(iso3, {})
        rows.append({"iso3": iso3, "country": _name(iso3), "version": version,
                     "consensus": sum(x.consensus is not None for x in cs.values()),
                     "categories": len(cs),
                     "proposals": sum(len(props.get((iso3, c), [])) for c in cs),
                     "missing": sum(x.iso3 == iso3 for x in missing)})
    nexts = [s.value for s in TRANSITIONS[State(aed.state)]]
    if aed.state == State.CONSENSUS.value:
        nexts.append(State.PUBLISHED.value)
    return {"edition": year, "state": aed.state, "direction": m.direction_label(ed.direction),
            "methodology_version": aed.methodology_version, "continued": ed.continued,
            "opened_by": aed.opened_by, "opened_at": iso_time(aed.opened_at),
            "published_at": iso_time(aed.published_at), "next_states": nexts, "countries": rows,
            "missing": [x.to_dict() for x in missing]}  # type: ignore[misc]


class EditionEntry(TypedDict):
    edition: int
    state: str
    countries: int
    opened_by: str
    opened_at: str | None
    published_at: str | None


def assessment_editions(read: Reader, m: Methodology) -> list[EditionEntry]:
    """Every edition the workflow opened, newest first."""
    return [{"edition": a.year, "state": a.state,
             "countries": len(reads.assessment_versions(read, a.id)), "opened_by": a.opened_by,
             "opened_at": iso_time(a.opened_at), "published_at": iso_time(a.published_at)}
            for a in reads.assessment_editions(read, m.code)]


class DivergenceProposal(Proposal):
    """A proposal beside the others; ``outside``: it sits outside the 90 % interval the
    other raters of the cell imply (None: they imply none, e.g. fewer than two of them)."""

    outside: bool | None


class DivergenceCell(TypedDict):
    category: str
    name: str
    previous: float | None
    starting: float | None
    consensus: float | None
    spread: float | None
    proposals: list[DivergenceProposal]
    #: the measurement model's value and 90 % interval of the cell (docs/stats.md)
    model: estimates.CellModel


class DivergenceCountry(TypedDict):
    iso3: str
    country: str
    max_spread: float | None
    categories: list[DivergenceCell]
    #: the model's score of the country, its interval propagated through the model
    score_model: estimates.CellModel


class Divergence(TypedDict):
    """``GET /api/v1/editions/{year}/divergence``: every proposal side by side, countries by
    largest disagreement first; beside them the model's estimates and each participant's
    measured leniency and reliability (``raters``), and what the model was fitted on."""

    edition: int
    state: str
    countries: list[DivergenceCountry]
    raters: list[estimates.RaterModel]
    model: estimates.ModelSummary


def divergence(read: Reader, m: Methodology, year: int,
               fit: estimates.PanelFit | None = None) -> Divergence:
    """Every current proposal side by side per country and category, with the previous and
    starting values and the spread; countries sorted by largest disagreement first. Beside
    them the measurement model fitted to the proposals (``fit``: the edition's, see
    :func:`demoscope.read.estimates.edition_fit`, computed when not given)."""
    aed = _aed(read, m, year)
    fit = fit if fit is not None else estimates.edition_fit(read, m, year)
    ed = m.edition(year)
    cells = reads.assessment_cells(read, aed.id)
    props = current_proposals(reads.proposals(read, m.code, year=year))
    rows: list[tuple[Fraction, str, DivergenceCountry]] = []
    for iso3 in reads.assessment_versions(read, aed.id):
        out: list[DivergenceCell] = []
        worst: Fraction | None = None
        for cat in ed.categories:
            x = cells.get(iso3, {}).get(cat)
            if x is None:
                continue
            ps = props.get((iso3, cat), [])
            sp = spread([p.value for p in ps])
            if sp is not None and (worst is None or sp > worst):
                worst = sp
            out.append({"category": cat, "name": m.category_name(cat, ed), "previous": num(x.previous),
                        "starting": num(x.starting), "consensus": num(x.consensus),
                        "spread": num(sp), "proposals": [
                            {**_proposal(p), "outside": estimates.check(
                                m, fit, iso3, year, cat, p.value, p.username).outside}
                            for p in ps],
                        "model": estimates.cell_model(m, fit, iso3, year, cat)})
        out.sort(key=lambda c: -(c["spread"] or 0))
        name = _name(iso3)
        rows.append((worst if worst is not None else Fraction(-1), name,
                     {"iso3": iso3, "country": name, "max_spread": num(worst), "categories": out,
                      "score_model": estimates.cell_model(m, fit, iso3, year, m.score.code)}))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return {"edition": year, "state": aed.state, "countries": [r[2] for r in rows],
            "raters": estimates.rater_models(m, fit, year), "model": estimates.model_summary(m, fit)}


def proposals(read: Reader, m: Methodology, *, year: int | None = None, iso3: str | None = None,
              user: str | None = None) -> list[ProposalEntry]:
    """Every proposal with its history (``current`` marks each person's latest per cell): the
    one read function for statistics of raters (leniency, intervals)."""
    recs = reads.proposals(read, m.code, year=year, iso3=iso3, username=user)
    latest: dict[tuple[int, str, str, str], int] = {}
    for p in recs:
        latest[(p.year, p.iso3, p.category, p.username)] = p.id
    return [{**_proposal(p), "id": p.id, "edition": p.year, "iso3": p.iso3,
             "category": p.category,
             "current": latest[(p.year, p.iso3, p.category, p.username)] == p.id} for p in recs]


class Footnote(TypedDict):
    number: int
    text: str


class ReportDraftOut(TypedDict):
    """A country's report draft (the latest version) and the generated rating sentences."""

    iso3: str
    country: str
    edition: int
    version: int
    parts: dict[str, str]
    footnotes: list[Footnote]
    part_keys: list[str]
    sentences: dict[str, str | None]
    authors: list[str]
    by: str | None
    at: str | None


def report_draft(read: Reader, m: Methodology, iso3: str, year: int) -> ReportDraftOut:
    """A country's report draft (latest version), its parts in report order and the rating
    sentences generated from the consensus."""
    aed = _aed(read, m, year)
    ed = m.edition(year)
    if iso3 not in reads.assessment_versions(read, aed.id):
        raise NotFound(f"{iso3} is not assessed in the {year} edition", field="iso3")
    latest = reads.report_drafts(read, aed.id, iso3)
    cells = reads.assessment_cells(read, aed.id, iso3).get(iso3, {})
    d = latest[0] if latest else None
    return {
        "iso3": iso3, "country": _name(iso3), "edition": year, "version": d.version if d else 0,
        "parts": json.loads(d.parts) if d else {},
        "footnotes": json.loads(d.footnotes) if d else [],
        "part_keys": drafts.part_keys(ed),
        "sentences": {c: rating_sentence(m, iso3, year, c, x.previous, x.consensus)
                      for c, x in cells.items()},
        "authors": reads.draft_authors(read, aed.id, iso3),
        "by": d.username if d else None, "at": iso_time(d.at) if d else None}


class UserEntry(TypedDict):
    username: str
    role: str
    countries: list[str]
    disabled: bool
    created_at: str | None


def users(read: Reader) -> list[UserEntry]:
    """Everybody, by name (never a password hash)."""
    return [{"username": u.username, "role": u.role, "countries": list(u.countries),
             "disabled": u.disabled, "created_at": iso_time(u.created_at)} for u in reads.users(read)]


class AuditEntry(TypedDict):
    id: int
    at: str | None
    user: str
    action: str
    object: str
    edition: int | None
    iso3: str | None
    before: Any
    after: Any


def audit_log(read: Reader, *, edition: int | None = None, iso3: str | None = None,
              user: str | None = None, limit: int | None = None, offset: int = 0
              ) -> list[AuditEntry]:
    """The audit log, oldest first, filtered by edition, country or person."""
    return [{"id": a.id, "at": iso_time(a.at), "user": a.username, "action": a.action,
             "object": a.object, "edition": a.edition, "iso3": a.iso3,
             "before": json.loads(a.before) if a.before else None,
             "after": json.loads(a.after) if a.after else None}
            for a in reads.audit_entries(read, edition=edition, iso3=iso3, username=user,
                                         limit=limit, offset=offset)]


AUDIT_COLUMNS = ["id", "at", "user", "action", "object", "edition", "iso3", "before", "after"]


def audit_csv(entries: list[AuditEntry]) -> str:
    """The audit log as CSV (before/after as JSON text)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(AUDIT_COLUMNS)
    for e in entries:
        w.writerow([e["id"], e["at"], e["user"], e["action"], e["object"],
                    "" if e["edition"] is None else e["edition"], e["iso3"] or "",
                    "" if e["before"] is None else json.dumps(e["before"], ensure_ascii=False),
                    "" if e["after"] is None else json.dumps(e["after"], ensure_ascii=False)])
    return out.getvalue()


class RevisionEntry(TypedDict):
    edition: int
    category: str
    old: float | None
    new: float
    source: str
    reason: str | None
    at: str | None
    correction: bool


class CountryRevisions(TypedDict):
    """``GET /api/v1/countries/{iso3}/revisions``: every recorded change of a country's
    published ratings (first values, imports, publications and corrections)."""

    iso3: str
    country: str
    revisions: list[RevisionEntry]


def country_revisions(read: Reader, m: Methodology, iso3: str) -> CountryRevisions:
    """Every recorded change of a country's published ratings (public: published data only)."""
    if not reads.has_country(read, iso3):
        raise UnknownCountry(iso3)
    return {"iso3": iso3, "country": _name(iso3), "revisions": [
        {"edition": y, "category": c, "old": num(r.old), "new": num(r.new), "source": r.source,
         "reason": r.justification, "at": iso_time(r.changed_at),
         "correction": r.source == rules.SOURCE_CORRECTION}
        for y, c, r in reads.country_revisions(read, m.code, iso3)]}


def report_source(read: Reader, m: Methodology, iso3: str, year: int
                  ) -> tuple[dict[str, str], list[tuple[int, str]], list[str]] | None:
    """The latest stored report draft of a country as ``(parts, footnotes, authors)`` — the
    shape ``publish.model.ReportDraft.from_parts(parts, footnotes, authors)`` takes — or None
    when the workflow holds no draft for it (a historic edition)."""
    aed = reads.assessment_edition(read, m.code, year)
    if aed is None or iso3 not in reads.assessment_versions(read, aed.id):
        return None
    latest = reads.report_drafts(read, aed.id, iso3)
    if not latest:
        return None
    notes = [(int(f["number"]), str(f["text"])) for f in json.loads(latest[0].footnotes)]
    return json.loads(latest[0].parts), notes, reads.draft_authors(read, aed.id, iso3)
