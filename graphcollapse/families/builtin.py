"""The built-in families: complete, star, bipartite, cycle, circulant, path, tree.

An edge ``j -> k`` means ``k`` trains on ``j``.  Real data go to the
positions named by ``real_at`` (weight ``rule.real``); a model without
model sources trains on real data only.

============  ==========================================  ============================  ==================
family        options                                     ``real_at``                   derivation
============  ==========================================  ============================  ==================
complete      (self-loops from the rule)                  all, none                     orbit quotient
star          direction: both, in (hub trains on          hub, spokes, all, none        orbit quotient
              spokes), out (spokes train on hub)
bipartite     direction: both, a_to_b, b_to_a;            all, a, b, none               orbit quotient
              other: size of side b (default ``K``)
cycle         direction: directed, bidirected             all, one                      Fourier / guessed
circulant     offsets: model k trains on k - s            all, one                      Fourier / guessed
path          direction: directed, bidirected             start, all (bidirected: ends) by position / guessed
tree          arity; flow: down (root to leaves),         origin, all                   by position / guessed
              up (leaves to root); K = number of levels
============  ==========================================  ============================  ==================

Examples
--------
>>> from graphcollapse.families import family
>>> family("cycle", options={"direction": "bidirected"}).classes(5)
{'every model': (0, 1, 2, 3, 4)}
>>> family("tree", options={"arity": 2}).classes(3)
{'i = 0': (0,), 'i = 1': (1, 2), 'i = 2': (3, 4, 5, 6)}
"""

from __future__ import annotations

import sympy

from graphcollapse.errors import InputError
from graphcollapse.families.base import Family, register
from graphcollapse.families.rules import K
from graphcollapse.families.structures import Blocks, Circulant, Levels, build_graph
from graphcollapse.numbers.parse import to_exact

__all__ = ["Complete", "Star", "Bipartite", "Cycle", "CirculantFamily", "Path", "Tree", "BlockFamily"]


def _edges(direction: str, by_direction: dict) -> set:
    """Block edges ``(b, beta)`` of a direction; ``"both"`` takes all of them."""
    return {edge for name, edge in by_direction.items() if direction in (name, "both")}


def _choice(family, key, allowed):
    value = family.options[key]
    if value not in allowed:
        raise InputError(f"family {family.name!r}: {key} must be one of {', '.join(allowed)}, not {value!r}")
    return value


class BlockFamily(Family):
    """A family with an equitable partition into blocks (:class:`~.structures.Blocks`)."""

    def _blocks(self) -> tuple[list, set]:
        """``([(label, size in K, receives real data)], {(b, beta): b trains on beta})``."""
        raise NotImplementedError

    @property
    def structure(self) -> Blocks:
        blocks, edges = self._blocks()
        return Blocks.of(self.rule, blocks, edges)

    def _graph(self, size: int):
        return self.structure.graph(size, self.name)

    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        structure = self.structure
        return {label: tuple(block) for label, block in zip(structure.labels, structure.members(size))}

    def class_size(self, label: str):
        structure = self.structure
        return structure.sizes[structure.labels.index(label)]


@register
class Complete(BlockFamily):
    """Every model trains on every other (and on itself with ``self_loops``)."""

    name = "complete"
    positions = ("all", "none")
    summary = "complete digraph: every model trains on every other model"

    @property
    def min_size(self) -> int:
        return 1 if self.rule.self_loops else 2

    def _blocks(self):
        return [("model", K, self.real_at == "all")], {(0, 0)}


@register
class Star(BlockFamily):
    """A hub and ``K − 1`` spokes."""

    name = "star"
    positions = ("hub", "spokes", "all", "none")
    defaults = {"direction": "both"}
    summary = "star: a hub and K - 1 spokes (in: hub trains on spokes; out: spokes on hub)"

    def _check_options(self):
        _choice(self, "direction", ("both", "in", "out"))

    @property
    def min_size(self) -> int:
        return 2

    def _blocks(self):
        edges = _edges(self.options["direction"], {"in": (0, 1), "out": (1, 0)})  # in: the hub trains on spokes
        return [("hub", sympy.Integer(1), self.real_at in ("hub", "all")),
                ("spoke", K - 1, self.real_at in ("spokes", "all"))], edges


@register
class Bipartite(BlockFamily):
    """Complete bipartite: sides ``a`` (``K`` models) and ``b`` (``other`` models)."""

    name = "bipartite"
    positions = ("all", "a", "b", "none")
    defaults = {"direction": "both", "other": "K"}
    summary = "complete bipartite: K models on side a, 'other' (default K) on side b"

    def _check_options(self):
        _choice(self, "direction", ("both", "a_to_b", "b_to_a"))
        other = to_exact(self.options["other"], {"K": K}, where=f"family {self.name!r} other")
        poly = sympy.Poly(other, K) if other.free_symbols <= {K} and other.is_polynomial(K) else None
        if poly is None or poly.degree() > 1 or any(not c.is_Integer or c < 0 for c in poly.all_coeffs()):
            raise InputError(f"family {self.name!r}: other must be c*K + d with integers c, d >= 0, got {other}")
        if other.xreplace({K: 1}) < 1:
            raise InputError(f"family {self.name!r}: side b must have at least one model at K = 1")
        self._other = other

    @property
    def min_size(self) -> int:
        return 1

    def _blocks(self):
        edges = _edges(self.options["direction"], {"a_to_b": (1, 0), "b_to_a": (0, 1)})  # a_to_b: b trains on a
        return [("a", K, self.real_at in ("a", "all")), ("b", self._other, self.real_at in ("b", "all"))], edges


class _CirculantBase(Family):
    positions = ("all", "one")
    by_position = False

    def offsets(self) -> tuple[int, ...]:
        raise NotImplementedError

    @property
    def circulant(self) -> Circulant:
        return Circulant(self.rule, self.offsets())

    @property
    def min_size(self) -> int:
        return max(2, self.circulant.min_distinct)

    @property
    def structure(self):
        return self.circulant if self.real_at == "all" else None

    def _graph(self, size: int):
        chosen = None if self.real_at == "all" else [k == 0 for k in range(size)]
        return self.circulant.graph(size, self.name, chosen)

    def distance(self, k: int, size: int) -> int:
        """Steps from model 0 (the real data with ``real_at = one``) to ``k`` along the data flow."""
        dist, frontier = {0: 0}, [0]
        while frontier:
            nxt = []
            for j in frontier:
                for s in self.offsets():  # data flow j -> j + s (model j + s trains on j)
                    m = (j + s) % size
                    if m not in dist:
                        dist[m] = dist[j] + 1
                        nxt.append(m)
            frontier = nxt
        return dist.get(k, -1)

    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        if self.real_at == "all":
            return {"every model": tuple(range(size))}
        out: dict[str, list[int]] = {}
        for k in range(size):
            out.setdefault(f"i = {self.distance(k, size)}", []).append(k)
        return {label: tuple(v) for label, v in sorted(out.items(), key=lambda item: int(item[0][4:]))}

    def class_size(self, label: str):
        return K if self.real_at == "all" and label == "every model" else None


@register
class Cycle(_CirculantBase):
    """Directed (``k`` trains on ``k − 1``) or bidirected (on both neighbours) cycle."""

    name = "cycle"
    defaults = {"direction": "directed"}
    summary = "cycle: k trains on k - 1 (directed) or on both neighbours (bidirected)"

    def _check_options(self):
        _choice(self, "direction", ("directed", "bidirected"))

    @property
    def by_position(self) -> bool:  # type: ignore[override]
        return self.real_at == "one"

    def offsets(self):
        return (1,) if self.options["direction"] == "directed" else (1, -1)


@register
class CirculantFamily(_CirculantBase):
    """Model ``k`` trains on ``k − s (mod K)`` for every offset ``s``."""

    name = "circulant"
    defaults = {"offsets": (1, 2)}
    summary = "circulant: model k trains on k - s (mod K) for the given offsets s"

    def _check_options(self):
        offsets = self.options["offsets"]
        if isinstance(offsets, str):
            try:
                offsets = tuple(int(x) for x in offsets.replace(" ", "").split(",") if x)
            except ValueError:
                raise InputError(f"family {self.name!r}: offsets must be integers, got {offsets!r}") from None
        if (not isinstance(offsets, (tuple, list)) or not offsets
                or any(isinstance(s, bool) or not isinstance(s, int) or s == 0 for s in offsets)
                or len(set(offsets)) != len(offsets) or max(abs(s) for s in offsets) > 50):
            raise InputError(f"family {self.name!r}: offsets must be distinct nonzero integers of size at most 50, "
                             f"got {offsets!r}")
        self.options["offsets"] = tuple(offsets)

    @property
    def by_position(self) -> bool:  # type: ignore[override]
        return self.real_at == "one"

    def offsets(self):
        return self.options["offsets"]


@register
class Path(Family):
    """Models ``0 .. K−1`` in a line; data flow from the start (directed) or both ways (bidirected)."""

    name = "path"
    positions = ("start", "all", "ends")
    defaults = {"direction": "directed"}
    summary = "path: k trains on k - 1 (directed) or on both neighbours (bidirected); position from the start"
    by_position = True

    def _check_options(self):
        direction = _choice(self, "direction", ("directed", "bidirected"))
        if direction == "directed" and self.real_at == "ends":
            raise InputError("family 'path': real_at 'ends' needs direction 'bidirected'")

    @property
    def min_size(self) -> int:
        return 1

    @property
    def structure(self):
        if self.options["direction"] == "directed" and not self.rule.self_loops:
            return Levels(self.rule, 1, self.real_at == "all")
        return None

    def position(self, k: int, size: int) -> int:
        if self.options["direction"] == "bidirected" and self.real_at != "start":
            return min(k, size - 1 - k)
        return k

    def _graph(self, size: int):
        bidirected = self.options["direction"] == "bidirected"
        sources = [[j for j in (k - 1, k + 1) if 0 <= j < size and (bidirected or j == k - 1)] for k in range(size)]
        chosen = [self.real_at == "all" or (self.real_at == "start" and k == 0)
                  or (self.real_at == "ends" and k in (0, size - 1)) for k in range(size)]
        return build_graph(self.name, self.rule, size, sources, chosen)

    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        out: dict[int, list[int]] = {}
        for k in range(size):
            out.setdefault(self.position(k, size), []).append(k)
        return {f"i = {i}": tuple(out[i]) for i in sorted(out)}


@register
class Tree(Family):
    """The complete ``arity``-ary tree with ``K`` levels; data flow away from the real data."""

    name = "tree"
    positions = ("origin", "all")
    defaults = {"arity": 2, "flow": "down"}
    summary = ("k-ary tree with K levels: flow down (real data at the root, children train on their parent) "
               "or up (real data at the leaves, parents train on their children)")
    by_position = True

    def _check_options(self):
        arity = self.options["arity"]
        if isinstance(arity, str) and arity.isdigit():
            arity = self.options["arity"] = int(arity)
        if isinstance(arity, bool) or not isinstance(arity, int) or not 1 <= arity <= 8:
            raise InputError(f"family 'tree': arity must be an integer between 1 and 8, got {arity!r}")
        _choice(self, "flow", ("down", "up"))

    @property
    def min_size(self) -> int:
        return 1

    @property
    def structure(self):
        if self.rule.self_loops:
            return None
        fan_in = 1 if self.options["flow"] == "down" else self.options["arity"]
        return Levels(self.rule, fan_in, self.real_at == "all")

    def _depths(self, size: int) -> list[int]:
        arity = self.options["arity"]
        depths = []
        for level in range(size):
            depths += [level] * arity**level
        return depths

    def _graph(self, size: int):
        arity, depths = self.options["arity"], self._depths(size)
        count = len(depths)
        parent = [None] + [(m - 1) // arity for m in range(1, count)]
        if self.options["flow"] == "down":
            sources = [[] if parent[m] is None else [parent[m]] for m in range(count)]
        else:
            sources = [[c for c in range(arity * m + 1, arity * m + arity + 1) if c < count] for m in range(count)]
        chosen = [self.real_at == "all" or not sources[m] for m in range(count)]
        return build_graph(self.name, self.rule, size, sources, chosen)

    def classes(self, size: int) -> dict[str, tuple[int, ...]]:
        depths = self._depths(size)
        out: dict[int, list[int]] = {}
        for m, depth in enumerate(depths):
            i = depth if self.options["flow"] == "down" else size - 1 - depth
            out.setdefault(i, []).append(m)
        return {f"i = {i}": tuple(out[i]) for i in sorted(out)}
