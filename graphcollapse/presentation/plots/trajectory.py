"""``E_k(t)`` against the generations: the exact values, the simulation, and where they are heading.

One panel per model: the exact ``E_k(t)`` (black), the Monte Carlo mean
with its 95% confidence band when a simulation is given (sky blue), and the
asymptotics — the limit ``L_k`` for a bounded model, the asymptote
``c_k t + b_k`` (Theorem B; ``b_k`` is the mean of ``E_k(t) - c_k t`` over
the last period shown) for linear growth, ``C ρ^t`` for geometric growth.
The error axis is logarithmic where that helps: geometric growth, or
values spanning more than two decades.
"""

from __future__ import annotations

import math

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.presentation.plots.inputs import as_system, chosen_models, require_numbers
from graphcollapse.presentation.plots.style import (BOUNDED, COLLAPSE, SIMULATION, error_label,
                                                    figure_style, math_id, plain, tex_value)

__all__ = ["plot_trajectory", "check_figure", "Z95"]

Z95 = 1.959963984540054


def _wants_log(values: np.ndarray, growth: str) -> bool:
    if growth == "geometric":
        return True
    positive = values[np.isfinite(values) & (values > 0)]
    return positive.size > 1 and positive.max() / positive.min() > 100


def _panel(ax, t, exact, model: str, growth: str, *, limit=None, slope=None, period: int = 1,
           limit_text: str | None = None, slope_text: str | None = None, geometric=None, mean=None, se=None,
           failing=(), log: bool | None = None) -> None:
    """Draw one model's panel; ``geometric = (C, rho, rho_text)`` for geometric growth."""
    mid = math_id(model)
    values = np.concatenate([exact, mean if mean is not None else []])
    log = _wants_log(values, growth) if log is None else log
    if mean is not None:
        low = mean - Z95 * se
        if log:   # a band reaching below zero is cut at the smallest value shown
            floor = values[values > 0].min() / 2 if (values > 0).any() else 1e-300
            low = np.maximum(low, floor)
        ax.fill_between(t, low, mean + Z95 * se, color=SIMULATION, alpha=0.3, linewidth=0,
                        label="simulation, 95% band")
        ax.plot(t, mean, "o", color=SIMULATION, markersize=2.8, markeredgecolor="#1F6F99", markeredgewidth=0.4,
                label="simulation mean")
    ax.plot(t, exact, "-", color="black", linewidth=1.3, marker="." if len(t) <= 41 else None, markersize=3,
            label=f"exact $E_{{{mid}}}(t)$", zorder=3)
    if growth == "bounded" and limit is not None and math.isfinite(limit):
        ax.axhline(limit, color=BOUNDED, linestyle="--", linewidth=1.1,
                   label=f"limit $L_{{{mid}}} = {limit_text or tex_value(limit)}$")
    elif growth == "linear" and slope is not None and math.isfinite(slope):
        window = slice(max(0, len(t) - max(period, 1)), len(t))
        offset = float(np.mean(exact[window] - slope * t[window]))
        ax.plot(t, slope * t + offset, "--", color=COLLAPSE, linewidth=1.1, zorder=4,
                label=f"asymptote $c_{{{mid}}}\\,t + b$, $c_{{{mid}}} = {slope_text or tex_value(slope)}$")
    elif growth == "geometric" and geometric is not None:
        C, rho, rho_text = geometric
        ax.plot(t, C * rho ** t, ":", color=COLLAPSE, linewidth=1.4,
                label=f"$C\\rho^t$, $\\rho = {rho_text}$")
    if len(failing):
        ax.plot(failing, mean[list(failing)], "x", color=COLLAPSE, markersize=7, markeredgewidth=1.5,
                label="disagrees", zorder=4)
    if log:
        ax.set_yscale("log")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    verdict = {"bounded": "bounded", "linear": "collapses, linear growth", "geometric": "collapses, geometric growth",
               "polynomial": "collapses, polynomial growth"}.get(growth, growth)
    ax.set_title(f"model {plain(model)}: {verdict}", fontsize=9)
    ax.set_ylabel(f"$E_{{{mid}}}(t)$")
    ax.legend(fontsize=6.5, loc="best")
    ax.grid(True, which="major", linewidth=0.3, color="#CCCCCC")


def _axis_labels(figure, axes, ylabel: str) -> None:
    if len(axes) == 1:
        axes[0].set_xlabel("generation $t$")
        axes[0].set_ylabel(ylabel)
        return
    figure.supxlabel("generation $t$", fontsize=9)
    figure.supylabel(ylabel, fontsize=9)


def _grid(Figure, n: int):
    columns = min(n, 3)
    rows = -(-n // columns)
    figure = Figure(figsize=(3.6 * columns + 0.6, 2.7 * rows + 0.7), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for i in range(n, rows * columns):
        axes[i // columns][i % columns].set_visible(False)
    return figure, [axes[i // columns][i % columns] for i in range(n)]


def plot_trajectory(source, generations: int = 30, *, replications: int | None = None, seed=None,
                    method: str = "sufficient", models=None, log: bool | None = None, values=None,
                    result=None, progress=None):
    """A figure of ``E_k(t)``, ``t = 0 … generations``: exact, simulated, asymptotic (see the module notes).

    Parameters
    ----------
    source : InteractionGraph or System
    generations : int
        Last generation ``T``.
    replications : int, optional
        Simulate this many replications and draw their mean with a 95% band.
    seed, method
        Passed to :meth:`~graphcollapse.system.System.simulate`.
    models : sequence of str, optional
        Model ids to draw (default: all, at most 12).
    log : bool, optional
        Logarithmic error axis (default: where it helps).
    values : mapping, optional
        Values for the graph's symbols (the figure needs numbers).
    result : SimulationResult, optional
        A simulation already run (instead of ``replications``).
    progress : callable, optional
        ``progress(done, total)`` for the simulation.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(generations, bool) or not isinstance(generations, int) or generations < 1:
        raise InputError(f"generations must be an integer >= 1, got {generations!r}")
    system = as_system(source, values)
    require_numbers(system, "trajectory plot")
    prediction = system.prediction(generations)
    if result is None and replications:
        result = system.simulate(generations, replications, seed=seed, method=method, progress=progress)
    if result is not None and result.generations != generations:
        raise InputError(f"the simulation has {result.generations} generations, the figure {generations}")
    positions, note = chosen_models(system, models)
    t = np.arange(generations + 1, dtype=float)
    limits, slopes, stability = system.limits, system.slopes, system.stability
    with figure_style() as Figure:
        figure, axes = _grid(Figure, len(positions))
        for ax, k in zip(axes, positions):
            growth = prediction.growth[k]
            geometric = None
            if growth == "geometric":
                C = system.growth_constant(k)
                rho = stability.growth_factor[k]
                if C is not None:
                    geometric = (float(C), float(rho), tex_value(rho))
            _panel(ax, t, prediction.trajectory[:, k], system.graph.ids[k], growth,
                   limit=float(prediction.limits[k]), slope=float(prediction.slopes[k]), period=prediction.period,
                   limit_text=tex_value(limits[k]) if limits[k] is not None else None,
                   slope_text=tex_value(slopes[k]), geometric=geometric,
                   mean=None if result is None else result.mean_error[:, k],
                   se=None if result is None else result.stderr[:, k], log=log)
        _axis_labels(figure, axes, error_label(system, f"E_{{{math_id(system.graph.ids[positions[0]])}}}(t)")
                     if len(axes) == 1 else error_label(system))
        name = plain(system.graph.name) if system.graph.name else "interaction graph"
        simulated = "" if result is None else (f"\nsimulation: {result.replications} replications, "
                                               f"method {result.method}, seed {result.seed_entropy}")
        figure.suptitle(f"{name}: exact $E_k(t)${simulated}" + (f"\n{note}" if note else ""), fontsize=10)
    return figure


def check_figure(check):
    """A figure of a :class:`~graphcollapse.crosscheck.CrossCheck`: theory, simulation, disagreements."""
    result, pred = check.result, check.prediction
    t = np.arange(result.generations + 1, dtype=float)
    with figure_style() as Figure:
        figure, axes = _grid(Figure, len(pred.ids))
        for k, (ax, model) in enumerate(zip(axes, pred.ids)):
            failing = [test.t for test in check.by_model[model]["value"] if test.rejected]
            _panel(ax, t, pred.trajectory[:, k], model, pred.growth[k], limit=float(pred.limits[k]),
                   slope=float(pred.slopes[k]), period=pred.period, mean=result.mean_error[:, k],
                   se=result.stderr[:, k], failing=failing)
        _axis_labels(figure, axes, "error $E_k(t)$")
        status = "PASSED" if check.passed else "FAILED"
        figure.suptitle(f"{plain(result.family)}, {result.replications} replications, {result.method}: {status}",
                        fontsize=10)
    return figure
