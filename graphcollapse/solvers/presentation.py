"""Canonical, paper-ready forms of exact results.

A limit such as ``-1/(a*n*(a - 2))`` is correct but reads badly when every
weight lies in [0, 1]: :func:`tidy` writes it ``1/(a*n*(2 - a))``.  It
cancels, factors, and flips the sign of every factor that is negative at an
interior point of the parameter domain (weights in (0, 1), sizes and
variances positive), so each printed factor is positive there.

Examples
--------
>>> import sympy
>>> a, n = sympy.symbols("a n", real=True)
>>> tidy(-1/(a*n*(a - 2)))
1/(a*n*(2 - a))
>>> tidy(sympy.Rational(6, 4))
3/2
"""

from __future__ import annotations

import sympy

from ..linalg.polys import fraction_factors

__all__ = ["tidy"]

_INTERIOR = sympy.Rational(1, 3)


def _positive_product(factors, symbols) -> tuple[sympy.Expr, int]:
    sign = 1
    out = sympy.Integer(1)
    point = {s: _INTERIOR for s in symbols}
    for base, power in factors:
        value = base.xreplace(point)
        if value.is_number and value < 0:
            base = sympy.expand(-base)
            if power % 2:
                sign = -sign
        out *= sympy.Pow(base, power, evaluate=False) if power != 1 else base
    return out, sign


def tidy(value: sympy.Expr) -> sympy.Expr:
    """Cancel, factor, and orient factors to be positive on the parameter domain."""
    if not isinstance(value, sympy.Expr) or not value.free_symbols or value.has(sympy.Piecewise):
        return value
    symbols = sorted(value.free_symbols, key=str)
    content, top_factors, bottom_factors = fraction_factors(value)
    top, s1 = _positive_product(top_factors, symbols)
    bottom, s2 = _positive_product(bottom_factors, symbols)
    sign = 1 if content >= 0 else -1
    result = abs(content) * top / bottom
    return result if s1 * s2 * sign > 0 else -result
