"""Exact arithmetic in a quadratic extension ``F(√δ)`` of a field of rational functions.

The explicit closed forms of circulant families contain ``p = (N − s√δ)/(2D)``
with ``N, s, D, δ`` rational functions of the symbols.  Their values at a
concrete size ``K`` lie in ``F(√δ)``, ``F = Q(symbols)``, where every element
is ``A + B√δ`` with ``A, B ∈ F``: multiplication uses ``√δ² = δ``, division
multiplies by the conjugate.  Zero tests are then zero tests of ``A`` and
``B`` in ``F`` (exact, :func:`~graphcollapse.numbers.domain.is_zero`) —
valid because ``δ`` is not a square in ``F`` (its square-free part is kept).

Examples
--------
>>> a = sympy.Symbol("a", real=True)
>>> F = QuadraticField(a * (2 - a))
>>> p = F.element(1 / (1 - a), -1 / (1 - a))       # (1 - √(a(2-a)))/(1 - a)
>>> q = F.element(1 / (1 - a), 1 / (1 - a))        # its reciprocal
>>> F.is_zero(F.sub(F.mul(p, q), F.element(1)))
True
"""

from __future__ import annotations

import sympy

from graphcollapse.numbers.domain import is_zero

__all__ = ["QuadraticField", "square_free"]


def square_free(expr) -> tuple[sympy.Expr, sympy.Expr]:
    """``(s, δ)`` with ``expr = s² δ``, ``δ`` a polynomial free of squared factors (integer part too).

    >>> a = sympy.Symbol("a")
    >>> square_free(sympy.Rational(4, 3) * a**3 / (a - 1))
    (2*a/(3*a - 3), 3*a**2 - 3*a)
    """
    num, den = sympy.fraction(sympy.cancel(expr))
    c_num, f_num = sympy.factor_list(num)
    c_den, f_den = sympy.factor_list(den)
    c = sympy.Rational(c_num) / sympy.Rational(c_den)
    integer = int(c.p) * int(c.q)  # c = c.p c.q / c.q²
    s, delta = sympy.Rational(1, c.q), sympy.Integer(1)
    for prime, power in sympy.factorint(abs(integer)).items():
        s *= prime ** (power // 2)
        delta *= prime ** (power % 2)
    delta *= -1 if integer < 0 else 1
    for base, power in f_num:
        s *= base ** (power // 2)
        delta *= base ** (power % 2)
    for base, power in f_den:  # 1/g^h = g^(h mod 2) / g^(h + h mod 2)
        s /= base ** ((power + 1) // 2)
        delta *= base ** (power % 2)
    return sympy.cancel(s), sympy.expand(delta)


class QuadraticField:
    """``F(√δ)`` with elements ``(A, B)`` meaning ``A + B√δ`` (see the module docstring)."""

    def __init__(self, delta):
        self.delta = delta
        self.root = sympy.sqrt(delta)

    def element(self, a, b=0) -> tuple:
        return (sympy.cancel(a), sympy.cancel(b))

    def add(self, x, y) -> tuple:
        return (sympy.cancel(x[0] + y[0]), sympy.cancel(x[1] + y[1]))

    def sub(self, x, y) -> tuple:
        return (sympy.cancel(x[0] - y[0]), sympy.cancel(x[1] - y[1]))

    def mul(self, x, y) -> tuple:
        return (sympy.cancel(x[0] * y[0] + x[1] * y[1] * self.delta), sympy.cancel(x[0] * y[1] + x[1] * y[0]))

    def inv(self, x) -> tuple:
        norm = sympy.cancel(x[0] ** 2 - x[1] ** 2 * self.delta)
        return (sympy.cancel(x[0] / norm), sympy.cancel(-x[1] / norm))

    def div(self, x, y) -> tuple:
        return self.mul(x, self.inv(y))

    def power(self, x, k: int) -> tuple:
        out, base = self.element(1), x
        while k:
            if k & 1:
                out = self.mul(out, base)
            base = self.mul(base, base)
            k >>= 1
        return out

    def evaluate(self, expr, variable, at) -> tuple:
        """A rational function of ``variable`` at the element ``at``."""
        num, den = sympy.fraction(sympy.cancel(expr))
        return self.div(self._poly(num, variable, at), self._poly(den, variable, at))

    def _poly(self, expr, variable, at) -> tuple:
        out = self.element(0)
        for coeff in sympy.Poly(expr, variable).all_coeffs():  # Horner
            out = self.add(self.mul(out, at), self.element(coeff))
        return out

    def is_zero(self, x) -> bool:
        return bool(is_zero(x[0]) and is_zero(x[1]))

    def to_expr(self, x) -> sympy.Expr:
        return x[0] + x[1] * self.root
