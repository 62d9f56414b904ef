"""The cross-check keeps its family-wise level: its false-alarm rate under a true theory, measured.

The check is simulated many times on graphs whose predictions are exact and
counted as a false alarm whenever it fails.  At the nominal level 0.001 the
expected count over 20 seeds is 0.02; the issue's bar is at most one.  The
statistics themselves are checked on draws from the laws they assume.
"""

import time

import numpy as np
import pytest
from scipy.stats import chi2

from graphcollapse.cli import main
from graphcollapse.crosscheck.inference import chi2_test, robust_z_test, score_test
from graphcollapse.errors import InputError
from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.system import cross_check


def one_model(n=10, estimator=None):
    """The issue's graph: one model, real data 1/2, self-loop 1/2."""
    spec = {"models": [{"id": "A", "n": n, "real": "1/2"}], "edges": [{"from": "A", "to": "A", "weight": "1/2"}]}
    if estimator is not None:
        spec["estimator"] = estimator
    return from_dict(spec)


def two_cycle(n=8, d=1):
    return from_dict({"mixing": "pooled", "estimator": {"family": "gaussian_mean", "d": d, "sigma2": 1},
                      "models": [{"id": "A", "n": n, "real": "1/4"}, {"id": "B", "n": 2 * n, "real": 0}],
                      "edges": [{"from": "B", "to": "A", "weight": "3/4"}, {"from": "A", "to": "B", "weight": 1}]})


def false_alarms(graph, generations, replications, seeds, method="samples", **options):
    return sum(not cross_check(graph, simulate(graph, generations, replications, seed=seed, method=method,
                                                **options)).passed
               for seed in seeds)


@pytest.mark.parametrize("R", [2, 4, 10])
@pytest.mark.parametrize("method", ["samples", "sufficient"])
def test_at_most_one_false_alarm_in_20_seeds(R, method):
    """The issue's case: 8 of 20 seeds failed at R = 10 and every seed at R = 2 or 4 before."""
    start = time.perf_counter()
    assert false_alarms(one_model(), 30, R, range(20), method) <= 1
    assert time.perf_counter() - start < 30


def test_the_command_line_agrees(tmp_path, capsys):
    path = tmp_path / "g.json"
    path.write_text('{"models": [{"id": "A", "n": 10, "real": "1/2"}],'
                    ' "edges": [{"from": "A", "to": "A", "weight": "1/2"}]}')
    statuses = [main(["check", str(path), "-T", "30", "-R", "10", "--seed", str(seed)]) for seed in range(20)]
    capsys.readouterr()
    assert set(statuses) <= {0, 1} and statuses.count(1) <= 1


def test_a_wrong_theory_still_fails():
    """Calibration must not cost all power: a prediction 20 % off is caught at R = 2000."""
    from dataclasses import replace

    from graphcollapse.system import predict

    g = one_model()
    result = simulate(g, 30, 2000, seed=3, method="sufficient")
    exact = predict(g, 30)
    wrong = replace(exact, trajectory=exact.trajectory * 1.2, limits=exact.limits * 1.2)
    assert not cross_check(g, result, wrong).passed


def test_chi2_test_is_exact_for_gaussian_squared_errors():
    """``X = (μ/d) χ²_d``: the rejection rate at level 0.01 is 0.01 within Monte Carlo error, for R = 2..10."""
    rng = np.random.default_rng(5)
    for d in (1, 3):
        for R in (2, 5, 10):
            X = chi2.rvs(d, size=(20000, R), random_state=rng) * (2.0 / d)
            mean, se = X.mean(axis=1), X.std(axis=1, ddof=1) / np.sqrt(R)
            _, p = chi2_test(mean, 2.0, se, dof=d, replications=R)
            rate = float(np.mean(p < 0.01))
            assert rate < 0.01 + 4 * np.sqrt(0.01 / 20000), (d, R, rate)


def test_signed_tests_hold_their_level_on_slopes():
    """Gaussian and moderately skewed (centred chi-square, 5 dof) values at R = 3..30: at most the level."""
    rng = np.random.default_rng(6)
    draws = {"gaussian": lambda size: rng.standard_normal(size),
             "skewed": lambda size: (rng.chisquare(5, size=size) - 5) / np.sqrt(10)}
    for name, draw in draws.items():
        for R in (3, 10, 30):
            X = draw((20000, R))
            mean, se = X.mean(axis=1), X.std(axis=1, ddof=1) / np.sqrt(R)
            _, p = robust_z_test(mean, 0.0, se, replications=R)
            assert float(np.mean(p < 0.01)) < 0.015, (name, R)
            T, _ = score_test(mean, 0.0, se, replications=R)
            assert np.all(np.abs(T) <= np.sqrt(R) + 1e-9)


def test_ols_without_a_variance_is_refused(capsys, tmp_path):
    g = one_model(6, {"family": "linear_regression", "d": 3})
    with pytest.raises(InputError, match="infinite variance"):
        cross_check(g, simulate(g, 3, 10, seed=1, method="sufficient"))
    path = tmp_path / "ols.json"
    path.write_text('{"estimator": {"family": "linear_regression", "d": 3},'
                    ' "models": [{"id": "A", "n": 6, "real": "1/2"}],'
                    ' "edges": [{"from": "A", "to": "A", "weight": "1/2"}]}')
    assert main(["check", str(path), "-T", "30", "-R", "10"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "d + 4 = 7" in err


@pytest.mark.slow
@pytest.mark.parametrize("graph, R", [
    (one_model(), 3), (one_model(), 10), (one_model(2), 10), (one_model(100), 30),
    (two_cycle(d=1), 10), (two_cycle(4, d=3), 5),
    (one_model(20, {"family": "linear_regression", "d": 3}), 10),
], ids=["one-R3", "one-R10", "one-n2-R10", "one-n100-R30", "cycle-R10", "cycle-d3-R5", "ols-R10"])
def test_false_alarm_rate_over_200_seeds(graph, R):
    """200 seeds: at level 0.001 the expected count is 0.2; more than 3 would be a miscalibrated check."""
    assert false_alarms(graph, 30, R, range(200), method="sufficient") <= 3
