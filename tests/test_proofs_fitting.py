"""The distribution-fitting checks of ``proofs_check.fitting``: they pass, and they catch wrong recursions."""

import pytest

import graphcollapse.estimators.categorical as categorical
import graphcollapse.estimators.gaussian_fit as gaussian_fit
from proofs_check import fitting, load_checks
from proofs_check.registry import Counterexample

CHECKS = [c for c in load_checks() if c.group == "fitting"]


def test_the_four_checks_are_registered():
    assert [c.run for c in CHECKS] == [fitting.gaussian_fit_moments, fitting.gaussian_fit_rows,
                                       fitting.categorical_rows, fitting.fitting_raw_sampling]


@pytest.mark.parametrize("chk", [pytest.param(c, marks=pytest.mark.slow) if c.run is fitting.gaussian_fit_moments
                                 else c for c in CHECKS], ids=lambda c: c.run.__name__)
def test_check_passes_at_quick(chk):
    summary = chk.run("quick")
    assert isinstance(summary, str) and summary and "\n" not in summary


def without_spread(original):
    """Plausible but wrong: the pooled variance forgets the between-source spread of the sample means."""
    def coefficients(self, estimator, k):
        out = original(self, estimator, k)
        out["spread"] = 0 * out["spread"]
        return out
    return coefficients


def test_a_variance_without_the_between_source_spread_is_caught(monkeypatch):
    monkeypatch.setattr(gaussian_fit.GaussianFitRecursion, "_coefficients",
                        without_spread(gaussian_fit.GaussianFitRecursion._coefficients))
    with pytest.raises(Counterexample, match="coefficient of"):
        fitting.gaussian_fit_rows("quick")
    with pytest.raises(Counterexample, match="gaussian (error|variance)"):
        fitting.fitting_raw_sampling("quick")


def test_tokens_without_coalescence_are_caught(monkeypatch):
    """Wrong: the fresh noise of a model ignores that its sources' fits are already spread (Σ* − S_jj → Σ*)."""
    original = categorical.CategoricalRecursion._coefficients

    def coefficients(self, estimator, k):
        out = original(self, estimator, k)
        out["coalesce"] = {j: 0 * c for j, c in out["coalesce"].items()}
        return out

    monkeypatch.setattr(categorical.CategoricalRecursion, "_coefficients", coefficients)
    with pytest.raises(Counterexample):
        fitting.categorical_rows("quick")
    with pytest.raises(Counterexample, match="categorical"):
        fitting.fitting_raw_sampling("quick")
