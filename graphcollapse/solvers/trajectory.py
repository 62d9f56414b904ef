"""Exact trajectories ``E_k(t)``, iterated and in closed form in ``t``.

:func:`trajectory` iterates the recursion on the independent entries of ``S``
in exact arithmetic (SymPy's ``DomainMatrix``: rationals, or rational
functions of the graph's symbols) or in floats for float graphs.

:func:`closed_form` writes ``E_k(t)`` as an expression in the symbol ``t``
valid for every ``t ≥ 0``.  Only the entries that ``E_k`` depends on are
kept; with the augmented state ``y = (vech S, 1)`` the recursion is
``y(t+1) = A y(t)``, ``A = [[𝓛, vech D], [0, 1]]``, and
``E_k(t) = fᵀ P J^t P⁻¹ y(0)`` from the Jordan form ``A = P J P⁻¹``.  A
Jordan block of eigenvalue ``λ ≠ 0`` contributes ``binomial(t, i) λ^(t-i)``;
a nilpotent block contributes ``KroneckerDelta(t, i)``, so early
generations are exact too.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.families import recurrence
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
>>> rec = recurrence(g)
>>> trajectory(rec, 2)
((1/10,), (1/8,), (21/160,))
>>> closed_form(rec)[0]
2/15 - 1/(30*4**t)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

from ..errors import GraphCollapseError
from ..operator import Recurrence

__all__ = ["trajectory", "closed_form", "T_SYMBOL", "CLOSED_FORM_MAX_DIMENSION"]

#: The generation symbol used in closed forms.
T_SYMBOL = sympy.Symbol("t", integer=True, nonnegative=True)
#: Largest recursion (entries of S that E_k depends on, plus one) put through a Jordan form.
CLOSED_FORM_MAX_DIMENSION = 40


def trajectory(rec: Recurrence, generations: int) -> tuple[tuple, ...]:
    """``E_k(t)`` for ``t = 0 … generations``: a tuple of per-generation tuples.

    Exact for exact graphs, float for float graphs.
    """
    if generations < 0:
        raise GraphCollapseError(f"generations must be non-negative, got {generations}")
    if not rec.exact:
        S = np.asarray(rec.initial_state(), dtype=float)
        out = [rec.errors(S)]
        for _ in range(generations):
            S = np.asarray(rec.step(S))
            out.append(rec.errors(S))
        return tuple(out)
    index, rows, noise, initial = rec.vech_system(range(rec.K))
    size = len(index)
    L_sym = sympy.SparseMatrix(size, size, {(u, v): c for u, row in enumerate(rows) for v, c in row.items()})
    forms = rec.vech_trace(index)
    F_sym = sympy.SparseMatrix(rec.K, size, {(k, u): w for k, form in forms.items() for u, w in form.items()})
    joint = sympy.Matrix.hstack(sympy.Matrix(L_sym), sympy.Matrix(noise), sympy.Matrix(initial))
    dm = DomainMatrix.from_Matrix(sympy.Matrix.vstack(joint, sympy.Matrix(F_sym).row_join(sympy.zeros(rec.K, 2))))
    dm = dm.to_field().to_sparse()
    L = dm[:size, :size]
    d = dm[:size, size:size + 1]
    x = dm[:size, size + 1:size + 2]
    F = dm[size:, :size]
    domain = dm.domain
    out = []
    for t in range(generations + 1):
        if t:
            x = L * x + d
        values = (F * x).to_Matrix()
        out.append(tuple(_tidy(domain, v) for v in values))
    return tuple(out)


def _tidy(domain, value):
    return sympy.factor(value) if value.free_symbols else value


def _dependencies(rows: Sequence[dict], start: set[int]) -> list[int]:
    seen = set(start)
    stack = list(start)
    while stack:
        u = stack.pop()
        for v in rows[u]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return sorted(seen)


def _jordan_power(J: sympy.Matrix, t: sympy.Symbol, powers: dict) -> sympy.Matrix:
    """``J**t`` for a Jordan matrix, valid for every integer ``t ≥ 0``.

    ``λ^t`` is written as a placeholder symbol recorded in ``powers`` so that
    the final expression can be collected by exponential term.
    """
    n = J.rows
    out = sympy.zeros(n, n)
    start = 0
    while start < n:
        lam = J[start, start]
        end = start + 1
        while end < n and J[end - 1, end] == 1 and J[end, end] == lam:
            end += 1
        for r in range(start, end):
            for c in range(r, end):
                i = c - r
                if lam == 0:
                    out[r, c] = sympy.KroneckerDelta(t, i)
                else:
                    if lam not in powers:
                        powers[lam] = sympy.Dummy(f"pow{len(powers)}")
                    out[r, c] = sympy.expand_func(sympy.binomial(t, i)) * powers[lam] / lam**i
        start = end
    return out


def closed_form(rec: Recurrence, models: Sequence[int] | None = None) -> tuple:
    """``E_k(t)`` as an expression in :data:`T_SYMBOL`, valid for all ``t ≥ 0``.

    Parameters
    ----------
    rec : Recurrence
        An exact recursion on a small graph.
    models : sequence of int, optional
        Which models (default all); others get ``None``.

    Raises
    ------
    GraphCollapseError
        For float graphs, or when the recursion a model depends on has more
        than :data:`CLOSED_FORM_MAX_DIMENSION` entries.
    """
    if not rec.exact:
        raise GraphCollapseError("closed forms need an exact graph")
    index, rows, noise, initial = rec.vech_system(range(rec.K))
    forms = rec.vech_trace(index)
    chosen = range(rec.K) if models is None else models
    t = T_SYMBOL
    out: list = [None] * rec.K
    for k in chosen:
        keep = _dependencies(rows, set(forms[k]))
        if len(keep) + 1 > CLOSED_FORM_MAX_DIMENSION:
            raise GraphCollapseError(
                f"model {rec.ids[k]!r}: its recursion has {len(keep)} entries; closed forms are limited to "
                f"{CLOSED_FORM_MAX_DIMENSION - 1} (use trajectory for exact values)")
        local = {u: i for i, u in enumerate(keep)}
        n = len(keep)
        A = sympy.zeros(n + 1, n + 1)
        for u in keep:
            for v, c in rows[u].items():
                A[local[u], local[v]] = c
            A[local[u], n] = noise[u]
        A[n, n] = 1
        y0 = sympy.Matrix([initial[u] for u in keep] + [1])
        f = sympy.zeros(1, n + 1)
        for u, w in forms[k].items():
            f[0, local[u]] = w
        P, J = A.jordan_form()
        coeff_left = f * P
        coeff_right = P.solve(y0) if P.rows else y0
        powers: dict = {}
        value = (coeff_left * _jordan_power(J, t, powers) * coeff_right)[0, 0]
        out[k] = _collect_powers(value, powers)
    return tuple(out)


def _collect_powers(value: sympy.Expr, powers: dict) -> sympy.Expr:
    """Collect by ``λ^t`` placeholders, tidy each coefficient, then put ``λ**t`` in."""
    placeholders = list(powers.values())
    poly = sympy.Poly(sympy.expand(value), *placeholders) if placeholders else None
    if poly is None:
        return sympy.factor(value)
    total = sympy.Integer(0)
    back = {sym: lam**T_SYMBOL for lam, sym in powers.items()}
    for monomial, coef in poly.terms():
        term = sympy.Mul(*[sym**e for sym, e in zip(placeholders, monomial)])
        total += sympy.factor(sympy.cancel(coef)) * term.xreplace(back)
    return total
