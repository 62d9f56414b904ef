"""Arithmetic back ends behind one front: exact, float and mpmath.

A solver written against :class:`Arithmetic` never branches on the kind of
numbers it holds: it converts its inputs with :meth:`Arithmetic.convert`,
builds sparse systems with :meth:`Arithmetic.solve` and reads results with
:meth:`Arithmetic.output`.  Three back ends implement the front:

* :class:`ExactArithmetic` — the exact field of the entries (QQ, a number
  field, or a fraction field over symbols; :class:`~graphcollapse.numbers.NumberDomain`),
  solves by :func:`~graphcollapse.linalg.exact_solve.solve_exact`
  (python-flint interpolation where it applies: the one flint switch is
  :mod:`graphcollapse.numbers.flint`), zero decided exactly;
* :class:`FloatArithmetic` — float64 with NumPy/SciPy; zero means ``0.0``;
* :class:`MpmathArithmetic` — mpmath at ``dps`` decimal digits (small
  ill-conditioned systems where doubles lose every digit).

Conversions between them are explicit (:func:`arithmetic_for`, and each back
end's ``convert``): exact values go to floats or mpmath numbers, never back.

Examples
--------
>>> import sympy
>>> rows = [{0: sympy.Rational(1, 2)}]          # x = x/2 + 1  ->  x = 2
>>> for name in ("exact", "float", "mpmath"):
...     back = arithmetic_for(name)
...     print(name, back.output(back.fixed_point(rows, [1])[0]))
exact 2
float 2.0
mpmath 2.0
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from typing import Any, Sequence

import numpy as np
import sympy

from graphcollapse.errors import InputError, SingularSystemError

__all__ = ["Arithmetic", "ExactArithmetic", "FloatArithmetic", "MpmathArithmetic", "arithmetic_for", "BACKENDS"]

#: Names of the back ends, in the order reports list them.
BACKENDS = ("exact", "float", "mpmath")


class Arithmetic(ABC):
    """The front: what a solver needs from numbers, whatever they are."""

    name: str

    @abstractmethod
    def convert(self, value) -> Any:
        """A value (exact SymPy, Python or float) in this arithmetic."""

    @abstractmethod
    def solve(self, rows: Sequence[dict], rhs: Sequence, wanted: set[int] | None = None) -> list:
        """``x`` with ``M x = rhs`` for the sparse matrix ``M`` given by ``rows[i] = {j: M_ij}``.

        ``wanted``: the entries the caller reads; the others may be left
        undefined (exact arithmetic then skips building them).
        """

    @abstractmethod
    def is_zero(self, value) -> bool:
        """Whether ``value`` is zero (exactly for exact arithmetic; ``== 0`` otherwise)."""

    @abstractmethod
    def output(self, value):
        """The value as reported: a canonical SymPy expression, a float, or an ``mpmath.mpf``."""

    def describe(self) -> str:
        return self.name

    def context(self):
        """A context manager every computation in this arithmetic runs in (mpmath: its precision)."""
        return contextlib.nullcontext()

    def fixed_point(self, rows: Sequence[dict], constant: Sequence, wanted: set[int] | None = None) -> list:
        """``x = A x + b``, i.e. ``(I − A) x = b``, for sparse rows of ``A`` (``wanted`` as in :meth:`solve`)."""
        system = []
        for i, row in enumerate(rows):
            entry = {j: self.convert(-c) for j, c in row.items()}
            entry[i] = entry.get(i, self.convert(0)) + self.convert(1)
            system.append(entry)
        return self.solve(system, [self.convert(b) for b in constant], wanted)


class ExactArithmetic(Arithmetic):
    """Exact arithmetic in the field of the entries; singular systems are certified singular."""

    name = "exact"

    def convert(self, value):
        if isinstance(value, float):
            raise InputError(f"exact arithmetic received the float {value!r}; convert it exactly first")
        return sympy.sympify(value)  # safe: numbers and SymPy expressions only, never text

    def solve(self, rows, rhs, wanted=None):
        from graphcollapse.linalg.exact_solve import solve_exact

        n = len(rows)
        M = sympy.zeros(n, n)
        for i, row in enumerate(rows):
            for j, c in row.items():
                M[i, j] = c
        return list(solve_exact(M, sympy.Matrix(list(rhs)), wanted=wanted))

    def is_zero(self, value) -> bool:
        from graphcollapse.numbers.domain import is_zero

        return is_zero(value)

    def output(self, value):
        from graphcollapse.numbers.domain import canonical
        from graphcollapse.numbers.forms import tidy

        return tidy(value) if value.free_symbols else canonical(value)


class FloatArithmetic(Arithmetic):
    """float64: sparse solves by SciPy's LU."""

    name = "float"

    def convert(self, value):
        if isinstance(value, sympy.Basic) and value.free_symbols:
            raise InputError(f"float arithmetic needs numbers; {value} has symbols (substitute them first)")
        return float(value)

    def solve(self, rows, rhs, wanted=None):
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla

        n = len(rows)
        data, ri, ci = [], [], []
        for i, row in enumerate(rows):
            for j, c in row.items():
                ri.append(i)
                ci.append(j)
                data.append(float(c))
        M = sp.csc_array((data, (ri, ci)), shape=(n, n))
        try:
            x = spla.splu(M).solve(np.asarray(rhs, dtype=float))
        except RuntimeError as err:  # "Factor is exactly singular"
            raise SingularSystemError(f"float system is singular ({err})") from None
        return [float(v) for v in x]

    def is_zero(self, value) -> bool:
        return float(value) == 0.0

    def output(self, value):
        return float(value)


class MpmathArithmetic(Arithmetic):
    """mpmath at a chosen precision (``dps`` decimal digits)."""

    name = "mpmath"

    def __init__(self, dps: int = 50):
        self.dps = int(dps)

    def describe(self) -> str:
        return f"mpmath ({self.dps} digits)"

    def context(self):
        import mpmath

        return mpmath.workdps(self.dps)

    def convert(self, value):
        import mpmath

        from graphcollapse.linalg.stein_float import exact_to_mpf

        with mpmath.workdps(self.dps):
            if isinstance(value, sympy.Basic):
                if value.free_symbols:
                    raise InputError(f"mpmath arithmetic needs numbers; {value} has symbols")
                return exact_to_mpf(value)
            return mpmath.mpf(value)

    def solve(self, rows, rhs, wanted=None):
        import mpmath

        n = len(rows)
        with mpmath.workdps(self.dps):
            M = mpmath.zeros(n, n)
            for i, row in enumerate(rows):
                for j, c in row.items():
                    M[i, j] = self.convert(c)
            try:
                x = mpmath.lu_solve(M, mpmath.matrix([self.convert(b) for b in rhs]))
            except ZeroDivisionError:
                raise SingularSystemError("mpmath system is singular") from None
            return [x[i] for i in range(n)]

    def is_zero(self, value) -> bool:
        return value == 0

    def output(self, value):
        return value


def arithmetic_for(name: str, dps: int = 50) -> Arithmetic:
    """The back end called ``name`` (``"exact"``, ``"float"`` or ``"mpmath"``)."""
    if name == "exact":
        return ExactArithmetic()
    if name == "float":
        return FloatArithmetic()
    if name == "mpmath":
        return MpmathArithmetic(dps)
    raise InputError(f"arithmetic must be one of {', '.join(BACKENDS)}, not {name!r}")
