"""Figures: the graph, the trajectories, the phase diagram, the limits (matplotlib, the ``plot`` extra).

=============  ==============================================  ==========================================
kind           what it shows                                   function
=============  ==============================================  ==========================================
``graph``      the interaction graph, verdicts, closed         :func:`~.graph.plot_graph`
               classes, real-data inflow, weights
``trajectory`` exact ``E_k(t)``, the simulation with 95%       :func:`~.trajectory.plot_trajectory`
               bands, the limit or the asymptote ``c_k t``
``phase``      where each model collapses over one or two      :func:`~.phase.plot_phase`
               symbols (exact predicate), the limit elsewhere
``limits``     limits and growth rates per model, grouped      :func:`~.limits.plot_limits`
               by strong component
=============  ==============================================  ==========================================

Every function takes an :class:`~graphcollapse.graph.InteractionGraph` or a
:class:`~graphcollapse.system.System` and returns a
``matplotlib.figure.Figure`` (made without pyplot: Jupyter shows it,
:func:`save_figure` writes it as PNG, PDF or SVG).  :func:`plot` is the
one entry point by kind, as the ``graphcollapse plot`` command uses it.

Examples
--------
>>> import graphcollapse as gc
>>> from graphcollapse.examples import load_example
>>> figure = gc.plot(load_example("demo"), "limits")
>>> [ax.get_title() for ax in figure.axes][0]
'limits $L_k$ of the bounded models'
"""

from __future__ import annotations

import inspect

from graphcollapse.errors import InputError, guarded
from graphcollapse.presentation.plots.graph import plot_graph
from graphcollapse.presentation.plots.limits import plot_limits
from graphcollapse.presentation.plots.phase import plot_phase
from graphcollapse.presentation.plots.style import require_matplotlib, save_figure
from graphcollapse.presentation.plots.trajectory import check_figure, plot_trajectory

__all__ = ["plot", "KINDS", "plot_graph", "plot_trajectory", "plot_phase", "plot_limits", "check_figure",
           "save_figure", "require_matplotlib"]

#: Figure kinds, in the order ``graphcollapse plot --help`` lists them.
KINDS = ("graph", "trajectory", "phase", "limits")


@guarded
def plot(source, kind: str = "graph", *, out=None, values=None, **options):
    """The figure of one ``kind`` for a graph or system; written to ``out`` if given.

    Parameters
    ----------
    source : InteractionGraph or System
    kind : {"graph", "trajectory", "phase", "limits"}
    out : path, optional
        Also write the figure (``.png``, ``.pdf`` or ``.svg``).
    values : mapping, optional
        Values for symbols, e.g. ``{"n": 100}``.
    **options
        Passed to the kind's function (e.g. ``generations``, ``replications``,
        ``models`` for trajectories).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        For an unknown kind or options the kind does not take.
    MissingExtraError
        If matplotlib is not installed.
    """
    require_matplotlib()
    functions = {"graph": plot_graph, "trajectory": plot_trajectory, "phase": plot_phase, "limits": plot_limits}
    if kind not in functions:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    function = functions[kind]
    accepted = set(inspect.signature(function).parameters) - {"source", "values"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise InputError(f"plot kind {kind!r} takes no option {', '.join(map(repr, unknown))} "
                         f"(it takes {', '.join(sorted(accepted)) or 'none'})")
    figure = function(source, values=values, **options)
    if out is not None:
        save_figure(figure, out)
    return figure

