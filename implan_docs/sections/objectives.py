"""Objectives: what the project must achieve, how it is measured, and which deliverables serve each."""
from __future__ import annotations

from .. import blocks as b
from .common import heading, text_or_dash
from .context import Context

NAME = "objectives"


def build(ctx: Context) -> b.Fragment:
    from ..charts import objectives_chart  # matplotlib: imported only by sections that draw

    plan, t = ctx.plan, ctx.t
    out: list = [heading(t, "section.objectives"), b.Paragraph(t("objectives.intro", count=len(plan.objectives)))]
    serving: dict[str, list[str]] = {}
    for d in plan.deliverables:
        for oid in d.objectives:
            serving.setdefault(oid, []).append(d.id)
    rows = [(o.id, o.objective, o.metric, text_or_dash(o.baseline), text_or_dash(o.target),
             t.date(o.due) if o.due else "–", o.owner or "–", ", ".join(serving.get(o.id, ())) or "–")
            for o in plan.objectives]
    out.append(b.table((t("table.id"), t("table.objective"), t("table.metric"), t("table.baseline"),
                        t("table.target"), t("table.due"), t("table.owner"), t("table.deliverables")),
                       rows, caption=t("caption.objectives"), widths=(0.5, 3, 2.4, 1, 1, 1.2, 1.3, 1)))
    chart = objectives_chart(ctx.chart_plan, ctx.language)
    if chart is not None:
        out.append(ctx.figure(chart))
    return b.Fragment(NAME, t("section.objectives"), tuple(out))
