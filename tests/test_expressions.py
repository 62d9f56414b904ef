import os

import pytest
import sympy

from graphcollapse.errors import GraphCollapseError
from graphcollapse.numbers.parse import MAX_EXPONENT, parse_expression, to_exact

a = sympy.Symbol("a", real=True)
SYMS = {"a": a}


@pytest.mark.parametrize("text, expected", [
    ("1/3", sympy.Rational(1, 3)),
    ("0.1", sympy.Rational(1, 10)),
    ("1e-3", sympy.Rational(1, 1000)),
    ("2**-2", sympy.Rational(1, 4)),
    ("(1 - a)/2", (1 - a) / 2),
    ("sqrt(4)/2", sympy.Integer(1)),
    ("Rational(3, 9)", sympy.Rational(1, 3)),
    ("-a + +1", 1 - a),
])
def test_whitelisted_formulas(text, expected):
    assert parse_expression(text, SYMS, where="x") == expected


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch pwned')",
    "open('x').read()",
    "a.__class__",
    "[1, 2]",
    "lambda: 1",
    "1 if a else 2",
    "a < 1",
    "'text'",
    "exp(1)",
    "sqrt",
])
def test_dangerous_or_unsupported_text_is_rejected(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GraphCollapseError) as err:
        parse_expression(text, SYMS, where="model 'A' real")
    assert str(err.value).startswith("model 'A' real:")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "pwned").exists()
    assert os.listdir(tmp_path) == []


def test_unknown_symbol_is_named():
    with pytest.raises(GraphCollapseError, match="unknown symbol 'b'"):
        parse_expression("1 - b", SYMS, where="edge A->B weight")


def test_guards():
    with pytest.raises(GraphCollapseError, match="exceeds"):
        parse_expression(f"2**{MAX_EXPONENT + 1}", {}, where="x")
    with pytest.raises(GraphCollapseError, match="not finite|division"):
        parse_expression("1/0", {}, where="x")
    with pytest.raises(GraphCollapseError, match="cannot parse"):
        parse_expression("1/", {}, where="x")
    with pytest.raises(GraphCollapseError, match="longer"):
        parse_expression("1+" * 2000 + "1", {}, where="x")


def test_to_exact_keeps_decimals_exact():
    from decimal import Decimal
    from fractions import Fraction

    assert to_exact(Decimal("0.3"), {}, where="x") == sympy.Rational(3, 10)
    assert to_exact(0.3, {}, where="x") == sympy.Rational(3, 10)
    assert to_exact(Fraction(2, 6), {}, where="x") == sympy.Rational(1, 3)
    with pytest.raises(GraphCollapseError, match="boolean"):
        to_exact(True, {}, where="x")
    with pytest.raises(GraphCollapseError, match="unknown symbol"):
        to_exact(sympy.Symbol("zz"), {}, where="x")
