"""Which models see real data, and with which weights models mix their sources.

Real data (:func:`real_data`) — the rule picks ``round(p K)`` models:

* ``random``: uniformly at random, without replacement;
* ``top-in`` / ``top-out``: the highest in-degree (most sources) or
  out-degree (most consumers), ties broken uniformly at random;
* ``set``: a given set of model indices (``p`` is then ignored).

Whatever the rule, a model without sources receives real data only
(``r_k = 1 - Σ_j w_kj = 1``), so it is never part of a closed class.

Weights (:func:`weight_matrix`), needed only for limits: a model with real
data gives it the weight ``real_weight`` (in ``(0, 1)``; ``None`` treats
real data as one more source), and spreads the rest over its sources
``uniform``-ly or by a ``dirichlet`` draw (all concentration parameters
``alpha``).  Verdicts never depend on the weights, only on the support.

Examples
--------
>>> import numpy as np
>>> from graphcollapse.ensembles.digraph import FlowDigraph
>>> g = FlowDigraph.from_edges(4, np.array([0, 1, 2, 1]), np.array([1, 2, 1, 3]))
>>> has_real(g, real_data(g, np.random.default_rng(0), "top-in", 0.25)).tolist()
[True, True, False, False]
>>> W, r = weight_matrix(g, has_real(g, np.array([False, True, False, False])), np.random.default_rng(0))
>>> W.toarray().tolist(), r.tolist()
([[0.0, 0.0, 0.0, 0.0], [0.25, 0.0, 0.25, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]], [1.0, 0.5, 0.0, 0.0])
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.ensembles.names import WEIGHT_RULES, REAL_RULES
from graphcollapse.errors import InputError

__all__ = ["REAL_RULES", "WEIGHT_RULES", "real_data", "has_real", "weight_matrix", "check_real_rule"]



def check_real_rule(rule: str, p: float | None, real_set=None) -> None:
    """Validate a real-data rule up front (one line naming the option)."""
    if rule not in REAL_RULES:
        raise InputError(f"real-data rule must be one of {', '.join(REAL_RULES)}, not {rule!r}")
    if rule == "set":
        if real_set is None:
            raise InputError("real-data rule 'set' needs the set of models (real_set)")
        return
    if p is None or not (0 <= p <= 1):
        raise InputError(f"real-data fraction p must lie in [0, 1], got {p}")


def real_data(graph: FlowDigraph, rng: np.random.Generator, rule: str, p: float | None,
              real_set=None) -> np.ndarray:
    """The models the rule gives real data (boolean mask; see :func:`has_real` for the sourceless)."""
    K = graph.K
    mask = np.zeros(K, dtype=bool)
    if rule == "set":
        chosen = np.asarray(real_set, dtype=np.int64).ravel()
        if chosen.size and (chosen.min() < 0 or chosen.max() >= K):
            raise InputError(f"real_set: model indices must lie in 0..{K - 1}")
        mask[chosen] = True
        return mask
    count = int(round(p * K))
    if count == 0:
        return mask
    if rule == "random":
        mask[rng.choice(K, size=count, replace=False)] = True
        return mask
    degree = graph.in_degree if rule == "top-in" else graph.out_degree
    key = degree + rng.random(K)  # the fractional part breaks ties uniformly
    mask[np.argpartition(-key, count - 1)[:count]] = True
    return mask


def has_real(graph: FlowDigraph, chosen: np.ndarray) -> np.ndarray:
    """Models that receive real data: the chosen ones and every model without sources."""
    return chosen | (graph.in_degree == 0)


def weight_matrix(graph: FlowDigraph, real: np.ndarray, rng: np.random.Generator, *, weights: str = "uniform",
                  real_weight: float | None = 0.5, alpha: float = 1.0) -> tuple[sp.csr_array, np.ndarray]:
    """``W`` (row ``k`` = what ``k`` trains on, float CSR) and ``r`` for the given real-data mask."""
    if weights not in WEIGHT_RULES:
        raise InputError(f"weights must be one of {', '.join(WEIGHT_RULES)}, not {weights!r}")
    if real_weight is not None and not 0 < real_weight < 1:
        raise InputError(f"real_weight must lie strictly between 0 and 1 (or be None), got {real_weight}")
    if not alpha > 0:
        raise InputError(f"dirichlet concentration alpha must be positive, got {alpha}")
    support = graph.flow().T.tocsr()  # rows = targets, canonical order
    K, degree = graph.K, np.diff(support.indptr)
    rows = np.repeat(np.arange(K), degree)
    extra = real & (degree > 0) if real_weight is None else np.zeros(K, dtype=bool)
    if weights == "uniform":
        raw = np.ones(support.nnz)
        real_raw = extra.astype(np.float64)
    else:  # Dirichlet(alpha, ..., alpha) = normalised Gamma(alpha) draws
        raw = rng.gamma(alpha, size=support.nnz)
        real_raw = np.where(extra, rng.gamma(alpha, size=K), 0.0)
    totals = np.bincount(rows, weights=raw, minlength=K) + real_raw
    r = np.where(degree == 0, 1.0, 0.0)
    if real_weight is None:
        r = np.where(extra, real_raw / np.where(totals > 0, totals, 1.0), r)
    else:
        r = np.where(real & (degree > 0), real_weight, r)
    values = raw / totals[rows] * (1.0 - r[rows])
    W = sp.csr_array((values, support.indices.astype(np.int64), support.indptr.astype(np.int64)), shape=(K, K))
    return W, r
