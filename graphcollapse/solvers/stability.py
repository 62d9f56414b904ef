"""Which models' errors stay bounded under the family's own operator, exactly.

For ``𝓛(S) = W S Wᵀ`` (``M = I``: Gaussian means, weighted OLS, first-order
MLEs) this is Theorem A and depends on the topology only.  Otherwise the
exact condition is spectral: model ``k`` stays bounded iff
``ρ(𝓛 restricted to A(k)) < 1``.  That operator is block triangular over
pairs of components, so its spectrum is the union of the spectra of the
pair blocks; cross pairs ``(a, b)`` have radius ``ρ(A_aa) ρ(A_bb)``, never
above the larger diagonal one for the families here (see the Notes of
:func:`stability`), hence

    ρ(𝓛_A(k)) = max over components c upstream of k of ρ(𝓛_cc),

each decided exactly by :mod:`graphcollapse.linalg.spectral` (roots of the
characteristic polynomial's factors located against the unit circle exactly:
unit roots by the Cayley transform and Sturm sequences, the others by
certified isolation).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.estimators import recurrence
>>> g = from_dict({"models": [{"id": "A", "n": 10}],
...                "edges": [{"from": "A", "to": "A", "weight": 1}]})
>>> st = stability(recurrence(g))
>>> st.bounded.tolist(), st.growth
([False], ('linear',))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.operator.recurrence import Recurrence, rows_to_matrix
from graphcollapse.topology import Topology
from graphcollapse.solvers.inputs import recursion_of

__all__ = ["Stability", "stability", "general_stability", "component_operator"]


@dataclass(frozen=True)
class Stability:
    """The exact boundedness verdict of a recursion, per model.

    Attributes
    ----------
    bounded : numpy.ndarray of bool
        The verdict that decides (the family's own operator).
    topological : numpy.ndarray of bool
        Theorem A's verdict (no closed class upstream), shown beside it.
    growth : tuple of str
        ``"bounded"``, ``"linear"`` (ρ = 1, semisimple), ``"polynomial"``
        (ρ = 1 with a Jordan block) or ``"geometric"`` (ρ > 1).
    growth_factor : tuple
        Exact ``ρ(𝓛_A(k))`` where it is ≥ 1, else ``None``.
    explanation : tuple
        A sentence where the two verdicts differ, else ``None``.
    method : str
        How the verdict was decided.
    """

    bounded: np.ndarray
    topological: np.ndarray
    growth: tuple[str, ...]
    growth_factor: tuple
    explanation: tuple
    method: str

    @property
    def collapses(self) -> np.ndarray:
        return ~self.bounded


def component_operator(rec: Recurrence, members) -> sympy.Matrix:
    """The exact matrix of ``𝓛`` on the unknowns of one diagonal block ``S_cc``.

    Entries outside the block are set to zero (they are inputs, not part of
    this block's dynamics).
    """
    members = [int(m) for m in members]
    index, rows, _, _ = _block_system(rec, members)
    return rows_to_matrix(rows, len(index))


def _block_system(rec: Recurrence, members):
    """``vech_system`` on a component, ignoring terms from outside it."""
    from graphcollapse.operator.recurrence import VechIndex

    p = rec.p
    index = VechIndex(tuple(sorted(members)), p)
    flat = set(index.flat)
    A = sympy.SparseMatrix(rec.propagation)
    nonzero: dict[int, list] = {}
    for (x, y), value in A.todok().items():
        if value != 0 and x in flat and y in flat:
            nonzero.setdefault(x, []).append((y, value))
    rows = []
    for x, y in index.pairs:
        row: dict[int, sympy.Expr] = {}
        k = x // p
        rule = None if rec.is_kronecker or x != y else rec.diagonal_rules[k]
        if rule is not None:
            for (j, jj), coef in sympy.SparseMatrix(rule).todok().items():
                if coef != 0 and j in flat and jj in flat:
                    u = index.of(j, jj)
                    row[u] = row.get(u, 0) + coef
        else:
            for xs, a in nonzero.get(x, []):
                for ys, b in nonzero.get(y, []):
                    u = index.of(xs, ys)
                    row[u] = row.get(u, 0) + a * b
        rows.append({u: v for u, v in row.items() if v != 0})
    return index, rows, None, None


@guarded
def stability(rec: Recurrence, topology: Topology | None = None) -> Stability:
    """The exact boundedness verdict for every model.

    Notes
    -----
    With ``M = I`` and the Kronecker form the answer is Theorem A (topology;
    the unit-modulus eigenvalues of a stochastic closed class are semisimple,
    so growth is linear).  Otherwise each component's diagonal pair operator
    ``𝓛_cc`` is tested exactly.  Cross pairs have radius
    ``ρ(W_aa) ρ(W_bb) ρ(M)²``; for ``M = I`` with diagonal rules (pooled OLS)
    this is ≤ 1 and equals 1 only for two closed classes, whose own blocks
    already have radius ≥ 1; for the Kronecker form it is at most the larger
    ``ρ(W_cc ⊗ M)²``.  So the diagonal pairs decide.
    """
    rec = recursion_of(rec, "stability", general=False)
    top = topology or Topology.of(rec.graph)
    collapse_topo = top.collapsing
    topological = ~collapse_topo
    K = rec.K
    if rec.is_kronecker and rec.is_identity_propagation:
        growth = tuple("linear" if c else "bounded" for c in collapse_topo)
        factor = tuple(sympy.Integer(1) if c else None for c in collapse_topo)
        return Stability(topological.copy(), topological, growth, factor, (None,) * K,
                         "Theorem A (M = I): a closed class upstream")
    return _spectral_stability(rec, top, topological)


def _spectral_stability(rec: Recurrence, top: Topology, topological: np.ndarray) -> Stability:
    from graphcollapse.linalg.spectral import spectral_radius

    if not rec.exact:
        raise InputError(
            f"estimator {rec.family!r}: the exact spectral verdict needs an exact graph (rational weights)")

    radii = []
    for members in top.components:
        if rec.is_kronecker:
            block = sympy.Matrix(rec.propagation).extract(
                [k * rec.p + a for k in members.tolist() for a in range(rec.p)],
                [k * rec.p + a for k in members.tolist() for a in range(rec.p)])
            info = spectral_radius(block)
            radii.append(_squared(info))
        else:
            radii.append(_as_tuple(spectral_radius(component_operator(rec, members))))
    bounded = np.zeros(rec.K, dtype=bool)
    growth, factor, explanation = [], [], []
    # One pass over the condensation per aggregate, not one upstream set per model: the worst
    # comparison with 1 (ties: the largest radius, then the most upstream component), whether a
    # radius-1 block is not semisimple, and whether two radius-1 blocks lie on one chain.
    worst_of = top.upstream_max([(r[1], r[2], -c) for c, r in enumerate(radii)])
    on_circle = np.array([r[1] == 0 for r in radii], dtype=bool)
    circle_up = top.upstream_any(on_circle)
    below_circle = np.array([on_circle[c] and any(circle_up[q] for q in top.predecessors[c])
                             for c in range(len(radii))], dtype=bool)
    chained_up = top.upstream_any(below_circle)
    defective_up = top.upstream_any(on_circle & ~np.array([bool(r[3]) for r in radii], dtype=bool))
    for k in range(rec.K):
        c = int(top.component_of[k])
        worst, _, minus_best = worst_of[c]
        if worst < 0:
            bounded[k] = True
            growth.append("bounded")
            factor.append(None)
        else:
            factor.append(radii[-minus_best][0])
            if worst > 0:
                growth.append("geometric")
            else:
                # Two radius-1 blocks in a chain form a Jordan chain across components.
                semisimple = not defective_up[c] and not chained_up[c]
                growth.append("linear" if semisimple else "polynomial")
        explanation.append(_explain(bool(bounded[k]), bool(topological[k]), factor[-1], rec))
    return Stability(bounded, topological, tuple(growth), tuple(factor), tuple(explanation),
                     "spectral radius of the exact operator on A(k)")


def _as_tuple(info):
    return (info.exact, info.comparison_with_one, info.value, info.semisimple)


def _squared(info):
    """ρ(A ⊗ A) data from ρ(A): the Kronecker pair operator has radius ρ(A)²."""
    exact = info.exact**2
    return (exact, info.comparison_with_one, info.value**2, info.semisimple)


def _explain(bounded: bool, topological: bool, factor, rec: Recurrence) -> str | None:
    if bounded == topological:
        return None
    if not bounded:
        return (f"collapses although real data reaches it: the operator expands on its upstream set "
                f"(growth factor {factor}), e.g. finite-sample variance inflation")
    return "stays bounded although a closed class lies upstream: the propagation matrix M contracts"


def general_stability(rec, topology: Topology | None = None) -> Stability:
    """:class:`Stability` of a general :class:`~graphcollapse.operator.moments.MomentRecursion`.

    The deciding verdict comes from :func:`graphcollapse.solvers.general.stability_of`
    (exact spectral radii of the blocks of the recursion's unknowns); Theorem A's
    topological verdict is shown beside it with a sentence where they differ
    (e.g. a Gaussian fit whose variance collapses keeps its mean error bounded
    although a closed class lies upstream).
    """
    from graphcollapse.solvers.general import stability_of

    top = topology or Topology.of(rec.graph)
    general = stability_of(rec)
    topological = ~top.collapsing
    explanation = []
    for k in range(rec.K):
        if bool(general.bounded[k]) == bool(topological[k]):
            explanation.append(None)
        elif general.bounded[k]:
            explanation.append("stays bounded although a closed class lies upstream: this recursion contracts "
                               "there (e.g. the fitted variance shrinks, so the synthetic noise vanishes)")
        else:
            explanation.append(f"grows although real data reaches it: the recursion expands on its upstream "
                               f"unknowns (growth factor {general.growth_factor[k]})")
    return Stability(general.bounded, topological, general.growth, general.growth_factor, tuple(explanation),
                     general.method)
