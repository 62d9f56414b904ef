"""Theorem A: which models collapse, in three independent forms.

* **topological**: some closed class lies upstream of the model;
* **spectral**: ``ρ(W_A(k)) = 1`` (collapse) versus ``< 1``, decided exactly
  component by component: ``det(I - W_C) = 0`` certifies ``ρ(W_C) = 1``
  (``ρ ≤ 1`` always, the rows of ``W`` sum to at most 1), and a positive
  solution of ``(I - W_C) x = 1`` certifies ``ρ(W_C) < 1`` (Collatz–Wielandt:
  ``W_C x = x - 1 < x``);
* **Markov**: the walk that moves from a model to a source with probability
  ``w_kj`` and to real data with probability ``r_k`` is absorbed in real data
  with probability exactly 1 (no collapse) or less (collapse).

The three are computed separately; if they ever disagree,
:class:`~graphcollapse.errors.InternalConsistencyError` is raised instead of
printing a verdict.  For float graphs the topological form decides (it reads
the support only, which floats give exactly: an entry is zero iff it is
``0.0``); the other two are computed in floating point and reported as
diagnostics, never as proof of a disagreement.

Examples
--------
>>> from graphcollapse.graph import from_matrix
>>> g = from_matrix([[0, 1, 0], [1, 0, 0], [0, "1/2", 0]], real=[0, 0, "1/2"])
>>> [v.collapses for v in theorem_a(g)]
[True, True, True]
>>> theorem_a(g)[2].closed_classes_upstream
(('0', '1'),)
>>> collapsing(g).tolist()
[True, True, True]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import InternalConsistencyError, guarded
from graphcollapse.graph import InteractionGraph
from graphcollapse.linalg import domain
from graphcollapse.numbers.domain import is_zero, sign
from graphcollapse.topology import Topology, collapsing_support

__all__ = ["Verdict", "theorem_a", "collapsing", "component_spectral_radii"]

FLOAT_CHECK_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Verdict:
    """Theorem A for one model, all three forms side by side.

    Attributes
    ----------
    id : str
    collapses : bool
        The verdict (for graphs with symbols: on the generic support, where no
        symbolic weight vanishes; the collapse predicate covers the rest).
    closed_classes_upstream : tuple of tuple of str
        Topological form: the closed classes in ``A(k)``.
    spectral_radius_is_one : bool
        Spectral form, exact: ``ρ(W_A(k)) = 1``.
    spectral_radius_upstream : float or None
        ``ρ(W_A(k))`` as a float for display (``None`` with symbolic weights).
    absorption_real : sympy.Expr or float
        Markov form: probability of absorption in real data.
    """

    id: str
    collapses: bool
    closed_classes_upstream: tuple[tuple[str, ...], ...]
    spectral_radius_is_one: bool
    spectral_radius_upstream: float | None
    absorption_real: object


@guarded
def collapsing(graph: InteractionGraph) -> np.ndarray:
    """Which models collapse (Theorem A), as a boolean array in model order.

    The fast path for large graphs: one strongly-connected-components pass
    and one breadth-first search over the support, no dense object.

    Examples
    --------
    >>> from graphcollapse.graph import from_matrix
    >>> collapsing(from_matrix([[1, 0], [0, 0]], real=[0, 1])).tolist()
    [True, False]
    """
    return collapsing_support(graph.support, graph.has_real)


def component_spectral_radii(topology: Topology) -> tuple[list[bool], list[float | None]]:
    """Per component: exact ``ρ(W_C) = 1`` and the float ``ρ(W_C)``.

    The exact decision uses a determinant and a Collatz–Wielandt certificate
    (see the module notes), not an eigenvalue.  A single model with a
    rational (or no) self-loop is decided directly: its block is ``w_kk``,
    ``ρ = |w_kk| = 1`` iff ``w_kk = 1``, and ``1/(1 - w_kk) > 0`` certifies
    ``ρ < 1`` otherwise; no matrix is built for it.

    >>> from graphcollapse.graph import from_matrix
    >>> component_spectral_radii(Topology(from_matrix([[1, 0], ["1/2", "1/2"]], real=[0, 0])))
    ([True, False], [1.0, 0.5])
    """
    graph = topology.graph
    components = topology.components
    is_one: list[bool] = [False] * len(components)
    radius: list[float | None] = [None] * len(components)
    numeric = not graph.free_symbols
    diagonal = _self_loops(graph)
    general = []
    for c, members in enumerate(components):
        if members.size != 1:
            general.append(c)
            continue
        k = int(members[0])
        w = diagonal.get(k, 0)
        if graph.is_exact:
            if not (w == 0 or getattr(w, "is_Rational", False)):
                general.append(c)  # a symbolic or algebraic self-loop: the general exact path
                continue
            if w > 1:
                raise InternalConsistencyError(
                    f"component [{graph.ids[k]!r}]: I - W_C is nonsingular but (I - W_C)^-1 1 "
                    "is not positive, impossible for a row-substochastic W")
            is_one[c] = w == 1
            radius[c] = abs(float(w))
        else:
            is_one[c] = bool(abs(w - 1.0) <= FLOAT_CHECK_TOLERANCE)
            radius[c] = abs(float(w))
    if not general:
        return is_one, radius
    W_float = graph.weight_matrix_float() if numeric else None
    W_exact = graph.weight_matrix() if graph.is_exact else None
    for c in general:
        members = components[c]
        idx = members.tolist()
        if graph.is_exact:
            block = sympy.Matrix(W_exact.extract(idx, idx))
            gap = sympy.eye(len(idx)) - block
            singular = domain.determinant(gap) == 0  # canonical: exactly zero
            if not singular and numeric:
                certificate = domain.solve(gap, sympy.ones(len(idx), 1))
                if not all(sign(value) > 0 for value in certificate):
                    raise InternalConsistencyError(
                        f"component {[graph.ids[i] for i in idx]}: I - W_C is nonsingular but (I - W_C)^-1 1 "
                        "is not positive, impossible for a row-substochastic W")
            is_one[c] = singular
        else:
            block = W_float[members][:, members]
            row_sums = np.asarray(block.sum(axis=1)).ravel()
            is_one[c] = bool(np.all(np.abs(row_sums - 1.0) <= FLOAT_CHECK_TOLERANCE))
        radius[c] = _float_radius(W_float[members][:, members]) if numeric else None
    return is_one, radius


def _self_loops(graph: InteractionGraph) -> dict:
    """``{k: w_kk}`` for the models with a self-loop edge (exact values for exact graphs)."""
    loops = np.flatnonzero(graph.sources == graph.targets)
    out: dict = {}
    for e in loops.tolist():
        k = int(graph.sources[e])
        w = graph.weights[e]
        out[k] = out[k] + w if k in out else (w if graph.is_exact else float(w))
    return out


def _float_radius(block: sp.sparray) -> float:
    size = block.shape[0]
    if size <= 2000:
        values = np.linalg.eigvals(block.toarray()) if size else np.zeros(0)
        return float(np.max(np.abs(values))) if size else 0.0
    import scipy.sparse.linalg as spla

    value = spla.eigs(sp.csr_array(block, dtype=float), k=1, which="LM", return_eigenvectors=False)
    return float(np.abs(value[0]))


@guarded
def theorem_a(graph: InteractionGraph, topology: Topology | None = None) -> tuple[Verdict, ...]:
    """Theorem A for every model, with the three forms cross-checked.

    Raises
    ------
    InternalConsistencyError
        If the topological, spectral and Markov forms disagree.
    """
    top = topology or Topology.of(graph)
    ids = graph.ids
    topo_collapse = top.collapsing
    comp_is_one, comp_radius = component_spectral_radii(top)
    h_real = top.absorption_real()
    any_one = top.upstream_any(comp_is_one)
    radius_unknown = top.upstream_any([r is None for r in comp_radius])
    max_radius = top.upstream_max([0.0 if r is None else r for r in comp_radius])
    named: dict[int, tuple] = {}  # closed-class tuples are shared along chains: name each once

    def names(closed: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
        found = named.get(id(closed))
        if found is None:
            found = named[id(closed)] = tuple(tuple(ids[i] for i in top.components[c]) for c in closed)
        return found

    verdicts = []
    for k in range(graph.K):
        c = int(top.component_of[k])
        closed_up = names(top.closed_upstream[c])
        spectral_one = bool(any_one[c])
        radius = None if radius_unknown[c] else max_radius[c]
        h = h_real[k]
        if not graph.is_exact:
            markov_collapse = bool(h < 1 - FLOAT_CHECK_TOLERANCE)
        elif getattr(h, "is_Rational", False):
            markov_collapse = h != 1
        else:
            markov_collapse = not is_zero(h - 1)
        topological = bool(topo_collapse[k])
        # Float graphs: the support is exact (the entries as given), but the spectral and Markov
        # forms are floating-point diagnostics there (a real weight of 1e-8 reads as 1 within
        # any tolerance), so only exact graphs can prove the forms disagree.
        if graph.is_exact and not (topological == bool(closed_up) == spectral_one == markov_collapse):
            raise InternalConsistencyError(
                f"model {ids[k]!r}: Theorem A forms disagree (topological {topological}, "
                f"closed classes {closed_up}, spectral rho=1 {spectral_one}, absorption in real data {h})")
        verdicts.append(Verdict(ids[k], topological, closed_up, spectral_one, radius, h))
    return tuple(verdicts)
