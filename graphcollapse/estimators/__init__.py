"""Estimator families: each turns a graph into its second-moment recursion and names its simulation kernel.

Importing this package registers the built-in estimators.
"""

from graphcollapse.estimators.base import ESTIMATORS, Estimator, estimator_for, recurrence, register
# Registration of the built-in estimators (one import per line).
from graphcollapse.estimators import gaussian_mean  # noqa: F401,E402
from graphcollapse.estimators import gaussian_fit  # noqa: F401,E402
from graphcollapse.estimators import categorical  # noqa: F401,E402
from graphcollapse.estimators import generic  # noqa: F401,E402
from graphcollapse.estimators import linear_regression  # noqa: F401,E402
from graphcollapse.estimators import m_estimators  # noqa: F401,E402

__all__ = ["ESTIMATORS", "Estimator", "estimator_for", "recurrence", "register"]
