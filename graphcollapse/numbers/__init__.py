"""The number model: how text becomes exact numbers, and how exact numbers are decided.

* :mod:`.parse`: the whitelist parser for formulas in graph files (nothing
  is ever evaluated);
* :mod:`.canonical`: the canonical, paper-ready form of exact results.
"""

from graphcollapse.numbers.parse import MAX_EXPONENT, MAX_EXPRESSION_LENGTH, parse_expression, to_exact
from graphcollapse.numbers.canonical import tidy

__all__ = ["parse_expression", "to_exact", "MAX_EXPRESSION_LENGTH", "MAX_EXPONENT", "tidy"]
