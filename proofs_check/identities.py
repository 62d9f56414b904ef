"""Algebraic identities of MODEL.md section 4, checked exactly."""

from __future__ import annotations

import sympy

from graphcollapse.families import recurrence
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
                                         f"Cesàro projector {by_projector[k]}, MODEL.md {expected}", graph)
            cases += 1
    return f"{cases} graphs: slope (D1+D2)/2 for the 2-cycle and (D1+D2)/4 for the mixed pair, by two methods"
