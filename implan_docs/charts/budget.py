"""Budget charts: planned cost by resource type, and cumulative planned cost against the approved Budget.

A resource's cost is ``Resource.total_cost`` (Cost, else Quantity x Unit cost); rows without either are
left out. Over time, each cost is spread evenly over its days: From..To when both are given, else the
dates of the task or deliverable it is For, else the whole project. Amounts are formatted by Babel in
the plan's currency (compact on axes: £1.2M, NT$120萬).
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from babel.numbers import format_compact_currency
from matplotlib.ticker import FixedLocator, NullFormatter
from matplotlib.transforms import blended_transform_factory

from ..model import RESOURCE_TYPES, Plan
from ..schedule import Schedule
from . import legend, theme, timeaxis
from .chart import Chart
from .common import canonical, day, join, style_for
from .labels import TextLayer

WIDTH_CM = theme.PORTRAIT_CM


def _compact(style, value: float, currency: str) -> str:
    return format_compact_currency(value, currency or "USD", locale=style.t.locale, fraction_digits=1)


def _nice_ticks(top: float, count: int = 5) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / count
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    return [float(v) for v in np.arange(0, top + step * 0.999, step)]


def _type_key(value: str) -> str:
    return canonical(value, RESOURCE_TYPES) or value


def cost_by_type(plan: Plan, style, currency: str) -> Chart | None:
    totals: dict[str, list[float]] = {}
    for r in plan.resources:
        cost = r.total_cost
        if cost is None:
            continue
        approved = canonical(r.status, ("Approved",)) == "Approved"
        entry = totals.setdefault(_type_key(r.type), [0.0, 0.0])
        entry[0 if approved else 1] += float(cost)
    if not totals:
        return None
    order = [t for t in RESOURCE_TYPES if t in totals] + sorted(t for t in totals if t not in RESOURCE_TYPES)
    n = len(order)
    label_cm, right_cm, top_cm, bottom_cm, row_cm = 3.0, 2.2, 0.3, 1.5, 0.75
    height = top_cm + n * row_cm + bottom_cm
    fig = theme.new_figure(WIDTH_CM, height)
    ax = theme.axes_cm(fig, label_cm, right_cm, top_cm, bottom_cm)
    theme.style_axes(ax, style, grid="x")
    ax.spines["left"].set_visible(False)
    ys = np.arange(n)
    approved = np.array([totals[t][0] for t in order])
    requested = np.array([totals[t][1] for t in order])
    ax.barh(ys, approved, height=0.58, color=theme.BLUE, zorder=2)
    ax.barh(ys, requested, left=approved, height=0.58, color=theme.tint(theme.BLUE, 0.7), edgecolor=theme.BLUE,
            linewidth=0.5, hatch="////", zorder=2)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks([])
    top = float((approved + requested).max())
    ticks = _nice_ticks(top * 1.02)
    ax.set_xlim(0, ticks[-1])
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(NullFormatter())
    labels = TextLayer(style.families)
    for t in ticks:
        labels.add(_compact(style, t, currency), t, 0.0, theme.SMALL, ha="center", va="top", dy=-4, colour=theme.INK)
    labels.add(style.word("budget.cost", currency=currency), 0.5 * ticks[-1], 0.0, theme.SMALL, ha="center",
               va="top", dy=-4 - theme.SMALL * 1.5, colour=theme.GREY)
    labels.draw_on(fig, blended_transform_factory(ax.transData, ax.transAxes))
    names = TextLayer(style.families)
    pt = 72 / 2.54
    words = [style.t(f"charts.budget.types.{t.lower()}") if style.t.has(f"charts.budget.types.{t.lower()}") else t
             for t in order]
    for y, (word, total) in enumerate(zip(words, approved + requested)):
        names.add(names.fit(word, (label_cm - 0.4) * pt, theme.SMALL), 0.2 / WIDTH_CM, y, theme.SMALL,
                  colour=theme.INK)
    names.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))
    amounts = TextLayer(style.families)
    for y, total in enumerate(approved + requested):
        amounts.add(style.t.money(total, currency), total, y, theme.SMALL, dx=4, colour=theme.INK)
    amounts.draw_on(fig, ax.transData, zorder=4)
    entries = [(legend.patch(theme.BLUE), style.word("budget.approved"))]
    if requested.any():
        entries.append((legend.patch(theme.tint(theme.BLUE, 0.7), theme.BLUE, 0.5, "////"),
                        style.word("budget.requested")))
    legend.draw(fig, entries, style, label_cm, 0.55, WIDTH_CM - label_cm - right_cm)
    grand = float((approved + requested).sum())
    items = join(style, [style.word("budget.alt_type_item", type=w, amount=style.t.money(v, currency))
                         for w, v in zip(words, approved + requested)])
    alt = style.word("budget.alt_types", total=style.t.money(grand, currency), items=items)
    return Chart("budget-by-type", fig, style.word("budget.caption_types"), alt, WIDTH_CM, False)


def _window(plan: Plan, schedule: Schedule, r) -> tuple[date, date]:
    """The days a resource's cost is spread over (inclusive)."""
    if r.start and r.end and r.end >= r.start:
        return r.start, r.end
    if r.for_id:
        t = schedule.tasks.get(r.for_id)
        if t is not None:
            return t.early_start, max(t.early_finish, t.early_start)
        d = schedule.deliverables.get(r.for_id)
        if d is not None and d.start and d.finish:
            return d.start, d.finish
    if r.start:
        return r.start, max(r.start, schedule.finish)
    if r.end:
        return min(schedule.start, r.end), r.end
    return schedule.start, schedule.finish


def cumulative_cost(plan: Plan, schedule: Schedule, style, currency: str) -> Chart | None:
    spreads = [(_window(plan, schedule, r), float(r.total_cost)) for r in plan.resources if r.total_cost]
    if not spreads:
        return None
    first = min(a for (a, _), _ in spreads)
    last = max(b for (_, b), _ in spreads)
    days = (last - first).days + 1
    daily = np.zeros(days + 1)
    for (a, b), cost in spreads:  # a difference array: +rate on the first day, -rate after the last
        i, j = (a - first).days, (b - first).days + 1
        rate = cost / (j - i)
        daily[i] += rate
        daily[j] -= rate
    cumulative = np.concatenate([[0.0], np.cumsum(np.cumsum(daily)[:-1])])  # at the start of each day
    xs = timeaxis.x(first) + np.arange(days + 1)
    budget = plan.project.budget
    total = float(cumulative[-1])
    top = max(total, budget or 0.0)
    ticks = _nice_ticks(top * 1.05)

    left_cm, right_cm, top_cm = 2.2, 0.4, 0.5
    pad = max(2, days // 40)
    span_first, span_end = first - timedelta(days=pad), last + timedelta(days=pad + 1)
    unit = timeaxis.unit_for((span_end - span_first).days)
    bottom_cm = timeaxis.tier_height_pt(unit) / 72 * 2.54 + 1.0
    height = 7.5
    fig = theme.new_figure(WIDTH_CM, height)
    ax = theme.axes_cm(fig, left_cm, right_cm, top_cm, bottom_cm)
    theme.style_axes(ax, style, grid="y")
    timeaxis.apply(ax, span_first, span_end, style, WIDTH_CM - left_cm - right_cm, top=False)
    ax.set_ylim(0, ticks[-1])
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(NullFormatter())
    ax.plot(xs, cumulative, color=theme.BLUE, linewidth=1.6, zorder=3)
    ax.fill_between(xs, cumulative, color=theme.tint(theme.BLUE, 0.85), linewidth=0, zorder=1)
    labels = TextLayer(style.families)
    for t in ticks:
        labels.add(_compact(style, t, currency), 0.0, t, theme.SMALL, ha="right", dx=-4, colour=theme.INK)
    labels.draw_on(fig, blended_transform_factory(ax.transAxes, ax.transData))

    notes = TextLayer(style.families)
    entries = [(legend.line(theme.BLUE, 1.6), style.word("budget.planned"))]
    crossing = None
    if budget:
        ax.axhline(budget, color=theme.VERMILLION, linewidth=1.1, linestyle=(0, (5, 2)), zorder=2)
        entries.append((legend.line(theme.VERMILLION, 1.1, (0, (5, 2))),
                        style.word("budget.budget", amount=style.t.money(budget, currency))))
        over = np.nonzero(cumulative > budget + 1e-6)[0]
        if len(over):
            k = int(over[0])
            crossing = first + timedelta(days=max(k - 1, 0))
            ax.scatter([xs[k]], [budget], s=28, color=theme.VERMILLION, zorder=4)
            text = style.word("budget.over", date=day(style, crossing))
            frac = (xs[k] - timeaxis.x(span_first)) / (timeaxis.x(span_end) - timeaxis.x(span_first))
            notes.add(text, xs[k], budget, theme.SMALL, ha="right" if frac > 0.5 else "left",
                      dx=-6 if frac > 0.5 else 6, dy=6, va="bottom", colour=theme.VERMILLION, bold=True)
    status_x = timeaxis.x(schedule.status_date) + 1
    if timeaxis.x(span_first) <= status_x <= timeaxis.x(span_end):
        ax.axvline(status_x, color=theme.STATUS_LINE, linewidth=0.9, linestyle=(0, (4, 2)), zorder=2)
        entries.append((legend.line(theme.STATUS_LINE, 0.9, (0, (4, 2))), style.word("budget.status_date")))
    notes.draw_on(fig, ax.transData, zorder=5)
    legend.draw(fig, entries, style, left_cm, 0.55, WIDTH_CM - left_cm - right_cm)

    money = lambda v: style.t.money(v, currency)
    if budget:
        alt = style.word("budget.alt_cumulative", start=day(style, first), finish=day(style, last),
                         total=money(total), budget=money(budget))
        alt += " " + (style.word("budget.alt_over", date=day(style, crossing)) if crossing
                      else style.word("budget.alt_within"))
        caption = style.word("budget.caption_cumulative")
    else:
        alt = style.word("budget.alt_cumulative_no_budget", start=day(style, first), finish=day(style, last),
                         total=money(total))
        caption = style.word("budget.caption_cumulative_no_budget")
    return Chart("budget-cumulative", fig, caption, alt, WIDTH_CM, False)


def budget_charts(plan: Plan, schedule: Schedule, language: str | None = None) -> list:
    """Cost by resource type and cumulative planned cost; [] when no resource has a cost."""
    style = style_for(plan, language)
    currency = plan.project.currency or "USD"
    charts = [cost_by_type(plan, style, currency), cumulative_cost(plan, schedule, style, currency)]
    return [c for c in charts if c is not None]
