"""Random interaction graphs: what fraction of the models collapses when only the graph's statistics are known.

Nobody knows the interaction graph of a platform of models that train on
each other's public outputs; one knows its statistics.  An *ensemble* is a
random-graph model with a rule for real data and for weights; this package
draws its graphs (``10⁶`` models in well under a second), decides Theorem A
on each, and estimates — with confidence intervals and the number of
samples — the distribution of the collapse fraction, which in sparse
digraphs is not self-averaging: the probability that a macroscopic fraction
collapses, the fraction given that it does, the number and sizes of the
closed classes, and the fraction of models whose limit exceeds a level.
Beside every estimate stands the ``K → ∞`` law where it is derived
(:mod:`~graphcollapse.ensembles.asymptotic`; derivation in
``docs/ensembles.md``).

=======================  ====================================================
module                   answers
=======================  ====================================================
``models``               the ensembles and their parameters (:data:`ENSEMBLES`)
``generators``,          vectorised random digraphs (ER, regular, configuration,
``attachment``           small world; preferential attachment)
``degrees``              degree laws (Poisson, fixed, geometric, power law)
``rules``                which models get real data; the weights
``statistics``           one sample: verdicts, closed classes (one SCC + one BFS)
``sampling``             a design, its seeds, one sample (and limits, for small K)
``intervals``            Wilson, Clopper–Pearson, ``t``, bootstrap
``point_estimates``      the per-point estimates
``asymptotic``           the ``K → ∞`` law
``sweeps``               grids × sizes on processes or Dask, resumable
=======================  ====================================================

Examples
--------
>>> from graphcollapse import ensembles
>>> e = ensembles.estimate("erdos_renyi", 2000, params={"c": 2.0}, real_fraction=0.1, samples=8, workers=1)
>>> e.samples, 0.0 <= e.p_macro.low <= e.p_macro.high <= 1.0, round(e.law.phi, 3)
(8, True, 0.797)
"""

from importlib import import_module

#: Where each public name lives; modules are imported on first use, so the command line's
#: ``--help`` (which lists the names) does not pay for SciPy and SymPy.
_LAZY = {
    "AsymptoticLaw": "asymptotic", "erdos_renyi_closed_form": "asymptotic", "law": "asymptotic",
    "DEGREE_LAWS": "degrees", "DegreeLaw": "degrees", "degree_law": "degrees",
    "FlowDigraph": "digraph",
    "DEFAULT_THRESHOLD": "point_estimates", "PointEstimate": "point_estimates", "summarize": "point_estimates",
    "Interval": "intervals", "clopper_pearson": "intervals", "t_interval": "intervals", "wilson": "intervals",
    "ALIASES": "models", "ENSEMBLES": "models", "Ensemble": "models", "resolve": "models",
    "REAL_RULES": "rules", "WEIGHT_RULES": "rules",
    "Design": "sampling", "draw_sample": "sampling",
    "SampleStatistics": "statistics", "collapsing_models": "statistics", "sample_statistics": "statistics",
    "Row": "sweeps", "SweepTable": "sweeps", "estimate": "sweeps", "sweep": "sweeps",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphcollapse.ensembles' has no attribute {name!r}")
    value = getattr(import_module(f"graphcollapse.ensembles.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ENSEMBLES", "ALIASES", "Ensemble", "resolve", "FlowDigraph", "DegreeLaw", "degree_law", "DEGREE_LAWS",
    "REAL_RULES", "WEIGHT_RULES", "Design", "draw_sample", "SampleStatistics", "sample_statistics",
    "collapsing_models", "Interval", "wilson", "clopper_pearson", "t_interval", "PointEstimate", "summarize",
    "DEFAULT_THRESHOLD", "AsymptoticLaw", "law", "erdos_renyi_closed_form", "sweep", "estimate", "SweepTable",
    "Row",
]
