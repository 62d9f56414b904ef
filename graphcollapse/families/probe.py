"""What the estimator puts on one model of a family, as a function of the symbolic size ``K``.

The quotient recursions of :mod:`.quotient`, :mod:`.fourier` and
:mod:`.levels` need, for a *representative* model of each class, the
estimator's fresh noise ``D``, generation-0 moment ``S(0)``, propagation
``M``, trace weight ``T`` and (pooled OLS) its diagonal-rule coefficients,
with the number of sources of each kind a symbol-valued expression such as
``K − 1``.  The estimator itself computes these; the family never repeats
its formulas.  It is asked on a small *probe* graph: the target model with
``m`` sources of each kind, whose weights, sample counts and variances are
the family's expressions in ``K``.  Every estimator adds one term per
incoming edge to the noise, so the noise is affine in each multiplicity
``m``; the value at ``m = count(K)`` follows from two multiplicities, and a
third checks that the dependence is affine (exact zero test).  Rule
coefficients must not depend on the multiplicities at all (checked too).

A probe graph is not a graph of the family (its weights need not sum to 1
at the probe's multiplicities), so it is assembled without the graph
validation; nothing outside this module sees it.

Examples
--------
>>> from graphcollapse.families.rules import K, Rule
>>> rule = Rule.of(real="a", n="n", mixing="weighted")
>>> model = Model(n=rule.n)
>>> target = Target("t", model, rule.real, sources=(Source("o", (1 - rule.real) / (K - 1), K - 1, rule.n, model),))
>>> local = local_recursion(rule, [target])
>>> sympy.factor(local.noise["t"][0, 0])
(K*a**2 - 2*a + 1)/(n*(K - 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Hashable, Sequence

import numpy as np
import sympy

from graphcollapse.errors import UnsupportedError
from graphcollapse.estimators import estimator_for
from graphcollapse.families.rules import Rule
from graphcollapse.graph.core import InteractionGraph
from graphcollapse.numbers.domain import is_zero

__all__ = ["Model", "Source", "Target", "LocalRecursion", "local_recursion"]


@dataclass(frozen=True)
class Model:
    """A model's own fields (sizes and the variance of the synthetic data it generates)."""

    n: sympy.Expr | None = None
    n0: sympy.Expr | None = None
    n_real: sympy.Expr | None = None
    sigma2: sympy.Expr | None = None

    @classmethod
    def of(cls, rule: Rule) -> "Model":
        return cls(rule.n, rule.n0, rule.n_real, rule.sigma2)


@dataclass(frozen=True)
class Source:
    """A kind of source of the target: ``count`` models (an expression in ``K``), each of weight ``weight``."""

    key: Hashable
    weight: sympy.Expr
    count: sympy.Expr
    edge_n: sympy.Expr | None
    model: Model


@dataclass(frozen=True)
class Target:
    """The representative model: its fields, real weight, self-loop weight (0: none) and sources."""

    key: Hashable
    model: Model
    real: sympy.Expr
    self_weight: sympy.Expr = sympy.Integer(0)
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class LocalRecursion:
    """The estimator's recursion on representative models (per target key).

    ``rules[key]`` maps a pair of source atoms to the coefficient of
    ``S_jj'`` in ``𝓛(S)_kk`` (``None``: the Kronecker form ``(W S Wᵀ)_kk``).
    Atoms are ``"self"`` and the source keys; ``(a, a, "same")`` is one
    source with itself, ``(a, a, "distinct")`` two distinct sources of one
    kind, ``(a, b, "distinct")`` one of each kind.
    """

    estimator: str
    M: sympy.Matrix
    trace_weight: sympy.Matrix
    noise: dict
    initial: dict
    rules: dict
    asymptotic: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def p(self) -> int:
        return int(self.M.shape[0])

    @property
    def kronecker(self) -> bool:
        return all(rule is None for rule in self.rules.values())


class _ProbeGraph:
    """Accumulates disjoint probe components; one estimator call for all of them."""

    def __init__(self, rule: Rule):
        self.rule = rule
        self.models: list[tuple[Model, sympy.Expr]] = []
        self.edges: list[tuple[int, int, sympy.Expr, Any]] = []  # (target, source, weight, count)

    def add_model(self, model: Model, real) -> int:
        self.models.append((model, real))
        return len(self.models) - 1

    def add_component(self, target: Target, multiplicity: dict) -> tuple[int, dict]:
        """The target with ``multiplicity[key]`` sources of each kind; returns its position and theirs."""
        t = self.add_model(target.model, target.real)
        placed: dict[Hashable, list[int]] = {}
        if target.self_weight != 0:
            self.edges.append((t, t, target.self_weight, self._count(target, target.self_weight, target.model.n)))
        for source in target.sources:
            placed[source.key] = []
            for _ in range(multiplicity[source.key]):
                j = self.add_model(source.model, sympy.Integer(1))
                placed[source.key].append(j)
                self.edges.append((t, j, source.weight, self._count(target, source.weight, source.edge_n)))
        return t, placed

    def _count(self, target: Target, weight, edge_n):
        if self.rule.mixing == "pooled":
            return None if target.model.n is None else sympy.cancel(weight * target.model.n)
        return edge_n if edge_n is not None else target.model.n

    def graph(self) -> InteractionGraph:
        order = sorted(range(len(self.edges)), key=lambda e: (self.edges[e][0], self.edges[e][1]))
        pooled = self.rule.mixing == "pooled"

        def field_of(name):
            values = [getattr(m, name) for m, _ in self.models]
            return None if all(v is None for v in values) else tuple(values)

        n_real = []
        for m, real in self.models:
            if pooled:
                n_real.append(None if m.n is None else sympy.cancel(real * m.n))
            else:
                n_real.append(m.n_real if m.n_real is not None else m.n)
        n0 = tuple(m.n0 if m.n0 is not None else m.n for m, _ in self.models)
        return InteractionGraph(
            name="probe", mixing=self.rule.mixing, symbols=self.rule.symbols, estimator=dict(self.rule.estimator),
            ids=[f"p{k}" for k in range(len(self.models))], K=len(self.models),
            sources=np.array([self.edges[e][1] for e in order], dtype=np.int64),
            targets=np.array([self.edges[e][0] for e in order], dtype=np.int64),
            weights=tuple(self.edges[e][2] for e in order), real=tuple(r for _, r in self.models),
            n=field_of("n"), n0=n0, n_real=tuple(n_real), sigma2=field_of("sigma2"),
            edge_n=tuple(self.edges[e][3] for e in order), is_exact=True)


_BASE = 2  # two sources of each kind expose the coefficient between distinct sources of one kind


def local_recursion(rule: Rule, targets: Sequence[Target]) -> LocalRecursion:
    """The estimator's noise, initial moment, ``M``, ``T`` and rule coefficients at every target.

    Raises
    ------
    UnsupportedError
        When the estimator's noise is not affine in the number of sources of
        a kind, or its rule coefficients depend on that number.
    """
    probe = _ProbeGraph(rule)
    plan = []
    for target in targets:
        base = {s.key: _BASE for s in target.sources}
        variants = {"base": probe.add_component(target, base)}
        for s in target.sources:
            for step in (1, 2):
                bumped = dict(base)
                bumped[s.key] += step
                variants[(s.key, step)] = probe.add_component(target, bumped)
        plan.append((target, variants))
    rec = estimator_for(probe.graph()).recurrence()
    if rec.diagonal_rules is not None and rec.p != 1:
        raise UnsupportedError("diagonal rules with a state block larger than 1 x 1")
    noise, initial, rules = {}, {}, {}
    for target, variants in plan:
        t0, placed0 = variants["base"]
        D0 = sympy.Matrix(rec.noise[t0])
        D = D0
        for s in target.sources:
            t1, _ = variants[(s.key, 1)]
            t2, _ = variants[(s.key, 2)]
            step = sympy.Matrix(rec.noise[t1]) - D0
            second = sympy.Matrix(rec.noise[t2]) - 2 * sympy.Matrix(rec.noise[t1]) + D0
            if any(not is_zero(x) for x in second):
                raise UnsupportedError(f"the {rec.family} noise is not additive over the sources of a model; "
                                       "no symmetry reduction")
            D = D + (s.count - _BASE) * step
        noise[target.key] = D.applyfunc(_clean)
        initial[target.key] = sympy.Matrix(rec.initial[t0]).applyfunc(_clean)
        rules[target.key] = None if rec.is_kronecker else _rule_atoms(rec, target, variants)
    return LocalRecursion(rec.family, sympy.Matrix(rec.M), sympy.Matrix(rec.trace_weight), noise, initial, rules,
                          rec.asymptotic, tuple(rec.notes))


def _rule_atoms(rec, target: Target, variants) -> dict:
    """Rule coefficients by pair of source atoms, checked to be independent of the multiplicities."""
    def read(t, placed):
        C = rec.diagonal_rules[t]
        where = {"self": t} if target.self_weight != 0 else {}
        out = {}
        for key, js in placed.items():
            where[key] = js[0]
            out[(key, key, "distinct")] = C[js[0], js[1]]
        for a, x in where.items():
            for b, y in where.items():
                if a == b:
                    out[(a, a, "same")] = C[x, x]
                else:
                    out[(a, b, "distinct")] = C[x, y]
        return out

    atoms = read(*variants["base"])
    for name, (t, placed) in variants.items():
        if name == "base":
            continue
        other = read(t, placed)
        if any(not is_zero(other[key] - value) for key, value in atoms.items()):
            raise UnsupportedError(f"the {rec.family} rule coefficients depend on the number of sources; "
                                   "no symmetry reduction")
    return {key: _clean(value) for key, value in atoms.items()}


def _clean(value):
    return sympy.factor(sympy.cancel(value)) if getattr(value, "free_symbols", None) else value
