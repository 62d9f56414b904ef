"""Sweeps: a grid over ensemble parameters and the real fraction, at several sizes ``K``.

One task is one sample (one graph) at one grid point and one size; tasks run
through :func:`graphcollapse.parallel.run_sweep` — in this process, in local
worker processes (the default) or on a Dask cluster (``scheduler=``) — with
an append-only checkpoint from which an interrupted sweep resumes.  The
checkpoint's header is the base design (ensemble, fixed parameters, rules,
seed), and each task's key names its size, point and sample index, so a
resumed sweep may also add sizes, grid points or samples: finished tasks are
reused, never recomputed.  Memory per task is ``O(K + E)``; nothing of size
``K`` travels back, only the sample's statistics.

Grid names are ensemble parameters (``c``, ``d``, ``gamma``, …) or ``p``
(the real-data fraction).

Examples
--------
>>> table = sweep("erdos_renyi", [400], params={"c": 2.0}, grid={"p": [0.0, 0.5]}, samples=4, workers=1)
>>> [(row.K, row.point, row.estimate.samples) for row in table.rows]
[(400, {'p': 0.0}, 4), (400, {'p': 0.5}, 4)]
>>> round(table.rows[0].estimate.law.phi, 4)
0.7968
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from graphcollapse.ensembles.asymptotic import law
from graphcollapse.ensembles.point_estimates import DEFAULT_THRESHOLD, PointEstimate, summarize
from graphcollapse.ensembles.models import resolve
from graphcollapse.ensembles.sampling import Design, draw_sample, jsonable
from graphcollapse.ensembles.statistics import SampleStatistics
from graphcollapse.errors import InputError, guarded
from graphcollapse.parallel import run_sweep

__all__ = ["sweep", "estimate", "SweepTable", "Row", "run_task", "REAL_FRACTION"]

#: The grid name of the real-data fraction.
REAL_FRACTION = "p"

#: Sweeps with fewer model-samples than this (sizes x points x samples) run in this process by default.
SERIAL_BELOW = 2_000_000


@dataclass(frozen=True)
class Row:
    """One (size, grid point) of a sweep."""

    K: int
    point: dict
    estimate: PointEstimate


@dataclass
class SweepTable:
    """The result of a sweep: one :class:`Row` per size and grid point, and how it was run."""

    ensemble: str
    params: dict
    grid: dict
    sizes: list
    samples: int
    real_rule: str
    rows: list
    executor: str = ""
    elapsed: float = 0.0
    resumed: int = 0
    computed: int = 0
    settings: dict = field(default_factory=dict)

    def row(self, K: int | None = None, **point) -> Row:
        """The row at size ``K`` (default: the only size) and the given grid values."""
        for row in self.rows:
            if (K is None or row.K == K) and all(row.point.get(k) == v for k, v in point.items()):
                return row
        raise InputError(f"no row for K={K}, {point}")

    def to_json(self) -> dict:
        return {"ensemble": self.ensemble, "params": jsonable(self.params), "grid": self.grid,
                "sizes": self.sizes, "samples": self.samples, "real_rule": self.real_rule,
                "settings": self.settings,
                "run": {"executor": self.executor, "elapsed_seconds": self.elapsed, "resumed": self.resumed,
                        "computed": self.computed},
                "rows": [{"K": r.K, **r.estimate.to_json()} for r in self.rows]}


def run_task(design: Design, sample: int) -> dict:
    """The sweep task (module level, so worker processes and Dask can run it)."""
    return draw_sample(design, sample).to_json()


def _points(grid: Mapping[str, Sequence]) -> list[dict]:
    names = list(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def _key(K: int, point: dict, sample: int) -> str:
    return f"K={K}|{json.dumps(point, sort_keys=True)}|s={sample}"


@guarded
def sweep(ensemble: str, sizes: Sequence[int], *, params: Mapping[str, Any] | None = None,
          grid: Mapping[str, Sequence] | None = None, samples: int = 10, real_rule: str = "random",
          real_fraction: float | None = 0.0, real_set=None, weights: str = "uniform",
          real_weight: float | None = 0.5, alpha: float = 1.0, level: float | None = None, n: int = 1,
          giant: bool = False, seed: int = 0, threshold: float = DEFAULT_THRESHOLD, confidence: float = 0.95,
          proportion_method: str = "wilson", mean_method: str = "t", workers: int | None = None,
          scheduler: str | None = None, checkpoint: str | Path | None = None,
          progress: Callable[[int, int], None] | None = None) -> SweepTable:
    """Estimate the collapse statistics over a grid of points and sizes (see the module notes).

    Parameters
    ----------
    ensemble : str
        A name of :data:`~graphcollapse.ensembles.models.ENSEMBLES` (or an alias).
    sizes : sequence of int
        Numbers of models ``K``.
    params : mapping
        Fixed ensemble parameters.
    grid : mapping of name to sequence
        Swept values: ensemble parameters, and ``p`` for the real fraction.
    samples : int
        Graphs per size and point.
    real_rule, real_fraction, real_set : see :mod:`graphcollapse.ensembles.rules`.
    weights, real_weight, alpha, level, n : limits (``level``); see :mod:`graphcollapse.ensembles.sampling`.
    giant : bool
        Also measure the fraction downstream of the largest strong component.
    seed : int
        Base seed; a sample's graph depends only on the seed, its design and its index.
    threshold, confidence, proportion_method, mean_method : see :func:`~graphcollapse.ensembles.point_estimates.summarize`.
    workers, scheduler, checkpoint, progress : see :func:`graphcollapse.parallel.run_sweep`.
        By default a sweep runs in one worker process per CPU, except a small
        one (fewer than :data:`SERIAL_BELOW` model-samples), which runs here.

    Returns
    -------
    SweepTable
    """
    grid = {str(k): list(v) for k, v in (grid or {}).items()}
    first = {k: v[0] for k, v in grid.items() if k != REAL_FRACTION and v}
    base, resolved = resolve(ensemble, {**(params or {}), **first})
    fixed = {k: v for k, v in resolved.items() if k not in grid}
    for name, values in grid.items():
        if not values:
            raise InputError(f"grid {name}: no values")
        if name != REAL_FRACTION and name not in base.params:
            raise InputError(f"grid: {base.name} has no parameter {name!r} (grid names: "
                             f"{', '.join([REAL_FRACTION, *base.params])})")
        if name != REAL_FRACTION and name in (params or {}):
            raise InputError(f"parameter {name!r} is both fixed and on the grid")
    sizes = [int(K) for K in sizes]
    if not sizes:
        raise InputError("sizes: give at least one K")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(f"samples must be a positive integer, got {samples!r}")
    options = dict(real_rule=real_rule, real_set=None if real_set is None else tuple(int(i) for i in real_set),
                   weights=weights, real_weight=real_weight, alpha=alpha, level=level, n=n, giant=giant, seed=seed)
    points = _points(grid)
    designs: dict[tuple[int, str], Design] = {}
    for K in sizes:
        for point in points:
            values = {k: v for k, v in point.items() if k != REAL_FRACTION}
            p = point.get(REAL_FRACTION, real_fraction)
            designs[K, json.dumps(point, sort_keys=True)] = Design(base.name, {**fixed, **values}, K,
                                                                   real_fraction=p, **options)
    # The header is what all tasks share; sizes, grid values and sample indices live in the keys.
    header = {"ensembles": 1, "ensemble": base.name, "params": jsonable(fixed),
              "real_fraction": None if REAL_FRACTION in grid else real_fraction,
              **{k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}}
    tasks = [(_key(K, point, s), (designs[K, json.dumps(point, sort_keys=True)], s))
             for K in sizes for point in points for s in range(samples)]
    if workers is None and scheduler is None and sum(d.K for d in designs.values()) * samples < SERIAL_BELOW:
        workers = 1  # starting worker processes would take longer than the whole sweep
    swept = run_sweep(run_task, tasks, workers=workers, scheduler=scheduler, checkpoint=checkpoint,
                      header=header, progress=progress)
    rows = []
    for K in sizes:
        for point in points:
            design = designs[K, json.dumps(point, sort_keys=True)]
            stats = [SampleStatistics.from_json(swept.results[_key(K, point, s)]) for s in range(samples)]
            prediction = law(design.ensemble, design.params, design.real_rule, design.real_fraction or 0.0)
            rows.append(Row(K, point, summarize(stats, threshold=threshold, confidence=confidence,
                                                proportion_method=proportion_method, mean_method=mean_method,
                                                law=prediction, point=point)))
    settings = {"real_fraction": real_fraction, **{k: v for k, v in options.items() if k != "real_rule"},
                "threshold": threshold, "confidence": confidence, "proportion_method": proportion_method,
                "mean_method": mean_method}
    return SweepTable(base.name, fixed, grid, sizes, samples, real_rule, rows, swept.executor, swept.elapsed,
                      swept.resumed, swept.computed, settings)


@guarded
def estimate(ensemble: str, size: int, *, samples: int = 10, **options) -> PointEstimate:
    """The estimates at one point and one size: :func:`sweep` without a grid.

    >>> e = estimate("er", 500, params={"c": 3.0}, real_fraction=0.2, samples=5, workers=1)
    >>> e.samples, e.p_macro.method
    (5, 'wilson')
    """
    if options.get("grid"):
        raise InputError("estimate: use sweep() for a grid")
    return sweep(ensemble, [size], samples=samples, **options).rows[0].estimate
