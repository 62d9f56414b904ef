"""Phase diagrams: where a model collapses over one or two symbolic weights, and its limit elsewhere.

The collapse region is the exact collapse predicate
(:attr:`System.predicate <graphcollapse.system.System.predicate>`), never a
simulation or a float verdict; the valid region is where every weight lies
in ``[0, 1]``.  Both are Boolean formulas in relations between polynomials
of the symbols, so (see :mod:`.exact_signs`):

* **one symbol**: the real roots of every polynomial in ``[0, 1]`` are
  computed exactly and split the interval into points and open intervals;
  the predicate, the validity and the piece of a ``Piecewise`` limit are
  decided exactly on each (at the algebraic point, at a rational point
  inside each interval).  Collapsing points are marked where they stand,
  collapsing intervals shaded, the limit drawn as a curve elsewhere.
* **two symbols**: full-dimensional regions are shaded from the exact
  sign vector at every pixel centre (a rational point); the zero curves
  of the predicate's polynomials are drawn from their own equations
  (solved for one symbol where it enters linearly, so the sample points
  are exact rationals; contoured otherwise) and coloured by the exact
  truth of the predicate on them; the points where two curves meet are
  solved exactly and marked when the verdict there differs.  The limit is
  a heatmap over the valid region where the model stays bounded.

Symbols that are not weights (sample sizes, variances) do not change the
verdict; they are fixed at the values given (default 1, printed on the
figure) for the limit.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from graphcollapse.errors import GraphCollapseError, InputError, UnsupportedError
from graphcollapse.presentation.plots.exact_signs import SignTable, rational_between
from graphcollapse.presentation.plots.inputs import as_system, chosen_models, symbols_in_use
from graphcollapse.presentation.plots.style import (COLLAPSE, NEUTRAL, error_label, figure_style, math_id, plain,
                                                    tex_value)

__all__ = ["plot_phase", "DEFAULT_RESOLUTION"]

#: Pixels per axis of a two-symbol phase diagram.
DEFAULT_RESOLUTION = 160
_INVALID = "#D9D9D9"
_CURVE_SAMPLES = 801


def _validity(graph) -> sympy.Boolean:
    conditions = []
    for w in (*graph.weights, *graph.real):
        if w.free_symbols:
            conditions += [sympy.GreaterThan(w, 0, evaluate=False), sympy.LessThan(w, 1, evaluate=False)]
    return sympy.And(*conditions)


def _pieces(limit) -> list[tuple[sympy.Expr, sympy.Boolean]]:
    if limit is None:
        return []
    if isinstance(limit, sympy.Piecewise):
        return [(expr, cond) for expr, cond in limit.args]
    return [(limit, sympy.true)]


def _predicate_text(predicate, symbols) -> str:
    if predicate is sympy.true:
        return "collapses for every value"
    if predicate is sympy.false:
        return "never collapses"
    text = sympy.latex(predicate)
    if len(text) > 90:
        return "collapses on the marked set"
    return f"collapses iff ${text}$"


class _Model:
    """One model's formulas in a shared :class:`SignTable`: predicate, validity, limit pieces."""

    def __init__(self, table: SignTable, predicate_index: int, valid_index: int, pieces, symbols):
        self.table, self.predicate, self.valid = table, predicate_index, valid_index
        self.pieces = pieces                     # [(formula index of the condition, expr)]
        self.functions = [sympy.lambdify(symbols, expr, "numpy") for _, expr in pieces]

    def piece_of(self, signs) -> int | None:
        for i, (condition, _) in enumerate(self.pieces):
            if self.table.truth(condition, signs):
                return i
        return None

    def values(self, piece: int, *coordinates) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.asarray(self.functions[piece](*coordinates), dtype=float)
        return np.broadcast_to(out, np.broadcast(*coordinates).shape).astype(float)


def plot_phase(source, *, models=None, values=None, resolution: int | None = None):
    """The phase diagram of every chosen model over the graph's one or two weight symbols.

    Parameters
    ----------
    source : InteractionGraph or System
    models : sequence of str, optional
        Model ids (default: all, at most 12).
    values : mapping, optional
        Values for symbols; weight symbols given a value are no longer
        varied, other symbols (sizes, variances) default to 1.
    resolution : int, optional
        Pixels per axis of a two-symbol diagram (default 160).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InputError
        Without symbolic weights, with more than two, or for a family whose
        verdict is not a support question (no collapse predicate).
    """
    system = as_system(source, values)
    graph = system.graph
    varied = sorted(graph.free_symbols, key=lambda s: s.name)
    if not varied:
        raise InputError("the phase plot needs symbolic weights (one or two symbols in the weights or real-data "
                         "weights); this graph has none")
    if len(varied) > 2:
        names = ", ".join(s.name for s in varied)
        raise InputError(f"the phase plot varies one or two weight symbols; this graph has {names}: fix the others "
                         "with --subs NAME=VALUE (in Python values={...})")
    fixed = {s.name: 1 for s in symbols_in_use(system) if s not in varied}
    if fixed:
        system = as_system(system, fixed)
        graph = system.graph
    resolution = DEFAULT_RESOLUTION if resolution is None else resolution
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 16 <= resolution <= 2000:
        raise InputError(f"resolution must be an integer between 16 and 2000, got {resolution!r}")
    try:
        predicate = system.predicate
    except GraphCollapseError as err:
        raise UnsupportedError(f"the phase plot needs the exact collapse predicate: {err}") from None
    if predicate is None:
        raise UnsupportedError(f"estimator {system.estimator.name!r}: no collapse predicate over symbolic weights "
                               "(its verdict is spectral, not a support question); substitute the symbols")
    positions, note = chosen_models(system, models)
    validity = _validity(graph)
    formulas = [validity]
    specs = []
    for k in positions:
        p_index = len(formulas)
        formulas.append(predicate.predicates[k])
        pieces = []
        for expr, condition in _pieces(predicate.limits[k]):
            pieces.append((len(formulas), expr))
            formulas.append(condition)
        specs.append((k, p_index, pieces))
    table = SignTable(formulas, varied)
    with figure_style() as Figure:
        n = len(positions)
        columns = min(n, 2 if len(varied) == 2 else 3)
        rows = -(-n // columns)
        size = (4.3, 3.5) if len(varied) == 2 else (3.9, 2.9)
        figure = Figure(figsize=(size[0] * columns + 0.4, size[1] * rows + 0.9), layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False)
        for i in range(n, rows * columns):
            axes[i // columns][i % columns].set_visible(False)
        for i, (k, p_index, pieces) in enumerate(specs):
            ax = axes[i // columns][i % columns]
            model = _Model(table, p_index, 0, pieces, varied)
            draw = _phase_1d if len(varied) == 1 else _phase_2d
            draw(figure, ax, system, model, varied, graph.ids[k], resolution)
            ax.set_title(f"model {plain(graph.ids[k])}: {_predicate_text(predicate.predicates[k], varied)}",
                         fontsize=8.5)
        name = plain(graph.name) if graph.name else "interaction graph"
        lines = [f"{name}: where each model collapses (exact predicate) and its limit elsewhere"]
        given = [f"{key} = {value}" for key, value in (values or {}).items()]
        if given:
            lines.append("given: " + ", ".join(given))
        if fixed:
            lines.append("fixed at 1: " + ", ".join(fixed) + " (sizes or variances: they change the limit, "
                         "not the verdict; set them with --subs)")
        if note:
            lines.append(note)
        figure.suptitle("\n".join(lines), fontsize=9.5)
    return figure


# ------------------------------------------------------------------ one symbol
def _roots(poly: sympy.Poly) -> list:
    out = []
    for root in poly.real_roots():
        if bool(root >= 0) and bool(root <= 1):
            out.append(root)
    return out


def _phase_1d(figure, ax, system, model: _Model, symbols, model_id: str, resolution: int) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    (x,) = symbols
    table = model.table
    roots = sorted({r for p in table.polys for r in _roots(p)} | {sympy.Integer(0), sympy.Integer(1)},
                   key=lambda r: float(sympy.N(r, 30)))
    cells: list[tuple[str, object, object]] = []      # ("point", root, None) or ("interval", lo, hi)
    for i, root in enumerate(roots):
        cells.append(("point", root, None))
        if i + 1 < len(roots):
            cells.append(("interval", root, roots[i + 1]))
    mid = math_id(model_id)
    shown_values: list[float] = []
    legend = {}
    decided = []            # per cell: (kind, lo, hi, valid, collapses, signs), all exact
    for kind, lo, hi in cells:
        signs = table.signs_at((lo,) if kind == "point" else (rational_between(lo, hi),))
        decided.append((kind, lo, hi, table.truth(model.valid, signs), table.truth(model.predicate, signs), signs))
    for kind, lo, hi, valid, collapses, signs in decided:
        if kind != "interval":
            continue
        a, b = float(sympy.N(lo, 20)), float(sympy.N(hi, 20))
        if not valid:
            ax.axvspan(a, b, color=_INVALID, linewidth=0, zorder=0)
            legend["invalid"] = Patch(color=_INVALID, label="a weight outside [0, 1]")
        elif collapses:
            ax.axvspan(a, b, facecolor=COLLAPSE, alpha=0.18, hatch="///", edgecolor=COLLAPSE, linewidth=0, zorder=0)
            legend["region"] = Patch(facecolor=COLLAPSE, alpha=0.3, label="collapses")
        else:
            piece = model.piece_of(signs)
            if piece is not None:
                pad = (b - a) * 1e-6
                xs = np.linspace(a + pad, b - pad, _CURVE_SAMPLES)
                ys = model.values(piece, xs)
                ok = np.isfinite(ys) & (ys > 0)
                ax.plot(xs[ok], ys[ok], color="black", linewidth=1.4, zorder=3)
                shown_values.extend(ys[ok].tolist())
                legend["limit"] = Line2D([], [], color="black", label=f"limit $L_{{{mid}}}$")
    if shown_values and max(shown_values) / max(min(shown_values), 1e-300) > 100:
        ax.set_yscale("log")
        low, high = min(shown_values), float(np.quantile(shown_values, 0.97))
        ax.set_ylim(low / 1.5, max(high * 3, low * 100))   # where the limit diverges, show its approach
    for i, (kind, root, _, valid, collapses, signs) in enumerate(decided):
        if kind != "point" or not valid:
            continue
        # the neighbouring open intervals (exact verdicts): a point matters where it differs from them
        around = [decided[j][3] and decided[j][4] for j in (i - 1, i + 1) if 0 <= j < len(decided)]
        at = float(sympy.N(root, 20))
        if collapses and not all(around):
            ax.axvline(at, color=COLLAPSE, linestyle=":", linewidth=1.2, zorder=2)
            ax.plot([at], [0], marker="s", color=COLLAPSE, markersize=7, transform=ax.get_xaxis_transform(),
                    clip_on=False, zorder=5)
            ax.annotate(f"${sympy.latex(x)} = {tex_value(root)}$", (at, 0.04), xycoords=ax.get_xaxis_transform(),
                        xytext=(4, 0), textcoords="offset points", fontsize=7, color=COLLAPSE)
            legend["point"] = Line2D([], [], linestyle="none", marker="s", color=COLLAPSE, label="collapses here")
        elif not collapses and any(around):
            piece = model.piece_of(signs)
            if piece is None:
                continue
            value = sympy.simplify(model.pieces[piece][1].subs(x, root))
            if value.is_finite:
                ax.plot([at], [float(value)], marker="o", markerfacecolor="white", markeredgecolor="black", zorder=5)
                legend["exception"] = Line2D([], [], linestyle="none", marker="o", markerfacecolor="white",
                                             markeredgecolor="black", label="bounded here (limit)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(f"${sympy.latex(x)}$ (weight)")
    ax.set_ylabel(error_label(system, f"L_{{{mid}}}"))
    ax.grid(True, linewidth=0.3, color="#CCCCCC")
    if legend:
        ax.legend(handles=list(legend.values()), fontsize=6.5, loc="best")


# ----------------------------------------------------------------- two symbols
def _curve_points(poly: sympy.Poly, symbols, table: SignTable, index: int):
    """Points on ``poly = 0`` inside the square, in order along the curve, with their sign vectors.

    Returns a list of ``(points (N, 2) float array, signs (P, N))`` runs; rational sample points
    (where the polynomial is linear in one symbol) get exact sign vectors.
    """
    x, y = symbols
    runs = []
    degrees = (poly.degree(x), poly.degree(y))
    if degrees[1] == 0 or degrees[0] == 0:
        axis = 0 if degrees[1] == 0 else 1
        free = sympy.Poly(poly.as_expr(), symbols[axis])
        for root in _roots(free):
            t = np.linspace(0.0, 1.0, 201)
            points = np.zeros((t.size, 2))
            points[:, axis] = float(sympy.N(root, 20))
            points[:, 1 - axis] = t
            if root.is_Rational:
                signs = np.array([table.signs_at(tuple(root if d == axis else Fraction(i, 200) for d in range(2)))
                                  for i in range(t.size)]).T
            else:
                signs = table.float_signs(points, zero=index)
            runs.append((points, signs))
        return runs
    for solve_for in (1, 0):
        if degrees[solve_for] != 1:
            continue
        other = 1 - solve_for
        c1, c0 = (_coefficients(c, symbols[other]) for c in
                  sympy.Poly(poly.as_expr(), symbols[solve_for]).all_coeffs())
        pts, signs = [], []
        steps = _CURVE_SAMPLES - 1
        for i in range(steps + 1):
            t = Fraction(i, steps)
            bottom = _horner(c1, t)
            if bottom == 0:
                continue
            value = -_horner(c0, t) / bottom
            if not 0 <= value <= 1:
                continue
            point = [None, None]
            point[other], point[solve_for] = t, value
            pts.append([float(point[0]), float(point[1])])
            signs.append(table.signs_at(tuple(point)))
        if pts:
            runs.append((np.array(pts), np.array(signs).T))
        return runs
    # a genuinely curved zero set: contour the polynomial, decide signs where floats can
    import contourpy  # matplotlib's own contouring library

    grid = np.linspace(-0.01, 1.01, 601)
    X, Y = np.meshgrid(grid, grid)
    F = sympy.lambdify((x, y), poly.as_expr(), "numpy")(X, Y)
    for line in contourpy.contour_generator(X, Y, F).lines(0.0):
        inside = (line[:, 0] >= 0) & (line[:, 0] <= 1) & (line[:, 1] >= 0) & (line[:, 1] <= 1)
        if inside.sum() >= 2:
            points = line[inside]
            runs.append((points, table.float_signs(points, zero=index)))
    return runs


def _coefficients(expr: sympy.Expr, variable) -> list[Fraction]:
    """Rational coefficients of a polynomial in one variable, highest degree first."""
    return [Fraction(int(c.p), int(c.q)) for c in (sympy.Rational(v) for v in sympy.Poly(expr, variable).all_coeffs())]


def _horner(coefficients: list[Fraction], t: Fraction) -> Fraction:
    value = Fraction(0)
    for c in coefficients:
        value = value * t + c
    return value


def _intersections(table: SignTable, indices, symbols):
    """Exact common zeros in the square of every pair of the polynomials ``indices``."""
    x, y = symbols
    found = []
    for a_pos, a in enumerate(indices):
        for b in indices[a_pos + 1:]:
            try:
                solutions = sympy.solve([table.polys[a].as_expr(), table.polys[b].as_expr()], [x, y], dict=True)
            except (NotImplementedError, GraphCollapseError):
                continue
            for solution in solutions:
                if x not in solution or y not in solution:
                    continue
                px, py = solution[x], solution[y]
                if not (px.is_real and py.is_real):
                    continue
                if bool(px >= 0) and bool(px <= 1) and bool(py >= 0) and bool(py <= 1):
                    if not any(sympy.simplify(px - qx) == 0 and sympy.simplify(py - qy) == 0 for qx, qy in found):
                        found.append((px, py))
    return found


def _phase_2d(figure, ax, system, model: _Model, symbols, model_id: str, resolution: int) -> None:
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    x, y = symbols
    table = model.table
    mid = math_id(model_id)
    N = resolution
    odd = 2 * np.arange(N) + 1                   # pixel centres (2i + 1) / (2N): rational points
    IX, IY = np.meshgrid(odd, odd)
    signs = table.grid_signs([IX.ravel(), IY.ravel()], 2 * N)
    valid = table.truths(model.valid, signs).reshape(N, N)
    collapses = table.truths(model.predicate, signs).reshape(N, N) & valid
    columns, inverse = np.unique(signs.T, axis=0, return_inverse=True)
    piece_of_column = np.array([-1 if p is None else p for p in (model.piece_of(c) for c in columns)])
    piece = piece_of_column[np.asarray(inverse).reshape(-1)].reshape(N, N)
    centres = odd / (2 * N)
    XC, YC = np.meshgrid(centres, centres)
    Z = np.full((N, N), np.nan)
    for p in range(len(model.pieces)):
        where = valid & ~collapses & (piece == p)
        if where.any():
            Z[where] = model.values(p, XC[where], YC[where])
    Z[~np.isfinite(Z) | (Z <= 0)] = np.nan
    legend = []
    finite = Z[np.isfinite(Z)]
    if finite.size:
        norm = LogNorm(finite.min(), finite.max()) if finite.max() / finite.min() > 100 else \
            Normalize(finite.min(), finite.max())
        image = ax.imshow(np.ma.masked_invalid(Z), origin="lower", extent=(0, 1, 0, 1), norm=norm,
                          interpolation="nearest", aspect="auto", zorder=0)
        bar = figure.colorbar(image, ax=ax, shrink=0.9)
        bar.set_label(error_label(system, f"L_{{{mid}}}"), fontsize=7.5)
    if (~valid).any():
        ax.imshow(np.ma.masked_where(valid, np.ones((N, N))), origin="lower", extent=(0, 1, 0, 1),
                  cmap=_single(_INVALID), aspect="auto", interpolation="nearest", zorder=0.5)
        legend.append(Patch(color=_INVALID, label="a weight outside [0, 1]"))
    if collapses.any():
        ax.imshow(np.ma.masked_where(~collapses, np.ones((N, N))), origin="lower", extent=(0, 1, 0, 1),
                  cmap=_single(COLLAPSE), alpha=0.55, aspect="auto", interpolation="nearest", zorder=0.6)
        legend.append(Patch(color=COLLAPSE, alpha=0.55, label="collapses (region)"))
    # the zero curves of the predicate's polynomials, coloured by the exact verdict on them
    predicate = table.formulas[model.predicate]
    involved = sorted({index for relation in predicate.atoms(sympy.core.relational.Relational)
                       for index, _, _ in table.relations[relation][2]})
    collapse_points = []
    drew_curve = drew_boundary = False
    for index in involved:
        for points, point_signs in _curve_points(table.polys[index], symbols, table, index):
            point_signs = np.array(point_signs, dtype=np.int8).reshape(len(table.polys), -1)
            point_signs[index] = 0
            decided = ~(point_signs == 2).any(axis=0)
            state = np.zeros(len(points), dtype=np.int8)       # 0 undecided, 1 bounded, 2 collapses
            if decided.any():
                ok = table.truths(model.valid, point_signs[:, decided])
                bad = table.truths(model.predicate, point_signs[:, decided])
                state[decided] = np.where(ok, np.where(bad, 2, 1), 0)
            for start, stop, value in _runs(state):
                segment = points[start:stop]
                if value == 2:
                    ax.plot(segment[:, 0], segment[:, 1], color=COLLAPSE, linewidth=3.2, solid_capstyle="butt",
                            clip_on=False, zorder=4)
                    collapse_points.append(segment)
                    drew_curve = True
                elif value == 1:
                    ax.plot(segment[:, 0], segment[:, 1], color=NEUTRAL, linewidth=0.8, linestyle="--",
                            clip_on=False, zorder=3)
                    drew_boundary = True
    validity = table.formulas[model.valid]
    edges = sorted({index for relation in validity.atoms(sympy.core.relational.Relational)
                    for index, _, _ in table.relations[relation][2]} - set(involved))
    for index in edges:      # where a weight reaches 0 or 1 inside the square: the valid region's edge, exactly
        for points, _ in _curve_points(table.polys[index], symbols, table, index):
            inside = (points > 1e-12).all(axis=1) & (points < 1 - 1e-12).all(axis=1)
            if inside.sum() >= 2:
                ax.plot(points[inside, 0], points[inside, 1], color="#8C8C8C", linewidth=0.9, zorder=2)
    if drew_curve:
        legend.append(Line2D([], [], color=COLLAPSE, linewidth=3, label="collapses (on the curve)"))
    if drew_boundary:
        legend.append(Line2D([], [], color=NEUTRAL, linewidth=0.8, linestyle="--", label="an atom vanishes"))
    near = np.concatenate(collapse_points) if collapse_points else np.zeros((0, 2))
    marked_point = marked_exception = False
    for px, py in _intersections(table, involved, symbols):
        point_signs = table.signs_at((px, py))
        if not table.truth(model.valid, point_signs):
            continue
        fx, fy = float(sympy.N(px, 20)), float(sympy.N(py, 20))
        on_curve = near.size and np.min(np.hypot(near[:, 0] - fx, near[:, 1] - fy)) < 0.02
        if table.truth(model.predicate, point_signs):
            if not on_curve:
                ax.plot([fx], [fy], "s", color=COLLAPSE, markersize=7, clip_on=False, zorder=6)
                marked_point = True
        elif on_curve:
            ax.plot([fx], [fy], "o", markerfacecolor="white", markeredgecolor="black", markersize=7,
                    clip_on=False, zorder=6)
            marked_exception = True
    if marked_point:
        legend.append(Line2D([], [], linestyle="none", marker="s", color=COLLAPSE, label="collapses (point)"))
    if marked_exception:
        legend.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="black",
                             label="bounded (exception)"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"${sympy.latex(x)}$ (weight)")
    ax.set_ylabel(f"${sympy.latex(y)}$ (weight)")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(True)
    if legend:
        ax.legend(handles=legend, fontsize=6.5, loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=2,
                  frameon=False)


def _single(colour):
    from matplotlib.colors import ListedColormap

    return ListedColormap([colour])


def _runs(state: np.ndarray):
    """``(start, stop, value)`` for maximal runs of equal values (a run's last point is shared)."""
    start = 0
    for i in range(1, len(state) + 1):
        if i == len(state) or state[i] != state[start]:
            yield start, min(i + 1, len(state)), int(state[start])
            start = i
