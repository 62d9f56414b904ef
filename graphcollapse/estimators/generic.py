"""``generic``: the first-order form ``S = W S Wᵀ + D`` with user-given noise.

Spec: ``{"family": "generic", "noise": value or {id: value}, "initial": value
or {id: value}}``; ``noise`` is ``tr D_k`` (the fresh error each generation
adds to model ``k``), ``initial`` is ``E_k(0)`` (default: the noise).  Use it
for any Fisher-consistent estimator whose per-generation variance is known.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[0, 1], [1, 0]], estimator={"family": "generic", "noise": {"0": 1, "1": 3}})
>>> [b[0, 0] for b in Generic(g.estimator, g).recurrence().noise]
[1, 3]
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.domain import sign
from graphcollapse.numbers.parse import to_exact
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.estimators.base import Estimator, register


@register
class Generic(Estimator):
    """``S(t) = W S(t-1) Wᵀ + D`` with ``tr D_k`` and ``E_k(0)`` given per model."""

    name = "generic"
    keys = frozenset({"noise", "initial"})
    not_simulated = ("its noise is given as numbers (tr D_k), not as a sampling process; "
                     "simulate the estimator family those numbers come from")

    def parse(self):
        noise = self._per_model("noise", 1)
        initial = self._per_model("initial", None) if "initial" in self.spec else noise
        return {"noise": noise, "initial": initial}

    def _per_model(self, key: str, default):
        raw = self.spec.get(key, default)
        g = self.graph
        symbols = {s.name: s for s in g.symbols}
        if isinstance(raw, Mapping):
            unknown = set(raw) - set(g.ids)
            if unknown:
                raise InputError(f"estimator 'generic' {key}: unknown model {sorted(unknown)[0]!r}")
            missing = [i for i in g.ids if i not in raw]
            if missing:
                raise InputError(f"estimator 'generic' {key}: no value for model {missing[0]!r}")
            values = [to_exact(raw[i], symbols, where=f"estimator 'generic' {key} of {i!r}") for i in g.ids]
        else:
            value = to_exact(raw, symbols, where=f"estimator 'generic' {key}")
            values = [value] * g.K
        for i, v in zip(g.ids, values):
            if not v.free_symbols and sign(v) <= 0:
                raise InputError(f"estimator 'generic' {key} of {i!r} must be positive, got {v}")
        return values

    def recurrence(self) -> Recurrence:
        g = self.graph
        noise, initial = self.parameters["noise"], self.parameters["initial"]
        if not g.is_exact:
            return Recurrence(graph=g, family=self.name, W=g.weight_matrix_float(), M=np.eye(1),
                              noise=np.array([float(v) for v in noise]).reshape(-1, 1, 1),
                              initial=np.array([float(v) for v in initial]).reshape(-1, 1, 1),
                              trace_weight=np.eye(1))
        return Recurrence(graph=g, family=self.name, W=g.weight_matrix(), M=sympy.ImmutableMatrix([[1]]),
                          noise=tuple(sympy.ImmutableMatrix([[v]]) for v in noise),
                          initial=tuple(sympy.ImmutableMatrix([[v]]) for v in initial),
                          trace_weight=sympy.ImmutableMatrix([[1]]))
