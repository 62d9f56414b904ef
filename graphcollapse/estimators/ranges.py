"""The ranges of estimator parameters, declared once and checked in one place.

Every estimator family declares the range of each of its parameters as a
:class:`Range` (Poisson ``λ > 0``, Bernoulli ``0 < p < 1``, exponential
``rate > 0``, Gaussian ``σ² > 0``, a dimension ``d ≥ 1`` and integer).
:meth:`Range.check` serves the analysis, the simulator and the API alike,
because it runs when the specification is parsed
(:attr:`graphcollapse.estimators.Estimator.parameters`):

* a constant outside its range is an :class:`~graphcollapse.errors.InputError`
  naming the estimator, the parameter, the range and the value (decided
  exactly, also for algebraic numbers);
* a symbolic value is not decided here: :meth:`Range.constraints` turns its
  range into constraints of the valid region of the symbols, so every result
  holds where the parameter is in range, and a region made empty by them is
  refused where the region is built.

Examples
--------
>>> import sympy
>>> UNIT.check(sympy.Rational(3, 10), "estimator 'bernoulli': theta p")
3/10
>>> UNIT.check(sympy.Integer(2), "estimator 'bernoulli': theta p")
Traceback (most recent call last):
...
graphcollapse.errors.InputError: estimator 'bernoulli': theta p = 2 is outside its range (0, 1)
>>> a = sympy.Symbol("a", real=True)
>>> UNIT.constraints(a)
[(a, '>'), (1 - a, '>')]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.domain import sign

__all__ = ["Range", "POSITIVE", "UNIT", "REAL", "DIMENSION"]


@dataclass(frozen=True)
class Range:
    """An interval of the real line, optionally of integers.

    ``lower``/``upper`` are ``None`` for an unbounded side; ``closed_lower``
    and ``closed_upper`` say whether the endpoint belongs to the range.
    """

    lower: int | None = None
    upper: int | None = None
    closed_lower: bool = False
    closed_upper: bool = False
    integer: bool = False
    #: How messages say it ("positive"); by default the interval itself.
    phrase: str | None = None

    def __str__(self) -> str:
        left = ("[" if self.closed_lower else "(") + ("-oo" if self.lower is None else str(self.lower))
        right = ("oo" if self.upper is None else str(self.upper)) + ("]" if self.closed_upper else ")")
        text = f"{left}, {right}"
        return f"the integers in {text}" if self.integer else text

    def check(self, value: sympy.Expr, where: str) -> sympy.Expr:
        """``value`` if it is symbolic or in the range; otherwise a one-line :class:`InputError`."""
        if value.free_symbols:
            return value
        if not value.is_real or not value.is_finite:
            raise InputError(f"{where} must be a finite real number, got {value}")
        outside = (self.integer and not value.is_Integer) or any(
            s < 0 or (s == 0 and not closed)
            for bound, closed, side in ((self.lower, self.closed_lower, 1), (self.upper, self.closed_upper, -1))
            if bound is not None
            for s in (sign(side * (value - bound)),))
        if outside:
            raise InputError(f"{where} must be {self.phrase}, got {value}" if self.phrase
                             else f"{where} = {value} is outside its range {self}")
        return value

    def constraints(self, value: sympy.Expr) -> list[tuple[sympy.Expr, str]]:
        """The range as constraints ``(expr, op)`` comparing with 0, for a symbolic ``value``."""
        if not value.free_symbols:
            return []
        out = []
        if self.lower is not None:
            out.append((value - self.lower, ">=" if self.closed_lower else ">"))
        if self.upper is not None:
            out.append((self.upper - value, ">=" if self.closed_upper else ">"))
        return out


#: ``(0, oo)``: rates, variances, Poisson means.
POSITIVE = Range(lower=0, phrase="positive")
#: ``(0, 1)``: probabilities of a Bernoulli family.
UNIT = Range(lower=0, upper=1)
#: The real line: locations.
REAL = Range()
#: ``{1, 2, …}``: dimensions.
DIMENSION = Range(lower=1, closed_lower=True, integer=True, phrase="a positive integer")
