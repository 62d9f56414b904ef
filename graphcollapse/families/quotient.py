"""The orbit quotient of the second-moment recursion of a block family, exactly in a symbolic ``K``.

Permuting the models inside every block of a :class:`~.structures.Blocks`
partition preserves weights, real data, sizes and noise, so it maps the
solution ``S`` of ``S = 𝓛(S) + D`` to itself: ``S_kl`` depends only on the
*orbit* of the pair ``(k, l)``.  The orbits are

* ``("diag", b)``: ``k = l`` in block ``b``;
* ``("off", b)``: ``k ≠ l``, both in block ``b`` (symmetric: the
  transposition of ``k`` and ``l`` is an automorphism);
* ``("cross", b, c)``, ``b < c``: ``k`` in ``b``, ``l`` in ``c``
  (``S_lk = S_klᵀ``),

a number that does not depend on ``K``.  The recursion for one
representative pair ``(k, l)`` is written by splitting all models into
*atoms* — ``{k}``, ``{l}`` and the rest ``R_β`` of every block — and
counting the source pairs of each orbit: ``|R_β| = N_β − [k ∈ β] − [l ∈ β]``
pairs with one end in a singleton, ``|R_β| |R_β'|`` between two rests,
``|R_β|`` diagonal and ``|R_β|(|R_β| − 1)`` off-diagonal pairs inside one
rest.  Every count and weight is an expression in ``K``, so the quotient
system ``x = A(K) x + d(K)`` is exact in ``K``; its solution gives the
limits, and ``lim_{z→1} (1 − z) (I − z A)⁻¹ d`` the linear growth rates.

For a model's own diagonal entry, estimators with diagonal rules (pooled
OLS) replace ``W_kj W_kj'`` by their rule coefficient of the same pair of
source atoms (:mod:`.probe`).

Examples
--------
>>> from graphcollapse.families import K, family
>>> f = family("complete", real="a", n="n", self_loops=True)
>>> q = Quotient.of(f.structure)
>>> q.orbits
(('diag', 0), ('off', 0))
>>> a, n = sorted(f.rule.symbols, key=str)
>>> L = q.limits([0])[0]          # the issue's formula, as an identity of rational functions
>>> is_zero(L - (1 + (1 - a)**2 / (K * (1 - (1 - a)**2))) / n)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import sympy

from graphcollapse.errors import InternalConsistencyError, SingularSystemError
from graphcollapse.families.probe import Model, Source, Target, local_recursion
from graphcollapse.families.rules import K
from graphcollapse.families.structures import Blocks
from graphcollapse.linalg.exact_solve import solve_exact
from graphcollapse.numbers.domain import is_zero

__all__ = ["Quotient", "block_targets", "polynomial_rows"]

_Z = sympy.Symbol("z")


def polynomial_rows(M: sympy.Matrix, B: sympy.Matrix) -> tuple[sympy.Matrix, sympy.Matrix]:
    """``M X = B`` with every row scaled to polynomial entries (cancelled, then expanded).

    :func:`~graphcollapse.linalg.exact_solve.solve_exact` expects rational
    functions; handing it polynomial rows keeps its denominator clearing trivial.
    """
    M, B = M.applyfunc(sympy.cancel), B.applyfunc(sympy.cancel)
    for i in range(M.rows):
        scale = sympy.lcm_list([sympy.fraction(x)[1] for x in (*M.row(i), *B.row(i))])
        if scale != 1:
            M[i, :] = M.row(i).applyfunc(lambda x: sympy.expand(sympy.cancel(x * scale)))
            B[i, :] = B.row(i).applyfunc(lambda x: sympy.expand(sympy.cancel(x * scale)))
    return M, B


def block_targets(blocks: Blocks) -> list[Target]:
    """One representative model per block, with its sources by block (for :func:`~.probe.local_recursion`)."""
    model = Model.of(blocks.rule)
    out = []
    for b in range(len(blocks.labels)):
        r, s, w = blocks.weights(b)
        sources = tuple(Source(beta, w, sympy.expand(blocks.sizes[beta] - (1 if beta == b else 0)), None, model)
                        for beta in range(len(blocks.labels))
                        if (b, beta) in blocks.edges and blocks.sizes[beta] - (1 if beta == b else 0) != 0)
        out.append(Target(b, model, r, s, sources))
    return out


def _single(size) -> bool:
    """A block that has one model at every size (no off-diagonal orbit)."""
    return sympy.expand(size - 1) == 0


@dataclass(frozen=True)
class _Atom:
    name: object  # "k", "l" or ("rest", beta)
    block: int
    size: sympy.Expr
    wk: sympy.Expr  # weight of one member of the atom in row k
    wl: sympy.Expr  # ... in row l


class Quotient:
    """The quotient system ``x = A x + d`` of a block family (see the module docstring)."""

    def __init__(self, blocks: Blocks, local):
        self.blocks = blocks
        self.local = local
        B = len(blocks.labels)
        orbits = []
        for b in range(B):
            orbits.append(("diag", b))
            if not _single(blocks.sizes[b]):
                orbits.append(("off", b))
        orbits += [("cross", b, c) for b in range(B) for c in range(b + 1, B)]
        self.orbits = tuple(orbits)
        p = local.p
        self.unknown = {}
        for orbit in self.orbits:
            tag = "_".join(str(x) for x in orbit)
            if orbit[0] == "cross":
                self.unknown[orbit] = sympy.Matrix(p, p, lambda a, c: sympy.Symbol(f"x_{tag}_{a}{c}"))
            else:
                self.unknown[orbit] = sympy.Matrix(p, p, lambda a, c: sympy.Symbol(f"x_{tag}_{min(a, c)}{max(a, c)}"))

    @classmethod
    def of(cls, blocks: Blocks) -> "Quotient":
        """The quotient with the estimator's local recursion of every block."""
        return cls(blocks, local_recursion(blocks.rule, block_targets(blocks)))

    # ----------------------------------------------------------- equations
    def _oriented(self, beta: int, gamma: int, same: bool) -> sympy.Matrix:
        if same:
            return self.unknown[("diag", beta)]
        if beta == gamma:
            return self.unknown[("off", beta)]
        if beta < gamma:
            return self.unknown[("cross", beta, gamma)]
        return self.unknown[("cross", gamma, beta)].T

    def _atoms(self, orbit) -> list[_Atom]:
        blocks = self.blocks
        kind, b = orbit[0], orbit[1]
        c = orbit[2] if kind == "cross" else b
        s_b, s_c = blocks.weights(b)[1], blocks.weights(c)[1]
        atoms = []
        if kind == "diag":
            atoms.append(_Atom("k", b, sympy.Integer(1), s_b, s_b))
        else:
            atoms.append(_Atom("k", b, sympy.Integer(1), s_b, blocks.weight(c, b)))
            atoms.append(_Atom("l", c, sympy.Integer(1), blocks.weight(b, c), s_c))
        for beta, size in enumerate(blocks.sizes):
            rest = size - (1 if beta == b else 0) - (1 if kind != "diag" and beta == c else 0)
            rest = sympy.expand(rest)
            if rest != 0:
                atoms.append(_Atom(("rest", beta), beta, rest, blocks.weight(b, beta), blocks.weight(c, beta)))
        return atoms

    def _coefficient(self, orbit, A: _Atom, B: _Atom, same: bool):
        """The weight of one source pair ``(j ∈ A, j' ∈ B)`` in ``𝓛(S)_kl``."""
        rule = self.local.rules.get(orbit[1]) if orbit[0] == "diag" else None
        if rule is None:
            return A.wk * B.wl
        key = "self" if A.name == "k" else A.name[1]
        other = "self" if B.name == "k" else B.name[1]
        return rule.get((key, other, "same" if same else "distinct"), sympy.Integer(0))

    def rhs(self, orbit) -> sympy.Matrix:
        """``𝓛(S)_kl`` for the representative pair of ``orbit``, in the unknowns."""
        M = self.local.M
        out = sympy.zeros(self.local.p, self.local.p)
        atoms = self._atoms(orbit)
        for A in atoms:
            for B in atoms:
                if A is B:
                    terms = [(1, True)] if not isinstance(A.name, tuple) else \
                        [(A.size, True), (A.size * (A.size - 1), False)]
                else:
                    terms = [(A.size * B.size, False)]
                for count, same in terms:
                    if sympy.expand(count) == 0:
                        continue
                    coef = self._coefficient(orbit, A, B, same)
                    if coef == 0:
                        continue
                    out += count * coef * (M * self._oriented(A.block, B.block, same) * M.T)
        return out

    def _entries(self, orbit) -> list[tuple[int, int]]:
        p = self.local.p
        if orbit[0] == "cross":
            return [(a, c) for a in range(p) for c in range(p)]
        return [(a, c) for a in range(p) for c in range(a, p)]

    @cached_property
    def system(self):
        """``(unknowns, A, d, x0)``: ``x = A x + d``, ``x(0) = x0``, in the orbit order."""
        unknowns, rows, noise, initial = [], [], [], []
        for orbit in self.orbits:
            rhs = self.rhs(orbit)
            X = self.unknown[orbit]
            b = orbit[1]
            for a, c in self._entries(orbit):
                unknowns.append(X[a, c])
                rows.append(sympy.expand(rhs[a, c]))
                diag = orbit[0] == "diag"
                noise.append(self.local.noise[b][a, c] if diag else sympy.Integer(0))
                initial.append(self.local.initial[b][a, c] if diag else sympy.Integer(0))
        A = sympy.Matrix([[sympy.cancel(row.coeff(u)) for u in unknowns] for row in rows])
        residual = sympy.Matrix(rows) - A * sympy.Matrix(unknowns)
        if any(sympy.cancel(r) != 0 for r in residual):
            raise InternalConsistencyError("the quotient recursion is not linear in its unknowns")
        return unknowns, A, sympy.Matrix(noise), sympy.Matrix(initial)

    def trace_form(self, b: int) -> sympy.Matrix:
        """Row vector ``t`` with ``E_k = t x`` for the models ``k`` of block ``b``."""
        unknowns = self.system[0]
        X, T = self.unknown[("diag", b)], self.local.trace_weight
        form = sympy.expand((T * X).trace())
        return sympy.Matrix([[form.coeff(u) for u in unknowns]])

    # ------------------------------------------------------------- answers
    def restricted(self, keep: Sequence[int]):
        """The system on the orbits whose blocks are all in ``keep`` (an upstream-closed set of blocks)."""
        keep = set(keep)
        unknowns, A, d, x0 = self.system
        chosen = [i for i, u in enumerate(unknowns) if set(self._orbit_of(u)[1:]) <= keep]
        others = [i for i in range(len(unknowns)) if i not in chosen]
        for i in chosen:
            for j in others:
                if not is_zero(A[i, j]):
                    raise InternalConsistencyError("the bounded blocks are not closed under the quotient recursion")
        return chosen, A.extract(chosen, chosen), d.extract(chosen, [0]), x0.extract(chosen, [0])

    def _orbit_of(self, unknown) -> tuple:
        for orbit, X in self.unknown.items():
            if unknown in X:
                return orbit
        raise InternalConsistencyError(f"unknown {unknown} belongs to no orbit")

    def limits(self, bounded: Sequence[int]) -> dict[int, sympy.Expr]:
        """``L_b`` for every block in ``bounded`` (an upstream-closed set of non-collapsing blocks)."""
        if not bounded:
            return {}
        chosen, A, d, _ = self.restricted(bounded)
        n = len(chosen)
        try:
            x = solve_exact(*polynomial_rows(sympy.eye(n) - A, d))
        except SingularSystemError as err:
            raise InternalConsistencyError(f"the quotient limit equation is singular: {err}") from None
        out = {}
        for b in bounded:
            t = self.trace_form(b)
            out[b] = sympy.cancel(sum((t[0, i] * x[pos] for pos, i in enumerate(chosen)), sympy.Integer(0)))
        return out

    def slopes(self, blocks: Sequence[int]) -> dict[int, sympy.Expr]:
        """``c_b = lim_{z→1} (1 − z) t (I − zA)⁻¹ d``: the linear growth rate of each block (``oo``: faster)."""
        if not blocks:
            return {}
        unknowns, A, d, _ = self.system
        y = solve_exact(*polynomial_rows(sympy.eye(len(unknowns)) - _Z * A, d))
        out = {}
        for b in blocks:
            t = self.trace_form(b)
            value = sympy.cancel((1 - _Z) * (t * y)[0, 0])
            num, den = sympy.fraction(value)
            if is_zero(den.xreplace({_Z: 1})):
                out[b] = sympy.oo
            else:
                out[b] = sympy.cancel(num.xreplace({_Z: 1}) / den.xreplace({_Z: 1}))
        return out

    def slope_exceptions(self, start: int) -> list[int]:
        """Integer sizes ``K ≥ start`` where the eigenvalue 1 of ``A(K)`` gains multiplicity.

        The growth rate ``lim_{z→1} (1 − z) t (I − zA)⁻¹ d`` computed with ``K``
        symbolic specialises correctly at every ``K`` where the multiplicity
        of the eigenvalue 1 is the generic one; it can jump only at the
        integer roots of ``g(1; K)``, ``χ(z) = (z − 1)^m g(z)``, for every
        value of the other symbols (a common root of all coefficients).
        """
        A = self.system[1]
        chi = sympy.Poly(A.charpoly(_Z).as_expr(), _Z)
        while True:
            quotient, remainder = sympy.div(chi, sympy.Poly(_Z - 1, _Z))
            if not all(is_zero(c) for c in remainder.all_coeffs()):
                break
            chi = quotient
        value = sympy.cancel(chi.as_expr().xreplace({_Z: 1}))
        num = sympy.fraction(value)[0]
        others = sorted(num.free_symbols - {K}, key=str)
        coefficients = sympy.Poly(num, *others).coeffs() if others else [num]
        common = sympy.gcd_list([sympy.expand(c) for c in coefficients])
        if not common.has(K):
            return []
        roots = []
        for factor, _ in sympy.factor_list(common, K)[1]:
            poly = sympy.Poly(factor, K)
            if poly.degree() == 1:
                root = -poly.nth(0) / poly.nth(1)
                if root.is_Integer and root >= start:
                    roots.append(int(root))
        return sorted(roots)

