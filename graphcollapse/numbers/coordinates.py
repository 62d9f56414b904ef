"""Algebraic values with symbols, by their coordinates over ``QQ(symbols)``.

An element ``x`` of ``QQ<θ>(a, b, …)`` (``d = [QQ<θ> : QQ]``) is uniquely
``x = Σ_{c<d} q_c θ^c`` with ``q_c ∈ QQ(a, b, …)``.  SymPy's fraction field
over ``QQ<θ>`` cancels every intermediate result by a multivariate gcd over
the number field, in pure Python, and that is very slow; here no gcd over
the number field is ever taken:

* :func:`coordinates` writes a value ``p/q`` (``p, q`` uncancelled
  polynomials over ``QQ<θ>``) as its ``d`` coordinates by solving the small
  system ``R(q) y = coords(p)`` over ``QQ[a, b, …]``, where ``R(q)`` is the
  matrix of multiplication by ``q`` in the basis ``1, θ, …, θ^{d-1}`` (Cramer's
  rule with polynomial cofactors, then one gcd over ``QQ`` per coordinate);
* :func:`regular_matrix` gives ``R(p)`` for a polynomial ``p``, which turns a
  linear system over ``QQ<θ>(a, b, …)`` into one ``d`` times larger over
  ``QQ(a, b, …)`` (what :func:`graphcollapse.linalg.exact_solve.solve_exact`
  does with algebraic systems with symbols);
* :func:`from_coordinates` is the canonical SymPy spelling ``Σ q_c θ^c``;
* :func:`vector` evaluates an expression directly as its coordinate vector,
  every intermediate coordinate a reduced fraction over ``QQ`` (a product
  reduces ``θ^k`` for ``k ≥ d`` with the minimal polynomial, an inverse
  solves ``R(x) y = e_0``), so long sums of fractions never pile up their
  denominators.

Examples
--------
>>> import sympy
>>> from graphcollapse.numbers.domain import NumberDomain
>>> a = sympy.Symbol("a", real=True)
>>> D = NumberDomain.from_expressions([sympy.sqrt(2) * a], (a,))
>>> coordinates(D, 1 / (a - sympy.sqrt(2)))
[a/(a**2 - 2), 1/(a**2 - 2)]
>>> from_coordinates(D, coordinates(D, (a + sympy.sqrt(2)) ** 2))
a**2 + 2*sqrt(2)*a + 2
"""

from __future__ import annotations

from itertools import permutations

import sympy
from sympy.polys.rings import ring

__all__ = ["coordinates", "from_coordinates", "regular_matrix", "element_coordinates", "degree", "vector"]


def degree(domain) -> int:
    """``[QQ<θ> : QQ]`` of the domain's ground field (1 for ``QQ``)."""
    return 1 if domain.is_rational else int(domain.ground.mod.degree())


def _rational_ring(domain):
    """``QQ[symbols]`` as a SymPy polynomial ring (cached on the domain)."""
    cached = domain.__dict__.get("_qq_ring")
    if cached is None:
        cached = domain.__dict__["_qq_ring"] = ring(list(domain.symbols), sympy.QQ)[0]
    return cached


def _ground_coords(domain, c) -> list:
    """Coordinates (in QQ, low powers of θ first) of an element of the ground field."""
    d = degree(domain)
    if d == 1:  # QQ (a generator that was rational in disguise maps to a rational)
        return [c]
    values = list(reversed(c.to_list()))
    return [sympy.QQ(0)] * d if not values else values + [sympy.QQ(0)] * (d - len(values))


def element_coordinates(domain, poly) -> list:
    """The ``d`` coordinate polynomials in ``QQ[symbols]`` of a polynomial over ``QQ<θ>``."""
    R = _rational_ring(domain)
    d = degree(domain)
    out = [R.zero] * d
    for monom, coeff in poly.terms():
        for r, value in enumerate(_ground_coords(domain, coeff)):
            if value:
                out[r] += R({monom: value})
    return out


def regular_matrix(domain, poly) -> list[list]:
    """``R(poly)``: column ``c`` holds the coordinates of ``poly · θ^c`` (polynomials in ``QQ[symbols]``)."""
    d = degree(domain)
    theta = domain.ground([1, 0]) if d > 1 else domain.ground.one
    columns = []
    power = domain.ground.one
    for _ in range(d):
        columns.append(element_coordinates(domain, poly.mul_ground(power)))
        power = power * theta
    return [[columns[c][r] for c in range(d)] for r in range(d)]


def _det(matrix):
    """Determinant of a small square matrix of ring elements (Leibniz; d ≤ 6 here)."""
    n = len(matrix)
    if n == 0:
        return 1
    total = None
    for perm in permutations(range(n)):
        inversions = sum(1 for i in range(n) for j in range(i + 1, n) if perm[i] > perm[j])
        term = matrix[0][perm[0]]
        for i in range(1, n):
            term = term * matrix[i][perm[i]]
        term = -term if inversions % 2 else term
        total = term if total is None else total + term
    return total


def _minor(matrix, i, j):
    return [row[:j] + row[j + 1:] for k, row in enumerate(matrix) if k != i]


def coordinates(domain, value) -> list[sympy.Expr]:
    """The canonical coordinates ``q_0 … q_{d-1}`` (SymPy rational functions in lowest terms) of ``value``."""
    if not isinstance(value, sympy.Basic):
        return quotient_coordinates(domain, value.numer, value.denom)
    return [_fraction_expr(q) for q in vector(domain, value)]


# -- coordinate vectors over QQ(symbols), reduced at every step --------------------------------------

def _fractions(domain):
    """``QQ(symbols)`` as SymPy's reduced fraction field (cached on the domain)."""
    cached = domain.__dict__.get("_qq_fractions")
    if cached is None:
        cached = domain.__dict__["_qq_fractions"] = sympy.QQ.frac_field(*domain.symbols)
    return cached


def _reduction(domain) -> list[list]:
    """Coordinates (in QQ) of ``θ^k`` for ``k = 0 … 2d − 2``."""
    cached = domain.__dict__.get("_theta_powers")
    if cached is None:
        d = degree(domain)
        theta = domain.ground([1, 0]) if d > 1 else domain.ground.one
        power, cached = domain.ground.one, []
        for _ in range(2 * d - 1):
            cached.append(_ground_coords(domain, power))
            power = power * theta
        domain.__dict__["_theta_powers"] = cached
    return cached


def _multiply(domain, x, y):
    F = _fractions(domain)
    d = len(x)
    table = _reduction(domain)
    out = [F.zero] * d
    for i, xi in enumerate(x):
        if not xi:
            continue
        for j, yj in enumerate(y):
            if not yj:
                continue
            product = xi * yj
            for r, c in enumerate(table[i + j]):
                if c:
                    out[r] += product * F.convert(c)
    return out


def _inverse(domain, x):
    """``x⁻¹``: solve ``R(x) y = e_0`` (Cramer over ``QQ(symbols)``; ``d`` is small)."""
    F = _fractions(domain)
    d = len(x)
    if d == 1:
        if not x[0]:
            raise ZeroDivisionError
        return [F.one / x[0]]
    basis = [[F.one if r == c else F.zero for r in range(d)] for c in range(d)]
    columns = [_multiply(domain, x, e) for e in basis]
    R = [[columns[c][r] for c in range(d)] for r in range(d)]
    det = _det(R)
    if not det:
        raise ZeroDivisionError
    return [_det([row[:c] + [F.one if r == 0 else F.zero] + row[c + 1:] for r, row in enumerate(R)]) / det
            for c in range(d)]


def vector(domain, expr: sympy.Expr) -> list:
    """The coordinate vector of ``expr`` (reduced fractions over ``QQ(symbols)``), computed bottom up."""
    from graphcollapse.numbers.elements import fold

    F = _fractions(domain)
    d = degree(domain)
    gens = dict(zip(domain.symbols, F.gens))

    def leaf(node):
        if node.is_Rational:
            return _Vector(domain, [F.convert(sympy.QQ(int(node.p), int(node.q)))] + [F.zero] * (d - 1))
        if node.is_Symbol:
            return _Vector(domain, [gens[node]] + [F.zero] * (d - 1))
        return _Vector(domain, [F.convert(c) for c in _ground_coords(domain, domain._atom(node))])

    try:
        return fold(expr, leaf, lambda v: v.inverse(), {}).values
    except ZeroDivisionError:
        raise ZeroDivisionError(f"{expr}: division by zero") from None


class _Vector:
    """A coordinate vector with the field operations ``fold`` needs."""

    __slots__ = ("domain", "values")

    def __init__(self, domain, values):
        self.domain, self.values = domain, values

    def __add__(self, other):
        return _Vector(self.domain, [a + b for a, b in zip(self.values, other.values)])

    def __mul__(self, other):
        return _Vector(self.domain, _multiply(self.domain, self.values, other.values))

    def __pow__(self, n: int):
        result, base = None, self
        while n:
            if n & 1:
                result = base if result is None else result * base
            n >>= 1
            if n:
                base = base * base
        return result

    def inverse(self):
        return _Vector(self.domain, _inverse(self.domain, self.values))


def _fraction_expr(q) -> sympy.Expr:
    """A reduced fraction over QQ as SymPy, denominator monic and integral primitive."""
    if not q.numer:
        return sympy.Integer(0)
    return _normalized(q.numer, q.denom)


def quotient_coordinates(domain, numerator, denominator) -> list[sympy.Expr]:
    """Coordinates of ``numerator / denominator`` (polynomials over ``QQ<θ>``), by Cramer's rule over ``QQ``."""
    R = _rational_ring(domain)
    d = degree(domain)
    p = element_coordinates(domain, numerator)
    Q = regular_matrix(domain, denominator)
    det = _det(Q)
    if not det:
        raise ZeroDivisionError
    out = []
    for c in range(d):
        # y_c = det(Q with column c replaced by p) / det(Q) (Cramer)
        top = R.zero
        for r in range(d):
            if p[r]:
                cofactor = _det(_minor(Q, r, c))
                top += p[r] * cofactor if (r + c) % 2 == 0 else -(p[r] * cofactor)
        out.append(_lowest_terms(R, top, det))
    return out


def _lowest_terms(R, numerator, denominator) -> sympy.Expr:
    """``numerator / denominator`` over ``QQ`` in lowest terms, denominator monic and primitive."""
    if not numerator:
        return sympy.Integer(0)
    g = numerator.gcd(denominator)
    return _normalized(numerator.exquo(g), denominator.exquo(g))


def _normalized(numerator, denominator) -> sympy.Expr:
    """A coprime fraction as SymPy, its denominator made monic and then integral primitive."""
    lead = denominator.LC
    numerator, denominator = numerator.quo_ground(lead), denominator.quo_ground(lead)
    scale = _integer_scale(denominator)
    if scale != 1:
        numerator, denominator = numerator.mul_ground(scale), denominator.mul_ground(scale)
    return numerator.as_expr() / denominator.as_expr()


def _integer_scale(poly):
    """The positive rational making the (monic, rational) coefficients coprime integers."""
    from math import gcd, lcm

    coeffs = poly.coeffs()
    den = lcm(*[int(c.denominator) for c in coeffs])
    num = gcd(*[int(c.numerator) * den // int(c.denominator) for c in coeffs])
    return sympy.QQ(den, num or 1)


def from_coordinates(domain, coords) -> sympy.Expr:
    """``Σ_c q_c θ^c`` as a SymPy expression, written as a combination of monomials in the generators.

    Each ``θ^c`` expands into monomials of the generators (``sqrt(2)``,
    ``2**(1/3)``, ...); the coefficient of each monomial is a rational
    function over ``QQ`` in lowest terms, combined in SymPy's reduced
    fraction field over ``QQ`` (no cancellation of large expressions).
    """
    if degree(domain) == 1:
        return coords[0]
    F = _fractions(domain)
    basis = _monomial_basis(domain)
    contributors: dict = {}
    for c, q in enumerate(coords):
        if (q != 0 if isinstance(q, sympy.Basic) else bool(q)):
            for monomial in basis[c]:
                contributors.setdefault(monomial, []).append(c)
    if all(len(cs) == 1 for cs in contributors.values()) and all(isinstance(q, sympy.Basic) for q in coords):
        # each monomial comes from one coordinate: a rational multiple of a reduced fraction stays reduced
        return sympy.Add(*[basis[cs[0]][monomial] * coords[cs[0]] * monomial
                           for monomial, cs in contributors.items()])
    combined: dict = {}
    for c, q in enumerate(coords):
        if not isinstance(q, sympy.Basic):
            element = q
        elif q == 0:
            continue
        else:
            element = F.from_sympy(q)
        if not element:
            continue
        for monomial, beta in basis[c].items():
            combined[monomial] = combined.get(monomial, F.zero) + element * F.convert(sympy.QQ.convert(beta))
    total = sympy.Integer(0)
    for monomial, coefficient in combined.items():
        if coefficient:
            total += _fraction_expr(coefficient) * monomial
    return total


def _monomial_basis(domain) -> list[dict]:
    """``θ^c`` for ``c < d`` as ``{monomial in the generators: rational coefficient}`` (cached)."""
    cached = domain.__dict__.get("_monomials")
    if cached is None:
        cached = []
        for c in range(degree(domain)):
            expanded = sympy.expand(domain.theta**c)
            cached.append(dict(expanded.as_coefficients_dict()))
        domain.__dict__["_monomials"] = cached
    return cached
