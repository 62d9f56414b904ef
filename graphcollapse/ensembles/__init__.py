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
``estimate``             the per-point estimates
``asymptotic``           the ``K → ∞`` law
``sweep``                grids × sizes on processes or Dask, resumable
=======================  ====================================================

Examples
--------
>>> from graphcollapse import ensembles
>>> e = ensembles.estimate("erdos_renyi", 2000, params={"c": 2.0}, real_fraction=0.1, samples=8, workers=1)
>>> e.samples, 0.0 <= e.p_macro.low <= e.p_macro.high <= 1.0, round(e.law.phi, 3)
(8, True, 0.797)
"""

from graphcollapse.ensembles.asymptotic import AsymptoticLaw, erdos_renyi_closed_form, law
from graphcollapse.ensembles.degrees import DEGREE_LAWS, DegreeLaw, degree_law
from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.ensembles.estimate import DEFAULT_THRESHOLD, PointEstimate, summarize
from graphcollapse.ensembles.intervals import Interval, clopper_pearson, t_interval, wilson
from graphcollapse.ensembles.models import ALIASES, ENSEMBLES, Ensemble, resolve
from graphcollapse.ensembles.rules import REAL_RULES, WEIGHT_RULES
from graphcollapse.ensembles.sampling import Design, draw_sample
from graphcollapse.ensembles.statistics import SampleStatistics, collapsing_models, sample_statistics
from graphcollapse.ensembles.sweep import Row, SweepTable, estimate, sweep

__all__ = [
    "ENSEMBLES", "ALIASES", "Ensemble", "resolve", "FlowDigraph", "DegreeLaw", "degree_law", "DEGREE_LAWS",
    "REAL_RULES", "WEIGHT_RULES", "Design", "draw_sample", "SampleStatistics", "sample_statistics",
    "collapsing_models", "Interval", "wilson", "clopper_pearson", "t_interval", "PointEstimate", "summarize",
    "DEFAULT_THRESHOLD", "AsymptoticLaw", "law", "erdos_renyi_closed_form", "sweep", "estimate", "SweepTable",
    "Row",
]
