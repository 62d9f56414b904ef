"""Theorem C: the limits ``L_k = lim E_k(t)`` of the models that do not collapse.

``S^∞`` restricted to the bounded models solves ``S = 𝓛(S) + D``.  It is
solved component by component in topological order of the condensation:
for components ``a ≤ b`` the block ``S_ab`` satisfies

    S_ab = A_aa S_ab A_bbᵀ + F_ab,
    F_ab = Σ_{(a',b') ≠ (a,b)} A_aa' S_a'b' A_bb'ᵀ  (+ D_a when a = b),

a Lyapunov (``a = b``) or Sylvester-Stein (``a ≠ b``) equation whose right
side only involves blocks already solved (``a'``, ``b'`` range over the
components ``a`` and ``b`` train on, and themselves).  Blocks of components
with disjoint upstream sets are exactly zero (independent noise) and never
computed.  The full ``K² x K²`` system is never formed.

Where a family replaces diagonal entries (finite-sample pooled OLS), the
diagonal block is solved as a general linear system over its unknowns with
the same right-hand-side bookkeeping.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.estimators import recurrence
>>> chain = from_dict({"models": [{"id": "A", "n": 4, "real": 1}, {"id": "B", "n": 2}],
...                    "edges": [{"from": "A", "to": "B", "weight": 1}]})
>>> limits(recurrence(chain))
(1/4, 3/4)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.linalg.exact_solve import solve_exact, solve_stein
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.solvers.results import Limits
from graphcollapse.topology import Topology
from graphcollapse.numbers.domain import canonical
from graphcollapse.numbers.forms import tidy

__all__ = ["DIAGONAL_CLOSURE_MAX", "limits", "limit_covariance"]


def _bounded_models(rec: Recurrence, topology: Topology, bounded: Sequence[bool] | None) -> np.ndarray:
    if bounded is None:
        from graphcollapse.solvers.stability import stability

        bounded = stability(rec, topology).bounded
    return np.asarray(bounded, dtype=bool)


@guarded
def limits(rec: Recurrence, *, topology: Topology | None = None, bounded: Sequence[bool] | None = None,
           arithmetic: str | None = None, dps: int = 50) -> tuple:
    """``L_k`` for every model, ``None`` where the error is unbounded.

    Parameters
    ----------
    rec : Recurrence
    topology : Topology, optional
        Re-used if given.
    bounded : sequence of bool, optional
        Which models stay bounded (default: the exact verdict of
        :func:`graphcollapse.solvers.stability.stability`).
    arithmetic : {"exact", "float", "mpmath"}, optional
        Default: exact for exact graphs, float for float graphs.  ``mpmath``
        solves the vectorised system at ``dps`` decimal digits: for small,
        ill-conditioned graphs (spectral radius within ~1e-12 of 1) where
        doubles lose every digit and exact rationals are too large.
    dps : int
        Working precision of the ``mpmath`` arithmetic.

    Returns
    -------
    Limits
        Exact SymPy values (cancelled and factored), floats, or ``mpmath.mpf``.
        Float limits carry ``residual``: the relative residual
        ``‖S − 𝓛(S) − D‖_F / ‖S‖_F`` of the limit equation on the bounded
        models, computed from the solution (with the sparse operator).
    """
    top = topology or Topology.of(rec.graph)
    if arithmetic == "mpmath":
        values = _mpmath_limits(rec, top, bounded, dps)
        return Limits(values, ids=rec.ids, arithmetic=f"mpmath ({dps} digits)",
                      method="vectorised limit system, LU at working precision")
    if arithmetic not in (None, "exact", "float"):
        raise InputError(f"arithmetic must be 'exact', 'float' or 'mpmath', not {arithmetic!r}")
    if arithmetic == "exact" and not rec.exact:
        raise InputError("exact limits need an exact graph; this one has float weights")
    keep = _bounded_models(rec, top, bounded)
    if _only_what_the_diagonal_needs(rec, top, keep, arithmetic):
        from graphcollapse.solvers.general import limits_of

        return limits_of(rec, bounded=keep, arithmetic=arithmetic, poles=False)
    S, models, residual = _limit_covariance(rec, top, bounded, arithmetic)
    float_mode = not isinstance(S, dict)
    p = rec.p
    T = rec.trace_weight
    position = {m: i for i, m in enumerate(models)}
    out: list[Any] = [None] * rec.K
    for k in models:
        if float_mode:
            i = position[k]
            block = S[i * p:(i + 1) * p, i * p:(i + 1) * p]
            out[k] = float(np.trace(np.asarray(T, dtype=float) @ block))
        else:
            block = S[k]
            value = (sympy.Matrix(T) * block).trace()
            out[k] = _tidy(value)
    if float_mode:
        return Limits(out, ids=rec.ids, arithmetic="float", method="structured Stein solver (float64)",
                      residual=residual)
    return Limits(out, ids=rec.ids, arithmetic="symbolic" if rec.symbols else "exact rational",
                  method="component-wise Lyapunov and Sylvester-Stein equations, exact")


#: Largest number of second-moment unknowns the limits of a large graph may need for the
#: diagonal-only path (beyond it, the dense structured Stein solvers are used).
DIAGONAL_CLOSURE_MAX = 200_000


def _only_what_the_diagonal_needs(rec: Recurrence, top: Topology, keep, arithmetic) -> bool:
    """Whether to solve only the unknowns the limits need (the diagonal's closure) instead of whole blocks.

    Exact recursions always do (a chain's diagonal needs K unknowns, its
    blocks K²/2).  Float ones do when every component is small and the
    closure stays below :data:`DIAGONAL_CLOSURE_MAX`; graphs with a large
    component keep the dense Schur-based solvers, whose cost the closure
    would only add to.
    """
    models = np.flatnonzero(keep)
    if models.size == 0:
        return False
    if rec.exact and arithmetic != "float":
        return True
    if max(len(c) for c in top.components) > 64:
        return False
    targets = [u for k in models.tolist() for u in rec.observable(int(k))]
    return rec.closure_size(targets, DIAGONAL_CLOSURE_MAX) is not None


def _mpmath_limits(rec: Recurrence, top: Topology, bounded, dps: int) -> tuple:
    """The limit system on the bounded models, block by block over its unknowns, in mpmath."""
    from graphcollapse.solvers.general import limits_of

    if rec.symbols:
        raise InputError("mpmath limits need numeric weights (no free symbols)")
    return tuple(limits_of(rec, bounded=_bounded_models(rec, top, bounded), arithmetic="mpmath", dps=dps))


def _tidy(value: sympy.Expr) -> sympy.Expr:
    if value.free_symbols:
        return tidy(value)
    return canonical(value)


def limit_covariance(rec: Recurrence, *, topology: Topology | None = None, bounded: Sequence[bool] | None = None,
                     arithmetic: str | None = None):
    """The limit second moments on the bounded models.

    Returns
    -------
    (S, models)
        Float mode: ``S`` is the dense ``(|models| p)²`` limit matrix over the
        bounded ``models`` (sorted positions).  Exact mode: ``S`` maps each
        bounded model ``k`` to its diagonal block ``S_kk`` (what the limits
        need); :func:`limit_blocks` gives every block.
    """
    S, models, _ = _limit_covariance(rec, topology or Topology.of(rec.graph), bounded, arithmetic)
    return S, models


def _limit_covariance(rec: Recurrence, top: Topology, bounded: Sequence[bool] | None, arithmetic: str | None):
    """:func:`limit_covariance` and, in float mode, the relative residual of ``S`` (else ``None``)."""
    keep = _bounded_models(rec, top, bounded)
    models = [int(k) for k in np.flatnonzero(keep)]
    if arithmetic is None:
        arithmetic = "exact" if rec.exact else "float"
    if arithmetic not in ("exact", "float"):
        raise InputError(f"arithmetic must be 'exact' or 'float', not {arithmetic!r}")
    if arithmetic == "exact" and not rec.exact:
        raise InputError("exact limits need an exact graph; this one has float weights")
    if not models:
        return ({} if arithmetic == "exact" else np.zeros((0, 0))), models, (None if arithmetic == "exact" else 0.0)
    if arithmetic == "float":
        S, residual = _float_limits(rec, top, models)
        return S, models, residual
    blocks = limit_blocks(rec, top, models)
    diag = {}
    p = rec.p
    for c, members in _components_of(top, models):
        block = blocks[(c, c)]
        for i, k in enumerate(members):
            diag[k] = block[i * p:(i + 1) * p, i * p:(i + 1) * p]
    return diag, models, None


def _components_of(top: Topology, models: Sequence[int]):
    chosen = set(models)
    for c, members in enumerate(top.components):
        ids = [int(m) for m in members]
        if ids[0] in chosen:
            yield c, ids


def limit_blocks(rec: Recurrence, top: Topology, models: Sequence[int]) -> dict:
    """The nonzero blocks ``S_ab`` (``a ≤ b`` component positions) of the exact limit that matter.

    Blocks read by later blocks are complete.  A block no later block reads
    is reduced to what :func:`limits` needs: a cross block between two sink
    components is skipped, and a sink's own block may hold ``nan`` outside
    its models' diagonal ``p x p`` blocks.
    """
    p = rec.p
    comps = dict(_components_of(top, models))
    order = sorted(comps)
    coords = {c: [k * p + a for k in comps[c] for a in range(p)] for c in order}
    A = sympy.Matrix(rec.propagation)
    upstream = top.upstream_components
    preds = {c: [c] + [q for q in top.predecessors[c] if q in comps] for c in order}
    blocks: dict[tuple[int, int], sympy.Matrix] = {}

    def get(x: int, y: int):
        if x <= y:
            return blocks.get((x, y))
        found = blocks.get((y, x))
        return None if found is None else found.T

    # Blocks of components nothing downstream reads: only the diagonal
    # model blocks of S_cc are ever used (for the limits themselves).
    feeds = {c: any(c in preds[d] for d in order if d != c) for c in order}
    for bi, b in enumerate(order):
        for a in order[: bi + 1]:
            if not (upstream[a] & upstream[b]):
                continue  # independent noise: exactly zero
            wanted = None
            if not feeds[a] and not feeds[b]:
                if a != b:
                    continue  # a cross block between two sinks is never read
                wanted = {(i * p + x, i * p + y) for i in range(len(comps[a])) for x in range(p) for y in range(p)}
            Xa, Xb = coords[a], coords[b]
            cross = sympy.zeros(len(Xa), len(Xb))
            for a2 in preds[a]:
                for b2 in preds[b]:
                    if (a2, b2) == (a, b):
                        continue
                    S = get(a2, b2)
                    if S is None:
                        continue
                    cross += A.extract(Xa, coords[a2]) * S * A.extract(Xb, coords[b2]).T
            noise = rec.block_diagonal([rec.noise[k] for k in comps[a]]) if a == b else None
            Aaa, Abb = A.extract(Xa, Xa), A.extract(Xb, Xb)
            rules = {}
            if a == b and not rec.is_kronecker:
                rules = {i: rec.diagonal_rules[k] for i, k in enumerate(comps[a])
                         if rec.diagonal_rules[k] is not None}
            if rules:
                blocks[(a, b)] = _stein_with_rules(Aaa, cross, noise, rules, Xa, coords, get)
            else:
                blocks[(a, b)] = solve_stein(Aaa, Abb, cross if noise is None else cross + noise,
                                             symmetric=(a == b), wanted=wanted)
    return blocks


def _stein_with_rules(A, cross, noise, rules, Xa, coords, get) -> sympy.Matrix:
    """A diagonal block whose diagonal entries follow ``S_kk = tr(C_k S) + D_k``.

    The other entries follow the Kronecker form with the known cross terms
    ``cross``; in rule rows the known terms come from ``C_k`` instead.
    """
    m = len(Xa)
    pairs = [(i, j) for i in range(m) for j in range(i, m)]
    pos = {pr: u for u, pr in enumerate(pairs)}
    local = {x: i for i, x in enumerate(Xa)}
    rows: list[dict[int, sympy.Expr]] = []
    rhs = []
    for i, j in pairs:
        row: dict[int, sympy.Expr] = {}
        if i == j and i in rules:
            known = sympy.Integer(0)
            for (x, y), coef in sympy.SparseMatrix(rules[i]).todok().items():
                if coef == 0:
                    continue
                if x in local and y in local:
                    u = pos[(min(local[x], local[y]), max(local[x], local[y]))]
                    row[u] = row.get(u, 0) + coef
                else:
                    known += coef * _known_entry(x, y, coords, get)
            rhs.append(known + noise[i, i])
        else:
            for x in range(m):
                if A[i, x] == 0:
                    continue
                for y in range(m):
                    if A[j, y] != 0:
                        u = pos[(min(x, y), max(x, y))]
                        row[u] = row.get(u, 0) + A[i, x] * A[j, y]
            rhs.append(cross[i, j] + noise[i, j])
        rows.append(row)
    system = sympy.eye(len(pairs))
    for u, row in enumerate(rows):
        for v, coef in row.items():
            system[u, v] -= coef
    sol = solve_exact(system, sympy.Matrix(rhs))
    X = sympy.zeros(m, m)
    for u, (i, j) in enumerate(pairs):
        X[i, j] = X[j, i] = sol[u]
    return X


def _known_entry(x: int, y: int, coords, get):
    """``S_xy`` from an already solved block (zero when the blocks are independent)."""
    cx = next(c for c, xs in coords.items() if x in xs)
    cy = next(c for c, ys in coords.items() if y in ys)
    block = get(cx, cy)
    if block is None:
        return sympy.Integer(0)
    return block[coords[cx].index(x), coords[cy].index(y)]


def _float_limits(rec: Recurrence, top: Topology, models: list[int]) -> tuple[np.ndarray, float]:
    """Dense float limit on the bounded models (structured Stein solver) and its relative residual."""
    p = rec.p
    flat = np.array([k * p + a for k in models for a in range(p)], dtype=np.int64)
    A = rec.propagation
    A = sp.csr_array(np.array(A.tolist(), dtype=float)) if rec.exact else sp.csr_array(A)
    A = A[flat][:, flat]
    noise = np.zeros((len(flat), len(flat)))
    for i, k in enumerate(models):
        noise[i * p:(i + 1) * p, i * p:(i + 1) * p] = np.asarray(rec.noise[k], dtype=float).reshape(p, p)
    if rec.is_kronecker:
        from graphcollapse.linalg.stein_float import solve_stein_float, stein_residual

        blocks = [np.searchsorted(flat, [m * p + a for m in members for a in range(p)])
                  for _, members in _components_of(top, models)]
        S = solve_stein_float(A, noise, blocks)
        return S, stein_residual(A, S, noise)
    index, rows, vech_noise, _ = rec.vech_system(models)
    size = len(index)
    data, ri, ci = [], [], []
    for u, row in enumerate(rows):
        for v, coef in row.items():
            ri.append(u)
            ci.append(v)
            data.append(float(coef))
    L = sp.csr_array((data, (ri, ci)), shape=(size, size))
    import scipy.sparse.linalg as spla

    rhs = np.array(vech_noise, dtype=float)
    sol = spla.spsolve((sp.identity(size, format="csr") - L).tocsc(), rhs)
    S = np.zeros((len(flat), len(flat)))
    local = {x: i for i, x in enumerate(index.flat)}
    for u, (x, y) in enumerate(index.pairs):
        S[local[x], local[y]] = S[local[y], local[x]] = sol[u]
    # The residual in vech coordinates; an off-diagonal entry stands for two entries of S.
    multiplicity = np.array([1.0 if x == y else 2.0 for x, y in index.pairs])
    norm = float(np.sqrt(multiplicity @ sol**2))
    gap = sol - L @ sol - rhs
    residual = float(np.sqrt(multiplicity @ gap**2)) / norm if norm else float(np.sqrt(multiplicity @ rhs**2))
    return S, residual
