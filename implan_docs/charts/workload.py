"""Workload: per person and week (or month), working days allocated against working days available.

A person is allocated one working day for each working day of each task they own or are R for in the
RACI (a task's Duration counts working days of full-time work). What they can give is the period's
working days times their Availability (People sheet, default 100 %). The heat map colours the ratio in
four steps of blue; over 100 % is vermillion, with the allocated days written in the cell, so an
over-allocated week stands out in print and without colour. Milestones take no time.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

from matplotlib.transforms import blended_transform_factory

from ..model import Plan
from ..schedule import Schedule
from . import legend, theme, timeaxis
from .chart import Chart
from .common import day, join, style_for
from .labels import TextLayer
from .panel import Panel, rect_collection

MAX_PEOPLE = 40
ROW_CM = 0.48
LABEL_CM = 4.2
WEEKS_MAX_DAYS = 26 * 7  # a plan spanning at most this many days is shown by week, else by month
BINS = ((0.5, "low", theme.tint(theme.BLUE, 0.78)), (0.8, "mid", theme.tint(theme.BLUE, 0.5)),
        (1.0 + 1e-9, "high", theme.BLUE), (math.inf, "over", theme.VERMILLION))
IDLE = theme.IDLE


def _periods(start: date, finish: date, by: str) -> list[tuple[date, date]]:
    """[start, end) of each week (from Monday) or month covering start..finish."""
    out = []
    if by == "week":
        d = start - timedelta(days=start.weekday())
        while d <= finish:
            out.append((d, d + timedelta(days=7)))
            d += timedelta(days=7)
    else:
        d = start.replace(day=1)
        while d <= finish:
            nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
            out.append((d, nxt))
            d = nxt
    return out


def allocation(plan: Plan, schedule: Schedule, calendar, periods: list[tuple[date, date]]) -> dict[str, list[float]]:
    """Working days allocated to each person in each period (name -> list per period)."""
    responsible: dict[str, tuple[str, ...]] = {row.item: row.people_with("R") for row in plan.raci}
    starts = [p[0] for p in periods]
    load: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(periods))
    import bisect

    for task in plan.tasks:
        dates = schedule.tasks.get(task.id)
        if dates is None or dates.duration <= 0 or task.milestone:
            continue
        people = dict.fromkeys(n for n in (task.owner, *responsible.get(task.id, ())) if n)
        if not people:
            continue
        a, b = dates.early_start, dates.early_finish
        k = max(bisect.bisect_right(starts, a) - 1, 0)
        while k < len(periods) and periods[k][0] <= b:
            lo, hi = max(a, periods[k][0]), min(b, periods[k][1] - timedelta(days=1))
            days = calendar.count(lo, hi) if calendar is not None else max((hi - lo).days + 1, 0)
            if days:
                for name in people:
                    load[name][k] += days
            k += 1
    return dict(load)


def _bin(ratio: float):
    for limit, key, colour in BINS:
        if ratio <= limit:
            return key, colour
    return BINS[-1][1], BINS[-1][2]


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def workload_chart(plan: Plan, schedule: Schedule, language: str | None = None) -> Chart | None:
    """Heat map of allocated vs available days per person; None when no task has an owner with dates."""
    style = style_for(plan, language)
    w = lambda key, **v: style.word(f"workload.{key}", **v)
    calendar = getattr(schedule, "calendar", None)
    if calendar is None:
        from .gantt import working_calendar

        calendar = working_calendar(plan, schedule)
    span = (schedule.finish - schedule.start).days
    by = "week" if span <= WEEKS_MAX_DAYS else "month"
    periods = _periods(schedule.start, schedule.finish, by)
    load = allocation(plan, schedule, calendar, periods)
    if not load:
        return None
    capacity_days = [calendar.count(a, b - timedelta(days=1)) if calendar else (b - a).days * 5 / 7
                     for a, b in periods]
    availability = {p.name: (p.availability if p.availability is not None else 100.0) for p in plan.people}

    def ratios(name):
        share = max(availability.get(name, 100.0), 0.0) / 100
        return [(v / (c * share) if c * share > 0 else (math.inf if v > 0 else 0.0))
                for v, c in zip(load[name], capacity_days)]

    order = [p.name for p in plan.people if p.name in load] + sorted(n for n in load if n not in availability)
    peak = {name: max(ratios(name), default=0.0) for name in order}
    over = [name for name in order if peak[name] > 1.0 + 1e-9]
    shown = order
    if len(order) > MAX_PEOPLE:
        keep = set(sorted(order, key=lambda n: (-peak[n], order.index(n)))[:MAX_PEOPLE])
        shown = [n for n in order if n in keep]
    n = len(shown)
    first, end = periods[0][0], periods[-1][1]
    width = theme.PORTRAIT_CM if len(periods) <= 30 else theme.LANDSCAPE_CM
    axes_cm = width - LABEL_CM - 0.3
    unit = timeaxis.unit_for((end - first).days)
    top_cm = timeaxis.tier_height_pt(unit) / 72 * 2.54 + 0.2
    entries = [(legend.patch(colour), w(f"legend.{key}")) for _, key, colour in BINS]
    title = w("legend.title") + " \u2014 " + w("cell_note")
    legend_cm = legend.height_cm(entries, style, width - 0.4, title)
    bottom_cm = legend_cm + 0.3
    height = top_cm + n * ROW_CM + bottom_cm
    fig = theme.new_figure(width, height)
    ax = Panel(fig, LABEL_CM, 0.3, top_cm, bottom_cm)
    ax.set_ylim(n - 0.5, -0.5)
    timeaxis.apply(ax, first, end, style, axes_cm, top=True)

    cells, colours, used = [], [], set()
    numbers = TextLayer(style.families)
    col_pt = axes_cm / 2.54 * 72 / len(periods)
    for y, name in enumerate(shown):
        for k, ((a, b), value, ratio) in enumerate(zip(periods, load[name], ratios(name))):
            x0, x1 = timeaxis.x(a), timeaxis.x(b)
            cells.append([(x0, y - 0.42), (x1, y - 0.42), (x1, y + 0.42), (x0, y + 0.42)])
            if value <= 0:
                colours.append(IDLE)
                continue
            key, colour = _bin(ratio)
            used.add(key)
            colours.append(colour)
            text = _number(value)
            if numbers.width(text, theme.SMALL) + 2 <= col_pt:
                dark = key in ("high", "over")
                numbers.add(text, (x0 + x1) / 2, y, theme.SMALL, bold=key == "over", ha="center",
                            colour="white" if dark else theme.INK)
    ax.add_collection(rect_collection(cells, facecolors=colours, edgecolors="white", linewidths=0.8, zorder=1),
                      autolim=False)
    numbers.draw_on(fig, ax.transData, zorder=3)

    labels = TextLayer(style.families)
    pt = 72 / 2.54
    for y, name in enumerate(shown):
        share = availability.get(name, 100.0)
        note = "" if share == 100 else style.word("workload.availability", pct=f"{share:.0f}%")
        name_room = (LABEL_CM - 0.45) * pt - (labels.width(note, theme.SMALL) + 4 if note else 0)
        labels.add(labels.fit(name, name_room, theme.SMALL), 0.2 / width, y, theme.SMALL, colour=theme.INK)
        if note:
            labels.add(note, (LABEL_CM - 0.25) / width, y, theme.SMALL, ha="right", colour=theme.GREY)
    labels.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))

    legend.draw(fig, entries, style, 0.2, legend_cm + 0.1, width - 0.4, title=title)

    period_word = w(by)
    if over:
        alt = w("alt", people=len(order), period=period_word, start=day(style, schedule.start),
                finish=day(style, schedule.finish), over=len(over), names=join(style, over, 20))
    else:
        alt = w("alt_none_over", people=len(order), period=period_word, start=day(style, schedule.start),
                finish=day(style, schedule.finish))
    caption = (w("caption", period=period_word) if n == len(order)
               else w("caption_some", period=period_word, shown=n, total=len(order)))
    return Chart("workload", fig, caption, alt, width, width > theme.PORTRAIT_CM)
