"""Overview: why the project exists, the strategy it serves, who runs it, key dates, budget, research, SWOT."""
from __future__ import annotations

from .. import blocks as b
from ..model import SWOT_KINDS
from .common import heading, text_or_dash
from .context import Context

NAME = "overview"


def build(ctx: Context) -> b.Fragment:
    plan, s, t = ctx.plan, ctx.schedule, ctx.t
    p = plan.project
    out: list = [heading(t, "section.overview")]
    out += [heading(t, "overview.purpose", 2), b.Paragraph(p.purpose)]
    if p.strategy:
        out += [heading(t, "overview.strategy", 2), b.Paragraph(p.strategy)]

    out.append(heading(t, "overview.facts", 2))
    rows = [
        (t("field.name"), p.name),
        (t("field.code"), p.code or "–"),
        (t("field.version"), p.version),
        (t("field.project_status"), t.word("status", p.status) if p.status else "–"),
        (t("field.sponsor"), p.sponsor or "–"),
        (t("field.manager"), p.manager),
        (t("field.start"), t.date(p.start)),
        (t("field.target_finish"), t.date(p.finish) if p.finish else "–"),
        (t("field.forecast_finish"), t.date(s.finish)),
        (t("field.status_date"), t.date(s.status_date)),
        (t("field.budget"), t.money(p.budget, p.currency) if p.budget is not None else "–"),
        (t("field.confidentiality"), p.confidentiality or "–"),
        (t("field.working_days"), t.week(p.working_days)),
    ]
    rows += [(str(k), text_or_dash(v if not hasattr(v, "isoformat") else t.date(v))) for k, v in p.extra]
    out.append(b.table((t("table.field"), t("table.value")), rows, caption=t("caption.project_facts"),
                       widths=(1, 2.6), key_value=True))

    if plan.holidays or plan.extra_working_days:
        order = sorted([(h.date, h.name, t("overview.holiday")) for h in plan.holidays] +
                       [(h.date, h.name, t("overview.extra_day")) for h in plan.extra_working_days])
        out.append(heading(t, "overview.calendar", 2))
        out.append(b.Paragraph(t("overview.calendar_text", week=t.week(p.working_days))))
        out.append(b.table((t("table.date"), t("table.day_name"), t("table.kind")),
                           [(t.date(d), n, k) for d, n, k in order], caption=t("caption.calendar"),
                           widths=(1.3, 3, 1.5)))

    if plan.research:
        out.append(heading(t, "overview.research", 2))
        rows = [(t.word("method", r.method), r.source, t.date(r.date) if r.date else "–", r.finding,
                 r.effect or "–") for r in plan.research]
        out.append(b.table((t("table.method"), t("table.source"), t("table.date"), t("table.finding"),
                            t("table.effect")), rows, caption=t("caption.research"), widths=(1.1, 1.6, 1.1, 3, 3)))

    if plan.swot:
        out.append(heading(t, "overview.swot", 2))
        by_kind = {k: [i.item for i in plan.swot if i.kind == k] for k in SWOT_KINDS}
        cell = lambda kind: b.Cell("\n".join(f"• {x}" for x in by_kind[kind]) or "–")  # noqa: E731
        opportunity_labels = (b.Cell(t("swot.opportunities"), bold=True, fill="DDEBF7"),
                              b.Cell(t("swot.threats"), bold=True, fill="FFF2CC"))
        rows = [(cell("Strength"), cell("Weakness")), opportunity_labels, (cell("Opportunity"), cell("Threat"))]
        out.append(b.table((t("swot.strengths"), t("swot.weaknesses")), rows, caption=t("caption.swot"),
                           widths=(1, 1)))
    return b.Fragment(NAME, t("section.overview"), tuple(out))
