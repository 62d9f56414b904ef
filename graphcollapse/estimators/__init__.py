"""Estimator families: each turns a graph into its second-moment recursion.

Importing this package registers the built-in families.
"""

from graphcollapse.estimators.base import FAMILIES, Family, family_for, recurrence, register
# Registration of the built-in families (one import per line).
from graphcollapse.estimators import gaussian_mean  # noqa: F401,E402
from graphcollapse.estimators import generic  # noqa: F401,E402
from graphcollapse.estimators import linear_regression  # noqa: F401,E402
from graphcollapse.estimators import m_estimators  # noqa: F401,E402

__all__ = ["FAMILIES", "Family", "family_for", "recurrence", "register"]
