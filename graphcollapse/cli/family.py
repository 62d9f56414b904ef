"""``graphcollapse family NAME``: closed forms in the family size ``K``, per position class.

Examples::

    graphcollapse family complete --self-loops --real alpha --estimator '{"family": "gaussian_mean", "sigma2": "s"}'
    graphcollapse family star --direction out --real-at hub --format latex
    graphcollapse family path --real-at all --size 6          # the forms at K = 6, checked against analyze
    graphcollapse family cycle --direction bidirected --simulate
    graphcollapse family all --real 1/2 --format markdown     # the classification table
"""

from __future__ import annotations

import json

from graphcollapse.cli.common import FORMATS, emit, output_format, parse_estimator, parse_subs
from graphcollapse.errors import InputError

HELP = "graph families: verdicts, limits and growth rates as exact functions of the size K (or a table of all)"


def add_parser(sub) -> None:
    from graphcollapse.families.names import BUILTIN_FAMILIES as FAMILIES

    parser = sub.add_parser("family", help=HELP, description=(
        "Analyse a graph family in a symbolic size K: for every position class, the collapse verdict and "
        "condition, the limit or growth rate as an exact function of K (and of the distance i from the real "
        "data on paths and trees), and its behaviour as K grows. Forms are derived from the symmetry where one "
        "applies (orbit quotient, Fourier basis, recursion by position), otherwise fitted to exact values and "
        "printed as conjectures with the sizes that verify them. 'all' prints the classification table of the "
        f"built-in families. Families: {', '.join(FAMILIES)}."))
    parser.add_argument("family", metavar="NAME", help=f"one of {', '.join(FAMILIES)}, or 'all'")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--size", type=int, metavar="K", help="evaluate the forms at this size (and check them there)")
    size.add_argument("--size-symbol", default=None, metavar="NAME", help="name of the size in the output (default K)")
    rule = parser.add_argument_group("weights, real data, sizes (formulas may use any new name and K)")
    rule.add_argument("--real", default="alpha", metavar="EXPR", help="real-data weight where real data go "
                                                                      "(default alpha)")
    rule.add_argument("--real-at", metavar="POS", help="which positions receive real data (family-specific)")
    rule.add_argument("--self-loops", action="store_true", help="every model also trains on itself")
    rule.add_argument("--self-weight", metavar="EXPR", help="weight of the self-loop (implies --self-loops)")
    rule.add_argument("--n", default="n", metavar="EXPR", help="samples per generation (default n)")
    rule.add_argument("--n0", metavar="EXPR", help="generation-0 real samples (default n)")
    rule.add_argument("--n-real", metavar="EXPR", help="real samples (weighted mixing)")
    rule.add_argument("--sigma2", metavar="EXPR", help="variance of the synthetic data every model generates")
    rule.add_argument("--mixing", choices=("pooled", "weighted"), default="pooled")
    rule.add_argument("--estimator", metavar="SPEC", help="estimator: a family name or a JSON object")
    rule.add_argument("--symbols", metavar="NAMES", default="",
                      help="comma-separated names used only inside --estimator (e.g. s for sigma2)")
    opts = parser.add_argument_group("family options")
    opts.add_argument("--direction", help="star: both, in, out; bipartite: both, a_to_b, b_to_a; "
                                          "cycle, path: directed, bidirected")
    opts.add_argument("--offsets", help="circulant: comma-separated offsets s (model k trains on k - s)")
    opts.add_argument("--arity", help="tree: children per node")
    opts.add_argument("--flow", choices=("down", "up"), help="tree: down (real data at the root) or up (at the leaves)")
    opts.add_argument("--other", help="bipartite: size of side b (c*K + d, default K)")
    parser.add_argument("--subs", metavar="NAME=VALUE", action="append", default=[],
                        help="give symbols values, e.g. --subs alpha=1/3 (repeatable)")
    parser.add_argument("--check", type=int, default=4, metavar="N", help="sizes at which every derived form is "
                                                                         "compared with the single-graph analysis")
    parser.add_argument("--up-to", type=int, default=12, metavar="N", help="largest size analysed for a guess")
    parser.add_argument("--simulate", action="store_true", help="also test the forms at one size against the "
                                                                "simulator (symbols at an interior point)")
    parser.add_argument("--replications", "-R", type=int, default=2000)
    parser.add_argument("--generations", "-T", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=FORMATS, default=None, help="output format (default: text)")
    parser.add_argument("--json", action="store_true", help="shorthand for --format json")
    parser.set_defaults(run=run)


def _options(args) -> dict:
    out = {}
    for key in ("direction", "offsets", "arity", "flow", "other"):
        value = getattr(args, key)
        if value is not None:
            out[key] = value
    return out


def _rule(args):
    from graphcollapse.families import Rule

    symbols = tuple(s.strip() for s in args.symbols.split(",") if s.strip())
    rule = Rule.of(real=args.real, self_loops=args.self_loops or args.self_weight is not None,
                   self_weight=args.self_weight, n=args.n, n0=args.n0, n_real=args.n_real, sigma2=args.sigma2,
                   mixing=args.mixing, estimator=parse_estimator(args.estimator), symbols=symbols)
    values = parse_subs(args.subs)
    return rule.subs(values) if values else rule


def run(args) -> int:
    from graphcollapse.families import FAMILIES, family
    from graphcollapse.families.classify import analyze_family, classify, simulation_check
    from graphcollapse.families.concrete import Concrete, same
    from graphcollapse.presentation.reports.families import (classification_report, family_report, family_to_dict,
                                                             size_report)

    fmt = output_format(args)
    if args.size_symbol is not None and (not args.size_symbol.isidentifier() or args.size_symbol in ("i", "t", "z")):
        raise InputError(f"--size-symbol: {args.size_symbol!r} is not a usable name")
    rule = _rule(args)
    if args.family == "all":
        if _options(args) or args.real_at or args.size is not None or args.simulate:
            raise InputError("family all: the table uses each family's default options; drop the family options, "
                             "--real-at, --size and --simulate")
        table = classify(rule, check=min(args.check, 3))
        if fmt == "json":
            emit(json.dumps({"schema": "graphcollapse/family_table/2", "rule": rule.describe(),
                             "rows": [{k: (None if v is None else str(v))
                                                                for k, v in row.items()} for row in table.rows()],
                             "failures": [list(f) for f in table.failures]}, indent=1))
        else:
            emit(classification_report(table, fmt, args.size_symbol))
        return 0
    if args.family not in FAMILIES:
        raise InputError(f"unknown family {args.family!r} (known: {', '.join(FAMILIES)}, all)")
    fam = family(args.family, rule=rule, real_at=args.real_at, options=_options(args))
    result = analyze_family(fam, check=args.check, up_to=args.up_to)
    simulation = None
    if args.simulate:
        simulation = simulation_check(result, size=args.size, generations=args.generations,
                                      replications=args.replications, seed=args.seed)
    if args.size is not None:
        concrete = Concrete(fam)
        checks = {}
        for cls in result.classes:
            form = cls.slope if cls.collapses else cls.limit
            for label, members in fam.classes(args.size).items():
                if form is None or form.expr is None:
                    continue
                if cls.by_position or label == cls.label:
                    i = int(label.split("=")[1]) if cls.by_position else None
                    model = concrete.analysis(args.size).models[members[0]]
                    truth = model.slope if cls.collapses else model.limit
                    checks[label] = same(truth, form.at(args.size, i))
        if fmt == "json":
            data = family_to_dict(result)
            data["at_size"] = {"K": args.size, "checks": checks}
            data["simulation"] = simulation
            emit(json.dumps(data, indent=1))
        else:
            emit(size_report(result, args.size, fmt, check=checks))
    elif fmt == "json":
        data = family_to_dict(result)
        data["simulation"] = simulation
        emit(json.dumps(data, indent=1))
    else:
        emit(family_report(result, fmt, args.size_symbol))
    if simulation is not None and fmt != "json":
        verdict = "agrees" if simulation["passed"] else "DISAGREES"
        emit(f"\nsimulation at K = {simulation['K']} ({simulation['replications']} replications, "
             f"{simulation['generations']} generations, seed {simulation['seed']}, symbols {simulation['point']}): "
             f"{verdict} ({simulation['tests']} Holm-corrected tests)")
        for failure in simulation["failures"]:
            emit(f"  {failure}")
    return 0 if simulation is None or simulation["passed"] else 1
