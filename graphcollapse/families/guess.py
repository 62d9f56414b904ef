"""Guessed closed forms in ``K``: fitted to exact values, verified on further sizes, never called derived.

Where no symmetry reduction applies, the exact single-graph answers at
``K = K_0, K_0 + 1, …`` are fitted by

1. a rational function ``P(K)/Q(K)`` of the smallest total degree that
   interpolates the first ``deg P + deg Q + 1`` values (a linear system
   solved exactly, symbols allowed), or else
2. a linear recurrence with constant coefficients
   ``L(K) = c_1 L(K−1) + … + c_r L(K−r)`` of the smallest order that fits
   ``2r`` values (with a closed form from ``rsolve`` where it finds one),

and every remaining value is then compared exactly.  A form is returned
only if at least ``verify`` values beyond the fit agree; it is reported as
"conjectured, verified for K ≤ M" (:class:`~.results.ClosedForm` with
``derived=False``).

Examples
--------
>>> from graphcollapse.families.rules import K
>>> g = guess({k: sympy.Rational(k + 1, 2 * k + 3) for k in range(1, 8)})
>>> g.expr, g.kind, g.verified
((K + 1)/(2*K + 3), 'rational function', (4, 5, 6, 7))
>>> guess({k: sympy.fibonacci(k) for k in range(1, 12)}).recurrence
'L(K) = L(K - 1) + L(K - 2), L(1) = 1, L(2) = 1'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

import sympy

from graphcollapse.errors import GraphCollapseError, SingularSystemError
from graphcollapse.families.quotient import polynomial_rows
from graphcollapse.families.rules import K
from graphcollapse.linalg.exact_solve import solve_exact
from graphcollapse.numbers.domain import is_zero

__all__ = ["Guess", "guess", "DEFAULT_VERIFY"]

#: Values beyond the fit that must agree before a guess is reported.
DEFAULT_VERIFY = 3


@dataclass(frozen=True)
class Guess:
    """A fitted form: ``expr`` (or ``None`` with a ``recurrence``), the sizes fitted and verified."""

    expr: sympy.Expr | None
    kind: str
    fitted: tuple[int, ...]
    verified: tuple[int, ...]
    recurrence: str | None = None

    @property
    def verified_up_to(self) -> int:
        return max(self.fitted + self.verified)


def _agrees(form, values: Mapping[int, sympy.Expr], sizes) -> bool:
    try:
        return all(is_zero(sympy.cancel(form.xreplace({K: sympy.Integer(k)})) - values[k]) for k in sizes)
    except (GraphCollapseError, ZeroDivisionError):
        return False


def _rational(values: Mapping[int, sympy.Expr], num_degree: int, den_degree: int):
    """``P/Q`` with ``deg P = num_degree``, monic ``Q`` of degree ``den_degree`` through the first points."""
    sizes = sorted(values)[: num_degree + den_degree + 1]
    unknowns = num_degree + 1 + den_degree
    M = sympy.zeros(len(sizes), unknowns)
    B = sympy.zeros(len(sizes), 1)
    for row, k in enumerate(sizes):
        y = values[k]
        for e in range(num_degree + 1):
            M[row, e] = sympy.Integer(k) ** e
        for e in range(den_degree):
            M[row, num_degree + 1 + e] = -y * sympy.Integer(k) ** e
        B[row, 0] = y * sympy.Integer(k) ** den_degree
    try:
        x = solve_exact(*polynomial_rows(M, B))
    except (SingularSystemError, GraphCollapseError):
        return None, sizes
    P = sum((x[e] * K**e for e in range(num_degree + 1)), sympy.Integer(0))
    Q = K**den_degree + sum((x[num_degree + 1 + e] * K**e for e in range(den_degree)), sympy.Integer(0))
    return sympy.factor(sympy.cancel(P / Q)), sizes


def _recurrence(values: Mapping[int, sympy.Expr], order: int):
    """Coefficients ``c_1..c_r`` fitted on the first ``2 r`` values (``None`` if singular)."""
    sizes = sorted(values)
    seq = [values[k] for k in sizes]
    M = sympy.Matrix([[seq[t - j] for j in range(1, order + 1)] for t in range(order, 2 * order)])
    B = sympy.Matrix([seq[t] for t in range(order, 2 * order)])
    try:
        return list(solve_exact(*polynomial_rows(M, B))), sizes[: 2 * order]
    except (SingularSystemError, GraphCollapseError):
        return None, sizes[: 2 * order]


def guess(values: Mapping[int, sympy.Expr], *, verify: int = DEFAULT_VERIFY,
          budget_seconds: float = 30.0) -> Guess | None:
    """The simplest form that fits ``values`` (size to exact value) and agrees on ``verify`` more.

    Values must be at consecutive sizes.  Returns ``None`` when nothing fits
    (or when the search exceeds ``budget_seconds``; candidates are tried in
    order of size, so what was tried is the simplest).
    """
    deadline = time.monotonic() + budget_seconds
    sizes = sorted(values)
    if len(sizes) < verify + 1 or sizes != list(range(sizes[0], sizes[0] + len(sizes))):
        return None
    budget = len(sizes) - verify
    for total in range(budget):
        for num_degree in range(total + 1):
            if time.monotonic() > deadline:
                return None
            form, fitted = _rational(values, num_degree, total - num_degree)
            if form is None:
                continue
            rest = [k for k in sizes if k not in fitted]
            if _agrees(form, values, rest):
                return Guess(form, "rational function", tuple(fitted), tuple(rest))
    for order in range(1, budget // 2 + 1):
        if time.monotonic() > deadline:
            return None
        coefficients, fitted = _recurrence(values, order)
        if coefficients is None:
            continue
        seq = [values[k] for k in sizes]
        predicted = list(seq[:order])
        for t in range(order, len(seq)):
            predicted.append(sympy.cancel(sum(c * predicted[t - j] for j, c in enumerate(coefficients, 1))))
        rest = sizes[2 * order:]
        if all(is_zero(predicted[t] - seq[t]) for t in range(2 * order, len(seq))):
            return Guess(_recurrence_closed_form(coefficients, sizes[0], seq[:order]), "linear recurrence",
                         tuple(fitted), tuple(rest), _recurrence_text(coefficients, sizes[0], seq[:order]))
    return None


def _recurrence_text(coefficients, start: int, initial) -> str:
    terms = [f"{'' if c == 1 else f'({c})*'}L(K - {j})" for j, c in enumerate(coefficients, 1) if c != 0]
    init = ", ".join(f"L({start + t}) = {v}" for t, v in enumerate(initial))
    return f"L(K) = {' + '.join(terms) if terms else '0'}, {init}"


def _recurrence_closed_form(coefficients, start: int, initial):
    """``rsolve``'s solution of the fitted recurrence (``None`` when it finds none)."""
    f = sympy.Function("f")
    j = sympy.Symbol("j", integer=True)
    equation = f(j) - sum((c * f(j - e) for e, c in enumerate(coefficients, 1)), sympy.Integer(0))
    try:
        solved = sympy.rsolve(equation, f(j), {f(t): v for t, v in enumerate(initial)})
    except (ValueError, NotImplementedError, TypeError):
        return None
    return None if solved is None else solved.xreplace({j: K - start})
