"""Circulant families in the Fourier basis: limits as sums over the ``K``-th roots of unity, and in closed form.

With ``W_{k, k−s} = w_s`` (self-loop ``s = 0``) the vectors ``(ω^{mk})_k``,
``ω = e^{2πi/K}``, diagonalise ``W`` with eigenvalues ``λ_m = λ(ω^m)``,
``λ(z) = Σ_s w_s z^{−s}``.  The noise is the same at every model, so with a
Kronecker operator ``(W ⊗ M) S (W ⊗ M)ᵀ`` each Fourier mode solves its own
equation ``X_m = g_m M X_m Mᵀ + D`` with ``g_m = |λ_m|² = λ(ω^m) λ(ω^{−m})``,
and the limit of every model is the mode average

    L(K) = (1/K) Σ_{m=0}^{K−1} F(g_m),     F(g) = tr(T X(g)),

an exact finite sum (:meth:`Fourier.sum_form`, written with cosines).  Its
closed form comes from the residue theorem: ``h(z) = F(λ(z) λ(1/z))`` is
rational, ``Σ_{ω^K = 1} h(ω)`` is minus the sum of the residues of
``h(z) K z^{K−1}/(z^K − 1)`` at the poles ``p`` of ``h`` and at ``∞``, so

    L(K) = h(∞) − Σ_{Q(p) = 0} Res_p(h) p^{K−1} / (p^K − 1)

(simple poles, valid once ``K`` exceeds the order of the pole of ``h`` at
0, which is none here).  The number of terms does not depend on ``K``; with
the roots in radicals it is an explicit closed form, otherwise a ``RootSum``.
As ``K → ∞``, ``p^{K−1}/(p^K − 1) → 1/p`` for ``|p| > 1`` and ``→ 0`` for
``|p| < 1``.

Collapse (no real data, ``M = I``): the modes with ``g_m = 1`` are those
with ``K | m G``, ``G`` the gcd of the differences of the offsets in the
support, so the growth rate is ``tr(T D) gcd(K, G)/K``.

Examples
--------
>>> from graphcollapse.families import family, K
>>> f = family("cycle", real="a", n="n", options={"direction": "directed"})
>>> four = Fourier.of(f.structure)
>>> sympy.factor(four.closed_form())
-1/(a*n*(a - 2))
"""

from __future__ import annotations

from functools import cached_property
from math import gcd

import sympy

from graphcollapse.errors import InternalConsistencyError, UnsupportedError
from graphcollapse.families.probe import Model, Source, Target, local_recursion
from graphcollapse.families.rules import K
from graphcollapse.families.structures import Circulant
from graphcollapse.families.radicals import QuadraticField, square_free
from graphcollapse.numbers.domain import is_zero
from graphcollapse.numbers.forms import tidy

__all__ = ["Fourier", "circulant_target", "gcd_with"]

_Z = sympy.Symbol("z")
_G = sympy.Symbol("g")
_P = sympy.Symbol("p")
MODE = sympy.Symbol("m", integer=True, nonnegative=True)


def circulant_target(circ: Circulant) -> Target:
    """The representative model: one source per offset (sizes where the offsets are distinct)."""
    model = Model.of(circ.rule)
    r, s, w = circ.weights()
    return Target(0, model, r, s, tuple(Source(("offset", o), w, sympy.Integer(1), None, model)
                                        for o in circ.offsets))


def gcd_with(G: int) -> sympy.Expr:
    """``gcd(K, G)`` as a ``Piecewise`` in ``K`` (the largest divisor of ``G`` dividing ``K``)."""
    divisors = sorted((d for d in range(1, G + 1) if G % d == 0), reverse=True)
    if len(divisors) == 1:
        return sympy.Integer(1)
    return sympy.Piecewise(*[(sympy.Integer(d), sympy.Eq(sympy.Mod(K, d), 0)) for d in divisors[:-1]],
                           (sympy.Integer(1), True))


class Fourier:
    """The Fourier solution of a circulant family (see the module docstring)."""

    def __init__(self, circ: Circulant, local):
        if not local.kronecker:
            raise UnsupportedError(f"the {local.estimator} operator is not of the Kronecker form W S Wᵀ on a "
                                   "circulant; no Fourier diagonalisation")
        self.circ = circ
        self.local = local
        r, s, w = circ.weights()
        self.real = r
        self.coefficients = {o: w for o in circ.offsets}
        if s != 0:
            self.coefficients[0] = s

    @classmethod
    def of(cls, circ: Circulant) -> "Fourier":
        return cls(circ, local_recursion(circ.rule, [circulant_target(circ)]))

    @cached_property
    def mode_value(self) -> sympy.Expr:
        """``F(g) = tr(T X)``, ``X = g M X Mᵀ + D`` (a rational function of ``g``)."""
        loc = self.local
        p = loc.p
        if p == 1:
            return sympy.cancel(loc.trace_weight[0, 0] * loc.noise[0][0, 0] / (1 - _G * loc.M[0, 0] ** 2))
        B = sympy.kronecker_product(loc.M, loc.M)
        vec = (sympy.eye(p * p) - _G * B).LUsolve(sympy.Matrix(loc.noise[0]).reshape(p * p, 1))
        X = vec.reshape(p, p)
        return sympy.cancel((loc.trace_weight * X).trace())

    def g_of(self, z) -> sympy.Expr:
        """``λ(z) λ(1/z)``."""
        lam = sum((c * z ** (-o) for o, c in self.coefficients.items()), sympy.Integer(0))
        lam_inv = sum((c * z ** o for o, c in self.coefficients.items()), sympy.Integer(0))
        return sympy.expand(lam * lam_inv)

    def g_mode(self, m) -> sympy.Expr:
        """``g_m = Σ_{s,s'} w_s w_s' cos(2π m (s − s')/K)``."""
        terms: dict[int, sympy.Expr] = {}
        for o, c in self.coefficients.items():
            for o2, c2 in self.coefficients.items():
                d = abs(o - o2)
                terms[d] = terms.get(d, sympy.Integer(0)) + c * c2
        return sum((sympy.factor(c) * (1 if d == 0 else sympy.cos(2 * sympy.pi * m * d / K)))
                   for d, c in sorted(terms.items())) if terms else sympy.Integer(0)

    def sum_form(self) -> sympy.Expr:
        """``(1/K) Σ_{m=0}^{K−1} F(g_m)``, unevaluated."""
        return sympy.Sum(self.mode_value.xreplace({_G: self.g_mode(MODE)}), (MODE, 0, K - 1)) / K

    @cached_property
    def _rational(self):
        h = sympy.cancel(sympy.together(self.mode_value.xreplace({_G: self.g_of(_Z)})))
        num, den = sympy.fraction(h)
        return sympy.Poly(num, _Z), sympy.Poly(den, _Z)

    def _residue_data(self):
        """``(h(∞), Q, residue as a function of the root)`` or ``None`` when the poles are not simple."""
        N, Q = self._rational
        if N.degree() > Q.degree():
            return None
        at_infinity = sympy.cancel(N.LC() / Q.LC()) if N.degree() == Q.degree() else sympy.Integer(0)
        if Q.degree() == 0:
            return at_infinity, Q, None
        if Q.eval(0) == 0 or sympy.gcd(Q, Q.diff(_Z)).degree() > 0:
            return None
        residue = sympy.cancel(N.as_expr().xreplace({_Z: _P}) / Q.diff(_Z).as_expr().xreplace({_Z: _P}))
        return at_infinity, Q, residue

    def _pair_term(self, residue):
        """``T(p) = (Res_p h / p) (p^K + 1)/(p^K − 1)``: one reciprocal pair ``p, 1/p`` of poles."""
        return residue / _P * (_P**K + 1) / (_P**K - 1)

    @cached_property
    def pairs(self) -> list | None:
        """``[(field, p, Res_p h / p)]``, one pole of every reciprocal pair in radicals, or ``None``.

        ``Q(z) = z^e R(z + 1/z)``; a pair is explicit when its ``u = p + 1/p``
        is a rational root of ``R``: then ``p = (u − s√δ)/2`` with
        ``u² − 4 = s² δ`` (:func:`~.radicals.square_free`).
        """
        data = self._residue_data()
        if data is None or data[2] is None:
            return None
        _, Q, residue = data
        R = _reciprocal_part(Q)
        if R is None:
            return None
        out = []
        for factor, _ in sympy.factor_list(R)[1]:
            if factor.degree() != 1:
                return None
            u = sympy.cancel(-factor.nth(0) / factor.nth(1))
            scale, delta = square_free(u**2 - 4)
            field = QuadraticField(delta, residue.free_symbols - {_P})
            p = field.element(u / 2, -scale / 2)
            out.append((field, p, field.evaluate(residue / _P, _P, p)))
        return out

    def closed_form(self, point: dict | None = None):
        """``L(K)`` by residues; ``None`` when the poles are not simple.

        The poles of ``h(z) = h(1/z)`` come in pairs ``p, 1/p`` with
        ``Res_{1/p} h = −Res_p h / p²``, and a pair contributes
        ``T(p) = T(1/p)`` (:meth:`_pair_term`), so
        ``L(K) = h(∞) − ½ Σ_{Q(p)=0} T(p)``: explicit in radicals where
        :attr:`pairs` are, a ``RootSum`` otherwise.  Factors are written
        positive at ``point`` (an interior point of the region).
        """
        data = self._residue_data()
        if data is None:
            return None
        at_infinity, Q, residue = data
        if residue is None:
            return tidy(at_infinity, at=point) if at_infinity.free_symbols else at_infinity
        if self.pairs is None:
            return at_infinity - sympy.RootSum(sympy.Poly(Q.as_expr().xreplace({_Z: _P}), _P),
                                               sympy.Lambda(_P, self._pair_term(residue) / 2))
        total = tidy(at_infinity, at=point) if at_infinity.free_symbols else at_infinity
        for field, p, coefficient in self.pairs:
            shown_p = _shown(field, p, point)
            total -= _shown(field, coefficient, point) * (shown_p**K + 1) / (shown_p**K - 1)
        return total

    def explicit_at(self, size: int) -> sympy.Expr:
        """The explicit closed form at ``K = size``, evaluated in the quadratic fields (exact).

        Each pair term is invariant under ``√δ → −√δ`` (which swaps ``p`` and
        ``1/p``), so it must come out in the base field: checked.
        """
        at_infinity = self._residue_data()[0]
        total = at_infinity
        for field, p, coefficient in self.pairs:
            pk = field.power(p, size)
            one = field.element(1)
            term = field.mul(coefficient, field.div(field.add(pk, one), field.sub(pk, one)))
            if term[1] != 0:
                raise InternalConsistencyError("a reciprocal pair of poles did not give a rational term")
            total -= field.part(term, 0)
        return sympy.cancel(total)

    def closed_form_at(self, size: int) -> sympy.Expr:
        """The closed form at ``K = size`` as a rational function (the root sum evaluated by resultants)."""
        data = self._residue_data()
        if data is None:
            raise UnsupportedError("the poles of the mode function are not simple")
        at_infinity, Q, residue = data
        if residue is None:
            return at_infinity
        num, den = sympy.fraction(sympy.cancel(residue))
        value = _root_sum(Q.as_expr().xreplace({_Z: _P}), num * _P ** (size - 1), den * (_P**size - 1))
        return sympy.cancel(at_infinity - value)

    def sum_at(self, size: int) -> sympy.Expr:
        """The mode sum at ``K = size``, exactly: ``(1/K) tr F(G)`` with ``G = λ(P) λ(P⁻¹)`` for the cyclic shift ``P``."""
        if self.local.p != 1:
            raise UnsupportedError("the mode sum is evaluated exactly for one-dimensional states")
        P = sympy.zeros(size, size)
        for k in range(size):
            P[k, (k - 1) % size] = 1
        lam = sum((c * P ** (o % size) for o, c in self.coefficients.items()), sympy.zeros(size, size))
        G = lam * lam.T
        num, den = sympy.fraction(sympy.cancel(self.mode_value))
        num_m = sympy.Poly(num, _G)
        den_m = sympy.Poly(den, _G)

        def poly_at(poly):
            out = sympy.zeros(size, size)
            for (power,), coeff in poly.terms():
                out += coeff * G**power
            return out

        from graphcollapse.families.quotient import polynomial_rows
        from graphcollapse.linalg.exact_solve import solve_exact

        X = solve_exact(*polynomial_rows(poly_at(den_m), poly_at(num_m)))
        return sympy.cancel(X.trace() / size)

    def slope(self) -> sympy.Expr | None:
        """``tr(T D) gcd(K, G)/K`` when nothing receives real data and ``M = I``; else ``None``."""
        loc = self.local
        if not is_zero(self.real) or loc.M != sympy.eye(loc.p):
            return None
        support = [o for o in self.coefficients if not is_zero(self.coefficients[o])]
        G = 0
        for o in support:
            for o2 in support:
                G = gcd(G, abs(o - o2))
        rate = sympy.cancel((loc.trace_weight * loc.noise[0]).trace())
        return rate * gcd_with(G) / K if G else rate  # one offset: every mode has |λ| = 1

    def infinity_limit(self, point: dict):
        """``lim_{K→∞} L(K) = h(∞) + Σ_{pairs} Res_p h / p`` over the poles ``|p| < 1``.

        Which pole of a pair lies inside the unit circle is read at an
        interior ``point`` of the region (50 digits): no pole crosses the
        circle inside the region, where ``|λ| < 1`` on it.
        """
        data = self._residue_data()
        if data is None:
            return None
        at_infinity, _, residue = data
        if residue is None:
            return sympy.factor(at_infinity)
        if self.pairs is None:
            return None
        total = tidy(at_infinity, at=point) if at_infinity.free_symbols else at_infinity
        for field, p, coefficient in self.pairs:
            modulus = abs(complex(sympy.N(field.to_expr(p).xreplace(point), 50)))
            if abs(modulus - 1) < 1e-30:
                return None
            # T(p) -> -c (|p| < 1) or +c (|p| > 1), with c = Res_p h / p of the pole p
            sign = 1 if modulus < 1 else -1
            total += _shown(field, (sign * field.part(coefficient, 0), sign * field.part(coefficient, 1)), point)
        return total


def _reciprocal_part(Q):
    """``R(u)`` with ``Q(z) = z^(d/2) R(z + 1/z)`` (``None`` if ``Q`` is not of that form)."""
    u = sympy.Symbol("u")
    degree = Q.degree()
    if degree % 2:
        return None
    R, rest = sympy.Integer(0), Q.as_expr()
    for k in range(degree // 2, -1, -1):  # match the top coefficient, subtract, go down
        coeff = sympy.Poly(rest, _Z).coeff_monomial(_Z ** (degree // 2 + k))
        R += coeff * u**k
        rest = sympy.expand(rest - coeff * _Z ** (degree // 2) * (_Z + 1 / _Z) ** k)
    if sympy.cancel(rest) != 0:
        return None
    return sympy.Poly(R, u)


def _shown(field, x, point):
    """``A + B√δ`` with ``A``, ``B`` and ``δ`` tidied (presentation)."""
    parts = [v if isinstance(v, sympy.Basic) else field.domain.to_sympy(v) for v in x]
    a, b = (tidy(v, at=point) if v.free_symbols else v for v in parts)
    delta = field.delta_expr
    delta = tidy(delta, at=point) if delta.free_symbols else delta
    return sympy.together(a + b * sympy.sqrt(delta))


def _root_sum(q: sympy.Expr, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``Σ a(p)/b(p)`` over the roots ``p`` of the squarefree ``q``, exactly, without finding a root.

    In ``F[p]/(q)`` the sum is the trace of ``a b⁻¹``: reduce it to a
    polynomial ``r`` of degree below ``deg q`` and add ``r``'s coefficients
    times the power sums of the roots (Newton's identities).  SymPy's
    ``RootSum`` of the same rational function goes through resultants and
    takes minutes at moderate degrees.

    >>> x = sympy.Symbol("p")
    >>> _root_sum(x**2 - 2, sympy.Integer(1), x + 3)   # 1/(3 + √2) + 1/(3 − √2)
    6/7
    """
    (Q, A, B), _ = sympy.parallel_poly_from_expr([q, a, b], _P, field=True)  # one domain F = QQ(symbols)
    try:
        r = (A * B.invert(Q)).rem(Q)
    except (sympy.polys.polyerrors.NotInvertible, ZeroDivisionError):
        raise UnsupportedError("a pole of the mode function is a root of unity of this size") from None
    coeffs = Q.monic().all_coeffs()[1:]          # q = p^n + c1 p^(n-1) + ... + cn
    n = Q.degree()
    power_sums = [sympy.Integer(n)]
    for k in range(1, n):
        s_k = -k * coeffs[k - 1] - sum(coeffs[i - 1] * power_sums[k - i] for i in range(1, k))
        power_sums.append(s_k)
    return sympy.cancel(sum(c * power_sums[j] for (j,), c in r.terms()))
