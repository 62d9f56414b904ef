"""Verdicts, limits and slopes for any second-moment recursion, from the structure of its unknowns.

For a :class:`~graphcollapse.operator.moments.MomentRecursion`
``x(t+1) = A x(t) + b``, the unknowns an observable depends on form a
dependency graph (``u → v`` when ``v`` appears in row ``u``).  Its strongly
connected blocks, in topological order, make ``A`` block triangular, so

* the spectrum of ``A`` on the closure of an observable is the union of the
  spectra of its blocks; each block's spectral radius is decided exactly
  (:func:`graphcollapse.linalg.spectral.spectral_radius`, characteristic
  polynomial and certified root isolation — never a float eigenvalue);
* the observable stays **bounded** iff every block upstream of it has
  ``ρ < 1``; it grows **geometrically** if one has ``ρ > 1`` (factor: the
  largest), **linearly** if the largest is 1, semisimple, and no two such
  blocks are chained, **polynomially** otherwise — the same rules as for
  the Kronecker operators, one level down;
* the **limit** is ``x = (I − A)⁻¹ b`` on the closure, solved block by block
  in topological order (each block sees only solved blocks below it; a block
  of one unknown is a division), and an observable whose limit is exactly 0
  *vanishes* (the Gaussian fit's variance collapse, the categorical fit's
  fixation), at the rate of its slowest block;
* the **slope** of a linearly growing observable is ``f · P b`` with the
  Cesàro projector ``P`` of ``A`` on its closure.

Only the unknowns an answer needs are ever generated (the diagonal of a
chain of 20,000 models needs 20,000 unknowns).

A block of radius 1 (or more) only makes an observable grow if the forcing
actually reaches its unit (or expanding) directions: a Gaussian fit's mean
error sits on a block of radius 1 fed only by a variance that decays to 0,
and stays bounded.  So for numeric recursions whose closure is small
(:data:`POLE_ANALYSIS_MAX` unknowns) every verdict, limit and slope is read
off the exact **generating function** ``G(z) = Σ_t E(t) zᵗ`` instead (a
cancelled rational function of ``z``): ``E`` grows geometrically iff ``G``
has a pole inside the unit disk (factor ``1/|z|`` of the nearest), linearly
iff ``z = 1`` is a double pole, polynomially for higher unit poles; it stays
bounded otherwise, converges iff its only unit pole is a simple ``z = 1``,
and then ``lim E(t) = lim_{z→1} (1 − z) G(z)`` (final value theorem) and the
slope is ``lim_{z→1} (1 − z)² G(z)``.  Larger closures use the block rules,
which assume every block is excited (true for the Kronecker recursions,
whose fresh noise is positive at every model), and say so.

Examples
--------
>>> import sympy
>>> from graphcollapse.graph import from_matrix
>>> from graphcollapse.operator import ExplicitRecursion
>>> g = from_matrix([["1/2"]], n=[10])
>>> R = sympy.Rational
>>> rec = ExplicitRecursion(g, "example", labels=("m", "v"), rows=({0: R(1, 4), 1: R(1, 10)}, {1: R(9, 10)}),
...                         constant=(0, 0), initial=(R(1, 10), 1),
...                         observables={"error": ({0: 1},), "variance": ({1: 1},)})
>>> st = stability_of(rec, "variance")
>>> st.growth, st.rates
(('bounded',), (9/10,))
>>> limits_of(rec, "variance"), limits_of(rec)
((0,), (0,))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Hashable, Sequence

import numpy as np
import scipy.sparse as sp
import sympy
from scipy.sparse import csgraph

from graphcollapse.errors import NotSemisimpleError, UnsupportedError, guarded
from graphcollapse.numbers.domain import canonical, is_zero
from graphcollapse.numbers.forms import tidy
from graphcollapse.linalg.arithmetic import Arithmetic, arithmetic_for
from graphcollapse.operator.moments import MomentRecursion, dense_system
from graphcollapse.solvers.results import GrowthRates, Limits

__all__ = ["Blocks", "GeneralStability", "blocks_of", "stability_of", "limits_of", "slopes_of", "vanishes",
           "POLE_ANALYSIS_MAX"]

#: Largest closure (unknowns) whose observables are analysed through their exact generating functions.
POLE_ANALYSIS_MAX = 60


@dataclass(frozen=True, eq=False)
class Blocks:
    """The strongly connected blocks of the unknowns of an observable's closure, dependencies first."""

    rec: MomentRecursion
    unknowns: tuple                       # every unknown of the closure, in block order
    members: tuple                        # per block: positions into ``unknowns``
    block_of: tuple                       # block position of each unknown
    depends: tuple                        # per block: the blocks it reads directly (positions, all earlier)
    rows: tuple                           # rows of A over positions
    constant: tuple
    initial: tuple

    @cached_property
    def radii(self) -> tuple:
        """Per block ``(comparison with 1, exact ρ, float ρ, semisimple)``, decided exactly."""
        from graphcollapse.linalg.spectral import spectral_radius

        out = []
        for members in self.members:
            block = self._block(members)
            if all(v == 0 for v in block):
                out.append((-1, sympy.Integer(0), 0.0, True))
                continue
            if not self.rec.exact:
                raise UnsupportedError(f"{self.rec.family}: the exact verdict needs an exact recursion "
                                       "(this one has float coefficients)")
            info = spectral_radius(block)
            out.append((info.comparison_with_one, info.exact, info.value, info.semisimple))
        return tuple(out)

    def _block(self, members) -> sympy.Matrix:
        local = {u: i for i, u in enumerate(members)}
        M = sympy.zeros(len(members), len(members))
        for i, u in enumerate(members):
            for v, c in self.rows[u].items():
                if v in local:
                    M[i, local[v]] = c
        return M


def blocks_of(rec: MomentRecursion, unknowns: Sequence[Hashable]) -> Blocks:
    """The block structure of the closure of ``unknowns``."""
    closure = rec.closure(unknowns)
    rows, constant, initial, position = dense_system(rec, closure)
    n = len(closure)
    src = [i for i, row in enumerate(rows) for _ in row]
    dst = [j for row in rows for j in row]
    graph = sp.csr_array((np.ones(len(src), dtype=bool), (src, dst)), shape=(n, n))
    count, labels = csgraph.connected_components(graph, directed=True, connection="strong")
    # topological order of the condensation, dependencies first (a block after every block it reads)
    depends: list[set] = [set() for _ in range(count)]
    for i, row in enumerate(rows):
        for j in row:
            if labels[i] != labels[j]:
                depends[labels[i]].add(labels[j])
    order, state = [], [0] * count

    def visit(c):
        stack = [(c, iter(sorted(depends[c])))]
        state[c] = 1
        while stack:
            node, it = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, iter(sorted(depends[child]))))

    for c in range(count):
        if state[c] == 0:
            visit(c)
    rank = {c: r for r, c in enumerate(order)}
    members = [[] for _ in range(count)]
    for i in range(n):
        members[rank[labels[i]]].append(i)
    direct = tuple(frozenset(rank[d] for d in depends[c]) for c in order)
    return Blocks(rec, tuple(closure), tuple(tuple(m) for m in members), tuple(rank[labels[i]] for i in range(n)),
                  direct, tuple(rows), tuple(constant), tuple(initial))


@dataclass(frozen=True)
class GeneralStability:
    """Per model: whether an observable stays bounded, how it grows, at what rate.

    ``growth`` is ``"bounded"``, ``"linear"``, ``"polynomial"`` or
    ``"geometric"``; ``growth_factor`` the exact largest spectral radius ``≥ 1``
    (else ``None``); ``rates`` the exact largest spectral radius upstream
    (the geometric rate of convergence of a bounded observable, or of its
    decay to 0 when it vanishes).
    """

    name: str
    bounded: np.ndarray
    growth: tuple
    growth_factor: tuple
    rates: tuple
    method: str = "exact spectral radii of the strongly connected blocks of the recursion's unknowns"

    @property
    def collapses(self) -> np.ndarray:
        return ~self.bounded


@guarded
def stability_of(rec: MomentRecursion, name: str = "error") -> GeneralStability:
    """The exact boundedness verdict of observable ``name`` for every model."""
    K = rec.K
    series = _series(rec, name)
    if series is not None:
        analyses = [_poles(G) for G in series]
        return GeneralStability(name, np.array([a["growth"] == "bounded" for a in analyses], dtype=bool),
                                tuple(a["growth"] for a in analyses), tuple(a["factor"] for a in analyses),
                                tuple(a["rate"] for a in analyses),
                                method="poles of each observable's exact generating function")
    blocks = blocks_of(rec, [u for k in range(K) for u in rec.observable(k, name)])
    radii = blocks.radii
    position = {u: i for i, u in enumerate(blocks.unknowns)}
    # One pass over the blocks in topological order carries, for each block, what its upstream holds:
    # the largest radius (exact, with its float for ordering), the largest radius above 1, how many
    # radius-1 blocks lie on one chain (2 or more: a Jordan chain across blocks), and whether every
    # radius-1 block upstream is semisimple — O(blocks + dependencies), no upstream sets.
    summary = []
    for b, (comparison, exact_rho, value, semisimple) in enumerate(radii):
        top, above, chain, simple = (value, exact_rho), None, 1 if comparison == 0 else 0, semisimple or comparison
        if comparison > 0:
            above = (value, exact_rho)
        for d in blocks.depends[b]:
            t2, a2, c2, s2 = summary[d]
            top = max(top, t2, key=lambda pair: pair[0])
            if a2 is not None and (above is None or a2[0] > above[0]):
                above = a2
            chain = max(chain, c2 + (1 if comparison == 0 else 0))
            simple = bool(simple) and bool(s2)
        summary.append((top, above, chain, bool(simple)))
    bounded = np.zeros(K, dtype=bool)
    growth, factor, rates = [], [], []
    for k in range(K):
        reached = {blocks.block_of[position[u]] for u in rec.observable(k, name)}
        if not reached:
            bounded[k] = True
            growth.append("bounded")
            factor.append(None)
            rates.append(sympy.Integer(0))
            continue
        top = max((summary[b][0] for b in reached), key=lambda pair: pair[0])
        above = [summary[b][1] for b in reached if summary[b][1] is not None]
        chain = max(summary[b][2] for b in reached)
        simple = all(summary[b][3] for b in reached)
        rates.append(top[1])
        if above:
            growth.append("geometric")
            factor.append(max(above, key=lambda pair: pair[0])[1])
        elif chain == 0:
            bounded[k] = True
            growth.append("bounded")
            factor.append(None)
        else:
            growth.append("linear" if simple and chain == 1 else "polynomial")
            factor.append(sympy.Integer(1))
    return GeneralStability(name, bounded, tuple(growth), tuple(factor), tuple(rates),
                            method="exact spectral radii of the strongly connected blocks of the recursion's "
                                   "unknowns (every block assumed excited)")


@guarded
def limits_of(rec: MomentRecursion, name: str = "error", bounded: Sequence[bool] | None = None,
              arithmetic: str | None = None, dps: int = 50, poles: bool = True) -> Limits:
    """``lim_t`` of observable ``name`` per model (``None`` where it is unbounded).

    ``arithmetic`` is ``"exact"`` (default for exact recursions), ``"float"``
    (default for float ones) or ``"mpmath"`` at ``dps`` digits.  ``poles=False``
    skips the generating-function analysis (for recursions known to excite
    every block, e.g. the Kronecker ones with positive noise at every model).
    Float limits carry ``residual``, the relative residual of ``x = A x + b``
    on the solved unknowns.
    """
    K = rec.K
    if bounded is None:
        bounded = stability_of(rec, name).bounded
    chosen = [k for k in range(K) if bounded[k]]
    out: list[Any] = [None] * K
    back = arithmetic_for(arithmetic or ("exact" if rec.exact else "float"), dps)
    series = _series(rec, name) if chosen and back.name == "exact" and poles else None
    if series is not None:
        for k in chosen:
            out[k] = _poles(series[k])["limit"]
        return Limits(out, ids=rec.ids, arithmetic="exact rational",
                      method="final value theorem on the exact generating function")
    if chosen:
        targets = [u for k in chosen for u in rec.observable(k, name)]
        blocks = blocks_of(rec, targets)
        with back.context():
            x = _solve_blocks(blocks, back, targets)
            position = {u: i for i, u in enumerate(blocks.unknowns)}
            for k in chosen:
                value = back.convert(0)
                for u, w in rec.observable(k, name).items():
                    value = value + back.convert(w) * x[position[u]]
                out[k] = back.output(value)
    label = back.describe() if back.name != "exact" else ("symbolic" if rec.symbols else "exact rational")
    info = {}
    if back.name == "float" and chosen:
        x = np.asarray(x, dtype=float)
        fixed = np.array([blocks.constant[u] + sum(c * x[v] for v, c in blocks.rows[u].items())
                          for u in range(len(x))], dtype=float)
        scale = float(np.linalg.norm(x)) or 1.0
        info["residual"] = float(np.linalg.norm(x - fixed)) / scale
    return Limits(out, ids=rec.ids, arithmetic=label,
                  method="block-triangular solve over the strongly connected blocks of the unknowns", **info)


def _solve_blocks(blocks: Blocks, arithmetic: Arithmetic, targets: Sequence[Hashable] | None = None) -> list:
    """``x = (I − A)⁻¹ b`` on the closure, block by block (dependencies first), in one arithmetic.

    With ``targets`` (unknowns the caller reads), an unknown that is neither a
    target nor read by a later block may be left ``None``: exact solves then
    never turn it into a SymPy expression.
    """
    x: list[Any] = [None] * len(blocks.unknowns)
    needed = None
    if targets is not None:
        position = {u: i for i, u in enumerate(blocks.unknowns)}
        needed = {position[u] for u in targets}
        for u, row in enumerate(blocks.rows):
            needed.update(v for v in row if blocks.block_of[v] != blocks.block_of[u])
    for members in blocks.members:
        local = {u: i for i, u in enumerate(members)}
        rows, rhs = [], []
        for u in members:
            known = arithmetic.convert(blocks.constant[u])
            for v, c in blocks.rows[u].items():
                if v not in local:
                    known = known + arithmetic.convert(c) * x[v]
            rhs.append(known)
            rows.append({local[v]: c for v, c in blocks.rows[u].items() if v in local})
        if len(members) == 1:  # a block of one unknown: x = (b + known) / (1 − a), no solver needed
            a = arithmetic.convert(rows[0].get(0, 0))
            x[members[0]] = rhs[0] / (arithmetic.convert(1) - a) if not arithmetic.is_zero(a) else rhs[0]
            continue
        wanted = None if needed is None else {i for i, u in enumerate(members) if u in needed}
        for u, value in zip(members, arithmetic.fixed_point(rows, rhs, wanted=wanted)):
            x[u] = value
    return x


def _tidy_value(value, exact: bool):
    if not exact:
        return value
    return sympy.cancel(value) if isinstance(value, sympy.Basic) and value.free_symbols else value


def _tidy(value):
    return tidy(value) if isinstance(value, sympy.Basic) and value.free_symbols else canonical(value)


@guarded
def slopes_of(rec: MomentRecursion, stability: GeneralStability | None = None, name: str = "error") -> GrowthRates:
    """The linear growth rate ``c_k`` of observable ``name`` (0 when bounded, ``oo`` when faster than linear)."""
    from graphcollapse.linalg.domain import determinant, nullspace, solve

    st = stability if stability is not None else stability_of(rec, name)
    series = _series(rec, name) if "linear" in st.growth else None
    if series is not None:
        out = [sympy.Integer(0) if g == "bounded" else (_poles(series[k])["slope"] if g == "linear" else sympy.oo)
               for k, g in enumerate(st.growth)]
        return GrowthRates(out, ids=rec.ids, arithmetic="exact rational",
                           method="double pole at z = 1 of the exact generating function")
    out: list[Any] = []
    for k in range(rec.K):
        kind = st.growth[k]
        if kind == "bounded":
            out.append(sympy.Integer(0))
            continue
        if kind != "linear":
            out.append(sympy.oo)
            continue
        unknowns = rec.closure(rec.observable(k, name))
        rows, constant, _, position = dense_system(rec, unknowns)
        n = len(unknowns)
        L = sympy.zeros(n, n)
        for i, row in enumerate(rows):
            for j, c in row.items():
                L[i, j] = c
        gap = L - sympy.eye(n)
        right, left = nullspace(gap), nullspace(gap.T)
        gram = left.T * right
        if determinant(gram) == 0:
            raise NotSemisimpleError(f"{rec.family}: eigenvalue 1 has a Jordan block for model {rec.ids[k]!r}")
        projected = right * solve(gram, left.T * sympy.Matrix(constant))
        value = sum((w * projected[position[u]] for u, w in rec.observable(k, name).items()), sympy.Integer(0))
        out.append(_tidy(value))
    return GrowthRates(out, ids=rec.ids, arithmetic="symbolic" if rec.symbols else "exact rational",
                       method="exact Cesàro projector on the closure of each observable")


_Z = sympy.Symbol("z")


def _series(rec: MomentRecursion, name: str):
    """``G_k(z) = Σ_t E_k(t) zᵗ`` for every model, exact and cancelled; ``None`` if not applicable.

    Applicable to numeric exact recursions whose closure has at most
    :data:`POLE_ANALYSIS_MAX` unknowns.  Cached on the recursion per observable.
    """
    cache = rec.__dict__.setdefault("_series_cache", {}) if hasattr(rec, "__dict__") else {}
    if name in cache:
        return cache[name]
    result = None
    if rec.exact:
        unknowns = rec.closure_of_models(range(rec.K), name)
        if len(unknowns) <= POLE_ANALYSIS_MAX and not rec.symbols:
            from graphcollapse.linalg.domain import to_domain_matrix
            from sympy.polys.matrices import DomainMatrix

            rows, constant, initial, position = dense_system(rec, unknowns)
            n = len(unknowns)
            A = sympy.zeros(n + 1, n + 1)
            for i, row in enumerate(rows):
                for j, c in row.items():
                    A[i, j] = c
                A[i, n] = constant[i]
            A[n, n] = 1
            y0 = list(initial) + [sympy.Integer(1)]
            system, numbers = to_domain_matrix(sympy.eye(n + 1) - _Z * A, extra=y0)
            x = system.lu_solve(DomainMatrix([[numbers.convert(v)] for v in y0], (n + 1, 1), numbers.field))
            x = [numbers.to_sympy(v[0]) for v in x.to_list()]
            result = []
            for k in range(rec.K):
                form = rec.observable(k, name)
                result.append(sympy.cancel(sum((w * x[position[u]] for u, w in form.items()), sympy.Integer(0))))
    cache[name] = result
    return result


def _poles(G: sympy.Expr) -> dict:
    """Growth kind, factor, convergence rate, limit and slope of ``E(t)`` from ``G(z) = Σ E(t) zᵗ``."""
    from graphcollapse.linalg.spectral import classify_factor

    numerator, denominator = sympy.fraction(sympy.cancel(G))
    Q = sympy.Poly(denominator, _Z)
    unit_one, unit_other, inside, outside_moduli = 0, 0, [], []
    for factor, multiplicity in Q.factor_list()[1]:
        if factor.degree() == 0:
            continue
        if factor.degree() == 1 and factor.eval(1) == 0:
            unit_one = multiplicity
            continue
        # eigenvalues λ = 1/z: the reversed factor's roots
        reversed_factor = sympy.Poly(list(reversed(factor.all_coeffs())), _Z)
        for kind, modulus in classify_factor(reversed_factor):
            if kind > 0:
                inside.append((modulus, multiplicity))
            elif kind == 0:
                unit_other = max(unit_other, multiplicity)
            else:
                outside_moduli.append(modulus)
    rate = max(outside_moduli, key=lambda m: float(m), default=sympy.Integer(0))
    result = {"growth": "bounded", "factor": None, "rate": rate, "limit": None, "slope": sympy.Integer(0)}
    if inside:
        result.update(growth="geometric", factor=max((m for m, _ in inside), key=float), slope=sympy.oo)
    elif unit_one >= 3 or unit_other >= 2:
        result.update(growth="polynomial", factor=sympy.Integer(1), slope=sympy.oo)
    elif unit_one == 2:
        result.update(growth="linear", factor=sympy.Integer(1),
                      slope=_tidy(sympy.cancel(((1 - _Z) ** 2 * G)).subs(_Z, 1)))
    elif unit_other == 0:
        result["limit"] = _tidy(sympy.cancel((1 - _Z) * G).subs(_Z, 1))
    return result


def vanishes(limits: Limits) -> tuple:
    """Which bounded observables tend to exactly 0 (decided exactly)."""
    return tuple(v is not None and is_zero(v) for v in limits)
