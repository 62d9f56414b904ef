"""The pooled-OLS checks of ``proofs_check.ols``: they pass, and they catch wrong coefficients."""

import pytest
import sympy

import graphcollapse.estimators.linear_regression as linear_regression
from proofs_check import load_checks, ols
from proofs_check.registry import Counterexample

CHECKS = [c for c in load_checks() if c.group == "ols"]


def test_the_three_checks_are_registered():
    assert [c.run for c in CHECKS] == [ols.coefficient_identities, ols.wishart_moment, ols.coefficients_monte_carlo]
    assert all(c.levels == ("quick", "full") for c in CHECKS)


# CI runs these very checks in ``python -m proofs_check --quick``; here they run only with ``-m slow``.
@pytest.mark.slow
@pytest.mark.parametrize("chk", CHECKS, ids=lambda c: c.run.__name__)
def test_check_passes_at_quick(chk):
    summary = chk.run("quick")
    assert isinstance(summary, str) and summary and "\n" not in summary


def off_by_one(n, d, counts):
    """Plausible but wrong: ``(n−1)`` for ``(n−2)`` in ``a``; still sums to 1 and has the right limit."""
    n, d = sympy.sympify(n), sympy.sympify(d)
    a = d * (d + 2) * (n - 1) / (n * (n + 2) * (n - d - 1))
    b = (d - n * a) / (n * (n - 1))
    m = len(counts)
    return sympy.Matrix(m, m, lambda i, j: sympy.cancel((counts[i] * a + counts[i] * (counts[i] - 1) * b) / d
                                                        if i == j else counts[i] * counts[j] * b / d))


def test_off_by_one_keeps_the_identities_that_do_not_pin_it_down():
    n, d, n1 = sympy.symbols("n d n1", positive=True)
    assert sympy.cancel(sum(off_by_one(n, d, [n1, n - n1])) - 1) == 0
    assert sympy.cancel(off_by_one(n, d, [n])[0, 0] - 1) == 0


@pytest.mark.parametrize("check_fn", [ols.coefficient_identities, ols.coefficients_monte_carlo],
                         ids=["identities", "monte_carlo"])
def test_wrong_coefficients_are_caught(monkeypatch, check_fn):
    monkeypatch.setattr(linear_regression, "pooled_coefficients", off_by_one)
    with pytest.raises(Counterexample):
        check_fn("quick")


def test_monte_carlo_alone_catches_wrong_values(monkeypatch):
    """Perturb only the numbers at n = 12, d = 6 (so no symbolic identity is involved)."""
    original = linear_regression.pooled_coefficients

    def perturbed(n, d, counts):
        C = original(n, d, counts)
        return C * sympy.Rational(51, 50) if (n, d) == (12, 6) else C

    monkeypatch.setattr(linear_regression, "pooled_coefficients", perturbed)
    with pytest.raises(Counterexample, match="n=12, d=6"):
        ols.coefficients_monte_carlo("quick")


def test_wishart_check_catches_a_biased_sampler(monkeypatch):
    sampler = ols._wishart_moment_mc

    def biased(n, d, replications, seed, chunk=20000):
        mean, se = sampler(n, d, replications, seed, chunk)
        return mean * 1.01, se

    monkeypatch.setattr(ols, "_wishart_moment_mc", biased)
    with pytest.raises(Counterexample, match="Monte Carlo"):
        ols.wishart_moment("quick")
