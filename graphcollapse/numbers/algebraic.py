"""Which SymPy expressions are exact real algebraic values, and their algebraic atoms.

Every constant a graph file can hold is built from rationals with ``+ - * /``
and rational powers, so it is a real algebraic number; every value is a
rational function of the declared symbols with such constants as
coefficients.  :func:`scan` checks that an expression is of this kind and
returns its *generators*: the algebraic atoms (a positive constant to a
non-integer rational power such as ``sqrt(2)``, ``2**(2/3)`` or
``sqrt(1 + sqrt(2))``, and real ``CRootOf`` values, which witnesses of
regions can be) from which a number field is built.  Anything else is an
:class:`~graphcollapse.errors.InputError` with a one-line message.

:func:`real_root` turns a real root of a rational polynomial into the
simplest exact SymPy value: a ``Rational``, a square-root expression for
degree two, else a ``CRootOf``.

Examples
--------
>>> from sympy import sqrt, Symbol
>>> a = Symbol("a", real=True)
>>> generators, symbols = scan(sqrt(2) * a + sqrt(1 + sqrt(2)))
>>> sorted(generators, key=str), symbols
([sqrt(1 + sqrt(2)), sqrt(2)], frozenset({a}))
>>> scan(sqrt(a))
Traceback (most recent call last):
...
graphcollapse.errors.InputError: sqrt(a): a symbol under a fractional power is not a rational function of the symbols; declare a new symbol for sqrt(a) instead
"""

from __future__ import annotations

import functools
from fractions import Fraction
from numbers import Integral
from typing import Mapping

import sympy

from graphcollapse.errors import InputError

__all__ = ["as_expression", "scan", "point_values", "degree_bound", "real_root", "simplest_between",
           "MAX_FIELD_DEGREE"]

#: Largest degree bound of a number field we agree to build (a guard: the
#: primitive element of a field of degree d costs roughly d**4 operations).
MAX_FIELD_DEGREE = 64

_ONE_LINE_ONLY = "only rationals, declared symbols, + - * /, and rational powers of positive constants"


def as_expression(value: object) -> sympy.Expr:
    """Turn an exact Python or SymPy number into a SymPy expression; refuse floats and text.

    Examples
    --------
    >>> from fractions import Fraction
    >>> as_expression(3), as_expression(Fraction(1, 3))
    (3, 1/3)
    >>> as_expression(0.5)
    Traceback (most recent call last):
    ...
    graphcollapse.errors.InputError: 0.5 is a floating-point number; convert floats to exact rationals first (graphcollapse.numbers.parse.to_exact)
    """
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool):
        raise InputError(f"{value} is a boolean, not a number")
    if isinstance(value, Integral):
        return sympy.Integer(int(value))
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        raise InputError(f"{value!r} is a floating-point number; convert floats to exact rationals first "
                         "(graphcollapse.numbers.parse.to_exact)")
    if isinstance(value, str):
        # Text is never sympified: it must go through the whitelist parser.
        raise InputError(f"{value!r} is text; parse it with graphcollapse.numbers.parse.parse_expression first")
    raise InputError(f"expected an exact number or a SymPy expression, got {type(value).__name__}")


def scan(expr: sympy.Basic) -> tuple[frozenset, frozenset]:
    """Check that ``expr`` is an exact real rational function; return ``(generators, symbols)``.

    Raises
    ------
    InputError
        For floats, transcendental constants (``pi``, ``E``), functions
        (``exp``, ``log``, ...), non-real constants (``I``, ``(-8)**(1/3)``,
        which SymPy reads as the complex principal root), symbols under a
        fractional power, non-rational exponents and infinities.
    """
    expr = as_expression(expr)
    try:
        return _scan(expr)
    except InputError as err:
        message = str(err)
        if message.startswith(str(expr)):
            raise
        # Name the whole expression the user gave, not only the offending atom.
        raise InputError(f"in {expr}: {message}") from None


@functools.lru_cache(maxsize=8192)
def _scan(expr: sympy.Basic) -> tuple[frozenset, frozenset]:
    if expr.is_Rational:
        return frozenset(), frozenset()
    if expr.is_Symbol:
        return frozenset(), frozenset([expr])
    if expr.is_Add or expr.is_Mul:
        parts = [_scan(arg) for arg in expr.args]
        return frozenset().union(*(p[0] for p in parts)), frozenset().union(*(p[1] for p in parts))
    if expr.is_Pow:
        return _scan_power(expr)
    if isinstance(expr, sympy.CRootOf):
        if not expr.is_real:
            raise InputError(f"{expr} is not a real number")
        return frozenset([expr]), frozenset()
    raise InputError(f"{expr}: {_why_not(expr)}")


def _scan_power(expr: sympy.Pow) -> tuple[frozenset, frozenset]:
    base, exponent = expr.args
    if not exponent.is_Rational:
        raise InputError(f"{expr}: the exponent {exponent} is not a rational number ({_ONE_LINE_ONLY})")
    generators, symbols = _scan(base)
    if exponent.is_Integer:
        return generators, symbols
    if symbols:
        raise InputError(f"{expr}: a symbol under a fractional power is not a rational function of the "
                         f"symbols; declare a new symbol for {expr} instead")
    # A generator must be a positive real: SymPy reads a negative base to a
    # fractional power as the complex principal root, and a zero base would
    # make a degenerate "field generator".  The sign is certified (see domain).
    from graphcollapse.numbers.certify import sign  # local: certify builds on this module

    base_sign = sign(base)
    if base_sign < 0 and exponent.q % 2 == 0:
        raise InputError(f"{expr} is not a real number (its base {base} is negative)")
    if base_sign < 0:
        raise InputError(f"{expr} is not a real number (SymPy reads a negative number to a fractional power "
                         "as the complex principal root; write -(x**(1/3)) for the real cube root of -x)")
    if base_sign == 0:
        raise InputError(f"{expr}: the base is exactly zero; write 0 instead")
    return generators | {expr}, frozenset()


def _why_not(expr: sympy.Basic) -> str:
    """The one-line reason an atom is not an exact real algebraic value."""
    if expr.is_Float:
        return "a floating-point number; convert floats to exact rationals first (graphcollapse.numbers.parse.to_exact)"
    if expr in (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
        return "not a finite number"
    if expr.has(sympy.I):
        return "not a real number"
    if isinstance(expr, sympy.NumberSymbol):
        return f"a transcendental constant, not an algebraic number ({_ONE_LINE_ONLY})"
    if isinstance(expr, sympy.core.function.Application):
        return f"the function {expr.func} is not allowed ({_ONE_LINE_ONLY})"
    return f"unsupported {type(expr).__name__} ({_ONE_LINE_ONLY})"


def degree_bound(generators) -> int:
    """An upper bound on the degree over QQ of the field the generators span.

    Examples
    --------
    >>> from sympy import sqrt, Rational
    >>> degree_bound([sqrt(2), 2**Rational(1, 3), sqrt(1 + sqrt(3))])
    24
    """
    bound = 1
    for generator in generators:
        bound *= _generator_degree(generator)
    return bound


def _generator_degree(generator: sympy.Expr) -> int:
    if isinstance(generator, sympy.CRootOf):
        return generator.poly.degree()
    base, exponent = generator.args
    inner = degree_bound(_scan(base)[0])
    return int(exponent.q) * inner


def real_root(poly: sympy.Poly, index: int) -> sympy.Expr:
    """The ``index``-th smallest real root of ``poly`` (rational coefficients), exactly.

    The root of a linear factor is a ``Rational``, that of a quadratic one a
    square-root expression; higher degrees give a ``CRootOf`` of the
    irreducible factor.

    Examples
    --------
    >>> from sympy import Poly, Symbol
    >>> x = Symbol("x")
    >>> real_root(Poly(2*x**3 - x, x), 0), real_root(Poly(2*x**3 - x, x), 1), real_root(Poly(x**3 - x - 1, x), 0)
    (-sqrt(2)/2, 0, CRootOf(x**3 - x - 1, 0))
    """
    value = sympy.CRootOf(poly, index)  # SymPy reduces it to the irreducible factor (maybe rescaled: 3*CRootOf)
    quadratic = {r: _quadratic_root(r) for r in value.atoms(sympy.CRootOf) if r.poly.degree() == 2}
    return value.xreplace(quadratic) if quadratic else value


def _quadratic_root(root: sympy.CRootOf) -> sympy.Expr:
    """A real root of an irreducible quadratic as a square-root expression."""
    a, b, c = root.poly.all_coeffs()
    if a < 0:
        a, b, c = -a, -b, -c
    # With a > 0 the smaller real root takes the minus sign.
    radical = sympy.sqrt(b * b - 4 * a * c)
    return sympy.Rational(-b, 2 * a) + (radical if root.index == 1 else -radical) / (2 * a)


def simplest_between(lo, hi):
    """The rational with the smallest denominator (then numerator) in the open interval ``(lo, hi)``.

    ``lo`` may be ``None`` for minus infinity and ``hi`` ``None`` for plus
    infinity.  Used to pick readable rational witnesses.

    Examples
    --------
    >>> simplest_between(Fraction(1, 2), Fraction(11, 20)), simplest_between(None, Fraction(-5, 2))
    (Fraction(6, 11), Fraction(-3, 1))
    """
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    if (lo is None or lo < 0) and (hi is None or hi > 0):
        return Fraction(0)
    if hi is not None and hi <= 0:  # mirror the negative case
        return -simplest_between(-hi, None if lo is None else -lo)
    # 0 <= lo < hi (hi possibly infinite)
    whole = lo.numerator // lo.denominator
    if hi is None or whole + 1 < hi:
        return Fraction(whole + 1)
    # (lo, hi) lies in [whole, whole + 1]: recurse on the reciprocals of the fractional parts.
    low, high = lo - whole, hi - whole
    return whole + 1 / simplest_between(1 / high, None if low == 0 else 1 / low)


def point_values(point: Mapping, symbols: tuple) -> dict:
    """The exact value of each symbol at ``point`` (keys: symbols or their names), in the order of ``symbols``."""
    by_name = {}
    for key, value in point.items():
        name = key.name if isinstance(key, sympy.Symbol) else key
        by_name[name] = value
    values = {}
    for symbol in symbols:
        if symbol.name not in by_name:
            raise InputError(f"the point gives no value for {symbol}")
        value = as_expression(by_name[symbol.name])
        if value.free_symbols:
            raise InputError(f"the value {value} of {symbol} is not a constant")
        scan(value)
        values[symbol] = value
    return values
