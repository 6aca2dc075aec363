"""Where a country report's text comes from: the seam between publication and the workflow.

A report prints the data (ratings, scores, change sentences) from the database and the
author's text from a :class:`~demoscope.publish.model.ReportDraft`. The assessment workflow
(issue 12) stores drafts per country and edition; :func:`published_draft` is the one function
the faces (``demoscope report``, the report pages) call to get the text of a published
report. Until the workflow's tables exist it finds none, and every report holds the data parts
only and says so.

The contract for the workflow: return the draft of ``iso3`` in ``year`` only once that edition
is published (the pages are public and cached per data version: a draft must never reach an
anonymous reader early), read it through :mod:`demoscope.store.reads` (so publishing or
correcting a draft, a write that bumps the data version, also refreshes every cached report),
and fill :class:`ReportDraft` as its docstring says (Markdown parts, ``[n]`` markers,
numbered footnotes, no typed rating sentence: the report generates it).
"""

from __future__ import annotations

from demoscope.methodology import Methodology
from demoscope.publish.model import ReportDraft
from demoscope.store.reads import Reader


def published_draft(read: Reader, m: Methodology, iso3: str, year: int) -> ReportDraft | None:
    """The published report text of ``iso3`` in the ``year`` edition, or None (see the module
    docstring: the workflow's stored drafts are read here once they exist)."""
    del read, m, iso3, year  # no draft store yet: historic editions have no text
    return None
