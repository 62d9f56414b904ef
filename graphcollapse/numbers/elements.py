"""Folding an expression tree into exact field elements, and the normal form of fractions.

:func:`fold` walks ``+``, ``*`` and integer powers of a SymPy tree and
combines the values of its leaves (rationals, symbols, algebraic
generators) with the arithmetic of whatever type the leaves map to: elements
of ``QQ`` or ``QQ<θ>``, or :class:`Quotient` pairs of polynomials that are
cancelled only once at the end (cancelling after every operation costs a gcd
each time and dominated conversion).

Examples
--------
>>> import sympy
>>> ring, a = sympy.polys.rings.ring("a", sympy.QQ)
>>> leaf = lambda e: Quotient(ring(int(e.p)), ring(int(e.q))) if e.is_Rational else Quotient(a, ring.one)
>>> q = fold(1 / sympy.Symbol("a") + sympy.Rational(1, 2), leaf, Quotient.inverse, {})
>>> q.numerator, q.denominator
(a + 2, 2*a)
"""

from __future__ import annotations

import math
from typing import Callable

import sympy

__all__ = ["Quotient", "fold", "rational_scale"]


class Quotient:
    """An uncancelled fraction ``numerator / denominator`` of polynomials."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator, denominator):
        self.numerator, self.denominator = numerator, denominator

    def __add__(self, other: "Quotient") -> "Quotient":
        if other.denominator == self.denominator:
            return Quotient(self.numerator + other.numerator, self.denominator)
        return Quotient(self.numerator * other.denominator + other.numerator * self.denominator,
                        self.denominator * other.denominator)

    def __mul__(self, other: "Quotient") -> "Quotient":
        return Quotient(self.numerator * other.numerator, self.denominator * other.denominator)

    def __pow__(self, n: int) -> "Quotient":
        return Quotient(self.numerator**n, self.denominator**n)

    def inverse(self) -> "Quotient":
        if not self.numerator:
            raise ZeroDivisionError
        return Quotient(self.denominator, self.numerator)


def fold(expr: sympy.Expr, leaf: Callable, invert: Callable, memo: dict):
    """The value of ``expr`` from the values of its leaves (``leaf``) and ``invert`` for negative powers.

    Raises ZeroDivisionError when ``invert`` does (a denominator that is exactly zero).
    """
    if expr in memo:
        return memo[expr]
    if expr.is_Add or expr.is_Mul:
        items = [fold(arg, leaf, invert, memo) for arg in expr.args]
        value = items[0]
        for item in items[1:]:
            value = value + item if expr.is_Add else value * item
    elif expr.is_Pow and expr.exp.is_Integer:
        base, n = fold(expr.base, leaf, invert, memo), int(expr.exp)
        if n < 0:
            base, n = invert(base), -n
        value = base**n
    else:  # a rational, a symbol or an algebraic generator
        value = leaf(expr)
    memo[expr] = value
    return value


def rational_scale(coefficients, ground) -> sympy.Rational:
    """The positive rational that makes rational (monic) coefficients coprime integers; 1 otherwise.

    Examples
    --------
    >>> rational_scale([sympy.QQ(1), sympy.QQ(2, 3), sympy.QQ(-5, 6)], sympy.QQ)
    6
    """
    rationals = []
    for c in coefficients:
        if ground.is_QQ:
            rationals.append(sympy.Rational(int(c.numerator), int(c.denominator)))
        else:
            parts = c.to_list()
            if len(parts) > 1:
                return sympy.Integer(1)
            rationals.append(sympy.Rational(int(parts[0].numerator), int(parts[0].denominator)) if parts else 0)
    denominators = math.lcm(*[int(r.q) for r in rationals])
    numerators = math.gcd(*[int(r.p) * denominators // int(r.q) for r in rationals])
    return sympy.Rational(denominators, numerators or 1)
