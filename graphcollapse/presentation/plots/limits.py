"""Limits and growth rates per model as bars, grouped by strong component.

Two panels side by side: the limits ``L_k`` of the models that settle
(Theorem C) and the growth rates ``c_k`` of those that collapse (Theorem B),
each bar labelled with its exact value.  Models of one strong component
stand together (components in topological order of the condensation:
upstream first) on alternating shaded bands, closed classes named.
Geometric growth has no linear rate: its bar is replaced by the factor
``ρ``.  A logarithmic axis is used when the values span more than two
decades.
"""

from __future__ import annotations

import math

import numpy as np

from graphcollapse.presentation.plots.inputs import as_system, require_numbers
from graphcollapse.presentation.plots.style import (BOUNDED, COLLAPSE, NEUTRAL, error_label, figure_style, plain,
                                                    tex_value)

__all__ = ["plot_limits", "MAX_BARS"]

#: More models than this are refused (a bar chart stops being readable).
MAX_BARS = 80


def _order(topology) -> tuple[list[int], list[tuple[int, int, int]]]:
    """Model positions grouped by component, and ``(component, first, last)`` bar positions per group."""
    order, groups = [], []
    for c, members in enumerate(topology.components):
        first = len(order)
        order.extend(int(k) for k in members)
        groups.append((c, first, len(order) - 1))
    return order, groups


def _bars(ax, x, heights, colour, hatch, texts, log: bool) -> None:
    bars = ax.bar(x, heights, width=0.7, color=colour, edgecolor="white" if not hatch else colour,
                  hatch=hatch, linewidth=0.6, zorder=2)
    if hatch:
        for bar in bars:
            bar.set_facecolor("white")
    for bar, text in zip(bars, texts):
        if text:
            ax.annotate(f"${text}$", (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6.5, rotation=90
                        if len(text) > 6 else 0, color=NEUTRAL)
    if log:
        ax.set_yscale("log")


def _spans(values) -> bool:
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    return len(positive) > 1 and max(positive) / min(positive) > 100


def plot_limits(source, *, values=None):
    """A bar chart of the limits and growth rates of every model, grouped by component.

    Parameters
    ----------
    source : InteractionGraph or System
    values : mapping, optional
        Values for the graph's symbols (the figure needs numbers).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from graphcollapse.errors import InputError

    system = as_system(source, values)
    require_numbers(system, "limits plot")
    graph, top = system.graph, system.topology
    if graph.K > MAX_BARS:
        raise InputError(f"the limits plot draws at most {MAX_BARS} models, the graph has {graph.K}: "
                         "use 'analyze --json' for the numbers, or '--kind graph' for the picture")
    limits, slopes, stability = system.limits, system.slopes, system.stability
    order, groups = _order(top)
    bounded = [k for k in order if limits[k] is not None]
    growing = [k for k in order if limits[k] is None]
    panels = [p for p in (("limits", bounded), ("slopes", growing)) if p[1]]
    with figure_style() as Figure:
        widths = [max(len(models), 2) for _, models in panels]
        figure = Figure(figsize=(min(1.2 + 0.42 * sum(widths) + 1.2 * len(panels), 12.0), 3.6),
                        layout="constrained")
        axes = figure.subplots(1, len(panels), squeeze=False, width_ratios=widths)[0]
        for ax, (kind, models) in zip(axes, panels):
            x = np.arange(len(models), dtype=float)
            # component bands: alternate shading, closed classes named
            index = {k: i for i, k in enumerate(models)}
            shade = False
            for c, first, last in groups:
                shown = [index[k] for k in order[first:last + 1] if k in index]
                if not shown:
                    continue
                lo, hi = min(shown) - 0.45, max(shown) + 0.45
                if shade:
                    ax.axvspan(lo, hi, color="#EEEEEE", zorder=0, linewidth=0)
                shade = not shade
                if top.closed[c]:
                    ax.text((lo + hi) / 2, 0.985, "closed\nclass", transform=ax.get_xaxis_transform(),
                            ha="center", va="top", fontsize=7, color=COLLAPSE, style="italic")
            if kind == "limits":
                heights = [float(limits[k]) for k in models]
                _bars(ax, x, heights, BOUNDED, None, [tex_value(limits[k]) for k in models], _spans(heights))
                ax.set_ylabel(error_label(system, "L_k"))
                ax.set_title("limits $L_k$ of the bounded models", fontsize=9)
            else:
                rates = [float(slopes[k]) if math.isfinite(float(slopes[k])) else math.nan for k in models]
                finite = [0.0 if math.isnan(v) else v for v in rates]
                texts = [tex_value(slopes[k]) if math.isfinite(float(slopes[k])) else "" for k in models]
                _bars(ax, x, finite, COLLAPSE, "////", texts, _spans(finite))
                for xi, k, v in zip(x, models, rates):
                    if math.isnan(v):
                        factor = stability.growth_factor[k] if stability.growth_factor is not None else None
                        label = (f"geometric growth\n$\\rho = {tex_value(factor)}$" if factor is not None
                                 else f"{stability.growth[k]} growth")
                        ax.text(xi, 0.5, label, transform=ax.get_xaxis_transform(), ha="center", va="center",
                                fontsize=7, color=COLLAPSE, rotation=90 if len(models) > 3 else 0)
                if not any(finite):
                    ax.set_ylim(0, 1)
                    ax.set_yticks([])
                ax.set_ylabel("growth rate $c_k$ (error per generation)")
                ax.set_title("growth rates $c_k$ of the collapsing models\n$E_k(t) = c_k t + O(1)$", fontsize=9)
            ax.set_xticks(x, [plain(graph.ids[k]) for k in models], rotation=0 if len(models) <= 12 else 90)
            ax.set_xlim(-0.6, len(models) - 0.4)
            ax.grid(True, axis="y", linewidth=0.3, color="#CCCCCC", zorder=0)
            ax.margins(y=0.22)
            if ax.get_yscale() == "linear":
                ax.set_ylim(bottom=0)
        figure.supxlabel("model (grouped by strong component, upstream first; shading alternates per component)",
                         fontsize=8)
        name = plain(graph.name) if graph.name else "interaction graph"
        figure.suptitle(f"{name}: limits and growth rates ({system.arithmetic_label})", fontsize=10)
    return figure
