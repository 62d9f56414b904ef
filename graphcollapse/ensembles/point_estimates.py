"""Estimates with honest uncertainty, of the distribution and not just a mean.

The collapse fraction of a sparse random digraph is not self-averaging: a
sample either has a closed class feeding the giant component (and then a
macroscopic fraction ``≈ φ`` collapses) or it has not (and ``O(1)`` models
do).  :func:`summarize` therefore reports, per parameter point:

* ``p_macro`` — the probability that a macroscopic fraction collapses
  (fraction ``≥ threshold``, default 0.01), with a Wilson or
  Clopper–Pearson interval;
* ``fraction_given_macro`` — the collapse fraction conditional on that
  (mean over those samples, ``t`` or bootstrap interval);
* ``fraction`` — the unconditional mean, with its standard deviation;
* ``closed_count`` (mean number of closed classes), ``p_closed`` (at least
  one), and the pooled sizes of the closed classes;
* ``largest_component`` (mean fraction in the largest strong component) and,
  when measured, ``giant_downstream`` (mean fraction downstream of it);
* ``exceed`` — the mean fraction of models whose limit exceeds the level,
  labelled with the arithmetic the limits were computed in;

each an :class:`~graphcollapse.ensembles.intervals.Interval` carrying its
number of samples, beside the asymptotic law's prediction where one is
derived.

Examples
--------
>>> from graphcollapse.ensembles.statistics import SampleStatistics
>>> s = [SampleStatistics(100, 150, 10, n, 1 if n else 0, 1 if n else 0, (1,) if n else (), 40)
...      for n in (0, 80, 0, 78)]
>>> e = summarize(s, threshold=0.01)
>>> e.p_macro.estimate, e.fraction_given_macro.estimate, e.fraction.estimate
(0.5, 0.79, 0.395)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from graphcollapse.ensembles.asymptotic import AsymptoticLaw
from graphcollapse.ensembles.intervals import Interval, mean_interval, proportion
from graphcollapse.ensembles.statistics import SampleStatistics
from graphcollapse.errors import InputError

__all__ = ["PointEstimate", "summarize", "DEFAULT_THRESHOLD"]

#: A sample "collapses macroscopically" when at least this fraction of its models collapses.
DEFAULT_THRESHOLD = 0.01


@dataclass(frozen=True)
class PointEstimate:
    """The estimates at one parameter point (see the module notes)."""

    samples: int
    threshold: float
    p_macro: Interval
    fraction_given_macro: Interval
    fraction: Interval
    fraction_sd: float | None
    closed_count: Interval
    p_closed: Interval
    closed_sizes: dict            # size -> number of closed classes of that size, pooled over samples
    largest_component: Interval
    giant_downstream: Interval | None = None
    exceed: Interval | None = None
    exceed_arithmetic: str | None = None
    law: AsymptoticLaw | None = None
    point: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        def iv(value):
            return None if value is None else value.to_json()
        return {"point": self.point, "samples": self.samples, "threshold": self.threshold,
                "p_macro": iv(self.p_macro), "fraction_given_macro": iv(self.fraction_given_macro),
                "fraction": iv(self.fraction), "fraction_sd": self.fraction_sd,
                "closed_count": iv(self.closed_count), "p_closed": iv(self.p_closed),
                "closed_sizes": {str(k): v for k, v in sorted(self.closed_sizes.items())},
                "largest_component": iv(self.largest_component), "giant_downstream": iv(self.giant_downstream),
                "exceed": iv(self.exceed), "exceed_arithmetic": self.exceed_arithmetic,
                "law": None if self.law is None else self.law.to_json()}


def summarize(stats: list[SampleStatistics], *, threshold: float = DEFAULT_THRESHOLD, confidence: float = 0.95,
              proportion_method: str = "wilson", mean_method: str = "t", law: AsymptoticLaw | None = None,
              point: dict | None = None) -> PointEstimate:
    """Aggregate the samples of one parameter point into a :class:`PointEstimate`."""
    if not stats:
        raise InputError("no samples to summarize (samples must be at least 1)")
    if not 0 < threshold <= 1:
        raise InputError(f"macroscopic threshold must lie in (0, 1], got {threshold}")
    fractions = np.array([s.fraction for s in stats])
    macro = fractions >= threshold
    counts = np.array([s.closed_count for s in stats], dtype=np.float64)
    sizes: Counter = Counter()
    for s in stats:
        sizes.update(s.closed_sizes)
    downstream = [s.giant_downstream for s in stats if s.giant_downstream is not None]
    exceed = [s.exceed for s in stats if s.exceed is not None]
    labels = sorted({s.exceed_arithmetic for s in stats if s.exceed_arithmetic})

    def mean(values, upper=1.0):  # fractions lie in [0, 1], counts in [0, oo)
        return mean_interval(values, confidence, mean_method, lower=0.0, upper=upper)

    return PointEstimate(
        samples=len(stats), threshold=threshold,
        p_macro=proportion(int(macro.sum()), len(stats), confidence, proportion_method),
        fraction_given_macro=mean(fractions[macro]),
        fraction=mean(fractions),
        fraction_sd=float(fractions.std(ddof=1)) if len(stats) > 1 else None,
        closed_count=mean(counts, upper=None),
        p_closed=proportion(int((counts > 0).sum()), len(stats), confidence, proportion_method),
        closed_sizes=dict(sizes),
        largest_component=mean([s.largest_component / s.K for s in stats]),
        giant_downstream=mean(downstream) if downstream else None,
        exceed=mean(exceed) if exceed else None,
        exceed_arithmetic=" and ".join(labels) if labels else None,
        law=law, point=dict(point or {}))
