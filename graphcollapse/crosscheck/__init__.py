"""The statistical comparison of theory and simulation: :func:`cross_check`."""

from graphcollapse.crosscheck.prediction import Prediction, predict
from graphcollapse.crosscheck.check import CrossCheck, cross_check

__all__ = ["Prediction", "predict", "CrossCheck", "cross_check"]
