"""The generation loop: :func:`simulate`.

Each chunk of replications runs all generations at once, vectorised across
its replications and slots; chunks are whole blocks of
:data:`~graphcollapse.simulation.engine.streams.BLOCK_SIZE` replications with their
own random streams, so results depend neither on the chunk size nor on how
many threads run the chunks side by side.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 100, "real": 1}, {"id": "B", "n": 50}],
...                "edges": [{"from": "A", "to": "B", "weight": 1}]})
>>> r = simulate(g, generations=3, replications=400, seed=1)
>>> r.mean_error.shape, r.errors.shape
((4, 2), (400, 4, 2))
>>> bool(abs(r.mean_error[3, 1] - 0.03) < 4 * r.stderr[3, 1])    # exact: 1/100 + 1/50
True
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import numpy as np

from graphcollapse.errors import InputError, guarded
from graphcollapse.graph import InteractionGraph
from graphcollapse.simulation.kernels import gaussian_mean, general_m, linear_regression, m_estimators  # noqa: F401  (register the kernels)
from graphcollapse.simulation.kernels.base import Kernel, kernel_for
from graphcollapse.simulation.engine.plan import Layout, make_plan
from graphcollapse.simulation.engine.dynamics import DynamicRun  # dynamics (issue 13)
from graphcollapse.graph.dynamics import has_dynamics
from graphcollapse.simulation.engine.result import SimulationResult
from graphcollapse.simulation.engine.streams import BLOCK_SIZE, BlockStreams, root_seed

__all__ = ["simulate", "METHODS", "MEMORY_BUDGET"]

METHODS = ("samples", "sufficient")
#: Working memory the automatic chunk size aims at, in bytes.
MEMORY_BUDGET = 128 * 2**20


@guarded
def simulate(graph: InteractionGraph, generations: int, replications: int, seed=None, method: str = "samples",
             chunk_size: int | None = None, progress: Callable[[int, int], None] | None = None,
             workers: int | None = None, observables: Sequence[str] | None = None) -> SimulationResult:
    """Simulate the interactive-learning process of ``graph`` (MODEL.md section 1).

    Generation 0 fits every model on ``n0`` real samples; generation ``t``
    fits model ``k`` on fresh real samples and on fresh synthetic samples
    from each in-neighbour's generation-``t-1`` fit, pooled (one fit on the
    union) or weighted (one fit per source, combined with the weights).

    Parameters
    ----------
    graph : InteractionGraph
        Numeric weights and sample counts; its estimator spec names the family
        (``gaussian_mean``, ``linear_regression``, ``poisson``, ``bernoulli``,
        ``exponential``, ``gaussian``, ``custom``; an M-estimator spec with a
        ``"loss"`` is fitted by minimising that loss).
    generations : int
        Last generation ``T`` (errors are recorded for ``t = 0 .. T``).
    replications : int
        Independent runs ``R``.
    seed : int, sequence of int or numpy.random.SeedSequence, optional
        The same seed gives the same numbers for any ``chunk_size`` and ``workers``.
    method : {"samples", "sufficient"}
        ``"samples"`` draws every sample and fits on them; ``"sufficient"``
        draws the estimator's sufficient statistics directly (exact in
        distribution, cost independent of the sample sizes).  Custom
        log-densities and losses have no sufficient statistics: they always
        draw the samples, and the result's ``method`` says ``"samples"``.
    chunk_size : int, optional
        Replications held in memory at once (rounded up to a multiple of
        ``BLOCK_SIZE``).  By default: within ``MEMORY_BUDGET``, and for the
        sample path split between the workers.
    progress : callable, optional
        Called as ``progress(done, total)`` after every generation of every chunk.
    workers : int, optional
        Threads running chunks side by side (numpy releases the GIL in its
        random fills and array kernels); default: the number of CPUs, at most 8.
    observables : sequence of str, optional
        Observables to record beside the error (default: the kernel's own,
        e.g. ``"variance"`` for ``gaussian_fit``, ``"diversity"`` for
        ``categorical``; ``()`` records none).

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        For symbolic graphs, fractional sample counts, families without a
        sampler, OLS fits on fewer than ``d + 2`` samples, bad arguments.
    """
    generations, replications = _count(generations, "generations", 0), _count(replications, "replications", 1)
    if method not in METHODS:
        raise InputError(f'method must be "samples" or "sufficient", not {method!r}')
    workers = min(8, os.cpu_count() or 1) if workers is None else _count(workers, "workers", 1)
    plan = make_plan(graph)
    kernel = kernel_for(plan)
    # dynamics (issue 13): schedules, random modes and memory run their own generation loop
    dynamic = DynamicRun(graph, plan, kernel) if has_dynamics(graph) else None
    if not kernel.has_sufficient:     # e.g. a custom log-density: the samples are all there is
        method = "samples"
    root = root_seed(seed)
    blocks = -(-replications // BLOCK_SIZE)
    per_chunk = _blocks_per_chunk(kernel, method, chunk_size, blocks, workers)
    errors = np.empty((replications, generations + 1, plan.K))
    names = kernel.observables if observables is None else tuple(observables)
    for name in names:
        kernel.check_observable(name)
    recorded = {name: np.empty_like(errors) for name in names}
    starts = range(0, blocks, per_chunk)
    tick = _Ticker(progress, len(starts) * (generations + 1))

    def run_chunk(first: int) -> None:
        streams = BlockStreams.for_blocks(root, range(first, min(blocks, first + per_chunk)), replications)
        lo = first * BLOCK_SIZE
        target = errors[lo:lo + streams.replications]
        if dynamic is not None:  # dynamics (issue 13)
            dynamic.run(streams, generations, method, target, tick)
            return
        theta = None
        for t in range(generations + 1):
            layout = plan.initial if t == 0 else plan.step
            theta = _generation(kernel, streams, theta, layout, method, pooled=(t == 0 or plan.mixing == "pooled"))
            target[:, t] = kernel.error(theta)
            for name, values in recorded.items():
                values[lo:lo + streams.replications, t] = kernel.observe(theta, name)
            tick()

    if workers == 1 or len(starts) == 1:
        for first in starts:
            run_chunk(first)
    else:
        with ThreadPoolExecutor(min(workers, len(starts)), thread_name_prefix="graphcollapse-simulate") as pool:
            for future in [pool.submit(run_chunk, first) for first in starts]:
                future.result()
    return SimulationResult(graph=graph, family=plan.family, method=method, seed_entropy=root.entropy,
                            errors=errors, observables=recorded)


class _Ticker:
    """Thread-safe progress counter."""

    def __init__(self, callback, total: int):
        self.callback, self.total, self.done = callback, total, 0
        self.lock = threading.Lock()

    def __call__(self) -> None:
        if self.callback is None:
            return
        with self.lock:
            self.done += 1
            self.callback(self.done, self.total)


def _generation(kernel: Kernel, streams: BlockStreams, theta, layout: Layout, method: str, pooled: bool):
    """Every model's fit in one generation, given the previous fits ``theta`` (``None``: generation 0)."""
    if theta is None:
        sources = np.broadcast_to(kernel.truth, (streams.replications, layout.S, kernel.p))
    else:
        sources = theta[:, np.maximum(layout.source, 0)]
        sources[:, layout.is_real] = kernel.truth
    return kernel.generation(streams, sources, layout, method, pooled)


def _count(value, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise InputError(f"{name} must be an integer >= {least}, got {value!r}")
    return int(value)


def _blocks_per_chunk(kernel: Kernel, method: str, chunk_size, blocks: int, workers: int) -> int:
    if chunk_size is not None:
        return -(-_count(chunk_size, "chunk_size", 1) // BLOCK_SIZE)
    plan = kernel.plan
    floats = max(kernel.scratch_floats(plan.initial, method), kernel.scratch_floats(plan.step, method)) \
        + 4 * plan.K * kernel.p
    per_chunk = max(1, MEMORY_BUDGET // (8 * floats * BLOCK_SIZE * workers))
    if method == "samples":     # heavy per replication: share the blocks between the workers
        per_chunk = min(per_chunk, -(-blocks // workers))
    return per_chunk
