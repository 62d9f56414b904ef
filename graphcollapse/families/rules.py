"""What a graph family puts on every model: real data, weights, sizes, the estimator.

A family builds its graphs from a :class:`Rule`:

* ``real``: the real-data weight ``α`` of the models at the chosen positions
  (a number or a formula in the family's symbols and the size ``K``); a
  model without model sources trains on real data only (``r = 1``), so
  every graph of the family is valid;
* ``self_loops``: every model also trains on its own outputs; with
  ``self_weight`` the self-loop has that weight, otherwise it is one more
  source under the uniform rule;
* uniform weights: a model's remaining weight ``1 − r − s`` is shared
  equally by its other sources;
* per-model sizes ``n``, ``n0``, ``n_real``, variance ``sigma2`` (formulas
  too), the mixing rule and the estimator specification of the graph files.

Names in formulas are declared on the fly (any valid name except the
reserved ones); ``K`` is the family size and ``i`` the position (distance
from the real data), which the derived closed forms use.  Formulas are read
by the safe parser: nothing is evaluated.

Examples
--------
>>> rule = Rule.of(real="alpha", n="n")
>>> rule.real, rule.n, sorted(s.name for s in rule.symbols)
(alpha, n, ['alpha', 'n'])
>>> Rule.of(real="1/K").real
1/K
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import sympy

from graphcollapse.errors import InputError
from graphcollapse.graph.core import MIXING_RULES
from graphcollapse.numbers.parse import check_name, to_exact

__all__ = ["K", "POSITION", "Rule", "declare", "model_weights"]

#: The family size in every closed form.
K = sympy.Symbol("K", integer=True, positive=True)
#: The position of a model (its distance from the real data) in closed forms by position.
POSITION = sympy.Symbol("i", integer=True, nonnegative=True)

_FIELDS = ("real", "self_weight", "n", "n0", "n_real", "sigma2")


def _names(text: str) -> set[str]:
    """The names a formula uses (read from its syntax tree, never evaluated)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return set()  # the parser reports the syntax error with its field name
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - called


def declare(values: Mapping[str, Any], extra: tuple[str, ...] = ()) -> dict[str, sympy.Symbol]:
    """The symbols the formula-valued ``values`` use (plus ``extra``), ``K`` mapped to the size symbol."""
    table: dict[str, sympy.Symbol] = {}
    names = set(extra)
    for value in values.values():
        if isinstance(value, str):
            names |= _names(value)
        elif isinstance(value, sympy.Basic):
            names |= {s.name for s in value.free_symbols}
    for name in sorted(names):
        if name == "K":
            continue
        if name == POSITION.name:
            raise InputError("symbol 'i': reserved for the position in closed forms, choose another")
        table[check_name(name, "symbol")] = sympy.Symbol(name, real=True)
    return table


def _parse(value, table, where):
    if value is None:
        return None
    if isinstance(value, sympy.Basic):
        value = value.xreplace({s: K for s in value.free_symbols if s.name == "K"})
    return to_exact(value, {**table, "K": K}, where=where)


@dataclass(frozen=True)
class Rule:
    """Real data, weights, sizes and estimator of every model of a family (see the module docstring).

    Build one with :meth:`Rule.of`; every value is an exact SymPy expression
    in :attr:`symbols` and :data:`K`.
    """

    real: sympy.Expr
    self_loops: bool = False
    self_weight: sympy.Expr | None = None
    n: sympy.Expr | None = None
    n0: sympy.Expr | None = None
    n_real: sympy.Expr | None = None
    sigma2: sympy.Expr | None = None
    mixing: str = "pooled"
    estimator: Mapping = field(default_factory=lambda: {"family": "gaussian_mean", "d": 1, "sigma2": 1})
    symbols: tuple[sympy.Symbol, ...] = ()

    @classmethod
    def of(cls, *, real: Any = "alpha", self_loops: bool = False, self_weight: Any = None, n: Any = "n",
           n0: Any = None, n_real: Any = None, sigma2: Any = None, mixing: str = "pooled",
           estimator: Mapping | None = None, symbols: tuple[str, ...] = ()) -> "Rule":
        """Parse a rule; formulas may use any new name (declared as a real symbol) and ``K``.

        ``symbols`` declares names used only inside the estimator specification
        (e.g. ``{"sigma2": "s"}``); names in the other fields are found by themselves.
        """
        if mixing not in MIXING_RULES:
            raise InputError(f"mixing must be one of {', '.join(MIXING_RULES)}, not {mixing!r}")
        if not isinstance(self_loops, bool):
            raise InputError(f"self_loops must be true or false, not {self_loops!r}")
        if self_weight is not None and not self_loops:
            self_loops = True
        spec = {"family": "gaussian_mean", "d": 1, "sigma2": 1} if estimator is None else dict(estimator)
        if not isinstance(spec.get("family", "gaussian_mean"), str):
            raise InputError("estimator: \"family\" must be a name")
        raw = dict(real=real, self_weight=self_weight, n=n, n0=n0, n_real=n_real, sigma2=sigma2)
        table = declare({**raw, **_spec_formulas(spec)}, tuple(symbols))
        parsed = {key: _parse(value, table, key.replace("_", " ")) for key, value in raw.items()}
        if parsed["real"] is None:
            raise InputError("real: give the real-data weight of the models that receive real data")
        return cls(real=parsed["real"], self_loops=self_loops, self_weight=parsed["self_weight"], n=parsed["n"],
                   n0=parsed["n0"], n_real=parsed["n_real"], sigma2=parsed["sigma2"], mixing=mixing,
                   estimator=spec, symbols=tuple(table[name] for name in sorted(table)))

    def with_real(self, real: Any) -> "Rule":
        """The same rule with another real-data weight (a number or a formula in the rule's symbols)."""
        table = {s.name: s for s in self.symbols}
        value = _parse(real, table, "real")
        extra = {s for s in value.free_symbols if s != K} - set(self.symbols)
        if extra:
            raise InputError(f"real: unknown symbol {sorted(s.name for s in extra)[0]!r}")
        return replace(self, real=value)

    def subs(self, values: Mapping) -> "Rule":
        """The rule with some symbols given values (``{name: value}``)."""
        table = {s.name: s for s in self.symbols}
        named = {(key.name if isinstance(key, sympy.Symbol) else str(key)): value for key, value in values.items()}
        unknown = sorted(set(named) - set(table))
        if unknown:
            raise InputError(f"cannot substitute unknown symbol {unknown[0]!r}")
        mapping = {table[name]: to_exact(value, table, where=f"value of {name}") for name, value in named.items()}
        fields = {key: None if getattr(self, key) is None else getattr(self, key).xreplace(mapping)
                  for key in _FIELDS}
        spec = {key: (str(to_exact(value, table, where="estimator").xreplace(mapping))
                      if isinstance(value, str) and key != "family" and _formula(value, table) else value)
                for key, value in self.estimator.items()}
        remaining = tuple(s for s in self.symbols if s not in mapping)
        return replace(self, **fields, estimator=spec, symbols=remaining)

    def describe(self) -> str:
        """One line for reports."""
        parts = [f"real weight {self.real}", self.mixing]
        if self.self_loops:
            parts.append("self-loops" + (f" of weight {self.self_weight}" if self.self_weight is not None else ""))
        for key in ("n", "n0", "n_real", "sigma2"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key} = {value}")
        spec = ", ".join(f"{k}={v}" for k, v in self.estimator.items() if k != "family")
        parts.append(f"{self.estimator.get('family', 'gaussian_mean')}({spec})")
        return "; ".join(parts)


#: Estimator fields whose strings are formulas in the graph's symbols (a custom log-density is not).
_SPEC_FORMULAS = ("d", "sigma2", "noise", "initial", "theta")


def _spec_formulas(spec: Mapping) -> dict[str, Any]:
    """The formula strings of an estimator specification (nested in ``noise``, ``theta`` ... too)."""
    out: dict[str, Any] = {}

    def walk(where, value):
        if isinstance(value, str):
            out[where] = value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{where} {key}", item)

    for key in _SPEC_FORMULAS:
        if key in spec:
            walk(f"estimator {key}", spec[key])
    return out


def _formula(value: str, table) -> bool:
    try:
        to_exact(value, table, where="estimator")
    except InputError:
        return False
    return True


def model_weights(rule: Rule, chosen: bool, others) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """``(r, s, w)``: real weight, self-loop weight and the weight of each other source of one model.

    ``chosen`` says whether the model is at a position that receives real
    data; ``others`` is its number of other sources (an integer or an
    expression in ``K`` that is positive on the family's sizes).  A model
    without sources trains on real data only; a model whose only source is
    itself with a given ``self_weight`` takes the rest as real data.

    Examples
    --------
    >>> rule = Rule.of(real="a", self_loops=True)
    >>> model_weights(rule, True, K - 1)
    (a, (1 - a)/K, (1 - a)/K)
    >>> model_weights(Rule.of(real="a"), False, 0)
    (1, 0, 0)
    """
    zero = sympy.Integer(0)
    real = rule.real if chosen else zero
    if not rule.self_loops:
        if others == 0:
            return sympy.Integer(1), zero, zero
        return real, zero, sympy.cancel((1 - real) / others)
    if rule.self_weight is not None:
        if others == 0:
            return sympy.cancel(1 - rule.self_weight), rule.self_weight, zero
        return real, rule.self_weight, sympy.cancel((1 - real - rule.self_weight) / others)
    share = sympy.cancel((1 - real) / (others + 1))
    return real, share, share
