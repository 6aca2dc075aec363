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
* values are converted from the report's printed scale to the edition's own before storing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from sqlalchemy.engine import Engine

from demoscope.errors import DemoscopeError
from demoscope.methodology import Methodology
from demoscope.numbers import fmt
from demoscope.reports.model import Report
from demoscope.services.rating import check_country, record
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

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "unchanged")

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "added": self.added,
                "updated": self.updated, "unchanged": self.unchanged, "conflicts": self.conflicts}


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


def _why(text: str) -> str:
    """The paragraph that explains a rating, tidied; too short to explain anything → empty."""
    text = text.strip(" .,;:\n\t")
    return text if len(text.split()) >= 4 else ""


def import_report(engine: Engine, m: Methodology, report: Report, *, update: bool = False,
                  user: str = "") -> ImportResult:
    """Write the report's edition into the store in one transaction (see the module doc)."""
    if report.iso3 is None:
        return ImportResult("skipped", f"country {report.country or '(none)'} is not known")
    if report.edition is None or report.edition not in m.editions:
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
    except DemoscopeError as exc:
        return ImportResult("rejected", exc.message)
    if not values:
        return ImportResult("skipped", f"no ratings for edition {report.edition} in the report")
    result = ImportResult("imported")
    try:
        ed = m.edition(report.edition)
        with writes.write_transaction(engine) as tx:
            check_country(tx.read, report.iso3)
            held = reads.row(tx.read, m.code, report.iso3, ed.year)
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
                record(tx, m, report.iso3, ed, code, value, source=source[:200],
                       justification=justification or None)
                (result.updated if old is not None else result.added).append(label)
            prev = m.previous_edition(report.edition)
            before = reads.row(tx.read, m.code, report.iso3, prev.year) if prev is not None else {}
            for code, (value, line) in sorted(previous_values(report, m).items()):
                if code in before and before[code] != value:
                    result.conflicts.append(
                        f"{code} {prev.year}: database {fmt(before[code])}, report says it was "  # type: ignore[union-attr]
                        f"{fmt(value)} (line {line}; the previous edition is never changed here)")
            if result.conflicts and not update:
                raise _Rollback
    except _Rollback:
        return ImportResult("conflict", f"{len(result.conflicts)} value(s) differ from the "
                            "database; nothing written (use --update to record them)",
                            unchanged=result.unchanged, conflicts=result.conflicts)
    except DemoscopeError as exc:
        return ImportResult("rejected", f"{exc.message}; nothing written")
    if not result.added and not result.updated:
        result.status = "unchanged"
    return result
