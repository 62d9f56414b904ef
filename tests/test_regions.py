"""Exact regions: feasibility with verified witnesses, one-symbol interval sets, z3 agreement."""

from __future__ import annotations

import sys

import pytest
import sympy
from hypothesis import given, settings, strategies as st
from sympy import CRootOf, Eq, Ge, Gt, Le, Lt, Ne, Rational, Symbol, oo, sqrt

from graphcollapse.errors import InputError, UndecidedError, UnsupportedError
from graphcollapse.numbers import Decision, Interval, Region, decide, interval_region, sign
from graphcollapse.numbers.regions import normalize_constraint

a, b, x, y = (Symbol(n, real=True) for n in "abxy")


def holds(constraints, witness) -> bool:
    """Independent exact check of a witness: substitute and take certified signs."""
    for constraint in constraints:
        expr, op = normalize_constraint(constraint)
        numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(expr)))
        if sign(denominator.xreplace(witness)) == 0:
            return False
        s = sign(numerator.xreplace(witness)) * sign(denominator.xreplace(witness))
        if not {"==": s == 0, "!=": s != 0, ">": s > 0, ">=": s >= 0, "<": s < 0, "<=": s <= 0}[op]:
            return False
    return True


# -- one symbol, rational coefficients: the exact cell method -------------------------------------

def test_half_open_weight_interval_has_a_rational_witness():
    constraints = [(20*a - 10, ">="), (11 - 20*a, ">="), (20*a - 10, "!=")]
    decision = decide(constraints, [a])
    assert decision.status == "feasible" and decision.method == "real root isolation"
    value = decision.witness[a]
    assert value.is_Rational and Rational(1, 2) < value <= Rational(11, 20)
    assert holds(constraints, decision.witness)


def test_interval_region_of_the_valid_weights():
    constraints = [Ge(20*a - 10, 0), Le(20*a - 10, 1), Ge(11 - 20*a, 0), Le(11 - 20*a, 1)]
    (interval,) = interval_region(constraints, a)
    assert interval == Interval(a, Rational(1, 2), Rational(11, 20), True, True)
    assert str(interval) == "1/2 <= a <= 11/20"


def test_interval_region_shapes_and_strings():
    parts = interval_region([(a**3 - a, ">="), (a - Rational(1, 3), "!=")], a)
    assert [str(p) for p in parts] == ["-1 <= a <= 0", "a >= 1"]
    parts = interval_region([(a * (a - 1), ">"), (a**2 - 4, "<=")], a)
    assert [str(p) for p in parts] == ["-2 <= a < 0", "1 < a <= 2"]
    (point,) = interval_region([(3*a - 1, "==")], a)
    assert point.is_point and str(point) == "a = 1/3"
    assert str(interval_region([(a**2 + 1, ">")], a)[0]) == "-oo < a < oo"
    assert str(interval_region([(1 - a, ">"), (a, ">")], a)[0]) == "0 < a < 1"
    assert str(interval_region([(a, "<=")], a)[0]) == "a <= 0"
    assert interval_region([(a**2 + 1, "<")], a) == ()
    (irrational,) = interval_region([(a**2 - 2, "<="), (a, ">")], a)
    assert (irrational.lo, irrational.hi, irrational.lo_closed) == (0, sqrt(2), False)
    assert irrational.contains(Rational(7, 5)) and not irrational.contains(Rational(3, 2))
    (cubic,) = interval_region([(a**3 - a - 1, ">=")], a)
    assert cubic.lo == CRootOf(Symbol("x")**3 - Symbol("x") - 1, 0) and cubic.hi == oo


def test_rational_function_constraints_exclude_poles():
    (part,) = interval_region([(1 / (a - 1), ">=")], a)
    assert str(part) == "a > 1"
    assert decide([(1 / (a - 1), ">="), (a - 1, "<=")], [a]).status == "infeasible"
    assert [str(p) for p in interval_region([((a - 2) / (a - 1), "<=")], a)] == ["1 < a <= 2"]
    assert [str(p) for p in interval_region([((a - 2) / (a - 1), "!=")], a)] == ["a < 1", "1 < a < 2", "a > 2"]


def test_algebraic_witness_in_one_symbol():
    decision = decide([(a**2 - 2, "=="), (a, ">")], [a])
    assert decision.status == "feasible" and decision.witness == {a: sqrt(2)}
    decision = decide([Eq(a**3 - a - 1, 0)], [a])
    assert decision.witness == {a: CRootOf(Symbol("x")**3 - Symbol("x") - 1, 0)}


def test_relationals_and_trivial_constraints():
    assert decide([Gt(a, 1), Lt(a, 2), Ne(a, Rational(3, 2))], [a]).witness[a] == Rational(4, 3)
    assert decide([sympy.true], [a]).status == "feasible"
    assert decide([sympy.false], [a]).status == "infeasible"
    trivial = decide([(sqrt(2) - 1, ">")], [])
    assert (trivial.status, trivial.method, trivial.witness) == ("feasible", "trivial", {})
    assert decide([((1 + sqrt(2))**2 - 3 - 2*sqrt(2), "!=")], [a]).status == "infeasible"
    assert decide([], [a, b]).witness == {a: 0, b: 0}
    with pytest.raises(InputError, match="not a constraint"):
        decide([(a, "=>")], [a])
    with pytest.raises(InputError, match="not declared"):
        decide([(a + b, ">")], [a])


def test_separate_symbols_are_decided_separately():
    decision = decide([(a - 1, ">"), (b**2 - 3, "=="), (b, "<")], [a, b])
    assert decision.status == "feasible" and decision.method == "real root isolation"
    assert decision.witness == {a: 2, b: -sqrt(3)}


# -- several symbols or algebraic coefficients: z3 ------------------------------------------------

def test_difference_in_the_unit_interval():
    pytest.importorskip("z3")
    constraints = [Ge(a - b, 0), Le(a - b, 1), Ge(1 - a + b, 0), Le(1 - a + b, 1), Ne(a - b, 0)]
    decision = decide(constraints, [a, b])
    assert decision.status == "feasible" and decision.method == "z3 nlsat"
    assert all(v.is_Rational for v in decision.witness.values()) and holds(constraints, decision.witness)


def test_infeasible_systems():
    pytest.importorskip("z3")
    assert decide([(a*b - Rational(1, 4), "=="), (a + b - 1, "=="), (a - b, "!=")], [a, b]).status == "infeasible"
    assert decide([(x*y - 1, ">"), (x + y - 2, "<"), (x, ">"), (y, ">")], [x, y]).status == "infeasible"


def test_algebraic_coefficients():
    pytest.importorskip("z3")
    decision = decide([(sqrt(2)*a - 1, "=="), (a, ">")], [a])
    assert decision.status == "feasible" and decision.witness == {a: sqrt(2)/2}
    assert decide([(sqrt(2)*a - 1, "=="), (a, "<")], [a]).status == "infeasible"
    # The conjugate -sqrt(2) must not leak in: sqrt(2)*a > 1 and a < 0 has no solution.
    assert decide([(sqrt(2)*a - 1, ">"), (a, "<")], [a]).status == "infeasible"
    system = [(a - 2**Rational(1, 3) * b, ">"), (b - 1, "=="), (a - Rational(13, 10), "<")]
    decision = decide(system, [a, b])
    assert decision.status == "feasible" and holds(system, decision.witness)
    system[-1] = (a - Rational(5, 4), "<")  # 2**(1/3) = 1.2599... > 5/4
    assert decide(system, [a, b]).status == "infeasible"


def test_irrational_and_rationalised_witnesses():
    pytest.importorskip("z3")
    constraints = [(a**2 + b**2 - 1, "=="), (a - b, "==")]
    decision = decide(constraints, [a, b])
    assert decision.status == "feasible" and abs(decision.witness[a]) == sqrt(2) / 2
    assert holds(constraints, decision.witness)
    constraints = [(a**2 + b**2 - 1, "<"), (a*b - Rational(1, 3), ">")]  # open: a rational point exists
    decision = decide(constraints, [a, b])
    assert all(v.is_Rational for v in decision.witness.values()) and holds(constraints, decision.witness)


def test_three_symbols():
    pytest.importorskip("z3")
    constraints = [(a + b + x - 1, "=="), (a*b - x, ">"), (a, ">"), (b, ">"), (x, ">"), (a - b, "!=")]
    decision = decide(constraints, [a, b, x])
    assert decision.status == "feasible" and holds(constraints, decision.witness)
    assert decide(constraints + [(a + b - Rational(1, 2), "<")], [a, b, x]).status == "infeasible"


def test_without_z3_the_answer_is_undecided(monkeypatch):
    monkeypatch.setitem(sys.modules, "z3", None)  # makes "import z3" fail
    decision = decide([(a - b, ">"), (a + b, "<")], [a, b])
    assert decision.status == "undecided" and "pip install" in decision.reason and decision.witness is None
    assert decide([(a - 1, ">")], [a]).status == "feasible"  # the exact 1-D method needs no solver
    assert decide([(a - 1, ">"), (a, "<"), (a - b, ">")], [a, b]).status == "undecided"
    assert decide([(a - 1, ">"), (a, "<"), (b, ">")], [a, b]).status == "infeasible"  # one group settles it
    with pytest.raises(UndecidedError):
        Region((a, b), [(a - b, ">")]).sample()
    with pytest.raises(UnsupportedError):
        decide([(a - b, ">")], [a, b], method="roots")


# -- the Region value object ----------------------------------------------------------------------

def test_region():
    region = Region((a, b), [Ge(a - b, 0), Le(a - b, 1), (a, ">"), Ne(b, Rational(1, 2)), (1 / (a - 2), "<")])
    assert str(region) == "0 <= a - b, a - b <= 1, 0 < a, b != 1/2, 1/(a - 2) < 0"
    assert region.contains({a: 1, b: 0}) and not region.contains({a: 1, b: Rational(1, 2)})
    assert not region.contains({"a": 2, "b": 1})  # the pole of 1/(a - 2)
    bigger = region.intersect([(b - 3, ">")])
    assert len(bigger.constraints) == 6
    if _has_z3():
        point = region.sample()
        assert region.contains(point)
        assert bigger.sample() is None
    assert isinstance(Region((a,), [(a, ">")]).decide(), Decision)
    assert Region((a,), [(a, ">"), (a - 1, "<")]).sample() == {a: Rational(1, 2)}


def _has_z3() -> bool:
    try:
        import z3  # noqa: F401
    except ImportError:
        return False
    return True


# -- properties: the exact 1-D method and z3 agree; witnesses always satisfy --------------------------

small = st.integers(-3, 3)
polynomials = st.tuples(small, small, small).map(lambda c: c[0] * a**2 + c[1] * a + c[2])
constraints = st.tuples(
    st.one_of(polynomials, st.tuples(polynomials, polynomials.filter(lambda q: q != 0)).map(lambda pq: pq[0] / pq[1])),
    st.sampled_from(["==", "!=", ">", ">=", "<", "<="]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(constraints, min_size=1, max_size=4))
def test_cells_and_z3_agree(system):
    pytest.importorskip("z3")
    exact = decide(system, [a], method="roots")
    solver = decide(system, [a], method="z3")
    assert solver.status in (exact.status, "undecided")
    for decision in (exact, solver):
        if decision.status == "feasible":
            assert holds(system, decision.witness)
    if exact.status == "feasible":
        assert any(part.contains(exact.witness[a]) for part in interval_region(system, a))
    else:
        assert interval_region(system, a) == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(constraints, min_size=1, max_size=5))
def test_interval_region_matches_pointwise_checks(system):
    parts = interval_region(system, a)
    for point in [Rational(k, 4) for k in range(-12, 13)]:
        inside = any(part.contains(point) for part in parts)
        assert inside == Region((a,), system).contains({a: point})


def test_timeouts_and_unsupported_requests():
    pytest.importorskip("z3")
    decision = decide([(a*b - 1, ">"), (a + b, "<")], [a, b], timeout=0)
    assert decision.status == "undecided" and "time-out" in decision.reason
    with pytest.raises(UnsupportedError, match="rational coefficients"):
        interval_region([(sqrt(2)*a - 1, ">")], a)
    with pytest.raises(InputError, match="unknown method"):
        decide([(a, ">")], [a], method="sample")


def test_a_wrong_witness_is_a_bug_not_an_answer(monkeypatch):
    from graphcollapse.errors import InternalConsistencyError
    from graphcollapse.numbers import regions

    monkeypatch.setattr(regions, "decide_univariate", lambda group, index, domain: ("feasible", {index: 5}, "broken"))
    with pytest.raises(InternalConsistencyError, match="violates"):
        decide([(a - 1, "<")], [a])
