"""The exact collapse predicate over symbolic weights, and the limit where a model does not collapse.

With ``M = I`` whether model ``k`` collapses depends only on the support of
``W`` and ``r`` (Theorem A), and with symbolic weights the support depends on
which weights vanish.  Every weight factors, over the graph's number field,
into irreducible polynomials (*atoms*); a weight vanishes iff one of its atoms
does.  The predicate is decided exactly:

1. The **valid region** is every weight (and real-data weight) in ``[0, 1]``,
   every symbolic sample size and variance positive (and what the estimator
   adds, e.g. OLS counts ``≥ d + 2``).
2. **Support patterns** — which atoms vanish — are enumerated depth first,
   and each partial pattern intersected with the valid region is decided by
   :func:`graphcollapse.numbers.decide` (exact real root isolation for one
   symbol, z3's complete nonlinear real arithmetic for several): an
   infeasible partial pattern prunes its whole subtree.  Every feasible
   pattern comes with an exact witness point; a pattern the decision
   procedure cannot settle is kept and reported as *undecided*, never
   dropped.
3. On each pattern Theorem A gives the verdict; the per-model Boolean
   function is minimised (infeasible patterns are "don't care") into a DNF
   over ``Eq(atom, 0)`` / ``Ne(atom, 0)``.
4. The **limit** where a model does not collapse is the generic closed form
   wherever its generic upstream set stays bounded (the limit is a rational
   function continuous wherever the restricted operator has spectral radius
   below 1); elsewhere it is recomputed on the graph with the vanishing atoms
   solved for a symbol they are linear in (a pattern whose atoms are not
   linear in any symbol keeps an undecided limit, and says so).  The pieces
   come back as a ``Piecewise`` whose conditions hold inside the valid region,
   which :attr:`CollapsePredicate.region` states.

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
>>> result.region_text
'0 <= a <= 1'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import scipy.sparse as sp
import sympy
from sympy.logic.boolalg import SOPform

from graphcollapse.errors import InputError, UndecidedError, UnsupportedError, guarded
from graphcollapse.graph import InteractionGraph
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.factor import factor_irreducible
from graphcollapse.numbers.regions import Region, decide, interval_region
from graphcollapse.topology import Topology, collapsing_support

__all__ = ["CollapsePredicate", "collapse_predicate", "valid_region", "process_symbols", "symbolic_weights",
           "holds_at", "MAX_ATOMS"]

#: Patterns grow as 2**atoms (pruned by feasibility); beyond this many atoms the predicate is refused.
MAX_ATOMS = 14


@dataclass(frozen=True)
class CollapsePredicate:
    """Per model, exactly when it collapses, and its limit elsewhere, inside :attr:`region`.

    Attributes
    ----------
    atoms : tuple of sympy.Expr
        Irreducible factors of the weights whose vanishing changes the support.
    predicates : tuple of sympy.Boolean
        ``True``/``False`` or a DNF over ``Eq``/``Ne`` of atoms, per model.
    limits : tuple
        ``Piecewise`` (or a single expression) valid where the model does not
        collapse; ``None`` if it always collapses.  A piece whose limit could
        not be put in closed form holds ``nan`` (see :attr:`notes`).
    patterns : int
        Number of support patterns that occur (feasible or undecided).
    region : Region
        The valid parameter region the predicates and limits hold on.
    witnesses : tuple of dict
        An exact point of each feasible pattern (in pattern order).
    undecided : tuple of dict
        Patterns (``{atom: vanishes}``) whose feasibility could not be decided;
        they are kept in the predicates.
    method : str
        How the patterns were decided.
    notes : tuple of str
    """

    atoms: tuple
    predicates: tuple
    limits: tuple
    patterns: int
    region: Region | None = None
    witnesses: tuple = ()
    undecided: tuple = ()
    method: str = ""
    notes: tuple = ()

    @property
    def region_text(self) -> str:
        """The valid region as a theorist writes it (intervals for one symbol)."""
        if self.region is None:
            return "true"
        if len(self.region.symbols) == 1:
            try:
                return " or ".join(str(i) for i in interval_region(self.region.constraints, self.region.symbols[0]))
            except (UnsupportedError, UndecidedError):
                pass
        return str(self.region)


def valid_region(graph: InteractionGraph, extra=()) -> Region:
    """The region of the graph's symbols where every weight lies in ``[0, 1]`` and sizes are positive.

    ``extra`` adds constraints (the estimator's, e.g. OLS counts ``≥ d + 2``).
    A process with dynamics adds those of every phase or mode graph, and its
    mode probabilities and transition entries lie in ``[0, 1]``.

    Examples
    --------
    >>> from graphcollapse.graph import from_dict
    >>> g = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 4, "real": "20*a - 10"}],
    ...                "edges": [{"from": "A", "to": "A", "weight": "11 - 20*a"}]})
    >>> print(*interval_region(valid_region(g).constraints, g.symbols[0]))
    1/2 <= a <= 11/20
    >>> s = from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 4, "real": 1}],
    ...                "schedule": {"period": [{"models": [{"id": "A", "real": "2*a"}],
    ...                                         "edges": [{"from": "A", "to": "A", "weight": "1 - 2*a"}]}]}})
    >>> print(*interval_region(valid_region(s).constraints, s.symbols[0]))
    0 <= a <= 1/2
    """
    constraints = []
    graphs = (graph, *graph.dynamics.graphs) if getattr(graph, "dynamics", None) is not None else (graph,)
    law = graph.dynamics.law if getattr(graph, "dynamics", None) is not None else ()
    for g in graphs:
        for value in (*g.weights, *g.real):
            if value.free_symbols:
                constraints += [(value, ">="), (1 - value, ">=")]
        for field, strict in (("n", True), ("n0", True), ("sigma2", True), ("n_real", False), ("edge_n", False)):
            for value in getattr(g, field) or ():
                if value is not None and value.free_symbols:
                    constraints.append((value, ">" if strict else ">="))
    for value in law:
        if value.free_symbols:
            constraints += [(value, ">="), (1 - value, ">=")]
    unique = list(dict.fromkeys(constraints + list(extra)))
    symbols = process_symbols(graph).union(*(expr.free_symbols for expr, _ in unique))
    return Region(tuple(sorted(symbols, key=lambda s: s.name)), unique)


def process_symbols(graph: InteractionGraph) -> set:
    """The declared symbols that occur in the graph, or in the phases, modes and mode law of its dynamics."""
    found = set(graph.free_symbols_all)
    if getattr(graph, "dynamics", None) is not None and graph.is_exact:
        for g in graph.dynamics.graphs:
            found |= g.free_symbols_all
        found |= graph.dynamics.free_symbols
    return found


def symbolic_weights(graph: InteractionGraph) -> list:
    """The weights (and real-data weights) with symbols that drive the process: the verdicts with symbols
    hold where none of them vanishes.

    For a process with dynamics: the weights of every phase or mode graph (the base graph's when the
    dynamics are memory only) and the mode probabilities and transition entries.
    """
    dynamics = getattr(graph, "dynamics", None)
    graphs = (dynamics.graphs or (graph,)) if dynamics is not None else (graph,)
    values = [w for g in graphs for w in (*g.weights, *g.real)] + list(dynamics.law if dynamics is not None else ())
    return list(dict.fromkeys(w for w in values if getattr(w, "free_symbols", None)))


def _atoms(weights, domain: NumberDomain) -> list[sympy.Expr]:
    out: list[sympy.Expr] = []
    for w in weights:
        if not w.free_symbols:
            continue
        _, factors = factor_irreducible(w, domain)
        for factor, multiplicity in factors:
            if multiplicity > 0 and factor.free_symbols and factor not in out:
                out.append(factor)
    return out


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


@guarded
def collapse_predicate(graph: InteractionGraph, estimator=None, *, with_limits: bool = True,
                       timeout: float = 10.0, generic_limits=None) -> CollapsePredicate:
    """The exact collapse predicate of every model over the graph's symbols.

    ``generic_limits`` (the limits on the generic support, where no symbolic
    weight vanishes) are reused when given, so the one parametric solve
    serves every pattern where it is valid.

    Raises
    ------
    InputError
        For float graphs, or when no assignment of the symbols keeps every
        weight in [0, 1].
    UnsupportedError
        For estimators with ``M ≠ I`` or diagonal rules (their verdict is
        spectral, not a support question), or more than :data:`MAX_ATOMS` atoms.
    """
    from graphcollapse.estimators import estimator_for

    if not graph.is_exact:
        raise InputError("the collapse predicate needs an exact graph")
    est = estimator_for(graph, estimator)
    rec = est.recurrence()
    if not (rec.is_kronecker and rec.is_identity_propagation):
        raise UnsupportedError(
            f"estimator {rec.family!r}: the collapse predicate over symbolic weights is available for M = I "
            "estimators; substitute the symbols and use the exact spectral verdict")
    weights = list(graph.weights) + list(graph.real)
    symbols = tuple(sorted(graph.free_symbols_all, key=lambda s: s.name))
    domain = NumberDomain.from_expressions([w for w in weights if w != 0], symbols)
    atoms = _atoms(weights, domain)
    if len(atoms) > MAX_ATOMS:
        raise UnsupportedError(f"the weights have {len(atoms)} distinct irreducible factors; the collapse predicate "
                               f"handles at most {MAX_ATOMS} (MAX_ATOMS)")
    region = valid_region(graph, est.constraints())
    whole = region.decide(timeout=timeout)
    if whole.infeasible:
        raise InputError(f"graph {graph.name!r}: no assignment of the symbols keeps every weight in [0, 1] "
                         f"and every size positive ({region})")
    weight_atoms = [[i for i, a in enumerate(atoms) if _divides(a, w, domain)] for w in weights]
    feasible, undecided, infeasible, methods = _patterns(region, atoms, timeout)
    E = graph.num_edges

    def verdict(pattern) -> np.ndarray:
        present = np.array([w != 0 and not any(pattern[i] for i in weight_atoms[e]) for e, w in enumerate(weights)],
                           dtype=bool)
        edges = present[:E]
        support = sp.csr_array((np.ones(int(edges.sum()), dtype=bool),
                                (graph.targets[edges], graph.sources[edges])), shape=(graph.K, graph.K))
        return collapsing_support(support, present[E:])

    occurring = [(p, w, verdict(p)) for p, w in feasible] + [(p, None, verdict(p)) for p in undecided]
    if not occurring:
        raise InputError(f"graph {graph.name!r}: no support pattern of the weights occurs in the valid region")
    variables = [sympy.Dummy(f"z{i}") for i in range(len(atoms))]
    predicates = []
    for k in range(graph.K):
        minterms = [list(p) for p, _, v in occurring if v[k]]
        predicates.append(_minimise(variables, minterms, infeasible, atoms))
    limits: list = [None] * graph.K
    notes: list[str] = []
    if with_limits:
        limits, notes = _limits_by_pattern(graph, estimator, atoms, variables, occurring, infeasible,
                                           generic_limits)
    if undecided:
        notes.append(f"{len(undecided)} support pattern(s) could not be decided feasible or not; they are kept "
                     "in the predicates (the verdict on each is exact)")
    method = "exact feasibility of every support pattern in the valid region (" + ", ".join(sorted(methods)) + ")"
    return CollapsePredicate(
        tuple(atoms), tuple(predicates), tuple(limits), len(occurring), region,
        tuple(w for _, w in feasible), tuple({atoms[i]: bool(z) for i, z in enumerate(p)} for p in undecided),
        method, tuple(notes))


def _divides(atom, weight, domain) -> bool:
    if not weight.free_symbols:
        return False
    _, factors = factor_irreducible(weight, domain)
    return any(f == atom and m > 0 for f, m in factors)


def _patterns(region: Region, atoms, timeout):
    """Depth-first enumeration of the vanishing patterns that occur in ``region``.

    Returns ``(feasible [(pattern, witness)], undecided [pattern], infeasible [pattern], methods)``;
    infeasible leaves include every completion of a pruned prefix (for "don't care").
    """
    feasible, undecided, infeasible, methods = [], [], [], set()
    n = len(atoms)

    def visit(prefix: tuple, constraints: tuple, known_undecided: bool):
        decision = decide(region.constraints + constraints, region.symbols, timeout=timeout)
        methods.add(decision.method or "trivial")
        if decision.infeasible:
            _complete(prefix, n, infeasible)
            return
        if len(prefix) == n:
            if decision.feasible and not known_undecided:
                feasible.append((prefix, decision.witness))
            else:
                undecided.append(prefix)
            return
        atom = atoms[len(prefix)]
        still = known_undecided or not decision.feasible
        visit(prefix + (0,), constraints + ((atom, "!="),), still)
        visit(prefix + (1,), constraints + ((atom, "=="),), still)

    visit((), (), False)
    return feasible, undecided, infeasible, methods


def _complete(prefix, n, out):
    if len(prefix) == n:
        out.append(list(prefix))
        return
    # Cap the don't-care list: beyond 2**10 completions the minimiser gains little.
    if n - len(prefix) > 10:
        out.append(list(prefix) + [0] * (n - len(prefix)))
        return
    _complete(prefix + (0,), n, out)
    _complete(prefix + (1,), n, out)


def _minimise(variables, minterms, dontcares, atoms) -> sympy.Boolean:
    if not minterms:
        return sympy.false
    if not variables:
        return sympy.true
    formula = SOPform(variables, minterms, [d for d in dontcares if d not in minterms])
    positive = {var: _condition(atom, True) for var, atom in zip(variables, atoms)}
    negative = {sympy.Not(var): _condition(atom, False) for var, atom in zip(variables, atoms)}

    def convert(node):
        if node in negative:
            return negative[node]
        if node in positive:
            return positive[node]
        if isinstance(node, (sympy.And, sympy.Or)):
            return type(node)(*[convert(arg) for arg in node.args])
        return node

    return convert(formula)


def holds_at(condition: sympy.Boolean, point: Mapping) -> bool:
    """Decide a predicate (``Eq``/``Ne``/``And``/``Or``/``Not`` of rational expressions) at an exact point.

    >>> a = sympy.Symbol("a", real=True)
    >>> holds_at(sympy.Eq(a, 0) | sympy.Ne(a, 1), {a: 1})
    False
    """
    if condition is sympy.true or condition is True:
        return True
    if condition is sympy.false or condition is False:
        return False
    if isinstance(condition, sympy.And):
        return all(holds_at(arg, point) for arg in condition.args)
    if isinstance(condition, sympy.Or):
        return any(holds_at(arg, point) for arg in condition.args)
    if isinstance(condition, sympy.Not):
        return not holds_at(condition.args[0], point)
    if isinstance(condition, (sympy.Eq, sympy.Ne)):
        difference = condition.lhs - condition.rhs
        domain = NumberDomain.from_expressions([difference], tuple(sorted(difference.free_symbols, key=str)))
        zero = domain.is_zero(domain.evaluate(difference, point))
        return zero if isinstance(condition, sympy.Eq) else not zero
    raise InputError(f"cannot decide the condition {condition}")


def _limits_by_pattern(graph, estimator, atoms, variables, occurring, infeasible, generic_limits=None):
    from graphcollapse.estimators import estimator_for
    from graphcollapse.solvers.limits import limits as solve_limits

    generic_pattern = tuple(0 for _ in atoms)
    generic_entry = next((o for o in occurring if o[0] == generic_pattern), None)
    top = Topology.of(graph)
    if generic_entry is None:
        generic_limits = None
    elif generic_limits is None:
        generic_limits = solve_limits(estimator_for(graph, estimator).recurrence(), topology=top,
                                      bounded=~generic_entry[2])
    cache: dict = {}
    notes: list[str] = []
    out = []
    for k in range(graph.K):
        pieces: dict = {}
        generic_upstream = top.upstream(k)
        generic = None if generic_limits is None else generic_limits[k]
        for pattern, _witness, collapse in occurring:
            if collapse[k]:
                continue
            if generic is not None and not collapse[generic_upstream].any():
                value = generic  # valid here by continuity (see the module notes)
            else:
                if pattern not in cache:
                    cache[pattern] = _pattern_limits(graph, estimator, atoms, pattern)
                solution, values = cache[pattern]
                if values is None:
                    value = sympy.nan
                    note = (f"the limit on the pattern where {_pattern_text(atoms, pattern)} is not in closed form "
                            "(its atoms are not linear in any symbol); substitute numbers to get it")
                    if note not in notes:
                        notes.append(note)
                else:
                    value = values[k]
                    if generic is not None and _agrees(generic, solution, value):
                        value = generic
            pieces.setdefault(value, []).append(list(pattern))
        if not pieces:
            out.append(None)
        elif len(pieces) == 1:
            out.append(next(iter(pieces)))
        else:
            args = [(value, _minimise(variables, mins, infeasible, atoms)) for value, mins in pieces.items()]
            # The conditions are disjoint on the valid region, so the order is free: make it canonical
            # (relabelling the models must not reorder the output).  Sorting by the conditions (small)
            # decides it; the values (large) are compared only if two conditions coincide.
            keys = [sympy.default_sort_key(c) for _, c in args]
            if len(set(keys)) == len(keys):
                args = [vc for _, vc in sorted(zip(keys, args), key=lambda kv: kv[0])]
            else:
                args.sort(key=lambda vc: (sympy.default_sort_key(vc[1]), sympy.default_sort_key(vc[0])))
            out.append(sympy.Piecewise(*args))
    return out, notes


def _pattern_text(atoms, pattern) -> str:
    return ", ".join(f"{a} = 0" for a, z in zip(atoms, pattern) if z) or "no atom vanishes"


def _pattern_limits(graph, estimator, atoms, pattern):
    """``(solution, limits)`` on the pattern: vanishing atoms solved for symbols they are linear in."""
    from graphcollapse.solvers.limits import limits as solve_limits
    from graphcollapse.estimators import estimator_for

    solution: dict = {}
    for atom, vanishes in zip(atoms, pattern):
        if not vanishes:
            continue
        # After earlier substitutions the atom is a rational function: it vanishes where its numerator does.
        atom = sympy.expand(sympy.fraction(sympy.cancel(atom.xreplace(solution)))[0])
        if not atom.free_symbols:
            continue
        symbol = next((s for s in sorted(atom.free_symbols, key=str) if sympy.Poly(atom, s).degree() == 1), None)
        if symbol is None:
            return solution, None
        poly = sympy.Poly(atom, symbol)
        value = sympy.cancel(-poly.nth(0) / poly.nth(1))
        solution = {s: sympy.cancel(v.xreplace({symbol: value})) for s, v in solution.items()}
        solution[symbol] = value
    sub = graph.subs({s.name: v for s, v in solution.items()})
    spec = graph.estimator if estimator is None else estimator
    return solution, solve_limits(estimator_for(sub, spec).recurrence())


def _agrees(generic, solution: Mapping, value) -> bool:
    """Does the generic formula, where defined on this pattern, give ``value``?"""
    if value is None or (isinstance(value, sympy.Expr) and value.has(sympy.nan)):
        return False
    fast = _agrees_flint(generic, solution, value)
    if fast is not None:
        return fast
    numerator, denominator = sympy.fraction(sympy.cancel(generic))
    symbols = tuple(sorted(generic.free_symbols | value.free_symbols | set(solution), key=str))
    domain = NumberDomain.from_expressions([numerator, denominator, value] + list(solution.values()), symbols)
    if domain.is_zero(denominator.xreplace(solution)):
        return False
    return domain.is_zero(generic.xreplace(solution) - value)


def _agrees_flint(generic, solution: Mapping, value):
    """:func:`_agrees` with flint polynomials (``None`` when it does not apply).

    Applies to rational functions over QQ and a solution whose values are
    polynomials: the generic formula is reduced to lowest terms and its
    numerator and denominator are composed with the solution, exactly.
    """
    from graphcollapse.numbers import flint as flint_switch
    from graphcollapse.numbers.polys import _to_flint_fraction, flint_context

    if not flint_switch.enabled() or not isinstance(generic, sympy.Expr) or not isinstance(value, sympy.Expr):
        return None
    images = [sympy.sympify(v) for v in solution.values()]  # safe: SymPy values or numbers, never text
    symbols = sorted(generic.free_symbols | value.free_symbols | set(solution)
                     | set().union(*(v.free_symbols for v in images)), key=str)
    if not symbols or not all(s.is_Symbol for s in symbols):
        return None
    ctx = flint_context(symbols)
    gens = dict(zip(symbols, ctx.gens()))
    parts = [_to_flint_fraction(x, gens, ctx) for x in (generic, value, *images)]
    if any(part is None for part in parts):
        return None
    (p, q), (vp, vq), *images = parts
    if any(not d.is_constant() for _, d in images):
        return None
    by_symbol = dict(zip(solution, (n / d for n, d in images)))
    substitution = [by_symbol.get(s, g) for s, g in gens.items()]
    g = p.gcd(q)
    p, q = p / g, q / g
    q_at = q.compose(*substitution)
    if q_at.is_zero():
        return False
    return (p.compose(*substitution) * vq - vp * q_at).is_zero()
