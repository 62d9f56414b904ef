"""Many small symmetric positive definite systems at once, stored as a structure of arrays.

The simulator solves thousands of ``d x d`` normal equations per generation
(one per replication and model) with ``d`` small.  Stacked ``(N, d, d)``
arrays make numpy call a LAPACK routine per matrix; here an entry is an
array over all systems instead (axis 0 runs over the entries), so the
Cholesky factorisation and the two triangular solves are ``O(d³)`` whole-array
operations whatever the number of systems.  Symmetric matrices are *packed*
as LAPACK packs a lower triangle, column by column: column ``b`` (rows
``b..d-1``) is the slice :func:`column` ``(b, d)``, and entry ``(a, b)``,
``a >= b``, sits at :func:`packed` ``(a, b, d)``.

Examples
--------
>>> import numpy as np
>>> G = np.array([[4.0, 2.0, 0.0], [2.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
>>> h = np.array([2.0, 5.0, 1.0])
>>> lower = np.concatenate([G[b:, b] for b in range(3)])      # G00 G10 G20 G11 G21 G22
>>> x = spd_solve(lower[:, None], h[:, None])[:, 0]
>>> bool(np.allclose(G @ x, h)), packed(2, 1, 3)
(True, 4)
"""

from __future__ import annotations

import numpy as np

__all__ = ["packed", "column", "spd_solve"]


def packed(a: int, b: int, d: int) -> int:
    """Position of entry ``(a, b)`` (either order) of a symmetric ``d x d`` matrix in packed lower storage."""
    if a < b:
        a, b = b, a
    return b * d - b * (b - 1) // 2 + a - b


def column(b: int, d: int) -> slice:
    """Where column ``b`` of the lower triangle (rows ``b..d-1``) sits in packed storage."""
    start = packed(b, b, d)
    return slice(start, start + d - b)


def spd_solve(G: np.ndarray, h: np.ndarray, shift: np.ndarray | None = None) -> np.ndarray:
    """``x`` with ``G x = h + L w`` for every system, ``G = L Lᵀ`` its Cholesky factorisation.

    Parameters
    ----------
    G : numpy.ndarray, shape (d (d + 1) / 2, ...)
        Packed lower triangles (column by column) of symmetric positive
        definite matrices.
    h : numpy.ndarray, shape (d, ...)
        Right-hand sides (trailing axes as ``G``'s).
    shift : numpy.ndarray, shape (d, ...), optional
        ``w`` (zero when omitted).  With ``w`` standard normal, ``L w`` is
        ``N(0, G)`` whatever square root of ``G`` draws it.

    Returns
    -------
    numpy.ndarray, shape (d, ...)
        ``nan`` where a matrix is not numerically positive definite.
    """
    d = h.shape[0]
    if G.shape[0] != d * (d + 1) // 2:
        raise ValueError(f"spd_solve: {G.shape[0]} packed entries do not match d = {d}")
    columns = []  # column j of L below the diagonal (rows j+1..d-1)
    inverse = []  # 1 / L_jj
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(d):  # left-looking Cholesky, a column at a time
            v = G[column(j, d)].copy()
            for k in range(j):
                v -= columns[k][j - k - 1:] * columns[k][j - k - 1]
            inverse.append(1.0 / np.sqrt(v[0]))
            v = v[1:]
            v *= inverse[j]
            columns.append(v)
        x = np.array(h, dtype=float)
        for k in range(d):  # L y = h, a column at a time (y kept in x)
            x[k] *= inverse[k]
            x[k + 1:] -= columns[k] * x[k]
        if shift is not None:
            x += shift
        for i in range(d - 1, -1, -1):  # Lᵀ x = y
            if i + 1 < d:
                x[i] -= np.add.reduce(columns[i] * x[i + 1:], axis=0)
            x[i] *= inverse[i]
    return x
