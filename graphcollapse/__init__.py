"""graphcollapse: exact analysis of model collapse on interaction graphs.

Examples
--------
>>> import graphcollapse as gc
>>> g = gc.from_matrix([[0, 1], [1, 0]])          # a closed 2-cycle
>>> gc.collapsing(g).tolist()
[True, True]
>>> gc.analyze(g).models[0].slope                 # (D_1 + D_2)/2 with D = sigma2/n = 1
1
"""

__version__ = "0.1.0"

from graphcollapse.errors import GraphCollapseError, InternalConsistencyError
from graphcollapse.graph import InteractionGraph, from_dict, from_json, from_matrix, from_networkx, load
from graphcollapse.topology import Topology
from graphcollapse.verdict import collapsing, theorem_a
from graphcollapse.estimators import ESTIMATORS, estimator_for, recurrence
from graphcollapse.recurrence.operator import Recurrence
from graphcollapse.solvers.stability import stability
from graphcollapse.solvers.limits import limits
from graphcollapse.solvers.growth import cesaro_slopes, growth_rates
from graphcollapse.solvers.trajectory import closed_form, trajectory
from graphcollapse.solvers.predicate import collapse_predicate
from graphcollapse.solvers.threshold import sample_size_threshold
from graphcollapse.linalg.spectral import spectral_radius
from graphcollapse.analysis import Analysis, analyze
from graphcollapse.simulation import cross_check, simulate

__all__ = [
    "__version__",
    "GraphCollapseError", "InternalConsistencyError",
    "InteractionGraph", "load", "from_json", "from_dict", "from_matrix", "from_networkx",
    "Topology", "collapsing", "theorem_a",
    "ESTIMATORS", "estimator_for", "recurrence", "Recurrence",
    "stability", "limits", "growth_rates", "cesaro_slopes", "trajectory", "closed_form", "collapse_predicate",
    "sample_size_threshold", "spectral_radius",
    "Analysis", "analyze",
    "simulate", "cross_check",
]
