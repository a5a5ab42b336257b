"""Changes since the previous version: what ``build --since OLD.xlsx`` found (a :class:`~implan_docs.diff.PlanDiff`
in ``ctx.extras["since"]``): a summary paragraph, then rows changed per sheet, schedule slips, risk scores
and budget changes as tables."""
from __future__ import annotations

import re
from datetime import date

from .. import blocks as b
from .common import FILL, rating_cell
from .context import Context

NAME = "changes"
MAX_ROWS = 200  # rows of the changes table; the rest is counted (``implan diff`` lists everything)
MAX_TASK_SLIPS = 30  # tasks listed in the schedule table, largest slips first
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def build(ctx: Context) -> b.Fragment:
    t = ctx.t
    d = ctx.extras.get("since")
    if d is None:
        title = t("changes.title_none")
        return b.Fragment(NAME, title, (b.Heading(title, 1), b.Paragraph(t("changes.no_previous"))))
    title = t("changes.title", version=d.old_version or "?")
    out: list = [b.Heading(title, 1)]
    out.append(b.Paragraph(_summary(ctx, d)))
    if d.empty:
        return b.Fragment(NAME, title, tuple(out))
    if d.sheets:
        out += _rows_table(ctx, d)
    if d.slips:
        out += _slips_table(ctx, d)
    if d.risks:
        out.append(b.Heading(t("changes.risks"), 2))
        rows = [(r.id, r.risk, rating_cell(t, r.old_rating, r.old_score), rating_cell(t, r.new_rating, r.new_score))
                for r in d.risks]
        out.append(b.table((t("changes.col.id"), t("changes.col.risk"), t("changes.col.was"), t("changes.col.now")),
                           rows, caption=t("changes.caption.risks"), widths=(0.6, 5, 1.2, 1.2)))
    if d.budget:
        out.append(b.Heading(t("changes.budget"), 2))
        rows = []
        for item in d.budget:
            delta = item.delta
            rows.append((_budget_item(t, item.item), b.Cell(_money(t, item.old, d.currency), align="right"),
                         b.Cell(_money(t, item.new, d.currency), align="right"),
                         b.Cell(_signed_money(t, delta, d.currency), align="right")))
        out.append(b.table((t("changes.col.item"), t("changes.col.was"), t("changes.col.now"),
                            t("changes.col.change")), rows, caption=t("changes.caption.budget"),
                           widths=(3, 1.5, 1.5, 1.5)))
    return b.Fragment(NAME, title, tuple(out))


# -- pieces ---------------------------------------------------------------------------------------------


def _summary(ctx: Context, d) -> str:
    t = ctx.t
    if d.empty:
        return t("changes.nothing", version=d.old_version or "?")
    c = d.counts
    parts = [t("changes.summary", version=d.old_version or "?", file=d.old_file, added=c["added"],
               removed=c["removed"], changed=c["changed"], sheets=len(d.sheets))]
    if d.old_finish and d.new_finish:
        if d.finish_slip > 0:
            parts.append(t("changes.finish_later", days=d.finish_slip, old=t.date(d.old_finish),
                           new=t.date(d.new_finish)))
        elif d.finish_slip < 0:
            parts.append(t("changes.finish_earlier", days=-d.finish_slip, old=t.date(d.old_finish),
                           new=t.date(d.new_finish)))
        else:
            parts.append(t("changes.finish_same", new=t.date(d.new_finish)))
    if d.risks:
        up = sum(1 for r in d.risks if (r.new_score or 0) > (r.old_score or 0))
        parts.append(t("changes.risk_summary", count=len(d.risks), up=up, down=len(d.risks) - up))
    for item in d.budget:
        if item.item == "Budget" and item.old is not None and item.new is not None:
            parts.append(t("changes.budget_summary", old=_money(t, item.old, d.currency),
                           new=_money(t, item.new, d.currency)))
    return t("changes.join").join(parts)


def _rows_table(ctx: Context, d) -> list:
    t = ctx.t
    rows = []
    for s in d.sheets:
        sheet = _sheet(t, s.sheet)
        for r in s.added:
            rows.append((sheet, _name(t, s.sheet, r), b.Cell(t("changes.added"), FILL["done"]), "–"))
        for r in s.removed:
            rows.append((sheet, _name(t, s.sheet, r), b.Cell(t("changes.removed"), FILL["late"]), "–"))
        for r in s.changed:
            if s.sheet == "Project":  # one value per field: the row is the field
                name = _column(t, s.sheet, r.key)
                details = t("changes.value_change", old=_value(t, r.changes[0].old), new=_value(t, r.changes[0].new))
            else:
                name = _row_name(r.key, r.label)
                details = t("changes.details_join").join(
                    t("changes.change", column=_column(t, s.sheet, ch.column), old=_value(t, ch.old),
                      new=_value(t, ch.new)) for ch in r.changes)
            rows.append((sheet, name, b.Cell(t("changes.changed"), FILL["warn"]), details))
    out: list = [b.Heading(t("changes.rows"), 2)]
    shown = rows[:MAX_ROWS]
    out.append(b.table((t("changes.col.sheet"), t("changes.col.row"), t("changes.col.kind"),
                        t("changes.col.details")), shown, caption=t("changes.caption.rows"),
                       widths=(1.2, 2.6, 0.9, 4.3), font_size=8 if len(shown) > 60 else 0))
    if len(rows) > MAX_ROWS:
        out.append(b.Paragraph(t("changes.more_rows", count=len(rows) - MAX_ROWS)))
    return out


def _slips_table(ctx: Context, d) -> list:
    t = ctx.t
    tasks = [s for s in d.slips if s.kind == "task"]
    later = sum(1 for s in tasks if s.days > 0)
    out: list = [b.Heading(t("changes.schedule"), 2),
                 b.Paragraph(t("changes.slips_intro", later=later, earlier=len(tasks) - later))]
    listed = [s for s in d.slips if s.kind != "task"]
    biggest = sorted(tasks, key=lambda s: (-abs(s.days), s.id))[:MAX_TASK_SLIPS]
    order = {s.id: i for i, s in enumerate(tasks)}
    listed += sorted(biggest, key=lambda s: order[s.id])
    rows = []
    for s in listed:
        name = s.name if s.kind == "project" else _row_name(s.id, s.name)
        fill = FILL["late"] if s.days > 0 else FILL["done"]
        rows.append((t(f"changes.kind.{s.kind}"), name, t.date(s.old), t.date(s.new),
                     b.Cell(f"{s.days:+d}", fill, align="right")))
    out.append(b.table((t("changes.col.type"), t("changes.col.item"), t("changes.col.was"), t("changes.col.now"),
                        t("changes.col.days")), rows, caption=t("changes.caption.schedule"),
                       widths=(1.1, 4, 1.3, 1.3, 1)))
    if len(tasks) > len(biggest):
        out.append(b.Paragraph(t("changes.more_slips", count=len(tasks) - len(biggest))))
    return out


def _name(t, sheet: str, r) -> str:
    return _column(t, sheet, r.key) if sheet == "Project" else _row_name(r.key, r.label)


def _row_name(key: str, label: str) -> str:
    if label and label != key:
        short = label if len(label) <= 90 else label[:89] + "…"
        return f"{key} {short}"
    return key if len(key) <= 120 else key[:119] + "…"


def _sheet(t, sheet: str) -> str:
    key = "changes.sheet." + sheet.lower().replace(" ", "_")
    return t(key) if t.has(key) else sheet


def _column(t, sheet: str, column: str) -> str:
    if sheet == "RACI":
        return column  # a person's name
    key = "changes.column." + column.lower().replace(" ", "_")
    return t(key) if t.has(key) else column


def _value(t, value: str) -> str:
    if value == "":
        return t("changes.empty")
    if _ISO.match(value):
        return t.date(date.fromisoformat(value))
    return value if len(value) <= 200 else value[:199] + "…"


def _budget_item(t, item: str) -> str:
    key = "changes.budget_item." + item.lower().replace(" ", "_")
    return t(key) if t.has(key) else t.word("type", item)


def _money(t, value: float | None, currency: str) -> str:
    return "–" if value is None else t.money(value, currency)


def _signed_money(t, value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    text = t.money(abs(value), currency)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)
