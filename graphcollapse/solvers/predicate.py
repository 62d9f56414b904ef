"""The exact collapse predicate over symbolic weights.

With ``M = I`` whether model ``k`` collapses depends only on the support of
``W`` and ``r`` (Theorem A), and with symbolic weights the support depends
on which weight expressions vanish.  Every weight factors into irreducible
polynomials (*atoms*); a weight vanishes iff one of its atoms does.  For
each pattern of vanishing atoms we

1. decide whether the pattern is possible with every weight in ``[0, 1]``
   (solve the vanishing atoms exactly, then look for a rational point of the
   remaining symbols in ``(0, 1)`` where the other atoms do not vanish and
   every weight lies in ``[0, 1]``);
2. evaluate Theorem A on that support;

and minimise the resulting Boolean function (impossible patterns are
"don't care") into disjunctive normal form over ``Eq(atom, 0)`` and
``Ne(atom, 0)``.  The limit valid where a model does not collapse is the
generic closed form wherever its whole generic upstream set stays bounded
(the limit is a rational function continuous wherever the restricted
operator has spectral radius below 1), and is recomputed on the
substituted graph elsewhere; the pieces come back as a ``Piecewise``.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 1, "real": "a"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1 - a"}]})
>>> result = collapse_predicate(g)
>>> result.predicates[0]
Eq(a, 0)
>>> result.limits[0]
1/(a*(2 - a))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp
import sympy
from sympy.logic.boolalg import SOPform

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph
from graphcollapse.topology import collapsing_support

__all__ = ["CollapsePredicate", "collapse_predicate", "MAX_ATOMS"]

#: Patterns grow as 2**atoms; beyond this the predicate is refused with a clear message.
MAX_ATOMS = 14
_SAMPLE_POINTS = [Fraction(1, 3), Fraction(2, 7), Fraction(3, 5), Fraction(5, 11), Fraction(7, 9), Fraction(1, 2)]


@dataclass(frozen=True)
class CollapsePredicate:
    """Per model, exactly when it collapses, and its limit elsewhere.

    Attributes
    ----------
    atoms : tuple of sympy.Expr
        Irreducible factors of the weights whose vanishing changes the support.
    predicates : tuple of sympy.Boolean
        ``True``/``False`` or a DNF over ``Eq``/``Ne`` of atoms, per model.
    limits : tuple
        ``Piecewise`` (or a single expression) valid where the model does not
        collapse; ``None`` if it always collapses.
    patterns : int
        Number of possible vanishing patterns examined.
    """

    atoms: tuple
    predicates: tuple
    limits: tuple
    patterns: int


def _atoms_of(expr: sympy.Expr) -> list[sympy.Expr]:
    if not expr.free_symbols:
        return []
    _, factors = sympy.factor_list(sympy.together(expr))
    out = []
    for factor, _power in factors:
        if factor.free_symbols:
            out.append(_normalise(factor))
    return out


def _normalise(factor: sympy.Expr) -> sympy.Expr:
    poly = sympy.Poly(factor, *sorted(factor.free_symbols, key=lambda s: s.name))
    if poly.LC() < 0:
        poly = -poly
    return poly.as_expr()


def _condition(atom: sympy.Expr, vanishes: bool) -> sympy.Boolean:
    """``Eq(a, 0)``/``Ne``, written as ``Eq(x, value)`` when the atom is linear in one symbol."""
    symbols = atom.free_symbols
    if len(symbols) == 1:
        (x,) = symbols
        poly = sympy.Poly(atom, x)
        if poly.degree() == 1:
            root = -poly.nth(0) / poly.nth(1)
            return sympy.Eq(x, root) if vanishes else sympy.Ne(x, root)
    return sympy.Eq(atom, 0) if vanishes else sympy.Ne(atom, 0)


def _feasible(atoms, pattern, weights, symbols) -> dict | None:
    """A substitution realising ``pattern`` with weights in [0, 1], or None."""
    zero = [a for a, z in zip(atoms, pattern) if z]
    nonzero = [a for a, z in zip(atoms, pattern) if not z]
    if zero:
        try:
            solutions = sympy.solve(zero, sorted(set().union(*(a.free_symbols for a in zero)), key=lambda s: s.name),
                                    dict=True)
        except NotImplementedError:
            return None
    else:
        solutions = [{}]
    for solution in solutions:
        if any(not v.is_real for v in solution.values() if v.is_number):
            continue
        free = sorted(set(symbols) - set(solution), key=lambda s: s.name)
        for offset in range(len(_SAMPLE_POINTS)):
            point = {s: sympy.Rational(_SAMPLE_POINTS[(i + offset) % len(_SAMPLE_POINTS)].numerator,
                                       _SAMPLE_POINTS[(i + offset) % len(_SAMPLE_POINTS)].denominator)
                     for i, s in enumerate(free)}
            full = {s: sympy.sympify(v).xreplace(point) for s, v in solution.items()}  # safe: solver output
            full.update(point)
            if any(not full[s].is_number for s in full):
                continue
            if any(a.xreplace(full) != 0 for a in zero):
                continue
            if any(a.xreplace(full) == 0 for a in nonzero):
                continue
            values = [w.xreplace(full) for w in weights]
            if all(v.is_number and 0 <= v <= 1 for v in values):
                return solution
    return None


def collapse_predicate(graph: InteractionGraph, estimator=None, *, with_limits: bool = True) -> CollapsePredicate:
    """The exact collapse predicate of every model over the graph's symbols.

    Raises
    ------
    InputError
        For float graphs, families with ``M ≠ I`` or diagonal rules (their
        verdict is spectral, not a support question), or more than
        :data:`MAX_ATOMS` atoms.
    """
    from graphcollapse.estimators import estimator_for

    if not graph.is_exact:
        raise InputError("the collapse predicate needs an exact graph")
    family = estimator_for(graph, estimator)
    rec = family.recurrence()
    if not (rec.is_kronecker and rec.is_identity_propagation):
        raise InputError(
            f"estimator {rec.family!r}: the collapse predicate over symbolic weights is available for M = I "
            "families; substitute the symbols and use the exact spectral verdict")
    weights = list(graph.weights) + list(graph.real)
    atoms: list[sympy.Expr] = []
    for w in weights:
        for a in _atoms_of(w):
            if a not in atoms:
                atoms.append(a)
    if len(atoms) > MAX_ATOMS:
        raise InputError(f"the weights have {len(atoms)} distinct factors; the predicate handles at most {MAX_ATOMS}")
    symbols = sorted(graph.free_symbols, key=lambda s: s.name)
    weight_atoms = [[atoms.index(a) for a in _atoms_of(w)] for w in weights]
    E = graph.num_edges

    def verdict(pattern) -> np.ndarray:
        present = np.array([not (w == 0) and not any(pattern[i] for i in weight_atoms[e])
                            for e, w in enumerate(weights)], dtype=bool)
        edges = present[:E]
        support = sp.csr_array((np.ones(int(edges.sum()), dtype=bool),
                                (graph.targets[edges], graph.sources[edges])), shape=(graph.K, graph.K))
        return collapsing_support(support, present[E:])

    feasible: list[tuple[tuple[int, ...], dict, np.ndarray]] = []
    infeasible: list[list[int]] = []
    for pattern in itertools.product((0, 1), repeat=len(atoms)):
        solution = _feasible(atoms, pattern, weights, symbols)
        if solution is None:
            infeasible.append(list(pattern))
        else:
            feasible.append((pattern, solution, verdict(pattern)))
    if not feasible:
        raise InputError("no assignment of the symbols keeps every weight in [0, 1]")
    variables = [sympy.Dummy(f"z{i}") for i in range(len(atoms))]
    back = {}
    for var, atom in zip(variables, atoms):
        back[var] = _condition(atom, True)
    predicates = []
    for k in range(graph.K):
        minterms = [list(p) for p, _, v in feasible if v[k]]
        predicates.append(_minimise(variables, minterms, infeasible, back, atoms))
    limits: list = [None] * graph.K
    if with_limits:
        limits = _limits_by_pattern(graph, estimator, atoms, variables, feasible, infeasible, back)
    return CollapsePredicate(tuple(atoms), tuple(predicates), tuple(limits), len(feasible))


def _minimise(variables, minterms, dontcares, back, atoms) -> sympy.Boolean:
    if not minterms:
        return sympy.false
    if not variables:
        return sympy.true
    formula = SOPform(variables, minterms, dontcares)
    return _to_conditions(formula, variables, back, atoms)


def _to_conditions(formula, variables, back, atoms):
    replacement = {}
    for var, atom in zip(variables, atoms):
        replacement[var] = back[var]
    negated = {sympy.Not(var): _condition(atom, False) for var, atom in zip(variables, atoms)}

    def convert(node):
        if node in negated:
            return negated[node]
        if node in replacement:
            return replacement[node]
        if isinstance(node, (sympy.And, sympy.Or)):
            return type(node)(*[convert(arg) for arg in node.args])
        return node

    return convert(formula)


def _limits_by_pattern(graph, estimator, atoms, variables, feasible, infeasible, back):
    from graphcollapse.estimators import estimator_for
    from graphcollapse.solvers.limits import limits as solve_limits
    from graphcollapse.topology import Topology

    generic_pattern = tuple(0 for _ in atoms)
    generic_entry = next((f for f in feasible if f[0] == generic_pattern), None)
    top = Topology.of(graph)
    generic_limits = None
    if generic_entry is not None:
        generic_limits = solve_limits(estimator_for(graph, estimator).recurrence(), topology=top,
                                      bounded=~generic_entry[2])
    cache: dict = {}
    out = []
    for k in range(graph.K):
        pieces: dict = {}
        generic_upstream = top.upstream(k)
        generic = None if generic_limits is None else generic_limits[k]
        for pattern, solution, collapse in feasible:
            if collapse[k]:
                continue
            if generic is not None and not collapse[generic_upstream].any():
                value = generic  # valid here by continuity (see the module notes)
            else:
                key = tuple(sorted(solution.items(), key=lambda kv: kv[0].name))
                if key not in cache:
                    sub = graph.subs({s.name: v for s, v in solution.items()})
                    cache[key] = solve_limits(estimator_for(sub, _estimator_of(sub, estimator)).recurrence())
                value = cache[key][k]
                if generic is not None and _agrees(generic, solution, value):
                    value = generic
            pieces.setdefault(value, []).append(list(pattern))
        if not pieces:
            out.append(None)
        elif len(pieces) == 1:
            out.append(next(iter(pieces)))
        else:
            args = [(value, _minimise(variables, mins, infeasible, back, atoms)) for value, mins in pieces.items()]
            out.append(sympy.Piecewise(*args))
    return out


def _agrees(generic, solution, value) -> bool:
    """Does the generic formula, where defined on this pattern, give ``value``?"""
    num, den = sympy.fraction(sympy.cancel(generic))
    if sympy.cancel(den.xreplace(solution)) == 0:
        return False
    return sympy.cancel(generic.xreplace(solution) - value) == 0


def _estimator_of(graph, estimator):
    return graph.estimator if estimator is None else estimator
