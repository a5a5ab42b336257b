"""Raw WordprocessingML helpers the python-docx API does not cover, kept in one place.

Fields (PAGE, SEQ, TOC, PAGEREF), bookmarks, placeholders split over runs, section breaks and page
sizes, settings in schema order, text sanitising, and the deterministic zip rewrite. Element order
inside ``w:pPr``, ``w:rPr``, ``w:settings`` follows the schema: Word refuses files that break it.

:func:`repair` is the last step before a document is written and :func:`package_problems` the check
of a written file: no control characters in text or attribute values, fields nested properly, and
bookmark and drawing ids unique integers across the whole package (body, headers, footers) --
what Word otherwise "repairs" when the file opens.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from ..fileio import IMAGES, zip_bytes
from .template import PLACEHOLDER

W_P, W_R, W_T, W_PPR, W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr"), qn("w:rPr")
W_SECTPR, W_BODY = qn("w:sectPr"), qn("w:body")
W_FLDCHAR, W_INSTR = qn("w:fldChar"), qn("w:instrText")
NS = nsdecls("w", "r", "wp", "a", "pic")

# Characters that may not start / end a line in Traditional Chinese (Word's zh-TW kinsoku lists).
NO_BREAK_BEFORE = "!),.:;?]}\u00a2\u00b7\u2013\u2014\u2019\u201d\u2022\u2025\u2026\u2027\ufe50\ufe52\ufe54\ufe55\ufe56\ufe57\ufe5a\ufe5c\ufe5e\uff01\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\uff3d\uff5d\ufe30\ufe31\ufe33\ufe34\ufe36\ufe38\ufe3a\ufe3c\ufe3e\ufe40\ufe42\ufe44\ufe4f\u3001\u3002\u3009\u300b\u300d\u300f\u3011\u3015\u301e"
NO_BREAK_AFTER = "([{\u00a3\u00a5\u2018\u201c\u2035\u3008\u300a\u300c\u300e\u3010\u3014\u301d\ufe35\ufe37\ufe39\ufe3b\ufe3d\ufe3f\ufe41\ufe43\ufe59\ufe5b\ufe5d\uff08\uff5b"

#: Marks a field inside replacement text: f"{FIELD_MARK}PAGE{FIELD_MARK}"
FIELD_MARK = "\ue000"  # a private-use character: lxml refuses control characters in text

# XML 1.0 forbids these (python-docx raises on them); tab, newline and carriage return are allowed.
# DEL and the C1 controls (U+007F-U+009F) are allowed by XML but are control characters all the same
# (mis-decoded text, as a rule): they go too. U+E000 is reserved as FIELD_MARK.
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000\ufffe\uffff]")
#: Control characters in text or an attribute value of a written part (tab, LF and CR are fine).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def sanitize(text: str) -> str:
    """Text safe for XML: CR/LF -> newline, VT/FF -> newline, other forbidden characters -> U+FFFD."""
    if not text:
        return ""
    text = str(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x0b" in text or "\x0c" in text:
        text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return _BAD_CHARS.sub("\ufffd", text)


def esc(text: str) -> str:
    return escape(sanitize(text))


def rpr_xml(bold: bool = False, italic: bool = False, size_hp: int = 0, color: str = "") -> str:
    parts = []
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size_hp:
        parts.append(f'<w:sz w:val="{size_hp}"/><w:szCs w:val="{size_hp}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run_xml(text: str, rpr: str = "") -> str:
    """One run; newlines become ``w:br`` and tabs ``w:tab``; text is sanitised and escaped."""
    text = sanitize(text)
    if "\n" not in text and "\t" not in text:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    out = [f"<w:r>{rpr}"]
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                out.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    out.append("</w:r>")
    return "".join(out)


def field_xml(instr: str, result: str, rpr: str = "") -> str:
    """A complex field (begin, instruction, separate, current result, end) as runs."""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"{run_xml(result, rpr)}"
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def bookmark(bid: int, name: str, inner: str) -> str:
    return f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{inner}<w:bookmarkEnd w:id="{bid}"/>'


def parse_many(items) -> list:
    """Parse body-level elements (paragraphs, tables), one XML string each (or one string holding
    one element). Each element gets its own namespace declarations: moving an element whose
    namespaces are declared on a parent left behind makes lxml fix up every node, which took 20 s
    for a 5,000-row table instead of 0.1 s."""
    if isinstance(items, str):
        items = [items]
    xml = "".join(_START.sub(lambda m: f"<{m.group(1)} {NS}", item, count=1) for item in items)
    return list(parse_xml(f"<implan>{xml}</implan>"))


_START = re.compile(r"^\s*<([\w:]+)")


def parse_small(xml: str) -> list:
    """Parse a few sibling elements given as one string (runs of a field): fine for small pieces."""
    return list(parse_xml(f"<w:body {NS}>{xml}</w:body>"))


def parse_one(xml: str):
    """Parse one element written without namespace declarations (``<w:tag .../>``)."""
    return parse_xml(_START.sub(lambda m: f"<{m.group(1)} {NS}", xml, count=1))


# -- placeholders -----------------------------------------------------------------------------------
def owner_paragraph(el):
    node = el.getparent()
    while node is not None and node.tag != W_P:
        node = node.getparent()
    return node


def paragraph_texts(p) -> list:
    """The ``w:t`` elements that belong to paragraph ``p`` itself (not to a text box inside it)."""
    return [t for t in p.iter(W_T) if owner_paragraph(t) is p]


def replace_placeholders(p, resolve) -> bool:
    """Replace each ``{{key}}`` in paragraph ``p`` by ``resolve(key)`` (None: leave it).

    Word splits text into runs at will (spell checking, edits): the paragraph's text is joined, and a
    placeholder spanning several ``w:t`` is written into the first one, keeping that run's formatting.
    """
    ts = paragraph_texts(p)
    text = "".join(t.text or "" for t in ts)
    if "{{" not in text:
        return False
    starts, pos = [], 0
    for t in ts:
        starts.append(pos)
        pos += len(t.text or "")

    def locate(offset: int) -> int:
        lo = 0
        for k, s in enumerate(starts):
            if s <= offset and len(ts[k].text or "") > 0:
                lo = k
        return lo

    changed = False
    for m in reversed(list(PLACEHOLDER.finditer(text))):
        value = resolve(m.group(1))
        if value is None:
            continue
        s, e = m.span()
        i, j = locate(s), locate(e - 1)
        ti, tj = ts[i], ts[j]
        off_s, off_e = s - starts[i], e - starts[j]
        if i == j:
            ti.text = ti.text[:off_s] + value + ti.text[off_e:]
        else:
            tail = tj.text[off_e:]
            ti.text = ti.text[:off_s] + value
            for k in range(i + 1, j):
                ts[k].text = ""
            tj.text = tail
        ti.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        changed = True
    if changed and FIELD_MARK in "".join(t.text or "" for t in ts):
        expand_field_marks(p)
    return changed


def expand_field_marks(p) -> None:
    """Turn ``\\x01NAME\\x01`` inside text into a complex field (PAGE, NUMPAGES...) with the run's format."""
    for t in paragraph_texts(p):
        if FIELD_MARK not in (t.text or ""):
            continue
        r = t.getparent()
        rpr = r.find(W_RPR)
        rpr_s = "" if rpr is None else _tostring(rpr)
        pieces = (t.text or "").split(FIELD_MARK)
        xml = []
        for k, piece in enumerate(pieces):
            if k % 2:
                xml.append(field_xml(piece, "1", rpr_s))
            elif piece:
                xml.append(run_xml(piece, rpr_s))
        new_runs = parse_small("".join(xml))
        # split the run at t: content before t stays in r, content after goes to a copy after the new runs
        after = [c for c in list(r) if c is not t and c is not rpr and _is_after(r, t, c)]
        anchor = r
        for nr in new_runs:
            anchor.addnext(nr)
            anchor = nr
        if after:
            tail = copy.deepcopy(r)
            for c in list(tail):
                if c.tag != W_RPR:
                    tail.remove(c)
            for c in after:
                tail.append(c)
            anchor.addnext(tail)
        r.remove(t)
        if all(c.tag == W_RPR for c in r):
            r.getparent().remove(r)


def _is_after(parent, a, b) -> bool:
    kids = list(parent)
    return kids.index(b) > kids.index(a)


def _tostring(el) -> str:
    from lxml import etree

    s = etree.tostring(el, encoding="unicode")
    return re.sub(r'\sxmlns:\w+="[^"]*"', "", s)


# -- fields -----------------------------------------------------------------------------------------
def complex_fields(root) -> list[dict]:
    """Every complex field under ``root`` in document order: dicts with the begin, separate and end
    ``w:fldChar`` elements and the joined instruction."""
    stack: list[dict] = []
    done: list[dict] = []
    begins = 0
    for el in root.iter(W_FLDCHAR, W_INSTR):
        if el.tag == W_INSTR:
            if stack:
                stack[-1]["instr"] += el.text or ""
            continue
        kind = el.get(qn("w:fldCharType"))
        if kind == "begin":
            begins += 1
            stack.append({"begin": el, "instr": "", "separate": None, "end": None, "order": begins})
        elif kind == "separate" and stack:
            stack[-1]["separate"] = el
        elif kind == "end" and stack:
            f = stack.pop()
            f["end"] = el
            done.append(f)
    done.sort(key=lambda f: f["order"])
    return done


def field_runs_prefix(instr: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instr.strip())} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')


FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def toc_switch(instr: str, switch: str) -> str | None:
    """The argument of a TOC switch (``\\o "1-3"`` -> ``1-3``), or None if absent."""
    m = re.search(r"\\" + switch + r'\s*(?:"([^"]*)"|(\S+))?', instr, re.IGNORECASE)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else (m.group(2) or "")


# -- sections and page geometry ---------------------------------------------------------------------
def governing_sectpr(el, body):
    """The ``w:sectPr`` that lays out the page of top-level body element ``el``."""
    node = el
    while node is not None:
        if node.tag == W_P:
            ppr = node.find(W_PPR)
            if ppr is not None and ppr.find(W_SECTPR) is not None:
                return ppr.find(W_SECTPR)
        elif node.tag == W_SECTPR:
            return node
        node = node.getnext()
    return body.find(W_SECTPR)


def _int(el, attr: str, default: int) -> int:
    if el is None:
        return default
    v = el.get(qn(attr))
    try:
        return int(float(v)) if v is not None else default
    except ValueError:
        return default


def text_box(sectpr) -> tuple[int, int]:
    """(width, height) of the text area in twips for a section."""
    pg = sectpr.find(qn("w:pgSz")) if sectpr is not None else None
    mar = sectpr.find(qn("w:pgMar")) if sectpr is not None else None
    w, h = _int(pg, "w:w", 11906), _int(pg, "w:h", 16838)
    left, right = _int(mar, "w:left", 1440), _int(mar, "w:right", 1440)
    top, bottom = abs(_int(mar, "w:top", 1440)), abs(_int(mar, "w:bottom", 1440))
    gutter = _int(mar, "w:gutter", 0)
    return max(1440, w - left - right - gutter), max(1440, h - top - bottom)


def is_landscape(sectpr) -> bool:
    pg = sectpr.find(qn("w:pgSz"))
    return pg is not None and _int(pg, "w:w", 0) > _int(pg, "w:h", 0)


_SECT_DROP_CONTINUED = (qn("w:titlePg"), qn("w:pgNumType"))


def continued_sectpr(sectpr, landscape: bool):
    """A copy of ``sectpr`` for a section that continues the document on new pages (no title page,
    no page-number restart), turned to landscape or portrait; headers/footers stay referenced."""
    new = copy.deepcopy(sectpr)
    for tag in _SECT_DROP_CONTINUED:
        for el in new.findall(tag):
            new.remove(el)
    for ref in list(new):
        if ref.tag in (qn("w:headerReference"), qn("w:footerReference")) and ref.get(qn("w:type")) == "first":
            new.remove(ref)
    set_section_start(new, "nextPage")
    pg = new.find(qn("w:pgSz"))
    if pg is not None:
        w, h = _int(pg, "w:w", 11906), _int(pg, "w:h", 16838)
        long_, short = max(w, h), min(w, h)
        pg.set(qn("w:w"), str(long_ if landscape else short))
        pg.set(qn("w:h"), str(short if landscape else long_))
        if landscape:
            pg.set(qn("w:orient"), "landscape")
        elif pg.get(qn("w:orient")) is not None:
            del pg.attrib[qn("w:orient")]
    return new


def set_section_start(sectpr, kind: str) -> None:
    el = sectpr.find(qn("w:type"))
    if el is None:
        el = parse_xml(f'<w:type {nsdecls("w")} w:val="{kind}"/>')
        # w:type follows header/footer references, footnotePr and endnotePr
        anchor = None
        for child in sectpr:
            if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:footnotePr"), qn("w:endnotePr")):
                anchor = child
        if anchor is None:
            sectpr.insert(0, el)
        else:
            anchor.addnext(el)
    el.set(qn("w:val"), kind)


def drop_title_page(sectpr) -> None:
    for tag in _SECT_DROP_CONTINUED:
        for el in sectpr.findall(tag):
            sectpr.remove(el)


def attach_sectpr(p, sectpr) -> None:
    """Make paragraph ``p`` the last of a section laid out by ``sectpr``."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = parse_xml(f"<w:pPr {nsdecls('w')}/>")
        p.insert(0, ppr)
    old = ppr.find(W_SECTPR)
    if old is not None:
        ppr.remove(old)
    # sectPr comes after rPr and before pPrChange
    change = ppr.find(qn("w:pPrChange"))
    if change is not None:
        change.addprevious(sectpr)
    else:
        ppr.append(sectpr)


PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_PPR_RANK = {qn(f"w:{n}"): k for k, n in enumerate(PPR_ORDER)}


def set_ppr_child(p, el) -> None:
    """Put ``el`` into the paragraph's ``w:pPr`` (replacing one of its kind) in schema order."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = parse_one("<w:pPr/>")
        p.insert(0, ppr)
    for old in ppr.findall(el.tag):
        ppr.remove(old)
    rank = _PPR_RANK.get(el.tag, len(_PPR_RANK))
    for child in ppr:
        if _PPR_RANK.get(child.tag, len(_PPR_RANK)) > rank:
            child.addprevious(el)
            return
    ppr.append(el)


def tab_stops(tabs_el) -> list[tuple[str, int, str]]:
    """(alignment, position, leader) of each ``w:tab`` in a ``w:tabs`` element."""
    if tabs_el is None:
        return []
    return [(t.get(qn("w:val")) or "left", _int(t, "w:pos", 0), t.get(qn("w:leader")) or "")
            for t in tabs_el.findall(qn("w:tab"))]


def scale_tabs(p, inherited: list[tuple[str, int, str]], factor: float) -> None:
    """Stretch a paragraph's tab stops (its own and its style's) by ``factor``: a header laid out for
    a portrait text width keeps its right-aligned part at the right margin on a landscape page."""
    ppr = p.find(W_PPR)
    own = tab_stops(ppr.find(qn("w:tabs")) if ppr is not None else None)
    if not own and not inherited:
        return
    own_pos = {pos for _, pos, _ in own}
    stops: list[tuple[int, str, str]] = []
    for val, pos, leader in inherited:
        if val != "clear" and pos not in own_pos:
            stops.append((pos, "clear", ""))
            stops.append((round(pos * factor), val, leader))
    for val, pos, leader in own:
        stops.append((pos if val == "clear" else round(pos * factor), val, leader))
    xml = "".join(f'<w:tab w:val="{val}" w:pos="{pos}"' + (f' w:leader="{leader}"' if leader else "") + "/>"
                  for pos, val, leader in sorted(stops))
    set_ppr_child(p, parse_one(f"<w:tabs>{xml}</w:tabs>"))


# -- settings ---------------------------------------------------------------------------------------
SETTINGS_ORDER = (
    "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries "
    "displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData "
    "embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges "
    "bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors "
    "hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate linkStyles "
    "stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView trackRevisions "
    "doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme "
    "styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone "
    "doNotHyphenateCaps showEnvelope summaryLength clickAndTypeStyle defaultTableStyle evenAndOddHeaders "
    "bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing "
    "drawingGridVerticalSpacing displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery "
    "doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin drawingGridVerticalOrigin "
    "doNotShadeFormData noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars "
    "noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema saveInvalidXml "
    "ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml saveXmlDataOnly "
    "useXSLTWhenSaving saveThroughXslt showXMLTags alwaysMergeEmptyNamespace updateFields "
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema themeFontLang "
    "clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol "
    "listSeparator"
).split()
_RANK = {qn(f"w:{n}"): k for k, n in enumerate(SETTINGS_ORDER)}


def set_setting(settings, xml: str, replace: bool = True):
    """Insert (or replace) a ``w:settings`` child given as XML, keeping the schema's order."""
    el = parse_one(xml)
    key = el.tag
    existing = [c for c in settings if c.tag == key and c.get(qn("w:lang")) == el.get(qn("w:lang"))]
    if existing:
        if not replace:
            return existing[0]
        existing[0].addprevious(el)
        settings.remove(existing[0])
        return el
    rank = _RANK.get(key, len(_RANK))
    for child in settings:
        if _RANK.get(child.tag, len(_RANK) + 1) > rank:
            child.addprevious(el)
            return el
    settings.append(el)
    return el


# -- zip ---------------------------------------------------------------------------------------------


def package_bytes(document) -> bytes:
    """The document's package as deterministic zip bytes, written in one pass (python-docx's own
    save stamps the current time on every entry and would have to be inflated and rewritten):
    ``[Content_Types].xml`` first, then the rest by name (:func:`implan_docs.fileio.zip_bytes`)."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem  # noqa: PLC2701 - python-docx has no public writer of it

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = {PACKAGE_URI.rels_uri.membername: package.rels.xml}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    content_types = (CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
    return zip_bytes([content_types] + [(name, entries[name]) for name in sorted(entries)], stored=IMAGES)


def normalize_zip(data: bytes) -> bytes:
    """The same package with fixed entry times (1980-01-01), permissions, compression and order
    (``[Content_Types].xml`` first, then by name): equal parts give equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        return zip_bytes(((name, src.read(name)) for name in names), stored=IMAGES)


# -- the last step before writing: what Word would otherwise "repair" -------------------------------
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_WP_DOCPR = f"{{{WP_NS}}}docPr"
W_BOOKMARK_START, W_BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
W_DEL_INSTR = qn("w:delInstrText")
MAX_ID = 2**31 - 1  # Word reads these ids as signed 32-bit numbers
# control characters as they look in serialised XML: in UTF-8, or as the references lxml writes for C1
# controls (&#133;); lxml cannot hold C0 controls other than tab, LF and CR at all
_CONTROL_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]"
                           rb"|&#(?:12[7-9]|1[3-5][0-9]);|&#x(?:7[fF]|[89][0-9a-fA-F]);")


def xml_parts(document) -> list[tuple[str, object, object]]:
    """``(part name, root element, part)`` of every XML part of the package, in package order;
    parts python-docx keeps as bytes (footnotes, web settings...) are parsed (``part`` is then the
    one to write back with :func:`write_back`)."""
    from docx.opc.part import XmlPart
    from lxml import etree

    out = []
    for part in document.part.package.iter_parts():
        name = str(part.partname).lstrip("/")
        if isinstance(part, XmlPart):
            out.append((name, part._element, None))
        elif (part.content_type or "").endswith(("+xml", "/xml")) and part.blob:
            try:
                root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError:
                continue
            out.append((name, root, part))
    return out


def write_back(part, root) -> None:
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _valid_id(value, low: int) -> bool:
    return bool(value) and re.fullmatch(r"[0-9]{1,10}", value) is not None and low <= int(value) <= MAX_ID


def _drop(el) -> None:
    """Remove ``el``; the run that held only it goes too."""
    parent = el.getparent()
    if parent is None:
        return
    parent.remove(el)
    if parent.tag == W_R and all(c.tag == W_RPR for c in parent) and parent.getparent() is not None:
        parent.getparent().remove(parent)


def _clean_controls(root) -> int:
    from lxml import etree

    if not _CONTROL_UTF8.search(etree.tostring(root, encoding="UTF-8")):
        return 0
    fixed = 0
    # lxml's own text and tail: python-docx's element classes redefine ``text`` (CT_P, CT_R...)
    slots = (etree._Element.text, etree._Element.tail)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for slot in slots:
            value = slot.__get__(el)
            if value and CONTROL_CHARS.search(value):
                slot.__set__(el, CONTROL_CHARS.sub("\ufffd", value))
                fixed += 1
        for key, value in el.attrib.items():
            if CONTROL_CHARS.search(value):
                el.set(key, CONTROL_CHARS.sub("\ufffd", value))
                fixed += 1
    return fixed


def _repair_fields(root) -> int:
    """Every field begins, has at most one separator, and ends, nested properly; an instruction only
    inside a field's instruction. What breaks that goes (the text in between stays as text)."""
    stack: list[dict] = []
    drop: list = []
    for el in root.iter(W_FLDCHAR, W_INSTR, W_DEL_INSTR):
        if el.tag != W_FLDCHAR:
            if not stack or stack[-1]["separate"] is not None:
                drop.append(el)
            else:
                stack[-1]["pieces"].append(el)
            continue
        kind = el.get(qn("w:fldCharType"))
        if kind == "begin":
            stack.append({"begin": el, "separate": None, "pieces": []})
        elif kind == "separate" and stack and stack[-1]["separate"] is None:
            stack[-1]["separate"] = el
        elif kind == "end" and stack:
            stack.pop()
        else:  # a separator or end without a field, a second separator, an unknown type
            drop.append(el)
    for f in stack:  # never ended
        drop += [f["begin"], *f["pieces"]] + ([f["separate"]] if f["separate"] is not None else [])
    for el in drop:
        _drop(el)
    return len(drop)


def repair(document) -> list[str]:
    """Make the package what Word opens without repairing it; return what was fixed (one line each).

    Control characters in any text or attribute value become U+FFFD; broken fields lose their
    field characters (see :func:`_repair_fields`); bookmarks pair up by id within a part, unpaired
    ones and second ones of a name go (their text stays), and ids are unique integers across the
    package; ``wp:docPr`` ids likewise (a template's logo copied into landscape headers, or a
    template's own pictures, keep ids of their own).
    """
    fixes: list[str] = []
    parts = xml_parts(document)
    changed = set()
    # bookmark ids and drawing ids in use, first come first kept
    starts_by_part = []
    for name, root, part in parts:
        n = _clean_controls(root)
        if n:
            fixes.append(f"{name}: {n} control character(s) replaced")
            changed.add(name)
        n = _repair_fields(root)
        if n:
            fixes.append(f"{name}: {n} broken field character(s) removed")
            changed.add(name)
        starts, ends = {}, {}
        for el in root.iter(W_BOOKMARK_START, W_BOOKMARK_END):
            (starts if el.tag == W_BOOKMARK_START else ends).setdefault(el.get(qn("w:id")), []).append(el)
        pairs = []
        for bid, group in starts.items():
            closing = ends.pop(bid, [])
            for k, start in enumerate(group):
                if k < len(closing):
                    pairs.append((start, closing[k]))
                else:
                    _drop(start)
                    fixes.append(f"{name}: bookmark {start.get(qn('w:name'))!r} without an end removed")
                    changed.add(name)
            for end in closing[len(group):]:
                _drop(end)
                changed.add(name)
        for group in ends.values():
            for end in group:
                _drop(end)
                fixes.append(f"{name}: bookmark end {end.get(qn('w:id'))!r} without a start removed")
                changed.add(name)
        starts_by_part.append((name, pairs))
    names: set[str] = set()
    used: set[int] = set()
    renumber = []
    for name, pairs in starts_by_part:
        for start, end in pairs:
            mark = start.get(qn("w:name")) or ""
            if not mark or mark in names:
                _drop(start)
                _drop(end)
                fixes.append(f"{name}: second bookmark named {mark!r} removed")
                changed.add(name)
                continue
            names.add(mark)
            bid = start.get(qn("w:id"))
            if _valid_id(bid, 0) and int(bid) not in used:
                used.add(int(bid))
            else:
                renumber.append((name, start, end))
    next_id = max(used, default=-1) + 1
    for name, start, end in renumber:
        start.set(qn("w:id"), str(next_id))
        end.set(qn("w:id"), str(next_id))
        fixes.append(f"{name}: bookmark {start.get(qn('w:name'))!r} renumbered {next_id}")
        changed.add(name)
        used.add(next_id)
        next_id += 1
    shapes: set[int] = set()
    again = []
    for name, root, part in parts:
        for el in root.iter(_WP_DOCPR):
            sid = el.get("id")
            if _valid_id(sid, 1) and int(sid) not in shapes:
                shapes.add(int(sid))
            else:
                again.append((name, el))
    next_id = max(shapes, default=0) + 1
    for name, el in again:
        el.set("id", str(next_id))
        fixes.append(f"{name}: drawing {el.get('name')!r} renumbered {next_id}")
        changed.add(name)
        next_id += 1
    for name, root, part in parts:
        if part is not None and name in changed:
            write_back(part, root)
    return fixes
