"""Sweeps: local processes, Dask, and a checkpoint that survives being killed."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from proofs_check import census
from proofs_check.__main__ import main
from proofs_check.sweep import Checkpoint, SweepError, run_sweep, write_json_atomic

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"test": 1}


def _lines(path):
    return path.read_bytes().decode().splitlines()


def test_checkpoint_resume_skips_finished_tasks(tmp_path):
    path = tmp_path / "ck.jsonl"
    first = run_sweep(abs, [(str(n), (-n,)) for n in range(3)], workers=1, checkpoint=path, header=HEADER)
    assert (first.resumed, first.computed) == (0, 3)
    seen, progress = [], []
    second = run_sweep(abs, [(str(n), (-n,)) for n in range(6)], workers=1, checkpoint=path, header=HEADER,
                       on_result=lambda key, result: seen.append(key),
                       progress=lambda done, total: progress.append((done, total)))
    assert (second.resumed, second.computed) == (3, 3) and seen == ["3", "4", "5"]
    assert progress == [(3, 6), (4, 6), (5, 6), (6, 6)]     # resumed tasks count as done
    assert second.results == {str(n): n for n in range(6)}
    keys = [json.loads(line).get("key") for line in _lines(path)[1:]]
    assert sorted(keys) == [str(n) for n in range(6)]  # each task recorded exactly once


def test_torn_last_line_is_cut_off_and_the_task_redone(tmp_path):
    path = tmp_path / "ck.jsonl"
    run_sweep(abs, [("a", (-1,)), ("b", (-2,))], workers=1, checkpoint=path, header=HEADER)
    intact = path.read_bytes()
    with open(path, "ab") as handle:
        handle.write(b'{"key":"c","res')  # a write cut short by a crash
    result = run_sweep(abs, [("a", (-1,)), ("b", (-2,)), ("c", (-3,))], workers=1, checkpoint=path,
                       header=HEADER)
    assert result.dropped_tail and (result.resumed, result.computed) == (2, 1)
    assert result.results == {"a": 1, "b": 2, "c": 3}
    data = path.read_bytes()
    assert data.startswith(intact) and data.endswith(b"\n")
    assert [json.loads(line) for line in _lines(path)][-1] == {"key": "c", "result": 3}


def test_garbled_middle_line_is_refused(tmp_path):
    path = tmp_path / "ck.jsonl"
    run_sweep(abs, [("a", (1,)), ("b", (2,))], workers=1, checkpoint=path, header=HEADER)
    lines = _lines(path)
    lines[1] = lines[1][:5]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SweepError, match="line 2 is corrupt"):
        run_sweep(abs, [("a", (1,))], workers=1, checkpoint=path, header=HEADER)


def test_checkpoint_of_another_sweep_is_refused(tmp_path):
    path = tmp_path / "ck.jsonl"
    run_sweep(abs, [("a", (1,))], workers=1, checkpoint=path, header=HEADER)
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(abs, [("a", (1,))], workers=1, checkpoint=path, header={"test": 2})


def test_two_sweeps_cannot_share_a_checkpoint(tmp_path):
    path = tmp_path / "ck.jsonl"
    with Checkpoint.open(path, HEADER):
        with pytest.raises(SweepError, match="in use"):
            Checkpoint.open(path, HEADER)
    Checkpoint.open(path, HEADER).close()  # the lock goes with the first


def test_report_is_replaced_atomically(tmp_path):
    path = tmp_path / "report.json"
    write_json_atomic(path, {"a": 1})
    write_json_atomic(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary files left


def test_local_processes_give_the_serial_report():
    serial = census.run_census(2, workers=1)
    parallel = census.run_census(2, workers=2)
    assert parallel.executor == "2 local processes"
    assert parallel.report() == serial.report()


def test_dask_local_cluster_gives_the_serial_report(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    serial = census.run_census(2, workers=1).report()
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        checkpoint = tmp_path / "ck.jsonl"
        result = census.run_census(2, scheduler=cluster.scheduler_address, checkpoint=checkpoint)
        assert result.executor.startswith("dask")
        assert result.report() == serial
        again = census.run_census(2, scheduler=cluster.scheduler_address, checkpoint=checkpoint)
        assert (again.resumed_blocks, again.computed_blocks) == (2, 0) and again.report() == serial


def test_missing_dask_is_one_line_naming_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    assert main(["census", "--max-models", "1", "--scheduler", "ADDRESS"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install graphcollapse[dask]" in err


def _records(path):
    if not path.exists():
        return 0
    return max(0, path.read_bytes().count(b"\n") - 1)  # minus the header


def test_killed_sweep_resumes_to_the_uninterrupted_report(tmp_path):
    checkpoint = tmp_path / "census.jsonl"
    report = tmp_path / "census.report.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "proofs_check", "census", "--max-models", "3", "--checkpoint", str(checkpoint),
               "--counterexample-dir", str(tmp_path / "cx")]
    total_blocks = len(census.census_tasks(3))
    victim = subprocess.Popen(command + ["--workers", "1"], cwd=tmp_path, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _records(checkpoint) < 5:
            assert victim.poll() is None, victim.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep wrote no checkpoint records"
            time.sleep(0.02)
        os.killpg(victim.pid, signal.SIGKILL)
    finally:
        victim.wait()
    assert victim.returncode == -signal.SIGKILL
    assert not report.exists()
    done_before = _records(checkpoint)
    assert 5 <= done_before < total_blocks, "killed too late to test a resume"
    before = checkpoint.read_bytes()
    with open(checkpoint, "ab") as handle:  # and as if the kill had torn a write in half
        handle.write(before.splitlines(keepends=True)[-1][:40])

    resumed = subprocess.run(command + ["--workers", "2"], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=600)
    assert resumed.returncode in (0, 1), resumed.stderr  # 1: the census found a counterexample
    assert (f"{done_before} blocks resumed (a torn last line was dropped), "
            f"{total_blocks - done_before} computed") in resumed.stdout
    after = checkpoint.read_bytes()
    assert after.startswith(before)  # nothing finished was lost or rewritten
    keys = [json.loads(line)["key"] for line in after.decode().splitlines()[1:]]
    assert len(keys) == len(set(keys)) == total_blocks  # nothing done twice

    uninterrupted = census.run_census(3, workers=1).report()
    assert json.loads(report.read_text()) == json.loads(json.dumps(uninterrupted))
