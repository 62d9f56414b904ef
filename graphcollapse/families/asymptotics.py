"""Closed forms as ``K → ∞`` (or ``i → ∞``): the limit, the leading term, its order — exactly.

A rational function ``P(K)/Q(K)`` (coefficients in the other symbols) has
leading term ``lc(P)/lc(Q) · K^(deg P − deg Q)``: read off the polynomials,
no numerical limit.  Geometric terms ``b^K`` (paths by position, circulants)
vanish when ``|b| < 1`` on the valid region of the symbols, which is decided
exactly by :func:`~graphcollapse.numbers.regions.decide` (the statement is
then "for every point of the region where no weight vanishes").  The
leading coefficient may vanish at special values of the symbols; the
statement is for generic values and says so.

Examples
--------
>>> from graphcollapse.families.rules import K
>>> a = sympy.Symbol("a", real=True)
>>> str(asymptotic((1 + (1 - a)**2 / (K * (1 - (1 - a)**2)))))
'K -> oo: 1'
>>> asymptotic(K**2 / (2 * K + 1)).leading
K/2
"""

from __future__ import annotations

from typing import Iterable

import sympy

from graphcollapse.errors import UndecidedError, UnsupportedError
from graphcollapse.families.results import Asymptotic
from graphcollapse.families.rules import K
from graphcollapse.numbers.forms import tidy
from graphcollapse.numbers.regions import decide

__all__ = ["asymptotic", "rational_asymptotic", "vanishing_powers"]

GENERIC = "for generic values of the other symbols (the leading coefficient may vanish at special values)"


def rational_asymptotic(expr, var: sympy.Symbol = K, point=None) -> Asymptotic | None:
    """Leading term of a rational function of ``var`` (``None`` if ``expr`` is not one)."""
    expr = sympy.cancel(sympy.together(expr))
    num, den = sympy.fraction(expr)
    try:
        P, Q = sympy.Poly(num, var), sympy.Poly(den, var)
    except sympy.PolynomialError:
        return None
    if any(var in c.free_symbols for c in (*P.coeffs(), *Q.coeffs())):
        return None
    if P.is_zero:
        return Asymptotic(var, sympy.Integer(0), sympy.Integer(0), None)
    m = P.degree() - Q.degree()
    coefficient = sympy.cancel(P.LC() / Q.LC())
    coefficient = tidy(coefficient, at=point) if coefficient.free_symbols else coefficient
    leading = coefficient * var**m
    if m < 0:
        limit = sympy.Integer(0)
    elif m == 0:
        limit = coefficient
    else:
        limit = sympy.oo  # values and slopes are positive: a positive degree means unbounded growth
    note = GENERIC if coefficient.free_symbols else None
    return Asymptotic(var, limit, leading, var**m, note)


def _geometric(expr, var):
    """``{power: effective base}`` for the powers ``b**(c var + d)`` in ``expr`` (effective base ``b**c``)."""
    out = {}
    for p in expr.atoms(sympy.Pow):
        if p.exp.has(var) and not p.base.has(var):
            c = sympy.expand(p.exp).coeff(var)
            if not sympy.expand(p.exp - c * var).has(var):
                out[p] = sympy.powsimp(p.base**c)
    return out


def vanishing_powers(expr, var: sympy.Symbol, region: Iterable = (), symbols: Iterable = ()) -> tuple:
    """``(bases with |b| < 1, bases not shown to be)`` of the geometric terms ``b**var`` in ``expr``.

    ``region`` is the list of constraints on the other symbols (``(expr, op)``).
    """
    small, other = [], []
    symbols = tuple(symbols)
    for b in sorted(set(_geometric(expr, var).values()), key=str):
        if not b.free_symbols:
            (small if abs(b) < 1 else other).append(b)
            continue
        try:
            outside = [decide(list(region) + [(b - 1, ">=")], symbols).feasible,
                       decide(list(region) + [(b + 1, "<=")], symbols).feasible]
        except (UndecidedError, UnsupportedError):
            other.append(b)
            continue
        (other if any(outside) else small).append(b)
    return tuple(small), tuple(other)


def asymptotic(expr, var: sympy.Symbol = K, region: Iterable = (), symbols: Iterable = (),
               point=None) -> Asymptotic | None:
    """The behaviour of ``expr`` as ``var → ∞`` (see the module docstring), or ``None`` if not decided."""
    if expr is None or isinstance(expr, sympy.Piecewise):
        return None
    found = rational_asymptotic(expr, var, point)
    if found is not None:
        return found
    small, other = vanishing_powers(expr, var, region, symbols)
    if other or not small:
        return None
    # every geometric term b**var with |b| < 1 on the region tends to 0; what remains is rational
    powers = _geometric(expr, var)
    rest = expr.xreplace({p: sympy.Integer(0) for p, b in powers.items() if b in small})
    if rest.has(var) and rational_asymptotic(rest, var) is None:
        return None
    tail = rational_asymptotic(rest, var, point)
    bases = ", ".join(f"|{b}| < 1" for b in small)
    note = f"geometric terms vanish ({bases} on the region where no weight vanishes)"
    if tail is None or tail.limit == 0:
        return Asymptotic(var, sympy.Integer(0) if tail is None else tail.limit, None, None, note)
    return Asymptotic(var, tail.limit, tail.leading, tail.order, "; ".join(x for x in (note, tail.note) if x))
