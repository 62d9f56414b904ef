"""The family checks of ``proofs_check.families``: registered, passing, and catching wrong closed forms."""

from dataclasses import replace

import pytest
import sympy

from graphcollapse.families.fourier import Fourier
from proofs_check import families, load_checks
from proofs_check.registry import Counterexample

CHECKS = [c for c in load_checks() if c.group == "families"]


def test_the_four_checks_are_registered():
    assert [c.run for c in CHECKS] == [families.issue_formula, families.forms_beyond_checked_sizes,
                                       families.circulant_mode_sums, families.guesses_are_labelled]


def test_mode_sums_pass_and_catch_a_wrong_closed_form(monkeypatch):
    assert "30 digits" in families.circulant_mode_sums("quick")
    original = Fourier.explicit_at
    monkeypatch.setattr(Fourier, "explicit_at", lambda self, size: original(self, size) * (1 + sympy.Rational(1, 10**12)))
    with pytest.raises(Counterexample, match="mode sum"):
        families.circulant_mode_sums("quick")


def test_forms_check_catches_a_wrong_form(monkeypatch):
    analyze_family = families.fam.analyze_family

    def perturbed(family, **kwargs):
        result = analyze_family(family, **kwargs)
        first = result.classes[0]
        wrong = replace(first.limit, expr=first.limit.expr * (1 + sympy.Rational(1, 1000)))
        return replace(result, classes=(replace(first, limit=wrong),) + result.classes[1:])

    monkeypatch.setattr(families.fam, "analyze_family", perturbed)
    monkeypatch.setattr(families, "QUICK", families.QUICK[:1])
    with pytest.raises(Counterexample, match="the closed form gives"):
        families.forms_beyond_checked_sizes("quick")
