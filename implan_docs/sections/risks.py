"""Risk assessment: the matrix, the register, and what is done before (mitigation) and after (contingency)."""
from __future__ import annotations

from .. import blocks as b
from .common import heading, rating_cell, status_cell
from .context import Context

NAME = "risks"


def build(ctx: Context) -> b.Fragment:
    from ..charts import risk_matrix  # matplotlib: imported only by sections that draw

    plan, t = ctx.plan, ctx.t
    out: list = [heading(t, "section.risks")]
    if not plan.risks:
        out.append(b.Paragraph(t("risks.none")))
        return b.Fragment(NAME, t("section.risks"), tuple(out))
    counts = {r: sum(1 for x in plan.risks if x.rating == r and x.status != "Closed") for r in ("High", "Medium", "Low")}
    out.append(b.Paragraph(t("risks.intro", count=len(plan.risks), high=counts["High"], medium=counts["Medium"],
                             low=counts["Low"])))
    chart = risk_matrix(ctx.chart_plan, ctx.language)
    if chart is not None:
        out.append(ctx.figure(chart))
    ordered = sorted(plan.risks, key=lambda r: (r.status == "Closed", -(r.score or 0), r.row))
    out.append(heading(t, "risks.register", 2))
    rows = [(r.id, r.risk, r.category or "–", str(r.likelihood), str(r.impact), rating_cell(t, r.rating, r.score),
             r.owner, status_cell(t, r.status) if r.status else "–") for r in ordered]
    out.append(b.table((t("table.id"), t("table.risk"), t("table.category"), t("table.likelihood_short"),
                        t("table.impact_short"), t("table.score"), t("table.owner"), t("table.status")), rows,
                       caption=t("caption.risk_register"), widths=(0.5, 4, 1.2, 0.5, 0.5, 1.2, 1.4, 1),
                       font_size=8 if len(rows) > 60 else 0))
    out.append(b.Paragraph(t("risks.scale")))
    out.append(heading(t, "risks.responses", 2))
    rows = [(r.id, r.mitigation, r.contingency or "–", r.trigger or "–") for r in ordered]
    out.append(b.table((t("table.id"), t("table.mitigation"), t("table.contingency"), t("table.trigger")), rows,
                       caption=t("caption.risk_responses"), widths=(0.5, 3, 3, 2),
                       font_size=8 if len(rows) > 60 else 0))
    return b.Fragment(NAME, t("section.risks"), tuple(out))
