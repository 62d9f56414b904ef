"""The command line: contracts, exit statuses, one-line errors."""

import json
import subprocess
import sys

import pytest

from graphcollapse.cli import COMMANDS, main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_runs(capsys):
    status, out, err = run(capsys, "demo")
    assert status == 0 and err == ""
    assert "closed, no real data, period 2" in out


def test_analyze_json_contract(capsys):
    status, out, _ = run(capsys, "analyze", "demo", "--json")
    assert status == 0
    data = json.loads(out)
    assert {"members", "closed", "period", "real_data"} <= set(data["components"][0])
    model = data["models"]["E"]
    for key in ("collapses", "closed_classes_upstream", "absorption_real", "spectral_radius_upstream",
                "limit", "limit_float", "slope", "slope_float"):
        assert key in model
    assert model["collapses"] is True
    assert model["closed_classes_upstream"] == [["C", "D"]]
    assert model["absorption_real"] == "1/2"
    assert model["slope"] == "1/400" and model["slope_float"] == 0.0025
    assert model["limit"] is None and model["limit_float"] is None
    assert data["models"]["B"]["limit"] == "23/675"


def test_analyze_symbolic_predicate_in_json(capsys):
    # Contract 2 (issue 19): ``collapses`` is always a boolean (the generic verdict), the exact
    # condition is ``collapse_condition``, in the condition grammar, and reads back to Eq(a, 0).
    import sympy

    from graphcollapse.presentation.conditions import read_condition

    status, out, _ = run(capsys, "analyze", "self_loop", "--json")
    data = json.loads(out)
    model = data["models"]["A"]
    assert model["collapses"] is False
    a, n = sympy.symbols("a n", real=True)
    assert read_condition(model["collapse_condition"], {"a": a, "n": n}, where="test") == sympy.Eq(a, 0)


@pytest.mark.parametrize("form, marker", [("--markdown", "| model |"), ("--latex", r"\begin{align}")])
def test_other_formats(capsys, form, marker):
    status, out, _ = run(capsys, "analyze", "chain", form)
    assert status == 0 and marker in out


def test_estimator_override(capsys):
    status, out, _ = run(capsys, "analyze", "chain", "--json", "--estimator", '{"family": "gaussian_mean", "d": 3}')
    assert json.loads(out)["models"]["A"]["limit"] == "3/100"


def test_trajectory_json(capsys):
    status, out, _ = run(capsys, "trajectory", "two_cycle", "--generations", "2", "--closed-form", "--json")
    data = json.loads(out)
    assert data["models"]["A"] == ["1/10", "3/20", "1/4"]
    assert "closed_form" in data


@pytest.mark.parametrize("content, message", [
    ('{"models": [{"id": "A", "n": 1, "real": "__import__(\'os\').system(\'touch pwned\')"}]}', "unsupported expression"),
    ('{"models": [\n{"id": "A",, }]}', "line 2, column"),
    ('{"models": [{"id": "A", "n": 1, "real": "1/2"}]}', "weights sum to 1/2, not 1"),
    ('{"models": []}', "graph has no models"),
])
def test_bad_input_one_line_exit_2(tmp_path, capsys, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "g.json"
    path.write_text(content)
    status, out, err = run(capsys, "analyze", str(path))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "pwned").exists()


def test_bad_estimator_and_missing_file(capsys):
    status, _, err = run(capsys, "analyze", "chain", "--estimator", "no_such_family")
    assert status == 2 and "unknown family 'no_such_family'" in err
    status, _, err = run(capsys, "analyze", "missing.json")
    assert status == 2 and "not found" in err


def test_console_script_help_and_version():
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "graphcollapse", command, "--help"],
                              capture_output=True, text=True)
        assert done.returncode == 0 and "usage:" in done.stdout
    done = subprocess.run([sys.executable, "-m", "graphcollapse", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("graphcollapse ")
    done = subprocess.run([sys.executable, "-m", "graphcollapse", "analyze"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_recurrence_is_shown(capsys):
    status, out, _ = run(capsys, "analyze", "chain", "--recurrence")
    assert status == 0
    assert "S_B,B(t+1) = S_A,A(t) + 1/50" in out
    assert "W (row k = what model k trains on) =" in out
