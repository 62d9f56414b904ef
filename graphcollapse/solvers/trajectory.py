"""Exact trajectories ``E_k(t)``, iterated and in closed form in ``t``.

:func:`trajectory` iterates the recursion on the independent entries of ``S``
in exact arithmetic (SymPy's ``DomainMatrix``: rationals, or rational
functions of the graph's symbols) or in floats for float graphs.

:func:`closed_form` writes ``E_k(t)`` as an expression in the symbol ``t``
valid for every ``t ≥ 0``.  Only the entries that ``E_k`` depends on are
kept; with the augmented state ``y = (vech S, 1)`` the recursion is
``y(t+1) = A y(t)``, ``A = [[𝓛, vech D], [0, 1]]``.  The generating function
``G(z) = Σ_t E_k(t) z^t = fᵀ (I − zA)⁻¹ y(0)`` is a rational function of
``z`` (one exact solve over ``QQ(z)``); its partial-fraction expansion
(SymPy's ``apart_list``) inverts term by term: ``c/(z − r)^m`` gives
``c (−1)^m binomial(t+m−1, m−1) λ^(t+m)`` with the eigenvalue ``λ = 1/r``,
irreducible factors stay ``RootSum`` over their roots, and the polynomial
part (nilpotent dynamics) gives ``KroneckerDelta(t, j)`` terms, so early
generations are exact too.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.estimators import recurrence
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
>>> rec = recurrence(g)
>>> trajectory(rec, 2)
((1/10,), (1/8,), (21/160,))
>>> closed_form(rec)[0]
2/15 - 1/(30*4**t)
"""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np
import sympy
from sympy.polys.matrices import DomainMatrix

import graphcollapse.bounds as bounds
from graphcollapse.errors import GraphCollapseError, InputError, InternalError, ResourceLimitError, guarded
from graphcollapse.operator.moments import MomentRecursion, dense_system, iterate
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.linalg.domain import to_domain_matrix
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.forms import tidy
from graphcollapse.solvers.inputs import recursion_of

__all__ = ["trajectory", "iter_trajectory", "closed_form", "element_bits", "T_SYMBOL", "CLOSED_FORM_MAX_DIMENSION",
           "PROBE"]

#: The generation symbol used in closed forms.
T_SYMBOL = sympy.Symbol("t", integer=True, nonnegative=True)
#: Largest recursion (entries of S that E_k depends on, plus one) put through a Jordan form.
CLOSED_FORM_MAX_DIMENSION = 40


@guarded
def trajectory(rec: MomentRecursion, generations: int, name: str = "error") -> tuple[tuple, ...]:
    """Observable ``name`` (default ``E_k``) for ``t = 0 … generations``: a tuple of per-generation tuples.

    Exact for exact graphs, float for float graphs.  Only the unknowns the
    observables depend on are iterated; bounded as :func:`iter_trajectory` says.
    """
    return tuple(iter_trajectory(rec, generations, name))


@guarded
def iter_trajectory(rec: MomentRecursion, generations: int, name: str = "error") -> Iterator[tuple]:
    """Observable ``name`` (default ``E_k``) one generation at a time, ``t = 0 … generations`` (streams long runs).

    Bounds (:mod:`graphcollapse.bounds`), checked before the first value:
    ``generations``, ``trajectory_values`` (``(T + 1) K``), for symbolic
    recursions ``symbolic_generations``, and ``state_values`` (the entries
    of ``S`` the iteration holds).  Exact values grow with ``t`` (their
    denominators multiply): after the first :data:`PROBE` generations the
    growth is extrapolated to ``T`` and checked against ``exact_bits`` (one
    value) and ``trajectory_bits`` (all values), so a run that would exceed
    them is refused before anything is printed; the same bounds are checked
    again as the values really grow.

    Raises
    ------
    InputError
        For a negative or non-integer ``generations``.
    ResourceLimitError
        When a bound is exceeded (the message names it and how to raise it).
    """
    rec = recursion_of(rec, "trajectory")
    T = _generations(generations)
    limits = bounds.current()
    bounds.check("trajectory_values", (T + 1) * rec.K, f"trajectory to T = {T}: values (T + 1) K")
    if not rec.exact:
        if not isinstance(rec, Recurrence):
            return _guarded_rows(iter(iterate(rec, T, name)))
        bounds.check("state_values", (rec.K * rec.p) ** 2, "trajectory: entries of the state S")
        return _guarded_rows(_float_rows(rec, T))
    symbols = getattr(rec, "symbols", ())
    if symbols:
        bounds.check("symbolic_generations", T, f"symbolic trajectory: T (symbols {', '.join(map(str, symbols))})")
    return _guarded_rows(_exact_rows(rec, T, limits, name))


def _generations(generations) -> int:
    if isinstance(generations, bool) or not isinstance(generations, (int, np.integer)):
        raise InputError(f"generations must be an integer, got {generations!r}")
    if generations < 0:
        raise InputError(f"generations must be non-negative, got {generations}")
    bounds.check("generations", int(generations), "generations T")
    return int(generations)


def _float_rows(rec: Recurrence, T: int) -> Iterator[tuple]:
    S = np.asarray(rec.initial_state(), dtype=float)
    yield rec.errors(S)
    for _ in range(T):
        S = np.asarray(rec.step(S))
        yield rec.errors(S)


def _guarded_rows(rows: Iterator[tuple]) -> Iterator[tuple]:
    """The rows, with only graphcollapse errors escaping (as :func:`guarded` does for calls)."""
    try:
        yield from rows
    except GraphCollapseError:
        raise
    except (MemoryError, RecursionError) as err:
        raise ResourceLimitError(f"trajectory: {type(err).__name__}: the run is too large for this machine") \
            from err
    except Exception as err:  # noqa: BLE001 - the same contract as guarded()
        raise InternalError(f"trajectory: {type(err).__name__}: {err} (a bug in graphcollapse; please report it)") \
            from err


#: Generations computed before the growth of exact values is extrapolated to ``T``.
PROBE = 32


def _exact_rows(rec: MomentRecursion, T: int, limits, name: str = "error") -> Iterator[tuple]:
    """The exact iteration on the unknowns the observables depend on, in a sparse ``DomainMatrix``."""
    unknowns = rec.closure_of_models(range(rec.K), name)
    bounds.check("state_values", len(unknowns), "trajectory: entries of the state S the observables depend on")
    rows, noise, initial, forms = _system(rec, name, unknowns)
    size = len(rows)
    keep = range(size)
    local = {u: u for u in keep}
    forms = dict(enumerate(forms))
    values = [c for u in keep for c in rows[u].values()] + [noise[u] for u in keep] + [initial[u] for u in keep] \
        + [w for form in forms.values() for w in form.values()]
    # One exact field for every entry (weights, noise, generation 0): QQ, QQ<θ> or their fraction field.
    numbers = NumberDomain.from_expressions([v for v in values if v != 0])
    field = numbers.field

    def sparse(entries: dict, shape) -> DomainMatrix:
        out: dict = {}
        for (i, j), v in entries.items():
            if v != 0:
                out.setdefault(i, {})[j] = numbers.convert(v)
        return DomainMatrix(out, shape, field)

    L = sparse({(local[u], local[v]): c for u in keep for v, c in rows[u].items()}, (size, size))
    d = sparse({(local[u], 0): noise[u] for u in keep}, (size, 1))
    x = sparse({(local[u], 0): initial[u] for u in keep}, (size, 1))
    F = sparse({(k, local[u]): w for k, form in forms.items() for u, w in form.items()}, (rec.K, size))
    total_bits, sizes, buffered = 0, [], []
    for t in range(T + 1):
        if t:
            x = L * x + d
        entries = [row[0] for row in (F * x).to_list()]
        largest = max((element_bits(e) for e in entries), default=0)
        total_bits += largest * rec.K
        bounds.check("exact_bits", largest, f"trajectory: bits of an exact value at t = {t}")
        bounds.check("trajectory_bits", total_bits, f"trajectory: bits of the exact values up to t = {t}")
        row = tuple(_tidy(numbers.to_sympy(e)) for e in entries)
        if t > PROBE or T <= PROBE:
            yield row
            continue
        sizes.append(largest)
        buffered.append(row)
        if t == PROBE:
            _extrapolate(sizes, T, rec.K)
            yield from buffered
            buffered = []
    yield from buffered


def _extrapolate(sizes: list[int], T: int, K: int) -> None:
    """Refuse, before any output, a run whose exact values would outgrow the bounds by ``T``."""
    half = len(sizes) // 2
    slope = max(0.0, (sizes[-1] - sizes[half]) / (len(sizes) - 1 - half))
    final = sizes[-1] + slope * (T - (len(sizes) - 1))
    total = K * (T + 1) * (sizes[0] + final) / 2
    bounds.check("exact_bits", int(final), f"trajectory to T = {T}: bits of E_k(T)", qualifier="about ")
    bounds.check("trajectory_bits", int(total), f"trajectory to T = {T}: bits of all exact values",
                 qualifier="about ")


def element_bits(element) -> int:
    """Size in bits of an exact field element: rationals, number-field and rational-function elements.

    Examples
    --------
    >>> element_bits(sympy.QQ(3, 1024))
    11
    """
    if hasattr(element, "numerator"):                     # a rational (flint, gmpy2 or Python)
        return bounds.bits_of(element)
    if hasattr(element, "numer") and hasattr(element, "denom"):   # a rational function: two polynomials
        return element_bits(element.numer) + element_bits(element.denom)
    if isinstance(element, dict):                         # a polynomial: its terms
        return sum(element_bits(c) + sum(int(e).bit_length() for e in monomial) + 1
                   for monomial, c in element.items())
    if hasattr(element, "to_list"):                       # a number-field element: its coordinates
        return sum(element_bits(c) for c in element.to_list())
    return int(element).bit_length()


def _tidy(value):
    return tidy(value) if value.free_symbols else value


def _system(rec: MomentRecursion, name: str = "error", unknowns=None):
    """``(rows, b, x₀, forms)`` over the positions of every unknown the observables depend on."""
    unknowns = rec.closure_of_models(range(rec.K), name) if unknowns is None else unknowns
    rows, constant, initial, position = dense_system(rec, unknowns)
    forms = [{position[u]: w for u, w in rec.observable(k, name).items()} for k in range(rec.K)]
    return rows, constant, initial, forms


def _dependencies(rows: Sequence[dict], start: set[int]) -> list[int]:
    seen = set(start)
    stack = list(start)
    while stack:
        u = stack.pop()
        for v in rows[u]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return sorted(seen)


def _generating_function(A: sympy.Matrix, y0: sympy.Matrix, f: sympy.Matrix, z: sympy.Symbol) -> sympy.Expr:
    """``G(z) = Σ_t E(t) z^t = fᵀ (I − z A)⁻¹ y(0)``, a cancelled rational function of ``z``."""
    system, numbers = to_domain_matrix(sympy.eye(A.rows) - z * A, extra=list(y0) + list(f))
    rhs = DomainMatrix([[numbers.convert(v)] for v in y0], (y0.rows, 1), numbers.field)
    x = system.lu_solve(rhs)
    weights = [numbers.convert(v) for v in f]
    total = numbers.field.zero
    for w, row in zip(weights, x.to_list()):
        total += w * row[0]
    return sympy.cancel(numbers.to_sympy(total))


def _inverse_z_transform(generating: sympy.Expr, z: sympy.Symbol, t: sympy.Symbol) -> sympy.Expr:
    """The coefficient of ``z^t`` in a rational function of ``z``, for every ``t ≥ 0``, in paper-ready form.

    ``apart_list`` gives ``G = c (P(z) + Σ Σ_{D(a)=0} N(a)/(z − a)^m)``.  The
    coefficient of ``z^t`` in ``1/(z − a)^m`` is
    ``(−1)^m binomial(t+m−1, m−1) a^−(t+m)``, i.e. ``λ^t`` times a polynomial in
    ``t``, with the eigenvalue ``λ = 1/a``.  Each root polynomial ``D`` is split
    into irreducible factors: rational roots are written out, grouped by
    ``λ`` (one polynomial in ``t`` per eigenvalue, each coefficient cancelled
    and factored on its own, so nothing large is ever expanded); irreducible
    factors of higher degree stay a ``RootSum``; the polynomial part ``P``
    (nilpotent dynamics) gives ``KroneckerDelta(t, j)`` terms.
    """
    from sympy.polys.partfrac import apart_list

    common, polypart, fractions = apart_list(generating, z)
    total = sympy.Integer(0)
    for (power,), coef in polypart.terms():
        if coef != 0:
            total += _tidy(sympy.cancel(common * coef)) * sympy.KroneckerDelta(t, power)
    by_eigenvalue: dict = {}   # λ -> {power of t: coefficient}
    for root_poly, numerator, _denominator, m in fractions:
        a = numerator.variables[0]
        weight = sympy.Poly(sympy.expand_func(sympy.binomial(t + m - 1, m - 1)), t)
        _, factors = sympy.factor_list(root_poly.as_expr())
        for factor, _multiplicity in factors:
            poly = sympy.Poly(factor, root_poly.gen)
            if poly.degree() == 1:
                root = sympy.cancel(-poly.nth(0) / poly.nth(1))
                scale = sympy.cancel(common * numerator.expr.xreplace({a: root}) * (-1) ** m / root**m)
                terms = by_eigenvalue.setdefault(sympy.cancel(1 / root), {})
                for (i,), c in weight.terms():
                    terms[i] = terms.get(i, 0) + scale * c
            else:
                body = numerator.expr * (-1) ** m * weight.as_expr() * a ** (-(t + m))
                total += common * sympy.RootSum(poly, sympy.Lambda(a, body))
    for eigenvalue, terms in by_eigenvalue.items():
        polynomial = sum((_tidy(sympy.cancel(c)) * t**i for i, c in sorted(terms.items()) if c != 0),
                         sympy.Integer(0))
        if polynomial != 0:
            total += polynomial * sympy.Pow(_tidy(eigenvalue), t)
    return total


@guarded
def closed_form(rec: MomentRecursion, models: Sequence[int] | None = None, name: str = "error") -> tuple:
    """``E_k(t)`` as an expression in :data:`T_SYMBOL`, valid for all ``t ≥ 0``.

    Parameters
    ----------
    rec : Recurrence
        An exact recursion on a small graph.
    models : sequence of int, optional
        Which models (default all); others get ``None``.

    Raises
    ------
    InputError
        For float graphs, or when the recursion a model depends on has more
        than :data:`CLOSED_FORM_MAX_DIMENSION` entries.
    """
    rec = recursion_of(rec, "closed_form")
    if not rec.exact:
        raise InputError("closed forms need an exact graph")
    rows, noise, initial, forms = _system(rec, name)
    chosen = range(rec.K) if models is None else models
    t = T_SYMBOL
    out: list = [None] * rec.K
    for k in chosen:
        keep = _dependencies(rows, set(forms[k]))
        if len(keep) + 1 > CLOSED_FORM_MAX_DIMENSION:
            raise InputError(
                f"model {rec.ids[k]!r}: its recursion has {len(keep)} entries; closed forms are limited to "
                f"{CLOSED_FORM_MAX_DIMENSION - 1} (use trajectory for exact values)")
        local = {u: i for i, u in enumerate(keep)}
        n = len(keep)
        A = sympy.zeros(n + 1, n + 1)
        for u in keep:
            for v, c in rows[u].items():
                A[local[u], local[v]] = c
            A[local[u], n] = noise[u]
        A[n, n] = 1
        y0 = sympy.Matrix([initial[u] for u in keep] + [1])
        f = sympy.zeros(1, n + 1)
        for u, w in forms[k].items():
            f[0, local[u]] = w
        z = sympy.Dummy("z")
        out[k] = _inverse_z_transform(_generating_function(A, y0, f, z), z, t)
    return tuple(out)

