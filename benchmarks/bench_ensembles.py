"""The two targets of the ensembles issue, measured in one run.

1. A sweep over a 10 x 10 (c, p) grid of Erdős–Rényi digraphs at K = 10^5,
   5 samples per point (500 graphs), in local processes (the default) —
   target: under 10 minutes on a 2-core machine.  The plain alternative in
   the same run: one process (one grid row, extrapolated to the grid).
2. One 10^6-model sample (draw the graph, place real data, Theorem A and the
   closed-class statistics) against one bare SciPy strong-components +
   breadth-first pass over the same graph — target: at most 2x.  Each side
   is timed several times on the same graphs; the minimum and the range are
   printed (the machine is shared, so absolute times are noisy).

    python benchmarks/bench_ensembles.py [--quick] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.sparse import csgraph

from _machine import describe

from graphcollapse.ensembles import Design, sweep
from graphcollapse.ensembles.models import ENSEMBLES
from graphcollapse.ensembles.rules import has_real, real_data
from graphcollapse.ensembles.statistics import sample_statistics


def grid_sweep(K: int, samples: int, workers: int | None) -> None:
    grid = {"c": [round(float(v), 6) for v in np.linspace(0.5, 5.0, 10)],
            "p": [round(float(v), 6) for v in np.linspace(0.0, 0.9, 10)]}
    start = time.perf_counter()
    table = sweep("erdos_renyi", [K], grid=grid, samples=samples, workers=workers, seed=1)
    elapsed = time.perf_counter() - start
    print(f"grid sweep: 10 x 10 (c, p), K = {K:,}, {samples} samples per point = {table.computed} graphs, "
          f"on {table.executor}: {elapsed:.1f} s (target < 600 s)")
    row = {"c": grid["c"][5:6], "p": grid["p"]}
    start = time.perf_counter()
    sweep("erdos_renyi", [K], grid=row, samples=samples, workers=1, seed=1)
    serial = time.perf_counter() - start
    print(f"  plain alternative, one process: one grid row (c = {grid['c'][5]}) in {serial:.1f} s, "
          f"about {10 * serial:.0f} s for the grid")


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def seeds(K: int, c: float, p: float) -> list[int]:
    """Two seeds without a macroscopic collapse and the first with one (its BFS covers the giant)."""
    from graphcollapse.ensembles import draw_sample

    quiet, loud = [], []
    for seed in range(40):
        stats = draw_sample(Design("erdos_renyi", {"c": c}, K, real_fraction=p, seed=seed), 0)
        (loud if stats.fraction >= 0.01 else quiet).append(seed)
        if len(quiet) >= 2 and loud:
            break
    return quiet[:2] + loud[:1]


def one_sample(K: int, c: float, p: float, repeats: int) -> None:
    ensemble = ENSEMBLES["erdos_renyi"]
    ratios = []
    print(f"one sample: Erdős–Rényi, K = {K:,}, c = {c}, real fraction {p}; {repeats} timings per side")
    for seed in seeds(K, c, p):
        design = Design("erdos_renyi", {"c": c}, K, real_fraction=p, seed=seed)

        def ours():
            rng = np.random.default_rng(design.seed_sequence(0))
            graph = ensemble.draw(K, rng, design.params)
            real = has_real(graph, real_data(graph, rng, "random", p))
            return graph, sample_statistics(graph, real)

        graph, stats = ours()
        flow = graph.flow()

        def bare():
            csgraph.connected_components(flow, directed=True, connection="strong")
            csgraph.breadth_first_order(flow, 0, directed=True, return_predecessors=False)

        t_ours, t_bare = timed(ours, repeats), timed(bare, repeats)
        ratio = min(t_ours) / min(t_bare)
        ratios.append(ratio)
        print(f"  seed {seed}: {graph.edges:,} edges, {stats.closed_count} closed classes, collapse fraction "
              f"{stats.fraction:.3f}; sample (draw + rules + SCC + closed classes + BFS) "
              f"{min(t_ours):.2f} s (range {min(t_ours):.2f}-{max(t_ours):.2f}); bare SciPy SCC + BFS "
              f"{min(t_bare):.2f} s (range {min(t_bare):.2f}-{max(t_bare):.2f}); ratio {ratio:.2f}x (target <= 2)")
    print(f"  ratio of minima over the seeds: {min(ratios):.2f}-{max(ratios):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="K = 10^4 grid, 10^5 single sample")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    one_sample(10**5 if args.quick else 10**6, 3.0, 0.1, args.repeats)
    grid_sweep(10**4 if args.quick else 10**5, 5, args.workers)


if __name__ == "__main__":
    main()
