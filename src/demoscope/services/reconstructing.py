"""Reconstructed rows, rebuilt from the store's evidence inside a write transaction.

The evidence is what the store holds: each country's full rows (``ratings``), and for the
editions without one the page headlines (``headlines``, ``published_scores``) and printed score
changes (``printed_changes``). Whoever changes that evidence — setting up the database with the
built-in dataset, importing pages — calls :func:`rebuild` for the countries concerned in the
same transaction, so reconstructed rows never disagree with what they were built from. The
rules of acceptance are :func:`demoscope.reconstruction.reconstruct`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from demoscope.methodology import Methodology
from demoscope.numbers import fmt, x100
from demoscope.reconstruction import (
    CHANGE_LISTS,
    ChainNote,
    Evidence,
    PrintedChange,
    Row,
    reconstruct,
)
from demoscope.store import reads, writes


@dataclass
class Rebuilt:
    """The rows accepted and the notes of every chain, per country."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    notes: dict[str, list[ChainNote]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def evidence(read: reads.Reader, m: Methodology, iso3s: list[str]
             ) -> tuple[dict[str, dict[int, dict[str, Fraction]]], dict[str, dict[int, Evidence]]]:
    """(stored rows ``{iso3: {year: {cat: value}}}``, page evidence ``{iso3: {year:
    Evidence}}``) of the countries, read in four queries."""
    rows: dict[str, dict[int, dict[str, Fraction]]] = {c: {} for c in iso3s}
    for year, per in reads.edition_rows(read, m.code, 9999, iso3s).items():
        for iso3, values in per.items():
            rows[iso3][year] = values
    heads = reads.headlines(read, m.code, iso3s)
    pub = reads.published_scores(read, m.code, iso3s)
    changes = reads.printed_changes(read, m.code, iso3s)
    pct_code = m.percentage.code if m.percentage else None
    ev: dict[str, dict[int, Evidence]] = {c: {} for c in iso3s}
    for (iso3, year), h in heads.items():
        scores = pub.get((iso3, year), {})
        listed = h.change_list if h.change_list in CHANGE_LISTS else "unknown"
        ev[iso3][year] = Evidence(
            year, tuple(PrintedChange(c.code, c.before, c.after)
                        for c in changes.get((iso3, year), [])),
            listed,
            scores[m.score.code].value if m.score.code in scores else None,
            scores[pct_code].value if pct_code and pct_code in scores else None)
    return rows, ev


def chains(m: Methodology, rows: dict[int, dict[str, Fraction]], ev: dict[int, Evidence]
           ) -> tuple[list[Row], list[ChainNote]]:
    """Every chain of one country: from each full row, through the editions without one."""
    full = [y for y, r in sorted(rows.items())
            if all(c in r for c in m.edition(y).categories)]
    usable = {y: e for y, e in ev.items() if y not in full}
    out_rows: list[Row] = []
    notes: list[ChainNote] = []
    for base in full:
        got = reconstruct(m, base, rows[base], usable)
        accepted: list[Row] = []
        for row in got.rows:
            held = rows.get(row.year, {})
            differ = [c for c, v in held.items() if c in row.values and row.values[c] != v]
            if differ:
                chain_says = ", ".join(f"{c} {fmt(row.values[c])}" for c in differ)
                stored = ", ".join(f"{c} {fmt(held[c])}" for c in differ)
                notes.append(ChainNote(row.year, "warning", "chain_rating_mismatch",
                                       f"the chain gives {chain_says} for {row.year}, but the "
                                       f"database holds {stored}: refused"))
                break
            accepted.append(row)
        out_rows += accepted
        notes += got.notes
    return out_rows, notes


def rebuild(tx: writes.WriteTransaction, m: Methodology, iso3s: Iterable[str] | None = None
            ) -> Rebuilt:
    """Rebuild the reconstructed rows of ``iso3s`` (default: every country) from the evidence
    the transaction sees, replacing what was stored for them."""
    codes = sorted(set(iso3s)) if iso3s is not None else reads.country_codes(tx.read)
    result = Rebuilt()
    if not codes:
        return result
    rows, ev = evidence(tx.read, m, codes)
    ids = reads.edition_ids(tx.read, m.code)
    s = m.scale
    scale = {"scale_min_x100": x100(s.min), "scale_max_x100": x100(s.max),
             "step_x100": x100(s.step)}
    new: list[dict[str, Any]] = []
    for iso3 in codes:
        got, notes = chains(m, rows[iso3], ev[iso3])
        if got:
            result.rows[iso3] = got
        if notes:
            result.notes[iso3] = notes
        for row in got:
            new += [{"country_iso3": iso3, "edition_id": ids[row.year], "category": c,
                     "value_x100": x100(v), **scale, "base_edition": row.base,
                     "provenance": row.provenance} for c, v in row.values.items()]
    writes.replace_reconstructed(tx.session, codes, new)
    return result


def rebuild_all(engine: Any, m: Methodology, iso3s: Iterable[str] | None = None) -> Rebuilt:
    """:func:`rebuild` in a write transaction of its own."""
    with writes.write_transaction(engine) as tx:
        return rebuild(tx, m, iso3s)
