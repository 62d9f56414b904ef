"""Random interaction (issue 13, docs/theory.md 6.2): i.i.d. and Markov-switched modes."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings

import graphcollapse as gc
from graphcollapse.errors import InputError
from graphcollapse.solvers.dynamics import analyze_dynamics, dynamic_trajectory
from graphcollapse.solvers.dynamics.modes import mode_law, union_rule

from dynamics_strategies import dense_step, mode_sets

R = sympy.Rational
TWO = {"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}]}
A_FROM_B = {"name": "odd", "models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]}
B_FROM_A = {"name": "even", "models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}


def _dense(sizes, rows, law, transition, T):
    """Per-mode second moments with dense matrices (Markov; i.i.d. when ``transition`` is None)."""
    K, count = len(sizes), len(rows)
    S0 = sympy.diag(*[R(1, n) for n in sizes])
    out = [tuple(S0[k, k] for k in range(K))]
    law = [R(p.numerator, p.denominator) for p in law]
    P = None if transition is None else sympy.Matrix([[R(v.numerator, v.denominator) for v in row]
                                                      for row in transition])
    if P is None:
        S = S0
        for _ in range(T):
            S = sum((p * dense_step(S, W, sizes) for p, (W, _) in zip(law, rows)), sympy.zeros(K, K))
            out.append(tuple(S[k, k] for k in range(K)))
        return tuple(out)
    states = [law[j] * dense_step(S0, rows[j][0], sizes) for j in range(count)]
    mu = sympy.Matrix([law])
    out.append(tuple(sum(s[k, k] for s in states) for k in range(K)))
    for _ in range(2, T + 1):
        mu = mu * P
        noise = [sympy.diag(*[R(1, n) for n in sizes]) for _ in range(count)]
        states = [sum((P[i, j] * (dense_step(states[i], rows[j][0], sizes) - noise[j]) for i in range(count)),
                      sympy.zeros(K, K)) + mu[j] * noise[j] for j in range(count)]
        out.append(tuple(sum(s[k, k] for s in states) for k in range(K)))
    return tuple(out)


@settings(max_examples=25, deadline=None)
@given(mode_sets(max_models=3, max_modes=2))
def test_iid_verdict_is_the_union_rule_and_values_are_the_averaged_operator(drawn):
    data, rows, law, _, sizes = drawn
    g = gc.from_dict(data)
    result = analyze_dynamics(g)
    assert [m.collapses for m in result.models] == list(union_rule(g.dynamics.modes))
    assert all(m.topological == m.collapses for m in result.models)
    assert dynamic_trajectory(g, None, 4) == _dense(sizes, rows, law, None, 4)


@settings(max_examples=12, deadline=None)
@given(mode_sets(max_models=2, max_modes=2, markov=True))
def test_markov_values_against_dense_per_mode_moments(drawn):
    data, rows, law, transition, sizes = drawn
    g = gc.from_dict(data)
    assert dynamic_trajectory(g, None, 4) == _dense(sizes, rows, law, transition, 4)
    result = analyze_dynamics(g)
    # a closed class of the union upstream forces collapse under any chain
    for m, union in zip(result.models, union_rule(g.dynamics.modes)):
        assert m.collapses or not union


def test_iid_modes_are_markov_switching_with_equal_rows():
    modes = [dict(A_FROM_B, probability="1/3"), dict(B_FROM_A, probability="2/3")]
    iid = gc.from_dict({**TWO, "modes": modes})
    markov = gc.from_dict({**TWO, "modes": modes, "switching": {"transition": [["1/3", "2/3"], ["1/3", "2/3"]]}})
    assert dynamic_trajectory(iid, None, 6) == dynamic_trajectory(markov, None, 6)
    assert [m.limit for m in analyze_dynamics(iid).models] == [m.limit for m in analyze_dynamics(markov).models]


def test_markov_switching_breaks_the_union_rule():
    """The counterexample (also written by proofs_check): an alternating chain collapses, the union says no."""
    g = gc.from_dict({**TWO, "modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [[0, 1], [1, 0]]}})
    result = analyze_dynamics(g)
    assert list(union_rule(g.dynamics.modes)) == [False, False]
    assert [m.collapses for m in result.models] == [True, True]
    assert all(m.explanation and "forbids" in m.explanation for m in result.models)
    assert result.models[0].slope == R(1, 20) and result.period == 2
    # any chance of repeating a mode brings real data in time: bounded again
    sticky = gc.from_dict({**TWO, "modes": [A_FROM_B, B_FROM_A],
                           "switching": {"transition": [["1/100", "99/100"], ["99/100", "1/100"]]}})
    assert not any(m.collapses for m in analyze_dynamics(sticky).models)


def test_the_first_mode_law_defaults_to_the_stationary_law():
    g = gc.from_dict({**TWO, "modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [["1/2", "1/2"], [1, 0]]}})
    assert mode_law(g.dynamics.modes) == ((R(2, 3), R(1, 3)), (R(2, 3), R(1, 3)))
    reducible = gc.from_dict({**TWO, "modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [[1, 0], [0, 1]]}})
    with pytest.raises(InputError, match="stationary"):
        mode_law(reducible.dynamics.modes)


def test_symbolic_probabilities_give_the_union_verdict_and_a_symbolic_limit():
    g = gc.from_dict({**TWO, "symbols": ["p"], "modes": [dict(A_FROM_B, probability="p"),
                                                          dict(B_FROM_A, probability="1 - p")]})
    result = analyze_dynamics(g)
    p = sympy.Symbol("p", real=True)
    assert not any(m.collapses for m in result.models)
    limit = result.models[0].limit
    numeric = analyze_dynamics(g.subs({"p": "1/3"})).models[0].limit
    assert sympy.simplify(limit.subs(p, R(1, 3)) - numeric) == 0


def test_bad_mode_sets_are_rejected_with_the_mode_named():
    with pytest.raises(InputError, match="mode 'odd'"):
        gc.from_dict({**TWO, "modes": [dict(A_FROM_B, probability="1/2", edges=[]), dict(B_FROM_A, probability="1/2")]})
    with pytest.raises(InputError, match="probabilities: sum to 3/4"):
        gc.from_dict({**TWO, "modes": [dict(A_FROM_B, probability="1/2"), dict(B_FROM_A, probability="1/4")]})
    with pytest.raises(InputError, match="transition row 2"):
        gc.from_dict({**TWO, "modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [[0, 1], ["1/2", "1/3"]]}})


def test_a_mode_keeps_a_cross_moment_another_mode_made():
    """Mode 1 keeps A and B apart, mode 2 feeds B into A: S_AB made in mode 2 survives mode 1 (found by Hypothesis).

    A recurrence of one mode alone may drop S_AB (no common upstream model there); the modes' own must not.
    """
    data = {"models": [{"id": "A", "n": 2, "real": 1}, {"id": "B", "n": 2, "real": 1}], "edges": [],
            "modes": [{"models": [{"id": "A", "real": "0"}, {"id": "B", "real": "0"}],
                       "edges": [{"from": "A", "to": "A", "weight": "1"}, {"from": "B", "to": "B", "weight": "1"}],
                       "probability": "1/2"},
                      {"models": [{"id": "A", "real": "0"}, {"id": "B", "real": "0"}],
                       "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "B", "to": "A", "weight": "1/2"},
                                 {"from": "B", "to": "B", "weight": "1"}],
                       "probability": "1/2"}]}
    values = dynamic_trajectory(gc.from_dict(data), None, 3)
    assert values[3] == (sympy.Rational(781, 512), 2)
