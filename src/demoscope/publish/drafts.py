"""Where a country report's text comes from: the seam between publication and the workflow.

A report prints the data (ratings, scores, change sentences) from the database and the
author's text from a :class:`~demoscope.publish.model.ReportDraft`. The assessment workflow
(issue 12) stores each country's report draft, versioned, with its edition;
:func:`published_draft` is the one function the faces (``demoscope report``, the report pages,
``report all``) call to get the text of a *published* report. Historic editions have no draft:
their reports hold the data parts only and say so.

Why only published drafts: the report pages are public and kept per data version by the web
app, so a draft must never reach an anonymous reader before its edition is published. Every
workflow write (a draft saved, the edition published, a correction) bumps the data version,
so a cached report is rebuilt with the text as published. A preview of an unpublished draft
for a logged-in author or editor builds the report with the draft given explicitly
(:func:`demoscope.publish.render.report_model`) in a response that is not kept.
"""

from __future__ import annotations

from demoscope.methodology import Methodology
from demoscope.publish.model import ReportDraft
from demoscope.read.assessment import report_source
from demoscope.store import reads
from demoscope.store.reads import Reader
from demoscope.workflow.states import State

#: The workflow state of an edition whose report texts are public.
PUBLISHED = State.PUBLISHED.value


def published_draft(read: Reader, m: Methodology, iso3: str, year: int) -> ReportDraft | None:
    """The report text of ``iso3`` in the ``year`` edition once the workflow has published
    that edition (its latest stored draft), else None."""
    edition = reads.assessment_edition(read, m.code, year)
    if edition is None or edition.state != PUBLISHED:
        return None
    return latest_draft(read, m, iso3, year)


def latest_draft(read: Reader, m: Methodology, iso3: str, year: int) -> ReportDraft | None:
    """The latest stored draft of ``iso3`` in ``year``, whatever the edition's state (for a
    preview behind the workflow's permissions; never for a public page), or None."""
    found = report_source(read, m, iso3, year)
    if found is None:
        return None
    parts, footnotes, authors = found
    return ReportDraft.from_parts(parts, footnotes, authors)
