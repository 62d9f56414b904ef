"""Recursions on pair moments of the models, generated row by row: the base of the distribution fits.

The distribution-fitting families (:mod:`.gaussian_fit`, :mod:`.categorical`;
MODEL.md section 7) have second moments that are not of the Kronecker form
``W ⊗ M``: a model's fresh noise depends on its sources' *fitted*
dispersion, which is itself an unknown.  Their unknowns are labelled

* ``(tag, k, l)`` with ``k ≤ l``: a moment of the pair of models ``(k, l)``
  (``("S", k, l)``: the mean-error cross moment; ``("H", k, l)``: the
  cross-diversity of two fits);
* ``(tag, k)``: a moment of one model (``("v", k)``: its expected fitted variance).

Every pair row starts from the averaging part of the operator,
``x_kl(t+1) = Σ_{j,j'} w_kj w_lj' x_jj'(t) + …``, which :meth:`PairRecursion.pair`
writes down; each family adds its own diagonal corrections.  Rows are
generated when a solver asks for them and cached, so an answer about a
few models touches only the pairs upstream of them.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([["1/2", "1/2"], [0, 1]], n=[4, 2])
>>> [(j, str(w)) for j, w, _ in sources_of(g)[0]]
[(0, '1/2'), (1, '1/2')]
>>> from graphcollapse.estimators import recurrence
>>> rec = recurrence(g, {"family": "gaussian_fit"})
>>> rec.pair("S", 0, 1)
{('S', 0, 1): 1/2, ('S', 1, 1): 1/2}
"""

from __future__ import annotations

from typing import Any, Hashable, Mapping, Sequence

import sympy

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph
from graphcollapse.numbers.domain import canonical, sign
from graphcollapse.operator.moments import MomentRecursion

__all__ = ["PairRecursion", "sources_of", "label_name", "exact_value"]


def sources_of(graph: InteractionGraph) -> list[list[tuple[int, Any, Any]]]:
    """Per model ``k`` its model sources ``(j, w_kj, n_kj)`` with a weight that is not exactly zero.

    ``n_kj`` is the edge's sample count (``None`` where the graph has none,
    e.g. float graphs).  Exact graphs store canonical values, so ``w == 0``
    is an exact zero test here.
    """
    out: list[list[tuple[int, Any, Any]]] = [[] for _ in range(graph.K)]
    counts = graph.edge_n if graph.edge_n is not None else [None] * graph.num_edges
    weights = graph.weights if graph.is_exact else [float(w) for w in graph.weights]
    for j, k, w, count in zip(graph.sources.tolist(), graph.targets.tolist(), weights, counts):
        if not w == 0:
            out[k].append((j, w, count))
    return out


def exact_value(value):
    """One canonical spelling of an exact coefficient (rationals as they are, symbols cancelled)."""
    if not isinstance(value, sympy.Basic) or value.is_Rational:
        return value
    if value.free_symbols:
        return sympy.cancel(value)
    return canonical(value)


def label_name(label: Hashable, ids: Sequence[str]) -> str:
    """``S_A,B`` for ``("S", k, l)``, ``v_A`` for ``("v", k)``: labels as they read in equations."""
    tag, *models = label
    return f"{tag}_{','.join(ids[m] for m in models)}"


class PairRecursion(MomentRecursion):
    """A :class:`~graphcollapse.operator.MomentRecursion` on labelled pair and model moments.

    Subclasses implement :meth:`_row`, :meth:`_constant`, :meth:`_initial`
    (exact SymPy values or floats, unsimplified) and set
    :attr:`observable_forms` ``{name: one form per model}``; rows are tidied
    (exact zeros dropped) and cached here.

    Parameters
    ----------
    graph : InteractionGraph
    family : str
    sources : list
        :func:`sources_of` the graph (``(j, w_kj, n_kj)`` per model).
    notes : tuple of str
        Statements every report must carry.
    """

    asymptotic = False

    def __init__(self, graph: InteractionGraph, family: str, sources, notes: Sequence[str] = ()):
        self.graph = graph
        self.family = family
        self.sources = sources
        self.notes = tuple(notes)
        self._rows: dict = {}
        self._zero = sympy.Integer(0) if graph.is_exact else 0.0
        self.observable_forms: Mapping[str, tuple] = {}

    @property
    def observable_names(self) -> tuple:
        return tuple(self.observable_forms)

    # ------------------------------------------------------------ interface
    def row(self, unknown):
        cached = self._rows.get(unknown)
        if cached is None:
            self._check(unknown)
            raw = self._row(unknown)
            if self.exact:
                raw = {u: exact_value(c) for u, c in raw.items()}
            cached = self._rows[unknown] = {u: c for u, c in raw.items() if not c == 0}
        return cached

    def constant(self, unknown):
        self._check(unknown)
        value = self._constant(unknown)
        return exact_value(value) if self.exact else float(value)

    def initial_value(self, unknown):
        self._check(unknown)
        value = self._initial(unknown)
        return exact_value(value) if self.exact else float(value)

    def observable(self, k, name="error"):
        try:
            return self.observable_forms[name][k]
        except KeyError:
            raise InputError(f"{self.family}: no observable {name!r} "
                             f"(has {', '.join(self.observable_forms)})") from None

    @property
    def symbols(self) -> set:
        """Free symbols of the coefficients and of the observables' weights (``H*`` of a symbolic ``p*``)."""
        found = set(super().symbols)
        if self.exact:
            for forms in self.observable_forms.values():
                for form in forms:
                    for weight in form.values():
                        if isinstance(weight, sympy.Basic):
                            found |= weight.free_symbols
        return found

    # --------------------------------------------------------------- pieces
    def pair(self, tag: str, k: int, l: int) -> dict:
        """The averaging part ``Σ_{j,j'} w_kj w_lj' x_jj'`` of the pair row ``(tag, k, l)``."""
        out: dict = {}
        for j, wj, _ in self.sources[k]:
            for jj, wjj, _ in self.sources[l]:
                key = (tag, j, jj) if j <= jj else (tag, jj, j)
                out[key] = out.get(key, self._zero) + wj * wjj
        return out

    def real_weight(self, k: int):
        """``r_k`` in the recursion's arithmetic."""
        r = self.graph.real[k]
        return r if self.exact else float(r)

    def sample_count(self, value, where: str, *, floor: int = 1):
        """A sample count of one fit (float on float graphs); a numeric count below ``floor`` is an input error."""
        if value is None:
            raise InputError(f"{where}: {self.family} needs this sample count")
        if not self.exact:
            return float(value)
        if not value.free_symbols and sign(value - floor) < 0:
            raise InputError(f"{where}: {value} samples; a fit here needs at least {floor}")
        return value

    def slot_count(self, k: int, source: int | None, count, *, floor: int = 1):
        """The count of one source of model ``k`` under weighted mixing (``source=None``: real data).

        Float graphs carry no per-source counts: every source estimator then uses ``n_k`` samples.
        """
        g = self.graph
        if source is None:
            count = g.n_real[k] if g.n_real is not None else None
        if count is None and g.n is not None:
            count = g.n[k]
        where = f"model {self.ids[k]!r} n_real" if source is None else f"edge {self.ids[source]!r} -> {self.ids[k]!r} n"
        return self.sample_count(count, where, floor=floor)

    def check_no_model_noise(self) -> None:
        """A fitted family generates from its fits: a per-model ``sigma2`` in the graph has no meaning."""
        g = self.graph
        if g.sigma2 is not None and any(s is not None for s in g.sigma2):
            raise InputError(f"graph {g.name!r}: {self.family} generates from each model's fitted distribution; "
                             "a per-model sigma2 has no meaning here")

    def _check(self, unknown) -> None:
        if not (isinstance(unknown, tuple) and unknown and unknown[0] in self.tags
                and len(unknown) == self.tags[unknown[0]] + 1
                and all(isinstance(m, int) and 0 <= m < self.K for m in unknown[1:])):
            raise InputError(f"{self.family}: no unknown {unknown!r}")

    #: ``{tag: number of model indices}`` of the unknowns.
    tags: Mapping[str, int] = {}

    def _row(self, unknown) -> dict:
        raise NotImplementedError

    def _constant(self, unknown):
        raise NotImplementedError

    def _initial(self, unknown):
        raise NotImplementedError

    # -------------------------------------------------------- presentation
    def equations(self, models: Sequence[int] | None = None, name: str = "error") -> list[str]:
        """``x(t+1) = …`` for every unknown that the observable ``name`` of ``models`` depends on.

        Examples
        --------
        >>> from graphcollapse.graph import from_matrix
        >>> from graphcollapse.estimators import recurrence
        >>> rec = recurrence(from_matrix([[1]], n=[10]), {"family": "gaussian_fit"})
        >>> for line in rec.equations():
        ...     print(line)
        S_0,0(t+1) = S_0,0(t) + v_0(t)/10
        v_0(t+1) = 9*v_0(t)/10
        """
        if not self.exact:
            raise InputError("equations are available for exact recursions")
        chosen = range(self.K) if models is None else models
        out = []
        for u in self.closure_of_models(chosen, name):
            now = {v: sympy.Symbol(f"{label_name(v, self.ids)}(t)") for v in self.row(u)}
            rhs = sum((c * now[v] for v, c in self.row(u).items()), sympy.Integer(0)) + self.constant(u)
            out.append(f"{label_name(u, self.ids)}(t+1) = {rhs}")
        return out
