"""Hypothesis strategies that draw time-varying structure — mode sets, schedules — and a dense reference.

Every choice is a Hypothesis draw (supports, real data, integer weight parts,
probabilities), so failures shrink to few models, few modes, simple numbers.
:func:`dense_reference` iterates ``S ← W S Wᵀ + D`` with dense SymPy
matrices straight from each graph's weights and sizes (pooled Gaussian
means, MODEL.md 3.1): an implementation independent of the toolkit's
recursions.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import strategies as st

from strategies import weight_rows

IDS = "ABCD"


def phase(W, real, name=None):
    """An override of the base graph with every model's real weight and every edge."""
    K = len(W)
    entry = {"models": [{"id": IDS[k], "real": str(real[k])} for k in range(K)],
             "edges": [{"from": IDS[j], "to": IDS[k], "weight": str(W[k][j])}
                       for k in range(K) for j in range(K) if W[k][j]]}
    if name:
        entry["name"] = name
    return entry


def base(K, sizes):
    return {"models": [{"id": IDS[k], "n": sizes[k], "real": 1} for k in range(K)], "edges": []}


@st.composite
def mode_sets(draw, max_models: int = 3, max_modes: int = 3, markov: bool | None = False):
    """A graph file with i.i.d. (or Markov) modes; returns ``(data, rows, law, transition)``."""
    K = draw(st.integers(1, max_models))
    count = draw(st.integers(1, max_modes))
    rows = [draw(weight_rows(K, 4, fallback="real")) for _ in range(count)]
    parts = draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    law = [Fraction(p, sum(parts)) for p in parts]
    sizes = draw(st.lists(st.integers(2, 9), min_size=K, max_size=K))
    data = base(K, sizes)
    data["modes"] = [dict(phase(W, r), probability=str(p)) for (W, r), p in zip(rows, law)]
    transition = None
    use_markov = draw(st.booleans()) if markov is None else markov
    if use_markov:
        transition = []
        for _ in range(count):
            support = draw(st.lists(st.booleans(), min_size=count, max_size=count))
            if not any(support):
                support[draw(st.integers(0, count - 1))] = True
            cells = draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
            cells = [c if s else 0 for c, s in zip(cells, support)]
            transition.append([Fraction(c, sum(cells)) for c in cells])
        data["switching"] = {"transition": [[str(v) for v in row] for row in transition]}
    return data, rows, law, transition, sizes


@st.composite
def schedules(draw, max_models: int = 3, max_period: int = 3):
    """A graph file with a periodic schedule (and possibly a prefix); returns ``(data, prefix rows, period rows)``."""
    K = draw(st.integers(1, max_models))
    period = [draw(weight_rows(K, 4, fallback="real")) for _ in range(draw(st.integers(1, max_period)))]
    prefix = [draw(weight_rows(K, 4, fallback="real")) for _ in range(draw(st.integers(0, 1)))]
    sizes = draw(st.lists(st.integers(2, 9), min_size=K, max_size=K))
    data = base(K, sizes)
    data["schedule"] = {"period": [phase(W, r) for W, r in period]}
    if prefix:
        data["schedule"]["prefix"] = [phase(W, r) for W, r in prefix]
    return data, prefix, period, sizes


# ------------------------------------------------------------------ dense reference
def _matrix(W):
    return sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in row] for row in W])


def dense_step(S, W, sizes):
    """``W S Wᵀ + D`` with the pooled Gaussian-mean noise ``D_k = σ²/n_k`` (σ² = 1, equal variances)."""
    M = _matrix(W)
    return M * S * M.T + sympy.diag(*[sympy.Rational(1, n) for n in sizes])


def dense_reference(sizes, steps, T):
    """``E_k(t)`` for ``t = 0..T`` where ``steps(t)`` gives generation ``t``'s ``W`` (or a callable of ``S``)."""
    S = sympy.diag(*[sympy.Rational(1, n) for n in sizes])
    out = [tuple(S[k, k] for k in range(len(sizes)))]
    for t in range(1, T + 1):
        step = steps(t)
        S = step(S) if callable(step) else dense_step(S, step, sizes)
        out.append(tuple(S[k, k] for k in range(len(sizes))))
    return tuple(out)
