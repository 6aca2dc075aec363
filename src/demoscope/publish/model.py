"""The typed input of every publication renderer: a country report, an edition overview.

Why a model of its own: the Markdown, HTML and PDF renderers must print the same report, and
none of them may compute a score (STYLE: renderers never compute scores). So one assembler
(:mod:`demoscope.publish.assemble`) asks the library for every number and sentence once and
fills these frozen dataclasses; the renderers only format what they hold. Values are exact
(``Fraction`` for ratings and printed scores) and become text in the renderers through
:func:`demoscope.numbers.fmt`.

:class:`ReportDraft` is the seam for the assessment workflow (issue 12): the author's report
text, per part, in Markdown with numbered footnotes. The workflow fills it from its database;
historic editions have none, and their reports hold the data parts only (and say so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from demoscope.errors import DemoscopeError
from demoscope.numbers import fmt

#: Keys of :meth:`ReportDraft.from_parts`: the opening of the executive summary, the outlook,
#: a category code for its section ("EP"), ``summary:CODE`` for its summary paragraph.
EXECUTIVE_SUMMARY = "executive_summary"
OUTLOOK = "outlook"
SUMMARY_PREFIX = "summary:"

#: A footnote marker as the reports print it ("...in 2007.[3]"); ``[^3]`` is accepted in drafts.
CITATION = re.compile(r"\[\^?(\d{1,3})\]")


class InvalidDraft(DemoscopeError):
    """A report draft the renderer cannot print faithfully (names the part and why)."""

    exit_code = 3
    http_status = 422


# -- the workflow's draft (input seam) ---------------------------------------------------------


@dataclass(frozen=True)
class DraftFootnote:
    number: int
    text: str  # one paragraph of Markdown (a source citation)


@dataclass(frozen=True)
class ReportDraft:
    """The author's text of one country report, as the workflow stores it.

    Every part is Markdown. Footnote markers are ``[n]`` (or ``[^n]``) and refer to
    ``footnotes`` by number. A part never holds the rating sentence: the report generates it
    from the ratings (never typed, so it cannot disagree with them); a part that contains one
    is refused by :func:`~demoscope.publish.assemble.country_report`.

    ``category_summaries[code]`` is the executive-summary paragraph that justifies the
    category's rating (the report appends the rating sentence to it); ``sections[code]`` is the
    category's full section.
    """

    authors: tuple[str, ...] = ()
    executive_summary: str = ""
    category_summaries: Mapping[str, str] = field(default_factory=dict)
    sections: Mapping[str, str] = field(default_factory=dict)
    outlook: str = ""
    footnotes: tuple[DraftFootnote, ...] = ()

    @classmethod
    def from_parts(cls, parts: Mapping[str, str], footnotes: Sequence[DraftFootnote | tuple[int, str]] = (),
                   authors: Sequence[str] = ()) -> ReportDraft:
        """A draft from parts by key (:data:`EXECUTIVE_SUMMARY`, :data:`OUTLOOK`, ``"EP"`` for
        a section, ``"summary:EP"`` for a summary paragraph), as a workflow table keeps them."""
        sections: dict[str, str] = {}
        summaries: dict[str, str] = {}
        for key, text in parts.items():
            if key in (EXECUTIVE_SUMMARY, OUTLOOK):
                continue
            if key.startswith(SUMMARY_PREFIX):
                summaries[key.removeprefix(SUMMARY_PREFIX).upper()] = text
            else:
                sections[key.upper()] = text
        notes = tuple(f if isinstance(f, DraftFootnote) else DraftFootnote(int(f[0]), str(f[1]))
                      for f in footnotes)
        return cls(tuple(authors), parts.get(EXECUTIVE_SUMMARY, ""), summaries, sections,
                   parts.get(OUTLOOK, ""), notes)

    @classmethod
    def from_json(cls, data: object, where: str = "draft") -> ReportDraft:
        """A draft from its JSON form (``demoscope report --draft FILE``)::

            {"authors": ["..."], "parts": {"executive_summary": "...", "summary:EP": "...",
             "EP": "...", "outlook": "..."}, "footnotes": [{"number": 1, "text": "..."}]}

        Anything else is :class:`InvalidDraft` naming the field (``where`` names the file)."""
        if not isinstance(data, dict):
            raise InvalidDraft(f"{where}: a draft is a JSON object with authors, parts and "
                               "footnotes", field="draft")
        unknown = sorted(set(data) - {"authors", "parts", "footnotes"})
        if unknown:
            raise InvalidDraft(f"{where}: unknown key {unknown[0]!r} (keys: authors, parts, "
                               "footnotes)", field=unknown[0])
        authors, parts, notes = (data.get("authors", []), data.get("parts", {}),
                                 data.get("footnotes", []))
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise InvalidDraft(f"{where}: authors must be a list of names", field="authors")
        if not isinstance(parts, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in parts.items()):
            raise InvalidDraft(f"{where}: parts must map part keys to Markdown text",
                               field="parts")
        if not isinstance(notes, list):
            raise InvalidDraft(f"{where}: footnotes must be a list", field="footnotes")
        footnotes = []
        for i, f in enumerate(notes, 1):
            if not (isinstance(f, dict) and isinstance(f.get("number"), int)
                    and not isinstance(f.get("number"), bool) and isinstance(f.get("text"), str)):
                raise InvalidDraft(f"{where}: footnote {i} needs a number and a text",
                                   field="footnotes")
            footnotes.append(DraftFootnote(f["number"], f["text"]))
        return cls.from_parts(parts, footnotes, authors)

    @property
    def is_empty(self) -> bool:
        return not (self.executive_summary.strip() or self.outlook.strip() or self.footnotes
                    or any(t.strip() for t in (*self.category_summaries.values(),
                                               *self.sections.values())))


# -- the country report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One row of the ratings table: a category (or the score), a value per column.

    ``None`` prints as ``n/a``: the edition did not rate the category, or the country has no
    value then. ``note`` is the mark ("*") tying the row to a table note."""

    code: str
    label: str
    values: tuple[Fraction | None, ...]
    note: str = ""
    #: per value: True where the edition rates it but the database lacks it (printed "–",
    #: not "n/a", which means "not rated")
    gaps: tuple[bool, ...] = ()

    def shown(self, i: int, gap: str = "–") -> str:
        """The cell as printed: two decimals, "n/a" (not rated) or ``gap`` (not in the data:
        "–", the site's missing mark, :data:`demoscope.read.coverage.MISSING_MARK`; the
        Markdown prints "n.a.", which the report reader reads as an empty cell)."""
        v = self.values[i]
        if v is not None:
            return fmt(v)
        return gap if i < len(self.gaps) and self.gaps[i] else "n/a"


@dataclass(frozen=True)
class RatingsTable:
    """The ratings across the last editions up to the report's, all on the report's scale."""

    editions: tuple[int, ...]
    labels: tuple[str, ...]  # column heads as printed ("1999" for 1999–2000)
    rows: tuple[TableRow, ...]
    notes: tuple[str, ...]  # "* ..." notes (the Governance split), then the scale note
    #: what a gap cell means (printed after the renderer's gap mark), "" when there is none
    gap_note: str = ""

    @property
    def first(self) -> str:
        return self.labels[0] if self.labels else ""

    @property
    def last(self) -> str:
        return self.labels[-1] if self.labels else ""


@dataclass(frozen=True)
class Source:
    """Where a rating value comes from (the dataset's or a team's source, with its address)."""

    label: str
    url: str | None = None


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str  # Markdown
    cited_in: tuple[str, ...] = ()  # part keys that cite it, in order of appearance


@dataclass(frozen=True)
class Change:
    """A category's rating against the previous edition, with its evidence.

    ``sentence`` is the library's change sentence (:func:`demoscope.scoring.change_sentence`
    via the scorecard) in the reports' wording for the edition's scale. ``justification`` is
    what was recorded with the rating (``demoscope rate --justification``, the consensus);
    ``footnotes`` are the footnotes the category's summary paragraph cites; ``sources`` the
    provenance of the value."""

    category: str
    name: str
    old: Fraction | None
    new: Fraction
    verb: str  # "improves" | "deteriorates" | "remains"
    sentence: str
    previous_edition: int | None
    justification: str | None = None
    footnotes: tuple[int, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def changed(self) -> bool:
        return self.verb != "remains"


@dataclass(frozen=True)
class CategoryPart:
    """One category of the report: its summary paragraph (without the rating sentence), the
    rating sentence, and its full section (Markdown; empty without a draft)."""

    code: str
    name: str
    rating: Fraction | None
    summary: str  # Markdown; the draft's paragraph, else the recorded justification, else ""
    sentence: str  # generated; "" when the country has no rating for the category
    change: Change | None
    section: str


@dataclass(frozen=True)
class ChartPoint:
    edition: int
    label: str
    value: Fraction | None


@dataclass(frozen=True)
class ChartBand:
    """A regime band drawn behind the score line (on the chart's scale)."""

    name: str
    low: Fraction
    high: Fraction
    colour: str


@dataclass(frozen=True)
class ScoreChart:
    """The data of the Democracy Score chart: one value per edition, on one scale."""

    title: str
    points: tuple[ChartPoint, ...]
    minimum: Fraction
    maximum: Fraction
    best_on_top_is_low: bool  # the scale's best end is its low end (1 = best): draw it on top
    best_label: str = ""  # the most democratic value as printed ("1"), drawn at the top
    bands: tuple[ChartBand, ...] = ()
    highlight: int | None = None  # the report's edition


@dataclass(frozen=True)
class CountryReport:
    """Everything a country report prints, computed (see the module docstring)."""

    methodology: str  # "Nations in Transit"
    publisher: str
    country: str  # as the edition prints it
    iso3: str
    edition: int
    edition_label: str
    coverage: str  # "1 January – 31 December 2007"
    direction: str  # "1_best" / "7_best"
    scale_note: str
    authors: tuple[str, ...]
    score_name: str
    score_code: str  # "DS": the table's score row
    democracy_score: Fraction | None  # printed (rounded) on the edition's scale
    percentage_name: str | None
    democracy_percentage: Fraction | None  # only for editions that publish it
    regime: str | None
    previous_edition: int | None
    missing: tuple[str, ...]  # categories the edition rates but the country lacks
    table: RatingsTable
    executive_summary: str  # Markdown
    categories: tuple[CategoryPart, ...]
    outlook: str  # Markdown
    footnotes: tuple[Footnote, ...]
    chart: ScoreChart
    has_draft: bool
    notes: tuple[str, ...] = ()  # e.g. "data parts only" for a historic edition
    data_version: str | None = None
    #: what the database holds for this country-edition ("complete", "reconstructed",
    #: "partial", "headline-only": :mod:`demoscope.read.coverage`)
    status: str = "complete"
    #: the score as the edition's page printed it, shown (marked) where none is computed
    published_score: Fraction | None = None
    published_regime: str | None = None

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(p.change for p in self.categories if p.change is not None)

    @property
    def slug(self) -> str:
        return f"{self.iso3.lower()}-{self.edition}"


# -- the edition overview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewCountry:
    iso3: str
    country: str
    region: str
    ratings: tuple[Fraction | None, ...]  # in ``EditionOverview.categories`` order
    changes: tuple[str | None, ...]  # verb per category against the previous edition
    democracy_score: Fraction | None
    democracy_percentage: Fraction | None
    regime: str | None
    regime_code: str | None
    colour: str | None
    previous_score: Fraction | None  # on this edition's scale
    previous_edition: int | None


@dataclass(frozen=True)
class RegionAverage:
    region: str
    n: int  # countries with a Democracy Score in the region
    values: tuple[Fraction | None, ...]  # exact means, per category
    democracy_score: Fraction | None  # exact mean of the printed scores


@dataclass(frozen=True)
class RegimeGroup:
    code: str
    name: str
    colour: str
    countries: tuple[tuple[str, str, Fraction], ...]  # (iso3, name, score), best first


@dataclass(frozen=True)
class Mover:
    """A country whose Democracy Score moved most, with the category changes behind it."""

    iso3: str
    country: str
    previous_edition: int
    old: Fraction
    new: Fraction
    delta: Fraction  # positive = more democratic, whatever the scale
    changes: tuple[Change, ...]  # the categories that moved, with their justifications


@dataclass(frozen=True)
class EditionOverview:
    methodology: str
    publisher: str
    edition: int
    edition_label: str
    coverage: str
    direction: str
    scale_note: str
    score_name: str
    score_code: str
    percentage_name: str | None  # None for an edition that publishes no percentage
    percentage_code: str | None
    categories: tuple[str, ...]
    category_names: tuple[str, ...]
    countries: tuple[OverviewCountry, ...]
    regions: tuple[RegionAverage, ...]
    regimes: tuple[RegimeGroup, ...]
    improvements: tuple[Mover, ...]
    declines: tuple[Mover, ...]
    previous_edition: int | None
    scale_min: Fraction = Fraction(1)
    scale_max: Fraction = Fraction(7)
    low_best: bool = True  # the edition's scale has its most democratic end at scale_min
    notes: tuple[str, ...] = ()
    data_version: str | None = None

    @property
    def slug(self) -> str:
        return f"overview-{self.edition}"
