"""The number model: how text becomes exact numbers, and how exact numbers are decided.

* :mod:`.parse`: the whitelist parser for formulas in graph files (nothing
  is ever evaluated);
* :class:`NumberDomain` (:mod:`.domain`): the exact field of a set of values —
  ``QQ``, an algebraic number field ``QQ<θ>``, or a fraction field of these
  over the declared symbols — with exact zero tests, canonical forms and
  certified signs (:mod:`.certify`: interval arithmetic);
* :func:`decide`, :class:`Region`, :func:`interval_region` (:mod:`.regions`):
  exact feasibility of polynomial and rational constraints over real
  symbols, with verified exact witnesses (real root isolation for one symbol,
  z3's nonlinear real arithmetic otherwise);
* :mod:`.polys`, :mod:`.forms`: multivariate polynomial arithmetic
  (python-flint when installed; :mod:`.flint` is the one switch) and the
  canonical, paper-ready form of exact results.

Examples
--------
>>> from sympy import sqrt
>>> is_zero((1 + sqrt(2))**2 - 3 - 2*sqrt(2))
True
"""

from graphcollapse.numbers.parse import MAX_EXPONENT, MAX_EXPRESSION_LENGTH, parse_expression, to_exact
from graphcollapse.numbers.domain import NumberDomain, canonical, compare, domain_of, enclosure, is_zero, sign
from graphcollapse.numbers.factor import factor_irreducible
from graphcollapse.numbers.regions import Decision, Interval, Region, decide, interval_region

__all__ = [
    "parse_expression", "to_exact", "MAX_EXPRESSION_LENGTH", "MAX_EXPONENT",
    "NumberDomain", "domain_of", "is_zero", "sign", "compare", "enclosure", "canonical", "factor_irreducible",
    "Decision", "Interval", "Region", "decide", "interval_region",
]
