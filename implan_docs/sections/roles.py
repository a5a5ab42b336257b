"""Roles and responsibilities: the people, and the RACI chart split into readable pieces."""
from __future__ import annotations

from .. import blocks as b
from .common import RACI_FILL, heading
from .context import Context

NAME = "roles"
PEOPLE_PER_TABLE = 8  # RACI columns per table: more would not fit a portrait page legibly


def build(ctx: Context) -> b.Fragment:
    plan, t = ctx.plan, ctx.t
    out: list = [heading(t, "section.roles"), heading(t, "roles.people", 2)]
    rows = [(p.name, p.role, p.organization or "–", p.email or "–", t.percent(p.availability),
             p.responsibilities or "–") for p in plan.people]
    out.append(b.table((t("table.name"), t("table.role"), t("table.organization"), t("table.email"),
                        t("table.availability"), t("table.responsibilities")), rows, caption=t("caption.people"),
                       widths=(1.5, 1.6, 1.4, 2, 0.9, 3), font_size=8 if len(rows) > 40 else 0))

    out.append(heading(t, "roles.raci", 2))
    out.append(b.Paragraph(t("roles.raci_legend")))
    people = [p.name for p in plan.people if any(name == p.name for r in plan.raci for name, _ in r.roles)]
    labels = _item_labels(plan)
    groups = [people[i:i + PEOPLE_PER_TABLE] for i in range(0, len(people), PEOPLE_PER_TABLE)] or [[]]
    for n, group in enumerate(groups, start=1):
        rows = []
        for r in plan.raci:
            letters = dict(r.roles)
            if group and not any(letters.get(name) for name in group):
                continue
            cells = [r.item, labels.get(r.item, "")]
            for name in group:
                value = letters.get(name, "")
                shown = "/".join(value)
                cells.append(b.Cell(shown, RACI_FILL.get(value[:1] if "A" not in value else "A", ""), bold="A" in value,
                                    align="center"))
            rows.append(cells)
        caption = t("caption.raci") if len(groups) == 1 else t("caption.raci_part", part=n, parts=len(groups))
        widths = (0.7, 3.2) + (0.9,) * len(group)
        out.append(b.table((t("table.id"), t("table.item")) + tuple(group), rows, caption=caption, widths=widths,
                           font_size=8 if len(group) > 5 or len(rows) > 60 else 0))
    return b.Fragment(NAME, t("section.roles"), tuple(out))


def _item_labels(plan) -> dict[str, str]:
    labels = {d.id: d.name for d in plan.deliverables}
    labels.update({task.id: task.name for task in plan.tasks})
    return labels
