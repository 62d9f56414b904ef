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

from collections import OrderedDict

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.domain import domain_of
from graphcollapse.numbers.polys import _touch, _trim, reduced_factors, remember, remembered_symbols

__all__ = ["tidy"]

_INTERIOR = sympy.Rational(1, 3)

#: ``(value, orientation point) -> tidy form``; every tidy form is also a fixed point.
_TIDY: OrderedDict = OrderedDict()
_TIDY_MAX = 512


def _product(factors) -> sympy.Expr:
    out = sympy.Integer(1)
    for base, power in factors:
        out *= sympy.Pow(base, power, evaluate=False) if power != 1 else base
    return out


def tidy(value: sympy.Expr, at=None) -> sympy.Expr:
    """Cancel, factor, and orient factors to be positive on the parameter domain.

    ``at`` is an interior point of the valid region (a mapping from symbols to
    rationals; symbols it does not give, and the default, take ``1/3``): each
    factor is oriented to be positive there.

    >>> a = sympy.Symbol("a", real=True)
    >>> tidy(-1/(160*(1 - 2*a)*(3 - 5*a)), at={a: sympy.Rational(27, 50)})
    1/(160*(3 - 5*a)*(2*a - 1))
    """
    if not isinstance(value, sympy.Expr):
        return value
    given = frozenset((s, v) for s, v in at.items() if getattr(v, "is_Rational", False)) if at else frozenset()
    key = (value, given)
    found = _TIDY.get(key)
    if found is not None:
        _touch(_TIDY, key)
        return found
    symbols = remembered_symbols(value)  # known rational over QQ: no walk over the expression
    if symbols is None:
        if not value.free_symbols or value.has(sympy.Piecewise):
            return value
        try:
            domain = domain_of([value])
        except InputError:
            return value  # not a rational function of its symbols (e.g. a power with exponent t): left as it is
        if not domain.is_rational:
            # Algebraic coefficients: the number field's canonical spelling (flint factors over QQ only).
            return domain.canonical(value)
        symbols = sorted(value.free_symbols, key=str)
    point = {s: _INTERIOR for s in symbols}
    point.update({s: v for s, v in given if s in point})
    content, top, bottom, reduced = reduced_factors(value, orient_at=point, symbols=symbols)
    out = content * _product(top) / _product(bottom)
    if reduced is not None:
        remember(out, *reduced)
    for k in (key, (out, given)):
        _TIDY[k] = out
    _trim(_TIDY, _TIDY_MAX)
    return out
