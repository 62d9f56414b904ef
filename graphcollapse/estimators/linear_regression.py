"""``linear_regression(d, σ², Σ_x)``: OLS with a fresh Gaussian design, exact for every n.

docs/theory.md 3.2.  In whitened coordinates every second moment is isotropic,
``E[e_k e_lᵀ] = m_kl I_d``, so the state is the scalar ``K x K`` matrix
``m`` and the error is the excess test risk ``E_k = E‖β̂_k − β*‖²_{Σx} =
d m_kk``.  The design covariance ``Σ_x`` changes only the norm in which the
error is measured, never its value in that norm, so it is accepted (and
validated) but does not enter any formula.

* generation 0: ``m_kk = σ² / (n0_k − d − 1)``;
* weighted (deterministic weights, the operator is exactly ``W m Wᵀ``):
  ``D_k = r_k² σ²/(n_real_k − d − 1) + Σ_j w_kj² σ_j²/(n_kj − d − 1)``;
* pooled: off-diagonal entries follow ``W m Wᵀ``; the diagonal follows
  ``m'_kk = Σ_{j,j'} c_jj' m_jj' + (r_k σ² + Σ_j w_kj σ_j²)/(n − d − 1)``
  with the finite-sample coefficients :func:`pooled_coefficients` — not of
  the form ``W m Wᵀ`` (``c_jj'`` can be negative), which is why small
  samples can make the error grow geometrically with real data present.

Every sample count that feeds an OLS fit must be at least ``d + 2``; below
that the expected risk is infinite and the input is rejected.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n_real": 1, "n0": 8}],
...                "edges": [{"from": "A", "to": "A", "n": 7}]})
>>> rec = LinearRegression({"d": 6, "sigma2": 1}, g).recurrence()
>>> rec.diagonal_rules[0][0, 0], rec.noise[0][0, 0], rec.initial[0][0, 0]
(27/20, 1, 1)
"""

from __future__ import annotations

import sympy

from graphcollapse.errors import InputError
from graphcollapse.numbers.parse import to_exact
from graphcollapse.operator.recurrence import Recurrence
from graphcollapse.estimators.base import Estimator, register

__all__ = ["LinearRegression", "pooled_coefficients"]


def pooled_coefficients(n, d, counts):
    """The pooled-OLS coefficients ``c_jj'`` for one fit on ``n`` samples.

    Parameters
    ----------
    n : total sample count of the fit (``≥ d + 2``).
    d : dimension.
    counts : sequence
        ``n_j`` per model source (real data is not a source here: ``e_R = 0``).

    Returns
    -------
    sympy.Matrix
        Symmetric, ``c_jj = (n_j a + n_j(n_j−1) b)/d`` on the diagonal and
        ``c_jj' = n_j n_j' b/d`` off it, with
        ``a = d(d+2)(n−2)/(n(n+2)(n−d−1))`` and ``b = (d − n a)/(n(n−1))``.

    Examples
    --------
    >>> pooled_coefficients(12, 6, [6])
    Matrix([[83/154]])
    >>> pooled_coefficients(12, 6, [6, 6])[0, 1]  # negative: not of the form w_j w_j'
    -3/77
    """
    n, d = sympy.sympify(n), sympy.sympify(d)  # safe: numbers, not text
    a = d * (d + 2) * (n - 2) / (n * (n + 2) * (n - d - 1))
    b = (d - n * a) / (n * (n - 1))
    m = len(counts)
    C = sympy.zeros(m, m)
    for i, ni in enumerate(counts):
        for j, nj in enumerate(counts):
            value = (ni * a + ni * (ni - 1) * b) / d if i == j else ni * nj * b / d
            C[i, j] = sympy.cancel(value) if getattr(value, "free_symbols", None) else value
    return C


@register
class LinearRegression(Estimator):
    """Ordinary least squares with a fresh Gaussian design (docs/theory.md 3.2)."""

    name = "linear_regression"
    keys = frozenset({"d", "sigma2", "design_covariance"})
    kernel = "linear_regression:OLSKernel"

    def parse(self):
        d = self.dimension()
        self._check_design(d)
        return {"d": d, "sigma2": self.positive("sigma2", 1)}

    def error_dof(self) -> float:
        """``d``: given the designs the error is Gaussian in ``d`` dimensions; random designs only lower it."""
        d = self.parameters["d"]
        return 1.0 if d.free_symbols else float(d)

    def moment_problem(self) -> str | None:
        """Fits on at most ``d + 3`` samples: the squared error has infinite variance (inverse-Wishart moments).

        Its mean is finite from ``d + 2`` samples, its variance only from
        ``d + 4``; the cross-check compares means with their spread, which then
        does not exist.
        """
        g, d = self.graph, self.parameters["d"]
        if d.free_symbols or not g.is_exact:
            return None
        counts = []   # (count, where)
        for k, label in enumerate(g.ids):
            counts.append((g.n0[k] if g.n0 else None, f"model {label!r} n0"))
            if g.mixing == "pooled":
                counts.append((g.n[k] if g.n else None, f"model {label!r} n"))
            else:
                if g.real[k] != 0:
                    counts.append((g.n_real[k] if g.n_real else None, f"model {label!r} n_real"))
                for j, k2, w, c in zip(g.sources.tolist(), g.targets.tolist(), g.weights,
                                       g.edge_n or [None] * g.num_edges):
                    if k2 == k and w != 0:
                        counts.append((c, f"edge {g.ids[j]!r} -> {label!r} n"))
        for count, where in counts:
            if count is not None and not count.free_symbols and count < d + 4:
                return (f"{where}: OLS on {count} samples with d = {d}: the squared error has infinite variance "
                        f"below d + 4 = {d + 4} samples, so the cross-check's tests do not apply; use at least "
                        f"{d + 4} samples per fit")
        return None

    def _check_design(self, d) -> None:
        raw = self.spec.get("design_covariance")
        if raw is None or raw == "identity":
            return
        if not isinstance(raw, list) or not all(isinstance(r, list) for r in raw):
            raise InputError(
                f"estimator {self.name!r}: design_covariance must be \"identity\" or a d x d list of lists")
        symbols = {s.name: s for s in self.graph.symbols}
        matrix = sympy.Matrix([[to_exact(x, symbols, where=f"estimator {self.name!r} design_covariance")
                                for x in row] for row in raw])
        if not d.free_symbols and matrix.shape != (int(d), int(d)):
            raise InputError(f"estimator {self.name!r}: design_covariance must be {d} x {d}, "
                                     f"got {matrix.rows} x {matrix.cols}")
        if matrix != matrix.T or (not matrix.free_symbols and not matrix.is_positive_definite):
            raise InputError(f"estimator {self.name!r}: design_covariance must be symmetric positive definite")

    def constraints(self):
        """Positive parameters, and every symbolic count that feeds an OLS fit at least ``d + 2``."""
        d = self.parameters["d"]
        self.recurrence()  # records the counts the fits use
        return super().constraints() + [(count - d - 2, ">=") for count in dict.fromkeys(self._symbolic_counts)]

    def _count(self, value, d, where: str):
        """A sample count that feeds an OLS fit: it must be at least d + 2."""
        if value is None:
            raise InputError(f"{where}: {self.name} needs this sample count")
        if (value - d - 2).free_symbols:
            self.__dict__.setdefault("_symbolic_counts", []).append(value)
        if not (value - d - 2).free_symbols and value - d - 2 < 0:
            raise InputError(
                f"{where}: {value} samples for an OLS fit in d = {d}; at least d + 2 = {d + 2} are needed "
                f"(the expected risk is infinite below that)")
        return value

    _symbolic_counts: list = []

    def recurrence(self) -> Recurrence:
        g = self.graph
        self._symbolic_counts = []
        if not g.is_exact:
            raise InputError(f"graph {g.name!r}: {self.name} needs an exact graph (rational weights, counts)")
        d, sigma2 = self.parameters["d"], self.parameters["sigma2"]
        K = g.K
        noise_of = [g.sigma2[k] if g.sigma2 and g.sigma2[k] is not None else sigma2 for k in range(K)]
        incoming: list[list[tuple[int, sympy.Expr, sympy.Expr | None]]] = [[] for _ in range(K)]
        counts = g.edge_n or [None] * len(g.weights)
        for j, k, w, count in zip(g.sources.tolist(), g.targets.tolist(), g.weights, counts):
            if w != 0:
                incoming[k].append((j, w, count))
        noise, initial, rules = [], [], []
        for k, label in enumerate(g.ids):
            n0 = self._count(self.model_value(g.n0, k, "n0", what="generation-0 real samples"), d,
                             f"model {label!r} n0")
            initial.append(_scalar(_simplify(sigma2 / (n0 - d - 1))))
            if g.mixing == "pooled":
                n = self._count(self.model_value(g.n, k, "n", what="samples per generation"), d, f"model {label!r} n")
                D = (g.real[k] * sigma2 + sum((w * noise_of[j] for j, w, _ in incoming[k]), sympy.Integer(0))) \
                    / (n - d - 1)
                counts = [w * n for _, w, _ in incoming[k]]
                C = pooled_coefficients(n, d, counts)
                rule = sympy.zeros(K, K)
                for a, (j, _, _) in enumerate(incoming[k]):
                    for b, (jj, _, _) in enumerate(incoming[k]):
                        rule[j, jj] += C[a, b]
                rules.append(sympy.ImmutableMatrix(rule))
            else:
                D = sympy.Integer(0)
                if g.real[k] != 0:
                    n_real = self._count(self.model_value(g.n_real, k, "n_real", what="real samples per generation"),
                                         d, f"model {label!r} n_real")
                    D += g.real[k] ** 2 * sigma2 / (n_real - d - 1)
                for j, w, count in incoming[k]:
                    count = self._count(count, d, f"edge {g.ids[j]!r} -> {label!r} n")
                    D += w**2 * noise_of[j] / (count - d - 1)
            noise.append(_scalar(_simplify(D)))
        notes = ("exact finite-sample excess risk E||beta_hat - beta*||^2_{Sigma_x} = d m_kk; "
                 "the design covariance changes only the norm",)
        return Recurrence(graph=g, family=self.name, W=g.weight_matrix(), M=sympy.ImmutableMatrix([[1]]),
                          noise=tuple(noise), initial=tuple(initial), trace_weight=sympy.ImmutableMatrix([[d]]),
                          diagonal_rules=tuple(rules) if g.mixing == "pooled" else None, notes=notes)


def _simplify(value):
    return sympy.factor(sympy.cancel(value)) if getattr(value, "free_symbols", None) else value


def _scalar(value) -> sympy.ImmutableMatrix:
    return sympy.ImmutableMatrix([[value]])
