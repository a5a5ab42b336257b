"""Read what reviewers wrote into a Word copy of the plan: comments, replies, resolved flags, tracked changes.

python-docx 1.2 reads comments but not what they are anchored to, nor replies or the resolved flag
(those live in ``word/commentsExtended.xml``), nor tracked changes; so this module reads the package's
XML parts itself, with lxml set never to resolve entities or touch the network, after
:func:`implan_docs.docx.guard.check_docx_file` has refused corrupt files, zip bombs, macro-enabled files and
XML with a DOCTYPE. Files saved by Word and by LibreOffice both work (LibreOffice writes the same parts).

Each item gets a stable ID, ``RV-`` and the 64 hex digits of a SHA-256 of who said what, when, about
which text (author, date, text, anchor); so collecting the same file twice, or a copy that went through
another program, finds the same IDs, and two different comments never share one. The first 8 of those
digits were the whole ID before (:func:`legacy_id`); :attr:`Remark.legacy_id` carries that older ID
so a workbook collected by an earlier version is still recognised. LibreOffice keeps comments, replies
(as plain comments: it drops the thread link) and the resolved flag, and tracked changes.

Reading is one streaming pass over each part (the XML is never held as a whole tree), linear in the
file's size; what is kept is bounded: at most :data:`ANCHOR_KEPT` characters of the text a comment is
anchored to, :data:`TEXT_KEPT` of a comment's text, :data:`MAX_ITEMS` items and :data:`MAX_KEPT_CHARS`
characters in all per file. A file over a bound stops with one line naming it.
"""
from __future__ import annotations

import bisect
import hashlib
import posixpath
import re
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from lxml import etree

from ..errors import DocumentError, Location
from ..xlsx.package import MAX_MEMBER_SIZE, bounded_read
from .guard import check_docx_file

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
BODY, COMMENT, STYLE = _w("body"), _w("comment"), _w("style")
DEL_TEXT, INS, DEL, MOVE_FROM, MOVE_TO = _w("delText"), _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
RANGE_START, RANGE_END, REFERENCE = _w("commentRangeStart"), _w("commentRangeEnd"), _w("commentReference")
RPR, PPR, TXBX = _w("rPr"), _w("pPr"), _w("txbxContent")
ATTR_ID, ATTR_AUTHOR, ATTR_DATE, ATTR_INITIALS, ATTR_VAL = _w("id"), _w("author"), _w("date"), _w("initials"), _w("val")
PARA_ID = f"{{{W14}}}paraId"
COMMENT_EX = f"{{{W15}}}commentEx"
_CHANGES = (INS, DEL, MOVE_FROM, MOVE_TO)
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)

# What a reviewed copy may make this module keep (see the module docstring).
ANCHOR_KEPT = 4_000  # characters of anchored text (and of a suggestion's paragraph, a section heading)
TEXT_KEPT = 32_000  # characters of a comment's text, a suggestion's inserted or deleted text
NAME_KEPT = 1_000  # characters of an author's name or initials
MAX_ITEMS = 200_000  # comments and suggestions in one reviewed copy
MAX_KEPT_CHARS = 128 * 2**20  # characters kept from one reviewed copy, everything counted
MAX_SMALL_PART = 32 * 2**20  # bytes of a relationships or styles part
SHORTENED = " […]"  # ends a text that was cut to a bound
MAX_TEXT = TEXT_KEPT  # the name earlier versions used
_LEGACY_TEXT = 32_000  # earlier versions hashed the first 32,000 characters of a comment's text
_BIG = 10**18


@dataclass(frozen=True)
class Remark:
    """One thing a reviewer said in a reviewed copy: a comment, a reply to one, or a tracked change (a
    suggestion). Collected, it becomes a row of the Review sheet, which the plan reads as
    :class:`implan_docs.model.ReviewItem`."""

    id: str  # stable: "RV-" and 64 hex digits
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
    position: int = 0  # order in the document (1, 2, ...)
    legacy_id: str = ""  # the ID an earlier version (8 hex digits) gave this item, "" if it gave none

    @property
    def reviewer(self) -> str:
        return self.author or self.initials


# -- public ----------------------------------------------------------------------------------------------


def read_reviewed(path: str | Path) -> list[Remark]:
    """Comments, replies and tracked changes of one reviewed .docx, in document order (replies after the
    comment they answer). Raises :class:`DocumentError` (one line, naming the file) for a file that is not
    a usable Word document or is over a bound."""
    path = Path(path)
    check_docx_file(path, what="reviewed copy")
    try:
        with zipfile.ZipFile(path) as zf:
            return _Reader(zf, path.name).read()
    except DocumentError:
        raise
    except MemoryError:
        raise DocumentError("is too large to read (out of memory)", Location(file=path.name)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, RuntimeError) as exc:
        raise DocumentError(f"cannot be read as a reviewed copy ({type(exc).__name__}: {exc})",
                            Location(file=path.name)) from exc


def stable_id(*parts: str) -> str:
    """``RV-`` and the 64 hex digits of the SHA-256 of the parts (each whitespace-normalised, joined by
    U+001F)."""
    return "RV-" + _digest(parts)


def legacy_id(*parts: str) -> str:
    """The ID earlier versions gave the same parts: ``RV-`` and the first 8 hex digits of that SHA-256."""
    return "RV-" + _digest(parts)[:8]


ID_PATTERN = re.compile(r"^RV-[0-9a-f]{64}$")
LEGACY_ID_PATTERN = re.compile(r"^RV-[0-9a-f]{8}$")


def shorten(text: str, limit: int, marker: str = SHORTENED) -> str:
    """``text`` if it has at most ``limit`` UTF-16 code units (what Excel counts), else its beginning and
    ``marker``, together within ``limit``."""
    if len(text) <= limit // 2 or _utf16_len(text) <= limit:
        return text
    room = max(limit - _utf16_len(marker), 0)
    head = text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return head + marker


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF) if not text.isascii() else len(text)


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def _digest(parts) -> str:
    return hashlib.sha256("\x1f".join(_norm(p) for p in parts).encode("utf-8")).hexdigest()


# -- reading ----------------------------------------------------------------------------------------------

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_PARSER = etree.XMLParser(remove_blank_text=False, **_PARSER_OPTIONS)


class _Stream:
    """A zip member read in chunks, never more than ``limit`` bytes (lxml pulls from it)."""

    def __init__(self, fh, limit: int, on_over):
        self.fh, self.limit, self.on_over, self.count = fh, limit, on_over, 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n if n and n > 0 else 1 << 16)
        self.count += len(data)
        if self.count > self.limit:
            raise self.on_over()
        return data


@dataclass
class _Comment:
    cid: str
    author: str  # kept (bounded)
    initials: str
    date: datetime | None
    text: str  # kept (bounded)
    para_ids: list[str]
    state: object  # SHA-256 of "author␟date␟text␟" (the full text), to be completed with the anchor
    legacy_state: object | None  # the same for the text as earlier versions cut it, if that differs


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf, self.name = zf, name
        self.names = set(zf.namelist())
        self.kept = 0
        self.count = 0

    def fail(self, message: str) -> DocumentError:
        return DocumentError(message, Location(file=self.name))

    def keep(self, n: int) -> None:
        """Count ``n`` more characters kept; refuse past :data:`MAX_KEPT_CHARS`."""
        self.kept += n
        if self.kept > MAX_KEPT_CHARS:
            raise self.fail(f"holds more than {MAX_KEPT_CHARS:,} characters of comments and anchored text "
                            "(limit); refused")

    def one_more(self) -> None:
        self.count += 1
        if self.count > MAX_ITEMS:
            raise self.fail(f"has more than {MAX_ITEMS:,} comments and tracked changes (limit); refused")

    def xml(self, part: str):
        """A small part (relationships) as a tree."""
        data = bounded_read(self.zf, part, MAX_SMALL_PART, error=DocumentError)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.fail(f"is damaged: malformed XML in {part} ({str(exc).splitlines()[0][:120]})") from None
        if root.getroottree().docinfo.doctype:
            raise self.fail(f"the part {part} has an XML document type declaration (refused for safety)")
        return root

    def events(self, part: str, limit: int = MAX_MEMBER_SIZE, whole: tuple[str, ...] = ()
               ) -> Iterator[tuple[str, object]]:
        """("start", el) / ("end", el) of a part, streamed; each element is emptied after its end event
        (read what you need of it there), so memory stays bounded whatever the part's size. Elements
        tagged ``whole`` keep their subtree until their own end event."""
        try:
            info = self.zf.getinfo(part)
        except KeyError:
            raise self.fail(f"is damaged: the part {part} is missing") from None
        if info.file_size > limit:
            raise self.fail(f"the part {part} is too large ({info.file_size:,} bytes, limit {limit:,}); refused")
        over = lambda: self.fail(f"the part {part} is larger than {limit:,} bytes; refused")  # noqa: E731
        checked = False
        inside = 0  # open elements of the ``whole`` tags
        try:
            with self.zf.open(info) as fh:
                for event, el in etree.iterparse(_Stream(fh, limit, over), events=("start", "end"),
                                                 remove_comments=True, remove_pis=True, **_PARSER_OPTIONS):
                    if not checked:
                        checked = True
                        if el.getroottree().docinfo.doctype:
                            raise self.fail(f"the part {part} has an XML document type declaration "
                                            "(refused for safety)")
                    if el.tag in whole:
                        inside += 1 if event == "start" else -1
                    yield event, el
                    if event == "end" and not inside:
                        el.clear()
                        parent = el.getparent()
                        if parent is not None:
                            while el.getprevious() is not None:
                                del parent[0]
        except etree.XMLSyntaxError as exc:
            raise self.fail(f"is damaged: malformed XML in {part} ({str(exc).splitlines()[0][:120]})") from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise self.fail(f"is damaged: cannot read the part {part} ({exc})") from None

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

    def read(self) -> list[Remark]:
        main = self.rels("").get(REL_OFFICE_DOCUMENT, "word/document.xml")
        if main not in self.names:
            raise self.fail("is damaged: the document part is missing")
        doc_rels = self.rels(main)
        headings = self._heading_styles(doc_rels.get(REL_STYLES))
        comments_part = doc_rels.get(REL_COMMENTS)
        comments = self._comments(comments_part) if comments_part in self.names else {}
        extended = doc_rels.get(REL_COMMENTS_EXTENDED)
        para_ids = {pid for c in comments.values() for pid in c.para_ids}
        threads = self._threads(extended, para_ids) if extended in self.names and para_ids else {}
        walker = _Walker(self, headings, comments)
        walker.run(self.events(main, whole=(PPR,)))
        return _assemble(self.name, comments, threads, walker)

    def _heading_styles(self, part: str | None) -> dict[str, int]:
        """Paragraph style ID -> heading level (from the style name, or an outline level, via basedOn)."""
        if not part or part not in self.names:
            return {}
        styles: dict[str, tuple[int | None, str]] = {}  # id -> (level from name or outline, basedOn)
        for event, st in self.events(part, MAX_SMALL_PART, whole=(STYLE,)):
            if event != "end" or st.tag != STYLE or st.get(_w("type")) not in (None, "paragraph"):
                continue
            sid = st.get(_w("styleId"), "")
            name_el, based_el = st.find(_w("name")), st.find(_w("basedOn"))
            level_el = st.find(f"{PPR}/{_w('outlineLvl')}")
            name = name_el.get(ATTR_VAL, "") if name_el is not None else ""
            match = _HEADING_NAME.match(name.strip()) or _HEADING_NAME.match(sid)
            level = int(match[1]) if match else None
            if level is None and level_el is not None and (level_el.get(ATTR_VAL) or "").isdigit():
                outline = int(level_el.get(ATTR_VAL)) + 1
                level = outline if outline <= 9 else None
            styles[sid] = (level, based_el.get(ATTR_VAL, "") if based_el is not None else "")
        # follow basedOn chains once each (memoised: a long chain costs its length, not its square)
        out: dict[str, int] = {}
        resolved: dict[str, int | None] = {}
        for sid in styles:
            path, cur = [], sid
            while cur in styles and cur not in resolved and cur not in path:
                path.append(cur)
                level, based = styles[cur]
                if level is not None:
                    break
                cur = based
            if path and styles[path[-1]][0] is not None:
                value = styles[path[-1]][0]
            else:
                value = resolved.get(cur) if cur in resolved else None
            for s in path:
                resolved[s] = styles[s][0] if styles[s][0] is not None else value
            if resolved.get(sid) is not None:
                out[sid] = resolved[sid]
        return out

    def _comments(self, part: str) -> dict[str, _Comment]:
        out: dict[str, _Comment] = {}
        for event, c in self.events(part, whole=(COMMENT,)):
            if event != "end" or c.tag != COMMENT:
                continue
            self.one_more()
            cid = c.get(ATTR_ID, "")
            paras = c.findall(f".//{P}")
            texts = [_text(p).strip() for p in paras]
            text = "\n".join(t for t in texts if t)
            author = (c.get(ATTR_AUTHOR) or "").strip()
            date = _parse_date(c.get(ATTR_DATE))
            head = "\x1f".join((_norm(author), _norm(_iso(date)))) + "\x1f"
            state = hashlib.sha256((head + _norm(text) + "\x1f").encode("utf-8"))
            legacy = None
            if len(text) > _LEGACY_TEXT:
                legacy = hashlib.sha256((head + _norm(text[:_LEGACY_TEXT]) + "\x1f").encode("utf-8"))
            kept = shorten(text, TEXT_KEPT)
            initials = shorten((c.get(ATTR_INITIALS) or "").strip(), NAME_KEPT)
            pids = [p.get(PARA_ID) for p in paras if p.get(PARA_ID)]
            author_kept = shorten(author, NAME_KEPT)
            self.keep(len(kept) + len(author_kept) + len(initials) + sum(len(p) for p in pids) + 64)
            out[cid] = _Comment(cid, author_kept, initials, date, kept, pids, state, legacy)
        return out

    def _threads(self, part: str, para_ids: set[str]) -> dict[str, tuple[str, bool]]:
        """paraId -> (parent paraId or "", done), for the paragraphs of known comments only."""
        out: dict[str, tuple[str, bool]] = {}
        for event, ex in self.events(part):
            if event != "end" or ex.tag != COMMENT_EX:
                continue
            pid = ex.get(f"{{{W15}}}paraId")
            if pid and pid in para_ids:
                done = (ex.get(f"{{{W15}}}done") or "0").strip().lower() in ("1", "true", "on")
                parent = ex.get(f"{{{W15}}}paraIdParent") or ""
                out[pid] = (parent if parent in para_ids else "", done)
        return out


# -- whitespace-normalised text, kept within bounds ------------------------------------------------------


def _step(text: str, pending: bool, started: bool) -> tuple[str, bool]:
    """One piece of a text being whitespace-normalised as it streams: what to append (``started``: some
    text came before) and whether a space is pending. The pieces appended make exactly
    ``" ".join(whole.split())``."""
    words = text.split()
    if not words:
        return "", pending or (started and bool(text))
    body = " ".join(words)
    if started and (pending or text[0].isspace()):
        body = " " + body
    return body, text[-1].isspace()


class _Collector:
    """The first ``keep`` characters of a normalised text, its full length and (optionally) its SHA-256."""

    __slots__ = ("keep", "parts", "size", "length", "pending", "sha")

    def __init__(self, keep: int, digest: bool = False):
        self.keep, self.parts, self.size, self.length, self.pending = keep, [], 0, 0, False
        self.sha = hashlib.sha256() if digest else None

    def add(self, text: str) -> None:
        if not text:
            return
        body, self.pending = _step(text, self.pending, self.length > 0)
        if not body:
            return
        self.length += len(body)
        if self.size <= self.keep:
            piece = body[: self.keep + 1 - self.size]
            self.parts.append(piece)
            self.size += len(piece)
        if self.sha is not None:
            self.sha.update(body.encode("utf-8"))

    @property
    def full(self) -> bool:
        return self.size > self.keep

    def text(self) -> str:
        return "".join(self.parts)[: self.keep]

    @property
    def truncated(self) -> bool:
        return self.length > self.keep


class _DocText:
    """The document's visible text, whitespace-normalised, stored only where an open comment range may
    still need it: the first ``keep`` characters after each range's start. Linear in the text's length,
    however many ranges are open."""

    def __init__(self, keep: int):
        self.keep = keep
        self.length = 0
        self.pending = False
        self.need_until = 0
        self.chunks: list[str] = []
        self.starts: list[int] = []
        self.first = 0  # chunks before this index are no longer needed
        self.buf: list[str] = []
        self.buf_at = 0
        self.buf_len = 0
        self.stored = 0

    def mark(self) -> int:
        """A range starts here: its offset."""
        start = self.length + (1 if self.pending and self.length else 0)
        self.need_until = max(self.need_until, start + self.keep + 1)
        return start

    def add(self, text: str) -> None:
        if not text:
            return
        body, self.pending = _step(text, self.pending, self.length > 0)
        if not body:
            return
        at = self.length
        self.length += len(body)
        if at >= self.need_until:
            return
        body = body[: self.need_until - at]
        if self.buf and self.buf_at + self.buf_len != at:
            self._flush()
        if not self.buf:
            self.buf_at = at
        self.buf.append(body)
        self.buf_len += len(body)
        self.stored += len(body)
        if self.buf_len > 1 << 16:
            self._flush()

    def _flush(self) -> None:
        if not self.buf:
            return
        s = "".join(self.buf)
        if len(self.chunks) > self.first and self.starts[-1] + len(self.chunks[-1]) == self.buf_at \
                and len(self.chunks[-1]) < 8192:
            self.chunks[-1] += s
        else:
            self.chunks.append(s)
            self.starts.append(self.buf_at)
        self.buf, self.buf_len = [], 0

    def extract(self, start: int) -> tuple[str, int]:
        """The normalised text from ``start`` to here: (its first ``keep`` characters, its full length)."""
        end = self.length
        hi = min(end, start + self.keep + 1)
        if hi <= start:
            return "", 0
        self._flush()
        i = max(bisect.bisect_right(self.starts, start, lo=self.first) - 1, self.first)
        parts, at = [], start
        while at < hi and i < len(self.chunks):
            c0 = self.starts[i]
            chunk = self.chunks[i]
            if c0 + len(chunk) > at:
                piece = chunk[at - c0: hi - c0]
                parts.append(piece)
                at += len(piece)
            i += 1
        text = "".join(parts)
        if text.startswith(" "):  # the range starts at a space between words
            text, start = text[1:], start + 1
        return text[: self.keep], max(0, end - start)

    def forget_before(self, offset: int) -> None:
        """No open range starts before ``offset``: drop what lies wholly before it."""
        while self.first < len(self.chunks) and self.starts[self.first] + len(self.chunks[self.first]) <= offset:
            self.chunks[self.first] = ""
            self.first += 1
        if self.first > 1024 and self.first * 2 > len(self.chunks):
            del self.chunks[: self.first], self.starts[: self.first]
            self.first = 0


class _Section:
    """A heading a comment sits under; a heading paragraph's text is known only at its end."""

    __slots__ = ("text", "length", "prev", "done")

    def __init__(self, text: str = "", prev: "_Section | None" = None, done: bool = True):
        self.text, self.length, self.prev, self.done = text, len(text), prev, done

    def value(self) -> "_Section":
        """The heading this stands for: itself, or (an empty heading) the one before it."""
        cur = self
        while cur.done and not cur.text and cur.prev is not None:
            cur = cur.prev
        node = self
        while node is not cur:  # path compression: a long run of empty headings is walked once
            node.prev, node = cur, node.prev
        return cur


_ROOT_SECTION = _Section()


class _Frame:
    """An open paragraph."""

    __slots__ = ("el", "seq", "section", "changes", "deleted", "context", "groups", "current", "heading",
                 "ppr_seen")

    def __init__(self, el, seq: int, section: _Section):
        self.el, self.seq, self.section = el, seq, section
        self.changes: list[tuple[str, str, datetime | None, object]] = []  # (tag, author, date, element)
        self.deleted = 0  # open w:del / w:moveFrom in this paragraph
        self.context = _Collector(ANCHOR_KEPT, digest=True)  # the paragraph as it was (before the changes)
        self.groups: list[dict] = []
        self.current: dict | None = None
        self.heading: tuple[_Section, _Collector] | None = None
        self.ppr_seen = False


class _Walker:
    """One streaming pass over the body in document order: headings, comment ranges, tracked changes."""

    def __init__(self, reader: _Reader, headings: dict[str, int], comments: dict[str, _Comment]):
        self.reader, self.headings, self.comments = reader, headings, comments
        self.text = _DocText(ANCHOR_KEPT)
        self.frames: list[_Frame] = []
        self.open_headings: list[_Collector] = []
        self.section = _ROOT_SECTION
        self.seq = 0
        self.starts: dict[str, int] = {}  # comment id -> offset of its range's start
        self.open_ranges: deque[str] = deque()  # ids in order of start (closed ones dropped lazily)
        self.anchors: dict[str, tuple[str, int]] = {}  # comment id -> (kept anchor, full length)
        self.where: dict[str, tuple[tuple[int, int], _Section]] = {}  # comment id -> (order key, section)
        self.suggestions: list[dict] = []
        self.kept_mark = 0

    def run(self, events) -> None:
        in_body = found_body = False
        for event, el in events:
            tag = el.tag
            if not in_body:
                if tag == BODY and event == "start":
                    in_body = found_body = True
                continue
            if event == "start":
                if tag == P:
                    self.seq += 1
                    self.frames.append(_Frame(el, self.seq, self.section))
                elif tag == RANGE_START:
                    cid = el.get(ATTR_ID, "")
                    if cid in self.comments and cid not in self.starts:
                        self.starts[cid] = self.text.mark()
                        self.open_ranges.append(cid)
                        self._place(cid)
                elif tag == RANGE_END:
                    cid = el.get(ATTR_ID, "")
                    if cid in self.starts and cid not in self.anchors:
                        self._close(cid)
                elif tag == REFERENCE:
                    cid = el.get(ATTR_ID, "")
                    if cid in self.comments:
                        self._place(cid)
                elif tag in _CHANGES:
                    if self.frames:
                        frame = self.frames[-1]
                        frame.changes.append((tag, (el.get(ATTR_AUTHOR) or "").strip(),
                                              _parse_date(el.get(ATTR_DATE)), el))
                        if tag in (DEL, MOVE_FROM):
                            frame.deleted += 1
                elif tag in (TAB, BR, CR):
                    parent = el.getparent()
                    if parent is not None and parent.tag == R:
                        self._piece(" ", "tab")
            else:
                if tag == T:
                    self._piece(el.text or "", "t")
                elif tag == DEL_TEXT:
                    self._piece(el.text or "", "del")
                elif tag == PPR:
                    if self.frames and el.getparent() is self.frames[-1].el:
                        self._properties(self.frames[-1], el)
                elif tag in _CHANGES:
                    if self.frames and self.frames[-1].changes and self.frames[-1].changes[-1][3] is el:
                        frame = self.frames[-1]
                        frame.changes.pop()
                        if tag in (DEL, MOVE_FROM):
                            frame.deleted -= 1
                elif tag == P:
                    if self.frames and self.frames[-1].el is el:
                        self._end_paragraph(self.frames.pop())
                elif tag == BODY:
                    in_body = False
            if self.text.stored - self.kept_mark > 1 << 20:
                self.reader.keep(self.text.stored - self.kept_mark)
                self.kept_mark = self.text.stored
        if not found_body:
            raise self.reader.fail("is damaged: the document has no body")
        while self.frames:  # not reached for well-formed XML
            self._end_paragraph(self.frames.pop())
        for cid in self.open_ranges:  # a range never closed: anchor to the end
            if cid not in self.anchors:
                self._close(cid, forget=False)
        self.reader.keep(self.text.stored - self.kept_mark)

    def _place(self, cid: str) -> None:
        if cid not in self.where:
            self.seq += 1
            self.where[cid] = ((self.seq, 0), self.section)

    def _close(self, cid: str, forget: bool = True) -> None:
        anchor = self.text.extract(self.starts[cid])
        self.anchors[cid] = anchor
        self.reader.keep(len(anchor[0]))
        if forget:
            while self.open_ranges and self.open_ranges[0] in self.anchors:
                self.open_ranges.popleft()
            self.text.forget_before(self.starts[self.open_ranges[0]] if self.open_ranges else self.text.length)

    def _piece(self, text: str, kind: str) -> None:
        """A piece of text: "t" (w:t), "del" (w:delText) or "tab" (a tab or break, as a space)."""
        frame = self.frames[-1] if self.frames else None
        if not text:
            return
        if kind == "tab" or (kind == "t" and not (frame and frame.deleted)):
            self.text.add(text)
            if self.open_headings:
                for collector in self.open_headings:
                    collector.add(text)
                if any(c.full for c in self.open_headings):
                    self.open_headings = [c for c in self.open_headings if not c.full]
        if frame is None:
            return
        if not frame.changes:  # the paragraph's own text
            if kind == "del":
                return
            frame.context.add(text)
            if text.strip():
                frame.current = None
            return
        tag, author, date, _ = frame.changes[0]
        inserted = tag in (INS, MOVE_TO)
        if inserted and kind == "del":
            return
        if not inserted:
            frame.context.add(text)
        current = frame.current
        if current is None or current["author"] != author:
            self.reader.one_more()
            current = {"author": author, "date": date, "ins": _Collector(TEXT_KEPT, digest=True),
                       "del": _Collector(TEXT_KEPT, digest=True)}
            frame.groups.append(current)
            frame.current = current
        collector = current["ins" if inserted else "del"]
        if not collector.full:
            self.reader.keep(len(text))  # counted as it comes: one paragraph may hold any number of changes
        collector.add(text)

    def _properties(self, frame: _Frame, ppr) -> None:
        if frame.ppr_seen:
            return
        frame.ppr_seen = True
        style = ppr.find(_w("pStyle"))
        level = self.headings.get(style.get(ATTR_VAL, "")) if style is not None else None
        outline = ppr.find(_w("outlineLvl"))
        if level is None and outline is not None and (outline.get(ATTR_VAL) or "").isdigit():
            level = int(outline.get(ATTR_VAL)) + 1
        if level in (1, 2):
            section = _Section("", self.section, done=False)
            collector = _Collector(ANCHOR_KEPT)
            frame.heading = (section, collector)
            self.section = frame.section = section
            self.open_headings.append(collector)

    def _end_paragraph(self, frame: _Frame) -> None:
        if frame.heading is not None:
            section, collector = frame.heading
            if collector in self.open_headings:
                self.open_headings.remove(collector)
            section.text, section.length, section.done = collector.text(), collector.length, True
            self.reader.keep(len(section.text))
            if not section.text and self.section is section:
                self.section = section.prev or _ROOT_SECTION
        if frame.groups:
            self._suggestions(frame)
        self.text.add(" ")

    def _suggestions(self, frame: _Frame) -> None:
        context = frame.context
        context_text = context.text()
        context_extra = [] if not context.truncated else \
            [f"paragraph-length={context.length}", f"paragraph-sha256={context.sha.hexdigest()}"]
        section = frame.section
        for g, group in enumerate(frame.groups):
            ins, dele = group["ins"], group["del"]
            if not ins.length and not dele.length:
                continue
            extra = list(context_extra)
            for label, col in (("deleted", dele), ("inserted", ins)):
                if col.truncated:
                    extra += [f"{label}-length={col.length}", f"{label}-sha256={col.sha.hexdigest()}"]
            kept_ins, kept_del = _kept(ins), _kept(dele)
            self.reader.keep(len(context_text) + 64)
            self.suggestions.append({
                "key": (frame.seq, g + 1), "author": group["author"], "date": group["date"],
                "inserted": kept_ins, "deleted": kept_del, "anchor": context_text, "section": section,
                "parts": ["suggestion", group["author"], _iso(group["date"]), dele.text(), ins.text(),
                          context_text] + extra,
                "exact": not extra})


def _kept(col: _Collector) -> str:
    text = col.text()
    return text if not col.truncated else text[: len(text) - len(SHORTENED)] + SHORTENED


# -- assembling the items ------------------------------------------------------------------------------------


def _assemble(file: str, comments: dict[str, _Comment], threads: dict[str, tuple[str, bool]],
              walker: _Walker) -> list[Remark]:
    by_para: dict[str, str] = {}
    for cid, c in comments.items():
        for pid in c.para_ids:
            by_para[pid] = cid
    parent_of: dict[str, str] = {}
    done_of: dict[str, bool] = {}
    for cid, c in comments.items():
        for pid in reversed(c.para_ids):  # Word refers to a comment by its last paragraph
            if pid in threads:
                parent_pid, done = threads[pid]
                parent_of[cid] = by_para.get(parent_pid, "") if parent_pid else ""
                done_of[cid] = done
                break

    def key(cid: str) -> tuple[int, int]:
        where = walker.where.get(cid)
        return where[0] if where else (_BIG, _num(cid))

    order = sorted(comments, key=key)
    # the threads as a forest, walked without recursion: parents before replies; a cycle of replies
    # (no comment answers itself in a real file) is cut at its first comment in document order
    kids: dict[str, list[str]] = {}
    roots = []
    for cid in order:
        parent = parent_of.get(cid, "")
        if parent and parent != cid and parent in comments:
            kids.setdefault(parent, []).append(cid)
        else:
            roots.append(cid)
    parent_final: dict[str, str] = {}
    bfs: list[str] = []
    seen: set[str] = set()

    def walk(start: str) -> None:
        queue = deque([start])
        seen.add(start)
        while queue:
            cid = queue.popleft()
            bfs.append(cid)
            for child in kids.get(cid, ()):
                if child not in seen:
                    seen.add(child)
                    parent_final[child] = cid
                    queue.append(child)

    for cid in roots:
        parent_final[cid] = ""
        walk(cid)
    for cid in order:
        if cid not in seen:
            parent_final[cid] = ""
            walk(cid)

    info: dict[str, dict] = {}
    for cid in bfs:
        c = comments[cid]
        where = walker.where.get(cid)
        section = where[1].value() if where else _ROOT_SECTION
        anchor = walker.anchors.get(cid, ("", 0))
        done = done_of.get(cid, False)
        parent = parent_final[cid]
        if parent:
            p = info[parent]
            section = section if section.text else p["section"]
            anchor = anchor if anchor[0] else p["anchor"]
            done = done or p["resolved"]
        tail = [anchor[0], "" if c.date else section.text]
        extra = []
        if anchor[1] > ANCHOR_KEPT:
            extra.append(f"anchor-length={anchor[1]}")
        if not c.date and section.length > ANCHOR_KEPT:
            extra.append(f"section-length={section.length}")
        info[cid] = {"section": section, "anchor": anchor, "resolved": done, "tail": tail, "extra": extra}

    # document order: comments and suggestions by place, each reply right after its parent (and earlier
    # replies), replies by date
    children: dict[str, list[str]] = {}
    for cid in bfs:
        if parent_final[cid]:
            children.setdefault(parent_final[cid], []).append(cid)
    top = [("c", cid, key(cid)) for cid in order if parent_final[cid] == ""]
    top += [("s", s, s["key"]) for s in walker.suggestions]
    top.sort(key=lambda entry: entry[2])
    ordered: list[tuple[str, object]] = []
    stack = [(kind, x) for kind, x, _ in reversed(top)]
    while stack:
        kind, x = stack.pop()
        ordered.append((kind, x))
        if kind == "c" and x in children:
            replies = sorted(children[x], key=lambda r: (comments[r].date or datetime.min, key(r)))
            stack.extend(("c", r) for r in reversed(replies))

    # IDs: the k-th item (k > 1) with the same inputs in one file is a different comment that happens to
    # say the same thing about the same text at the same time: it gets "occurrence=k" among its inputs
    seen_digest: dict[str, int] = {}
    ids: dict[str, str] = {}
    out: list[Remark] = []
    for position, (kind, x) in enumerate(ordered, start=1):
        if kind == "c":
            c = comments[x]
            i = info[x]
            tail = "\x1f".join(_norm(p) for p in i["tail"] + i["extra"])
            state = c.state.copy()
            state.update(tail.encode("utf-8"))
            digest = state.hexdigest()
            k = seen_digest[digest] = seen_digest.get(digest, 0) + 1
            legacy = ""
            if k == 1 and not i["extra"]:
                if c.legacy_state is None:
                    legacy = "RV-" + digest[:8]
                else:
                    old = c.legacy_state.copy()
                    old.update(tail.encode("utf-8"))
                    legacy = "RV-" + old.hexdigest()[:8]
            if k > 1:
                state.update(f"\x1foccurrence={k}".encode("utf-8"))
                digest = state.hexdigest()
            ids[x] = "RV-" + digest
            parent_id = ids.get(parent_final[x], "")
            out.append(Remark(ids[x], "reply" if parent_id else "comment", c.author, c.initials, c.date,
                                  c.text, i["anchor"][0], i["section"].text, i["resolved"], parent_id,
                                  file=file, position=position, legacy_id=legacy))
        else:
            s = x
            digest = _digest(s["parts"])
            k = seen_digest[digest] = seen_digest.get(digest, 0) + 1
            legacy = "RV-" + digest[:8] if k == 1 and s["exact"] else ""
            if k > 1:
                digest = _digest(s["parts"] + [f"occurrence={k}"])
            out.append(Remark(
                "RV-" + digest, "suggestion", s["author"], "", s["date"], "", s["anchor"],
                s["section"].value().text, inserted=s["inserted"], deleted=s["deleted"], file=file,
                position=position, legacy_id=legacy))
    return out


# -- helpers ------------------------------------------------------------------------------------------------


def _inside(el, tags: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        if parent.tag == P:
            return False
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
    return int(text) if text.lstrip("-").isdigit() and len(text) < 19 else 0


__all__ = ["Remark", "read_reviewed", "stable_id", "legacy_id", "shorten", "ID_PATTERN", "LEGACY_ID_PATTERN"]
