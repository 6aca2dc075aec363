"""Setting up a database: schema, reference data and the built-in dataset, in ONE transaction.

Killed at any moment, ``demoscope db init`` leaves either the database as it was or a complete
one: the migration, the methodology, countries, editions and every dataset value are committed
together. Safe to run again: what is there is kept (a value someone corrected with
``demoscope rate`` is reported, never overwritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import Engine

from demoscope.countries import CountryRegistry
from demoscope.dataset import (
    DATASET_VERSION,
    Headline,
    Record,
    builtin_headlines,
    builtin_records,
    headline_quirks,
    quirks,
)
from demoscope.methodology import Methodology
from demoscope.numbers import fmt, from_x100, x100
from demoscope.services.reconstructing import rebuild
from demoscope.store import reads, schema, writes
from demoscope.store.db import migrate

Progress = Callable[[int, int], None]


@dataclass
class LoadResult:
    """What a load did: rows added, rows already there, rows where the database differs."""

    added: int = 0
    unchanged: int = 0
    differing: list[str] = field(default_factory=list)
    reconstructed: int = 0  # country-editions with a reconstructed row after the load
    #: values a second source of the same load gives again, equal (Serbia 2018's Democracy
    #: Score is in the built-in table and on its page): neither added twice nor "already there"
    corroborated: int = 0
    #: the published scores this load inserted, so the next source can tell the two apart
    added_scores: set[tuple[str, int, str]] = field(default_factory=set, repr=False)

    @property
    def total(self) -> int:
        return self.added + self.unchanged + self.corroborated + len(self.differing)


def set_up_database(engine: Engine, m: Methodology, countries: CountryRegistry,
                    progress: Progress | None = None) -> LoadResult:
    """Create or migrate the schema and load the built-in dataset, in one transaction."""
    definition = ""
    res = resources.files("demoscope") / "methodologies" / f"{m.code}.toml"
    if res.is_file():
        definition = res.read_text(encoding="utf-8")
    with writes.open_locked(engine) as tx:
        # refuse a database that is not demoscope's or is newer, before creating anything
        schema.check(tx.read, engine.url.render_as_string(hide_password=True), allow_empty=True,
                     allow_older=True)
        migrate(tx.connection)
        writes.bump_data_version(tx.session)
        sync_reference(tx, m, countries, definition)
        result = load_records(tx, m, builtin_records(), source="built-in dataset",
                              progress=progress)
        load_headlines(tx, m, builtin_headlines().values(), "built-in dataset (country page)",
                       result)
        result.reconstructed = rebuild(tx, m).count
        writes.set_dataset(tx.session, DATASET_VERSION)
    return result


def upgrade_schema(engine: Engine) -> tuple[str | None, str]:
    """Migrate the schema to this demoscope's revision without loading data (``db upgrade``),
    in one locked transaction; returns ``(revision before, revision after)``. A database that
    is not demoscope's, or is newer, is refused before anything is changed."""
    with writes.open_locked(engine) as tx:
        before = schema.check(tx.read, engine.url.render_as_string(hide_password=True),
                              allow_empty=True, allow_older=True)
        migrate(tx.connection)
    return before, schema.head()


def sync_reference(tx: writes.WriteTransaction, m: Methodology, countries: CountryRegistry,
                   definition: str = "") -> None:
    """Make the methodology, its editions and categories, and the countries present.

    Idempotent: existing rows are left as they are, missing ones are added."""
    if m.code not in reads.methodology_codes(tx.read):
        writes.add_methodology(tx.session, m.code, m.name, m.version, definition)
    have = set(reads.country_codes(tx.read))
    for c in countries:
        if c.iso3 not in have:
            writes.add_country(tx.session, c.iso3, c.name, c.region, c.subregion)
    existing = reads.edition_ids(tx.read, m.code)
    s = m.scale
    for ed in m.editions.values():
        if ed.year not in existing:
            writes.add_edition(tx.session, m.code, ed.year, ed.label,
                               (ed.coverage_start, ed.coverage_end), ed.direction.value, m.version,
                               {c: m.category_name(c, ed) for c in ed.categories},
                               (s.min, s.max, s.step))
    tx.session.flush()


def load_records(tx: writes.WriteTransaction, m: Methodology, records: Iterable[Record], *,
                 source: str, progress: Progress | None = None) -> LoadResult:
    """Insert dataset records that are not in the database yet (bulk, one round trip per table).

    A record whose cell the database already holds with another value is *not* overwritten:
    someone may have corrected it with ``demoscope rate``; it is listed in ``differing``.
    """
    recs = list(records)
    ids = reads.edition_ids(tx.read, m.code)
    s = m.scale
    scale_cols = {"scale_min_x100": x100(s.min), "scale_max_x100": x100(s.max),
                  "step_x100": x100(s.step)}
    have_r = reads.stored_values(tx.read)
    have_p = reads.stored_published(tx.read)
    score_codes = {m.score.code} | ({m.percentage.code} if m.percentage else set())
    q = quirks()
    new_r: list[dict[str, Any]] = []
    new_p: list[dict[str, Any]] = []
    result = LoadResult()
    for i, r in enumerate(recs):
        eid = ids[r.year]
        key = (r.iso3, eid, r.category)
        v = x100(r.value)
        have = have_p if r.category in score_codes else have_r
        if key in have:
            if have[key] == v:
                result.unchanged += 1
            else:
                result.differing.append(
                    f"{r.iso3} {r.year} {r.category}: database {fmt(from_x100(have[key]))}, "
                    f"dataset {fmt(r.value)}")
        elif r.category in score_codes:
            quirk = q.get((r.iso3, r.year))
            new_p.append({"country_iso3": r.iso3, "edition_id": eid, "code": r.category,
                          "value_x100": v, "source": source, "source_url": r.source_url,
                          "source_edition": r.source_edition,
                          "quirk": quirk.note if quirk and r.category == m.score.code else None})
            result.added += 1
        else:
            new_r.append({"country_iso3": r.iso3, "edition_id": eid, "category": r.category,
                          "value_x100": v, **scale_cols, "source": source,
                          "source_url": r.source_url, "source_edition": r.source_edition})
            result.added += 1
        if progress and (i % 500 == 0 or i == len(recs) - 1):
            progress(i + 1, len(recs))
    writes.insert_ratings(tx.session, new_r)
    writes.insert_published_scores(tx.session, new_p)
    result.added_scores.update((p["country_iso3"], p["edition_id"], p["code"]) for p in new_p)
    return result


def load_headlines(tx: writes.WriteTransaction, m: Methodology, heads: Iterable[Headline],
                   source: str, result: LoadResult) -> None:
    """Store the page headlines that are not in the database yet: printed scores (converted to
    the edition's own scale; ``printed_direction`` keeps how the page printed them), the regime
    label and what the copy shows of its score changes, and the change bullets.

    Like :func:`load_records`, nothing held is overwritten: a printed score the database holds
    with another value (a table's Democracy Score against the page's) is listed in
    ``differing``."""
    ids = reads.edition_ids(tx.read, m.code)
    have_p = reads.stored_published(tx.read)
    have_h = set(reads.headlines(tx.read, m.code))
    known = headline_quirks()
    pct = m.percentage.code if m.percentage else None
    new_p: list[dict[str, Any]] = []
    new_h: list[dict[str, Any]] = []
    new_c: list[dict[str, Any]] = []
    for h in heads:
        eid = ids[h.year]
        ed = m.edition(h.year)
        printed = h.printed_direction.value if h.printed_direction is not ed.direction else None
        for code, value in ((m.score.code, h.score), (pct, h.percentage)):
            if code is None or value is None:
                continue
            key, v = (h.iso3, eid, code), x100(value)
            if key in have_p:
                if have_p[key] == v and key in result.added_scores:
                    result.corroborated += 1
                elif have_p[key] == v:
                    result.unchanged += 1
                else:
                    result.differing.append(
                        f"{h.iso3} {h.year} {code}: database {fmt(from_x100(have_p[key]))}, "
                        f"country page {fmt(value)}")
                continue
            new_p.append({"country_iso3": h.iso3, "edition_id": eid, "code": code,
                          "value_x100": v, "source": source, "source_url": h.source_url,
                          "source_edition": h.year, "quirk": known.get((h.iso3, h.year)),
                          "printed_direction": printed if code == m.score.code else None})
            result.added += 1
        if (h.iso3, h.year) in have_h:
            result.unchanged += 1
            continue
        new_h.append({"country_iso3": h.iso3, "edition_id": eid, "regime": h.regime,
                      "printed_direction": h.printed_direction.value,
                      "change_list": h.change_list, "source": source,
                      "source_url": h.source_url})
        new_c += [{"country_iso3": h.iso3, "edition_id": eid, "code": c.code,
                   "from_x100": None if c.before is None else x100(c.before),
                   "to_x100": x100(c.after), "source": source, "source_url": h.source_url}
                  for c in h.changes]
        result.added += 1 + len(h.changes)
    writes.insert_published_scores(tx.session, new_p)
    writes.insert_headlines(tx.session, new_h)
    writes.insert_printed_changes(tx.session, new_c)
