"""Degree laws for the directed configuration model: samples for graphs, probabilities for the law.

A :class:`DegreeLaw` has a mean ``c`` and a probability mass function; the
same object draws i.i.d. degree sequences (:meth:`DegreeLaw.sample`) and
feeds the generating functions of the asymptotic law
(:mod:`graphcollapse.ensembles.asymptotic`).

=============  =========================================================
law            ``P(d)``
=============  =========================================================
``poisson``    ``e^{-c} c^d / d!``
``fixed``      ``1`` at ``d = c`` (``c`` an integer)
``geometric``  ``(1 - q) q^d``, ``q = c / (1 + c)``
``powerlaw``   ``∝ (d + s)^{-γ}``, ``d ≥ 0``, with the shift ``s`` solved so
               that the mean is ``c`` (heavy tail ``d^{-γ}``; needs ``γ > 2``)
=============  =========================================================

Examples
--------
>>> law = degree_law("powerlaw", 2.0, gamma=2.5)
>>> p = law.pmf(10**6, truncate=False)        # exact P(d), d <= 10^6: the tail beyond is missing
>>> round(float(p.sum()), 6), round(float((p * range(p.size)).sum()), 2)
(1.0, 2.0)
>>> degree_law("poisson", 2.0).pmf(30)[:4].round(4).tolist()
[0.1353, 0.2707, 0.2707, 0.1804]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

from graphcollapse.ensembles.names import DEGREE_LAWS
from graphcollapse.errors import InputError

__all__ = ["DegreeLaw", "degree_law", "DEGREE_LAWS", "LAW_CUTOFF"]


#: Largest degree the law's generating functions sum over (the tail beyond carries < 1e-9 of the mass
#: for every law with gamma >= 2.5 at c <= 20; the sum is renormalised in any case).
LAW_CUTOFF = 10**6


@dataclass(frozen=True)
class DegreeLaw:
    """An i.i.d. degree law with mean :attr:`c`."""

    name: str
    c: float
    gamma: float = 2.5
    shift: float = field(default=0.0, compare=False)

    def pmf(self, dmax: int, truncate: bool = True) -> np.ndarray:
        """``P(d)`` for ``d = 0..dmax``.

        ``truncate=True``: the law conditioned on ``d ≤ dmax`` (what a graph on
        ``dmax + 1`` models draws); ``False``: the untruncated probabilities
        (what the asymptotic law sums, the tail beyond ``dmax`` left out).
        """
        d = np.arange(dmax + 1, dtype=np.float64)
        if self.name == "powerlaw" and not truncate:
            return (d + self.shift) ** (-self.gamma) / float(special.zeta(self.gamma, self.shift))
        if self.name == "poisson":
            p = stats.poisson.pmf(d, self.c)
        elif self.name == "fixed":
            p = (d == round(self.c)).astype(np.float64)
        elif self.name == "geometric":
            q = self.c / (1.0 + self.c)
            p = (1.0 - q) * q ** d
        else:
            p = (d + self.shift) ** (-self.gamma)
        return p / p.sum()

    def sample(self, rng: np.random.Generator, K: int) -> np.ndarray:
        """``K`` i.i.d. degrees, each at most ``K - 1``."""
        if self.name == "poisson":
            return np.minimum(rng.poisson(self.c, K), K - 1)
        if self.name == "fixed":
            return np.full(K, min(int(round(self.c)), K - 1), dtype=np.int64)
        if self.name == "geometric":
            return np.minimum(rng.geometric(1.0 / (1.0 + self.c), K) - 1, K - 1)
        cdf = np.cumsum(self.pmf(K - 1))
        return np.minimum(np.searchsorted(cdf, rng.random(K) * cdf[-1], side="right"), K - 1)


def _powerlaw_shift(c: float, gamma: float) -> float:
    """The shift ``s`` for which ``Σ d (d+s)^-γ / Σ (d+s)^-γ = c`` (Hurwitz zeta functions)."""
    def mean(s: float) -> float:
        # Σ_{d≥0} (d+s)^-γ = ζ(γ, s); Σ d (d+s)^-γ = ζ(γ-1, s) - s ζ(γ, s).
        return float(special.zeta(gamma - 1, s) / special.zeta(gamma, s)) - s - c

    hi = 1.0
    while mean(hi) < 0:
        hi *= 2.0
        if hi > 1e9:  # pragma: no cover - guarded by the parameter checks
            raise InputError(f"powerlaw: no shift gives mean {c} at gamma {gamma}")
    return float(optimize.brentq(mean, 1e-9, hi, xtol=1e-13, rtol=1e-13))


def degree_law(name: str, c: float, *, gamma: float = 2.5) -> DegreeLaw:
    """A validated :class:`DegreeLaw` (one-line :class:`InputError` otherwise)."""
    if name not in DEGREE_LAWS:
        raise InputError(f"degree law must be one of {', '.join(DEGREE_LAWS)}, not {name!r}")
    if not (np.isfinite(c) and c > 0):
        raise InputError(f"{name} degree law: mean degree c must be positive, got {c}")
    if name == "fixed" and c != round(c):
        raise InputError(f"fixed degree law: c must be an integer, got {c}")
    if name != "powerlaw":
        return DegreeLaw(name, float(c))
    if not (np.isfinite(gamma) and gamma > 2):
        raise InputError(f"powerlaw degree law: exponent gamma must exceed 2 (finite mean), got {gamma}")
    return DegreeLaw(name, float(c), float(gamma), _powerlaw_shift(float(c), float(gamma)))
