"""Confidence intervals for the estimates of a sweep.

* Probabilities (``k`` successes in ``n`` samples): :func:`wilson` (the
  default; good coverage at small ``n`` and near 0 or 1) or
  :func:`clopper_pearson` (exact, conservative).
* Means of per-sample values: :func:`t_interval` (Student ``t``), or
  :func:`bootstrap` (percentile bootstrap, for skewed values such as the
  collapse fraction, which is either about 0 or about ``φ``).

Every function returns an :class:`Interval`: the point estimate, the
bounds, the number of samples and the method, so a report never loses what
an estimate rests on.

Examples
--------
>>> w = wilson(3, 20)
>>> round(w.estimate, 3), round(w.low, 4), round(w.high, 4), w.n
(0.15, 0.0524, 0.3604, 20)
>>> cp = clopper_pearson(0, 10)
>>> cp.low, round(cp.high, 4)
(0.0, 0.3085)
>>> t = t_interval([1.0, 2.0, 3.0])
>>> t.estimate, round(t.high - t.estimate, 4)
(2.0, 2.4841)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphcollapse.ensembles.names import MEAN_METHODS, PROPORTION_METHODS
from graphcollapse.errors import InputError

__all__ = ["Interval", "wilson", "clopper_pearson", "t_interval", "bootstrap", "proportion", "mean_interval",
           "PROPORTION_METHODS", "MEAN_METHODS"]



@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided confidence interval.

    ``low``/``high`` are ``None`` when ``n`` is too small for the method
    (no samples; fewer than two for a mean).
    """

    estimate: float | None
    low: float | None
    high: float | None
    n: int
    method: str
    confidence: float

    def contains(self, value: float) -> bool:
        return self.low is not None and self.low <= value <= self.high

    def to_json(self) -> dict:
        return {"estimate": self.estimate, "low": self.low, "high": self.high, "n": self.n,
                "method": self.method, "confidence": self.confidence}

    def __str__(self) -> str:
        if self.estimate is None:
            return "n/a"
        if self.low is None:
            return f"{self.estimate:.4g}"
        return f"{self.estimate:.4g} [{self.low:.4g}, {self.high:.4g}]"


def _check(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise InputError(f"confidence level must lie in (0, 1), got {confidence}")
    return confidence


def wilson(k: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion."""
    _check(confidence)
    if n == 0:
        return Interval(None, None, None, 0, "wilson", confidence)
    from scipy import stats  # lazily: the command line's --help imports this module

    z = stats.norm.ppf(0.5 + confidence / 2)
    phat = k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
    return Interval(phat, float(max(0.0, centre - half)), float(min(1.0, centre + half)), n, "wilson", confidence)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> Interval:
    """Clopper–Pearson (exact binomial) interval."""
    _check(confidence)
    if n == 0:
        return Interval(None, None, None, 0, "clopper-pearson", confidence)
    a = (1 - confidence) / 2
    from scipy import stats

    low = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 1, n - k))
    return Interval(k / n, low, high, n, "clopper-pearson", confidence)


def proportion(k: int, n: int, confidence: float = 0.95, method: str = "wilson") -> Interval:
    """A proportion's interval by ``method`` (``wilson`` or ``clopper-pearson``)."""
    if method not in PROPORTION_METHODS:
        raise InputError(f"interval method for probabilities must be one of {', '.join(PROPORTION_METHODS)}, "
                         f"not {method!r}")
    return (wilson if method == "wilson" else clopper_pearson)(k, n, confidence)


def t_interval(values, confidence: float = 0.95) -> Interval:
    """Student-``t`` interval for a mean."""
    _check(confidence)
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return Interval(None, None, None, 0, "t", confidence)
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, None, None, 1, "t", confidence)
    from scipy import stats

    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return Interval(mean, mean - half, mean + half, int(x.size), "t", confidence)


def bootstrap(values, confidence: float = 0.95, *, resamples: int = 2000, seed: int = 0) -> Interval:
    """Percentile bootstrap interval for a mean (deterministic for a given ``seed``)."""
    _check(confidence)
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return Interval(None, None, None, 0, "bootstrap", confidence)
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, None, None, 1, "bootstrap", confidence)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(resamples, x.size))].mean(axis=1)
    a = (1 - confidence) / 2
    low, high = np.quantile(means, [a, 1 - a])
    return Interval(mean, float(low), float(high), int(x.size), "bootstrap", confidence)


def mean_interval(values, confidence: float = 0.95, method: str = "t", *, lower: float | None = None,
                  upper: float | None = None) -> Interval:
    """A mean's interval by ``method`` (``t`` or ``bootstrap``), clipped to the values' range ``[lower, upper]``.

    A fraction cannot leave ``[0, 1]`` nor a count go below 0; the ``t``
    interval of a skewed sample would otherwise cross those bounds.

    >>> str(mean_interval([0.0, 0.0, 0.8], lower=0.0, upper=1.0))
    '0.2667 [0, 1]'
    """
    if method not in MEAN_METHODS:
        raise InputError(f"interval method for means must be one of {', '.join(MEAN_METHODS)}, not {method!r}")
    out = (t_interval if method == "t" else bootstrap)(values, confidence)
    if out.low is None:
        return out
    low = out.low if lower is None else max(lower, out.low)
    high = out.high if upper is None else min(upper, out.high)
    return Interval(out.estimate, low, high, out.n, out.method, out.confidence)
