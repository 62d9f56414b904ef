r"""Exact rates of decay under accumulate: ``E_k(t) ~ C t^(-α)``, ``α = min(1, 2(1 − μ))``.

Under ``accumulate`` with fresh real data, a model with no closed class upstream
has ``e(t) ≈ (I − (I − W)/t) e(t-1) + ξ(t)/t`` on its upstream set ``A(k)``:
the products of the ``I − (I − W)/s`` shrink like ``t^{-(1 − λ)}`` along each
eigenvalue ``λ`` of ``W_A(k)``, and the noise adds ``Σ_s (s/t)^{2(1-λ)}/s²``.
So the initial condition contributes ``t^{-2(1 − μ)}`` and the noise
``t^{-min(1, 2(1 − μ))}``, with ``μ = max Re λ``:

* ``μ < 1/2``: ``α = 1`` and ``C = d X_kk`` with ``X`` the solution of the
  continuous Lyapunov equation ``(I/2 − W)X + X(I/2 − W)ᵀ = D`` (insert
  ``S(t) = X/t + o(1/t)`` into ``S(t) = A_t S(t-1) A_tᵀ + D/t²``);
* ``μ = 1/2``: ``α = 1`` with a factor ``log t``;
* ``μ > 1/2``: ``α = 2(1 − μ)`` (a power of ``log t`` when the eigenvalue of
  real part ``μ`` carries a Jordan block); ``C`` depends on the whole
  transient and is not computed.

``μ`` is an algebraic number: :func:`dominant_real_part` returns it exactly
(a rational, a radical, or a real root of ``Res_y(f(y), f(2x − y))``) and
decides its comparison with ``1/2`` in exact arithmetic (an exact test for
roots on the line ``Re z = 1/2``, then certified root boxes); floating point
only picks which root is the dominant one, at 50 digits.

Examples
--------
>>> import sympy
>>> W = sympy.Matrix([[0, sympy.Rational(1, 2)], [1, 0]])
>>> info = dominant_real_part(W)
>>> info.value, info.comparison_with_half, rate_exponent(info)
(sqrt(2)/2, 1, 2 - sqrt(2))
>>> rate_exponent(dominant_real_part(sympy.Matrix([[sympy.Rational(1, 4)]])))
1
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy
from sympy.polys.matrices import DomainMatrix

from graphcollapse.linalg.domain import solve

__all__ = ["RealPart", "dominant_real_part", "rate_exponent", "rate_constant"]

_Z = sympy.Symbol("z")
_X = sympy.Symbol("x")
_Y = sympy.Symbol("y", real=True)
_HALF = sympy.Rational(1, 2)


@dataclass(frozen=True)
class RealPart:
    """``μ = max Re λ`` over the eigenvalues of a rational matrix, exactly.

    ``comparison_with_half`` is ``sign(μ − 1/2)`` (exact); ``defective`` says
    whether an eigenvalue of real part ``μ`` has a Jordan block.
    """

    value: sympy.Expr
    comparison_with_half: int
    defective: bool


def dominant_real_part(W: sympy.MatrixBase) -> RealPart:
    """``μ = max Re λ(W)`` exactly (see the module docstring)."""
    W = sympy.Matrix(W)
    dm = DomainMatrix.from_Matrix(W).convert_to(sympy.QQ)
    poly = sympy.Poly(dm.charpoly(), _Z, domain=sympy.QQ)
    _, factors = poly.factor_list()
    best = None  # (real part, factor, multiplicity, numeric root)
    with mpmath.workdps(50):
        for f, mult in factors:
            coefficients = [mpmath.mpf(sympy.Rational(c).p) / sympy.Rational(c).q for c in f.all_coeffs()]
            roots = [coefficients[-1] * -1 / coefficients[0]] if f.degree() == 1 else \
                mpmath.polyroots(coefficients, maxsteps=200, extraprec=200)
            for root in roots:
                re = mpmath.re(root)
                if best is None or re > best[0]:
                    best = (re, f, mult, complex(root))
    _, f, mult, approx = best
    value, root = _exact_real_part(f, approx)
    comparison = _compare(f, root, value, _HALF)
    defective = mult > 1 and not _semisimple(dm, f)
    return RealPart(value, comparison, defective)


def _exact_real_part(f: sympy.Poly, approx: complex):
    """``(Re λ exactly, the root as a CRootOf)`` for the root of ``f`` nearest ``approx``."""
    if f.degree() == 1:
        r = sympy.Rational(-f.nth(0), f.nth(1))
        return r, r
    candidates = [sympy.CRootOf(f.as_expr(), i) for i in range(f.degree())]
    root = min(candidates, key=lambda r: abs(complex(r.evalf(30)) - approx))
    if f.degree() == 2:  # radicals; beyond, Cardano's forms are exact but unreadable: CRootOf
        for r in sympy.roots(f.as_expr(), _Z):
            if abs(complex(r.evalf(30)) - complex(root.evalf(30))) < 1e-20:
                return sympy.simplify(sympy.re(sympy.expand_complex(r))), root
    if root.is_real:
        return root, root
    # Re λ = (λ + conj λ)/2 is a real root of Res_y(f(y), f(2x - y))
    g = sympy.Poly(sympy.resultant(f.as_expr().subs(_Z, _Y), f.as_expr().subs(_Z, 2 * _X - _Y), _Y), _X)
    target = complex(root.evalf(30)).real
    best = None
    for factor, _ in g.factor_list()[1]:
        for r in factor.real_roots():
            distance = abs(float(r.evalf(30)) - target)
            if best is None or distance < best[0]:
                best = (distance, r)
    return best[1], root


def _compare(f: sympy.Poly, root, value, c) -> int:
    """``sign(Re root − c)`` exactly."""
    if value.is_Rational:
        return int(sympy.sign(value - c))
    # roots of f on the line Re z = c: real roots of gcd(Re, Im) of f(c + iy)
    shifted = sympy.Poly(sympy.expand(f.as_expr().subs(_Z, c + sympy.I * _Y)), _Y)
    re_part = sympy.Poly([sympy.re(a) for a in shifted.all_coeffs()], _Y, domain=sympy.QQ)
    im_part = sympy.Poly([sympy.im(a) for a in shifted.all_coeffs()], _Y, domain=sympy.QQ)
    common = sympy.gcd(re_part, im_part) if not im_part.is_zero else re_part
    if common.degree() > 0 and common.sqf_part().count_roots() > 0 and \
            abs(complex(root.evalf(50)).real - float(c)) < 1e-30:
        return 0
    eps = sympy.Rational(1, 10)
    while True:  # terminates: the root is off the line
        box = root.eval_rational(dx=eps, dy=eps) if not root.is_Rational else root
        x = sympy.re(box)
        if x - eps > c:
            return 1
        if x + eps < c:
            return -1
        eps /= 1000


def _semisimple(dm: DomainMatrix, f: sympy.Poly) -> bool:
    """No Jordan block for the roots of ``f``: ``rank f(W) = rank f(W)²``."""
    n = dm.shape[0]
    out = DomainMatrix.zeros((n, n), sympy.QQ)
    eye = DomainMatrix.eye(n, sympy.QQ)
    for c in f.all_coeffs():
        c = sympy.Rational(c)
        out = out * dm + eye * sympy.QQ(c.p, c.q)
    return out.rank() == (out * out).rank()


def rate_exponent(info: RealPart) -> sympy.Expr:
    """``α = min(1, 2(1 − μ))``."""
    return sympy.Integer(1) if info.comparison_with_half <= 0 else sympy.expand(2 * (1 - info.value))


def rate_constant(W: sympy.MatrixBase, D, trace_weight, k: int) -> sympy.Expr:
    """``C = d X_kk`` with ``(I/2 − W)X + X(I/2 − W)ᵀ = diag(D)`` (valid when ``μ < 1/2``).

    ``W`` and ``D`` (per-model batch noise, per coordinate) are restricted to
    the upstream set; ``k`` is the model's position in it.
    """
    W = sympy.Matrix(W)
    n = W.rows
    B = sympy.eye(n) / 2 - W
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    index = {p: u for u, p in enumerate(pairs)}
    A = sympy.zeros(len(pairs), len(pairs))
    rhs = sympy.zeros(len(pairs), 1)

    def at(i, j):
        return index[(i, j) if i <= j else (j, i)]

    for u, (i, j) in enumerate(pairs):
        for m in range(n):  # (B X)_ij + (X Bᵀ)_ij = Σ_m B_im X_mj + X_im B_jm
            if B[i, m] != 0:
                A[u, at(m, j)] += B[i, m]
            if B[j, m] != 0:
                A[u, at(i, m)] += B[j, m]
        rhs[u] = D[i] if i == j else 0
    X = solve(A, rhs)
    return sympy.expand(trace_weight * X[at(k, k)])
