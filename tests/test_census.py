"""The Theorem A census: pattern counts, canonical forms, and that it catches wrong answers."""

import dataclasses
import itertools
import random

import networkx as nx
import pytest

import graphcollapse.system as analysis_module
from graphcollapse.graph import from_json
from proofs_check import census, load_checks
from proofs_check.__main__ import main
from proofs_check.registry import Counterexample

#: Support patterns on K models up to isomorphism (every model has a source).
PINNED = {1: 3, 2: 28, 3: 620, 4: 40424}


@pytest.mark.parametrize("K", sorted(PINNED))
def test_pattern_counts_are_pinned(K):
    assert census.burnside_count(K) == PINNED[K]
    assert len(census.all_patterns(K)) == PINNED[K]


def test_k5_count_used_for_the_cost_estimate():
    assert census.burnside_count(5) == 8436712


@pytest.mark.parametrize("K", [1, 2, 3, 4])
def test_brute_force_orbit_minima_are_the_census_patterns(K):
    assert census.brute_force_orbits(K) == census.all_patterns(K)


def _digraph(K, code):
    E, R = census.decode(K, code)
    g = nx.DiGraph()
    g.add_nodes_from((k, {"real": R[k]}) for k in range(K))
    g.add_edges_from((j, k) for k in range(K) for j in range(K) if E[k][j])
    return g


@pytest.mark.parametrize("K", [2, 3])
def test_patterns_are_pairwise_non_isomorphic_by_networkx(K):
    buckets = {}
    for code in census.all_patterns(K):
        g = _digraph(K, code)
        key = sorted((g.in_degree(k), g.out_degree(k), g.has_edge(k, k), g.nodes[k]["real"]) for k in g)
        key = tuple(key)
        for other in buckets.get(key, []):
            assert not nx.is_isomorphic(g, other, node_match=lambda a, b: a["real"] == b["real"])
        buckets.setdefault(key, []).append(g)


def test_every_pattern_has_a_source_and_codes_round_trip():
    for K in (1, 2, 3):
        for code in census.all_patterns(K):
            assert census.is_valid(K, code)
            E, R = census.decode(K, code)
            assert census.encode(K, E, R) == code


def test_canonical_form_is_invariant_under_relabelling():
    rng = random.Random(5)
    K = 4
    for _ in range(200):
        code = rng.randrange(1 << (K * K + K))
        E, R = census.decode(K, code)
        perm = list(range(K))
        rng.shuffle(perm)
        newE = [[False] * K for _ in range(K)]
        newR = [False] * K
        for k, j in itertools.product(range(K), repeat=2):
            newE[perm[k]][perm[j]] = E[k][j]
        for k in range(K):
            newR[perm[k]] = R[k]
        image = census.encode(K, newE, newR)
        assert census.canonical_codes(K, [code]).tolist() == census.canonical_codes(K, [image]).tolist()


def test_pattern_graph_has_the_pattern_as_support_and_reloads_from_its_file():
    K, code = 3, census.all_patterns(3)[100]
    g = census.pattern_graph(K, code)
    E, R = census.decode(K, code)
    W = g.weight_matrix()
    assert all((W[k, j] != 0) == E[k][j] for k in range(K) for j in range(K))
    assert all((g.real[k] != 0) == R[k] for k in range(K))
    assert all(sum(W.row(k)) + g.real[k] == 1 for k in range(K))
    assert from_json(g.to_json()) == g  # a counterexample file re-runs with graphcollapse analyze
    assert census.pattern_graph(K, code) == g  # seeded by the pattern


TWO_CYCLE = census.encode(2, [[False, True], [True, False]], [False, False])
REAL_ONLY = census.encode(1, [[False]], [True])


def test_census_catches_a_slope_off_by_one_part_in_a_million(monkeypatch):
    census.check_pattern(2, TWO_CYCLE)
    real = analysis_module.growth_rates
    monkeypatch.setattr(analysis_module, "growth_rates",
                        lambda *a, **k: tuple(s * (1 + sympy_rational(1, 10**6)) for s in real(*a, **k)))
    with pytest.raises(Counterexample, match="slope"):
        census.check_pattern(2, TWO_CYCLE)


def test_census_catches_a_limit_off_by_one_part_in_a_million(monkeypatch):
    census.check_pattern(1, REAL_ONLY)
    real = analysis_module.solve_limits

    def wrong(*args, **kwargs):
        return tuple(None if v is None else v * (1 + sympy_rational(1, 10**6)) for v in real(*args, **kwargs))

    monkeypatch.setattr(analysis_module, "solve_limits", wrong)
    with pytest.raises(Counterexample, match="limit"):
        census.check_pattern(1, REAL_ONLY)


def test_census_catches_a_wrong_spectral_form(monkeypatch):
    real = analysis_module.theorem_a

    def wrong(graph, topology=None):
        verdicts = real(graph, topology)
        return (dataclasses.replace(verdicts[0], spectral_radius_is_one=not verdicts[0].spectral_radius_is_one),
                *verdicts[1:])

    monkeypatch.setattr(analysis_module, "theorem_a", wrong)
    with pytest.raises(Counterexample, match="Theorem A forms disagree") as caught:
        census.check_pattern(2, TWO_CYCLE)
    assert caught.value.graph is not None


def sympy_rational(p, q):
    import sympy

    return sympy.Rational(p, q)


def test_run_census_small_is_clean_and_counts_agree():
    result = census.run_census(2, workers=1)
    assert result.ok
    assert result.counts == {1: 3, 2: 28} == result.burnside == result.brute_force
    assert result.models == {1: 3, 2: 56}
    report = result.report()
    assert report["per_K"]["2"]["patterns"] == 28 and report["ok"]


def test_census_is_a_registered_check_at_both_levels():
    (chk,) = [c for c in load_checks() if c.group == "census"]
    assert set(chk.levels) == {"quick", "full"}


def test_census_command_prints_counts(capsys, tmp_path):
    assert main(["census", "--max-models", "2", "--workers", "1", "--report", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "K=1: 3 patterns up to isomorphism (Burnside 3, brute force 3)" in out
    assert "K=2: 28 patterns up to isomorphism (Burnside 28, brute force 28)" in out
    assert (tmp_path / "r.json").exists()


def test_cost_estimate_from_a_sample_of_blocks():
    estimate = census.estimate_cost(3, 2, workers=1)
    assert estimate["total_patterns"] == 620 and estimate["patterns"] > 0
    assert estimate["core_hours"] > 0 and any("core-hours" in line for line in estimate["lines"])
