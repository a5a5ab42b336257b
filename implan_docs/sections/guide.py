"""The reviewer guide of ``implan handoff`` as blocks: one page in the plan's language.

What to check section by section, how to comment in Word or LibreOffice, the files of the package, the due
date and reviewers, the open findings the team already knows of, and whom to ask. Rendered like every
section, by the assembler (:func:`implan_docs.docx.assemble.assemble_page`), in the template's styles.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Sequence

from .. import blocks as b
from ..findings import render
from ..i18n import Messages

MAX_KNOWN = 6  # open findings listed on the page (the rest are counted): the guide stays one page
CHECKS = ("summary", "scope", "deliverables", "schedule", "risks", "roles", "resources")


def guide_fragment(checked, reviewers: Sequence, due: date | None, files: Mapping[str, str]) -> b.Fragment:
    """``checked`` is the plan's :class:`implan_docs.phases.Checked`; ``files`` names the package's
    ``docx``, ``pdf`` (may be empty) and ``xlsx``."""
    plan = checked.plan
    p = plan.project
    t = Messages(plan.language)
    en = plan.language == "en"
    due_text = t("guide.due", due=t.date(due)) if due else t("guide.no_due")
    runs = [b.Run(due_text, bold=True)]
    if reviewers:
        label = f"{t('guide.reviewers')}: " if en else f"{t('guide.reviewers')}："
        runs.append(b.Run((" " if en else "") + label))
        runs.append(b.Run(("; " if en else "；").join(str(r) for r in reviewers)))
    blocks: list = [
        b.Paragraph(t("guide.title"), style="Title"),
        b.Paragraph(t("guide.subtitle", name=p.name, version=p.version), style="Subtitle"),
        b.Paragraph(t("guide.intro")),
        b.Paragraph(runs=tuple(runs)),
        b.Heading(t("guide.what"), 2),
        b.Bullets(tuple(t(f"guide.checks.{key}") for key in CHECKS)),
        b.Heading(t("guide.how"), 2),
        b.Bullets((t("guide.how_word"), t("guide.how_libreoffice"), t("guide.how_return"))),
        b.Heading(t("guide.files"), 2),
        b.Bullets(tuple([t("guide.file_docx", name=files["docx"])]
                        + ([t("guide.file_pdf", name=files["pdf"])] if files.get("pdf") else [])
                        + [t("guide.file_xlsx", name=files["xlsx"])])),
        b.Paragraph(t("guide.contact", manager=p.manager)),
        b.Heading(t("guide.known"), 2),
    ]
    known = checked.warnings
    if known:
        blocks.append(b.Paragraph(t("guide.known_intro")))
        rows = []
        for f in known[:MAX_KNOWN]:
            loc = f.location
            rows.append((f"{loc.sheet}!{loc.cell}" if loc.sheet and loc.cell else (loc.sheet or "–"),
                         render(f, plan.language)))
        if len(known) > MAX_KNOWN:
            rows.append(("", t("guide.known_more", count=len(known) - MAX_KNOWN)))
        # a compact table in small type, last on the page, keeps the guide to one page
        blocks.append(b.table((t("table.where"), t("table.question")), rows, widths=(1.3, 5.2), font_size=9))
    else:
        blocks.append(b.Paragraph(t("guide.known_none")))
    return b.Fragment("reviewer-guide", "", tuple(blocks))
