"""The measurement model: ordinal ratings on the methodology's grid from several raters.

Everything here is pure numpy/scipy and shared by the fast fit (:mod:`demoscope.stats.fit`),
the simulator and, through the same equations written in JAX, the NUTS reference
(:mod:`demoscope.stats.reference`). The equations, their V-Dem origin and the reasons for each
choice are in ``docs/stats.md``; in short:

* every country-category-edition cell *c* has a latent value ``z_c`` on the methodology's own
  scale; consecutive editions of a country-category follow a Gaussian random walk whose
  variance grows with the years between them;
* rater *r* perceives ``x = z_c + a_r + exp(s_r)·ε`` (``ε`` standard normal) and reports the
  grid point nearest to ``x``: the grid's midpoints are the common thresholds and a rater's own
  thresholds are those shifted by the leniency ``a_r`` (V-Dem's rater-specific thresholds,
  restricted to a shift because a 25-point grid would otherwise need 24 per rater);
  ``exp(s_r)`` is the rater's noise, its inverse the reliability (V-Dem's discrimination);
* hierarchical priors pool the rater parameters: ``a ~ N(0, σ_a²)``, ``s ~ N(μ_s, τ_s²)``;
  the latent scale is thereby the scale of the average rater.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from scipy.special import log_ndtr

from demoscope.methodology import Methodology

LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)



@dataclass(frozen=True)
class Grid:
    """The rating grid of a methodology as floats: points, thresholds between them, middle.

    Read from :class:`~demoscope.methodology.Scale` (never hard-coded): NIT's 1–7 in quarter
    points gives 25 points and 24 thresholds at 1.125, 1.375, …, 6.875."""

    points: np.ndarray
    low: float
    high: float
    step: float

    @classmethod
    def of(cls, methodology: Methodology) -> Grid:
        s = methodology.scale
        n = int((s.max - s.min) / s.step) + 1
        points = np.array([float(s.min + i * s.step) for i in range(n)])
        return cls(points, float(s.min), float(s.max), float(s.step))

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    @property
    def span(self) -> float:
        return self.high - self.low

    @property
    def size(self) -> int:
        return len(self.points)

    @property
    def cuts(self) -> np.ndarray:
        """``size + 1`` bounds: −∞, the midpoints between grid points, +∞. Rating index *k*
        means the perceived value lies in ``(cuts[k], cuts[k + 1]]``."""
        mids = (self.points[:-1] + self.points[1:]) / 2
        return np.concatenate([[-np.inf], mids, [np.inf]])

    def index(self, values: np.ndarray) -> np.ndarray:
        """Grid index of values that are on the grid (validated by the reader)."""
        return np.rint((np.asarray(values, dtype=float) - self.low) / self.step).astype(np.int32)

    def round(self, x: np.ndarray) -> np.ndarray:
        """The grid point nearest to each perceived value (ends absorb what lies beyond)."""
        k = np.clip(np.rint((np.asarray(x) - self.low) / self.step), 0, self.size - 1)
        return self.low + k * self.step


@dataclass(frozen=True)
class Hyper:
    """Hyperparameters: the random walk, the first edition's prior and the rater pools."""

    mu0: float  # mean of a chain's first latent value (the mean over categories when reported)
    s0: float  # its standard deviation around the country's level
    s_c: float  # sd of the countries' levels (shared by their categories)
    omega: float  # random-walk innovation sd per year between editions
    sigma_a: float  # sd of raters' leniencies
    sigma_d: float  # sd of a rater's leniency between the countries they rate
    mu_s: float  # mean of log noise
    tau_s: float  # sd of log noise

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    def with_floor(self, floors: Hyper) -> Hyper:
        return replace(self, **{f.name: max(getattr(self, f.name), getattr(floors, f.name))
                                for f in fields(self) if f.name not in ("mu0", "mu_s")})

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def hyperprior_scales(grid: Grid) -> dict[str, float]:
    """Scales of the (weakly informative) hyperpriors used by the NUTS reference, in units of
    the methodology's span so that a 0–10 or 1–4 index gets the same prior shape as NIT."""
    return {"mu0_sd": grid.span / 2, "s0": grid.span / 2, "omega": grid.span / 12,
            "sigma_a": grid.span / 12, "mu_s_sd": 1.0, "tau_s": 0.5,
            "mu_s_mean": float(np.log(grid.span / 12))}


@dataclass
class Derivs:
    """Per-rating log likelihood and its derivatives in the linear predictor η and log noise s."""

    loglik: np.ndarray
    d_eta: np.ndarray
    d_s: np.ndarray
    d_eta2: np.ndarray
    d_s2: np.ndarray
    d_eta_s: np.ndarray


def _log_prob_interval(u: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """``log(Φ(u) − Φ(lo))`` for ``lo < u``, stable in both tails (the upper tail is mirrored)."""
    flip = lo > 0
    a = np.where(flip, -lo, u)
    b = np.where(flip, -u, lo)
    la, lb = log_ndtr(a), log_ndtr(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.minimum(lb - la, -1e-300)
        return la + np.log1p(-np.exp(diff))


def ordinal_terms(y: np.ndarray, eta: np.ndarray, s: np.ndarray, cuts: np.ndarray,
                  second: bool = True) -> Derivs:
    """Log probability that a rater with linear predictor ``eta`` and log noise ``s`` reports
    grid index ``y``, with first and second derivatives (ordered probit; thresholds ``cuts``)."""
    sigma = np.exp(s)
    inv = 1.0 / sigma
    u = (cuts[y + 1] - eta) * inv
    lo = (cuts[y] - eta) * inv
    logp = _log_prob_interval(u, lo)
    fin_u, fin_l = np.isfinite(u), np.isfinite(lo)
    uu = np.where(fin_u, u, 0.0)
    ll = np.where(fin_l, lo, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        au = np.where(fin_u, np.exp(-0.5 * uu * uu - LOG_SQRT_2PI - logp), 0.0)  # φ(u)/P
        al = np.where(fin_l, np.exp(-0.5 * ll * ll - LOG_SQRT_2PI - logp), 0.0)  # φ(l)/P
    d_eta = -(au - al) * inv
    d_s = -(uu * au - ll * al)
    if not second:
        z = np.zeros(0)
        return Derivs(logp, d_eta, d_s, z, z, z)
    l_uu = -uu * au - au * au
    l_ll = ll * al - al * al
    l_ul = au * al
    l_u, l_l = au, -al
    d_eta2 = (l_uu + 2 * l_ul + l_ll) * inv * inv
    d_s2 = l_uu * uu * uu + 2 * l_ul * uu * ll + l_ll * ll * ll + l_u * uu + l_l * ll
    d_eta_s = (l_uu * uu + l_ul * (uu + ll) + l_ll * ll + l_u + l_l) * inv
    return Derivs(logp, d_eta, d_s, d_eta2, d_s2, d_eta_s)


def reliability(noise: np.ndarray, latent_var: float) -> np.ndarray:
    """Classical reliability of a rater, 0–1: the share of the variance of their perceived
    values that reflects the latent values (``V / (V + σ²)``, V the variance of the latent
    values across the panel). It orders raters like V-Dem's discrimination (``1/σ``) but reads
    as a share; the noise σ itself is reported beside it."""
    return latent_var / (latent_var + noise**2)
