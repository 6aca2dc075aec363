"""Optimistic locking under real concurrency, on SQLite and PostgreSQL: of N editors saving the
same cell with the same version exactly one wins, the others get a 409 with both values; in a
longer race every accepted write is in the revision history and the cell ends at the last."""

from __future__ import annotations

import random
import threading
from fractions import Fraction

from demoscope.errors import StaleVersion
from demoscope.methodology import nit
from demoscope.services import assessment
from demoscope.store import reads
from demoscope.store.db import get_engine
from demoscope.workflow.roles import Actor

YEAR = 2025
ED = Actor("ed", "editor")


def _open(engine, m):
    assessment.open_edition(engine, m, ED, YEAR, ["KAZ"])
    assessment.move_edition(engine, m, ED, YEAR, "review")
    assessment.move_edition(engine, m, ED, YEAR, "consensus")


def test_same_version_one_winner(db_url):
    engine, m = get_engine(db_url), nit()
    _open(engine, m)
    results: list[object] = []
    barrier = threading.Barrier(6)

    def save(i: int) -> None:
        barrier.wait()
        try:
            results.append(assessment.set_consensus(engine, m, Actor(f"ed{i}", "editor"), "KAZ",
                                                    YEAR, "EP", Fraction(2 + i, 4) + 1, "race", 0))
        except StaleVersion as exc:
            results.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if not isinstance(r, StaleVersion)]
    stale = [r for r in results if isinstance(r, StaleVersion)]
    assert len(wins) == 1 and len(stale) == 5
    for exc in stale:
        assert exc.extra["current"]["value"] == float(wins[0].value)  # type: ignore[attr-defined]
        assert exc.extra["yours"]["version"] == 0
    read = reads.reader_for_url(db_url)
    aed = reads.assessment_edition(read, m.code, YEAR)
    assert len(reads.consensus_revisions(read, aed.id)) == 1


def test_racing_editors_lose_nothing(db_url):
    engine, m = get_engine(db_url), nit()
    _open(engine, m)
    read = reads.reader_for_url(db_url)
    aed = reads.assessment_edition(read, m.code, YEAR)
    accepted: list[tuple[str, Fraction, int]] = []
    lock = threading.Lock()

    def editor(i: int) -> None:
        rng = random.Random(i)
        for _ in range(8):
            cat = rng.choice(["EP", "CS"])
            version = reads.assessment_versions(read, aed.id)["KAZ"][1]
            value = Fraction(rng.randrange(4, 28), 4)
            try:
                saved = assessment.set_consensus(engine, m, Actor(f"ed{i}", "editor"), "KAZ", YEAR,
                                                 cat, value, f"editor {i}", version)
            except StaleVersion:
                continue
            with lock:
                accepted.append((cat, value, saved.version))

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    history = reads.consensus_revisions(read, aed.id)
    assert accepted and len(history) == len(accepted)
    assert {(r.category, r.new, r.version) for r in history} == set(accepted)
    # versions are a gap-free sequence and each revision's old value is the one it replaced
    assert sorted(r.version for r in history) == list(range(1, len(history) + 1))
    last: dict[str, Fraction] = {}
    for r in sorted(history, key=lambda r: r.version):
        assert r.old == last.get(r.category)
        last[r.category] = r.new
    cells = reads.assessment_cells(read, aed.id)["KAZ"]
    assert {c: cells[c].consensus for c in last} == last
