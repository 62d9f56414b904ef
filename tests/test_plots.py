"""Figures: every kind on the built-in examples, their content, exactness of the phase diagram, reference images."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from graphcollapse import System, from_dict
from graphcollapse.cli import main
from graphcollapse.errors import InputError, MissingExtraError
from graphcollapse.examples import load_example

matplotlib = pytest.importorskip("matplotlib")

from graphcollapse.presentation.plots import KINDS, plot, save_figure  # noqa: E402
from graphcollapse.presentation.plots.exact_signs import SignTable  # noqa: E402

BASELINE = Path(__file__).resolve().parent / "baseline_images"
#: Set GRAPHCOLLAPSE_UPDATE_BASELINE=1 to rewrite the reference images (then look at them).
UPDATE = os.environ.get("GRAPHCOLLAPSE_UPDATE_BASELINE") == "1"
PNG = b"\x89PNG\r\n\x1a\n"


def texts(figure) -> str:
    """Every piece of text in a figure: titles, labels, legends, annotations."""
    return "\n".join(t.get_text() for t in figure.findobj(matplotlib.text.Text))


def visible_axes(figure):
    return [ax for ax in figure.axes if ax.get_visible()]


# ------------------------------------------------------------ every kind runs
@pytest.mark.parametrize("name", ["demo", "chain", "two_cycle", "mixed_pair", "self_loop", "ring4"])
def test_graph_figure_marks_verdicts(name):
    graph = load_example(name)
    figure = plot(graph, "graph")
    text = texts(figure)
    for model in graph.ids:
        assert model in text.split("\n")            # every model is labelled
    status = System(graph).stability.bounded
    if not status.all() and not graph.free_symbols:
        assert "collapses" in text
    if System(graph).topology.closed.any():
        assert "closed class" in text
    if np.asarray(graph.has_real).any():
        assert "real data $r_k$" in text


def test_large_graphs_are_drawn_as_their_condensation():
    from graphcollapse import from_matrix

    K = 120
    rng = np.random.default_rng(5)
    W = np.zeros((K, K))
    for k in range(K):
        W[k, rng.integers(K)] += 0.5
        W[k, (k + 1) % 60 if k < 60 else rng.integers(K)] += 0.5 if k % 4 else 0.25
    graph = from_matrix(W, real=1 - W.sum(axis=1), n=[10] * K)
    system = System(graph)
    figure = plot(system, "graph")
    text = texts(figure)
    components = len(system.topology.components)
    assert f"condensation: {components} strong components" in text
    markers = sum(len(c.get_offsets()) for ax in figure.axes for c in ax.collections
                  if isinstance(c, matplotlib.collections.PathCollection))
    assert markers == components                       # one node per strong component
    full = plot(system, "graph", condensed=False)
    assert sum(len(c.get_offsets()) for ax in full.axes for c in ax.collections
               if isinstance(c, matplotlib.collections.PathCollection)) == K


@pytest.mark.parametrize("name", ["demo", "chain", "two_cycle", "mixed_pair"])
def test_trajectory_and_limits_figures_have_labelled_axes(name):
    graph = load_example(name)
    trajectory = plot(graph, "trajectory", generations=8)
    axes = visible_axes(trajectory)
    assert len(axes) == graph.K
    assert all(ax.get_ylabel().startswith("$E_") for ax in axes)
    assert "generation $t$" in texts(trajectory) and "units of $\\theta^2$" in texts(trajectory)
    bars = plot(graph, "limits")
    assert all(ax.get_ylabel() for ax in visible_axes(bars))
    heights = sorted(round(bar.get_height(), 12) for ax in bars.axes for container in ax.containers
                     for bar in container)
    system = System(graph)
    expected = sorted(round(float(v), 12) for v in
                      [L for L in system.limits if L is not None] + [c for c in system.slopes if c != 0])
    assert heights == expected                           # one bar per model, at its exact value


def test_trajectory_draws_exact_values_simulation_and_asymptotes():
    graph = load_example("demo")
    figure = plot(graph, "trajectory", generations=10, replications=300, seed=1)
    ax_a, ax_c = visible_axes(figure)[0], visible_axes(figure)[2]
    exact = ax_a.get_lines()[1].get_ydata()          # simulation mean first, then the exact line
    assert np.allclose(exact, [float(v[0]) for v in System(graph).trajectory(10)])
    assert "limit $L_{\\mathrm{A}} = 1/75$" in texts(figure)
    assert "c_{\\mathrm{C}} = 1/100" in texts(figure)
    assert len(ax_c.collections) == 1                  # the 95% band


def test_trajectory_of_geometric_growth_is_logarithmic():
    graph = from_dict({"estimator": {"family": "linear_regression", "d": 6, "sigma2": 1},
                       "models": [{"id": "A", "n": 8, "real": "1/8"}],
                       "edges": [{"from": "A", "to": "A", "weight": "7/8"}]})
    figure = plot(graph, "trajectory", generations=12)
    ax = visible_axes(figure)[0]
    assert ax.get_yscale() == "log" and "\\rho = 27/20" in texts(figure)


def test_phase_one_symbol_marks_the_exact_collapse_point():
    figure = plot(load_example("self_loop"), "phase")
    ax = visible_axes(figure)[0]
    assert "collapses iff $a = 0$" in ax.get_title()
    assert "fixed at 1: n" in texts(figure)             # the size symbol is fixed, and said so
    vertical = [line for line in ax.get_lines() if np.allclose(line.get_xdata(), 0.0)]
    assert vertical                                     # the collapse point a = 0, drawn where it is
    curve = max(ax.get_lines(), key=lambda line: len(line.get_xdata()))
    xs, ys = curve.get_xdata(), curve.get_ydata()
    assert xs.min() > 0 and np.allclose(ys, 1 / (xs * (2 - xs)))     # L = 1/(n a (2 - a)), n = 1


def test_phase_two_symbols_from_the_exact_predicate():
    figure = plot(load_example("ring4"), "phase", models=["0"], resolution=32)
    ax = visible_axes(figure)[0]
    # collapse on a = 0 and on w = 0 (except at a = 1): thick curves on the two edges
    thick = [line for line in ax.get_lines() if line.get_linewidth() > 3]
    on_a0 = [line for line in thick if np.allclose(line.get_xdata(), 0)]
    on_w0 = [line for line in thick if np.allclose(line.get_ydata(), 0)]
    assert on_a0 and on_w0
    assert max(line.get_xdata().max() for line in on_w0) <= 1.0
    exceptions = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in exceptions] == [(1.0, 0.0)]
    image = ax.get_images()[0].get_array()
    assert image.shape == (32, 32) and not np.ma.getmaskarray(image).any()   # bounded on the open square


def test_phase_one_symbol_marks_an_exceptional_bounded_point():
    # ring4 with w = 0: model 0 collapses for every a except a = 1, where model 3's edge vanishes
    figure = plot(load_example("ring4"), "phase", models=["0"], values={"w": 0})
    ax = visible_axes(figure)[0]
    assert "collapses iff $a \\neq 1$" in ax.get_title() and "given: w = 0" in texts(figure)
    exceptions = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in exceptions] == [(1.0, 1.0)]   # L = s = 1


def test_sign_table_decides_exactly():
    a, w = sympy.symbols("a w")
    table = SignTable([sympy.Eq(a - w, 0), sympy.Lt(a * a, sympy.Rational(1, 2))], (a, w))
    third = sympy.Rational(1, 3)
    assert table.truth(0, table.signs_at((third, third)))
    assert not table.truth(0, table.signs_at((third, sympy.Rational(1, 3) + sympy.Rational(1, 10**30))))
    # grid decisions agree with exact evaluation, also on the curve itself
    N = 8
    odd = 2 * np.arange(N) + 1
    X, Y = np.meshgrid(odd, odd)
    signs = table.grid_signs([X.ravel(), Y.ravel()], 2 * N)
    exact = np.array([table.signs_at((sympy.Rational(int(x), 2 * N), sympy.Rational(int(y), 2 * N)))
                      for x, y in zip(X.ravel(), Y.ravel())]).T
    assert (signs == exact).all()
    assert table.truths(0, signs).sum() == N            # the diagonal pixels: a = w exactly
    root = sympy.sqrt(2) / 2
    assert not table.truth(1, table.signs_at((root, sympy.Integer(0))))   # a^2 < 1/2 fails at a = 1/sqrt(2)


# --------------------------------------------------------------------- errors
def test_phase_refuses_graphs_without_symbols_and_limits_refuse_symbols():
    with pytest.raises(InputError, match="symbolic weights"):
        plot(load_example("demo"), "phase")
    with pytest.raises(InputError, match="--subs a=VALUE"):
        plot(load_example("ring4"), "limits")
    with pytest.raises(InputError, match="takes no option"):
        plot(load_example("demo"), "graph", generations=3)
    with pytest.raises(InputError, match="must be one of"):
        plot(load_example("demo"), "pie")


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'graphcollapse\[plot\]'"):
        plot(load_example("demo"), "graph")


# ------------------------------------------------------------------------ CLI
@pytest.mark.parametrize("kind, graph, extra", [
    ("graph", "demo", []),
    ("trajectory", "demo", ["-T", "6", "-R", "200", "--seed", "3"]),
    ("phase", "self_loop", ["--subs", "n=10"]),
    ("limits", "ring4", ["--subs", "a=1/2", "--subs", "w=1/3", "--subs", "s=1"]),
])
@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_cli_writes_each_format(tmp_path, capsys, kind, graph, extra, suffix):
    if suffix != ".png" and kind in ("trajectory", "limits"):
        pytest.skip("one format per kind is enough for the slower figures")
    out = tmp_path / f"figure{suffix}"
    status = main(["plot", graph, "--kind", kind, "--out", str(out), *extra])
    captured = capsys.readouterr()
    assert status == 0 and captured.err == "" and f"figure written to {out}" in captured.out
    data = out.read_bytes()
    assert len(data) > 5000
    assert data.startswith({".png": PNG, ".pdf": b"%PDF", ".svg": b"<?xml"}[suffix])


@pytest.mark.parametrize("argv, message", [
    (["demo", "--kind", "phase"], "symbolic weights"),
    (["demo", "--kind", "graph", "-R", "10"], "--replications applies to --kind trajectory"),
    (["demo", "--out", "figure.gif"], "must end in .png, .pdf or .svg"),
    (["ring4", "--kind", "limits"], "--subs a=VALUE"),
    (["demo", "--subs", "a"], "expected NAME=VALUE"),
    (["demo", "--kind", "trajectory", "--model", "Z"], "no such model"),
])
def test_cli_errors_are_one_line(capsys, argv, message):
    status = main(["plot", *argv])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == "" and captured.err.count("\n") == 1 and message in captured.err


def test_cli_without_matplotlib_is_one_line(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status = main(["plot", "demo"])
    err = capsys.readouterr().err
    assert status == 2 and "pip install 'graphcollapse[plot]'" in err and err.count("\n") == 1


# -------------------------------------------------- deterministic, reference
def test_svg_output_is_deterministic(tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    save_figure(plot(load_example("demo"), "graph"), first)
    save_figure(plot(load_example("demo"), "graph"), second)
    assert first.read_bytes() == second.read_bytes()


REFERENCES = {
    "graph_demo": lambda: plot(load_example("demo"), "graph"),
    "limits_demo": lambda: plot(load_example("demo"), "limits"),
    "phase_self_loop": lambda: plot(load_example("self_loop"), "phase", values={"n": 10}),
    "trajectory_two_cycle": lambda: plot(load_example("two_cycle"), "trajectory", generations=12),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_figure_matches_reference_image(tmp_path, name):
    from matplotlib.testing.compare import compare_images

    actual = tmp_path / f"{name}.png"
    save_figure(REFERENCES[name](), actual)
    expected = BASELINE / f"{name}.png"
    made_with = BASELINE / "MATPLOTLIB_VERSION"
    running = ".".join(matplotlib.__version__.split(".")[:2])
    if UPDATE:
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
        made_with.write_text(running + "\n")
    if made_with.read_text().strip() != running:
        pytest.skip(f"reference images were made with matplotlib {made_with.read_text().strip()}, not {running}: "
                    "text rendering may differ (regenerate with GRAPHCOLLAPSE_UPDATE_BASELINE=1 and look)")
    assert expected.exists(), f"no reference image {expected.name}: run with GRAPHCOLLAPSE_UPDATE_BASELINE=1"
    # RMS tolerance (0-255 scale) for font rasterisation differences between FreeType builds
    difference = compare_images(str(expected), str(actual), tol=8)
    assert difference is None, difference
