"""The footnotes a published report draft cites for each change: the evidence of the changes in
the scorecards and ``GET /api/v1/changes`` (:func:`demoscope.read.scorecard.cited_sources`).

Only editions the workflow has *published* are read: the scorecards and the API are public,
and a draft still in work never reaches them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from demoscope.methodology import Methodology
from demoscope.store import reads
from demoscope.store.reads import Reader
from demoscope.workflow import drafts
from demoscope.workflow.states import State


class CitedDraft(NamedTuple):
    """What a published report draft says about its country's changes: each category's
    summary paragraph (the text that justifies its rating) and the numbered footnotes."""

    summaries: dict[str, str]  # category code → summary paragraph (Markdown)
    footnotes: dict[int, str]  # number → footnote text


def published_drafts(read: Reader, m: Methodology, iso3s: Iterable[str] | None = None,
                     year: int | None = None) -> dict[tuple[str, int], CitedDraft]:
    """The report drafts of the editions the workflow has *published* (never a draft of an
    edition still in work: the API and the scorecards are public), by ``(iso3, year)``, as
    :class:`CitedDraft` — the evidence :func:`demoscope.read.scorecard.rating_changes` cites."""
    wanted = None if iso3s is None else set(iso3s)
    out: dict[tuple[str, int], CitedDraft] = {}
    for aed in reads.assessment_editions(read, m.code):
        if aed.state != State.PUBLISHED.value or (year is not None and aed.year != year):
            continue
        for iso3 in reads.assessment_versions(read, aed.id):
            if wanted is not None and iso3 not in wanted:
                continue
            latest = reads.report_drafts(read, aed.id, iso3)
            if not latest:
                continue
            parts: dict[str, str] = json.loads(latest[0].parts)
            summaries = {k.removeprefix(drafts.SUMMARY_PREFIX).upper(): v for k, v in parts.items()
                         if k.startswith(drafts.SUMMARY_PREFIX)}
            notes = {int(f["number"]): str(f["text"]) for f in json.loads(latest[0].footnotes)}
            out[(iso3, aed.year)] = CitedDraft(summaries, notes)
    return out
