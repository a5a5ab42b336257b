"""Blocks + template -> the plan .docx: the one place that turns section fragments into Word.

``assemble`` opens the template, fills ``{{...}}`` fields in the body, headers and footers, puts each
fragment's blocks where its ``{{section:<name>}}`` placeholder stands, writes the table of contents and
the lists of figures and tables as the current results of their (still updatable) TOC fields, sets
language, East Asian font and line breaking, and saves byte-identical output for identical input.
Raw XML lives in :mod:`implan_docs.docx.oxml`; the style contract in :mod:`implan_docs.docx.template`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Mapping, Sequence

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph

from .. import blocks as B
from . import oxml as X
from ..errors import DocumentError, Location
from ..fileio import atomic_write_bytes
from ..i18n import Messages
from .template import LABEL_PREFIX, SECTION_PREFIX, TemplateInfo, load_template, paragraph_text, style_ids

#: East Asian font written where a template names none: on every Office install in Taiwan. On Linux,
#: LibreOffice finds no such font and asks fontconfig for one covering the text's language (zh-TW):
#: Noto Sans CJK TC from fonts-noto-cjk.
EAST_ASIAN_FONT = "Microsoft JhengHei"
WORD_LANG = {"en": "en-US", "zh-TW": "zh-TW"}
# An empty paragraph after each table: a table directly followed by another would merge with it in Word.
TABLE_SPACER = '<w:p><w:pPr><w:spacing w:before="0" w:after="120"/></w:pPr></w:p>'
FIXED_TIMESTAMP = datetime(2000, 1, 1)
SEQ_FIGURE, SEQ_TABLE = "Figure", "Table"
TWIP_EMU = 635  # EMU per twip
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_BOOKMARK_BASE = 900_000_000


@dataclass(frozen=True)
class IndexEntry:
    """One line of the table of contents or of a list of figures/tables."""

    kind: str  # "heading", "Figure" or "Table"
    level: int
    number: str  # "2.1" for headings, "3" for captions
    text: str  # heading text, or the whole caption ("Figure 3: Gantt chart")
    bookmark: str


def assemble(
    template_path: str | Path | None,
    fragments: Sequence[B.Fragment],
    fields: Mapping[str, str],
    language: str,
    out_path: str | Path,
    assets_dir: str | Path,
    *,
    toc_pages: Mapping[str, int] | None = None,
    timestamp: date | datetime | None = None,
    keep_links: bool = False,
) -> Path:
    """Render ``fragments`` into the template and write ``out_path`` (atomically); return its path.

    ``fields`` fills ``{{project.name}}`` and the other text placeholders; ``language`` picks the
    ``{{t:...}}`` labels, caption words and Word language. Figures are read from ``assets_dir``.
    ``toc_pages`` (bookmark -> page, from :func:`implan_docs.docx.pdf.to_pdf`) adds page numbers to the
    table of contents and lists; ``timestamp`` fixes the core properties' created/modified dates
    (default: ``fields["document.date_iso"]``, else 2000-01-01: the output depends on its inputs only).

    The template's external references are removed as it loads (external hyperlinks too, unless
    ``keep_links``: :func:`implan_docs.docx.template.load_template`), and the package is repaired last
    (:func:`implan_docs.docx.oxml.repair`: unique bookmark and drawing ids, whole fields, no control
    characters), so Word opens the file without repairing it.
    """
    document, info = load_template(template_path, keep_links=keep_links)
    asm = _Assembler(document, info, Messages(language), Path(assets_dir), toc_pages or {})
    anchors = asm.find_anchors()  # before filling fields: a field value may look like a placeholder
    asm.fill_fields(fields)
    asm.place_sections(fragments, anchors)
    asm.landscape_headers()
    asm.write_indexes()
    set_language(document, language)
    _set_core(document, fields, language, Messages(language), timestamp)
    X.repair(document)
    return atomic_write_bytes(out_path, X.package_bytes(document))


def assemble_page(template_path: str | Path | None, fragment: B.Fragment, language: str, *,
                  title: str, author: str, when: date | datetime, keep_links: bool = False) -> bytes:
    """A short stand-alone document (the reviewer guide) rendered from ``fragment``'s blocks in the
    template's styles: the template's body, title page, headers and footers are left out, headings are
    not numbered. Returns the .docx bytes (deterministic: ``when`` fixes the core properties' dates)."""
    document, info = load_template(template_path, keep_links=keep_links)
    body = document.element.body
    final = _bare_page(document)
    anchor = X.parse_one("<w:p/>")
    if final is not None:
        final.addprevious(anchor)
    else:
        body.append(anchor)
    asm = _Assembler(document, info, Messages(language), Path("."), {}, numbered_headings=False)
    asm.render_fragment(fragment, anchor)
    anchor.getparent().remove(anchor)
    set_language(document, language)
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    cp = document.core_properties
    cp.title = X.sanitize(title)[:255]
    cp.author = cp.last_modified_by = X.sanitize(author)[:255]
    cp.language = language
    cp.created = cp.modified = when
    cp.revision = 1
    X.repair(document)
    return X.package_bytes(document)


def _bare_page(document):
    """Empty the template's body and drop its headers, footers and title page (placeholders live there);
    return the final section properties."""
    body = document.element.body
    final = body.find(X.W_SECTPR)
    for child in list(body):
        if child is not final:
            body.remove(child)
    if final is None:
        return None
    rids = []
    for ref in final.findall(qn("w:headerReference")) + final.findall(qn("w:footerReference")):
        rids.append(ref.get(qn("r:id")))
        final.remove(ref)
    for el in final.findall(qn("w:titlePg")):
        final.remove(el)
    for rid in rids:
        if rid:
            document.part.drop_rel(rid)
    return final


class _Assembler:
    def __init__(self, document, info: TemplateInfo, t: Messages, assets_dir: Path, toc_pages: Mapping[str, int],
                 numbered_headings: bool = True):
        self.doc = document
        self.body = document.element.body
        self.info = info
        self.t = t
        self.assets = assets_dir
        self.toc_pages = dict(toc_pages)
        self.all_styles = style_ids(document)
        self.entries: list[IndexEntry] = []
        self.counters = [0, 0, 0]
        self.seq = {SEQ_FIGURE: 0, SEQ_TABLE: 0}
        # bookmark names and ids, picture ids the template uses already (body, headers, footers...):
        # new ones keep clear of them (X.repair makes the whole package unique again at the end)
        roots = [root for _, root, _ in X.xml_parts(document)]
        marks = [b for root in roots for b in root.iter(qn("w:bookmarkStart"))]
        self.template_marks = {b.get(qn("w:name")) for b in marks}
        ids = [int(v) for v in (b.get(qn("w:id")) or "" for b in marks) if v.isdigit() and int(v) < X.MAX_ID // 2]
        self.next_bookmark_id = max(ids, default=0) + 1
        self.bookmarks = 0
        self.numbered = {lvl: self._style_numbered(f"Heading {lvl}") for lvl in (1, 2, 3)}
        self.unnumbered = not numbered_headings  # headings keep their style but not its numbering
        self.buffer: list[str] = []
        self.anchor = None
        self.landscape = False
        # headings and short paragraphs just before the next block: they move with a landscape figure
        self.lead_in: list = []
        self.lead_in_height = 0  # twips, estimated
        self.lead_in_open = False
        self.room_used = 0  # twips of the landscape page taken by a lead-in
        self.landscape_sects: list = []  # (sectPr, portrait text width) of each landscape section
        # pictures: python-docx's add_picture searches the whole document for the next shape id and
        # hashes every earlier image again for each new one (minutes for a large plan's 150 charts)
        ids = [int(v) for root in roots for v in (el.get("id") or "" for el in root.iter(f"{{{X.WP_NS}}}docPr"))
               if v.isdigit() and int(v) < X.MAX_ID // 2]
        self.next_shape_id = max(ids, default=0) + 1
        self.images: dict[str, str] = {}  # sha1 -> relationship id
        self.media = {str(p.partname) for p in document.part.package.iter_parts()}

    # -- styles ---------------------------------------------------------------------------------
    def sid(self, name: str) -> str:
        return self.info.styles.get(name) or self.all_styles.get(name.lower(), ("", ""))[0]

    def _style_el(self, sid: str):
        for st in self.doc.styles.element.findall(qn("w:style")):
            if st.get(qn("w:styleId")) == sid:
                return st
        return None

    def _style_num_id(self, name: str) -> str | None:
        st = self._style_el(self.sid(name))
        seen = set()
        while st is not None and id(st) not in seen:
            seen.add(id(st))
            num = st.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            if num is not None:
                return num.get(qn("w:val"))
            based = st.find(qn("w:basedOn"))
            st = self._style_el(based.get(qn("w:val"))) if based is not None else None
        return None

    def _style_numbered(self, name: str) -> bool:
        num = self._style_num_id(name)
        return num is not None and num != "0"

    # -- fields ---------------------------------------------------------------------------------
    def fill_fields(self, fields: Mapping[str, str]) -> None:
        def resolve(key: str) -> str | None:
            if key.startswith(SECTION_PREFIX):
                return None
            if key.startswith(LABEL_PREFIX):
                name = key[len(LABEL_PREFIX):]
                if not self.t.has(name):
                    return ""
                text = X.sanitize(self.t(name))
                return (text.replace("{page}", f"{X.FIELD_MARK}PAGE{X.FIELD_MARK}")
                        .replace("{pages}", f"{X.FIELD_MARK}NUMPAGES{X.FIELD_MARK}"))
            return X.sanitize(str(fields.get(key, "") or ""))

        roots = [self.body] + [part.element for part in _story_parts(self.doc)]
        for root in roots:
            for p in list(root.iter(X.W_P)):
                X.replace_placeholders(p, resolve)

    # -- sections -------------------------------------------------------------------------------
    def find_anchors(self) -> dict[str, object]:
        """The template's ``{{section:<name>}}`` paragraphs, in document order."""
        anchors: dict[str, object] = {}
        for p in self.body.iterchildren(X.W_P):
            text = paragraph_text(p).strip()
            if text.startswith("{{") and text.endswith("}}"):
                key = text[2:-2].strip()
                if key.startswith(SECTION_PREFIX):
                    anchors.setdefault(key[len(SECTION_PREFIX):].strip(), p)
        return anchors

    def place_sections(self, fragments: Sequence[B.Fragment], anchors: dict[str, object]) -> None:
        anchors = dict(anchors)
        order = list(anchors)
        by_name: dict[str, list[B.Fragment]] = {}
        extras: list[B.Fragment] = []
        for frag in fragments:
            if frag.section in anchors:
                by_name.setdefault(frag.section, []).append(frag)
            else:
                extras.append(frag)
        if extras:
            if "appendix" in anchors:
                by_name["appendix"] = extras + by_name.get("appendix", [])
            else:
                end = X.parse_one("<w:p/>")
                self.body.find(X.W_SECTPR).addprevious(end)
                anchors["\0end"] = end
                order.append("\0end")
                by_name["\0end"] = extras
        for name in order:
            anchor = anchors[name]
            for frag in by_name.get(name, []):
                self.render_fragment(frag, anchor)
            anchor.getparent().remove(anchor)

    def render_fragment(self, frag: B.Fragment, anchor) -> None:
        self.anchor = anchor
        self._reset_lead_in()
        items = list(frag.blocks)
        if frag.title and not (items and isinstance(items[0], B.Heading) and items[0].level == 1):
            items.insert(0, B.Heading(frag.title, 1))
        for block in items:
            try:
                self.render_block(block, frag)
            except DocumentError:
                raise
            except (ValueError, TypeError, AttributeError) as exc:
                raise DocumentError(f"section '{frag.section}': cannot render a {getattr(block, 'type', '?')} "
                                    f"block: {exc}", Location(file=f"fragments/{frag.section}.json")) from exc
        if self.landscape:
            self.end_landscape()
        self.flush()
        # The spacer after a section's last table is not needed (the next section starts a new page) and,
        # when the table ends at the foot of a page, it would spill onto a page of its own.
        last = anchor.getprevious()
        if last is not None and _is_table_spacer(last):
            last.getparent().remove(last)

    def render_block(self, block, frag: B.Fragment) -> None:
        is_landscape = isinstance(block, B.Figure) and block.landscape
        if is_landscape and not self.landscape:
            self.start_landscape(block, frag)
        elif not is_landscape and self.landscape:
            self.end_landscape()
        if isinstance(block, B.Heading):
            self.heading(block)
            els = self.flush()
            if not self.lead_in_open:
                self._reset_lead_in()
            self.lead_in += els
            self.lead_in_height += 900
            self.lead_in_open = True
            return
        if isinstance(block, B.Paragraph):
            self.paragraph(block)
            els = self.flush()
            text = block.text or "".join(r.text for r in block.runs)
            lines = 1 + len(text) // 150  # about 150 characters a line across a landscape page
            if self.lead_in_open and lines <= 6 and len(self.lead_in) < 6:
                self.lead_in += els
                self.lead_in_height += lines * 300 + 120
            else:
                self._reset_lead_in()
            return
        if isinstance(block, B.Bullets):
            self.bullets(block)
        elif isinstance(block, B.Table):
            self.table(block)
        elif isinstance(block, B.Figure):
            self.figure(block, frag)
        elif isinstance(block, B.PageBreak):
            self.buffer.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        else:
            raise DocumentError(f"section '{frag.section}': unknown block {block!r:.60}")
        self._reset_lead_in()

    def _reset_lead_in(self) -> None:
        self.lead_in, self.lead_in_height, self.lead_in_open = [], 0, False

    def flush(self) -> list:
        if not self.buffer:
            return []
        els = X.parse_many(self.buffer)
        self.buffer = []
        for el in els:
            self.anchor.addprevious(el)
        return els

    def text_box(self) -> tuple[int, int]:
        if self.landscape:
            return X.text_box(self.landscape_sect)
        return X.text_box(X.governing_sectpr(self.anchor, self.body))

    # -- landscape sections ---------------------------------------------------------------------
    def start_landscape(self, figure: B.Figure, frag: B.Fragment) -> None:
        """End the current (portrait) section before a landscape figure. The heading and short text
        leading into it move to the landscape page when they fit there with the figure, so they do
        not sit alone on a portrait page."""
        self.flush()
        original = X.governing_sectpr(self.anchor, self.body)
        landscape = X.continued_sectpr(original, landscape=True)
        before, self.room_used = self.anchor, 0
        if self.lead_in:
            box_w, box_h = X.text_box(landscape)
            _, image = self._image(figure, frag)
            fig_h = min(self._figure_width(figure, image, box_w, box_h) * image.px_height / max(1, image.px_width),
                        (box_h - 1700) * TWIP_EMU) / TWIP_EMU
            headings_only = all(el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None and
                                el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) in
                                {self.sid(f"Heading {k}") for k in (1, 2, 3)} for el in self.lead_in)
            if headings_only or self.lead_in_height + fig_h + 900 <= box_h:
                before, self.room_used = self.lead_in[0], self.lead_in_height
        prev = before.getprevious()
        portrait = _deepcopy(original)
        if prev is not None and prev.tag == X.W_P and (prev.find(X.W_PPR) is None or prev.find(X.W_PPR).find(X.W_SECTPR) is None):
            X.attach_sectpr(prev, portrait)
        else:
            holder = X.parse_one('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>')
            before.addprevious(holder)
            X.attach_sectpr(holder, portrait)
        # the rest of the document continues the original section on new pages
        X.drop_title_page(original)
        X.set_section_start(original, "nextPage")
        self.landscape_sect = landscape
        self.landscape_sects.append((self.landscape_sect, X.text_box(original)[0]))
        self.landscape = True

    def end_landscape(self) -> None:
        self.flush()
        last = self.anchor.getprevious()
        if last is None or last.tag != X.W_P:
            last = X.parse_one("<w:p/>")
            self.anchor.addprevious(last)
        X.attach_sectpr(last, self.landscape_sect)
        self.landscape = False

    def landscape_headers(self) -> None:
        """Give landscape sections their own copies of the headers and footers with the tab stops
        stretched to the wider text area (a right-aligned page number stays at the right margin)."""
        from docx.parts.hdrftr import FooterPart, HeaderPart

        made: dict[tuple[str, int], str] = {}
        for sect, portrait_width in self.landscape_sects:
            factor = X.text_box(sect)[0] / max(1, portrait_width)
            for ref in sect:
                if ref.tag not in (qn("w:headerReference"), qn("w:footerReference")):
                    continue
                rid = ref.get(qn("r:id"))
                key = (rid, round(factor * 1000))
                if key not in made:
                    is_header = ref.tag == qn("w:headerReference")
                    source = self.doc.part.related_parts[rid]
                    part = (HeaderPart if is_header else FooterPart).new(self.doc.part.package)
                    for rel in source.rels.values():  # images (a logo) keep their relationship ids
                        part.rels.add_relationship(rel.reltype, rel.target_ref if rel.is_external else rel.target_part,
                                                   rel.rId, rel.is_external)
                    root = part.element
                    for child in list(root):
                        root.remove(child)
                    for child in source.element:
                        root.append(_deepcopy(child))
                    for p in root.iter(X.W_P):
                        X.scale_tabs(p, self._style_tabs(p), factor)
                    made[key] = self.doc.part.relate_to(part, RT.HEADER if is_header else RT.FOOTER)
                ref.set(qn("r:id"), made[key])

    def _style_tabs(self, p) -> list[tuple[str, int, str]]:
        """Tab stops a paragraph gets from its style and the styles that one is based on."""
        ppr = p.find(X.W_PPR)
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        sid = pstyle.get(qn("w:val")) if pstyle is not None else self.sid("Normal")
        chain, seen = [], set()
        st = self._style_el(sid)
        while st is not None and st.get(qn("w:styleId")) not in seen:
            seen.add(st.get(qn("w:styleId")))
            chain.append(st)
            based = st.find(qn("w:basedOn"))
            st = self._style_el(based.get(qn("w:val"))) if based is not None else None
        stops: dict[int, tuple[str, int, str]] = {}
        for st in reversed(chain):
            for val, pos, leader in X.tab_stops(st.find(f"{qn('w:pPr')}/{qn('w:tabs')}")):
                if val == "clear":
                    stops.pop(pos, None)
                else:
                    stops[pos] = (val, pos, leader)
        return [stops[k] for k in sorted(stops)]

    # -- blocks ---------------------------------------------------------------------------------
    def new_bookmark(self) -> tuple[int, str]:
        bid = self.next_bookmark_id
        self.next_bookmark_id += 1
        self.bookmarks += 1
        while f"_Toc{_BOOKMARK_BASE + self.bookmarks}" in self.template_marks:
            self.bookmarks += 1
        return bid, f"_Toc{_BOOKMARK_BASE + self.bookmarks}"

    def heading(self, block: B.Heading) -> None:
        level = min(3, max(1, int(block.level or 1)))
        self.counters[level - 1] += 1
        for k in range(level, 3):
            self.counters[k] = 0
        number = ".".join(str(c) for c in self.counters[:level]) if self.numbered[level] else ""
        text = X.sanitize(block.text)
        bid, name = self.new_bookmark()
        self.entries.append(IndexEntry("heading", level, number, text, name))
        sid = self.sid(f"Heading {level}")
        if self.unnumbered:
            off = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>' if self.numbered[level] else ""
            self.buffer.append(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/>{off}</w:pPr>{X.run_xml(text)}</w:p>')
            return
        self.buffer.append(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/></w:pPr>{X.bookmark(bid, name, X.run_xml(text))}</w:p>')

    def paragraph(self, block: B.Paragraph) -> None:
        style = ""
        if block.style:
            sid = self.all_styles.get(block.style.lower(), ("", ""))[0]
            style = f'<w:pPr><w:pStyle w:val="{sid}"/></w:pPr>' if sid else ""
        if block.runs:
            inner = "".join(X.run_xml(r.text, X.rpr_xml(bold=r.bold, italic=r.italic)) for r in block.runs)
        else:
            inner = X.run_xml(block.text) if block.text else ""
        self.buffer.append(f"<w:p>{style}{inner}</w:p>")

    def bullets(self, block: B.Bullets) -> None:
        name = "List Number" if block.numbered else "List Bullet"
        sid = self.sid(name)
        num = ""
        if block.numbered:
            num_id = self._restart_numbering(name)
            if num_id:
                num = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        for item in block.items:
            self.buffer.append(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/>{num}</w:pPr>{X.run_xml(str(item))}</w:p>')

    def _restart_numbering(self, style_name: str) -> str:
        """A new list instance of the style's numbering that starts again at 1."""
        num_id = self._style_num_id(style_name)
        if not num_id:
            return ""
        numbering = self.doc.part.numbering_part.element
        abstract = None
        for num in numbering.num_lst:
            if str(num.numId) == num_id:
                abstract = num.abstractNumId.val
        if abstract is None:
            return ""
        new = numbering.add_num(abstract)
        new.add_lvlOverride(ilvl=0).add_startOverride(1)
        return str(new.numId)

    def caption_xml(self, kind: str, caption: str, keep_next: bool) -> str:
        self.seq[kind] += 1
        n = self.seq[kind]
        fmt = self.t("document.caption_table" if kind == SEQ_TABLE else "document.caption_figure")
        caption = X.sanitize(caption)
        before, _, after = fmt.partition("{n}")
        before, after = before.replace("{caption}", caption), after.replace("{caption}", caption)
        bid, name = self.new_bookmark()
        self.entries.append(IndexEntry(kind, 1, str(n), f"{before}{n}{after}", name))
        inner = X.run_xml(before) + X.field_xml(f"SEQ {kind} \\* ARABIC", str(n)) + X.run_xml(after)
        ppr = f'<w:pPr><w:pStyle w:val="{self.sid("Caption")}"/>{"<w:keepNext/>" if keep_next else ""}</w:pPr>'
        return f"<w:p>{ppr}{X.bookmark(bid, name, inner)}</w:p>"

    def table(self, block: B.Table) -> None:
        if block.caption:
            self.buffer.append(self.caption_xml(SEQ_TABLE, block.caption, keep_next=True))
        self.buffer.append(table_xml(block, self.text_box()[0], self.sid("Plan Table"), self.sid("Table Text")))
        # a table directly followed by another table would merge with it in Word
        self.buffer.append(TABLE_SPACER)

    def _image(self, block: B.Figure, frag: B.Fragment) -> tuple[Path, Image]:
        loc = Location(file=f"fragments/{frag.section}.json")
        root = self.assets.resolve()
        path = (root / block.path).resolve()
        if root != path and root not in path.parents:
            raise DocumentError(f"section '{frag.section}': figure path {block.path!r} leaves the build folder", loc)
        if not path.is_file():
            raise DocumentError(f"section '{frag.section}': figure {block.path} not found", loc)
        try:
            return path, Image.from_file(str(path))
        except (UnrecognizedImageError, OSError, ValueError) as exc:
            raise DocumentError(f"section '{frag.section}': figure {block.path} is not a PNG/JPEG/GIF image ({exc})", loc) from exc

    @staticmethod
    def _figure_width(block: B.Figure, image: Image, box_w: int, box_h: int, room_used: int = 0) -> int:
        """Width in EMU: the figure's width_cm, scaled down to the text width and to the page height
        left after the caption (and a lead-in moved onto the same landscape page)."""
        max_w, max_h = box_w * TWIP_EMU, (box_h - 1700 - room_used) * TWIP_EMU
        aspect = image.px_height / max(1, image.px_width)
        width_cm = _number(block.width_cm, 16.0, 0.5, 100.0)
        return max(360000, int(min(width_cm * 360000, max_w, max_h / aspect if aspect else max_w)))

    def figure(self, block: B.Figure, frag: B.Fragment) -> None:
        loc = Location(file=f"fragments/{frag.section}.json")
        path, image = self._image(block, frag)
        box_w, box_h = self.text_box()
        width = self._figure_width(block, image, box_w, box_h, self.room_used)
        self.room_used = 0
        aspect = image.px_height / max(1, image.px_width)
        self.flush()
        p_el = X.parse_one('<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/><w:jc w:val="center"/></w:pPr></w:p>')
        self.anchor.addprevious(p_el)
        try:
            rid = self._image_rid(image)
        except (UnrecognizedImageError, OSError, ValueError) as exc:
            raise DocumentError(f"section '{frag.section}': figure {block.path} cannot be read ({exc})", loc) from exc
        inline = CT_Inline.new_pic_inline(self.next_shape_id, rid, X.sanitize(path.name), Emu(width), Emu(int(width * aspect)))
        self.next_shape_id += 1
        run = DocxParagraph(p_el, self.doc._body).add_run()
        run._r.add_drawing(inline)
        alt = X.sanitize(block.alt or block.caption)
        for tag in ("wp:docPr", "pic:cNvPr"):
            for el in p_el.iter(qn(tag)):
                el.set("descr", alt)
                el.set("title", X.sanitize(block.caption))
        self.buffer.append(self.caption_xml(SEQ_FIGURE, block.caption, keep_next=False))

    def _image_rid(self, image: Image) -> str:
        """Relationship id of the image part holding ``image`` (one part per distinct image)."""
        sha = image.sha1
        if sha not in self.images:
            n = 1
            while f"/word/media/image{n}.{image.ext}" in self.media:
                n += 1
            name = f"/word/media/image{n}.{image.ext}"
            self.media.add(name)
            part = ImagePart.from_image(image, PackURI(name))
            self.images[sha] = self.doc.part.relate_to(part, RT.IMAGE)
        return self.images[sha]

    # -- table of contents and lists ------------------------------------------------------------
    def write_indexes(self) -> None:
        for f in X.complex_fields(self.body):
            instr = f["instr"].strip()
            if not instr.upper().startswith("TOC") or f["separate"] is None:
                continue
            begin_p, end_p = X.owner_paragraph(f["begin"]), X.owner_paragraph(f["end"])
            if begin_p is None or end_p is None or begin_p.getparent() is not end_p.getparent():
                continue
            self._write_index(instr, begin_p, end_p)

    def _write_index(self, instr: str, begin_p, end_p) -> None:
        seq = X.toc_switch(instr, "c")
        if seq is not None:
            entries = [e for e in self.entries if e.kind == seq]
            style = self.sid("Table of Figures")
            empty = {SEQ_FIGURE: "document.no_figures", SEQ_TABLE: "document.no_tables"}.get(seq, "")
        else:
            lo, hi = 1, 3
            levels = X.toc_switch(instr, "o")
            if levels and re.fullmatch(r"\d-\d", levels):
                lo, hi = int(levels[0]), int(levels[2])
            entries = [e for e in self.entries if e.kind == "heading" and lo <= e.level <= hi]
            style = ""
            empty = "document.toc_empty"
        width = X.text_box(X.governing_sectpr(end_p, self.body))[0]
        paras = []
        for k, e in enumerate(entries):
            sid = style or self.sid(f"TOC {e.level}")
            inner = (X.run_xml(e.number) + "<w:r><w:tab/></w:r>" if e.kind == "heading" and e.number else "")
            inner += X.run_xml(e.text)
            page = self.toc_pages.get(e.bookmark)
            if page is not None:
                inner += "<w:r><w:tab/></w:r>" + X.field_xml(f"PAGEREF {e.bookmark} \\h", str(page))
            link = f'<w:hyperlink w:anchor="{e.bookmark}" w:history="1">{inner}</w:hyperlink>'
            ppr = (f'<w:pPr><w:pStyle w:val="{sid}"/><w:tabs><w:tab w:val="right" w:leader="dot" '
                   f'w:pos="{width}"/></w:tabs></w:pPr>')
            paras.append([ppr, link])
        if not paras:
            message = X.run_xml(self.t(empty)) if empty else ""
            sid = style or self.sid("TOC 1")
            paras.append([f'<w:pPr><w:pStyle w:val="{sid}"/></w:pPr>', message])
        paras[0][1] = X.field_runs_prefix(instr) + paras[0][1]
        paras[-1][1] += X.FIELD_END
        new = X.parse_many([f"<w:p>{ppr}{inner}</w:p>" for ppr, inner in paras])
        old, node = [], begin_p
        while node is not None:
            old.append(node)
            if node is end_p:
                break
            node = node.getnext()
        for el in new:
            begin_p.addprevious(el)
        for el in old:  # a section break ending in these paragraphs ends in the new ones
            ppr = el.find(X.W_PPR)
            if ppr is not None and ppr.find(X.W_SECTPR) is not None:
                X.attach_sectpr(new[-1], ppr.find(X.W_SECTPR))
            el.getparent().remove(el)


def table_xml(block: B.Table, width: int, table_style: str, text_style: str) -> str:
    """A whole table as one XML string: built as text and parsed once, some 20x faster than
    python-docx's add_row (a 5,000-row table in a fraction of a second)."""
    ncols = max([len(block.columns)] + [len(r) for r in block.rows] + [1])
    given = [_number(w, 0.0, 0.0, 1e6) for w in block.widths]
    weights = given if len(given) == ncols and all(w > 0 for w in given) else _auto_weights(block, ncols)
    font_size = _number(block.font_size, 0.0, 5.0, 40.0) if block.font_size else 0.0
    size = int(round(font_size * 2))
    cols = _fit_columns(weights, _min_widths(block, ncols, font_size or 9.0), width)
    if block.key_value:
        look = ('<w:tblLook w:val="0680" w:firstRow="0" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
                'w:noHBand="1" w:noVBand="1"/>')
    else:
        look = ('<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
                'w:noHBand="0" w:noVBand="1"/>')
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{table_style}"/><w:tblW w:w="{width}" w:type="dxa"/>'
           f'<w:tblLayout w:type="fixed"/>{look}</w:tblPr><w:tblGrid>',
           "".join(f'<w:gridCol w:w="{w}"/>' for w in cols), "</w:tblGrid>"]
    ppr_plain = f'<w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
    rpr_plain = X.rpr_xml(size_hp=size)
    rpr_bold = X.rpr_xml(bold=True, size_hp=size)
    tcw = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in cols]

    def cell_xml(k: int, c: B.Cell) -> str:
        fill = _HEX.fullmatch(c.fill or "")
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.group(1).upper()}"/>' if fill else ""
        ppr = ppr_plain
        if c.align in ("center", "right"):
            ppr = f'<w:pPr><w:pStyle w:val="{text_style}"/><w:jc w:val="{c.align}"/></w:pPr>'
        run = X.run_xml(c.text, rpr_bold if c.bold else rpr_plain) if c.text else ""
        return f"<w:tc><w:tcPr>{tcw[k]}{shd}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"

    empty = B.Cell("")
    if block.columns and not block.key_value:
        out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        # a header sits over its column: right or centre aligned when every value below it is
        aligns = [_column_align(block.rows, k) for k in range(ncols)]
        out.extend(cell_xml(k, B.Cell(str(h), align=aligns[k])) for k, h in enumerate(_pad(block.columns, ncols, "")))
        out.append("</w:tr>")
    for row in block.rows:
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        out.extend(cell_xml(k, c if isinstance(c, B.Cell) else B.cell(c)) for k, c in enumerate(_pad(row, ncols, empty)))
        out.append("</w:tr>")
    if not block.rows and (block.key_value or not block.columns):
        out.append("<w:tr>" + "".join(cell_xml(k, empty) for k in range(ncols)) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _column_align(rows, k: int) -> str:
    aligns = {c.align if isinstance(c, B.Cell) else "" for row in rows[:500] for c in row[k:k + 1]}
    return aligns.pop() if len(aligns) == 1 else ""


def _number(value, default: float, lo: float, hi: float) -> float:
    """A finite number clamped to [lo, hi]; ``default`` for anything else (fragments are JSON from
    notebooks a user may have written)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    if v != v or v in (float("inf"), float("-inf")):
        return default
    return min(hi, max(lo, v))


def _is_table_spacer(el) -> bool:
    ppr = el[0] if el.tag == qn("w:p") and len(el) == 1 else None
    if ppr is None or ppr.tag != qn("w:pPr") or len(ppr) != 1 or ppr[0].tag != qn("w:spacing"):
        return False
    return ppr[0].get(qn("w:before")) == "0" and ppr[0].get(qn("w:after")) == "120"


def _text_twips(word: str, size_pt: float, factor: float) -> int:
    """Rough width of a word: East Asian characters are 1 em, others about ``factor`` em, and about a
    quarter em where the script changes (Word and LibreOffice add a gap between Chinese and digits)."""
    em = size_pt * 20
    wide = [ord(ch) >= 0x2E80 for ch in word]
    switches = sum(1 for a, b in zip(wide, wide[1:]) if a != b)
    return int(sum(em if w else em * factor for w in wide) + switches * em * 0.25)


def _min_widths(block: B.Table, ncols: int, size_pt: float) -> list[int]:
    """Width each column needs so that its header words and short data words (IDs, dates) do not
    break in the middle: the longest header word in bold, the longest data word up to 12 characters."""
    pad = 2 * 85 + 40  # cell margins of the table style, and a little air
    mins = []
    for k in range(ncols):
        header = str(block.columns[k]) if k < len(block.columns) else ""
        need = max((_text_twips(w, size_pt, 0.6) for w in header.split()), default=0)
        for row in block.rows[:300]:
            if k < len(row):
                c = row[k]
                text = c.text if isinstance(c, B.Cell) else str(c)
                words = [w for w in text.split() if len(w) <= 12]
                if words:
                    need = max(need, max(_text_twips(w, size_pt, 0.62 if getattr(c, "bold", False) else 0.55)
                                         for w in words))
        mins.append(need + pad)
    return mins


def _fit_columns(weights: list[float], mins: list[int], width: int) -> list[int]:
    """Column widths in twips summing to ``width``: proportional to ``weights``, but no narrower than
    ``mins`` where the page allows (room is taken from the columns with the most to spare)."""
    total = sum(weights) or 1
    cols = [width * w / total for w in weights]
    if sum(mins) <= width:
        for _ in range(len(cols)):
            short = [k for k, c in enumerate(cols) if c < mins[k] - 0.5]
            if not short:
                break
            need = sum(mins[k] - cols[k] for k in short)
            for k in short:
                cols[k] = mins[k]
            donors = [k for k, c in enumerate(cols) if k not in short and c > mins[k]]
            spare = sum(cols[k] - mins[k] for k in donors)
            for k in donors:
                cols[k] -= need * (cols[k] - mins[k]) / spare
    else:  # too many columns for the page: share it in proportion to what each needs
        cols = [width * m / sum(mins) for m in mins]
    out = [int(c) for c in cols]
    out[-1] += width - sum(out)
    return out


def _pad(seq, n: int, fill) -> list:
    seq = list(seq)[:n]
    return seq + [fill] * (n - len(seq))


def _auto_weights(block: B.Table, ncols: int) -> list[float]:
    """Column weights from content: a long-text column gets more room, a short code column less."""
    lengths: list[list[int]] = [[] for _ in range(ncols)]
    for row in block.rows[:300]:
        for k, c in enumerate(list(row)[:ncols]):
            lengths[k].append(len(c.text if isinstance(c, B.Cell) else str(c)))
    weights = []
    for k in range(ncols):
        header = block.columns[k] if k < len(block.columns) else ""
        word = max((len(w) for w in str(header).split()), default=0)
        vals = sorted(lengths[k]) or [0]
        typical = vals[int(0.9 * (len(vals) - 1))]
        weights.append(float(min(40, max(4, word + 1, typical))))
    return weights


def _deepcopy(el):
    import copy

    return copy.deepcopy(el)


def _story_parts(document) -> list:
    from .template import header_footer_parts

    return header_footer_parts(document)


# -- language, fonts, properties --------------------------------------------------------------------
def set_language(document, language: str) -> None:
    """Word language of the text (Latin and East Asian), East Asian font, Chinese line breaking."""
    # Latin text (names, codes, numbers) keeps a Latin language even in a zh-TW plan: marked zh-TW, LibreOffice
    # breaks "App" or "100%" at any letter. Chinese text gets zh-TW through w:eastAsia.
    lang = "en-US" if language.lower().startswith("zh") else WORD_LANG.get(language, language)
    styles = document.styles.element
    rpr_default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr_default is None:
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = X.parse_one("<w:docDefaults/>")
            styles.insert(0, defaults)
        holder = X.parse_one("<w:rPrDefault><w:rPr/></w:rPrDefault>")
        defaults.insert(0, holder)
        rpr_default = holder[0]
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is None:
        fonts = X.parse_one("<w:rFonts/>")
        rpr_default.insert(0, fonts)
    if fonts.get(qn("w:eastAsia")) is None and fonts.get(qn("w:eastAsiaTheme")) is None:
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    targets = [rpr_default] + [st.find(qn("w:rPr")) for st in styles.findall(qn("w:style"))]
    for rpr in targets:
        if rpr is None:
            continue
        el = rpr.find(qn("w:lang"))
        if el is None and rpr is not rpr_default:
            continue
        if el is None:
            el = X.parse_one("<w:lang/>")
            rpr.append(el)  # w:lang is late in rPr; nothing after it is written by the template maker
        el.set(qn("w:val"), lang)
        el.set(qn("w:eastAsia"), _east_asian_lang(language))
    settings = document.settings.element
    X.set_setting(settings, f'<w:themeFontLang w:val="{lang}" w:eastAsia="{_east_asian_lang(language)}"/>')
    X.set_setting(settings, f'<w:noLineBreaksAfter w:lang="zh-TW" w:val="{X.esc(X.NO_BREAK_AFTER)}"/>', replace=False)
    X.set_setting(settings, f'<w:noLineBreaksBefore w:lang="zh-TW" w:val="{X.esc(X.NO_BREAK_BEFORE)}"/>', replace=False)


def _east_asian_lang(language: str) -> str:
    """The language Word uses for East Asian characters: Traditional Chinese unless the plan is in
    another East Asian language (an English plan may hold Chinese names)."""
    return WORD_LANG.get(language, language) if language.startswith(("ja", "ko", "zh")) else "zh-TW"


def _iso_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(str(text or "")[:10], "%Y-%m-%d")
    except ValueError:
        return None


def _set_core(document, fields: Mapping[str, str], language: str, t: Messages,
              timestamp: date | datetime | None) -> None:
    when = timestamp or _iso_date(fields.get("document.date_iso", "")) or FIXED_TIMESTAMP
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    cp = document.core_properties
    cp.title = X.sanitize(fields.get("project.name", "") or "")[:255]
    cp.subject = t("document.title")
    cp.author = X.sanitize(fields.get("project.manager", "") or "")[:255]
    cp.last_modified_by = cp.author
    cp.keywords = X.sanitize(fields.get("project.code", "") or "")[:255]
    cp.language = WORD_LANG.get(language, language)
    cp.category = t("document.title")
    cp.comments = ""
    cp.revision = 1
    cp.created = when
    cp.modified = when
    cp.last_printed = when
