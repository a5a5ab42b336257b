"""Schedule: Gantt and milestone charts, the critical path, tasks behind, and the full task table."""
from __future__ import annotations

from .. import blocks as b
from .common import FILL, heading, status_cell
from .context import Context

NAME = "schedule"
PATH_LIST_LIMIT = 40  # IDs listed in the critical path sentence before "and N more"


def build(ctx: Context) -> b.Fragment:
    from ..charts import gantt_charts, milestone_chart  # matplotlib: imported only by sections that draw

    plan, s, t = ctx.plan, ctx.schedule, ctx.t
    out: list = [heading(t, "section.schedule")]
    out.append(b.Paragraph(t("schedule.intro", tasks=len(plan.tasks), start=t.date(s.start), finish=t.date(s.finish),
                             date=t.date(s.status_date))))
    if plan.project.finish:
        key = "schedule.late" if s.late_days > 0 else "schedule.on_time"
        out.append(b.Paragraph(t(key, target=t.date(plan.project.finish), days=s.late_days)))
    out.append(b.Paragraph(t("schedule.rules")))

    out += ctx.figures(gantt_charts(ctx.chart_plan, s, ctx.language))
    chart = milestone_chart(ctx.chart_plan, s, ctx.language)
    if chart is not None:
        out.append(ctx.figure(chart))

    out.append(heading(t, "schedule.critical_path", 2))
    chains = s.critical_path
    if chains:
        chain = chains[0]
        shown = " → ".join(chain[:PATH_LIST_LIMIT])
        more = t("schedule.more", count=len(chain) - PATH_LIST_LIMIT) if len(chain) > PATH_LIST_LIMIT else ""
        out.append(b.Paragraph(t("schedule.critical_text", count=len(s.critical_ids), chains=len(chains)) + " " +
                               shown + more))
    else:
        out.append(b.Paragraph(t("schedule.no_critical")))

    out += _confidence(ctx)
    out += _slipped(ctx)

    behind = [task for task in plan.tasks if s.tasks[task.id].behind]
    out.append(heading(t, "schedule.behind", 2))
    if behind:
        rows = [(task.id, task.name, task.owner, t.date(s.tasks[task.id].early_start),
                 t.date(s.tasks[task.id].early_finish), status_cell(t, task.status or "Not started"),
                 f"{t.percent(s.tasks[task.id].actual_progress)} / {t.percent(s.tasks[task.id].planned_progress)}")
                for task in behind]
        out.append(b.table((t("table.id"), t("table.task"), t("table.owner"), t("table.start"), t("table.finish"),
                            t("table.status"), t("table.progress_actual_planned")), rows,
                           caption=t("caption.behind", date=t.date(s.status_date)),
                           widths=(0.6, 3.4, 1.4, 1.1, 1.1, 1.1, 1.2)))
    else:
        out.append(b.Paragraph(t("schedule.none_behind", date=t.date(s.status_date))))

    out.append(heading(t, "schedule.tasks", 2))
    rows = []
    for task in plan.tasks:
        d = s.tasks[task.id]
        days = t("schedule.milestone_short") if task.milestone else str(d.duration)
        if d.buffer:
            days += f" +{d.buffer}"
        float_cell = b.Cell(str(d.total_float), FILL["late"] if d.total_float < 0 else
                            (FILL["warn"] if d.critical else ""), align="right")
        rows.append((task.id, task.name, task.deliverable or "–", task.owner, t.date(d.early_start),
                     t.date(d.early_finish), b.Cell(days, align="right"), float_cell,
                     status_cell(t, task.status) if task.status else "–"))
    out.append(b.table((t("table.id"), t("table.task"), t("table.deliverable_id"), t("table.owner"), t("table.start"),
                        t("table.finish"), t("table.days"), t("table.float"), t("table.status")), rows,
                       caption=t("caption.tasks"), widths=(0.6, 3.6, 0.8, 1.4, 1.1, 1.1, 0.6, 0.6, 1.1),
                       font_size=8 if len(rows) > 60 else 0))
    out.append(b.Paragraph(t("schedule.table_note")))
    return b.Fragment(NAME, t("section.schedule"), tuple(out))


def _confidence(ctx: Context) -> list:
    """How sure the dates are (only when tasks have three-point estimates): plain words and one table."""
    c = ctx.forecast.confidence
    if c is None:
        return []
    t, plan, s = ctx.t, ctx.plan, ctx.schedule
    level = t.percent(c.level)

    def chance(q):
        return b.Cell(t.percent(100 * q.probability) if q.probability is not None else "–", align="right")

    rows = [(b.Cell(t("schedule.confidence_project"), bold=True), t.date(s.finish), t.date(c.finish.p50),
             t.date(c.finish.at_level), t.date(plan.project.finish) if plan.project.finish else "–", chance(c.finish))]
    names = {task.id: task.name for task in plan.tasks}
    for tid, q in c.milestones.items():
        rows.append((f"◆ {names.get(tid, tid)}", t.date(s.tasks[tid].early_finish) if tid in s.tasks else "–",
                     t.date(q.p50), t.date(q.at_level), "–", chance(q)))
    for d in plan.deliverables:
        q = c.deliverables.get(d.id)
        dd = s.deliverables.get(d.id)
        if q is None or dd is None:
            continue
        rows.append((f"{d.id} {d.name}", t.date(dd.finish), t.date(q.p50), t.date(q.at_level),
                     t.date(d.due) if d.due else "–", chance(q)))
    drivers = ", ".join(f"{tid} {names.get(tid, '')}".strip() for tid, _ in c.drivers[:5])
    out = [heading(t, "schedule.confidence", 2),
           b.Paragraph(t("schedule.confidence_intro", simulations=t.number(c.simulations), level=level,
                         p50=t.date(c.finish.p50), at=t.date(c.finish.at_level), p95=t.date(c.finish.p95))),
           b.table((t("table.item"), t("table.planned"), t("schedule.p50"), t("schedule.at_level", level=level),
                    t("table.target_due"), t("schedule.chance")), rows,
                   caption=t("caption.confidence"), widths=(3.2, 1.2, 1.2, 1.2, 1.2, 0.9))]
    if drivers:
        out.append(b.Paragraph(t("schedule.drivers", drivers=drivers)))
    return out


def _slipped(ctx: Context) -> list:
    """Tasks whose scheduled finish is later than their baseline finish (only when the plan has baselines)."""
    variance = ctx.forecast.finish_variance
    late = [task for task in ctx.plan.tasks if variance.get(task.id, 0) > 0]
    if not variance:
        return []
    t, s = ctx.t, ctx.schedule
    out = [heading(t, "schedule.slipped", 2)]
    if not late:
        out.append(b.Paragraph(t("schedule.none_slipped")))
        return out
    rows = [(task.id, task.name, t.date(task.baseline_finish), t.date(s.tasks[task.id].early_finish),
             b.Cell(f"+{variance[task.id]}", FILL["late"], align="right")) for task in late]
    out.append(b.table((t("table.id"), t("table.task"), t("table.baseline_finish"), t("table.finish"),
                        t("table.slip_days")), rows, caption=t("caption.slipped"), widths=(0.6, 4, 1.3, 1.3, 1)))
    return out

