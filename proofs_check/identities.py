"""Algebraic identities of docs/theory.md section 4, checked exactly."""

from __future__ import annotations

import sympy

from graphcollapse.estimators import recurrence
from graphcollapse.graph import from_dict
from graphcollapse.solvers.growth import cesaro_slopes, growth_rates

from .registry import Counterexample, check


def _pair(weights, d1, d2):
    a = {"family": "generic", "noise": {"A": str(d1), "B": str(d2)}}
    edges = [{"from": src, "to": dst, "weight": w} for (dst, src), w in weights.items()]
    return from_dict({"estimator": a, "models": [{"id": "A", "n": 1}, {"id": "B", "n": 1}], "edges": edges})


@check("2-cycle and fully-mixed-pair slopes (Theorem B, periodic classes)")
def two_cycle_and_mixed_pair(level: str) -> str:
    cases = 0
    values = [(1, 3), (sympy.Rational(2, 7), 5)] + ([(11, sympy.Rational(1, 13)), (4, 4)] if level == "full" else [])
    for x, y in ((sympy.sympify(x), sympy.sympify(y)) for x, y in values):
        cycle = _pair({("A", "B"): 1, ("B", "A"): 1}, x, y)
        mixed = _pair({("A", "A"): "1/2", ("A", "B"): "1/2", ("B", "A"): "1/2", ("B", "B"): "1/2"}, x, y)
        for graph, expected in ((cycle, (x + y) / 2), (mixed, (x + y) / 4)):
            rec = recurrence(graph)
            by_phase = growth_rates(rec)
            by_projector = cesaro_slopes(rec, [0, 1])
            for k in range(2):
                if not (by_phase[k] == expected == by_projector[k]):
                    raise Counterexample(f"slope of model {graph.ids[k]}: phase formula {by_phase[k]}, "
                                         f"Cesàro projector {by_projector[k]}, docs/theory.md {expected}", graph)
            cases += 1
    return f"{cases} graphs: slope (D1+D2)/2 for the 2-cycle and (D1+D2)/4 for the mixed pair, by two methods"


def _random_exact_graph(rng, K: int, *, real_probability: float, max_sources: int = 2):
    """Random rational weights on a random support; every model has a source."""
    from fractions import Fraction

    models, edges = [], []
    for k in range(K):
        sources = sorted(set(int(j) for j in rng.integers(0, K, size=int(rng.integers(1, max_sources + 1)))))
        has_real = bool(rng.random() < real_probability)
        parts = [int(x) for x in rng.integers(1, 5, size=len(sources) + int(has_real))]
        total = sum(parts)
        model = {"id": f"m{k}", "n": int(rng.integers(1, 9))}
        if has_real:
            model["real"] = str(Fraction(parts[-1], total))
        models.append(model)
        edges += [{"from": f"m{j}", "to": f"m{k}", "weight": str(Fraction(p, total))} for j, p in zip(sources, parts)]
    return from_dict({"name": "random", "models": models, "edges": edges})


@check("Lyapunov limits equal the series sum_s sum_j (W^s)^2_kj tr D_j (Theorem C)")
def lyapunov_equals_series(level: str) -> str:
    import numpy as np

    from graphcollapse.solvers.limits import limits

    rng = np.random.default_rng(11)
    graphs = 25 if level == "quick" else 200
    compared = 0
    for _ in range(graphs):
        graph = _random_exact_graph(rng, int(rng.integers(1, 6)), real_probability=0.6)
        rec = recurrence(graph)
        exact = limits(rec)
        W = np.array(graph.weight_matrix().tolist(), dtype=float)
        D = np.array([float(sympy.Matrix(d).trace()) for d in rec.noise])
        # The series, summed in floats until the terms vanish (bounded models only).
        power = np.eye(graph.K)
        series = np.zeros(graph.K)
        for _ in range(20000):
            term = (power**2) @ D
            series += term
            power = W @ power
            if np.all(term[[k for k in range(graph.K) if exact[k] is not None]] < 1e-17 * (1 + series.max())):
                break
        for k, value in enumerate(exact):
            if value is None:
                continue
            compared += 1
            if abs(float(value) - series[k]) > 1e-9 * abs(series[k]):
                raise Counterexample(f"model {graph.ids[k]}: Lyapunov limit {value} = {float(value):.12g}, "
                                     f"series {series[k]:.12g}", graph)
    return f"{graphs} random graphs, {compared} bounded models: exact Lyapunov limit = series to 1e-9"


@check("Cesàro projector = phase-absorption slopes = brute-force Cesàro means, periodic classes (Theorem B)")
def periodic_slopes(level: str) -> str:
    import numpy as np

    rng = np.random.default_rng(12)
    graphs = 12 if level == "quick" else 60
    compared = 0
    for g in range(graphs):
        p = int(rng.integers(2, 5))  # a closed directed cycle of period p ...
        models = [{"id": f"c{i}", "n": int(rng.integers(1, 6))} for i in range(p)]
        edges = [{"from": f"c{i}", "to": f"c{(i + 1) % p}", "weight": 1} for i in range(p)]
        # ... fed at fixed phase by a transient model, which also sees real data.
        source = int(rng.integers(0, p))
        models.append({"id": "t", "n": int(rng.integers(1, 6)), "real": "1/2"})
        edges.append({"from": f"c{source}", "to": "t", "weight": "1/2"})
        graph = from_dict({"name": f"periodic {p}", "models": models, "edges": edges})
        rec = recurrence(graph)
        by_phase = growth_rates(rec)
        by_projector = cesaro_slopes(rec, list(range(graph.K)))
        # Brute force: mean increment over whole periods, in exact arithmetic.
        from graphcollapse.solvers.trajectory import trajectory

        horizon = 40 * p
        values = trajectory(rec, horizon)
        for k in range(graph.K):
            brute = (values[horizon][k] - values[horizon - 20 * p][k]) / (20 * p)
            if not (by_phase[k] == by_projector[k]) or abs(float(brute - by_phase[k])) > 1e-9:
                raise Counterexample(f"model {graph.ids[k]}: phase formula {by_phase[k]}, projector "
                                     f"{by_projector[k]}, mean increment over 20 periods {brute}", graph)
            compared += 1
    return f"{graphs} periodic graphs (periods 2-4, fed at a fixed phase), {compared} slopes agree three ways"


@check("adding real data never creates collapse (monotonicity, Theorem A)")
def monotone_in_real_data(level: str) -> str:
    import numpy as np

    from graphcollapse.verdict import collapsing

    rng = np.random.default_rng(13)
    graphs = 200 if level == "quick" else 2000
    for _ in range(graphs):
        graph = _random_exact_graph(rng, int(rng.integers(1, 7)), real_probability=0.3)
        before = collapsing(graph)
        data = graph.to_dict()
        for edge in data["edges"]:  # let the counts follow the new weights
            edge.pop("n", None)
        for model in data["models"]:
            model.pop("n_real", None)
        target = data["models"][int(rng.integers(0, graph.K))]
        old_real = sympy.Rational(str(target.get("real", 0)))
        extra = sympy.Rational(int(rng.integers(1, 4)), 4)
        keep = 1 - extra
        target["real"] = str(old_real * keep + extra)
        for edge in data["edges"]:
            if edge["to"] == target["id"]:
                edge["weight"] = str(sympy.Rational(str(edge["weight"])) * keep)
        after = collapsing(from_dict(data))
        if np.any(after & ~before):
            raise Counterexample(f"adding real data to {target['id']} made "
                                 f"{[graph.ids[k] for k in np.flatnonzero(after & ~before)]} collapse", graph)
    return f"{graphs} random graphs: real data added to one model never created collapse"
