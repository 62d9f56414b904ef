"""Dense Stein equations ``X = A X Bᵀ + F`` in real Schur bases, with blocked triangular solves.

With the real Schur forms ``A = U_A T_A U_Aᵀ`` and ``B = U_B T_B U_Bᵀ``
(``T`` upper quasi-triangular: a 1x1 diagonal block per real eigenvalue, a
2x2 block per complex-conjugate pair), ``X̃ = U_Aᵀ X U_B`` solves

    X̃ = T_A X̃ T_Bᵀ + F̃,   F̃ = U_Aᵀ F U_B.

That equation is solved by blocks.  ``T_A`` and ``T_B`` are cut into
diagonal blocks of about :data:`BLOCK` rows (never through a 2x2 Schur
block); the block columns ``J`` of ``X̃`` are swept from the last to the
first and, in each, the block rows ``I`` from the last to the first:

    X̃_IJ − T_A,II X̃_IJ T_B,JJᵀ = F̃_IJ + Σ_{K≥I} T_A,IK H_KJ,
    H_KJ = V_KJ (K = I),  X̃_KJ T_B,JJᵀ + V_KJ (K > I),   V_·J = Σ_{L>J} X̃_·L T_B,JLᵀ,

so every operation outside the small diagonal problems is a matrix-matrix
product (level-3 BLAS).  A small problem (one pair of diagonal blocks) is
solved Schur block by Schur block of ``T_B,JJ``, last first: a 1x1 block
``β`` gives the upper Hessenberg system ``(I − β T_A,II) x = r``, a 2x2
block a pair of coupled columns (an interleaved system of lower bandwidth
3); LAPACK's banded LU with partial pivoting (``dgbsv``) solves both.

The cost is that of the two Schur decompositions plus ``O(p q (p + q))``
whatever the spectral radii: unlike the doubling iteration it does not grow
as ``ρ(A) ρ(B) → 1``.  The discrete Lyapunov case (``A = B``, ``F``
symmetric) computes only the upper block triangle of ``X̃``.

Examples
--------
>>> import numpy as np
>>> A = np.array([[0.5, -0.6, 0.1], [0.7, 0.4, 0.0], [0.2, 0.1, -0.3]])
>>> X = solve_lyapunov(A, np.eye(3))
>>> bool(np.allclose(X, A @ X @ A.T + np.eye(3), rtol=1e-13, atol=1e-13))
True
>>> B = np.array([[0.9]])
>>> Y = solve_stein(A, B, np.ones((3, 1)))
>>> bool(np.allclose(Y, A @ Y @ B.T + 1, rtol=1e-13, atol=1e-13))
True
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.linalg as la
from scipy.linalg.lapack import dgbsv, zgbsv

from graphcollapse.errors import ComputationError

__all__ = ["RealSchur", "solve_lyapunov", "solve_stein", "BLOCK"]

#: Target size of the diagonal blocks of the quasi-triangular sweep.
BLOCK = 64
#: A 2x2 Schur block ``[[α, β], [γ, α]]`` is decoupled in complex arithmetic when ``√|γ/β|`` lies in
#: ``[1/PAIR_SCALE, PAIR_SCALE]`` (at most a factor ``PAIR_SCALE + 1`` lost in accuracy).
PAIR_SCALE = 16.0


class RealSchur:
    """``A = U T Uᵀ`` (``T`` upper quasi-triangular), cut into diagonal blocks for the sweep.

    Parameters
    ----------
    A : array_like, shape (m, m)
        Real, finite.
    block : int
        Target size of the diagonal blocks.

    Examples
    --------
    >>> s = RealSchur([[0.0, 1.0], [-1.0, 0.0]])
    >>> s.size, s.blocks
    (2, ((0, 2),))
    """

    __slots__ = ("T", "U", "blocks", "_diagonals")

    def __init__(self, A, block: int = BLOCK):
        A = np.array(A, dtype=float, order="F")
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"RealSchur needs a square matrix, got shape {A.shape}")
        if not np.isfinite(A).all():
            raise ValueError("RealSchur needs a finite matrix")
        if A.shape[0] == 0:
            self.T, self.U = A, A.copy()
        else:
            self.T, self.U = la.schur(A, output="real", overwrite_a=True, check_finite=False)
        self.blocks = _partition(self.T, block)
        self._diagonals: dict[int, _Diagonal] = {}

    @classmethod
    def from_factors(cls, T, U, block: int = BLOCK) -> "RealSchur":
        """A Schur form known already: ``T`` upper quasi-triangular, ``U`` orthogonal.

        Examples
        --------
        >>> s = RealSchur.from_factors([[0.5, 1.0, 0.0], [-2.0, 0.5, 1.0], [0.0, 0.0, 0.1]], np.eye(3), block=1)
        >>> s.blocks
        ((0, 2), (2, 3))
        """
        T = np.array(T, dtype=float)
        U = np.array(U, dtype=float)
        m = T.shape[0] if T.ndim == 2 else -1
        if T.shape != (m, m) or U.shape != (m, m):
            raise ValueError(f"from_factors: T and U must be square and of one size, got {T.shape}, {U.shape}")
        if np.any(np.tril(T, -2)) or np.any(np.diagonal(T, -1)[1:] * np.diagonal(T, -1)[:-1]):
            raise ValueError("from_factors: T is not upper quasi-triangular")
        self = cls.__new__(cls)
        self.T, self.U = T, U
        self.blocks = _partition(T, block)
        self._diagonals = {}
        return self

    @property
    def size(self) -> int:
        return self.T.shape[0]

    def diagonal(self, i: int) -> "_Diagonal":
        """The ``i``-th diagonal block, prepared for the small problems (cached)."""
        found = self._diagonals.get(i)
        if found is None:
            lo, hi = self.blocks[i]
            found = self._diagonals[i] = _Diagonal(self.T[lo:hi, lo:hi])
        return found


def solve_lyapunov(A, C: np.ndarray) -> np.ndarray:
    """``X`` with ``X = A X Aᵀ + C`` (discrete Lyapunov equation), ``C`` symmetric.

    Parameters
    ----------
    A : array_like or RealSchur, shape (m, m)
        Every product of two eigenvalues ``λ_i λ_j ≠ 1`` (``ρ(A) < 1`` in use).
    C : numpy.ndarray, shape (m, m)
        Symmetric; only its upper triangle is read after the transformation.

    Returns
    -------
    numpy.ndarray
        The symmetric solution.

    Raises
    ------
    ComputationError
        When ``1 − λ_i λ_j`` vanishes numerically (no unique solution).
    """
    S = A if isinstance(A, RealSchur) else RealSchur(A)
    C = np.asarray(C, dtype=float)
    if C.shape != (S.size, S.size):
        raise ValueError(f"C has shape {C.shape}, A has size {S.size}")
    if np.count_nonzero(C) == np.count_nonzero(np.diagonal(C)):  # diagonal (a source component's noise)
        Ct = (S.U.T * np.diagonal(C)) @ S.U
    else:
        Ct = S.U.T @ C @ S.U
    X = _sweep_symmetric(S, Ct)
    X = S.U @ X @ S.U.T
    return _symmetrise(X)


def solve_stein(A, B, F: np.ndarray) -> np.ndarray:
    """``Y`` with ``Y = A Y Bᵀ + F`` (Sylvester-Stein equation).

    Parameters
    ----------
    A, B : array_like or RealSchur, shapes (p, p) and (q, q)
        Every product ``λ_i(A) μ_j(B) ≠ 1``.
    F : numpy.ndarray, shape (p, q)

    Raises
    ------
    ComputationError
        When ``1 − λ_i μ_j`` vanishes numerically (no unique solution).
    """
    SA = A if isinstance(A, RealSchur) else RealSchur(A)
    SB = B if isinstance(B, RealSchur) else RealSchur(B)
    F = np.asarray(F, dtype=float)
    if F.shape != (SA.size, SB.size):
        raise ValueError(f"F has shape {F.shape}, expected {(SA.size, SB.size)}")
    Y = _sweep(SA, SB, SA.U.T @ F @ SB.U)
    return SA.U @ Y @ SB.U.T


def _partition(T: np.ndarray, block: int) -> tuple[tuple[int, int], ...]:
    """Diagonal blocks of nearly equal size about ``block``, none cutting a 2x2 Schur block."""
    m = T.shape[0]
    count = max(1, round(m / max(1, block)))
    cuts = [0]
    for i in range(1, count):
        cut = max(round(i * m / count), cuts[-1] + 1)
        if cut < m and T[cut, cut - 1] != 0.0:  # inside a 2x2 block: cut after it
            cut += 1
        if cut >= m:
            break
        cuts.append(cut)
    cuts.append(m)
    return tuple(zip(cuts[:-1], cuts[1:]))


def _symmetrise(X: np.ndarray) -> np.ndarray:
    X += X.T
    X *= 0.5
    return X


# ---------------------------------------------------------------- the sweeps
def _sweep(SA: RealSchur, SB: RealSchur, X: np.ndarray) -> np.ndarray:
    """``X = T_A X T_Bᵀ + F`` for quasi-triangular ``T``; ``X`` holds ``F`` and is overwritten."""
    TA, TB = SA.T, SB.T
    for J in range(len(SB.blocks) - 1, -1, -1):
        jlo, jhi = SB.blocks[J]
        b = SB.diagonal(J)
        H = X[:, jhi:] @ TB[jlo:jhi, jhi:].T  # V_·J
        for I in range(len(SA.blocks) - 1, -1, -1):
            ilo, ihi = SA.blocks[I]
            rhs = X[ilo:ihi, jlo:jhi] + TA[ilo:ihi, ilo:] @ H[ilo:]
            x = _small(SA.diagonal(I), b, rhs)
            X[ilo:ihi, jlo:jhi] = x
            H[ilo:ihi] += x @ b.t.T
    return X


def _sweep_symmetric(S: RealSchur, X: np.ndarray) -> np.ndarray:
    """``X = T X Tᵀ + C``, ``C`` symmetric; ``X`` holds ``C`` and is overwritten.

    Block column ``J`` is solved for the rows ``I ≤ J`` only; the rows below
    are the transposes of block rows already solved (mirrored after each column).
    """
    T = S.T
    for J in range(len(S.blocks) - 1, -1, -1):
        jlo, jhi = S.blocks[J]
        b = S.diagonal(J)
        H = X[:, jhi:] @ T[jlo:jhi, jhi:].T  # V_·J
        H[jhi:] += X[jhi:, jlo:jhi] @ b.t.T  # rows below J: known by symmetry
        for I in range(J, -1, -1):
            ilo, ihi = S.blocks[I]
            rhs = X[ilo:ihi, jlo:jhi] + T[ilo:ihi, ilo:] @ H[ilo:]
            x = _small(S.diagonal(I), b, rhs)
            if I == J:
                x = _symmetrise(x)
            X[ilo:ihi, jlo:jhi] = x
            H[ilo:ihi] += x @ b.t.T
        X[jlo:jhi, :jlo] = X[:jlo, jlo:jhi].T
    return X


# ------------------------------------------------------- the small problems
class _Diagonal:
    """One diagonal block ``t`` of a Schur form: its Schur blocks and its band storage.

    ``steps`` lists the Schur blocks last first as ``(lo, hi, coefficients)``:
    ``β`` for a 1x1 block; for a 2x2 block ``[[α, β], [γ, α]]`` (``βγ < 0``,
    LAPACK's standard form) ``(μ, −iσ/s, −σ s)`` with ``μ = α + i√(−βγ)``,
    ``s = √(−γ/β)`` and ``σ`` the sign of ``β`` (see :func:`_small`), or
    ``None`` when the block is far from normal (``s`` outside
    ``[1/PAIR_SCALE, PAIR_SCALE]``) or not in standard form.
    """

    __slots__ = ("t", "band", "_cband", "steps")

    def __init__(self, t: np.ndarray):
        self.t = np.ascontiguousarray(t)
        r = t.shape[0]
        i, j = _hessenberg_indices(r)
        # LAPACK band storage for kl = 1, ku = r - 1: ab[kl + ku + i - j, j] = t[i, j].
        self.band = np.zeros((r + 2, r), order="F")
        self.band[r + i - j, j] = self.t[i, j]
        self._cband = None
        sub = np.flatnonzero(np.diagonal(self.t, -1))
        starts = np.setdiff1d(np.arange(r), sub + 1)
        ends = np.append(starts[1:], r)
        self.steps = tuple((lo, hi, self._coefficients(lo, hi))
                           for lo, hi in zip(starts[::-1].tolist(), ends[::-1].tolist()))

    @property
    def cband(self) -> np.ndarray:
        """``band`` as complex numbers (for the decoupled 2x2 blocks of the other side)."""
        if self._cband is None:
            self._cband = self.band.astype(complex, order="F")
        return self._cband

    def _coefficients(self, lo: int, hi: int):
        t = self.t
        if hi - lo == 1:
            return float(t[lo, lo])
        alpha, beta, gamma = t[lo, lo], t[lo, lo + 1], t[lo + 1, lo]
        if t[lo + 1, lo + 1] != alpha or not beta * gamma < 0:
            return None
        s = np.sqrt(-gamma / beta)
        if not 1 / PAIR_SCALE <= s <= PAIR_SCALE:
            return None
        sigma = 1.0 if beta > 0 else -1.0
        return complex(alpha, np.sqrt(-beta * gamma)), -1j * sigma / s, -sigma * s


@lru_cache(maxsize=16)
def _hessenberg_indices(r: int):
    return np.triu_indices(r, -1)


def _small(a: _Diagonal, b: _Diagonal, g: np.ndarray) -> np.ndarray:
    """``x = a x bᵀ + g`` for two small quasi-triangular diagonal blocks, Schur block by Schur block of ``b``.

    A 2x2 block of ``b`` in standard form is decoupled: with ``D = diag(1, s)``,
    ``D⁻¹ b D = [[α, σω], [−σω, α]]`` is normal, and ``z = y₁ − iσ y₂`` for
    ``y = x D⁻¹`` solves ``(I − μ a) z = g₁ − (iσ/s) g₂`` (``μ = α + iω``); then
    ``x₁ = Re z``, ``x₂ = −σ s Im z``.  The scaling costs at most a factor ``s + 1/s`` in
    accuracy, so blocks with ``s`` far from 1 use the coupled real system.
    """
    r, s = g.shape
    X = np.empty((r, s))
    AX = np.empty((r, s))  # a @ X, for the right-hand sides of the later columns
    bt = b.t
    for lo, hi, coef in b.steps:
        rhs = g[:, lo:hi]
        if hi < s:
            rhs = rhs + AX[:, hi:] @ bt[lo:hi, hi:].T
        if hi - lo == 1:
            if coef == 0.0:
                X[:, lo:hi] = rhs
            else:
                ab = a.band * -coef
                ab[r] += 1.0
                X[:, lo:hi] = _banded_solve(dgbsv, 1, r - 1, ab, rhs)
        elif coef is not None:
            mu, inward, outward = coef
            ab = a.cband * -mu
            ab[r] += 1.0
            z = _banded_solve(zgbsv, 1, r - 1, ab, (rhs[:, 0] + inward * rhs[:, 1])[:, None])[:, 0]
            X[:, lo] = z.real
            X[:, lo + 1] = outward * z.imag
        else:
            ab = _pair_band(a, bt[lo:hi, lo:hi])
            X[:, lo:hi] = _banded_solve(dgbsv, 3, 2 * r - 1, ab, rhs.reshape(2 * r, 1)).reshape(r, 2)
        AX[:, lo:hi] = a.t @ X[:, lo:hi]
    return X


def _pair_band(a: _Diagonal, b22: np.ndarray) -> np.ndarray:
    """Band storage (kl = 3, ku = 2r - 1) of ``I − a ⊗ b22`` with unknowns interleaved as ``x[i, c] → 2 i + c``.

    Entry ``(2i + c, 2k + d)`` is ``a[i, k] b22[c, d]``; with ``a``'s band row
    ``q = r + i − k`` it lands on band row ``2 + c − d + 2 q``.
    """
    r = a.t.shape[0]
    ab = np.zeros((2 * r + 6, 2 * r), order="F")
    rows = a.band[1:r + 2]
    for c in (0, 1):
        for d in (0, 1):
            ab[4 + c - d:2 * r + 5 + c - d:2, d::2] = rows * -b22[c, d]
    ab[2 * r + 2] += 1.0
    return ab


def _banded_solve(routine, kl: int, ku: int, ab: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    _, _, x, info = routine(kl, ku, ab, rhs, overwrite_ab=1)
    if info > 0:
        raise ComputationError("Stein equation: 1 − λμ vanishes for eigenvalues λ, μ of the two sides "
                               "(no unique solution)")
    if info < 0:  # pragma: no cover - an argument error is a bug here
        raise RuntimeError(f"dgbsv: argument {-info} is invalid")
    return x
