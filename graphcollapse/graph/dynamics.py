"""Interaction that changes over time, and data that is kept: the ``schedule``, ``modes`` and ``memory`` fields.

A graph file describes one interaction graph (the *base*).  Three optional
top-level fields make the process time-varying (docs/theory.md section 6); each is
parsed into an immutable, validated value object, and the three together
into :class:`Dynamics`, which the base graph carries as ``graph.dynamics``
(``None`` when none of them is given, so nothing else in the package changes):

``"schedule"`` (:class:`Schedule`, section 6.1): a deterministic sequence of graphs,
    ``{"prefix": [PHASE, …], "period": [PHASE, …], "growth": GROWTH}``.
    Generation ``t ≥ 1`` uses ``prefix[t-1]`` while ``t ≤ q = len(prefix)``
    and ``period[(t - q - 1) mod p]`` after (``period`` defaults to
    ``[{}]``, the base graph itself).  ``GROWTH`` scales every sample count
    of generation ``t ≥ 1`` by ``g(t)``: ``{"kind": "polynomial", "power":
    a}`` is ``g(t) = t^a``, ``{"kind": "geometric", "ratio": q}`` is
    ``g(t) = q^(t-1)`` (``a ≥ 0`` and ``q ≥ 2`` integers, so counts stay whole).
``"modes"`` (:class:`Modes`, section 6.2): ``[MODE, …]``, one graph drawn per
    generation, i.i.d. with the modes' ``"probability"``, or, with
    ``"switching": {"transition": [[…], …]}``, by a Markov chain whose row
    ``i`` is the law of the next mode after mode ``i``; the modes'
    probabilities are then the law of the mode of generation 1 (default:
    the stationary law, when it is unique).  Symbols are allowed.
``"memory"`` (:class:`Memory`, section 6.3): what a model's training set
    keeps: ``"replace"`` (the paper), ``"accumulate"``, ``{"window": L}``,
    ``{"subsample": m}``, or ``{"kind": …, "real": "fresh" | "pool",
    "design": "fresh" | "fixed"}``.

A PHASE or MODE is an *override* of the base graph: ``{"name", "models":
[{"id", …fields to change…}], "edges": [...]}``.  Listed model fields
replace the base model's (``real`` and ``n_real`` together), ``edges``
replaces every edge when given; the result is validated by the same rules as
any graph (weights in [0, 1] summing to 1, exact parsing), and an error names
the phase or mode before the field.  A full graph (``models`` with every
field, ``edges``) is an override too.

Examples
--------
>>> from graphcollapse.graph import from_dict
>>> g = from_dict({"models": [{"id": "A", "n": 4, "real": 1}, {"id": "B", "n": 4, "real": 1}],
...                "schedule": {"period": [
...                    {"models": [{"id": "A", "real": 0}], "edges": [{"from": "B", "to": "A", "weight": 1}]},
...                    {"models": [{"id": "B", "real": 0}], "edges": [{"from": "A", "to": "B", "weight": 1}]}]},
...                "memory": "replace"})
>>> s = g.dynamics.schedule
>>> s.period_length, [s.graph_at(t).real for t in (1, 2, 3)]
(2, [(0, 1), (1, 0), (0, 1)])
>>> g.dynamics.describe()
'periodic schedule of period 2; memory replace'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Mapping, Sequence

import sympy

import graphcollapse.bounds as bounds
from graphcollapse.errors import InputError
from graphcollapse.numbers.domain import NumberDomain
from graphcollapse.numbers.parse import to_exact

__all__ = ["Dynamics", "Schedule", "Growth", "Modes", "Memory", "parse_dynamics", "DYNAMICS_KEYS", "scaled",
           "has_dynamics"]

#: Top-level graph-file fields that make the process time-varying.
DYNAMICS_KEYS = ("schedule", "modes", "switching", "memory")
_PHASE_KEYS = {"name", "models", "edges"}
_MODE_KEYS = _PHASE_KEYS | {"probability"}
_SCHEDULE_KEYS = {"prefix", "period", "growth"}
_MEMORY_KINDS = ("replace", "accumulate", "window", "subsample")
_MEMORY_KEYS = {"kind", "window", "subsample", "real", "design"}
_LINKED = ({"real", "n_real"},)  # fields an override replaces together


# ----------------------------------------------------------------------- growth
@dataclass(frozen=True)
class Growth:
    """Growing sample sizes: every count of generation ``t ≥ 1`` is multiplied by ``g(t)``.

    ``polynomial``: ``g(t) = t^power``; ``geometric``: ``g(t) = ratio^(t-1)``.

    Examples
    --------
    >>> Growth("polynomial", power=1).factor(5), Growth("geometric", ratio=2).factor(4)
    (5, 8)
    >>> Growth("polynomial", power=1).noise_sum_kind, Growth("polynomial", power=2).noise_sum_kind
    ('log', 'bounded')
    """

    kind: str
    power: int | None = None
    ratio: int | None = None

    def factor(self, t: int) -> sympy.Integer:
        """``g(t)`` for a generation ``t ≥ 1``."""
        if self.kind == "polynomial":
            return sympy.Integer(t) ** self.power
        return sympy.Integer(self.ratio) ** (t - 1)

    @property
    def noise_sum_kind(self) -> str:
        """How ``Σ_{s ≤ t} 1/g(s)`` behaves: ``"linear"``, ``"log"`` or ``"bounded"`` (it converges)."""
        if self.kind == "geometric" or self.power >= 2:
            return "bounded"
        return "log" if self.power == 1 else "linear"

    def to_dict(self) -> dict:
        return {"kind": "polynomial", "power": self.power} if self.kind == "polynomial" else \
            {"kind": "geometric", "ratio": self.ratio}

    def describe(self) -> str:
        return f"n(t) = n t^{self.power}" if self.kind == "polynomial" else f"n(t) = n {self.ratio}^(t-1)"


# ---------------------------------------------------------------------- schedule
@dataclass(frozen=True, eq=False)
class Schedule:
    """A deterministic schedule: a finite ``prefix`` of graphs, then a ``period`` repeated forever.

    Attributes
    ----------
    prefix, period : tuple of InteractionGraph
        The graphs of generations ``1 … q`` and of every period after them.
    names : tuple of str
        ``prefix`` names first, then ``period`` names.
    growth : Growth or None
    """

    prefix: tuple
    period: tuple
    names: tuple
    growth: Growth | None = None

    @property
    def period_length(self) -> int:
        return len(self.period)

    @property
    def prefix_length(self) -> int:
        return len(self.prefix)

    @property
    def phases(self) -> tuple:
        """Every distinct graph: the prefix's, then the period's."""
        return self.prefix + self.period

    def phase_index(self, t: int) -> int:
        """Position in :attr:`phases` of the graph of generation ``t ≥ 1``."""
        if t < 1:
            raise InputError(f"the schedule starts at generation 1, not {t}")
        q = len(self.prefix)
        return t - 1 if t <= q else q + (t - q - 1) % len(self.period)

    def phase_name(self, t: int) -> str:
        return self.names[self.phase_index(t)]

    def factor(self, t: int) -> sympy.Integer:
        """``g(t)`` (1 without growth)."""
        return sympy.Integer(1) if self.growth is None else self.growth.factor(t)

    def graph_at(self, t: int):
        """The graph of generation ``t ≥ 1``, its sample counts scaled by ``g(t)``."""
        return self._scaled(self.phase_index(t), self.factor(t))

    def _scaled(self, index: int, factor):
        cache = self.__dict__.setdefault("_cache", {})
        key = (index, factor)
        if key not in cache:
            graph = self.phases[index]
            cache[key] = graph if factor == 1 else scaled(graph, factor)
        return cache[key]

    @property
    def is_static(self) -> bool:
        """One graph, no prefix, no growth (the schedule is the base process)."""
        return not self.prefix and len(self.period) == 1 and self.growth is None


def scaled(graph, factor):
    """``graph`` with every per-generation sample count (``n``, ``n_real``, edge ``n``) times ``factor``.

    Weights and generation-0 sizes ``n0`` do not change.
    """
    def times(values):
        return None if values is None else tuple(None if v is None else v * factor for v in values)

    return graph._replace(n=times(graph.n), n_real=times(graph.n_real), edge_n=times(graph.edge_n),
                          n0=tuple(graph.n0) if graph.n0 is not None else None, dynamics=None)


# ------------------------------------------------------------------------- modes
@dataclass(frozen=True, eq=False)
class Modes:
    """Randomly drawn interaction: one of ``graphs`` per generation.

    Attributes
    ----------
    graphs : tuple of InteractionGraph
    names : tuple of str
    probabilities : tuple or None
        i.i.d.: the law of every generation's mode.  Markov: the law of the
        mode of generation 1 (``None``: the stationary law of ``transition``).
    transition : sympy.ImmutableMatrix or None
        Markov switching: ``transition[i, j] = P(mode(t+1) = j | mode(t) = i)``.
    """

    graphs: tuple
    names: tuple
    probabilities: tuple | None
    transition: Any = None

    @property
    def switching(self) -> str:
        """``"iid"`` or ``"markov"``."""
        return "iid" if self.transition is None else "markov"

    @property
    def count(self) -> int:
        return len(self.graphs)

    @cached_property
    def union_support(self):
        """``(support, has_real)`` of the union graph: an edge or real data present in some mode."""
        support = self.graphs[0].support.astype(bool)
        has_real = self.graphs[0].has_real.copy()
        for g in self.graphs[1:]:
            support = (support + g.support).astype(bool)
            has_real |= g.has_real
        return support, has_real


# ------------------------------------------------------------------------ memory
@dataclass(frozen=True)
class Memory:
    """What a model's training set keeps from one generation to the next (docs/theory.md 6.3).

    ``kind``: ``replace`` (only the new batch), ``accumulate`` (every batch
    since generation 0), ``window`` (the last ``window`` batches) or
    ``subsample`` (a uniform subsample without replacement of ``subsample``
    points of the accumulated pool).  ``real``: ``fresh`` real samples in
    every batch, or one fixed ``pool``: model ``k``'s real samples of every
    batch are the first ``n_real_k`` of its generation-0 samples (so they are
    kept in the pool once).  ``design`` (``linear_regression``): a ``fresh``
    Gaussian design per batch, or each model's design drawn once and reused
    by every batch (``fixed``, Gerstgrasser et al.'s setting).

    Examples
    --------
    >>> Memory("window", window=3).describe(), Memory().is_replace
    ('window of 3 batches', True)
    """

    kind: str = "replace"
    window: int | None = None
    subsample: int | None = None
    real: str = "fresh"
    design: str = "fresh"

    @property
    def is_replace(self) -> bool:
        """The paper's process: fresh batches, nothing kept (fixed designs still count as a change)."""
        return self.kind == "replace" and self.real == "fresh" and self.design == "fresh"

    def to_dict(self) -> dict | str:
        if self.real == "fresh" and self.design == "fresh" and self.kind in ("replace", "accumulate"):
            return self.kind
        out: dict = {"kind": self.kind}
        if self.window is not None:
            out["window"] = self.window
        if self.subsample is not None:
            out["subsample"] = self.subsample
        out["real"] = self.real
        if self.design != "fresh":
            out["design"] = self.design
        return out

    def describe(self) -> str:
        text = {"replace": "replace", "accumulate": "accumulate", "window": f"window of {self.window} batches",
                "subsample": f"accumulate-subsample of {self.subsample} points"}[self.kind]
        if self.real == "pool":
            text += ", one fixed real pool"
        if self.design == "fixed":
            text += ", fixed design"
        return text


# ---------------------------------------------------------------------- dynamics
@dataclass(frozen=True, eq=False)
class Dynamics:
    """The time-varying part of a graph file: a :class:`Schedule` or :class:`Modes`, and a :class:`Memory`."""

    schedule: Schedule | None = None
    modes: Modes | None = None
    memory: Memory = field(default_factory=Memory)

    @property
    def kind(self) -> str:
        """``"schedule"``, ``"iid"``, ``"markov"`` or ``"static"`` (memory only)."""
        if self.schedule is not None:
            return "schedule"
        if self.modes is not None:
            return self.modes.switching
        return "static"

    def describe(self) -> str:
        parts = []
        if self.schedule is not None:
            s = self.schedule
            head = f"{s.prefix_length} prefix generations, then " if s.prefix else ""
            parts.append(f"{head}periodic schedule of period {s.period_length}"
                         + (f", growing samples {s.growth.describe()}" if s.growth else ""))
        if self.modes is not None:
            m = self.modes
            parts.append(f"{m.count} modes, " + ("i.i.d." if m.switching == "iid" else "Markov switching"))
        parts.append(f"memory {self.memory.describe()}")
        return "; ".join(parts)

    @property
    def graphs(self) -> tuple:
        """Every graph the process uses besides the base (phases or modes)."""
        if self.schedule is not None:
            return self.schedule.phases
        if self.modes is not None:
            return self.modes.graphs
        return ()

    @property
    def law(self) -> tuple:
        """The mode probabilities and the transition entries (each a probability; ``()`` without modes)."""
        if self.modes is None:
            return ()
        out = tuple(self.modes.probabilities or ())
        if self.modes.transition is not None:
            out += tuple(self.modes.transition)
        return out

    @property
    def free_symbols(self) -> set:
        found: set = set()
        for g in self.graphs:
            found |= g.free_symbols
        if self.modes is not None:
            for p in self.modes.probabilities or ():
                found |= p.free_symbols
            if self.modes.transition is not None:
                found |= self.modes.transition.free_symbols
        return found

    # ------------------------------------------------------------ conversions
    def to_dict(self) -> dict:
        """The graph-file fields (phases and modes written as full graphs)."""
        def phase(graph, name, extra=None):
            data = graph.to_dict()
            entry = {"name": name, "models": data["models"], "edges": data["edges"]}
            entry.update(extra or {})
            return entry

        out: dict = {}
        if self.schedule is not None:
            s = self.schedule
            q = s.prefix_length
            section: dict = {"period": [phase(g, n) for g, n in zip(s.period, s.names[q:])]}
            if s.prefix:
                section["prefix"] = [phase(g, n) for g, n in zip(s.prefix, s.names[:q])]
            if s.growth is not None:
                section["growth"] = s.growth.to_dict()
            out["schedule"] = section
        if self.modes is not None:
            m = self.modes
            probs = m.probabilities or (None,) * m.count
            out["modes"] = [phase(g, n, None if p is None else {"probability": _text(p)})
                            for g, n, p in zip(m.graphs, m.names, probs)]
            if m.transition is not None:
                out["switching"] = {"transition": [[_text(v) for v in row] for row in m.transition.tolist()]}
        if not self.memory.is_replace or out:
            out["memory"] = self.memory.to_dict()
        return out

    def map_graphs(self, fn) -> "Dynamics":
        """The same dynamics with ``fn`` applied to every phase or mode graph."""
        schedule = modes = None
        if self.schedule is not None:
            s = self.schedule
            schedule = replace(s, prefix=tuple(fn(g) for g in s.prefix), period=tuple(fn(g) for g in s.period))
        if self.modes is not None:
            modes = replace(self.modes, graphs=tuple(fn(g) for g in self.modes.graphs))
        return Dynamics(schedule, modes, self.memory)

    def subs(self, mapping: Mapping, values: Mapping) -> "Dynamics":
        """Substitute symbols (``mapping``: Symbol to exact value; ``values``: the caller's raw values)."""
        out = self.map_graphs(lambda g: g.subs(values))
        if self.modes is not None:
            m = out.modes
            probs = None if m.probabilities is None else tuple(p.xreplace(mapping) for p in m.probabilities)
            trans = None if m.transition is None else sympy.ImmutableMatrix(m.transition.xreplace(mapping))
            out = Dynamics(out.schedule, replace(m, probabilities=probs, transition=trans), out.memory)
            _check_law(out.modes, "modes")
        return out


def _text(value):
    return int(value) if isinstance(value, sympy.Integer) else str(value)


# ----------------------------------------------------------------------- parsing
def parse_dynamics(data: Mapping, base, build) -> Dynamics | None:
    """The :class:`Dynamics` of a graph file, or ``None`` when it has none of its fields.

    Parameters
    ----------
    data : mapping
        The whole graph file.
    base : InteractionGraph
        The base graph, already validated.
    build : callable
        ``build(mapping) -> InteractionGraph``: the schema's own builder, for the overrides.
    """
    present = [key for key in DYNAMICS_KEYS if key in data]
    if not present:
        return None
    if "schedule" in data and "modes" in data:
        raise InputError('graph: give "schedule" or "modes", not both')
    if "switching" in data and "modes" not in data:
        raise InputError('graph: "switching" needs "modes"')
    memory = _memory(data.get("memory", "replace"))
    schedule = _schedule(data["schedule"], data, build) if "schedule" in data else None
    modes = _modes(data["modes"], data.get("switching"), data, base, build) if "modes" in data else None
    return Dynamics(schedule, modes, memory)


def _override(base_data: Mapping, phase: Mapping, where: str, keys, build):
    """Build the graph of one phase or mode: the base with ``phase``'s fields, validated."""
    if not isinstance(phase, Mapping):
        raise InputError(f"{where}: must be an object with \"models\" and/or \"edges\"")
    extra = set(phase) - set(keys)
    if extra:
        raise InputError(f"{where}: unknown field {sorted(extra)[0]!r} (known: {', '.join(sorted(keys))})")
    models = [dict(m) for m in base_data.get("models", [])]
    by_id = {str(m.get("id")): m for m in models}
    changes = phase.get("models", [])
    if not isinstance(changes, (list, tuple)):
        raise InputError(f'{where}: "models" must be a list')
    seen = set()
    for position, change in enumerate(changes):
        if not isinstance(change, Mapping) or "id" not in change:
            raise InputError(f"{where}: model #{position + 1} must be an object with an \"id\"")
        model_id = str(change["id"])
        if model_id not in by_id:
            raise InputError(f"{where}: unknown model {model_id!r} (a phase or mode changes the base's models; "
                             "it cannot add one)")
        if model_id in seen:
            raise InputError(f"{where}: model {model_id!r} listed twice")
        seen.add(model_id)
        target = by_id[model_id]
        for group in _LINKED:
            if group & set(change):
                for key in group:
                    target.pop(key, None)
        target.update({k: v for k, v in change.items() if k != "id"})
    layout = {key: base_data[key] for key in ("name", "mixing", "symbols", "estimator") if key in base_data}
    layout["models"] = models
    layout["edges"] = phase.get("edges", base_data.get("edges", []))
    try:
        return build(layout)
    except InputError as err:
        raise type(err)(f"{where}: {err}") from None


def _named_list(value, where: str) -> list:
    if not isinstance(value, (list, tuple)) or not value:
        raise InputError(f"{where}: must be a non-empty list")
    return list(value)


def _name(entry, default: str, where: str, taken: list, what: str) -> str:
    """The entry's ``"name"`` (or ``default``), unique among ``taken`` (appended to it)."""
    name = entry.get("name", default) if isinstance(entry, Mapping) else default
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}: \"name\" must be a non-empty string")
    if name in taken:
        raise InputError(f"{what}: two entries named {name!r}")
    taken.append(name)
    return name


def _schedule(section, data, build) -> Schedule:
    if not isinstance(section, Mapping):
        raise InputError('"schedule" must be an object with "period", "prefix" and/or "growth"')
    extra = set(section) - _SCHEDULE_KEYS
    if extra:
        raise InputError(f"schedule: unknown field {sorted(extra)[0]!r} (known: {', '.join(sorted(_SCHEDULE_KEYS))})")
    prefix_raw = _named_list(section["prefix"], "schedule prefix") if "prefix" in section else []
    period_raw = _named_list(section["period"], "schedule period") if "period" in section else [{}]
    bounds.check("phases", len(prefix_raw) + len(period_raw), "schedule phases (prefix and period)")
    names, prefix, period = [], [], []
    for kind, raw, out in (("prefix", prefix_raw, prefix), ("period", period_raw, period)):
        for i, entry in enumerate(raw):
            name = _name(entry, f"{kind} {i + 1}", f"schedule {kind} #{i + 1}", names, "schedule")
            out.append(_override(data, entry, f"schedule {kind} phase {name!r}", _PHASE_KEYS, build))
    growth = _growth(section["growth"]) if "growth" in section else None
    return Schedule(tuple(prefix), tuple(period), tuple(names), growth)


#: Largest power of a polynomial growth of the sample counts, ``n_k(t) = n_k t^power``.
MAX_GROWTH_POWER = 64


def _growth(raw) -> Growth:
    if not isinstance(raw, Mapping) or raw.get("kind") not in ("polynomial", "geometric"):
        raise InputError('schedule growth: expected {"kind": "polynomial", "power": a} or '
                         '{"kind": "geometric", "ratio": q}')
    key = "power" if raw["kind"] == "polynomial" else "ratio"
    extra = set(raw) - {"kind", key}
    if extra:
        raise InputError(f"schedule growth: unknown field {sorted(extra)[0]!r} (known: kind, {key})")
    value = to_exact(raw.get(key), {}, where=f"schedule growth {key}") if key in raw else None
    least = 0 if key == "power" else 2
    if value is None or not value.is_Integer or value < least:
        raise InputError(f"schedule growth {key}: must be an integer >= {least} (sample counts stay whole), "
                         f"got {raw.get(key)!r}")
    # A power beyond this makes every count of a long run a number of millions of bits, with no new behaviour:
    # the recursion's kind (log, linear, convergent) is settled by power 2 already.
    if key == "power" and value > MAX_GROWTH_POWER:
        raise InputError(f"schedule growth power: at most {MAX_GROWTH_POWER}, got {raw.get(key)!r}")
    return Growth(raw["kind"], **{key: int(value)})


def _modes(raw, switching, data, base, build) -> Modes:
    entries = _named_list(raw, "modes")
    bounds.check("phases", len(entries), "modes")
    symbols = {s.name: s for s in base.symbols}
    names, graphs, probabilities = [], [], []
    for i, entry in enumerate(entries):
        name = _name(entry, f"mode {i + 1}", f"mode #{i + 1}", names, "modes")
        graphs.append(_override(data, entry, f"mode {name!r}", _MODE_KEYS, build))
        value = entry.get("probability") if isinstance(entry, Mapping) else None
        probabilities.append(None if value is None else to_exact(value, symbols, where=f"mode {name!r} probability"))
    given = [p is not None for p in probabilities]
    if any(given) and not all(given):
        raise InputError(f"mode {names[given.index(False)]!r}: give a probability for every mode or for none")
    transition = None
    if switching is not None:
        transition = _transition(switching, len(entries), symbols)
    elif not all(given):
        raise InputError(f"mode {names[0]!r}: i.i.d. modes need a \"probability\" each (or give \"switching\")")
    modes = Modes(tuple(graphs), tuple(names), tuple(probabilities) if all(given) else None, transition)
    _check_law(modes, "modes")
    return modes


def _transition(section, count: int, symbols) -> sympy.ImmutableMatrix:
    if not isinstance(section, Mapping) or set(section) - {"transition"} or "transition" not in section:
        raise InputError('"switching" must be {"transition": [[...], ...]} (row i: the law of the next mode)')
    rows = section["transition"]
    if not isinstance(rows, (list, tuple)) or len(rows) != count or \
            any(not isinstance(r, (list, tuple)) or len(r) != count for r in rows):
        raise InputError(f"switching transition: must be a {count} x {count} list of lists (one row per mode)")
    return sympy.ImmutableMatrix([[to_exact(v, symbols, where=f"switching transition row {i + 1}") for v in row]
                                  for i, row in enumerate(rows)])


def _check_law(modes: Modes, where: str) -> None:
    """Probabilities in [0, 1] summing to 1 (decided exactly; symbolic ones are constrained by the region)."""
    laws = []
    if modes.probabilities is not None:
        laws.append((f"{where} probabilities", modes.probabilities))
    if modes.transition is not None:
        laws += [(f"switching transition row {i + 1}", tuple(modes.transition.row(i)))
                 for i in range(modes.transition.rows)]
    for label, values in laws:
        domain = NumberDomain.from_expressions(list(values), tuple(set().union(*(v.free_symbols for v in values))))
        for v in values:
            if not v.free_symbols and (domain.sign(v) < 0 or domain.sign(v - 1) > 0):
                raise InputError(f"{label}: {v} is not a probability (outside [0, 1])")
        total = sum(values, sympy.Integer(0))
        if not domain.is_zero(total - 1):
            raise InputError(f"{label}: sum to {domain.canonical(total)}, not 1")


def _memory(raw) -> Memory:
    if isinstance(raw, str):
        if raw not in ("replace", "accumulate"):
            raise InputError(f'memory: "{raw}" is not a memory; use "replace", "accumulate", {{"window": L}} or '
                             '{"subsample": m}')
        return Memory(raw)
    if not isinstance(raw, Mapping):
        raise InputError('memory: expected "replace", "accumulate", {"window": L} or {"subsample": m}')
    extra = set(raw) - _MEMORY_KEYS
    if extra:
        raise InputError(f"memory: unknown field {sorted(extra)[0]!r} (known: {', '.join(sorted(_MEMORY_KEYS))})")
    kind = raw.get("kind")
    if kind is None:
        kind = "window" if "window" in raw else "subsample" if "subsample" in raw else "replace"
    if kind not in _MEMORY_KINDS:
        raise InputError(f"memory kind: must be one of {', '.join(_MEMORY_KINDS)}, not {kind!r}")
    sizes = {}
    for key in ("window", "subsample"):
        if key in raw and kind != key:
            raise InputError(f"memory: {key!r} belongs to the kind {key!r}, not {kind!r}")
        if kind == key:
            value = to_exact(raw.get(key), {}, where=f"memory {key}") if key in raw else None
            if value is None or not value.is_Integer or value < 1:
                raise InputError(f"memory {key}: must be a positive integer, got {raw.get(key)!r}")
            sizes[key] = int(value)
    real = raw.get("real", "fresh")
    if real not in ("fresh", "pool"):
        raise InputError(f'memory real: must be "fresh" or "pool", not {real!r}')
    design = raw.get("design", "fresh")
    if design not in ("fresh", "fixed"):
        raise InputError(f'memory design: must be "fresh" or "fixed", not {design!r}')
    return Memory(kind, sizes.get("window"), sizes.get("subsample"), real, design)


def has_dynamics(graph) -> bool:
    """Whether the graph's process differs from the paper's (a schedule, modes, or memory other than replace)."""
    d = getattr(graph, "dynamics", None)
    return d is not None and (d.schedule is not None or d.modes is not None or not d.memory.is_replace)


def phase_names(dynamics: Dynamics | None) -> Sequence[str]:
    """Names of the phases of a schedule's period (one limit each), else ``()``."""
    if dynamics is None or dynamics.schedule is None:
        return ()
    s = dynamics.schedule
    return s.names[s.prefix_length:]
