"""Fuzzing: hostile formulas, graph files, estimator specifications and command lines.

The property is the README's error contract: every input ends quickly with an
answer or with the package's own error (on the command line: exit 0, or exit
2 and exactly one line on stderr).  The default run draws a few dozen
examples per target (well under a minute in all); the ``slow`` variants draw
many more.  Strategies draw structure (tokens, fields, options), so failures
shrink to a short formula or a small file.
"""

from __future__ import annotations

import json
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcollapse.bounds import unlimited_int_digits
from graphcollapse.cli import main
from graphcollapse.errors import GraphCollapseError, InternalError
from graphcollapse.graph import from_json
from graphcollapse.numbers.parse import parse_expression
from graphcollapse.system import System

#: Seconds one drawn input may take (the issue's bound is 30 s; these inputs are small).
BUDGET = 10.0
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
MANY = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

A, B = sympy.symbols("a b", real=True)
SYMBOLS = {"a": A, "b": B}

# ------------------------------------------------------------------ formulas
LEAVES = ["0", "1", "2", "9", "10", "1/2", "0.1", "1e308", "1e-400", "1e999999999", "a", "b", "x", "I", "E", "pi",
          "oo", "nan", "inf", "t", "sqrt(-1)", "sqrt(2)", "Rational(1, 3)", "Rational(1, 0)", "9**999", "2**-1000",
          "10**5000", "__import__('os')", "().__class__", "lambda: 1", "[1]", "{}", "'1'", "True", "None",
          "1_000", "0x10", "1j", "factorial(10**9)", "log(0)"]


@st.composite
def formulas(draw, depth=4):
    """Formulas over numbers, symbols, constants and payloads: sums, products, powers, calls, sign runs."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(LEAVES))
    kind = draw(st.sampled_from(["binary", "unary", "call", "paren", "run"]))
    if kind == "binary":
        op = draw(st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "@", "<", "and"]))
        return f"{draw(formulas(depth - 1))} {op} {draw(formulas(depth - 1))}"
    if kind == "unary":
        return draw(st.sampled_from(["-", "+", "~", "not "])) + draw(formulas(depth - 1))
    if kind == "call":
        name = draw(st.sampled_from(["sqrt", "Rational", "log", "exp", "factorial", "eval", "sympify", "abs"]))
        args = draw(st.lists(formulas(depth - 1), min_size=0, max_size=3))
        return f"{name}({', '.join(args)})"
    if kind == "paren":
        return f"({draw(formulas(depth - 1))})"
    return draw(st.sampled_from(["-", "+", "0+", "(", "--"])) * draw(st.integers(1, 1200)) + \
        draw(formulas(depth - 1))


RAW_TEXT = st.text(alphabet="0123456789+-*/().eE ajbsqrtRIN_,'\"[]{}:\n\x1b\u00e9\u0660", max_size=80)


def _parse(text):
    start = time.perf_counter()
    try:
        value = parse_expression(text, SYMBOLS, where="fuzz")
    except GraphCollapseError as err:
        assert not isinstance(err, InternalError), err
        assert "\n" not in str(err)
    else:
        assert isinstance(value, sympy.Expr)
        assert value.free_symbols <= {A, B}
        assert not value.atoms(sympy.Function) - value.atoms(sympy.Pow), value
    assert time.perf_counter() - start < BUDGET, text[:200]


@FAST
@given(st.one_of(formulas(), RAW_TEXT))
def test_parser_answers_or_refuses(text):
    _parse(text)


@pytest.mark.slow
@MANY
@given(st.one_of(formulas(depth=6), RAW_TEXT))
def test_parser_answers_or_refuses_many(text):
    _parse(text)


# ---------------------------------------------------------------- graph files
JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=False),
                        st.text(max_size=12), formulas(depth=2))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                  st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=4)),
                           max_leaves=12)
HOSTILE = st.one_of(formulas(depth=3), JSON_VALUES, st.sampled_from([0, -1, 10**5000, 1e-300, 0.5, "-m", "m"]))


def base_graph():
    return {"name": "fuzz", "mixing": "pooled", "symbols": ["m"],
            "estimator": {"family": "gaussian_mean", "d": 1, "sigma2": 1},
            "models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 20, "real": 0}],
            "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "A", "to": "B", "weight": 1}]}


@st.composite
def mutated_graphs(draw):
    """A valid graph with a few fields replaced, added or removed."""
    spec = base_graph()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "model", "edge", "estimator"]))
        target = spec
        if where != "top":
            container = spec.get({"model": "models", "edge": "edges", "estimator": "estimator"}[where])
            if where != "estimator" and isinstance(container, list) and container:
                container = container[draw(st.integers(0, len(container) - 1))]
            if not isinstance(container, dict):
                continue
            target = container
        keys = {"top": ["name", "mixing", "symbols", "models", "edges", "estimator", "extra"],
                "model": ["id", "n", "n0", "real", "n_real", "sigma2"],
                "edge": ["from", "to", "weight", "n"],
                "estimator": ["family", "d", "sigma2", "theta", "design_covariance"]}[where]
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 5)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(HOSTILE)
    return spec


def dumps(spec) -> str:
    with unlimited_int_digits():
        return json.dumps(spec)


def _load_and_analyze(text):
    start = time.perf_counter()
    try:
        graph = from_json(text)
        System(graph).analysis()
    except GraphCollapseError as err:
        assert not isinstance(err, InternalError), err
        assert "\n" not in str(err)
    assert time.perf_counter() - start < BUDGET, text[:300]


@FAST
@given(st.one_of(mutated_graphs(), JSON_VALUES))
def test_graph_files_answer_or_refuse(spec):
    _load_and_analyze(dumps(spec))


@FAST
@given(st.binary(max_size=200))
def test_graph_bytes_answer_or_refuse(data):
    start = time.perf_counter()
    try:
        from_json(data.decode("utf-8", errors="replace"))
    except GraphCollapseError as err:
        assert not isinstance(err, InternalError), err
    assert time.perf_counter() - start < BUDGET


@pytest.mark.slow
@MANY
@given(st.one_of(mutated_graphs(), JSON_VALUES))
def test_graph_files_answer_or_refuse_many(spec):
    _load_and_analyze(dumps(spec))


# ----------------------------------------------------------- estimator specs
FAMILIES = ["gaussian_mean", "linear_regression", "poisson", "bernoulli", "exponential", "gaussian", "custom",
            "generic", "nope"]
PARAMETER_VALUES = st.one_of(st.sampled_from([0, 1, 2, 3, -1, "1/2", "3/10", "1e-300", "m", "-m", "sqrt(2)",
                                              10**9, 10**400, 0.5, None, True, "pi"]), formulas(depth=2))


@st.composite
def estimator_specs(draw):
    family = draw(st.sampled_from(FAMILIES))
    spec = {"family": family}
    for key in draw(st.lists(st.sampled_from(["d", "sigma2", "design_covariance", "loss"]), max_size=2)):
        spec[key] = draw(PARAMETER_VALUES)
    if family == "custom" or draw(st.booleans()):
        params = draw(st.lists(st.sampled_from(["q", "mu", "v", "pi", "I", "x", "t", "lam"]), min_size=0,
                               max_size=2, unique=True))
        spec["params"] = params
        spec["theta"] = {p: draw(PARAMETER_VALUES) for p in params}
        spec["support"] = draw(st.one_of(
            st.sampled_from(["real", "positive", "integers", "unit", "nope"]),
            st.fixed_dictionaries({"values": st.lists(PARAMETER_VALUES, max_size=4)})))
        spec["logpdf"] = draw(st.one_of(st.sampled_from([
            "x*log(q) + (1 - x)*log(1 - q)", "-(x - mu)**2/(2*v) - log(2*pi*v)/2", "log(lam) - lam*x",
            "x*log(lam) - lam - log(factorial(x))"]), formulas(depth=2)))
    else:
        theta_keys = {"poisson": ["lambda"], "bernoulli": ["p"], "exponential": ["rate"],
                      "gaussian": ["mu", "sigma2"]}.get(family, [])
        spec["theta"] = {k: draw(PARAMETER_VALUES) for k in theta_keys}
    return spec


def _estimate(spec):
    graph = base_graph()
    graph["models"][0]["n"], graph["models"][1]["n"] = 40, 40
    graph["estimator"] = spec
    _load_and_analyze(dumps(graph))


@FAST
@given(estimator_specs())
def test_estimator_specs_answer_or_refuse(spec):
    _estimate(spec)


@pytest.mark.slow
@MANY
@given(estimator_specs())
def test_estimator_specs_answer_or_refuse_many(spec):
    _estimate(spec)


# -------------------------------------------------------------- command line
COUNTS = st.one_of(st.integers(-3, 12), st.sampled_from([10**7, 10**12, 2**64]))
OPTION_TOKENS = st.one_of(
    st.tuples(st.just("-T"), COUNTS.map(str)),
    st.tuples(st.just("-R"), COUNTS.map(str)),
    st.tuples(st.just("--seed"), st.integers(-10, 10**30).map(str)),
    st.tuples(st.just("--limit"), st.sampled_from(["generations=5", "models=0", "bogus=1", "x", "exponent=10**9",
                                                   "number_bits=16", "generations=1e3"])),
    st.tuples(st.just("--subs"), st.sampled_from(["a=1/2", "s=2", "s=-1", "a=pi", "I=1", "a=", "=1", "a=1e999999"])),
    st.tuples(st.just("--estimator"), st.sampled_from(["poisson", '{"family": "bernoulli", "theta": {"p": 2}}',
                                                       "[", '{"family": ["x"]}', "gaussian_mean"])),
    st.tuples(st.sampled_from(["--json", "--float", "--markdown", "--latex", "--closed-form", "--debug-nope",
                               "--method", "sufficient", "--chunk-size", "0", "--alpha", "2", "--rel-tol", "nan"])),
)


@st.composite
def command_lines(draw):
    command = draw(st.sampled_from(["analyze", "trajectory", "threshold", "check", "demo", "nope"]))
    argv = [command]
    if command not in ("demo", "nope"):
        argv.append(draw(st.sampled_from(["demo", "chain", "ring4", "self_loop", "two_cycle", "mixed_pair",
                                          "no-such-graph", ""])))
    for option in draw(st.lists(OPTION_TOKENS, max_size=4)):
        argv.extend(option)
    if command == "check" and draw(st.booleans()):
        argv += ["-T", "3", "-R", "4", "--method", "sufficient"]
    return argv


def _run_cli(argv, capsys):
    start = time.perf_counter()
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    elapsed = time.perf_counter() - start
    _, err = capsys.readouterr()
    allowed = {0, 1, 2} if argv[0] == "check" else {0, 2}
    assert status in allowed, (argv, status, err)
    if status == 2:
        assert len(err.splitlines()) == 1, (argv, err)
    assert elapsed < BUDGET, (argv, elapsed)


@FAST
@given(argv=command_lines())
def test_command_lines_answer_or_refuse(argv, capsys):
    _run_cli(argv, capsys)


@pytest.mark.slow
@MANY
@given(argv=command_lines())
def test_command_lines_answer_or_refuse_many(argv, capsys):
    _run_cli(argv, capsys)
