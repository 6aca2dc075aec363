"""Estimates with honest intervals for every country-edition-category and score: the
measurement model (:mod:`demoscope.stats`) fitted to the proposals of workflow editions, and
the published value — one reading per cell, so no interval — everywhere else.

What enters the model (also in ``docs/stats.md``, "Estimates from the workflow"):

* each participant's **latest proposal per cell** (``current`` in
  :func:`demoscope.read.assessment.proposals`): a person who changes their mind is one reading,
  not two; the earlier proposals stay in the history;
* never the consensus: it is the editors' summary of the readings, not another reading;
* the **panel** of editions fitted together: every *published* workflow edition, plus the
  edition asked about when it is still a draft. Public answers fit the published editions
  only, so nothing public ever depends on a draft; a draft is linked over time with the
  published editions before it, and the same rater is one rater across editions.

Every other stored rating (every historic edition: only the published consensus exists) is
one reading of its cell: its ``estimate`` is the published value, ``lo``/``hi`` are null and the
``note`` says that no interval can be estimated. The model is deterministic (seed 0): a fit is a
pure function of the proposals, so faces cache it per data version
(:meth:`demoscope.web.deps.Context.fit`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from typing_extensions import TypedDict

from demoscope.countries import CountryRegistry, registry
from demoscope.errors import NotFound
from demoscope.methodology import Direction, Edition, Methodology
from demoscope.numbers import num
from demoscope.scoring import democracy_score
from demoscope.store import reads
from demoscope.store.reads import Reader
from demoscope.workflow.states import State

if TYPE_CHECKING:
    from demoscope.read.series import LineChart
    from demoscope.stats.estimate import CellEstimate, Estimates, RaterEstimate, ScoreEstimate

#: The note of a cell (or score) whose only reading is the published value.
PUBLISHED_ONLY = "one rating per cell (the published consensus): no interval can be estimated"
#: The note of a cell of a workflow edition that nobody proposed a value for.
NO_PROPOSAL = "no proposal for this cell: the published consensus only, no interval can be estimated"
#: Seed of the draws behind the intervals the faces show (``demoscope estimate --seed`` differs).
SEED = 0
MODEL, PUBLISHED = "model", "published"


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


# -- the fit ----------------------------------------------------------------------------------


@dataclass
class PanelFit:
    """The model fitted to the current proposals of the workflow editions ``years``, its values
    on ``direction`` (the latest of those editions' scale); empty when nobody proposed."""

    years: tuple[int, ...]
    direction: Direction
    seed: int = SEED
    est: Estimates | None = None
    cells: dict[tuple[str, int, str], CellEstimate] = field(default_factory=dict)
    scores: dict[tuple[str, int], ScoreEstimate] = field(default_factory=dict)
    raters: dict[str, RaterEstimate] = field(default_factory=dict)
    #: each person's latest proposal per cell: ``{(iso3, year, category): [records]}``
    current: dict[tuple[str, int, str], list[reads.ProposalRecord]] = field(default_factory=dict)
    error: str | None = None

    def cell(self, m: Methodology, iso3: str, year: int, category: str, target: Direction
             ) -> CellEstimate | None:
        """The model's estimate of one cell on ``target``, or None."""
        c = self.cells.get((iso3, year, category))
        if c is None or target is self.direction:
            return c
        total = float(m.scale.min + m.scale.max)
        lo, hi = _mirror(c.hi, total), _mirror(c.lo, total)
        return replace(c, estimate=total - c.estimate, lo=lo, hi=hi, mean=total - c.mean)

    def score(self, m: Methodology, iso3: str, year: int, target: Direction
              ) -> ScoreEstimate | None:
        """The model's estimate of one score on ``target``, or None."""
        s = self.scores.get((iso3, year))
        if s is None or target is self.direction:
            return s
        total = float(m.scale.min + m.scale.max)
        return replace(s, estimate=_mirror(s.estimate, total), lo=_mirror(s.hi, total),
                       hi=_mirror(s.lo, total))

    def value(self, m: Methodology, iso3: str, year: int, code: str, target: Direction
              ) -> CellEstimate | ScoreEstimate | None:
        """A cell's estimate, or the score's with the score's code."""
        return (self.score(m, iso3, year, target) if code == m.score.code
                else self.cell(m, iso3, year, code, target))


def _mirror(x: float | None, total: float) -> float | None:
    """A value on the other direction: ``min + max − x`` (an interval's ends swap)."""
    return None if x is None else total - x


def panel_years(read: Reader, m: Methodology, year: int | None = None) -> tuple[int, ...]:
    """The workflow editions fitted together: every published one, and ``year`` if the
    workflow runs it (whatever its state)."""
    eds = reads.assessment_editions(read, m.code)
    years = {a.year for a in eds if a.state == State.PUBLISHED.value}
    if year is not None and any(a.year == year for a in eds):
        years.add(year)
    return tuple(sorted(years))


def current_proposals(read: Reader, m: Methodology, years: Iterable[int]
                      ) -> dict[tuple[str, int, str], list[reads.ProposalRecord]]:
    """Each person's latest proposal per cell of the editions ``years``, in order of first
    proposal: the readings the model takes."""
    latest: dict[tuple[str, int, str, str], reads.ProposalRecord] = {}
    for y in years:
        for p in reads.proposals(read, m.code, year=y):
            latest[(p.iso3, p.year, p.category, p.username)] = p
    out: dict[tuple[str, int, str], list[reads.ProposalRecord]] = defaultdict(list)
    for (iso3, y, cat, _), p in latest.items():
        out[(iso3, y, cat)].append(p)
    return dict(out)


def fit_panel(read: Reader, m: Methodology, years: tuple[int, ...], *, seed: int = SEED
              ) -> PanelFit:
    """Fit the model to the current proposals of the workflow editions ``years`` (values put on
    one scale first: the latest edition's). A fit that fails is reported in ``error``, never
    replaced by something else."""
    latest_ed = m.edition(max(years)) if years else m.edition(max(m.editions))
    fit = PanelFit(years, latest_ed.direction, seed)
    if not years:
        return fit
    fit.current = current_proposals(read, m, years)
    if not fit.current:
        return fit
    from demoscope.stats.estimate import estimate_panel
    from demoscope.stats.fit import FitError
    from demoscope.stats.panel import Panel, Rating

    ratings = [Rating(iso3, y, cat, p.username,
                      float(m.to_direction(p.value, m.edition(y).direction, fit.direction)))
               for (iso3, y, cat), ps in fit.current.items() for p in ps]
    try:
        est = estimate_panel(Panel.from_ratings(ratings, source="proposals"), m, seed=seed)
    except FitError as exc:
        fit.error = f"the model could not be fitted: {exc.message}"
        return fit
    fit.est = est
    fit.cells = {(c.country, c.edition, c.category): c for c in est.cells}
    fit.scores = {(s.country, s.edition): s for s in est.scores}
    fit.raters = {r.rater: r for r in est.raters}
    return fit


def public_fit(read: Reader, m: Methodology) -> PanelFit:
    """The fit behind every public answer: the published workflow editions' proposals only."""
    return fit_panel(read, m, panel_years(read, m))


def edition_fit(read: Reader, m: Methodology, year: int, *, seed: int = SEED) -> PanelFit:
    """The fit for one workflow edition (a draft too): the published editions plus ``year``.
    For a published edition it is the public fit."""
    return fit_panel(read, m, panel_years(read, m, year), seed=seed)


# -- one country-edition ----------------------------------------------------------------------


class Est(NamedTuple):
    """One estimate of a country-edition on the requested scale."""

    category: str
    rating: float | None
    estimate: float | None
    lo: float | None
    hi: float | None
    sd: float | None
    raters: int
    source: str
    note: str | None


def _weighted(m: Methodology, values: dict[str, float]) -> float:
    w = {c: float(m.categories[c].weight) if c in m.categories else 1.0 for c in values}
    return sum(values[c] * w[c] for c in values) / sum(w.values())


def country_edition(m: Methodology, fit: PanelFit, iso3: str, ed: Edition,
                    values: dict[str, Fraction], target: Direction) -> list[Est]:
    """The estimates of one country-edition's stored ratings ``values`` (on ``ed``'s own
    scale) and of its score, on ``target``: the model's where the edition's proposals are in
    ``fit``, the published value (no interval) elsewhere."""
    out: list[Est] = []
    model_cells = 0
    for cat in ed.categories:
        if cat not in values:
            continue
        rating = num(m.to_direction(values[cat], ed.direction, target))
        c = fit.cell(m, iso3, ed.year, cat, target)
        if c is not None:
            model_cells += 1
            out.append(Est(cat, rating, _round(c.estimate), _round(c.lo), _round(c.hi),
                           _round(c.sd), c.raters, MODEL, c.note))
        else:
            out.append(Est(cat, rating, rating, None, None, None, 1, PUBLISHED,
                           PUBLISHED_ONLY if ed.year not in fit.years else fit.error or NO_PROPOSAL))
    score = democracy_score(m, ed, values, target)
    if not score.complete:
        out.append(Est(m.score.code, None, None, None, None, None, 0, PUBLISHED,
                       f"no rating for {', '.join(score.missing)}: no {m.score.name}"))
        return out
    printed = num(Fraction(score.printed))
    s = fit.score(m, iso3, ed.year, target)
    if s is not None and model_cells == len(ed.categories) and s.estimate is not None:
        out.append(Est(m.score.code, printed, _round(s.estimate), _round(s.lo), _round(s.hi),
                       _round(s.sd), min(e.raters for e in out), MODEL, s.note))
        return out
    by_cat = {e.category: e for e in out}
    mean = _weighted(m, {c: float(by_cat[c].estimate or 0.0) for c in ed.categories})
    plain = [c for c in ed.categories if by_cat[c].source == PUBLISHED]
    note = (PUBLISHED_ONLY if len(plain) == len(ed.categories) else
            f"{', '.join(plain)}: the published consensus only: no interval can be estimated"
            if plain else s.note if s is not None and s.note else
            "the model gives no interval for this score")
    out.append(Est(m.score.code, printed, _round(mean), None, None, None,
                   min(e.raters for e in out), MODEL if not plain else PUBLISHED, note))
    return out


# -- public answers -----------------------------------------------------------------------------


class EstimateRow(TypedDict):
    """One country-edition-category, or its score (``category`` = the score's code): the
    published value (``rating``), the ``estimate`` and its 90 % interval ``lo``–``hi``.

    ``source`` "model": estimated from the participants' proposals (``raters`` of them);
    ``lo``/``hi`` are null when a cell has one proposal. "published": the published value is the
    only reading (every historic edition), so ``estimate`` = ``rating``, ``lo``/``hi`` are null
    and ``note`` says that no interval can be estimated. A score's estimate is the unrounded
    weighted mean of its categories' estimates (the published score rounds it) and its
    interval is propagated through the model, never averaged."""

    country: str
    iso3: str
    edition: int
    category: str
    rating: float | None
    estimate: float | None
    lo: float | None
    hi: float | None
    raters: int
    source: str
    note: str | None
    direction: str


def estimates(read: Reader, m: Methodology, fit: PanelFit, *, iso3s: Iterable[str] | None = None,
              first: int | None = None, last: int | None = None,
              categories: Iterable[str] | None = None, direction: Direction | None = None
              ) -> list[EstimateRow]:
    """``GET /api/v1/estimates`` and the ``estimates`` download: every stored
    country-edition-category and every score, ordered by country name, edition and the
    methodology's category order (the score last). ``categories`` may name the score's code."""
    wanted = {c.strip().upper() for c in categories or () if c.strip()}
    for c in wanted:
        if c != m.score.code:
            m.category(c)  # an unknown code is an InvalidRating naming the field
    rows: dict[tuple[str, int], dict[str, Fraction]] = defaultdict(dict)
    for r in reads.ratings(read, m.code, first=first, last=last, iso3s=iso3s):
        rows[(r.iso3, r.year)][r.category] = r.value
    reg = registry()
    order = {c: i for i, c in enumerate([*m.categories, m.score.code])}
    out: list[EstimateRow] = []
    for (iso3, year), values in rows.items():
        ed = m.edition(year)
        target = direction or ed.direction
        found = reg.find(iso3)
        name = found.name if found else iso3
        label = m.direction_label(target)
        for e in country_edition(m, fit, iso3, ed, values, target):
            if wanted and e.category not in wanted:
                continue
            out.append({"country": name, "iso3": iso3, "edition": year, "category": e.category,
                        "rating": e.rating, "estimate": e.estimate, "lo": e.lo, "hi": e.hi,
                        "raters": e.raters, "source": e.source, "note": e.note,
                        "direction": label})
    out.sort(key=lambda r: (r["country"], r["edition"], order.get(r["category"], 99)))
    return out


ESTIMATE_COLUMNS = ["country", "iso3", "edition", "category", "rating", "estimate", "lo", "hi",
                    "raters", "source", "note", "direction"]


def add_intervals(chart: LineChart, m: Methodology, fit: PanelFit, *, iso3: str | None = None,
                  code: str | None = None) -> LineChart:
    """The chart with each line's 90 % interval (``lo``/``hi``) at every edition where the model
    gives one, on the chart's scale. A country's chart: ``iso3`` given, each line a category or
    the score. The compare chart: ``code`` given, each line a country."""
    if not fit.cells:
        return chart
    target = m.scale.parse_direction(chart["direction"])
    lines = []
    for line in chart["lines"]:
        lo: list[float | None] = []
        hi: list[float | None] = []
        for year in chart["years"]:
            c = fit.value(m, iso3 or line["key"], year, code or line["key"], target)
            lo.append(_round(c.lo) if c is not None else None)
            hi.append(_round(c.hi) if c is not None else None)
        lines.append({**line, "lo": lo, "hi": hi})
    return {**chart, "lines": lines}  # type: ignore[typeddict-item]


def has_intervals(chart: LineChart) -> bool:
    """Whether any line of the chart has an interval (the page offers the toggle then)."""
    return any(v is not None for line in chart["lines"] for v in line["lo"])


# -- the workflow's views: the model beside the proposals (private answers) ------------------------


class CellModel(TypedDict):
    """The model's value of one cell (or score) of a workflow edition, on its own scale."""

    estimate: float | None
    lo: float | None
    hi: float | None
    raters: int
    note: str | None


class RaterModel(TypedDict):
    """A participant's estimated leniency (scale points on the edition's scale: + gives higher
    values than the estimates) and reliability (0–1: the share of the variance of the rater's
    readings that is signal), each with a 90 % interval."""

    user: str
    role: str
    leniency: float | None
    leniency_lo: float | None
    leniency_hi: float | None
    reliability: float | None
    reliability_lo: float | None
    reliability_hi: float | None
    noise: float | None
    ratings: int
    countries: int
    note: str | None


class ModelSummary(TypedDict):
    """What the model was fitted on and how it went."""

    editions: list[int]
    direction: str
    ratings: int
    raters: int
    cells_with_interval: int
    converged: bool | None
    seed: int
    notes: list[str]


def _no_model(fit: PanelFit) -> str:
    return fit.error or "nobody has proposed a value yet: nothing to estimate"


def cell_model(m: Methodology, fit: PanelFit, iso3: str, year: int, code: str) -> CellModel:
    """The model's value and 90 % interval of a cell (or score) on the edition's scale."""
    c = fit.value(m, iso3, year, code, m.edition(year).direction)
    if c is None:
        return {"estimate": None, "lo": None, "hi": None, "raters": 0,
                "note": _no_model(fit) if fit.est is None else "no proposal for this cell"}
    if code == m.score.code:  # a score rests on as few readings as its thinnest category
        raters = min((x.raters for (i, y, _), x in fit.cells.items() if i == iso3 and y == year),
                     default=0)
    else:
        raters = fit.cells[(iso3, year, code)].raters
    return {"estimate": _round(c.estimate), "lo": _round(c.lo), "hi": _round(c.hi),
            "raters": int(raters), "note": c.note}


def rater_models(m: Methodology, fit: PanelFit, year: int) -> list[RaterModel]:
    """Every participant with a current proposal in ``year``: leniency and reliability as the
    model measures them over the whole panel, leniency on ``year``'s scale."""
    flip = m.edition(year).direction is not fit.direction
    roles: dict[str, str] = {}
    for (_, y, _), ps in fit.current.items():
        if y == year:
            for p in ps:
                roles[p.username] = p.role
    out: list[RaterModel] = []
    for user in sorted(roles):
        r = fit.raters.get(user)
        if r is None:
            out.append({"user": user, "role": roles[user], "leniency": None, "leniency_lo": None,
                        "leniency_hi": None, "reliability": None, "reliability_lo": None,
                        "reliability_hi": None, "noise": None, "ratings": 0, "countries": 0,
                        "note": _no_model(fit)})
            continue
        lo, hi = r.leniency_lo, r.leniency_hi
        lenient = r.leniency
        if flip and lenient is not None:
            lenient, lo, hi = -lenient, (None if hi is None else -hi), (None if lo is None else -lo)
        out.append({"user": user, "role": roles[user], "leniency": _round(lenient),
                    "leniency_lo": _round(lo), "leniency_hi": _round(hi),
                    "reliability": _round(r.reliability), "reliability_lo": _round(r.reliability_lo),
                    "reliability_hi": _round(r.reliability_hi), "noise": _round(r.noise),
                    "ratings": r.ratings, "countries": r.countries, "note": r.note})
    return out


def model_summary(m: Methodology, fit: PanelFit) -> ModelSummary:
    """What the model of a workflow view was fitted on (editions, readings, raters) and its
    notes; without proposals (or when the fit failed) the note says why there is no model."""
    s = fit.est.summary if fit.est is not None else None
    notes = list(s["notes"]) if s else [_no_model(fit)]
    return {"editions": list(fit.years), "direction": m.direction_label(fit.direction),
            "ratings": int(s["ratings"]) if s else 0, "raters": int(s["raters"]) if s else 0,
            "cells_with_interval": int(s["cells_with_interval"]) if s else 0,
            "converged": s["converged"] if s else None, "seed": fit.seed, "notes": notes}


class Check(NamedTuple):
    """A proposal against the interval the *other* raters of its cell imply."""

    others: int
    estimate: float | None
    lo: float | None
    hi: float | None
    outside: bool | None
    adjusted: float | None
    note: str | None


def check(m: Methodology, fit: PanelFit, iso3: str, year: int, category: str, value: Fraction,
          user: str | None) -> Check:
    """Whether ``value`` (on ``year``'s scale) sits outside the 90 % interval the other raters
    of the cell imply (the cell's posterior with ``user``'s own reading taken out), and the value
    corrected for ``user``'s measured leniency. None where the others imply no interval."""
    if fit.est is None:
        return Check(0, None, None, None, None, None, _no_model(fit))
    from demoscope.stats.calibrate import check_proposal

    ed = m.edition(year)
    total = float(m.scale.min + m.scale.max)
    flip = ed.direction is not fit.direction
    v = float(m.to_direction(value, ed.direction, fit.direction))
    c = check_proposal(fit.est, iso3, year, category, v, rater=user, k=0)

    def back(x: float | None) -> float | None:
        return None if x is None else _round(total - x if flip else x)

    lo, hi = (back(c.others_hi), back(c.others_lo)) if flip else (back(c.others_lo), back(c.others_hi))
    return Check(c.others, back(c.others_estimate), lo, hi, c.outside, back(c.adjusted), c.note)


# -- the calibration aid -------------------------------------------------------------------------


class Justification(TypedDict):
    source: str
    text: str


class Comparable(TypedDict):
    """A country-edition of the same category whose estimate is near the value checked."""

    country: str
    iso3: str
    edition: int
    category: str
    estimate: float
    lo: float | None
    hi: float | None
    raters: int
    rating: float | None
    distance: float
    justifications: list[Justification]


class Calibration(TypedDict):
    """``GET /api/v1/assessments/{iso3}/{year}/calibration/{category}?value=``: does a value mean
    here what it means elsewhere? The cell's model estimate, the interval the *other* raters
    imply and whether ``value`` is outside it (``outside``), ``value`` corrected for the
    person's measured leniency (``adjusted``), and the comparable country-editions — same
    category, nearest estimates, one per country, across countries and editions, on this
    edition's scale — with their justifications."""

    iso3: str
    country: str
    edition: int
    category: str
    name: str
    direction: str
    value: float
    user: str | None
    model: CellModel
    others: int
    others_estimate: float | None
    others_lo: float | None
    others_hi: float | None
    outside: bool | None
    adjusted: float | None
    note: str | None
    comparables: list[Comparable]


def _why(read: Reader, m: Methodology, fit: PanelFit, category: str
         ) -> tuple[dict[tuple[str, int], list[Justification]], dict[tuple[str, int], Fraction]]:
    """Why each country-edition of ``category`` has its value — a workflow edition's consensus
    justification and its participants' reasons, a stored rating's justification — and the
    consensus of the panel's workflow cells (on their edition's scale)."""
    out: dict[tuple[str, int], list[Justification]] = defaultdict(list)
    consensus: dict[tuple[str, int], Fraction] = {}
    for (iso3, year), (source, text) in reads.rating_justifications(read, m.code, category).items():
        if year not in fit.years:
            out[(iso3, year)].append({"source": f"published rating ({source})" if source
                                      else "published rating", "text": text})
    for year in fit.years:
        aed = reads.assessment_edition(read, m.code, year)
        for iso3, cells in (reads.assessment_cells(read, aed.id).items() if aed else ()):
            x = cells.get(category)
            if x is not None and x.consensus is not None:
                consensus[(iso3, year)] = x.consensus
            if x is not None and x.justification:
                out[(iso3, year)].append({"source": "consensus", "text": x.justification})
    for (iso3, year, cat), ps in fit.current.items():
        if cat == category:
            out[(iso3, year)].extend({"source": f"proposal by {p.username} ({p.role})",
                                      "text": p.justification} for p in ps if p.justification)
    return dict(out), consensus


def comparables(read: Reader, m: Methodology, fit: PanelFit, iso3: str, year: int, category: str,
                value: Fraction, k: int = 6) -> list[Comparable]:
    """The ``k`` country-editions of ``category`` (one per country, ``iso3`` left out) whose
    estimates are nearest ``value`` on ``year``'s scale: the model's estimates in the panel's
    editions, the published values elsewhere. Distances are compared in half grid steps
    (closer than that, a continuous estimate and a grid value say the same); ties: with a
    justification first, then the narrower interval, then the newer edition."""
    target = m.edition(year).direction
    why, consensus = _why(read, m, fit, category)
    stored = {(r.iso3, r.year): num(m.to_direction(r.value, m.edition(r.year).direction, target))
              for r in reads.ratings(read, m.code, categories=[category])}
    reg = registry()
    half = float(m.scale.step) / 2
    pool: list[tuple[tuple[int, int, float, float, int, str], Comparable]] = []
    for (c_iso, c_year, cat) in fit.cells:
        on = fit.cell(m, c_iso, c_year, cat, target) if cat == category and c_iso != iso3 else None
        if on is None:
            continue
        agreed = consensus.get((c_iso, c_year))
        rating = stored.get((c_iso, c_year), None if agreed is None else num(
            m.to_direction(agreed, m.edition(c_year).direction, target)))
        pool.append(_candidate(reg, c_iso, c_year, category, on.estimate, on.lo, on.hi,
                               on.raters, rating, float(value), half, why.get((c_iso, c_year), [])))
    for (c_iso, c_year), x in stored.items():
        if c_iso != iso3 and (c_iso, c_year, category) not in fit.cells:
            pool.append(_candidate(reg, c_iso, c_year, category, x, None, None, 1, x,
                                   float(value), half, why.get((c_iso, c_year), [])))
    pool.sort(key=lambda p: p[0])
    out: list[Comparable] = []
    for _, c in pool:
        if all(c["iso3"] != o["iso3"] for o in out):
            out.append(c)
            if len(out) == k:
                break
    return out


def _candidate(reg: CountryRegistry, iso3: str, year: int, category: str, estimate: float,
               lo: float | None, hi: float | None, raters: int, rating: float | None,
               value: float, half: float, why: list[Justification]
               ) -> tuple[tuple[int, int, float, float, int, str], Comparable]:
    found = reg.find(iso3)
    dist = round(abs(estimate - value), 4)
    width = (hi - lo) if lo is not None and hi is not None else float("inf")
    key = (int(dist / half + 1e-9), 0 if why else 1, width, dist, -year, iso3)
    return key, {"country": found.name if found else iso3, "iso3": iso3, "edition": year,
                 "category": category, "estimate": round(estimate, 4), "lo": _round(lo),
                 "hi": _round(hi), "raters": raters, "rating": rating, "distance": dist,
                 "justifications": why}


def calibration(read: Reader, m: Methodology, fit: PanelFit, iso3: str, year: int, category: str,
                value: Fraction | str | float | None, user: str | None, k: int = 6) -> Calibration:
    """The calibration aid for ``value`` proposed by ``user`` in one cell of a workflow
    edition (``value`` None: the person's current proposal, else the consensus, else the
    starting value)."""
    aed = reads.assessment_edition(read, m.code, year)
    if aed is None:
        raise NotFound(f"no assessment edition {year}", field="edition")
    ed = m.edition(year)
    cat = m.category(category).code
    if cat not in ed.categories:
        m.check_rating(year, cat, m.scale.min)  # InvalidRating naming the category
    cells = reads.assessment_cells(read, aed.id, iso3).get(iso3)
    if cells is None:
        if not reads.has_country(read, iso3):
            from demoscope.errors import UnknownCountry

            raise UnknownCountry(iso3)
        raise NotFound(f"{iso3} is not assessed in the {year} edition", field="iso3")
    if value is None:
        mine = [p for p in fit.current.get((iso3, year, cat), []) if p.username == user]
        x = cells[cat]
        picked = mine[-1].value if mine else x.consensus if x.consensus is not None else x.starting
        if picked is None:
            picked = m.scale.min + (m.scale.max - m.scale.min) / 2
            picked -= (picked - m.scale.min) % m.scale.step
        v = picked
    else:
        v = m.check_rating(year, cat, value)
    c = check(m, fit, iso3, year, cat, v, user)
    found = registry().find(iso3)
    return {"iso3": iso3, "country": found.name if found else iso3, "edition": year,
            "category": cat, "name": m.category_name(cat, ed),
            "direction": m.direction_label(ed.direction), "value": num(v), "user": user,
            "model": cell_model(m, fit, iso3, year, cat), "others": c.others,
            "others_estimate": c.estimate, "others_lo": c.lo, "others_hi": c.hi,
            "outside": c.outside, "adjusted": c.adjusted, "note": c.note,
            "comparables": comparables(read, m, fit, iso3, year, cat, v, k)}


# -- demoscope estimate EDITION ------------------------------------------------------------------


def edition_estimates(read: Reader, m: Methodology, year: int, *, seed: int = SEED) -> Estimates:
    """``demoscope estimate EDITION``: the edition's cells, scores and raters in the JSON Lines
    contract of ``demoscope estimate --ratings`` (``country`` is the ISO code), on the
    edition's own scale. A workflow edition is estimated from its proposals (the panel: the
    published workflow editions and this one); any other edition has one reading per cell, the
    published consensus, and says that no interval can be estimated."""
    import time

    from demoscope.stats.estimate import CellEstimate, Estimates, ScoreEstimate
    from demoscope.stats.model import Grid
    from demoscope.stats.panel import Panel, Rating

    started = time.perf_counter()
    ed = m.edition(year)
    stored: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for r in reads.ratings(read, m.code, first=ed.year, last=ed.year):
        stored[r.iso3][r.category] = r.value
    workflow = reads.assessment_edition(read, m.code, ed.year) is not None
    fit = edition_fit(read, m, ed.year, seed=seed) if workflow else PanelFit((), ed.direction, seed)
    target = ed.direction
    cells: list[CellEstimate] = []
    scores: list[ScoreEstimate] = []
    readings = [Rating(iso3, y, cat, p.username, float(p.value))
                for (iso3, y, cat), ps in fit.current.items() if y == ed.year for p in ps]
    for iso3 in sorted(set(stored) | {i for (i, y, _) in fit.current if y == ed.year}):
        ests = {e.category: e for e in country_edition(m, fit, iso3, ed, stored[iso3], target)
                } if iso3 in stored else {}
        for cat in ed.categories:
            c = fit.cell(m, iso3, ed.year, cat, target)
            if c is not None:
                cells.append(c)
            elif cat in ests and ests[cat].rating is not None:
                x = float(ests[cat].rating or 0.0)
                cells.append(CellEstimate(iso3, ed.year, cat, x, None, None, None, 1, x,
                                          ests[cat].note))
                if not workflow:
                    readings.append(Rating(iso3, ed.year, cat, "published", x))
        s = fit.score(m, iso3, ed.year, target)
        e = ests.get(m.score.code)
        if s is not None and (e is None or e.source == MODEL):
            scores.append(s)
        elif e is not None:
            scores.append(ScoreEstimate(iso3, ed.year, e.category, e.estimate, None, None, None,
                                        list(ed.categories), e.note))
    if not cells:
        raise NotFound(f"the {ed.label} edition has no ratings and no proposals in the database: "
                       "nothing to estimate", field="edition")
    proposers = {r.rater for r in readings}
    raters: list[RaterEstimate] = [r for r in (fit.est.raters if fit.est else []) if r.rater in proposers]
    if ed.direction is not fit.direction:
        raters = [replace(r, leniency=None if r.leniency is None else -r.leniency,
                          leniency_lo=None if r.leniency_hi is None else -r.leniency_hi,
                          leniency_hi=None if r.leniency_lo is None else -r.leniency_lo)
                  for r in raters]
    notes: list[str] = []
    if not workflow:
        notes.append(f"edition {ed.year}: every cell has one rater (the published consensus): "
                     "no interval can be estimated for its cells or scores")
    elif fit.est is None:
        notes.append(_no_model(fit))
    else:
        notes += list(fit.est.summary["notes"])
    if workflow and (missing := sum(c.note == NO_PROPOSAL for c in cells)):
        notes.append(f"{missing} cell(s) without a proposal: the published consensus, no interval")
    grid = Grid.of(m)
    s_fit = fit.est.summary if fit.est is not None else {}
    summary = {
        "ratings": len(readings), "cells": len(cells), "raters": len(raters),
        "countries": len({c.country for c in cells}), "editions": [ed.year],
        "skipped_without_value": 0, "fitted_ratings": int(s_fit.get("fitted_ratings", 0)),
        "cells_with_interval": sum(c.lo is not None for c in cells),
        "iterations": int(s_fit.get("iterations", 0)), "converged": s_fit.get("converged"),
        "hyperparameters": s_fit.get("hyperparameters"), "seed": seed, "interval": 0.9,
        "scale": [grid.low, grid.high], "methodology": m.code, "notes": notes,
        "edition": ed.year, "direction": m.direction_label(target),
        "source": "proposals" if workflow else "published", "panel_editions": list(fit.years)}
    panel = fit.est.panel if fit.est is not None else Panel.from_ratings(
        readings, source=f"edition {ed.year}")
    return Estimates(cells, scores, raters, summary, panel, fit.est.fit if fit.est else None,
                     seconds=time.perf_counter() - started)
