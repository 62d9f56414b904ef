"""Hypothesis strategies that draw graph *structure* and exact numbers, and shrink (shared by tests).

* :func:`exact_graphs`: rational graphs — which model trains on which, who sees
  real data, integer parts of the weights, sample sizes — periodic and
  reducible ones included;
* :func:`symbolic_graphs`: graphs whose weights are built by stick breaking
  from drawn *fractions*: symbols, sub-range parameters (``a - b``), products
  of symbols, rationals, algebraic constants (``sqrt(2)/2``,
  ``1/(1 + sqrt(2))``) and disguised zeros and ones, so that every model's
  weights sum to 1 by construction while the valid region of the symbols can
  be any shape;
* :func:`float_twin`: the float graph of a numeric exact graph.

Nothing here feeds a drawn seed to a random generator: every choice is a
Hypothesis draw, so failures shrink to small graphs and simple numbers.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy
from hypothesis import strategies as st

from graphcollapse.graph import from_dict, from_matrix

A, B = sympy.symbols("a b", real=True)
_SQRT2 = sympy.sqrt(2)
DISGUISED_ZERO = (1 + _SQRT2) ** 2 - 3 - 2 * _SQRT2

#: Fractions in [0, 1] (on their valid region) that stick breaking turns into weights.
FRACTIONS = [
    sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(2, 3), sympy.Integer(1),
    A, 1 - A, B, A * B, A * (1 - B), A - B,                        # symbols, products, a sub-range
    _SQRT2 / 2, 1 - _SQRT2 / 2, 1 / (1 + _SQRT2),                  # algebraic constants
    DISGUISED_ZERO, 1 - DISGUISED_ZERO,                            # exactly 0 and exactly 1
]


@st.composite
def weight_rows(draw, K: int, max_part: int = 11, fallback: str = "source"):
    """``(W, real)`` as exact fractions: drawn sources and real data, integer weight parts normalised per row.

    A model drawn with neither a source nor real data gets a drawn source
    (``fallback="source"``) or real data (``"real"``).
    """
    W, real = [], []
    for _ in range(K):
        sources = draw(st.lists(st.booleans(), min_size=K, max_size=K))
        has_real = draw(st.booleans())
        if not any(sources) and not has_real:
            if fallback == "real":
                has_real = True
            else:
                sources[draw(st.integers(0, K - 1))] = True
        parts = draw(st.lists(st.integers(1, max_part), min_size=sum(sources) + has_real,
                              max_size=sum(sources) + has_real))
        total = sum(parts)
        it = iter(parts)
        W.append([Fraction(next(it), total) if s else Fraction(0) for s in sources])
        real.append(Fraction(next(it), total) if has_real else Fraction(0))
    return W, real


@st.composite
def exact_graphs(draw, max_models: int = 5, max_part: int = 11):
    """Rational graphs with drawn structure: sources, real data, integer weight parts, sizes."""
    K = draw(st.integers(1, max_models))
    if draw(st.booleans()) and K > 1 and draw(st.booleans()):
        # a directed cycle, possibly opened by real data at one model
        W = [[Fraction(0)] * K for _ in range(K)]
        real = [Fraction(0)] * K
        for k in range(K):
            W[k][(k - 1) % K] = Fraction(1)
        if draw(st.booleans()):
            k = draw(st.integers(0, K - 1))
            W[k][(k - 1) % K] = real[k] = Fraction(1, 2)
    else:
        W, real = draw(weight_rows(K, max_part))
    sizes = draw(st.lists(st.integers(2, 30), min_size=K, max_size=K))
    return from_matrix([[str(w) for w in row] for row in W], real=[str(r) for r in real], n=sizes)


@st.composite
def symbolic_graphs(draw, max_models: int = 3, fractions=FRACTIONS):
    """Graphs whose weights are stick-broken from drawn fractions (symbols, algebraic constants, zeros).

    Model ``k`` lists its sources (and real data) in a drawn order; the first
    takes fraction ``f_1``, the next ``(1 - f_1) f_2``, ..., the last the rest,
    so the weights sum to 1 exactly.  Graphs whose symbols admit no valid
    point are filtered out by the caller (``from_dict`` accepts them; the
    analysis reports the empty region).
    """
    K = draw(st.integers(1, max_models))
    ids = [chr(ord("A") + k) for k in range(K)]
    models, edges = [], []
    for k in range(K):
        sources = [j for j, keep in enumerate(draw(st.lists(st.booleans(), min_size=K, max_size=K))) if keep]
        slots = [("real", None)] * draw(st.booleans()) + [("edge", j) for j in sources]
        if not slots:
            slots = [("edge", k)]
        remaining = sympy.Integer(1)
        weights = []
        for i, slot in enumerate(slots):
            if i == len(slots) - 1:
                weights.append(remaining)
            else:
                f = draw(st.sampled_from(fractions))
                weights.append(remaining * f)
                remaining = remaining * (1 - f)
        entry = {"id": ids[k], "n": draw(st.integers(2, 20))}
        for (kind, j), w in zip(slots, weights):
            if kind == "real":
                entry["real"] = str(w)
            else:
                edges.append({"from": ids[j], "to": ids[k], "weight": str(w)})
        models.append(entry)
    used = set()
    for text in [m.get("real", "0") for m in models] + [e["weight"] for e in edges]:
        used |= {name for name in ("a", "b") if name in text}
    return from_dict({"symbols": sorted(used), "models": models, "edges": edges})


def float_twin(graph):
    """The float graph with the same (numeric) weights, sizes and ids."""
    K = graph.K
    W = np.zeros((K, K))
    for j, k, w in zip(graph.sources, graph.targets, graph.weights):
        W[k, j] = float(w)
    return from_matrix(W, real=np.array([float(r) for r in graph.real]), n=[int(v) for v in graph.n],
                       ids=graph.ids)


@st.composite
def weighted_twins(draw, max_models: int = 4, max_part: int = 6, fit_counts: bool = True):
    """A pooled graph and its weighted twin: the same weights, every source with its own integer count.

    Model ``k`` draws which models it trains on (and whether it sees real
    data) and an integer part per source; the weights are the parts over
    their sum.  With ``fit_counts`` the weighted twin's per-source counts are
    the parts themselves (``m_kj = w_kj n_k``, so a weighted fit sees the
    samples a pooled fit pools); otherwise they are drawn independently.
    """
    K = draw(st.integers(1, max_models))
    ids = [chr(ord("A") + k) for k in range(K)]
    pooled_models, weighted_models, pooled_edges, weighted_edges = [], [], [], []
    for k in range(K):
        sources = [j for j, keep in enumerate(draw(st.lists(st.booleans(), min_size=K, max_size=K))) if keep]
        has_real = draw(st.booleans()) or not sources
        parts = draw(st.lists(st.integers(1, max_part), min_size=len(sources) + has_real,
                              max_size=len(sources) + has_real))
        total = sum(parts)
        counts = parts if fit_counts else draw(st.lists(st.integers(2, max_part), min_size=len(parts),
                                                         max_size=len(parts)))
        real = f"{parts[-1]}/{total}" if has_real else "0"
        pooled_models.append({"id": ids[k], "n": total, "real": real})
        weighted = {"id": ids[k], "n": total, "real": real}
        if has_real:
            weighted["n_real"] = counts[-1]
        weighted_models.append(weighted)
        for j, part, count in zip(sources, parts, counts):
            pooled_edges.append({"from": ids[j], "to": ids[k], "weight": f"{part}/{total}"})
            weighted_edges.append({"from": ids[j], "to": ids[k], "weight": f"{part}/{total}", "n": count})
    return (from_dict({"models": pooled_models, "edges": pooled_edges}),
            from_dict({"mixing": "weighted", "models": weighted_models, "edges": weighted_edges}))
