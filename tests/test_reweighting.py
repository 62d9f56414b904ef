"""He, Xu & Cheng's optimal reweighting, from the toolkit's exact limit (docs/theory.md 6.4)."""

import sympy

from graphcollapse import System, from_dict


def test_optimal_real_weight_is_the_golden_ratio_conjugate_for_equal_samples():
    # One model, weighted mixing: an estimate on k*m fresh real samples and one on m samples of its own
    # previous output, combined with weights r and 1 - r.
    graph = from_dict({"mixing": "weighted", "symbols": ["r", "k"],
                       "models": [{"id": "A", "n": 1, "real": "r", "n_real": "k"}],
                       "edges": [{"from": "A", "to": "A", "weight": "1 - r"}]})
    r, k = (next(s for s in graph.symbols if s.name == name) for name in ("r", "k"))
    limit = System(graph).limits[0]
    assert sympy.simplify(limit - (r**2 / k + (1 - r) ** 2) / (1 - (1 - r) ** 2)) == 0
    stationary = sympy.solve(sympy.numer(sympy.together(sympy.diff(limit, r))), r)
    optimum = [s for s in stationary if (s.subs(k, 1) > 0) == True]  # noqa: E712 - a SymPy truth value
    assert len(optimum) == 1
    r_star = optimum[0]
    assert sympy.simplify(r_star - (sympy.sqrt(k**2 + 4 * k) - k) / 2) == 0
    assert sympy.simplify(r_star.subs(k, 1) - (sympy.sqrt(5) - 1) / 2) == 0
    # a minimum: the limit is larger on both sides (k = 1, exact rationals)
    at = {k: 1}
    best = limit.subs({**at, r: r_star.subs(at)})
    assert all(sympy.simplify(limit.subs({**at, r: x}) - best) > 0 for x in (sympy.Rational(3, 5), sympy.Rational(5, 8)))
