"""The interaction graph as a picture: who trains on whom, what collapses, where real data enter.

Data flow from left to right.  Strongly connected components are laid out
in layers of the condensation (a component stands right of everything it
trains on; networkx places the members of a component on a circle, or the
components by Kamada–Kawai when the layers would be too many), each
component of two or more models is boxed, closed classes — components with
no real data and no outside source, the causes of collapse (Theorem A) —
are shaded.  A model's marker says its verdict (blue circle: bounded;
vermillion square: collapses; orange diamond: depends on the symbols), a
green arrow from outside is its real-data inflow ``r_k``, and edge widths
follow the weights ``w_kj``.  Beyond :data:`FULL_VIEW_MAX` models the figure
shows the condensation: one node per component, sized by its members.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from graphcollapse.presentation.plots.inputs import as_system, model_status
from graphcollapse.presentation.plots.style import (BOUNDED, COLLAPSE, CONDITIONAL, NEUTRAL, REAL, figure_style,
                                                    plain, tex_value)

__all__ = ["plot_graph", "FULL_VIEW_MAX", "component_layout"]

#: Graphs with more models than this are drawn as their condensation.
FULL_VIEW_MAX = 50
_LAYER_GAP = 1.7          # layout units between the widest members of neighbouring layers
_STACK_GAP = 1.0
_MAX_LAYERS = 12          # more layers than this: Kamada-Kawai for the component centres
_MAX_ROWS = 14            # components stacked in one column before it folds
_MARKERS = {"bounded": ("o", BOUNDED), "collapses": ("s", COLLAPSE), "conditional": ("D", CONDITIONAL)}
_LABELS = {"bounded": "bounded", "collapses": "collapses", "conditional": "depends on the symbols"}


def _radius(size: int) -> float:
    return 0.0 if size <= 1 else 0.5 + 0.1 * size


def _layers(topology) -> list[int]:
    """Longest-path layer of every component (components are in topological order)."""
    layer = [0] * len(topology.components)
    for c, preds in enumerate(topology.predecessors):
        if preds:
            layer[c] = 1 + max(layer[p] for p in preds)
    return layer


def component_layout(topology, sizes=None) -> np.ndarray:
    """Centres of the components, shape ``(components, 2)``: layered left to right, or Kamada–Kawai.

    Examples
    --------
    >>> from graphcollapse import Topology
    >>> from graphcollapse.examples import load_example
    >>> centres = component_layout(Topology.of(load_example("chain")))
    >>> bool(centres[1, 0] > centres[0, 0])          # B (trains on A) stands right of A
    True
    """
    import networkx as nx

    C = len(topology.components)
    sizes = [len(m) for m in topology.components] if sizes is None else list(sizes)
    radius = [_radius(s) for s in sizes]
    layer = _layers(topology)
    depth = max(layer) + 1 if C else 0
    centres = np.zeros((C, 2))
    if depth <= _MAX_LAYERS or C > 400:
        members = [[c for c in range(C) if layer[c] == L] for L in range(depth)]
        x = 0.0
        for L, column in enumerate(members):
            if L:
                # barycentre ordering: each component near the components it trains on
                column.sort(key=lambda c: (-np.mean([centres[p, 1] for p in topology.predecessors[c]])
                                           if topology.predecessors[c] else 0.0, c))
            # a tall layer is folded into sub-columns of at most _MAX_ROWS components
            for start in range(0, len(column), _MAX_ROWS):
                part = column[start:start + _MAX_ROWS]
                width = max(radius[c] for c in part)
                x += width if (L or start) else 0.0
                heights = [2 * radius[c] + _STACK_GAP for c in part]
                y = sum(heights) / 2 + (0.25 if (start // _MAX_ROWS) % 2 else 0.0)
                for c, h in zip(part, heights):
                    centres[c] = (x, y - h / 2)
                    y -= h
                x += width + (_LAYER_GAP if start + _MAX_ROWS >= len(column) else 0.6)
        return centres
    dag = topology.condensation
    pos = nx.kamada_kawai_layout(dag.to_undirected())
    for c in range(C):
        centres[c] = pos[c]
    gaps = [np.linalg.norm(centres[a] - centres[b]) / (radius[a] + radius[b] + _STACK_GAP)
            for a in range(C) for b in range(a + 1, C)]
    scale = 1.0 / max(min(gaps), 1e-9) if gaps else 1.0
    return centres * scale


def _member_positions(topology, centres) -> np.ndarray:
    import networkx as nx

    K = len(topology.component_of)
    pos = np.zeros((K, 2))
    for c, members in enumerate(topology.components):
        if len(members) == 1:
            pos[members[0]] = centres[c]
            continue
        circle = nx.circular_layout(range(len(members)), scale=_radius(len(members)) - 0.12)
        # start at the top and go clockwise, so a 2-cycle stands upright
        angle = math.pi / 2
        rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        for i, k in enumerate(members):
            pos[k] = centres[c] + rotation @ np.asarray(circle[i])
    return pos


def _weight_value(w):
    """A float for an exact weight, ``None`` when it has symbols."""
    if isinstance(w, sympy.Basic):
        return None if w.free_symbols else float(w)
    return float(w)


def _box(ax, points, pad, closed: bool) -> None:
    from matplotlib.patches import FancyBboxPatch

    lo, hi = points.min(axis=0) - pad, points.max(axis=0) + pad
    style = dict(facecolor=COLLAPSE, alpha=0.12, edgecolor="none") if closed else \
        dict(facecolor="none", edgecolor=NEUTRAL, linestyle=(0, (3, 2)), linewidth=0.8)
    ax.add_patch(FancyBboxPatch(lo, *(hi - lo), boxstyle=f"round,pad=0,rounding_size={pad * 0.8}", zorder=0,
                                **style))
    if closed:
        ax.add_patch(FancyBboxPatch(lo, *(hi - lo), boxstyle=f"round,pad=0,rounding_size={pad * 0.8}",
                                    facecolor="none", edgecolor=COLLAPSE, linewidth=1.6, zorder=0.5))
        ax.text(lo[0] - pad * 0.15, (lo[1] + hi[1]) / 2, "closed class", ha="right", va="center", rotation=90,
                fontsize=7, color=COLLAPSE, style="italic")


def _self_loop(ax, xy, node_radius, width, angle: float) -> None:
    """A loop on the node's side at ``angle``: the model retrains on its own outputs."""
    from matplotlib.patches import FancyArrowPatch

    spread = 0.6
    a = np.asarray(xy) + node_radius * np.array([math.cos(angle + spread), math.sin(angle + spread)])
    b = np.asarray(xy) + node_radius * np.array([math.cos(angle - spread), math.sin(angle - spread)])
    ax.add_patch(FancyArrowPatch(tuple(a), tuple(b), connectionstyle="arc3,rad=-2.1", arrowstyle="-|>",
                                 mutation_scale=8, color=NEUTRAL, linewidth=width, zorder=1))


def _free_angle(taken: list[float], preferred: list[float], clearance: float = math.radians(55)) -> float:
    """The first preferred direction at least ``clearance`` away from those taken, else the freest one."""
    def gap(angle):
        return min((abs((angle - t + math.pi) % (2 * math.pi) - math.pi) for t in taken), default=math.pi)

    for angle in preferred:
        if gap(angle) >= clearance:
            return angle
    return max(preferred, key=gap)


def _real_inflow(ax, xy, r, length, label, node_radius_pt, angle: float = math.radians(200)) -> None:
    from matplotlib.patches import FancyArrowPatch

    value = _weight_value(r)
    width = 1.2 if value is None else 0.8 + 2.6 * value
    tail = (xy[0] + length * math.cos(angle), xy[1] + length * math.sin(angle))
    ax.add_patch(FancyArrowPatch(tail, tuple(xy), arrowstyle="-|>", mutation_scale=9, color=REAL,
                                 linewidth=width, shrinkB=node_radius_pt, zorder=1.5))
    if label:
        text = f"$r={tex_value(r)}$" if value is None or len(tex_value(r)) < 14 else "$r$"
        below = math.sin(angle) <= 0
        ax.text(tail[0], tail[1] + (-0.08 if below else 0.08), text, color=REAL, fontsize=7, ha="center",
                va="top" if below else "bottom")


def _legend(ax, statuses, has_closed: bool, has_component: bool, has_real: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for status in ("collapses", "bounded", "conditional"):
        if status in statuses:
            marker, colour = _MARKERS[status]
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=7, color=colour,
                                  label=_LABELS[status]))
    if has_real:
        handles.append(Line2D([], [], color=REAL, linewidth=2, label=r"real data $r_k$"))
    if has_closed:
        handles.append(Patch(facecolor=(0.835, 0.369, 0.0, 0.12), edgecolor=COLLAPSE, label="closed class"))
    if has_component:
        handles.append(Patch(facecolor="none", edgecolor=NEUTRAL, linestyle="--", label="strong component"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)


def _frame(points: np.ndarray, pad: float) -> tuple[np.ndarray, np.ndarray, float, tuple[float, float]]:
    """Data limits, layout units per inch and figure size, so that one layout unit has one size on paper.

    The drawing area is the points' bounding box plus ``pad`` (loops, labels and
    inflow arrows live there), widened to at least 2.6 x 1.8 inches; the
    figure adds room for the legend (right) and the titles (top).
    """
    lo, hi = points.min(axis=0) - pad, points.max(axis=0) + pad
    units_per_inch = max(1.25, (hi[0] - lo[0]) / 8.0, (hi[1] - lo[1]) / 7.0)
    for axis, least in ((0, 2.6), (1, 1.8)):
        missing = least * units_per_inch - (hi[axis] - lo[axis])
        if missing > 0:
            lo[axis] -= missing / 2
            hi[axis] += missing / 2
    size = ((hi[0] - lo[0]) / units_per_inch + 2.3, (hi[1] - lo[1]) / units_per_inch + 0.9)
    return lo, hi, units_per_inch, size


def _frame_axes(ax, lo, hi) -> None:
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_axis_off()


def plot_graph(source, *, condensed: bool | None = None, values=None, labels: bool | None = None):
    """A figure of the interaction graph with its verdicts (see the module notes).

    Parameters
    ----------
    source : InteractionGraph or System
    condensed : bool, optional
        Draw the condensation (one node per strong component); default when
        the graph has more than :data:`FULL_VIEW_MAX` models.
    values : mapping, optional
        Values for symbols (the figure works with symbols too: edges are then
        labelled with their formulas).
    labels : bool, optional
        Write weights on edges (default: up to 12 models).

    Returns
    -------
    matplotlib.figure.Figure
    """
    system = as_system(source, values)
    if condensed is None:
        condensed = system.graph.K > FULL_VIEW_MAX
    if condensed:
        return _plot_condensation(system)
    return _plot_models(system, labels)


def _title(ax, system, suffix: str = "") -> None:
    graph = system.graph
    name = plain(graph.name) if graph.name else "interaction graph"
    ax.set_title(f"{graph.K} models, {graph.mixing} mixing, {plain(system.estimator.describe())}{suffix}",
                 fontsize=8, color=NEUTRAL)
    ax.figure.suptitle(name, fontsize=10, fontweight="bold")


def _plot_models(system, labels):
    import networkx as nx

    graph, top = system.graph, system.topology
    status = model_status(system)
    K = graph.K
    centres = component_layout(top)
    pos = _member_positions(top, centres)
    small = K <= 12
    labels = small if labels is None else labels
    node_size = 560 if K <= 12 else 380 if K <= 24 else 220
    lo, hi, units_per_inch, size = _frame(pos, 1.1)
    with figure_style() as Figure:
        figure = Figure(figsize=size)
        ax = figure.add_subplot()
        node_radius_pt = math.sqrt(node_size) / 2
        node_radius = node_radius_pt / 72 * units_per_inch
        for c, members in enumerate(top.components):
            if len(members) > 1 or top.closed[c]:
                _box(ax, pos[members], node_radius + 0.18, bool(top.closed[c]))
        G = nx.DiGraph()
        G.add_nodes_from(range(K))
        width_of, edge_labels = {}, {}
        for j, k, w in zip(graph.sources.tolist(), graph.targets.tolist(), graph.weights):
            if isinstance(w, sympy.Basic) and w == 0:
                continue
            G.add_edge(j, k)
            value = _weight_value(w)
            width_of[(j, k)] = 1.2 if value is None else 0.5 + 3.0 * value
            edge_labels[(j, k)] = f"${tex_value(w)}$"
        edges = list(G.edges())
        layout = {k: tuple(pos[k]) for k in range(K)}
        loops = [e for e in edges if e[0] == e[1]]
        edges = [e for e in edges if e[0] != e[1]]
        taken: list[list[float]] = [[] for _ in range(K)]
        for j, k in edges:
            taken[j].append(math.atan2(*(pos[k] - pos[j])[::-1]))
            taken[k].append(math.atan2(*(pos[j] - pos[k])[::-1]))
        loop_angle = {}
        for k, _ in loops:
            c = top.component_of[k]
            outward = pos[k] - centres[c]
            preferred = [math.atan2(outward[1], outward[0])] if np.linalg.norm(outward) > 1e-9 else []
            loop_angle[k] = _free_angle(taken[k], preferred + [math.pi / 2, -math.pi / 2, 0.0, math.pi])
            taken[k].append(loop_angle[k])
            _self_loop(ax, pos[k], node_radius, width_of[(k, k)], loop_angle[k])
        nx.draw_networkx_edges(G, layout, ax=ax, edgelist=edges, width=[width_of[e] for e in edges],
                               edge_color=NEUTRAL, arrowstyle="-|>", arrowsize=9 if K <= 24 else 6,
                               node_size=node_size, connectionstyle="arc3,rad=0.15", hide_ticks=True)
        if labels:
            nx.draw_networkx_edge_labels(G, layout, ax=ax, edge_labels={e: edge_labels[e] for e in edges},
                                         font_size=7, font_color=NEUTRAL, connectionstyle="arc3,rad=0.15",
                                         rotate=False, bbox=dict(boxstyle="round,pad=0.15", facecolor="white",
                                                                 edgecolor="none", alpha=0.9), hide_ticks=True)
            for k, _ in loops:
                at = pos[k] + node_radius * 2.75 * np.array([math.cos(loop_angle[k]), math.sin(loop_angle[k])])
                ax.text(at[0], at[1], edge_labels[(k, k)], fontsize=7, color=NEUTRAL, ha="center", va="center")
        for k in np.flatnonzero(graph.has_real):
            angle = _free_angle(taken[k], [math.radians(a) for a in (200, 160, 225, 135, 250, 110, 270, 90)])
            _real_inflow(ax, pos[k], graph.real[k], 0.75, labels, node_radius_pt, angle)
        for kind, (marker, colour) in _MARKERS.items():
            chosen = [k for k in range(K) if status[k] == kind]
            if chosen:
                ax.scatter(pos[chosen, 0], pos[chosen, 1], s=node_size, marker=marker, c=colour,
                           edgecolors="white", linewidths=1.0, zorder=3)
        font = 8.5 if K <= 12 else 7 if K <= 24 else 5.5
        for k, model in enumerate(graph.ids):
            ax.text(pos[k, 0], pos[k, 1], plain(model), ha="center", va="center", fontsize=font, color="white",
                    fontweight="bold", zorder=4)
        _legend(ax, set(status), bool(top.closed.any()),
                any(len(m) > 1 and not top.closed[c] for c, m in enumerate(top.components)),
                bool(np.asarray(graph.has_real).any()))
        _title(ax, system)
        _frame_axes(ax, lo, hi)
    return figure


def _plot_condensation(system):
    import networkx as nx
    from matplotlib.collections import LineCollection

    graph, top = system.graph, system.topology
    status = model_status(system)
    sizes = [len(m) for m in top.components]
    C = len(sizes)
    comp_status = []
    for members in top.components:
        kinds = {status[k] for k in members}
        comp_status.append("collapses" if kinds == {"collapses"} else "bounded" if kinds == {"bounded"}
                           else "conditional")
    # nodes as points: one layout unit each, whatever the component's size
    centres = component_layout(top, sizes=[1] * C)
    lo, hi, units_per_inch, size = _frame(centres, 0.8)
    area = np.clip(30 + 40 * np.sqrt(sizes), 30, 900) * (1.0 if C <= 60 else 0.35)
    with figure_style() as Figure:
        figure = Figure(figsize=size)
        ax = figure.add_subplot()
        a, b = top.component_edges
        if len(a) <= 300:
            dag = nx.DiGraph()
            dag.add_nodes_from(range(C))
            dag.add_edges_from(zip(a.tolist(), b.tolist()))
            nx.draw_networkx_edges(dag, {c: tuple(centres[c]) for c in range(C)}, ax=ax, edge_color=NEUTRAL,
                                   width=0.7, arrowsize=6, node_size=float(np.median(area)), hide_ticks=True)
        else:
            ax.add_collection(LineCollection(np.stack([centres[a], centres[b]], axis=1), colors=NEUTRAL,
                                             linewidths=0.3, alpha=0.4, zorder=1))
        for kind, (marker, colour) in _MARKERS.items():
            chosen = [c for c in range(C) if comp_status[c] == kind]
            if chosen:
                ring = [COLLAPSE if top.closed[c] else REAL if top.real_data[c] else "white" for c in chosen]
                ax.scatter(centres[chosen, 0], centres[chosen, 1], s=area[chosen], marker=marker, c=colour,
                           edgecolors=ring, linewidths=[2.0 if top.closed[c] or top.real_data[c] else 0.6
                                                        for c in chosen], zorder=3)
        if C <= 60:
            for c, members in enumerate(top.components):
                ids = [graph.ids[k] for k in members]
                text = ", ".join(ids) if len(ids) <= 2 else f"{len(ids)} models"
                ax.text(centres[c, 0], centres[c, 1] - 0.32, plain(text), ha="center", va="top", fontsize=6.5,
                        color=NEUTRAL)
        closed = int(top.closed.sum())
        collapsing = sum(s == "collapses" for s in status)
        _legend(ax, set(comp_status), bool(closed), False, False)
        _title(ax, system, f"\ncondensation: {C} strong components (marker area ~ members; ring: green real data, "
                           f"vermillion closed class)\n{closed} closed classes, {collapsing} of {graph.K} models "
                           "collapse; data flow left to right")
        _frame_axes(ax, lo, hi)
    return figure
