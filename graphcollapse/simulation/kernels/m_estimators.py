"""Simulators of the built-in M-estimator families: maximum likelihood in closed form.

The true parameter comes from the spec's ``"theta"`` (a mapping, or a list in
the order below).  Statistics and fits:

============  =====================  ==========================  ============================
family        parameter              statistics (sufficient path)  MLE
============  =====================  ==========================  ============================
poisson       rate ``λ``             ``Σx ~ Poisson(m λ)``         ``Σx / n``
bernoulli     ``p``                  ``Σx ~ Binomial(m, p)``       ``Σx / n``
exponential   rate ``λ`` or scale    ``Σx ~ Gamma(m, 1/λ)``        ``n / Σx`` (scale: ``Σx / n``)
gaussian      mean ``μ``, variance   ``Σ(x-μ*)``, ``Σ(x-μ*)²``     ``x̄``, ``Σ(x-x̄)²/n``
              ``σ²`` (or sd ``σ``)   (normal and ``σ² χ²_{m-1}``)
============  =====================  ==========================  ============================

The reported error is the plain squared parameter error ``Σ_i (θ̂_i − θ*_i)²``
(no factor ``n``): it is directly comparable with the first-order prediction
``tr S_kk``, which carries the ``1/n_k`` factor (MODEL.md 3.3).  That
prediction is asymptotic; the simulation is the exact finite-sample process.
A spec with a ``"loss"`` is not the MLE: it goes to the general kernel of
:mod:`.general_m`, which minimises that loss.

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

from graphcollapse.errors import InputError
from graphcollapse.numbers.parse import to_exact
from graphcollapse.simulation.kernels.base import Kernel, register
from graphcollapse.simulation.engine.plan import _as_float

__all__ = ["PoissonKernel", "BernoulliKernel", "ExponentialKernel", "GaussianKernel"]


def true_parameter(plan, names: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The spec's ``theta`` as floats, in the order of ``names``.

    ``names`` lists, per component, the accepted keys; returns the values and
    the key that was used for each component.
    """
    family = plan.family
    raw = plan.spec.get("theta")
    if raw is None:
        raise InputError(f"estimator {family!r}: give the true parameter \"theta\" to simulate")
    symbols = {s.name: s for s in plan.graph.symbols}
    if isinstance(raw, (list, tuple)):
        if len(raw) != len(names):
            raise InputError(f"estimator {family!r}: theta needs {len(names)} values, got {len(raw)}")
        pairs = [(keys[0], value) for keys, value in zip(names, raw)]
    elif isinstance(raw, dict):
        pairs = []
        for keys in names:
            found = [key for key in keys if key in raw]
            if len(found) != 1:
                raise InputError(f"estimator {family!r}: theta needs exactly one of {', '.join(keys)}")
            pairs.append((found[0], raw[found[0]]))
    elif len(names) == 1:
        pairs = [(names[0][0], raw)]
    else:
        raise InputError(f"estimator {family!r}: theta must be a mapping of {len(names)} values")
    values = [_as_float(to_exact(v, symbols, where=f"estimator {family!r} theta {key}"),
                        f"estimator {family!r} theta {key}") for key, v in pairs]
    return np.array(values, dtype=float), tuple(key for key, _ in pairs)


def _check_range(kernel, lo=0.0, hi=np.inf):
    """The true parameter must lie in the open interval ``(lo, hi)``."""
    theta = kernel.truth
    bad = (theta <= lo) | (theta >= hi)
    if bad.any():
        raise InputError(f"estimator {kernel.name!r}: true parameter {theta[bad][0]:g} is outside its range")


class _Counting(Kernel):
    """Families whose statistic is the plain sum of the samples."""

    def fit(self, stats, count):
        return stats[0] / count[:, None]


@register
class PoissonKernel(_Counting):
    name = "poisson"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth, _ = true_parameter(plan, (("lambda", "lam", "rate", "mu", "mean"),))
        _check_range(self)

    def sample_piece(self, streams, theta, noise, m):
        return (streams.poisson(theta, (theta.shape[1], m)).sum(axis=2)[..., None].astype(float),)

    def sufficient(self, streams, theta, count, noise):
        return (streams.poisson(count[:, None] * theta, theta.shape[1:]).astype(float),)


@register
class BernoulliKernel(_Counting):
    name = "bernoulli"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth, _ = true_parameter(plan, (("p", "prob"),))
        _check_range(self, 0.0, 1.0)

    def sample_piece(self, streams, theta, noise, m):
        hits = streams.uniform((theta.shape[1], m)) < theta
        return (hits.sum(axis=2)[..., None].astype(float),)

    def sufficient(self, streams, theta, count, noise):
        return (streams.binomial(count[:, None], theta, theta.shape[1:]).astype(float),)


@register
class ExponentialKernel(Kernel):
    name = "exponential"

    def __init__(self, plan):
        super().__init__(plan)
        raw = plan.spec.get("theta")
        scale_keys = ("scale", "beta")
        self.by_scale = isinstance(raw, dict) and any(key in raw for key in scale_keys)
        names = (scale_keys,) if self.by_scale else (("rate", "lambda", "lam"),)
        self.truth, _ = true_parameter(plan, names)
        _check_range(self)

    def _scale(self, theta):
        return theta if self.by_scale else 1.0 / theta

    def sample_piece(self, streams, theta, noise, m):
        return ((streams.exponential((theta.shape[1], m)) * self._scale(theta)).sum(axis=2)[..., None],)

    def sufficient(self, streams, theta, count, noise):
        return (streams.gamma(count[:, None].astype(float), theta.shape[1:]) * self._scale(theta),)

    def fit(self, stats, count):
        mean = stats[0] / count[:, None]
        return mean if self.by_scale else 1.0 / mean


@register
class GaussianKernel(Kernel):
    name = "gaussian"

    def __init__(self, plan):
        super().__init__(plan)
        self.truth, keys = true_parameter(plan, (("mu", "mean", "loc"), ("sigma2", "variance", "var", "sigma")))
        self.by_sd = keys[1] == "sigma"
        if self.truth[1] <= 0:
            raise InputError(f"estimator {self.name!r}: the variance must be positive")

    def _variance(self, theta):
        spread = theta[..., 1:2]
        return spread * spread if self.by_sd else spread

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
        spread = np.sqrt(variance) if self.by_sd else variance
        return np.concatenate([self.truth[0] + mean, spread], axis=2)
