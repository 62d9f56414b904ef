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

from graphcollapse.numbers.algebraic import as_expression, real_root, simplest_between
from graphcollapse.numbers.certify import horner, rational_sign
from graphcollapse.numbers.domain import NumberDomain, sign

__all__ = ["HOLDS", "Root", "Cell", "Cells", "Interval", "univariate_polys", "decide_univariate",
           "solution_intervals"]

_X = sympy.Symbol("x")  # the variable of the polynomials of exact root values (CRootOf)


#: Whether a sign s satisfies "s op 0".
HOLDS = {"==": lambda s: s == 0, "!=": lambda s: s != 0, ">": lambda s: s > 0,
         ">=": lambda s: s >= 0, "<": lambda s: s < 0, "<=": lambda s: s <= 0}


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
        if rational_sign(horner(_coeffs(self.factor), middle)) == rational_sign(horner(_coeffs(self.factor), self.lo)):
            self.lo = middle
        else:
            self.hi = middle



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
        coefficients = _coeffs(poly)
        if cell.root is None:
            return rational_sign(horner(coefficients, cell.sample))
        root = cell.root
        if root.rational is not None:
            return rational_sign(horner(coefficients, root.rational))
        if tuple(root.factor.all_coeffs()) in self._factor_keys.get(_key(poly), ()):
            return 0
        # No root of poly lies in [lo, hi] besides possibly this one, and it is not one.
        return rational_sign(horner(coefficients, (root.lo + root.hi) / 2))


@dataclass(frozen=True)
class Interval:
    """An interval of one symbol with exact endpoints (``-oo``/``oo`` for unbounded ends).

    Examples
    --------
    >>> from sympy import Symbol, Rational, sqrt, oo
    >>> a = Symbol("a")
    >>> print(Interval(a, Rational(1, 2), Rational(11, 20), False, True), Interval(a, 0, oo, True, False))
    1/2 < a <= 11/20 a >= 0
    >>> Interval(a, 0, sqrt(2), False, False).contains(Rational(141, 100))
    True
    """

    symbol: sympy.Symbol
    lo: sympy.Expr
    hi: sympy.Expr
    lo_closed: bool
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return self.lo_closed and self.hi_closed and self.lo == self.hi

    def contains(self, value) -> bool:
        """Whether the exact constant ``value`` lies in the interval (certified comparison)."""
        value = as_expression(value)
        if self.lo != -sympy.oo:
            side = sign(value - self.lo)
            if side < 0 or (side == 0 and not self.lo_closed):
                return False
        if self.hi != sympy.oo:
            side = sign(self.hi - value)
            if side < 0 or (side == 0 and not self.hi_closed):
                return False
        return True

    def __str__(self) -> str:
        s = self.symbol
        if self.is_point:
            return f"{s} = {self.lo}"
        left = "" if self.lo == -sympy.oo else f"{self.lo} {'<=' if self.lo_closed else '<'} "
        right = "" if self.hi == sympy.oo else f" {'<=' if self.hi_closed else '<'} {self.hi}"
        if not left and not right:
            return f"-oo < {s} < oo"
        if not left:
            return f"{s}{right}"
        if not right:
            return f"{s} {'>=' if self.lo_closed else '>'} {self.lo}"
        return f"{left}{s}{right}"


def univariate_polys(group, index: int, domain: NumberDomain):
    """Conditions ``(g, op)`` over the domain's ring, with rational coefficients, as Polys in symbol ``index``."""
    x = domain.symbols[index]
    polys = []
    for g, op in group:
        terms = {(monom[index],): _to_qq(c, domain.ground) for monom, c in g.terms()}
        polys.append((sympy.Poly.from_dict(terms or {(0,): 0}, x, domain=sympy.QQ), op))
    return polys


def _to_qq(c, ground):
    if ground.is_QQ:
        return c
    parts = c.to_list()
    return parts[0] if parts else sympy.QQ.zero


def _cell_table(polys, cells: Cells) -> list[tuple]:
    return [(cell, all(HOLDS[op](cells.sign(p, cell)) for p, op in polys)) for cell in cells]


def decide_univariate(group, index: int, domain: NumberDomain):
    """``(status, {index: witness}, method)`` for conditions in one symbol, exactly (no solver)."""
    polys = univariate_polys(group, index, domain)
    cells = Cells([p for p, _ in polys])
    feasible = [cell for cell, ok in _cell_table(polys, cells) if ok]
    method = "real root isolation"
    if not feasible:
        return "infeasible", {}, method
    # Prefer a simple rational: an open cell's sample, else a rational root, else an exact irrational root.
    opens = [c.sample for c in feasible if c.root is None]
    if opens:
        best = min(opens, key=lambda q: (q.denominator, abs(q.numerator)))
        return "feasible", {index: sympy.Rational(best.numerator, best.denominator)}, method
    rational = [c.root.rational for c in feasible if c.root.rational is not None]
    if rational:
        best = min(rational, key=lambda q: (q.denominator, abs(q.numerator)))
        return "feasible", {index: sympy.Rational(best.numerator, best.denominator)}, method
    return "feasible", {index: feasible[0].root.value()}, method


def solution_intervals(polys, symbol: sympy.Symbol) -> tuple[Interval, ...]:
    """Where all the sign conditions ``(poly, op)`` hold, as sorted disjoint intervals of ``symbol``."""
    cells = Cells([p for p, _ in polys])
    table = _cell_table(polys, cells)
    intervals, start = [], None
    for position, (cell, ok) in enumerate(table + [(None, False)]):
        if ok and start is None:
            start = position
        elif not ok and start is not None:
            intervals.append(_merge(symbol, table[start][0], table[position - 1][0]))
            start = None
    return tuple(intervals)


def _merge(symbol, first, last) -> Interval:
    if first.root is not None:
        lo, lo_closed = first.root.value(), True
    else:
        lo, lo_closed = (-sympy.oo if first.left is None else first.left.value()), False
    if last.root is not None:
        hi, hi_closed = last.root.value(), True
    else:
        hi, hi_closed = (sympy.oo if last.right is None else last.right.value()), False
    return Interval(symbol, lo, hi, lo_closed, hi_closed)


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
                         if rational_sign(horner(_coeffs(f), lo)) * rational_sign(horner(_coeffs(f), hi)) < 0)
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
