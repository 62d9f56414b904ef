"""Where a spectral verdict can change with ``K``: the exact candidate sizes from the quotient operator.

For estimators whose verdict is not topological (pooled OLS at small
samples, M-estimators with ``M ≠ I``), whether the errors stay bounded is
decided by the spectral radius of the operator the trajectories live on —
for a block family the orbit quotient ``A(K)``.  As ``K`` varies, ``ρ(A(K))``
can cross 1 only where an eigenvalue lies on the unit circle: ``χ(1; K) = 0``,
``χ(−1; K) = 0``, or a pair ``e^{±iθ}``, which makes ``χ(z)`` and its
reciprocal ``z^m χ(1/z)`` share a root, so their resultant in ``z`` vanishes.
The real roots of these polynomials in ``K`` are exact algebraic numbers; past
the largest, the verdict is the same for every ``K`` and is decided exactly
at one integer size.

Examples
--------
>>> from graphcollapse.families import family
>>> from graphcollapse.families.quotient import Quotient
>>> f = family("complete", real="1/8", n=10, self_loops=True,
...            estimator={"family": "linear_regression", "d": 6})
>>> crossing = candidate_sizes(Quotient.of(f.structure))
>>> [round(float(r), 4) for r in crossing.roots]
[1.206, 5.0182]
>>> crossing.after
6
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.families.rules import K

__all__ = ["Crossings", "candidate_sizes"]

_Z = sympy.Symbol("z")


@dataclass(frozen=True)
class Crossings:
    """The real sizes ``K* ≥ 1`` where an eigenvalue of ``A(K)`` can meet the unit circle.

    ``after`` is the first integer beyond all of them (``1`` if there are none);
    ``polynomials`` the polynomials in ``K`` whose roots they are.
    """

    roots: tuple
    after: int
    polynomials: tuple

    def describe(self) -> str:
        if not self.roots:
            return ("no eigenvalue of the quotient operator meets the unit circle for K >= 1: the verdict does not "
                    "change with K")
        shown = ", ".join(f"{sympy.sstr(r)} ≈ {float(r):.6g}" for r in self.roots)
        return (f"the spectral radius of the quotient operator can cross 1 only at K* = {shown} (real roots of "
                f"χ(1; K), χ(-1; K) and the resultant of χ with its reciprocal); the verdict is constant for "
                f"K >= {self.after}")


def candidate_sizes(quotient, start: int = 1) -> Crossings:
    """The crossing candidates of the quotient operator (see the module docstring).

    Raises
    ------
    UnsupportedError
        When the operator has symbols other than ``K`` (the crossings are then curves, not points).
    """
    A = quotient.system[1]
    if A.free_symbols - {K}:
        names = ", ".join(sorted(s.name for s in A.free_symbols - {K}))
        raise UnsupportedError(f"the size threshold needs numbers for {names}")
    chi = sympy.Poly(sympy.cancel(A.charpoly(_Z).as_expr()), _Z)
    den = sympy.lcm_list([sympy.fraction(sympy.cancel(c))[1] for c in chi.all_coeffs()])
    P = sympy.Poly(sympy.expand(sympy.cancel(chi.as_expr() * den)), _Z, K)
    m = P.degree(_Z)
    reciprocal = sympy.Poly(sympy.expand(P.as_expr().xreplace({_Z: 1 / _Z}) * _Z**m), _Z, K)
    polys = [P.as_expr().xreplace({_Z: 1}), P.as_expr().xreplace({_Z: -1}),
             sympy.resultant(P.as_expr(), reciprocal.as_expr(), _Z)]
    if sympy.expand(polys[2]) == 0:
        raise UnsupportedError("the characteristic polynomial of the quotient has reciprocal root pairs for every K; "
                               "its unit-circle crossings are not located")
    roots: list = []
    kept = []
    for poly in polys:
        poly = sympy.expand(poly)
        if poly == 0 or not poly.has(K):
            continue
        kept.append(sympy.factor(poly))
        roots += [r for r in sympy.Poly(poly, K).real_roots() if r >= start]
    unique = sorted(set(roots), key=float)
    after = max(start, math.floor(max(float(r) for r in unique)) + 1) if unique else start
    return Crossings(tuple(unique), after, tuple(kept))
