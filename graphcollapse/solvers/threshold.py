"""The exact sample-size threshold at which a finite-sample recursion becomes stable.

Pooled OLS at small samples can expand even where real data reaches every
model (MODEL.md 4).  Scaling sample counts by a factor ``λ`` (all of them,
or one model's) makes each component's operator ``𝓛_c(λ)`` a matrix of
rational functions of ``λ``.  An eigenvalue can only cross the unit circle
at a root of

    R_c(λ) = Res_z( p_c(z, λ), zᵐ p_c(1/z, λ) ),   p_c = det(z I − 𝓛_c(λ)),

because a unit-modulus root ``z`` of a real polynomial has ``1/z = z̄`` as a
root too.  Between consecutive positive roots the number of eigenvalues
outside the disk is constant, so one exact spectral test per interval (at a
rational point) decides stability on the whole interval.  The result is
exact: the critical scale as an algebraic number (closed form where SymPy
gives one), and the smallest integer scale from which the graph is stable
for good.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"estimator": {"family": "linear_regression", "d": 6},
...                "models": [{"id": "A", "n_real": 1, "n0": 12}],
...                "edges": [{"from": "A", "to": "A", "n": 7}]})
>>> t = sample_size_threshold(g)
>>> t.stable_from_integer, round(t.critical_float, 4)
(2, 1.1986)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy
from sympy.polys.matrices import DomainMatrix

from graphcollapse.errors import InputError, UndecidedError, guarded
from graphcollapse.graph import InteractionGraph, from_dict
from graphcollapse.topology import Topology

__all__ = ["Threshold", "sample_size_threshold", "SCALE"]

#: Name of the scale factor symbol in the scaled graph.
SCALE = "lambda_"
_Z = sympy.Symbol("z")


@dataclass(frozen=True)
class Threshold:
    """Where scaling sample counts by ``λ`` makes every model's error bounded.

    Attributes
    ----------
    scope : str
        ``"all counts"`` or ``"counts of model <id>"``.
    critical : sympy.Expr or None
        The exact ``λ*``: stable for every ``λ > λ*`` (``None`` if stable for
        every admissible ``λ`` or never stable).
    critical_float : float or None
    stable_from_integer : int or None
        Smallest integer ``λ`` from which the graph is stable for good.
    never_stable : bool
        A closed class upstream (Theorem A) — no sample size helps.
    minimum_scale : sympy.Expr
        Smallest admissible ``λ`` (every OLS fit keeps ``≥ d + 2`` samples).
    intervals : tuple
        ``(lo, hi, stable)`` for each interval between critical points
        (``hi`` is ``oo`` for the last).
    counts : dict
        Model id → its total count ``n_k`` at ``λ = 1`` (multiply by ``λ``).
    """

    scope: str
    critical: sympy.Expr | None
    critical_float: float | None
    stable_from_integer: int | None
    never_stable: bool
    minimum_scale: sympy.Expr
    intervals: tuple
    counts: dict

    def statement(self) -> str:
        if self.never_stable:
            return "never stable: a closed class lies upstream (Theorem A); no sample size helps"
        if self.critical is None:
            return f"stable for every admissible scale (λ ≥ {self.minimum_scale})"
        return (f"stable exactly for λ > {self.critical} ≈ {self.critical_float:.6g} ({self.scope} times λ); "
                f"smallest integer scale: {self.stable_from_integer}")


@guarded
def sample_size_threshold(graph: InteractionGraph, model: str | None = None,
                          estimator: Mapping | None = None) -> Threshold:
    """The exact threshold on a common scale of the sample counts.

    Parameters
    ----------
    graph : InteractionGraph
        Exact, without free symbols; counts given.
    model : str, optional
        Scale only this model's counts (``n``, ``n_real`` and its incoming
        edge counts); default: every count of every model.
    estimator : mapping, optional
        Override the graph's estimator.
    """
    from graphcollapse.estimators import recurrence
    from graphcollapse.linalg.spectral import spectral_radius
    from graphcollapse.solvers.stability import component_operator

    if not graph.is_exact or graph.free_symbols:
        raise InputError(f"graph {graph.name!r}: the threshold needs numeric exact counts (no free symbols)")
    if model is not None and model not in graph.index:
        raise InputError(f"threshold: unknown model {model!r}")
    scaled, lam = _scaled_graph(graph, model)
    rec = recurrence(scaled, estimator)
    top = Topology.of(graph)
    counts = {graph.ids[k]: (graph.n[k] if graph.n is not None else None) for k in range(graph.K)}
    scope = "all counts" if model is None else f"counts of model {model!r}"
    lam_min = _minimum_scale(graph, rec, model)
    if top.collapsing.any():
        return Threshold(scope, None, None, None, True, lam_min, (), counts)
    operators = [component_operator(rec, members) for members in top.components]
    critical = set()
    for L in operators:
        for root in _critical_roots(L, lam):
            if root > lam_min:
                critical.add(root)
    # Sorted at 60 digits; the order is then certified exactly: _rational_between finds a rational strictly
    # between consecutive points (decided by counting roots), which distinct misordered points cannot have.
    points = sorted(critical, key=lambda r: sympy.N(r, 60))
    bounds = [lam_min] + points + [sympy.oo]
    intervals = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        probe = _rational_between(lo, hi)
        stable = all(spectral_radius(L.subs(lam, probe)).comparison_with_one < 0 for L in operators)
        intervals.append((lo, hi, stable))
    if not intervals[-1][2]:
        raise InputError(f"graph {graph.name!r}: unstable for every large scale although no closed class "
                                 "lies upstream; this contradicts MODEL.md 4 — please report it")
    last_unstable = max((i for i, (_, _, ok) in enumerate(intervals) if not ok), default=None)
    if last_unstable is None:
        return Threshold(scope, None, None, int(sympy.ceiling(lam_min)), False, lam_min, tuple(intervals), counts)
    crit = intervals[last_unstable][1]
    integer = int(sympy.floor(crit)) + 1
    return Threshold(scope, _closed_form(crit), float(crit), integer, False, lam_min, tuple(intervals), counts)


def _scaled_graph(graph: InteractionGraph, model: str | None) -> InteractionGraph:
    data = graph.to_dict()
    name = SCALE
    data["symbols"] = list(data.get("symbols", [])) + [name]

    def scale(value):
        return f"{name}*({value})" if value is not None else None

    for m in data["models"]:
        if model is None or m["id"] == model:
            for key in ("n", "n_real"):
                if m.get(key) is not None:
                    m[key] = scale(m[key])
    for e in data["edges"]:
        if (model is None or e["to"] == model) and e.get("n") is not None:
            e["n"] = scale(e["n"])
    out = from_dict(data)
    return out, next(s for s in out.symbols if s.name == name)


def _minimum_scale(graph: InteractionGraph, rec, model) -> sympy.Expr:
    """Smallest ``λ`` keeping every scaled OLS fit at ``≥ d + 2`` samples (1/oo-free for other families)."""
    d = rec.trace_weight[0, 0] if rec.family == "linear_regression" else None
    if d is None:
        return sympy.Integer(0)
    need = d + 2
    out = sympy.Integer(0)
    for k in range(graph.K):
        if model is not None and graph.ids[k] != model:
            continue
        if graph.mixing == "pooled" and graph.n is not None and graph.n[k] is not None:
            out = max(out, need / graph.n[k])
        else:
            if graph.n_real is not None and graph.n_real[k] not in (None, 0) and graph.real[k] != 0:
                out = max(out, need / graph.n_real[k])
    if graph.mixing == "weighted" and graph.edge_n is not None:
        for j, k, w, c in zip(graph.sources, graph.targets, graph.weights, graph.edge_n):
            if w != 0 and c is not None and (model is None or graph.ids[int(k)] == model):
                out = max(out, need / c)
    return out


def _critical_roots(L: sympy.Matrix, lam: sympy.Symbol) -> list:
    """Positive real roots of the resultant where an eigenvalue of ``L(λ)`` can meet the unit circle."""
    m = L.rows
    if m == 0:
        return []
    dm = DomainMatrix.from_Matrix(L).to_field()
    coeffs = dm.charpoly()
    domain = dm.domain
    exprs = [domain.to_sympy(c) for c in coeffs]
    p = sympy.Poly(sum(c * _Z**(m - i) for i, c in enumerate(exprs)), _Z)
    # Clear denominators (positive for admissible λ): a polynomial in z and λ.
    den = sympy.lcm_list([sympy.fraction(sympy.cancel(c))[1] for c in p.all_coeffs()])
    P = sympy.Poly(sympy.expand(sum(sympy.cancel(c * den) * _Z**(m - i) for i, c in enumerate(p.all_coeffs()))),
                   _Z, lam)
    Q = sympy.Poly(sympy.expand(_Z**m * P.as_expr().subs(_Z, 1 / _Z)), _Z, lam)
    res = sympy.resultant(P.as_expr(), Q.as_expr(), _Z)
    res = sympy.Poly(sympy.expand(res), lam)
    if res.is_zero:
        raise InputError("threshold: the operator keeps an eigenvalue pair (z, 1/z) for every scale")
    roots = []
    for factor, _ in res.factor_list()[1]:
        for r in sympy.Poly(factor, lam).real_roots():
            if r > 0:
                roots.append(r)
    return roots


def _below(a, q: sympy.Rational) -> bool:
    """``a < q`` exactly, for a rational or a real ``CRootOf`` ``a`` (by counting its polynomial's roots up to ``q``)."""
    if a.is_Rational:
        return a < q
    if not isinstance(a, sympy.CRootOf) or not a.is_real:  # pragma: no cover - the roots here are real CRootOf
        raise UndecidedError(f"threshold: cannot compare {a} with a rational exactly")
    poly = sympy.Poly(a.poly.as_expr(), a.poly.gen)
    up_to = poly.count_roots(None, q)  # distinct real roots in (-oo, q] (Sturm); CRootOf indexes them in order
    return up_to > a.index + 1 or (up_to == a.index + 1 and poly.eval(q) != 0)


def _rational_between(lo, hi) -> sympy.Rational:
    """A rational strictly between the real algebraic numbers ``lo < hi``, certified by exact root counts."""
    if hi is sympy.oo:
        return sympy.floor(lo) + 2 if lo.is_Rational else sympy.floor(lo.evalf(30)) + 2
    for digits in (40, 80, 160, 320, 640):
        a = sympy.Rational(str(sympy.N(lo, digits)))
        b = sympy.Rational(str(sympy.N(hi, digits)))
        mid = (a + b) / 2
        if _below(lo, mid) and not _below(hi, mid) and mid != hi:
            return mid
    raise UndecidedError("threshold: two critical points could not be separated at 640 digits")


def _closed_form(root) -> sympy.Expr:
    """A radical for roots of low-degree factors, else the ``CRootOf`` itself."""
    if isinstance(root, sympy.CRootOf) and root.poly.degree() <= 2:
        for r in sympy.roots(root.poly.as_expr(), root.poly.gen):
            if abs(complex(r.evalf(30)) - complex(root.evalf(30))) < 1e-20:
                return r
    return root
