"""Simulator of ``categorical(p*)``: every model's fit is the frequency vector of its batch of tokens.

A model's parameter is its probability vector (``C`` floats); the truth is
``p*``.  The statistic of a slot is its count vector, additive over pieces:
drawn token by token on the sample path (inversion of the cumulative
probabilities), and as one multinomial draw ``Multinomial(m, p_j)`` on the
sufficient path.  Pooled fits divide the summed counts by ``n_k``; weighted
fits combine the per-source frequencies with the weights (the base
kernel's rule).

Recorded beside the error ``‖p_k − p*‖²``: ``"diversity"`` (``1 − Σ_c p_kc²``),
``"tv"`` (``½ Σ_c |p_kc − p*_c|``), ``"kl"`` (``Σ_c p_kc log(p_kc/p*_c)``), and on
request ``"absent[c]"``, the indicator that category ``c`` has vanished from
the fit (``p_kc = 0``).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.simulation.engine.plan import make_plan
>>> g = from_dict({"estimator": {"family": "categorical", "p": ["1/2", "1/4", "1/4"]},
...                "models": [{"id": "A", "n": 10, "real": 1}], "edges": []})
>>> CategoricalKernel(make_plan(g)).truth.tolist()
[0.5, 0.25, 0.25]
"""

from __future__ import annotations

import re

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.simulation.engine.plan import as_float
from graphcollapse.simulation.kernels.base import Kernel

__all__ = ["CategoricalKernel"]

_ABSENT = re.compile(r"absent\[(\d+)\]")


class CategoricalKernel(Kernel):
    """Empirical frequencies (MODEL.md 7.2); statistics: the count vector of each slot."""

    name = "categorical"
    observables = ("diversity", "tv", "kl")

    def __init__(self, plan):
        super().__init__(plan)
        self.truth = np.array([as_float(x, f"estimator {self.name!r} p") for x in plan.estimator.parameters["p"]])
        self.width = self.p

    def sample_piece(self, streams, theta, noise, m):
        cumulative = np.cumsum(theta, axis=-1)[..., None, :-1]              # (R, S, 1, C-1)
        tokens = (streams.uniform((theta.shape[1], m))[..., None] >= cumulative).sum(axis=-1)
        return (np.stack([(tokens == c).sum(axis=-1) for c in range(self.p)], axis=-1).astype(float),)

    def sufficient(self, streams, theta, count, noise):
        out = np.empty(theta.shape)
        for generator, rows in streams.blocks():
            # Rounding can leave a fit summing to 1 + 1e-16; the last category takes the remainder.
            out[rows] = generator.multinomial(count, np.clip(theta[rows], 0.0, 1.0))
        return (out,)

    def fit(self, stats, count):
        return stats[0] / count[:, None]

    def check_observable(self, name):
        match = _ABSENT.fullmatch(name)
        if match is not None:
            if int(match.group(1)) >= self.p:
                raise InputError(f"{name}: the categorical simulator has categories 0..{self.p - 1}")
            return
        super().check_observable(name)

    def observe(self, theta, name):
        self.check_observable(name)
        match = _ABSENT.fullmatch(name)
        if match is not None:
            return (theta[..., int(match.group(1))] <= 0.0).astype(float)
        if name == "diversity":
            return 1.0 - np.square(theta).sum(axis=-1)
        if name == "tv":
            return 0.5 * np.abs(theta - self.truth).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(theta > 0, theta * np.log(theta / self.truth), 0.0)
        return terms.sum(axis=-1)
