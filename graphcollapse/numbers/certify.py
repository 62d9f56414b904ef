"""Certified interval enclosures of real algebraic constants.

:func:`enclose` evaluates a constant expression tree (rationals, ``+ - * /``,
integer powers, rational powers of positive bases, real ``CRootOf``) in
interval arithmetic at a given working precision and returns rationals
``lo <= value <= hi``.  It never trusts ``evalf`` or SymPy's assumptions:
each operation is done by a ball/interval library that rounds outwards —
python-flint's ``arb`` when installed, else ``mpmath.iv`` (a core
dependency).  :mod:`graphcollapse.numbers.flint` is the one switch between them (tests
turn it off there).  Real roots of polynomials are enclosed by exact rational
bisection.

:func:`sign` decides the sign of a constant: an enclosure at
:data:`START_BITS` settles most cases at once, a few more bits most of the
rest; otherwise the exact zero test in the constant's number field
(:mod:`~graphcollapse.numbers.domain`), then enclosures at doubling precision
until one excludes 0, which terminates because a nonzero algebraic number is
at a positive distance from 0.

When the precision is too low to evaluate the tree (the enclosure of a base
under a fractional power reaches zero, or of a denominator contains zero),
:func:`enclose` raises :class:`NeedPrecision`; callers raise the precision.

Examples
--------
>>> from sympy import sqrt
>>> lo, hi = enclose(sqrt(2), 64)
>>> lo <= Fraction(14142135623730950488, 10**19) <= hi, float(hi - lo) < 1e-18
(True, True)
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy
from mpmath import libmp

from graphcollapse.errors import InputError, UndecidedError
from graphcollapse.numbers.algebraic import as_expression, scan

from graphcollapse.numbers import flint as flint_switch  # optional: faster and tighter balls

__all__ = ["NeedPrecision", "enclose", "root_interval", "horner", "rational_sign",
           "sign", "compare", "enclosure", "quick_sign", "START_BITS", "MAX_BITS"]

#: First working precision (bits) of the interval arithmetic, and the cap of
#: the doubling loop (far beyond any root-separation bound met in practice).
START_BITS = 64
MAX_BITS = 1 << 20
#: Precision up to which enclosures are tried before the exact zero test.
ZERO_TEST_BITS = 4 * START_BITS


class NeedPrecision(ArithmeticError):
    """The working precision was too low to evaluate the tree; try more bits."""


def enclose(expr: sympy.Expr, bits: int) -> tuple[Fraction, Fraction]:
    """Rationals ``(lo, hi)`` with ``lo <= expr <= hi``, computed at ``bits`` bits.

    Raises
    ------
    NeedPrecision
        When the enclosure at this precision is not usable.
    """
    backend = _ArbBackend(bits) if flint_switch.enabled() else _MpmathBackend(bits)
    with backend:
        value = _evaluate(expr, backend, {})
        return backend.bounds(value)


def _evaluate(expr: sympy.Expr, backend, memo: dict):
    # SymPy trees share subexpressions; evaluate each once.
    if expr in memo:
        return memo[expr]
    if expr.is_Rational:
        value = backend.rational(int(expr.p), int(expr.q))
    elif expr.is_Add or expr.is_Mul:
        values = [_evaluate(arg, backend, memo) for arg in expr.args]
        value = values[0]
        for item in values[1:]:
            value = value + item if expr.is_Add else value * item
    elif expr.is_Pow and expr.exp.is_Rational:
        value = _power(_evaluate(expr.base, backend, memo), expr.exp, backend)
    elif isinstance(expr, sympy.CRootOf) and expr.is_real:
        lo, hi = root_interval(expr.poly, expr.index, backend.bits + 8)
        value = backend.interval(lo, hi)
    else:
        raise InputError(f"{expr}: not a real algebraic constant")
    memo[expr] = value
    return value


def _power(base, exponent: sympy.Rational, backend):
    p, q = int(exponent.p), int(exponent.q)
    if p < 0:
        lo, hi = backend.bounds(base)
        if lo <= 0 <= hi:
            raise NeedPrecision("a denominator's enclosure contains zero")
        base = backend.rational(1, 1) / base
        p = -p
    if q != 1:
        lo, _ = backend.bounds(base)
        if lo <= 0:
            raise NeedPrecision("the base of a fractional power is not certainly positive")
        base = backend.root(base, q)
    return base**p


class _Backend:
    """A working precision, set on entering and restored on leaving (both libraries keep it globally)."""

    def __init__(self, bits: int):
        self.bits = bits

    def context(self):
        raise NotImplementedError

    def __enter__(self):
        self._saved = self.context().prec
        self.context().prec = self.bits
        return self

    def __exit__(self, *exc):
        self.context().prec = self._saved
        return False


class _ArbBackend(_Backend):
    """python-flint balls (``arb``)."""

    def context(self):
        return flint_switch.lib().ctx

    def rational(self, p: int, q: int):
        return flint_switch.lib().arb(flint_switch.lib().fmpq(p, q))

    def interval(self, lo: Fraction, hi: Fraction):
        return self.rational(lo.numerator, lo.denominator).union(self.rational(hi.numerator, hi.denominator))

    def root(self, x, q: int):
        return x.sqrt() if q == 2 else x.root(q)

    def bounds(self, x) -> tuple[Fraction, Fraction]:
        if not x.is_finite():
            raise NeedPrecision("the enclosure is not finite")
        return _fraction(*x.lower().man_exp()), _fraction(*x.upper().man_exp())


class _MpmathBackend(_Backend):
    """mpmath interval arithmetic (``mpmath.iv``, outward rounding)."""

    def context(self):
        return mpmath.iv

    def rational(self, p: int, q: int):
        return mpmath.iv.mpf(p) / q if q != 1 else mpmath.iv.mpf(p)

    def interval(self, lo: Fraction, hi: Fraction):
        low = self.rational(lo.numerator, lo.denominator)
        high = self.rational(hi.numerator, hi.denominator)
        return mpmath.iv.mpf([low.a, high.b])

    def root(self, x, q: int):
        # exp(log(x)/q) with outward rounding; x > 0 was checked by the caller.
        return mpmath.iv.sqrt(x) if q == 2 else mpmath.iv.exp(mpmath.iv.log(x) / q)

    def bounds(self, x) -> tuple[Fraction, Fraction]:
        lo, hi = x._mpi_
        if any(t in (libmp.finf, libmp.fninf, libmp.fnan) for t in (lo, hi)):
            raise NeedPrecision("the enclosure is not finite")
        return Fraction(*libmp.to_rational(lo)), Fraction(*libmp.to_rational(hi))


def _fraction(mantissa, exponent) -> Fraction:
    mantissa, exponent = int(mantissa), int(exponent)
    return Fraction(mantissa * 2**exponent) if exponent >= 0 else Fraction(mantissa, 2**-exponent)


_ROOT_CACHE: dict[tuple, tuple[Fraction, Fraction]] = {}


def root_interval(poly: sympy.Poly, index: int, bits: int) -> tuple[Fraction, Fraction]:
    """An isolating interval ``[lo, hi]`` of the ``index``-th real root, narrower than ``2**-bits`` relatively.

    Exact: sympy isolates the roots (Sturm/continued fractions) and we bisect
    with exact rational sign evaluations of the square-free polynomial.

    Examples
    --------
    >>> from sympy import Poly, Symbol
    >>> x = Symbol("x")
    >>> lo, hi = root_interval(Poly(x**2 - 2, x), 1, 20)
    >>> lo < Fraction(14142136, 10**7) < hi or (lo, hi)
    True
    """
    sqf = sympy.Poly(poly.as_expr(), *poly.gens, domain=sympy.QQ).sqf_part()
    key = (sqf.as_expr(), sqf.gens, index)
    if key not in _ROOT_CACHE:
        if len(_ROOT_CACHE) > 4096:  # a bound on memory; entries are cheap to recompute
            _ROOT_CACHE.clear()
        intervals = sqf.intervals()
        if index >= len(intervals):
            raise InputError(f"{poly.as_expr()} has no real root of index {index}")
        (lo, hi), _ = intervals[index]
        _ROOT_CACHE[key] = (Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q)))
    lo, hi = _ROOT_CACHE[key]
    coefficients = [Fraction(int(c.p), int(c.q)) for c in sqf.all_coeffs()]
    width = Fraction(1, 2**bits) * max(1, abs(lo), abs(hi))
    sign_lo = rational_sign(horner(coefficients, lo))
    while hi - lo > width:
        middle = (lo + hi) / 2
        sign_middle = rational_sign(horner(coefficients, middle))
        if sign_middle == 0:
            lo = hi = middle
        elif sign_middle == sign_lo:
            lo = middle
        else:
            hi = middle
    _ROOT_CACHE[key] = (lo, hi)
    return lo, hi


def horner(coefficients: list[Fraction], x: Fraction) -> Fraction:
    """The polynomial with these coefficients (highest degree first) at ``x``, exactly."""
    value = Fraction(0)
    for c in coefficients:
        value = value * x + c
    return value


def rational_sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


# -- certified signs: exact zero test first, then enclosures at rising precision ---------------------

def sign(expr, *, domain=None) -> int:
    """The certified sign of a constant: enclosures, the exact zero test, then enclosures at rising precision.

    The zero test runs in ``domain`` when given (it must contain the
    constant), else in the constant's own domain.

    Examples
    --------
    >>> from sympy import Rational
    >>> sign(2**Rational(1, 3) - Rational(12599210498948732, 10**16)), sign(Rational(1, 10**30))
    (-1, 1)
    """
    expr = as_expression(expr)
    if expr.free_symbols:
        raise InputError(f"{expr} is not a constant (it has symbols {sorted(map(str, expr.free_symbols))})")
    if expr.is_Rational:
        return (expr.p > 0) - (expr.p < 0)
    scan(expr)  # validates before any arithmetic
    from graphcollapse.numbers.domain import domain_of  # the exact zero test needs the field; domain builds on this module

    bits, zero_tested = START_BITS, False
    while bits <= MAX_BITS:
        lo, hi = _try_enclose(expr, bits)
        if lo is not None and (lo > 0 or hi < 0):
            return 1 if lo > 0 else -1
        if bits >= ZERO_TEST_BITS and not zero_tested:
            # Cheap enclosures did not separate it from 0, so it may be 0: building
            # the number field costs more than a few more bits, so it waits until now.
            domain = domain_of([expr]) if domain is None else domain
            if domain.field.is_zero(domain.convert(expr)):
                return 0
            zero_tested = True
        bits *= 2
    raise UndecidedError(f"the sign of {expr} was not separated from 0 at {MAX_BITS} bits")


def compare(x, y) -> int:
    """``sign(x - y)``: -1, 0 or 1, certified.

    Examples
    --------
    >>> from sympy import sqrt
    >>> compare(sqrt(2) + sqrt(3), sqrt(10)), compare(sqrt(8), 2 * sqrt(2))
    (-1, 0)
    """
    return sign(as_expression(x) - as_expression(y))


def enclosure(constant, bits: int = START_BITS) -> tuple[sympy.Rational, sympy.Rational]:
    """Rationals ``(lo, hi)`` that certainly contain ``constant``, computed at ``bits`` bits or more.

    Examples
    --------
    >>> from sympy import sqrt
    >>> lo, hi = enclosure(sqrt(2), 64)
    >>> lo < sqrt(2) < hi, float(hi - lo) < 1e-18
    (True, True)
    """
    expr = as_expression(constant)
    if expr.free_symbols:
        raise InputError(f"{expr} is not a constant")
    from graphcollapse.numbers.domain import domain_of

    scan(expr)
    domain_of([expr]).convert(expr)  # a denominator that is exactly zero is an input error
    while bits <= MAX_BITS:
        lo, hi = _try_enclose(expr, bits)
        if lo is not None:
            return sympy.Rational(lo.numerator, lo.denominator), sympy.Rational(hi.numerator, hi.denominator)
        bits *= 2
    raise UndecidedError(f"no finite enclosure of {expr} at {MAX_BITS} bits")


def _try_enclose(expr: sympy.Expr, bits: int):
    try:
        return enclose(expr, bits)
    except NeedPrecision:
        return None, None


def quick_sign(expr: sympy.Expr) -> int:
    """The sign from one cheap enclosure when it excludes 0; 0 when undecided at that precision."""
    lo, hi = _try_enclose(expr, START_BITS)
    if lo is None:
        return 0
    return 1 if lo > 0 else -1 if hi < 0 else 0
