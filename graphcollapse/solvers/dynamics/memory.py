r"""Verdicts, limits and rates when training sets keep old data (docs/theory.md 6.3).

**accumulate** never lets an error grow: the fit is the mean of a pool of
``N_k(t)`` points whose new batch of ``b_k(t)`` points carries fresh noise of
variance at most ``b σ²/N²``, and ``Σ_t b(t)/N(t)² ≤ ∫ dN/N² < ∞``, while the
propagation (a convex combination of old fit and sources) never expands in
the sup norm.  So every model is bounded, on any graph and schedule.  With
``β_k(t) = b_k/N_k(t) = 1/(t + c_k)``, ``c_k = n0_k/b_k``, on a static graph:

* a closed class ``C`` of ``W̃`` (``W`` itself with fresh real data; with a
  real pool the batches hold synthetic points only, ``W̃_kj = n_kj/b_k``, and
  a model without synthetic sources keeps its generation-0 fit) whose
  members share ``c``: ``X_C = πᵀ e_C`` is a martingale, ``πᵀ W̃_C = πᵀ``, so
  ``Var X_C(∞) = Σ_j π_j² (S_jj(0) + ψ₁(1 + c) D_j)``, ``ψ₁`` the trigamma
  function (``ψ₁(2) = π²/6 − 1``: Gerstgrasser et al.'s ``(σ²/n) π²/6`` for one
  model), ``D_j`` the variance of a batch mean;
* every model converges to the harmonic extension: ``L_k = d Σ_C h_k(C)² Var X_C``
  with ``h_k(C)`` the absorption probabilities of ``W̃``;
* a model absorbed in real data almost surely (it would not collapse under
  replace) has ``L_k = 0`` and ``E_k(t) ~ C t^(-α)``
  (:mod:`graphcollapse.solvers.dynamics.rates`).

**window L** (and **replace** with a real pool or a fixed design) is time-invariant from
generation ``L`` on: its augmented recursion
(:meth:`~graphcollapse.operator.memory.WindowRecursion.invariant`) goes to the
generic exact solvers.

**subsample m**: every model is bounded for ``m ≥ 2`` (the subsample adds a
variance at most ``1/m`` of the pool's spread, which itself is a running
mean of the models' errors); the limit has a closed form for a model with no
closed class upstream and fresh real data — its pool mean tends to 0 and
``L = (1/m)(I − W/m)^{-1}(W σ_src² + r σ²)``, per coordinate — and
otherwise depends on the limiting spread of a pool, an infinite series
without a closed form (the exact trajectory is still exact).  With ``m = 1``
a model is one random point of its pool; fed by a closed class its error
grows like ``log t``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 10}], "edges": [{"from": "A", "to": "A", "weight": 1}],
...                "memory": "accumulate"})
>>> memory_analysis(g).models[0].limit
pi**2/60
"""

from __future__ import annotations

import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.graph import from_matrix
from graphcollapse.linalg.domain import solve
from graphcollapse.operator.memory import PoolRecursion, WindowRecursion, evolve
from graphcollapse.solvers.dynamics.build import batch_process
from graphcollapse.solvers.dynamics.rates import dominant_real_part, rate_constant, rate_exponent
from graphcollapse.solvers.dynamics.result import DynamicAnalysis, DynamicModel
from graphcollapse.solvers.predicate import process_symbols
from graphcollapse.topology import Topology

__all__ = ["memory_analysis", "memory_trajectory", "memory_recursion"]


def memory_recursion(graph, spec=None):
    """The exact (time-varying) recursion of the graph's memory setting."""
    memory = graph.dynamics.memory
    if graph.dynamics.modes is not None:
        raise UnsupportedError("memory other than replace with random modes is not implemented; simulate it")
    process = batch_process(graph, spec)
    if memory.kind == "accumulate":
        return PoolRecursion(process)
    if memory.kind == "subsample":
        return PoolRecursion(process, memory.subsample)
    return WindowRecursion(process, memory.window or 1)


def memory_trajectory(graph, spec, generations: int) -> tuple:
    """``E_k(t)`` for ``t = 0 … generations``, exact."""
    return evolve(memory_recursion(graph, spec), generations)


def memory_analysis(graph, spec=None) -> DynamicAnalysis:
    """Per-model verdicts, limits and rates of the graph's memory setting."""
    rec = memory_recursion(graph, spec)
    process = rec.process
    memory = graph.dynamics.memory
    static = graph.dynamics.schedule is None
    notes = list(process.notes)
    recursion = None
    if memory.kind == "accumulate":
        models, method = (_accumulate(graph, process) if static else _bounded_only(graph, "accumulate")), \
            "accumulate: martingale limits of the closed classes, harmonic extension, exact rates"
    elif memory.kind == "subsample":
        models, method = (_subsample(graph, process, memory.subsample) if static
                          else _bounded_only(graph, "subsample")), "subsample: pool recursion, limits where closed"
    else:
        if not static:
            raise UnsupportedError("a window with a schedule has no time-invariant recursion; its trajectory is "
                                   "exact (graphcollapse trajectory)")
        recursion = _window_invariant(rec)
        models, method = _generic(graph, recursion), "generic exact solvers on the window's augmented state"
    if memory.kind in ("accumulate", "subsample") and not static:
        notes.append("with a schedule the asymptotics under memory are not derived beyond boundedness; "
                     "trajectories are exact")
    return DynamicAnalysis(graph, graph.dynamics, None, tuple(models), method,
                           "symbolic" if process_symbols(graph) else "exact rational", tuple(notes),
                           recursion=recursion, asymptotic=process.asymptotic)


def _bounded_only(graph, kind):
    why = f"{kind} keeps every error bounded (summable fresh noise, non-expanding propagation)"
    return [DynamicModel(i, False, "bounded", explanation=why) for i in graph.ids]


def _window_invariant(rec: WindowRecursion):
    state = rec.initial_state()
    for t in range(1, rec.L + 1):
        state = rec.advance(t, state)
    return rec.invariant(state)


def _generic(graph, recursion):
    from graphcollapse.solvers.general import limits_of, slopes_of, stability_of

    st = stability_of(recursion)
    lim = limits_of(recursion, bounded=st.bounded)
    slopes = slopes_of(recursion, st)
    return [DynamicModel(i, not bool(st.bounded[k]), st.growth[k],
                         growth_factor=st.growth_factor[k] if st.growth[k] == "geometric" else None,
                         limit=lim[k], slope=slopes[k] if st.growth[k] == "linear" else sympy.Integer(0)
                         if st.bounded[k] else None)
            for k, i in enumerate(graph.ids)]


# ------------------------------------------------------------------ accumulate
def _exact(value):
    value = sympy.sympify(value)  # safe: numbers and expressions from the graph, never text
    return sympy.cancel(value) if value.free_symbols else value


def _effective(process):
    """``W̃``, real fractions, per-coordinate batch-mean noise ``D``, ``c = n0/b`` and ``S(0)`` of a static graph."""
    K = process.K
    batches = process.at(1)
    W = sympy.zeros(K, K)
    real, D, c, S0 = [], [], [], []
    for k, b in enumerate(batches):
        size = _exact(b.size)
        S0.append(_exact(sympy.sympify(process.initial_variance[k]) / process.initial[k]))  # safe: numbers, never text
        if size == 0:  # a model that keeps its generation-0 fit (a real pool and no synthetic source)
            W[k, k] = 1
            real.append(0)
            D.append(sympy.Integer(0))
            c.append(None)
            continue
        for j, count, _ in b.sources:
            W[k, j] = _exact(W[k, j] + count / size)
        real.append(_exact(b.real / size))
        D.append(_exact((sum((count * v for _, count, v in b.sources), sympy.Integer(0)) + b.real * b.real_variance)
                        / size ** 2))
        c.append(_exact(process.initial[k] / size))
    return W, real, D, c, S0


def _accumulate(graph, process):
    W, real, D, c, S0 = _effective(process)
    if W.free_symbols or any(getattr(r, "free_symbols", None) for r in real):
        raise UnsupportedError("accumulate asymptotics with symbolic weights are not derived (substitute the "
                               "weights; symbolic sizes and variances are fine); trajectories are exact")
    d = process.trace_weight
    tilde = from_matrix(W.tolist(), real=real)
    top = Topology(tilde)
    absorption = top.absorption
    variance = {}
    for cls in top.closed_classes:
        members = top.components[cls].tolist()
        pi = top.stationary_distribution(cls)
        shared = {c[j] for j in members if c[j] is not None}
        if len(shared) > 1:
            variance[cls] = None
            continue
        noise = sum((p**2 * D[j] for p, j in zip(pi, members)), sympy.Integer(0))
        start = sum((p**2 * S0[j] for p, j in zip(pi, members)), sympy.Integer(0))
        trigamma = sympy.expand_func(sympy.polygamma(1, 1 + shared.pop())) if shared else 0
        variance[cls] = start + noise * trigamma
    base_collapse = Topology.of(graph).collapsing
    out = []
    for k, model_id in enumerate(graph.ids):
        weights = [(cls, absorption[cls][k]) for cls in top.closed_classes if absorption[cls][k] != 0]
        topological = bool(base_collapse[k])
        if not weights:
            out.append(_vanishing(model_id, k, W, D, d, top, topological))
            continue
        missing = [cls for cls, _ in weights if variance[cls] is None]
        if missing:
            out.append(DynamicModel(model_id, False, "bounded", topological=topological, explanation=(
                "bounded; the limit has no closed form (the closed class upstream mixes pools of different "
                "relative sizes n0/n, so its martingale is not exact)")))
            continue
        limit = _simplified(d * sum((h**2 * variance[cls] for cls, h in weights), sympy.Integer(0)))
        why = "accumulate keeps it bounded although it collapses under replace" if topological else None
        out.append(DynamicModel(model_id, False, "bounded", limit=limit, slope=sympy.Integer(0),
                                topological=topological, explanation=why))
    return out


def _simplified(value):
    value = sympy.expand(value)
    return sympy.factor(value) if value.free_symbols - {sympy.pi} else value


def _vanishing(model_id, k, W, D, d, top, topological):
    upstream = top.upstream(k).tolist()
    sub = W.extract(upstream, upstream)
    info = dominant_real_part(sub)
    alpha = rate_exponent(info)
    constant = None
    if info.comparison_with_half < 0:
        constant = rate_constant(sub, [D[j] for j in upstream], d, upstream.index(k))
    log = info.comparison_with_half == 0 or (info.comparison_with_half > 0 and info.defective)
    return DynamicModel(model_id, False, "vanishing", limit=sympy.Integer(0), slope=sympy.Integer(0),
                        rate_exponent=alpha, rate_constant=constant, log_factor=log, topological=topological,
                        explanation=f"max Re of the eigenvalues of W on its upstream set: {info.value}")


# ------------------------------------------------------------------- subsample
def _subsample(graph, process, m):
    W, real, D, c, S0 = _effective(process)
    if W.free_symbols or any(getattr(r, "free_symbols", None) for r in real):
        raise UnsupportedError("subsample asymptotics with symbolic weights are not derived (substitute the "
                               "weights); trajectories are exact")
    d = process.trace_weight
    top = Topology(from_matrix(W.tolist(), real=real))
    closed_upstream = top.collapsing
    batches = process.at(1)
    out = []
    free = [k for k in range(graph.K) if not closed_upstream[k]]
    limits = {}
    if free and process.pool is None:
        # L = (1/m)(Σ_j w_kj (L_j + v_j) + r σ²) on the models absorbed in real data (a closed subsystem)
        A = sympy.eye(len(free))
        rhs = sympy.zeros(len(free), 1)
        index = {k: i for i, k in enumerate(free)}
        for k in free:
            b = batches[k]
            size = b.size
            for j, count, v in b.sources:
                A[index[k], index[j]] -= _exact(count / size / m)
                rhs[index[k]] += _exact(count / size * v / m)
            rhs[index[k]] += _exact(b.real / size * b.real_variance / m)
        solution = solve(A, rhs)
        limits = {k: _simplified(d * solution[index[k]]) for k in free}
    for k, model_id in enumerate(graph.ids):
        if k in limits:
            out.append(DynamicModel(model_id, False, "bounded", limit=limits[k], slope=sympy.Integer(0)))
        elif m == 1:
            out.append(DynamicModel(model_id, True, "log", explanation=(
                "a subsample of one point is one point of the pool, whose spread keeps growing when a closed "
                "class feeds it")))
        else:
            out.append(DynamicModel(model_id, False, "bounded", explanation=(
                "bounded; the limit depends on the limiting spread of the pool (no closed form)")))
    return out
