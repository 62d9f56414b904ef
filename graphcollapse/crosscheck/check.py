"""Does the theory hold in simulation?  The statistics of :func:`graphcollapse.cross_check`.

:func:`compare` takes the theory as a :class:`~graphcollapse.crosscheck.prediction.Prediction`
(built by :meth:`graphcollapse.system.System.prediction`) and a simulation
result; it never derives theory itself.

Three kinds of tests, all two-sided z-tests on Monte Carlo means, with
Hall's correction for the skewness of the errors
(:func:`~graphcollapse.crosscheck.inference.z_test`; the replications are
independent, so only the normal approximation of a mean of ``R`` values
is involved):

* **values**: for every model and generation, the exact ``E_k(t)`` against
  the mean error;
* **growth**: for every model whose error is bounded or grows linearly, the
  predicted rate ``c_k`` (0 when bounded) against the fitted slope over the
  later half of the run (:class:`~graphcollapse.crosscheck.inference.LateWindow`):
  this checks the collapse verdict;
* **limits**: for every bounded model, ``lim E_k(t)`` against the mean error
  over the last period of the run.

A finite run sees the asymptotic claims only up to a transient that the
exact theory knows: the slope and level that the toolkit's own exact
trajectory shows over the same window differ from its ``c_k`` and ``L_k`` by a
deterministic *allowance*, and a growth or limit test rejects only when the
simulation is further than that from the claim.  (The allowance always comes
from the toolkit's exact theory, never from the prediction under test, so a
wrong claim cannot excuse itself.)  ``rel_tol`` widens every test by a
relative margin, for first-order (asymptotic) families at modest ``n``.

All tests together are corrected with Holm's step-down procedure at the
family-wise level ``alpha`` (default 0.001): if the theory is right, the
check fails with probability at most ``alpha``, whatever the dependence
between the tests.

Examples
--------
>>> from dataclasses import replace
>>> from graphcollapse import cross_check, from_matrix, predict, simulate
>>> g = from_matrix([[0, 1], [1, 0]], n=[10, 20])
>>> result = simulate(g, generations=20, replications=3000, seed=5, method="sufficient")
>>> cross_check(g, result).passed
True
>>> right = predict(g, 20)
>>> cross_check(g, result, replace(right, slopes=right.slopes / 2)).passed
False
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from graphcollapse.errors import InputError
from graphcollapse.graph import InteractionGraph
from graphcollapse.crosscheck.inference import LateWindow, holm, z_test
from graphcollapse.crosscheck.prediction import Prediction
from graphcollapse.simulation.engine.result import SimulationResult

__all__ = ["CrossCheck", "Comparison", "compare", "check_levels", "DEFAULT_ALPHA", "RELIABLE_RELATIVE_VARIANCE"]

#: Family-wise error level of the check.
DEFAULT_ALPHA = 0.001
#: Largest relative variance of one draw, per replication, at which a Monte Carlo mean is still tested
#: (the mean of R draws then has a relative standard error of at most 0.1).
RELIABLE_RELATIVE_VARIANCE = 0.01


@dataclass(frozen=True)
class Comparison:
    """One hypothesis: ``kind`` is ``"value"`` (at generation ``t``), ``"growth"`` or ``"limit"``."""

    model: str
    kind: str
    t: int | None
    predicted: float
    estimate: float
    stderr: float
    allowance: float
    z: float
    p_value: float
    rejected: bool
    #: What is tested: the error, or a further observable of the estimator (``"variance"``, ``"diversity"``).
    observable: str = "error"

    @property
    def label(self) -> str:
        if self.observable == "error":
            where = f"E_{self.model}({self.t})" if self.kind == "value" else f"{self.kind} of {self.model}"
        else:
            where = f"{self.observable}_{self.model}({self.t})" if self.kind == "value" else \
                f"{self.kind} of {self.observable} of {self.model}"
        return (f"{where}: predicted {self.predicted:.6g}, simulated {self.estimate:.6g} ± {self.stderr:.2g} "
                f"(z = {self.z:.2f}, p = {self.p_value:.2g})")


@dataclass(frozen=True, eq=False)
class CrossCheck:
    """The outcome of :func:`cross_check`, with what produced it."""

    result: SimulationResult
    prediction: Prediction
    alpha: float
    rel_tol: float
    window: LateWindow
    tests: tuple[Comparison, ...]
    fitted_slopes: np.ndarray
    fitted_slope_stderr: np.ndarray
    #: Tests not made because the Monte Carlo mean cannot be trusted there (one line per observable and model).
    skipped: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not any(test.rejected for test in self.tests)

    @property
    def failures(self) -> tuple[Comparison, ...]:
        return tuple(test for test in self.tests if test.rejected)

    @cached_property
    def by_model(self) -> dict[str, dict[str, list[Comparison]]]:
        """The tests of the error, per model and kind."""
        return self.by_observable["error"]

    @cached_property
    def by_observable(self) -> dict[str, dict[str, dict[str, list[Comparison]]]]:
        """The tests per observable (``"error"`` first), model and kind."""
        names = ("error", *self.prediction.observables)
        out = {name: {i: {"value": [], "growth": [], "limit": []} for i in self.prediction.ids} for name in names}
        for test in self.tests:
            out[test.observable][test.model][test.kind].append(test)
        return out



def _skewness(draws: np.ndarray) -> np.ndarray:
    """Sample skewness over the replications (axis 0); 0 where the values are constant."""
    centred = draws - draws.mean(axis=0)
    m2 = np.square(centred).mean(axis=0)
    m3 = (centred ** 3).mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m2 > 0, m3 / m2 ** 1.5, 0.0)


def check_levels(alpha: float, rel_tol: float) -> None:
    """Reject a family-wise level outside (0, 1) or a negative relative tolerance."""
    if not 0 < alpha < 1:
        raise InputError(f"the family-wise level must lie in (0, 1), got {alpha}")
    if not rel_tol >= 0:
        raise InputError(f"the relative tolerance must be >= 0, got {rel_tol}")


def compare(graph: InteractionGraph, result: SimulationResult, reference: Prediction,
            predicted: Prediction | None = None, *, alpha: float = DEFAULT_ALPHA, rel_tol: float = 0.0) -> CrossCheck:
    """Test ``predicted`` (default: the exact ``reference``) against the simulation ``result``.

    Parameters
    ----------
    graph : InteractionGraph
        The simulated graph (``result.graph``).
    result : SimulationResult
    predicted : Prediction, optional
        What to test; by default the toolkit's exact prediction.
    alpha : float
        Family-wise error level (Holm over every test).
    rel_tol : float
        Relative margin granted to every prediction (0: the prediction is exact).
    reference : Prediction
        The toolkit's exact prediction (it sets the transient allowances);
        :meth:`graphcollapse.system.System.check` supplies it.

    Returns
    -------
    CrossCheck
    """
    if result.graph is not graph and result.graph != graph:
        raise InputError("cross_check: the simulation result belongs to another graph")
    if result.replications < 2:
        raise InputError("cross_check needs at least 2 replications")
    check_levels(alpha, rel_tol)
    T = result.generations
    predicted = reference if predicted is None else predicted
    for name, value in (("prediction", predicted), ("reference", reference)):
        if value.trajectory.shape != result.mean_error.shape:
            raise InputError(f"cross_check: the {name} covers {value.generations} generations of "
                                     f"{value.trajectory.shape[1]} models, the simulation {T} of {graph.K}")
    window = LateWindow.for_run(T, reference.period)
    R = result.replications
    slope_draws = np.tensordot(result.errors, window.slope_weights, axes=([1], [0]))   # (R, K)
    late_draws = np.tensordot(result.errors, window.late_weights, axes=([1], [0]))
    slopes, slope_se = slope_draws.mean(axis=0), slope_draws.std(axis=0, ddof=1) / np.sqrt(R)
    late, late_se = late_draws.mean(axis=0), late_draws.std(axis=0, ddof=1) / np.sqrt(R)
    value_skew, slope_skew, late_skew = (_skewness(x) for x in (result.errors, slope_draws, late_draws))
    exact_slope = window.slope_weights @ reference.trajectory
    exact_late = window.late_weights @ reference.trajectory

    rows = []  # (model, kind, t, predicted, estimate, stderr, allowance, skewness, observable)
    for k, model in enumerate(graph.ids):
        for t in range(T + 1):
            pred = predicted.trajectory[t, k]
            rows.append((model, "value", t, pred, result.mean_error[t, k], result.stderr[t, k], rel_tol * abs(pred),
                         value_skew[t, k], "error"))
        if window.has_slope and np.isfinite(predicted.slopes[k]) and np.isfinite(reference.slopes[k]):
            pred = predicted.slopes[k]
            allowance = abs(exact_slope[k] - reference.slopes[k]) + rel_tol * abs(pred)
            rows.append((model, "growth", None, pred, slopes[k], slope_se[k], allowance, slope_skew[k], "error"))
        if np.isfinite(predicted.limits[k]) and np.isfinite(reference.limits[k]):
            pred = predicted.limits[k]
            allowance = abs(exact_late[k] - reference.limits[k]) + rel_tol * abs(pred)
            rows.append((model, "limit", None, pred, late[k], late_se[k], allowance, late_skew[k], "error"))
    rows += _observable_rows(graph, result, reference, predicted, window, rel_tol)
    rows, skipped = _reliable(rows, graph, reference, R, T)
    _, _, _, pred_col, est_col, se_col, allow_col, skew_col, _ = zip(*rows)
    z, p = z_test(est_col, pred_col, se_col, allow_col, skew_col, replications=R)
    rejected = holm(p, alpha)
    tests = tuple(Comparison(model, kind, t, float(pr), float(est), float(se), float(al), float(zz), float(pp),
                             bool(rj), name)
                  for (model, kind, t, pr, est, se, al, _, name), zz, pp, rj in zip(rows, z, p, rejected))
    return CrossCheck(result=result, prediction=predicted, alpha=alpha, rel_tol=rel_tol, window=window,
                      tests=tests, fitted_slopes=slopes, fitted_slope_stderr=slope_se, skipped=skipped)


def _reliable(rows: list, graph, reference: Prediction, replications: int,
              generations: int) -> tuple[list, tuple[str, ...]]:
    """The rows whose Monte Carlo mean the replications can resolve, and one line per skipped run of them.

    Where the exact theory declares multiplicative noise (``reference.tails``:
    relative variance of one draw at most ``q^(t+1)``), a mean of ``R`` draws
    is normal enough for the z-test only while ``q^(t+1) ≤ R ×``
    :data:`RELIABLE_RELATIVE_VARIANCE`; beyond that it is dominated by rare
    draws that a run of ``R`` has not seen, and is not tested.  The bound
    comes from the theory, never from the prediction under test.
    """
    if not reference.tails:
        return rows, ()
    limit = np.log(replications * RELIABLE_RELATIVE_VARIANCE)
    kept, first = [], {}
    for row in rows:
        model, kind, t, *_, name = row
        q = reference.tails.get(name)
        when = generations if t is None else t     # growth and limits use the whole run
        if q is not None and (when + 1) * np.log(q[graph.index[model]]) > limit:
            first[(name, model)] = min(first.get((name, model), when), when)
            continue
        kept.append(row)
    notes = tuple(f"{name} of {model} from generation {t} on: relative variance up to "
                  f"{reference.tails[name][graph.index[model]] ** (t + 1):.3g} per draw, more than "
                  f"{replications} replications resolve" for (name, model), t in first.items())
    return kept, notes


def _observable_rows(graph, result, reference, predicted, window, rel_tol) -> list:
    """Value and limit tests of the observables that both the prediction and the simulation carry.

    The same tests as for the error: the exact value at every generation,
    and the limit against the late-window mean with the exact transient as
    allowance (an observable that vanishes is tested against 0).
    """
    rows = []
    for name, pred in predicted.observables.items():
        if name not in result.observables or name not in reference.observables:
            continue
        if pred.trajectory.shape != result.mean_error.shape:
            raise InputError(f"cross_check: the prediction of {name!r} covers {pred.trajectory.shape[0] - 1} "
                             f"generations, the simulation {result.generations}")
        draws = result.values(name)
        mean, se, skew = result.mean(name), result.stderr_of(name), _skewness(draws)
        late_draws = np.tensordot(draws, window.late_weights, axes=([1], [0]))
        late, late_se, late_skew = late_draws.mean(axis=0), late_draws.std(axis=0, ddof=1) / np.sqrt(len(draws)), \
            _skewness(late_draws)
        exact_late = window.late_weights @ reference.observables[name].trajectory
        for k, model in enumerate(graph.ids):
            for t in range(result.generations + 1):
                value = pred.trajectory[t, k]
                rows.append((model, "value", t, value, mean[t, k], se[t, k], rel_tol * abs(value), skew[t, k], name))
            limit, exact = pred.limits[k], reference.observables[name].limits[k]
            if np.isfinite(limit) and np.isfinite(exact):
                allowance = abs(exact_late[k] - exact) + rel_tol * abs(limit)
                rows.append((model, "limit", None, limit, late[k], late_se[k], allowance, late_skew[k], name))
    return rows
