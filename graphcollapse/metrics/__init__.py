"""Distributional metrics of the fitted models: what a practitioner sees degenerate.

The estimator families give exact second moments (mean error, expected
variance, diversity); the metrics here are not second moments, so each is
computed exactly where a finite structure allows it and otherwise by
simulation or to first order, and every column of a :class:`Metric` says
which:

* :func:`category_loss` (:mod:`.loss`): the probability that a category has
  vanished from a categorical fit — an exact finite Markov chain on the
  upstream fits (Wright–Fisher for one model) for small batches;
* :func:`wasserstein` (:mod:`.wasserstein`): the expected squared
  2-Wasserstein distance of a Gaussian fit from the truth — exact for
  ``d = 1`` along single-source lineages (one model on its own outputs, chains);
* :func:`divergence` (:mod:`.divergence`): total variation and KL divergence
  of a categorical fit from ``p*`` — first order from the exact second
  moments, or simulated.

This package sits above the simulator (it falls back on it).
"""

from graphcollapse.metrics.divergence import divergence
from graphcollapse.metrics.loss import category_loss
from graphcollapse.metrics.result import EXACT, FIRST_ORDER, MARKOV, Metric, simulated
from graphcollapse.metrics.wasserstein import wasserstein

__all__ = ["Metric", "category_loss", "wasserstein", "divergence", "EXACT", "MARKOV", "FIRST_ORDER", "simulated"]
