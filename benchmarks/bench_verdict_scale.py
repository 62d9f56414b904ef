"""Verdicts for a sparse graph of 1,000,000 models and ~5,000,000 edges.

Compares, in one run:
  * ``graphcollapse.collapsing`` on a float graph built with ``from_matrix``
    (vectorised: scipy strongly connected components + one BFS);
  * a bare scipy pass (strongly connected components + breadth-first search
    from one node) over the same matrix: the floor we must stay within 2x of;
  * a networkx-only implementation of the same verdict, on a smaller graph
    (networkx does not reach 10^6 models in reasonable time), extrapolated.

Prints wall time and peak memory (tracemalloc for Python allocations, and
the process's maximum resident set size).

    python benchmarks/bench_verdict_scale.py [--models 1000000] [--degree 5] [--quick]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

import graphcollapse as gc
from _machine import describe


def random_graph(K: int, degree: int, seed: int = 0):
    """A sparse graph with a mix of verdicts.

    90 % of the models ("core") train on ``degree`` random core models; 20 % of
    them get real data.  The other 10 % ("tail") train on random models of
    either part, and a few tail models are planted closed classes (self-loop
    of weight 1), so collapse spreads through part of the tail only.
    """
    rng = np.random.default_rng(seed)
    core = int(K * 0.9)
    rows = np.repeat(np.arange(K, dtype=np.int64), degree)
    cols = np.where(rows < core, rng.integers(0, core, size=rows.size), rng.integers(0, K, size=rows.size))
    real_mask = (rng.random(K) < 0.2) & (np.arange(K) < core)
    closed = core + rng.choice(K - core, size=max(1, K // 1000), replace=False)
    keep = ~np.isin(rows, closed)
    rows = np.concatenate([rows[keep], closed])
    cols = np.concatenate([cols[keep], closed])
    W = sp.coo_array((np.ones(rows.size), (rows, cols)), shape=(K, K)).tocsr()
    W.sum_duplicates()
    row_sums = np.asarray(W.sum(axis=1)).ravel()
    real = np.where(real_mask, 0.25, 0.0)
    W = sp.csr_array(sp.diags_array((1.0 - real) / row_sums) @ W)
    return W, real


def bare_scipy(W: sp.csr_array) -> float:
    start = time.perf_counter()
    csgraph.connected_components(W, directed=True, connection="strong")
    csgraph.breadth_first_order(W.T.tocsr(), 0, directed=True, return_predecessors=False)
    return time.perf_counter() - start


def networkx_verdict(W: sp.csr_array, real: np.ndarray) -> np.ndarray:
    import networkx as nx

    coo = sp.coo_array(W)
    G = nx.DiGraph()
    G.add_nodes_from(range(W.shape[0]))
    G.add_edges_from(zip(coo.col.tolist(), coo.row.tolist()))  # data flows source -> target
    collapse = np.zeros(W.shape[0], dtype=bool)
    for component in nx.strongly_connected_components(G):
        members = list(component)
        if real[members].any():
            continue
        if any(u not in component for v in members for u in G.predecessors(v)):
            continue
        for node in members:
            collapse[node] = True
            collapse[list(nx.descendants(G, node))] = True
    return collapse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--degree", type=int, default=5)
    parser.add_argument("--nx-models", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10^5 models, 10^4 for networkx")
    args = parser.parse_args()
    if args.quick:
        args.models, args.nx_models = 100_000, 10_000
    print(f"machine: {describe()}")
    W, real = random_graph(args.models, args.degree)
    print(f"graph: {W.shape[0]:,} models, {W.nnz:,} edges")

    tracemalloc.start()
    start = time.perf_counter()
    graph = gc.from_matrix(W, real=real)
    built = time.perf_counter() - start
    start = time.perf_counter()
    verdict = gc.collapsing(graph)
    ours = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    floor = min(bare_scipy(W) for _ in range(3))
    print(f"from_matrix (validation, float graph): {built:.2f} s")
    print(f"collapsing(): {ours:.2f} s; bare scipy SCC + BFS: {floor:.2f} s; ratio {ours / floor:.2f}x")
    print(f"peak Python allocations during build + verdict: {peak / 2**30:.2f} GiB; "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    print(f"collapsing models: {int(verdict.sum()):,}")

    Wn, realn = random_graph(args.nx_models, args.degree, seed=1)
    start = time.perf_counter()
    expected = networkx_verdict(Wn, realn)
    nx_time = time.perf_counter() - start
    start = time.perf_counter()
    got = gc.collapsing(gc.from_matrix(Wn, real=realn))
    small = time.perf_counter() - start
    assert np.array_equal(expected, got), "networkx and graphcollapse disagree"
    print(f"networkx-only verdict on {args.nx_models:,} models: {nx_time:.2f} s "
          f"(graphcollapse incl. build {small:.3f} s: {nx_time / small:.0f}x faster); verdicts identical")


if __name__ == "__main__":
    main()
