"""Objectives chart: for each objective with numeric values, an arrow from baseline to target.

Values are read as the workbook holds them: numbers as they are, text such as ``45%``, ``3.5 days``,
``1,200``, ``NT$ 50,000`` or ``< 2 hours`` as a number with a unit. Text that is not one number
("In daily use by 230 people", "Q3 2027") is skipped without error, and so is an objective whose
baseline and target have different units. Each objective gets its own scale (from zero, or from its
lowest value when that is negative), because units differ from row to row; the values are written
beside the markers as the workbook has them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from matplotlib.collections import LineCollection
from matplotlib.transforms import blended_transform_factory

from ..model import Plan
from . import legend, theme
from .chart import Chart
from .common import join, style_for
from .labels import TextLayer

WIDTH_CM = theme.PORTRAIT_CM
LABEL_CM = 6.0
RIGHT_CM = 0.8
ROW_CM = 0.95
_NUMBER = re.compile(
    r"^(?P<pre>[^\d+\-.]{0,4}?)\s*(?P<num>[-+\u2212]?(?:\d{1,3}(?:[,\u00a0 \u202f]\d{3})+|\d+)(?:\.\d+)?|[-+\u2212]?\.\d+)"
    r"\s*(?P<unit>[^\d]{0,16})$")
_PREFIXES = {"", "$", "£", "€", "¥", "nt$", "us$", "a$", "c$", "hk$", "<", ">", "≤", "≥", "~", "≈", "<=", ">="}


@dataclass(frozen=True)
class Value:
    number: float
    unit: str  # e.g. "%", "days", "" (prefix currency symbols count as a unit too)
    text: str  # as the workbook has it, for labels


def parse_value(raw) -> Value | None:
    """A number and its unit from a cell value, or None when it is not one number (text is fine)."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            return None
        text = f"{raw:,.0f}" if float(raw).is_integer() else f"{raw:,.2f}".rstrip("0").rstrip(".")
        return Value(float(raw), "", text)
    text = str(raw).strip()
    match = _NUMBER.match(text)
    if not match:
        return None
    pre = match.group("pre").strip()
    if pre.lower() not in _PREFIXES:
        return None
    digits = re.sub(r"[,\u00a0 \u202f]", "", match.group("num")).replace("\u2212", "-")
    try:
        number = float(digits)
    except ValueError:
        return None
    unit = match.group("unit").strip()
    if pre and pre not in ("<", ">", "≤", "≥", "~", "≈", "<=", ">="):
        unit = (pre + " " + unit).strip()
    return Value(number, unit.lower(), text)


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    baseline: Value | None
    target: Value
    location: object = None
    metric: str = ""


def rows_of(plan: Plan) -> tuple[list[Row], int]:
    """Objectives that can be drawn, and how many were skipped for text values."""
    rows, skipped = [], 0
    for o in plan.objectives:
        target = parse_value(o.target)
        baseline = parse_value(o.baseline)
        if target is None:
            skipped += 1
            continue
        if baseline is not None and baseline.unit and target.unit and baseline.unit != target.unit:
            skipped += 1
            continue
        rows.append(Row(o.id, o.objective, baseline, target,
                        plan.loc("Objectives", o.row, "Objective") if o.row else None, o.metric or ""))
    return rows, skipped


def _scale(row: Row) -> tuple[float, float]:
    values = [row.target.number] + ([row.baseline.number] if row.baseline else [])
    lo, hi = min(0.0, *values), max(0.0, *values)
    if "%" in (row.target.unit, row.baseline.unit if row.baseline else "") and lo >= 0 and hi <= 100:
        return 0.0, 100.0
    if hi == lo:
        hi = lo + 1.0
    return lo, _nice_ceil(hi) if lo == 0 else hi + (hi - lo) * 0.08


def _nice_ceil(value: float) -> float:
    """The next "round" number at or above value: 95 -> 100, 120 -> 150, 6.4 -> 7."""
    mag = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10):
        if step * mag >= value * 1.03:
            return step * mag
    return 10 * mag


def objectives_chart(plan: Plan, language: str | None = None) -> Chart | None:
    """Baseline-to-target arrows per numeric objective; None when no objective has a numeric target."""
    style = style_for(plan, language)
    rows, skipped = rows_of(plan)
    if not rows:
        return None
    n = len(rows)
    top_cm, bottom_cm = 0.2, 0.9
    height = top_cm + n * ROW_CM + bottom_cm
    fig = theme.new_figure(WIDTH_CM, height)
    ax = theme.axes_cm(fig, LABEL_CM, RIGHT_CM, top_cm, bottom_cm)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_axis_off()

    tracks, arrows, base_pts, target_pts = [], [], [], []
    track_pt = (WIDTH_CM - LABEL_CM - RIGHT_CM) / 2.54 * 72 / 1.04
    values = TextLayer(style.families)
    for y, row in enumerate(rows):
        lo, hi = _scale(row)
        def pos(v: float, lo: float = lo, hi: float = hi) -> float:
            return (v - lo) / (hi - lo)

        tracks.append([(0.0, y + 0.12), (1.0, y + 0.12)])
        t = pos(row.target.number)
        target_pts.append((t, y + 0.12))
        size = theme.SMALL
        t_w = values.width(row.target.text, size, bold=True)
        ends = [True, True]  # whether the scale's end labels have room (no marker on them)
        if row.baseline is not None:
            b = pos(row.baseline.number)
            base_pts.append((b, y + 0.12))
            if abs(t - b) > 0.02:
                arrows.append(((b, y + 0.12), (t, y + 0.12)))
            b_w = values.width(row.baseline.text, size)
            apart = abs(t - b) * track_pt
            # Values centred above their markers; pushed apart when they would touch.
            if apart >= (b_w + t_w) / 2 + 6:
                b_ha = t_ha = "center"
                b_dx = t_dx = 0.0
            else:
                rising = t >= b
                b_ha, t_ha = ("right", "left") if rising else ("left", "right")
                b_dx, t_dx = (-3, 3) if rising else (3, -3)
            values.add(row.baseline.text, b, y + 0.12, size, ha=b_ha, dx=b_dx, dy=5, va="bottom", colour=theme.GREY,
                       location=row.location)
            marks = (b, t)
        else:
            t_ha, t_dx = "center", 0.0
            values.add(style.word("objectives.no_baseline"), 0.0, y + 0.12, size, ha="left", dy=5, va="bottom",
                       colour=theme.GREY)
            marks = (t,)
        values.add(row.target.text, t, y + 0.12, size, bold=True, ha=t_ha, dx=t_dx, dy=5, va="bottom",
                   colour=theme.INK, location=row.location)
        ends = [all(m > 0.06 for m in marks), all(m < 0.94 for m in marks)]
        # the scale's ends, small and grey, so a reader sees where zero is
        if ends[0]:
            values.add(_end(lo, row), 0.0, y + 0.12, theme.SMALL, ha="left", va="top", dy=-4, colour=theme.GREY)
        if ends[1]:
            values.add(_end(hi, row), 1.0, y + 0.12, theme.SMALL, ha="right", va="top", dy=-4, colour=theme.GREY)
    ax.add_collection(LineCollection(tracks, colors=theme.GRID, linewidths=3.0, capstyle="round", zorder=1),
                      autolim=False)
    for start, end in arrows:
        ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": theme.BLUE, "linewidth": 1.4,
                                                              "shrinkA": 4, "shrinkB": 5, "mutation_scale": 9}, zorder=2)
    if base_pts:
        xs, ys = zip(*base_pts)
        ax.scatter(xs, ys, s=26, c="white", edgecolors=theme.GREY, linewidths=1.3, zorder=3)
    xs, ys = zip(*target_pts)
    ax.scatter(xs, ys, s=30, c=theme.BLUE, edgecolors=theme.BLUE, linewidths=1.0, zorder=3)
    values.draw_on(fig, ax.transData, zorder=4)

    labels = TextLayer(style.families)
    pt = 72 / 2.54
    ids = min(max(labels.width(r.id, theme.SMALL) for r in rows) / pt, 1.4)
    for y, row in enumerate(rows):
        labels.add(labels.fit(row.id, ids * pt, theme.SMALL), 0.2 / WIDTH_CM, y - 0.08, theme.SMALL,
                   colour=theme.GREY)
        x = 0.2 + ids + 0.15
        room = (LABEL_CM - x - 0.3) * pt
        labels.add(labels.fit(row.name, room, theme.SMALL, location=row.location),
                   x / WIDTH_CM, y - 0.08, theme.SMALL, colour=theme.INK, location=row.location)
        if row.metric:  # the metric says what the numbers count (%, days...): a grey second line
            labels.add(labels.fit(row.metric, room, theme.SMALL, location=row.location), x / WIDTH_CM, y + 0.3,
                       theme.SMALL, colour=theme.GREY, location=row.location)
    labels.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))
    entries = [(legend.marker("o", "white", theme.GREY, 1.3), style.word("objectives.baseline")),
               (legend.marker("o", theme.BLUE), style.word("objectives.target"))]
    legend.draw(fig, entries, style, LABEL_CM, 0.55, WIDTH_CM - LABEL_CM - RIGHT_CM)

    items = []
    for row in rows:
        if row.baseline is not None:
            items.append(style.word("objectives.alt_item", id=row.id, baseline=row.baseline.text,
                                    target=row.target.text))
        else:
            items.append(style.word("objectives.alt_item_target", id=row.id, target=row.target.text))
    alt = style.word("objectives.alt", count=n, items=join(style, items, 30))
    if skipped:
        alt += " " + style.word("objectives.alt_skipped", count=skipped)
    return Chart("objectives", fig, style.word("objectives.caption"), alt, WIDTH_CM, False)


def _end(value: float, row: Row) -> str:
    unit = row.target.unit
    text = f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit == "%" else text
