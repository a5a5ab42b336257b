"""Resource allocation: budget against the approved total, people and their workload, equipment and more."""
from __future__ import annotations

from .. import blocks as b
from ..model import RESOURCE_TYPES
from .common import FILL, heading, status_cell
from .context import Context

NAME = "resources"


def build(ctx: Context) -> b.Fragment:
    from ..charts import budget_charts, workload_chart  # matplotlib: imported only by sections that draw

    plan, s, t = ctx.plan, ctx.schedule, ctx.t
    p = plan.project
    out: list = [heading(t, "section.resources")]
    costs = [(r, r.total_cost) for r in plan.resources]
    total = sum(c for _, c in costs if c is not None)
    out.append(heading(t, "resources.budget", 2))
    if p.budget is not None:
        left = p.budget - total
        key = "resources.within" if left >= 0 else "resources.over"
        out.append(b.Paragraph(t(key, budget=t.money(p.budget, p.currency), total=t.money(total, p.currency),
                                 left=t.money(abs(left), p.currency))))
    elif plan.resources:
        out.append(b.Paragraph(t("resources.no_budget", total=t.money(total, p.currency))))
    if plan.resources:
        rows = []
        for kind in RESOURCE_TYPES:
            items = [c for r, c in costs if r.type == kind]
            if items:
                subtotal = sum(c for c in items if c is not None)
                share = f"{100 * subtotal / total:.0f}%" if total else "–"
                rows.append((t.word("type", kind), b.Cell(str(len(items)), align="right"),
                             b.Cell(t.money(subtotal, p.currency), align="right"),
                             b.Cell(share, align="right")))
        rows.append((b.Cell(t("resources.total"), bold=True), b.Cell(str(len(costs)), align="right"),
                     b.Cell(t.money(total, p.currency), bold=True, align="right"), b.Cell("100%", align="right")))
        out.append(b.table((t("table.type"), t("table.count"), t("table.cost"), t("table.share")), rows,
                           caption=t("caption.cost_by_type"), widths=(2, 1, 1.6, 1)))
        out += ctx.figures(budget_charts(ctx.chart_plan, s, ctx.language))
    else:
        out.append(b.Paragraph(t("resources.none")))

    out += _earned_value(ctx)

    out.append(heading(t, "resources.workload", 2))
    out.append(b.Paragraph(t("resources.workload_text")))
    chart = workload_chart(ctx.chart_plan, s, ctx.language)
    if chart is not None:
        out.append(ctx.figure(chart))

    if plan.resources:
        out.append(heading(t, "resources.list", 2))
        rows = []
        for r, cost in costs:
            period = "–" if not (r.start or r.end) else f"{t.date(r.start) or '…'} – {t.date(r.end) or '…'}"
            computed = r.cost is None and cost is not None
            rows.append((r.resource, t.word("type", r.type), _qty(t, r), b.Cell(t.money(cost, p.currency) if cost is not None else "–",
                                                                         FILL["muted"] if computed else "", align="right"),
                         r.for_id or "–", period, r.approver or "–", status_cell(t, r.status) if r.status else "–"))
        out.append(b.table((t("table.resource"), t("table.type"), t("table.quantity"), t("table.cost"), t("table.for"),
                            t("table.period"), t("table.approver"), t("table.status")), rows,
                           caption=t("caption.resources"), widths=(2.6, 1.1, 1.3, 1.2, 0.7, 2, 1.3, 1),
                           font_size=8 if len(rows) > 60 else 0))
        out.append(b.Paragraph(t("resources.computed_note")))
    return b.Fragment(NAME, t("section.resources"), tuple(out))


def _earned_value(ctx: Context) -> list:
    """Is the money on track: earned value as of the status date, for the project and each deliverable."""
    report = ctx.forecast.earned_value
    if report is None:
        return []
    t, p = ctx.t, ctx.plan.project
    ev = report.project

    def money(v):
        return b.Cell(t.money(v, p.currency) if v is not None else "–", align="right")

    def index(v):
        low = v is not None and v < 0.9
        return b.Cell(f"{v:.2f}" if v is not None else "–", FILL["warn"] if low else "", bold=low, align="right")

    names = {d.id: d.name for d in ctx.plan.deliverables}
    spent = any(r.actual_cost is not None for r in ctx.plan.resources)  # else AC, CPI and EAC say nothing

    def row(label, x):
        cells = [label, money(x.pv), money(x.ev), index(x.spi)]
        return tuple(cells + [money(x.ac), index(x.cpi), money(x.eac)] if spent else cells)

    rows = [row(b.Cell(t("resources.ev_project"), bold=True), ev)]
    rows += [row(f"{did} {names.get(did, '')}".strip(), dev) for did, dev in report.deliverables.items()]
    spi = f"{ev.spi:.2f}" if ev.spi is not None else "–"
    cpi = f"{ev.cpi:.2f}" if ev.cpi is not None else "–"
    values = dict(date=t.date(ctx.schedule.status_date), bac=t.money(ev.bac, p.currency),
                  pv=t.money(ev.pv, p.currency), ev=t.money(ev.ev, p.currency), ac=t.money(ev.ac, p.currency),
                  spi=spi, cpi=cpi)
    columns = (t("table.item"), "PV", "EV", "SPI") + (("AC", "CPI", "EAC") if spent else ())
    widths = (3, 1.3, 1.3, 0.7) + ((1.3, 0.7, 1.3) if spent else ())
    return [heading(t, "resources.earned_value", 2),
            b.Paragraph(t("resources.ev_intro" if spent else "resources.ev_intro_unspent", **values)),
            b.table(columns, rows, caption=t("caption.earned_value"), widths=widths),
            b.Paragraph(t("resources.ev_note" if spent else "resources.ev_note_unspent"))]


def _qty(t, r) -> str:
    if r.quantity is None:
        return "–"
    qty = t.number(r.quantity, 0 if float(r.quantity).is_integer() else 1)
    unit = f" {r.unit}" if r.unit else ""
    price = f" × {t.number(r.unit_cost)}" if r.unit_cost is not None else ""
    return f"{qty}{unit}{price}"
