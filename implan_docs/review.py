"""Read what reviewers wrote into a Word copy of the plan: comments, replies, resolved flags, tracked changes.

python-docx 1.2 reads comments but not what they are anchored to, nor replies or the resolved flag
(those live in ``word/commentsExtended.xml``), nor tracked changes; so this module reads the package's
XML parts itself, with lxml set never to resolve entities or touch the network, after
:func:`implan_docs.safety.check_docx_file` has refused corrupt files, zip bombs, macro-enabled files and
XML with a DOCTYPE. Files saved by Word and by LibreOffice both work (LibreOffice writes the same parts).

Each item gets a stable ID (``RV-`` and 8 hex digits) from a hash of who said what, when, about which
text (author, date, text, anchor); so collecting the same file twice, or a copy that went through another
program, finds the same IDs. LibreOffice keeps comments, replies (as plain comments: it drops the thread
link) and the resolved flag, and tracked changes.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from lxml import etree

from .errors import DocumentError, Location
from .safety import MAX_MEMBER_SIZE, bounded_read, check_docx_file

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, R, T, TAB, BR, CR = _w("p"), _w("r"), _w("t"), _w("tab"), _w("br"), _w("cr")
DEL_TEXT, INS, DEL, MOVE_FROM, MOVE_TO = _w("delText"), _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
RANGE_START, RANGE_END, REFERENCE = _w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")
RPR, PPR, TXBX = _w("rPr"), _w("pPr"), _w("txbxContent")
ATTR_ID, ATTR_AUTHOR, ATTR_DATE, ATTR_INITIALS, ATTR_VAL = _w("id"), _w("author"), _w("date"), _w("initials"), _w("val")
_NOISE = (_w("annotationRef"), _w("footnoteRef"), _w("endnoteRef"), _w("separator"))
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
MAX_TEXT = 32_000  # Excel holds at most 32,767 characters in a cell


@dataclass(frozen=True)
class ReviewItem:
    """One thing a reviewer said: a comment, a reply to one, or a tracked change (a suggestion)."""

    id: str  # stable: "RV-1a2b3c4d"
    kind: str  # "comment", "reply" or "suggestion"
    author: str
    initials: str
    date: datetime | None
    text: str  # the comment's text (paragraphs joined by newlines); for suggestions ""
    anchor: str  # the text the comment is anchored to; for suggestions the paragraph as it was
    section: str  # the nearest heading (level 1 or 2) before it
    resolved: bool = False
    parent: str = ""  # ID of the comment a reply answers
    inserted: str = ""  # suggestions: text inserted
    deleted: str = ""  # suggestions: text deleted
    file: str = ""  # name of the reviewed file
    position: int = 0  # order in the document

    @property
    def reviewer(self) -> str:
        return self.author or self.initials


# -- public ----------------------------------------------------------------------------------------------


def read_reviewed(path: str | Path) -> list[ReviewItem]:
    """Comments, replies and tracked changes of one reviewed .docx, in document order (replies after the
    comment they answer). Raises :class:`DocumentError` (one line, naming the file) for a file that is not
    a usable Word document."""
    path = Path(path)
    check_docx_file(path, what="reviewed copy")
    try:
        with zipfile.ZipFile(path) as zf:
            return _Reader(zf, path.name).read()
    except DocumentError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise DocumentError(f"cannot be read as a reviewed copy ({type(exc).__name__}: {exc})",
                            Location(file=path.name)) from exc


def stable_id(*parts: str) -> str:
    """``RV-`` and the first 8 hex digits of the SHA-256 of the parts (whitespace-normalised)."""
    text = "\x1f".join(" ".join(str(p).split()) for p in parts)
    return "RV-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


# -- reading ----------------------------------------------------------------------------------------------

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf, self.name = zf, name
        self.names = set(zf.namelist())

    def fail(self, message: str) -> DocumentError:
        return DocumentError(message, Location(file=self.name))

    def xml(self, part: str):
        data = bounded_read(self.zf, part, MAX_MEMBER_SIZE, error=DocumentError)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.fail(f"is damaged: malformed XML in {part} ({str(exc).splitlines()[0][:120]})") from None
        if root.getroottree().docinfo.doctype:
            raise self.fail(f"the part {part} has an XML document type declaration (refused for safety)")
        return root

    def rels(self, part: str) -> dict[str, str]:
        """Relationship type -> target part name (first of each type) for ``part``."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.names:
            return {}
        out: dict[str, str] = {}
        for rel in self.xml(rels_part).iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out.setdefault(rel.get("Type", ""), full)
        return out

    def read(self) -> list[ReviewItem]:
        main = self.rels("").get(REL_OFFICE_DOCUMENT, "word/document.xml")
        if main not in self.names:
            raise self.fail("is damaged: the document part is missing")
        doc_rels = self.rels(main)
        headings = self._heading_styles(doc_rels.get(REL_STYLES))
        comments_part = doc_rels.get(REL_COMMENTS)
        comments = self._comments(comments_part) if comments_part in self.names else {}
        extended = doc_rels.get(REL_COMMENTS_EXTENDED)
        threads = self._threads(extended) if extended in self.names else {}
        body = self.xml(main).find(_w("body"))
        if body is None:
            raise self.fail(f"is damaged: {main} has no body")
        return _Walker(self.name, headings, comments, threads).run(body)

    def _heading_styles(self, part: str | None) -> dict[str, int]:
        """Paragraph style ID -> heading level (from the style name, or an outline level, via basedOn)."""
        if not part or part not in self.names:
            return {}
        styles: dict[str, tuple[str, int | None, str]] = {}
        for st in self.xml(part).iter(_w("style")):
            if st.get(_w("type")) not in (None, "paragraph"):
                continue
            sid = st.get(_w("styleId"), "")
            name_el, based_el = st.find(_w("name")), st.find(_w("basedOn"))
            level_el = st.find(f"{PPR}/{_w('outlineLvl')}")
            level = None
            if level_el is not None and (level_el.get(ATTR_VAL) or "").isdigit():
                level = int(level_el.get(ATTR_VAL)) + 1
            styles[sid] = (name_el.get(ATTR_VAL, "") if name_el is not None else "",
                           level, based_el.get(ATTR_VAL, "") if based_el is not None else "")
        out: dict[str, int] = {}
        for sid in styles:
            seen, cur = set(), sid
            while cur in styles and cur not in seen:
                seen.add(cur)
                name, level, based = styles[cur]
                match = _HEADING_NAME.match(name.strip()) or _HEADING_NAME.match(cur)
                if match:
                    out[sid] = int(match[1])
                    break
                if level is not None and level <= 9:
                    out[sid] = level
                    break
                cur = based
        return out

    def _comments(self, part: str) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for c in self.xml(part).iter(_w("comment")):
            cid = c.get(ATTR_ID, "")
            paras = c.findall(f".//{P}")
            texts = [_text(p) for p in paras]
            out[cid] = {
                "author": (c.get(ATTR_AUTHOR) or "").strip(),
                "initials": (c.get(ATTR_INITIALS) or "").strip(),
                "date": _parse_date(c.get(ATTR_DATE)),
                "text": "\n".join(t.strip() for t in texts if t.strip())[:MAX_TEXT],
                "para_ids": [p.get(f"{{{W14}}}paraId") for p in paras if p.get(f"{{{W14}}}paraId")],
            }
        return out

    def _threads(self, part: str) -> dict[str, tuple[str, bool]]:
        """paraId -> (parent paraId or "", done)."""
        out: dict[str, tuple[str, bool]] = {}
        for ex in self.xml(part).iter(f"{{{W15}}}commentEx"):
            pid = ex.get(f"{{{W15}}}paraId")
            if pid:
                done = (ex.get(f"{{{W15}}}done") or "0").strip().lower() in ("1", "true", "on")
                out[pid] = (ex.get(f"{{{W15}}}paraIdParent") or "", done)
        return out


class _Walker:
    """One pass over the body in document order: headings, comment ranges, tracked changes."""

    def __init__(self, file: str, headings: dict[str, int], comments: dict[str, dict],
                 threads: dict[str, tuple[str, bool]]):
        self.file, self.headings, self.comments, self.threads = file, headings, comments, threads
        self.section = ""
        self.position = 0
        self.open: dict[str, list[str]] = {}
        self.anchor: dict[str, str] = {}
        self.where: dict[str, tuple[int, str]] = {}  # comment id -> (position, section)
        self.suggestions: list[ReviewItem] = []

    def run(self, body) -> list[ReviewItem]:
        for event, el in _walk(body):
            tag = el.tag
            if event == "start":
                if tag == P:
                    self._paragraph(el)
                elif tag == RANGE_START:
                    cid = el.get(ATTR_ID, "")
                    self.open[cid] = []
                    self._place(cid)
                elif tag == RANGE_END:
                    cid = el.get(ATTR_ID, "")
                    if cid in self.open:
                        self.anchor[cid] = " ".join("".join(self.open.pop(cid)).split())
                elif tag == REFERENCE:
                    self._place(el.get(ATTR_ID, ""))
                elif tag == T and not _inside(el, (DEL, MOVE_FROM)):
                    self._text(el.text or "")
                elif tag in (TAB, BR, CR) and el.getparent() is not None and el.getparent().tag == R:
                    self._text(" ")
            elif tag == P:
                self._text(" ")
        for cid, parts in self.open.items():  # a range never closed: anchor to the end
            self.anchor[cid] = " ".join("".join(parts).split())
        return self._items()

    def _text(self, text: str) -> None:
        for parts in self.open.values():
            parts.append(text)

    def _place(self, cid: str) -> None:
        if cid not in self.where:
            self.position += 1
            self.where[cid] = (self.position, self.section)

    def _paragraph(self, p) -> None:
        style = p.find(f"{PPR}/{_w('pStyle')}")
        level = self.headings.get(style.get(ATTR_VAL, "")) if style is not None else None
        outline = p.find(f"{PPR}/{_w('outlineLvl')}")
        if level is None and outline is not None and (outline.get(ATTR_VAL) or "").isdigit():
            level = int(outline.get(ATTR_VAL)) + 1
        if level in (1, 2):
            text = " ".join(_text(p).split())
            if text:
                self.section = text
        self._suggestions(p)

    def _suggestions(self, p) -> None:
        """Tracked insertions and deletions of a paragraph, grouped: consecutive changes by the same
        author (with no unchanged text between) make one suggestion, e.g. a replacement."""
        groups: list[dict] = []
        current: dict | None = None
        original: list[str] = []
        for kind, el in _inline(p):
            if kind == "text":
                text = _run_text(el)
                original.append(text)
                if text.strip():
                    current = None
                continue
            author = (el.get(ATTR_AUTHOR) or "").strip()
            inserted = kind in ("ins", "moveTo")
            text = _run_text(el, deleted=not inserted)
            if not inserted:
                original.append(text)
            if not text:
                continue
            if current is None or current["author"] != author:
                current = {"author": author, "date": _parse_date(el.get(ATTR_DATE)), "ins": [], "del": [],
                           "at": len("".join(original))}
                groups.append(current)
            current["ins" if inserted else "del"].append(text)
        if not groups:
            return
        context = " ".join("".join(original).split())
        for g in groups:
            ins, dele = " ".join("".join(g["ins"]).split()), " ".join("".join(g["del"]).split())
            if not ins and not dele:
                continue
            self.position += 1
            date = g["date"]
            sid = stable_id("suggestion", g["author"], _iso(date), dele, ins, context)
            self.suggestions.append(ReviewItem(
                id=sid, kind="suggestion", author=g["author"], initials="", date=date, text="",
                anchor=context[:MAX_TEXT], section=self.section, inserted=ins[:MAX_TEXT], deleted=dele[:MAX_TEXT],
                file=self.file, position=self.position))

    def _items(self) -> list[ReviewItem]:
        by_para: dict[str, str] = {}
        for cid, c in self.comments.items():
            for pid in c["para_ids"]:
                by_para[pid] = cid
        thread_of: dict[str, tuple[str, bool]] = {}  # comment id -> (parent comment id, done)
        for cid, c in self.comments.items():
            for pid in reversed(c["para_ids"]):  # Word refers to a comment by its last paragraph
                if pid in self.threads:
                    parent_pid, done = self.threads[pid]
                    thread_of[cid] = (by_para.get(parent_pid, "") if parent_pid else "", done)
                    break
        ids: dict[str, str] = {}
        items: dict[str, ReviewItem] = {}

        def depth(cid: str) -> int:
            seen = {cid}
            parent = thread_of.get(cid, ("", False))[0]
            while parent and parent not in seen:
                seen.add(parent)
                parent = thread_of.get(parent, ("", False))[0]
            return len(seen)

        # parents before replies (a reply's ID includes its parent's), then document order
        order = sorted(self.comments, key=lambda cid: (depth(cid), self.where.get(cid, (10**9, ""))[0], _num(cid)))
        for cid in order:
            c = self.comments[cid]
            parent_cid, done = thread_of.get(cid, ("", False))
            position, section = self.where.get(cid, (10**9, ""))
            anchor = self.anchor.get(cid, "")
            if parent_cid and parent_cid in items:
                parent = items[parent_cid]
                section, anchor = section or parent.section, anchor or parent.anchor
                done = done or thread_of.get(parent_cid, ("", False))[1]
            date = c["date"]
            parent_id = ids.get(parent_cid, "") if parent_cid else ""
            kind = "reply" if parent_id else "comment"
            # not the kind nor the parent: LibreOffice keeps a reply but drops its thread link, and the
            # same reply must keep its ID whichever program saved the copy
            sid = stable_id(c["author"], _iso(date), c["text"], anchor, "" if date else section)
            ids[cid] = sid
            items[cid] = ReviewItem(sid, kind, c["author"], c["initials"], date, c["text"], anchor[:MAX_TEXT],
                                    section, done, parent_id, file=self.file, position=position)
        # document order; each reply right after its parent (and earlier replies)
        roots = sorted((i for i in items.values() if not i.parent), key=lambda i: i.position)
        merged = sorted(roots + self.suggestions, key=lambda i: i.position)
        children: dict[str, list[ReviewItem]] = {}
        for i in items.values():
            if i.parent:
                children.setdefault(i.parent, []).append(i)
        out: list[ReviewItem] = []

        def add(item: ReviewItem) -> None:
            out.append(item)
            for child in sorted(children.get(item.id, []), key=lambda i: (i.date or datetime.min, i.position)):
                add(child)

        for item in merged:
            add(item)
        placed = {i.id for i in out}
        out += [i for i in items.values() if i.id not in placed]  # replies whose parent is missing
        return _dedupe(out)


# -- helpers ------------------------------------------------------------------------------------------------


def _walk(el) -> Iterator[tuple[str, object]]:
    """Depth-first ("start", el) / ("end", el) events (iteratively: deep nesting cannot overflow)."""
    stack = [(el, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node.tag, str):  # comments, processing instructions
            continue
        if done:
            yield "end", node
            continue
        yield "start", node
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _inside(el, tags: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        if parent.tag == P:
            return False
        parent = parent.getparent()
    return False


def _inline(p) -> Iterator[tuple[str, object]]:
    """The paragraph's own runs and tracked changes, in order (not those of nested text boxes)."""
    kinds = {INS: "ins", DEL: "del", MOVE_FROM: "moveFrom", MOVE_TO: "moveTo"}
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in (PPR, RPR, TXBX, P):
            continue
        if el.tag in kinds:
            yield kinds[el.tag], el
        elif el.tag == R:
            yield "text", el
        else:
            stack.extend(reversed(el))


def _run_text(el, deleted: bool = False) -> str:
    """Text of a run or of a tracked change; ``deleted`` also takes ``w:delText`` (deleted runs)."""
    parts = []
    for node in el.iter(T, DEL_TEXT, TAB, BR, CR):
        if _inside_any(node, el, TXBX):
            continue
        if node.tag == T or (deleted and node.tag == DEL_TEXT):
            parts.append(node.text or "")
        elif node.tag in (TAB, BR, CR) and node.getparent() is not None and node.getparent().tag == R:
            parts.append(" ")
    return "".join(parts)


def _inside_any(node, stop, tag: str) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _text(p) -> str:
    """A paragraph's visible text (deleted text left out; tabs and breaks as spaces)."""
    parts = []
    for node in p.iter(T, TAB, BR, CR):
        if node.tag == T:
            if not _inside(node, (DEL, MOVE_FROM)):
                parts.append(node.text or "")
        elif node.getparent() is not None and node.getparent().tag == R:
            parts.append(" ")
    return "".join(parts)


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=None, microsecond=0)


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _num(text: str) -> int:
    return int(text) if text.lstrip("-").isdigit() else 0


def _dedupe(items: list[ReviewItem]) -> list[ReviewItem]:
    seen: set[str] = set()
    out = []
    for i in items:
        if i.id not in seen:
            seen.add(i.id)
            out.append(i)
    return out


__all__ = ["ReviewItem", "read_reviewed", "stable_id"]
