"""What each model fits on, in numbers: the sampling plan of a graph.

A :class:`Layout` lists the *slots* of one generation: a slot is one source
of training data of one model (real data or one in-neighbour) with its
weight, its sample count and the noise variance of the data it produces.
Slots are sorted by model, so per-model sums are :func:`numpy.add.reduceat`.
Generation 0 has its own layout (one real-data slot of ``n0`` samples per
model).  Everything here is plain floats and integers; graphs with free
symbols are rejected.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 4}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"},
...                          {"from": "A", "to": "B", "weight": 1}]})
>>> plan = make_plan(g)
>>> plan.step.source.tolist(), plan.step.model.tolist(), plan.step.count.tolist()
([-1, 0, 0], [0, 0, 1], [5, 5, 4])
>>> plan.initial.count.tolist(), plan.step.totals.tolist()
([10, 4], [10, 4])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError
from graphcollapse.estimators import Estimator, estimator_for
from graphcollapse.graph import InteractionGraph

__all__ = ["Layout", "Plan", "make_plan", "as_float", "REAL"]

#: Source index of real data in a layout.
REAL = -1


@dataclass(frozen=True, eq=False)
class Layout:
    """The slots of one generation, sorted by model.

    Attributes
    ----------
    source : numpy.ndarray of int, shape (S,)
        Model whose outputs feed the slot, :data:`REAL` for real data.
    model : numpy.ndarray of int, shape (S,)
        Model that trains on the slot (non-decreasing; every model has a slot).
    weight : numpy.ndarray of float, shape (S,)
        ``w_kj`` (``r_k`` for real data); sums to 1 per model.
    count : numpy.ndarray of int, shape (S,)
        Fresh samples drawn for the slot each generation.
    noise : numpy.ndarray of float, shape (S,)
        Noise variance of those samples (``σ_j²``; ``σ²`` for real data).
    K : int
    """

    source: np.ndarray
    model: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    noise: np.ndarray
    K: int

    @property
    def S(self) -> int:
        return int(self.source.size)

    @cached_property
    def starts(self) -> np.ndarray:
        """First slot of every model."""
        return np.searchsorted(self.model, np.arange(self.K))

    @cached_property
    def totals(self) -> np.ndarray:
        """``n_k``: samples per model (all slots)."""
        return np.bincount(self.model, weights=self.count, minlength=self.K).astype(np.int64)

    @cached_property
    def is_real(self) -> np.ndarray:
        return self.source == REAL

    @cached_property
    def groups(self) -> tuple[tuple[int, np.ndarray], ...]:
        """Slots grouped by sample count: ``((count, slot positions), ...)``."""
        return tuple((int(m), np.flatnonzero(self.count == m)) for m in np.unique(self.count))

    @cached_property
    def slots(self) -> np.ndarray:
        """Number of slots of every model."""
        return np.bincount(self.model, minlength=self.K)

    @cached_property
    def shared(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Models with several slots, their slot positions, and where each model's run starts in them."""
        models = np.flatnonzero(self.slots > 1)
        positions = np.flatnonzero(np.isin(self.model, models))
        return models, positions, np.searchsorted(self.model[positions], models)

    def per_model(self, values: np.ndarray) -> np.ndarray:
        """Sum ``values`` (slots on axis 1) over the slots of each model."""
        if self.S == self.K:
            return values
        return np.add.reduceat(values, self.starts, axis=1)


@dataclass(frozen=True, eq=False)
class Plan:
    """A graph in numbers: the generation-0 and the generation-``t`` layouts."""

    graph: InteractionGraph
    estimator: Estimator
    mixing: str
    initial: Layout
    step: Layout

    @property
    def K(self) -> int:
        return self.graph.K

    @property
    def family(self) -> str:
        """The estimator family's name."""
        return self.estimator.name


def as_float(value, where: str) -> float:
    if isinstance(value, sympy.Basic) and value.free_symbols:
        names = ", ".join(sorted(s.name for s in value.free_symbols))
        raise InputError(f"{where} depends on the symbols {names}: substitute numbers before simulating")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InputError(f"{where} is too large for the simulator's floating-point arithmetic")
    return number


def _as_count(value, where: str) -> int:
    if isinstance(value, sympy.Basic) and value.is_number and value.is_finite:
        # Bounded before the float conversion: n = 10**400 would overflow it.
        bounds.check("sample_count", abs(sympy.floor(value)), where)
    number = as_float(value, where)
    rounded = round(number)
    if abs(number - rounded) > 1e-9 * max(1.0, abs(number)) or rounded < 0:
        raise InputError(f"{where} = {value} is not a whole number of samples; "
                                 "the simulator draws whole samples")
    return int(rounded)


def _values(values, K):
    return [None] * K if values is None else list(values)


def make_plan(graph: InteractionGraph) -> Plan:
    """The sampling plan of ``graph`` (see :class:`Plan`).

    Raises
    ------
    InputError
        If a weight, size or variance is symbolic, or a sample count is not a
        whole number (pooled counts are ``w_kj n_k``).
    """
    estimator = estimator_for(graph)
    ids = graph.ids
    K = graph.K
    if graph.free_symbols:
        names = ", ".join(sorted(s.name for s in graph.free_symbols))
        raise InputError(f"graph {graph.name!r} has symbolic weights ({names}): "
                                 "substitute numbers before simulating")
    sigma2 = as_float(estimator.parameters.get("sigma2", 1), f"estimator {estimator.name!r} sigma2")
    n = _values(graph.n, K)
    n0 = _values(graph.n0, K)
    n_real = _values(graph.n_real, K)
    own_noise = _values(graph.sigma2, K)
    noise_of = [sigma2 if v is None else as_float(v, f"model {ids[k]!r} sigma2") for k, v in enumerate(own_noise)]
    weights = [as_float(w, "edge weight") for w in graph.weights]
    real = [as_float(r, f"model {ids[k]!r} real") for k, r in enumerate(graph.real)]
    edge_n = _values(graph.edge_n, graph.num_edges)

    def size(value, k, field):
        if value is None:
            raise InputError(f"model {ids[k]!r}: the simulator needs its {field}")
        return _as_count(value, f"model {ids[k]!r} {field}")

    slots = []  # (model, source, weight, count, noise)
    for k in range(K):
        if real[k] > 0:
            if graph.mixing == "pooled":
                count = size(n_real[k], k, "real-sample count") if n_real[k] is not None else \
                    _as_count(real[k] * size(n[k], k, "n"), f"model {ids[k]!r} real-sample count r n")
            else:
                count = size(n_real[k] if n_real[k] is not None else n[k], k, "n_real")
            slots.append((k, REAL, real[k], count, sigma2))
    for i, (j, k) in enumerate(zip(graph.sources.tolist(), graph.targets.tolist())):
        if weights[i] == 0:
            continue
        where = f"edge {ids[j]}->{ids[k]} sample count"
        if edge_n[i] is not None:
            count = _as_count(edge_n[i], where)
        elif graph.mixing == "pooled":
            count = _as_count(weights[i] * size(n[k], k, "n"), where)
        else:  # float graphs carry no per-source counts: every source estimator uses n_k samples
            count = size(n[k], k, "n")
        slots.append((k, j, weights[i], count, noise_of[j]))
    slots.sort(key=lambda s: (s[0], s[1]))
    for k, j, w, count, _ in slots:
        if count == 0:
            source = "real data" if j == REAL else f"edge {ids[j]}->{ids[k]}"
            raise InputError(f"model {ids[k]!r}: {source} has weight {w:g} but no samples")
    model, source, weight, count, noise = (np.array(column) for column in zip(*slots))
    step = Layout(source=source.astype(np.int64), model=model.astype(np.int64), weight=weight.astype(float),
                  count=count.astype(np.int64), noise=noise.astype(float), K=K)
    initial = Layout(source=np.full(K, REAL, dtype=np.int64), model=np.arange(K, dtype=np.int64),
                     weight=np.ones(K), count=np.array([size(n0[k], k, "n0") for k in range(K)], dtype=np.int64),
                     noise=np.full(K, sigma2), K=K)
    return Plan(graph=graph, estimator=estimator, mixing=graph.mixing, initial=initial, step=step)
