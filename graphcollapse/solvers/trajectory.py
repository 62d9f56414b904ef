"""Exact trajectories ``E_k(t)``, iterated and in closed form in ``t``.

:func:`trajectory` iterates the recursion on the independent entries of ``S``
in exact arithmetic (SymPy's ``DomainMatrix``: rationals, or rational
functions of the graph's symbols) or in floats for float graphs.

:func:`closed_form` writes ``E_k(t)`` as an expression in the symbol ``t``
valid for every ``t ≥ 0``.  Only the entries that ``E_k`` depends on are
kept; with the augmented state ``y = (vech S, 1)`` the recursion is
``y(t+1) = A y(t)``, ``A = [[𝓛, vech D], [0, 1]]``.  The generating function
``G(z) = Σ_t E_k(t) z^t = fᵀ (I − zA)⁻¹ y(0)`` is a rational function of
``z`` (one exact solve over ``QQ(z)``); its partial-fraction expansion
(SymPy's ``apart_list``) inverts term by term: ``c/(z − r)^m`` gives
``c (−1)^m binomial(t+m−1, m−1) λ^(t+m)`` with the eigenvalue ``λ = 1/r``,
irreducible factors stay ``RootSum`` over their roots, and the polynomial
part (nilpotent dynamics) gives ``KroneckerDelta(t, j)`` terms, so early
generations are exact too.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.estimators import recurrence
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

from graphcollapse.errors import InputError, guarded
from graphcollapse.operator.moments import MomentRecursion, dense_system, iterate
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.linalg.domain import to_domain_matrix
from graphcollapse.numbers.forms import tidy

__all__ = ["trajectory", "closed_form", "T_SYMBOL", "CLOSED_FORM_MAX_DIMENSION"]

#: The generation symbol used in closed forms.
T_SYMBOL = sympy.Symbol("t", integer=True, nonnegative=True)
#: Largest recursion (entries of S that E_k depends on, plus one) put through a Jordan form.
CLOSED_FORM_MAX_DIMENSION = 40


@guarded
def trajectory(rec: MomentRecursion, generations: int, name: str = "error") -> tuple[tuple, ...]:
    """Observable ``name`` (default ``E_k``) for ``t = 0 … generations``: a tuple of per-generation tuples.

    Exact for exact graphs, float for float graphs.  Only the unknowns the
    observables depend on are iterated.
    """
    if generations < 0:
        raise InputError(f"generations must be non-negative, got {generations}")
    if not rec.exact:
        if not isinstance(rec, Recurrence):
            return iterate(rec, generations, name)
        S = np.asarray(rec.initial_state(), dtype=float)
        out = [rec.errors(S)]
        for _ in range(generations):
            S = np.asarray(rec.step(S))
            out.append(rec.errors(S))
        return tuple(out)
    rows, noise, initial, forms = _system(rec, name)
    size = len(rows)
    L_sym = sympy.SparseMatrix(size, size, {(u, v): c for u, row in enumerate(rows) for v, c in row.items()})
    F_sym = sympy.SparseMatrix(rec.K, size, {(k, u): w for k, form in enumerate(forms) for u, w in form.items()})
    joint = sympy.Matrix.hstack(sympy.Matrix(L_sym), sympy.Matrix(noise), sympy.Matrix(initial))
    # One exact field for every entry (weights, noise, generation 0): QQ, QQ<θ> or their fraction field.
    dm, numbers = to_domain_matrix(sympy.Matrix.vstack(joint, sympy.Matrix(F_sym).row_join(sympy.zeros(rec.K, 2))))
    dm = dm.to_sparse()
    L = dm[:size, :size]
    d = dm[:size, size:size + 1]
    x = dm[:size, size + 1:size + 2]
    F = dm[size:, :size]
    out = []
    for t in range(generations + 1):
        if t:
            x = L * x + d
        values = (F * x).to_list()
        out.append(tuple(_tidy(numbers.to_sympy(row[0])) for row in values))
    return tuple(out)


def _tidy(value):
    return tidy(value) if value.free_symbols else value


def _system(rec: MomentRecursion, name: str = "error"):
    """``(rows, b, x₀, forms)`` over the positions of every unknown the observables depend on."""
    unknowns = rec.closure_of_models(range(rec.K), name)
    rows, constant, initial, position = dense_system(rec, unknowns)
    forms = [{position[u]: w for u, w in rec.observable(k, name).items()} for k in range(rec.K)]
    return rows, constant, initial, forms


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


def _generating_function(A: sympy.Matrix, y0: sympy.Matrix, f: sympy.Matrix, z: sympy.Symbol) -> sympy.Expr:
    """``G(z) = Σ_t E(t) z^t = fᵀ (I − z A)⁻¹ y(0)``, a cancelled rational function of ``z``."""
    system, numbers = to_domain_matrix(sympy.eye(A.rows) - z * A, extra=list(y0) + list(f))
    rhs = DomainMatrix([[numbers.convert(v)] for v in y0], (y0.rows, 1), numbers.field)
    x = system.lu_solve(rhs)
    weights = [numbers.convert(v) for v in f]
    total = numbers.field.zero
    for w, row in zip(weights, x.to_list()):
        total += w * row[0]
    return sympy.cancel(numbers.to_sympy(total))


def _inverse_z_transform(generating: sympy.Expr, z: sympy.Symbol, t: sympy.Symbol) -> sympy.Expr:
    """The coefficient of ``z^t`` in a rational function of ``z``, for every ``t ≥ 0``, in paper-ready form.

    ``apart_list`` gives ``G = c (P(z) + Σ Σ_{D(a)=0} N(a)/(z − a)^m)``.  The
    coefficient of ``z^t`` in ``1/(z − a)^m`` is
    ``(−1)^m binomial(t+m−1, m−1) a^−(t+m)``, i.e. ``λ^t`` times a polynomial in
    ``t``, with the eigenvalue ``λ = 1/a``.  Each root polynomial ``D`` is split
    into irreducible factors: rational roots are written out, grouped by
    ``λ`` (one polynomial in ``t`` per eigenvalue, each coefficient cancelled
    and factored on its own, so nothing large is ever expanded); irreducible
    factors of higher degree stay a ``RootSum``; the polynomial part ``P``
    (nilpotent dynamics) gives ``KroneckerDelta(t, j)`` terms.
    """
    from sympy.polys.partfrac import apart_list

    common, polypart, fractions = apart_list(generating, z)
    total = sympy.Integer(0)
    for (power,), coef in polypart.terms():
        if coef != 0:
            total += _tidy(sympy.cancel(common * coef)) * sympy.KroneckerDelta(t, power)
    by_eigenvalue: dict = {}   # λ -> {power of t: coefficient}
    for root_poly, numerator, _denominator, m in fractions:
        a = numerator.variables[0]
        weight = sympy.Poly(sympy.expand_func(sympy.binomial(t + m - 1, m - 1)), t)
        _, factors = sympy.factor_list(root_poly.as_expr())
        for factor, _multiplicity in factors:
            poly = sympy.Poly(factor, root_poly.gen)
            if poly.degree() == 1:
                root = sympy.cancel(-poly.nth(0) / poly.nth(1))
                scale = sympy.cancel(common * numerator.expr.xreplace({a: root}) * (-1) ** m / root**m)
                terms = by_eigenvalue.setdefault(sympy.cancel(1 / root), {})
                for (i,), c in weight.terms():
                    terms[i] = terms.get(i, 0) + scale * c
            else:
                body = numerator.expr * (-1) ** m * weight.as_expr() * a ** (-(t + m))
                total += common * sympy.RootSum(poly, sympy.Lambda(a, body))
    for eigenvalue, terms in by_eigenvalue.items():
        polynomial = sum((_tidy(sympy.cancel(c)) * t**i for i, c in sorted(terms.items()) if c != 0),
                         sympy.Integer(0))
        if polynomial != 0:
            total += polynomial * sympy.Pow(_tidy(eigenvalue), t)
    return total


@guarded
def closed_form(rec: MomentRecursion, models: Sequence[int] | None = None, name: str = "error") -> tuple:
    """``E_k(t)`` as an expression in :data:`T_SYMBOL`, valid for all ``t ≥ 0``.

    Parameters
    ----------
    rec : Recurrence
        An exact recursion on a small graph.
    models : sequence of int, optional
        Which models (default all); others get ``None``.

    Raises
    ------
    InputError
        For float graphs, or when the recursion a model depends on has more
        than :data:`CLOSED_FORM_MAX_DIMENSION` entries.
    """
    if not rec.exact:
        raise InputError("closed forms need an exact graph")
    rows, noise, initial, forms = _system(rec, name)
    chosen = range(rec.K) if models is None else models
    t = T_SYMBOL
    out: list = [None] * rec.K
    for k in chosen:
        keep = _dependencies(rows, set(forms[k]))
        if len(keep) + 1 > CLOSED_FORM_MAX_DIMENSION:
            raise InputError(
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
        z = sympy.Dummy("z")
        out[k] = _inverse_z_transform(_generating_function(A, y0, f, z), z, t)
    return tuple(out)

