"""Random interaction digraphs, vectorised: ``10⁶`` models and a few ``10⁶`` edges in well under a second.

Every generator takes the number of models ``K`` and a NumPy
``Generator`` and returns a :class:`~graphcollapse.ensembles.digraph.FlowDigraph`
(an edge ``j → k``: model ``k`` trains on ``j``'s outputs).  No generator
loops over models in Python, and none forms a dense matrix.

Self-loops (a model retraining on its own outputs, which ``docs/theory.md``
allows) are part of every ensemble that has a ``loops`` option, by default:
then the mean in-degree of ``D(K, c/K)`` is exactly ``c``.  ``loops=False``
gives the loopless graphs of the random-graph literature.

* :func:`erdos_renyi` — ``D(K, c/K)``: every ordered pair ``(j, k)``
  (``j ≠ k`` without loops) is an edge independently with probability
  ``c/K``.  Drawn exactly by geometric skips over the pairs in row-major
  order (Batagelj & Brandes), so edges come out sorted and never repeat.
* :func:`in_regular` — each model trains on ``d`` distinct models chosen
  uniformly; :func:`out_regular` — each model's outputs are used by ``d``
  distinct models chosen uniformly.
* :func:`configuration` — the directed configuration model: in- and
  out-degree sequences (given, or i.i.d. from a
  :class:`~graphcollapse.ensembles.degrees.DegreeLaw`), stubs matched
  uniformly; parallel edges are merged (the *erased* configuration model),
  self-loops dropped when ``loops=False``.  With i.i.d. laws the two stub
  totals are balanced by adding the missing stubs at uniformly random
  models.
* :func:`small_world` — a directed Watts–Strogatz graph: model ``i`` trains
  on its ``k`` ring neighbours ``i±1, i±2, …``; each of these edges has its
  source (``rewire="source"``) or its target (``"target"``) replaced by a
  uniformly random model with probability ``beta``.

Preferential attachment is in :mod:`graphcollapse.ensembles.attachment`.

networkx has generators for some of these (``gnp_random_graph``,
``random_k_out_graph``, ``directed_configuration_model``,
``scale_free_graph``); they build Python objects per node and edge and take
minutes at ``10⁶`` models, so the tests use them only as independent
references on small graphs.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> g = erdos_renyi(1000, rng, c=2.0, loops=False)
>>> g.K, 1700 < g.edges < 2300, bool((g.sources != g.indices).all())
(1000, True, True)
>>> set(in_regular(50, rng, d=3).in_degree.tolist())
{3}
"""

from __future__ import annotations

import numpy as np

from graphcollapse.ensembles.degrees import DegreeLaw
from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.errors import InputError

__all__ = ["erdos_renyi", "in_regular", "out_regular", "configuration", "small_world", "balance_stubs"]


def erdos_renyi(K: int, rng: np.random.Generator, *, c: float, loops: bool = True) -> FlowDigraph:
    """``D(K, c/K)``: each ordered pair (with ``loops``, each model with itself too) independently."""
    p = c / K
    if not 0 < p <= 1:
        raise InputError(f"erdos_renyi: edge probability c/K must lie in (0, 1], got {c}/{K}")
    width = K if loops else K - 1
    pairs = K * width
    if p == 1.0:
        positions = np.arange(pairs, dtype=np.int64)
    else:
        # Positions of the successes of a Bernoulli(p) sequence over the pairs in row-major
        # order: cumulative sums of geometric gaps.  Draw a little more than the expected
        # number and extend in the rare case the sequence has not yet passed the end.
        chunks, last = [], -1
        while last < pairs:
            mean = (pairs - last) * p
            gaps = rng.geometric(p, size=int(mean + 8 * np.sqrt(mean) + 64))
            positions = np.cumsum(gaps) + last
            chunks.append(positions)
            last = int(positions[-1])
        positions = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
        positions = positions[:np.searchsorted(positions, pairs)]
    sources = positions // width
    targets = positions - sources * width
    if not loops:
        targets += targets >= sources  # skip the diagonal: a monotone map keeps rows sorted
    return FlowDigraph.from_sorted(K, sources, targets)


def _distinct_choices(K: int, rng: np.random.Generator, d: int, loops: bool) -> np.ndarray:
    """A ``(K, d)`` array: row ``i`` holds ``d`` distinct models (``i`` itself only with ``loops``), sorted."""
    width = K if loops else K - 1
    if not 1 <= d <= width:
        raise InputError(f"degree d must lie between 1 and {width}, got {d}")
    rows = np.arange(K)
    picks = np.empty((K, d), dtype=np.int64)
    bad = rows
    while bad.size:
        picks[bad] = np.sort(rng.integers(0, width, size=(bad.size, d)), axis=1)
        repeated = (np.diff(picks[bad], axis=1) == 0).any(axis=1)
        bad = bad[repeated]  # redraw whole rows: keeps the d-subset uniform
    if not loops:
        picks += picks >= rows[:, None]  # skip the model itself (monotone: rows stay sorted)
    return picks


def in_regular(K: int, rng: np.random.Generator, *, d: int, loops: bool = True) -> FlowDigraph:
    """Every model trains on ``d`` distinct models chosen uniformly (itself among them only with ``loops``)."""
    picks = _distinct_choices(K, rng, d, loops)
    return FlowDigraph.from_edges(K, picks.ravel(), np.repeat(np.arange(K), d), unique=True)


def out_regular(K: int, rng: np.random.Generator, *, d: int, loops: bool = True) -> FlowDigraph:
    """Every model's outputs are used by ``d`` distinct models chosen uniformly (itself only with ``loops``)."""
    picks = _distinct_choices(K, rng, d, loops)
    return FlowDigraph.from_sorted(K, np.repeat(np.arange(K), d), picks.ravel())


def balance_stubs(rng: np.random.Generator, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal stub totals: the side with fewer stubs gets the difference at uniformly random models."""
    a, b = a.astype(np.int64), b.astype(np.int64)
    gap = int(a.sum() - b.sum())
    if gap > 0:
        b = b + np.bincount(rng.integers(0, b.size, gap), minlength=b.size)
    elif gap < 0:
        a = a + np.bincount(rng.integers(0, a.size, -gap), minlength=a.size)
    return a, b


def configuration(K: int, rng: np.random.Generator, *, in_law: DegreeLaw | None = None,
                  out_law: DegreeLaw | None = None, in_degrees=None, out_degrees=None,
                  loops: bool = True) -> FlowDigraph:
    """The erased directed configuration model (see the module notes).

    Give either degree laws (i.i.d. sequences, balanced) or both sequences
    (their sums must be equal).
    """
    if in_degrees is not None or out_degrees is not None:
        if in_degrees is None or out_degrees is None:
            raise InputError("configuration: give both in_degrees and out_degrees, or neither")
        a = np.asarray(in_degrees)
        b = np.asarray(out_degrees)
        if a.shape != (K,) or b.shape != (K,):
            raise InputError(f"configuration: degree sequences must have K = {K} entries")
        if not (np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer)):
            raise InputError("configuration: degree sequences must be integers")
        if (a < 0).any() or (b < 0).any():
            raise InputError("configuration: degrees must be non-negative")
        if a.sum() != b.sum():
            raise InputError(f"configuration: in-degrees sum to {a.sum()} but out-degrees to {b.sum()}")
    else:
        if in_law is None or out_law is None:
            raise InputError("configuration: give degree laws or degree sequences")
        a, b = balance_stubs(rng, in_law.sample(rng, K), out_law.sample(rng, K))
    targets = np.repeat(np.arange(K, dtype=np.int64), a)
    sources = rng.permutation(np.repeat(np.arange(K, dtype=np.int64), b))
    if not loops:
        keep = sources != targets
        sources, targets = sources[keep], targets[keep]
    return FlowDigraph.from_edges(K, sources, targets)


def small_world(K: int, rng: np.random.Generator, *, k: int, beta: float, rewire: str = "source") -> FlowDigraph:
    """Directed Watts–Strogatz: ring sources ``i-1, i+1, i-2, i+2, …`` (``k`` of them), rewired with ``beta``."""
    if not 1 <= k <= K - 1:
        raise InputError(f"small_world: k must lie between 1 and K - 1 = {K - 1}, got {k}")
    if not 0 <= beta <= 1:
        raise InputError(f"small_world: rewiring probability beta must lie in [0, 1], got {beta}")
    if rewire not in ("source", "target"):
        raise InputError(f"small_world: rewire must be 'source' or 'target', not {rewire!r}")
    offsets = np.array([(-1) ** (i + 1) * (i // 2 + 1) for i in range(k)])  # -1, +1, -2, +2, ...
    targets = np.repeat(np.arange(K, dtype=np.int64), k)
    sources = (targets + np.tile(offsets, K)) % K
    moved = rng.random(targets.size) < beta
    # A rewired end is uniform over the models other than the fixed end (no self-loop).
    fixed = targets[moved] if rewire == "source" else sources[moved]
    fresh = rng.integers(0, K - 1, size=int(moved.sum()))
    fresh += fresh >= fixed
    if rewire == "source":
        sources[moved] = fresh
    else:
        targets[moved] = fresh
    return FlowDigraph.from_edges(K, sources, targets)
