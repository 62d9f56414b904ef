"""The blocked real-Schur Stein solvers, the structured float solver built on them, and float residuals."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as la
import scipy.sparse as sp
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.estimators import recurrence
from graphcollapse.linalg import stein_float
from graphcollapse.linalg.stein_float import solve_stein_float, stein_residual
from graphcollapse.linalg.stein_schur import RealSchur, solve_lyapunov, solve_stein
from graphcollapse.solvers.limits import limits

from strategies import exact_graphs


def _scaled(M: np.ndarray, rho: float) -> np.ndarray:
    return M * (rho / np.max(np.abs(np.linalg.eigvals(M))))


def _spd(rng, m: int) -> np.ndarray:
    G = rng.standard_normal((m, m))
    return G @ G.T + np.eye(m)


def _relative(X, A, B, F) -> float:
    return float(np.linalg.norm(X - A @ X @ B.T - F) / np.linalg.norm(X))


# -- the dense solvers -----------------------------------------------------------------

@pytest.mark.parametrize("rho", [0.5, 0.9, 0.999, 0.99999])
@pytest.mark.parametrize("m, block", [(1, 64), (2, 64), (7, 3), (40, 8), (65, 16), (150, 64)])
def test_lyapunov_residual_and_scipy(m, block, rho):
    rng = np.random.default_rng(m)
    A = _scaled(rng.standard_normal((m, m)), rho)  # a Gaussian matrix: mostly complex-conjugate pairs
    C = _spd(rng, m)
    X = solve_lyapunov(RealSchur(A, block=block), C)
    assert np.array_equal(X, X.T)
    assert _relative(X, A, A, C) <= 1e-12
    reference = la.solve_discrete_lyapunov(A, C)
    # Both are backward stable; forward errors grow like 1/(1 - ρ²).
    assert np.linalg.norm(X - reference) <= 1e-12 / (1 - rho**2) * np.linalg.norm(reference)


@pytest.mark.parametrize("rho", [0.6, 0.999])
@pytest.mark.parametrize("p, q, block", [(1, 5, 2), (5, 1, 2), (30, 70, 16), (90, 20, 32)])
def test_sylvester_stein_residual(p, q, block, rho):
    rng = np.random.default_rng(p * 100 + q)
    A = _scaled(rng.standard_normal((p, p)), rho)
    B = _scaled(rng.standard_normal((q, q)), rho)
    F = rng.standard_normal((p, q))
    Y = solve_stein(RealSchur(A, block=block), RealSchur(B, block=block + 1), F)
    assert _relative(Y, A, B, F) <= 1e-12
    vectorised = np.linalg.solve(np.eye(p * q) - np.kron(A, B), F.reshape(-1)).reshape(p, q)
    assert np.allclose(Y, vectorised, rtol=1e-9, atol=1e-12 * np.abs(vectorised).max())


def _quasi_triangular(rng, pairs, singles) -> np.ndarray:
    """Upper quasi-triangular, 2x2 blocks ``[[α, β], [γ, α]]`` in LAPACK's standard form, then 1x1 blocks."""
    diag = []
    for alpha, beta, gamma in pairs:
        diag.append(np.array([[alpha, beta], [gamma, alpha]]))
    diag += [np.array([[x]]) for x in singles]
    m = sum(b.shape[0] for b in diag)
    T = np.triu(rng.standard_normal((m, m)) * 0.3, 1)
    i = 0
    for b in diag:
        T[i:i + len(b), i:i + len(b)] = b
        i += len(b)
    return T


def test_quasi_triangular_blocks_both_pair_paths(rng):
    # Near-normal pairs are decoupled in complex arithmetic; a far-from-normal pair
    # (√|γ/β| beyond stein_schur.PAIR_SCALE) takes the coupled real system; zero and real diagonals too.
    pairs = [(0.3, 0.5, -0.4), (-0.6, 0.2, -0.3), (0.1, 40.0, -1e-4), (0.0, 0.9, -0.9), (0.5, -1e-3, 30.0)]
    T = _quasi_triangular(rng, pairs, [0.0, 0.95, -0.7])
    T /= np.max(np.abs(np.linalg.eigvals(T))) / 0.97
    S = RealSchur.from_factors(T, np.eye(len(T)), block=3)
    assert all(T[lo, lo - 1] == 0 for lo, _ in S.blocks[1:])  # no cut through a 2x2 block
    kinds = {type(coef).__name__ for i in range(len(S.blocks)) for _, _, coef in S.diagonal(i).steps}
    assert kinds == {"float", "tuple", "NoneType"}
    C = _spd(rng, len(T))
    X = solve_lyapunov(S, C)
    assert _relative(X, T, T, C) <= 1e-12
    assert np.allclose(X, la.solve_discrete_lyapunov(T, C), rtol=1e-10)
    F = rng.standard_normal((len(T), 4))
    B = _quasi_triangular(rng, [(0.2, 1.0, -0.5)], [0.4, 0.0])
    Y = solve_stein(S, RealSchur.from_factors(B, np.eye(4), block=2), F)
    assert _relative(Y, T, B, F) <= 1e-12


def test_real_schur_rejects_bad_input():
    with pytest.raises(ValueError):
        RealSchur(np.ones((2, 3)))
    with pytest.raises(ValueError):
        RealSchur([[np.nan]])
    with pytest.raises(ValueError):
        RealSchur.from_factors(np.ones((3, 3)), np.eye(3))


def test_partition_never_cuts_a_pair(rng):
    T = la.schur(rng.standard_normal((60, 60)), output="real")[0]
    for block in range(1, 12):
        blocks = RealSchur.from_factors(T, np.eye(60), block=block).blocks
        assert blocks[0][0] == 0 and blocks[-1][1] == 60
        assert all(hi == lo2 for (_, hi), (lo2, _) in zip(blocks[:-1], blocks[1:]))
        assert all(T[lo, lo - 1] == 0 for lo, _ in blocks[1:])


# -- the structured solver: large components and their cross blocks ---------------------

def _block_triangular(rng, sizes, density=0.3, rho=0.9):
    """Block lower triangular, dense random diagonal blocks; row sums ``rho``."""
    n = sum(sizes)
    A = np.zeros((n, n))
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for lo, hi in zip(offsets[:-1], offsets[1:]):
        A[lo:hi, lo:hi] = rng.random((hi - lo, hi - lo)) * (rng.random((hi - lo, hi - lo)) < 0.5) + 0.01
        if lo:
            A[lo:hi, :lo] = (rng.random((hi - lo, lo)) < density) * rng.random((hi - lo, lo))
    A *= rho / A.sum(axis=1, keepdims=True)
    return A, [np.arange(lo, hi) for lo, hi in zip(offsets[:-1], offsets[1:])]


@pytest.mark.parametrize("sizes", [
    [60, 1, 1, 1],                # a giant and its stragglers
    [1, 1, 40, 30, 2],            # two large components in a row
    [2] * 5 + [40],               # a short run of small components upstream of a large one (both Schur bases)
    [2] * 30 + [20, 3],           # a long run upstream of a large one (sparse LUs on the run)
    [30, 2, 2, 35, 1, 5],         # large, small, large
])
@pytest.mark.parametrize("rho", [0.9, 0.999])
def test_structured_solver_with_large_components(sizes, rho):
    rng = np.random.default_rng(sum(sizes))
    A, blocks = _block_triangular(rng, sizes, rho=rho)
    perm = rng.permutation(A.shape[0])
    inverse = np.argsort(perm)
    Ap = A[np.ix_(inverse, inverse)]
    blocks = [perm[b] for b in blocks]
    C = np.diag(rng.random(A.shape[0]) + 0.5)
    X = solve_stein_float(sp.csr_array(Ap), C, blocks)
    assert stein_residual(Ap, X, C) <= 1e-12
    reference = la.solve_discrete_lyapunov(Ap, C)
    assert np.linalg.norm(X - reference) <= 1e-12 / (1 - rho**2) * np.linalg.norm(reference)


def test_stein_residual_sees_a_wrong_solution():
    A = np.array([[0.5, 0.0], [0.25, 0.5]])
    X = la.solve_discrete_lyapunov(A, np.eye(2))
    assert stein_residual(A, X, np.eye(2)) < 1e-15
    assert stein_residual(A, X * (1 + 1e-6), np.eye(2)) > 1e-7
    assert stein_residual(A, np.zeros((2, 2)), np.zeros((2, 2))) == 0.0


# -- float limits: residuals, and the exact limits agree --------------------------------

def _giant(K: int, real: float, seed: int = 3):
    """The issue's graph: four distinct random sources per model, the same real weight everywhere."""
    rng = np.random.default_rng(seed)
    W = np.zeros((K, K))
    for k in range(K):
        weights = rng.random(4)
        W[k, rng.choice(K, size=4, replace=False)] = (1 - real) * weights / weights.sum()
    return gc.from_matrix(sp.csr_array(W), real=np.full(K, real), n=np.full(K, 100.0))


@pytest.mark.parametrize("real", [0.1, 0.001])
def test_float_limits_report_a_small_residual(real):
    graph = _giant(150, real)
    L = limits(recurrence(graph))
    assert L.arithmetic == "float" and L.residual <= 1e-12
    W = graph.weight_matrix_float().toarray()
    reference = np.diag(la.solve_discrete_lyapunov(W, np.eye(150) / 100))
    assert np.allclose(np.array(L, dtype=float), reference, rtol=1e-12 / (1 - (1 - real) ** 2))


def test_pooled_ols_float_limits_report_a_residual():
    W = [[0, "1/2", "1/5"], ["3/10", 0, "3/10"], ["1/4", "1/4", "1/4"]]
    graph = gc.from_matrix(W, n=[40, 40, 40], estimator={"family": "linear_regression", "d": 3})
    rec = recurrence(graph)
    assert not rec.is_kronecker  # the finite-sample pooled operator: the vectorised float path
    L = limits(rec, arithmetic="float")
    assert L.residual <= 1e-12
    assert np.allclose(np.array(L, dtype=float), [float(v) for v in limits(rec)], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(exact_graphs(max_models=5))
def test_schur_route_equals_exact_limits(graph):
    """Every component through the Schur solver (threshold 0) against the exact rational limits."""
    rec = recurrence(graph)
    exact = limits(rec)
    saved = stein_float.KRONECKER_MAX
    stein_float.KRONECKER_MAX = 0
    try:
        floats = limits(rec, arithmetic="float")
    finally:
        stein_float.KRONECKER_MAX = saved
    assert floats.residual is not None and floats.residual <= 1e-12
    for a, b in zip(exact, floats):
        assert (a is None) == (b is None)
        if a is not None:
            assert b == pytest.approx(float(a), rel=1e-9)


def test_exact_limits_carry_no_residual():
    L = limits(recurrence(gc.from_matrix([["1/2", 0], [1, 0]], n=[4, 4])))
    assert L.arithmetic == "exact rational" and L.residual is None
