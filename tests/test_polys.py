"""Fast paths of the exact polynomial layer: they give the same objects as the plain paths."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from graphcollapse.linalg.exact_solve import solve_exact
from graphcollapse.numbers import flint as flint_switch
from graphcollapse.numbers import forms, polys
from graphcollapse.numbers.domain import is_zero
from graphcollapse.solvers.predicate import _agrees, _agrees_flint

pytestmark = pytest.mark.skipif(not flint_switch.AVAILABLE, reason="python-flint is not installed")

SYMBOL_SETS = [
    sympy.symbols("a s w"),
    sympy.symbols("a s w", real=True),
    sympy.symbols("n p x", positive=True),
    (sympy.Symbol("b"), sympy.Dummy("d")),
]

terms = st.dictionaries(
    st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 5)),
    st.fractions(min_value=-7, max_value=7, max_denominator=5).filter(lambda f: f != 0),
    max_size=30)


def _poly(data, symbols):
    ctx = polys.flint_context(symbols)
    lib = flint_switch.lib()
    n = len(symbols)
    return ctx.from_dict({m[:n]: lib.fmpq(c.numerator, c.denominator) for m, c in data.items()})


@settings(max_examples=150, deadline=None)
@given(data=terms, which=st.integers(0, len(SYMBOL_SETS) - 1))
def test_from_flint_builds_the_canonical_expression(data, which):
    symbols = SYMBOL_SETS[which]
    poly = _poly(data, symbols)
    fast = polys.from_flint(poly, symbols)
    reference = polys._from_flint_ring(poly, symbols)
    assert fast == reference
    assert fast.args == reference.args and hash(fast) == hash(reference)
    assert sympy.srepr(fast) == sympy.srepr(reference)


@settings(max_examples=60, deadline=None)
@given(top=terms, bottom=terms.filter(bool))
def test_tidy_of_remembered_values_matches_the_plain_path(top, bottom):
    symbols = SYMBOL_SETS[1]
    p, q = _poly(top, symbols), _poly(bottom, symbols)
    value = polys.remember(polys.from_flint(p, symbols) / polys.from_flint(q, symbols), symbols, p, q)
    at = {symbols[0]: sympy.Rational(1, 2)}
    fast = forms.tidy(value, at=at)
    forms._TIDY.clear()
    polys._FORMS.clear()
    with flint_switch.disabled():
        plain = forms.tidy(value, at=at)
    assert is_zero(fast - plain)
    assert forms.tidy(fast, at=at) == fast  # a fixed point


def test_remembered_forms_move_between_symbol_lists():
    a, s, w = SYMBOL_SETS[1]
    ctx = polys.flint_context([a, w])
    x, y = ctx.gens()
    expr = polys.from_flint(x**2 * y - 3 * y + 1, [a, w])
    big = polys.flint_context([a, s, w])
    p, q = polys._to_flint_fraction(expr * s, dict(zip([a, s, w], big.gens())), big)
    assert polys.from_flint(p, [a, s, w]) == sympy.expand(expr * s) and q.is_one()


@pytest.mark.parametrize("solution, value", [
    ({"a": 1, "w": 0}, "s"),
    ({"a": 1, "w": 0}, "2*s"),
    ({"w": "1 - a"}, "s/(1 + a)"),
    ({"w": "1 - a"}, "s/(2 - a)"),
    ({"a": "w"}, "s/(1 + w**2)"),
])
def test_agreement_with_a_pattern_is_decided_like_the_plain_path(solution, value):
    a, s, w = sympy.symbols("a s w")
    generic = s / (1 + a * w)
    names = {"a": a, "s": s, "w": w}
    solution = {names[k]: sympy.sympify(v, locals=names) for k, v in solution.items()}
    value = sympy.sympify(value, locals=names)
    fast = _agrees_flint(generic, solution, value)
    assert fast is not None
    with flint_switch.disabled():
        assert fast == _agrees(generic, solution, value)


def test_solve_exact_builds_only_the_wanted_rows():
    a, s = sympy.symbols("a s")
    M = sympy.Matrix([[1, 0, 0], [a - 1, 1, 0], [0, a, 1]])
    B = sympy.Matrix([s, 0, 0])
    full = solve_exact(M, B)
    part = solve_exact(M, B, wanted={2})
    assert part[0] is sympy.nan and part[1] is sympy.nan
    assert is_zero(part[2] - full[2])
