"""What a simulation will cost, checked against the documented bounds before it starts.

:func:`preflight` reads the sampling plan of a graph and refuses, with one
:class:`~graphcollapse.errors.ResourceLimitError` line, a run beyond the
bounds of :mod:`graphcollapse.bounds`:

* ``generations`` and ``replications``: ``T`` and ``R`` themselves;
* ``simulation_values``: the errors ``R (T + 1) K`` the result holds;
* ``sample_count``: the samples of one fit;
* ``simulation_memory``: the working memory of one block of
  :data:`~graphcollapse.simulation.engine.streams.BLOCK_SIZE` replications,
  estimated from the dimension before any array is allocated;
* ``simulation_draws``: the random numbers the run draws, its work.  The
  sample path draws every sample (``R (T + 1) Σ n`` of them), the
  sufficient-statistic path a few numbers per fit, whatever ``n``; when only
  the sample path is too expensive the message says so and names
  ``--method sufficient``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10**9, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
>>> preflight(g, 10, 100, "sufficient").draws
8400
>>> preflight(g, 10, 100, "samples")
Traceback (most recent call last):
...
graphcollapse.errors.ResourceLimitError: simulation of 100 replications, 11 generations: random draws with method 'samples' = about 1.1e+12 exceeds the bound 200000000 on random numbers a simulation draws (raise it with --limit simulation_draws=N; in Python, with raised_bounds(simulation_draws=N)); --method sufficient (method="sufficient") draws about 8.4e+03
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import numpy as np

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError, ResourceLimitError
from graphcollapse.graph import InteractionGraph
from graphcollapse.simulation.engine.plan import Layout, Plan, make_plan
from graphcollapse.simulation.engine.streams import BLOCK_SIZE

__all__ = ["Budget", "preflight", "check_seed", "count"]

@dataclass(frozen=True)
class Budget:
    """The estimated cost of one simulation."""

    plan: Plan
    values: int
    draws: int
    block_bytes: int


def count(value, name: str, least: int) -> int:
    """An integer argument ``>= least`` (``bool`` is not an integer here)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise InputError(f"{name} must be an integer >= {least}, got {value!r}")
    return int(value)


def check_seed(seed) -> None:
    """A seed is ``None``, a non-negative integer, a sequence of them, or a ``SeedSequence``."""
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return
    values = seed if isinstance(seed, (list, tuple)) else [seed]
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise InputError(f"seed must be a non-negative integer (or a list of them), got {seed!r}")
        if int(value).bit_length() > 256:
            raise InputError("seed: at most 256 bits per integer")


def preflight(graph: InteractionGraph, generations: int, replications: int, method: str = "samples",
              plan: Plan | None = None) -> Budget:
    """Check a simulation of ``graph`` against the bounds before it runs (see the module docstring).

    Returns
    -------
    Budget
        The plan and the estimated cost; :func:`~graphcollapse.simulation.simulate`
        reuses the plan.

    Raises
    ------
    ResourceLimitError
        For a run beyond a bound (the message names it, and ``--method sufficient`` where that helps).
    """
    T, R = count(generations, "generations", 0), count(replications, "replications", 1)
    where = f"simulation of {R} replications, {T + 1} generations"
    bounds.check("generations", T, "simulation: generations T")
    bounds.check("replications", R, "simulation: replications R")
    plan = make_plan(graph) if plan is None else plan
    K = plan.K
    bounds.check("simulation_values", R * (T + 1) * K, f"{where}: recorded errors R (T + 1) K")
    for layout, what in ((plan.initial, "generation 0"), (plan.step, "each generation")):
        biggest = int(layout.totals.max())
        bounds.check("sample_count", biggest, f"simulation: samples of one fit in {what}")
    width = _width(plan)
    # Working memory of one block, from the dimension alone: nothing is allocated before this check.
    slots = max(plan.step.S, plan.initial.S)
    block_bytes = 8 * BLOCK_SIZE * 4 * (slots + K) * (width * width + width + 2)
    bounds.check("simulation_memory", block_bytes, f"{where}: bytes of working memory per block "
                 f"(dimension {width})", qualifier="at least ")
    draws = R * (_draws(plan.initial, width, method, plan) + T * _draws(plan.step, width, method, plan))
    if draws > bounds.current().simulation_draws:
        message = str(_refusal(draws, where, method))
        if method == "samples" and _has_sufficient(plan):
            cheap = R * (_draws(plan.initial, width, "sufficient", plan)
                         + T * _draws(plan.step, width, "sufficient", plan))
            message += f"; --method sufficient (method=\"sufficient\") draws about {cheap:.3g}"
        raise ResourceLimitError(message)
    return Budget(plan=plan, values=R * (T + 1) * K, draws=draws, block_bytes=block_bytes)


def _refusal(draws: int, where: str, method: str) -> ResourceLimitError:
    try:
        bounds.check("simulation_draws", draws, f"{where}: random draws with method {method!r}", qualifier="about ")
    except ResourceLimitError as err:
        return err
    raise AssertionError("unreachable")  # pragma: no cover


def _width(plan: Plan) -> int:
    """Floats per sample of the family, read from the parsed spec (before any kernel is built)."""
    parameters = plan.estimator.parameters
    if "d" in parameters:
        d = int(parameters["d"])
        return d + 1 if plan.family == "linear_regression" else d
    return max(1, len(parameters.get("params", ())))


def _kernel_class(plan: Plan):
    """The kernel class the estimator names (not instantiated: that may allocate)."""
    module, _, name = plan.estimator.kernel_path().partition(":")
    return getattr(import_module(f"graphcollapse.simulation.kernels.{module}"), name)


def _has_sufficient(plan: Plan) -> bool:
    return bool(_kernel_class(plan).has_sufficient)


def _draws(layout: Layout, width: int, method: str, plan: Plan) -> int:
    """Random numbers one replication draws in one generation of ``layout``."""
    samples = int(layout.count.sum())
    if not _has_sufficient(plan):
        # Numerically fitted families draw one uniform per sample (inverted through the density) and
        # fit every sample: each draw costs more time than in the closed-form families.
        return samples
    if method == "sufficient":
        return layout.S * (width * width + width + 2)
    return samples * width
