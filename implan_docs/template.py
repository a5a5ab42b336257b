"""The Word template contract: the styles the tool uses, the section placeholders, and the check.

A template is any .docx (or .dotx) that holds, as whole paragraphs, one ``{{section:<name>}}`` placeholder
per required section, and the styles in :data:`STYLES`. Text placeholders (``{{project.name}}``,
``{{t:document.contents}}``...) may sit anywhere: body, tables, headers and footers. See
``docs/template.md``. The default template is ``templates/plan.docx`` (made by
``templates/make_template.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, TemplateError

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "plan.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class StyleSpec:
    name: str  # the style's name as Word shows it (built-in names in English)
    kind: str  # "paragraph" or "table"
    use: str  # what the assembler uses it for
    required: bool = True


#: Every style the assembler applies. A template must define the required ones (restyle them freely).
STYLES: tuple[StyleSpec, ...] = (
    StyleSpec("Normal", "paragraph", "body text"),
    StyleSpec("Heading 1", "paragraph", "section titles, numbered 1"),
    StyleSpec("Heading 2", "paragraph", "sub-headings, numbered 1.1"),
    StyleSpec("Heading 3", "paragraph", "sub-sub-headings, numbered 1.1.1"),
    StyleSpec("List Bullet", "paragraph", "bulleted lists"),
    StyleSpec("List Number", "paragraph", "numbered lists"),
    StyleSpec("Caption", "paragraph", "table captions (above) and figure captions (below)"),
    StyleSpec("Table Text", "paragraph", "text in table cells"),
    StyleSpec("Plan Table", "table", "every table (header row, banding)"),
    StyleSpec("TOC 1", "paragraph", "table of contents, level 1"),
    StyleSpec("TOC 2", "paragraph", "table of contents, level 2"),
    StyleSpec("TOC 3", "paragraph", "table of contents, level 3"),
    StyleSpec("Table of Figures", "paragraph", "lists of figures and tables"),
    StyleSpec("Quote", "paragraph", "call-out paragraphs (optional)", required=False),
)

STYLE_NAMES: tuple[str, ...] = tuple(s.name for s in STYLES)


@dataclass(frozen=True)
class SectionSpec:
    name: str
    required: bool = True


#: The sections of the default template, in their default order.
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("summary"),
    SectionSpec("overview"),
    SectionSpec("objectives"),
    SectionSpec("scope"),
    SectionSpec("deliverables"),
    SectionSpec("schedule"),
    SectionSpec("risks"),
    SectionSpec("roles"),
    SectionSpec("resources"),
    SectionSpec("changes", required=False),
    SectionSpec("appendix"),
)

SECTION_NAMES: tuple[str, ...] = tuple(s.name for s in SECTIONS)

#: Text placeholders the assembler fills from its ``fields`` mapping.
FIELDS: tuple[str, ...] = (
    "project.name",
    "project.code",
    "project.version",
    "project.status",
    "project.manager",
    "project.sponsor",
    "project.confidentiality",
    "project.purpose",
    "document.date",
    "document.date_iso",  # YYYY-MM-DD; also fixes the core properties' created/modified dates
    "review.open_comments",
)

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
SECTION_PREFIX = "section:"
LABEL_PREFIX = "t:"

@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    sections: tuple[str, ...]  # section placeholders in document order
    fields: tuple[str, ...]  # other placeholders (fields and t: labels), first occurrence order
    styles: dict  # style name (as in STYLES) -> styleId in this template


def open_docx(path: str | Path, error: type = TemplateError):
    """Open a template with python-docx after the safety checks (macros, zip bombs, DOCTYPEs, .dotx,
    Strict XML: :func:`implan_docs.safety.check_docx_file`); every failure is one line of ``error``."""
    from . import safety

    path = Path(path)
    if path.suffix.lower() in (".docm", ".dotm"):
        raise error("is macro-enabled (.docm): save the template as Word Document (.docx), which drops "
                    "the macros", Location(file=path.name))
    return safety.open_docx(path, what="template", error=error)


def style_ids(document) -> dict[str, tuple[str, str]]:
    """Map lower-cased style name -> (styleId, type) for every style the document defines."""
    out: dict[str, tuple[str, str]] = {}
    styles = document.styles.element
    for st in styles.findall(f"{{{W_NS}}}style"):
        name_el = st.find(f"{{{W_NS}}}name")
        sid = st.get(f"{{{W_NS}}}styleId") or ""
        name = name_el.get(f"{{{W_NS}}}val") if name_el is not None else sid
        out.setdefault((name or "").lower(), (sid, st.get(f"{{{W_NS}}}type") or "paragraph"))
    return out


def paragraph_text(p) -> str:
    """The text of a paragraph element as Word shows it (runs joined, whatever splits them)."""
    return "".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t"))


def scan(document) -> tuple[list[str], list[str], list[str]]:
    """Return (section placeholders in order, other placeholders, problems) of an open document."""
    sections: list[str] = []
    others: list[str] = []
    problems: list[str] = []
    body = document.element.body
    for p in body.iter(f"{{{W_NS}}}p"):
        text = paragraph_text(p)
        if "{{" not in text:
            continue
        for m in PLACEHOLDER.finditer(text):
            key = m.group(1)
            if key.startswith(SECTION_PREFIX):
                name = key[len(SECTION_PREFIX):].strip()
                if p.getparent() is not body or text.strip() != m.group(0):
                    problems.append(f"placeholder {m.group(0)} must be a paragraph of its own in the body")
                elif name in sections:
                    problems.append(f"placeholder {{{{section:{name}}}}} appears twice")
                else:
                    sections.append(name)
            elif key not in others:
                others.append(key)
    for part in _header_footer_parts(document):
        for p in part.element.iter(f"{{{W_NS}}}p"):
            for m in PLACEHOLDER.finditer(paragraph_text(p)):
                key = m.group(1)
                if key.startswith(SECTION_PREFIX):
                    problems.append(f"placeholder {m.group(0)} cannot be in a header or footer")
                elif key not in others:
                    others.append(key)
    return sections, others, problems


def _header_footer_parts(document):
    seen = []
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if (name.startswith("/word/header") or name.startswith("/word/footer")) and hasattr(part, "element"):
            seen.append(part)
    return sorted(seen, key=lambda p: str(p.partname))


def _problems(document, language: str = "en") -> tuple[TemplateInfo | None, list[str]]:
    from .i18n import Messages

    sections, others, problems = scan(document)
    for spec in SECTIONS:
        if spec.required and spec.name not in sections:
            problems.append(f"placeholder {{{{section:{spec.name}}}}} is missing (a paragraph holding only that text)")
    t = Messages(language)
    for key in others:
        if key.startswith(LABEL_PREFIX):
            if not t.has(key[len(LABEL_PREFIX):]):
                problems.append(f"placeholder {{{{{key}}}}}: no such message in the catalogue")
        elif key not in FIELDS:
            problems.append(f"placeholder {{{{{key}}}}} is not a known field ({', '.join(FIELDS)})")
    ids = style_ids(document)
    styles: dict[str, str] = {}
    for spec in STYLES:
        found = ids.get(spec.name.lower())
        if found is None or found[1] != spec.kind:
            if spec.required:
                problems.append(f"{spec.kind} style '{spec.name}' is missing ({spec.use}); "
                                "restyle templates/plan.docx rather than starting from a blank document")
            continue
        styles[spec.name] = found[0]
    info = TemplateInfo(Path(), tuple(sections), tuple(others), styles)
    return info, problems


def check_template(path: str | Path) -> list[str]:
    """Every problem that makes ``path`` unusable as a template, one line each (empty: usable)."""
    try:
        document = open_docx(path)
    except TemplateError as exc:
        return [str(exc)]
    return _problems(document)[1]


def load_template(path: str | Path | None = None):
    """Open and check a template; return ``(document, TemplateInfo)`` or raise :class:`TemplateError`.

    The error names the first problem (a missing placeholder or style) and how many more there are.
    """
    path = Path(path) if path else DEFAULT_TEMPLATE
    document = open_docx(path)
    info, problems = _problems(document)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise TemplateError(problems[0] + more, Location(file=path.name))
    return document, TemplateInfo(path, info.sections, info.fields, info.styles)
