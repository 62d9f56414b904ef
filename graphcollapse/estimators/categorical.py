"""``categorical(p*)``: every model's fit is the empirical frequency vector of its batch, exact for every n.

MODEL.md 7.2.  Model ``k`` draws ``n_kj`` tokens from the fit ``p_j`` of each
source (``n_k,real`` from ``p*``) and fits ``p_k`` = their frequencies.  With
``e_k = p_k − p*`` (unbiased: ``E e_k = 0``) and ``Σ* = diag(p*) − p* p*ᵀ``
the cross moments are ``S_kl = W S Wᵀ + diag_k(D_k)`` with
``D_k = (n_k,real Σ* + Σ_j n_kj (Σ* − S_jj))/n_k²``.  Every term is a
multiple of ``Σ*`` (generation 0 is ``Σ*/n0_k``), so exactly

    E[e_k e_lᵀ](t) = a_kl(t) Σ*

with the scalar ``K x K`` matrix ``a`` (unknowns ``("S", k, l)``, ``k ≤ l``):

    a_kl(t+1) = Σ_{j,j'} w_kj w_lj' a_jj'(t) + δ_kl (1/n_k − Σ_j (n_kj/n_k²) a_jj(t))       pooled
    a_kk(t+1) = Σ w_kj w_kj' a_jj' + r_k²/m_kR + Σ_j (w_kj²/m_kj)(1 − a_jj)                 weighted

— a diagonal rule like pooled OLS's.  The error is ``E‖p_k − p*‖² =
H* a_kk`` with ``H* = 1 − ‖p*‖²`` and the diversity (expected Gini–Simpson
index) ``H_k = 1 − E Σ_c p_kc² = H* (1 − a_kk)``.  So that the diversity is
a linear observable that *vanishes* under fixation, the recursion also
carries ``h_kl = 1 − a_kl`` (unknowns ``("H", k, l)``; ``H* h_kl`` is the
expected cross-diversity ``E[1 − ⟨p_k, p_l⟩]``), which has the same
operator and the constant ``1 − (1 − r_k)(1 − r_l) − δ_kl r_k/n_k`` (pooled;
weighted ``− δ_kl r_k²/m_kR``): zero where no real data enter, so a closed
class fixes on one category (``H → 0``) while real data keep a positive
equilibrium.  This is the structured Wright–Fisher model with immigration
(Wright's island model, Malécot's recursions): one closed model loses
diversity as ``H_t = H_0 (1 − 1/n)^t``.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.operator import iterate
>>> rec = Categorical({"p": ["1/2", "1/4", "1/4"]}, from_matrix([[1]], n=[4])).recurrence()
>>> iterate(rec, 2, "diversity")      # H_0 = 5/8 (1 - 1/4), then times 3/4
((15/32,), (45/128,), (135/512,))
>>> print(rec.equations(name="diversity")[0])
H_0,0(t+1) = 3*H_0,0(t)/4
"""

from __future__ import annotations

from typing import Any

import sympy

from graphcollapse.errors import InputError
from graphcollapse.estimators.base import Estimator, register
from graphcollapse.estimators.pairs import PairRecursion, exact_value, sources_of
from graphcollapse.numbers.domain import is_zero, sign
from graphcollapse.numbers.parse import to_exact

__all__ = ["Categorical", "CategoricalRecursion"]


@register
class Categorical(Estimator):
    """Empirical token frequencies re-estimated every generation (MODEL.md 7.2)."""

    name = "categorical"
    keys = frozenset({"p"})
    kernel = "categorical:CategoricalKernel"
    #: The error stays bounded (frequencies live in the simplex); collapse is fixation, the diversity vanishing.
    observables = {"error": "bounded", "diversity": "vanishes"}

    def parse(self) -> dict[str, Any]:
        raw = self.spec.get("p")
        where = f"estimator {self.name!r} p"
        if not isinstance(raw, (list, tuple)) or len(raw) < 2:
            raise InputError(f"{where}: expected a list of at least 2 category probabilities")
        p = []
        for c, value in enumerate(raw):
            value = self.value_of(value, f"{where}[{c}]")
            if not value.free_symbols and sign(value) <= 0:
                raise InputError(f"{where}[{c}] = {value}: every category needs a positive probability "
                                 "(leave out categories that never occur)")
            p.append(value)
        total = sum(p, sympy.Integer(0))
        if not is_zero(total - 1):
            raise InputError(f"{where}: the probabilities sum to {exact_value(total)}, not 1")
        diversity = exact_value(1 - sum((x * x for x in p), sympy.Integer(0)))
        return {"p": tuple(p), "categories": len(p), "diversity": diversity}

    def value_of(self, raw, where: str) -> sympy.Expr:
        """One exact entry of a list-valued field (numbers, fractions, formulas in the graph's symbols)."""
        return to_exact(raw, {s.name: s for s in self.graph.symbols}, where=where)

    def constraints(self):
        """Every symbolic category probability is positive (they sum to 1 identically)."""
        return [(x, ">") for x in self.parameters["p"] if x.free_symbols]

    def recurrence(self) -> "CategoricalRecursion":
        return CategoricalRecursion(self)


class CategoricalRecursion(PairRecursion):
    """The exact ``(a, h)`` recursion of :class:`Categorical` on one graph (module docstring).

    Unknowns ``("S", k, l)`` (``a_kl``) and ``("H", k, l)`` (``h_kl = 1 − a_kl``),
    ``k ≤ l``; observables ``"error"`` (``H* a_kk``) and ``"diversity"`` (``H* h_kk``).
    """

    tags = {"S": 2, "H": 2}

    def __init__(self, estimator: Categorical):
        g = estimator.graph
        super().__init__(g, estimator.name, sources_of(g), notes=(
            "exact for every n: E[e_k e_l^T] = a_kl Sigma*, error = H* a_kk, diversity = H* (1 - a_kk)",))
        self.check_no_model_noise()
        star = estimator.parameters["diversity"]
        self.star = star if g.is_exact else float(star)
        self._models = [self._coefficients(estimator, k) for k in range(g.K)]
        self.observable_forms = {"error": tuple({("S", k, k): self.star} for k in range(g.K)),
                                 "diversity": tuple({("H", k, k): self.star} for k in range(g.K))}

    def _coefficients(self, estimator, k: int) -> dict:
        """``coalesce`` (of ``x_jj`` subtracted in the diagonal rows), ``fresh`` (the constant of ``a_kk``)
        and ``real_only`` (the part of the constant of ``h_kk`` beyond ``1 − (1 − r_k)²``)."""
        g, label = self.graph, f"model {self.ids[k]!r}"
        n0 = self.sample_count(estimator.model_value(g.n0, k, "n0", what="generation-0 real samples"), f"{label} n0")
        r = self.real_weight(k)
        one = sympy.Integer(1) if self.exact else 1.0
        out = {"initial": one / n0}
        if g.mixing == "pooled":
            n = self.sample_count(estimator.model_value(g.n, k, "n", what="samples per generation"), f"{label} n")
            out.update(coalesce={j: w / n for j, w, _ in self.sources[k]}, fresh=one / n, real_only=r / n)
            return out
        coalesce, fresh, real_only = {}, 0 * one, 0 * one
        for j, w, m in self.sources[k]:
            m = self.slot_count(k, j, m)
            coalesce[j] = w * w / m
            fresh += w * w / m
        if not r == 0:
            m = self.slot_count(k, None, None)
            real_only = r * r / m
            fresh += real_only
        out.update(coalesce=coalesce, fresh=fresh, real_only=real_only)
        return out

    def _row(self, unknown) -> dict:
        tag, k, l = unknown
        row = self.pair(tag, k, l)
        if k == l:
            for j, c in self._models[k]["coalesce"].items():
                row[(tag, j, j)] = row.get((tag, j, j), self._zero) - c
        return row

    def _constant(self, unknown):
        tag, k, l = unknown
        if tag == "S":
            return self._models[k]["fresh"] if k == l else self._zero
        rk, rl = self.real_weight(k), self.real_weight(l)
        value = 1 - (1 - rk) * (1 - rl)
        return value - self._models[k]["real_only"] if k == l else value

    def _initial(self, unknown):
        tag, k, l = unknown
        a = self._models[k]["initial"] if k == l else self._zero
        return a if tag == "S" else 1 - a
