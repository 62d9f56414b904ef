"""One interface test suite, run against every arithmetic back end (exact, float, mpmath)."""

from __future__ import annotations

import math

import pytest
import sympy
from hypothesis import given, settings, strategies as st

import graphcollapse as gc
from graphcollapse.errors import InputError, SingularSystemError
from graphcollapse.linalg.arithmetic import BACKENDS, arithmetic_for
from graphcollapse.solvers.general import limits_of

from strategies import exact_graphs

R = sympy.Rational


def _as_float(value) -> float:
    return float(value)


@pytest.fixture(params=BACKENDS)
def back(request):
    return arithmetic_for(request.param, dps=40)


def test_solve_and_fixed_point(back):
    with back.context():
        x = back.solve([{0: 2, 1: 1}, {0: 1, 1: 3}], [1, 2])
        (y,) = back.fixed_point([{0: R(1, 2)}], [1])
    assert [_as_float(v) for v in x] == pytest.approx([1 / 5, 3 / 5], rel=1e-14)
    assert _as_float(back.output(y)) == 2.0


def test_singular_systems_are_reported(back):
    with pytest.raises(SingularSystemError):
        back.solve([{0: 1, 1: 2}, {0: 2, 1: 4}], [1, 1])


def test_zero_and_conversion(back):
    assert back.is_zero(back.convert(0)) and not back.is_zero(back.convert(R(1, 10**30)))


def test_unknown_arithmetic_is_an_input_error():
    with pytest.raises(InputError, match="arithmetic must be one of"):
        arithmetic_for("bogus")


@settings(max_examples=40, deadline=None)
@given(exact_graphs(max_models=4), st.sampled_from(BACKENDS))
def test_every_back_end_gives_the_exact_limits(graph, name):
    rec = gc.recurrence(graph)
    exact = gc.System(graph).limits
    values = limits_of(rec, bounded=[v is not None for v in exact], arithmetic=name, dps=40)
    for e, v in zip(exact, values):
        assert (e is None) == (v is None)
        if e is not None:
            assert math.isclose(float(e), float(v), rel_tol=1e-12)
