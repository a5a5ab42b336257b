"""Gantt charts: tasks under their deliverables, on landscape pages of a fixed number of rows.

A plan that fits on one page (at most :data:`ROWS_PER_PAGE` rows of deliverables and tasks) gets one
chart, ``gantt``. A larger plan gets a deliverable-level summary (``gantt-summary``, more pages if it
has very many deliverables) and its tasks over pages ``gantt-1`` ... ``gantt-N``; a deliverable whose
tasks run onto the next page is repeated there, marked "(continued)". Each page has its own date range,
so bars stay wide enough to read.

What a bar says: its colour is the task's status, the solid part is the done part (Progress), a
vermillion outline marks the critical path, a hatched extension is the buffer, a diamond is a milestone.
Deliverable rows carry a dark summary bar, a tick at the due date and, when the forecast finish is
after it, the late part in vermillion. Dependency arrows are drawn only for plans of at most
:data:`ARROWS_MAX_TASKS` tasks (beyond that they turn into a thicket); non-working days are shaded when
a page spans at most :data:`SHADE_MAX_DAYS` days.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from matplotlib.collections import LineCollection
from matplotlib.transforms import blended_transform_factory

from ..errors import Location
from ..model import Plan
from ..schedule import Schedule
from . import legend, theme, timeaxis
from .chart import Chart
from .common import count_statuses, day, status_word, style_for, task_status
from .labels import TextLayer
from .panel import Panel, rect_collection
from .theme import Style

ROWS_PER_PAGE = 40
ROW_CM = 0.33  # height of a row on paper (7 pt text in 9.4 pt rows)
LABEL_CM = 7.2  # the label column left of the bars
RIGHT_CM = 0.5
ARROWS_MAX_TASKS = 60
SHADE_MAX_DAYS = 90
BAR = 0.58  # bar height in rows
SUMMARY_BAR = 0.30
WIDTH_CM = theme.LANDSCAPE_CM
ROW_BAND, NONWORKING, ARROW = theme.ROW_BAND, theme.NONWORKING, theme.ARROW


@dataclass(frozen=True)
class Row:
    kind: str  # "header" (deliverable above its tasks), "task", "milestone", "summary" (deliverable bar)
    id: str
    name: str
    start: date | None = None
    finish: date | None = None  # last day, inclusive; for a milestone the day it is reached
    status: str = "Not started"
    progress: float = 0.0
    critical: bool = False
    buffer_end: date | None = None
    due: date | None = None
    deliverable: str = ""  # for tasks: the header row's id
    continued: bool = False
    location: Location | None = None

    @property
    def last(self) -> date | None:
        """The last day the row draws on (buffer and due included)."""
        days = [d for d in (self.finish, self.buffer_end, self.due) if d is not None]
        return max(days) if days else None

    @property
    def late(self) -> bool:
        return self.due is not None and self.finish is not None and self.finish > self.due


# -- rows from the plan ---------------------------------------------------------------------------------
def _task_row(plan: Plan, schedule: Schedule, task, deliverable: str) -> Row:
    dates = schedule.tasks.get(task.id)
    loc = plan.loc("Tasks", task.row, "Task") if task.row else None
    if dates is None:
        return Row("milestone" if task.milestone else "task", task.id, task.name, deliverable=deliverable,
                   status=task_status(task.status, 0.0), location=loc)
    progress = dates.actual_progress
    milestone = task.milestone or getattr(dates, "milestone", False) or dates.duration == 0
    return Row("milestone" if milestone else "task", task.id, task.name,
               start=dates.early_finish if milestone else dates.early_start, finish=dates.early_finish,
               status=task_status(task.status, progress), progress=progress, critical=dates.critical,
               buffer_end=dates.buffer_end if dates.buffer else None, deliverable=deliverable, location=loc)


def _deliverable_row(plan: Plan, schedule: Schedule, deliverable, tasks: list[Row], kind: str) -> Row:
    dates = schedule.deliverables.get(deliverable.id) if deliverable else None
    start = dates.start if dates and dates.start else min((r.start for r in tasks if r.start), default=None)
    finish = dates.finish if dates and dates.finish else max((r.finish for r in tasks if r.finish), default=None)
    progress = dates.actual_progress if dates else 0.0
    if deliverable is None:
        return Row(kind, "", "", start=start, finish=finish, progress=progress,
                   status=task_status("", progress), critical=any(r.critical for r in tasks))
    return Row(kind, deliverable.id, deliverable.name, start=start, finish=finish,
               status=task_status(deliverable.status, progress), progress=progress,
               critical=any(r.critical for r in tasks), due=deliverable.due,
               location=plan.loc("Deliverables", deliverable.row, "Deliverable") if deliverable.row else None)


def _groups(plan: Plan, schedule: Schedule) -> list[tuple[Row, list[Row]]]:
    """(deliverable header, its task rows) in plan order; tasks without a known deliverable last."""
    by_deliverable: dict[str, list] = {d.id: [] for d in plan.deliverables}
    orphans = []
    for task in plan.tasks:
        by_deliverable.get(task.deliverable, orphans).append(task)
    groups = []
    for d in plan.deliverables:
        rows = [_task_row(plan, schedule, t, d.id) for t in by_deliverable[d.id]]
        groups.append((_deliverable_row(plan, schedule, d, rows, "header"), rows))
    if orphans:
        rows = [_task_row(plan, schedule, t, "") for t in orphans]
        groups.append((_deliverable_row(plan, schedule, None, rows, "header"), rows))
    return groups


def _paginate(groups: list[tuple[Row, list[Row]]], per_page: int) -> list[list[Row]]:
    """Pages of at most ``per_page`` rows; a group split over pages repeats its header, and a header is
    never the last row of a page."""
    pages: list[list[Row]] = []
    page: list[Row] = []
    for header, tasks in groups:
        if len(page) >= per_page - 1:  # no room for the header and one task
            pages.append(page)
            page = []
        page.append(header)
        for row in tasks:
            if len(page) >= per_page:
                pages.append(page)
                page = [replace(header, continued=True)]
            page.append(row)
    if page:
        pages.append(page)
    return pages


# -- drawing ---------------------------------------------------------------------------------------------
def _rect(x0: float, x1: float, y: float, h: float) -> list[tuple[float, float]]:
    return [(x0, y - h / 2), (x1, y - h / 2), (x1, y + h / 2), (x0, y + h / 2)]


def _hatch(rects, pt_per_day: float, pt_per_row: float, step_pt: float = 2.6) -> list:
    """Diagonal hatch lines (45 degrees on paper, ``step_pt`` apart) inside rectangles in data units.

    Drawn as one LineCollection: Agg's own hatching costs milliseconds per rectangle collection,
    which adds up over a hundred Gantt pages.
    """
    segments = []
    for (x0, y0), (x1, _), _, (_, y1) in rects:
        top, bottom = min(y0, y1), max(y0, y1)  # rows grow downwards
        rise = (bottom - top) * pt_per_row / pt_per_day  # days a 45-degree line covers from bottom to top
        step = step_pt / pt_per_day
        c = x0 - rise + step / 2
        while c < x1:
            a, b = c, c + rise  # x at the bottom edge, x at the top edge
            ya, yb = bottom, top
            if a < x0:
                ya = bottom - (x0 - a) / rise * (bottom - top)
                a = x0
            if b > x1:
                yb = top + (b - x1) / rise * (bottom - top)
                b = x1
            if b > a:
                segments.append([(a, ya), (b, yb)])
            c += step
    return segments


def _x(d: date) -> float:
    return float(d.toordinal())


def _range(rows: list[Row], status_date: date | None, whole: bool) -> tuple[date, date]:
    """Dates a chart shows, padded: all its rows when it is the whole plan or a summary; on a page of a
    large plan its tasks only (deliverable bars and due dates outside them are cut at the edge, the
    summary chart shows them whole), so that the page's bars are wide enough to read."""
    own = rows if whole else [r for r in rows if r.kind in ("task", "milestone")] or rows
    starts = [r.start for r in own if r.start]
    lasts = [r.last for r in own if r.last]
    if not starts:
        anchor = status_date or date.today()
        return anchor - timedelta(days=3), anchor + timedelta(days=4)
    first, last = min(starts), max(lasts)
    span = (last - first).days + 1
    pad = max(1, math.ceil(span * 0.02))
    first, end = first - timedelta(days=pad), last + timedelta(days=pad + 1)
    # The status date is the reader's "now": include it when it is near (a whole plan: within half its
    # span; a page: within a tenth), rather than squeezing the bars for a date far away.
    if status_date and first <= status_date < end + timedelta(days=span // (2 if whole else 10)):
        end = max(end, status_date + timedelta(days=2))
    return first, end


def _figure(rows: list[Row], style: Style, plan: Plan, schedule: Schedule, *, arrows: bool,
            summary: bool, calendar, whole: bool = True) -> theme.Figure:
    n = max(len(rows), 1)
    first, end = _range(rows, schedule.status_date, whole)
    span_days = (end - first).days
    unit = timeaxis.unit_for(span_days)
    top_cm = timeaxis.tier_height_pt(unit) / 72 * 2.54 + 0.25
    legend_cm = _legend_height(style)
    bottom_cm = 0.5 + legend_cm + 0.1
    height = top_cm + n * ROW_CM + bottom_cm
    fig = theme.new_figure(WIDTH_CM, height)
    ax = Panel(fig, LABEL_CM, RIGHT_CM, top_cm, bottom_cm)
    axes_cm = WIDTH_CM - LABEL_CM - RIGHT_CM
    ax.set_ylim(n - 0.5, -0.5)
    timeaxis.apply(ax, first, end, style, axes_cm, top=True)
    xmin, xmax = _x(first), _x(end)
    pt_per_day = axes_cm / 2.54 * 72 / max(span_days, 1)
    used: set[str] = set()

    # Backgrounds: deliverable rows banded across labels and plot; non-working days shaded.
    band = blended_transform_factory(ax.transAxes, ax.transData)
    left = -LABEL_CM / axes_cm
    bands = [_rect(left, 1.0, i, 1.0) for i, r in enumerate(rows) if r.kind == "header"]
    if bands:
        ax.add_collection(rect_collection(bands, facecolors=ROW_BAND, edgecolors="none", transform=band,
                                         clip_on=False, zorder=0.1), autolim=False)
    if span_days <= SHADE_MAX_DAYS and calendar is not None:
        runs, d = [], first
        while d < end:
            if not calendar.is_working(d):
                if runs and runs[-1][1] == _x(d):
                    runs[-1][1] = _x(d) + 1
                else:
                    runs.append([_x(d), _x(d) + 1])
            d += timedelta(days=1)
        if runs:
            ax.add_collection(rect_collection([_rect(a, b, 0.5, 1.0) for a, b in runs], facecolors=NONWORKING,
                                             edgecolors="none", transform=blended_transform_factory(
                                                 ax.transData, ax.transAxes), zorder=0.2), autolim=False)
            used.add("nonworking")

    # Bars.
    base, base_fc, base_ec, base_lw = [], [], [], []
    done, done_fc = [], []
    buffers = []
    late_parts = []
    summary_bars, summary_fc = [], []
    ms_x, ms_y, ms_fc, ms_ec = [], [], [], []
    due_x, due_y = [], []
    positions: dict[str, tuple[float, float, float]] = {}  # id -> (x start, x end, y)
    for y, r in enumerate(rows):
        if r.start is None or r.finish is None:
            continue
        x0, x1 = _x(r.start), _x(r.finish) + 1
        if r.kind == "milestone":
            ms_x.append(x1)
            ms_y.append(y)
            ms_fc.append(theme.STATUS["Done"] if r.status == "Done" else theme.INK)
            ms_ec.append(theme.CRITICAL if r.critical else theme.INK)
            positions[r.id] = (x1, x1, y)
            used.add("milestone")
            if r.critical:
                used.add("critical")
            continue
        if r.kind == "header":
            due_end = _x(r.due) + 1 if r.due else None
            if due_end is not None and r.late and due_end > x0:
                summary_bars += [_rect(x0, due_end, y, SUMMARY_BAR), _rect(due_end, x1, y, SUMMARY_BAR)]
                summary_fc += [theme.SUMMARY, theme.LATE]
                used.add("late")
            elif r.late:
                summary_bars.append(_rect(x0, x1, y, SUMMARY_BAR))
                summary_fc.append(theme.LATE)
                used.add("late")
            else:
                summary_bars.append(_rect(x0, x1, y, SUMMARY_BAR))
                summary_fc.append(theme.SUMMARY)
            used.add("summary")
            if due_end is not None:
                due_x.append(due_end)
                due_y.append(y)
                used.add("due")
            continue
        colour = theme.STATUS.get(r.status, theme.STATUS["Not started"])
        used.add("status:" + r.status)
        base.append(_rect(x0, x1, y, BAR))
        base_fc.append(theme.tint(colour, theme.PART))
        base_ec.append(theme.CRITICAL if r.critical else colour)
        base_lw.append(1.3 if r.critical else 0.5)
        if r.critical:
            used.add("critical")
        share = 100.0 if r.status == "Done" else max(0.0, min(100.0, r.progress))
        if share > 0:
            done.append(_rect(x0, x0 + (x1 - x0) * share / 100, y, BAR))
            done_fc.append(colour)
            if share < 100:
                used.add("progress")
        if r.buffer_end is not None and r.buffer_end > r.finish:
            buffers.append(_rect(x1, _x(r.buffer_end) + 1, y, BAR * 0.8))
            used.add("buffer")
        if summary and r.due is not None:
            due_x.append(_x(r.due) + 1)
            due_y.append(y)
            used.add("due")
            if r.late:  # the part after the due date in vermillion, as on deliverable rows
                late_parts.append(_rect(max(x0, _x(r.due) + 1), x1, y, BAR))
                used.add("late")
        positions[r.id] = (x0, x1, y)

    if summary_bars:
        ax.add_collection(rect_collection(summary_bars, facecolors=summary_fc, edgecolors="none", zorder=2),
                          autolim=False)
    if buffers:
        ax.add_collection(rect_collection(buffers, facecolors="white", edgecolors=theme.BUFFER, linewidths=0.5,
                                         zorder=1.9), autolim=False)
        ax.add_collection(LineCollection(_hatch(buffers, pt_per_day, ROW_CM / 2.54 * 72), colors=theme.BUFFER,
                                         linewidths=0.5, zorder=1.95), autolim=False)
    if base:
        ax.add_collection(rect_collection(base, facecolors=base_fc, edgecolors="none", zorder=2), autolim=False)
    if late_parts:
        ax.add_collection(rect_collection(late_parts, facecolors=theme.LATE, edgecolors="none", zorder=2.05),
                          autolim=False)
    if done:
        ax.add_collection(rect_collection(done, facecolors=done_fc, edgecolors="none", zorder=2.1), autolim=False)
    if base:  # outlines last, so the critical edge is not covered by the done part
        ax.add_collection(rect_collection(base, facecolors="none", edgecolors=base_ec, linewidths=base_lw,
                                         zorder=2.2), autolim=False)
    if ms_x:
        ax.markers(ms_x, ms_y, "D", 30, ms_fc, ms_ec, 1.0, zorder=3)
    if due_x:
        ax.markers(due_x, due_y, "|", 55, theme.INK, None, 1.3, zorder=3.1)

    if arrows and _arrows(ax, plan, rows, positions, pt_per_day):
        used.add("dependency")

    # Row separators: a hairline above each deliverable row.
    seps = [[(left, i - 0.5), (1.0, i - 0.5)] for i, r in enumerate(rows) if r.kind == "header" and i > 0]
    if seps:
        ax.add_collection(LineCollection(seps, colors=theme.LIGHT, linewidths=0.5, transform=band, clip_on=False,
                                         zorder=0.3), autolim=False)

    # Status date.
    status_x = _x(schedule.status_date) + 1
    layer_axes = TextLayer(style.families)
    if xmin <= status_x <= xmax:
        ax.vline(status_x, color=theme.STATUS_LINE, linewidth=0.9, linestyle=(0, (4, 2)), zorder=4)
        label = style.word("gantt.status_date", date=day(style, schedule.status_date))
        half = layer_axes.width(label, theme.SMALL) / 2 / pt_per_day  # in days
        ha = "right" if status_x + half > xmax else "left" if status_x - half < xmin else "center"
        layer_axes.add(label, status_x, 0.0, theme.SMALL, ha=ha, va="top", dy=-3,
                       dx={"right": 3, "left": -3, "center": 0}[ha], colour=theme.INK)
        used.add("status_date")
    layer_axes.draw_on(fig, blended_transform_factory(ax.transData, ax.transAxes))

    _row_labels(fig, ax, rows, style)
    legend.draw(fig, _entries(style, used), style, 0.25, legend_cm + 0.1, WIDTH_CM - 0.5)
    return fig


def _row_labels(fig, ax, rows: list[Row], style: Style) -> None:
    layer = TextLayer(style.families)
    size = theme.SMALL
    pt = 72 / 2.54  # points per cm
    x_of = lambda cm: cm / WIDTH_CM
    header_x, task_x, gap = 0.25, 0.55, 0.18
    ids = [r.id for r in rows if r.kind in ("task", "milestone", "summary")]
    id_width = max((layer.width(i, size) for i in ids), default=0) / pt
    id_width = min(id_width, 2.2)
    name_x = task_x + id_width + gap
    right = LABEL_CM - 0.2
    for y, r in enumerate(rows):
        if r.kind == "header":
            text = "  ".join(w for w in (r.id, r.name) if w) if r.id else style.word("gantt.no_deliverable")
            room = (right - header_x) * pt
            if r.continued:  # "(continued)" is kept whole; the name gives way
                suffix = style.word("gantt.continued")
                room -= layer.width(suffix, size) + 3
                layer.add(suffix, x_of(right), y, size, colour=theme.GREY, ha="right")
            text = layer.fit(text, room, size, bold=True, location=r.location)
            layer.add(text, x_of(header_x), y, size, bold=True, colour=theme.INK, location=r.location)
            continue
        if r.kind == "summary" and not r.id:  # the group of tasks without a deliverable
            text = layer.fit(style.word("gantt.no_deliverable"), (right - header_x) * pt, size)
            layer.add(text, x_of(header_x), y, size, colour=theme.INK)
            continue
        x_id = header_x if r.kind == "summary" else task_x
        ident = layer.fit(r.id, id_width * pt, size)
        layer.add(ident, x_of(x_id), y, size, colour=theme.GREY)
        nx = x_id + id_width + gap if r.kind == "summary" else name_x
        name = layer.fit(r.name, (right - nx) * pt, size, location=r.location)
        layer.add(name, x_of(nx), y, size, colour=theme.INK, location=r.location)
    layer.draw_on(fig, blended_transform_factory(fig.transFigure, ax.transData))


LEGEND_ORDER = ("status:Not started", "status:In progress", "status:Done", "status:Blocked", "status:At risk",
                "progress", "critical", "milestone", "buffer", "summary", "due", "late", "dependency", "nonworking",
                "status_date")


def _entries(style: Style, used) -> list:
    """Legend entries for the features a page uses, in a fixed order."""
    out = []
    for name in LEGEND_ORDER:
        if name not in used:
            continue
        if name.startswith("status:"):  # a bar of that status with nothing done (Done: all done)
            status = name[7:]
            colour = theme.STATUS[status]
            out.append((legend.patch(colour if status == "Done" else theme.tint(colour, theme.PART), colour),
                        status_word(style, status)))
            continue
        key = {
            "progress": legend.progress(theme.BLUE),
            "critical": legend.patch("white", theme.CRITICAL, 1.3),
            "milestone": legend.marker("D", theme.INK, size=5),
            "buffer": legend.patch("white", theme.BUFFER, 0.5, "/////"),
            "summary": legend.patch(theme.SUMMARY),
            "due": legend.marker("|", theme.INK, width=1.3, size=8),
            "late": legend.patch(theme.LATE),
            "dependency": legend.line(ARROW, 0.7, marker=">", size=3),
            "nonworking": legend.patch(NONWORKING),
            "status_date": legend.line(theme.STATUS_LINE, 0.9, (0, (4, 2))),
        }[name]
        out.append((key, style.word(f"gantt.legend.{name}")))
    return out


def _legend_height(style: Style) -> float:
    """Room for the legend of a page with every feature, so that all pages have the same layout."""
    return style.memo("gantt-legend-height",
                      lambda: legend.height_cm(_entries(style, set(LEGEND_ORDER)), style, WIDTH_CM - 0.5))


def _arrows(ax, plan: Plan, rows: list[Row], positions: dict, pt_per_day: float) -> bool:
    """Elbow connectors from each predecessor to its successor (both on this page); False if none."""
    d = 5 / pt_per_day  # 5 pt in days
    half = 0.5
    segments, heads_r, heads_l = [], [], []
    for r in rows:
        if r.kind not in ("task", "milestone") or r.id not in positions:
            continue
        task = plan.task(r.id)
        if task is None:
            continue
        sx0, sx1, sy = positions[r.id]
        for link in task.depends:
            if link.predecessor not in positions:
                continue
            px0, px1, py = positions[link.predecessor]
            from_end = link.type in ("FS", "FF")
            into_start = link.type in ("FS", "SS")
            xa = px1 if from_end else px0
            xb = sx0 if into_start else sx1
            step = (sy > py) - (sy < py)
            ymid = sy - step * half
            if into_start:
                if xb - d >= xa + d - 1e-9:
                    pts = [(xa, py), (xa + d, py), (xa + d, sy), (xb, sy)]
                else:
                    pts = [(xa, py), (xa + d, py), (xa + d, ymid), (xb - d, ymid), (xb - d, sy), (xb, sy)]
                heads_r.append((xb - 2.2 / pt_per_day, sy))
            else:
                xr = max(xa, xb) + d
                pts = [(xa, py), (xr, py), (xr, sy), (xb, sy)]
                heads_l.append((xb + 2.2 / pt_per_day, sy))
            segments.append(pts)
    if not segments:
        return False
    ax.add_collection(LineCollection(segments, colors=ARROW, linewidths=0.55, zorder=1.5), autolim=False)
    for heads, marker in ((heads_r, ">"), (heads_l, "<")):
        if heads:
            xs, ys = zip(*heads)
            ax.markers(xs, ys, marker, 9, ARROW, "none", 0, zorder=1.6)
    return True


# -- public ----------------------------------------------------------------------------------------------
def working_calendar(plan: Plan, schedule: Schedule):
    """The plan's working-day calendar (for shading non-working days), or None if it cannot be made."""
    if getattr(schedule, "calendar", None) is not None:
        return schedule.calendar
    try:
        from ..workdays import Calendar

        return Calendar.from_plan(plan)
    except Exception:  # noqa: BLE001  shading is a nicety; a plan with a bad week is reported by check
        return None


def gantt_charts(plan: Plan, schedule: Schedule, language: str | None = None) -> list[Chart]:
    """One Gantt chart for a plan that fits a page; else a summary by deliverable and task pages."""
    style = style_for(plan, language)
    if not plan.tasks:
        return []
    groups = _groups(plan, schedule)
    total_rows = sum(1 + len(tasks) for _, tasks in groups)
    arrows = len(plan.tasks) <= ARROWS_MAX_TASKS
    calendar = working_calendar(plan, schedule)
    tasks = [r for _, rows in groups for r in rows]
    critical = sum(1 for r in tasks if r.critical)
    statuses = count_statuses(style, (r.status for r in tasks))
    if total_rows <= ROWS_PER_PAGE:
        rows = [row for header, rows in groups for row in [header, *rows]]
        fig = _figure(rows, style, plan, schedule, arrows=arrows, summary=False, calendar=calendar)
        alt = style.word("gantt.alt", tasks=len(tasks), deliverables=len(plan.deliverables),
                         start=day(style, schedule.start), finish=day(style, schedule.finish), critical=critical,
                         statuses=statuses, status_date=day(style, schedule.status_date))
        return [Chart("gantt", fig, style.word("gantt.caption"), alt, WIDTH_CM, True)]

    charts = []
    summary_rows = [replace(header, kind="summary") for header, _ in groups]
    summary_pages = [summary_rows[i:i + ROWS_PER_PAGE] for i in range(0, len(summary_rows), ROWS_PER_PAGE)]
    for k, page in enumerate(summary_pages, 1):
        fig = _figure(page, style, plan, schedule, arrows=False, summary=True, calendar=calendar)
        late = sum(1 for r in page if r.late)
        first = min((r.start for r in page if r.start), default=schedule.start)
        last = max((r.finish for r in page if r.finish), default=schedule.finish)
        if len(summary_pages) == 1:
            name, caption = "gantt-summary", style.word("gantt.caption_summary")
            alt = style.word("gantt.alt_summary", deliverables=len(page), start=day(style, first),
                             finish=day(style, last), late=late, status_date=day(style, schedule.status_date))
        else:
            name = f"gantt-summary-{k}"
            caption = style.word("gantt.caption_summary_page", page=k, pages=len(summary_pages))
            alt = style.word("gantt.alt_summary_page", page=k, pages=len(summary_pages), first=page[0].id or "-",
                             last=page[-1].id or "-", start=day(style, first), finish=day(style, last), late=late)
        charts.append(Chart(name, fig, caption, alt, WIDTH_CM, True))
    pages = _paginate(groups, ROWS_PER_PAGE)
    for k, page in enumerate(pages, 1):
        fig = _figure(page, style, plan, schedule, arrows=arrows, summary=False, calendar=calendar, whole=False)
        page_tasks = [r for r in page if r.kind in ("task", "milestone")]
        first = min((r.start for r in page_tasks if r.start), default=schedule.start)
        last = max((r.finish for r in page_tasks if r.finish), default=schedule.finish)
        alt = style.word("gantt.alt_page", page=k, pages=len(pages), count=len(page_tasks),
                         first=page_tasks[0].id if page_tasks else "-", last=page_tasks[-1].id if page_tasks else "-",
                         start=day(style, first), finish=day(style, last),
                         critical=sum(1 for r in page_tasks if r.critical),
                         statuses=count_statuses(style, (r.status for r in page_tasks)))
        charts.append(Chart(f"gantt-{k}", fig, style.word("gantt.caption_page", page=k, pages=len(pages)), alt,
                            WIDTH_CM, True))
    return charts
