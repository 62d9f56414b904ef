"""An M-estimator family in numbers: its log-density and loss as vectorised numpy functions.

The family's symbolic model (log-density, parameters, variable, support and
optional loss; see :mod:`graphcollapse.estimators.m_estimators`) is turned into
numpy functions with :func:`sympy.lambdify`.  Nothing here reads text: the
expressions were built by the safe parser, and ``dummify=True`` replaces every
name in the generated code by a fresh dummy, so parameter names (even
``lambda``) never reach Python source.  ``log(factorial(x))`` is rewritten as
``loggamma(x + 1)`` so that large counts do not overflow.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"estimator": {"family": "poisson", "theta": {"lambda": 3}},
...                "models": [{"id": "A", "n": 10, "real": 1}], "edges": []})
>>> model = compile_family(g)
>>> model.names, model.truth.tolist(), model.support
(('lambda',), [3.0], ('integers', 0.0, inf))
>>> float(np.exp(model.logpdf(np.array([0.0]), np.array([[3.0]])))[0])    # e^-3
0.049787068367863944
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph

__all__ = ["CompiledFamily", "compile_family"]


@dataclass(frozen=True, eq=False)
class CompiledFamily:
    """Numpy versions of a family's log-density and loss.

    Parameter arrays ``theta`` have shape ``(rows, p)``; sample arrays ``x``
    have shape ``(rows, ...)``, and the parameters of row ``r`` apply to every
    sample of that row.

    Attributes
    ----------
    name : str
        The family, for messages.
    names : tuple of str
        Parameter names, in the order of ``theta``'s last axis.
    truth : numpy.ndarray, shape (p,)
        The true parameter ``θ*``.
    support : tuple
        ``("values", array)``, ``("integers", lo, inf)`` or ``("interval", lo, hi)``, in floats.
    """

    name: str
    names: tuple[str, ...]
    truth: np.ndarray
    support: tuple
    _logpdf: Callable
    _loss_derivatives: Callable

    @property
    def p(self) -> int:
        return len(self.names)

    def logpdf(self, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``log f(x; θ)`` (``-inf`` where the density is zero; ``nan`` outside the parameter space)."""
        with np.errstate(all="ignore"):
            return np.broadcast_to(self._logpdf(x, *_columns(theta, x.ndim)), x.shape)

    def loss(self, x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The loss, its gradient and its Hessian in ``θ``, per sample.

        Returns arrays of shapes ``x.shape``, ``x.shape + (p,)`` and ``x.shape + (p, p)``.
        """
        p = self.p
        with np.errstate(all="ignore"):
            values = [np.broadcast_to(v, x.shape) for v in self._loss_derivatives(x, *_columns(theta, x.ndim))]
        grad = np.stack(values[1:1 + p], axis=-1)
        hess = np.stack(values[1 + p:], axis=-1).reshape(x.shape + (p, p))
        return values[0], grad, hess


def _columns(theta: np.ndarray, ndim: int) -> list[np.ndarray]:
    """The parameter columns of ``theta`` (rows, p), shaped to broadcast against ``ndim``-axis samples."""
    extra = (1,) * (ndim - 1)
    return [theta[:, i].reshape((-1,) + extra) for i in range(theta.shape[1])]


def _numeric(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite factorials for floating point: ``log(n!)`` as ``loggamma(n + 1)``, ``n!`` as ``gamma(n + 1)``."""
    expr = expr.replace(lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.factorial),
                        lambda e: sympy.loggamma(e.args[0].args[0] + 1))
    return expr.replace(lambda e: isinstance(e, sympy.factorial), lambda e: sympy.gamma(e.args[0] + 1))


def compile_family(graph: InteractionGraph) -> CompiledFamily:
    """The graph's M-estimator family (built-in or ``custom``) as numpy functions.

    Raises
    ------
    InputError
        If the family is not an M-estimator, or its spec or true parameter is invalid.
    """
    from graphcollapse.estimators import estimator_for
    from graphcollapse.estimators.m_estimators import MEstimator

    family = estimator_for(graph)
    if not isinstance(family, MEstimator):
        raise InputError(f"estimator {family.name!r} is not an M-estimator family")
    parsed = family.parameters
    logpdf, params, variable, support = parsed["logpdf"], parsed["params"], parsed["variable"], parsed["support"]
    theta = parsed["theta"]
    loss = -logpdf if parsed["loss"] is None else parsed["loss"]
    loss = _numeric(loss)
    derivatives = [loss] + [sympy.diff(loss, q) for q in params] + \
        [sympy.diff(loss, a, b) for a in params for b in params]
    if any(d.has(sympy.DiracDelta, sympy.Derivative, sympy.Subs) for d in derivatives):
        raise InputError(f"estimator {family.name!r}: the simulator needs a loss that is twice "
                                 "differentiable in the parameters")
    args = [variable] + list(params)
    modules = ["scipy", "numpy"]
    # safe: lambdify prints parsed SymPy trees (never file text) into code whose names are all dummies.
    return CompiledFamily(
        name=family.name, names=tuple(q.name for q in params),
        truth=np.array([float(theta[q]) for q in params]),
        support=_float_support(support),
        _logpdf=sympy.lambdify(args, _numeric(logpdf), modules=modules, dummify=True),
        _loss_derivatives=sympy.lambdify(args, derivatives, modules=modules, dummify=True))


def _float_support(support) -> tuple:
    kind = support[0]
    if kind == "values":
        return ("values", np.array([float(v) for v in support[1]]))
    return (kind, float(support[1]), float(support[2]))
