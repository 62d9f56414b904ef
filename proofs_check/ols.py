"""The pooled-OLS coefficients of docs/theory.md section 3.2, derived and checked.

One pooled OLS fit uses a design ``X`` (``n x d``, standard Gaussian rows)
whose rows come in blocks ``X_j`` of ``n_j`` rows, one block per source (real
data is a source too, with ``e_R = 0``).  With ``G = XᵀX``, ``G_j = X_jᵀX_j``
and ``A_j = G⁻¹G_j`` the coefficients are ``c_jj' = E[tr(A_j A_j'ᵀ)]/d``.

The derivation: write ``X = U G^{1/2}`` with ``U`` Haar on the Stiefel
manifold, independent of ``G``, and ``u_i`` the rows of ``U``.  Then
``tr(A_j A_j'ᵀ) = Σ_{i∈j, i'∈j'} (u_iᵀ G u_i')(u_i'ᵀ G⁻¹ u_i)``, so

* ``a = E[(u_iᵀ G u_i)(u_iᵀ G⁻¹ u_i)] = E|u_i|⁴ · E[G_11 (G⁻¹)_11]`` with
  ``|u_i|² ~ Beta(d/2, (n−d)/2)`` (rotation invariance of ``G``), which gives
  ``a = d(d+2)/(n(n+2)) · (n−2)/(n−d−1)``;
* ``b`` (the same sum for ``i ≠ i'``) follows from the exact constraint that
  all ``n²`` terms add up to ``tr(I_d) = d``: ``n a + n(n−1) b = d``;
* counting terms gives ``c_jj = (n_j a + n_j(n_j−1) b)/d`` and
  ``c_jj' = n_j n_j' b/d``.

Three checks: the identities and the derivation in exact arithmetic, the
Wishart moment ``E[G_11 (G⁻¹)_11] = (n−2)/(n−d−1)`` (exact integration for
d = 1, 2, Monte Carlo beyond), and a Monte Carlo of ``c_jj``, ``c_jj'``
themselves.  The coefficients under test are always the toolkit's
``graphcollapse.estimators.linear_regression.pooled_coefficients``.

Monte Carlo tolerances are 4 standard errors.  Every simulated case has
``n − d + 1 ≥ 7``: ``tr(A_j A_j'ᵀ)`` and ``G_11 (G⁻¹)_11`` have tails
``P(· > t) ~ t^{−(n−d+1)/2}``, so the variance (and the third moment) is
finite and the standard error is trustworthy.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.stats import Beta, E

from graphcollapse.estimators import linear_regression

from .registry import Counterexample, check

GROUP = "ols"


def _coefficients(n, d, counts) -> sympy.Matrix:
    """The toolkit's coefficients, looked up at call time (so tests can substitute them)."""
    return linear_regression.pooled_coefficients(n, d, counts)


def _is_zero(expr) -> bool:
    return sympy.cancel(sympy.together(expr)) == 0


# --------------------------------------------------------------------------- exact identities


def _derived_coefficients(n, d, counts) -> sympy.Matrix:
    """``c_jj'`` rebuilt from the ingredients of the derivation (module docstring)."""
    r2 = Beta("r2", d / 2, (n - d) / 2)  # squared norm of a row of U
    row_norm_4 = sympy.cancel(E(r2**2))
    a = row_norm_4 * (n - 2) / (n - d - 1)
    b = sympy.Symbol("b")
    (b,) = sympy.solve(n * a + n * (n - 1) * b - d, b)
    m = len(counts)
    return sympy.Matrix(m, m, lambda i, j: (counts[i] * a + counts[i] * (counts[i] - 1) * b) / d
                        if i == j else counts[i] * counts[j] * b / d)


def _compare(what, got, expected):
    if not _is_zero(got - expected):
        raise Counterexample(f"{what}: pooled_coefficients gives {sympy.factor(got)}, "
                             f"expected {sympy.factor(expected)}")


@check("pooled-OLS coefficients: derivation, sum to 1, single source, n -> oo limit, "
       "paper values (docs/theory.md 3.2)", group=GROUP)
def coefficient_identities(level: str) -> str:
    n, d = sympy.symbols("n d", positive=True)
    most_sources = 4 if level == "quick" else 6
    facts = 0

    # The row of a Haar Stiefel frame: E|u|² = d/n (the n rows share tr(UᵀU) = d) and E|u|⁴.
    r2 = Beta("r2", d / 2, (n - d) / 2)
    for moment, expected in ((E(r2), d / n), (E(r2**2), d * (d + 2) / (n * (n + 2)))):
        if not _is_zero(moment - expected):
            raise Counterexample(f"Beta(d/2, (n-d)/2) moment {moment}, expected {expected}")
    facts += 2

    # The implementation agrees with the derivation, for symbolic counts.
    for m in range(1, most_sources):
        counts = sympy.symbols(f"n_1:{m + 1}", positive=True)
        got, derived = _coefficients(n, d, list(counts)), _derived_coefficients(n, d, list(counts))
        for i in range(m):
            for j in range(m):
                _compare(f"c[{i + 1},{j + 1}] for {m} symbolic sources", got[i, j], derived[i, j])
        facts += 1

    # All coefficients over sources that partition n (the last one stands for real data) sum to 1.
    for m in range(1, most_sources + 1):
        counts = list(sympy.symbols(f"n_1:{m}", positive=True)) if m > 1 else []
        counts.append(n - sum(counts))
        total = sum(_coefficients(n, d, counts))
        if not _is_zero(total - 1):
            raise Counterexample(f"coefficients over {m} sources partitioning n sum to {sympy.factor(total)}, not 1")
        facts += 1

    # Single source with every sample: A = I exactly, so the coefficient is 1.
    _compare("single source, n_j = n", _coefficients(n, d, [n])[0, 0], 1)
    facts += 1

    # n -> oo with fixed fractions n_j = w_j n: c_jj' -> w_j w_j'.
    w = sympy.symbols("w_1:4", positive=True)
    sizes = 2 if level == "quick" else 3
    C = _coefficients(n, d, [wi * n for wi in w[:sizes]])
    for i in range(sizes):
        for j in range(sizes):
            limit = sympy.limit(C[i, j], n, sympy.oo)
            if not _is_zero(limit - w[i] * w[j]):
                raise Counterexample(f"c[{i + 1},{j + 1}] with n_j = w_j n tends to {limit}, not {w[i] * w[j]}")
    facts += 1

    # The paper's example values.
    examples = [((8, 6, [7]), {(0, 0): sympy.Rational(27, 20)}),
                ((12, 6, [6]), {(0, 0): sympy.Rational(83, 154)}),
                ((12, 6, [6, 6]), {(0, 0): sympy.Rational(83, 154), (0, 1): sympy.Rational(-3, 77)})]
    for (nn, dd, counts), values in examples:
        C = _coefficients(nn, dd, counts)
        for (i, j), expected in values.items():
            if C[i, j] != expected:
                raise Counterexample(f"n={nn}, d={dd}, counts={counts}: c[{i + 1},{j + 1}] = {C[i, j]}, "
                                     f"expected {expected}")
        facts += 1

    # c_jj' < 0 is possible; exactly: b = d(n² − (2d+1)n + 2) / (n(n−1)(n+2)(n−d−1)),
    # so for integer n ≥ d + 2 the off-diagonal coefficients are negative iff n ≤ 2d.
    b = _coefficients(n, d, [1, 1])[0, 1] * d
    _compare("b = d c_jj' / (n_j n_j')", b, d * (n**2 - (2 * d + 1) * n + 2) / (n * (n - 1) * (n + 2) * (n - d - 1)))
    largest_d = 12 if level == "quick" else 40
    pairs = 0
    for dd in range(1, largest_d + 1):
        for nn in range(dd + 2, 3 * dd + 3):
            off = _coefficients(nn, dd, [1, nn - 1])[0, 1]
            if (off < 0) != (nn <= 2 * dd):
                raise Counterexample(f"n={nn}, d={dd}: c_jj' = {off}, expected negative iff n <= 2d")
            pairs += 1
    facts += 1

    return (f"{facts} exact facts: Beta row moments, derivation = implementation for 1..{most_sources - 1} symbolic "
            f"sources, sum = 1 for 1..{most_sources} sources, single source = 1, limit w_j w_j', values 27/20, "
            f"83/154, -3/77; c_jj' < 0 iff n <= 2d on {pairs} (n, d) pairs")


# --------------------------------------------------------------------------- Wishart moment


def _chi2_density(x, k):
    return x ** (k / 2 - 1) * sympy.exp(-x / 2) / (2 ** (k / 2) * sympy.gamma(k / 2))


def _wishart_moment_exact(level: str) -> list[str]:
    done = []
    # d = 1: G is a positive scalar g and G11 (G^-1)11 = g / g = 1 = (n-2)/(n-2).
    g, n = sympy.symbols("g n", positive=True)
    G = sympy.Matrix([[g]])
    if sympy.simplify(G[0, 0] * G.inv()[0, 0]) != 1 or not _is_zero((n - 2) / (n - 1 - 1) - 1):
        raise Counterexample("d = 1: G11 (G^-1)11 is not identically 1")
    done.append("d=1 identically")

    # d = 2, Bartlett: G = L Lᵀ, L11² ~ chi2_n, L22² ~ chi2_{n-1}, L21 ~ N(0,1), independent.
    # n = m + 4 (m ≥ 0) is the smallest admissible size d + 2 and up.
    m = sympy.Symbol("m", nonnegative=True)
    n = m + 4
    u, v = sympy.symbols("u v", positive=True)
    z = sympy.Symbol("z", real=True)
    L = sympy.Matrix([[sympy.sqrt(u), 0], [z, sympy.sqrt(v)]])
    G = L * L.T
    f = sympy.simplify(G[0, 0] * G.inv()[0, 0])
    density = _chi2_density(u, n) * sympy.exp(-z**2 / 2) / sympy.sqrt(2 * sympy.pi) * _chi2_density(v, n - 1)
    value = sympy.integrate(sympy.expand(f * density), (z, -sympy.oo, sympy.oo))
    value = sympy.integrate(value, (u, 0, sympy.oo))
    value = sympy.integrate(sympy.expand(value), (v, 0, sympy.oo))
    value = sympy.simplify(sympy.gammasimp(sympy.expand_func(value)))
    if not _is_zero(value - (n - 2) / (n - 3)):
        raise Counterexample(f"d = 2 (Bartlett, symbolic n): E[G11 (G^-1)11] = {value}, expected (n-2)/(n-3)")
    done.append("d=2 symbolic n (Bartlett)")

    # d = 2 again, by geometry: G11 (G^-1)11 = 1/sin²θ, θ the angle between the two columns,
    # whose density on (0, π) is proportional to sin^(n-2) θ.
    theta = sympy.Symbol("theta")
    largest = 8 if level == "quick" else 14
    for nn in range(4, largest + 1):
        ratio = (sympy.integrate(sympy.sin(theta) ** (nn - 4), (theta, 0, sympy.pi))
                 / sympy.integrate(sympy.sin(theta) ** (nn - 2), (theta, 0, sympy.pi)))
        if not _is_zero(sympy.simplify(ratio) - sympy.Rational(nn - 2, nn - 3)):
            raise Counterexample(f"d = 2, n = {nn} (angle): E[1/sin²θ] = {ratio}, expected {nn - 2}/{nn - 3}")
    done.append(f"d=2 n=4..{largest} (angle)")
    return done


def _wishart_moment_mc(n: int, d: int, replications: int, seed: int, chunk: int = 20000):
    rng = np.random.default_rng(seed)
    total = total_sq = 0.0
    left = replications
    while left:
        r = min(chunk, left)
        X = rng.standard_normal((r, n, d))
        G = np.einsum("rni,rnj->rij", X, X)
        sample = G[:, 0, 0] * np.linalg.inv(G)[:, 0, 0]
        total += sample.sum()
        total_sq += (sample**2).sum()
        left -= r
    mean = total / replications
    return mean, np.sqrt((total_sq / replications - mean**2) / (replications - 1))


@check("Wishart moment E[G11 (G^-1)11] = (n-2)/(n-d-1): exact for d = 1, 2, Monte Carlo for d >= 3",
       group=GROUP)
def wishart_moment(level: str) -> str:
    done = _wishart_moment_exact(level)
    cases = [(3, 10), (3, 16), (3, 30), (5, 12), (5, 20), (5, 40)]
    if level == "full":
        cases += [(4, 14), (8, 16), (8, 30)]
    replications = 100_000 if level == "quick" else 1_000_000
    worst = 0.0
    for k, (d, n) in enumerate(cases):
        mean, se = _wishart_moment_mc(n, d, replications, seed=7100 + k)
        expected = (n - 2) / (n - d - 1)
        z = (mean - expected) / se
        if abs(z) > 4:
            raise Counterexample(f"d = {d}, n = {n}: Monte Carlo {mean:.6f} ± {se:.6f} is {z:+.1f} SE from "
                                 f"(n-2)/(n-d-1) = {expected:.6f}")
        # The run must be sharp enough to reject the neighbouring formulas (off by one in n).
        for name, rival in (("(n-1)/(n-d-1)", (n - 1) / (n - d - 1)), ("(n-2)/(n-d)", (n - 2) / (n - d))):
            if abs(mean - rival) <= 4 * se:
                raise Counterexample(f"d = {d}, n = {n}: Monte Carlo {mean:.6f} ± {se:.6f} cannot tell "
                                     f"(n-2)/(n-d-1) from {name}")
        worst = max(worst, abs(z))
    return (f"{'; '.join(done)}; Monte Carlo at {len(cases)} (d, n) with {replications} replications each, "
            f"worst |z| = {worst:.2f}, each rejecting the off-by-one rivals")


# --------------------------------------------------------------------------- Monte Carlo of c_jj'


def _coefficients_mc(n: int, d: int, counts, replications: int, seed: int, chunk: int = 20000):
    """Monte Carlo mean and standard error of ``tr(A_j A_j'ᵀ)/d`` over all source pairs."""
    rng = np.random.default_rng(seed)
    edges = np.cumsum([0, *counts])
    m = len(counts)
    total, total_sq = np.zeros((m, m)), np.zeros((m, m))
    worst_sum = 0.0
    left = replications
    while left:
        r = min(chunk, left)
        X = rng.standard_normal((r, n, d))
        G_inv = np.linalg.inv(np.einsum("rni,rnj->rij", X, X))
        A = np.stack([G_inv @ np.einsum("rni,rnj->rij", X[:, lo:hi], X[:, lo:hi])
                      for lo, hi in zip(edges[:-1], edges[1:])], axis=1)
        T = np.einsum("rjab,rkab->rjk", A, A) / d
        # Exact per draw: the A_j add up to I, so all tr(A_j A_j'ᵀ)/d add up to 1.
        worst_sum = max(worst_sum, float(np.max(np.abs(T.sum(axis=(1, 2)) - 1))))
        total += T.sum(axis=0)
        total_sq += (T**2).sum(axis=0)
        left -= r
    mean = total / replications
    return mean, np.sqrt((total_sq / replications - mean**2) / (replications - 1)), worst_sum


@check("pooled-OLS coefficients c_jj, c_jj' against a Monte Carlo of tr(A_j A_j'^T)/d", group=GROUP)
def coefficients_monte_carlo(level: str) -> str:
    cases = [
        (12, 6, [6, 6]),      # the paper's example: c_12 = -3/77 < 0
        (16, 8, [4, 12]),     # negative again, unequal blocks
        (12, 3, [1, 1, 10]),  # single rows: c_11 = a/d and c_12 = b/d themselves
        (16, 3, [8, 5, 3]),   # three sources, all coefficients positive
    ]
    if level == "full":
        cases += [(10, 2, [3, 7]), (30, 5, [20, 10]), (20, 10, [5, 5, 10]), (14, 4, [1, 13])]
    replications = 40_000 if level == "quick" else 400_000
    worst, entries = 0.0, 0
    for k, (n, d, counts) in enumerate(cases):
        exact = _coefficients(n, d, counts)
        mean, se, worst_sum = _coefficients_mc(n, d, counts, replications, seed=5300 + k)
        if worst_sum > 1e-6:
            raise Counterexample(f"n={n}, d={d}, counts={counts}: simulated tr(A_j A_j'ᵀ)/d do not add up to 1 "
                                 f"(off by {worst_sum:.2e}); the simulation is wrong")
        for i in range(len(counts)):
            for j in range(len(counts)):
                c = float(exact[i, j])
                z = (mean[i, j] - c) / se[i, j]
                if abs(z) > 4:
                    raise Counterexample(f"n={n}, d={d}, counts={counts}: c[{i + 1},{j + 1}] = {exact[i, j]} "
                                         f"({c:.5f}) but Monte Carlo gives {mean[i, j]:.5f} ± {se[i, j]:.5f} "
                                         f"({z:+.1f} SE)")
                if c < 0 and mean[i, j] + 4 * se[i, j] >= 0:
                    raise Counterexample(f"n={n}, d={d}, counts={counts}: Monte Carlo cannot confirm that "
                                         f"c[{i + 1},{j + 1}] = {exact[i, j]} is negative")
                worst = max(worst, abs(z))
                entries += 1
    return (f"{entries} coefficients in {len(cases)} designs (incl. c_jj' < 0 at n=12, d=6) within 4 SE "
            f"of {replications} replications each, worst |z| = {worst:.2f}")
