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
