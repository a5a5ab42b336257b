"""The reviewer's copy of the document and the one-page reviewer guide (``implan handoff``).

The review copy is the built .docx with a line "Review copy, version X, comments due DATE" first in every
header and Word protection that allows comments only (no password; tracked changes on). The guide is a
page in the plan's language, styled by the plan's template with its headers and title page left out:
what to check section by section, how to comment, the due date and the open findings already known.
"""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Sequence

from ..findings import render
from ..i18n import Messages
from . import oxml as X

MAX_KNOWN = 8  # open findings listed in the one-page guide (the rest are counted)
REVIEW_RED = "9C0006"


def review_copy(docx_bytes: bytes, version: str, due: date | None, language: str) -> bytes:
    """The document with the review line first in every header and comments-only protection (no
    password; tracked changes on, so edits made after lifting the protection are still suggestions)."""
    import docx

    t = Messages(language)
    line = t("review.header", version=version, due=t.date(due)) if due else t("review.header_no_due", version=version)
    document = docx.Document(io.BytesIO(docx_bytes))
    settings = document.settings
    even = settings.odd_and_even_pages_header_footer
    done: set[str] = set()
    style = _style_id(document, "Header")
    for index, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if even:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous and index > 0:
                continue  # shares an earlier section's header
            part = header.part
            if str(part.partname) in done:
                continue
            done.add(str(part.partname))
            _insert_line(header, line, style)
    X.set_setting(settings.element, '<w:documentProtection w:edit="comments" w:enforcement="1"/>')
    X.set_setting(settings.element, "<w:trackRevisions/>")
    buf = io.BytesIO()
    document.save(buf)
    return X.normalize_zip(buf.getvalue())


def _insert_line(header, text: str, style: str) -> None:
    """The review line as the header's first paragraph (centred, bold, dark red)."""
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    p = X.parse_one(f'<w:p><w:pPr>{pstyle}<w:jc w:val="center"/></w:pPr>'
                    + X.run_xml(text, X.rpr_xml(bold=True, color=REVIEW_RED)) + "</w:p>")
    story = header._element
    blocks = [c for c in story if c.tag in (X.qn("w:p"), X.qn("w:tbl"), X.qn("w:sdt"))]
    if blocks:
        blocks[0].addprevious(p)
    else:
        story.append(p)


def _style_id(document, name: str) -> str:
    try:
        return document.styles[name].style_id
    except KeyError:
        return ""


# -- the reviewer guide -------------------------------------------------------------------------------------------

_CHECKS = ("summary", "scope", "deliverables", "schedule", "risks", "roles", "resources")


def reviewer_guide(checked, template: str | Path, reviewers: Sequence, due: date | None,
                   files: dict[str, str], keep_links: bool = False) -> bytes:
    """A one-page guide in the plan's language, styled by the plan's template (its headers left out;
    its external references removed, external hyperlinks too unless ``keep_links``)."""
    from docx.shared import Pt

    from .template import load_template

    plan = checked.plan
    p = plan.project
    t = Messages(plan.language)
    document, _ = load_template(template, keep_links=keep_links)
    _clear(document)
    styles = {s.name for s in document.styles}
    title_style = "Title" if "Title" in styles else "Heading 1"
    document.add_paragraph(t("guide.title"), style=title_style)
    document.add_paragraph(t("guide.subtitle", name=X.sanitize(p.name), version=X.sanitize(p.version)),
                           style="Subtitle" if "Subtitle" in styles else "Normal")
    document.add_paragraph(t("guide.intro"))
    due_text = t("guide.due", due=t.date(due)) if due else t("guide.no_due")
    para = document.add_paragraph()
    para.add_run(due_text).bold = True
    if reviewers:
        para.add_run(" " if plan.language == "en" else "")
        para.add_run(f"{t('guide.reviewers')}: " if plan.language == "en" else f"{t('guide.reviewers')}：")
        para.add_run(X.sanitize(("; " if plan.language == "en" else "；").join(str(r) for r in reviewers)))

    def heading(key: str) -> None:
        para = document.add_paragraph(t(key), style="Heading 2")
        X.set_ppr_child(para._p, X.parse_one('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'))  # unnumbered

    def bullet(text: str, size: float = 0) -> None:
        para = document.add_paragraph(X.sanitize(text), style="List Bullet")
        if size:
            for run in para.runs:
                run.font.size = Pt(size)

    heading("guide.what")
    for key in _CHECKS:
        bullet(t(f"guide.checks.{key}"))
    heading("guide.how")
    bullet(t("guide.how_word"))
    bullet(t("guide.how_libreoffice"))
    bullet(t("guide.how_return"))
    heading("guide.files")
    bullet(t("guide.file_docx", name=files["docx"]))
    if files.get("pdf"):
        bullet(t("guide.file_pdf", name=files["pdf"]))
    bullet(t("guide.file_xlsx", name=files["xlsx"]))
    heading("guide.known")
    known = checked.warnings
    if known:
        document.add_paragraph(t("guide.known_intro"))
        for f in known[:MAX_KNOWN]:
            loc = f.location
            where = f"{loc.sheet}!{loc.cell}" if loc.sheet and loc.cell else loc.sheet
            bullet((f"{where}: " if where else "") + render(f, plan.language), size=9)
        if len(known) > MAX_KNOWN:
            document.add_paragraph(t("guide.known_more", count=len(known) - MAX_KNOWN))
    else:
        document.add_paragraph(t("guide.known_none"))
    document.add_paragraph(t("guide.contact", manager=X.sanitize(p.manager)))
    _finish(document, checked, t)
    X.repair(document)  # unique ids, whole fields, no control characters (the core properties too)
    buf = io.BytesIO()
    document.save(buf)
    return X.normalize_zip(buf.getvalue())


def _clear(document) -> None:
    """Empty the template's body and drop its headers, footers and title page (placeholders live there)."""
    body = document.element.body
    final = body.find(X.qn("w:sectPr"))
    for child in list(body):
        if child is not final:
            body.remove(child)
    if final is None:
        return
    rids = []
    for ref in final.findall(X.qn("w:headerReference")) + final.findall(X.qn("w:footerReference")):
        rids.append(ref.get(X.qn("r:id")))
        final.remove(ref)
    for tag in ("w:titlePg",):
        for el in final.findall(X.qn(tag)):
            final.remove(el)
    for rid in rids:
        if rid:
            document.part.drop_rel(rid)


def _finish(document, checked, t: Messages) -> None:
    """Language, East Asian font, fixed core properties (the output depends on its inputs only)."""
    from .assemble import set_language  # the assembler's: same language and font settings

    set_language(document, checked.plan.language)
    stamp = datetime.combine(checked.schedule.status_date, datetime.min.time())
    core = document.core_properties
    core.title = f"{t('guide.title')} – {checked.plan.project.name}"
    core.author = checked.plan.project.manager
    core.last_modified_by = checked.plan.project.manager
    core.language = checked.plan.language
    core.created = stamp
    core.modified = stamp
    core.revision = 1
