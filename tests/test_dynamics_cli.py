"""Reports and the command line for processes with a schedule, modes or memory (issue 13)."""

from __future__ import annotations

import json

import pytest

from graphcollapse.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_analyze_json_contract_of_a_schedule(capsys):
    status, out, _ = run(capsys, "analyze", "alternating", "--json")
    data = json.loads(out)
    assert status == 0 and data["dynamics"]["kind"] == "schedule" and data["dynamics"]["phases"] == ["odd", "even"]
    assert [p["name"] for p in data["schedule"]["period"]] == ["odd", "even"] and data["memory"] == "replace"
    a = data["models"]["A"]
    assert a["collapses"] is True and a["growth"] == "linear" and a["slope"] == "1/20"
    assert a["phase_slopes"] == {"odd": "1/10", "even": "0"} and a["limit"] is None


def test_analyze_json_contract_of_memory_and_modes(capsys):
    data = json.loads(run(capsys, "analyze", "accumulate", "--json")[1])
    assert data["memory"] == "accumulate" and data["models"]["A"]["limit"] == "pi**2/60"
    assert abs(data["models"]["A"]["limit_float"] - 0.16449340668) < 1e-10
    data = json.loads(run(capsys, "analyze", "random_modes", "--json")[1])
    assert data["switching"] == {"transition": [[0, 1], [1, 0]]} and len(data["modes"]) == 2
    b = data["models"]["B"]
    assert b["collapses"] is True and b["topological_collapses"] is False and "forbids" in b["explanation"]


@pytest.mark.parametrize("fmt, marker", [("text", "At the end of each phase"), ("markdown", "| model |"),
                                         ("latex", r"\begin{tabular}")])
def test_analyze_formats(capsys, fmt, marker):
    status, out, err = run(capsys, "analyze", "alternating", "--format", fmt)
    assert status == 0 and err == "" and marker in out and "odd" in out


def test_trajectory_of_a_process_with_memory(capsys):
    status, out, _ = run(capsys, "trajectory", "accumulate", "-T", "2", "--json")
    assert status == 0 and json.loads(out)["models"]["A"] == ["1/10", "1/8", "49/360"]
    status, _, err = run(capsys, "trajectory", "accumulate", "-T", "2", "--closed-form")
    assert status == 2 and "exact trajectories" in err


def test_check_a_schedule_end_to_end(capsys, tmp_path):
    figure = tmp_path / "check.png"
    status, out, _ = run(capsys, "check", "alternating", "-R", "600", "-T", "8", "--seed", "3",
                         "--method", "sufficient", "--plot", str(figure))
    assert status == 0 and "PASSED" in out and figure.exists()


def test_static_figures_refuse_a_process_with_dynamics(capsys, tmp_path):
    status, _, err = run(capsys, "plot", "alternating", "--kind", "graph", "--out", str(tmp_path / "g.png"))
    assert status == 2 and "--kind trajectory" in err
