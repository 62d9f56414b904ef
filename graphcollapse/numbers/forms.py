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

from graphcollapse.numbers.polys import fraction_factors

__all__ = ["tidy"]

_INTERIOR = sympy.Rational(1, 3)


def _product(factors) -> sympy.Expr:
    out = sympy.Integer(1)
    for base, power in factors:
        out *= sympy.Pow(base, power, evaluate=False) if power != 1 else base
    return out


def tidy(value: sympy.Expr) -> sympy.Expr:
    """Cancel, factor, and orient factors to be positive on the parameter domain."""
    if not isinstance(value, sympy.Expr) or not value.free_symbols or value.has(sympy.Piecewise):
        return value
    content, top, bottom = fraction_factors(value, orient_at=_INTERIOR)
    return content * _product(top) / _product(bottom)
