"""The second-moment recursion ``S(t) = 𝓛(S(t-1)) + D`` of an estimator family.

A :class:`Recurrence` is what every solver consumes.  Its state ``S`` is the
symmetric ``(K p) x (K p)`` matrix of error cross-moments, ``p`` the dimension
of one model's state block (1 for the isotropic families, whose state is the
scalar matrix ``m`` with ``E[e_k e_lᵀ] = m_kl I_d``).  The operator is

    𝓛(S) = (W ⊗ M) S (W ⊗ M)ᵀ,

except that a family may replace the diagonal entries (``p = 1`` only) by
``𝓛(S)_kk = tr(C_k S)`` with its own symmetric ``K x K`` matrix ``C_k``: the
exact finite-sample pooled-OLS operator has that form (docs/theory.md 3.2).  The
fresh noise ``D`` is block diagonal (samples are drawn independently for every
model), generation 0 is block diagonal too (independent fits on real data),
and the reported error of model ``k`` is ``E_k = tr(T S_kk)`` with the
family's ``trace_weight`` ``T`` (``T = d`` for the isotropic families).

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> from graphcollapse.estimators import recurrence
>>> g = from_dict({"models": [{"id": "A", "n": 10, "real": "1/2"}],
...                "edges": [{"from": "A", "to": "A", "weight": "1/2"}]})
>>> rec = recurrence(g)
>>> print(rec.equations()[0])
S_A,A(t+1) = S_A,A(t)/4 + 1/10
>>> rec.errors(rec.initial_state())
(1/10,)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
import sympy

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph
from graphcollapse.operator.moments import MomentRecursion

__all__ = ["Recurrence", "VechIndex", "rows_to_matrix"]


@dataclass(frozen=True)
class VechIndex:
    """Numbering of the independent entries ``S_xy, x <= y`` of a symmetric state.

    ``x = k p + a`` flattens model ``k`` and coordinate ``a`` of its block.
    Only the models in ``models`` (positions, sorted) take part.
    """

    models: tuple[int, ...]
    p: int

    @cached_property
    def flat(self) -> tuple[int, ...]:
        """Flattened coordinates ``k p + a`` of the models, in order."""
        return tuple(k * self.p + a for k in self.models for a in range(self.p))

    @cached_property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        flat = self.flat
        return tuple((flat[i], flat[j]) for i in range(len(flat)) for j in range(i, len(flat)))

    @cached_property
    def position(self) -> dict[tuple[int, int], int]:
        return {pair: i for i, pair in enumerate(self.pairs)}

    def __len__(self) -> int:
        return len(self.pairs)

    def of(self, x: int, y: int) -> int:
        """Index of ``S_xy`` (order of ``x``, ``y`` does not matter)."""
        return self.position[(x, y) if x <= y else (y, x)]


@dataclass(frozen=True, eq=False)
class Recurrence(MomentRecursion):
    """``S(t) = 𝓛(S(t-1)) + D`` with ``S(0)`` given and ``E_k(t) = tr(T S_kk(t))``.

    As a :class:`~graphcollapse.operator.moments.MomentRecursion` its unknowns
    are the entries ``S_xy`` (``x ≤ y`` flattened coordinates ``k p + a``),
    labelled ``(x, y)``, and each row is generated on demand from ``W``, ``M``
    and the diagonal rules.

    Attributes
    ----------
    graph : InteractionGraph
    family : str
        Name of the estimator family that produced it.
    W : sympy.ImmutableSparseMatrix or scipy.sparse.csr_array
        ``K x K`` interaction weights (exact graphs: SymPy; float graphs: float).
    M : sympy.ImmutableMatrix or numpy.ndarray
        ``p x p`` propagation matrix (identity for Fisher-consistent estimators).
    noise : tuple
        ``D_k`` per model, each ``p x p``.
    initial : tuple
        ``S_kk(0)`` per model, each ``p x p`` (generation 0 fits are independent).
    trace_weight : sympy.ImmutableMatrix or numpy.ndarray
        ``T`` with ``E_k = tr(T S_kk)``.
    diagonal_rules : tuple or None
        ``None`` for the Kronecker form; otherwise one entry per model, either
        ``None`` (use ``(W S Wᵀ)_kk``) or a symmetric ``K x K`` matrix ``C_k``
        with ``𝓛(S)_kk = tr(C_k S)`` (``p = 1`` only).
    asymptotic : bool
        True when the recursion is first-order asymptotic (fixed ``t``, ``n → ∞``).
    notes : tuple of str
        Statements every report must carry (e.g. the asymptotic caveat).
    prune_unrelated : bool
        Leave out of every row the entries ``S_xy`` of two models with no
        common upstream model (identically zero from a block-diagonal
        generation 0 under this graph alone).  A time-varying process applies
        one graph's rows to states another graph made, where such entries need
        not vanish: its phases and modes switch this off.
    """

    graph: InteractionGraph
    family: str
    W: Any
    M: Any
    noise: tuple
    initial: tuple
    trace_weight: Any
    diagonal_rules: tuple | None = None
    asymptotic: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    prune_unrelated: bool = True

    # ------------------------------------------------------------ shape
    @property
    def K(self) -> int:
        return self.graph.K

    @property
    def p(self) -> int:
        return int(self.M.shape[0])

    @property
    def exact(self) -> bool:
        return self.graph.is_exact

    @property
    def ids(self) -> tuple[str, ...]:
        return self.graph.ids

    @property
    def is_kronecker(self) -> bool:
        """True when ``𝓛(S) = (W ⊗ M) S (W ⊗ M)ᵀ`` exactly."""
        return self.diagonal_rules is None or all(rule is None for rule in self.diagonal_rules)

    @cached_property
    def is_identity_propagation(self) -> bool:
        """True when ``M = I`` (Fisher-consistent estimators)."""
        if self.exact:
            return sympy.Matrix(self.M) == sympy.eye(self.p)
        return bool(np.array_equal(np.asarray(self.M), np.eye(self.p)))

    @cached_property
    def symbols(self) -> set[sympy.Symbol]:
        """Free symbols of the whole recursion."""
        if not self.exact:
            return set()
        found = set(self.W.free_symbols) | set(sympy.Matrix(self.M).free_symbols)
        for block in (*self.noise, *self.initial):
            found |= block.free_symbols
        found |= sympy.Matrix(self.trace_weight).free_symbols
        for rule in self.diagonal_rules or ():
            if rule is not None:
                found |= rule.free_symbols
        return found

    # --------------------------------------------------------- dense forms
    @cached_property
    def propagation(self):
        """``A = W ⊗ M`` (exact: SymPy; float: scipy.sparse)."""
        if self.exact:
            if self.p == 1:
                return sympy.Matrix(self.W) * self.M[0, 0]
            return sympy.kronecker_product(sympy.Matrix(self.W), sympy.Matrix(self.M))
        return sp.csr_array(sp.kron(self.W, np.asarray(self.M, dtype=float)))

    def block_diagonal(self, blocks: Sequence) -> Any:
        """Assemble per-model ``p x p`` blocks into a ``(K p) x (K p)`` matrix."""
        if self.exact:
            return sympy.diag(*[sympy.Matrix(b) for b in blocks])
        return sp.block_diag([np.asarray(b, dtype=float) for b in blocks]).toarray()

    def initial_state(self):
        """``S(0)`` as a dense matrix."""
        return self.block_diagonal(self.initial)

    def noise_matrix(self):
        """``D`` as a dense matrix."""
        return self.block_diagonal(self.noise)

    def apply(self, S):
        """``𝓛(S)`` for a dense state ``S`` (SymPy or numpy)."""
        A = self.propagation
        if self.exact:
            S = sympy.Matrix(S)
            out = A * S * A.T
        else:
            S = np.asarray(S, dtype=float)
            out = A @ S @ A.T
            out = np.asarray(out)
        if not self.is_kronecker:
            for k, rule in enumerate(self.diagonal_rules):
                if rule is not None:
                    if self.exact:
                        terms = sympy.SparseMatrix(rule).todok().items()
                        out[k, k] = sympy.expand(sum((c * S[j, jj] for (j, jj), c in terms), sympy.Integer(0)))
                    else:
                        out[k, k] = float(np.sum(np.asarray(rule, dtype=float) * S))
        return out

    def step(self, S):
        """One generation: ``𝓛(S) + D``."""
        return self.apply(S) + self.noise_matrix()

    def errors(self, S) -> tuple:
        """``E_k = tr(T S_kk)`` for every model."""
        p = self.p
        T = self.trace_weight
        out = []
        for k in range(self.K):
            if self.exact:
                block = sympy.Matrix(S)[k * p:(k + 1) * p, k * p:(k + 1) * p]
                value = (sympy.Matrix(T) * block).trace()
                out.append(sympy.factor(value) if value.free_symbols else value)
            else:
                block = np.asarray(S)[k * p:(k + 1) * p, k * p:(k + 1) * p]
                out.append(float(np.trace(np.asarray(T, dtype=float) @ block)))
        return tuple(out)

    # ------------------------------------------- unknown by unknown (MomentRecursion)
    @cached_property
    def _propagation_rows(self) -> dict:
        """``{x: [(x', A_xx'), …]}`` for the nonzero entries of ``A = W ⊗ M``."""
        rows: dict = {}
        if self.exact:
            # Straight from the sparse W and the small M: the dense K p x K p matrix A is never formed.
            p = self.p
            M = sympy.Matrix(self.M)
            m_entries = [(a, b, M[a, b]) for a in range(p) for b in range(p) if M[a, b] != 0]
            W = self.W if hasattr(self.W, "todok") else sympy.SparseMatrix(self.W)
            for (k, j), w in sorted(W.todok().items()):
                if w == 0:
                    continue
                for a, b, m in m_entries:
                    value = w * m if m != 1 else w
                    if value != 0:
                        rows.setdefault(k * p + a, []).append((j * p + b, value))
            return rows
        A = sp.csr_array(self.propagation)
        for x in range(A.shape[0]):
            start, end = A.indptr[x], A.indptr[x + 1]
            if end > start:
                rows[x] = list(zip(A.indices[start:end].tolist(), A.data[start:end].tolist()))
        return rows

    @cached_property
    def _ancestry(self) -> list[int]:
        """Per model, a bit mask of the source components of the condensation upstream of it.

        Two models share an upstream model iff they share an upstream source
        component.  Where they share none, every entry ``S_xy`` between them
        is identically zero (generation 0 and the fresh noise are block
        diagonal, and ``𝓛`` only mixes entries of upstream models), so
        :meth:`row` omits it: the limits of a tree need its diagonal only.
        """
        from graphcollapse.topology import Topology

        top = Topology.of(self.graph)
        masks: list[int] = []
        bit = 0
        for preds in top.predecessors:
            if preds:
                mask = 0
                for q in preds:
                    mask |= masks[q]
            else:
                mask = 1 << bit
                bit += 1
            masks.append(mask)
        return [masks[c] for c in top.component_of.tolist()]

    @cached_property
    def _rule_rows(self) -> dict:
        """``{k: {(j, j'): c}}`` for the models with a diagonal rule ``S_kk = tr(C_k S)``."""
        out: dict = {}
        if self.is_kronecker:
            return out
        for k, rule in enumerate(self.diagonal_rules):
            if rule is None:
                continue
            items = sympy.SparseMatrix(rule).todok().items() if self.exact else \
                ((idx, value) for idx, value in np.ndenumerate(np.asarray(rule, dtype=float)))
            terms: dict = {}
            for (j, jj), value in items:
                if value != 0:
                    key = (int(j), int(jj)) if j <= jj else (int(jj), int(j))
                    terms[key] = terms.get(key, 0) + value
            out[k] = terms
        return out

    def row(self, unknown):
        x, y = unknown
        p = self.p
        if x == y and x // p in self._rule_rows:
            return self._rule_rows[x // p]
        rows = self._propagation_rows
        ancestry = self._ancestry if self.prune_unrelated else None
        out: dict = {}
        for xs, a in rows.get(x, ()):
            mask = ancestry[xs // p] if ancestry is not None else -1
            for ys, b in rows.get(y, ()):
                if ancestry is not None and not mask & ancestry[ys // p]:
                    continue  # no common upstream model: S_xs,ys is identically zero
                key = (xs, ys) if xs <= ys else (ys, xs)
                out[key] = out.get(key, 0) + a * b
        if self.exact:
            out = {key: sympy.expand(v) if v.free_symbols else v for key, v in out.items()}
            return {key: v for key, v in out.items() if v != 0}
        return {key: v for key, v in out.items() if v != 0.0}

    def constant(self, unknown):
        return self._block_entry(self.noise, unknown)

    def initial_value(self, unknown):
        return self._block_entry(self.initial, unknown)

    def _block_entry(self, blocks, unknown):
        x, y = unknown
        p = self.p
        if x // p != y // p:
            return sympy.Integer(0) if self.exact else 0.0
        block = blocks[x // p]
        value = block[x % p, y % p] if self.exact else np.asarray(block, dtype=float).reshape(p, p)[x % p, y % p]
        return value if self.exact else float(value)

    def observable(self, k, name="error"):
        if name != "error":
            raise InputError(f"{self.family}: no observable {name!r} (has error)")
        p = self.p
        T = self.trace_weight
        form: dict = {}
        for a in range(p):
            for b in range(p):
                weight = T[b, a]  # tr(T S) = Σ_ab T_ba S_ab
                if weight != 0:
                    key = (k * p + a, k * p + b) if a <= b else (k * p + b, k * p + a)
                    form[key] = form.get(key, 0) + weight
        return form

    # ------------------------------------------------------ vectorised form
    def vech_system(self, models: Sequence[int]):
        """𝓛 and ``D`` on the independent entries of ``S`` restricted to ``models``.

        ``models`` must be closed upstream (every source of a member is a
        member), so the restriction is an operator in its own right.

        Returns
        -------
        index : VechIndex
        rows : list of dict
            ``rows[i]`` maps unknown index to coefficient: ``𝓛(S)_i = Σ c S_j``.
        noise : list
            ``vech(D)`` restricted.
        initial : list
            ``vech(S(0))`` restricted.
        """
        index = VechIndex(tuple(sorted(int(m) for m in models)), self.p)
        flat = index.flat
        member = set(flat)
        A = self.propagation
        if self.exact:
            A = sympy.SparseMatrix(A)
            nonzero = {}
            for (x, y), value in A.todok().items():
                if value != 0:
                    nonzero.setdefault(x, []).append((y, value))
        else:
            A = sp.csr_array(A)
            nonzero = {x: list(zip(A.indices[A.indptr[x]:A.indptr[x + 1]].tolist(),
                                   A.data[A.indptr[x]:A.indptr[x + 1]].tolist())) for x in flat}
        rows: list[dict] = []
        zero = sympy.Integer(0) if self.exact else 0.0
        p = self.p
        for x, y in index.pairs:
            row: dict[int, Any] = {}
            k = x // p
            rule = None if self.is_kronecker or x != y else self.diagonal_rules[k]
            if rule is not None:
                R = rule if not self.exact else sympy.SparseMatrix(rule)
                items = R.todok().items() if self.exact else zip(zip(*np.nonzero(np.asarray(rule))),
                                                                  np.asarray(rule)[np.nonzero(np.asarray(rule))])
                for (j, jj), value in items:
                    if value == 0:
                        continue
                    idx = index.of(int(j), int(jj))
                    row[idx] = row.get(idx, zero) + value
            else:
                for xs, a in nonzero.get(x, []):
                    if xs not in member:
                        raise ValueError("vech_system needs an upstream-closed set of models")
                    for ys, b in nonzero.get(y, []):
                        idx = index.of(xs, ys)
                        row[idx] = row.get(idx, zero) + a * b
            if self.exact:
                row = {i: sympy.expand(v) if v.free_symbols else v for i, v in row.items()}
                row = {i: v for i, v in row.items() if v != 0}
            rows.append(row)
        D = self.noise_matrix()
        S0 = self.initial_state()
        noise = [D[x, y] for x, y in index.pairs]
        initial = [S0[x, y] for x, y in index.pairs]
        return index, rows, noise, initial

    def vech_trace(self, index: VechIndex) -> dict[int, dict[int, Any]]:
        """``E_k`` as a linear form on the unknowns: ``{k: {unknown: weight}}``."""
        p = self.p
        T = self.trace_weight
        out: dict[int, dict[int, Any]] = {}
        for k in index.models:
            form: dict[int, Any] = {}
            for a in range(p):
                for b in range(p):
                    weight = T[b, a]  # tr(T S) = Σ_ab T_ba S_ab
                    if weight != 0:
                        idx = index.of(k * p + a, k * p + b)
                        form[idx] = form.get(idx, 0) + weight
            out[k] = form
        return out

    # -------------------------------------------------------- presentation
    def equation_system(self, latex: bool = False) -> list[tuple[sympy.Symbol, sympy.Expr]]:
        """``(S_kl(t+1), right-hand side)`` for every independent entry (exact recursions).

        With ``latex=True`` the entry symbols carry LaTeX-ready names.
        """
        if not self.exact:
            raise ValueError("equations are available for exact recursions")
        ids = self.ids
        p = self.p
        index, rows, noise, _ = self.vech_system(range(self.K))

        def name(x: int, y: int, when: str) -> sympy.Symbol:
            k, a = divmod(x, p)
            l, b = divmod(y, p)
            suffix = "" if p == 1 else f"[{a + 1},{b + 1}]"
            if latex:
                sub = f"{_tex(ids[k])}{_tex(ids[l])}" if p == 1 else f"{_tex(ids[k])}{_tex(ids[l])},{a + 1}{b + 1}"
                return sympy.Symbol(f"S_{{{sub}}}({when})")
            return sympy.Symbol(f"S_{ids[k]},{ids[l]}{suffix}({when})")

        now = [name(x, y, "t") for x, y in index.pairs]
        out = []
        for i, (x, y) in enumerate(index.pairs):
            rhs = sum((c * now[j] for j, c in rows[i].items()), sympy.Integer(0)) + noise[i]
            out.append((name(x, y, "t+1"), rhs))
        return out

    def equations(self) -> list[str]:
        """One readable equation per entry ``S_kl(t+1) = …`` (exact recursions)."""
        return [f"{lhs} = {rhs}" for lhs, rhs in self.equation_system()]

    def with_notes(self, *notes: str) -> "Recurrence":
        return replace(self, notes=self.notes + tuple(notes))


def rows_to_matrix(rows: Sequence[dict], size: int) -> sympy.Matrix:
    """The exact ``size x size`` matrix of the ``rows`` that :meth:`Recurrence.vech_system` returns."""
    matrix = sympy.zeros(size, size)
    for u, row in enumerate(rows):
        for v, coef in row.items():
            matrix[u, v] = coef
    return matrix


def _tex(model_id: str) -> str:
    return model_id.replace("_", r"\_")
