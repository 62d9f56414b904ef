"""Estimator families: each turns a graph into its second-moment recursion.

Importing this package registers the built-in families.
"""

from .base import FAMILIES, Family, family_for, recurrence, register
# Registration of the built-in families (one import per line).
from . import gaussian_mean  # noqa: F401,E402
from . import generic  # noqa: F401,E402
from . import linear_regression  # noqa: F401,E402
from . import m_estimators  # noqa: F401,E402

__all__ = ["FAMILIES", "Family", "family_for", "recurrence", "register"]
