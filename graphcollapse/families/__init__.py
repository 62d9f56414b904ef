"""Estimator families: each turns a graph into its second-moment recursion.

Importing this package registers the built-in families.
"""

from .base import FAMILIES, Family, family_for, recurrence, register
from . import gaussian_mean, generic  # noqa: F401  (registration)

__all__ = ["FAMILIES", "Family", "family_for", "recurrence", "register"]
