"""``graphcollapse ensemble NAME --size K ...``: collapse in random interaction graphs, estimated with intervals.

Examples::

    graphcollapse ensemble erdos_renyi --size 100000 --param c=2 --real-fraction 0.1 --samples 20
    graphcollapse ensemble er --size 1e5 --grid c=1:4:10 --grid p=0:0.45:10 --samples 5 --plot phase.png
    graphcollapse ensemble er --size 1e4,1e5 --grid c=1.5:4:6 --samples 50 --plot scaling.png --format markdown
    graphcollapse ensemble er ... --scheduler tcp://HOST:8786 --checkpoint er.jsonl   # on a Dask cluster
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from graphcollapse.cli.common import emit
from graphcollapse.errors import InputError

HELP = "collapse in random interaction graphs (Erdős–Rényi, regular, configuration, ...): estimates and the law"
FORMATS = ("text", "json", "markdown")


def add_parser(sub) -> None:
    from graphcollapse.ensembles.names import (DEGREE_LAWS, ENSEMBLE_NAMES as ENSEMBLES, MEAN_METHODS,
                                               PROPORTION_METHODS, REAL_RULES, WEIGHT_RULES)

    parser = sub.add_parser("ensemble", help=HELP, description=(
        "Draw random interaction graphs from an ensemble, decide Theorem A on each, and estimate per parameter "
        "point: the probability that a macroscopic fraction of the models collapses, the fraction given that it "
        "does, the number of closed classes, with confidence intervals, beside the K -> infinity law where it "
        f"is derived. Ensembles: {', '.join(ENSEMBLES)}. Degree laws (configuration): {', '.join(DEGREE_LAWS)}."))
    parser.add_argument("ensemble", metavar="NAME", help="ensemble name or alias (er, cm, pa, ws)")
    parser.add_argument("--size", "-K", action="append", required=True, metavar="K",
                        help="number of models (repeat or comma-separate for several sizes; 1e5 is accepted)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a fixed ensemble parameter, e.g. c=2, d=3, in_law=powerlaw, gamma=2.5")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                        help="a swept parameter (an ensemble parameter or p): START:STOP:NUM or V1,V2,...")
    parser.add_argument("--real-fraction", "-p", type=float, default=0.0, metavar="P",
                        help="fraction of the models that receive real data (default 0)")
    parser.add_argument("--real-rule", choices=REAL_RULES, default="random",
                        help="which models receive real data (default random)")
    parser.add_argument("--real-set", metavar="FILE", help="file of model indices that receive real data "
                                                           "(implies --real-rule set)")
    parser.add_argument("--degrees", metavar="FILE", help="configuration: a file of two integer columns, "
                                                          "in-degree and out-degree per model")
    parser.add_argument("--samples", "-S", type=int, default=10, help="graphs per size and point (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--threshold", type=float, default=0.01,
                        help="a collapse fraction at least this is macroscopic (default 0.01)")
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    parser.add_argument("--interval", choices=PROPORTION_METHODS, default="wilson",
                        help="interval for probabilities (default wilson)")
    parser.add_argument("--mean-interval", choices=MEAN_METHODS, default="t", help="interval for means (default t)")
    parser.add_argument("--giant", action="store_true",
                        help="also measure the fraction downstream of the largest strong component (one more BFS)")
    parser.add_argument("--level", type=float, metavar="L",
                        help="also estimate the fraction of models whose limit exceeds L (units of sigma2/n; "
                             "moderate K only)")
    parser.add_argument("--weights", choices=WEIGHT_RULES, default="uniform", help="weights over sources (limits)")
    parser.add_argument("--real-weight", default="0.5", metavar="A",
                        help="real-data weight of models with real data, or 'source' to treat real data as one "
                             "more source (limits; default 0.5)")
    parser.add_argument("--workers", type=int, help="local worker processes (default: one per CPU)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster (pip install "
                                                               "'graphcollapse[dask]')")
    parser.add_argument("--checkpoint", metavar="FILE", help="append-only record of finished samples; resumes")
    parser.add_argument("--plot", metavar="FILE", help="PNG: phase diagram (two grid parameters) or finite-size "
                                                       "scaling (pip install 'graphcollapse[plot]')")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--json", action="store_true", help="shorthand for --format json")
    parser.set_defaults(run=run)


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{what}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise InputError(f"{what}: {text!r} is not a finite number")
    return value


def _sizes(values: list[str]) -> list[int]:
    out = []
    for text in values:
        for part in text.split(","):
            value = _number(part.strip(), "--size")
            if value != int(value) or value < 2:
                raise InputError(f"--size: {part.strip()!r} is not an integer of at least 2")
            out.append(int(value))
    return out


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"{option}: expected NAME=VALUE, got {text!r}")
        if name.strip() in out:
            raise InputError(f"{option}: {name.strip()!r} given twice")
        out[name.strip()] = value.strip()
    return out


def _grid_values(name: str, text: str) -> list:
    if text.count(":") == 2:
        start, stop, num = text.split(":")
        count = _number(num, f"--grid {name}")
        if count != int(count) or not 1 <= count <= 10_000:
            raise InputError(f"--grid {name}: the number of values must be an integer in 1..10000, got {num!r}")
        values = np.linspace(_number(start, f"--grid {name}"), _number(stop, f"--grid {name}"), int(count))
        return [round(float(v), 12) for v in values]
    if ":" in text:
        raise InputError(f"--grid {name}: expected START:STOP:NUM or V1,V2,..., got {text!r}")
    values = []
    for part in text.split(","):
        part = part.strip()
        try:
            values.append(float(part))
        except ValueError:
            values.append(part)  # a non-numeric value (e.g. a degree law); checked by the ensemble
    return values


def _read_integers(path: str, option: str, columns: int) -> np.ndarray:
    try:
        data = np.loadtxt(path, dtype=np.int64, ndmin=2)
    except OSError as err:
        raise InputError(f"{option}: cannot read {path}: {err.strerror or err}") from None
    except ValueError:
        raise InputError(f"{option}: {path} must hold integers only") from None
    if data.shape[1] != columns and not (columns == 1 and data.size):
        raise InputError(f"{option}: {path} must have {columns} column(s), found {data.shape[1]}")
    return data if columns > 1 else data.ravel()


def _progress():
    """A tqdm bar on a terminal; nothing when stderr is not one or tqdm is missing."""
    if not sys.stderr.isatty():
        return None, lambda: None
    try:
        from tqdm import tqdm
    except ImportError:
        return None, lambda: None
    state: dict = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, initial=done, unit="graph", desc="samples", file=sys.stderr)
        bar.update(done - bar.n)

    return update, lambda: state["bar"].close() if "bar" in state else None


def run(args) -> int:
    from graphcollapse.ensembles import sweep
    from graphcollapse.presentation.reports.ensemble import markdown_report, text_report

    fmt = "json" if args.json else args.format
    sizes = _sizes(args.size)
    params: dict = _pairs(args.param, "--param")
    grid = {name: _grid_values(name, text) for name, text in _pairs(args.grid, "--grid").items()}
    rule, real_set = args.real_rule, None
    if args.real_set:
        rule, real_set = "set", _read_integers(args.real_set, "--real-set", 1)
    if args.degrees:
        degrees = _read_integers(args.degrees, "--degrees", 2)
        params["in_degrees"], params["out_degrees"] = degrees[:, 0], degrees[:, 1]
    real_weight = None if args.real_weight == "source" else _number(args.real_weight, "--real-weight")
    update, close = _progress()
    try:
        table = sweep(args.ensemble, sizes, params=params, grid=grid, samples=args.samples, real_rule=rule,
                      real_fraction=args.real_fraction, real_set=real_set, weights=args.weights,
                      real_weight=real_weight, level=args.level, giant=args.giant, seed=args.seed,
                      threshold=args.threshold, confidence=args.confidence, proportion_method=args.interval,
                      mean_method=args.mean_interval, workers=args.workers, scheduler=args.scheduler,
                      checkpoint=args.checkpoint, progress=update)
    finally:
        close()
    if args.plot:
        from graphcollapse.presentation.ensemble_plots import plot_sweep

        plot_sweep(table, Path(args.plot))
    if fmt == "json":
        emit(json.dumps(table.to_json(), indent=1))
    elif fmt == "markdown":
        emit(markdown_report(table))
    else:
        emit(text_report(table))
    if args.plot and fmt != "json":
        emit(f"plot written to {args.plot}")
    return 0
