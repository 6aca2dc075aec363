"""What a batch of reports gave, per shape: documents, values read, inferences, conflicts and
unreadable parts — the closing summary of ``demoscope ingest`` (a Rich table, or one JSON
object ``{"summary": ...}`` on stderr in ``--json`` mode, so standard output stays one report
per line).

Which findings count as what is decided here, by finding code:

* **inferred** — the reader had to infer something the copy does not print plainly (years of a
  table header, a row's lost label, a glued run cut into ratings, the edition from a heading,
  the scale from a percentage, ...): every such inference is a finding with its line;
* **unreadable parts** — a part of a document that could not be read (a copy cut inside a row,
  a sentence or the list of changes; values no label or year places);
* **unreadable documents** — files that gave no report at all (not a report, empty, binary).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from demoscope.reports.model import Report

#: Findings that record an inference the reader made.
INFERRED = frozenset({
    "category_name_slip", "country_inferred", "edition_from_data", "edition_from_heading",
    "edition_from_table",
    "edition_inferred", "heading_names_previous_year", "scale_converted", "score_scale_maximum",
    "statement_without_from", "table_dash_separator", "table_label_inferred",
    "table_label_wrapped", "table_years_inferred", "table_years_misprinted", "value_glue_cut",
    "verb_read_from_numbers", "decimal_comma_glue_cut",
})
#: Findings that record a part of the document that could not be read.
UNREADABLE = frozenset({
    "changes_list_cut", "scores_cut_off", "statement_cut", "statement_cut_short",
    "table_row_truncated", "table_row_unlabeled", "table_extra_cells", "table_years_unknown",
    "no_change_bullets", "edition_unknown", "table_row_short", "table_row_stops",
    "table_cell_unreadable",
})
SHAPES = ("text", "pdf", "webpage")


@dataclass
class Counts:
    documents: int = 0
    values: int = 0
    inferred: int = 0
    conflicts: int = 0
    unreadable_parts: int = 0
    unreadable_documents: int = 0
    imported: int = 0
    not_imported: int = 0


def values_read(report: Report) -> int:
    """How many values a report gave: table cells (an n/a printed counts: it was read),
    the numbers of its rating sentences and its headline score and percentage."""
    n = sum(len(row) for row in report.tables.values())
    n += sum(1 + (s.from_value is not None) for s in report.statements)
    if report.edition is None or "DS" not in report.tables.get(report.edition, {}):
        n += report.democracy_score is not None
    if report.edition is None or "DP" not in report.tables.get(report.edition, {}):
        n += report.democracy_percentage is not None
    return n


def shape_of_file(path: str) -> str:
    """The shape a file would have been read as, by its extension (for unreadable files)."""
    suffix = Path(path).suffix.lower()
    return "pdf" if suffix == ".pdf" else "webpage" if suffix in (".html", ".htm") else "text"


@dataclass
class BatchSummary:
    shapes: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in SHAPES})

    def add(self, report: Report, *, conflicts: int = 0, imported: bool | None = None) -> None:
        """Count one report (``imported`` None: nothing was to be imported, a dry run)."""
        c = self.shapes.setdefault(report.shape, Counts())
        c.documents += 1
        c.values += values_read(report)
        codes = [f.code for f in (report.audit or report.notes)]
        c.inferred += sum(code in INFERRED for code in codes)
        c.unreadable_parts += sum(code in UNREADABLE for code in codes)
        c.conflicts += conflicts
        if imported is True:
            c.imported += 1
        elif imported is False:
            c.not_imported += 1

    def add_unreadable(self, file: str) -> None:
        c = self.shapes.setdefault(shape_of_file(file), Counts())
        c.documents += 1
        c.unreadable_documents += 1
        c.not_imported += 1

    @property
    def total(self) -> Counts:
        out = Counts()
        for c in self.shapes.values():
            for k, v in asdict(c).items():
                setattr(out, k, getattr(out, k) + v)
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"shapes": {shape: counts}, "total": counts}`` (the ``summary`` object)."""
        return {"shapes": {s: asdict(c) for s, c in self.shapes.items()},
                "total": asdict(self.total)}
