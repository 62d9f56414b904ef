"""Hypothesis strategies and generators of random exact graphs (shared by tests)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from graphcollapse.graph import from_matrix


def random_weight_matrix(rng: np.random.Generator, K: int, density: float = 0.4, real_prob: float = 0.3,
                         denominator: int = 12):
    """A random exact row-stochastic (W, r) pair with rational weights; every model has a source."""
    W = [[Fraction(0)] * K for _ in range(K)]
    real = [Fraction(0)] * K
    for k in range(K):
        sources = [j for j in range(K) if rng.random() < density]
        has_real = rng.random() < real_prob
        if not sources and not has_real:
            sources = [int(rng.integers(K))]
        parts = rng.integers(1, denominator, size=len(sources) + int(has_real))
        total = int(parts.sum())
        for j, part in zip(sources, parts):
            W[k][j] = Fraction(int(part), total)
        if has_real:
            real[k] = Fraction(int(parts[-1]), total)
    return W, real


@st.composite
def exact_graphs(draw, max_models: int = 5, **kwargs):
    """Hypothesis strategy: random exact graphs (periodic and reducible ones included)."""
    K = draw(st.integers(1, max_models))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["random", "cycle", "random"]))
    if kind == "cycle":
        W = [[Fraction(0)] * K for _ in range(K)]
        real = [Fraction(0)] * K
        for k in range(K):
            W[k][(k - 1) % K] = Fraction(1)
        if K > 1 and rng.random() < 0.5:
            k = int(rng.integers(K))
            W[k][(k - 1) % K] = Fraction(1, 2)
            real[k] = Fraction(1, 2)
    else:
        W, real = random_weight_matrix(rng, K, **kwargs)
    sizes = [int(rng.integers(2, 30)) for _ in range(K)]
    return from_matrix([[str(w) for w in row] for row in W], real=[str(r) for r in real], n=sizes)
