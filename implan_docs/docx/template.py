"""The Word template contract: the styles the tool uses, the section placeholders, and the check.

A template is any .docx (or .dotx) that holds, as whole paragraphs, one ``{{section:<name>}}`` placeholder
per required section, and the styles in :data:`STYLES`. Text placeholders (``{{project.name}}``,
``{{t:document.contents}}``...) may sit anywhere: body, tables, headers and footers. See
``docs/template.md``. The default template is ``templates/plan.docx`` (made by
``templates/make_template.py``).

A template is also sanitised when it is loaded (:func:`strip_external`): every reference that would
make Word or LibreOffice fetch something when the document is opened or converted (linked pictures,
INCLUDEPICTURE / INCLUDETEXT / LINK / DDE fields, OLE links, imported chunks, subdocuments, frames, an
attached template, a mail-merge source) is removed, and so are external hyperlinks unless
``keep_links=True`` (then http, https and mailto ones stay). Each removal is a located finding
(W195-W199), so whatever is made from the template (the plan .docx, its review copy, the reviewer
guide) carries none of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, TemplateError
from ..findings import Finding, make

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "plan.docx"

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
    findings: tuple = ()  # what loading removed from the template (W195-W199 Findings)


def open_docx(path: str | Path, error: type = TemplateError):
    """Open a template with python-docx after the safety checks (macros, zip bombs, DOCTYPEs, .dotx,
    Strict XML: :func:`implan_docs.docx.guard.check_docx_file`); every failure is one line of ``error``."""
    from . import guard

    path = Path(path)
    if path.suffix.lower() in (".docm", ".dotm"):
        raise error("is macro-enabled (.docm): save the template as Word Document (.docx), which drops "
                    "the macros", Location(file=path.name))
    return guard.open_docx(path, what="template", error=error)


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
    for part in header_footer_parts(document):
        for p in part.element.iter(f"{{{W_NS}}}p"):
            for m in PLACEHOLDER.finditer(paragraph_text(p)):
                key = m.group(1)
                if key.startswith(SECTION_PREFIX):
                    problems.append(f"placeholder {m.group(0)} cannot be in a header or footer")
                elif key not in others:
                    others.append(key)
    return sections, others, problems


def header_footer_parts(document):
    seen = []
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if (name.startswith("/word/header") or name.startswith("/word/footer")) and hasattr(part, "element"):
            seen.append(part)
    return sorted(seen, key=lambda p: str(p.partname))


def _problems(document, language: str = "en") -> tuple[TemplateInfo | None, list[str]]:
    from ..i18n import Messages

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


@dataclass(frozen=True)
class TemplateFinding(Finding):
    """A :class:`Finding` of :func:`check_template` that also remembers the line ``check_template``
    returned before it returned findings (``line``; ``removeprefix`` works on it), so a caller
    written for those lines keeps working until it reads the findings."""

    line: str = ""

    def removeprefix(self, prefix: str) -> str:
        return self.line.removeprefix(prefix)


def _as_template_finding(f: Finding, line: str) -> TemplateFinding:
    return TemplateFinding(f.code, f.severity, f.message, f.location, f.params, line)


def check_template(path: str | Path, keep_links: bool = False) -> list[TemplateFinding]:
    """Every problem that makes ``path`` unusable as a template (E190 findings: a missing
    placeholder or style, a macro-enabled or broken file) and every external reference loading it
    removes (W195-W199), all at once, each located (``corporate.docx:word/document.xml``).
    Empty: usable as it is. ``keep_links`` as in :func:`load_template`."""
    path = Path(path)
    name = path.name
    try:
        document = open_docx(path)
    except TemplateError as exc:
        f = make("E190", Location(file=name), problem=exc.message)
        return [_as_template_finding(f, str(exc))]
    removed = strip_external(document, name, keep_links=keep_links)
    out = [_as_template_finding(make("E190", Location(file=name), problem=problem), problem)
           for problem in _problems(document)[1]]
    out += [_as_template_finding(f, f"{f.location.sheet}: {f.code} {f.message}") for f in removed]
    return out


def load_template(path: str | Path | None = None, keep_links: bool = False):
    """Open, sanitise and check a template; return ``(document, TemplateInfo)`` or raise
    :class:`TemplateError`.

    Every external reference is removed from the open document (:func:`strip_external`), external
    hyperlinks too unless ``keep_links`` (then http, https and mailto hyperlinks stay); what was
    removed is ``TemplateInfo.findings``. The error names the first problem (a missing placeholder
    or style) and how many more there are.
    """
    path = Path(path) if path else DEFAULT_TEMPLATE
    document = open_docx(path)
    removed = strip_external(document, path.name, keep_links=keep_links)
    info, problems = _problems(document)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise TemplateError(problems[0] + more, Location(file=path.name))
    return document, TemplateInfo(path, info.sections, info.fields, info.styles, tuple(removed))


# -- external references ----------------------------------------------------------------------------
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_VML_NS = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
           "urn:schemas-microsoft-com:office:word")
_O_NS = "urn:schemas-microsoft-com:office:office"
_O_RELID, _O_HREF = f"{{{_O_NS}}}relid", f"{{{_O_NS}}}href"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_W = f"{{{W_NS}}}"

#: Hyperlink schemes ``keep_links=True`` keeps; any other hyperlink (file:, javascript:, \\server...) goes.
KEEPABLE_SCHEMES = ("http", "https", "mailto")
#: Fields that make the reader fetch a file or URL, or talk to another program, when they update.
FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "IMPORT", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO",
                             "DATABASE"})
_PICTURE_CONTAINERS = frozenset({_W + "drawing", _W + "pict", _W + "object", f"{{{_MC_NS}}}AlternateContent"})
# elements whose r:id reference is removed together with a larger element (tag -> ancestor tag)
_REMOVE_ANCESTOR = {
    _W + "dataSource": _W + "mailMerge", _W + "headerSource": _W + "mailMerge", _W + "src": _W + "mailMerge",
    _W + "sourceFileName": _W + "frame",
}
_HYPERLINK_TAGS = frozenset({"hlinkClick", "hlinkHover", "hlinkMouseOver"})
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def _element_name(el) -> str:
    local = el.tag.split("}", 1)[-1] if isinstance(el.tag, str) else "?"
    return f"{el.prefix}:{local}" if el.prefix else local


def _shown(target: str, limit: int = 200) -> str:
    """A target as one printable line (rel targets and field arguments come from the file)."""
    text = " ".join(str(target or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _scheme(target: str) -> str:
    m = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):", target or "")
    return m.group(1).lower() if m else ""


def _keepable(target: str, keep_links: bool) -> bool:
    return keep_links and _scheme(target) in KEEPABLE_SCHEMES


class _Stripper:
    """Removes external references from one part's XML (``root``), collecting findings."""

    def __init__(self, file_name: str, part_name: str, root, rels, keep_links: bool):
        self.file, self.part, self.root, self.keep_links = file_name, part_name, root, keep_links
        self.rels = rels  # python-docx Relationships of the part (None for the package)
        self.external = {rid: rel for rid, rel in (rels or {}).items() if rel.is_external}
        self.kept: set[str] = set()  # external rIds a kept hyperlink still uses
        self.findings: list[Finding] = []
        self.reported: set[str] = set()
        self.changed = False

    def add(self, code: str, **params) -> None:
        self.findings.append(make(code, Location(file=self.file, sheet=self.part), **params))
        self.changed = True

    # -- hyperlinks ------------------------------------------------------------------------------
    def hyperlink(self, target: str, element: str) -> bool:
        """True to keep a hyperlink to ``target``; else records why it goes."""
        if _keepable(target, self.keep_links):
            return True
        code = "W198" if self.keep_links else "W197"
        self.add(code, target=_shown(target), element=element)
        return False

    # -- fields ----------------------------------------------------------------------------------
    def fields(self) -> None:
        root = self.root
        for simple in list(root.iter(_W + "fldSimple")):
            instr = simple.get(_W + "instr") or ""
            if self._field_goes(instr, "w:fldSimple"):
                _unwrap(simple)
        order = list(root.iter(_W + "r"))
        runs = {id(r): k for k, r in enumerate(order)}
        stack: list[dict] = []
        done: list[dict] = []
        for el in root.iter(_W + "fldChar", _W + "instrText", _W + "delInstrText"):
            if el.tag != _W + "fldChar":
                if stack and stack[-1]["separate"] is None:
                    stack[-1]["instr"] += el.text or ""
                    stack[-1]["pieces"].append(el)
                continue
            kind = el.get(_W + "fldCharType")
            if kind == "begin":
                stack.append({"begin": el, "separate": None, "end": None, "instr": "", "pieces": [],
                              "in_instruction": bool(stack) and stack[-1]["separate"] is None})
            elif kind == "separate" and stack and stack[-1]["separate"] is None:
                stack[-1]["separate"] = el
            elif kind == "end" and stack:
                f = stack.pop()
                f["end"] = el
                done.append(f)
        drop_runs: set[int] = set()
        drop_chars: list = []
        for f in stack:  # never ended: the instruction goes, what follows stays as it is
            if self._field_goes(f["instr"], "w:fldChar"):
                drop_chars += [f["begin"], *f["pieces"]] + ([f["separate"]] if f["separate"] is not None else [])
        for f in done:
            if not self._field_goes(f["instr"], "w:fldChar"):
                continue
            begin, sep, end = (runs.get(id(f[k].getparent()), -1) if f[k] is not None else -1
                               for k in ("begin", "separate", "end"))
            if min(begin, end) < 0:
                continue
            if f["in_instruction"] or sep < 0:  # inside another field's instruction, or no result
                drop_runs.update(range(begin, end + 1))
                continue
            drop_runs.update(range(begin + 1, sep))  # the instruction (and fields nested in it)
            drop_chars += [f["begin"], f["separate"], f["end"]]
        for k in sorted(drop_runs):
            r = order[k]
            if r.getparent() is not None:
                r.getparent().remove(r)
        for fc in drop_chars:
            r = fc.getparent()
            if r is None or r.getparent() is None:
                continue
            r.remove(fc)
            if r.tag == _W + "r" and all(c.tag == _W + "rPr" for c in r):
                r.getparent().remove(r)

    def _field_goes(self, instr: str, element: str) -> bool:
        tokens = [(q if q is not None else u) for q, u in ((m.group(1), m.group(2)) for m in _TOKEN.finditer(instr))]
        if not tokens:
            return False
        name = tokens[0].upper()
        args = tokens[1:]
        args = [a.replace("\\\\", "\\") for a in args]  # paths in field codes double their backslashes
        if name == "HYPERLINK":
            if not args or args[0].startswith("\\"):
                return False  # \l "bookmark": a link inside the document
            return not self.hyperlink(args[0], f"HYPERLINK field, {element}")
        if name not in FETCHING_FIELDS:
            return False
        if name in ("DDE", "DDEAUTO"):  # DDE application "file" "item": the program, then what it opens
            target = " ".join(args[:2])
        else:
            quoted = [m.group(1) for m in _TOKEN.finditer(instr) if m.group(1) is not None]
            target = quoted[0].replace("\\\\", "\\") if quoted else (args[0] if args else "")
        self.add("W196", field=name, target=_shown(target))
        return True

    # -- relationships and other references -----------------------------------------------------
    def references(self) -> None:
        refs = []
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            for attr, value in el.attrib.items():
                # r:id, r:embed, r:link...; VML pictures name theirs in o:relid too
                if (attr.startswith(f"{{{R_NS}}}") or attr == _O_RELID) and value in self.external:
                    refs.append((el, attr, value))
        for el, attr, rid in refs:
            # one finding per reference, also when an earlier removal already took the element with it
            attached = _attached(el, self.root)
            target = self.external[rid].target_ref
            local = el.tag.split("}", 1)[-1]
            self.reported.add(rid)
            if el.tag == _W + "hyperlink" or (local in _HYPERLINK_TAGS and attr == f"{{{R_NS}}}id"):
                if self.hyperlink(target, _element_name(el)):
                    if attached:
                        self.kept.add(rid)
                elif not attached:
                    pass
                elif el.tag == _W + "hyperlink":
                    _unwrap(el)
                else:
                    el.getparent().remove(el)
                continue
            if local == "blip" or (el.tag.startswith("{urn:schemas-microsoft-com:") and local in
                                   ("imagedata", "fill", "image", "background")):
                self.add("W195", target=_shown(target), element=_element_name(el))
                if not attached:
                    continue
                del el.attrib[attr]
                embed = el.get(f"{{{R_NS}}}embed")
                if local == "blip" and embed and embed not in self.external:
                    continue  # linked and embedded: the embedded copy stays
                _remove_picture(el)
                continue
            self.add("W199", target=_shown(target), element=_element_name(el))
            if not attached:
                continue
            if el.tag == f"{{{_O_NS}}}OLEObject":
                _remove_picture(el)
            elif el.tag in _REMOVE_ANCESTOR:
                _remove_up_to(el, _REMOVE_ANCESTOR[el.tag])
            else:
                el.getparent().remove(el)
        self._vml_and_links()

    def _vml_and_links(self) -> None:
        for el in list(self.root.iter()):
            if not isinstance(el.tag, str) or not _attached(el, self.root):
                continue
            ns = el.tag[1:].split("}", 1)[0] if el.tag.startswith("{") else ""
            if el.tag == f"{{{_O_NS}}}OLEObject" and (el.get("Type") or "").lower() == "link":
                self.add("W199", target=_shown(el.get("ProgID") or "linked object"), element=_element_name(el))
                _remove_picture(el)
                continue
            if ns not in _VML_NS:
                continue
            link = el.get(_O_HREF)  # the file a VML picture was linked from (o:href)
            if link:
                self.add("W195", target=_shown(link), element=f"{_element_name(el)} o:href")
                del el.attrib[_O_HREF]
            src = el.get("src")
            if src:
                self.add("W195", target=_shown(src), element=f"{_element_name(el)} src")
                del el.attrib["src"]
                _remove_picture(el)
                continue
            href = el.get("href")
            if href and not self.hyperlink(href, f"{_element_name(el)} href"):
                del el.attrib["href"]

    def properties(self) -> None:
        """docProps/app.xml: a HyperlinkBase resolves every relative link against a URL."""
        for el in list(self.root.iter(f"{{{_EP_NS}}}HyperlinkBase")):
            if (el.text or "").strip():
                self.add("W199", target=_shown(el.text), element="HyperlinkBase")
            el.getparent().remove(el)
            self.changed = True

    def drop_relationships(self) -> None:
        if self.root is not None and self.kept:  # a kept link may have gone with its picture since
            live = {v for el in self.root.iter() if isinstance(el.tag, str)
                    for k, v in el.attrib.items() if k.startswith(f"{{{R_NS}}}")}
            self.kept &= live
        for rid, rel in self.external.items():
            if rid in self.kept:
                continue
            if rid not in self.reported:
                self.add("W199", target=_shown(rel.target_ref),
                         element=f"relationship {rel.reltype.rsplit('/', 1)[-1]}")
            del self.rels[rid]
            self.changed = True

    def drop_alt_chunks(self) -> None:
        """Chunks kept inside the package (HTML, RTF, another document) are imported by the reader
        when the document opens, with whatever they reference: they go too."""
        for el in list(self.root.iter(_W + "altChunk")):
            rid = el.get(f"{{{R_NS}}}id") or ""
            rel = (self.rels or {}).get(rid)
            target = rel.target_ref if rel is not None and rel.is_external else (
                str(rel.target_part.partname).lstrip("/") if rel is not None else rid)
            self.add("W199", target=_shown(target), element=_element_name(el))
            el.getparent().remove(el)
            if rel is not None and not rel.is_external and rid:
                del self.rels[rid]
                self.rels.related_parts.pop(rid, None)


def _attached(el, root) -> bool:
    node = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _unwrap(el) -> None:
    """Replace ``el`` by its children (a hyperlink's or a simple field's runs stay)."""
    parent = el.getparent()
    if parent is None:
        return
    for child in list(el):
        el.addprevious(child)
    parent.remove(el)


def _remove_up_to(el, tag: str) -> None:
    node = el
    while node is not None and node.tag != tag:
        node = node.getparent()
    target = node if node is not None else el
    if target.getparent() is not None:
        target.getparent().remove(target)


def _remove_picture(el) -> None:
    """Remove the picture (or object) ``el`` belongs to: the outermost drawing, VML picture, object or
    alternate-content block below the run holding it; ``el`` itself outside a run."""
    outer, node = None, el.getparent()
    while node is not None and node.tag != _W + "r":
        if node.tag in _PICTURE_CONTAINERS:
            outer = node
        node = node.getparent()
    target = outer if (outer is not None and node is not None) else el
    if target.getparent() is not None:
        target.getparent().remove(target)


def strip_external(document, file_name: str = "", keep_links: bool = False) -> list[Finding]:
    """Remove from an open python-docx ``document`` every reference that makes a reader fetch
    something (see the module doc); return one located finding per removal, in package order.

    Every part is looked at, XML parts python-docx does not model (web settings, properties)
    included. External hyperlinks (``w:hyperlink``, picture hyperlinks, HYPERLINK fields, VML
    ``href``) lose the link and keep their text, unless ``keep_links`` and http, https or mailto.
    """
    from docx.opc.part import XmlPart
    from lxml import etree

    findings: list[Finding] = []
    package = document.part.package
    for part in list(package.iter_parts()):
        name = str(part.partname).lstrip("/")
        if isinstance(part, XmlPart):
            root, generic = part._element, False
        elif (part.content_type or "").endswith(("+xml", "/xml")) and part.blob:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            try:
                root, generic = etree.fromstring(part.blob, parser), True
            except etree.XMLSyntaxError:
                root = None  # not readable here: its external relationships go all the same
        else:
            root = None
        if root is None:
            if any(rel.is_external for rel in part.rels.values()):
                s = _Stripper(file_name, name, None, part.rels, keep_links)
                s.drop_relationships()
                findings += s.findings
            continue
        s = _Stripper(file_name, name, root, part.rels, keep_links)
        s.fields()
        s.references()
        s.drop_alt_chunks()
        s.properties()
        s.drop_relationships()
        findings += s.findings
        if generic and s.changed:
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    s = _Stripper(file_name, "_rels/.rels", None, package.rels, keep_links)
    s.drop_relationships()
    findings += s.findings
    return findings
