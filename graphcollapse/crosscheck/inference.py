"""The statistics of the cross-check: tests of means, Holm's step-down, late-window estimators.

Two tests of ``E[X] = μ`` from the mean, standard error and skewness of
``R`` independent values, both valid at small ``R`` (measured in
``tests/test_check_calibration.py``):

* :func:`chi2_test`, for non-negative values (squared errors and their
  averages): the mean is referred to a scaled chi-square distribution
  ``μ χ²_{Rν}/(Rν)`` with the effective degrees of freedom
  ``ν = min(ν_max, 2 X̄²/s²)`` (Satterthwaite).  For Gaussian errors of
  dimension ``d`` the squared error is exactly ``(E/d) χ²_d``, so with
  ``ν_max = d`` the test is exact whenever the sample is not more dispersed
  than that, and conservative when it is (more dispersed data can only lower
  ``ν``).  A lucky sample of small, similar values cannot make it reject: the
  spread it is referred to never falls below that of ``χ²_{ν_max}``.
  A z-test with the sample's own standard error rejects such samples (8 of
  20 runs at ``R = 10`` on the issue's one-model graph).
* :func:`robust_z_test`, for signed values (the late-window slopes): it
  rejects only when both the skewness-corrected :func:`z_test` and the
  self-normalised score statistic ``Σ(X - μ)/sqrt(Σ(X - μ)²)`` (its spread
  taken around ``μ``, not the sample mean, so ``|T| ≤ sqrt(R)``) do.

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
from scipy.stats import chi2

__all__ = ["holm", "z_test", "chi2_test", "score_test", "robust_z_test", "LateWindow"]


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


def _null_mean(estimate, predicted, allowance):
    """The point of ``[predicted - allowance, predicted + allowance]`` nearest to ``estimate``."""
    return predicted + np.clip(estimate - predicted, -allowance, allowance)


def chi2_test(estimate, predicted, stderr, allowance=0.0, dof=1.0, replications=2):
    """Two-sided scaled-chi-square test of ``E[X] = predicted`` (± ``allowance``) for non-negative ``X``.

    ``estimate`` is the mean of ``replications`` values with standard error
    ``stderr``; ``dof`` is the ceiling ``ν_max`` of the effective degrees of
    freedom of one value (the error's dimension for Gaussian errors).
    Returns ``(ν, p)``.

    Examples
    --------
    >>> nu, p = chi2_test(0.5, 1.0, 0.0, dof=1, replications=10)   # ten identical small values
    >>> float(nu), round(float(p), 4)                              # exact chi-square with 10 dof
    (1.0, 0.2176)
    >>> _, p = chi2_test(0.5, 1.0, 0.01, dof=4, replications=1000)
    >>> bool(p < 1e-10)
    True
    """
    estimate, predicted, stderr, allowance, dof = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (estimate, predicted, stderr, allowance, dof)))
    R = float(replications)
    mu0 = _null_mean(estimate, predicted, allowance)
    variance = np.square(stderr) * R
    with np.errstate(divide="ignore", invalid="ignore"):
        moment = np.where(variance > 0, 2 * np.square(estimate) / variance, np.inf)
        nu = np.maximum(np.minimum(dof, moment), 1e-12)
        k = R * nu
        q = k * estimate / mu0
        tail = np.minimum(chi2.cdf(q, k), chi2.sf(q, k))
    p = np.minimum(1.0, 2 * tail)
    p = np.where(estimate == mu0, 1.0, p)
    # A null mean of zero: only a zero estimate is consistent with it.
    p = np.where(mu0 <= 0, np.where(estimate <= mu0, 1.0, 0.0), p)
    return nu, p


def score_test(estimate, predicted, stderr, allowance=0.0, replications=2):
    """The self-normalised score statistic ``T = Σ(X - μ)/sqrt(Σ(X - μ)²)`` and its two-sided normal p-value.

    ``Σ(X - μ)² = (R - 1) s² + R (X̄ - μ)²`` comes from the mean and the
    standard error, so no raw values are needed.  ``|T| ≤ sqrt(R)``: with few
    replications no deviation can look extreme, which is the honest answer.

    Examples
    --------
    >>> T, p = score_test(0.0, 1.0, 0.0, replications=10)   # ten zeros against a mean of 1
    >>> round(float(T), 3), bool(p > 0.001)
    (-3.162, True)
    """
    estimate, predicted, stderr, allowance = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (estimate, predicted, stderr, allowance)))
    R = float(replications)
    mu0 = _null_mean(estimate, predicted, allowance)
    offset = estimate - mu0
    spread = (R - 1) * np.square(stderr) * R + R * np.square(offset)
    with np.errstate(divide="ignore", invalid="ignore"):
        T = np.where(spread > 0, R * offset / np.sqrt(spread), 0.0)
    return T, erfc(np.abs(T) / np.sqrt(2.0))


def robust_z_test(estimate, predicted, stderr, allowance=0.0, skewness=0.0, replications=2):
    """Reject only where both :func:`z_test` (skewness-corrected) and :func:`score_test` reject: ``p`` is the larger.

    Returns ``(z, p)`` with the z statistic of :func:`z_test`.
    """
    z, p_z = z_test(estimate, predicted, stderr, allowance, skewness, replications=replications)
    _, p_score = score_test(estimate, predicted, stderr, allowance, replications=replications)
    return z, np.maximum(p_z, p_score)


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
