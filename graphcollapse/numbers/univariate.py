"""Exact sign conditions in one real variable: real root isolation and a cell decomposition.

The real line, cut at the real roots of every polynomial in play, falls into
*cells*: the roots themselves and the open intervals between them.  Each
polynomial has one sign on each cell, so a conjunction of sign conditions
holds either on all of a cell or on none of it, and testing one point per
cell decides it completely.  Roots are isolated exactly (SymPy's real root
isolation on the irreducible factors over QQ; rational roots of linear
factors are kept as rationals), isolating intervals are refined by exact
bisection until they are strictly separated, and signs are exact rational
evaluations: at an irrational root a polynomial not divisible by the root's
factor has no root in its isolating interval, so its sign there is its sign
at the interval's midpoint.

Examples
--------
>>> from sympy import Poly, Symbol
>>> x = Symbol("x")
>>> cells = Cells([Poly(x**2 - 2, x), Poly(2*x - 1, x)])
>>> [str(c) for c in cells]
['(-oo, -sqrt(2))', '-sqrt(2)', '(-sqrt(2), 1/2)', '1/2', '(1/2, sqrt(2))', 'sqrt(2)', '(sqrt(2), oo)']
>>> [cells.sign(Poly(x**2 - 2, x), c) for c in cells]
[1, 0, -1, -1, -1, 0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from .algebraic import real_root, simplest_between

__all__ = ["Root", "Cell", "Cells"]

_X = sympy.Symbol("x")  # the variable of the polynomials of exact root values (CRootOf)


@dataclass
class Root:
    """A real root, isolated in ``[lo, hi]`` (``lo == hi == value`` for a rational root)."""

    factor: sympy.Poly  # the irreducible factor (primitive, positive leading coefficient)
    index: int  # which real root of the factor, from the left
    lo: Fraction
    hi: Fraction
    rational: Fraction | None = None

    def value(self) -> sympy.Expr:
        """The exact root: a Rational, a square-root expression, or a CRootOf."""
        if self.rational is not None:
            return sympy.Rational(self.rational.numerator, self.rational.denominator)
        return real_root(sympy.Poly(self.factor.as_expr().subs(self.factor.gen, _X), _X), self.index)

    def bisect(self, at: Fraction | None = None) -> None:
        """Halve the isolating interval (at ``at`` if given), keeping the root inside."""
        middle = (self.lo + self.hi) / 2 if at is None else at
        if _sign(_horner(self.coefficients, middle)) == _sign(_horner(self.coefficients, self.lo)):
            self.lo = middle
        else:
            self.hi = middle

    @property
    def coefficients(self) -> list[Fraction]:
        return [Fraction(int(c.p), int(c.q)) for c in self.factor.all_coeffs()]


@dataclass(frozen=True)
class Cell:
    """A root (``root`` set) or the open interval between two roots (``None`` for an infinite end)."""

    sample: Fraction | None  # a rational point of an open cell
    root: Root | None = None
    left: Root | None = None
    right: Root | None = None

    def __str__(self) -> str:
        if self.root is not None:
            return str(self.root.value())
        left = "-oo" if self.left is None else str(self.left.value())
        right = "oo" if self.right is None else str(self.right.value())
        return f"({left}, {right})"


class Cells:
    """The cells of the real line cut at the real roots of ``polys`` (Polys over QQ in one variable)."""

    def __init__(self, polys):
        self._factor_keys: dict = {}
        factors = {}
        for poly in polys:
            keys = set()
            for factor, _ in poly.factor_list()[1]:
                factor = _normal(factor)
                key = tuple(factor.all_coeffs())
                factors[key] = factor
                keys.add(key)
            self._factor_keys[_key(poly)] = keys
        self.roots = _isolate(list(factors.values()))
        cells = [Cell(sample=simplest_between(None, self.roots[0].lo) if self.roots else Fraction(0),
                      right=self.roots[0] if self.roots else None)]
        for i, root in enumerate(self.roots):
            cells.append(Cell(sample=None, root=root))
            following = self.roots[i + 1] if i + 1 < len(self.roots) else None
            cells.append(Cell(sample=simplest_between(root.hi, None if following is None else following.lo),
                              left=root, right=following))
        self.cells = cells

    def __iter__(self):
        return iter(self.cells)

    def sign(self, poly: sympy.Poly, cell: Cell) -> int:
        """The exact sign of ``poly`` (one of the polynomials given, or a constant) on ``cell``."""
        coefficients = [Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs()]
        if cell.root is None:
            return _sign(_horner(coefficients, cell.sample))
        root = cell.root
        if root.rational is not None:
            return _sign(_horner(coefficients, root.rational))
        if tuple(root.factor.all_coeffs()) in self._factor_keys.get(_key(poly), ()):
            return 0
        # No root of poly lies in [lo, hi] besides possibly this one, and it is not one.
        return _sign(_horner(coefficients, (root.lo + root.hi) / 2))


def _isolate(factors: list) -> list[Root]:
    """Sorted, strictly separated isolating intervals of the real roots of distinct irreducible factors."""
    roots: list[Root] = []
    nonlinear = [f for f in factors if f.degree() > 1]
    for factor in factors:
        if factor.degree() == 1:
            c1, c0 = (Fraction(int(c.p), int(c.q)) for c in factor.all_coeffs())
            r = -c0 / c1
            roots.append(Root(factor, 0, r, r, rational=r))
    if nonlinear:
        product = sympy.prod(nonlinear[1:], nonlinear[0])
        counts = {tuple(f.all_coeffs()): 0 for f in nonlinear}
        for (lo, hi), _ in product.intervals():
            lo, hi = Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))
            # The factor with the root changes sign across the interval (its endpoints are not
            # roots: an irreducible factor of degree > 1 has no rational root).
            owner = next(f for f in nonlinear
                         if _sign(_horner(_coeffs(f), lo)) * _sign(_horner(_coeffs(f), hi)) < 0)
            key = tuple(owner.all_coeffs())
            roots.append(Root(owner, counts[key], lo, hi))
            counts[key] += 1
    rationals = [r for r in roots if r.rational is not None]
    for root in roots:  # push rational roots out of irrational intervals
        if root.rational is None:
            for other in rationals:
                if root.lo < other.rational < root.hi:
                    root.bisect(other.rational)
    roots.sort(key=lambda r: (r.lo, r.hi))
    for left, right in zip(roots, roots[1:]):  # strict separation, so samples exist between
        while not left.hi < right.lo:
            (left if left.rational is None else right).bisect()
    return roots


def _normal(factor: sympy.Poly) -> sympy.Poly:
    _, primitive = factor.primitive()
    return -primitive if primitive.LC() < 0 else primitive


def _key(poly: sympy.Poly) -> tuple:
    return tuple(poly.all_coeffs())


def _coeffs(poly: sympy.Poly) -> list[Fraction]:
    return [Fraction(int(c.p), int(c.q)) for c in poly.all_coeffs()]


def _horner(coefficients: list[Fraction], x: Fraction) -> Fraction:
    value = Fraction(0)
    for c in coefficients:
        value = value * x + c
    return value


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)
