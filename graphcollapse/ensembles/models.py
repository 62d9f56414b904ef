"""The registry of ensembles: names, parameters with defaults, and how to draw one graph.

:func:`resolve` turns a name (or alias) and a mapping of parameters (numbers
or strings, e.g. from ``--param c=2``) into an :class:`Ensemble` and a
complete, typed parameter dictionary, rejecting unknown or invalid values
with one line naming the parameter.

* ``erdos_renyi`` (``er``, ``gnp``): ``c``; ``loops`` (true).  Law: closed form.
* ``in_regular``: ``d``; ``loops`` (true).  Law: yes (trivial for ``d ≥ 2``).
* ``out_regular``: ``d``; ``loops`` (true).  Law: yes.
* ``configuration`` (``cm``): ``c`` (2), ``in_law`` / ``out_law`` (poisson),
  ``gamma`` (2.5), ``loops`` (true); or ``in_degrees`` / ``out_degrees``
  arrays.  Law: yes, for i.i.d. degree laws.
* ``preferential_attachment`` (``pa``): ``m`` (2), ``delta`` (1), ``reverse``
  (0.5).  Law: not derived.
* ``small_world`` (``ws``): ``k`` (4), ``beta`` (0.1), ``rewire`` (source).
  Law: not derived.

Examples
--------
>>> ensemble, params = resolve("er", {"c": "2.5"})
>>> ensemble.name, params
('erdos_renyi', {'c': 2.5, 'loops': True})
>>> g = ensemble.draw(1000, np.random.default_rng(0), params)
>>> g.K
1000
>>> resolve("er", {"q": 1})
Traceback (most recent call last):
...
graphcollapse.errors.InputError: erdos_renyi: unknown parameter 'q' (parameters: c, loops)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from graphcollapse.ensembles import attachment, generators
from graphcollapse.ensembles.degrees import DEGREE_LAWS, degree_law
from graphcollapse.ensembles.digraph import FlowDigraph
from graphcollapse.errors import InputError

__all__ = ["Ensemble", "ENSEMBLES", "ALIASES", "resolve"]

_REQUIRED = object()


def _boolean(text: Any) -> bool:
    if isinstance(text, (bool, np.bool_)):
        return bool(text)
    if isinstance(text, (int, np.integer)) and text in (0, 1):
        return bool(text)
    lowered = str(text).strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError("expected true or false")


def _integer(text: Any) -> int:
    value = float(text)
    if value != int(value):
        raise ValueError("expected an integer")
    return int(value)


def _real(text: Any) -> float:
    value = float(text)
    if not np.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(text: Any) -> str:
        if str(text) not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return str(text)
    return parse


def _sequence(value: Any):
    array = np.asarray(value)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError("expected a one-dimensional integer array")
    return array


@dataclass(frozen=True)
class Ensemble:
    """A random-graph model: its parameters ``{name: (parser, default)}`` and its generator."""

    name: str
    summary: str
    params: Mapping[str, tuple[Callable[[Any], Any], Any]]
    generate: Callable[..., FlowDigraph]

    def draw(self, K: int, rng: np.random.Generator, params: Mapping[str, Any]) -> FlowDigraph:
        """One graph on ``K`` models (``params`` as returned by :func:`resolve`)."""
        return self.generate(K, rng, **params)


def _configuration(K, rng, *, c, in_law, out_law, gamma, loops, in_degrees=None, out_degrees=None):
    if in_degrees is not None or out_degrees is not None:
        return generators.configuration(K, rng, in_degrees=in_degrees, out_degrees=out_degrees, loops=loops)
    return generators.configuration(K, rng, in_law=degree_law(in_law, c, gamma=gamma),
                                    out_law=degree_law(out_law, c, gamma=gamma), loops=loops)


ENSEMBLES: dict[str, Ensemble] = {e.name: e for e in (
    Ensemble("erdos_renyi", "D(K, c/K): every ordered pair an edge with probability c/K (mean in-degree c)",
             {"c": (_real, _REQUIRED), "loops": (_boolean, True)}, generators.erdos_renyi),
    Ensemble("in_regular", "every model trains on d distinct random models",
             {"d": (_integer, _REQUIRED), "loops": (_boolean, True)}, generators.in_regular),
    Ensemble("out_regular", "every model's outputs are used by d distinct random models",
             {"d": (_integer, _REQUIRED), "loops": (_boolean, True)}, generators.out_regular),
    Ensemble("configuration", "directed configuration model (i.i.d. degree laws or given sequences)",
             {"c": (_real, 2.0), "in_law": (_choice(*DEGREE_LAWS), "poisson"),
              "out_law": (_choice(*DEGREE_LAWS), "poisson"), "gamma": (_real, 2.5), "loops": (_boolean, True),
              "in_degrees": (_sequence, None), "out_degrees": (_sequence, None)}, _configuration),
    Ensemble("preferential_attachment", "newcomers link to m models chosen by degree + delta; a link is "
             "reversed (the old model trains on the newcomer) with probability reverse",
             {"m": (_integer, 2), "delta": (_real, 1.0), "reverse": (_real, 0.5)},
             attachment.preferential_attachment),
    Ensemble("small_world", "ring of k neighbours per model, each edge rewired with probability beta",
             {"k": (_integer, 4), "beta": (_real, 0.1), "rewire": (_choice("source", "target"), "source")},
             generators.small_world),
)}

ALIASES = {"er": "erdos_renyi", "gnp": "erdos_renyi", "cm": "configuration", "pa": "preferential_attachment",
           "ws": "small_world"}


def resolve(name: str, params: Mapping[str, Any] | None = None) -> tuple[Ensemble, dict[str, Any]]:
    """The ensemble called ``name`` and its full, typed parameters (defaults filled in)."""
    key = ALIASES.get(str(name).lower(), str(name).lower())
    ensemble = ENSEMBLES.get(key)
    if ensemble is None:
        raise InputError(f"unknown ensemble {name!r} (known: {', '.join(ENSEMBLES)}; aliases: "
                         f"{', '.join(ALIASES)})")
    given = dict(params or {})
    for unknown in given.keys() - ensemble.params.keys():
        raise InputError(f"{ensemble.name}: unknown parameter {unknown!r} "
                         f"(parameters: {', '.join(p for p in ensemble.params if not p.endswith('_degrees'))})")
    out: dict[str, Any] = {}
    for pname, (parse, default) in ensemble.params.items():
        if pname not in given:
            if default is _REQUIRED:
                raise InputError(f"{ensemble.name}: parameter {pname!r} is required (e.g. --param {pname}=2)")
            if default is not None:
                out[pname] = default
            continue
        try:
            out[pname] = parse(given[pname])
        except (TypeError, ValueError) as err:
            raise InputError(f"{ensemble.name}: parameter {pname}={given[pname]!r}: {err}") from None
    return ensemble, out
