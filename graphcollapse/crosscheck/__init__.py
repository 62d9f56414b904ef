"""The statistical comparison of theory and simulation (Holm-corrected z-tests).

The theory comes in as a :class:`Prediction` from a
:class:`~graphcollapse.system.System`; :func:`compare` tests it against a
:class:`~graphcollapse.simulation.engine.result.SimulationResult`.
"""

from graphcollapse.crosscheck.prediction import Prediction, prediction_from
from graphcollapse.crosscheck.check import CrossCheck, compare

__all__ = ["Prediction", "prediction_from", "CrossCheck", "compare"]
