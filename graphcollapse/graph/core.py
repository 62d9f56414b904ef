"""The interaction graph as a value object: who trains on whose synthetic outputs, and how much.

An edge ``j -> k`` means model ``k`` trains on model ``j``'s synthetic outputs
(data flows from ``j`` to ``k``).  Row ``k`` of the weight matrix ``W`` is what
``k`` trains on, so ``W[k, j] = w_kj`` and the real-data weight is
``r_k = 1 - sum_j w_kj`` (MODEL.md section 1).

:class:`InteractionGraph` is an immutable, validated value object.  It stores
its edges column-wise (arrays of source and target positions, sorted by
target then source) so that a graph of a million models costs arrays, not a
million Python objects.  Two kinds exist:

* **exact** graphs (from JSON, dicts, networkx, or matrices of integers,
  fractions or SymPy numbers): weights, sizes and variances are SymPy
  expressions, possibly in declared symbols;
* **float** graphs (from float matrices, meant for large graphs): weights are
  ``float64``.  Verdicts stay exact because they depend on the support only;
  limits and rates come out as floats and say so.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "real": 1, "n": 10},
...                           {"id": "B", "n": 10}],
...                "edges": [{"from": "A", "to": "B", "weight": 1}]})
>>> g.ids, g.weight_matrix()
(('A', 'B'), Matrix([
[0, 0],
[1, 0]]))
>>> g.real
(1, 0)
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import GraphCollapseError, InputError
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.parse import to_exact

__all__ = ["InteractionGraph", "ModelSpec", "EdgeSpec", "MIXING_RULES", "FLOAT_SUM_TOLERANCE", "DEFAULT_ESTIMATOR"]
MIXING_RULES = ("pooled", "weighted")
#: Row sums of float graphs must be within this distance of 1.
FLOAT_SUM_TOLERANCE = 1e-9
_RESERVED_NAMES = {"sqrt", "Rational", "oo", "t", "z"}
DEFAULT_ESTIMATOR = {"family": "gaussian_mean", "d": 1, "sigma2": 1}
_TOP_KEYS = {"name", "mixing", "symbols", "estimator", "models", "edges"}
_MODEL_KEYS = {"id", "n", "n0", "real", "n_real", "sigma2"}
_EDGE_KEYS = {"from", "to", "weight", "n"}


@dataclass(frozen=True)
class ModelSpec:
    """One model as written in a graph file (after defaults were resolved).

    ``n`` is the number of fresh samples per generation (pooled) or the
    default per-source count (weighted); ``n0`` the generation-0 real sample
    size; ``real`` the real-data weight ``r_k``; ``n_real`` the real-sample
    count; ``sigma2`` the noise variance of the synthetic data this model
    generates (``None``: the estimator's ``sigma2``).
    """

    id: str
    n: sympy.Expr | None
    n0: sympy.Expr | None
    real: sympy.Expr
    n_real: sympy.Expr | None
    sigma2: sympy.Expr | None


@dataclass(frozen=True)
class EdgeSpec:
    """One edge ``source -> target``: ``target`` trains on ``source``'s outputs."""

    source: str
    target: str
    weight: sympy.Expr
    n: sympy.Expr | None


def _freeze(value: Any) -> Any:
    """Deep-copy JSON-like data into immutable containers."""
    if isinstance(value, Mapping):
        return tuple((str(k), _freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ("__list__",) + tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        if value and value[0] == "__list__":
            return [_thaw(v) for v in value[1:]]
        return {k: _thaw(v) for k, v in value}
    return value


class InteractionGraph:
    """An immutable, validated interaction graph of ``K`` models.

    Build one with :func:`from_dict`, :func:`from_json`, :func:`load`,
    :func:`from_networkx` or :func:`from_matrix`; never call the constructor
    directly.

    Attributes
    ----------
    name : str
    mixing : {"pooled", "weighted"}
    symbols : tuple of sympy.Symbol
        Declared real symbols (weights in them are assumed to lie in [0, 1],
        sizes and variances to be positive).
    sources, targets : numpy.ndarray of int
        Edge endpoints as model positions; edge ``i`` is
        ``sources[i] -> targets[i]``, sorted by target then source.
    weights : tuple of sympy.Expr or numpy.ndarray
        ``w_kj`` per edge (exact graphs: SymPy; float graphs: float64).
    real : tuple of sympy.Expr or numpy.ndarray
        Real-data weight ``r_k`` per model.

    Examples
    --------
    >>> from graphcollapse.graph import from_matrix
    >>> g = from_matrix([[0, 1], [1, 0]])
    >>> g.K, g.is_exact, g.ids
    (2, True, ('0', '1'))
    """

    __slots__ = (
        "name", "mixing", "symbols", "_estimator", "_ids", "sources", "targets", "weights",
        "real", "n", "n0", "n_real", "sigma2", "edge_n", "K", "is_exact", "tolerance", "dynamics", "__dict__",
    )

    def __init__(self, *, name, mixing, symbols, estimator, ids, K, sources, targets, weights, real,
                 n=None, n0=None, n_real=None, sigma2=None, edge_n=None, is_exact=True, tolerance=None,
                 dynamics=None):
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "mixing", mixing)
        set_(self, "symbols", tuple(symbols))
        set_(self, "_estimator", _freeze(estimator))
        set_(self, "_ids", None if ids is None else tuple(ids))
        set_(self, "K", int(K))
        for attr, array in (("sources", sources), ("targets", targets)):
            array = np.asarray(array, dtype=np.int64)
            array.setflags(write=False)
            set_(self, attr, array)
        if isinstance(weights, np.ndarray):
            weights = weights.astype(np.float64, copy=True)
            weights.setflags(write=False)
            real = np.asarray(real, dtype=np.float64).copy()
            real.setflags(write=False)
        set_(self, "weights", weights)
        set_(self, "real", real)
        set_(self, "n", n)
        set_(self, "n0", n0)
        set_(self, "n_real", n_real)
        set_(self, "sigma2", sigma2)
        set_(self, "edge_n", edge_n)
        set_(self, "is_exact", bool(is_exact))
        # Float graphs: entries of absolute value <= tolerance were read as zero (None: exactly 0.0 only).
        set_(self, "tolerance", tolerance)
        # dynamics (issue 13): the schedule, modes and memory of graph/dynamics.py; None for the paper's process.
        set_(self, "dynamics", dynamics)

    def __setattr__(self, key, value):
        raise AttributeError("InteractionGraph is immutable")

    def __delattr__(self, key):
        raise AttributeError("InteractionGraph is immutable")

    # ------------------------------------------------------------------ views
    @property
    def ids(self) -> tuple[str, ...]:
        """Model ids in model order."""
        if self._ids is None:
            object.__setattr__(self, "_ids", tuple(str(i) for i in range(self.K)))
        return self._ids

    @cached_property
    def index(self) -> dict[str, int]:
        """Map from model id to position."""
        return {model_id: i for i, model_id in enumerate(self.ids)}

    @property
    def estimator(self) -> dict:
        """The estimator specification (a fresh dict; the graph keeps its own copy)."""
        return _thaw(self._estimator)

    @property
    def num_edges(self) -> int:
        return int(self.sources.shape[0])

    @cached_property
    def models(self) -> tuple[ModelSpec, ...]:
        """Per-model records (exact graphs; float graphs give float fields)."""
        def at(values, i):
            return None if values is None else values[i]
        return tuple(
            ModelSpec(model_id, at(self.n, i), at(self.n0, i), self.real[i], at(self.n_real, i), at(self.sigma2, i))
            for i, model_id in enumerate(self.ids)
        )

    @cached_property
    def edges(self) -> tuple[EdgeSpec, ...]:
        """Per-edge records, sorted by target then source."""
        ids = self.ids
        return tuple(
            EdgeSpec(ids[j], ids[k], self.weights[i], None if self.edge_n is None else self.edge_n[i])
            for i, (j, k) in enumerate(zip(self.sources.tolist(), self.targets.tolist()))
        )

    @cached_property
    def support(self) -> sp.csr_array:
        """Boolean ``K x K`` matrix, ``support[k, j]`` iff ``w_kj`` is not identically zero.

        Symbolic weights count as present: which ones vanish is what the
        collapse predicate decides.  Built straight from the sorted edge
        arrays (no sorting, no COO round trip), so it is cheap for huge graphs.
        """
        if self.is_exact:
            keep = np.fromiter((not (w == 0) for w in self.weights), dtype=bool, count=self.num_edges)
        else:
            keep = np.asarray(self.weights) != 0
        targets = self.targets[keep]
        indptr = np.zeros(self.K + 1, dtype=np.int64)
        np.cumsum(np.bincount(targets, minlength=self.K), out=indptr[1:])
        data = np.ones(targets.size, dtype=bool)
        return sp.csr_array((data, self.sources[keep], indptr), shape=(self.K, self.K))

    @cached_property
    def has_real(self) -> np.ndarray:
        """Boolean vector: does model ``k`` receive real data (``r_k`` not identically 0)?"""
        if self.is_exact:
            return np.fromiter((not (r == 0) for r in self.real), dtype=bool, count=self.K)
        return np.asarray(self.real) != 0

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        """Declared symbols that actually occur in the weights."""
        if not self.is_exact:
            return set()
        found: set[sympy.Symbol] = set()
        for value in (*self.weights, *self.real):
            found |= value.free_symbols
        return found

    @property
    def free_symbols_all(self) -> set[sympy.Symbol]:
        """Declared symbols that occur anywhere: weights, sizes, counts and variances."""
        if not self.is_exact:
            return set()
        found = set(self.free_symbols)
        for values in (self.n, self.n0, self.n_real, self.sigma2, self.edge_n):
            for value in values or ():
                if value is not None:
                    found |= value.free_symbols
        return found

    def weight_matrix(self) -> sympy.ImmutableSparseMatrix:
        """``W`` as a SymPy matrix (exact graphs only).

        Examples
        --------
        >>> from graphcollapse.graph import from_matrix
        >>> from_matrix([[0, "1/2"], [1, 0]], real=["1/2", 0]).weight_matrix()
        Matrix([
        [0, 1/2],
        [1,   0]])
        """
        self._require_exact("weight_matrix")
        entries = {(int(k), int(j)): w for j, k, w in zip(self.sources, self.targets, self.weights) if w != 0}
        return sympy.ImmutableSparseMatrix(self.K, self.K, entries)

    def weight_matrix_float(self) -> sp.csr_array:
        """``W`` as a float ``scipy.sparse`` matrix (symbols are not allowed)."""
        if self.is_exact:
            self._require_numeric("weight_matrix_float")
            data = np.array([float(w) for w in self.weights], dtype=np.float64)
        else:
            data = np.asarray(self.weights)
        return sp.csr_array((data, (self.targets, self.sources)), shape=(self.K, self.K))

    def real_float(self) -> np.ndarray:
        """Real-data weights as floats."""
        if self.is_exact:
            self._require_numeric("real_float")
            return np.array([float(r) for r in self.real], dtype=np.float64)
        return np.asarray(self.real)

    def _require_exact(self, what: str) -> None:
        if not self.is_exact:
            raise InputError(f"graph {self.name!r}: {what} needs an exact graph; this one has float weights")

    def _require_numeric(self, what: str) -> None:
        if self.free_symbols:
            names = ", ".join(sorted(s.name for s in self.free_symbols))
            raise InputError(f"graph {self.name!r}: {what} needs numeric weights; substitute the symbols {names} first")

    # ---------------------------------------------------------- conversions
    def to_dict(self) -> dict:
        """The graph as JSON-ready data (exact values as SymPy strings).

        ``from_dict(g.to_dict())`` rebuilds an equal graph.
        """
        def out(value):
            if value is None:
                return None
            if isinstance(value, (float, np.floating)):
                return float(value)
            if isinstance(value, sympy.Integer):
                return int(value)
            return str(value)

        # Pooled counts follow from a model's n and the weights (n_kj = w_kj n_k), so they are
        # not written: a graph whose derived counts are fractional (from_matrix with the
        # default n = 1) must still load back.
        derived = self.mixing == "pooled"
        has_n = {spec.id: spec.n is not None for spec in self.models}
        models = []
        for spec in self.models:
            entry = {"id": spec.id}
            for key in ("n", "n0", "real", "n_real", "sigma2"):
                value = getattr(spec, key)
                if key == "n_real" and derived and spec.n is not None:
                    continue
                if value is not None:
                    entry[key] = out(value)
            models.append(entry)
        edges = []
        for edge in self.edges:
            entry = {"from": edge.source, "to": edge.target, "weight": out(edge.weight)}
            if edge.n is not None and not (derived and has_n[edge.target]):
                entry["n"] = out(edge.n)
            edges.append(entry)
        out = {
            "name": self.name,
            "mixing": self.mixing,
            "symbols": [s.name for s in self.symbols],
            "estimator": self.estimator,
            "models": models,
            "edges": edges,
        }
        if self.dynamics is not None:  # dynamics (issue 13)
            out.update(self.dynamics.to_dict())
        return out

    def to_json(self, indent: int | None = 1) -> str:
        """Serialise to the graph-file format (see :func:`graphcollapse.graph.io.from_json`)."""
        from graphcollapse.graph.io import to_json

        return to_json(self, indent)

    def save(self, path: str | Path) -> None:
        """Write the graph file atomically (a temporary file, then a rename)."""
        from graphcollapse.graph.io import save

        save(self, path)

    def to_networkx(self):
        """A ``networkx.DiGraph`` with node and edge attributes; lossless for exact graphs.

        Examples
        --------
        >>> from graphcollapse.graph import from_matrix, from_networkx
        >>> g = from_matrix([[0, 1], [1, 0]])
        >>> from_networkx(g.to_networkx()) == g
        True
        """
        from graphcollapse.graph.adapters import to_networkx

        return to_networkx(self)

    def with_estimator(self, estimator: Mapping) -> "InteractionGraph":
        """A copy with another estimator specification (e.g. from ``--estimator``)."""
        dynamics = None if self.dynamics is None else \
            self.dynamics.map_graphs(lambda g: g.with_estimator(estimator))  # dynamics (issue 13)
        return self._replace(estimator=dict(estimator), dynamics=dynamics)

    def subs(self, values: Mapping) -> "InteractionGraph":
        """Substitute symbols (a mapping of Symbol or name to value) everywhere.

        Examples
        --------
        >>> from graphcollapse.graph import from_dict
        >>> g = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 1, "real": "a"}],
        ...                "edges": [{"from": "A", "to": "A", "weight": "1 - a"}]})
        >>> g.subs({"a": 0}).real
        (0,)
        """
        self._require_exact("subs")
        by_name = {s.name: s for s in self.symbols}
        mapping = {}
        for key, value in values.items():
            name = key.name if isinstance(key, sympy.Symbol) else str(key)
            if name not in by_name:
                raise InputError(f"graph {self.name!r}: cannot substitute unknown symbol {name!r}")
            mapping[by_name[name]] = to_exact(value, by_name, where=f"value of {name}")
        remaining = tuple(s for s in self.symbols if s not in mapping)

        everything = [v for values in (self.weights, self.real, self.n, self.n0, self.n_real, self.sigma2,
                                       self.edge_n) if values is not None for v in values if v is not None]
        domain = NumberDomain.from_expressions([v.xreplace(mapping) for v in everything], remaining)

        def sub(values):
            if values is None:
                return None
            return tuple(None if v is None else domain.canonical(v.xreplace(mapping)) for v in values)

        shown = ", ".join(f"{k} = {v}" for k, v in mapping.items())
        weights, real = sub(self.weights), sub(self.real)
        for label, value in [*((f"edge {e.source}->{e.target} weight", w) for e, w in zip(self.edges, weights)),
                             *((f"model {i!r} real", r) for i, r in zip(self.ids, real))]:
            if not value.free_symbols and (domain.sign(value) < 0 or domain.sign(value - 1) > 0):
                raise InputError(f"graph {self.name!r}: {shown} puts the {label} at {value}, outside [0, 1]")
        for field in ("n", "n0", "n_real", "sigma2", "edge_n"):
            for value in sub(getattr(self, field)) or ():
                if value is not None and not value.free_symbols and domain.sign(value) < (0 if field in ("n_real", "edge_n") else 1):
                    raise InputError(f"graph {self.name!r}: {shown} makes a {field.replace('edge_n', 'sample count')} "
                                     f"equal to {value}, not positive")
        estimator = _subs_in_spec(self.estimator, by_name, mapping)
        return InteractionGraph(
            name=self.name, mixing=self.mixing, symbols=remaining, estimator=estimator, ids=self._ids,
            K=self.K, sources=self.sources, targets=self.targets, weights=weights,
            real=real, n=sub(self.n), n0=sub(self.n0), n_real=sub(self.n_real),
            sigma2=sub(self.sigma2), edge_n=sub(self.edge_n), is_exact=True,
            dynamics=None if self.dynamics is None else self.dynamics.subs(mapping, values))  # dynamics (issue 13)

    def _replace(self, **changes) -> "InteractionGraph":
        fields = dict(
            name=self.name, mixing=self.mixing, symbols=self.symbols, estimator=self.estimator, ids=self._ids,
            K=self.K, sources=self.sources, targets=self.targets, weights=self.weights, real=self.real, n=self.n,
            n0=self.n0, n_real=self.n_real, sigma2=self.sigma2, edge_n=self.edge_n, is_exact=self.is_exact,
            tolerance=self.tolerance, dynamics=self.dynamics)
        fields.update(changes)
        return InteractionGraph(**fields)

    # ------------------------------------------------------------- identity
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InteractionGraph):
            return NotImplemented
        if self.is_exact != other.is_exact or self.K != other.K:
            return False
        if self.is_exact:
            return self.to_dict() == other.to_dict()
        return (self.ids == other.ids and np.array_equal(self.sources, other.sources)
                and np.array_equal(self.targets, other.targets)
                and np.array_equal(self.weights, other.weights) and np.array_equal(self.real, other.real))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kind = "exact" if self.is_exact else "float"
        label = f"{self.name!r}, " if self.name else ""
        return f"<InteractionGraph {label}{self.K} models, {self.num_edges} edges, {self.mixing}, {kind}>"


def _subs_in_spec(spec: Any, symbols: Mapping[str, sympy.Symbol], mapping: Mapping) -> Any:
    """Substitute symbols inside the formula-valued strings of an estimator spec.

    Strings that are not plain formulas (a custom log-density, a family name)
    are left alone; they never refer to graph symbols.
    """
    if isinstance(spec, dict):
        return {k: _subs_in_spec(v, symbols, mapping) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_subs_in_spec(v, symbols, mapping) for v in spec]
    if isinstance(spec, str):
        try:
            value = to_exact(spec, symbols, where="estimator")
        except GraphCollapseError:
            return spec
        if value.free_symbols & set(mapping):
            return str(sympy.cancel(value.xreplace(mapping)))
    return spec
