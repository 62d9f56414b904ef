"""Theorem B: growth rates ``c_k`` with ``E_k(t) = c_k t + O(1)``.

Two independent methods:

* :func:`growth_rates` for ``𝓛(S) = W S Wᵀ`` (``M = I``).  Let a closed class
  ``C`` have period ``p``, cyclic classes ``C_0 … C_{p-1}`` (the walk moves
  from ``C_i`` to ``C_{i+1}``) and stationary distribution ``π``.  Let
  ``u_k(C, i)`` be the probability that the walk from ``k`` is absorbed in
  ``C`` *at phase* ``i``: at every large time ``s`` it is then in
  ``C_{(i+s) mod p}``.  Then ``(W^s)_kj → p π(j) u_k(C, (c_j − s) mod p)`` for
  ``j ∈ C_{c_j}``, and the Cesàro mean of ``Σ_j (W^s)²_kj tr D_j`` is

      c_k = Σ_C  p_C · Σ_i u_k(C, i)² · Σ_{j∈C} π_C(j)² tr(T D_j).

  For an aperiodic class ``u_k(C, 0) = h_k(C)`` (Theorem B); a class entered
  at a fixed phase gives the factor ``p``; a class entered at several phases
  gives less.  ``u`` solves ``u_k(C,i) = Σ_{j∈C_{i+1}} w_kj + Σ_{j transient}
  w_kj u_j(C, i+1)``, one sparse linear system per closed class.
* :func:`cesaro_slopes` for any linear ``𝓛`` with spectral radius 1: the
  Cesàro projector ``P = lim_{z→1} (z−1)(zI−𝓛)⁻¹ = V (Uᵀ V)⁻¹ Uᵀ`` from the
  exact right and left null spaces of ``𝓛 − I`` (semisimplicity checked), and
  ``c_k = tr(T (P D)_kk)``.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.estimators import recurrence
>>> two_cycle = recurrence(from_matrix([[0, 1], [1, 0]], n=[1, 1]))
>>> growth_rates(two_cycle)
(1, 1)
>>> mixed = recurrence(from_matrix([["1/2", "1/2"], ["1/2", "1/2"]], n=[1, 1]))
>>> growth_rates(mixed)
(1/2, 1/2)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import InputError, NotSemisimpleError, SingularSystemError, guarded
from graphcollapse.numbers.domain import canonical, is_zero
from graphcollapse.operator.recurrence import Recurrence, rows_to_matrix
from graphcollapse.solvers.results import GrowthRates
from graphcollapse.topology import Topology
from graphcollapse.numbers.forms import tidy
from graphcollapse.solvers.inputs import recursion_of

__all__ = ["growth_rates", "cesaro_slopes", "cyclic_classes", "phase_absorption", "NotSemisimpleError"]



def cyclic_classes(topology: Topology, c: int) -> dict[int, int]:
    """Cyclic class index of each member of closed class ``c`` (walk moves ``i → i+1``)."""
    period = topology.periods[c] or 1
    members = topology.components[c]
    if period == 1:
        return {int(m): 0 for m in members}
    graph = topology.graph
    support = graph.support  # support[k, j]: k trains on j; the walk moves k -> j
    inside = sp.csr_array(support[members][:, members])
    from scipy.sparse import csgraph

    order, preds = csgraph.breadth_first_order(inside, 0, directed=True, return_predecessors=True)
    level = np.zeros(members.size, dtype=np.int64)
    for node in order[1:]:
        level[node] = level[preds[node]] + 1
    return {int(members[i]): int(level[i] % period) for i in range(members.size)}


def phase_absorption(rec: Recurrence, topology: Topology, c: int) -> dict[int, list]:
    """``u_k(C, i)`` for every model ``k`` and phase ``i`` of closed class ``c``."""
    graph = rec.graph
    period = topology.periods[c] or 1
    classes = cyclic_classes(topology, c)
    closed_members = set()
    for cc in topology.closed_classes:
        closed_members.update(int(m) for m in topology.components[cc])
    transient = [k for k in range(graph.K) if k not in closed_members]
    exact = rec.exact
    zero = sympy.Integer(0) if exact else 0.0
    one = sympy.Integer(1) if exact else 1.0
    u: dict[int, list] = {k: [zero] * period for k in range(graph.K)}
    for k, phase in classes.items():
        u[k][phase] = one
    if not transient:
        return u
    # Only transient models with C upstream matter; others stay 0.
    seed = np.zeros(len(topology.components), dtype=bool)
    seed[c] = True
    below = topology.upstream_any(seed)  # the components with C upstream (one search)
    relevant = [k for k in transient if below[topology.component_of[k]]]
    if not relevant:
        return u
    pos = {k: i for i, k in enumerate(relevant)}
    n_unknown = len(relevant) * period
    W = rec.W
    rows: list[dict[int, object]] = [dict() for _ in range(n_unknown)]
    rhs = [zero] * n_unknown
    entries = _row_entries(W, exact)
    for k in relevant:
        for i in range(period):
            r = pos[k] * period + i
            rows[r][r] = one
            target_phase = (i + 1) % period
            for j, w in entries.get(k, ()):
                if j in classes:
                    if classes[j] == target_phase:
                        rhs[r] = rhs[r] + w
                elif j in pos:
                    col = pos[j] * period + target_phase
                    rows[r][col] = rows[r].get(col, zero) - w
    if exact:
        from graphcollapse.linalg.domain import solve

        A = sympy.zeros(n_unknown, n_unknown)
        for r, row in enumerate(rows):
            for col, v in row.items():
                A[r, col] = v
        sol = list(solve(A, sympy.Matrix(rhs)))
    else:
        import scipy.sparse.linalg as spla

        ri = [r for r, row in enumerate(rows) for _ in row]
        ci = [col for row in rows for col in row]
        data = [float(v) for row in rows for v in row.values()]
        A = sp.csc_array((data, (ri, ci)), shape=(n_unknown, n_unknown))
        sol = spla.spsolve(A, np.array(rhs, dtype=float)).tolist() if n_unknown > 1 else \
            [float(rhs[0]) / float(A.toarray()[0, 0])]
    for k in relevant:
        u[k] = [sol[pos[k] * period + i] for i in range(period)]
    return u


def _row_entries(W, exact: bool) -> dict[int, list]:
    if exact:
        out: dict[int, list] = {}
        for (k, j), w in sympy.SparseMatrix(W).todok().items():
            if w != 0:
                out.setdefault(k, []).append((j, w))
        return out
    W = sp.csr_array(W)
    return {k: list(zip(W.indices[W.indptr[k]:W.indptr[k + 1]].tolist(),
                        W.data[W.indptr[k]:W.indptr[k + 1]].tolist())) for k in range(W.shape[0])}


@guarded
def growth_rates(rec: Recurrence, *, topology: Topology | None = None) -> tuple:
    """``c_k`` for every model, exact (or float for float graphs); 0 when bounded.

    Requires ``𝓛(S) = W S Wᵀ`` with ``M = I``; other recursions use
    :func:`cesaro_slopes`.
    """
    if not (rec.is_kronecker and rec.is_identity_propagation):
        raise InputError("growth_rates needs M = I and the Kronecker form; use cesaro_slopes")
    rec = recursion_of(rec, "growth_rates", general=False)
    top = topology or Topology.of(rec.graph)
    K = rec.K
    exact = rec.exact
    zero = sympy.Integer(0) if exact else 0.0
    trace_noise = _trace_noise(rec)
    slopes = [zero] * K
    for c in top.closed_classes:
        period = top.periods[c] or 1
        members = top.components[c]
        pi = top.stationary_distribution(c)
        weight = sum((pi[i] ** 2 * trace_noise[int(m)] for i, m in enumerate(members)), zero)
        u = phase_absorption(rec, top, c)
        for k in range(K):
            mass = sum((v**2 for v in u[k]), zero)
            if (not is_zero(mass)) if exact else mass != 0:
                slopes[k] = slopes[k] + period * mass * weight
    method = "phase absorption and stationary distributions of the closed classes (Theorem B)"
    if exact:
        return GrowthRates([tidy(s) if s.free_symbols else canonical(s) for s in slopes], ids=rec.ids,
                           arithmetic="symbolic" if rec.symbols else "exact rational", method=method)
    return GrowthRates([float(s) for s in slopes], ids=rec.ids, arithmetic="float", method=method)


def _trace_noise(rec: Recurrence) -> list:
    """``tr(T D_k)`` per model."""
    if rec.exact:
        if rec.p == 1:
            t = rec.trace_weight[0, 0]
            return [t * D[0, 0] for D in rec.noise]
        T = sympy.Matrix(rec.trace_weight)
        return [(T * sympy.Matrix(D)).trace() for D in rec.noise]
    T = np.asarray(rec.trace_weight, dtype=float)
    return [float(np.trace(T @ np.asarray(D, dtype=float).reshape(T.shape))) for D in rec.noise]


@guarded
def cesaro_slopes(rec: Recurrence, models: Sequence[int]) -> dict[int, sympy.Expr]:
    """Slopes from the exact Cesàro projector of ``𝓛`` restricted to ``models``.

    ``models`` must be closed upstream and ``𝓛`` restricted to it must have
    spectral radius 1 with every unit-modulus eigenvalue semisimple (the
    caller checks the radius; semisimplicity of the eigenvalue 1 is checked
    here and :class:`NotSemisimpleError` raised otherwise).

    Returns
    -------
    dict
        Model position to exact slope ``tr(T (P D)_kk)``.
    """
    from graphcollapse.linalg.domain import determinant, nullspace, solve

    rec = recursion_of(rec, "cesaro_slopes", general=False)
    index, rows, noise, _ = rec.vech_system(models)
    size = len(index)
    L = rows_to_matrix(rows, size)
    gap = L - sympy.eye(size)
    right_m = nullspace(gap)          # columns span ker(L - I)
    left_m = nullspace(gap.T)         # columns span ker((L - I)ᵀ)
    if right_m.cols == 0:
        return {k: sympy.Integer(0) for k in index.models}
    gram = left_m.T * right_m
    if determinant(gram) == 0:  # canonical: exactly zero
        raise NotSemisimpleError("eigenvalue 1 of the operator has a Jordan block")
    projected = right_m * solve(gram, left_m.T * sympy.Matrix(noise))
    forms = rec.vech_trace(index)
    return {k: tidy(sympy.cancel(sum((w * projected[u] for u, w in forms[k].items()), sympy.Integer(0))))
            for k in index.models}


def geometric_constant(rec: Recurrence, models: Sequence[int], k: int, rho) -> sympy.Expr | None:
    """``C`` in ``E_k(t) = C ρ^t + o(ρ^t)`` when ``ρ > 1`` is a simple rational eigenvalue, else ``None``.

    With ``S* = (I − 𝓛)⁻¹ D`` (1 is not an eigenvalue when ``ρ > 1`` is the
    only eigenvalue on its circle), ``S(t) = 𝓛ᵗ (S(0) − S*) + S*``; the
    dominant part is ``ρᵗ v (u·(S(0) − S*))`` with right and left
    eigenvectors ``v``, ``u`` normalised by ``u·v = 1``.

    ``models`` must be closed upstream and contain ``k``.
    """
    from graphcollapse.linalg.spectral import spectral_radius

    if not (rec.exact and getattr(rho, "is_Rational", False)):
        return None
    index, rows, noise, initial = rec.vech_system(models)
    size = len(index)
    L = rows_to_matrix(rows, size)
    info = spectral_radius(L)
    if info.comparison_with_one <= 0 or len(info.dominant) != 1 or info.dominant[0] != rho:
        return None
    z = info.charpoly.gen
    if sympy.rem(info.charpoly.as_expr(), (z - rho) ** 2, z) == 0:
        return None  # ρ is a root (it is the dominant one) but not a simple one
    from graphcollapse.linalg.domain import nullspace, solve

    try:
        fixed = solve(sympy.eye(size) - L, sympy.Matrix(noise))
    except SingularSystemError:
        return None
    shift = L - rho * sympy.eye(size)
    v, u = nullspace(shift), nullspace(shift.T)
    if v.cols != 1 or u.cols != 1:
        return None
    scale = (u.T * v)[0, 0]
    y = sympy.Matrix(initial) - fixed
    form = rec.vech_trace(index)[k]
    trace_v = sum((w * v[i] for i, w in form.items()), sympy.Integer(0))
    return canonical(trace_v * (u.T * y)[0, 0] / scale)
