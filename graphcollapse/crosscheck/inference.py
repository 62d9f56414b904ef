"""The statistics of the cross-check: z-tests, Holm's step-down, late-window estimators.

Examples
--------
>>> holm([0.01, 0.04, 0.03, 0.5], alpha=0.05).tolist()
[True, False, False, False]
>>> window = LateWindow.for_run(generations=9, period=2)
>>> window.start, window.period
(6, 2)
>>> float(window.slope_weights @ np.arange(10.0)), float(window.late_weights @ np.arange(10.0))
(1.0, 8.5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erfc

__all__ = ["holm", "z_test", "LateWindow"]


def holm(p_values, alpha: float) -> np.ndarray:
    """Holm's step-down procedure: which hypotheses are rejected at family-wise level ``alpha``.

    Valid under any dependence between the tests.
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    thresholds = alpha / (p.size - np.arange(p.size))
    passed = p[order] <= thresholds
    cut = p.size if passed.all() else int(np.argmin(passed))
    reject = np.zeros(p.size, dtype=bool)
    reject[order[:cut]] = True
    return reject


def z_test(estimate, predicted, stderr, allowance=0.0, skewness=0.0, replications=None):
    """Two-sided test of ``E[estimate] = predicted``, up to a known deterministic ``allowance``.

    ``estimate`` is a mean of ``replications`` independent values with the
    given standard error and sample ``skewness``.  The statistic is
    ``S = max(0, |estimate - predicted| - allowance) / stderr`` (signed),
    corrected for the skewness of the values by Hall's monotone cubic
    transformation (Hall 1992, "On the removal of skewness by transformation"):

        T = S + γ/(6 sqrt(R)) + γ S²/(3 sqrt(R)) + γ² S³/(27 R)

    (``γ = 0`` or ``replications=None`` gives the plain z-test).  Mean
    errors are right-skewed, and without the correction the normal tails
    would be too thin far out where Holm's thresholds sit.  Returns
    ``(T, p)``; a zero standard error gives ``p = 1`` inside the allowance and
    ``p = 0`` outside.
    """
    estimate, predicted, stderr, allowance, skewness = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (estimate, predicted, stderr, allowance, skewness)))
    difference = estimate - predicted
    excess = np.sign(difference) * np.maximum(np.abs(difference) - allowance, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.where(stderr > 0, excess / stderr, np.where(excess != 0, np.sign(excess) * np.inf, 0.0))
        if replications is not None:
            root = np.sqrt(float(replications))
            g = np.where(np.isfinite(skewness), skewness, 0.0)
            corrected = S + g / (6 * root) + g * S * S / (3 * root) + g * g * S ** 3 / (27 * root * root)
            S = np.where(np.isfinite(S), corrected, S)
    return S, erfc(np.abs(S) / np.sqrt(2.0))


@dataclass(frozen=True)
class LateWindow:
    """The later half of a run, cut into blocks of whole periods.

    The growth slope is the least-squares slope of the block means against
    the block mid-times: a periodic term of the given period averages out
    exactly within each block.  The late level is the mean of the last block.
    Both are linear in the trajectory (``weights @ E``), so they apply to each
    replication and their standard errors follow from the replications.
    """

    generations: int
    start: int
    period: int

    @classmethod
    def for_run(cls, generations: int, period: int = 1) -> "LateWindow":
        half = (generations + 1) // 2
        period = period if 2 * period <= half else 1
        length = (half // period) * period
        return cls(generations, generations - length + 1, period)

    @property
    def blocks(self) -> int:
        return (self.generations - self.start + 1) // self.period

    @property
    def has_slope(self) -> bool:
        return self.blocks >= 2

    @property
    def slope_weights(self) -> np.ndarray:
        weights = np.zeros(self.generations + 1)
        if not self.has_slope:
            return weights
        centres = np.arange(self.blocks) - (self.blocks - 1) / 2.0
        per_block = centres / (self.period * self.period * np.square(centres).sum())
        weights[self.start:] = np.repeat(per_block, self.period)
        return weights

    @property
    def late_weights(self) -> np.ndarray:
        weights = np.zeros(self.generations + 1)
        weights[self.generations - self.period + 1:] = 1.0 / self.period
        return weights
