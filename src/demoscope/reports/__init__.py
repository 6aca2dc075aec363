"""Published country reports read into structured data, and audited.

::

    from demoscope.reports import read_report, audit_report
    from demoscope.methodology import nit

    report = read_report("kazakhstan-2008.txt")      # text, PDF (or its text) or web page
    findings = audit_report(report, nit(), db_lookup=store_lookup)
    print(report.to_json())                           # the stable JSON contract

The shape ("text", "pdf", "webpage") is detected from the content; the extension only decides
how text is extracted. Bad input (empty, binary, not UTF-8, truncated PDF, too large, a page
that is no report) raises :class:`~demoscope.errors.ReportParseError` with a one-line reason.

JSON contract (``Report.to_json()``), one object per report: ``country``, ``iso3``,
``edition``, ``shape``, ``scale`` ("1_best"/"7_best"), ``tables`` (``{"YEAR": {"EP": 6.75, ...,
"DS": 6.39, "DP": ...}}``, null = n/a printed; a code absent = not in the copy),
``statements`` (``[{"category", "from", "to", "verb", "kind", "sentence", "line"}]``, ``from``
null for "remains at"), ``democracy_score``, ``democracy_percentage``, ``regime``,
``truncated``, ``sections``, ``footnotes``, ``audit`` (``[{"severity", "code", "message",
"line"}]``).

The modules, from the file up: :mod:`~.source` (bytes, text, line numbers),
:mod:`~.pdf` and :mod:`~.webpage` (extraction and their shapes), :mod:`~.extract` (picks the
extractor), :mod:`~.detect`, :mod:`~.tables`, :mod:`~.columns` and :mod:`~.names` (what the
text holds), :mod:`~.text` (the reader the shapes share), :mod:`~.reader` (text → Report),
:mod:`~.audit` (checks), and :mod:`~.batch` (files and folders). Nothing here writes to the
database: importing a report is :mod:`demoscope.services.importing`.

The names below are loaded on first use (this package imports none of its modules up front).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module that defines it.
_EXPORTS = {
    "DbLookup": "audit", "audit_report": "audit",
    "read_paths": "batch", "report_files": "batch",
    "Finding": "model", "Footnote": "model", "Report": "model", "Section": "model",
    "Statement": "model",
    "parse_doc": "reader", "read_report": "reader", "read_report_bytes": "reader",
    "ReportParseError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'demoscope.reports' has no attribute {name!r}")
    where = "demoscope.errors" if module == "errors" else f"demoscope.reports.{module}"
    return getattr(import_module(where), name)
