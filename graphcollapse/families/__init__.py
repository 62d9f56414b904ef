"""Graph families: verdicts, limits and growth rates as exact functions of the size ``K`` (MODEL.md section 8).

A :class:`Family` maps a size ``K`` (and the symbols of its :class:`Rule`)
to an interaction graph.  :func:`analyze_family` gives, per position class,
the collapse verdict and condition and the limit or growth rate in closed
form: *derived* where a symmetry reduces the problem to a size that does not
depend on ``K`` (orbit quotient for complete, star and bipartite families;
the Fourier basis for circulants; a recursion by position for paths and
trees), *guessed* elsewhere and then always labelled "conjectured, verified
for K ≤ M".  Every derived form is compared exactly with the single-graph
analysis at several sizes; :func:`simulation_check` tests it against the
simulator at one size; :func:`classify_families` tabulates the built-in
families under one rule.

Examples
--------
>>> import graphcollapse as gc
>>> f = gc.family("complete", real="a", n="n", self_loops=True)
>>> result = gc.analyze_family(f, check=3)
>>> limit = result.classes[0].limit
>>> limit.derived, limit.at(4, a="1/2", n=10)
(True, 13/120)
>>> a, n = sorted(f.rule.symbols, key=str)
>>> from graphcollapse.numbers import is_zero
>>> is_zero(limit.expr - (1 + (1 - a)**2 / (K * (1 - (1 - a)**2))) / n)   # the issue's formula
True
"""

from graphcollapse.families.base import FAMILIES, Family, family, register
from graphcollapse.families.rules import K, POSITION, Rule
from graphcollapse.families import builtin  # noqa: F401,E402  (registers the built-ins)
from graphcollapse.families.classify import (TABLE_FAMILIES, Classification, analyze_family,  # noqa: E402
                                             classify, simulation_check)
from graphcollapse.families.custom import custom_family  # noqa: E402
from graphcollapse.families.results import ClassResult, ClosedForm, FamilyResult  # noqa: E402

classify_families = classify

__all__ = ["FAMILIES", "Family", "family", "register", "K", "POSITION", "Rule", "analyze_family", "classify",
           "classify_families", "simulation_check", "Classification", "TABLE_FAMILIES", "ClassResult",
           "ClosedForm", "FamilyResult", "custom_family"]
