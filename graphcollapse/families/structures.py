"""The symmetry a family's graphs share for every size ``K``, as data the derivations read.

Three kinds cover the built-in families:

* :class:`Blocks` — an *equitable partition* into blocks of sizes ``N_b(K)``
  where every model of block ``b`` trains on every other model of each
  source block with one weight: complete digraphs, stars, complete
  bipartite graphs.  Permuting the models inside each block is an
  automorphism, so the second moments are constant on the orbits of pairs
  (same model; two models of one block; a model of each of two blocks) —
  a number of unknowns that does not depend on ``K``.
* :class:`Circulant` — model ``k`` trains on ``k − s (mod K)`` for the
  offsets ``s``: rotations are automorphisms and the Fourier basis
  diagonalises ``W``.
* :class:`Levels` — models at distance ``i`` from the real data train on
  ``c`` models at distance ``i − 1`` whose upstream sets are disjoint
  (paths, out-trees, in-trees): the errors of distinct sources are
  independent and the recursion runs level by level.

Each also builds the concrete graph at an integer size, so the closed form
and the single-graph analysis it is checked against come from one
description.

Examples
--------
>>> from graphcollapse.families.rules import Rule
>>> b = Blocks.of(Rule.of(real="a", n=10), [("model", K, True)], {(0, 0)})
>>> b.weights(0)
(a, 0, (1 - a)/(K - 1))
>>> b.graph(3, "complete").K
3
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy

from graphcollapse.families.rules import K, Rule, model_weights
from graphcollapse.graph import from_dict

__all__ = ["Blocks", "Circulant", "Levels", "build_graph"]


def _at(value, size: int):
    return None if value is None else value.xreplace({K: sympy.Integer(size)})


def build_graph(name: str, rule: Rule, size: int, sources: Sequence[Sequence[int]], chosen: Sequence[bool],
                ids: Sequence[str] | None = None):
    """The validated graph of ``len(sources)`` models under ``rule`` at size ``K = size``.

    ``sources[k]`` are the other models ``k`` trains on (no duplicates, not
    ``k`` itself); ``chosen[k]`` whether ``k`` receives real data.
    """
    ids = [str(k) for k in range(len(sources))] if ids is None else list(ids)
    models, edges = [], []
    for k, srcs in enumerate(sources):
        r, s, w = (_at(v, size) for v in model_weights(rule, bool(chosen[k]), len(srcs)))
        entry = {"id": ids[k], "real": r}
        for key in ("n", "n0", "n_real", "sigma2"):
            value = _at(getattr(rule, key), size)
            if value is not None and not (key == "n_real" and r == 0):
                entry[key] = value
        models.append(entry)
        if rule.self_loops and s != 0:
            edges.append({"from": ids[k], "to": ids[k], "weight": s})
        for j in srcs:
            edges.append({"from": ids[j], "to": ids[k], "weight": w})
    return from_dict({"name": f"{name} (K = {size})", "mixing": rule.mixing,
                      "symbols": [s.name for s in rule.symbols], "estimator": dict(rule.estimator),
                      "models": models, "edges": edges})


@dataclass(frozen=True)
class Blocks:
    """An equitable partition (see the module docstring).

    Attributes
    ----------
    rule : Rule
    labels : tuple of str
    sizes : tuple of sympy.Expr
        ``N_b(K)``.
    chosen : tuple of bool
        Whether the models of block ``b`` receive real data.
    edges : frozenset of (b, beta)
        Block ``b`` trains on (the other models of) block ``beta``.
    """

    rule: Rule
    labels: tuple[str, ...]
    sizes: tuple[sympy.Expr, ...]
    chosen: tuple[bool, ...]
    edges: frozenset

    @classmethod
    def of(cls, rule: Rule, blocks: Sequence[tuple[str, sympy.Expr, bool]], edges) -> "Blocks":
        labels, sizes, chosen = zip(*blocks)
        sizes = tuple(sympy.sympify(s) for s in sizes)  # safe: ints or SymPy sizes, never text
        return cls(rule, tuple(labels), sizes, tuple(chosen), frozenset(edges))

    def others(self, b: int) -> sympy.Expr:
        """How many other models a model of block ``b`` trains on."""
        return sympy.expand(sum((self.sizes[beta] - (1 if beta == b else 0)
                                 for beta in range(len(self.labels)) if (b, beta) in self.edges), sympy.Integer(0)))

    def weights(self, b: int) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
        """``(r, s, w)`` of a model of block ``b`` (real, self-loop, each other source)."""
        return model_weights(self.rule, self.chosen[b], self.others(b))

    def weight(self, b: int, beta: int) -> sympy.Expr:
        """Weight of the edge from one (other) model of block ``beta`` into a model of block ``b``."""
        return self.weights(b)[2] if (b, beta) in self.edges else sympy.Integer(0)

    def members(self, size: int) -> list[range]:
        """Model positions of every block at ``K = size``."""
        out, start = [], 0
        for n in self.sizes:
            count = int(n.xreplace({K: size}))
            out.append(range(start, start + count))
            start += count
        return out

    def graph(self, size: int, name: str):
        members = self.members(size)
        sources: list[list[int]] = []
        chosen: list[bool] = []
        for b, block in enumerate(members):
            for k in block:
                srcs = [j for beta, other in enumerate(members) if (b, beta) in self.edges for j in other if j != k]
                sources.append(srcs)
                chosen.append(self.chosen[b])
        ids = [f"{self.labels[b]}{k - block.start}" if len(block) > 1 or self.sizes[b].has(K) else self.labels[b]
               for b, block in enumerate(members) for k in block]
        return build_graph(name, self.rule, size, sources, chosen, ids)


@dataclass(frozen=True)
class Circulant:
    """Model ``k`` trains on ``k − s (mod K)`` for every offset ``s``; real data at every model.

    ``offsets`` are nonzero integers; the closed forms hold from the first
    size at which the offsets (and 0, the self-loop) are distinct mod ``K``.
    """

    rule: Rule
    offsets: tuple[int, ...]

    @property
    def min_distinct(self) -> int:
        """The smallest ``K`` from which all offsets and 0 are distinct modulo every larger ``K``."""
        values = (0, *self.offsets)
        return max(abs(a - b) for a in values for b in values) + 1

    def weights(self) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
        """``(r, s, w)`` at sizes where the offsets are distinct."""
        return model_weights(self.rule, True, len(self.offsets))

    def sources(self, size: int) -> list[list[int]]:
        return [sorted({(k - s) % size for s in self.offsets} - {k}) for k in range(size)]

    def graph(self, size: int, name: str, chosen: Sequence[bool] | None = None):
        chosen = [True] * size if chosen is None else chosen
        return build_graph(name, self.rule, size, self.sources(size), chosen)


@dataclass(frozen=True)
class Levels:
    """Models at distance ``i ≥ 1`` from the real data train on ``fan_in`` models at distance ``i − 1``.

    Level 0 has no model sources (real data only).  Distinct sources have
    disjoint upstream sets.  ``chosen`` says whether levels ``i ≥ 1`` receive
    real data (weight ``rule.real``).
    """

    rule: Rule
    fan_in: int
    chosen: bool
