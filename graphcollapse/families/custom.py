"""A family from a user function or a networkx generator: ``K`` in, a graph out.

The function returns a ``networkx`` graph (an undirected graph trains both
ways; in a ``DiGraph`` an edge ``j -> k`` means ``k`` trains on ``j``) or a
ready :class:`~graphcollapse.graph.InteractionGraph`.  For networkx graphs
the family's :class:`~.rules.Rule` puts the weights: real data (weight
``rule.real``) at the nodes whose attribute ``real`` is true (``real_at =
"marked"``, the default) or at every node (``"all"``), uniform weights over
the other sources.  No symmetry is known, so the forms are guessed and
labelled as conjectures; the classes followed are ``classes(K)`` (default:
the first and the last model).

Examples
--------
>>> import networkx as nx
>>> from graphcollapse.families.rules import Rule
>>> f = custom_family(nx.path_graph, rule=Rule.of(real="1/2", n=1), real_at="all", name="undirected path")
>>> f.graph(3).K, f.classes(3)
(3, {'first': (0,), 'last': (2,)})
"""

from __future__ import annotations

from typing import Callable

import networkx as nx

from graphcollapse.errors import InputError
from graphcollapse.families.base import Family
from graphcollapse.families.structures import build_graph
from graphcollapse.graph import InteractionGraph

__all__ = ["CustomFamily", "custom_family"]


class CustomFamily(Family):
    """See the module docstring; build one with :func:`custom_family`."""

    name = "custom"
    positions = ("marked", "all")

    def __init__(self, rule=None, *, real_at=None, function: Callable | None = None, label: str = "custom",
                 smallest: int = 1, classes: Callable | None = None):
        if not callable(function):
            raise InputError("custom family: give a function of the size K")
        self.function, self.label, self.smallest, self._classes = function, label, smallest, classes
        super().__init__(rule, real_at=real_at)

    @property
    def min_size(self) -> int:
        return self.smallest

    def with_rule(self, rule) -> "CustomFamily":
        return CustomFamily(rule, real_at=self.real_at, function=self.function, label=self.label,
                            smallest=self.smallest, classes=self._classes)

    def describe(self) -> str:
        return f"{self.label}(real data at {self.real_at})"

    def _graph(self, size: int):
        made = self.function(size)
        if isinstance(made, InteractionGraph):
            return made
        if not isinstance(made, nx.Graph):
            raise InputError(f"custom family {self.label!r}: the function returned {type(made).__name__}, not a "
                             "networkx graph or an InteractionGraph")
        nodes = list(made.nodes)
        index = {v: k for k, v in enumerate(nodes)}
        if made.is_directed():
            sources = [sorted(index[j] for j in made.predecessors(v) if j != v) for v in nodes]
        else:
            sources = [sorted(index[j] for j in made.neighbors(v) if j != v) for v in nodes]
        chosen = [self.real_at == "all" or bool(made.nodes[v].get("real", False)) for v in nodes]
        return build_graph(self.label, self.rule, size, sources, chosen, [str(v) for v in nodes])

    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        if self._classes is not None:
            return {str(k): tuple(v) for k, v in self._classes(size).items()}
        count = self.graph(size).K
        return {"first": (0,), "last": (count - 1,)} if count > 1 else {"first": (0,)}


def custom_family(function: Callable, *, rule=None, real_at: str | None = None, name: str = "custom",
                  min_size: int = 1, classes: Callable | None = None) -> CustomFamily:
    """A family from ``function(K)`` (see the module docstring)."""
    return CustomFamily(rule, real_at=real_at, function=function, label=name, smallest=min_size, classes=classes)
