"""One sample of an ensemble: draw the graph, place real data, compute its statistics.

A :class:`Design` fixes everything but the randomness; :func:`draw_sample`
takes a seed and returns the
:class:`~graphcollapse.ensembles.statistics.SampleStatistics`.  Seeds are
derived from the design itself (:meth:`Design.seed_sequence`), so a sample
is the same whichever sweep, grid, process or resumed run computes it.

Limits (``level=``): the fraction of models whose limit ``L_k = lim E_k(t)``
exceeds ``level`` (collapsing models count as exceeding), for the pooled
Gaussian mean with ``σ² = 1`` and ``n`` samples per model (so ``L_k`` is in
units of ``σ²/n``).  Limits need the weights and a Lyapunov solve, far more
than verdicts, so they are offered for moderate graphs only and say how they
were computed: ``exact rational`` up to :data:`EXACT_MAX_MODELS` models with
uniform weights, ``float`` (``System(graph).limits``) up to
:data:`FLOAT_MAX_MODELS`; larger graphs are refused.

Examples
--------
>>> d = Design("erdos_renyi", {"c": 2.0, "loops": True}, 2000, real_fraction=0.1)
>>> s = draw_sample(d, 0)
>>> s.K, s == draw_sample(d, 0)
(2000, True)
>>> small = Design("erdos_renyi", {"c": 1.5, "loops": True}, 30, real_fraction=0.5, level=1.2)
>>> draw_sample(small, 0).exceed_arithmetic
'exact rational'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from graphcollapse.ensembles.models import ENSEMBLES, resolve
from graphcollapse.ensembles.rules import check_real_rule, has_real, real_data, weight_matrix
from graphcollapse.ensembles.statistics import SampleStatistics, collapsing_models, sample_statistics
from graphcollapse.errors import InputError, ResourceLimitError

__all__ = ["Design", "draw_sample", "EXACT_MAX_MODELS", "FLOAT_MAX_MODELS", "jsonable"]

#: Largest graph whose limits are solved in exact rational arithmetic (uniform weights).
EXACT_MAX_MODELS = 40
#: Largest graph whose limits are solved in floating point (the dense Stein blocks of a giant component).
FLOAT_MAX_MODELS = 2000


def jsonable(params: dict) -> dict:
    """Parameters as JSON: arrays (given degree sequences) become their length and SHA-256."""
    out = {}
    for key, value in params.items():
        if isinstance(value, np.ndarray):
            out[key] = {"size": int(value.size), "sha256": hashlib.sha256(np.ascontiguousarray(value).tobytes())
                        .hexdigest()}
        elif isinstance(value, np.generic):
            out[key] = value.item()
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Design:
    """Everything that defines the distribution of one sample."""

    ensemble: str
    params: dict
    K: int
    real_rule: str = "random"
    real_fraction: float | None = 0.0
    real_set: tuple | None = None
    weights: str = "uniform"
    real_weight: float | None = 0.5
    alpha: float = 1.0
    level: float | None = None
    n: int = 1
    giant: bool = False
    seed: int = 0

    def __post_init__(self):
        ensemble, params = resolve(self.ensemble, self.params)
        object.__setattr__(self, "ensemble", ensemble.name)
        object.__setattr__(self, "params", params)
        if isinstance(self.K, bool) or not isinstance(self.K, (int, np.integer)) or self.K < 2:
            raise InputError(f"size K must be an integer of at least 2, got {self.K!r}")
        object.__setattr__(self, "K", int(self.K))
        check_real_rule(self.real_rule, self.real_fraction, self.real_set)
        if self.level is not None:
            if not (np.isfinite(self.level) and self.level >= 0):
                raise InputError(f"level must be a non-negative number, got {self.level}")
            if self.K > FLOAT_MAX_MODELS:
                raise ResourceLimitError(f"level: limits are computed for at most {FLOAT_MAX_MODELS} models "
                                         f"(K = {self.K}); drop --level or use a smaller --size")
        if isinstance(self.n, bool) or not isinstance(self.n, (int, np.integer)) or self.n < 1:
            raise InputError(f"n (samples per model) must be a positive integer, got {self.n!r}")

    def with_size(self, K: int) -> "Design":
        return replace(self, K=K)

    def to_json(self) -> dict:
        """What identifies the design (a checkpoint header refuses any other)."""
        return {"ensemble": self.ensemble, "params": jsonable(self.params), "K": self.K,
                "real_rule": self.real_rule, "real_fraction": self.real_fraction,
                "real_set": None if self.real_set is None else list(map(int, self.real_set)),
                "weights": self.weights, "real_weight": self.real_weight, "alpha": self.alpha,
                "level": self.level, "n": self.n, "giant": self.giant, "seed": self.seed}

    def seed_sequence(self, sample: int) -> np.random.SeedSequence:
        """The seed of sample number ``sample``: a hash of the design and the sample index."""
        digest = hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).digest()
        words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
        return np.random.SeedSequence(entropy=[self.seed & 0xFFFFFFFF, *words], spawn_key=(int(sample),))


def _limits_exceed(design: Design, graph, real: np.ndarray, collapsing: np.ndarray,
                   rng: np.random.Generator) -> tuple[float, str]:
    """Fraction of models with limit > level (collapsing ones included), and the arithmetic used."""
    from graphcollapse.graph import from_matrix
    from graphcollapse.system import System

    W, r = weight_matrix(graph, real, rng, weights=design.weights, real_weight=design.real_weight,
                         alpha=design.alpha)
    K = design.K
    exact = K <= EXACT_MAX_MODELS and design.weights == "uniform"
    if exact:
        share = Fraction(1) - (Fraction(str(design.real_weight)) if design.real_weight is not None else 0)
        coo = W.tocoo()
        degree = np.diff(W.indptr)
        rational_r = []
        for k in range(K):
            if degree[k] == 0:
                rational_r.append(Fraction(1))
            elif real[k]:
                rational_r.append(Fraction(1, int(degree[k]) + 1) if design.real_weight is None else 1 - share)
            else:
                rational_r.append(Fraction(0))
        rows = [[0] * K for _ in range(K)]
        for k, j in zip(coo.row.tolist(), coo.col.tolist()):
            rows[k][j] = (1 - rational_r[k]) / int(degree[k])
        system = System(from_matrix(rows, real=rational_r, n=design.n))
        level = Fraction(str(design.level))
        label = "exact rational"
    else:
        system = System(from_matrix(W, real=r, n=design.n))
        level = design.level
        label = "float"
    limits = system.limits
    above = sum(1 for k, value in enumerate(limits) if value is None or collapsing[k] or value > level)
    return above / K, label


def draw_sample(design: Design, sample: int) -> SampleStatistics:
    """Sample number ``sample`` of ``design`` (deterministic; see the module notes)."""
    rng = np.random.default_rng(design.seed_sequence(sample))
    graph = ENSEMBLES[design.ensemble].draw(design.K, rng, design.params)
    real = has_real(graph, real_data(graph, rng, design.real_rule, design.real_fraction, design.real_set))
    stats = sample_statistics(graph, real, giant=design.giant)
    if design.level is None:
        return stats
    exceed, label = _limits_exceed(design, graph, real, collapsing_models(graph, real), rng)
    return replace(stats, exceed=exceed, exceed_arithmetic=label)
