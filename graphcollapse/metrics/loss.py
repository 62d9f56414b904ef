"""The probability that a category has vanished from a categorical fit: a finite Markov chain, or simulation.

Whether category ``c`` is absent from model ``k``'s fit (``p_kc(t) = 0``) is
not a second moment, but it depends only on the fitted probabilities of
``c`` upstream of ``k``: given them, model ``j`` draws ``Binomial(n_ji,
p_ic)`` tokens of ``c`` from each source ``i`` (``Binomial(n_j,real, p*_c)``
from real data), independently, and its new fit is ``Σ_i scale_i · Y_i``
(pooled: ``scale = 1/n_j``; weighted: ``w_ji/n_ji``).  So the vector of fits
``(p_jc)_{j ∈ A(k)}`` is a finite Markov chain — one model is the
Wright–Fisher chain — and its law at every generation is computed exactly
in rational arithmetic (polynomials in a symbolic ``p*_c``) when its state
space is small (at most ``max_states`` joint states); otherwise the
probability is estimated by simulation, and the result says which.

Two quantities: ``kind="absent"``, ``P(p_kc(t) = 0)``; ``kind="lost"``,
``P(p_kc(s) = 0 for some s ≤ t)`` (the chain with absorption at 0).  They
agree where nothing can bring ``c`` back (no real data upstream of ``k``
and ``k`` alone upstream of itself, e.g. one closed model).

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[1]], n=[2], estimator={"family": "categorical", "p": ["1/2", "1/2"]})
>>> m = category_loss(g, 0, 2)
>>> m.of("0"), m.method_of("0")      # Wright-Fisher on 2 tokens: 1/4, then 1/4 + 1/2 · 1/4, ...
((1/4, 3/8, 7/16), 'exact (finite Markov chain)')
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.estimators import estimator_for
from graphcollapse.estimators.pairs import sources_of
from graphcollapse.metrics.result import check_generations, MARKOV, Metric, simulated
from graphcollapse.topology import Topology

__all__ = ["category_loss", "KINDS", "MAX_STATES"]

KINDS = ("absent", "lost")
#: Largest joint state space the exact chain is built on (beyond it: simulation).
MAX_STATES = 400


@guarded
def category_loss(graph, category: int, generations: int, *, kind: str = "absent", max_states: int = MAX_STATES,
                  replications: int = 4000, seed=None) -> Metric:
    """``P(category c is absent from model k's fit at t)`` (or lost by ``t``) for every model and ``t``.

    Parameters
    ----------
    graph : InteractionGraph
        With a ``categorical`` estimator; exact weights and whole sample counts.
    category : int
        Position ``c`` in ``p*``.
    generations : int
    kind : {"absent", "lost"}
    max_states : int
        Largest joint state space of the upstream fits solved exactly.
    replications, seed
        For the models whose chain is too large (simulated, sufficient statistics).

    Raises
    ------
    InputError
        For another estimator, a category out of range, symbolic weights or counts.
    """
    est = estimator_for(graph)
    if est.name != "categorical":
        raise InputError(f"category_loss needs a categorical estimator, not {est.name!r}")
    p = est.parameters["p"]
    if isinstance(category, bool) or not isinstance(category, (int, np.integer)) or not 0 <= category < len(p):
        raise InputError(f"category must be an integer in 0..{len(p) - 1}, got {category!r}")
    if kind not in KINDS:
        raise InputError(f"kind must be \"absent\" or \"lost\", not {kind!r}")
    generations = check_generations(generations)
    if graph.is_exact and graph.free_symbols_all:
        raise InputError("category_loss needs numeric weights and sample counts (substitute the symbols first)")
    chains = _Chains(graph, p[category], max_states) if graph.is_exact else None
    top = Topology.of(graph)
    columns, methods, missing = [], [], []
    for k in range(graph.K):
        values = None if chains is None else chains.solve(tuple(int(j) for j in top.upstream(k)), k, generations,
                                                            kind)
        columns.append(values)
        methods.append(MARKOV if values is not None else None)
        if values is None:
            missing.append(k)
    stderr = None
    if missing:
        draws = _simulated(graph, category, generations, kind, replications, seed)
        stderr = np.full((generations + 1, graph.K), np.nan)
        for k in missing:
            columns[k] = tuple(float(x) for x in draws[:, :, k].mean(axis=0))
            stderr[:, k] = draws[:, :, k].std(axis=0, ddof=1) / np.sqrt(replications)
            methods[k] = simulated(replications)
    values = tuple(tuple(column[t] for column in columns) for t in range(generations + 1))
    return Metric(f"{kind}[{category}]", graph.ids, values, tuple(methods), stderr)


def _simulated(graph, category, generations, kind, replications, seed) -> np.ndarray:
    from graphcollapse.simulation import simulate

    result = simulate(graph, generations, replications, seed=seed, method="sufficient",
                      observables=(f"absent[{category}]",))
    draws = result.values(f"absent[{category}]")
    return np.maximum.accumulate(draws, axis=1) if kind == "lost" else draws


class _Chains:
    """The exact chains of the fitted probability of one category on upstream sets of models, cached."""

    def __init__(self, graph, star, max_states: int):
        self.graph, self.max_states = graph, max_states
        self.star = Fraction(int(star.p), int(star.q)) if star.is_Rational else star
        self.sources = sources_of(graph)
        self.slots = [self._slots(k) for k in range(graph.K)]
        self.cache: dict = {}

    def _slots(self, k: int) -> list:
        """``(source or None for real data, count, scale)`` of every slot of model ``k``."""
        g = self.graph
        out = [(j, _whole(m, f"edge {g.ids[j]}->{g.ids[k]} sample count"), _fraction(w))
               for j, w, m in self.sources[k]]
        if not g.real[k] == 0:
            out.append((None, _whole(g.n_real[k], f"model {g.ids[k]!r} real-sample count"), _fraction(g.real[k])))
        if g.mixing == "pooled":
            n = _fraction(g.n[k])
            return [(j, m, 1 / n) for j, m, _ in out]
        return [(j, m, w / m) for j, m, w in out]

    def values(self, k: int) -> list:
        """Every value model ``k``'s fit of the category can take (generation 0 included)."""
        n0 = _whole(self.graph.n0[k], f"model {self.graph.ids[k]!r} n0")
        found = {Fraction(y, n0) for y in range(n0 + 1)}
        sums = {Fraction(0)}
        for _, m, scale in self.slots[k]:
            sums = {s + y * scale for s in sums for y in range(m + 1)}
            if len(sums) > self.max_states:
                return []
        return sorted(found | sums)

    def solve(self, models: tuple, k: int, generations: int, kind: str):
        key = models
        if key not in self.cache:
            self.cache[key] = self._build(models)
        built = self.cache[key]
        if built is None:
            return None
        states, rows, initial = built
        where = models.index(k)
        dist = list(initial)
        out = []
        lost = 0
        for t in range(generations + 1):
            if t:
                new = [0] * len(states)
                for s, mass in enumerate(dist):
                    if mass != 0:
                        for s2, prob in rows[s]:
                            new[s2] += mass * prob
                dist = new
            gone = sum((mass for s, mass in enumerate(dist) if states[s][where] == 0), 0)
            if kind == "absent":
                out.append(_exact(gone))
            else:
                lost += gone
                dist = [0 if states[s][where] == 0 else mass for s, mass in enumerate(dist)]
                out.append(_exact(lost))
        return tuple(out)

    def _build(self, models: tuple):
        per_model = [self.values(j) for j in models]
        if any(not v for v in per_model) or math.prod(len(v) for v in per_model) > self.max_states:
            return None
        states = list(itertools.product(*per_model))
        index = {s: i for i, s in enumerate(states)}
        position = {j: i for i, j in enumerate(models)}
        rows = []
        for state in states:
            marginals = [self._next(j, state, position) for j in models]
            row = []
            for combo in itertools.product(*[list(m.items()) for m in marginals]):
                prob = math.prod((p for _, p in combo), start=Fraction(1))
                row.append((index[tuple(v for v, _ in combo)], prob))
            rows.append(row)
        initial = []
        for state in states:
            prob = Fraction(1)
            for j, value in zip(models, state):
                n0 = int(self.graph.n0[j])
                y = value * n0
                prob *= _binomial(n0, int(y), self.star) if y.denominator == 1 else 0
            initial.append(prob)
        return states, rows, initial

    def _next(self, j: int, state: tuple, position: dict) -> dict:
        """The law of model ``j``'s next fit given the current fits ``state`` (a convolution of binomials)."""
        law = {Fraction(0): Fraction(1)}
        for source, m, scale in self.slots[j]:
            p = self.star if source is None else state[position[source]]
            step = {}
            for y in range(m + 1):
                weight = _binomial(m, y, p)
                if weight != 0:
                    for value, prob in law.items():
                        key = value + y * scale
                        step[key] = step.get(key, 0) + prob * weight
            law = step
        return law


def _binomial(m: int, y: int, p):
    return math.comb(m, y) * p ** y * (1 - p) ** (m - y)


def _fraction(value) -> Fraction:
    if not value.is_Rational:
        raise InputError(f"category_loss needs rational weights, got {value}")
    return Fraction(int(value.p), int(value.q))


def _whole(value, where: str) -> int:
    if value is None or not value.is_Integer:
        raise InputError(f"{where} = {value}: the chain needs whole sample counts")
    return int(value)


def _exact(value):
    """A Fraction as a SymPy Rational; a symbolic probability expanded."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sympy.Integer(value)
    return sympy.factor(sympy.expand(value))
