r"""Mean-square verdicts, limits and slopes of randomly drawn interaction graphs (MODEL.md 6.2).

* **i.i.d. modes** ``(W_i, r_i, n_i)`` with probabilities ``p_i``: the averaged
  operator ``Σ_i p_i 𝓛_i`` (:func:`~graphcollapse.operator.dynamics.averaged`)
  is decided by the generic exact solvers.  For ``M = I`` the verdict is also
  *topological on the union support* (:func:`union_rule`): model ``k`` collapses
  iff upstream of ``k`` in the union graph lies a closed class of the union
  (a set closed under every mode's sources that receives real data in no
  mode).  Proof: on such a set every ``W_i`` is stochastic, so the all-ones
  state is a fixed point of every ``𝓛_i``; without one, Cauchy–Schwarz gives
  ``E e_k(t)² ≤ Σ_j (Σ_i p_i w^i_kj) E e_j(t-1)² + D_k``, whose matrix
  ``Σ_i p_i W_i`` has the union support and no closed class (Theorem A).
  The proofs_check census verifies it exactly on every small mode set.
* **Markov switching** with transition matrix ``Π``: per-mode moments
  (:class:`~graphcollapse.operator.dynamics.MarkovRecursion`), mean-square
  stable iff ``ρ((Πᵀ ⊗ I) diag(𝓛_j)) < 1``, decided exactly.  The union rule
  does *not* survive: a chain that forbids sequences changes verdicts (the
  alternating chain of MODEL.md 6.1's first surprise collapses although the
  union of its modes has real data everywhere); only its direction "a closed
  class of the union upstream ⇒ collapse" holds for every chain.

The law of the mode of generation 1 is the modes' ``probability`` (i.i.d.:
every generation's); for Markov switching without it, the stationary law
(required unique).  Verdicts, limits and slopes use the Cesàro limit ``μ̄``
of ``μ(t)``; when the mode chain is periodic and does not start from its
stationary law, the errors converge to a cycle and the limit shown is its
average over the chain's period.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}],
...                "modes": [{"probability": "1/2", "models": [{"id": "A", "real": 0}],
...                           "edges": [{"from": "B", "to": "A", "weight": 1}]},
...                          {"probability": "1/2", "models": [{"id": "B", "real": 0}],
...                           "edges": [{"from": "A", "to": "B", "weight": 1}]}]})
>>> [(m.id, m.collapses, m.limit) for m in modes_analysis(g).models]
[('A', False, 1/5), ('B', False, 1/5)]
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from graphcollapse.errors import InputError, UnsupportedError
from graphcollapse.linalg.domain import nullspace, solve
from graphcollapse.operator.dynamics import MarkovRecursion, averaged, closure_of_all, markov_step
from graphcollapse.solvers.dynamics.build import recurrence_of
from graphcollapse.solvers.dynamics.result import DynamicAnalysis, DynamicModel
from graphcollapse.solvers.dynamics.schedule import stepper_for
from graphcollapse.topology import collapsing_support

__all__ = ["modes_analysis", "modes_trajectory", "modes_recursion", "union_rule", "mode_law"]


def union_rule(modes) -> np.ndarray:
    """Which models have a closed class of the union graph upstream (the topological i.i.d. verdict)."""
    support, has_real = modes.union_support
    return collapsing_support(support, has_real)


def _cesaro(P: sympy.Matrix, mu: sympy.Matrix) -> sympy.Matrix:
    """``lim (1/T) Σ_t μ Π^t`` as a column: the projection on the eigenvalue 1 of ``Πᵀ``."""
    gap = P.T - sympy.eye(P.rows)
    right, left = nullspace(gap), nullspace(gap.T)
    return right * solve(left.T * right, left.T * mu)


def mode_law(modes) -> tuple[tuple, tuple]:
    """``(μ(1), μ̄)``: the law of the first mode and the Cesàro limit of the mode law.

    Raises
    ------
    InputError
        Markov switching without initial probabilities and a stationary law that is not unique.
    """
    if modes.switching == "iid":
        return modes.probabilities, modes.probabilities
    P = sympy.Matrix(modes.transition)
    if modes.probabilities is None:
        stationary = nullspace(P.T - sympy.eye(P.rows))
        if stationary.cols != 1:
            raise InputError("switching: the transition matrix has several stationary laws; give each mode a "
                             "\"probability\" (the law of the first mode)")
        v = stationary[:, 0]
        first = tuple(sympy.cancel(x / sum(v)) for x in v)
    else:
        first = tuple(modes.probabilities)
    limit = _cesaro(P, sympy.Matrix(first))
    return first, tuple(sympy.cancel(x) for x in limit)


def _setting(graph, spec):
    modes = graph.dynamics.modes
    base = recurrence_of(graph, spec)
    recs = [recurrence_of(g, spec) for g in modes.graphs]
    return modes, base, recs, closure_of_all([base, *recs])


def modes_recursion(graph, spec=None):
    """The time-invariant mean-square recursion: averaged (i.i.d.) or per-mode (Markov)."""
    modes, base, recs, unknowns = _setting(graph, spec)
    first, limit = mode_law(modes)
    if modes.switching == "iid":
        return averaged(graph, recs, modes.probabilities, base=base)
    stepper = stepper_for([base, *recs], unknowns)
    x0 = stepper.initial(base)
    start = [{u: sympy.expand(first[j] * v) for u, v in stepper.as_mapping(stepper.step(rec, x0)).items()}
             for j, rec in enumerate(recs)]
    return MarkovRecursion(graph, recs, modes.transition, limit, start)


def modes_trajectory(graph, spec, generations: int) -> tuple:
    """``E_k(t)`` for ``t = 0 … generations``, exact (the mode law ``μ(t)`` itself, not its limit)."""
    modes, base, recs, unknowns = _setting(graph, spec)
    first, _ = mode_law(modes)
    stepper = stepper_for([base, *recs], unknowns)
    x0 = stepper.initial(base)
    out = [tuple(stepper.observe(base, x0, k) for k in range(graph.K))]
    if generations == 0:
        return tuple(out)
    if modes.switching == "iid":
        rec = averaged(graph, recs, modes.probabilities, base=base)
        local = stepper_for([rec], list(range(len(rec.labels))))
        x = local.initial(rec)
        for _ in range(generations):
            x = local.step(rec, x)
            out.append(tuple(local.observe(rec, x, k) for k in range(graph.K)))
        return tuple(out)
    states = [stepper.as_mapping(stepper.step(rec, x0)) for rec in recs]
    states = [{u: first[j] * v for u, v in s.items()} for j, s in enumerate(states)]
    law = sympy.Matrix([first])
    P = sympy.Matrix(modes.transition)
    for t in range(1, generations + 1):
        if t > 1:
            law = law * P
            states = markov_step(recs, P, list(law), states, unknowns)
        out.append(tuple(_tidy(sum((w * s.get(u, 0) for s, rec in zip(states, recs)
                                    for u, w in rec.observable(k).items()), sympy.Integer(0)))
                         for k in range(graph.K)))
    return tuple(out)


def _tidy(value):
    if isinstance(value, sympy.Basic):
        return sympy.cancel(value) if value.free_symbols else sympy.expand(value)
    return sympy.Integer(value)


def modes_analysis(graph, spec=None) -> DynamicAnalysis:
    """Exact mean-square verdicts, limits and slopes; the union rule beside them."""
    from graphcollapse.solvers.general import limits_of, slopes_of, stability_of

    modes = graph.dynamics.modes
    rec = modes_recursion(graph, spec)
    union = union_rule(modes)
    identity = all(getattr(r, "is_kronecker", False) and getattr(r, "is_identity_propagation", False)
                   for r in (recurrence_of(g, spec) for g in modes.graphs))
    symbolic = bool(graph.dynamics.free_symbols | graph.free_symbols_all)
    notes = []
    if symbolic:
        if modes.switching != "iid" or not identity:
            raise UnsupportedError("the exact mean-square verdict with symbols is available for i.i.d. modes with "
                                   "M = I (the union rule); substitute numbers (--subs) to decide this one")
        bounded = ~union
        growth = tuple("linear" if c else "bounded" for c in union)
        factors = (None,) * graph.K
        method = "union rule (i.i.d. modes, M = I: topological on the union support), generic in the symbols"
        notes.append("symbolic weights or probabilities: verdicts hold where no symbolic weight or probability "
                     "vanishes")
        slopes = (None,) * graph.K
    else:
        st = stability_of(rec)
        bounded, growth, factors = st.bounded, st.growth, st.growth_factor
        slopes = slopes_of(rec, st)
        method = f"exact spectral radius of the {'averaged' if modes.switching == 'iid' else 'per-mode'} operator"
    limits = limits_of(rec, bounded=bounded)
    if modes.switching == "markov":
        notes.append("Markov switching: the union rule (topological on the union support) is shown beside the "
                     "exact verdict; a chain that forbids sequences can collapse where the union says it cannot")
    models = []
    for k, model_id in enumerate(graph.ids):
        differs = bool(union[k]) != (not bool(bounded[k]))
        why = None
        if differs:
            why = ("collapses although the union of the modes has no closed class upstream: the mode chain forbids "
                   "the sequences that would bring real data in time" if not bounded[k] else
                   "bounded although the union rule says it collapses")
        models.append(DynamicModel(model_id, not bool(bounded[k]), growth[k],
                                   growth_factor=factors[k] if growth[k] == "geometric" else None,
                                   limit=limits[k], slope=slopes[k], topological=bool(union[k]),
                                   explanation=why))
    return DynamicAnalysis(graph, graph.dynamics, None, tuple(models), method,
                           "symbolic" if symbolic else "exact rational", tuple(notes), recursion=rec,
                           period=_chain_period(modes), asymptotic=rec.asymptotic)


def _chain_period(modes) -> int:
    """The period of the mode chain (1 for i.i.d. and aperiodic chains): the errors' pattern repeats with it."""
    if modes.switching == "iid":
        return 1
    from graphcollapse.graph import from_matrix
    from graphcollapse.topology import Topology

    rows = [[v != 0 for v in row] for row in sympy.Matrix(modes.transition).tolist()]
    chain = from_matrix([[sympy.Rational(int(x), sum(row)) for x in row] for row in rows], real=[0] * len(rows))
    top = Topology(chain)
    return math.lcm(*[top.periods[c] or 1 for c in top.closed_classes]) or 1
