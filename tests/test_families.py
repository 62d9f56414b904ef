"""Graph families: closed forms in K against hand-derived answers and against the single-graph analysis.

Known answers (derived by hand in the comments, never read off the code):

* complete digraph with self-loops, real weight α everywhere, weight (1-α)/K
  on each model: L = (σ²/n)(1 + (1-α)²/(K(1-(1-α)²)))  (the issue's formula);
* complete bipartite K + K, real α everywhere: the same formula (every model
  of one side trains on the K models of the other, whose pairwise
  cross-moment is L - σ²/n by symmetry);
* star, hub with real α training on K-1 spokes that train on the hub only:
  L_hub = (σ²/n)(1 + β²/(K-1))/(1 - β²), L_spoke = L_hub + σ²/n  (β = 1-α);
* star "in" (hub trains on K-1 real-data spokes): L_hub = (σ²/n)(1 + β²/(K-1));
* directed path, real α everywhere after the start: L(i) = (σ²/n)(1 - β^(2i+2))/(1 - β²);
  real data at the start only: L(i) = (i+1)σ²/n;
* binary in-tree (leaves real): L(i) = (σ²/n)(2 - 2^-i) at height i;
* directed cycle, real α everywhere: L = (σ²/n)/(1 - β²) for every K;
  without real data its growth rate is σ²/n for every K;
* bidirected cycle: L -> (σ²/n)/sqrt(1 - β²) as K -> oo; without real data
  the growth rate is gcd(K, 2) σ²/(n K) (the modes with |λ| = 1).
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphcollapse.cli import main
from graphcollapse.errors import InputError
from graphcollapse.families import K, POSITION, Rule, analyze_family, custom_family, family
from graphcollapse.families.guess import guess
from graphcollapse.numbers import is_zero
from graphcollapse.system import analyze

A, N, S = (sympy.Symbol(x, real=True) for x in ("a", "n", "s"))
BETA = 1 - A
D = S / N


def _limit(result, label):
    return result.by_label[label].limit


def test_complete_digraph_issue_formula():
    f = family("complete", real="a", n="n", self_loops=True, estimator={"family": "gaussian_mean", "sigma2": "s"})
    result = analyze_family(f, check=3)
    limit = _limit(result, "model")
    assert limit.derived and limit.method == "orbit quotient"
    assert is_zero(limit.expr - D * (1 + BETA**2 / (K * (1 - BETA**2))))
    assert result.by_label["model"].predicate == sympy.Eq(A, 0)
    assert is_zero(limit.asymptotic.limit - D)


def test_bipartite_both_ways():
    result = analyze_family(family("bipartite", real="a", n="n", real_at="all"), check=3)
    for side in ("a", "b"):
        assert is_zero(_limit(result, side).expr - (1 + BETA**2 / (K * (1 - BETA**2))) / N)


def test_star_both_ways_real_data_at_the_hub():
    result = analyze_family(family("star", real="a", n="n", real_at="hub"), check=3)
    hub = (1 + BETA**2 / (K - 1)) / (1 - BETA**2) / N
    assert is_zero(_limit(result, "hub").expr - hub)
    assert is_zero(_limit(result, "spoke").expr - hub - 1 / N)
    assert result.valid_from == 2


def test_star_hub_trains_on_spokes():
    result = analyze_family(family("star", real="a", n="n", real_at="hub", options={"direction": "in"}), check=3)
    assert is_zero(_limit(result, "hub").expr - (1 + BETA**2 / (K - 1)) / N)
    assert is_zero(_limit(result, "spoke").expr - 1 / N)


def test_directed_path_by_position():
    result = analyze_family(family("path", real="a", n="n", real_at="all"), check=3)
    form = _limit(result, "distance i")
    assert form.derived and result.by_label["distance i"].by_position
    for i in range(8):
        assert is_zero(form.at(position=i) - (1 - BETA ** (2 * i + 2)) / (1 - BETA**2) / N)
    start = analyze_family(family("path", real="a", n="n", real_at="start"), check=3)
    assert sympy.expand(_limit(start, "distance i").expr - (POSITION + 1) / N) == 0
    assert _limit(start, "farthest").asymptotic.order == K


def test_binary_in_tree_by_height():
    result = analyze_family(family("tree", n="n", options={"arity": 2, "flow": "up"}), check=3)
    form = _limit(result, "distance i")
    for i in range(8):
        assert is_zero(form.at(position=i) - (2 - sympy.Rational(1, 2**i)) / N)
    assert is_zero(form.asymptotic.limit - 2 / N)


def test_cycles():
    directed = analyze_family(family("cycle", real="a", n="n"), check=3)
    assert is_zero(_limit(directed, "every model").expr - 1 / (N * (1 - BETA**2)))
    bidirected = analyze_family(family("cycle", real="a", n="n", options={"direction": "bidirected"}), check=3)
    form = _limit(bidirected, "every model")
    assert form.derived and form.sum_form is not None
    assert is_zero(form.asymptotic.limit**2 - 1 / (N**2 * (1 - BETA**2)))
    closed = analyze_family(family("cycle", real="0", n="n"), check=3).by_label["every model"]
    assert closed.collapses and is_zero(closed.slope.expr - 1 / N)
    both = analyze_family(family("cycle", real="0", n="n", options={"direction": "bidirected"}), check=4)
    slope = both.by_label["every model"].slope
    for size in range(3, 9):
        assert is_zero(slope.at(size) - sympy.gcd(size, 2) / (N * size))


def test_circulant_against_the_single_graph_analysis_beyond_the_checked_sizes():
    f = family("circulant", real="1/3", n=5, options={"offsets": (1, 2)})
    form = _limit(analyze_family(f, check=2), "every model")
    assert form.checked == (f.min_size, f.min_size + 1)
    for size in (7, 9):
        assert analyze(f.graph(size)).models[0].limit == form.at(size)


@pytest.mark.parametrize("name, options, real_at, extra", [
    ("complete", {}, "all", {"mixing": "weighted", "estimator": {"family": "linear_regression", "d": 2}, "n": 12}),
    ("star", {"direction": "both"}, "all", {"estimator": {"family": "linear_regression", "d": 2}, "n": 20}),
    ("bipartite", {"other": "2"}, "all", {"estimator": {"family": "generic", "noise": 3}, "self_loops": True}),
    ("complete", {}, "all", {"mixing": "weighted", "n": 6, "self_weight": "1/4"}),
])
def test_other_estimators_at_a_fresh_size(name, options, real_at, extra):
    f = family(name, options=options, real_at=real_at, real="1/3", **extra)
    result = analyze_family(f, check=2)
    size = 6
    truth = analyze(f.graph(size))
    for label, members in f.classes(size).items():
        assert truth.models[members[0]].limit == result.by_label[label].limit.at(size)


def test_slopes_below_the_range_are_exceptions():
    result = analyze_family(family("complete", real="0", n="n"), check=3)
    model = result.by_label["model"]
    assert model.collapses and model.slope.valid_from == 3
    assert is_zero(model.slope.expr - 1 / (K * N))
    assert [(e.size, e.collapses) for e in result.exceptions] == [(2, True)]
    assert is_zero(result.exceptions[0].value - 1 / N)  # the 2-cycle is periodic: rate sigma^2/n


def test_guessed_forms_are_labelled():
    result = analyze_family(family("cycle", real="1/2", n=1, real_at="one"), up_to=9)
    form = _limit(result, "i = 0")
    assert not form.derived and form.label == "conjectured, verified for K ≤ 9"
    assert sympy.expand(form.expr - (K + 3) / 3) == 0  # L_0 = (1 + β²(K-1))/(1 - β²) with β = 1/2
    assert "conjectured, verified for K ≤ 9" in str(form)


def test_guess_refuses_what_does_not_fit():
    assert guess({k: sympy.Rational(1, sympy.factorial(k)) for k in range(1, 9)}) is None
    assert guess({1: 1, 2: 2, 4: 3, 5: 4, 6: 5}) is None  # sizes must be consecutive


def test_custom_family_guess_meets_the_derived_form():
    """An undirected complete graph from networkx: guessed there, derived as the complete family."""
    import networkx as nx

    rule = Rule.of(real="1/2", n=1)
    guessed = _limit(analyze_family(custom_family(nx.complete_graph, rule=rule, real_at="all", min_size=2),
                                    up_to=10), "first")
    derived = _limit(analyze_family(family("complete", rule=rule), check=2), "model")
    assert not guessed.derived and derived.derived
    assert sympy.cancel(guessed.expr - derived.expr) == 0
    assert guessed.label == "conjectured, verified for K ≤ 10"


def test_invalid_input():
    with pytest.raises(InputError, match="real_at"):
        family("star", real_at="nowhere")
    with pytest.raises(InputError, match="direction"):
        family("star", options={"direction": "sideways"})
    with pytest.raises(InputError, match="between"):
        family("complete").graph(1)
    with pytest.raises(InputError, match="reserved"):
        family("complete", real="i")


def test_simulation_agrees_at_one_size():
    from graphcollapse.families import simulation_check

    result = analyze_family(family("star", real="a", n="n", real_at="hub"), check=2)
    outcome = simulation_check(result, size=3, generations=15, replications=800, seed=3)
    assert outcome["passed"] and outcome["K"] == 3 and set(outcome["classes"]) == {"hub", "spoke"}


# --------------------------------------------------------------------------------------------- properties

_ESTIMATORS = [({"family": "gaussian_mean"}, "pooled"), ({"family": "gaussian_mean", "d": 2}, "weighted"),
               ({"family": "generic", "noise": 2}, "pooled")]


@st.composite
def families(draw):
    """A built-in family with drawn structure: its kind, direction, sides, offsets, arity, real data, loops."""
    name = draw(st.sampled_from(["complete", "star", "bipartite", "cycle", "circulant", "path", "tree"]))
    options: dict = {}
    if name == "star":
        options["direction"] = draw(st.sampled_from(["both", "in", "out"]))
    elif name == "bipartite":
        options["direction"] = draw(st.sampled_from(["both", "a_to_b", "b_to_a"]))
        options["other"] = f"{draw(st.integers(0, 1))}*K + {draw(st.integers(1, 2))}"
    elif name == "cycle":
        options["direction"] = draw(st.sampled_from(["directed", "bidirected"]))
    elif name == "circulant":
        offsets = draw(st.lists(st.sampled_from([1, -1, 2, -2, 3]), min_size=1, max_size=2, unique=True))
        options["offsets"] = tuple(offsets)
    elif name == "tree":
        options = {"arity": draw(st.integers(1, 3)), "flow": draw(st.sampled_from(["down", "up"]))}
    from graphcollapse.families import FAMILIES

    positions = FAMILIES[name].positions
    real_at = draw(st.sampled_from([p for p in positions if p not in ("one", "ends")]))
    loops = name not in ("path", "tree") and draw(st.booleans())
    spec, mixing = draw(st.sampled_from(_ESTIMATORS))
    alpha = draw(st.fractions(min_value=Fraction(1, 7), max_value=1, max_denominator=7))
    return family(name, options=options, real_at=real_at, real=str(alpha), n=6, estimator=spec, mixing=mixing,
                  self_loops=loops)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=families(), beyond=st.integers(0, 3))
def test_closed_form_equals_the_single_graph_analysis(f, beyond):
    result = analyze_family(f, check=2)
    assert all((c.slope if c.collapses else c.limit).derived for c in result.classes)
    size = result.valid_from + 2 + beyond  # beyond the checked sizes
    if f.name == "tree":
        size = min(size, 4)
    truth = analyze(f.graph(size))
    for cls in result.classes:
        for label, models in f.classes(size).items():
            if not (cls.by_position or label == cls.label):
                continue
            position = int(label.split("=")[1]) if cls.by_position else None
            model = truth.models[models[0]]
            assert model.collapses == cls.collapses
            form = cls.slope if cls.collapses else cls.limit
            expected = model.slope if cls.collapses else model.limit
            assert is_zero(form.at(size, position) - expected)


# -------------------------------------------------------------------------------------------------- CLI

def test_cli_family_formats(capsys):
    assert main(["family", "star", "--real", "1/2", "--n", "10", "--direction", "out", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["family"] == "star" and data["size_symbol"] == "K"
    assert [c["limit"]["derived"] for c in data["classes"]] == [True, True]
    assert main(["family", "star", "--real", "1/2", "--n", "10", "--direction", "out", "--size", "5"]) == 0
    assert "yes" in capsys.readouterr().out
    assert main(["family", "cycle", "--real", "1/2", "--n", "1", "--real-at", "one", "--up-to", "8",
                 "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert r"conjectured, verified for K \textless{}= 8" in out and r"\begin{tabular}" in out  # < escaped in text mode
    assert main(["family", "complete", "--real", "1/2", "--n", "4", "--size-symbol", "N", "--format", "markdown"]) == 0
    assert "N" in capsys.readouterr().out


def test_cli_family_input_errors(capsys):
    assert main(["family", "nosuch"]) == 2
    assert "unknown family" in capsys.readouterr().err
    assert main(["family", "star", "--real-at", "nowhere"]) == 2
    assert main(["family", "all", "--direction", "out"]) == 2


def test_the_import_free_names_are_the_registered_built_ins():
    from graphcollapse.families import FAMILIES
    from graphcollapse.families.names import BUILTIN_FAMILIES

    assert tuple(FAMILIES)[:len(BUILTIN_FAMILIES)] == BUILTIN_FAMILIES


@pytest.mark.parametrize("real, estimator, point", [
    ("a", {"family": "gaussian_mean"}, {"a": sympy.Rational(1, 3)}),
    ("1/3", {"family": "gaussian_mean", "sigma2": "s"}, {"s": sympy.Rational(5, 2)}),
])
def test_symbolic_circulant_root_sums_meet_the_single_graph_analysis(real, estimator, point):
    """A symbol in the weights or only in the noise: the root sum over the poles keeps one coefficient field."""
    f = family("circulant", options={"offsets": (3,)}, real_at="all", real=real, n=6, estimator=estimator,
               self_loops=True)
    limit = analyze_family(f, check=2).classes[0].limit
    assert limit.derived
    truth = analyze(f.graph(7)).models[0].limit
    symbols = {s.name: s for s in truth.free_symbols}
    expected = truth.xreplace({symbols[name]: value for name, value in point.items()})
    assert sympy.cancel(limit.at(7, **{k: str(v) for k, v in point.items()}) - expected) == 0
