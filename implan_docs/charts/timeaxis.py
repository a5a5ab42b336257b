"""Date axes: days, weeks, months or quarters by span, labelled in the plan's language (Babel).

x is the date's ordinal (``date.toordinal()``), a day occupying [ordinal, ordinal + 1). The axis has two
tiers: the unit (day numbers with weekdays, week-start days, months or quarters) and, beyond it, the
period that names them (month for days and weeks, year for months and quarters), e.g. ``Mar 2027`` /
``2027年3月``. Labels are thinned until they do not touch.
"""
from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from babel.dates import format_date, format_skeleton
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.ticker import NullLocator
from matplotlib.transforms import blended_transform_factory

from . import theme
from .labels import TextLayer, typeface
from .panel import Panel
from .theme import Style

DAY_SPAN = 31  # at most this many days: one tick a day
WEEK_SPAN = 182  # at most: one a week
MONTH_SPAN = 3 * 366  # at most: one a month; beyond: quarters


def x(d: date) -> float:
    return float(d.toordinal())


def unit_for(days: int) -> str:
    if days <= DAY_SPAN:
        return "day"
    if days <= WEEK_SPAN:
        return "week"
    if days <= MONTH_SPAN:
        return "month"
    return "quarter"


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def _periods(first: date, end: date, unit: str) -> list[date]:
    """Boundaries of the unit's periods covering [first, end)."""
    if unit == "day":
        start, step = first, lambda d: d + timedelta(days=1)
    elif unit == "week":
        start, step = first - timedelta(days=first.weekday()), lambda d: d + timedelta(days=7)
    elif unit == "month":
        start, step = _month_start(first), lambda d: _add_months(d, 1)
    elif unit == "quarter":
        start = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
        step = lambda d: _add_months(d, 3)
    else:  # year
        start, step = date(first.year, 1, 1), lambda d: date(d.year + 1, 1, 1)
    out = [start]
    while out[-1] < end:
        out.append(step(out[-1]))
    return out


def _unit_labels(days: list[date], unit: str, style: Style, room_pt: float) -> list[str]:
    locale = style.t.locale
    face = typeface(style.families)

    def fits(labels):
        return max((face.width(s, theme.SMALL) for s in labels), default=0) <= room_pt * 0.9

    if unit == "day":
        nums = [format_skeleton("d", d, locale=locale) for d in days]
        for pattern in ("EEE", "EEEEEE", "EEEEE"):
            weekdays = [format_date(d, pattern, locale=locale) for d in days]
            if fits(weekdays) and fits(nums):
                return [f"{w}\n{n}" for w, n in zip(weekdays, nums)]
        return nums
    if unit == "week":
        return [format_skeleton("d", d, locale=locale) if style.language != "en" else str(d.day) for d in days]
    if unit == "month":
        for skeleton in ("MMM", "M"):
            labels = [format_skeleton(skeleton, d, locale=locale) for d in days]
            if fits(labels):
                return labels
        return labels
    return [format_date(d, "QQQ", locale=locale) for d in days]


def _tier_label(d: date, unit: str, style: Style, room_pt: float) -> str:
    """Name of the period (month or year) starting at d, as long as fits in room_pt."""
    locale = style.t.locale
    face = typeface(style.families)
    options = ("yMMMM", "yMMM", "MMM") if unit in ("day", "week") else ("y",)
    for skeleton in options:
        text = format_skeleton(skeleton, d, locale=locale)
        if face.width(text, theme.SMALL) <= room_pt * 0.95:
            return text
    return ""


def apply(ax: Axes | Panel, first: date, end: date, style: Style, width_cm: float, top: bool = True) -> str:
    """Set up a date x-axis over [first, end) on an axes ``width_cm`` wide; returns the unit chosen.

    Ticks at period boundaries (with light grid lines), labels centred in their period (weeks: at
    their first day), the naming tier beyond them. ``top`` puts the scale above the plot (Gantt
    charts), else below. Labels are drawn as one text layer (see :mod:`.labels`).
    """
    span = max((end - first).days, 1)
    unit = unit_for(span)
    ax.set_xlim(x(first), x(end))
    width_pt = width_cm / 2.54 * 72
    pt_per_day = width_pt / span
    bounds = _periods(first, end, unit)
    unit_days = {"day": 1, "week": 7, "month": 30.4, "quarter": 91.3}[unit]
    room = unit_days * pt_per_day
    labels = _unit_labels(bounds[:-1], unit, style, room)
    layer = TextLayer(style.families)
    widest = max((max(layer.width(line, theme.SMALL) for line in s.split("\n")) for s in labels), default=1)
    steps = {"day": (1, 2, 3, 7, 14), "week": (1, 2, 4, 8, 13, 26), "month": (1, 2, 3, 6, 12, 24),
             "quarter": (1, 2, 4, 8, 16, 40)}[unit]
    every = next((k for k in steps if widest + 6 <= room * k), steps[-1])
    # Grid lines and tick marks as one collection each: matplotlib's Tick objects cost ~1 ms apiece to
    # create, and a 5,000-task plan has a hundred Gantt pages.
    if hasattr(ax, "xaxis"):  # an Axes (a Panel has no axis machinery)
        ax.xaxis.set_major_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        height_pt = ax.get_position().height * ax.figure.get_size_inches()[1] * 72
    else:
        height_pt = ax.height_pt
    mark = 3.0 / height_pt  # a 3 pt tick mark, in axes units
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    xs = [x(b) for b in bounds if first <= b <= end]
    ax.add_collection(LineCollection([[(v, 0.0), (v, 1.0)] for v in xs], colors=theme.GRID, linewidths=0.6,
                                     transform=trans, zorder=0.5), autolim=False)
    y0, y1 = (1.0, 1.0 + mark) if top else (0.0, -mark)
    ax.add_collection(LineCollection([[(v, y0), (v, y1)] for v in xs] + [[(x(first), y0), (x(end), y0)]],
                                     colors=theme.LIGHT, linewidths=0.6, transform=trans, clip_on=False, zorder=2.5),
                      autolim=False)

    sign, edge, va = (1, 1.0, "bottom") if top else (-1, 0.0, "top")
    pad = 4.0
    lines = 1
    for i, (a, b) in enumerate(pairwise(bounds)):
        if i % every:
            continue
        lo, hi = max(a, first), min(b, end)
        if unit == "week":
            if a < first:
                continue
            pos = x(a)
        else:
            if (hi - lo).days < unit_days * 0.5:
                continue
            pos = (x(lo) + x(hi)) / 2
        parts = labels[i].split("\n")
        lines = max(lines, len(parts))
        ordered = parts if not top else list(reversed(parts))
        for k, part in enumerate(ordered):
            layer.add(part, pos, edge, theme.SMALL, ha="center", va=va, colour=theme.INK,
                      dy=sign * (pad + k * theme.SMALL * 1.2))

    # The naming tier: months or years, centred over their visible part, beyond the unit labels.
    tier_unit = "month" if unit in ("day", "week") else "year"
    offset = pad + lines * theme.SMALL * 1.2 + 2
    tier_bounds = _periods(first, end, tier_unit)
    for a, b in pairwise(tier_bounds):
        lo, hi = max(a, first), min(b, end)
        if hi <= lo:
            continue
        text = _tier_label(a, unit, style, (hi - lo).days * pt_per_day)
        if text:
            layer.add(text, (x(lo) + x(hi)) / 2, edge, theme.SMALL, bold=True, ha="center", va=va,
                      colour=theme.INK, dy=sign * offset)
    layer.draw_on(ax.figure, trans)
    return unit


def tier_height_pt(unit: str) -> float:
    """Room the two tiers take beyond the axes, in points."""
    lines = 2 if unit == "day" else 1
    return 4 + lines * theme.SMALL * 1.2 + 2 + theme.SMALL * 1.1
