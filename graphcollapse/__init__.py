"""graphcollapse: exact analysis of model collapse on interaction graphs.

The public API is :data:`__all__`.  Names are imported on first use, so
``import graphcollapse`` (and ``graphcollapse --help``) stay fast; the
simulator, SymPy-heavy solvers and SciPy are loaded when a function needs them.

Examples
--------
>>> import graphcollapse as gc
>>> g = gc.from_matrix([[0, 1], [1, 0]])          # a closed 2-cycle
>>> gc.collapsing(g).tolist()
[True, True]
>>> gc.analyze(g).models[0].slope                 # (D_1 + D_2)/2 with D = sigma2/n = 1
1
>>> gc.System(g).limits                           # both collapse: no limits
(None, None)
"""

from __future__ import annotations

from importlib import import_module

from graphcollapse._version import __version__
from graphcollapse.errors import (ComputationError, GraphCollapseError, InputError, InternalConsistencyError,
                                  InternalError, MissingExtraError, NotSemisimpleError, ResourceLimitError,
                                  SingularSystemError, UndecidedError, UnsupportedError)

#: Where each lazily imported public name lives.
_LAZY = {
    # the graph
    "InteractionGraph": "graphcollapse.graph", "load": "graphcollapse.graph", "from_json": "graphcollapse.graph",
    "from_dict": "graphcollapse.graph", "from_matrix": "graphcollapse.graph", "from_networkx": "graphcollapse.graph",
    # topology and Theorem A
    "Topology": "graphcollapse.topology", "collapsing": "graphcollapse.verdict", "theorem_a": "graphcollapse.verdict",
    "Verdict": "graphcollapse.verdict",
    # estimators and the recursion
    "ESTIMATORS": "graphcollapse.estimators", "Estimator": "graphcollapse.estimators",
    "estimator_for": "graphcollapse.estimators", "recurrence": "graphcollapse.estimators",
    "Recurrence": "graphcollapse.operator",
    # solvers and their results
    "stability": "graphcollapse.solvers.stability", "Stability": "graphcollapse.solvers.stability",
    "limits": "graphcollapse.solvers.limits", "Limits": "graphcollapse.solvers.results",
    "growth_rates": "graphcollapse.solvers.growth", "cesaro_slopes": "graphcollapse.solvers.growth",
    "GrowthRates": "graphcollapse.solvers.results",
    "trajectory": "graphcollapse.solvers.trajectory", "closed_form": "graphcollapse.solvers.trajectory",
    "collapse_predicate": "graphcollapse.solvers.predicate", "CollapsePredicate": "graphcollapse.solvers.predicate",
    "sample_size_threshold": "graphcollapse.solvers.threshold", "Threshold": "graphcollapse.solvers.threshold",
    "spectral_radius": "graphcollapse.linalg.spectral",
    # the concept object and what it collects
    "System": "graphcollapse.system", "analyze": "graphcollapse.system", "predict": "graphcollapse.system",
    "cross_check": "graphcollapse.system", "Analysis": "graphcollapse.analysis",
    "ModelResult": "graphcollapse.analysis",
    # simulation and the cross-check
    "simulate": "graphcollapse.simulation", "SimulationResult": "graphcollapse.simulation",
    "Prediction": "graphcollapse.crosscheck", "CrossCheck": "graphcollapse.crosscheck",
    # distributional metrics of fitted distributions (exact where a finite structure allows, else labelled)
    "category_loss": "graphcollapse.metrics", "wasserstein": "graphcollapse.metrics",
    "divergence": "graphcollapse.metrics", "Metric": "graphcollapse.metrics",
    # schedules, random modes and memory (issue 13)
    "analyze_dynamics": "graphcollapse.solvers.dynamics", "dynamic_trajectory": "graphcollapse.solvers.dynamics",
    "DynamicAnalysis": "graphcollapse.solvers.dynamics", "DynamicModel": "graphcollapse.solvers.dynamics",
    # graph families in a symbolic size K
    "family": "graphcollapse.families", "Family": "graphcollapse.families", "FAMILIES": "graphcollapse.families",
    "analyze_family": "graphcollapse.families", "classify_families": "graphcollapse.families",
    # figures (matplotlib, the 'plot' extra)
    "plot": "graphcollapse.presentation.plots", "save_figure": "graphcollapse.presentation.plots",
}

__all__ = [
    "__version__",
    "GraphCollapseError", "InputError", "UnsupportedError", "ResourceLimitError", "ComputationError",
    "SingularSystemError", "NotSemisimpleError", "UndecidedError", "MissingExtraError", "InternalError",
    "InternalConsistencyError",
    *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphcollapse' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
