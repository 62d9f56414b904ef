"""Sweeps: deterministic samples, resumable checkpoints, progress, intervals, reports and the command line."""

import json
import sys

import numpy as np
import pytest
from scipy import stats

from graphcollapse.cli import main
from graphcollapse.ensembles import Design, draw_sample, sweep
from graphcollapse.ensembles.intervals import bootstrap, clopper_pearson, mean_interval, t_interval, wilson
from graphcollapse.errors import InputError, ResourceLimitError


# ------------------------------------------------------------------ intervals
@pytest.mark.parametrize("k, n", [(0, 10), (3, 20), (17, 40), (50, 50)])
def test_binomial_intervals_match_scipy(k, n):
    for method, ours in (("wilson", wilson), ("exact", clopper_pearson)):
        reference = stats.binomtest(k, n).proportion_ci(0.95, method=method)
        got = ours(k, n, 0.95)
        assert (got.low, got.high) == pytest.approx((reference.low, reference.high), abs=1e-9)


def test_mean_intervals():
    values = np.array([0.0, 0.0, 0.0, 0.8, 0.79])
    t = t_interval(values)
    half = stats.t.ppf(0.975, 4) * values.std(ddof=1) / np.sqrt(5)
    assert (t.low, t.high) == pytest.approx((values.mean() - half, values.mean() + half))
    clipped = mean_interval(values, lower=0.0, upper=1.0)
    assert clipped.low == 0.0 and clipped.high == pytest.approx(t.high)
    b = bootstrap(values)
    assert 0.0 <= b.low < values.mean() < b.high <= 0.8 and b.n == 5
    assert t_interval([0.5]).low is None and wilson(0, 0).estimate is None
    with pytest.raises(InputError, match="confidence"):
        wilson(1, 2, 1.5)


# --------------------------------------------------------------------- sweeps
def test_samples_depend_only_on_their_design_and_index():
    design = Design("er", {"c": 2.0}, 3000, real_fraction=0.1, seed=5)
    assert draw_sample(design, 3) == draw_sample(design, 3) != draw_sample(design, 4)
    serial = sweep("er", [3000], params={"c": 2.0}, grid={"p": [0.1, 0.2]}, samples=3, seed=5, workers=1)
    alone = sweep("er", [3000], params={"c": 2.0}, real_fraction=0.1, samples=3, seed=5, workers=1)
    assert serial.row(p=0.1).estimate.fraction == alone.rows[0].estimate.fraction


def test_local_processes_give_the_serial_table():
    options = dict(params={"c": 2.0}, grid={"p": [0.0, 0.3]}, samples=3, seed=2)
    serial = sweep("er", [2000], workers=1, **options)
    parallel = sweep("er", [2000], workers=2, **options)
    assert parallel.executor == "2 local processes"
    assert [r.estimate.to_json() for r in serial.rows] == [r.estimate.to_json() for r in parallel.rows]


def test_checkpoint_resumes_and_extends(tmp_path):
    path = tmp_path / "sweep.jsonl"
    calls = []
    first = sweep("er", [1000], params={"c": 2.0}, grid={"p": [0.0, 0.5]}, samples=2, workers=1,
                  checkpoint=path, progress=lambda done, total: calls.append((done, total)))
    assert (first.computed, first.resumed) == (4, 0)
    assert calls[0] == (0, 4) and calls[-1] == (4, 4) and len(calls) == 5
    more = sweep("er", [1000, 1500], params={"c": 2.0}, grid={"p": [0.0, 0.5]}, samples=3, workers=1,
                 checkpoint=path)
    assert (more.resumed, more.computed) == (4, 8)  # old samples reused: more sizes and samples added
    assert more.row(K=1000, p=0.0).estimate.samples == 3
    with pytest.raises(InputError, match="different sweep"):
        sweep("er", [1000], params={"c": 3.0}, grid={"p": [0.0]}, samples=1, workers=1, checkpoint=path)


def test_dask_local_cluster_gives_the_serial_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    options = dict(params={"c": 2.0}, samples=2, seed=3)
    serial = sweep("er", [1000], workers=1, **options)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        table = sweep("er", [1000], scheduler=c.scheduler_address, checkpoint=tmp_path / "d.jsonl", **options)
    assert table.executor.startswith("dask")
    assert table.rows[0].estimate.to_json() == serial.rows[0].estimate.to_json()


@pytest.mark.parametrize("kwargs, message", [
    ({"grid": {"q": [1]}}, "unknown parameter 'q'"),
    ({"grid": {"c": [1, 2]}, "params": {"c": 2}}, "both fixed and on the grid"),
    ({"samples": 0}, "samples must be"),
    ({"real_fraction": 1.5}, "fraction p must lie"),
    ({"real_rule": "best"}, "real-data rule must be"),
    ({"threshold": 0}, "threshold must lie"),
])
def test_bad_sweeps_are_one_line(kwargs, message):
    options = {"params": {"c": 2.0}, "samples": 1, "workers": 1, **kwargs}
    with pytest.raises(InputError, match=message):
        sweep("er", [100], **options)


def test_limits_exceeding_a_level_exact_and_float():
    small = sweep("er", [25], params={"c": 1.5}, real_fraction=0.5, samples=3, level=1.2, workers=1)
    assert small.rows[0].estimate.exceed_arithmetic == "exact rational"
    medium = sweep("er", [200], params={"c": 1.5}, real_fraction=0.5, samples=2, level=1.2, workers=1)
    e = medium.rows[0].estimate
    assert e.exceed_arithmetic == "float" and e.fraction.estimate <= e.exceed.estimate <= 1.0
    with pytest.raises(ResourceLimitError, match="at most 2000 models"):
        sweep("er", [5000], params={"c": 1.5}, samples=1, level=1.0, workers=1)


def test_exceedance_counts_models_above_the_level_by_hand():
    # Exact limits of a tiny graph, compared with the fraction the sample reports.
    import graphcollapse as gc
    from graphcollapse.ensembles.models import resolve
    from graphcollapse.ensembles.rules import has_real, real_data, weight_matrix

    design = Design("er", {"c": 1.5}, 12, real_fraction=0.5, level=1.1)
    stats_ = draw_sample(design, 0)
    rng = np.random.default_rng(design.seed_sequence(0))
    ensemble, params = resolve("er", {"c": 1.5})
    graph = ensemble.draw(12, rng, params)
    real = has_real(graph, real_data(graph, rng, "random", 0.5))
    W, r = weight_matrix(graph, real, rng)
    limits = gc.System(gc.from_matrix(W, real=r, n=1)).limits
    expected = sum(1 for value in limits if value is None or value > 1.1) / 12
    assert stats_.exceed == pytest.approx(expected)


# ----------------------------------------------------------------------- CLI
def test_cli_json_text_markdown(capsys):
    args = ["ensemble", "er", "--size", "1000", "--param", "c=2", "-p", "0.1", "--samples", "3", "--workers", "1"]
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ensemble"] == "erdos_renyi" and data["rows"][0]["samples"] == 3
    assert set(data["rows"][0]) >= {"p_macro", "fraction_given_macro", "closed_count", "law", "fraction"}
    assert data["rows"][0]["law"]["phi"] == pytest.approx(0.7968, abs=1e-4)
    assert main(args + ["--format", "markdown"]) == 0
    assert "| K | P(macro) [CI]" in capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("ensemble erdos_renyi (c=2.0, loops=True)")


def test_cli_grid_plot_and_checkpoint(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png, ck = tmp_path / "phase.png", tmp_path / "ck.jsonl"
    args = ["ensemble", "er", "-K", "500", "--grid", "c=1:3:3", "--grid", "p=0,0.5", "-S", "2", "--workers", "1",
            "--plot", str(png), "--checkpoint", str(ck), "--format", "json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert len(first["rows"]) == 6 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["run"]["resumed"] == 12 and again["rows"] == first["rows"]
    scaling = tmp_path / "scaling.png"
    assert main(["ensemble", "er", "-K", "300,600", "--grid", "c=1.5,2.5", "-S", "2", "--workers", "1",
                 "--plot", str(scaling)]) == 0
    assert scaling.stat().st_size > 1000


def test_cli_real_set_and_degree_files(tmp_path, capsys):
    real = tmp_path / "real.txt"
    real.write_text("0\n1\n2\n")
    assert main(["ensemble", "er", "-K", "300", "--param", "c=2", "--real-set", str(real), "-S", "1",
                 "--workers", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["real_rule"] == "set" and data["rows"][0]["law"]["derived"] is False
    degrees = tmp_path / "degrees.txt"
    degrees.write_text("\n".join(f"{i % 3} {(i + 1) % 3}" for i in range(300)))
    assert main(["ensemble", "configuration", "-K", "300", "--degrees", str(degrees), "-S", "1", "--workers", "1",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["params"]["in_degrees"]["size"] == 300


@pytest.mark.parametrize("argv, message", [
    (["ensemble", "nope", "-K", "10"], "unknown ensemble"),
    (["ensemble", "er", "-K", "ten", "--param", "c=2"], "--size"),
    (["ensemble", "er", "-K", "10", "--param", "c"], "expected NAME=VALUE"),
    (["ensemble", "er", "-K", "10", "--grid", "c=1:2"], "START:STOP:NUM"),
    (["ensemble", "er", "-K", "10", "--param", "c=2", "--real-set", "/nonexistent/file"], "cannot read"),
])
def test_cli_errors_are_one_line_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_plot_without_matplotlib_names_the_extra(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["ensemble", "er", "-K", "200", "--param", "c=2", "-S", "1", "--workers", "1",
                 "--plot", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'graphcollapse[plot]'" in err and len(err.strip().splitlines()) == 1


def test_the_names_listed_by_help_are_the_ensembles_tables():
    from graphcollapse.ensembles import ENSEMBLES, names

    assert names.ENSEMBLE_NAMES == tuple(ENSEMBLES)
