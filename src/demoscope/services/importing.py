"""Importing a read report into the ratings store: one write transaction per report.

Why here and not in ``reports/``: reading and auditing never write (they run on reports about countries
the database does not know, in CI, on a reviewer's laptop); writing is a decision with rules
of its own, taken here and nowhere else:

* only the report's **own edition** is imported (its table row, or failing that the values its
  rating sentences give); earlier years printed in a PDF table are history the audit reads, not
  new facts;
* a report with an **error** finding (other than a conflict with the database) writes nothing;
* a value that **differs from the database** is a conflict: the report is not imported and each
  conflict is listed; with ``update=True`` the new value is recorded, the old one kept in the
  revision history with the report as provenance;
* an edition the **assessment workflow** runs (opened with ``edition open``) is never written
  by an import, with or without ``update``: its values change through proposals, the
  consensus and audited corrections (the rule :func:`demoscope.services.rating.rate` applies);
  the report is rejected, naming the edition, and nothing is written;
* values are converted from the report's printed scale to the edition's own before storing
  (today's site prints the 2018 and 2019 editions on the 7-best scale: a Democracy Score
  printed 4.04 is stored as 3.96), and a note says so;
* a report without a table row for its edition (a country page) also gives its **headline**:
  the printed Democracy Score and Percentage, the regime label and the "Score changes" bullets
  are stored as published values (``published_scores``, ``headlines``, ``printed_changes``),
  with what the copy shows of its list of changes (``listed``; ``none`` when the page says it
  has no score changes; ``unknown`` when it shows no bullet or is cut inside the list);
* after each import the country's **reconstructed rows are rebuilt** in the same transaction
  (:func:`demoscope.services.reconstructing.rebuild`), so a series of pages of one country in
  consecutive editions, imported in any order, yields every row the chain from its last full
  row reproduces; the result lists the rows and why a chain stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from sqlalchemy.engine import Engine

from demoscope.errors import DemoscopeError
from demoscope.methodology import Methodology
from demoscope.numbers import fmt, x100
from demoscope.reconstruction import ChangeList
from demoscope.reports.model import Report
from demoscope.services.rating import check_country, check_not_assessed, record
from demoscope.services.reconstructing import rebuild
from demoscope.store import reads, writes

Status = Literal["imported", "unchanged", "rejected", "conflict", "skipped"]


class _Rollback(Exception):
    """Raised inside the transaction to undo a report that turned out to conflict."""


@dataclass
class ImportResult:
    """What happened to one report; ``to_dict`` is the ``import`` key of ``ingest --json``."""

    status: Status
    reason: str = ""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: what the import inferred or converted ("values printed on the 7_best scale ...") and why
    #: a reconstruction chain stopped
    notes: list[str] = field(default_factory=list)
    #: the country's reconstructed rows after the import ("2019: reconstructed from 2018 + ...")
    reconstructed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "added": self.added,
                "updated": self.updated, "unchanged": self.unchanged, "conflicts": self.conflicts,
                "notes": self.notes, "reconstructed": self.reconstructed}


def edition_values(report: Report, m: Methodology) -> dict[str, tuple[Fraction, int | None, str]]:
    """``{category: (value on the edition's own scale, line, justification)}`` for the report's
    edition: the table row first, rating sentences for categories the table does not give."""
    assert report.edition is not None
    ed = m.edition(report.edition)
    source_dir = m.scale.parse_direction(report.scale)
    out: dict[str, tuple[Fraction, int | None, str]] = {}
    why = {s.category: s for s in report.statements}
    row = report.tables.get(report.edition, {})
    for code, value in row.items():
        if code in ("DS", "DP") or value is None:
            continue
        s = why.get(code)
        out[code] = (m.to_direction(Fraction(value), source_dir, ed.direction),
                     report.cell_lines.get((report.edition, code)), _why(s.justification if s else ""))
    for code, s in why.items():
        if code in out or code in ("DS", "DP"):
            continue
        out[code] = (m.to_direction(Fraction(s.to_value), source_dir, ed.direction), s.line,
                     _why(s.justification))
    return out


def previous_values(report: Report, m: Methodology) -> dict[str, tuple[Fraction, int]]:
    """``{category: (value, line)}`` that the rating sentences give for the previous edition
    ("from 5.75"), on that edition's own scale."""
    assert report.edition is not None
    prev = m.previous_edition(report.edition)
    if prev is None:
        return {}
    source_dir = m.scale.parse_direction(report.scale)
    return {s.category: (m.to_direction(Fraction(s.from_value), source_dir, prev.direction), s.line)
            for s in report.statements
            if s.from_value is not None and s.category not in ("DS", "DP") and prev.uses(s.category)}


@dataclass
class PageHeadline:
    """What a page prints besides category ratings, on the edition's own scale."""

    scores: dict[str, Fraction] = field(default_factory=dict)  # score / percentage code → value
    regime: str | None = None
    printed_direction: str = ""
    change_list: ChangeList = "unknown"
    changes: dict[str, tuple[Fraction | None, Fraction]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.scores and self.regime is None and not self.changes


def change_list(report: Report) -> ChangeList:
    """What the copy shows of its list of score changes: ``none`` when it says it has none,
    ``unknown`` when it shows no bullet or is cut inside the list, else ``listed``."""
    codes = {f.code for f in (*report.notes, *report.audit)}
    changes = [s for s in report.statements if s.from_value is not None]
    if "no_score_changes" in codes and not changes:
        return "none"
    if report.truncated or codes & {"changes_list_cut", "statement_cut", "no_change_bullets"}:
        return "unknown"
    return "listed" if changes else "unknown"


def page_headline(report: Report, m: Methodology) -> PageHeadline:
    """The headline of a report that prints no table row for its edition (a country page):
    its printed score, percentage, regime and change bullets on the edition's own scale.
    Empty for a report with a table row (its score is a table's, checked by the audit)."""
    assert report.edition is not None
    out = PageHeadline()
    if any(c in m.categories for c in report.tables.get(report.edition, {})):
        return out
    ed = m.edition(report.edition)
    printed = m.scale.parse_direction(report.scale)
    out.printed_direction = printed.value
    if report.democracy_score is not None:
        out.scores[m.score.code] = m.to_direction(Fraction(report.democracy_score), printed,
                                                  ed.direction)
    if report.democracy_percentage is not None and m.percentage is not None:
        out.scores[m.percentage.code] = Fraction(report.democracy_percentage)
    out.regime = report.regime
    for st in report.statements:
        if st.from_value is None or st.category in out.changes:
            continue
        if st.category != m.score.code and not ed.uses(st.category):
            continue
        out.changes[st.category] = (m.to_direction(Fraction(st.from_value), printed, ed.direction),
                                    m.to_direction(Fraction(st.to_value), printed, ed.direction))
    if out.changes or out.scores:
        out.change_list = change_list(report)
    return out


def scale_note(report: Report, m: Methodology) -> str | None:
    """The note an import adds when the report prints its edition on the other scale."""
    assert report.edition is not None
    ed = m.edition(report.edition)
    printed = m.scale.parse_direction(report.scale)
    if printed is ed.direction:
        return None
    example = ""
    if report.democracy_score is not None:
        own = m.to_direction(Fraction(report.democracy_score), printed, ed.direction)
        example = f"; e.g. {m.score.name} {report.democracy_score} → {fmt(own)}"
    low, high = m.scale.min, m.scale.max
    return (f"values printed on the {report.scale} scale are stored on the {ed.year} edition's "
            f"own {m.direction_label(ed.direction)} scale as {fmt(low + high, 0)} − x{example}")


def _why(text: str) -> str:
    """The paragraph that explains a rating, tidied; too short to explain anything → empty."""
    text = text.strip(" .,;:\n\t")
    return text if len(text.split()) >= 4 else ""


def import_report(engine: Engine, m: Methodology, report: Report, *, update: bool = False,
                  user: str = "") -> ImportResult:
    """Write the report's edition into the store in one transaction (see the module doc)."""
    if report.iso3 is None:
        return ImportResult("skipped", f"country {report.country or '(none)'} is not known")
    if report.edition is None:
        return ImportResult("skipped", "the report names no edition (no title, page address or "
                            "table header gives one): nothing imported; its values are read, "
                            "but cannot be filed under an edition")
    if report.edition not in m.editions:
        return ImportResult("skipped", f"edition {report.edition} is not a {m.code} edition")
    blocking = [f for f in report.audit if f.severity == "error" and f.code != "db_mismatch"]
    if blocking:
        first = blocking[0]
        where = f" (line {first.line})" if first.line else ""
        return ImportResult("rejected", f"{len(blocking)} error finding(s), first: "
                            f"{first.code}{where}: {first.message}")
    try:
        values = edition_values(report, m)
        for code, (value, _line, _why) in values.items():  # validated once, before writing
            m.check_rating(report.edition, code, value)
        head = page_headline(report, m)
        for code, (was, now) in head.changes.items():
            if code != m.score.code:
                m.check_rating(report.edition, code, now)
                if was is not None:
                    m.check_value(was, field="from")
    except DemoscopeError as exc:
        return ImportResult("rejected", exc.message)
    if not values and head.empty:
        return ImportResult("skipped", f"no ratings for edition {report.edition} in the report")
    result = ImportResult("imported")
    note = scale_note(report, m)
    if note:
        result.notes.append(note)
    try:
        ed = m.edition(report.edition)
        with writes.write_transaction(engine) as tx:
            check_country(tx.read, report.iso3)
            held = reads.row(tx.read, m.code, report.iso3, ed.year)
            if any(held.get(code) != v[0] for code, v in values.items()):
                # an edition the workflow runs changes through proposals, the consensus and
                # audited corrections only, never through an imported report
                check_not_assessed(tx.read, m, ed.year)
            for code, (value, line, justification) in sorted(values.items()):
                label = f"{code} {fmt(value)}"
                old = held.get(code)
                if old == value:
                    result.unchanged.append(label)
                    continue
                if old is not None:
                    result.conflicts.append(f"{code}: database {fmt(old)}, report {fmt(value)}"
                                            + (f" (line {line})" if line else ""))
                    if not update:
                        continue
                where = f"{report.file}:{line}" if line else report.file
                source = f"report {report.shape} {where}" + (f" by {user}" if user else "")
                record(tx, m, report.iso3, ed, code, value, source=source,
                       justification=justification or None)
                (result.updated if old is not None else result.added).append(label)
            prev = m.previous_edition(report.edition)
            before = reads.row(tx.read, m.code, report.iso3, prev.year) if prev is not None else {}
            for code, (value, line) in sorted(previous_values(report, m).items()):
                if code in before and before[code] != value:
                    result.conflicts.append(
                        f"{code} {prev.year}: database {fmt(before[code])}, report says it was "  # type: ignore[union-attr]
                        f"{fmt(value)} (line {line}; the previous edition is never changed here)")
            if not head.empty:
                _store_headline(tx, m, report, head, update, user, result)
            if result.conflicts and not update:
                raise _Rollback
            rebuilt = rebuild(tx, m, [report.iso3])
            result.reconstructed = [f"{r.year}: {r.provenance}"
                                    for r in rebuilt.rows.get(report.iso3, [])]
            result.notes += [f"{n.year}: {n.message}" for n in rebuilt.notes.get(report.iso3, [])]
    except _Rollback:
        return ImportResult("conflict", f"{len(result.conflicts)} value(s) differ from the "
                            "database; nothing written (use --update to record them)",
                            unchanged=result.unchanged, conflicts=result.conflicts,
                            notes=result.notes)
    except DemoscopeError as exc:
        return ImportResult("rejected", f"{exc.message}; nothing written")
    if not result.added and not result.updated:
        result.status = "unchanged"
    return result


def _store_headline(tx: writes.WriteTransaction, m: Methodology, report: Report,
                    head: PageHeadline, update: bool, user: str, result: ImportResult) -> None:
    """Store a page's headline (scores, regime, change bullets) like its ratings: what is held
    with another value is a conflict, replaced only with ``update``."""
    assert report.iso3 is not None and report.edition is not None
    iso3, year = report.iso3, report.edition
    eid = reads.edition_ids(tx.read, m.code)[year]
    source = f"report {report.shape} {report.file}" + (f" by {user}" if user else "")
    url = report.file
    held = reads.published_scores(tx.read, m.code, [iso3], year).get((iso3, year), {})
    ed = m.edition(year)
    for code, value in sorted(head.scores.items()):
        label = f"{code} {fmt(value)} (published)"
        old = held.get(code)
        if old is not None and old.value == value:
            result.unchanged.append(label)
            continue
        if old is not None:
            result.conflicts.append(f"{code} printed: database {fmt(old.value)}, report "
                                    f"{fmt(value)}")
            if not update:
                continue
        printed = head.printed_direction if head.printed_direction != ed.direction.value else None
        writes.put_published_score(tx.session, iso3, eid, code, {
            "value_x100": x100(value), "source": source, "source_url": url,
            "source_edition": year, "quirk": None,
            "printed_direction": printed if code == m.score.code else None})
        (result.updated if old is not None else result.added).append(label)
    had = reads.headlines(tx.read, m.code, [iso3], year).get((iso3, year))
    bullets = reads.printed_changes(tx.read, m.code, [iso3], year).get((iso3, year), [])
    now = {c.code: (c.before, c.after) for c in bullets}
    if had is not None and had.regime and head.regime and had.regime != head.regime:
        result.conflicts.append(f"regime printed: database {had.regime!r}, report {head.regime!r}")
        if not update:
            return
    if now and head.changes and now != head.changes:
        result.conflicts.append("score changes printed: database "
                                f"{_bullets(now)}, report {_bullets(head.changes)}")
        if not update:
            return
    if had is None or update or (not now and head.changes) or (head.regime and not had.regime):
        writes.put_headline(tx.session, iso3, eid, {
            "regime": head.regime or (had.regime if had else None),
            "printed_direction": head.printed_direction,
            "change_list": head.change_list if head.changes or had is None
            else had.change_list,
            "source": source, "source_url": url})
        if head.changes and now != head.changes:
            writes.replace_printed_changes(tx.session, iso3, eid, [
                {"code": c, "from_x100": None if b is None else x100(b), "to_x100": x100(a),
                 "source": source, "source_url": url} for c, (b, a) in sorted(head.changes.items())])
        result.added.append(f"headline {year} ({head.change_list} score changes)")


def _bullets(changes: dict[str, tuple[Fraction | None, Fraction]]) -> str:
    return "; ".join(f"{c} {fmt(b) if b is not None else '?'}→{fmt(a)}"
                     for c, (b, a) in sorted(changes.items()))
