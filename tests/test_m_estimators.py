"""First-order M-estimators (docs/theory.md 3.3): derived H, V, G and exact downstream values."""

from __future__ import annotations

import json

import pytest
import sympy

import graphcollapse as gc
from graphcollapse.cli import main
from graphcollapse.errors import GraphCollapseError
from graphcollapse.estimators import recurrence

R = sympy.Rational

POISSON = {"family": "poisson", "theta": {"lambda": 3}}
BERNOULLI = {"family": "bernoulli", "theta": {"p": "3/10"}}
EXPONENTIAL = {"family": "exponential", "theta": {"rate": 2}}
GAUSSIAN = {"family": "gaussian", "theta": {"mu": 1, "sigma2": 2}}


def shrinkage(c):
    """theta_hat = c * mean(x): a loss whose minimiser is not Fisher-consistent (M = c)."""
    return {"family": "custom", "logpdf": "-(x - m)**2/2 - log(2*pi)/2", "params": ["m"], "theta": {"m": 0},
            "loss": f"(m - ({c})*x)**2/2"}


def graph(estimator, models, edges):
    return gc.from_dict({"estimator": estimator, "models": models, "edges": edges})


SELF_REAL = ([{"id": "A", "n": 50, "real": "1/2"}], [{"from": "A", "to": "A", "weight": "1/2"}])
SELF_CLOSED = ([{"id": "A", "n": 50}], [{"from": "A", "to": "A", "weight": 1}])


@pytest.mark.parametrize("estimator, inverse_fisher_trace", [
    (POISSON, 3), (BERNOULLI, R(21, 100)), (EXPONENTIAL, 4), (GAUSSIAN, 2 + 8),
])
def test_noise_is_the_inverse_fisher_information_over_n(estimator, inverse_fisher_trace):
    rec = recurrence(graph(estimator, *SELF_REAL))
    assert rec.M == sympy.eye(rec.p)
    assert sympy.Matrix(rec.noise[0]).trace() == R(inverse_fisher_trace, 50)
    res = gc.analyze(graph(estimator, *SELF_REAL)).models[0]
    assert res.limit == R(inverse_fisher_trace, 50) * R(4, 3)  # D / (1 - (1/2)^2)
    closed = gc.analyze(graph(estimator, *SELF_CLOSED)).models[0]
    assert closed.collapses and closed.slope == R(inverse_fisher_trace, 50)


def test_gaussian_mean_and_variance_block():
    rec = recurrence(graph(GAUSSIAN, *SELF_REAL))
    assert sympy.Matrix(rec.noise[0]) == sympy.diag(R(2, 50), R(8, 50))  # diag(σ², 2σ⁴)/n


@pytest.mark.parametrize("estimator", [POISSON, EXPONENTIAL])
def test_chain_and_two_cycle(estimator):
    chain = graph(estimator, [{"id": "A", "n": 50, "real": 1}, {"id": "B", "n": 25}],
                  [{"from": "A", "to": "B", "weight": 1}])
    D = sympy.Matrix(recurrence(chain).noise[0]).trace() * 50  # tr I⁻¹
    res = gc.analyze(chain).by_id
    assert res["B"].limit == D / 50 + D / 25
    cycle = graph(estimator, [{"id": "A", "n": 50}, {"id": "B", "n": 25}],
                  [{"from": "B", "to": "A", "weight": 1}, {"from": "A", "to": "B", "weight": 1}])
    res = gc.analyze(cycle).by_id
    assert res["A"].slope == res["B"].slope == (D / 50 + D / 25) / 2


def test_non_fisher_consistent_shrinkage_is_bounded_despite_a_closed_class():
    g = graph(shrinkage("1/2"), *SELF_CLOSED)
    rec = recurrence(g)
    assert rec.M == sympy.Matrix([[R(1, 2)]])
    res = gc.analyze(g).models[0]
    assert res.theorem_a.collapses is True and res.collapses is False
    assert res.limit == R(1, 200) / (1 - R(1, 4))  # V/H² = 1/4, D = 1/200, S = S/4 + D
    assert "contracts" in res.explanation


def test_expanding_propagation_at_the_boundary_grows_linearly():
    g = graph(shrinkage(2), *SELF_REAL)  # ρ(W) ρ(M) = 1/2 * 2 = 1 exactly
    res = gc.analyze(g).models[0]
    assert res.collapses is True and res.growth == "linear"
    assert res.slope == R(4, 50)  # D = c² σ² / n
    g = graph(shrinkage(3), *SELF_REAL)  # 3/2 > 1: geometric, factor ρ² = 9/4
    res = gc.analyze(g).models[0]
    assert res.growth == "geometric" and res.growth_factor == R(9, 4)


def test_every_output_says_first_order(tmp_path, capsys):
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"estimator": POISSON, "models": SELF_REAL[0], "edges": SELF_REAL[1]}))
    assert main(["analyze", str(path)]) == 0
    assert "first-order asymptotic" in capsys.readouterr().out
    assert main(["analyze", str(path), "--json"]) == 0
    assert any("first-order asymptotic" in note for note in json.loads(capsys.readouterr().out)["notes"])


@pytest.mark.parametrize("estimator, needle", [
    ({"family": "poisson"}, "theta"),
    ({"family": "poisson", "theta": {"mu": 1}}, "unknown parameter 'mu'"),
    ({"family": "custom", "logpdf": "-(x-m)**2/2", "params": ["m"], "theta": {"m": 0}}, "not 1"),
    ({"family": "custom", "logpdf": "-(x - m)**2/2 - log(2*pi)/2", "params": ["m"], "theta": {"m": 1},
      "loss": "(m - x/2)**2/2"}, "not a fixed point"),
    ({"family": "custom", "logpdf": "__import__('os')", "params": ["m"], "theta": {"m": 0}}, "logpdf"),
])
def test_bad_specs_are_clear_errors(estimator, needle):
    with pytest.raises(GraphCollapseError, match=needle):
        recurrence(graph(estimator, *SELF_REAL))
