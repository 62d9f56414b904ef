"""``gaussian_mean(d, σ²)``: the sample mean of ``N(θ, σ² I_d)``, exact for every n.

docs/theory.md 3.1.  The state is the scalar matrix ``m`` with
``E[e_k e_lᵀ] = m_kl I_d``; ``E_k = d m_kk``; ``M = I``.

* pooled:   ``D_k = (r_k σ² + Σ_j w_kj σ_j²) / n_k``  (``= Σ_j n_kj σ_j² / n_k²``)
* weighted: ``D_k = r_k² σ²/n_real_k + Σ_j w_kj² σ_j²/n_kj``
* generation 0: ``m_kk(0) = σ²/n0_k``.

``σ_j²`` is the noise of the synthetic data model ``j`` generates (its
``sigma2``, default the estimator's ``σ²``); real data has ``σ²``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"mixing": "weighted",
...                "models": [{"id": "A", "n": 10, "real": "1/2", "n_real": 20}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2", "n": 5}]})
>>> rec = GaussianMean({"d": 2, "sigma2": 3}, g).recurrence()
>>> rec.noise[0], rec.initial[0], rec.trace_weight
(Matrix([[3/16]]), Matrix([[3/10]]), Matrix([[2]]))
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy

from graphcollapse.errors import InputError
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.estimators.base import Estimator, register


def _scalar(value) -> sympy.ImmutableMatrix:
    if getattr(value, "free_symbols", None):
        return sympy.ImmutableMatrix([[sympy.factor(value)]])
    return _constant_scalar(value)


@lru_cache(maxsize=4096)
def _constant_scalar(value) -> sympy.ImmutableMatrix:
    """One shared immutable ``1 x 1`` matrix per constant (a chain's models mostly share their noise)."""
    return sympy.ImmutableMatrix([[value]])


@register
class GaussianMean(Estimator):
    """Sample means of Gaussian data; pooled or weighted mixing (docs/theory.md 3.1)."""

    name = "gaussian_mean"
    keys = frozenset({"d", "sigma2"})
    kernel = "gaussian_mean:GaussianMeanKernel"

    def parse(self):
        return {"d": self.dimension(), "sigma2": self.positive("sigma2", 1)}

    def error_dof(self) -> float:
        """``d``: the error is an isotropic Gaussian vector, its squared norm ``(E/d) χ²_d`` exactly."""
        d = self.parameters["d"]
        return 1.0 if d.free_symbols else float(d)

    def recurrence(self) -> Recurrence:
        g = self.graph
        d, sigma2 = self.parameters["d"], self.parameters["sigma2"]
        if not g.is_exact:
            return self._float_recurrence(float(d), float(sigma2))
        K = g.K
        noise_of = [g.sigma2[k] if g.sigma2 and g.sigma2[k] is not None else sigma2 for k in range(K)]
        incoming: list[list[tuple[int, sympy.Expr, sympy.Expr | None]]] = [[] for _ in range(K)]
        for j, k, w, count in zip(g.sources.tolist(), g.targets.tolist(), g.weights, g.edge_n):
            incoming[k].append((j, w, count))
        noise, initial = [], []
        for k in range(K):
            if g.mixing == "pooled":
                n = self.model_value(g.n, k, "n", what="samples per generation")
                total = g.real[k] * sigma2 + sum((w * noise_of[j] for j, w, _ in incoming[k]), sympy.Integer(0))
                D = total / n
            else:
                D = sympy.Integer(0)
                if g.real[k] != 0:
                    n_real = self.model_value(g.n_real, k, "n_real", what="real samples per generation")
                    D += g.real[k] ** 2 * sigma2 / n_real
                for j, w, count in incoming[k]:
                    if w != 0:
                        D += w**2 * noise_of[j] / count
            n0 = self.model_value(g.n0, k, "n0", what="generation-0 real samples")
            noise.append(_scalar(sympy.cancel(D) if D.free_symbols else D))
            initial.append(_scalar(sigma2 / n0))
        return Recurrence(graph=g, family=self.name, W=g.weight_matrix(), M=sympy.ImmutableMatrix([[1]]),
                          noise=tuple(noise), initial=tuple(initial), trace_weight=sympy.ImmutableMatrix([[d]]))

    def _float_recurrence(self, d: float, sigma2: float) -> Recurrence:
        g = self.graph
        if g.n is None:
            raise InputError(f"graph {g.name!r}: {self.name} needs sample sizes n for every model")
        n = np.asarray(g.n, dtype=float)
        sig = np.full(g.K, sigma2) if g.sigma2 is None else np.asarray(g.sigma2, dtype=float)
        W = g.weight_matrix_float()
        real = g.real_float()
        if g.mixing == "pooled":
            D = (real * sigma2 + W @ sig) / n
        else:
            # Float graphs carry no per-source counts: every source estimator uses n_k samples.
            D = (real**2 * sigma2 + (W.multiply(W)) @ sig) / n
        init = sigma2 / (n if g.n0 is None else np.asarray(g.n0, dtype=float))
        return Recurrence(graph=g, family=self.name, W=W, M=np.eye(1), noise=D.reshape(-1, 1, 1),
                          initial=init.reshape(-1, 1, 1), trace_weight=np.array([[d]]))
