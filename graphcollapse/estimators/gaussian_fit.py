"""``gaussian_fit(d, σ² or Σ, ddof)``: every model re-estimates mean *and* covariance, exact for every n.

MODEL.md 7.1.  Model ``k`` fits ``μ̂_k`` and ``Σ̂_k`` (``ddof = 0``: the MLE;
``1``: unbiased) and generates its synthetic data from ``N(μ̂_k, Σ̂_k)``; real
data come from ``N(μ, Σ)``.  Write ``e_k = μ̂_k − μ``.

**The state.**  Every coefficient of the recursion below is a scalar, so the
``d x d`` structure is carried along unchanged and, for *every* true
covariance ``Σ`` (isotropic or not), exactly

    E[e_k e_lᵀ](t) = s_kl(t) Σ,        E[Σ̂_k](t) = v_k(t) Σ,

with dimensionless scalars: the symmetric ``K x K`` matrix ``s`` (unknowns
``("S", k, l)``, ``k ≤ l``) and the vector ``v`` (``("v", k)``).  The mean
error is ``E‖μ̂_k − μ‖² = tr(Σ) s_kk`` (observable ``"error"``) and the
expected variance ``tr E[Σ̂_k] = tr(Σ) v_k`` (``"variance"``; ``σ² v_k`` for
``d = 1``); ``v_k`` itself is ``"shrinkage"``, and ``v_k(∞)`` the equilibrium
shrinkage ``E σ̂²_k(∞)/σ²``.

**Pooled** (one fit on the union; ``w_j = n_kj/n_k``, real data a source with
``e = 0`` and ``v = 1``, ``c = n_k/(n_k − ddof)``).  The scatter of a union
is the within-source scatter plus the between-source spread, so

    s_kl(t+1) = Σ_{j,j'} w_kj w_lj' s_jj'(t) + δ_kl (r_k + Σ_j w_kj v_j(t)) / n_k
    v_k(t+1)  = c [ (1 − 1/n_k)(r_k + Σ_j w_kj v_j(t)) + Σ_j w_kj s_jj(t) − Σ_{j,j'} w_kj w_kj' s_jj'(t) ].

**Weighted** (one fit per source on its own ``m_kj`` samples, combined with
the weights).  The combined mean is ``μ̂_k = Σ_j w_kj μ̂_kj``.  The combined
covariance is, by default (``weighted_variance: "mixture"``), the covariance
of the mixture ``Σ_j w_kj N(μ̂_kj, Σ̂_kj)``: ``Σ_j w_kj (Σ̂_kj + μ̂_kj μ̂_kjᵀ) −
μ̂_k μ̂_kᵀ``, the moment-matched Gaussian of what the model has learnt (with
``w_kj = m_kj/n_k`` and ``ddof = 0`` it *is* the pooled fit); ``"average"``
takes ``Σ_j w_kj Σ̂_kj`` and ignores the spread of the source means.  With
``q_j = (m_kj − 1)/(m_kj − ddof)``:

    s_kk(t+1) = Σ w_kj w_kj' s_jj' + r_k²/m_kR + Σ_j w_kj² v_j / m_kj
    mixture:  v_k(t+1) = Σ_j [w_kj q_j + (w_kj − w_kj²)/m_kj] v_j + Σ_j w_kj s_jj − Σ w_kj w_kj' s_jj'  (+ real)
    average:  v_k(t+1) = Σ_j w_kj q_j v_j  (+ real)

**Generation 0**: ``s_kk = 1/n0_k``, ``s_kl = 0``, ``v_k = (n0_k − 1)/(n0_k − ddof)``.

One model, no real data, MLE: ``v(t) = (1 − 1/n)^{t+1}`` (the variance
collapses) while ``s(t) = 1 − (1 − 1/n)^{t+1}`` stays bounded: the expected
second moment of the fit about ``μ``, ``s + v``, is conserved.  With
``ddof = 1`` the expected variance is conserved instead (although ``σ̂²_t → 0``
almost surely: a multiplicative random walk) and the mean error grows
linearly — expectations and typical paths differ, and the toolkit reports
expectations.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.operator import iterate
>>> g = from_matrix([[1]], n=[10])
>>> rec = GaussianFit({"d": 3}, g).recurrence()
>>> iterate(rec, 2, "variance")      # 3 (9/10)^(t+1)
((27/10,), (243/100,), (2187/1000,))
>>> iterate(rec, 2)                  # 3 (1 - (9/10)^(t+1))
((3/10,), (57/100,), (813/1000,))
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from graphcollapse.errors import InputError
from graphcollapse.estimators.base import Estimator, register
from graphcollapse.estimators.pairs import PairRecursion, sources_of
from graphcollapse.numbers.parse import to_exact

__all__ = ["GaussianFit", "GaussianFitRecursion", "WEIGHTED_VARIANCE"]

#: How the weighted rule combines per-source covariances.
WEIGHTED_VARIANCE = ("mixture", "average")


@register
class GaussianFit(Estimator):
    """Mean and covariance re-estimated every generation (MODEL.md 7.1)."""

    name = "gaussian_fit"
    keys = frozenset({"d", "sigma2", "covariance", "ddof", "weighted_variance"})
    kernel = "gaussian_fit:GaussianFitKernel"
    #: What collapse means for each observable: the mean error can grow without bound, the variance can vanish
    #: (``"shrinkage"`` is the variance in units of the truth's, ``E Σ̂_k = shrinkage · Σ``).
    observables = {"error": "grows", "variance": "vanishes", "shrinkage": "vanishes"}

    def parse(self) -> dict[str, Any]:
        ddof = self.value("ddof", 0)
        if ddof not in (0, 1):
            raise InputError(f"estimator {self.name!r}: ddof must be 0 (maximum likelihood) or 1 (unbiased), "
                             f"got {ddof}")
        rule = self.spec.get("weighted_variance", "mixture")
        if rule not in WEIGHTED_VARIANCE:
            raise InputError(f"estimator {self.name!r}: weighted_variance must be \"mixture\" or \"average\", "
                             f"not {rule!r}")
        out: dict[str, Any] = {"ddof": ddof, "weighted_variance": rule}
        if "covariance" in self.spec:
            if "sigma2" in self.spec:
                raise InputError(f"estimator {self.name!r}: give sigma2 or covariance, not both")
            cov = self._covariance()
            d = self.dimension("d") if "d" in self.spec else sympy.Integer(cov.rows)
            if d != cov.rows:
                raise InputError(f"estimator {self.name!r}: covariance must be {d} x {d}, got {cov.rows} x {cov.cols}")
            out.update(d=d, covariance=cov, trace=cov.trace())
        else:
            d, sigma2 = self.dimension(), self.positive("sigma2", 1)
            out.update(d=d, sigma2=sigma2, trace=d * sigma2)
        return out

    def _covariance(self) -> sympy.ImmutableMatrix:
        raw = self.spec["covariance"]
        where = f"estimator {self.name!r} covariance"
        if not isinstance(raw, list) or not raw or not all(isinstance(r, list) and len(r) == len(raw) for r in raw):
            raise InputError(f"{where}: expected a square list of lists")
        symbols = {s.name: s for s in self.graph.symbols}
        cov = sympy.ImmutableMatrix([[to_exact(x, symbols, where=where) for x in row] for row in raw])
        if cov != cov.T:
            raise InputError(f"{where}: must be symmetric")
        if not cov.free_symbols and not cov.is_positive_definite:
            raise InputError(f"{where}: must be positive definite")
        return cov

    def constraints(self):
        """Positive parameters, and with ``ddof = 1`` every symbolic sample count of a fit at least 2."""
        out = super().constraints()
        if self.parameters["ddof"] == 1:
            g = self.graph
            counts = list(g.n or ()) + list(g.n0 or ()) + list(g.edge_n or ()) + list(g.n_real or ())
            out += [(c - 2, ">=") for c in dict.fromkeys(c for c in counts
                                                          if isinstance(c, sympy.Expr) and c.free_symbols)]
        return out

    def recurrence(self) -> "GaussianFitRecursion":
        return GaussianFitRecursion(self)


class GaussianFitRecursion(PairRecursion):
    """The exact ``(s, v)`` recursion of :class:`GaussianFit` on one graph (module docstring).

    Unknowns ``("S", k, l)`` (``k ≤ l``) and ``("v", k)``; observables
    ``"error"`` (``tr Σ · s_kk``), ``"variance"`` (``tr Σ · v_k``) and
    ``"shrinkage"`` (``v_k``: ``E Σ̂_k = v_k Σ``, so ``v_k(∞)`` is the equilibrium shrinkage).
    """

    tags = {"S": 2, "v": 1}

    def __init__(self, estimator: GaussianFit):
        g = estimator.graph
        params = estimator.parameters
        super().__init__(g, estimator.name, sources_of(g), notes=(
            "exact for every n: E[e_k e_l^T] = s_kl Sigma and E[Sigma_hat_k] = v_k Sigma; "
            "error = tr(Sigma) s_kk, variance = tr(Sigma) v_k",))
        self.check_no_model_noise()
        self.ddof = params["ddof"]
        self.rule = "pooled" if g.mixing == "pooled" else params["weighted_variance"]
        self.trace = params["trace"] if g.is_exact else float(params["trace"])
        self._models = [self._coefficients(estimator, k) for k in range(g.K)]
        tr = self.trace
        one = sympy.Integer(1) if g.is_exact else 1.0
        self.observable_forms = {"error": tuple({("S", k, k): tr} for k in range(g.K)),
                                 "variance": tuple({("v", k): tr} for k in range(g.K)),
                                 "shrinkage": tuple({("v", k): one} for k in range(g.K))}

    def _coefficients(self, estimator, k: int) -> dict:
        """Model ``k``'s coefficients: ``noise`` (of ``v_j`` in ``s_kk``), ``carry`` (of ``v_j`` in ``v_k``),
        ``spread`` (of the between-source spread in ``v_k``) and the real-data constants."""
        g, ddof, label = self.graph, self.ddof, f"model {self.ids[k]!r}"
        one = sympy.Integer(1) if self.exact else 1.0
        floor = 1 + ddof
        n0 = self.sample_count(estimator.model_value(g.n0, k, "n0", what="generation-0 real samples"),
                               f"{label} n0", floor=floor)
        r = self.real_weight(k)
        out = {"initial_v": (n0 - 1) / (n0 - ddof), "initial_s": one / n0}
        if self.rule == "pooled":
            n = self.sample_count(estimator.model_value(g.n, k, "n", what="samples per generation"), f"{label} n",
                                  floor=floor)
            keep = (n - 1) / (n - ddof)
            out.update(noise={j: w / n for j, w, _ in self.sources[k]}, noise_constant=r / n,
                       carry={j: keep * w for j, w, _ in self.sources[k]}, carry_constant=keep * r,
                       spread=n / (n - ddof), smallest=n)
            return out
        # weighted: one fit per source on its own count m
        mixture = self.rule == "mixture"
        noise, carry, counts = {}, {}, []
        for j, w, m in self.sources[k]:
            m = self.slot_count(k, j, m, floor=floor)
            noise[j] = w * w / m
            carry[j] = w * (m - 1) / (m - ddof) + ((w - w * w) / m if mixture else 0)
            counts.append(m)
        noise_constant = carry_constant = 0 * one
        if not r == 0:
            m = self.slot_count(k, None, None, floor=floor)
            noise_constant = r * r / m
            carry_constant = r * (m - 1) / (m - ddof) + ((r - r * r) / m if mixture else 0)
            counts.append(m)
        numeric = [m for m in counts if not getattr(m, "free_symbols", None)]
        out.update(noise=noise, noise_constant=noise_constant, carry=carry, carry_constant=carry_constant,
                   spread=one if mixture else 0 * one, smallest=min(numeric, key=float) if numeric else None)
        return out

    # ---------------------------------------------------- Monte Carlo tails
    def monte_carlo_tails(self, topology) -> dict:
        """Per observable, a per-model factor bounding how fast the relative variance of one simulated draw grows.

        A closed class multiplies the fitted variance by independent scaled
        chi-squares every generation, so ``E σ̂⁴_t / (E σ̂²_t)²`` grows like
        ``((m+1)/(m−1))^t`` for fits on ``m`` samples (exactly so for one
        model; mixing only averages it down); with ``ddof = 1`` the mean error
        inherits the same growth.  Where no closed class lies upstream the
        fits are ergodic and the factor is 1.  The cross-check stops testing
        a Monte Carlo mean once the bound exceeds what its replications can
        resolve (:data:`graphcollapse.crosscheck.check.RELIABLE_RELATIVE_VARIANCE`).
        Returns ``{}`` for symbolic sample counts.
        """
        smallest = [model["smallest"] for model in self._models]
        if any(m is None for m in smallest):
            return {}

        def factor(m):
            m = float(m)
            return (m + 1) / (m - 1) if m >= 2 else 3.0

        per_model = []
        for k in range(self.K):
            closed = [int(j) for c in topology.closed_classes_upstream(k) for j in topology.components[c]]
            per_model.append(max((factor(smallest[j]) for j in closed), default=1.0))
        tails = np.array(per_model)
        return {"error": tails if self.ddof == 1 else np.ones(self.K), "variance": tails, "shrinkage": tails}

    # ------------------------------------------------------------- rows
    def _row(self, unknown) -> dict:
        if unknown[0] == "S":
            _, k, l = unknown
            row = self.pair("S", k, l)
            if k == l:
                for j, c in self._models[k]["noise"].items():
                    row[("v", j)] = row.get(("v", j), self._zero) + c
            return row
        (_, k) = unknown
        model = self._models[k]
        row = {("v", j): c for j, c in model["carry"].items()}
        spread = model["spread"]
        if not spread == 0:
            # spread × (Σ_j w_j s_jj − Σ_jj' w_j w_j' s_jj'): the between-source scatter of the sample means
            for j, w, _ in self.sources[k]:
                row[("S", j, j)] = row.get(("S", j, j), self._zero) + spread * w
            for key, c in self.pair("S", k, k).items():
                row[key] = row.get(key, self._zero) - spread * c
        return row

    def _constant(self, unknown):
        model = self._models[unknown[1]]
        if unknown[0] == "v":
            return model["carry_constant"]
        return model["noise_constant"] if unknown[1] == unknown[2] else self._zero

    def _initial(self, unknown):
        model = self._models[unknown[1]]
        if unknown[0] == "v":
            return model["initial_v"]
        return model["initial_s"] if unknown[1] == unknown[2] else self._zero
