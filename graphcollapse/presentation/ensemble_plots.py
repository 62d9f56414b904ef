"""Pictures of an ensemble sweep: phase diagrams (heatmaps) and finite-size scaling.

* Two grid parameters: :func:`phase_diagram` draws, for each size ``K``,
  heatmaps of the estimated probability of macroscopic collapse, the mean
  collapse fraction, and the asymptotic law's probability (where derived).
* One grid parameter (or none): :func:`scaling_plot` draws the probability
  of macroscopic collapse and the conditional fraction against the
  parameter, one curve per ``K`` with confidence bars, and the law.

:func:`plot_sweep` picks the right one.  matplotlib is the optional extra
``plot``; without it a :class:`~graphcollapse.errors.MissingExtraError`
names the pip command.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graphcollapse.errors import InputError, MissingExtraError

__all__ = ["plot_sweep", "phase_diagram", "scaling_plot"]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError("plots need matplotlib: pip install 'graphcollapse[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _value(interval):
    return np.nan if interval is None or interval.estimate is None else interval.estimate


def phase_diagram(table, path: str | Path) -> Path:
    """Heatmaps over the two grid parameters, one row of panels per size."""
    plt = _pyplot()
    xname, yname = list(table.grid)
    xs, ys = table.grid[xname], table.grid[yname]
    with_law = any(r.estimate.law is not None and r.estimate.law.derived for r in table.rows)
    panels = ["P(macroscopic collapse)", "mean collapse fraction"] + (["law: P(macroscopic), K → ∞"]
                                                                     if with_law else [])
    fig, axes = plt.subplots(len(table.sizes), len(panels), figsize=(4.4 * len(panels), 3.6 * len(table.sizes)),
                             squeeze=False)
    for i, K in enumerate(table.sizes):
        grids = [np.full((len(ys), len(xs)), np.nan) for _ in panels]
        for row in table.rows:
            if row.K != K:
                continue
            a, b = ys.index(row.point[yname]), xs.index(row.point[xname])
            grids[0][a, b] = _value(row.estimate.p_macro)
            grids[1][a, b] = _value(row.estimate.fraction)
            if with_law and row.estimate.law.derived:
                grids[2][a, b] = row.estimate.law.p_macro
        # The estimated and the predicted probability share one colour scale.
        shared = np.nanmax([np.nanmax(g) if np.isfinite(g).any() else 0.0 for k, g in enumerate(grids) if k != 1])
        for j, (title, grid) in enumerate(zip(panels, grids)):
            ax = axes[i, j]
            top = None if j == 1 else max(shared, 1e-9)
            image = ax.imshow(grid, origin="lower", aspect="auto", vmin=0.0, vmax=top, cmap="viridis",
                              extent=_extent(xs, ys))
            ax.set_title(f"{title}\nK = {K:,}, {table.samples} samples" if j < 2 else title, fontsize=9)
            ax.set_xlabel(xname)
            ax.set_ylabel(yname)
            fig.colorbar(image, ax=ax)
    fig.suptitle(f"{table.ensemble}, real data: {table.real_rule}", fontsize=10)
    fig.tight_layout()
    return _save(fig, path, plt)


def _extent(xs, ys):
    def edges(values):
        v = np.asarray(values, dtype=float)
        if v.size == 1:
            return v[0] - 0.5, v[0] + 0.5
        step = np.diff(v).mean()
        return v[0] - step / 2, v[-1] + step / 2
    return (*edges(xs), *edges(ys))


def scaling_plot(table, path: str | Path) -> Path:
    """Probability of macroscopic collapse and conditional fraction against the grid parameter, per size."""
    plt = _pyplot()
    names = list(table.grid)
    if len(names) > 1:
        raise InputError("scaling_plot: at most one grid parameter (use phase_diagram for two)")
    xname = names[0] if names else None
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for K in table.sizes:
        rows = [r for r in table.rows if r.K == K]
        x = np.array([r.point[xname] if xname else 0.0 for r in rows], dtype=float)
        for ax, attr in zip(axes, ("p_macro", "fraction_given_macro")):
            ivs = [getattr(r.estimate, attr) for r in rows]
            y = np.array([_value(iv) for iv in ivs])
            low = np.array([np.nan if iv.low is None else iv.low for iv in ivs])
            high = np.array([np.nan if iv.high is None else iv.high for iv in ivs])
            ax.errorbar(x, y, yerr=[np.nan_to_num(y - low), np.nan_to_num(high - y)], marker="o", capsize=3,
                        label=f"K = {K:,}")
    rows = [r for r in table.rows if r.K == table.sizes[0]]
    if any(r.estimate.law is not None and r.estimate.law.derived for r in rows):
        x = np.array([r.point[xname] if xname else 0.0 for r in rows], dtype=float)
        axes[0].plot(x, [r.estimate.law.p_macro for r in rows], "k--", label="law, K → ∞")
        axes[1].plot(x, [r.estimate.law.phi for r in rows], "k--", label="law φ, K → ∞")
    axes[0].set_ylabel("P(macroscopic collapse)")
    axes[1].set_ylabel("collapse fraction | macroscopic")
    for ax in axes:
        ax.set_xlabel(xname or "")
        ax.legend(fontsize=8)
    fig.suptitle(f"{table.ensemble}, real data: {table.real_rule}; {table.samples} samples per point, "
                 f"{table.settings.get('confidence', 0.95):.0%} intervals", fontsize=10)
    fig.tight_layout()
    return _save(fig, path, plt)


def plot_sweep(table, path: str | Path) -> Path:
    """A phase diagram for two grid parameters, a finite-size scaling plot otherwise."""
    if len(table.grid) == 2:
        return phase_diagram(table, path)
    if len(table.grid) > 2:
        raise InputError("plot: at most two grid parameters")
    return scaling_plot(table, path)


def _save(fig, path, plt) -> Path:
    path = Path(path)
    try:
        fig.savefig(path, dpi=110)
    except OSError as err:
        raise InputError(f"--plot: cannot write {path}: {err.strerror or err}") from None
    finally:
        plt.close(fig)
    return path
