"""Monte Carlo simulation of the interactive-learning process, and the cross-check.

:func:`simulate` runs the process of MODEL.md section 1 (models drawing real
and synthetic samples and refitting, generation after generation) on a graph
and returns the squared errors of every replication;
:func:`cross_check` compares them with the exact predictions.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 20}, {"id": "B", "n": 20}],
...                "edges": [{"from": "A", "to": "B", "weight": 1}, {"from": "B", "to": "A", "weight": 1}]})
>>> result = simulate(g, generations=10, replications=2000, seed=3, method="sufficient")
>>> cross_check(g, result).passed
True
"""

from graphcollapse.simulation.engine.loop import METHODS, simulate
from graphcollapse.simulation.engine.result import SimulationResult
from graphcollapse.crosscheck.prediction import Prediction, predict
from graphcollapse.crosscheck.check import CrossCheck, cross_check

__all__ = ["simulate", "SimulationResult", "METHODS", "Prediction", "predict", "CrossCheck", "cross_check"]
