"""Sampling from a user-given density by inversion, vectorised over many parameter values.

Every row of ``theta`` is one distribution ``f(·; θ_r)`` and every row of the
uniforms ``u`` becomes samples of it: ``x = F⁻¹(u)``.  Given uniforms, the
map is deterministic, so the simulator's reproducibility (same seed, same
numbers, whatever the chunking) carries over.

* **Finite or integer support**: the probability table of each row, its
  cumulative sums, and one :func:`numpy.searchsorted` for all rows at once
  (rows are kept apart by offsetting row ``r`` by ``2r``).  Integer supports
  ``lo, lo + 1, …`` grow the table until every row has mass ``1 - 1e-13``;
  a uniform beyond the table (probability below ``1e-13``) takes its last
  value.
* **Intervals**: the interval is mapped onto ``(0, 1)`` (a tangent or a
  Möbius map for infinite ends, scaled by the density at ``θ*``), the CDF is
  tabulated per row by composite Gauss–Legendre quadrature on
  :data:`PANELS` panels, and each uniform is solved for within its panel by
  safeguarded Newton iteration on the same quadrature, to
  :data:`U_TOLERANCE` in probability.  This is exact inversion up to a
  u-error (``|F(x) - u|``) of about ``1e-13``.

Every row's tabulated total mass must be 1 within :data:`MASS_TOLERANCE`,
which is also the check that the quadrature resolved the density.  Rows that
miss it (a density much narrower or wider than at ``θ*``) are inverted with
:class:`scipy.stats.sampling.NumericalInversePolynomial` instead (u-error
below ``1e-10``, SciPy's promise), after an adaptive-quadrature check that
their mass is 1: the density must be normalised for every parameter value a
fit can reach, not only at ``θ*``.

Examples
--------
>>> import numpy as np
>>> logpdf = lambda x, theta: np.log(theta[:, :1]) - theta[:, :1] * x      # exponential, rate θ
>>> u = np.array([[0.5, 0.9]])
>>> x = invert_interval(logpdf, np.array([[2.0]]), u, 0.0, np.inf, scale=1.0, where="exponential")
>>> np.allclose(x, -np.log(1 - u) / 2, rtol=1e-10, atol=0)
True
>>> table = invert_table(lambda k, th: np.log(th[:, :1]) * k + np.log1p(-th[:, :1]) * (1 - k),
...                      np.array([[0.25]]), np.array([[0.1, 0.8]]), values=np.array([0.0, 1.0]), where="coin")
>>> table.tolist()
[[0.0, 1.0]]
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.integrate import quad
from scipy.stats.sampling import NumericalInversePolynomial

from graphcollapse.errors import InputError

__all__ = ["invert_table", "invert_interval", "interval_scale", "MASS_TOLERANCE", "PANELS", "U_TOLERANCE"]

#: Largest accepted |total mass - 1| of a row's table (the quadrature's own accuracy check:
#: well-resolved densities reach rounding, ~1e-16).
MASS_TOLERANCE = 1e-12
#: Quadrature panels of the tabulated CDF (Gauss–Legendre of order :data:`ORDER` on each).
PANELS = 256
ORDER = 8
#: Newton iterations stop when |F(x) - u| is below this.
U_TOLERANCE = 1e-13
#: Integer supports: the largest table (values per row).
MAX_TABLE = 1 << 20



def _gauss_legendre_01(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on ``[0, 1]``."""
    nodes, weights = np.polynomial.legendre.leggauss(order)
    return (nodes + 1) / 2, weights / 2


_NODES01, _WEIGHTS01 = _gauss_legendre_01(ORDER)
# Newton steps are short (at most half a panel, and shrinking fast): 4 nodes integrate them to rounding.
_STEP_NODES, _STEP_WEIGHTS = _gauss_legendre_01(4)

LogPdf = Callable[[np.ndarray, np.ndarray], np.ndarray]


# ------------------------------------------------------------------ tables
def invert_table(logpdf: LogPdf, theta: np.ndarray, u: np.ndarray, *, values: np.ndarray | None = None,
                 lo: float = 0.0, where: str) -> np.ndarray:
    """Samples of discrete distributions: on ``values``, or on the integers ``lo, lo + 1, …``.

    ``theta`` has shape ``(N, p)`` and ``u`` shape ``(N, m)``; returns ``(N, m)``.
    """
    if values is not None:
        table = values
        pmf = _probabilities(logpdf, table, theta)
    else:
        size = 64
        while True:
            table = lo + np.arange(size, dtype=float)
            pmf = _probabilities(logpdf, table, theta)
            short = ~(pmf.sum(axis=1) >= 1 - 1e-13)
            # Stop when every row has its mass, or the rows that lack it gained nothing in the last
            # three quarters of the table (their tail is exhausted: the mass check below reports them).
            if not short.any() or size >= MAX_TABLE or not (pmf[short, size // 4:].sum(axis=1) > 1e-16).any():
                break
            size *= 4
    cdf = np.cumsum(pmf, axis=1)
    _check_mass(cdf[:, -1], theta, where)
    return table[_search_rows(cdf, u * cdf[:, -1:])]


def _probabilities(logpdf: LogPdf, table: np.ndarray, theta: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        pmf = np.exp(logpdf(np.broadcast_to(table, (theta.shape[0], table.size)), theta))
    return np.where(np.isfinite(pmf), pmf, np.nan)


def _search_rows(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the first index whose cumulative value exceeds ``u`` (clipped to the table)."""
    N, L = cdf.shape
    offset = 2.0 * np.arange(N)[:, None]
    flat = np.searchsorted((cdf + offset).ravel(), (u + offset).ravel(), side="right").reshape(u.shape)
    return np.minimum(flat - L * np.arange(N)[:, None], L - 1)


def _check_mass(total: np.ndarray, theta: np.ndarray, where: str, tolerance: float = MASS_TOLERANCE) -> None:
    bad = ~(np.abs(total - 1) <= tolerance)
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"estimator {where}: exp(logpdf) has total mass {total[r]:.12g}, not 1, at theta = "
            f"{np.array2string(theta[r], precision=6)}, a value a fit reached; the simulator needs a "
            "density normalised for every parameter value")


# --------------------------------------------------------------- intervals
def interval_scale(logpdf: LogPdf, truth: np.ndarray, lo: float, hi: float, where: str) -> tuple[float, float]:
    """``(centre, scale)`` of the density at ``θ*``: its median and interquartile range.

    These fix the map of an infinite interval onto ``(0, 1)``; any positive
    values are correct, good ones put the quadrature nodes where the mass is.
    """
    generator = _pinv(logpdf, truth, lo, hi, where)
    q1, median, q3 = generator.ppf([0.25, 0.5, 0.75])
    return float(median), float(max(q3 - q1, 1e-300))


def invert_interval(logpdf: LogPdf, theta: np.ndarray, u: np.ndarray, lo: float, hi: float, *,
                    centre: float = 0.0, scale: float = 1.0, where: str) -> np.ndarray:
    """Samples of continuous distributions on the interval ``(lo, hi)`` (ends may be infinite).

    ``theta`` has shape ``(N, p)`` and ``u`` shape ``(N, m)``; returns ``(N, m)``.
    """
    to_x = _interval_map(lo, hi, centre, scale)
    N = theta.shape[0]

    def density(v: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The density of ``v = map⁻¹(x)`` for parameter rows ``rows`` (``v`` has one row per row)."""
        x, jacobian = to_x(v)
        with np.errstate(all="ignore"):
            g = np.exp(logpdf(x, theta[rows])) * jacobian
        return np.where(np.isfinite(g), g, np.nan)

    edges = np.linspace(0.0, 1.0, PANELS + 1)
    width = 1.0 / PANELS
    nodes = edges[:-1, None] + width * _NODES01                          # (PANELS, ORDER), inside (0, 1)
    all_rows = np.arange(N)
    g = density(np.broadcast_to(nodes.ravel(), (N, nodes.size)), all_rows).reshape(N, PANELS, ORDER)
    panel_mass = width * (g @ _WEIGHTS01)                                # (N, PANELS)
    cdf = np.concatenate([np.zeros((N, 1)), np.cumsum(panel_mass, axis=1)], axis=1)
    total = cdf[:, -1]
    good = np.abs(total - 1) <= MASS_TOLERANCE
    out = np.empty(u.shape)
    if good.any():
        rows = np.flatnonzero(good)
        out[rows] = _newton_in_panels(density, rows, cdf[rows], panel_mass[rows], u[rows], edges, to_x)
    for r in np.flatnonzero(~good):        # quadrature not resolved at this θ: SciPy's inversion
        out[r] = _pinv(logpdf, theta[r], lo, hi, where).ppf(u[r])
    return out


def _newton_in_panels(density, rows, cdf, panel_mass, u, edges, to_x) -> np.ndarray:
    """Solve ``F(v) = u`` in the panel that holds ``u``, by Newton steps kept inside a shrinking bracket."""
    n, m = u.shape
    target = u * cdf[:, -1:]                                              # the tabulated, unnormalised CDF
    panel = np.minimum(_search_rows(cdf[:, 1:], target), PANELS - 1)
    row = np.broadcast_to(rows[:, None], u.shape)
    left = edges[panel]
    below = np.take_along_axis(cdf, panel, axis=1)                        # F at the panel's left edge
    mass = np.take_along_axis(panel_mass, panel, axis=1)
    a, b = left.copy(), left + (edges[1] - edges[0])
    with np.errstate(all="ignore"):
        v = np.where(mass > 0, left + (b - a) * np.clip((target - below) / mass, 0, 1), (a + b) / 2)
    v, row, left, below, target, a, b = (arr.ravel() for arr in (v, row, left, below, target, a, b))
    # F(v) from the panel's left edge once, then updated by the integral over each (short) Newton step.
    span = v - left
    F = below + span * (density(left[:, None] + span[:, None] * _NODES01, row) @ _WEIGHTS01)
    active = np.arange(v.size)
    for _ in range(60):
        f = density(v[active, None], row[active])[:, 0]
        miss = F[active] - target[active]
        done = np.abs(miss) <= U_TOLERANCE
        high = miss > 0
        b[active] = np.where(high, v[active], b[active])
        a[active] = np.where(high, a[active], v[active])
        with np.errstate(all="ignore"):
            step = v[active] - miss / f
        inside = np.isfinite(step) & (step > a[active]) & (step < b[active])
        new = np.where(inside, step, (a[active] + b[active]) / 2)
        keep = ~done & (b[active] - a[active] > 1e-15)
        active, new = active[keep], new[keep]
        if active.size == 0:
            break
        start, delta = v[active], new - v[active]
        F[active] += delta * (density(start[:, None] + delta[:, None] * _STEP_NODES, row[active]) @ _STEP_WEIGHTS)
        v[active] = new
    return to_x(v.reshape(n, m))[0]


def _interval_map(lo: float, hi: float, centre: float, scale: float):
    """``v ↦ (x, dx/dv)`` from ``(0, 1)`` onto ``(lo, hi)``."""
    if np.isfinite(lo) and np.isfinite(hi):
        return lambda v: (lo + (hi - lo) * v, np.full(v.shape, hi - lo))
    if np.isfinite(lo):
        s = max(centre - lo, scale)
        return lambda v: (lo + s * v / (1 - v), s / np.square(1 - v))
    if np.isfinite(hi):
        s = max(hi - centre, scale)
        return lambda v: (hi - s * (1 - v) / v, s / np.square(v))

    def tangent(v):
        slope = np.tan(np.pi * (v - 0.5))
        return centre + scale * slope, scale * np.pi * (1 + slope * slope)
    return tangent


class _OneDensity:
    """The density at one ``θ``, as SciPy's samplers want it."""

    def __init__(self, logpdf: LogPdf, theta: np.ndarray):
        self.logpdf_rows, self.theta = logpdf, theta[None, :]

    def pdf(self, x: float) -> float:
        with np.errstate(all="ignore"):
            value = float(np.exp(self.logpdf_rows(np.array([[x]], dtype=float), self.theta))[0, 0])
        return value if np.isfinite(value) else 0.0


def _pinv(logpdf: LogPdf, theta: np.ndarray, lo: float, hi: float, where: str):
    try:
        density = _OneDensity(logpdf, theta)
        generator = NumericalInversePolynomial(density, domain=(lo, hi))
    except Exception as exc:  # UNU.RAN reports a density it cannot set up with several error types
        raise InputError(f"estimator {where}: cannot invert the density at theta = "
                                 f"{np.array2string(theta, precision=6)} ({exc})") from None
    # UNU.RAN normalises whatever it is given, so the mass is checked separately, by adaptive
    # quadrature between the generator's own quantiles (they show quad where the mass is).
    cuts = [lo, *generator.ppf([1e-12, 1e-6, 0.25, 0.5, 0.75, 1 - 1e-6, 1 - 1e-12]), hi]
    mass = sum(quad(density.pdf, a, b, limit=200)[0] for a, b in zip(cuts[:-1], cuts[1:]))
    _check_mass(np.array([mass]), theta[None, :], where, tolerance=1e-6)
    return generator
