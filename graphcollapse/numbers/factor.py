"""Irreducible factors of a rational function over its exact domain, normalised.

The "atoms" whose vanishing changes which weights of a graph are zero are the
irreducible factors of the weights' numerators and denominators.  They are
only useful if each has one spelling, so :func:`factor_irreducible`
normalises them: over ``QQ`` a factor is primitive with integer coefficients
and a positive leading coefficient in the lex order of the domain's symbols;
over ``QQ<θ>`` it is monic, and then primitive over the integers when its
coefficients happen to be rational.

Examples
--------
>>> from sympy import Symbol, sqrt
>>> from graphcollapse.numbers.domain import domain_of
>>> a, b = Symbol("a", real=True), Symbol("b", real=True)
>>> factor_irreducible((6*a - 3) / (4 - 2*b), domain_of([a, b]))
(-3/2, [(2*a - 1, 1), (b - 2, -1)])
>>> factor_irreducible(a**2 - 2*b**2, domain_of([a, b, sqrt(2)]))
(1, [(a - sqrt(2)*b, 1), (a + sqrt(2)*b, 1)])
"""

from __future__ import annotations

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.elements import rational_scale

__all__ = ["factor_irreducible"]


def factor_irreducible(expr, domain: NumberDomain) -> tuple[sympy.Expr, list[tuple[sympy.Expr, int]]]:
    """Factor ``expr`` into a constant and normalised irreducible polynomials over ``domain``.

    Parameters
    ----------
    expr : Expr
        A polynomial or rational function of ``domain.symbols``.
    domain : NumberDomain
        The domain in which ``expr`` lives (coefficients factor over its ground).

    Returns
    -------
    (content, factors)
        ``content`` is an exact constant and ``factors`` a list of
        ``(factor, multiplicity)``; denominator factors carry negative
        multiplicities, so ``content * prod(f**m)`` equals ``expr``.  Factors
        are sorted by SymPy's default sort key.
    """
    element = domain.convert(expr)
    if not domain.symbols:
        return domain.to_sympy(element), []
    ground = domain.ground
    content = ground.one
    factors: dict[sympy.Expr, int] = {}
    for polynomial, direction in ((element.numer, 1), (element.denom, -1)):
        if polynomial.is_zero:
            return sympy.Integer(0), []
        unit, parts = polynomial.factor_list()
        content = content * unit if direction > 0 else content / unit
        for factor, multiplicity in parts:
            scale, normal = _normalise(factor, ground)
            content = content * scale**multiplicity if direction > 0 else content / scale**multiplicity
            key = normal.as_expr()
            factors[key] = factors.get(key, 0) + direction * multiplicity
    listing = sorted(((f, m) for f, m in factors.items() if m != 0), key=lambda item: sympy.default_sort_key(item[0]))
    if any(f.free_symbols - set(domain.symbols) for f, _ in listing):  # pragma: no cover - defensive
        raise InputError(f"{expr}: factors outside the domain's symbols")
    return ground.to_sympy(content), listing


def _normalise(factor, ground):
    """``(scale, normal)`` with ``factor == scale * normal`` and ``normal`` in its normal form."""
    lead = factor.LC
    monic = factor.quo_ground(lead)
    rational = rational_scale(monic.coeffs(), ground)
    multiplier = ground.convert_from(sympy.QQ.convert(rational), sympy.QQ)
    return lead / multiplier, monic.mul_ground(multiplier)
