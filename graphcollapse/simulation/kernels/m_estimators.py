"""Simulators of the built-in M-estimator families: maximum likelihood in closed form.

The true parameter is the one the estimator parsed from the spec's
``"theta"`` (:mod:`graphcollapse.estimators.m_estimators`; one parse for the
theory and the simulator).  Statistics and fits:

============  =====================  ==========================  ============================
family        parameter              statistics (sufficient path)  MLE
============  =====================  ==========================  ============================
poisson       rate ``λ``             ``Σx ~ Poisson(m λ)``         ``Σx / n``
bernoulli     ``p``                  ``Σx ~ Binomial(m, p)``       ``Σx / n``
exponential   rate ``λ``             ``Σx ~ Gamma(m, 1/λ)``        ``n / Σx``
gaussian      mean ``μ``, variance   ``Σ(x-μ*)``, ``Σ(x-μ*)²``     ``x̄``, ``Σ(x-x̄)²/n``
              ``σ²``                 (normal and ``σ² χ²_{m-1}``)
============  =====================  ==========================  ============================

The reported error is the plain squared parameter error ``Σ_i (θ̂_i − θ*_i)²``
(no factor ``n``): it is directly comparable with the first-order prediction
``tr S_kk``, which carries the ``1/n_k`` factor (docs/theory.md 3.3).  That
prediction is asymptotic; the simulation is the exact finite-sample process.
A spec with a ``"loss"`` is not the MLE: the estimator then names the
general kernel of :mod:`.general_m`, which minimises that loss.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> g = from_dict({"estimator": {"family": "gaussian", "theta": {"mu": 1, "sigma2": 4}},
...                "models": [{"id": "A", "n": 10, "real": 1}], "edges": []})
>>> GaussianKernel(make_plan(g)).truth
array([1., 4.])
"""

from __future__ import annotations

import numpy as np

from graphcollapse.simulation.kernels.base import Kernel
from graphcollapse.simulation.engine.plan import as_float

__all__ = ["PoissonKernel", "BernoulliKernel", "ExponentialKernel", "GaussianKernel"]


def true_parameter(plan) -> np.ndarray:
    """The true parameter the estimator parsed, as floats in the order of its parameters."""
    parsed = plan.estimator.parameters
    return np.array([as_float(parsed["theta"][q], f"estimator {plan.family!r} theta {q.name}")
                     for q in parsed["params"]], dtype=float)


class _Counting(Kernel):
    """Families whose statistic is the plain sum of the samples."""

    def fit(self, stats, count):
        return stats[0] / count[:, None]


class PoissonKernel(_Counting):
    name = "poisson"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = true_parameter(plan)

    def sample_piece(self, streams, theta, noise, m):
        return (streams.poisson(theta, (theta.shape[1], m)).sum(axis=2)[..., None].astype(float),)

    def sufficient(self, streams, theta, count, noise):
        return (streams.poisson(count[:, None] * theta, theta.shape[1:]).astype(float),)


class BernoulliKernel(_Counting):
    name = "bernoulli"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = true_parameter(plan)

    def sample_piece(self, streams, theta, noise, m):
        hits = streams.uniform((theta.shape[1], m)) < theta
        return (hits.sum(axis=2)[..., None].astype(float),)

    def sufficient(self, streams, theta, count, noise):
        return (streams.binomial(count[:, None], theta, theta.shape[1:]).astype(float),)


class ExponentialKernel(Kernel):
    """The rate ``λ``; statistic: the sum of the samples, a Gamma(m, 1/λ) variable."""

    name = "exponential"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = true_parameter(plan)

    def sample_piece(self, streams, theta, noise, m):
        return ((streams.exponential((theta.shape[1], m)) / theta).sum(axis=2)[..., None],)

    def sufficient(self, streams, theta, count, noise):
        return (streams.gamma(count[:, None].astype(float), theta.shape[1:]) / theta,)

    def fit(self, stats, count):
        return count[:, None] / stats[0]


class GaussianKernel(Kernel):
    name = "gaussian"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = true_parameter(plan)

    def _variance(self, theta):
        return theta[..., 1:2]

    def sample_piece(self, streams, theta, noise, m):
        z = streams.normal((theta.shape[1], m))
        shifted = (theta[..., 0:1] - self.truth[0]) + np.sqrt(self._variance(theta)) * z
        return np.concatenate([shifted.sum(axis=2, keepdims=True), np.square(shifted).sum(axis=2, keepdims=True)],
                              axis=2),

    def sufficient(self, streams, theta, count, noise):
        S = theta.shape[1]
        z = streams.normal((S, 1))
        within = streams.chisquare(count[:, None] - 1, (S, 1))
        m = count[:, None]
        variance = self._variance(theta)
        first = m * (theta[..., 0:1] - self.truth[0]) + np.sqrt(m * variance) * z
        return np.concatenate([first, variance * within + first * first / m], axis=2),

    def fit(self, stats, count):
        m = count[:, None]
        mean = stats[0][..., 0:1] / m
        variance = np.maximum(stats[0][..., 1:2] / m - mean * mean, 0.0)
        return np.concatenate([self.truth[0] + mean, variance], axis=2)
