"""The reviewer's copy of the document (``implan handoff``).

The review copy is the built .docx with a line "Review copy, version X, comments due DATE" first in every
header and Word protection that allows comments only (no password; tracked changes on). (The reviewer
guide is blocks, :mod:`implan_docs.sections.guide`, rendered by :func:`.assemble.assemble_page`.)
"""
from __future__ import annotations

import io
from datetime import date

from ..i18n import Messages
from . import oxml as X

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
