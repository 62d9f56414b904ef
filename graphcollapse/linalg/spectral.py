"""Exact spectral radius of a rational matrix, compared with 1 without floating point.

Verdicts such as "pooled OLS at these sample sizes expands" rest on whether
``ρ(L)`` is below, at, or above 1 for an operator with negative entries, so
Perron–Frobenius shortcuts do not apply.  The decision here is exact:

1. the characteristic polynomial over QQ, factored into irreducibles;
2. roots *on* the unit circle, per factor: ``z = ±1`` by substitution; other
   unit roots only occur in self-reciprocal factors and are the real roots
   of ``gcd(Re q, Im q)`` for the Cayley transform ``q(t) = (1 − it)ᵈ
   f((1 + it)/(1 − it))``, counted by Sturm sequences;
3. every other root is isolated in a rational rectangle (SymPy's
   ``CRootOf``) and the rectangle refined until it lies strictly inside or
   strictly outside the unit disk — guaranteed to happen because those roots
   are not on the circle.

Whether unit-modulus eigenvalues are semisimple (linear rather than
polynomial growth at ``ρ = 1``) is decided by ranks: ``f(A)`` and ``f(A)²``
have equal rank iff the roots of ``f`` carry no Jordan block.

Examples
--------
>>> import sympy
>>> r = spectral_radius(sympy.Matrix([[sympy.Rational(27, 20)]]))
>>> r.exact, r.comparison_with_one
(27/20, 1)
>>> spectral_radius(sympy.Matrix([[0, 1], [1, 0]])).comparison_with_one
0
>>> spectral_radius(sympy.Matrix([[1, 1], [0, 1]])).semisimple
False
"""

from __future__ import annotations

from graphcollapse.errors import InputError, UnsupportedError, guarded

import sympy
from sympy.polys.matrices import DomainMatrix

from graphcollapse.numbers import flint as flint_switch

__all__ = ["SpectralRadius", "spectral_radius", "compare_with_one", "classify_factor"]

_Z = sympy.Symbol("z")
_T = sympy.Symbol("t", real=True)


class SpectralRadius:
    """``ρ(A)`` decided exactly.

    Attributes
    ----------
    exact : sympy.Expr
        ``ρ`` exactly: a rational, a radical, ``CRootOf`` or ``Abs(CRootOf)``
        (computed on first access: isolating complex roots is the slow part).
    value : float
        ``ρ`` to double precision (display only; never decides anything).
    comparison_with_one : int
        ``-1`` (ρ < 1), ``0`` (ρ = 1) or ``1`` (ρ > 1), exact.
    dominant : tuple of sympy.Expr
        The eigenvalues of modulus ``ρ``, exactly (on first access).
    semisimple : bool
        Whether the eigenvalues of modulus ``ρ`` have no Jordan block.
    charpoly : sympy.Poly
        The characteristic polynomial in ``z``.
    """

    def __init__(self, value, comparison_with_one, group, semisimple, charpoly, exact=None):
        self.value = float(value)
        self.comparison_with_one = int(comparison_with_one)
        self._group = group
        self.semisimple = bool(semisimple)
        self.charpoly = charpoly
        self._exact = exact

    @property
    def exact(self) -> sympy.Expr:
        if self._exact is None:
            root, f, _ = self._group[0]
            self._exact = _modulus(root.exact, f)
        return self._exact

    @property
    def dominant(self) -> tuple:
        return tuple(r.exact for r, _, _ in self._group)

    def __repr__(self) -> str:
        relation = {-1: "< 1", 0: "= 1", 1: "> 1"}[self.comparison_with_one]
        return f"SpectralRadius({self.value:.6g}, {relation}, semisimple={self.semisimple})"


def compare_with_one(A: sympy.MatrixBase) -> int:
    """``sign(ρ(A) − 1)`` exactly: -1, 0 or 1."""
    return spectral_radius(A).comparison_with_one


@guarded
def spectral_radius(A: sympy.MatrixBase) -> SpectralRadius:
    """The exact spectral radius of a square matrix with rational entries.

    Raises
    ------
    UnsupportedError
        If an entry is not a rational number.
    """
    A = sympy.Matrix(A)
    if A.rows != A.cols:
        raise InputError("spectral radius of a non-square matrix")
    irrational = next((x for x in A if not x.is_Rational), None)
    if irrational is not None:
        what = "symbols" if irrational.free_symbols else "algebraic (irrational) constants"
        raise UnsupportedError(f"the exact spectral radius is decided for rational matrices; this operator has "
                               f"{what} (e.g. {irrational}): substitute rational values (--subs) to decide it")
    if A.rows == 0 or A.is_zero_matrix:
        poly = sympy.Poly(_Z**A.rows, _Z)
        return SpectralRadius(0.0, -1, [(_Root(poly, 0j, exact=sympy.Integer(0)), poly, 1)], True, poly,
                              exact=sympy.Integer(0))
    dm = DomainMatrix.from_Matrix(A).convert_to(sympy.QQ)
    poly = sympy.Poly(dm.charpoly(), _Z, domain=sympy.QQ)
    _, factors = poly.factor_list()
    # Candidates for the dominant roots are grouped by their float modulus;
    # that only picks which exact root to print, the comparison with 1 above is exact.
    best = None  # (float modulus, [(root, factor, multiplicity), …])
    per_factor = []
    for f, mult in factors:
        roots = _classify_roots(f)
        per_factor.append((f, mult, roots))
    on_circle_any = any(kind == 0 for _, _, roots in per_factor for kind, _ in roots)
    outside_any = any(kind > 0 for _, _, roots in per_factor for kind, _ in roots)
    if outside_any:
        comparison = 1
    elif on_circle_any:
        comparison = 0
    else:
        comparison = -1
    # The exact radius: the largest modulus among the roots of the relevant class.
    for f, mult, roots in per_factor:
        for kind, root in roots:
            if comparison == 0 and kind != 0:
                continue
            if comparison == 1 and kind <= 0:
                continue
            value = abs(root.approx)
            if best is None or value > best[0] + 1e-12 * max(1.0, value):
                best = (value, [(root, f, mult)])
            elif abs(value - best[0]) <= 1e-12 * max(1.0, value):
                best[1].append((root, f, mult))
    if comparison == 0:
        group = best[1]
        return SpectralRadius(1.0, 0, group, _semisimple(A, {f for _, f, _ in group}, {f: m for _, f, m in group}),
                              poly, exact=sympy.Integer(1))
    value, group = best
    if comparison == 1 and len({f for _, f, _ in group}) > 1:
        group = _exact_ties(group)
    return SpectralRadius(value, comparison, group,
                          _semisimple(A, {g for _, g, _ in group}, {g: m for _, g, m in group}), poly)


def classify_factor(f: sympy.Poly) -> list[tuple[int, sympy.Expr]]:
    """``[(sign(|λ| − 1), |λ| exactly), …]`` for the roots of an irreducible rational polynomial, decided exactly."""
    f = sympy.Poly(f.as_expr(), _Z, domain=sympy.QQ)
    return [(kind, _modulus(root.exact, f)) for kind, root in _classify_roots(f)]


def _classify_roots(f: sympy.Poly):
    """``[(sign(|z| − 1), root), …]`` for the roots of an irreducible ``f``, exactly.

    ``root`` is a :class:`_Root`: a float approximation with the exact root
    (``CRootOf``) built only when asked for.
    """
    d = f.degree()
    if d == 1:
        r = sympy.Rational(-f.nth(0), f.nth(1))
        return [(int(bool(abs(r) > 1)) - int(bool(abs(r) < 1)), _Root(f, complex(r), exact=r))]
    on_circle = _unit_root_count(f)
    if flint_switch.enabled():
        return _classify_flint(f, on_circle)
    roots = [sympy.CRootOf(f.as_expr(), i) for i in range(d)]
    decided: dict[int, int] = {}
    eps = sympy.Rational(1, 10)
    while len(roots) - len(decided) > on_circle:
        for i, r in enumerate(roots):
            if i not in decided:
                kind = _certify(r, eps)
                if kind:
                    decided[i] = kind
        eps = eps / 1000
    return [(decided.get(i, 0), _Root(f, complex(r.evalf(30)), exact=r)) for i, r in enumerate(roots)]


def _classify_flint(f: sympy.Poly, on_circle: int):
    """Certified root enclosures (arb balls) from python-flint, refined until decided."""
    flint = flint_switch.lib()

    poly = flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in reversed(f.all_coeffs())])
    saved = flint.ctx.prec
    try:
        prec = 64
        while True:
            flint.ctx.prec = prec
            balls = [b for b, _ in poly.complex_roots()]
            kinds = [1 if b.abs_lower() > 1 else (-1 if b.abs_upper() < 1 else 0) for b in balls]
            if sum(1 for k in kinds if k == 0) == on_circle:
                return [(k, _Root(f, complex(b.mid()))) for k, b in zip(kinds, balls)]
            prec *= 2
    finally:
        flint.ctx.prec = saved


class _Root:
    """A root of ``f`` known to double precision; its exact form (``CRootOf``) on demand."""

    def __init__(self, f: sympy.Poly, approx: complex, exact=None):
        self.f = f
        self.approx = approx
        self._exact = exact

    @property
    def exact(self) -> sympy.Expr:
        if self._exact is None:
            candidates = [r for r in self.f.real_roots()] if abs(self.approx.imag) < 1e-9 else []
            if not candidates:
                candidates = [sympy.CRootOf(self.f.as_expr(), i) for i in range(self.f.degree())]
            self._exact = min(candidates, key=lambda r: abs(complex(r.evalf(30)) - self.approx))
        return self._exact


def _certify(root, eps) -> int:
    """1 / -1 when the isolating box of ``root`` (width ≤ eps) lies outside / inside the unit disk, else 0."""
    approx = root.eval_rational(dx=eps, dy=eps)
    x, y = sympy.re(approx), sympy.im(approx)
    lo = max(abs(x) - eps, 0) ** 2 + max(abs(y) - eps, 0) ** 2
    hi = (abs(x) + eps) ** 2 + (abs(y) + eps) ** 2
    if lo > 1:
        return 1
    if hi < 1:
        return -1
    return 0


def _unit_root_count(f: sympy.Poly) -> int:
    """Number of roots of the irreducible ``f`` on the unit circle, exactly."""
    d = f.degree()
    forward = f.all_coeffs()
    backward = forward[::-1]
    if backward != forward and backward != [-c for c in forward]:
        return 0  # an irreducible factor with a unit root is self-reciprocal
    count = 0
    if f.eval(-1) == 0:
        count += 1
    # Cayley transform: unit roots other than -1 ↔ real roots of gcd(Re q, Im q).
    coeffs = f.all_coeffs()[::-1]  # a_0 … a_d
    plus = sympy.Poly(1 + sympy.I * _T, _T, domain=sympy.QQ_I)
    minus = sympy.Poly(1 - sympy.I * _T, _T, domain=sympy.QQ_I)
    q = sympy.Poly(0, _T, domain=sympy.QQ_I)
    for k, a in enumerate(coeffs):
        if a != 0:
            q += plus**k * minus**(d - k) * a
    re_part = sympy.Poly([sympy.re(c) for c in q.all_coeffs()], _T, domain=sympy.QQ)
    im_part = sympy.Poly([sympy.im(c) for c in q.all_coeffs()], _T, domain=sympy.QQ)
    g = sympy.gcd(re_part, im_part) if not im_part.is_zero else re_part
    if g.degree() > 0:
        count += g.sqf_part().count_roots()
    return count


def _semisimple(A: sympy.Matrix, factors, multiplicity) -> bool:
    """No Jordan block for the roots of any of ``factors`` (rank test on ``f(A)``)."""
    dm = DomainMatrix.from_Matrix(A).convert_to(sympy.QQ)
    for f in factors:
        if multiplicity.get(f, 1) == 1:
            continue
        fA = _poly_at_matrix(f, dm)
        if fA.rank() != (fA * fA).rank():
            return False
    return True


def _poly_at_matrix(f: sympy.Poly, dm: DomainMatrix) -> DomainMatrix:
    n = dm.shape[0]
    out = DomainMatrix.zeros((n, n), sympy.QQ)
    eye = DomainMatrix.eye(n, sympy.QQ)
    for c in f.all_coeffs():
        out = out * dm + eye * sympy.QQ(c.p, c.q)
    return out


def _exact_ties(group):
    """Among candidate dominant roots from different factors keep the truly largest (exact compare)."""
    moduli = [(_modulus(r.exact, f), (r, f, m)) for r, f, m in group]
    top = moduli[0][0]
    for value, _ in moduli[1:]:
        if sympy.simplify(value - top).is_positive:
            top = value
    return [item for value, item in moduli if sympy.simplify(value - top) == 0]


def _modulus(root, f: sympy.Poly) -> sympy.Expr:
    if f.degree() <= 2:
        explicit = sympy.roots(f.as_expr(), f.gen)
        value = complex(root.evalf(30))
        for r in explicit:
            if abs(complex(r.evalf(30)) - value) < 1e-20:
                if r.is_real:
                    return sympy.Abs(r)
                return sympy.sqrt(sympy.expand(r * sympy.conjugate(r)))
    if root.is_real:
        return root if root.is_positive else -root
    return sympy.Abs(root)
