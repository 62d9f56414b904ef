"""Exact arithmetic in a quadratic extension ``F(√δ)`` of a field of rational functions.

The explicit closed forms of circulant families contain ``p = (N − s√δ)/(2D)``
with ``N, s, D, δ`` rational functions of the symbols.  Their values at a
concrete size ``K`` lie in ``F(√δ)``, ``F = Q(symbols)``, where every element
is ``A + B√δ`` with ``A, B ∈ F``: multiplication uses ``√δ² = δ``, division
multiplies by the conjugate.  Zero tests are then zero tests of ``A`` and
``B`` in ``F`` (exact: SymPy's fraction field keeps canonical forms) —
valid because ``δ`` is not a square in ``F`` (its square-free part is kept).

Examples
--------
>>> a = sympy.Symbol("a", real=True)
>>> F = QuadraticField(a * (2 - a), [a])
>>> p = F.element(1 / (1 - a), -1 / (1 - a))       # (1 - √(a(2-a)))/(1 - a)
>>> q = F.element(1 / (1 - a), 1 / (1 - a))        # its reciprocal
>>> F.is_zero(F.sub(F.mul(p, q), F.element(1)))
True
"""

from __future__ import annotations

import sympy

from sympy.polys.domains import QQ

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
    """``F(√δ)`` with elements ``(A, B)`` meaning ``A + B√δ`` (see the module docstring).

    ``A`` and ``B`` live in SymPy's fraction field ``QQ(symbols)`` (native
    polynomial arithmetic, canonical forms: zero is decided by ``== 0``).
    """

    def __init__(self, delta, symbols=()):
        self.delta_expr = sympy.sympify(delta)  # safe: a SymPy value, never text
        self.root = sympy.sqrt(self.delta_expr)
        gens = sorted(set(symbols) | self.delta_expr.free_symbols, key=str)
        self.domain = QQ.frac_field(*gens) if gens else QQ
        self.delta = self._convert(self.delta_expr)

    def _convert(self, value):
        return self.domain.from_sympy(sympy.sympify(value))  # safe: SymPy values, never text

    def element(self, a, b=0) -> tuple:
        return (self._convert(a), self._convert(b))

    def add(self, x, y) -> tuple:
        return (x[0] + y[0], x[1] + y[1])

    def sub(self, x, y) -> tuple:
        return (x[0] - y[0], x[1] - y[1])

    def mul(self, x, y) -> tuple:
        return (x[0] * y[0] + x[1] * y[1] * self.delta, x[0] * y[1] + x[1] * y[0])

    def inv(self, x) -> tuple:
        norm = x[0] ** 2 - x[1] ** 2 * self.delta
        return (x[0] / norm, -x[1] / norm)

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
        return x[0] == 0 and x[1] == 0

    def part(self, x, which: int) -> sympy.Expr:
        """``A`` (``which = 0``) or ``B`` (1) as a SymPy expression."""
        return self.domain.to_sympy(x[which])

    def to_expr(self, x) -> sympy.Expr:
        return self.part(x, 0) + self.part(x, 1) * self.root
