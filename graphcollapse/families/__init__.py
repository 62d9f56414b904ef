"""Graph families: verdicts, limits and growth rates as exact functions of the size ``K`` (docs/theory.md section 8).

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
>>> from graphcollapse.families import K
>>> from graphcollapse.numbers import is_zero
>>> is_zero(limit.expr - (1 + (1 - a)**2 / (K * (1 - (1 - a)**2))) / n)   # the issue's formula
True
"""

from importlib import import_module

#: Where each public name lives (module, attribute); modules load on first use, so the command line's
#: ``--help`` does not pay for SymPy.  The built-in families register before any name is handed out.
_LAZY = {
    "FAMILIES": ("base", "FAMILIES"), "Family": ("base", "Family"), "family": ("base", "family"),
    "register": ("base", "register"),
    "K": ("rules", "K"), "POSITION": ("rules", "POSITION"), "Rule": ("rules", "Rule"),
    "TABLE_FAMILIES": ("classify", "TABLE_FAMILIES"), "Classification": ("classify", "Classification"),
    "analyze_family": ("classify", "analyze_family"), "classify": ("classify", "classify"),
    "classify_families": ("classify", "classify"), "simulation_check": ("classify", "simulation_check"),
    "custom_family": ("custom", "custom_family"),
    "ClassResult": ("results", "ClassResult"), "ClosedForm": ("results", "ClosedForm"),
    "FamilyResult": ("results", "FamilyResult"),
}


def __getattr__(name: str):
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'graphcollapse.families' has no attribute {name!r}")
    import_module("graphcollapse.families.builtin")
    value = getattr(import_module(f"graphcollapse.families.{where[0]}"), where[1])
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)


__all__ = ["FAMILIES", "Family", "family", "register", "K", "POSITION", "Rule", "analyze_family", "classify",
           "classify_families", "simulation_check", "Classification", "TABLE_FAMILIES", "ClassResult",
           "ClosedForm", "FamilyResult", "custom_family"]
