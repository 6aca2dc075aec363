"""The scorecard of one country in one edition: ratings, scores, regime and changes.

One function feeds ``demoscope show --json`` and ``GET /api/v1/countries/{iso3}/editions/{year}``
so the two can never disagree. Values are on the edition's own published scale unless a
direction is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal

from typing_extensions import TypedDict

from demoscope.countries import registry
from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Direction, Edition, Methodology
from demoscope.numbers import num
from demoscope.read.citations import CitedDraft, published_drafts
from demoscope.read.coverage import Status, percentage_derived, status_of
from demoscope.read.published import (
    PublishedHeadline,
    ReconstructedRow,
    headline_out,
    reconstructed_out,
)
from demoscope.scoring import (
    band_by_score,
    change_sentence,
    change_verb,
    classify,
    democracy_score,
    percentage,
)
from demoscope.store import reads
from demoscope.store.reads import Reader
from demoscope.workflow.drafts import CITATION

Verb = Literal["improves", "deteriorates", "remains"]



class SourceRef(TypedDict):
    """Where a value comes from: the source as stored (a dataset, a report file, a team) and
    its address where known."""

    label: str
    url: str | None


#: One category's change against the previous edition with data, in the reports' wording,
#: with its evidence: the ``justification`` recorded with the new value (``demoscope rate
#: --justification``, the workflow's consensus) and the ``sources`` of the new value.
Change = TypedDict("Change", {"category": str, "from": float, "to": float, "verb": Verb,
                              "sentence": str, "justification": str | None,
                              "sources": list[SourceRef]})


class CorrectionNote(TypedDict):
    """A correction of a published value of this scorecard (old → new, its reason)."""

    category: str
    old: float | None
    new: float
    reason: str | None
    at: str | None


class Scorecard(TypedDict):
    """Exactly the object ``demoscope show --json`` prints."""

    country: str
    iso3: str
    edition: int
    direction: str
    ratings: dict[str, float]
    democracy_score: float | None
    democracy_percentage: float | None
    regime: str | None
    changes: list[Change]
    complete: bool
    missing: list[str]
    previous_edition: int | None
    published_democracy_score: float | None
    quirk: str | None
    regime_rule: str | None
    regime_rules_agree: bool | None
    edition_direction: str
    methodology: str
    #: what the database holds for this country-edition (see :mod:`demoscope.read.coverage`):
    #: "complete", "reconstructed", "partial" or "headline-only"
    status: Status
    published_democracy_percentage: float | None
    published_regime: str | None
    #: the country page's headline, marked as published (None: no page headline stored)
    headline: PublishedHeadline | None
    #: a full row reconstructed from an earlier one and the changes printed since, with its
    #: provenance; never merged into ``ratings`` (None: no reconstruction)
    reconstructed: ReconstructedRow | None
    corrections: list[CorrectionNote]
    #: the regime the printed score falls in, where the categories are incomplete and no
    #: regime is printed (named as the edition names it)
    derived_regime: str | None
    #: values demoscope derived rather than read: score_published, percentage_derived,
    #: regime_derived, reconstructed (see :mod:`demoscope.read.coverage`)
    flags: list[str]


def evidence(found: reads.Provenance | None) -> tuple[str | None, list[SourceRef]]:
    """The justification and the sources of a stored value (none for a missing one)."""
    if found is None:
        return None, []
    why = found.justification.strip() if found.justification else None
    return why or None, [{"label": found.source or "unknown source", "url": found.source_url}]


def cited_sources(draft: CitedDraft | None, category: str, justification: str | None
                  ) -> list[SourceRef]:
    """The footnotes of a published report draft that the category's justification cites:
    its summary paragraph in the draft (the report prints it with the rating sentence), or,
    where the draft has none, the justification recorded with the value — the same text the
    published report prints (:mod:`demoscope.publish.assemble`). Each footnote once, in the
    order first cited, labelled ``[n] text`` with the first web address it gives."""
    if draft is None:
        return []
    text = draft.summaries.get(category, "").strip() or justification or ""
    out: list[SourceRef] = []
    for n in dict.fromkeys(int(x) for x in CITATION.findall(text)):
        note = draft.footnotes.get(n)
        if note is not None:
            url = _URL.search(note)
            out.append({"label": f"[{n}] {' '.join(note.split())}",
                        "url": url.group().rstrip(".,;:)") if url else None})
    return out


_URL = re.compile(r"https?://[^\s<>\]\[\"']+")


def rating_changes(m: Methodology, name: str, ed: Edition, values: dict[str, Fraction],
                   prev: Edition, before: dict[str, Fraction], target: Direction,
                   provenance: Mapping[str, reads.Provenance] | None = None,
                   draft: CitedDraft | None = None) -> list[Change]:
    """Each category rated in both editions, old → new on ``target``, with the verb and the
    closing sentence in the reports' wording (``name`` as the edition prints the country),
    and the evidence of the new value (``provenance`` by category; for an edition the
    workflow published with a report ``draft``, the footnotes its justification cites are
    sources too: :func:`cited_sources`).

    One function for the scorecard, the API's ``/changes``, the pages and the published
    reports, so the wording can never differ between them."""
    out: list[Change] = []
    for cat in ed.categories:
        if cat not in values or cat not in before:
            continue
        new = m.to_direction(values[cat], ed.direction, target)
        old = m.to_direction(before[cat], prev.direction, target)
        verb: Verb = change_verb(m, target, old, new)  # type: ignore[assignment]
        why, sources = evidence((provenance or {}).get(cat))
        sources += cited_sources(draft, cat, why)
        out.append({"category": cat, "from": num(old), "to": num(new),
                    "verb": verb,
                    "sentence": change_sentence(name, m.category_name(cat, ed), old, new, verb),
                    "justification": why, "sources": sources})
    return out


def scorecard(read: Reader, m: Methodology, iso3: str, year: int | None = None,
              direction: Direction | None = None) -> Scorecard:
    """The scorecard of ``iso3`` in ``year`` (default: the latest edition with data for the
    country: ratings, a reconstructed row or a published headline), on ``direction`` (default:
    the edition's own).

    ``ratings``, ``democracy_score`` and ``changes`` come from stored ratings only; a published
    headline is in ``headline`` (and ``published_*``), a reconstructed row in ``reconstructed``;
    ``status`` says which the country-edition has."""
    if not reads.has_country(read, iso3):
        raise UnknownCountry(iso3)
    found = registry().find(iso3)
    cname = found.name if found else iso3
    held = reads.coverage_counts(read, m.code, iso3)
    years = sorted(y for (_i, y), c in held.items() if c.ratings and y in m.editions)
    any_years = sorted(y for (_i, y) in held if y in m.editions)
    if year is None:
        if not any_years:
            raise NotFound(f"no ratings for {cname} in the database")
        year = any_years[-1]
    ed = m.edition(year)
    counts = held.get((iso3, ed.year))
    status = status_of(ed, counts)
    if status == "none":
        have = ", ".join(str(y) for y in any_years) or "none"
        raise NotFound(f"no ratings for {cname} in the {ed.year} edition "
                       f"(editions with data: {have})", field="edition")
    values = reads.row(read, m.code, iso3, ed.year) if counts and counts.ratings else {}
    target = direction or ed.direction
    ratings = {k: num(m.to_direction(values[k], ed.direction, target))
               for k in ed.categories if k in values}
    score = democracy_score(m, ed, values, target) if values else None
    complete = bool(score and score.complete)
    regime = classify(m, score) if score and score.complete else None
    scores = reads.published_scores(read, m.code, [iso3], ed.year).get((iso3, ed.year), {})
    published = {c: (p.value, p.quirk) for c, p in scores.items()}
    head = headline_out(m, ed, target, reads.headlines(read, m.code, [iso3], ed.year)
                        .get((iso3, ed.year)), scores,
                        reads.printed_changes(read, m.code, [iso3], ed.year).get((iso3, ed.year), []))
    rebuilt = (reconstructed_out(m, ed, target, reads.reconstructed(read, m.code, [iso3], ed.year)
                                 .get((iso3, ed.year))) if counts and counts.reconstructed else None)
    name = found.name_in(ed.year) if found else cname
    earlier = [y for y in years if y < ed.year]
    prev = m.edition(earlier[-1]) if earlier and values else None
    prov = {cat: p for (_i, _y, cat), p in reads.provenance(
        read, m.code, first=ed.year, last=ed.year, iso3s=[iso3]).items()}
    draft = published_drafts(read, m, [iso3], ed.year).get((iso3, ed.year)) if prev else None
    changes = (rating_changes(m, name, ed, values, prev, reads.row(read, m.code, iso3, prev.year),
                              target, prov, draft) if prev is not None else [])
    pub_ds = published.get(m.score.code)
    pub_dp = published.get(m.percentage.code) if m.percentage else None
    pub_target = m.to_direction(pub_ds[0], ed.direction, target) if pub_ds else None
    printed_regime = head["regime"] if head else None
    derived = (band_by_score(m, pub_target, target)
               if not complete and pub_target is not None and not printed_regime else None)
    flags: list[str] = []
    if not complete and pub_target is not None:
        flags.append("score_published")
    if (regime or derived or rebuilt) and not printed_regime:
        flags.append("regime_derived")
    if complete and percentage_derived(m, ed):
        flags.append("percentage_derived")
    if rebuilt:
        flags.append("reconstructed")
    return {
        "country": cname,
        "iso3": iso3,
        "edition": ed.year,
        "direction": m.direction_label(target),
        "ratings": ratings,
        "democracy_score": float(score.printed) if score and score.complete else None,
        "democracy_percentage": (float(percentage(m, score.mean, target))
                                 if score and score.complete else None),
        "regime": regime.band.label(ed.direction) if regime else None,
        "changes": changes,
        "complete": complete,
        "missing": list(score.missing) if score else list(ed.categories),
        "previous_edition": prev.year if prev else None,
        "published_democracy_score": (
            num(m.to_direction(pub_ds[0], ed.direction, target)) if pub_ds else None),
        "quirk": pub_ds[1] if pub_ds else None,
        "regime_rule": regime.rule if regime else None,
        "regime_rules_agree": regime.agrees if regime else None,
        "edition_direction": m.direction_label(ed.direction),
        "methodology": m.code,
        "status": status,
        "published_democracy_percentage": num(pub_dp[0]) if pub_dp else None,
        "published_regime": head["regime"] if head else None,
        "headline": head,
        "reconstructed": rebuilt,
        "corrections": corrections(read, m, iso3, ed.year, ed.direction, target),
        "derived_regime": derived.label(ed.direction) if derived else None,
        "flags": flags,
    }


def corrections(read: Reader, m: Methodology, iso3: str, year: int, own: Direction,
                target: Direction) -> list[CorrectionNote]:
    """Corrections of the country's published values in ``year`` (on ``target``'s scale)."""
    from demoscope.workflow.rules import SOURCE_CORRECTION

    out: list[CorrectionNote] = []
    for _, cat, r in reads.edition_revisions(read, m.code, year, SOURCE_CORRECTION, iso3):
        t = reads.utc(r.changed_at)
        out.append({"category": cat,
                    "old": num(m.to_direction(r.old, own, target)) if r.old is not None else None,
                    "new": num(m.to_direction(r.new, own, target)), "reason": r.justification,
                    "at": t.isoformat(timespec="seconds").replace("+00:00", "Z") if t else None})
    return out


class SourceEntry(TypedDict):
    """Where one stored value of a country-edition came from, and why it changed."""

    code: str
    name: str
    source: str
    source_url: str | None
    source_edition: int | None
    justification: str | None


class CountryYear(TypedDict):
    """One country in one edition as the country-year page shows it: the scorecard, the
    neighbouring editions with data, and the sources and justifications the data holds."""

    scorecard: Scorecard
    label: str
    previous: int | None
    next: int | None
    editions: list[int]
    sources: list[SourceEntry]


def country_year(read: Reader, m: Methodology, iso3: str, year: int,
                 direction: Direction | None = None) -> CountryYear:
    """The country-year page's answer (``GET /countries/{iso3}/{year}``; its JSON is the
    scorecard at ``/api/v1/countries/{iso3}/editions/{year}``)."""
    card = scorecard(read, m, iso3, year, direction)
    years = sorted(y for (_i, y) in reads.coverage_counts(read, m.code, iso3) if y in m.editions)
    ed = m.edition(card["edition"])
    names = {c: m.category_name(c, ed) for c in ed.categories}
    names[m.score.code] = m.score.name
    if m.percentage:
        names[m.percentage.code] = m.percentage.name
    sources: list[SourceEntry] = [
        {"code": s.category, "name": names.get(s.category, s.category), "source": s.source,
         "source_url": s.source_url, "source_edition": s.source_edition,
         "justification": s.justification}
        for s in reads.row_sources(read, m.code, iso3, ed.year)]
    order = {c: i for i, c in enumerate(names)}
    sources.sort(key=lambda s: order.get(s["code"], 99))
    return {"scorecard": card, "label": ed.label,
            "previous": max((y for y in years if y < ed.year), default=None),
            "next": min((y for y in years if y > ed.year), default=None),
            "editions": years, "sources": sources}
