"""The interaction graph: who trains on whose synthetic outputs, and how much.

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

import json
import keyword
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
import sympy

from .errors import GraphCollapseError, InputError
from .expressions import to_exact

__all__ = [
    "InteractionGraph",
    "ModelSpec",
    "EdgeSpec",
    "from_dict",
    "from_json",
    "load",
    "from_networkx",
    "from_matrix",
    "MIXING_RULES",
    "FLOAT_SUM_TOLERANCE",
]

MIXING_RULES = ("pooled", "weighted")
#: Row sums of float graphs must be within this distance of 1.
FLOAT_SUM_TOLERANCE = 1e-9
_RESERVED_NAMES = {"sqrt", "Rational", "oo", "t", "z"}
_DEFAULT_ESTIMATOR = {"family": "gaussian_mean", "d": 1, "sigma2": 1}
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
    >>> g = from_matrix([[0, 1], [1, 0]])
    >>> g.K, g.is_exact, g.ids
    (2, True, ('0', '1'))
    """

    __slots__ = (
        "name", "mixing", "symbols", "_estimator", "_ids", "sources", "targets", "weights",
        "real", "n", "n0", "n_real", "sigma2", "edge_n", "K", "is_exact", "__dict__",
    )

    def __init__(self, *, name, mixing, symbols, estimator, ids, K, sources, targets, weights, real,
                 n=None, n0=None, n_real=None, sigma2=None, edge_n=None, is_exact=True):
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

    def weight_matrix(self) -> sympy.ImmutableSparseMatrix:
        """``W`` as a SymPy matrix (exact graphs only).

        Examples
        --------
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
        return {
            "name": self.name,
            "mixing": self.mixing,
            "symbols": [s.name for s in self.symbols],
            "estimator": self.estimator,
            "models": models,
            "edges": edges,
        }

    def to_json(self, indent: int | None = 1) -> str:
        """Serialise to the graph-file format (see :func:`from_json`)."""
        return json.dumps(self.to_dict(), indent=indent, default=_json_default)

    def save(self, path: str | Path) -> None:
        """Write the graph file atomically (a temporary file, then a rename)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json() + "\n")
        tmp.replace(path)

    def to_networkx(self):
        """A ``networkx.DiGraph`` with node and edge attributes; lossless for exact graphs.

        Examples
        --------
        >>> g = from_matrix([[0, 1], [1, 0]])
        >>> from_networkx(g.to_networkx()) == g
        True
        """
        import networkx as nx

        graph = nx.DiGraph(name=self.name, mixing=self.mixing, symbols=[s.name for s in self.symbols],
                           estimator=self.estimator)
        for spec in self.models:
            attrs = {key: getattr(spec, key) for key in ("n", "n0", "real", "n_real", "sigma2")}
            graph.add_node(spec.id, **{k: v for k, v in attrs.items() if v is not None})
        for edge in self.edges:
            attrs = {"weight": edge.weight}
            if edge.n is not None:
                attrs["n"] = edge.n
            graph.add_edge(edge.source, edge.target, **attrs)
        return graph

    def with_estimator(self, estimator: Mapping) -> "InteractionGraph":
        """A copy with another estimator specification (e.g. from ``--estimator``)."""
        return self._replace(estimator=dict(estimator))

    def subs(self, values: Mapping) -> "InteractionGraph":
        """Substitute symbols (a mapping of Symbol or name to value) everywhere.

        Examples
        --------
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

        def sub(values):
            if values is None:
                return None
            return tuple(None if v is None else sympy.nsimplify(v.xreplace(mapping)) if v.has(sympy.Float)
                         else sympy.cancel(v.xreplace(mapping)) if v.free_symbols else v for v in values)

        estimator = _subs_in_spec(self.estimator, by_name, mapping)
        return _validated(InteractionGraph(
            name=self.name, mixing=self.mixing, symbols=remaining, estimator=estimator, ids=self._ids,
            K=self.K, sources=self.sources, targets=self.targets, weights=sub(self.weights),
            real=sub(self.real), n=sub(self.n), n0=sub(self.n0), n_real=sub(self.n_real),
            sigma2=sub(self.sigma2), edge_n=sub(self.edge_n), is_exact=True))

    def _replace(self, **changes) -> "InteractionGraph":
        fields = dict(
            name=self.name, mixing=self.mixing, symbols=self.symbols, estimator=self.estimator, ids=self._ids,
            K=self.K, sources=self.sources, targets=self.targets, weights=self.weights, real=self.real, n=self.n,
            n0=self.n0, n_real=self.n_real, sigma2=self.sigma2, edge_n=self.edge_n, is_exact=self.is_exact)
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


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, sympy.Basic):
        return int(value) if value.is_Integer else str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------

def load(path: str | Path) -> InteractionGraph:
    """Read a graph file (JSON; format in the README and :func:`from_json`).

    Raises
    ------
    InputError
        If the file cannot be read, is malformed JSON (with line and column),
        or describes an invalid graph.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InputError(f"cannot read graph file {str(path)!r}: {err.strerror or err}") from None
    return from_json(text, source=path.name)


def from_json(text: str, *, source: str = "graph") -> InteractionGraph:
    """Parse the JSON graph-file format.

    Numbers keep their exact decimal value (``0.1`` means ``1/10``).

    Examples
    --------
    >>> g = from_json('{"models": [{"id": "A", "n": 5, "real": 0.25},'
    ...               ' {"id": "B", "n": 5, "real": 1}],'
    ...               ' "edges": [{"from": "B", "to": "A", "weight": 0.75}]}')
    >>> g.real
    (1/4, 1)
    """
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except _DuplicateKey as err:
        raise InputError(f"{source}: duplicate key {err.args[0]!r} in a JSON object") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a JSON object")
    return from_dict(data)


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _declare_symbols(names: Iterable[Any]) -> dict[str, sympy.Symbol]:
    symbols: dict[str, sympy.Symbol] = {}
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise InputError('"symbols" must be a list of names')
    for name in names:
        if isinstance(name, sympy.Symbol):
            name = name.name
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise InputError(f"symbol {name!r}: not a valid name")
        if name in _RESERVED_NAMES:
            raise InputError(f"symbol {name!r}: reserved name, choose another")
        if name in symbols:
            raise InputError(f"symbol {name!r}: declared twice")
        symbols[name] = sympy.Symbol(name, real=True)
    return symbols


def from_dict(data: Mapping) -> InteractionGraph:
    """Build a graph from plain Python data in the graph-file layout.

    ``{"name", "mixing", "symbols", "estimator", "models": [...], "edges": [...]}``;
    see the README for every field and its default.

    Examples
    --------
    >>> g = from_dict({"symbols": ["a"],
    ...                "models": [{"id": "A", "n": 100, "real": "a"}],
    ...                "edges": [{"from": "A", "to": "A", "weight": "1 - a"}]})
    >>> g.weights, g.free_symbols
    ((1 - a,), {a})
    """
    if not isinstance(data, Mapping):
        raise InputError("a graph must be a mapping with 'models' and 'edges'")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InputError(f"graph: unknown field {sorted(unknown)[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise InputError('graph: "name" must be a string')
    mixing = data.get("mixing", "pooled")
    if mixing not in MIXING_RULES:
        raise InputError(f'graph: "mixing" must be "pooled" or "weighted", not {mixing!r}')
    symbols = _declare_symbols(data.get("symbols", []))
    estimator = data.get("estimator", None)
    if estimator is None:
        estimator = dict(_DEFAULT_ESTIMATOR)
    if not isinstance(estimator, Mapping):
        raise InputError('graph: "estimator" must be an object with a "family"')
    estimator = dict(estimator)
    estimator.setdefault("family", "gaussian_mean")

    models = data.get("models")
    if not isinstance(models, (list, tuple)) or not models:
        raise InputError("graph has no models")
    edges = data.get("edges", [])
    if not isinstance(edges, (list, tuple)):
        raise InputError('graph: "edges" must be a list')

    ids: list[str] = []
    raw_models: list[Mapping] = []
    for position, model in enumerate(models):
        if not isinstance(model, Mapping):
            raise InputError(f"model #{position + 1}: must be an object with an \"id\"")
        model_id = model.get("id")
        if isinstance(model_id, int) and not isinstance(model_id, bool):
            model_id = str(model_id)
        if not isinstance(model_id, str) or not model_id:
            raise InputError(f"model #{position + 1}: \"id\" must be a non-empty string")
        extra = set(model) - _MODEL_KEYS
        if extra:
            raise InputError(f"model {model_id!r}: unknown field {sorted(extra)[0]!r} (known: {', '.join(sorted(_MODEL_KEYS))})")
        if model_id in ids:
            raise InputError(f"duplicate model id {model_id!r}")
        ids.append(model_id)
        raw_models.append(model)
    index = {model_id: i for i, model_id in enumerate(ids)}

    raw_edges: dict[tuple[int, int], Mapping] = {}
    for position, edge in enumerate(edges):
        if not isinstance(edge, Mapping):
            raise InputError(f"edge #{position + 1}: must be an object with \"from\" and \"to\"")
        source, target = edge.get("from"), edge.get("to")
        source = str(source) if isinstance(source, int) and not isinstance(source, bool) else source
        target = str(target) if isinstance(target, int) and not isinstance(target, bool) else target
        label = f"edge {source}->{target}"
        extra = set(edge) - _EDGE_KEYS
        if extra:
            raise InputError(f"{label}: unknown field {sorted(extra)[0]!r} (known: {', '.join(sorted(_EDGE_KEYS))})")
        for end in (source, target):
            if end not in index:
                raise InputError(f"{label}: unknown model {end!r}")
        key = (index[target], index[source])
        if key in raw_edges:
            raise InputError(f"duplicate {label}")
        raw_edges[key] = edge

    return _assemble(name, mixing, symbols, estimator, ids, raw_models, raw_edges)


def _exact_or_none(value, symbols, where):
    return None if value is None else to_exact(value, symbols, where=where)


def _check_size(value, where, *, allow_zero=False):
    """Given sample sizes must be positive integers (symbols are assumed positive)."""
    if value is None or value.free_symbols:
        return
    if not value.is_Integer or value < 0 or (value == 0 and not allow_zero):
        raise InputError(f"{where} must be a positive integer, got {value}")


def _check_positive(value, where):
    if value is None or value.free_symbols:
        return
    if not value.is_positive:
        raise InputError(f"{where} must be positive, got {value}")


def _is_zero(value) -> bool:
    return value == 0 or (bool(value.free_symbols) and sympy.cancel(value) == 0)


def _assemble(name, mixing, symbols, estimator, ids, raw_models, raw_edges) -> InteractionGraph:
    K = len(ids)
    order = sorted(raw_edges)  # by (target, source)
    by_target: dict[int, list[tuple[int, Mapping]]] = {k: [] for k in range(K)}
    for k, j in order:
        by_target[k].append((j, raw_edges[(k, j)]))

    weights: dict[tuple[int, int], sympy.Expr] = {}
    edge_counts: dict[tuple[int, int], sympy.Expr | None] = {}
    n_out, n0_out, real_out, n_real_out, sigma_out = [], [], [], [], []
    for k, model in enumerate(raw_models):
        label = f"model {ids[k]!r}"
        n = _exact_or_none(model.get("n"), symbols, f"{label} n")
        n0 = _exact_or_none(model.get("n0"), symbols, f"{label} n0")
        real = _exact_or_none(model.get("real"), symbols, f"{label} real")
        n_real = _exact_or_none(model.get("n_real"), symbols, f"{label} n_real")
        sigma2 = _exact_or_none(model.get("sigma2"), symbols, f"{label} sigma2")
        _check_size(n, f"{label}: n")
        _check_size(n0, f"{label}: n0")
        _check_size(n_real, f"{label}: n_real", allow_zero=True)
        _check_positive(sigma2, f"{label}: sigma2")
        incoming = []
        for j, edge in by_target[k]:
            elabel = f"edge {ids[j]}->{ids[k]}"
            weight = _exact_or_none(edge.get("weight"), symbols, f"{elabel} weight")
            count = _exact_or_none(edge.get("n"), symbols, f"{elabel} n")
            _check_size(count, f"{elabel}: n", allow_zero=True)
            if weight is not None and not weight.free_symbols and weight < 0:
                raise InputError(f"{elabel}: negative weight {weight}")
            incoming.append((j, elabel, weight, count))
        if real is not None and not real.free_symbols and real < 0:
            raise InputError(f"{label}: negative real-data weight {real}")

        if mixing == "pooled":
            n, real, n_real, resolved = _resolve_pooled(label, n, real, n_real, incoming)
        else:
            n, real, n_real, resolved = _resolve_weighted(label, n, real, n_real, incoming)
        for j, weight, count in resolved:
            weights[(k, j)] = weight
            edge_counts[(k, j)] = count

        total = real + sum((weights[(k, j)] for j, *_ in incoming), sympy.Integer(0))
        if not _is_zero(total - 1):
            shown = sympy.factor(total) if total.free_symbols else total
            raise InputError(f"{label}: weights sum to {shown}, not 1 (real data {real} plus its edges)")
        n_out.append(n)
        n0_out.append(n0 if n0 is not None else n)
        real_out.append(real)
        n_real_out.append(n_real)
        sigma_out.append(sigma2)

    sources = np.array([j for (k, j) in order], dtype=np.int64)
    targets = np.array([k for (k, j) in order], dtype=np.int64)
    graph = InteractionGraph(
        name=name, mixing=mixing, symbols=tuple(symbols.values()), estimator=estimator, ids=ids, K=K,
        sources=sources, targets=targets, weights=tuple(weights[key] for key in order), real=tuple(real_out),
        n=tuple(n_out), n0=tuple(n0_out), n_real=tuple(n_real_out), sigma2=tuple(sigma_out),
        edge_n=tuple(edge_counts[key] for key in order), is_exact=True)
    return _validated(graph)


def _resolve_pooled(label, n, real, n_real, incoming):
    """Pooled mixing: weights are sample fractions ``n_kj / n_k``.

    Either ``n`` and the weights are given (counts follow), or the counts are
    given (``n`` is their sum, weights follow); where both are given they
    must agree.
    """
    sources = [(None, f"{label} real data", real, n_real)] + [(j, elabel, w, c) for j, elabel, w, c in incoming]
    if n is None:
        counts = [c for _, _, w, c in sources]
        weights_given = [w for _, _, w, c in sources]
        real_absent = real is None and n_real is None
        if (all(c is not None for c in counts[1:]) and (real_absent or n_real is not None)
                and (incoming or n_real is not None)):
            n = sum((c for c in counts[1:]), sympy.Integer(0)) + (n_real if n_real is not None else 0)
            if real_absent:
                n_real = sympy.Integer(0)
            if not n.free_symbols and n <= 0:
                raise InputError(f"{label}: its sample counts sum to {n}; it needs samples")
        elif any(c is not None for c in counts):
            raise InputError(f"{label}: give \"n\", or a sample count for every source (pooled mixing)")
        elif any(w is None for w in weights_given[1:]):
            missing = next(elabel for _, elabel, w, c in sources[1:] if w is None)
            raise InputError(f"{missing}: give a weight or a sample count")
    resolved = []
    real_weight = None
    for j, elabel, weight, count in sources:
        if weight is None and count is None:
            if j is None:
                weight = sympy.Integer(0)
                count = sympy.Integer(0) if n is not None else None
            else:
                raise InputError(f"{elabel}: give a weight or a sample count")
        elif weight is None:
            weight = sympy.cancel(count / n)
        elif count is None and n is not None:
            count = weight * n
            count = sympy.cancel(count) if count.free_symbols else count
        elif count is not None and not _is_zero(weight * n - count):
            raise InputError(f"{elabel}: weight {weight} and sample count {count} disagree (n = {n})")
        if j is None:
            real_weight, n_real = weight, count
        else:
            resolved.append((j, weight, count))
    return n, real_weight, n_real, resolved


def _resolve_weighted(label, n, real, n_real, incoming):
    """Weighted mixing: free weights, one estimator per source with its own count."""
    if real is None:
        real = sympy.Integer(0)
    resolved = []
    for j, elabel, weight, count in incoming:
        if weight is None:
            raise InputError(f"{elabel}: a weight is required with mixing \"weighted\"")
        if count is None:
            count = n
        if count is None:
            raise InputError(f"{elabel}: give a sample count \"n\" (or the model's \"n\")")
        resolved.append((j, weight, count))
    if n_real is None and not _is_zero(real):
        n_real = n
        if n_real is None:
            raise InputError(f"{label}: give \"n_real\" (or \"n\") for its real-data estimator")
    return n, real, n_real, resolved


def _validated(graph: InteractionGraph) -> InteractionGraph:
    """Checks shared by every builder of exact graphs."""
    if graph.K == 0:
        raise InputError("graph has no models")
    return graph


def from_networkx(digraph, *, name: str | None = None, mixing: str | None = None,
                  symbols: Sequence[str] | None = None, estimator: Mapping | None = None) -> InteractionGraph:
    """Build a graph from a ``networkx.DiGraph``.

    Edge attribute ``weight`` (and optionally ``n``); node attributes ``real``,
    ``n``, ``n0``, ``n_real``, ``sigma2``.  Graph attributes ``name``,
    ``mixing``, ``symbols`` and ``estimator`` are used unless overridden by
    the keyword arguments.  Node labels become string ids.

    Examples
    --------
    >>> import networkx as nx
    >>> d = nx.DiGraph()
    >>> d.add_node("A", real=1, n=10); d.add_node("B", n=10)
    >>> d.add_edge("A", "B", weight=1)
    >>> from_networkx(d).edges[0]
    EdgeSpec(source='A', target='B', weight=1, n=10)
    """
    import networkx as nx

    if not isinstance(digraph, nx.DiGraph) or digraph.is_multigraph():
        raise InputError("from_networkx expects a networkx.DiGraph")
    info = digraph.graph
    labels = {node: str(node) for node in digraph.nodes}
    if len(set(labels.values())) != len(labels):
        raise InputError("from_networkx: two nodes have the same string label")
    data = {
        "name": name if name is not None else info.get("name", ""),
        "mixing": mixing if mixing is not None else info.get("mixing", "pooled"),
        "symbols": list(symbols if symbols is not None else info.get("symbols", [])),
        "models": [{"id": labels[node], **attrs} for node, attrs in digraph.nodes(data=True)],
        "edges": [{"from": labels[u], "to": labels[v], **attrs} for u, v, attrs in digraph.edges(data=True)],
    }
    chosen = estimator if estimator is not None else info.get("estimator")
    if chosen is not None:
        data["estimator"] = dict(chosen)
    return from_dict(data)


def from_matrix(W, real=None, n=None, ids=None, *, name: str = "", mixing: str = "pooled",
                symbols: Sequence[str] = (), estimator: Mapping | None = None, sigma2=None) -> InteractionGraph:
    """Build a graph from a weight matrix ``W`` (row ``k`` = what model ``k`` trains on).

    Parameters
    ----------
    W : array-like or scipy.sparse matrix, shape (K, K)
        ``W[k, j]`` is the weight of model ``j``'s outputs in model ``k``'s
        training data.  Integer, fraction, string or SymPy entries give an
        exact graph; a float array gives a float graph (for large graphs).
    real : sequence, optional
        Real-data weights ``r``; by default ``1 - W @ 1`` (which must then be
        non-negative).
    n : int or sequence, optional
        Samples per generation (default 1 for every model).
    ids : sequence of str, optional
        Model ids (default ``"0"``, ``"1"``, ...).

    Examples
    --------
    >>> g = from_matrix([["1/2", 0], [1, 0]])
    >>> g.real
    (1/2, 0)
    >>> import numpy as np, scipy.sparse as sp
    >>> big = from_matrix(sp.csr_array(np.array([[0.5, 0.0], [1.0, 0.0]])))
    >>> big.is_exact, big.real_float()
    (False, array([0.5, 0. ]))
    """
    presorted = False
    if sp.issparse(W):
        if W.shape[0] != W.shape[1]:
            raise InputError(f"from_matrix: W must be square, got shape {W.shape}")
        K = W.shape[0]
        if np.issubdtype(W.dtype, np.floating):
            # scipy's compiled routines put the matrix in canonical CSR form (rows
            # sorted, columns sorted within rows); duplicates are an error, so they
            # are detected on the raw entries first.
            csr = sp.csr_array(W, copy=True)
            before = csr.nnz
            csr.sum_duplicates()
            if csr.nnz != before:
                raise InputError("from_matrix: W has duplicate entries")
            rows = np.repeat(np.arange(K, dtype=np.int64), np.diff(csr.indptr))
            cols, values, presorted = csr.indices.astype(np.int64), csr.data, True
        else:
            coo = sp.coo_array(W)
            rows, cols, values = coo.row, coo.col, coo.data
        is_float = np.issubdtype(values.dtype, np.floating)
    else:
        array = np.asarray(W, dtype=object if not isinstance(W, np.ndarray) else None)
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise InputError(f"from_matrix: W must be a square matrix, got shape {array.shape}")
        K = array.shape[0]
        is_float = np.issubdtype(array.dtype, np.floating)
        if array.dtype == object:
            is_float = False
        rows, cols = np.nonzero(array != 0) if array.dtype != object else _object_nonzero(array)
        values = array[rows, cols]
    if K == 0:
        raise InputError("graph has no models")
    if mixing not in MIXING_RULES:
        raise InputError(f'from_matrix: mixing must be "pooled" or "weighted", not {mixing!r}')
    if ids is not None:
        ids = [str(i) for i in ids]
        if len(ids) != K:
            raise InputError(f"from_matrix: {len(ids)} ids for {K} models")
        if len(set(ids)) != K:
            raise InputError("from_matrix: duplicate model ids")
    if is_float:
        return _float_graph(K, rows, cols, values, real, n, ids, name, mixing, estimator, sigma2, presorted)

    model_ids = ids if ids is not None else [str(i) for i in range(K)]
    declared = _declare_symbols(symbols)
    exact_values = [to_exact(v, declared, where=f"W[{r}, {c}]") for r, c, v in zip(rows.tolist(), cols.tolist(), values)]
    if real is None:
        sums = [sympy.Integer(0)] * K
        for r, v in zip(rows.tolist(), exact_values):
            sums[r] = sums[r] + v
        real_values = [sympy.cancel(1 - s) if s.free_symbols else 1 - s for s in sums]
    else:
        real_values = list(real)
        if len(real_values) != K:
            raise InputError(f"from_matrix: {len(real_values)} real-data weights for {K} models")
    sizes = [n] * K if n is None or np.isscalar(n) or isinstance(n, (str, sympy.Basic)) else list(n)
    if len(sizes) != K:
        raise InputError(f"from_matrix: {len(sizes)} sample sizes for {K} models")
    models = []
    for k in range(K):
        entry = {"id": model_ids[k], "n": 1 if sizes[k] is None else sizes[k], "real": real_values[k]}
        if sigma2 is not None:
            entry["sigma2"] = sigma2[k] if isinstance(sigma2, (list, tuple, np.ndarray)) else sigma2
        models.append(entry)
    edges = [{"from": model_ids[c], "to": model_ids[r], "weight": v}
             for r, c, v in zip(rows.tolist(), cols.tolist(), exact_values) if v != 0]
    data = {"name": name, "mixing": mixing, "symbols": list(declared), "models": models, "edges": edges}
    if estimator is not None:
        data["estimator"] = dict(estimator)
    return from_dict(data)


def _object_nonzero(array: np.ndarray):
    mask = np.vectorize(lambda v: not (isinstance(v, (int, float)) and v == 0)
                        and not (isinstance(v, str) and v.strip() in {"0", "0.0", ""})
                        and not (isinstance(v, sympy.Basic) and v == 0), otypes=[bool])(array)
    return np.nonzero(mask)


def _float_graph(K, rows, cols, values, real, n, ids, name, mixing, estimator, sigma2,
                 presorted=False) -> InteractionGraph:
    """Vectorised validation for float graphs; no Python loop per model or edge."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise InputError("from_matrix: W has non-finite entries")
    if np.any(values < 0):
        position = int(np.flatnonzero(values < 0)[0])
        raise InputError(f"from_matrix: negative weight W[{rows[position]}, {cols[position]}] = {values[position]}")
    keep = values != 0
    if not keep.all():
        rows, cols, values = rows[keep], cols[keep], values[keep]
    if not presorted:
        order = np.lexsort((cols, rows))
        rows, cols, values = rows[order], cols[order], values[order]
    if rows.size > 1 and not presorted:
        dup = (np.diff(rows) == 0) & (np.diff(cols) == 0)
        if np.any(dup):
            position = int(np.flatnonzero(dup)[0])
            raise InputError(f"from_matrix: duplicate entry W[{rows[position]}, {cols[position]}]")
    row_sums = np.bincount(rows, weights=values, minlength=K)
    if real is None:
        real_values = 1.0 - row_sums
        real_values[np.abs(real_values) <= FLOAT_SUM_TOLERANCE] = 0.0
        if np.any(real_values < 0):
            k = int(np.flatnonzero(real_values < 0)[0])
            raise InputError(f"model {k}: weights sum to {row_sums[k]:.12g} > 1")
    else:
        real_values = np.asarray(real, dtype=np.float64)
        if real_values.shape != (K,):
            raise InputError(f"from_matrix: real must have {K} entries")
        if np.any(real_values < 0) or not np.all(np.isfinite(real_values)):
            k = int(np.flatnonzero(~(real_values >= 0))[0])
            raise InputError(f"model {k}: invalid real-data weight {real_values[k]}")
        bad = np.abs(row_sums + real_values - 1.0) > FLOAT_SUM_TOLERANCE
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise InputError(f"model {k}: weights sum to {row_sums[k] + real_values[k]:.12g}, not 1")
    sizes = None
    if n is not None:
        sizes = np.broadcast_to(np.asarray(n, dtype=np.float64), (K,)).copy()
        if np.any(sizes <= 0) or np.any(sizes != np.round(sizes)):
            raise InputError("from_matrix: sample sizes must be positive integers")
    sig = None
    if sigma2 is not None:
        sig = np.broadcast_to(np.asarray(sigma2, dtype=np.float64), (K,)).copy()
        if np.any(sig <= 0):
            raise InputError("from_matrix: sigma2 must be positive")
    return InteractionGraph(
        name=name, mixing=mixing, symbols=(), estimator=dict(estimator or _DEFAULT_ESTIMATOR), ids=ids, K=K,
        sources=cols, targets=rows, weights=values, real=real_values, n=sizes, n0=sizes, n_real=None,
        sigma2=sig, edge_n=None, is_exact=False)
