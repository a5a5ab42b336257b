"""Executive summary: what a reviewer reads first — purpose, objectives, milestones, top risks, budget, who."""
from __future__ import annotations

from .. import blocks as b
from .common import FILL, heading, rating_cell, status_cell, text_or_dash
from .context import Context

NAME = "summary"
TOP_RISKS = 5
KEY_MILESTONES = 8


def build(ctx: Context) -> b.Fragment:
    plan, s, t = ctx.plan, ctx.schedule, ctx.t
    p = plan.project
    out: list = [heading(t, "section.summary")]
    out.append(b.Paragraph(p.purpose))
    late = t("summary.late", days=s.late_days) if s.late_days > 0 else t("summary.on_time")
    facts = [
        (t("summary.status_label"), _status_cell(ctx)),
        (t("field.sponsor"), p.sponsor or "–"),
        (t("field.manager"), p.manager),
        (t("field.start"), t.date(s.start)),
        (t("field.target_finish"), t.date(p.finish) if p.finish else "–"),
        (t("field.forecast_finish"), t("summary.forecast", date=t.date(s.finish), note=late) if p.finish
         else t.date(s.finish)),
        *_confidence_row(ctx),
        (t("field.budget"), _budget_line(ctx)),
        (t("field.progress"), t("summary.progress", date=t.date(s.status_date), planned=t.percent(s.planned_progress),
                                 actual=t.percent(s.actual_progress))),
    ]
    out.append(b.table((t("table.field"), t("table.value")), facts, caption=t("caption.key_facts"),
                       widths=(1, 3), key_value=True))
    out.append(b.Paragraph(t("summary.status_rule")))

    if plan.objectives:
        out.append(heading(t, "summary.objectives", 2))
        out.append(b.Bullets(tuple(t("summary.objective_line", id=o.id, objective=o.objective, metric=o.metric,
                                     baseline=text_or_dash(o.baseline), target=text_or_dash(o.target))
                                   for o in plan.objectives)))

    milestones = [task for task in plan.tasks if task.milestone]
    if milestones:
        out.append(heading(t, "summary.milestones", 2))
        rows = []
        for m in milestones[:KEY_MILESTONES]:
            d = s.tasks[m.id]
            state = "Done" if m.status == "Done" else ("late" if d.behind else "")
            rows.append((m.name, t.date(d.early_finish),
                         b.Cell(t.word("status", m.status) if m.status else t("status.planned"),
                                FILL["done"] if state == "Done" else (FILL["late"] if state == "late" else ""))))
        out.append(b.table((t("table.milestone"), t("table.date"), t("table.status")), rows,
                           caption=t("caption.key_milestones"), widths=(4, 1.4, 1.4)))

    risks = sorted((r for r in plan.risks if r.status != "Closed" and r.score is not None),
                   key=lambda r: (-r.score, r.row))[:TOP_RISKS]
    if risks:
        out.append(heading(t, "summary.top_risks", 2))
        rows = [(r.id, r.risk, rating_cell(t, r.rating, r.score), r.owner) for r in risks]
        out.append(b.table((t("table.id"), t("table.risk"), t("table.score"), t("table.owner")), rows,
                           caption=t("caption.top_risks"), widths=(0.6, 5, 1.2, 1.6)))

    accountable = []
    for d in plan.deliverables:
        raci = next((r for r in plan.raci if r.item == d.id), None)
        a = ", ".join(raci.people_with("A")) if raci else ""
        accountable.append((d.id, d.name, a or d.owner, t.date(d.due),
                            status_cell(t, d.status) if d.status else ""))
    if accountable:
        out.append(heading(t, "summary.who", 2))
        out.append(b.table((t("table.id"), t("table.deliverable"), t("table.accountable"), t("table.due"),
                            t("table.status")), accountable, caption=t("caption.accountable"),
                           widths=(0.6, 4, 1.8, 1.3, 1.3)))

    open_findings = [f for f in ctx.findings if not f.is_error]
    if open_findings:
        out.append(b.Paragraph(t("summary.findings", count=len(open_findings))))
    return b.Fragment(NAME, t("section.summary"), tuple(out))


def _budget_line(ctx: Context) -> str:
    t, p = ctx.t, ctx.plan.project
    planned = sum(c for c in (r.total_cost for r in ctx.plan.resources) if c is not None)
    if p.budget is None and not planned:
        return "–"
    if p.budget is None:
        return t("summary.planned_cost", planned=t.money(planned, p.currency))
    return t("summary.budget", budget=t.money(p.budget, p.currency), planned=t.money(planned, p.currency))


def _status_cell(ctx: Context) -> b.Cell:
    """On track / at risk / off track and why (the rule follows the table)."""
    from ..forecast import overall_status

    t = ctx.t
    status = overall_status(ctx.forecast)
    state = t(f"summary.status.{status.state}")
    if not status.reasons:
        text = t("summary.status_line_clear", state=state)
    else:
        reasons = []
        for key, values in status.reasons:
            shown = dict(values)
            if "probability" in shown:
                shown["probability"] = t.percent(100 * shown["probability"])
            if "value" in shown:
                shown["value"] = f"{shown['value']:.2f}"
            if shown.get("count") == 1:
                key += "_one"
            reasons.append(t(f"summary.reason.{key}", **shown))
        text = t("summary.status_line", state=state, reasons=("; " if ctx.language == "en" else "；").join(reasons))
    fill = {"on_track": FILL["done"], "at_risk": FILL["warn"], "off_track": FILL["late"]}[status.state]
    return b.Cell(text, fill, bold=status.state != "on_track")


def _confidence_row(ctx: Context) -> list[tuple[str, str]]:
    """One sentence a sponsor understands, when some task has a three-point estimate."""
    c = ctx.forecast.confidence
    if c is None:
        return []
    t, target = ctx.t, ctx.plan.project.finish
    level = t.percent(c.level)
    if target is not None and c.finish.probability is not None:
        text = t("summary.confidence_target", level=level, date=t.date(c.finish.at_level), target=t.date(target),
                 chance=t.percent(100 * c.finish.probability), simulations=t.number(c.simulations))
    else:
        text = t("summary.confidence_no_target", level=level, date=t.date(c.finish.at_level),
                 p50=t.date(c.finish.p50), simulations=t.number(c.simulations))
    return [(t("summary.confidence_label"), text)]

