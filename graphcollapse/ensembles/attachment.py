"""Preferential attachment, vectorised by the copying trick and pointer jumping.

Models arrive one at a time.  Model ``t ≥ 1`` links to ``m`` earlier models,
each chosen independently with probability proportional to
``deg(v) + δ`` (``deg`` = total degree, both directions, over the links of
models ``1..t-1``); duplicate choices are merged.  Each link is then
oriented: with probability ``reverse`` the earlier model trains on the
newcomer's outputs (``t → v``), otherwise the newcomer trains on the earlier
model (``v → t``).  With ``reverse = 0`` the graph is a DAG (no model ever
collapses); with ``0 < reverse < 1`` directed cycles appear through the hubs.

The choices are made without a Python loop: ``deg(v) + δ``-proportional
sampling is a mixture of a uniform earlier model (weight ``δ t``) and a
uniformly random endpoint of an earlier link (weight ``2 m (t - 1)``).  An
endpoint is either a newcomer (known) or an earlier choice, so every choice
is a pointer to an earlier one; pointer jumping resolves all of them in
``O(log E)`` vectorised rounds.

Examples
--------
>>> g = preferential_attachment(2000, np.random.default_rng(1), m=2, reverse=0.5)
>>> int(g.in_degree.max()) > 20    # hubs
True
>>> bool((preferential_attachment(300, np.random.default_rng(1), m=2, reverse=0.0).sources
...       < preferential_attachment(300, np.random.default_rng(1), m=2, reverse=0.0).indices).all())
True
"""

from __future__ import annotations

import numpy as np

from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.errors import InputError

__all__ = ["preferential_attachment"]


def preferential_attachment(K: int, rng: np.random.Generator, *, m: int, delta: float = 1.0,
                            reverse: float = 0.5) -> FlowDigraph:
    """Preferential attachment with ``m`` links per newcomer (see the module notes)."""
    if K < 2:
        raise InputError("preferential_attachment: needs at least 2 models")
    if not (isinstance(m, (int, np.integer)) and m >= 1):
        raise InputError(f"preferential_attachment: m must be a positive integer, got {m}")
    if not delta > 0:
        raise InputError(f"preferential_attachment: offset delta must be positive, got {delta}")
    if not 0 <= reverse <= 1:
        raise InputError(f"preferential_attachment: reverse must lie in [0, 1], got {reverse}")
    E = m * (K - 1)
    link = np.arange(E, dtype=np.int64)
    newcomer = link // m + 1                       # model t makes links m(t-1) .. mt-1
    earlier_links = m * (newcomer - 1)             # links made by models 1..t-1
    uniform = rng.random(E) * (delta * newcomer + 2 * earlier_links) < delta * newcomer
    choice = np.full(E, -1, dtype=np.int64)        # the chosen earlier model, -1 while unresolved
    pick_uniform = np.flatnonzero(uniform)
    choice[pick_uniform] = (rng.random(pick_uniform.size) * newcomer[pick_uniform]).astype(np.int64)
    copying = np.flatnonzero(~uniform)
    slot = (rng.random(copying.size) * (2 * earlier_links[copying])).astype(np.int64)
    other, side = slot // 2, slot % 2
    # Side 0 of link f is its newcomer (known); side 1 is its choice (a pointer to link f).
    choice[copying[side == 0]] = newcomer[other[side == 0]]
    pointer = np.full(E, -1, dtype=np.int64)
    pointer[copying[side == 1]] = other[side == 1]
    waiting = np.flatnonzero(choice < 0)
    while waiting.size:
        target = pointer[waiting]
        known = choice[target] >= 0
        choice[waiting[known]] = choice[target[known]]
        pointer[waiting] = np.where(known, target, pointer[target])  # jump: halve the chain
        waiting = waiting[~known]
    backwards = rng.random(E) < reverse
    sources = np.where(backwards, newcomer, choice)
    targets = np.where(backwards, choice, newcomer)
    return FlowDigraph.from_edges(K, sources, targets)
