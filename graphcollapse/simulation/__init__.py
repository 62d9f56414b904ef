"""Monte Carlo simulation of the interactive-learning process.

:func:`simulate` runs the process (models drawing real and synthetic samples
and refitting, generation after generation) on a graph and returns the
squared errors of every replication; :func:`graphcollapse.cross_check`
compares them with the exact predictions.

* :mod:`.engine`: the generation loop, the sampling plan, random streams, the result;
* :mod:`.kernels`: one kernel per estimator (named by the estimator itself);
* :mod:`.numerics`: inversion sampling, vectorised M-fits, compiled log-densities.

Examples
--------
>>> from graphcollapse import cross_check
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 20}, {"id": "B", "n": 20}],
...                "edges": [{"from": "A", "to": "B", "weight": 1}, {"from": "B", "to": "A", "weight": 1}]})
>>> result = simulate(g, generations=10, replications=2000, seed=3, method="sufficient")
>>> cross_check(g, result).passed
True
"""

from graphcollapse.simulation.engine.loop import METHODS, simulate
from graphcollapse.simulation.engine.result import SimulationResult

__all__ = ["simulate", "SimulationResult", "METHODS"]
