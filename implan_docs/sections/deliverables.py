"""Deliverables: what is handed over, by whom, when (due and forecast), and how it will be accepted."""
from __future__ import annotations

from .. import blocks as b
from .common import FILL, extra_text, heading, status_cell
from .context import Context

NAME = "deliverables"


def build(ctx: Context) -> b.Fragment:
    plan, s, t = ctx.plan, ctx.schedule, ctx.t
    out: list = [heading(t, "section.deliverables"), b.Paragraph(t("deliverables.intro", count=len(plan.deliverables)))]
    rows = []
    for d in plan.deliverables:
        dd = s.deliverables.get(d.id)
        forecast = t.date(dd.finish) if dd and dd.finish else "–"
        late = dd is not None and dd.late_days > 0
        forecast_cell = b.Cell(forecast + (t("deliverables.late_days", days=dd.late_days) if late else ""),
                               FILL["late"] if late else "")
        progress = f"{t.percent(dd.actual_progress)} / {t.percent(dd.planned_progress)}" if dd else "–"
        rows.append((d.id, d.name, d.owner, t.date(d.due), forecast_cell, progress,
                     status_cell(t, d.status) if d.status else "–"))
    out.append(b.table((t("table.id"), t("table.deliverable"), t("table.owner"), t("table.due"),
                        t("table.forecast"), t("table.progress_actual_planned"), t("table.status")),
                       rows, caption=t("caption.deliverables"), widths=(0.5, 3.2, 1.4, 1.2, 1.4, 1.2, 1.1)))
    out.append(b.Paragraph(t("deliverables.late_note")))
    out.append(heading(t, "deliverables.acceptance", 2))
    rows = []
    for d in plan.deliverables:
        detail = d.description
        extra = extra_text(t, d.extra)
        if extra:
            detail = f"{detail}\n{extra}" if detail else extra
        rows.append((d.id, d.name, detail or "–", ", ".join(d.objectives) or "–",
                     b.Cell(d.acceptance or t("deliverables.no_acceptance"), "" if d.acceptance else FILL["warn"])))
    out.append(b.table((t("table.id"), t("table.deliverable"), t("table.description"), t("table.objectives"),
                        t("table.acceptance")), rows, caption=t("caption.acceptance"), widths=(0.5, 2, 3, 1, 3.2)))
    return b.Fragment(NAME, t("section.deliverables"), tuple(out))
