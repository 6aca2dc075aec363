"""Build the publication models from the library's read side: the one place that asks.

:func:`country_report` and :func:`edition_overview` are the only functions that read the
database for publication; every number and sentence they put in the model comes from the
library (the scorecard's change sentences, the series' scores, the overview's regimes and
regional means), so the Markdown, HTML and PDF renderers print the same figures as
``demoscope show`` and the API, and compute none of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction

from demoscope.countries import registry
from demoscope.methodology import Direction, Edition, Methodology, eras
from demoscope.numbers import fmt, frac
from demoscope.publish.model import (
    CITATION,
    EXECUTIVE_SUMMARY,
    OUTLOOK,
    SUMMARY_PREFIX,
    CategoryPart,
    Change,
    ChartBand,
    ChartPoint,
    CountryReport,
    EditionOverview,
    Footnote,
    InvalidDraft,
    Mover,
    OverviewCountry,
    RatingsTable,
    RegimeGroup,
    RegionAverage,
    ReportDraft,
    ScoreChart,
    Source,
    TableRow,
)
from demoscope.read import overview as ov
from demoscope.read import series as sr
from demoscope.read.scorecard import Change as ChangeEntry
from demoscope.read.scorecard import Scorecard, SourceRef, evidence, scorecard
from demoscope.scoring import change_sentence, change_verb, uncompared_sentence
from demoscope.store import reads
from demoscope.store.reads import Reader

#: Columns of the ratings table: the report's edition and the editions before it.
TABLE_EDITIONS = 10
#: Countries listed among the largest improvements and declines of an overview.
MOVERS = 5

def _f(value: float | None) -> Fraction | None:
    """An exact value from the library's JSON-shaped answers (floats of two decimals, exact
    for quarter points and printed scores)."""
    return None if value is None else frac(value)


def _change(m: Methodology, ed: Edition, ch: ChangeEntry, previous: int | None,
            footnotes: tuple[int, ...] = (), sources: list[SourceRef] | None = None) -> Change:
    """A change of the read side (scorecard, ``/changes``) as the publication prints it.

    ``sources``: the provenance of the value alone, for a report that prints its cited
    footnotes as footnotes (the read side lists a published draft's among the sources)."""
    return Change(ch["category"], m.category_name(ch["category"], ed), _f(ch["from"]),
                  frac(ch["to"]), ch["verb"], ch["sentence"], previous, ch["justification"],
                  footnotes, tuple(Source(s["label"], s["url"])
                                   for s in (ch["sources"] if sources is None else sources)))


def current_version(read: Reader, data_version: str | None) -> str:
    """The data version to stamp: the one given, else the database's (read before the answer
    is built, so a write landing meanwhile makes the output newer than its stamp, never
    older)."""
    return data_version if data_version is not None else reads.data_version(read).label


def coverage(ed: Edition) -> str:
    """"1 January – 31 December 2007": the period an edition covers."""
    def day(d: date) -> str:
        return f"{d.day} {d:%B}"
    if ed.coverage_start.year == ed.coverage_end.year:
        return f"{day(ed.coverage_start)} – {day(ed.coverage_end)} {ed.coverage_end.year}"
    start, end = ed.coverage_start, ed.coverage_end
    return f"{day(start)} {start.year} – {day(end)} {end.year}"


def scale_note(m: Methodology, direction: Direction) -> str:
    """The scale legend of an edition, from the methodology (which end is best)."""
    best, worst = m.scale.best(direction), m.scale.best(direction.other)
    step = format(float(m.scale.step), "g")
    return (f"Ratings are on a scale of {_plain(m.scale.min)} to {_plain(m.scale.max)} in steps "
            f"of {step}, with {_plain(best)} = most democratic and {_plain(worst)} = least "
            f"democratic. The {m.score.name} is the mean of the ratings of the categories an "
            f"edition tracks, rounded half-up to {m.score.decimals} decimals.")


def _plain(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else format(float(v), "g")


def _publishes_percentage(m: Methodology, ed: Edition) -> bool:
    p = m.percentage
    return p is not None and (p.introduced is None or ed.year >= p.introduced)


# -- the ratings table ------------------------------------------------------------------------


def ratings_table(m: Methodology, ed: Edition, series: Sequence[sr.SeriesEntry]) -> RatingsTable:
    """The last :data:`TABLE_EDITIONS` editions up to ``ed`` (from the country's first rated
    edition), every category any of them rates, the score (and the percentage where the
    edition publishes one); values on ``ed``'s scale, ``None`` where not rated.

    Notes come from the methodology's eras: where the categories change inside the table (the
    Governance split), the rows that appear or disappear are marked "*" and the era's note
    explains; where a column was published on the other scale, the conversion is said."""
    by_year = {s["edition"]: s for s in series}
    cols = [y for y in m.editions if y <= ed.year][-TABLE_EDITIONS:]
    have = [y for y in cols if y in by_year]
    if have:
        cols = cols[cols.index(have[0]):]
    eds = [m.edition(y) for y in cols]
    codes = [c for c in m.categories if any(e.uses(c) for e in eds)]
    rows = []
    for code in codes:
        values = tuple(_f(by_year[y]["ratings"].get(code)) if y in by_year else None for y in cols)
        partial = not all(e.uses(code) for e in eds)
        rows.append(TableRow(code, m.category_name(code, ed), values, "*" if partial else "",
                             tuple(v is None and e.uses(code) for v, e in zip(values, eds,
                                                                              strict=True))))
    scores = tuple(_f(by_year[y]["democracy_score"]) if y in by_year else None for y in cols)
    rows.append(TableRow(m.score.code, m.score.name, scores, "", tuple(v is None for v in scores)))
    if m.percentage is not None and _publishes_percentage(m, ed):
        pcts = tuple(_f(by_year[y]["democracy_percentage"]) if y in by_year and _publishes_percentage(
            m, m.edition(y)) else None for y in cols)
        rows.append(TableRow(m.percentage.code, m.percentage.name, pcts, "", tuple(
            v is None and _publishes_percentage(m, e) for v, e in zip(pcts, eds, strict=True))))
    notes = []
    if any(r.note for r in rows):
        for era in eras(m):
            first = era.first
            if first.year in cols[1:] and first.categories != m.edition(
                    cols[cols.index(first.year) - 1]).categories and era.first.note:
                notes.append(f"* {era.first.note}")
    if any(e.direction is not ed.direction for e in eds):
        total = m.scale.min + m.scale.max
        notes.append(f"Editions published on the other scale are shown converted to this "
                     f"edition's scale ({_plain(total)} − rating).")
    gap_note = ("not in this database (the edition rated it; the data held here lack the "
                "value, or a category, so no score is computed); n/a: not rated in that "
                "edition.") if any(any(r.gaps) for r in rows) else ""
    headlines = [(m.edition(y).label, s["headline"]) for y in cols if y in by_year
                 and (s := by_year[y])["headline"] is not None
                 and not any(v is not None for v in s["ratings"].values())]
    shown = [f"{label}: {fmt(frac(h['democracy_score']))}" for label, h in headlines
             if h["democracy_score"] is not None]
    if shown:
        notes.append(f"{m.score.name} as published, where the database holds only the "
                     f"edition's headline: {'; '.join(shown)}.")
    notes.append(scale_note(m, ed.direction))
    return RatingsTable(tuple(cols), tuple(e.label.split("–")[0] for e in eds), tuple(rows),
                        tuple(notes), gap_note)


def score_chart(m: Methodology, ed: Edition, series: Sequence[sr.SeriesEntry]) -> ScoreChart:
    """The score in every edition up to ``ed`` with data, on ``ed``'s scale."""
    points = tuple(ChartPoint(s["edition"], s["label"], _f(s["democracy_score"]))
                   for s in series if s["edition"] <= ed.year)
    bands = tuple(ChartBand(b.label(ed.direction), *b.ranges[ed.direction], b.colour)
                  for b in m.bands if ed.direction in b.ranges)
    first, last = (points[0].label, points[-1].label) if points else ("", "")
    span = first if first == last else f"{first}–{last}"
    best = m.scale.best(ed.direction)
    return ScoreChart(f"{m.score.name}, {span}", points, m.scale.min, m.scale.max,
                      best == m.scale.min, _plain(best), bands, ed.year)


# -- the draft ------------------------------------------------------------------------------


def _citations(text: str) -> list[int]:
    return [int(n) for n in CITATION.findall(text)]


def check_draft(m: Methodology, ed: Edition, draft: ReportDraft) -> None:
    """Refuse a draft the report cannot print faithfully: a category the edition does not
    rate, a typed rating sentence (the report generates it from the ratings), a footnote
    listed twice or cited but not listed. Each error names the part."""
    from demoscope.reports.source import Doc
    from demoscope.reports.text import read_statements

    for key, mapping in (("summary", draft.category_summaries), ("section", draft.sections)):
        for code in mapping:
            if not ed.uses(code):
                raise InvalidDraft(f"draft {key} part {code!r} is not a category of the "
                                   f"{ed.label} edition (it rates {', '.join(ed.categories)})",
                                   field=f"{SUMMARY_PREFIX if key == 'summary' else ''}{code}")
    numbers = [f.number for f in draft.footnotes]
    dupes = sorted({n for n in numbers if numbers.count(n) > 1})
    if dupes:
        raise InvalidDraft(f"footnote {dupes[0]} is listed more than once", field="footnotes")
    for key, text in _draft_parts(draft):
        if not text.strip():
            continue
        found = read_statements(Doc(key, text), text, m)
        if found:
            raise InvalidDraft(
                f"draft part {key!r} states a rating ({found[0].sentence!r}): the report "
                "generates the rating sentence from the ratings; remove it from the draft",
                field=key)
        for n in _citations(text):
            if n not in numbers:
                raise InvalidDraft(f"draft part {key!r} cites footnote [{n}], which the draft "
                                   "does not list", field=key)


def _draft_parts(draft: ReportDraft) -> Iterable[tuple[str, str]]:
    """(part key, Markdown) in reading order: summary, category paragraphs, outlook, sections."""
    yield EXECUTIVE_SUMMARY, draft.executive_summary
    for code, text in draft.category_summaries.items():
        yield f"{SUMMARY_PREFIX}{code}", text
    yield OUTLOOK, draft.outlook
    yield from draft.sections.items()


def _footnotes(draft: ReportDraft | None) -> tuple[Footnote, ...]:
    if draft is None:
        return ()
    cited: dict[int, list[str]] = defaultdict(list)
    for key, text in _draft_parts(draft):
        for n in _citations(text):
            if key not in cited[n]:
                cited[n].append(key)
    return tuple(Footnote(f.number, f.text.strip(), tuple(cited.get(f.number, ())))
                 for f in sorted(draft.footnotes, key=lambda f: f.number))


def _normalise(text: str) -> str:
    """Markdown of a part with ``[^n]`` markers written as the reports print them, ``[n]``."""
    return CITATION.sub(lambda mm: f"[{mm.group(1)}]", text.strip())


# -- the country report -------------------------------------------------------------------------


def country_report(read: Reader, m: Methodology, iso3: str, year: int,
                   draft: ReportDraft | None = None, *,
                   data_version: str | None = None) -> CountryReport:
    """The country report of ``iso3`` in the ``year`` edition, ready to render.

    ``draft`` is the workflow's report text (None for a historic edition: the report then
    holds the data parts only and says so). ``data_version`` is stamped on the output
    (default: the database's, :func:`demoscope.store.reads.data_version`)."""
    version = current_version(read, data_version)
    card = scorecard(read, m, iso3, year)  # NotFound when the country has no row then
    ed = m.edition(card["edition"])
    reg = registry().find(card["iso3"])
    name = reg.name_in(ed.year) if reg else card["country"]
    series = [s for s in sr.country_series(read, m, card["iso3"], ed.direction)
              if s["edition"] <= ed.year]
    prov = reads.provenance(read, m.code, first=ed.year, last=ed.year, iso3s=[card["iso3"]])
    if draft is not None and draft.is_empty:
        draft = None
    if draft is not None:
        check_draft(m, ed, draft)
    changes = {c["category"]: c for c in card["changes"]}
    prev = card["previous_edition"]
    parts = []
    for code in ed.categories:
        rating = _f(card["ratings"].get(code))
        found = prov.get((card["iso3"], ed.year, code))
        justification = (found.justification or "").strip() if found else ""
        summary = _normalise(draft.category_summaries.get(code, "")) if draft else ""
        if not summary and justification:
            summary = justification
        ch = changes.get(code)
        change = None
        if ch is not None:
            change = _change(m, ed, ch, prev, tuple(dict.fromkeys(_citations(summary))),
                             evidence(found)[1])
            sentence = ch["sentence"]
        elif rating is not None:  # nothing to compare with: first edition, or not rated then
            sentence = uncompared_sentence(name, m.category_name(code, ed), rating,
                                           m.edition(prev).label if prev else None)
        else:
            sentence = ""
        parts.append(CategoryPart(code, m.category_name(code, ed), rating, summary, sentence,
                                  change, _normalise(draft.sections.get(code, "")) if draft else ""))
    notes = []
    if draft is None:
        notes.append(f"This report holds the data parts only: the database has no report draft "
                     f"for {name} in the {ed.label} edition, so there is no narrative, no "
                     "category sections, outlook or footnotes"
                     + ("; each category paragraph gives the rating and its change."
                        if card["ratings"] else "."))
    missing = tuple(card["missing"])
    if missing and card["ratings"]:
        notes.append(f"No rating for {', '.join(m.category_name(c, ed) for c in missing)} in "
                     f"this edition: no {m.score.name} is computed.")
    published = card["published_democracy_score"]
    if card["quirk"] and published is not None:
        notes.append(f"The source printed a {m.score.name} of {fmt(frac(published))}: "
                     f"{card['quirk']}")
    notes += _held_otherwise(m, ed, name, card)
    pct = m.percentage if _publishes_percentage(m, ed) else None
    return CountryReport(
        methodology=m.name, publisher=m.publisher, country=name,
        iso3=card["iso3"], edition=ed.year, edition_label=ed.label, coverage=coverage(ed),
        direction=card["direction"], scale_note=scale_note(m, ed.direction),
        authors=tuple(draft.authors) if draft else (), score_name=m.score.name,
        score_code=m.score.code, democracy_score=_f(card["democracy_score"]),
        percentage_name=pct.name if pct else None,
        democracy_percentage=_f(card["democracy_percentage"]) if pct else None,
        regime=card["regime"], previous_edition=prev, missing=missing,
        table=ratings_table(m, ed, series),
        executive_summary=_normalise(draft.executive_summary) if draft else "",
        categories=tuple(parts), outlook=_normalise(draft.outlook) if draft else "",
        footnotes=_footnotes(draft), chart=score_chart(m, ed, series),
        has_draft=draft is not None, notes=tuple(notes), data_version=version,
        status=card["status"],
        published_score=_f(published) if card["democracy_score"] is None else None,
        published_regime=card["published_regime"] if card["regime"] is None else None)


def _held_otherwise(m: Methodology, ed: Edition, name: str, card: Scorecard) -> list[str]:
    """What the report says when the database holds a published headline or a reconstructed
    row instead of (all) the ratings: marked as such, never passed off as ratings."""
    out = []
    head, rebuilt = card["headline"], card["reconstructed"]
    if not card["ratings"] and (head is not None or rebuilt is not None):
        out.append(f"The database holds no category ratings for {name} in the {ed.label} "
                   "edition: the figures marked \"published\" are as the edition printed them.")
    if head is not None and not card["ratings"] and head["changes"]:
        printed = []
        for c in head["changes"]:
            new, old, code = frac(c["to"]), _f(c["from"]), c["category"]
            if code in ed.categories and old is not None:
                printed.append(change_sentence(name, m.category_name(code, ed), old, new,
                                               change_verb(m, ed.direction, old, new)))
                continue
            label = (m.category_name(code, ed) if code in ed.categories else m.score.name
                     if code == m.score.code else code)
            if old is None:
                printed.append(f"{label}: {fmt(new)}.")
                continue
            # the pages' own wording: "Label: 1.36 → 1.32" would read back as a score block
            # printing the previous edition's score for this one
            printed.append(f"{name}'s {label} {change_verb(m, ed.direction, old, new)} from "
                           f"{fmt(old)} to {fmt(new)}.")
        out.append("Changes as the edition printed them: " + " ".join(printed))
    if rebuilt is not None:
        out.append(f"A full row {rebuilt['provenance']} gives a {m.score.name} of "
                   f"{fmt(frac(rebuilt['democracy_score']))}; it is a reconstruction, not "
                   "published ratings, and is not shown as ratings here.")
    return out


# -- the edition overview -------------------------------------------------------------------------


def edition_overview(read: Reader, m: Methodology, year: int, *,
                     data_version: str | None = None, movers: int = MOVERS) -> EditionOverview:
    """All countries of one edition with their ratings and scores, the regime groups,
    regional averages (with n), and the largest improvements and declines of the score with
    the category changes (and their recorded justifications) behind them."""
    version = current_version(read, data_version)
    ed = m.edition(year)
    answer = ov.edition_overview(read, m, ed.year)
    prev_years = sorted({r["previous_edition"] for r in answer["countries"]
                         if r["previous_edition"]})
    earlier: dict[tuple[str, int], Fraction] = {}
    if prev_years:
        for s in sr.scores(read, m, [r["iso3"] for r in answer["countries"]], prev_years[0],
                           prev_years[-1], ed.direction):
            if s["democracy_score"] is not None:
                earlier[(s["iso3"], s["edition"])] = frac(s["democracy_score"])
    pct = m.percentage if _publishes_percentage(m, ed) else None
    rows = []
    for r in answer["countries"]:
        p = r["previous_edition"]
        rows.append(OverviewCountry(
            r["iso3"], r["country"], r["region"],
            tuple(_f(r["ratings"].get(c)) for c in ed.categories),
            tuple(r["changes"].get(c) for c in ed.categories), _f(r["democracy_score"]),
            _f(r["democracy_percentage"]) if pct else None, r["regime"], r["regime_code"],
            r["colour"], earlier.get((r["iso3"], p)) if p else None, p))
    regions = []
    for region, means in answer["regional_averages"].items():
        members = [r for r in rows if r.region == region]
        regions.append(RegionAverage(
            region or "(no region)", sum(1 for r in members if r.democracy_score is not None),
            tuple(_f(means.get(c)) for c in ed.categories), _f(means.get(m.score.code))))
    regimes = []
    for band in ov.bands_best_first(m):
        group = sorted(((r.iso3, r.country, r.democracy_score) for r in rows
                        if r.regime_code == band.code and r.democracy_score is not None),
                       key=_best_first(ed.direction))
        regimes.append(RegimeGroup(band.code, band.label(ed.direction), band.colour,
                                   tuple(group)))
    improvements, declines = _movers(read, m, ed, rows, movers)
    notes = []
    incomplete = [r.country for r in rows if r.democracy_score is None]
    if incomplete:
        notes.append(f"No {m.score.name} for {', '.join(incomplete)}: a category is not rated.")
    return EditionOverview(
        methodology=m.name, publisher=m.publisher, edition=ed.year, edition_label=ed.label,
        coverage=coverage(ed), direction=m.direction_label(ed.direction),
        scale_note=scale_note(m, ed.direction), score_name=m.score.name,
        score_code=m.score.code, percentage_name=pct.name if pct else None,
        percentage_code=pct.code if pct else None, categories=ed.categories,
        category_names=tuple(m.category_name(c, ed) for c in ed.categories),
        countries=tuple(rows), regions=tuple(regions), regimes=tuple(regimes),
        improvements=improvements, declines=declines, previous_edition=answer["previous_edition"],
        scale_min=m.scale.min, scale_max=m.scale.max,
        low_best=ed.direction is Direction.LOW_BEST, notes=tuple(notes), data_version=version)


def _best_first(direction: Direction) -> Callable[[tuple[str, str, Fraction]], tuple[Fraction, str]]:
    """Sort key of (iso3, name, score): the most democratic score first, then by name."""
    def key(t: tuple[str, str, Fraction]) -> tuple[Fraction, str]:
        return (t[2] if direction is Direction.LOW_BEST else -t[2], t[1])
    return key


def _movers(read: Reader, m: Methodology, ed: Edition, rows: list[OverviewCountry], n: int
            ) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The ``n`` largest rises and falls of the score against each country's previous
    edition with data (positive = more democratic on either scale), with their changes."""
    moved = []
    for r in rows:
        if r.democracy_score is None or r.previous_score is None or r.previous_edition is None:
            continue
        delta = r.democracy_score - r.previous_score
        if ed.direction is Direction.LOW_BEST:
            delta = -delta
        if delta:
            moved.append((r, delta))
    if not moved:
        return (), ()
    by_country: dict[str, list[ChangeEntry]] = defaultdict(list)
    for ch in sr.changes(read, m, [r.iso3 for r, _ in moved], ed.year, changed_only=True):
        by_country[ch["iso3"]].append(ch)

    def mover(r: OverviewCountry, delta: Fraction) -> Mover:
        assert r.previous_edition is not None and r.previous_score is not None
        assert r.democracy_score is not None
        return Mover(r.iso3, r.country, r.previous_edition, r.previous_score, r.democracy_score,
                     delta, tuple(_change(m, ed, ch, r.previous_edition)
                                  for ch in by_country.get(r.iso3, [])))

    up = sorted((x for x in moved if x[1] > 0), key=lambda x: (-x[1], x[0].country))[:n]
    down = sorted((x for x in moved if x[1] < 0), key=lambda x: (x[1], x[0].country))[:n]
    return tuple(mover(*x) for x in up), tuple(mover(*x) for x in down)
