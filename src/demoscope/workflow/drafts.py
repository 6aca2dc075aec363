"""What a country report draft may hold (pure).

The draft is the author's Markdown, per part: ``executive_summary``, ``summary:CODE`` (the
executive summary's paragraph on a category), ``CODE`` (the category's section) and
``outlook``, with numbered footnotes cited as ``[n]``. The sentence that closes a category's
summary paragraph ("X's rating for civil society improves from 5.75 to 5.50.") is generated
from the consensus, never typed: a part that states a rating is refused, so the text can never
disagree with the published number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from demoscope.methodology import Edition

EXECUTIVE_SUMMARY = "executive_summary"
OUTLOOK = "outlook"
SUMMARY_PREFIX = "summary:"
MAX_PART = 200_000
CITATION = re.compile(r"\[\^?(\d{1,3})\]")
#: A typed rating sentence: "rating for/in X improves|deteriorates|remains ... N.NN".
RATING_SENTENCE = re.compile(
    r"\brating\s+(?:for|in|of)\b[^.]{0,80}?\b(?:improve[sd]?|deteriorate[sd]?|declined?|worsen(?:s|ed)?|"
    r"remains?|remained)\b[^.]{0,40}?\b\d\.\d{2}\b", re.I)


@dataclass(frozen=True)
class DraftProblem:
    part: str
    reason: str


def part_keys(ed: Edition) -> list[str]:
    """The parts of a draft in report order."""
    return [EXECUTIVE_SUMMARY, *(f"{SUMMARY_PREFIX}{c}" for c in ed.categories), *ed.categories,
            OUTLOOK]


def problems(ed: Edition, parts: Mapping[str, str], footnotes: Sequence[tuple[int, str]]
             ) -> list[DraftProblem]:
    """Everything wrong with a draft (empty: it may be saved)."""
    allowed = set(part_keys(ed))
    out: list[DraftProblem] = [
        DraftProblem(k, f"is not a part of this edition's report (parts: {', '.join(part_keys(ed))})")
        for k in parts if k not in allowed]
    numbers = [n for n, _ in footnotes]
    for n, text in footnotes:
        if n < 1:
            out.append(DraftProblem(f"footnote {n}", "footnotes are numbered from 1"))
        if not text.strip():
            out.append(DraftProblem(f"footnote {n}", "is empty"))
    if len(set(numbers)) != len(numbers):
        out.append(DraftProblem("footnotes", "a footnote number is used twice"))
    for key, text in parts.items():
        if key not in allowed:
            continue
        if len(text) > MAX_PART:
            out.append(DraftProblem(key, f"is longer than {MAX_PART} characters"))
        found = RATING_SENTENCE.search(text)
        if found:
            out.append(DraftProblem(key, f"states a rating ({found.group(0)!r}): the rating "
                                         "sentence is generated from the consensus; remove it"))
        for n in CITATION.findall(text):
            if int(n) not in numbers:
                out.append(DraftProblem(key, f"cites footnote [{n}], which the draft does not have"))
    return out
