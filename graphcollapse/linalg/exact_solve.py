"""Exact linear solves for the limit equations, fast where plain SymPy is slow.

``solve_exact(M, B)`` solves ``M X = B`` exactly; ``solve_stein`` solves the
Stein (discrete Lyapunov / Sylvester) equation ``X = A X Bᵀ + C`` of one
block of the limit computation through it.

Why not one ``DomainMatrix`` LU over ``QQ(a, w, s)``?  Every pivot there is
a rational function whose numerator and denominator are reduced by a
multivariate gcd, in pure Python; for a ring of 8 models that takes about a
minute.  Two observations make it cheap:

1. *Symbols only on the right side enter linearly.*  Noise variances and
   sample sizes that do not appear in ``M`` are split off: ``B`` is written
   as ``Σ_m μ_m B_m`` over monomials ``μ_m`` in those symbols, and only the
   numeric-coefficient systems ``M X_m = B_m`` are solved.
2. *Evaluation and interpolation* (needs python-flint).  After clearing
   denominators row by row, ``M`` and ``B`` are polynomial, and by Cramer's
   rule ``X = N / Δ`` with ``Δ = det M`` and ``N`` polynomial.  Their
   degree in each symbol is bounded by a sum of row-wise maximal degrees —
   a rigorous bound, so interpolation on a tensor grid of integer points
   recovers ``Δ`` and ``N`` *exactly* from integer solves (flint's
   ``fmpz_mat``), and one gcd per entry puts each fraction in lowest terms.
   Nothing is probabilistic, and no evaluation point is unlucky: where
   ``Δ`` vanishes, ``N = adj(M) B`` is still evaluated (Cayley–Hamilton on
   the characteristic polynomial), so every grid point is usable; ``Δ``
   interpolates to the zero polynomial exactly when ``M`` is singular, which
   is then *certified* (:class:`~graphcollapse.errors.SingularSystemError`).

Algebraic constants (``sqrt(2)`` in a weight) put the system over a number
field ``QQ<θ>`` (or its fraction field over the symbols): it is solved by
SymPy's ``DomainMatrix`` in the :class:`~graphcollapse.numbers.NumberDomain`
of its entries, exactly.  Without python-flint (or when the grid would be
too large) rational systems with symbols use ``DomainMatrix`` over their
fraction field too, after step 1.

Examples
--------
>>> import sympy
>>> a, s = sympy.symbols("a s", positive=True)
>>> solve_exact(sympy.Matrix([[1, 0], [a - 1, 1]]), sympy.Matrix([s, 0]))
Matrix([
[         s],
[s*(1 - a)]])
>>> solve_stein(sympy.Matrix([[sympy.Rational(1, 2)]]), sympy.Matrix([[sympy.Rational(1, 2)]]),
...             sympy.Matrix([[3]]), symmetric=True)
Matrix([[4]])
"""

from __future__ import annotations

import math
from itertools import product

import sympy
from sympy.polys.matrices import DomainMatrix

from graphcollapse.errors import InternalError, SingularSystemError, UnsupportedError
from graphcollapse.numbers import flint as flint_switch
from graphcollapse.numbers.coordinates import degree, element_coordinates, from_coordinates, regular_matrix
from graphcollapse.numbers.domain import NumberDomain

__all__ = ["solve_exact", "solve_stein", "stein_system", "MAX_GRID_POINTS"]

#: Largest interpolation grid tried before falling back to fraction-field LU.
MAX_GRID_POINTS = 50_000


def solve_exact(M: sympy.MatrixBase, B: sympy.MatrixBase, *, method: str = "auto",
                wanted: set[int] | None = None) -> sympy.Matrix:
    """The exact solution ``X`` of ``M X = B``.

    Parameters
    ----------
    M : sympy.Matrix
        Square, nonsingular; entries rational functions of symbols.
    B : sympy.Matrix
        One or more right-hand sides; entries rational functions.
    method : {"auto", "interpolation", "fraction-field"}
        ``auto`` interpolates when python-flint is installed and the grid
        is small enough.
    wanted : set of int, optional
        Rows of ``X`` the caller will read.  On the interpolation path the
        others are left as ``nan`` (turning large polynomials into SymPy
        expressions is the expensive part); other paths fill every row.

    Raises
    ------
    SingularSystemError
        If ``M`` is singular (decided exactly).
    """
    M = sympy.Matrix(M)
    B = sympy.Matrix(B)
    if B.rows != M.rows:
        raise InternalError("solve_exact: M and B need the same number of rows")
    if M.rows == 0:
        return sympy.zeros(0, B.cols)
    domain = NumberDomain.from_expressions([x for x in M if x != 0] + [x for x in B if x != 0])
    if not domain.is_rational:
        if domain.symbols:
            return _solve_regular(M, B, domain, method, wanted)
        return _solve_in_domain(M, B, domain)
    matrix_symbols = sorted(M.free_symbols, key=str)
    M_poly, B_scaled = _clear_row_denominators(M, B, matrix_symbols)
    B_num, B_den = _common_denominator(B_scaled)
    rhs_symbols = sorted(B_num.free_symbols - set(matrix_symbols), key=str)
    monomials, columns = _split_rhs(B_num, rhs_symbols, matrix_symbols)
    stacked = sympy.Matrix.hstack(*columns)
    if not matrix_symbols:
        X_stacked = _solve_rational(M_poly, stacked)
    else:
        X_stacked = None
        if method in ("auto", "interpolation") and flint_switch.enabled():
            X_stacked = _solve_interpolation(M_poly, stacked, matrix_symbols, wanted)
        if X_stacked is None:
            if method == "interpolation":
                raise UnsupportedError("interpolation needs python-flint and a grid below MAX_GRID_POINTS")
            X_stacked = _solve_fraction_field(M_poly, stacked)
    out = sympy.zeros(M.rows, B.cols)
    ncol = B.cols
    for m, mono in enumerate(monomials):
        out += mono * X_stacked[:, m * ncol:(m + 1) * ncol]
    if B_den != 1:
        out = out / B_den
    return out


# -- preparation ---------------------------------------------------------------

def _clear_row_denominators(M, B, symbols):
    """Scale each row so that its ``M`` entries are polynomials with integer coefficients."""
    M = M.copy()
    B = B.copy()
    for i in range(M.rows):
        dens = []
        for j in range(M.cols):
            value = M[i, j]
            if value != 0:
                if not _is_polynomial(value):  # polynomials need no cancellation (the costly part)
                    value = sympy.cancel(sympy.together(value))
                    M[i, j] = value
                    dens.append(sympy.fraction(value)[1])
        scale = sympy.lcm_list(dens) if dens else sympy.Integer(1)
        if symbols:
            scale = scale * _coefficient_denominator_lcm([sympy.expand(M[i, j] * scale) for j in range(M.cols)],
                                                         symbols)
        if scale != 1:
            for j in range(M.cols):
                if M[i, j] != 0:
                    M[i, j] = sympy.expand(sympy.cancel(M[i, j] * scale))
            for j in range(B.cols):
                B[i, j] = B[i, j] * scale
        elif symbols:
            for j in range(M.cols):
                M[i, j] = sympy.expand(M[i, j])
    return M, B


def _is_polynomial(expr: sympy.Expr) -> bool:
    """Structurally a polynomial: no negative or fractional power of anything with a symbol."""
    if expr.is_Pow:
        return (bool(expr.exp.is_Integer) and expr.exp >= 0 and _is_polynomial(expr.base)) or not expr.free_symbols
    if expr.is_Add or expr.is_Mul:
        return all(_is_polynomial(arg) for arg in expr.args)
    return expr.is_Symbol or expr.is_Rational or not expr.free_symbols


def _coefficient_denominator_lcm(polys, symbols) -> int:
    dens = [1]
    for p in polys:
        if p != 0:
            for c in sympy.Poly(p, *symbols, domain="QQ").coeffs():
                dens.append(int(c.denominator))
    return math.lcm(*dens)


def _common_denominator(B):
    """``B = B_num / den`` with a polynomial ``B_num`` and one polynomial ``den``."""
    parts = [sympy.fraction(sympy.cancel(sympy.together(x))) if x != 0 else (sympy.Integer(0), sympy.Integer(1))
             for x in B]
    den = sympy.lcm_list([q for _, q in parts]) if parts else sympy.Integer(1)
    num = [sympy.expand(p * sympy.cancel(den / q)) for p, q in parts]
    return sympy.Matrix(B.rows, B.cols, num), den


def _split_rhs(B_num, rhs_symbols, matrix_symbols):
    """``B_num = Σ_m μ_m B_m``: monomials in the right-side-only symbols."""
    if not rhs_symbols:
        return [sympy.Integer(1)], [B_num]
    pieces: dict[tuple, dict[tuple[int, int], sympy.Expr]] = {}
    for i in range(B_num.rows):
        for j in range(B_num.cols):
            value = B_num[i, j]
            if value == 0:
                continue
            poly = sympy.Poly(value, *rhs_symbols)
            for monom, coeff in poly.terms():
                pieces.setdefault(monom, {})[(i, j)] = coeff
    monomials, columns = [], []
    for monom, entries in sorted(pieces.items()):
        monomials.append(sympy.Mul(*[s**e for s, e in zip(rhs_symbols, monom)]))
        columns.append(sympy.Matrix(B_num.rows, B_num.cols, lambda i, j: entries.get((i, j), 0)))
    return monomials, columns


# -- the three kernels -----------------------------------------------------------

def _solve_in_domain(M, B, domain: NumberDomain) -> sympy.Matrix:
    """``M⁻¹ B`` by LU in the exact field of the entries (number fields and their fraction fields)."""
    F = domain.field
    A = DomainMatrix([[domain.convert(x) for x in M.row(i)] for i in range(M.rows)], M.shape, F)
    R = DomainMatrix([[domain.convert(x) for x in B.row(i)] for i in range(B.rows)], B.shape, F)
    if F.is_zero(A.det()):
        raise SingularSystemError("singular system (its determinant is exactly zero)")
    X = A.lu_solve(R)
    return sympy.Matrix(B.rows, B.cols, [domain.to_sympy(x) for row in X.to_list() for x in row])


def _solve_regular(M, B, domain: NumberDomain, method, wanted) -> sympy.Matrix:
    """``M⁻¹ B`` over ``QQ<θ>(symbols)`` as a ``d`` times larger system over ``QQ(symbols)``.

    Each row of ``[M | B]`` is multiplied by the product of its entries'
    denominators (polynomials over ``QQ<θ>``, no gcd), then every entry ``p``
    becomes the ``d x d`` block ``R(p)`` of multiplication by ``p`` in the basis
    ``1, θ, …`` (and every right-hand side its coordinates): the solution's
    coordinates come out of the fast rational path, and no gcd over the number
    field is ever taken.
    """
    d = degree(domain)
    m, ncols = M.rows, B.cols
    big = sympy.zeros(m * d, m * d)
    rhs = sympy.zeros(m * d, ncols)
    for i in range(m):
        entries = [(j, domain.quotient(M[i, j])) for j in range(M.cols) if M[i, j] != 0]
        entries += [(m + c, domain.quotient(B[i, c])) for c in range(ncols) if B[i, c] != 0]
        denominators = [q for _, (_, q) in entries]
        for e, (position, (numerator, _)) in enumerate(entries):
            scaled = numerator
            for f, q in enumerate(denominators):
                if f != e:
                    scaled = scaled * q
            if position < m:
                block = regular_matrix(domain, scaled)
                for r in range(d):
                    for c in range(d):
                        if block[r][c]:
                            big[i * d + r, position * d + c] = block[r][c].as_expr()
            else:
                for r, value in enumerate(element_coordinates(domain, scaled)):
                    if value:
                        rhs[i * d + r, position - m] = value.as_expr()
    rows = None if wanted is None else {j * d + c for j in wanted for c in range(d)}
    solution = solve_exact(big, rhs, method=method, wanted=rows)
    out = sympy.zeros(m, ncols)
    for j in range(m):
        if wanted is not None and j not in wanted:
            out[j, :] = sympy.Matrix([[sympy.nan] * ncols])
            continue
        for col in range(ncols):
            out[j, col] = from_coordinates(domain, [solution[j * d + c, col] for c in range(d)])
    return out


def _solve_rational(M, B) -> sympy.Matrix:
    joint = DomainMatrix.from_Matrix(M.row_join(B)).to_field()
    A, rhs = joint[:, :M.cols], joint[:, M.cols:]
    if A.det() == A.domain.zero:
        raise SingularSystemError("singular system (its determinant is exactly zero)")
    return A.lu_solve(rhs).to_Matrix()


def _solve_fraction_field(M, B) -> sympy.Matrix:
    joint = DomainMatrix.from_Matrix(M.row_join(B)).to_field()
    A, rhs = joint[:, :M.cols], joint[:, M.cols:]
    if A.domain.is_zero(A.det()):
        raise SingularSystemError("singular system (its determinant is identically zero)")
    return A.lu_solve(rhs).to_Matrix().applyfunc(sympy.factor_terms)


def _solve_interpolation(M, B, symbols, wanted=None) -> sympy.Matrix | None:
    """Exact ``M⁻¹ B`` for polynomial ``M``, ``B`` with integer coefficients, by interpolation."""
    flint = flint_switch.lib()

    n, ncols = M.rows, B.cols
    entries = {}
    for i in range(n):
        for j in range(n):
            if M[i, j] != 0:
                entries[(i, j)] = sympy.Poly(M[i, j], *symbols, domain="ZZ")
    rhs = {}
    for i in range(n):
        for j in range(ncols):
            if B[i, j] != 0:
                rhs[(i, j)] = sympy.Poly(B[i, j], *symbols, domain="QQ")
    nv = len(symbols)
    # Rigorous degree bounds (Cramer's rule, row by row).
    det_bound = [0] * nv
    num_bound = [0] * nv
    for i in range(n):
        row = [p.degree_list() for (r, _), p in entries.items() if r == i]
        brow = [p.degree_list() for (r, _), p in rhs.items() if r == i]
        for v in range(nv):
            m_row = max((d[v] for d in row), default=0)
            b_row = max((d[v] for d in brow), default=0)
            det_bound[v] += m_row
            num_bound[v] += max(m_row, b_row)
    sizes = [b + 1 for b in num_bound]
    if math.prod(sizes) > MAX_GRID_POINTS:
        return None
    rhs_den = math.lcm(*[int(c.denominator) for p in rhs.values() for c in p.coeffs()] or [1])
    # Matrices of coefficients per monomial: M(x) = Σ_μ x^μ M_μ.
    by_monomial: dict[tuple, dict] = {}
    for (i, j), p in entries.items():
        for monom, c in p.terms():
            by_monomial.setdefault(monom, {})[(i, j)] = int(c)
    rhs_by_monomial: dict[tuple, dict] = {}
    for (i, j), p in rhs.items():
        for monom, c in p.terms():
            rhs_by_monomial.setdefault(monom, {})[(i, j)] = int(c * rhs_den)
    mats = {mono: flint.fmpz_mat(n, n, [vals.get((i, j), 0) for i in range(n) for j in range(n)])
            for mono, vals in by_monomial.items()}
    rmats = {mono: flint.fmpz_mat(n, ncols, [vals.get((i, j), 0) for i in range(n) for j in range(ncols)])
             for mono, vals in rhs_by_monomial.items()}

    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(nv)), "lex")
    # The rigorous bounds are often twice the true degrees.  Probe the true
    # degree along each variable (the others fixed), interpolate on that
    # smaller grid, and keep the result only if it satisfies M N = Δ B as a
    # polynomial identity with Δ ≠ 0 (then N/Δ = M⁻¹B exactly); otherwise use the rigorous grid.
    polys = None
    probed = _probe_degrees(mats, rmats, sizes, n, ncols, ctx)
    if probed != [s - 1 for s in sizes]:
        candidate = _interpolate_on_grid(mats, rmats, [d + 1 for d in probed], n, ncols, ctx)
        if not candidate[0].is_zero() and _satisfies(candidate, entries, rhs, rhs_den, n, ncols, ctx):
            polys = candidate
    if polys is None:
        polys = _interpolate_on_grid(mats, rmats, sizes, n, ncols, ctx)
    delta, numerators = polys[0], polys[1:]
    if delta.is_zero():
        # Interpolated on the rigorous Cramer grid: Δ ≡ 0 is certified.
        raise SingularSystemError("singular system (its determinant is identically zero)")
    out = sympy.zeros(n, ncols)
    for u in range(n):
        if wanted is not None and u not in wanted:
            out[u, :] = sympy.Matrix([[sympy.nan] * ncols])
            continue
        for c in range(ncols):
            N = numerators[u * ncols + c]
            if N.is_zero():
                continue
            g = N.gcd(delta)
            out[u, c] = _fraction_to_sympy(N / g, (delta / g) * rhs_den, symbols)
    return out


def _interpolate_on_grid(mats, rmats, sizes, n, ncols, ctx):
    """``[Δ, N entries…]`` interpolated on a tensor grid of the given sizes (every point usable)."""
    points = [list(range(1 + v, 1 + v + size)) for v, size in enumerate(sizes)]
    return _interpolate(_evaluate_grid(mats, rmats, points, n, ncols), points, ctx)


def _probe_degrees(mats, rmats, sizes, n, ncols, ctx) -> list[int]:
    """Degree of ``Δ`` and ``N`` along each variable, the other variables fixed at generic integers."""
    degrees = []
    nv = len(sizes)
    for v in range(nv):
        points = [[101 + 37 * u] for u in range(nv)]
        points[v] = list(range(1, 1 + sizes[v]))
        polys = _interpolate(_evaluate_grid(mats, rmats, points, n, ncols), points, ctx)
        degrees.append(max(max((p.degrees()[v] for p in polys if not p.is_zero()), default=0), 0))
    return degrees


def _satisfies(polys, entries, rhs, rhs_den, n, ncols, ctx) -> bool:
    """Exact check of ``M N = Δ · rhs_den · B`` as polynomials."""
    delta, numerators = polys[0], polys[1:]
    M = {key: ctx.from_dict({m: int(c) for m, c in p.terms()}) for key, p in entries.items()}
    B = {key: ctx.from_dict({m: int(c * rhs_den) for m, c in p.terms()}) for key, p in rhs.items()}
    by_row: dict[int, list] = {}
    for (i, j), value in M.items():
        by_row.setdefault(i, []).append((j, value))
    for i in range(n):
        for c in range(ncols):
            total = ctx.from_dict({})
            for j, value in by_row.get(i, []):
                total += value * numerators[j * ncols + c]
            if (i, c) in B:
                total -= delta * B[(i, c)]
            if not total.is_zero():
                return False
    return True


def _evaluate_grid(mats, rmats, points, n, ncols):
    """Rows ``[det M, adj(M) B entries…]`` at every grid point (``adj(M) B = det M · M⁻¹ B`` where M is regular)."""
    flint = flint_switch.lib()

    rows = []
    for index in product(*[range(len(p)) for p in points]):
        point = [points[v][i] for v, i in enumerate(index)]

        def weight(mono):
            w = 1
            for x, e in zip(point, mono):
                if e:
                    w *= x**e
            return w

        A = flint.fmpz_mat(n, n)
        for mono, mat in mats.items():
            A += mat * weight(mono)
        R = flint.fmpz_mat(n, ncols)
        for mono, mat in rmats.items():
            R += mat * weight(mono)
        det = A.det()
        if det == 0:
            Y = _adjugate_times(A, R, n)
            rows.append([det] + [Y[i, j] for i in range(n) for j in range(ncols)])
            continue
        X = A.solve(R) * det
        rows.append([det] + [X[i, j].p for i in range(n) for j in range(ncols)])
    return rows


def _adjugate_times(A, R, n):
    """``adj(A) R`` for a singular integer matrix, by Cayley–Hamilton.

    With ``χ(x) = xⁿ + c_{n-1} xⁿ⁻¹ + … + c_0``, ``adj(A) = (−1)^{n−1} (Aⁿ⁻¹ + c_{n−1} Aⁿ⁻² + … + c_1 I)``,
    applied to ``R`` by Horner's rule: ``n − 1`` matrix products, exact in the integers.
    """
    coeffs = [int(c) for c in A.charpoly().coeffs()]  # c_0 … c_n, c_n = 1
    Y = R
    for c in reversed(coeffs[1:-1]):
        Y = A * Y + R * c
    sign = -1 if (n - 1) % 2 else 1
    return Y * sign


def _interpolate(rows, points, ctx):
    """The polynomials taking the values ``rows[g][u]`` at grid point ``g`` (row-major), for every ``u``."""
    flint = flint_switch.lib()

    shape = [len(p) for p in points]
    width = len(rows[0])
    tensor = [flint.fmpq(v) for row in rows for v in row]
    # Coefficients along each variable in turn: one Vandermonde inverse per variable.
    for v, pts in enumerate(points):
        size = shape[v]
        inner = math.prod(shape[v + 1:]) * width
        outer = math.prod(shape[:v])
        Vinv = flint.fmpq_mat(size, size, [flint.fmpq(x)**e for x in pts for e in range(size)]).inv()
        new = []
        for o in range(outer):
            base = o * size * inner
            C = Vinv * flint.fmpq_mat(size, inner, tensor[base:base + size * inner])
            new.extend(C.entries())
        tensor = new
    data: list[dict] = [dict() for _ in range(width)]
    for flat, coeff in enumerate(tensor):
        if coeff != 0:
            rest, u = divmod(flat, width)
            monom = []
            for size in reversed(shape):
                rest, e = divmod(rest, size)
                monom.append(e)
            data[u][tuple(reversed(monom))] = coeff
    return [ctx.from_dict(d) for d in data]


def _fraction_to_sympy(p, q, symbols) -> sympy.Expr:
    """A reduced fraction of flint polynomials as a SymPy expression."""
    from graphcollapse.numbers.polys import from_flint, remember

    return remember(from_flint(p, symbols) / from_flint(q, symbols), symbols, p, q)


# -- Stein equations --------------------------------------------------------------

def stein_system(A: sympy.MatrixBase, B: sympy.MatrixBase, *, symmetric: bool):
    """The linear system ``(I − 𝒜) vec X = vec C`` of ``X = A X Bᵀ + C``.

    Returns ``(M, pairs, unpack)``: the system matrix, the ``(i, j)`` entry
    of ``X`` behind each unknown, and a function turning the solution
    vector back into ``X``.  With ``symmetric`` (``A = B``,
    symmetric ``C``) only the upper triangle ``i ≤ j`` is unknown.
    """
    A = sympy.Matrix(A)
    B = sympy.Matrix(B)
    m, n = A.rows, B.rows
    rowsA = [[(x, A[i, x]) for x in range(m) if A[i, x] != 0] for i in range(m)]
    rowsB = [[(y, B[j, y]) for y in range(n) if B[j, y] != 0] for j in range(n)]
    if symmetric:
        pairs = [(i, j) for i in range(m) for j in range(i, m)]
        pos = {pr: u for u, pr in enumerate(pairs)}
        M = sympy.eye(len(pairs))
        for u, (i, j) in enumerate(pairs):
            for x, ax in rowsA[i]:
                for y, by in rowsB[j]:
                    M[u, pos[(min(x, y), max(x, y))]] -= ax * by

        def unpack(vec):
            X = sympy.zeros(m, m)
            for u, (i, j) in enumerate(pairs):
                X[i, j] = X[j, i] = vec[u]
            return X

        return M, pairs, unpack
    pairs = [(i, j) for i in range(m) for j in range(n)]
    M = sympy.eye(m * n)
    for i in range(m):
        for j in range(n):
            for x, ax in rowsA[i]:
                for y, by in rowsB[j]:
                    M[i * n + j, x * n + y] -= ax * by

    def unpack(vec):
        return sympy.Matrix(m, n, list(vec))

    return M, pairs, unpack


def solve_stein(A: sympy.MatrixBase, B: sympy.MatrixBase, C: sympy.MatrixBase, *,
                symmetric: bool = False, wanted: set[tuple[int, int]] | None = None) -> sympy.Matrix:
    """Exact ``X`` with ``X = A X Bᵀ + C``.

    Parameters
    ----------
    A, B : sympy.Matrix
        Square (``m x m`` and ``n x n``); ``ρ(A) ρ(B) < 1`` or at least no
        product of eigenvalues equal to 1, else the system is singular.
    C : sympy.Matrix
        ``m x n``.
    symmetric : bool
        ``A = B`` and ``C`` symmetric: solve for the upper triangle only.
    wanted : set of (i, j), optional
        Entries the caller will read; others may be left as ``nan``.
    """
    C = sympy.Matrix(C)
    M, pairs, unpack = stein_system(A, B, symmetric=symmetric)
    rhs = sympy.Matrix([C[i, j] for i, j in pairs])
    rows = None if wanted is None else {u for u, (i, j) in enumerate(pairs)
                                        if (i, j) in wanted or (symmetric and (j, i) in wanted)}
    return unpack(list(solve_exact(M, rhs, wanted=rows)))
