"""Float graphs: large graphs with ``float64`` weights, validated without a Python loop per model.

Their verdicts stay exact (they depend on the support only); limits and
rates computed from them are floats and say so.

The support is read from the input *as given*: an entry is absent iff it is
exactly ``0.0``.  The implied real-data weight ``r_k = 1 − Σ_j w_kj`` (when no
``real`` is passed) is computed from the correctly rounded sum of the row
(:func:`math.fsum`), so a row whose entries add up to 1 up to rounding has no
real data, while ``[[1 - 1e-10]]`` has ``r = 1e-10`` and does not collapse,
exactly as ``real=[1e-10]`` would.  With ``tolerance=t`` every entry and real
weight of absolute value at most ``t`` counts as zero instead; the graph keeps
``t`` (:attr:`InteractionGraph.tolerance`) and reports say so.

Examples
--------
>>> import numpy as np
>>> g = float_graph(2, np.array([1]), np.array([0]), np.array([1.0]), None, 10, None, "", "pooled", None, None)
>>> g.is_exact, g.real.tolist()
(False, [1.0, 0.0])
"""

from __future__ import annotations

import math

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.graph.core import DEFAULT_ESTIMATOR, FLOAT_SUM_TOLERANCE, InteractionGraph

__all__ = ["float_graph"]

#: Rows whose running float sum is this close to 1 are re-summed correctly rounded.
_RESUM_BAND = 2.0**-30


def float_graph(K, rows, cols, values, real, n, ids, name, mixing, estimator, sigma2,
                presorted=False, tolerance: float | None = None) -> InteractionGraph:
    """Vectorised validation for float graphs; no Python loop per model or edge."""
    if tolerance is not None and not (isinstance(tolerance, (int, float)) and 0 <= tolerance < 1e-3):
        raise InputError(f"from_matrix: tolerance must be a number in [0, 1e-3), got {tolerance!r}")
    cut = 0.0 if tolerance is None else float(tolerance)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise InputError("from_matrix: W has non-finite entries")
    if np.any(values < 0):
        position = int(np.flatnonzero(values < 0)[0])
        raise InputError(f"from_matrix: negative weight W[{rows[position]}, {cols[position]}] = {values[position]}")
    keep = values > cut if cut else values != 0
    if not keep.all():
        rows, cols, values = rows[keep], cols[keep], values[keep]
    if not presorted:
        order = np.lexsort((cols, rows))
        rows, cols, values = rows[order], cols[order], values[order]
    if rows.size > 1 and not presorted:
        dup = (np.diff(rows) == 0) & (np.diff(cols) == 0)
        if np.any(dup):
            position = int(np.flatnonzero(dup)[0])
            raise InputError(f"from_matrix: duplicate entry W[{rows[position]}, {cols[position]}]")
    row_sums = np.bincount(rows, weights=values, minlength=K)
    if real is None:
        real_values = 1.0 - row_sums
        # bincount rounds as it goes: rows near 1 are re-summed correctly rounded (few rows: closed ones).
        near = np.flatnonzero(np.abs(real_values) <= _RESUM_BAND)
        if near.size:
            starts = np.searchsorted(rows, near)
            ends = np.searchsorted(rows, near, side="right")
            real_values[near] = [1.0 - math.fsum(values[a:b].tolist()) for a, b in zip(starts, ends)]
        if cut:
            real_values[np.abs(real_values) <= cut] = 0.0
        if np.any(real_values < 0):
            k = int(np.flatnonzero(real_values < 0)[0])
            raise InputError(f"model {k}: weights sum to {1 - real_values[k]!r} > 1 (pass real=..., or tolerance=...)")
    else:
        real_values = np.asarray(real, dtype=np.float64)
        if real_values.shape != (K,):
            raise InputError(f"from_matrix: real must have {K} entries")
        if np.any(real_values < 0) or not np.all(np.isfinite(real_values)):
            k = int(np.flatnonzero(~(real_values >= 0))[0])
            raise InputError(f"model {k}: invalid real-data weight {real_values[k]}")
        bad = np.abs(row_sums + real_values - 1.0) > FLOAT_SUM_TOLERANCE
        if cut:
            real_values = np.where(real_values <= cut, 0.0, real_values)
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise InputError(f"model {k}: weights sum to {row_sums[k] + real_values[k]:.12g}, not 1")
    sizes = None
    if n is not None:
        sizes = _per_model(n, K, "n")
        bad = ~np.isfinite(sizes) | ~(sizes > 0) | (sizes != np.round(sizes))
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise InputError(f"model {k}: n must be a positive integer, got {float(sizes[k])!r}")
    sig = None
    if sigma2 is not None:
        sig = _per_model(sigma2, K, "sigma2")
        bad = ~np.isfinite(sig) | ~(sig > 0)   # NaN fails every comparison: test for what is allowed
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise InputError(f"model {k}: sigma2 must be a positive finite number, got {float(sig[k])!r}")
    return InteractionGraph(
        name=name, mixing=mixing, symbols=(), estimator=dict(estimator or DEFAULT_ESTIMATOR), ids=ids, K=K,
        sources=cols, targets=rows, weights=values, real=real_values, n=sizes, n0=sizes, n_real=None,
        sigma2=sig, edge_n=None, is_exact=False, tolerance=tolerance)


def _per_model(values, K: int, field: str) -> np.ndarray:
    """A scalar or ``K`` values of a per-model field, as floats."""
    try:
        array = np.asarray(values, dtype=np.float64)
        return np.broadcast_to(array, (K,)).copy()
    except (TypeError, ValueError):
        raise InputError(f"from_matrix: {field} must be a number or {K} numbers") from None
