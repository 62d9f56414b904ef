"""The cross-check: it passes where the theory holds, fails loudly where a prediction is wrong."""

import io
import json
import sys
import time
from dataclasses import replace

import numpy as np
import pytest

from graphcollapse.cli import main
from graphcollapse.errors import GraphCollapseError
from graphcollapse.graph import from_dict
from graphcollapse.simulation import simulate
from graphcollapse.system import cross_check, predict
from graphcollapse.crosscheck.inference import LateWindow, holm, z_test

T, R = 24, 3000


def graph(kind, mixing="pooled", d=1):
    """Named test graphs (gaussian_mean, sigma2 = 1)."""
    models, edges = {
        "two_cycle": ([("A", 10, 0), ("B", 20, 0)], [("B", "A", 1), ("A", "B", 1)]),
        "chain": ([("A", 100, 1), ("B", 50, 0)], [("A", "B", 1)]),
        "closed_feeds_real": ([("C", 40, 0), ("D", 40, 0), ("E", 40, "1/2")],
                              [("C", "D", 1), ("D", "C", 1), ("D", "E", "1/2")]),
        "self_loop_real": ([("A", 20, "1/4")], [("A", "A", "3/4")]),
        "mixed_pair": ([("A", 10, 0), ("B", 20, 0)], [("A", "A", "1/2"), ("B", "A", "1/2"),
                                                       ("A", "B", "1/2"), ("B", "B", "1/2")]),
    }[kind]
    return from_dict({"name": kind, "mixing": mixing, "estimator": {"family": "gaussian_mean", "d": d, "sigma2": 1},
                      "models": [{"id": i, "n": n, "real": r} for i, n, r in models],
                      "edges": [{"from": a, "to": b, "weight": w} for a, b, w in edges]})


@pytest.mark.parametrize("mixing", ["pooled", "weighted"])
@pytest.mark.parametrize("kind", ["two_cycle", "chain", "closed_feeds_real", "self_loop_real", "mixed_pair"])
def test_the_theory_passes(kind, mixing):
    g = graph(kind, mixing, d=2)
    check = cross_check(g, simulate(g, T, R, seed=17, method="sufficient"))
    assert check.passed, [t.label for t in check.failures]
    kinds = {t.kind for t in check.tests}
    assert kinds >= {"value", "growth"}
    assert len([t for t in check.tests if t.kind == "value"]) == g.K * (T + 1)


def test_the_sample_path_passes_too():
    g = graph("closed_feeds_real")
    assert cross_check(g, simulate(g, 12, 1500, seed=4, method="samples")).passed


@pytest.fixture(scope="module")
def runs():
    out = {}
    for kind in ("two_cycle", "self_loop_real", "chain"):
        g = graph(kind, d=4)
        out[kind] = (g, simulate(g, T, R, seed=23, method="sufficient"))
    return out


@pytest.mark.parametrize("kind", ["two_cycle", "self_loop_real", "chain"])
def test_the_right_prediction_passes(runs, kind):
    g, result = runs[kind]
    assert cross_check(g, result, predict(g, T)).passed


def test_a_halved_slope_fails(runs):
    g, result = runs["two_cycle"]
    right = predict(g, T)
    check = cross_check(g, result, replace(right, slopes=right.slopes / 2))
    assert not check.passed
    assert {t.kind for t in check.failures} == {"growth"}
    assert {t.model for t in check.failures} == {"A", "B"}


def test_a_trajectory_growing_half_as_fast_fails(runs):
    g, result = runs["two_cycle"]
    right = predict(g, T)
    halved = right.trajectory[0] + (right.trajectory - right.trajectory[0]) / 2
    check = cross_check(g, result, replace(right, trajectory=halved, slopes=right.slopes / 2))
    assert not check.passed and {t.kind for t in check.failures} == {"value", "growth"}


@pytest.mark.parametrize("kind", ["self_loop_real", "chain"])
def test_a_limit_off_by_ten_percent_fails(runs, kind):
    g, result = runs[kind]
    right = predict(g, T)
    check = cross_check(g, result, replace(right, limits=right.limits * 1.1))
    assert not check.passed
    assert {t.kind for t in check.failures} == {"limit"}


def test_a_trajectory_off_by_ten_percent_fails(runs):
    g, result = runs["self_loop_real"]
    right = predict(g, T)
    check = cross_check(g, result, replace(right, trajectory=right.trajectory * 1.1))
    assert {t.kind for t in check.failures} == {"value"}


def test_a_wrong_verdict_fails(runs):
    """Claiming that the bounded self-loop collapses (rate 0.01) is refuted by its flat late slope."""
    g, result = runs["self_loop_real"]
    right = predict(g, T)
    wrong = replace(right, collapses=np.array([True]), slopes=np.array([0.01]), limits=np.array([np.nan]))
    assert [t.kind for t in cross_check(g, result, wrong).failures] == ["growth"]


def test_relative_tolerance_absorbs_small_offsets(runs):
    g, result = runs["self_loop_real"]
    right = predict(g, T)
    wrong = replace(right, trajectory=right.trajectory * 1.1, limits=right.limits * 1.1)
    assert cross_check(g, result, wrong, rel_tol=0.2).passed


def test_mismatched_inputs_are_errors(runs):
    g, result = runs["chain"]
    with pytest.raises(GraphCollapseError, match="covers 3 generations"):
        cross_check(g, result, predict(g, 3))
    with pytest.raises(GraphCollapseError, match="another graph"):
        cross_check(graph("two_cycle"), result)


def test_holm_and_z_test():
    assert holm([0.001, 0.01, 0.03, 0.04], alpha=0.05).tolist() == [True, True, False, False]
    assert holm([0.001, 0.01, 0.02, 0.04], alpha=0.05).all()
    assert holm([0.5, 0.0001], alpha=0.001).tolist() == [False, True]
    z, p = z_test([1.0, 1.0, 1.0], [0.0, 0.5, 0.95], [0.25, 0.25, 0.0], [0.0, 0.5, 0.1])
    assert z.tolist() == [4.0, 0.0, 0.0] and p[1] == p[2] == 1.0
    # Right-skewed errors: low means are less surprising, high means more (and the correction is monotone).
    grid = np.linspace(-8, 8, 33)
    corrected, _ = z_test(grid, 0.0, 1.0, skewness=3.0, replications=100)
    assert corrected[0] > -8 and corrected[-1] > 8 and np.all(np.diff(corrected) > 0)


def test_the_late_window_removes_a_periodic_term():
    window = LateWindow.for_run(generations=20, period=3)
    t = np.arange(21.0)
    wave = np.array([0.0, 5.0, -2.0])[np.arange(21) % 3]
    assert window.start == 12 and window.blocks == 3
    assert window.slope_weights @ (0.5 * t + wave) == pytest.approx(0.5)
    assert window.late_weights @ wave == pytest.approx(1.0)


# ----------------------------------------------------------------------- CLI

def write(tmp_path, g):
    path = tmp_path / "g.json"
    g.save(path)
    return str(path)


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_passes_with_exit_0_and_a_table(capsys):
    status, out, err = run(capsys, "check", "demo", "-R", "800", "-T", "10", "--seed", "1", "--method", "sufficient")
    assert status == 0 and err == ""       # no progress bar when stderr is not a terminal
    assert "PASSED: all" in out and "fitted slope" in out and "seed 1" in out


def test_cli_json_contract(tmp_path, capsys):
    path = write(tmp_path, graph("chain"))
    status, out, _ = run(capsys, "check", path, "--replications", "400", "--generations", "6", "--seed", "3",
                         "--json")
    data = json.loads(out)
    assert status == 0 and data["passed"] is True
    assert set(data["models"]) == {"A", "B"}
    rows = data["models"]["B"]["generations"]
    assert [row["t"] for row in rows] == list(range(7))
    assert {"t", "predicted", "mean", "stderr"} <= set(rows[0])
    assert rows[0]["predicted"] == pytest.approx(1 / 50)
    assert data["models"]["B"]["collapses"] is False
    assert data["models"]["B"]["limit"]["predicted"] == pytest.approx(0.03)


def test_cli_exit_1_when_the_theory_disagrees(capsys, monkeypatch):
    from graphcollapse.system import System

    right = System.prediction

    def wrong(system, T):
        p = right(system, T)
        return replace(p, trajectory=p.trajectory * 1.5)

    monkeypatch.setattr(System, "prediction", wrong)
    status, out, _ = run(capsys, "check", "two_cycle", "-R", "500", "-T", "5", "--seed", "2")
    assert status == 1 and "FAILED" in out and "E_A(0): predicted 0.15" in out


@pytest.mark.parametrize("argv, message", [
    (["self_loop", "-R", "100", "-T", "3"], "substitute"),
    (["missing.json", "-R", "100", "-T", "3"], "not found"),
    (["chain", "-R", "1", "-T", "3"], "--replications must be >= 2"),
    (["chain", "-R", "10", "-T", "3", "--estimator", "generic"], "no sampler"),
    (["chain", "-R", "10", "-T", "3", "--alpha", "1.5"], "family-wise level"),
])
def test_cli_user_errors_exit_2(capsys, argv, message):
    status, out, err = run(capsys, "check", *argv)
    assert status == 2 and out == "" and err.count("\n") == 1 and message in err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_one_line():
    pytest.importorskip("tqdm")
    from graphcollapse.presentation.progress import progress_bar

    stream = _Terminal()
    bar = progress_bar(4, "simulating", stream=stream)
    assert bar.active
    bar(1, 4)
    time.sleep(0.3)                           # the bar redraws at most every 0.2 s
    bar(2, 4)
    bar(4, 4)
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r") >= 3 and "simulating" in text and " 50%" in text
    assert text.endswith("\r")
    assert not bar.active                     # closed (and its line erased) at the end


def test_progress_bar_is_silent_off_a_terminal(monkeypatch):
    from graphcollapse.presentation.progress import progress_bar

    stream = io.StringIO()
    bar = progress_bar(4, "simulating", stream=stream)
    for done in range(1, 5):
        bar(done, 4)
    assert stream.getvalue() == "" and not bar.active
    monkeypatch.setitem(sys.modules, "tqdm", None)          # a terminal, but no tqdm: silent too
    terminal = _Terminal()
    bar = progress_bar(4, "simulating", stream=terminal)
    bar(4, 4)
    assert terminal.getvalue() == "" and not bar.active


def test_cli_plot_without_matplotlib_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, err = run(capsys, "check", "chain", "-R", "10", "-T", "2", "--plot", str(tmp_path / "f.png"))
    assert status == 2 and "pip install 'graphcollapse[plot]'" in err and err.count("\n") == 1


def test_cli_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = tmp_path / "check.png"
    status, out, _ = run(capsys, "check", "demo", "-R", "200", "-T", "6", "--seed", "1", "--plot", str(target))
    assert status == 0 and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


GEOMETRIC = {"family": "custom", "params": ["q"], "theta": {"q": "1/3"}, "support": "integers",
             "logpdf": "log(q) + x*log(1 - q)"}


def custom_pair(estimator):
    return from_dict({"name": "geometric pair", "estimator": estimator,
                      "models": [{"id": "A", "n": 300, "real": "1/3"}, {"id": "B", "n": 300, "real": 0}],
                      "edges": [{"from": "A", "to": "A", "weight": "2/3"}, {"from": "A", "to": "B", "weight": "1/2"},
                                {"from": "B", "to": "B", "weight": "1/2"}]})


def test_cli_checks_a_custom_log_density(tmp_path, capsys):
    """Geometric pmf: sampled by inversion, fitted by Newton; limits 4/9000 and 0.000625..."""
    path = write(tmp_path, custom_pair(GEOMETRIC))
    status, out, err = run(capsys, "check", path, "-R", "600", "-T", "8", "--seed", "5", "--method", "sufficient",
                           "--json")
    data = json.loads(out)
    assert status == 0 and err == "" and data["passed"] is True and data["method"] == "samples"
    assert data["models"]["A"]["generations"][0]["predicted"] == pytest.approx(2 / 8100, rel=1e-12)  # q²(1-q)/n


def test_cli_density_not_normalised_off_the_truth_exits_2(tmp_path, capsys):
    """Normalised at r = 2 only: the first fit away from 2 is reported, in one line."""
    broken = {"family": "custom", "params": ["r"], "theta": {"r": 2}, "support": "positive",
              "logpdf": "log(r) - r*x + log(1 + (r - 2)**2)"}
    path = write(tmp_path, custom_pair(broken))
    status, out, err = run(capsys, "check", path, "-R", "64", "-T", "2", "--seed", "5")
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "normalised for every parameter value" in err and "'custom'" in err
