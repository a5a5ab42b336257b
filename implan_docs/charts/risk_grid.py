"""Risk matrix: 5 x 5 likelihood by impact, in the low / medium / high bands of ``model.rating_for``.

Each cell shows its score (likelihood x impact) in a corner and the IDs of the risks in it; a cell with
more IDs than fit shows the first ones and ``+N``. Closed risks are left out (the caption says how
many); risks without a likelihood or impact cannot be placed and are left out too.
"""
from __future__ import annotations

from matplotlib.collections import PolyCollection
from matplotlib.transforms import blended_transform_factory

from ..model import Plan, rating_for
from . import legend, theme
from .chart import Chart
from .common import canonical, join, style_for
from .labels import TextLayer

WIDTH_CM = theme.PORTRAIT_CM
LEFT_CM = 3.6  # likelihood names
CELL_H_CM = 1.5
BOTTOM_CM = 1.75  # impact names, axis title, legend
TOP_CM = 0.2
RIGHT_CM = 0.3
LINES = 3  # lines of IDs in a cell
BANDS = (("Low", 1, 4), ("Medium", 5, 14), ("High", 15, 25))


def _placed(plan: Plan):
    open_risks, closed = [], 0
    for r in plan.risks:
        if canonical(r.status, ("Closed",)) == "Closed":
            closed += 1
            continue
        if r.likelihood is None or r.impact is None:
            continue
        if 1 <= r.likelihood <= 5 and 1 <= r.impact <= 5:
            open_risks.append(r)
    return open_risks, closed


def _cell_lines(layer: TextLayer, ids: list[str], width_pt: float, plus) -> list[str]:
    """IDs laid out in at most LINES lines of ``width_pt``; the last line ends with "+N" if some don't fit."""
    size = theme.SMALL
    sep = ", "
    lines: list[list[str]] = [[]]
    placed = 0
    for k, ident in enumerate(ids):
        trial = sep.join(lines[-1] + [ident])
        if layer.width(trial, size) <= width_pt:
            lines[-1].append(ident)
        elif len(lines) < LINES and layer.width(ident, size) <= width_pt:
            lines.append([ident])
        else:
            break
        placed = k + 1
    rest = len(ids) - placed
    if rest:
        while True:
            tail = sep.join(lines[-1] + [plus(rest)])
            if layer.width(tail, size) <= width_pt or not lines[-1]:
                lines[-1].append(plus(rest))
                break
            lines[-1].pop()
            rest += 1
    return [sep.join(line) for line in lines if line]


def risk_matrix(plan: Plan, language: str | None = None) -> Chart | None:
    """The 5 x 5 matrix of open risks; None when the plan has none to place."""
    style = style_for(plan, language)
    risks, closed = _placed(plan)
    if not risks:
        return None
    height = TOP_CM + 5 * CELL_H_CM + BOTTOM_CM
    fig = theme.new_figure(WIDTH_CM, height)
    ax = theme.axes_cm(fig, LEFT_CM, RIGHT_CM, TOP_CM, BOTTOM_CM)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_axis_off()
    cells, colours = [], []
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            x, y = impact, likelihood
            cells.append([(x - 0.5, y - 0.5), (x + 0.5, y - 0.5), (x + 0.5, y + 0.5), (x - 0.5, y + 0.5)])
            colours.append(theme.RATING[rating_for(likelihood * impact)])
    ax.add_collection(PolyCollection(cells, facecolors=colours, edgecolors="white", linewidths=2.0, zorder=1),
                      autolim=False)

    cell_w_pt = (WIDTH_CM - LEFT_CM - RIGHT_CM) / 5 / 2.54 * 72
    layer = TextLayer(style.families)
    plus = lambda n: style.word("more", n=n)
    by_cell: dict[tuple[int, int], list[str]] = {}
    for r in risks:
        by_cell.setdefault((r.impact, r.likelihood), []).append(r.id)
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            layer.add(str(score), impact - 0.5, likelihood + 0.5, theme.SMALL, ha="left", va="top", dx=3, dy=-3,
                      colour=theme.GREY)
            ids = sorted(by_cell.get((impact, likelihood), []), key=_natural)
            lines = _cell_lines(layer, ids, cell_w_pt - 10, plus)
            step = theme.SMALL * 1.3
            top = (len(lines) - 1) * step / 2 - 3  # centre the block a little below the score
            for k, line in enumerate(lines):
                layer.add(line, impact, likelihood, theme.SMALL, bold=True, ha="center", va="center",
                          dy=top - k * step, colour=theme.INK)
    layer.draw_on(fig, ax.transData, zorder=3)

    # Axis names and level names.
    w = lambda key, **v: style.word(f"risk.{key}", **v)
    names = TextLayer(style.families)
    pt = 72 / 2.54
    for level in range(1, 6):
        text = names.fit(w(f"likelihood_levels.{level}"), (LEFT_CM - 1.0) * pt, theme.SMALL)
        names.add(text, 0.5, level, theme.SMALL, ha="right", dx=-5, colour=theme.INK)
        text = names.fit(w(f"impact_levels.{level}"), cell_w_pt - 4, theme.SMALL)
        names.add(text, level, 0.5, theme.SMALL, ha="center", va="top", dy=-4, colour=theme.INK)
    names.draw_on(fig, ax.transData)
    titles = TextLayer(style.families)
    titles.add(w("impact"), 0.5, 0.0, theme.SIZE, bold=True, ha="center", va="top", dy=-4 - theme.SMALL * 1.5,
               colour=theme.INK)
    titles.draw_on(fig, blended_transform_factory(ax.transAxes, ax.transAxes))
    # "Likelihood" as a heading above the level names (no rotated text: it reads better in print).
    side = TextLayer(style.families)
    side.add(w("likelihood"), 0.2 / WIDTH_CM, 5.5, theme.SIZE, bold=True, ha="left", va="top", dy=-2,
             colour=theme.INK)
    side.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))

    entries = [(legend.patch(theme.RATING[name], theme.RATING_EDGE[name], 0.6),
                w("band", rating=w(name.lower()), low=lo, high=hi)) for name, lo, hi in BANDS]
    legend.draw(fig, entries, style, LEFT_CM, 0.55, WIDTH_CM - LEFT_CM - RIGHT_CM)

    listed = {name: [] for name, _, _ in BANDS}
    for r in sorted(risks, key=lambda r: (-(r.score or 0), _natural(r.id))):
        listed[rating_for(r.score)].append(f"{r.id} ({r.likelihood}x{r.impact})")
    none = w("alt_none")
    alt = w("alt", count=len(risks), high=join(style, listed["High"], 25) or none,
            medium=join(style, listed["Medium"], 25) or none, low=join(style, listed["Low"], 25) or none)
    caption = w("caption_closed", closed=closed) if closed else w("caption")
    return Chart("risk-matrix", fig, caption, alt, WIDTH_CM, False)


def _natural(ident: str):
    """Sort key so that R2 comes before R10."""
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", ident)]
