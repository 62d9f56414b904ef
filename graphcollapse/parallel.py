"""Run a list of independent tasks serially, in local processes or on Dask, with a crash-safe checkpoint.

This is the package's one sweep runner: the random-graph ensembles
(:mod:`graphcollapse.ensembles`) and the census of Theorem A
(``proofs_check``, which re-exports this module) both use it.

A *sweep* is a list of ``(key, args)`` tasks and a module-level function
``fn(*args) -> result`` (results are JSON-serialisable).  :func:`run_sweep`
runs them

* in the calling process (``workers=1``),
* in local worker processes (default: one per CPU), or
* on a Dask cluster (``scheduler="ADDRESS"``; ``dask.distributed`` is the
  optional extra ``pip install graphcollapse[dask]`` and is imported only
  then; the workers need graphcollapse installed too),

and, given a checkpoint path, records every finished task before moving on.
A ``progress(done, total)`` callback (resumed tasks count as done) lets a
command line draw a progress bar without this module knowing about one.

Checkpoint format
-----------------
An append-only JSON-lines file.  The first line describes the sweep
(``{"sweep": header}``); a resumed sweep refuses a checkpoint written for a
different header.  Every further line is one finished task,
``{"key": key, "result": result}``, written by the coordinating process
with a single ``write`` of the whole line followed by ``fsync``, so a crash
leaves at most one torn line, and only at the end.  On resume that torn
tail (any last line that does not parse) is cut off, the finished keys are
skipped and only the rest run; a key is never recorded twice.  An exclusive
advisory lock (POSIX) keeps two sweeps from appending to the same file.

Final reports go through :func:`write_json_atomic` (temporary file in the
same directory, ``fsync``, ``os.replace``): a reader sees the old report or
the new one, never half of one.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.jsonl"
>>> tasks = [(str(n), (n,)) for n in range(5)]
>>> done = run_sweep(abs, tasks, workers=1, checkpoint=path, header={"demo": 1})
>>> sorted(done.results.items()), done.resumed, done.computed
([('0', 0), ('1', 1), ('2', 2), ('3', 3), ('4', 4)], 0, 5)
>>> run_sweep(abs, tasks, workers=1, checkpoint=path, header={"demo": 1}).resumed
5
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from graphcollapse.errors import InputError, MissingExtraError

__all__ = ["SweepError", "Checkpoint", "SweepResult", "run_sweep", "write_json_atomic", "default_workers",
           "connect_dask", "DASK_HINT"]

DASK_HINT = "pip install graphcollapse[dask]"


class SweepError(InputError, RuntimeError):
    """A sweep cannot start (bad checkpoint, bad options, missing extra); the message is one line.

    An :class:`~graphcollapse.errors.InputError` (the checkpoint file and the
    options are the user's), and still a ``RuntimeError`` as it always was.
    """


class MissingDaskError(SweepError, MissingExtraError):
    """``scheduler=`` was given but ``dask.distributed`` is not installed."""


def default_workers() -> int:
    """Worker processes used by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------- files
def _fsync_directory(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as JSON to ``path`` atomically (temp file, fsync, ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(path.parent)
    return path


def _encode(record: Any) -> bytes:
    return (json.dumps(record, separators=(",", ":"), sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


class Checkpoint:
    """An append-only JSON-lines record of finished tasks (see the module notes).

    Open it with :meth:`open`, which reads what an earlier run finished (in
    :attr:`results`) and cuts off a torn last line.
    """

    def __init__(self, path: Path, fd: int, header: Any, results: dict[str, Any], dropped_tail: bool):
        self.path = path
        self._fd = fd
        self.header = header
        #: Results of the tasks already finished, by key.
        self.results = results
        #: True when a torn (partially written) last line was removed.
        self.dropped_tail = dropped_tail

    @classmethod
    def open(cls, path: str | Path, header: Any) -> "Checkpoint":
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            _lock(fd, path)
            results, good_length, dropped = cls._read(path, fd, header)
            if dropped:
                os.ftruncate(fd, good_length)
                os.fsync(fd)
            checkpoint = cls(path, fd, header, results, dropped)
            if good_length == 0:
                checkpoint._append({"sweep": header})
            if created:
                _fsync_directory(path.parent)
            return checkpoint
        except BaseException:
            os.close(fd)
            raise

    @staticmethod
    def _read(path: Path, fd: int, header: Any) -> tuple[dict[str, Any], int, bool]:
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        lines = data.split(b"\n")
        # A complete line ends with "\n"; whatever follows the last newline is torn.
        complete, tail = lines[:-1], lines[-1]
        parsed: list[Any] = []
        length = 0
        dropped = bool(tail)
        for number, raw in enumerate(complete, 1):
            try:
                parsed.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError):
                if number == len(complete) and not tail:
                    dropped = True  # a garbled last line (e.g. zero-filled after a crash): cut it off
                    break
                raise SweepError(f"checkpoint {path}: line {number} is corrupt (not a torn last line); "
                                 "refusing to resume") from None
            length += len(raw) + 1
        if not parsed:
            return {}, 0, dropped
        first = parsed[0]
        if not isinstance(first, dict) or "sweep" not in first:
            raise SweepError(f"checkpoint {path}: first line is not a sweep header")
        if first["sweep"] != json.loads(json.dumps(header)):
            raise SweepError(f"checkpoint {path} belongs to a different sweep ({json.dumps(first['sweep'])}); "
                             "use another file")
        results: dict[str, Any] = {}
        for number, record in enumerate(parsed[1:], 2):
            if not isinstance(record, dict) or "key" not in record or "result" not in record:
                raise SweepError(f"checkpoint {path}: line {number} is not a task record")
            results.setdefault(record["key"], record["result"])
        return results, length, dropped

    def _append(self, record: Any) -> None:
        data = _encode(record)
        view = memoryview(data)
        while view:  # one write() for the whole line; the loop only covers a short write
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def record(self, key: str, result: Any) -> None:
        """Append one finished task (durable when this returns)."""
        if key in self.results:
            raise SweepError(f"checkpoint {self.path}: task {key!r} recorded twice")
        self._append({"key": key, "result": result})
        self.results[key] = result

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # also releases the lock
            self._fd = -1

    def __enter__(self) -> "Checkpoint":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lock(fd: int, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SweepError(f"checkpoint {path} is in use by another running sweep") from None


# ----------------------------------------------------------------- executors
def _serial(fn: Callable, tasks: Sequence[tuple[str, tuple]]) -> Iterator[tuple[str, Any]]:
    for key, args in tasks:
        yield key, fn(*args)


def _processes(fn: Callable, tasks: Sequence[tuple[str, tuple]], workers: int) -> Iterator[tuple[str, Any]]:
    import multiprocessing

    # "spawn": clean interpreters on every platform (no fork of a process with threads).
    context = multiprocessing.get_context("spawn")
    pending = iter(tasks)
    window = 4 * workers
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running: dict = {}
        try:
            for key, args in pending:
                running[pool.submit(fn, *args)] = key
                if len(running) >= window:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    key = running.pop(future)
                    yield key, future.result()
                for key, args in pending:
                    running[pool.submit(fn, *args)] = key
                    if len(running) >= window:
                        break
        finally:
            for future in running:
                future.cancel()


def connect_dask(address: str):
    """A ``dask.distributed.Client`` for ``address`` (one-line error without the extra)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise MissingDaskError(f"--scheduler needs dask.distributed, which is not installed: {DASK_HINT}") from None
    try:
        return Client(address, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise SweepError(f"cannot reach the Dask scheduler at {address}: {err}") from None


def _dask(fn: Callable, tasks: Sequence[tuple[str, tuple]], address: str) -> Iterator[tuple[str, Any]]:
    client = connect_dask(address)
    from dask.distributed import as_completed

    try:
        threads = max(1, sum(client.nthreads().values()))
        window = max(64, 4 * threads)
        pending = iter(tasks)
        keys: dict[str, str] = {}
        first = []
        for key, args in pending:
            future = client.submit(fn, *args, pure=False)
            keys[future.key] = key
            first.append(future)
            if len(first) >= window:
                break
        queue = as_completed(first, loop=client.loop)
        for future in queue:
            key = keys.pop(future.key)
            result = future.result()
            future.release()
            yield key, result
            for next_key, args in pending:
                nxt = client.submit(fn, *args, pure=False)
                keys[nxt.key] = next_key
                queue.add(nxt)
                break
    finally:
        client.close()


# ---------------------------------------------------------------------- sweep
@dataclass
class SweepResult:
    """What a sweep produced: every result by key (resumed ones included)."""

    results: dict[str, Any]
    resumed: int
    computed: int
    elapsed: float
    executor: str
    dropped_tail: bool = False
    #: Keys computed by this run, in completion order.
    computed_keys: list[str] = field(default_factory=list)


def run_sweep(fn: Callable, tasks: Sequence[tuple[str, tuple]], *, workers: int | None = None,
              scheduler: str | None = None, checkpoint: str | Path | None = None, header: Any = None,
              on_result: Callable[[str, Any], None] | None = None,
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Run ``fn(*args)`` for every ``(key, args)`` task; see the module notes.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to worker processes).
    tasks : sequence of (str, tuple)
        Unique keys and argument tuples.
    workers : int, optional
        Local worker processes (default: one per CPU; 1 runs in this process).
        Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a Dask scheduler.
    checkpoint : path, optional
        Append-only record of finished tasks; resumed if it exists.
    header : JSON value
        Identifies the sweep in the checkpoint (a mismatch is refused).
    on_result : callable, optional
        Called as ``on_result(key, result)`` for each newly computed task.
    progress : callable, optional
        Called as ``progress(done, total)`` once before the first task (with
        the resumed count) and after every newly computed task.
    """
    keys = [key for key, _ in tasks]
    if len(set(keys)) != len(keys):
        raise SweepError("sweep task keys must be unique")
    start = time.perf_counter()
    store = Checkpoint.open(checkpoint, header) if checkpoint is not None else None
    try:
        results: dict[str, Any] = {}
        if store is not None:
            known = set(keys)
            results.update((k, v) for k, v in store.results.items() if k in known)
        resumed = len(results)
        todo = [(key, args) for key, args in tasks if key not in results]
        if scheduler:
            runner, executor = _dask(fn, todo, scheduler), f"dask scheduler {scheduler}"
        else:
            count = workers if workers is not None else default_workers()
            if count < 1:
                raise SweepError("workers must be at least 1")
            count = min(count, max(1, len(todo)))
            if count == 1:
                runner, executor = _serial(fn, todo), "1 process"
            else:
                runner, executor = _processes(fn, todo, count), f"{count} local processes"
        computed: list[str] = []
        if progress is not None:
            progress(resumed, len(tasks))
        for key, result in runner:
            if store is not None:
                store.record(key, result)
            results[key] = result
            computed.append(key)
            if on_result is not None:
                on_result(key, result)
            if progress is not None:
                progress(resumed + len(computed), len(tasks))
        return SweepResult(results, resumed, len(computed), time.perf_counter() - start, executor,
                           store.dropped_tail if store is not None else False, computed)
    finally:
        if store is not None:
            store.close()
