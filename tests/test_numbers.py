"""Exact numbers: disguised zeros, certified signs, canonical forms, rejections, factoring."""

from __future__ import annotations

import contextlib
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings, strategies as st
from sympy import CRootOf, E, Float, I, Rational, Symbol, exp, log, pi, sqrt

from graphcollapse.errors import InputError
from graphcollapse.numbers import flint as flint_switch
from graphcollapse.numbers import (NumberDomain, canonical, compare, domain_of, enclosure,
                                   factor_irreducible, is_zero, sign)

a, b = Symbol("a", real=True), Symbol("b", real=True)
BACKENDS = [False, True] if flint_switch.AVAILABLE else [False]


@contextlib.contextmanager
def backend(use_flint: bool):
    """Switch the interval library (python-flint arb or mpmath.iv) for the block."""
    if use_flint:
        yield
    else:
        with flint_switch.disabled():
            yield


# -- exact values ---------------------------------------------------------------------------------

DISGUISED_ZEROS = [
    (1 + sqrt(2))**2 - 3 - 2*sqrt(2),
    1 / (1 + sqrt(2)) - sqrt(2) + 1,
    sqrt(8) - 2*sqrt(2),
    (sqrt(2) + sqrt(3))**2 - 5 - 2*sqrt(6),
    sqrt(3 + 2*sqrt(2)) - 1 - sqrt(2),
    (a - b)**2 - a**2 + 2*a*b - b**2,
    (sqrt(2)*a - 1)*(sqrt(2)*a + 1) - 2*a**2 + 1,
    1 / (a + sqrt(2)) - (a - sqrt(2)) / (a**2 - 2),
]


@pytest.mark.parametrize("use_flint", BACKENDS)
@pytest.mark.parametrize("expr", DISGUISED_ZEROS, ids=str)
def test_disguised_zeros_are_zero(expr, use_flint):
    with backend(use_flint):
        assert is_zero(expr)
        if not expr.free_symbols:
            assert sign(expr) == 0
        assert canonical(expr) == 0


def test_nonzero_is_not_zero():
    assert not is_zero(sqrt(2) - Rational(665857, 470832))
    assert not is_zero((a - b)**2 - a**2 + 2*a*b)
    assert not is_zero(sqrt(3 + 2*sqrt(2)) - sqrt(2))


def test_canonical_values():
    assert canonical(1 / (1 + sqrt(2)) + 2 - sqrt(2)) == 1
    assert canonical(1 / (1 + sqrt(2))) == sqrt(2) - 1
    assert canonical((a**2 - 1) / (2*a - 2)) == a/2 + Rational(1, 2)
    assert canonical(3 / (2*a - 4)) == Rational(3, 2) / (a - 2)
    assert canonical((a**2 - 2) / (sqrt(2)*a - 2)) == sqrt(2)*a/2 + 1


def test_domains_and_descriptions():
    assert domain_of([Rational(1, 3)]).describe() == "QQ"
    assert domain_of([sqrt(2) + 1]).describe() == "QQ<sqrt(2)>"
    assert domain_of([a - b]).describe() == "QQ(a, b)"
    assert domain_of([sqrt(2) * a]).describe() == "QQ<sqrt(2)>(a)"
    D = domain_of([a], symbols=[b, a])  # unused symbols are accepted, order kept
    assert D.symbols == (b, a) and D.is_rational and D.field == sympy.QQ.frac_field(b, a)
    assert domain_of([a]) is domain_of([2 * a])  # cached per generators and symbols
    with pytest.raises(InputError, match="not declared"):
        domain_of([a + b], symbols=[a])


def test_nested_and_mixed_generators():
    D = domain_of([sqrt(1 + sqrt(2)), 2**Rational(1, 3)])
    assert D.is_zero(sqrt(1 + sqrt(2))**2 - 1 - sqrt(2))
    assert D.is_zero((2**Rational(1, 3))**3 - 2)
    assert D.canonical(2**Rational(2, 3) * 2**Rational(1, 3)) == 2
    assert D.ground.ext.minpoly.degree() == 12


def test_unevaluated_rational_radicals():
    hidden_two = sympy.Pow(4, Rational(1, 2), evaluate=False)  # a generator that is rational after all
    assert domain_of([hidden_two]).describe() == "QQ"
    assert is_zero(hidden_two - 2) and canonical(hidden_two * a) == 2 * a and sign(hidden_two - 2) == 0


def test_convert_outside_the_domain():
    D = domain_of([sqrt(2)])
    assert D.is_zero(sqrt(18) - 3 * sqrt(2))
    with pytest.raises(InputError, match="not in QQ<sqrt\\(2\\)>"):
        D.convert(sqrt(3))
    with pytest.raises(InputError, match="division by zero"):
        canonical(1 / ((1 + sqrt(2))**2 - 3 - 2*sqrt(2)))


def test_evaluate():
    D = domain_of([a / (a - 1), sqrt(2)])
    assert D.evaluate(a / (a - 1), {a: 3}) == Rational(3, 2)
    assert D.evaluate(a / (a - 1), {"a": sqrt(2)}) == 2 + sqrt(2)
    assert D.evaluate((a**2 - 1) / (a - 1), {a: 1}) == 2  # the cancelled function is defined at 1
    with pytest.raises(InputError, match="undefined at a = 1"):
        D.evaluate(a / (a - 1), {a: 1})
    with pytest.raises(InputError, match="no value for a"):
        D.evaluate(a, {})
    with pytest.raises(InputError, match="floating-point"):
        D.evaluate(a, {a: 0.5})


# -- certified signs ------------------------------------------------------------------------------

CLOSE_CALLS = [
    (sqrt(2) - Rational(665857, 470832), -1),  # a convergent from above: about -1.59e-12
    (sqrt(2) - Rational(470832, 332929), 1),  # the convergent before it, from below
    (Rational(1, 10**30), 1),
    (-Rational(1, 10**30), -1),
    (2**Rational(1, 3) - sympy.Rational(*Fraction(1.2599210498948732).as_integer_ratio()), -1),  # about -2.6e-17
    (sqrt(1 + sqrt(2)) - Rational(15537739740300373, 10**16), 1),
    (CRootOf(Symbol("x")**3 - Symbol("x") - 1, 0) - Rational(13247179572447460, 10**16), 1),
    ((sqrt(2) + sqrt(3))**8 - 4801 - 1960*sqrt(6) + Rational(1, 10**40), 1),
]


@pytest.mark.parametrize("use_flint", BACKENDS)
@pytest.mark.parametrize("expr, expected", CLOSE_CALLS, ids=str)
def test_signs_of_close_calls(expr, expected, use_flint):
    with backend(use_flint):
        assert sign(expr) == expected
        assert sign(-expr) == -expected
        lo, hi = enclosure(expr, 53)  # consistent with the sign at any precision ...
        assert lo <= hi and not (lo > 0 and expected < 0) and not (hi < 0 and expected > 0)
        lo, hi = enclosure(expr, 256)  # ... and separated from 0 at enough of it
        assert lo > 0 if expected > 0 else hi < 0


def test_compare_and_enclosure():
    assert compare(sqrt(2) + sqrt(3), sqrt(10)) == -1
    assert compare(sqrt(8), 2 * sqrt(2)) == 0
    D = domain_of([sqrt(2)])
    assert D.compare(sqrt(2), Rational(7, 5)) == 1 and D.sign(D.convert(1 - sqrt(2))) == -1
    lo, hi = enclosure(sqrt(2), 200)
    assert lo.q > 1 and hi - lo < Rational(1, 2**190) and lo**2 < 2 < hi**2
    with pytest.raises(InputError, match="not a constant"):
        sign(a)


# -- rejections -----------------------------------------------------------------------------------

REJECTED = [
    (pi, "transcendental"),
    (E, "transcendental"),
    (exp(1), "transcendental"),
    (log(2), "function log"),
    (sqrt(-1), "not a real number"),
    (I, "not a real number"),
    ((-8)**Rational(1, 3), "complex principal root"),
    (sqrt(1 - sqrt(2)), "negative"),
    (sqrt(a), "declare a new symbol"),
    (Float(0.5), "floating-point"),
    (0.5, "floating-point"),
    ("1/2", "parse_expression"),
    (sympy.oo, "not a finite number"),
    (sympy.nan, "not a finite number"),
    (2**a, "not a rational number"),
]


@pytest.mark.parametrize("expr, message", REJECTED, ids=lambda x: str(x))
def test_rejections_are_one_line_input_errors(expr, message):
    with pytest.raises(InputError, match=message) as info:
        domain_of([expr])
    assert "\n" not in str(info.value)


# -- factoring ------------------------------------------------------------------------------------

def test_factor_irreducible_over_qq():
    content, factors = factor_irreducible((6*a - 3) * (b - a)**2 / (4 - 2*b), domain_of([a, b]))
    assert content == Rational(-3, 2)
    assert dict(factors) == {2*a - 1: 1, a - b: 2, b - 2: -1}
    assert factors == sorted(factors, key=lambda item: sympy.default_sort_key(item[0]))
    assert sympy.simplify(content * sympy.Mul(*[f**m for f, m in factors])
                          - (6*a - 3) * (b - a)**2 / (4 - 2*b)) == 0


def test_factor_irreducible_over_number_field():
    D = domain_of([a, b, sqrt(2)])
    content, factors = factor_irreducible(3 * a**2 - 6 * b**2, D)
    assert content == 3 and factors == [(a - sqrt(2)*b, 1), (a + sqrt(2)*b, 1)]
    assert factor_irreducible(sqrt(2) * (2*a + 2), D) == (2*sqrt(2), [(a + 1, 1)])
    assert factor_irreducible(sqrt(2) - 1, D) == (-1 + sqrt(2), [])
    assert factor_irreducible(0 * a, D) == (0, [])


# -- properties over drawn expression trees -------------------------------------------------------

RADICALS = [sqrt(2), sqrt(3), sqrt(6), sqrt(Rational(5, 4))]
leaf_constants = st.one_of(
    st.fractions(min_value=-4, max_value=4, max_denominator=4).map(lambda q: Rational(q.numerator, q.denominator)),
    st.sampled_from(RADICALS),
)
positive = st.one_of(st.integers(1, 4).map(sympy.Integer), st.sampled_from(RADICALS),
                     st.sampled_from(RADICALS).map(lambda r: 1 + r))


def trees(leaves):
    """Structured expression trees: nested tuples ("+"|"*"|"/"|"^", left, right) over leaves."""
    return st.recursive(leaves, lambda children: st.one_of(
        st.tuples(st.just("+"), children, children),
        st.tuples(st.just("*"), children, children),
        st.tuples(st.just("/"), children, positive),
        st.tuples(st.just("^"), children, st.integers(0, 3)),
    ), max_leaves=6)


def build(tree):
    """The tree as SymPy evaluates it."""
    if not isinstance(tree, tuple):
        return tree
    op, left, right = tree
    x, y = build(left), build(right) if op != "^" else right
    return {"+": lambda: x + y, "*": lambda: x * y, "/": lambda: x / y, "^": lambda: x**y}[op]()


def rebuild(tree):
    """The same value spelled differently: arguments swapped, unevaluated, powers as products, expanded."""
    if not isinstance(tree, tuple):
        return tree
    op, left, right = tree
    x = rebuild(left)
    if op == "^":
        return sympy.Mul(*([x] * right), evaluate=False) if right else sympy.Integer(1)
    y = rebuild(right)
    if op == "+":
        return sympy.Add(y, x, evaluate=False)
    if op == "*":
        return sympy.expand(sympy.Mul(y, x, evaluate=False))
    return sympy.Mul(x, sympy.Pow(y, -1, evaluate=False), evaluate=False)


constant_trees = trees(leaf_constants)
symbolic_trees = trees(st.one_of(leaf_constants, st.sampled_from([a, b])))


@settings(max_examples=40, deadline=None)
@given(constant_trees)
def test_rebuilt_constants_are_equal(tree):
    assert is_zero(build(tree) - rebuild(tree))


@settings(max_examples=30, deadline=None)
@given(symbolic_trees)
def test_rebuilt_rational_functions_are_equal(tree):
    assert is_zero(build(tree) - rebuild(tree))


@pytest.mark.parametrize("use_flint", BACKENDS)
@settings(max_examples=25, deadline=None)
@given(x=constant_trees, y=constant_trees)
def test_sign_is_odd_and_multiplicative(use_flint, x, y):
    x, y = build(x), build(y)
    with backend(use_flint):
        assert sign(x) == -sign(-x)
        assert sign(x * y) == sign(x) * sign(y)


@settings(max_examples=30, deadline=None)
@given(symbolic_trees)
def test_canonical_is_idempotent(tree):
    once = canonical(build(tree))
    assert canonical(once) == once
    assert is_zero(once - build(tree))


@pytest.mark.parametrize("use_flint", BACKENDS)
@settings(max_examples=25, deadline=None)
@given(tree=constant_trees, bits=st.sampled_from([53, 64, 128]))
def test_enclosure_contains_a_high_precision_value(use_flint, tree, bits):
    expr = build(tree)
    with backend(use_flint):
        lo, hi = enclosure(expr, bits)
    value = sympy.Rational(expr.evalf(80))  # a reference only (exact value of the binary float)
    slack = Rational(1, 10**70)
    assert lo - slack <= value <= hi + slack
    assert hi - lo <= Rational(1, 2**(bits - 40)) * max(1, abs(value))


def test_domain_element_round_trip():
    D = NumberDomain.from_expressions([sqrt(2) * a + 2**Rational(1, 3), b])
    element = D.convert(sqrt(2) * a + 2**Rational(1, 3))
    assert D.convert(element) is element
    assert D.to_sympy(element) == sqrt(2) * a + 2**Rational(1, 3)
