"""Milestone chart: milestones and deliverable due dates on one timeline, marked done, on track or late.

One row per item in date order. A diamond is a milestone, a square a deliverable's due date; the colour
and fill say the state (done: filled green, on track: hollow blue, late: filled vermillion). A late
item whose forecast is after its date shows both: hollow at the date it was due, a line to the
forecast. Every marker carries its date as text, so nothing depends on colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.collections import LineCollection
from matplotlib.transforms import blended_transform_factory

from ..model import Plan
from ..schedule import Schedule
from . import legend, theme, timeaxis
from .chart import Chart
from .common import canonical, day, join, style_for
from .labels import TextLayer
from .panel import Panel

MAX_ROWS = 40  # a portrait page
ROW_CM = 0.42
LABEL_CM = 5.6
RIGHT_CM = 1.4  # room for the date text of the right-most marker
WIDTH_CM = theme.PORTRAIT_CM
STATE_COLOUR = {"done": theme.GREEN, "on_track": theme.BLUE, "late": theme.VERMILLION}


@dataclass(frozen=True)
class Item:
    kind: str  # "milestone" or "deliverable"
    id: str
    name: str
    date: date  # the date it is due (deliverable Due; milestone's written date, else its forecast)
    forecast: date | None  # scheduled date when it differs from `date`
    state: str  # "done", "on_track", "late"
    location: object = None


def _items(plan: Plan, schedule: Schedule) -> list[Item]:
    items = []
    status_date = schedule.status_date
    for task in plan.tasks:
        dates = schedule.tasks.get(task.id)
        if dates is None or not (task.milestone or getattr(dates, "milestone", False)):
            continue
        done = canonical(task.status, ("Done",)) == "Done" or dates.actual_progress >= 100
        written = task.finish or task.start
        forecast = dates.early_finish
        late = not done and (dates.behind or dates.total_float < 0 or forecast < status_date
                             or (written is not None and forecast > written))
        target = written if written is not None else forecast
        items.append(Item("milestone", task.id, task.name, target, forecast if forecast != target else None,
                          "done" if done else "late" if late else "on_track",
                          plan.loc("Tasks", task.row, "Task") if task.row else None))
    for d in plan.deliverables:
        if d.due is None:
            continue
        dates = schedule.deliverables.get(d.id)
        progress = dates.actual_progress if dates else 0.0
        done = canonical(d.status, ("Done",)) == "Done" or progress >= 100
        forecast = dates.finish if dates else None
        late = not done and ((dates is not None and dates.late_days > 0) or d.due < status_date
                             or (forecast is not None and forecast > d.due))
        items.append(Item("deliverable", d.id, d.name, d.due,
                          forecast if forecast is not None and forecast > d.due and not done else None,
                          "done" if done else "late" if late else "on_track",
                          plan.loc("Deliverables", d.row, "Deliverable") if d.row else None))
    return items


def _choose(items: list[Item], status_date: date) -> list[Item]:
    """At most MAX_ROWS items: the late ones first, then those nearest the status date."""
    if len(items) <= MAX_ROWS:
        return items
    rank = sorted(items, key=lambda i: (i.state != "late", abs((i.date - status_date).days), i.date, i.id))
    return rank[:MAX_ROWS]


def _legend_words(style) -> list[str]:
    return [style.word(f"milestones.{k}") for k in ("milestone", "deliverable", "done", "on_track", "late", "forecast")]


def milestone_chart(plan: Plan, schedule: Schedule, language: str | None = None) -> Chart | None:
    """A timeline of milestones and deliverable due dates; None when the plan has neither."""
    style = style_for(plan, language)
    every = _items(plan, schedule)
    if not every:
        return None
    shown = sorted(_choose(every, schedule.status_date), key=lambda i: (i.date, i.kind != "deliverable", i.id))
    n = len(shown)
    dates = [i.date for i in shown] + [i.forecast for i in shown if i.forecast] + [schedule.status_date]
    first, last = min(dates), max(dates)
    pad = max(2, (last - first).days // 30)
    first, end = first - timedelta(days=pad), last + timedelta(days=pad + 1)
    unit = timeaxis.unit_for((end - first).days)
    legend_cm = legend.height_cm([(None, w) for w in _legend_words(style)], style, WIDTH_CM - 0.4)
    bottom_cm = timeaxis.tier_height_pt(unit) / 72 * 2.54 + 0.3 + legend_cm
    top_cm = 0.55
    height = top_cm + n * ROW_CM + bottom_cm
    fig = theme.new_figure(WIDTH_CM, height)
    ax = Panel(fig, LABEL_CM, RIGHT_CM, top_cm, bottom_cm)
    axes_cm = WIDTH_CM - LABEL_CM - RIGHT_CM
    ax.set_ylim(n - 0.5, -0.5)
    timeaxis.apply(ax, first, end, style, axes_cm, top=False)
    pt_per_day = axes_cm / 2.54 * 72 / (end - first).days

    # Row guides: a faint line from the label to the marker.
    guides = [[(timeaxis.x(first), y), (timeaxis.x(i.date) + 0.5, y)] for y, i in enumerate(shown)]
    ax.add_collection(LineCollection(guides, colors=theme.GRID, linewidths=0.6, linestyles=(0, (1, 2)), zorder=1),
                      autolim=False)
    links = [[(timeaxis.x(i.date) + 0.5, y), (timeaxis.x(i.forecast) + 0.5, y)]
             for y, i in enumerate(shown) if i.forecast]
    if links:
        ax.add_collection(LineCollection(links, colors=theme.VERMILLION, linewidths=1.2, zorder=2), autolim=False)

    for kind, marker, size in (("milestone", "D", 34), ("deliverable", "s", 30)):
        rows = [(y, i) for y, i in enumerate(shown) if i.kind == kind]
        if not rows:
            continue
        xs = [timeaxis.x(i.date) + 0.5 for _, i in rows]
        ys = [y for y, _ in rows]
        faces = ["white" if (i.state == "on_track" or i.forecast) else STATE_COLOUR[i.state] for _, i in rows]
        edges = [STATE_COLOUR[i.state] for _, i in rows]
        ax.markers(xs, ys, marker, size, faces, edges, 1.3, zorder=3)
        late = [(timeaxis.x(i.forecast) + 0.5, y) for y, i in rows if i.forecast]
        if late:
            lx, ly = zip(*late)
            ax.markers(lx, ly, marker, size, theme.VERMILLION, theme.VERMILLION, 1.3, zorder=3)

    # Status date.
    sx = timeaxis.x(schedule.status_date) + 1
    ax.vline(sx, color=theme.STATUS_LINE, linewidth=0.9, linestyle=(0, (4, 2)), zorder=2.5)
    top = TextLayer(style.families)
    top.add(style.word("milestones.status_date", date=day(style, schedule.status_date)), sx, 1.0, theme.SMALL,
            ha="center", va="bottom", dy=2, colour=theme.INK)
    top.draw_on(fig, blended_transform_factory(ax.transData, ax.transAxes))

    # Labels: ID and name on the left; the date beside each marker.
    pt = 72 / 2.54
    rows_layer = TextLayer(style.families)
    ids = max((rows_layer.width(i.id, theme.SMALL) for i in shown), default=0) / pt
    ids = min(ids, 1.6)
    for y, i in enumerate(shown):
        rows_layer.add(rows_layer.fit(i.id, ids * pt, theme.SMALL), 0.2 / WIDTH_CM, y, theme.SMALL, colour=theme.GREY)
        name_x = 0.2 + ids + 0.15
        name = rows_layer.fit(i.name, (LABEL_CM - name_x - 0.15) * pt, theme.SMALL, location=i.location)
        rows_layer.add(name, name_x / WIDTH_CM, y, theme.SMALL, colour=theme.INK, location=i.location)
    rows_layer.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))
    dates_layer = TextLayer(style.families)
    for y, i in enumerate(shown):
        at = i.forecast or i.date
        text = style.t.short_date(at)
        x = timeaxis.x(at) + 0.5
        room_right = (timeaxis.x(end) - x) * pt_per_day + RIGHT_CM * pt
        if room_right > dates_layer.width(text, theme.SMALL) + 8:
            dates_layer.add(text, x, y, theme.SMALL, dx=6, colour=theme.INK)
        else:
            dates_layer.add(text, x, y, theme.SMALL, ha="right", dx=-6, colour=theme.INK)
    dates_layer.draw_on(fig, ax.transData, zorder=4)

    w = lambda key: style.word(f"milestones.{key}")
    kinds = {i.kind for i in shown}
    states = {i.state for i in shown}
    entries = [(legend.marker(m, "white", theme.INK, 1.2), w(kind))
               for kind, m in (("milestone", "D"), ("deliverable", "s")) if kind in kinds]
    if "done" in states:
        entries.append((legend.marker("o", theme.GREEN), w("done")))
    if "on_track" in states:
        entries.append((legend.marker("o", "white", theme.BLUE, 1.3), w("on_track")))
    if "late" in states:
        entries.append((legend.marker("o", theme.VERMILLION), w("late")))
    if links:
        entries.append((legend.line(theme.VERMILLION, 1.2), w("forecast")))
    legend.draw(fig, entries, style, 0.2, legend_cm + 0.1, WIDTH_CM - 0.4)

    counts = {s: sum(1 for i in every if i.state == s) for s in STATE_COLOUR}
    alt = style.word("milestones.alt", milestones=sum(1 for i in every if i.kind == "milestone"),
                     deliverables=sum(1 for i in every if i.kind == "deliverable"),
                     start=day(style, min(i.date for i in every)), finish=day(style, max(i.date for i in every)),
                     done=counts["done"], on_track=counts["on_track"], late=counts["late"],
                     status_date=day(style, schedule.status_date))
    late_items = [f"{i.id} ({day(style, i.forecast or i.date)})" for i in sorted(every, key=lambda i: i.date)
                  if i.state == "late"]
    if late_items:
        alt += " " + style.word("milestones.alt_late", items=join(style, late_items, 20))
    caption = (style.word("milestones.caption") if len(shown) == len(every)
               else style.word("milestones.caption_some", shown=len(shown), total=len(every)))
    return Chart("milestones", fig, caption, alt, WIDTH_CM, False)
