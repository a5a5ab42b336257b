"""Scope statement: what is in and out, and the assumptions and constraints the plan rests on."""
from __future__ import annotations

from .. import blocks as b
from ..model import SCOPE_KINDS
from .common import heading
from .context import Context

NAME = "scope"
_KEYS = {"In scope": "scope.in", "Out of scope": "scope.out", "Assumption": "scope.assumptions",
         "Constraint": "scope.constraints"}


def build(ctx: Context) -> b.Fragment:
    plan, t = ctx.plan, ctx.t
    out: list = [heading(t, "section.scope"), b.Paragraph(t("scope.intro"))]
    for kind in SCOPE_KINDS:
        items = [s for s in plan.scope if s.kind == kind]
        out.append(heading(t, _KEYS[kind], 2))
        if not items:
            out.append(b.Paragraph(t("scope.none")))
        elif any(s.notes for s in items):
            out.append(b.table((t("table.item"), t("table.notes")), [(s.item, s.notes or "–") for s in items],
                               caption=t(_KEYS[kind]), widths=(1.4, 1)))
        else:
            out.append(b.Bullets(tuple(s.item for s in items)))
    return b.Fragment(NAME, t("section.scope"), tuple(out))
