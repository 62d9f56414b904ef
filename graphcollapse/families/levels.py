"""Limits by position on paths and trees: a linear recurrence in the distance ``i`` from the real data.

In a :class:`~.structures.Levels` family a model at distance ``i ≥ 1`` trains
on ``c`` models at distance ``i − 1`` whose upstream sets are disjoint, so
their errors are independent: ``S_jj' = 0`` for distinct sources.  The
limit equation of a model at distance ``i`` then involves its sources'
own second moments only,

    X_i = c w² M X_{i−1} Mᵀ + D        (pooled OLS: c C_jj X_{i−1} + D),
    X_0 = D_0                          (distance 0: real data only),

a first-order linear recurrence with constant coefficients.  It is solved in
closed form, ``X_i = A^i (X_0 − X*) + X*`` with ``X* = (I − A)⁻¹ D`` (``X_0 + i D``
when ``A = I``), and ``L(i) = tr(T X_i)``; with ``A = a I`` (every ``M = I``
estimator) it reads ``L(i) = L* + (L_0 − L*) a^i``.  Nothing ever collapses: every model has
a finite, acyclic upstream set.  The closed form does not depend on ``K``
(only on ``i < K``); the worst model is the farthest, ``i = K − 1``.

Examples
--------
>>> from graphcollapse.families import family, POSITION
>>> f = family("path", real="a", n="n", real_at="all")
>>> position_limit(f.structure).expr
-(1 - a)**2*(1 - a)**(2*i)/(a*n*(2 - a)) + 1/(a*n*(2 - a))
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.families.probe import Model, Source, Target, local_recursion
from graphcollapse.families.rules import POSITION, model_weights
from graphcollapse.families.structures import Levels
from graphcollapse.numbers.domain import is_zero
from graphcollapse.numbers.forms import tidy

__all__ = ["PositionForm", "position_limit"]


@dataclass(frozen=True)
class PositionForm:
    """``L(i)`` with the recurrence it solves: ``x_i = A x_{i−1} + d``, ``x_0`` given (vectorised ``X``)."""

    expr: sympy.Expr
    A: sympy.Matrix
    d: sympy.Matrix
    x0: sympy.Matrix
    trace: sympy.Matrix


def _targets(levels: Levels) -> list[Target]:
    model = Model.of(levels.rule)
    r0, s0, _ = model_weights(levels.rule, True, 0)
    r, s, w = model_weights(levels.rule, levels.chosen, levels.fan_in)
    if s0 != 0 or s != 0:
        raise UnsupportedError("self-loops couple a model with its sources; no recursion by position")
    return [Target("origin", model, r0),
            Target("level", model, r, sympy.Integer(0),
                   (Source("parent", w, sympy.Integer(levels.fan_in), None, model),))]


def position_limit(levels: Levels) -> PositionForm:
    """The limit at distance ``i`` (see the module docstring)."""
    local = local_recursion(levels.rule, _targets(levels))
    p = local.p
    _, _, w = model_weights(levels.rule, levels.chosen, levels.fan_in)
    rule = local.rules["level"]
    if rule is None:
        A = levels.fan_in * w**2 * sympy.kronecker_product(local.M, local.M)
    else:
        A = sympy.Matrix([[levels.fan_in * rule[("parent", "parent", "same")]]])
    A = A.applyfunc(sympy.cancel)
    d = sympy.Matrix(local.noise["level"]).reshape(p * p, 1)
    x0 = sympy.Matrix(local.noise["origin"]).reshape(p * p, 1)
    trace = sympy.Matrix(local.trace_weight.T).reshape(1, p * p)  # tr(T X) = Σ T_ba X_ab
    if A == A[0, 0] * sympy.eye(p * p):
        # x_i = a x_{i-1} + d: x_i = x* + (x_0 − x*) a^i with x* = d/(1 − a), or x_0 + i d when a = 1
        a = A[0, 0]
        first, step = (trace * x0)[0, 0], (trace * d)[0, 0]
        if is_zero(a - 1):
            expr = first + POSITION * step
        else:
            fixed = sympy.cancel(step / (1 - a))
            expr = _tidy(fixed) + _tidy(first - fixed) * _tidy(a) ** POSITION
    else:
        try:
            fixed = (sympy.eye(p * p) - A).LUsolve(d)
            X = A**POSITION * (x0 - fixed) + fixed
        except (ValueError, NotImplementedError, sympy.MatrixError) as err:
            raise UnsupportedError(f"the recursion by position has no closed form here: {err}") from None
        expr = (trace * X)[0, 0]
    return PositionForm(expr, A, d, x0, trace)


def _tidy(value):
    return tidy(value) if getattr(value, "free_symbols", None) else value
