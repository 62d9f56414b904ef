"""One exact domain per set of expressions: QQ, a number field QQ<θ>, or a fraction field over them.

SymPy's ``construct_domain`` falls back to the inexact ``EX`` domain as soon
as algebraic numbers and symbols are mixed.  :class:`NumberDomain` builds the
field itself: the algebraic generators of the expressions (see
:mod:`~graphcollapse.numbers.algebraic`) span ``QQ<θ>`` through a primitive
element ``θ``, and the declared symbols make ``QQ<θ>(a, b, ...)``.  In that
field zero is decided exactly, so disguised zeros such as
``(1 + sqrt(2))**2 - 3 - 2*sqrt(2)`` are zero.  Signs of constants are
decided by that exact zero test followed by certified interval arithmetic at
rising precision (:mod:`~graphcollapse.numbers.certify`), which terminates
because a nonzero algebraic number has a nonzero distance from 0.

Examples
--------
>>> from sympy import sqrt, Symbol
>>> a = Symbol("a", real=True)
>>> D = NumberDomain.from_expressions([sqrt(2) * a, 1 / (1 + sqrt(2))])
>>> D.describe(), D.canonical(1 / (1 + sqrt(2)))
('QQ<sqrt(2)>(a)', -1 + sqrt(2))
>>> is_zero((1 + sqrt(2))**2 - 3 - 2*sqrt(2)), sign(sqrt(2) - sympy.Rational(665857, 470832))
(True, -1)
"""

from __future__ import annotations

import functools
from typing import Iterable, Mapping

import sympy
from sympy.polys.numberfields.subfield import primitive_element

from graphcollapse.errors import InputError, ResourceLimitError
from graphcollapse.numbers.algebraic import MAX_FIELD_DEGREE, as_expression, degree_bound, point_values, scan
from graphcollapse.numbers.certify import START_BITS, compare, enclosure, quick_sign, sign
from graphcollapse.numbers.coordinates import coordinates, from_coordinates, quotient_coordinates, vector
from graphcollapse.numbers.elements import Quotient, fold, rational_scale

__all__ = ["NumberDomain", "domain_of", "is_zero", "sign", "compare", "enclosure", "canonical"]

#: Degree bound allowed for the field of the values at an algebraic point (see NumberDomain.signs_at).
POINT_MAX_DEGREE = 1024
#: How many conversions each domain remembers (then it starts afresh).
_CONVERSION_CACHE = 4096


class NumberDomain:
    """The exact field of a set of expressions: QQ, QQ<θ>, or their fraction field over symbols.

    Build it with :meth:`from_expressions` (cached) or :func:`domain_of`.

    Attributes
    ----------
    ground : sympy Domain
        ``QQ`` or the algebraic field ``QQ<θ>``.
    field : sympy Domain
        ``ground``, or ``ground.frac_field(*symbols)`` when there are symbols.
    symbols : tuple of Symbol
    generators : tuple of Expr
        The algebraic atoms (``sqrt(2)``, ``2**(1/3)``, ...), sorted.
    is_rational : bool
        Whether ``ground`` is ``QQ``.
    theta : Expr or None
        The primitive element of ``ground`` (a QQ-combination of the generators).

    Examples
    --------
    >>> from sympy import sqrt, Symbol, Rational
    >>> a, b = Symbol("a", real=True), Symbol("b", real=True)
    >>> D = NumberDomain.from_expressions([a - b, sqrt(2), 2**Rational(1, 3)])
    >>> D.describe(), D.is_zero((a - b)**2 - a**2 + 2*a*b - b**2)
    ('QQ<2**(1/3), sqrt(2)>(a, b)', True)
    >>> D.evaluate((a + sqrt(2)) / (b - 1), {a: sqrt(2), b: 3})
    sqrt(2)
    """

    def __init__(self, generators: tuple, symbols: tuple):
        # Callers use from_expressions: it validates and caches.
        self.generators = tuple(generators)
        self.symbols = tuple(symbols)
        self._atoms: dict = {}
        self.theta = None  # the primitive element (a SymPy expression) when the ground is QQ<θ>
        ground = sympy.QQ
        if self.generators:
            minpoly, coefficients, reps = primitive_element(list(self.generators), ex=True, polys=True)
            if minpoly.degree() > 1:
                theta = sympy.Add(*[c * g for c, g in zip(coefficients, self.generators)])
                ground = sympy.QQ.algebraic_field((minpoly, theta))
                self.theta = theta
                self._atoms = {g: ground(list(rep)) for g, rep in zip(self.generators, reps)}
            else:  # every generator is rational in disguise
                value = -minpoly.nth(0) / minpoly.nth(1)
                theta_value = sympy.QQ.convert(value)
                self._atoms = {g: sympy.QQ.convert(sum(c * theta_value**k for k, c in enumerate(reversed(rep))))
                               for g, rep in zip(self.generators, reps)}
        self.ground = ground
        self.is_rational = ground == sympy.QQ
        self.field = ground.frac_field(*self.symbols) if self.symbols else ground
        self._converted: dict = {}
        self._canonical: dict = {}
        if self.symbols:
            self._ring = self.field.field.ring
            self._ring_symbols = dict(zip(self.symbols, self._ring.gens))

    @classmethod
    def from_expressions(cls, exprs: Iterable, symbols: Iterable[sympy.Symbol] | None = None, *,
                         max_degree: int = MAX_FIELD_DEGREE) -> "NumberDomain":
        """The (cached) domain of ``exprs`` over ``symbols`` (default: their free symbols sorted by name).

        ``max_degree`` caps the product of the generators' degrees, an upper
        bound of the field's degree (a guard against inputs whose primitive
        element would take hours; the true degree is often much smaller).

        Raises
        ------
        InputError
            If an expression is not an exact real rational function, or uses
            a symbol outside ``symbols``.
        """
        if isinstance(exprs, sympy.Basic) or not isinstance(exprs, Iterable):
            exprs = [exprs]
        generators, free = set(), set()
        for expr in exprs:
            gens, syms = scan(expr)
            generators |= gens
            free |= syms
        if symbols is None:
            symbols = sorted(free, key=lambda s: s.name)
        else:
            symbols = tuple(symbols)
            bad = [s for s in symbols if not isinstance(s, sympy.Symbol)]
            if bad:
                raise InputError(f"{bad[0]!r} is not a SymPy Symbol")
            if len(set(symbols)) != len(symbols):
                raise InputError(f"symbols {symbols} repeat a symbol")
            undeclared = sorted(free - set(symbols), key=lambda s: s.name)
            if undeclared:
                raise InputError(f"symbol {undeclared[0]} is not declared (declared: {', '.join(map(str, symbols))})")
        key = tuple(sorted(generators, key=sympy.default_sort_key))
        bound = degree_bound(key)
        if bound > max_degree:
            raise ResourceLimitError(f"the algebraic numbers {', '.join(map(str, key))} may span a field of degree "
                                     f"{bound} > {max_degree} (MAX_FIELD_DEGREE in graphcollapse.numbers.algebraic)")
        return _cached_domain(key, tuple(symbols))

    # -- conversion -------------------------------------------------------------------------------

    def convert(self, expr) -> object:
        """``expr`` as an element of :attr:`field` (InputError if not representable here).

        Examples
        --------
        >>> from sympy import sqrt
        >>> D = domain_of([sqrt(2)])
        >>> D.field.is_zero(D.convert(sqrt(8) - 2 * sqrt(2)))
        True
        """
        if not isinstance(expr, sympy.Basic) and self.field.of_type(expr):
            return expr
        expr = as_expression(expr)
        generators, free = scan(expr)
        outside = sorted(free - set(self.symbols), key=lambda s: s.name)
        if outside:
            raise InputError(f"{expr}: symbol {outside[0]} is not one of {self.describe()}'s symbols")
        if expr in self._converted:
            return self._converted[expr]
        try:
            if self.symbols:
                pair = fold(expr, self._pair_leaf, Quotient.inverse, {})
                value = self.field.field.new(pair.numerator, pair.denominator)  # one cancellation, at the end
            else:
                value = fold(expr, self._ground_leaf, self._ground_inverse, {})
        except ZeroDivisionError:
            raise InputError(f"{expr}: division by zero (a denominator is exactly zero)") from None
        if len(self._converted) > _CONVERSION_CACHE:  # callers convert the same weights over and over
            self._converted.clear()
        self._converted[expr] = value
        return value

    def quotient(self, expr) -> tuple:
        """``expr`` as an *uncancelled* pair ``(numerator, denominator)`` of polynomials over the ground.

        No gcd is taken: zero tests and coordinates need none (see
        :mod:`graphcollapse.numbers.coordinates`).  Symbolic domains only.
        """
        if not isinstance(expr, sympy.Basic) and self.field.of_type(expr):
            return expr.numer, expr.denom
        expr = as_expression(expr)
        _, free = scan(expr)
        outside = sorted(free - set(self.symbols), key=lambda s: s.name)
        if outside:
            raise InputError(f"{expr}: symbol {outside[0]} is not one of {self.describe()}'s symbols")
        try:
            pair = fold(expr, self._pair_leaf, Quotient.inverse, {})
        except ZeroDivisionError:
            raise InputError(f"{expr}: division by zero (a denominator is exactly zero)") from None
        return pair.numerator, pair.denominator

    def _pair_leaf(self, expr: sympy.Expr) -> Quotient:
        one = self._ring.one
        if expr.is_Rational:
            return Quotient(self._ring(int(expr.p)), self._ring(int(expr.q)))
        if expr.is_Symbol:
            return Quotient(self._ring_symbols[expr], one)
        return Quotient(self._ring.ground_new(self._atom(expr)), one)

    def _ground_leaf(self, expr: sympy.Expr):
        if expr.is_Rational:
            return self.field.convert_from(sympy.QQ(int(expr.p), int(expr.q)), sympy.QQ)
        return self._atom(expr)

    def _ground_inverse(self, value):
        if self.field.is_zero(value):
            raise ZeroDivisionError
        return self.field.one / value

    def _atom(self, generator: sympy.Expr):
        if generator not in self._atoms:
            # Not one of our generators literally, but maybe in the field (a
            # different spelling of a value we have): ask SymPy once, exactly.
            try:
                self._atoms[generator] = self.ground.from_sympy(generator)
            except (sympy.polys.polyerrors.CoercionFailed, sympy.polys.polyerrors.NotAlgebraic,
                    sympy.polys.polyerrors.IsomorphismFailed, ValueError):
                raise InputError(f"{generator} is not in {self.describe()}; build the domain from all the "
                                 "expressions together") from None
        return self._atoms[generator]

    def to_sympy(self, element) -> sympy.Expr:
        """A canonical SymPy expression for ``element``.

        Constants of ``QQ<θ>`` become SymPy's reduced polynomial in the
        generators; fractions are cancelled with the denominator monic in the
        lex order of :attr:`symbols`, and integral and primitive when its
        coefficients are rational.
        """
        if not self.symbols:
            return self.field.to_sympy(element)
        if not self.is_rational:
            # Over QQ<θ>(symbols): the coordinates over QQ(symbols), no gcd over the number field.
            return from_coordinates(self, quotient_coordinates(self, element.numer, element.denom))
        numerator, denominator = element.numer, element.denom
        lead = denominator.LC
        numerator, denominator = numerator.quo_ground(lead), denominator.quo_ground(lead)
        scale = rational_scale(denominator.coeffs(), self.ground)
        if scale != 1:
            scale = self.ground.convert_from(sympy.QQ.convert(scale), sympy.QQ)
            numerator, denominator = numerator.mul_ground(scale), denominator.mul_ground(scale)
        return numerator.as_expr() / denominator.as_expr()

    def canonical(self, expr) -> sympy.Expr:
        """``to_sympy(convert(expr))``: one spelling per value.

        With algebraic constants and symbols the spelling is ``Σ q_c θ^c`` with
        each ``q_c ∈ QQ(symbols)`` in lowest terms (no gcd over the number field).
        """
        if self.symbols and not self.is_rational:
            if isinstance(expr, sympy.Basic) and expr in self._canonical:
                return self._canonical[expr]
            value = from_coordinates(self, vector(self, as_expression(expr)) if isinstance(expr, sympy.Basic)
                                     else coordinates(self, expr))
            if isinstance(expr, sympy.Basic):
                if len(self._canonical) > _CONVERSION_CACHE:
                    self._canonical.clear()
                self._canonical[expr] = value
                self._canonical[value] = value  # canonical forms are fixed points: never recompute them
            return value
        return self.to_sympy(self.convert(expr))

    # -- exact decisions -------------------------------------------------------------------------

    def is_zero(self, value) -> bool:
        """Whether ``value`` is exactly zero (for symbolic values: identically, as a rational function)."""
        if isinstance(value, sympy.Basic) and not value.free_symbols:
            quick = quick_sign(value)
            if quick:
                return False
        if self.symbols and isinstance(value, sympy.Basic):
            # Coordinates over QQ(symbols), reduced at every step: no gcd over a number field, and
            # long sums of fractions do not pile up their denominators.
            try:
                return not any(vector(self, as_expression(value)))
            except ZeroDivisionError:
                raise InputError(f"{value}: division by zero (a denominator is exactly zero)") from None
        return bool(self.field.is_zero(self.convert(value)))

    def sign(self, constant) -> int:
        """The certified sign (-1, 0 or 1) of a constant (an expression or an element without symbols)."""
        return sign(self._constant(constant), domain=self)

    def compare(self, x, y) -> int:
        """``sign(x - y)``, certified."""
        return self.sign(self._constant(x) - self._constant(y))

    def enclosure(self, constant, bits: int = START_BITS) -> tuple[sympy.Rational, sympy.Rational]:
        """Rationals ``(lo, hi)`` that certainly contain the constant, at ``bits`` bits or more."""
        return enclosure(self._constant(constant), bits)

    def _constant(self, value) -> sympy.Expr:
        if not isinstance(value, sympy.Basic) and self.field.of_type(value):
            value = self.to_sympy(value)
        value = as_expression(value)
        if value.free_symbols:
            raise InputError(f"{value} is not a constant (it has symbols {sorted(map(str, value.free_symbols))})")
        return value

    def evaluate(self, expr, point: Mapping) -> sympy.Expr:
        """The exact value of ``expr`` at ``point`` (symbol or name -> exact value).

        Raises
        ------
        InputError
            If a symbol has no value, a value is not exact, or the (cancelled)
            denominator vanishes at the point (the message names the point).
        """
        value = self.value_at(expr, point)
        if value is None:
            where = ", ".join(f"{s} = {v}" for s, v in point_values(point, self.symbols).items())
            raise InputError(f"{expr} is undefined at {where}: its denominator vanishes there")
        return value

    def value_at(self, expr, point: Mapping) -> sympy.Expr | None:
        """Like :meth:`evaluate`, but ``None`` where the (cancelled) denominator vanishes."""
        (item,) = self._at([expr], point)
        if item is None:
            return None
        value, domain, is_canonical = item
        return value if is_canonical else domain.canonical(value)

    def signs_at(self, exprs: Iterable, point: Mapping) -> list[int | None]:
        """The certified sign of each expression at ``point``; ``None`` where its denominator vanishes.

        Examples
        --------
        >>> from sympy import Symbol, sqrt
        >>> a = Symbol("a", real=True)
        >>> domain_of([a, sqrt(2)]).signs_at([a - 1, 1 / (a - sqrt(2)), a**2 - 2], {a: sqrt(2)})
        [1, None, 0]
        """
        return [None if item is None else sign(item[0], domain=item[1]) for item in self._at(exprs, point)]

    def _at(self, exprs, point: Mapping) -> list:
        """``(value, its domain, whether canonical)`` per expression at the point; ``None`` for a pole.

        A rational point is evaluated in the ground field; an algebraic one
        (a witness) in the field of all the values together, whose degree
        bound may exceed the input limit because such points come from
        solvers and their fields are usually much smaller than the bound.
        """
        constants = self._constants()
        if not self.symbols:
            return [(constants.to_sympy(self.convert(e)), constants, True) for e in exprs]
        values = point_values(point, self.symbols)
        if not self.is_rational:
            # Over QQ<θ>(symbols): evaluate the uncancelled fraction (no gcd over the number field);
            # only where its denominator vanishes (0/0 or a pole) is the cancelled form needed.
            cheap = [self._fraction_at(self.quotient(e), values) for e in exprs]
            return [c if c is not None else self._cancelled_at(self.convert(e), values) for c, e in zip(cheap, exprs)]
        elements = [self.convert(expr) for expr in exprs]
        if all(v.is_Rational for v in values.values()):
            ring = self.field.field.ring
            at = [(g, self.ground.convert_from(sympy.QQ(int(v.p), int(v.q)), sympy.QQ))
                  for g, v in zip(ring.gens, values.values())]
            out = []
            for element in elements:
                numerator, denominator = element.numer.evaluate(at), element.denom.evaluate(at)
                out.append(None if self.ground.is_zero(denominator)
                           else (self.ground.to_sympy(numerator / denominator), constants, True))
            return out
        pairs = [(e.numer.as_expr().xreplace(values), e.denom.as_expr().xreplace(values)) for e in elements]
        domain = NumberDomain.from_expressions([v for pair in pairs for v in pair], (), max_degree=POINT_MAX_DEGREE)
        return [None if domain.is_zero(d) else (n / d, domain, False) for n, d in pairs]

    def _fraction_at(self, pair, values):
        numerator, denominator = (part.as_expr().xreplace(values) for part in pair)
        domain = NumberDomain.from_expressions([numerator, denominator], (), max_degree=POINT_MAX_DEGREE)
        if domain.is_zero(denominator):
            return None
        return (numerator / denominator, domain, False)

    def _cancelled_at(self, element, values):
        numerator, denominator = element.numer.as_expr().xreplace(values), element.denom.as_expr().xreplace(values)
        domain = NumberDomain.from_expressions([numerator, denominator], (), max_degree=POINT_MAX_DEGREE)
        return None if domain.is_zero(denominator) else (numerator / denominator, domain, False)

    def _constants(self) -> "NumberDomain":
        """The domain of this one's constants (its ground, without symbols)."""
        return _cached_domain(self.generators, ())

    # -- description ------------------------------------------------------------------------------

    def describe(self) -> str:
        """A readable name: ``QQ``, ``QQ<sqrt(2)>``, ``QQ(a, b)``, ``QQ<sqrt(2)>(a)``."""
        name = "QQ" if self.is_rational else "QQ<" + ", ".join(map(str, self.generators)) + ">"
        return name + (f"({', '.join(map(str, self.symbols))})" if self.symbols else "")

    def __repr__(self) -> str:
        return f"NumberDomain({self.describe()})"


@functools.lru_cache(maxsize=256)
def _cached_domain(generators: tuple, symbols: tuple) -> NumberDomain:
    return NumberDomain(generators, symbols)


# -- module-level conveniences --------------------------------------------------------------------

def domain_of(exprs, symbols: Iterable[sympy.Symbol] | None = None) -> NumberDomain:
    """The cached :class:`NumberDomain` of ``exprs`` (see :meth:`NumberDomain.from_expressions`).

    Examples
    --------
    >>> from sympy import Symbol, sqrt, Rational
    >>> domain_of([Symbol("b") / 2, sqrt(2) + 2**Rational(1, 3)]).describe()
    'QQ<2**(1/3), sqrt(2)>(b)'
    """
    return NumberDomain.from_expressions(exprs, symbols)


def is_zero(expr) -> bool:
    """Whether ``expr`` is exactly zero (identically, for symbolic expressions).

    Examples
    --------
    >>> from sympy import sqrt
    >>> is_zero(sqrt(3 + 2*sqrt(2)) - 1 - sqrt(2)), is_zero(sqrt(2) - 1)
    (True, False)
    """
    expr = as_expression(expr)
    return domain_of([expr]).is_zero(expr)


def canonical(expr) -> sympy.Expr:
    """One canonical spelling of ``expr`` in its own domain.

    Examples
    --------
    >>> from sympy import sqrt
    >>> canonical(1 / (1 + sqrt(2)) + 2 - sqrt(2))
    1
    """
    expr = as_expression(expr)
    return domain_of([expr]).canonical(expr)
