"""Exact numbers for graphcollapse: certified zero tests, signs and parameter regions.

* :class:`NumberDomain` — the exact field (QQ, QQ<θ>, or a fraction field
  over the declared symbols) of a set of expressions, with exact zero
  tests, canonical forms and certified signs.
* :func:`decide`, :class:`Region`, :func:`interval_region` — exact
  feasibility of polynomial and rational constraints over real symbols,
  with verified exact witnesses.

Examples
--------
>>> from sympy import sqrt
>>> is_zero((1 + sqrt(2))**2 - 3 - 2*sqrt(2))
True
"""

from .domain import NumberDomain, canonical, compare, domain_of, enclosure, is_zero, sign
from .factor import factor_irreducible
from .regions import Decision, Interval, Region, decide, interval_region

__all__ = [
    "NumberDomain", "domain_of", "is_zero", "sign", "compare", "enclosure", "canonical", "factor_irreducible",
    "Decision", "Interval", "Region", "decide", "interval_region",
]
