"""M-estimation vectorised across fits: minimise ``Σ_i ℓ(x_i, θ)`` for many samples at once.

Each row of ``x`` is one sample (padded rows carry a mask) and gets its own
``θ̂``.  The minimiser is Newton's method with two safeguards, applied to all
rows together:

* the Hessian is replaced by ``|H|`` (its eigenvalues taken in absolute
  value, floored at a small multiple of the largest), so every step is a
  descent direction even where the loss is not convex;
* a backtracking line search halves the step until the loss decreases (up
  to rounding, :data:`ROUNDING`), so a step never leaves the parameter
  space (outside it the loss is ``nan`` and counts as no decrease).

A row has converged when the full Newton step is below ``1e-10 (1 + |θ|)``
in every coordinate (far below the ``n^{-1/2}`` spread of the estimates).
Rows that have not after :data:`MAX_ITERATIONS` (a loss with a kink, a flat
ridge) are handed one by one to :func:`scipy.optimize.minimize`
(Nelder–Mead from the Newton iterate, its end point confirmed a minimum by
coordinate probes); a row that fails there too raises, as the estimate does
not exist for that sample (e.g. a loss that only tends to its infimum).

Examples
--------
>>> import numpy as np
>>> def loss(x, theta):          # Gaussian mean: (x - m)²/2
...     d = x - theta[:, :1]
...     return d * d / 2, -d[..., None], np.ones(x.shape + (1, 1))
>>> x = np.array([[1.0, 2.0, 6.0], [0.0, 4.0, 0.0]])
>>> fit_rows(loss, x, np.zeros((2, 1)), mask=np.array([[1, 1, 1], [1, 1, 0]], bool), where="mean").ravel()
array([3., 2.])
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.optimize import minimize

from graphcollapse.errors import InputError

__all__ = ["fit_rows", "MAX_ITERATIONS"]

MAX_ITERATIONS = 100
#: Halvings of a step before a row gives up on Newton for this iteration.
MAX_HALVINGS = 40
#: Relative rise of the loss a step may cause and still count as a decrease (rounding of the sum).
ROUNDING = 1e-12

Loss = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def fit_rows(loss: Loss, x: np.ndarray, start: np.ndarray, *, mask: np.ndarray | None = None,
             where: str) -> np.ndarray:
    """The minimiser of each row's total loss.

    Parameters
    ----------
    loss : callable
        ``loss(x, theta) -> (value, gradient, hessian)`` per sample, with
        ``theta`` of shape ``(rows, p)`` and outputs of shapes ``x.shape``,
        ``x.shape + (p,)``, ``x.shape + (p, p)``.
    x : numpy.ndarray, shape (rows, m)
    start : numpy.ndarray, shape (rows, p)
        Starting points (the generating parameters are good ones).
    mask : numpy.ndarray of bool, shape (rows, m) or (m,), optional
        Which entries of ``x`` are samples (default: all).
    where : str
        Names the estimator in error messages.
    """
    mask = np.ones(x.shape, dtype=bool) if mask is None else np.broadcast_to(mask, x.shape)
    theta = np.array(start, dtype=float, copy=True)
    value, grad, hess = _totals(loss, x, mask, theta, np.arange(len(theta)))
    converged = np.zeros(len(theta), dtype=bool)
    active = np.flatnonzero(np.isfinite(value))
    for _ in range(MAX_ITERATIONS):
        if active.size == 0:
            break
        step = _descent(grad[active], hess[active])
        scale = 1 + np.abs(theta[active])
        done = np.all(np.abs(step) <= 1e-10 * scale, axis=1)
        converged[active[done]] = True
        # A row whose step cannot decrease the loss is done if the step is small (rounding limits
        # it); otherwise it stays unconverged and goes to the fallback.
        nearly = np.all(np.abs(step) <= 1e-8 * scale, axis=1)
        active, step, nearly = active[~done], step[~done], nearly[~done]
        moved = np.zeros(active.size, dtype=bool)
        trial_rows, trial_step = np.arange(active.size), step
        for _ in range(MAX_HALVINGS):
            if trial_rows.size == 0:
                break
            rows = active[trial_rows]
            candidate = theta[rows] + trial_step
            new_value, new_grad, new_hess = _totals(loss, x, mask, candidate, rows)
            # Near the minimum the decrease is below rounding: allow that much increase.
            slack = ROUNDING * np.abs(value[rows])
            better = np.isfinite(new_value) & (new_value <= value[rows] + slack)
            accepted = rows[better]
            theta[accepted], value[accepted] = candidate[better], new_value[better]
            grad[accepted], hess[accepted] = new_grad[better], new_hess[better]
            moved[trial_rows[better]] = True
            trial_rows, trial_step = trial_rows[~better], trial_step[~better] / 2
        converged[active[~moved & nearly]] = True
        active = active[moved]
    for r in np.flatnonzero(~converged):
        theta[r] = _fallback(loss, x[r][mask[r]], theta[r], where)
    return theta


def _totals(loss: Loss, x, mask, theta, rows):
    """Loss, gradient and Hessian summed over the masked samples of the given rows, at ``theta`` (one row each).

    Padding is excluded with ``where``, not by multiplying: the loss may be ``nan`` there.
    """
    value, grad, hess = loss(x[rows], theta)
    m = mask[rows]
    with np.errstate(all="ignore"):     # sums of a loss unbounded below may overflow: -inf is no decrease
        return (np.where(m, value, 0.0).sum(axis=1), np.where(m[..., None], grad, 0.0).sum(axis=1),
                np.where(m[..., None, None], hess, 0.0).sum(axis=1))


def _descent(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """``-|H|⁻¹ g`` with the eigenvalues of ``H`` in absolute value, floored relative to the largest."""
    finite = np.isfinite(hess).all(axis=(1, 2)) & np.isfinite(grad).all(axis=1)
    step = np.zeros(grad.shape)
    if finite.any():
        eigenvalues, vectors = np.linalg.eigh(hess[finite])
        size = np.abs(eigenvalues)
        size = np.maximum(size, 1e-12 * size.max(axis=1, keepdims=True) + 1e-300)
        coords = np.einsum("rji,rj->ri", vectors, grad[finite]) / size
        step[finite] = -np.einsum("rij,rj->ri", vectors, coords)
    step[~finite] = np.nan
    return step


def _fallback(loss: Loss, sample: np.ndarray, theta: np.ndarray, where: str) -> np.ndarray:
    """One row's samples by Nelder–Mead (derivative-free, so kinks and flat Hessians do not stop it)."""
    sample = sample[None, :]

    def total(point):
        value = loss(sample, point[None, :])[0].sum()
        return np.inf if np.isnan(value) else value     # outside the parameter space; -inf stays: unbounded

    start = theta if np.isfinite(total(theta)) else np.zeros_like(theta)
    with np.errstate(all="ignore"):        # a loss unbounded below overflows on its way down
        result = minimize(total, start, method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000 * theta.size})
        found = result.success and np.isfinite(result.fun) and _is_minimum(total, result.x, result.fun)
    if not found:
        raise InputError(
            f"estimator {where}: the fit has no minimiser for a sample of {sample.size} values "
            "(the estimate does not exist for it; increase the sample size)")
    return result.x


def _is_minimum(total, point: np.ndarray, value: float) -> bool:
    """No coordinate probe at ``±1e-6 (1 + |θ_i|)`` lowers the loss by more than rounding.

    Nelder–Mead stops on an absolute change of the loss, so a loss that only
    tends to its infimum (e.g. ``e^{-θ}``) ends it far out; the probes, on a
    relative scale, catch that.
    """
    for i in range(point.size):
        for sign in (-1.0, 1.0):
            probe = point.copy()
            probe[i] += sign * 1e-6 * (1 + abs(point[i]))
            if total(probe) < value - ROUNDING * abs(value):
                return False
    return True
