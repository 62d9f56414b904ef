"""The graph-file fields of issue 13: schedule, modes/switching, memory — parsing, validation, round trips."""

from __future__ import annotations

import json

import pytest
import sympy

import graphcollapse as gc
from graphcollapse.errors import InputError
from graphcollapse.graph.dynamics import Growth, Memory, has_dynamics

TWO = {"models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": 1}]}
A_FROM_B = {"name": "odd", "models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]}
B_FROM_A = {"name": "even", "models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}


def test_a_graph_without_the_fields_has_no_dynamics():
    g = gc.from_dict(TWO)
    assert g.dynamics is None and not has_dynamics(g)
    assert not has_dynamics(gc.from_dict({**TWO, "memory": "replace"}))


@pytest.mark.parametrize("data", [
    {**TWO, "schedule": {"prefix": [A_FROM_B], "period": [B_FROM_A, {}], "growth": {"kind": "polynomial", "power": 1}}},
    {**TWO, "symbols": ["p"], "modes": [dict(A_FROM_B, probability="p"), dict(B_FROM_A, probability="1 - p")],
     "memory": {"window": 3}},
    {**TWO, "modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [[0, 1], ["1/3", "2/3"]]}},
    {**TWO, "edges": [{"from": "A", "to": "B", "weight": "1/2"}],
     "models": [{"id": "A", "n": 10, "real": 1}, {"id": "B", "n": 10, "real": "1/2"}],
     "memory": {"kind": "subsample", "subsample": 7, "real": "pool"}},
])
def test_round_trip_through_json(data):
    g = gc.from_dict(data)
    again = gc.from_json(g.to_json())
    assert again == g and again.to_dict() == g.to_dict()
    assert json.loads(g.to_json())["memory"] == g.dynamics.memory.to_dict()


def test_phases_are_overrides_validated_like_graphs():
    g = gc.from_dict({**TWO, "schedule": {"period": [A_FROM_B, {"models": [{"id": "B", "n": 20}]}]}})
    odd, second = g.dynamics.schedule.period
    assert odd.real == (0, 1) and odd.weight_matrix()[0, 1] == 1
    assert second.n == (10, 20) and second.real == (1, 1)      # the base's edges and fields otherwise
    with pytest.raises(InputError, match=r"schedule period phase 'odd': model 'A': weights sum to 2"):
        gc.from_dict({**TWO, "schedule": {"period": [dict(A_FROM_B, models=[])]}})
    with pytest.raises(InputError, match="unknown model 'C'"):
        gc.from_dict({**TWO, "schedule": {"period": [{"models": [{"id": "C", "real": 1}]}]}})
    with pytest.raises(InputError, match="negative weight"):
        gc.from_dict({**TWO, "modes": [{"probability": 1, "models": [{"id": "A", "real": 2}],
                                        "edges": [{"from": "B", "to": "A", "weight": -1}]}]})


@pytest.mark.parametrize("section, message", [
    ({"schedule": {"period": []}}, "schedule period: must be a non-empty list"),
    ({"schedule": {"period": [{}], "every": 2}}, "schedule: unknown field 'every'"),
    ({"schedule": {"growth": {"kind": "polynomial", "power": "1/2"}}}, "power: must be an integer >= 0"),
    ({"schedule": {"growth": {"kind": "geometric", "ratio": 1}}}, "ratio: must be an integer >= 2"),
    ({"schedule": {"period": [{}]}, "modes": [{"probability": 1}]}, "not both"),
    ({"switching": {"transition": [[1]]}}, '"switching" needs "modes"'),
    ({"modes": [A_FROM_B]}, "need a \"probability\""),
    ({"modes": [dict(A_FROM_B, probability="3/2"), dict(B_FROM_A, probability="-1/2")]}, "is not a probability"),
    ({"modes": [A_FROM_B, B_FROM_A], "switching": {"transition": [[1, 0]]}}, "2 x 2"),
    ({"memory": "keep"}, "is not a memory"),
    ({"memory": {"window": 0}}, "memory window: must be a positive integer"),
    ({"memory": {"kind": "accumulate", "window": 2}}, "belongs to the kind 'window'"),
    ({"memory": {"subsample": 3, "real": "stale"}}, 'memory real: must be "fresh" or "pool"'),
    ({"memory": {"kind": "accumulate", "design": "random"}}, 'memory design'),
])
def test_bad_fields_give_one_line_errors_naming_them(section, message):
    with pytest.raises(InputError, match=message) as info:
        gc.from_dict({**TWO, **section})
    assert "\n" not in str(info.value)


def test_memory_shorthands():
    assert gc.from_dict({**TWO, "memory": {"window": 2}}).dynamics.memory == Memory("window", window=2)
    assert gc.from_dict({**TWO, "memory": {"subsample": 5}}).dynamics.memory == Memory("subsample", subsample=5)
    assert gc.from_dict({**TWO, "memory": {"real": "pool"}}).dynamics.memory == Memory("replace", real="pool")


def test_growth_and_scaled_graphs():
    g = gc.from_dict({**TWO, "schedule": {"growth": {"kind": "geometric", "ratio": 3}}})
    s = g.dynamics.schedule
    assert s.growth == Growth("geometric", ratio=3) and [s.factor(t) for t in (1, 2, 3)] == [1, 3, 9]
    assert s.graph_at(3).n == (90, 90) and s.graph_at(3).n0 == (10, 10)
    p = gc.from_dict({**TWO, "schedule": {"growth": {"kind": "polynomial", "power": 64}}}).dynamics.schedule
    assert p.factor(2) == 2**64
    with pytest.raises(InputError, match="at most 64"):   # a million-bit count per generation: refused up front
        gc.from_dict({**TWO, "schedule": {"growth": {"kind": "polynomial", "power": 10**6}}})


def test_substitution_and_estimator_overrides_reach_every_phase():
    g = gc.from_dict({**TWO, "symbols": ["a"],
                      "schedule": {"period": [{"models": [{"id": "A", "real": "a"}],
                                               "edges": [{"from": "B", "to": "A", "weight": "1 - a"}]}, {}]}})
    h = g.subs({"a": "1/4"})
    assert h.dynamics.schedule.period[0].real == (sympy.Rational(1, 4), 1)
    e = g.with_estimator({"family": "gaussian_mean", "d": 3})
    assert all(p.estimator["d"] == 3 for p in e.dynamics.schedule.period)
    with pytest.raises(InputError, match="outside"):
        g.subs({"a": 2})


def test_schedule_phase_of_a_generation():
    g = gc.from_dict({**TWO, "schedule": {"prefix": [{"name": "warm-up"}], "period": [A_FROM_B, B_FROM_A]}})
    s = g.dynamics.schedule
    assert [s.phase_name(t) for t in range(1, 6)] == ["warm-up", "odd", "even", "odd", "even"]


def test_the_number_of_phases_is_bounded():
    from graphcollapse.bounds import raised_bounds
    from graphcollapse.errors import ResourceLimitError

    many = {**TWO, "schedule": {"period": [{"name": f"p{i}"} for i in range(257)]}}
    with pytest.raises(ResourceLimitError, match="--limit phases=N"):
        gc.from_dict(many)
    with raised_bounds(phases=257):
        assert len(gc.from_dict(many).dynamics.schedule.period) == 257
