r"""Second moments when training sets keep old data: accumulate, window, subsample (MODEL.md 6.3).

Everything is per coordinate of an isotropic state (``E[e_k e_lᵀ] = m_kl I_d``,
``E_k = d m_kk``) and is described by a :class:`BatchProcess`: which samples
model ``k``'s batch of generation ``t`` holds (``n_kj`` points from model
``j``'s fit of generation ``t-1``, ``n_real`` fresh real points), and the
variance ``v`` of each point around its generator (``σ_j²``; for OLS with a
fixed design and one source per batch the *effective* ``σ_j² n/(n-d-1)``,
which makes a batch's fit error ``σ_j²/(n-d-1)`` per coordinate, exact).
A point from ``j`` is ``x = θ* + e_j(t-1) + √v z``.  Generation 0's batch is
``n0_k`` real points.

:class:`PoolRecursion` (``accumulate``; ``subsample m``).  The pool of model
``k`` at ``t`` is every batch ``0 … t`` (``N_k(t)`` points); track its sum
error ``P_k = Σ (x - θ*)`` and, for subsampling, ``Q_k = Σ (x - θ*)²``:

    P_k(t) = P_k(t-1) + Σ_j n_kj e_j(t-1) + ν_k,   Var ν_k = Σ_j n_kj v_kj + n_real σ²,
    E Q_k(t) = E Q_k(t-1) + Σ_j n_kj (E e_j(t-1)² + v_kj) + n_real σ².

The fit is the pool mean ``P_k/N_k`` (accumulate) or the mean of ``m`` points
drawn without replacement, ``e_k = P_k/N_k + δ_k`` with ``E[δ_k | pools] = 0``,
``Var(δ_k | pools) = (N−m)/(m(N−1)) · (Q_k/N − P_k²/N²)`` (hypergeometric; 0 when
``N ≤ m``: the whole pool).  Subsamples of different models and generations
are drawn independently, so ``E[P_a e_b] = E[P_a P_b]/N_b`` and
``E[e_a e_b] = E[P_a P_b]/(N_a N_b) + δ_ab h_a (E Q_a − E P_a²/N_a)``,
``h = (N−m)/(m(N−1)N)``: the pair ``(E[P Pᵀ], E Q)`` follows an exact linear,
time-varying recursion.  With ``n0 = n`` and one model this is
``e(t) = (I − (I − W)/(t+1)) e(t-1) + ξ(t)/(t+1)`` of MODEL.md.

:class:`WindowRecursion` (``window L``; ``replace`` with a real pool is ``L = 1``).
The state is the batch sum errors ``c_k(t-i)`` at lags ``i < L``; the fit is
``e_k(t) = (Σ_i c_k(t-i) + n_real ρ_k) / N^w_k(t)`` over the batches present, where
``ρ_k`` is the mean error of the fixed real pool (``real = "pool"``: the first
``n_real_k`` of the generation-0 points, so ``E ρ_k² = σ²/n_real_k`` and
``Cov(c_k(0), ρ_k) = σ²``), added once generation 0 has left the window.
From ``t = L`` on the recursion is time-invariant: :meth:`WindowRecursion.invariant`.

Examples
--------
Gerstgrasser et al.'s accumulate: one model, no real data after generation 0,
``E(t) = (σ²/n) Σ_{i=1}^{t+1} 1/i²``:

>>> import sympy
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[1]], n=[10])
>>> process = BatchProcess(g, "gaussian_mean", initial=(10,), initial_variance=(1,),
...                        batches=lambda t: (Batch(((0, 10, 1),)),), trace_weight=1)
>>> rec = PoolRecursion(process)
>>> values = [row[0] for row in evolve(rec, 3)]
>>> values == [sympy.Rational(1, 10) * sum(sympy.Rational(1, i**2) for i in range(1, t + 2)) for t in range(4)]
True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable

import sympy
from sympy import QQ

from graphcollapse.errors import InputError
from graphcollapse.operator.moments import ExplicitRecursion

__all__ = ["Batch", "BatchProcess", "TimeVarying", "PoolRecursion", "WindowRecursion", "evolve", "Numbers"]


@dataclass(frozen=True)
class Batch:
    """One model's batch of one generation: ``sources`` are ``(j, n_kj, v_kj)``; ``real`` fresh real points,
    each of variance ``real_variance``."""

    sources: tuple
    real: Any = 0
    real_variance: Any = 1

    @property
    def size(self):
        return sum((c for _, c, _ in self.sources), 0) + self.real


@dataclass(frozen=True, eq=False)
class BatchProcess:
    """What every batch holds (see the module docstring).

    Attributes
    ----------
    graph : InteractionGraph
    family : str
    initial : tuple
        ``n0_k``, the generation-0 batch (real points).
    initial_variance : tuple
        Variance of a generation-0 point, per model (``σ²``, or OLS's effective one).
    batches : callable
        ``batches(t)`` for ``t ≥ 1``: one :class:`Batch` per model.
    trace_weight : number
        ``d`` (``E_k = d m_kk``).
    real_variance : number
        ``σ²`` of a real point of the fixed pool (``real = "pool"``).
    pool : tuple or None
        ``real = "pool"``: the size of each model's fixed real pool (batches then hold no fresh real points).
    """

    graph: Any
    family: str
    initial: tuple
    initial_variance: tuple
    batches: Callable[[int], tuple]
    trace_weight: Any
    real_variance: Any = 1
    pool: tuple | None = None
    notes: tuple = ()
    asymptotic: bool = False
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def K(self) -> int:
        return len(self.initial)

    def at(self, t: int) -> tuple:
        """The batches of generation ``t ≥ 1`` (cached)."""
        if t not in self._cache:
            self._cache[t] = tuple(self.batches(t))
        return self._cache[t]


class Numbers:
    """Rationals as flint/gmpy ``QQ`` elements (fast); anything else as SymPy expressions."""

    def __init__(self, rational: bool):
        self.rational = rational

    def __call__(self, value):
        return QQ.convert(value) if self.rational else sympy.sympify(value)  # safe: numbers, not text

    def out(self, value):
        if self.rational:
            return QQ.to_sympy(QQ.convert(value))
        value = sympy.sympify(value)  # safe: numbers, not text
        return sympy.cancel(value) if value.free_symbols else sympy.expand(value)

    def tidy(self, value):
        if self.rational or not isinstance(value, sympy.Basic) or not value.free_symbols:
            return value
        return sympy.cancel(value)


def _numbers_for(process: BatchProcess) -> Numbers:
    values = [*process.initial, *process.initial_variance, process.trace_weight, process.real_variance,
              *(process.pool or ())]
    for batch in process.at(1):
        values += [batch.real, batch.real_variance] + [x for source in batch.sources for x in source[1:]]
    rational = all(getattr(sympy.sympify(v), "is_Rational", False) for v in values)  # safe: numbers
    return Numbers(rational and not process.graph.free_symbols)


class TimeVarying(ABC):
    """A time-varying exact recursion: a state at generation 0, one step per generation, errors per state."""

    process: BatchProcess

    @property
    def graph(self):
        return self.process.graph

    @property
    def K(self) -> int:
        return self.process.K

    @abstractmethod
    def initial_state(self) -> dict:
        """The state at generation 0."""

    @abstractmethod
    def advance(self, t: int, state: dict) -> dict:
        """The state at generation ``t`` from the state at ``t - 1``."""

    @abstractmethod
    def errors(self, t: int, state: dict) -> tuple:
        """``E_k(t)`` per model, in the recursion's numbers."""


def evolve(rec: TimeVarying, generations: int, start: int = 0, state: dict | None = None) -> tuple:
    """``E_k(t)`` for ``t = start … generations``, exact (SymPy values)."""
    if generations < 0:
        raise InputError(f"generations must be non-negative, got {generations}")
    state = rec.initial_state() if state is None else state
    out = []
    for t in range(start, generations + 1):
        if t > start:
            state = rec.advance(t, state)
        out.append(tuple(rec.numbers.out(v) for v in rec.errors(t, state)))
    return tuple(out)


# ---------------------------------------------------------------------- pools
class PoolRecursion(TimeVarying):
    """``accumulate`` (``subsample=None``) or ``accumulate-subsample m`` (see the module docstring)."""

    def __init__(self, process: BatchProcess, subsample: int | None = None):
        self.process = process
        self.subsample = subsample
        self.numbers = _numbers_for(process)
        self._sizes = {0: tuple(self.numbers(n) for n in process.initial)}

    def size(self, t: int) -> tuple:
        """``N_k(t)``: points in each pool."""
        if t not in self._sizes:
            previous = self.size(t - 1)
            self._sizes[t] = tuple(N + self.numbers(b.size) for N, b in zip(previous, self.process.at(t)))
        return self._sizes[t]

    def _h(self, N):
        m = self.subsample
        if m is None or N <= m:
            return self.numbers(0)
        return (N - m) / (m * (N - 1) * N)

    def initial_state(self) -> dict:
        nb = self.numbers
        state = {}
        for k in range(self.K):
            n0, v = nb(self.process.initial[k]), nb(self.process.initial_variance[k])
            for l in range(k, self.K):
                state[("P", k, l)] = n0 * v if k == l else nb(0)
            if self.subsample is not None:
                state[("Q", k)] = n0 * v
        return state

    def _pp(self, state, a, b):
        return state[("P", a, b) if a <= b else ("P", b, a)]

    def _ee(self, state, N, h, a, b):
        """``E[e_a e_b]`` of the fits at the state's generation."""
        value = self._pp(state, a, b) / (N[a] * N[b])
        if a == b and h[a] != 0:
            value = value + h[a] * (state[("Q", a)] - self._pp(state, a, a) / N[a])
        return value

    def advance(self, t, state):
        nb = self.numbers
        N = self.size(t - 1)
        h = [self._h(x) for x in N]
        batches = self.process.at(t)
        sources = [[(j, nb(c), nb(v)) for j, c, v in b.sources] for b in batches]
        real = [nb(b.real) * nb(b.real_variance) for b in batches]  # the fresh real points' total variance
        out = {}
        for k in range(self.K):
            for l in range(k, self.K):
                value = self._pp(state, k, l)
                value += sum((c * self._pp(state, k, j) / N[j] for j, c, _ in sources[l]), nb(0))
                value += sum((c * self._pp(state, j, l) / N[j] for j, c, _ in sources[k]), nb(0))
                value += sum((ca * cb * self._ee(state, N, h, a, b) for a, ca, _ in sources[k]
                              for b, cb, _ in sources[l]), nb(0))
                if k == l:
                    value += sum((c * v for _, c, v in sources[k]), nb(0)) + real[k]
                out[("P", k, l)] = nb.tidy(value)
            if self.subsample is not None:
                value = state[("Q", k)] + real[k]
                value += sum((c * (self._ee(state, N, h, j, j) + v) for j, c, v in sources[k]), nb(0))
                out[("Q", k)] = nb.tidy(value)
        return out

    def errors(self, t, state):
        N = self.size(t)
        h = [self._h(x) for x in N]
        d = self.numbers(self.process.trace_weight)
        return tuple(d * self._ee(state, N, h, k, k) for k in range(self.K))


# --------------------------------------------------------------------- windows
class WindowRecursion(TimeVarying):
    """``window L`` (and ``replace`` with a fixed real pool, ``L = 1``); see the module docstring."""

    def __init__(self, process: BatchProcess, window: int):
        if window < 1:
            raise InputError(f"memory window: must be >= 1, got {window}")
        self.process = process
        self.L = window
        self.numbers = _numbers_for(process)
        pool = process.pool
        if pool is not None:
            for k, (n_real, n0) in enumerate(zip(pool, process.initial)):
                if n_real and n_real > n0:
                    raise InputError(f"model {process.graph.ids[k]!r}: a fixed real pool of {n_real} points "
                                     f"cannot come from its {n0} generation-0 points")
        self.slots = tuple((i, k) for i in range(window) for k in range(self.K))

    # weights of the fit e_k(t) = Σ_i α_ki c_k(t-i) + β_k ρ_k
    def fit_weights(self, t: int):
        nb = self.numbers
        pool = self.process.pool
        alpha, beta = {}, []
        for k in range(self.K):
            sizes = {i: nb(self.process.initial[k]) if t == i else nb(self.process.at(t - i)[k].size)
                     for i in range(min(t, self.L - 1) + 1)}
            with_pool = pool is not None and pool[k] and t >= self.L
            total = sum(sizes.values(), nb(0)) + (nb(pool[k]) if with_pool else nb(0))
            for i in sizes:
                alpha[(i, k)] = 1 / total
            beta.append(nb(pool[k]) / total if with_pool else nb(0))
        return alpha, beta

    def _rho(self, k, l):
        nb = self.numbers
        if k != l or self.process.pool is None or not self.process.pool[k]:
            return nb(0)
        return nb(self.process.real_variance) / nb(self.process.pool[k])

    @staticmethod
    def _key(a, b):
        return ("M", a, b) if a <= b else ("M", b, a)

    def initial_state(self) -> dict:
        nb = self.numbers
        state = {self._key(a, b): nb(0) for a in self.slots for b in self.slots if a <= b}
        for k in range(self.K):
            state[self._key((0, k), (0, k))] = nb(self.process.initial[k]) * nb(self.process.initial_variance[k])
            if self.process.pool is not None:
                for l in range(self.K):
                    for i in range(self.L):
                        state[("G", (i, k), l)] = nb(0)
        if self.process.pool is not None:
            for k in range(self.K):
                if self.process.pool[k]:
                    state[("G", (0, k), k)] = nb(self.process.real_variance)
        return state

    def _transition(self, t: int):
        """``z(t) = T z(t-1) + Σ_j τ_j ρ_j + ν``: rows ``T`` and ``τ`` per slot, noise per model."""
        nb = self.numbers
        alpha, beta = self.fit_weights(t - 1)
        batches = self.process.at(t)
        T, tau, noise = {}, {}, []
        for k in range(self.K):
            row, rho = {}, {}
            for j, c, v in batches[k].sources:
                c = nb(c)
                for i in range(self.L):
                    if (i, j) in alpha:
                        row[(i, j)] = row.get((i, j), nb(0)) + c * alpha[(i, j)]
                if beta[j] != 0:
                    rho[j] = rho.get(j, nb(0)) + c * beta[j]
            T[(0, k)], tau[(0, k)] = row, rho
            noise.append(sum((nb(c) * nb(v) for _, c, v in batches[k].sources), nb(0))
                         + nb(batches[k].real) * nb(batches[k].real_variance))
            for i in range(1, self.L):
                T[(i, k)], tau[(i, k)] = {(i - 1, k): nb(1)}, {}
        return T, tau, noise

    def advance(self, t, state):
        T, tau, noise = self._transition(t)
        nb = self.numbers
        pool = self.process.pool is not None
        out = {}
        for a in self.slots:
            for b in self.slots:
                if a > b:
                    continue
                value = nb(0)
                for c, x in T[a].items():
                    for d, y in T[b].items():
                        value += x * y * state[self._key(c, d)]
                if pool:
                    for c, x in T[a].items():
                        for l, y in tau[b].items():
                            value += x * y * state[("G", c, l)]
                    for c, x in T[b].items():
                        for l, y in tau[a].items():
                            value += x * y * state[("G", c, l)]
                    for j, x in tau[a].items():
                        for l, y in tau[b].items():
                            value += x * y * self._rho(j, l)
                if a == b and a[0] == 0:
                    value += noise[a[1]]
                out[self._key(a, b)] = nb.tidy(value)
        if pool:
            for a in self.slots:
                for l in range(self.K):
                    value = sum((x * state[("G", c, l)] for c, x in T[a].items()), nb(0))
                    value += sum((x * self._rho(j, l) for j, x in tau[a].items()), nb(0))
                    out[("G", a, l)] = nb.tidy(value)
        return out

    def errors(self, t, state):
        alpha, beta = self.fit_weights(t)
        nb = self.numbers
        d = nb(self.process.trace_weight)
        out = []
        for k in range(self.K):
            lags = [i for i in range(self.L) if (i, k) in alpha]
            value = sum((alpha[(i, k)] * alpha[(j, k)] * state[self._key((i, k), (j, k))]
                         for i in lags for j in lags), nb(0))
            if beta[k] != 0:
                value += 2 * beta[k] * sum((alpha[(i, k)] * state[("G", (i, k), k)] for i in lags), nb(0))
                value += beta[k] ** 2 * self._rho(k, k)
            out.append(d * value)
        return tuple(out)

    def invariant(self, state_at_L: dict) -> ExplicitRecursion:
        """The time-invariant recursion from generation ``L`` on, started at ``state_at_L``.

        Its unknowns are the state's entries and one auxiliary unknown per model,
        ``E[e_k(t)²]`` written in terms of the state at ``t - 1`` (so the
        observable is linear and ``E[ρ²]`` stays a constant, never an unknown).
        """
        nb = self.numbers
        t = self.L + 1
        probe = {key: nb(0) for key in state_at_L}
        labels = sorted(state_at_L, key=repr)
        position = {u: i for i, u in enumerate(labels)}
        rows, constant = [], []
        for u in labels:  # a linear map: its rows from the images of the unit states
            rows.append({})
        constant_state = self.advance(t, probe)
        for v in labels:
            unit = dict(probe)
            unit[v] = nb(1)
            image = self.advance(t, unit)
            for u in labels:
                coefficient = image[u] - constant_state[u]
                if coefficient != 0:
                    rows[position[u]][position[v]] = nb.out(coefficient)
        constant = [nb.out(constant_state[u]) for u in labels]
        initial = [nb.out(state_at_L[u]) for u in labels]
        # auxiliary unknowns: E_k(t) / d as a function of the state at t - 1
        base_error = self.errors(t, constant_state)
        d = nb(self.process.trace_weight)
        for k in range(self.K):
            row = {}
            for v in labels:
                unit = dict(probe)
                unit[v] = nb(1)
                coefficient = (self.errors(t, self.advance(t, unit))[k] - base_error[k]) / d
                if coefficient != 0:
                    row[position[v]] = nb.out(coefficient)
            rows.append(row)
            constant.append(nb.out(base_error[k] / d))
            initial.append(nb.out(self.errors(self.L, state_at_L)[k] / d))
        labels = labels + [("E", k) for k in range(self.K)]
        forms = tuple({len(labels) - self.K + k: nb.out(d)} for k in range(self.K))
        return ExplicitRecursion(self.graph, f"{self.process.family} with a window of {self.L} batches",
                                 labels=tuple(labels), rows=rows, constant=constant, initial=initial,
                                 observables={"error": forms}, asymptotic=self.process.asymptotic,
                                 notes=self.process.notes)
