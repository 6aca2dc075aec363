"""A workflow edition with several raters per cell, built through the services the way a team
would run it (users, opening, proposals, consensus, confirmations, publication): the data the
estimates tests read. Raters differ in leniency and noise, so the model has something to find."""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import numpy as np

from demoscope.methodology import Methodology
from demoscope.services import assessment, publication, users
from demoscope.store import reads
from demoscope.workflow.roles import Actor

PASSWORD = "correct horse battery staple"
EDITOR = "ed"
#: reviewer → (leniency in scale points, noise sd): the truth the tests compare with
RATERS = {"rv1": (-0.5, 0.2), "rv2": (-0.25, 0.3), "rv3": (0.0, 0.25), "rv4": (0.25, 0.2),
          "rv5": (0.5, 0.35)}


#: The category of the draft edition's cell with one proposal (in the last country).
SINGLE = "EP"


def team(engine) -> None:
    """An editor and the reviewers (the console adds them, as ``demoscope user add`` does)."""
    users.add_user(engine, None, EDITOR, "editor", PASSWORD, console=True)
    for name in RATERS:
        users.add_user(engine, None, name, "reviewer", PASSWORD, console=True)


def editor() -> Actor:
    return Actor(EDITOR, "editor")


def _grid(m: Methodology, x: float) -> Fraction:
    s = m.scale
    k = round((x - float(s.min)) / float(s.step))
    k = max(0, min(k, int((s.max - s.min) / s.step)))
    return s.min + k * s.step


def propose_all(engine, m: Methodology, year: int, countries: list[str], seed: int,
                raters: dict[str, tuple[float, float]] = RATERS,
                single: tuple[str, str] | None = None) -> dict[tuple[str, str], float]:
    """Every rater proposes a value for every cell (``single``: an (iso3, category) cell only
    the first rater proposes for): the truth (near the starting value) plus the rater's
    leniency and noise, on the grid. Returns the truth per cell."""
    rng = np.random.default_rng(seed)
    read = reads.reader_for_engine(engine)
    aed = reads.assessment_edition(read, m.code, year)
    assert aed is not None
    cells = reads.assessment_cells(read, aed.id)
    truth: dict[tuple[str, str], float] = {}
    for iso3 in countries:
        for cat, x in cells[iso3].items():
            start = float(x.starting) if x.starting is not None else 4.0
            truth[(iso3, cat)] = float(np.clip(start + rng.normal(0, 0.3), 1.3, 6.7))
    for name, (lenient, noise) in raters.items():
        who = Actor(name, "reviewer")
        for (iso3, cat), z in truth.items():
            if (iso3, cat) == single and name != next(iter(raters)):
                continue
            v = _grid(m, z + lenient + rng.normal(0, noise))
            assessment.propose(engine, m, who, iso3, year, cat, v,
                               f"{name}: {cat} in {iso3} reads {v} this year")
    return truth


def agree_and_publish(engine, m: Methodology, year: int, countries: list[str]) -> None:
    """Consensus = the median proposal (or the starting value), confirmed; then publication."""
    ed = editor()
    assessment.move_edition(engine, m, ed, year, "review")
    assessment.move_edition(engine, m, ed, year, "consensus")
    read = reads.reader_for_engine(engine)
    aed = reads.assessment_edition(read, m.code, year)
    assert aed is not None
    for iso3 in countries:
        cells = reads.assessment_cells(read, aed.id, iso3)[iso3]
        props = reads.proposals(read, m.code, year=year, iso3=iso3)
        for cat, x in cells.items():
            values = sorted(p.value for p in props if p.category == cat)
            value = values[len(values) // 2] if values else x.starting
            version = reads.assessment_versions(read, aed.id)[iso3][1]
            assessment.set_consensus(engine, m, ed, iso3, year, cat, value,
                                     f"the panel's median reading of {cat}", version, confirm=True)
        assessment.confirm(engine, m, ed, iso3, year, m.score.code)  # a band crossing, if any
    publication.publish(engine, m, ed, year)


def build(engine, m: Methodology, countries: list[str], *, year: int = 2025, seed: int = 7,
          draft_year: int | None = 2026) -> dict[str, object]:
    """A published edition ``year`` (every reviewer proposes every cell of ``countries``) and,
    when ``draft_year``, a next edition in review with proposals (a draft: never public), in
    which one cell (:data:`SINGLE`) has one proposal only."""
    team(engine)
    assessment.open_edition(engine, m, editor(), year, countries)
    truth = propose_all(engine, m, year, countries, seed)
    agree_and_publish(engine, m, year, countries)
    out: dict[str, object] = {"year": year, "countries": countries, "truth": truth}
    if draft_year is not None:
        assessment.open_edition(engine, m, editor(), draft_year, countries)
        out["draft_truth"] = propose_all(engine, m, draft_year, countries, seed + 1,
                                         single=(countries[-1], SINGLE))
        assessment.move_edition(engine, m, editor(), draft_year, "review")
        out["draft_year"] = draft_year
    return out


#: The countries the workflow edition assesses (all with a full 2024-era row in the dataset).
COUNTRIES = ["ARM", "GEO", "HUN", "KAZ"]


def _root_conftest():
    """tests/conftest.py's helpers, loaded by path (a module named ``conftest`` cannot be
    imported by name: every test folder has one)."""
    spec = importlib.util.spec_from_file_location(
        "demoscope_tests_root", Path(__file__).resolve().parents[1] / "conftest.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fresh_url(backend: str, folder: Path, worker: str) -> str:
    """An empty database: a SQLite file in ``folder``, or this worker's own PostgreSQL database
    for these tests (reset)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'estimates.db'}"
    root = _root_conftest()
    url = root.postgres_url_for_worker(f"{worker}_est")
    root._reset_postgres(url)
    return url


def built_database(url: str) -> dict:
    """The built-in dataset plus the workflow editions of :mod:`panel`."""
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    m = nit()
    engine = get_engine(url)
    set_up_database(engine, m, registry())
    info = build(engine, m, COUNTRIES)
    return {"url": url, **info}
