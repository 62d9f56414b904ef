"""The exact and float kernels: spectral radius, exact solves, Stein equations."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.linalg as la
import sympy

from graphcollapse.linalg import spectral
from graphcollapse.numbers import flint as flint_switch
from graphcollapse.linalg.exact_solve import solve_exact, solve_stein
from graphcollapse.linalg.spectral import spectral_radius
from graphcollapse.linalg.stein_float import solve_stein_float, solve_stein_mpmath

R = sympy.Rational


@pytest.fixture(params=["flint", "sympy"])
def both_paths(request, monkeypatch):
    """Run a test with python-flint and with the pure-SymPy fallback."""
    if request.param == "sympy":
        monkeypatch.setattr(flint_switch, "_enabled", False)
    elif not flint_switch.AVAILABLE:
        pytest.skip("python-flint is not installed")
    return request.param


# -- spectral radius --------------------------------------------------------------

@pytest.mark.parametrize("matrix, exact, comparison, semisimple", [
    ([[R(27, 20)]], R(27, 20), 1, True),
    ([[R(83, 154)]], R(83, 154), -1, True),
    ([[0, 1], [1, 0]], 1, 0, True),                                 # period 2: eigenvalues ±1
    ([[R(3, 5), R(-4, 5)], [R(4, 5), R(3, 5)]], 1, 0, True),         # a rotation: complex unit pair
    ([[1, 1], [0, 1]], 1, 0, False),                                 # Jordan block at 1
    ([[1, 1], [1, 0]], (1 + sympy.sqrt(5)) / 2, 1, True),           # golden ratio
    ([[R(1, 2), R(1, 2)], [R(1, 2), R(1, 2)]], 1, 0, True),
    ([[0, 0], [0, 0]], 0, -1, True),
    ([[R(-3, 2), 0], [0, R(1, 2)]], R(3, 2), 1, True),               # dominant root negative
])
def test_spectral_radius_known_values(both_paths, matrix, exact, comparison, semisimple):
    r = spectral_radius(sympy.Matrix(matrix))
    assert r.comparison_with_one == comparison
    assert sympy.simplify(r.exact - exact) == 0
    assert r.semisimple is semisimple
    assert r.value == pytest.approx(float(exact), rel=1e-12, abs=1e-15)


def _companion(coefficients_high_first):
    n = len(coefficients_high_first) - 1
    companion = sympy.zeros(n, n)
    for i in range(1, n):
        companion[i, i - 1] = 1
    for i in range(n):
        companion[i, n - 1] = -coefficients_high_first[::-1][i]  # coefficient of z**i
    return companion


def test_unit_circle_roots_of_cyclotomic_and_salem_polynomials(both_paths):
    # A degree-4 Salem polynomial: one root > 1, one < 1, two on the unit circle.
    r = spectral_radius(_companion([1, -1, -1, -1, 1]))
    assert r.comparison_with_one == 1
    assert r.value == pytest.approx(1.7220838057390, rel=1e-12)
    z = sympy.Symbol("z")
    assert spectral._unit_root_count(sympy.Poly(z**4 + z**3 + z**2 + z + 1, z, domain="QQ")) == 4
    assert spectral._unit_root_count(sympy.Poly(z**4 - z**3 - z**2 - z + 1, z, domain="QQ")) == 2


def test_lehmer_polynomial_with_flint():
    if not flint_switch.AVAILABLE:
        pytest.skip("python-flint is not installed")
    # Lehmer's polynomial (degree 10): Mahler measure 1.17628…, eight roots on the circle.
    r = spectral_radius(_companion([1, 1, 0, -1, -1, -1, -1, -1, 0, 1, 1]))
    assert r.comparison_with_one == 1
    assert r.value == pytest.approx(1.17628081825991, rel=1e-12)
    z = sympy.Symbol("z")
    assert spectral._unit_root_count(sympy.Poly(z**10 + z**9 - z**7 - z**6 - z**5 - z**4 - z**3 + z + 1, z,
                                                domain="QQ")) == 8


def test_spectral_radius_agrees_with_floats_on_random_matrices(both_paths):
    rng = np.random.default_rng(7)
    for _ in range(8 if both_paths == "sympy" else 16):
        n = int(rng.integers(1, 5))
        M = sympy.Matrix(n, n, lambda i, j: R(int(rng.integers(-4, 5)), int(rng.integers(1, 5))))
        r = spectral_radius(M)
        rho = max(abs(np.linalg.eigvals(np.array(M.tolist(), dtype=float))))
        assert r.value == pytest.approx(rho, rel=1e-9, abs=1e-12)
        if abs(rho - 1) > 1e-9:
            assert r.comparison_with_one == (1 if rho > 1 else -1)


# -- exact solves -----------------------------------------------------------------------

def test_solve_exact_matches_fraction_field_lu(both_paths):
    a, w, s = sympy.symbols("a w s", positive=True)
    M = sympy.Matrix([[1, -(1 - a) * w, 0], [-w / 2, 1, -(1 - w)], [0, -a * w, 2 - a]])
    B = sympy.Matrix([[s], [s / (1 + a)], [3]])
    X = solve_exact(M, B)
    assert sympy.simplify(M * X - B) == sympy.zeros(3, 1)
    assert sympy.simplify(X - M.LUsolve(B)) == sympy.zeros(3, 1)


def test_solve_exact_rational_and_singular():
    assert solve_exact(sympy.Matrix([[2, 1], [1, 3]]), sympy.Matrix([1, 2])) == sympy.Matrix([R(1, 5), R(3, 5)])
    with pytest.raises(ZeroDivisionError):
        solve_exact(sympy.Matrix([[1, 2], [2, 4]]), sympy.Matrix([1, 2]))
    a = sympy.Symbol("a")
    with pytest.raises(ZeroDivisionError):
        solve_exact(sympy.Matrix([[a, a], [1, 1]]), sympy.Matrix([1, 2]))


def test_solve_stein_symmetric_lyapunov(both_paths):
    a, w = sympy.symbols("a w", positive=True)
    A = sympy.Matrix([[0, 1 - a], [w, 1 - w]])
    C = sympy.diag(1, 2)
    X = solve_stein(A, A, C, symmetric=True)
    assert sympy.simplify(A * X * A.T + C - X) == sympy.zeros(2, 2)
    # A numeric point against SciPy.
    point = {a: R(1, 3), w: R(1, 4)}
    Xf = la.solve_discrete_lyapunov(np.array(A.subs(point).tolist(), dtype=float), np.diag([1.0, 2.0]))
    assert np.allclose(np.array(X.subs(point).tolist(), dtype=float), Xf, rtol=1e-12)


def test_solve_stein_sylvester_exact():
    A = sympy.Matrix([[R(1, 2)]])
    B = sympy.Matrix([[R(1, 3), R(1, 3)], [0, R(1, 2)]])
    C = sympy.Matrix([[1, 2]])
    X = solve_stein(A, B, C)
    assert A * X * B.T + C == X


# -- float and mpmath Stein solvers ------------------------------------------------

def _random_block_triangular(rng, sizes, density=0.3):
    n = sum(sizes)
    A = np.zeros((n, n))
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for b, (lo, hi) in enumerate(zip(offsets[:-1], offsets[1:])):
        A[lo:hi, lo:hi] = rng.random((hi - lo, hi - lo))
        if lo:
            mask = rng.random((hi - lo, lo)) < density
            A[lo:hi, :lo] = mask * rng.random((hi - lo, lo))
    A /= A.sum(axis=1, keepdims=True) * 1.25  # row sums 0.8: ρ < 1
    return A, [np.arange(lo, hi) for lo, hi in zip(offsets[:-1], offsets[1:])]


@pytest.mark.parametrize("sizes", [[1], [3, 2, 4], [1, 1, 1, 1, 1], [30, 2, 5], [2, 40]])
def test_solve_stein_float_matches_scipy(sizes):
    rng = np.random.default_rng(len(sizes))
    A, blocks = _random_block_triangular(rng, sizes)
    perm = rng.permutation(A.shape[0])
    inverse = np.argsort(perm)
    Ap = A[np.ix_(inverse, inverse)]  # scramble the labels; blocks follow
    blocks = [perm[b] for b in blocks]  # new position of original index o is perm[o]
    C = np.diag(rng.random(A.shape[0]) + 0.5)
    X = solve_stein_float(Ap, C, blocks)
    assert np.allclose(X, la.solve_discrete_lyapunov(Ap, C), rtol=1e-10, atol=1e-12)
    assert np.allclose(X, Ap @ X @ Ap.T + C, rtol=1e-10, atol=1e-12)


def test_solve_stein_mpmath_near_the_boundary():
    eps = R(1, 10**13)
    A = [[1 - eps]]
    X = solve_stein_mpmath(A, [[1]], dps=40)
    exact = 1 / (1 - (1 - eps) ** 2)
    with mpmath.workdps(40):  # 1 - (1-eps)^2 cancels 13 digits: ~27 remain (a double keeps ~3)
        assert abs(X[0, 0] / (mpmath.mpf(exact.p) / exact.q) - 1) < mpmath.mpf(10) ** -24
