"""Float solution of ``X = A X Aᵀ + C`` block by block over the condensation.

With the models ordered topologically (sources first) ``A`` is block lower
triangular, one diagonal block ``A_bb`` per strongly connected component.
Sweeping the components in that order, the unknown block column of
component ``b`` splits into

* the rows ``P`` of the earlier components: ``Y = X_Pb`` solves the
  Sylvester-Stein equation ``Y = A_PP Y A_bbᵀ + F`` with ``F`` known
  (``A_PP X_PP A_bPᵀ + C_Pb``).  ``P`` is cut into segments in topological
  order: each component larger than :data:`KRONECKER_MAX` is a segment of
  its own, each run of smaller ones another.  A large component's segment is
  solved in the real Schur bases of both sides (:mod:`.stein_schur`; its
  Schur form was computed once, for its own diagonal block); a run of small
  components is solved in the Schur basis of the *smaller* side (dense,
  complex), one sparse LU of ``I − λ A`` per Schur column for the larger one
  (no fill: its components are small) -- or, when ``b`` is large and the run
  is not larger than ``b``, in both real Schur bases;
* the diagonal block ``X_bb``: a discrete Lyapunov equation of the size of
  the component (Kronecker solve when small, the blocked real Schur solver
  :func:`~graphcollapse.linalg.stein_schur.solve_lyapunov` otherwise).

Rows of components that share no upstream model with ``b`` are exactly zero
(independent noise) and are dropped from ``P``.  So a graph of many small
components never touches an ``n x n`` dense factorisation, and a graph that
is one big component costs one real Schur decomposition and a blocked
(level-3) quasi-triangular sweep, whatever its spectral radius.

:func:`solve_stein_mpmath` solves the same equation at a chosen precision
for small, ill-conditioned systems (spectral radius within ~1e-12 of 1).

Examples
--------
>>> import numpy as np
>>> A = np.array([[0.5, 0.0], [0.5, 0.5]])
>>> X = solve_stein_float(A, np.eye(2), [np.array([0]), np.array([1])])
>>> bool(np.allclose(X, A @ X @ A.T + np.eye(2)))
True
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import scipy.linalg as la

from graphcollapse.linalg.stein_schur import RealSchur, solve_lyapunov, solve_stein

__all__ = ["solve_stein_float", "stein_residual", "solve_stein_mpmath", "exact_to_mpf", "KRONECKER_MAX"]

#: Largest diagonal block solved through its dense Kronecker system (larger ones: real Schur).
KRONECKER_MAX = 12
#: Largest component for which the shifted sparse LU keeps the natural (topological) order.
NATURAL_ORDER_MAX = 64


def solve_stein_float(A, C: np.ndarray, blocks: Sequence[np.ndarray], *,
                      upstream: Sequence[set] | None = None) -> np.ndarray:
    """Dense ``X`` with ``X = A X Aᵀ + C``.

    Parameters
    ----------
    A : array_like or scipy.sparse array, shape (n, n)
        Every eigenvalue of modulus < 1 (the bounded models only).
    C : numpy.ndarray, shape (n, n)
        Symmetric.
    blocks : sequence of int arrays
        The strongly connected components as index arrays, in topological
        order (a component only depends on earlier ones); together a
        partition of ``range(n)``.
    upstream : sequence of sets, optional
        ``upstream[b]`` = positions (in ``blocks``) of the components
        upstream of ``b``, itself included; computed when omitted.
    """
    A = sp.csr_array(A, dtype=float)
    C = np.asarray(C, dtype=float)
    n = A.shape[0]
    order = np.concatenate([np.asarray(b, dtype=np.int64) for b in blocks]) if blocks else np.zeros(0, np.int64)
    if len(order) != n or len(np.unique(order)) != n:
        raise ValueError("blocks must partition the indices")
    natural = bool(np.array_equal(order, np.arange(n)))
    Ap = A if natural else A[order][:, order].tocsr()
    Cp = C if natural else C[np.ix_(order, order)]
    sizes = np.array([len(b) for b in blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    if upstream is None:
        upstream = _upstream_sets(Ap, offsets)
    X = np.zeros((n, n))
    nb = len(blocks)
    # upstream as a boolean matrix: component c and b are related when their upstream sets meet.
    U = np.zeros((nb, nb), dtype=bool)
    for c, members in enumerate(upstream):
        U[c, list(members)] = True
    component_of = np.repeat(np.arange(nb), sizes)
    schur: dict[int, RealSchur] = {}  # the real Schur forms of the large components' diagonal blocks
    for b in range(nb):
        lo, hi = offsets[b], offsets[b + 1]
        A_bb = Ap[lo:hi, lo:hi].toarray()
        if hi - lo > KRONECKER_MAX:
            schur[b] = RealSchur(A_bb)
        related = np.zeros(nb, dtype=bool)
        related[:b] = (U[:b] & U[b]).any(axis=1)
        rows = np.flatnonzero(related[component_of[:lo]])
        A_bR = Ap[lo:hi][:, rows].tocsr()
        if len(rows):
            A_RR = Ap[rows][:, rows].tocsr()
            # A_bR X_RR through the few rows of X_RR that b's members train on
            # (copying all of X_RR per component would dominate the cost).
            sources = np.unique(A_bR.indices)
            AX = A_bR[:, sources] @ X[np.ix_(rows[sources], rows)]  # s x |R|
            known = A_RR @ AX.T  # A_RR X_RR A_bRᵀ (X_RR symmetric)
            F = known + Cp[np.ix_(rows, np.arange(lo, hi))]
            Y = _cross(A_RR, component_of[rows], sizes, schur, A_bb, b, F)
            X[np.ix_(rows, np.arange(lo, hi))] = Y
            X[np.ix_(np.arange(lo, hi), rows)] = Y.T
            AY = A_bR @ Y  # A_bR X_Rb
            G = (A_bR @ AX.T).T + AY @ A_bb.T + A_bb @ AY.T + Cp[lo:hi, lo:hi]
        else:
            G = Cp[lo:hi, lo:hi].copy()
        G += G.T
        G *= 0.5
        X[lo:hi, lo:hi] = _lyapunov(A_bb, schur.get(b), G)
    if natural:
        return X
    out = np.empty_like(X)
    out[np.ix_(order, order)] = X
    return out


def stein_residual(A, X: np.ndarray, C: np.ndarray) -> float:
    """``‖X − A X Aᵀ − C‖_F / ‖X‖_F`` (``A`` sparse or dense, ``X`` symmetric; 0 for ``X = 0``).

    Examples
    --------
    >>> stein_residual(np.array([[0.5]]), np.array([[4 / 3]]), np.eye(1)) < 1e-15
    True
    """
    A = sp.csr_array(A, dtype=float)
    norm = float(np.linalg.norm(X))
    if norm == 0.0:
        return float(np.linalg.norm(C))
    R = np.asarray(A @ np.asarray(A @ X).T)  # A X Aᵀ (X symmetric)
    np.subtract(X, R, out=R)
    R -= C
    return float(np.linalg.norm(R)) / norm


def _upstream_sets(Ap: sp.csr_array, offsets: np.ndarray) -> list[set]:
    """Upstream components of each component (itself included), by one pass in topological order."""
    nb = len(offsets) - 1
    comp = np.repeat(np.arange(nb), np.diff(offsets))
    coo = Ap.tocoo()
    preds: list[set] = [set() for _ in range(nb)]
    for r, c in zip(comp[coo.row], comp[coo.col]):
        if r != c:
            preds[r].add(int(c))
    up: list[set] = []
    for b in range(nb):
        s = {b}
        for c in preds[b]:
            s |= up[c]
        up.append(s)
    return up


def _lyapunov(A: np.ndarray, schur: RealSchur | None, G: np.ndarray) -> np.ndarray:
    m = A.shape[0]
    if schur is None:
        K = np.eye(m * m) - np.kron(A, A)
        return np.linalg.solve(K, G.reshape(-1)).reshape(m, m)
    return solve_lyapunov(schur, G)


def _cross(A_RR: sp.csr_array, components: np.ndarray, sizes: np.ndarray, schur: dict, A_bb: np.ndarray,
           b: int, F: np.ndarray) -> np.ndarray:
    """``Y = A_RR Y A_bbᵀ + F``, segment by segment of the earlier rows ``R`` (see the module notes).

    ``components[i]`` is the component of row ``i``; ``schur`` holds the real
    Schur forms of the large components, ``b``'s own included when it is large.
    """
    if not A_bb.any():
        return F
    S_b = schur.get(b)
    m_b = A_bb.shape[0]
    # Segment starts: where the component changes into or out of a large one.
    large = sizes[components] > KRONECKER_MAX
    change = np.flatnonzero((components[1:] != components[:-1]) & (large[1:] | large[:-1])) + 1
    cuts = np.concatenate([[0], change, [len(components)]])
    Y = np.empty_like(F)
    for start, stop in zip(cuts[:-1], cuts[1:]):
        rhs = F[start:stop]
        if start:  # coupling to the earlier segments: A_{seg, earlier} Y_earlier A_bbᵀ
            rhs = rhs + (A_RR[start:stop, :start] @ Y[:start]) @ A_bb.T
        A_ss = A_RR if len(cuts) == 2 else A_RR[start:stop, start:stop]
        if large[start]:
            Y[start:stop] = solve_stein(schur[int(components[start])], S_b if S_b is not None else A_bb, rhs)
        elif S_b is not None and stop - start <= m_b:
            Y[start:stop] = solve_stein(A_ss.toarray(), S_b, rhs)
        else:
            Y[start:stop] = _sylvester(A_ss, A_bb, rhs, int(sizes[np.unique(components[start:stop])].max()))
    return Y


def _sylvester(A_big: sp.csr_array, B: np.ndarray, F: np.ndarray, largest_block: int) -> np.ndarray:
    """``Y = A_big Y Bᵀ + F``; Schur basis of the smaller side, sparse LU on the larger.

    ``largest_block`` is the size of the largest component inside ``A_big``.
    """
    if A_big.shape[0] < B.shape[0]:
        # Transpose: Yᵀ = B Yᵀ A_bigᵀ + Fᵀ.
        return _sylvester_schur(sp.csr_array(B), A_big.toarray(), F.T, B.shape[0]).T
    return _sylvester_schur(A_big, B, F, largest_block)


def _sylvester_schur(A: sp.csr_array, B: np.ndarray, F: np.ndarray, largest_block: int) -> np.ndarray:
    """``Y = A Y Bᵀ + F`` with the complex Schur form ``B = Q T Qᴴ``.

    ``Z = Y conj(Q)`` satisfies ``Z = A Z Tᵀ + F conj(Q)``; ``Tᵀ`` is lower
    triangular, so the columns of ``Z`` follow from the last one backwards,
    each from one sparse solve with ``I − T_jj A``.
    """
    T, Q = la.schur(np.asarray(B, dtype=float), output="complex")
    m = T.shape[0]
    Ftil = F @ np.conj(Q)
    Z = np.zeros((A.shape[0], m), dtype=complex)
    A = sp.csc_array(A)
    eye = sp.identity(A.shape[0], format="csc")
    for j in range(m - 1, -1, -1):
        rhs = Ftil[:, j].copy()
        if j + 1 < m:
            rhs += A @ (Z[:, j + 1:] @ T[j, j + 1:])
        lam = T[j, j]
        if lam == 0:  # e.g. a single model without a self-loop: nothing to factor
            Z[:, j] = rhs
            continue
        # Rows in topological order make I - λA block lower triangular; natural
        # ordering with a weak diagonal preference keeps the LU free of fill
        # outside the diagonal blocks when those blocks are small (|λ| < 1 and
        # A is row-substochastic for every Fisher-consistent family, so the
        # diagonal dominates); a large component needs a fill-reducing order.
        # Real eigenvalues (the common case) keep the factorisation real.
        options = {"permc_spec": "NATURAL" if largest_block <= NATURAL_ORDER_MAX else "COLAMD",
                   "diag_pivot_thresh": 0.01}
        if lam.imag == 0:
            lu = spla.splu(eye - lam.real * A, **options)
            Z[:, j] = lu.solve(np.ascontiguousarray(rhs.real)) + 1j * lu.solve(np.ascontiguousarray(rhs.imag))
        else:
            lu = spla.splu((eye - lam * A).tocsc(), **options)
            Z[:, j] = lu.solve(rhs)
    return np.real(Z @ Q.T)


def solve_stein_mpmath(A, C, *, dps: int = 50):
    """``X = A X Aᵀ + C`` in mpmath at ``dps`` decimal digits (small systems).

    ``A`` and ``C`` may hold exact rationals (SymPy or ``fractions``); they
    are converted at the working precision, so the only error is the final
    rounding of the solve.

    Examples
    --------
    >>> X = solve_stein_mpmath([[0.5]], [[3]], dps=30)
    >>> str(X[0, 0])
    '4.0'
    """
    import mpmath
    import sympy

    from graphcollapse.linalg.exact_solve import stein_system

    # The system is built exactly (the same construction as the exact solver) and
    # rounded once, at the working precision.
    A = sympy.Matrix([[_exact(x) for x in row] for row in _rows(A)])
    C = sympy.Matrix([[_exact(x) for x in row] for row in _rows(C)])
    system, pairs, _ = stein_system(A, A, symmetric=True)
    m = A.rows
    with mpmath.workdps(dps):
        K = mpmath.matrix([[exact_to_mpf(system[u, v]) for v in range(len(pairs))] for u in range(len(pairs))])
        sol = mpmath.lu_solve(K, mpmath.matrix([exact_to_mpf(C[i, j]) for i, j in pairs]))
        X = mpmath.matrix(m, m)
        for u, (i, j) in enumerate(pairs):
            X[i, j] = X[j, i] = sol[u]
        return X


def _rows(M):
    if hasattr(M, "tolist"):
        return M.tolist()
    return [list(r) for r in M]


def _exact(x):
    """An exact SymPy rational for an int, Fraction, SymPy Rational, float (its exact binary value) or string."""
    import sympy
    from fractions import Fraction

    f = Fraction(x) if isinstance(x, float) else Fraction(str(x))
    return sympy.Rational(f.numerator, f.denominator)


def exact_to_mpf(x):
    """An exact number (see :func:`_exact`) rounded once, at mpmath's working precision."""
    import mpmath

    f = _exact(x)
    return mpmath.mpf(int(f.p)) / int(f.q)
