"""Appendix: open questions (the plan's findings) and the review log of reviewers' comments."""
from __future__ import annotations

import re

from .. import blocks as b
from ..findings import render
from .common import FILL, heading, status_cell
from .context import Context

NAME = "appendix"


def build(ctx: Context) -> b.Fragment:
    plan, t = ctx.plan, ctx.t
    out: list = [heading(t, "section.appendix"), heading(t, "appendix.questions", 2)]
    questions = [f for f in ctx.findings if not f.is_error]
    if questions:
        out.append(b.Paragraph(t("appendix.questions_intro", count=len(questions))))
        rows = [(str(i), _where(f), f.code, render(f, ctx.language)) for i, f in enumerate(questions, start=1)]
        out.append(b.table(("#", t("table.where"), t("table.code"), t("table.question")), rows,
                           caption=t("caption.questions"), widths=(0.4, 1.6, 0.6, 5),
                           font_size=8 if len(rows) > 60 else 0))
    else:
        out.append(b.Paragraph(t("appendix.no_questions")))

    out.append(heading(t, "appendix.review_log", 2))
    if plan.review:
        open_count = sum(1 for r in plan.review if r.status in ("", "Open"))
        out.append(b.Paragraph(t("appendix.review_intro", count=len(plan.review), open=open_count)))
        rows = []
        for r in plan.review:
            is_open = r.status in ("", "Open")
            fill = FILL["warn"] if is_open else ""
            rows.append((b.Cell(short_ids(r.id), fill), b.Cell(r.section or "–", fill), b.Cell(r.reviewer or "–", fill),
                         b.Cell(short_ids(_comment(t, r)), fill),
                         b.Cell(t.word("status", r.status or "Open"), fill) if is_open else status_cell(t, r.status),
                         b.Cell(r.response or "–", fill)))
        out.append(b.table((t("table.id"), t("table.section"), t("table.reviewer"), t("table.comment"),
                            t("table.status"), t("table.response")), rows, caption=t("caption.review_log"),
                           widths=(0.6, 1.3, 1.2, 3.4, 0.9, 2.6), font_size=8 if len(rows) > 60 else 0))
    else:
        out.append(b.Paragraph(t("appendix.no_review")))
    return b.Fragment(NAME, t("section.appendix"), tuple(out))


def _where(f) -> str:
    loc = f.location
    if not loc.sheet:
        return "–"
    return f"{loc.sheet}!{loc.cell}" if loc.cell else loc.sheet


_LONG_ID = re.compile(r"\b(RV-[0-9a-f]{8})[0-9a-f]{56}\b")


def short_ids(text: str) -> str:
    """Review IDs as the log shows them: RV-, 8 hex digits and "…" (the workbook keeps all 64)."""
    return _LONG_ID.sub(r"\1…", text)


def _comment(t, r) -> str:
    if r.anchor:
        return t("appendix.anchored", anchor=r.anchor[:120], comment=r.comment)
    return r.comment
