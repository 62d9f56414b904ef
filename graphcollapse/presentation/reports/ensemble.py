"""Reports of an ensemble sweep (:class:`~graphcollapse.ensembles.SweepTable`): text and Markdown tables.

Every estimate is printed with its interval; the asymptotic law's
prediction stands in the column beside it (``—`` where it is not derived,
with the reason underneath).  JSON is :meth:`SweepTable.to_json`.

Examples
--------
>>> from graphcollapse.ensembles import sweep
>>> table = sweep("er", [300], params={"c": 2.0}, samples=3, workers=1)
>>> print(text_report(table).splitlines()[0])
ensemble erdos_renyi (c=2.0, loops=True); real data: random, p = 0.0; 3 samples per point
"""

from __future__ import annotations

__all__ = ["text_report", "markdown_report", "COLUMNS"]

#: Column titles of the table (in order).
COLUMNS = ("P(macro) [CI]", "law", "fraction | macro [CI]", "law φ", "mean fraction [CI]", "sd",
           "closed classes [CI]", "law", "exceed level [CI]")


def _num(value, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


def _cells(table, row) -> list[str]:
    e = row.estimate
    law = e.law if e.law is not None and e.law.derived else None
    exceed = "—" if e.exceed is None else f"{e.exceed} ({e.exceed_arithmetic})"
    return [str(row.K), *(f"{row.point[name]:g}" if isinstance(row.point[name], float) else str(row.point[name])
                          for name in table.grid),
            str(e.p_macro), _num(law.p_macro if law else None), str(e.fraction_given_macro),
            _num(law.phi if law else None), str(e.fraction), _num(e.fraction_sd, 3), str(e.closed_count),
            _num(law.mean_closed if law else None), exceed]


def _header(table) -> str:
    params = ", ".join(f"{k}={v}" for k, v in table.params.items() if not k.endswith("_degrees"))
    rule = table.real_rule
    p = table.settings.get("real_fraction")
    real = f"{rule}, p = {p}" if "p" not in table.grid and rule != "set" else rule
    return (f"ensemble {table.ensemble} ({params}); real data: {real}; {table.samples} samples per point")


def _notes(table) -> list[str]:
    settings = table.settings
    notes = [f"macroscopic: collapse fraction >= {settings['threshold']}; intervals: "
             f"{settings['confidence']:.0%} {settings['proportion_method']} (probabilities), "
             f"{settings['mean_method']} (means); [CI] shows estimate [low, high]; law: K -> infinity prediction"]
    reasons = sorted({row.estimate.law.reason for row in table.rows
                      if row.estimate.law is not None and row.estimate.law.reason})
    notes += [f"law: {reason}" for reason in reasons]
    if table.executor:
        notes.append(f"run: {table.computed} samples computed, {table.resumed} resumed, on {table.executor}, "
                     f"{table.elapsed:.1f} s")
    return notes


def text_report(table) -> str:
    """A plain-text table, one line per size and grid point."""
    titles = ["K", *table.grid, *COLUMNS]
    body = [_cells(table, row) for row in table.rows]
    widths = [max(len(t), *(len(r[i]) for r in body)) for i, t in enumerate(titles)]
    lines = [_header(table), "  ".join(t.ljust(w) for t, w in zip(titles, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in body]
    lines += _notes(table)
    return "\n".join(lines)


def markdown_report(table) -> str:
    """A Markdown table with the same columns, and the notes as a list."""
    titles = ["K", *table.grid, *COLUMNS]
    lines = [f"**{_header(table)}**", "", "| " + " | ".join(titles) + " |",
             "|" + "|".join(" --- " for _ in titles) + "|"]
    lines += ["| " + " | ".join(_cells(table, row)) + " |" for row in table.rows]
    lines += [""] + [f"* {note}" for note in _notes(table)]
    return "\n".join(lines)
