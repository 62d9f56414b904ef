"""The graph-file schema: from plain data to a validated :class:`InteractionGraph`.

Resolves defaults and the two mixing rules (pooled: weights are sample
fractions ``n_kj / n_k``, counts and weights follow from one another;
weighted: free weights, one estimator per source with its own count), and
checks every field, naming the model or edge at fault.

Examples
--------
>>> g = from_dict({"symbols": ["a"],
...                "models": [{"id": "A", "n": 100, "real": "a"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1 - a"}]})
>>> g.weights, g.free_symbols
((1 - a,), {a})
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import sympy

from graphcollapse.errors import InputError, guarded
from graphcollapse.graph.core import DEFAULT_ESTIMATOR, MIXING_RULES, InteractionGraph
from graphcollapse.graph.dynamics import DYNAMICS_KEYS, parse_dynamics
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.parse import check_name, to_exact

__all__ = ["from_dict", "declare_symbols", "validated"]
_TOP_KEYS = {"name", "mixing", "symbols", "estimator", "models", "edges", *DYNAMICS_KEYS}
_MODEL_KEYS = {"id", "n", "n0", "real", "n_real", "sigma2"}
_EDGE_KEYS = {"from", "to", "weight", "n"}


def declare_symbols(names: Iterable[Any]) -> dict[str, sympy.Symbol]:
    symbols: dict[str, sympy.Symbol] = {}
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise InputError('"symbols" must be a list of names')
    for name in names:
        name = check_name(name, "symbol")
        if name in symbols:
            raise InputError(f"symbol {name!r}: declared twice")
        symbols[name] = sympy.Symbol(name, real=True)
    return symbols


@guarded
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
    symbols = declare_symbols(data.get("symbols", []))
    estimator = data.get("estimator", None)
    if estimator is None:
        estimator = dict(DEFAULT_ESTIMATOR)
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

    graph = _assemble(name, mixing, symbols, estimator, ids, raw_models, raw_edges)
    # dynamics (issue 13): schedule, modes, memory; each phase or mode is validated like a graph.
    dynamics = parse_dynamics(data, graph, lambda layout: from_dict(layout))
    return graph if dynamics is None else graph._replace(dynamics=dynamics)


def _exact_or_none(value, symbols, where):
    return None if value is None else to_exact(value, symbols, where=where)


class _Exact:
    """The graph's number domain: one exact field for all its values, so every decision is exact.

    Values are parsed first, the field of all of them is built once, and then
    sums, signs and zero tests are decided there; stored values take the
    field's canonical spelling (``1/(1+sqrt(2))`` is stored as ``-1 + sqrt(2)``,
    a disguised zero as ``0``).
    """

    def __init__(self, values, symbols):
        self.domain = NumberDomain.from_expressions([v for v in values if v is not None], symbols)

    def canon(self, value):
        if value is None or value.is_Rational:
            return value
        return self.domain.canonical(value)

    def is_zero(self, value) -> bool:
        if value.is_Rational:
            return value == 0
        return self.domain.is_zero(value)

    def negative(self, value) -> bool:
        """A constant below zero (symbolic values are constrained by the valid region instead)."""
        if value is None or value.free_symbols:
            return False
        return bool(value < 0) if value.is_Rational else self.domain.sign(value) < 0

    def check_size(self, value, where, *, allow_zero=False):
        """Given sample sizes must be positive integers (symbols are assumed positive)."""
        if value is None or value.free_symbols:
            return
        value = self.canon(value)
        if not value.is_Integer or value < 0 or (value == 0 and not allow_zero):
            raise InputError(f"{where} must be a positive integer, got {value}")

    def check_positive(self, value, where):
        if value is None or value.free_symbols:
            return
        if (value <= 0) if value.is_Rational else self.domain.sign(value) <= 0:
            raise InputError(f"{where} must be positive, got {value}")


_MODEL_FIELDS = ("n", "n0", "real", "n_real", "sigma2")


def _assemble(name, mixing, symbols, estimator, ids, raw_models, raw_edges) -> InteractionGraph:
    K = len(ids)
    order = sorted(raw_edges)  # by (target, source)
    by_target: dict[int, list[tuple[int, Mapping]]] = {k: [] for k in range(K)}
    for k, j in order:
        by_target[k].append((j, raw_edges[(k, j)]))

    # Parse every value first: the graph's number field is the field of all of them.
    parsed_models = [{key: _exact_or_none(model.get(key), symbols, f"model {ids[k]!r} {key}") for key in _MODEL_FIELDS}
                     for k, model in enumerate(raw_models)]
    parsed_edges = {key: (_exact_or_none(edge.get("weight"), symbols, f"edge {ids[key[1]]}->{ids[key[0]]} weight"),
                          _exact_or_none(edge.get("n"), symbols, f"edge {ids[key[1]]}->{ids[key[0]]} n"))
                    for key, edge in raw_edges.items()}
    exact = _Exact([v for m in parsed_models for v in m.values()] + [v for pair in parsed_edges.values() for v in pair],
                   tuple(symbols.values()))

    weights: dict[tuple[int, int], sympy.Expr] = {}
    edge_counts: dict[tuple[int, int], sympy.Expr | None] = {}
    n_out, n0_out, real_out, n_real_out, sigma_out = [], [], [], [], []
    for k, values in enumerate(parsed_models):
        label = f"model {ids[k]!r}"
        n, n0, real, n_real, sigma2 = (exact.canon(values[key]) for key in _MODEL_FIELDS)
        exact.check_size(n, f"{label}: n")
        exact.check_size(n0, f"{label}: n0")
        exact.check_size(n_real, f"{label}: n_real", allow_zero=True)
        exact.check_positive(sigma2, f"{label}: sigma2")
        incoming = []
        for j, _edge in by_target[k]:
            elabel = f"edge {ids[j]}->{ids[k]}"
            weight, count = (exact.canon(v) for v in parsed_edges[(k, j)])
            exact.check_size(count, f"{elabel}: n", allow_zero=True)
            if exact.negative(weight):
                raise InputError(f"{elabel}: negative weight {weight}")
            incoming.append((j, elabel, weight, count))
        if exact.negative(real):
            raise InputError(f"{label}: negative real-data weight {real}")

        if mixing == "pooled":
            n, real, n_real, resolved = _resolve_pooled(label, n, real, n_real, incoming, exact)
        else:
            n, real, n_real, resolved = _resolve_weighted(label, n, real, n_real, incoming, exact)
        for j, weight, count in resolved:
            weights[(k, j)] = exact.canon(weight)
            edge_counts[(k, j)] = exact.canon(count)

        total = real + sum((weights[(k, j)] for j, *_ in incoming), sympy.Integer(0))
        if not exact.is_zero(total - 1):
            shown = exact.canon(total)
            raise InputError(f"{label}: weights sum to {shown}, not 1 (real data {real} plus its edges)")
        n_out.append(exact.canon(n))
        n0_out.append(n0 if n0 is not None else exact.canon(n))
        real_out.append(exact.canon(real))
        n_real_out.append(exact.canon(n_real))
        sigma_out.append(sigma2)

    sources = np.array([j for (k, j) in order], dtype=np.int64)
    targets = np.array([k for (k, j) in order], dtype=np.int64)
    graph = InteractionGraph(
        name=name, mixing=mixing, symbols=tuple(symbols.values()), estimator=estimator, ids=ids, K=K,
        sources=sources, targets=targets, weights=tuple(weights[key] for key in order), real=tuple(real_out),
        n=tuple(n_out), n0=tuple(n0_out), n_real=tuple(n_real_out), sigma2=tuple(sigma_out),
        edge_n=tuple(edge_counts[key] for key in order), is_exact=True)
    return validated(graph)


def _resolve_pooled(label, n, real, n_real, incoming, exact: _Exact):
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
        elif count is not None and not exact.is_zero(weight * n - count):
            raise InputError(f"{elabel}: weight {weight} and sample count {count} disagree (n = {n})")
        if j is None:
            real_weight, n_real = weight, count
        else:
            resolved.append((j, weight, count))
    return n, real_weight, n_real, resolved


def _resolve_weighted(label, n, real, n_real, incoming, exact: _Exact):
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
    if n_real is None and not exact.is_zero(real):
        n_real = n
        if n_real is None:
            raise InputError(f"{label}: give \"n_real\" (or \"n\") for its real-data estimator")
    return n, real, n_real, resolved


def validated(graph: InteractionGraph) -> InteractionGraph:
    """Checks shared by every builder of exact graphs."""
    if graph.K == 0:
        raise InputError("graph has no models")
    return graph
