"""``implan collect``: append what reviewers said (see :mod:`implan_docs.review`) to the workbook's Review sheet.

The workbook is edited at the package level, not rewritten by openpyxl: openpyxl drops images, charts,
shapes, pivot tables, macros, sparklines and extension lists, and writes formulas without their cached
values (which ``implan`` would then refuse to read). Here every part of the workbook is copied unchanged
except the Review sheet's XML (cells appended as inline strings, existing cells and styles kept), and,
when the workbook has no Review sheet yet, the four small parts that declare a new sheet
(``xl/workbook.xml``, its relationships, ``[Content_Types].xml``, the new sheet). Nothing else can be
lost, so there is nothing to refuse.

Rows get the reviewer's stable IDs; an ID already in the sheet is not added again, so collecting the
same file twice adds nothing. A row an earlier version wrote (``RV-`` and 8 hex digits) is recognised by
that older ID *and* its reviewer, date and comment, so a different comment whose old ID happened to be the
same is added, not taken for it. A row already in the sheet as Open (or blank) whose comment is now marked
resolved in the reviewed copy becomes Closed; nothing else of an existing row is touched.

An in-place update holds :func:`implan_docs.workbook_lock.locked` from before it reads the workbook until
the new file is in place, writes through a symbolic link to the file it points to, and keeps the previous
workbook as ``<name>.bak.xlsx`` (``<name>.bak-2.xlsx``, ``-3`` … when that exists: a backup never replaces
a file). Outputs keep the workbook's permission bits (a private 0600 plan stays private).
"""
from __future__ import annotations

import bisect
import io
import os
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree

from .. import workbook_lock
from ..errors import Location, OutputError, WorkbookError
from ..fileio import IMAGES, atomic_write_bytes, current_umask, write_with_mode, zip_bytes
from ..i18n import Messages
from ..model import LANGUAGES
from ..docx.comments import LEGACY_ID_PATTERN, Remark, read_reviewed, shorten
from .package import MAX_MEMBER_SIZE, bounded_read
from .guard import check_workbook_file
from .contract import norm
from .reader import read_plan

COLUMNS = ("ID", "Section", "Anchor", "Comment", "Reviewer", "Date", "Status", "Response")
WIDTHS = {"ID": 13, "Section": 22, "Anchor": 40, "Comment": 60, "Reviewer": 18, "Date": 12, "Status": 10,
          "Response": 50}
MAX_ANCHOR = 1000  # characters of anchored text kept in a cell
MAX_CELL = 32_767  # Excel's limit (UTF-16 code units)
MAX_ROWS = 1_048_576  # Excel's limit
FIRST_DATE = {False: date(1900, 3, 1), True: date(1904, 1, 2)}  # earliest date written as a date serial
# (serial 0, 1904-01-01 in the 1904 system, is read back as a time of day by openpyxl)
LAST_DATE = date(9999, 12, 31)

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = REL_DOC + "/officeDocument"
REL_WORKSHEET = REL_DOC + "/worksheet"
REL_STYLES = REL_DOC + "/styles"
REL_TABLE = REL_DOC + "/table"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# what Excel refuses in XML, and what implan's reader would warn about (W190): C0 controls but tab and
# newlines, DEL, C1 controls, non-characters, lone surrogates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # text Excel would read as an _xHHHH_ escape
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                          remove_blank_text=False)


def _s(tag: str) -> str:
    return f"{{{S}}}{tag}"


@dataclass
class CollectResult:
    output: Path
    added: list[Remark] = field(default_factory=list)
    already: int = 0  # items whose ID the Review sheet already had
    closed: list[str] = field(default_factory=list)  # IDs whose Status was set to Closed
    # reviewed file -> counts: "comment", "reply", "suggestion" (what it holds) and "new", "known",
    # "repeated" (what became of each: a new row, already in the sheet, or also in an earlier copy)
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)
    backup: Path | None = None
    created_sheet: bool = False
    written: Path | None = None  # the file written (for --in-place through a link: the link's target)

    def summary_lines(self) -> list[str]:
        """One line per reviewed copy and, for several, one for all: every comment, reply and suggested
        change is counted once as new, already known or repeated (the same one in an earlier copy)."""
        lines = []
        totals: dict[str, int] = {}
        for name, counts in self.per_file.items():
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
            lines.append(f"{name}: {_accounting(counts)}")
        if len(self.per_file) > 1:
            lines.append(f"{len(self.per_file)} reviewed copies: {_accounting(totals)}")
        added = len(self.added)
        what = f"added {added} row(s) to the Review sheet" if added else "no new comments"
        if self.closed:
            what += f"; {len(self.closed)} marked Closed (resolved in the reviewed copy)"
        lines.append(what)
        if self.backup:
            lines.append(f"kept the previous workbook as {self.backup}")
        if self.written is None:
            lines.append(f"{self.output} unchanged (nothing to add)")
        elif self.written != self.output:
            lines.append(f"wrote {self.written} (through the link {self.output})")
        else:
            lines.append(f"wrote {self.output}")
        return lines


def _accounting(counts: dict[str, int]) -> str:
    total = sum(counts.get(k, 0) for k in ("comment", "reply", "suggestion"))
    text = f"{total} comment{'s' if total != 1 else ''}, {counts.get('new', 0)} new, " \
           f"{counts.get('known', 0)} already known"
    if counts.get("repeated"):
        text += f", {counts['repeated']} repeated from an earlier copy"
    kinds = [f"{counts[k]} {word if counts[k] != 1 else one}" for k, word, one in
             (("reply", "replies", "reply"), ("suggestion", "suggested changes", "suggested change"))
             if counts.get(k)]
    if kinds:
        text += f" (of them {' and '.join(kinds)})"
    return text


# -- public ----------------------------------------------------------------------------------------------


def collect_into(workbook: str | Path, reviewed: Sequence[str | Path], output: str | Path | None = None, *,
                 in_place: bool = False, force: bool = False, lock_timeout: float | None = None) -> CollectResult:
    """Read the reviewed copies and write the workbook with their comments in the Review sheet.

    Writes ``output`` (refused if it exists, unless ``force``), or with ``in_place`` the workbook itself
    (atomically, after copying it to ``<name>.bak.xlsx``, under a lock: a second in-place update of the
    same workbook waits up to ``lock_timeout`` seconds, default
    :data:`implan_docs.workbook_lock.LOCK_TIMEOUT`). The input is never changed otherwise.
    Every reviewed file is read before anything is written; a corrupt one stops the command.
    """
    workbook = Path(workbook)
    if in_place == (output is not None):
        raise ValueError("give exactly one of output and in_place")
    target = workbook if in_place else Path(output)
    if not in_place:
        if target.suffix.lower() != workbook.suffix.lower():
            raise OutputError(f"the updated workbook must end in {workbook.suffix or '.xlsx'} like the input",
                              Location(file=str(target)))
        if os.path.lexists(target) and not force:
            raise OutputError("already exists; use --force to overwrite it", Location(file=str(target)))
        if _same_file(target, workbook):
            raise OutputError("would overwrite the input workbook; choose another output (or --in-place)",
                              Location(file=str(target)))
    check_workbook_file(workbook)
    found: list[tuple[str, list[Remark]]] = [(str(path), read_reviewed(path)) for path in reviewed]
    if not in_place:
        return _collect(workbook, workbook, found, target, force=force)
    with workbook_lock.locked(workbook, lock_timeout) as real:
        # the file to read and replace: through a symbolic link, the file it points to
        update = real if os.path.islink(workbook) else workbook
        check_workbook_file(update)  # it may have been replaced while this run waited for the lock
        return _collect(workbook, update, found, None, force=False)


def _collect(shown: Path, workbook: Path, found: list[tuple[str, list[Remark]]], output: Path | None, *,
             force: bool) -> CollectResult:
    """The update itself; ``workbook`` is the file to read (for in-place, locked, and also replaced)."""
    original = _read_bytes(workbook)
    plan, _ = read_plan(workbook)
    t = Messages(plan.language)
    result = CollectResult(output if output is not None else shown)
    matcher = _Matcher(plan.review)
    seen: set[str] = set()
    new_items: list[Remark] = []
    for name, items in found:
        if name in result.per_file:  # the same file given twice
            n = 2
            while f"{name} (#{n})" in result.per_file:
                n += 1
            name = f"{name} (#{n})"
        counts = result.per_file.setdefault(name, {})
        for item in items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
            if item.id in seen:
                counts["repeated"] = counts.get("repeated", 0) + 1
                continue
            seen.add(item.id)
            row = matcher.find(item)
            if row is None:
                counts["new"] = counts.get("new", 0) + 1
                new_items.append(item)
                continue
            counts["known"] = counts.get("known", 0) + 1
            result.already += 1
            if item.resolved and row.status in ("", "Open") and row.row not in matcher.closing:
                matcher.closing[row.row] = row
                result.closed.append(row.id)
    result.added = new_items

    info = plan.sheet("Review")
    updates: dict[tuple[int, str], object] = {}
    if info is not None and matcher.closing:
        if info.column("Status") is not None:
            for r in matcher.closing:
                updates[(r, "Status")] = "Closed"
        else:
            result.closed = []
    rows = [review_row(item, t, matcher.shown.get(item.parent, item.parent)) for item in new_items]
    if output is None and not rows and not updates:
        return result  # in place with nothing to change: the workbook stays as it is, no backup needed
    data = _Editor(workbook, original).apply(info.name if info else None,
                                             {c.key: c.letter for c in info.columns} if info else {}, rows, updates)
    result.created_sheet = info is None
    mode = stat.S_IMODE(os.stat(workbook).st_mode)
    if output is None:
        result.backup = _backup(workbook, original, mode)
        atomic_write_bytes(workbook, data)  # keeps the mode of the file it replaces
        result.written = workbook
    else:
        out_mode = mode & ~current_umask()
        if force and os.path.isfile(output):
            out_mode &= stat.S_IMODE(os.stat(output).st_mode)
        try:
            write_with_mode(output, data, out_mode, replace=force)
        except FileExistsError:
            raise OutputError("already exists; use --force to overwrite it", Location(file=str(output))) from None
        result.written = output
    return result


def review_row(item: Remark, t: Messages, parent: str | None = None) -> dict[str, object]:
    """The Review sheet's cells for one item (Comment worded in the plan's language; a reply names
    ``parent``, by default the ID of the comment it answers)."""
    if item.kind == "suggestion":
        if item.inserted and item.deleted:
            text = t("review.replace", old=item.deleted, new=item.inserted)
        elif item.inserted:
            text = t("review.insert", text=item.inserted)
        else:
            text = t("review.delete", text=item.deleted)
    elif item.kind == "reply":
        text = t("review.reply", parent=parent or item.parent, text=item.text)
    else:
        text = item.text
    return {
        "ID": item.id,
        "Section": item.section,
        "Anchor": _anchor_cell(item.anchor),
        "Comment": text,
        "Reviewer": item.reviewer,
        "Date": item.date.date() if item.date else None,
        "Status": "Closed" if item.resolved else "Open",
        "Response": "",
    }


def _anchor_cell(anchor: str) -> str:
    return anchor if len(anchor) <= MAX_ANCHOR else anchor[: MAX_ANCHOR - 1] + "…"


# -- recognising rows already in the sheet ----------------------------------------------------------------


class _Matcher:
    """Which Review row (if any) an item already is: by its ID, or, for rows an earlier version wrote,
    by that version's ID together with the row's reviewer, date and comment (and, where the older ID
    cannot be worked out again, by those and the anchor)."""

    def __init__(self, rows):
        self.by_id: dict[str, object] = {}
        self.legacy: dict[str, list] = {}
        for r in rows:
            if r.id:
                self.by_id.setdefault(r.id, r)
                if LEGACY_ID_PATTERN.match(r.id):
                    self.legacy.setdefault(r.id, []).append(r)
        self.claimed: set[int] = set()  # rows matched through an older ID
        self.closing: dict[int, object] = {}  # row number -> row to mark Closed
        self.shown: dict[str, str] = {}  # item ID -> the ID its row has in the sheet
        self._templates = None
        self._by_content: dict[tuple, list] | None = None
        self._en = Messages("en")

    def find(self, item: Remark):
        row = self.by_id.get(item.id)
        if row is None and self.legacy:
            if item.legacy_id:
                row = next((r for r in self.legacy.get(item.legacy_id, ()) if r.row not in self.claimed
                            and self._same(r, item)), None)
            else:
                row = self._by_anchor(item)
            if row is not None:
                self.claimed.add(row.row)
        if row is not None:
            self.shown[item.id] = row.id
        return row

    def _by_anchor(self, item: Remark):
        if self._by_content is None:
            self._by_content = {}
            for rows in self.legacy.values():
                for r in rows:
                    self._by_content.setdefault(_content_key(r.reviewer, r.date, r.anchor), []).append(r)
        candidates = self._by_content.get(_content_key(item.reviewer, _day(item), _anchor_cell(item.anchor)), ())
        return next((r for r in candidates if r.row not in self.claimed and self._same(r, item)), None)

    def _same(self, row, item: Remark) -> bool:
        if _norm(row.reviewer)[:900] != _norm(item.reviewer)[:900] or _as_day(row.date) != _day(item):
            return False
        return _norm(self._body(row.comment))[:1000] == _norm(self._expected(item))[:1000]

    def _expected(self, item: Remark) -> str:
        if item.kind == "suggestion":
            return review_row(item, self._en)["Comment"]
        return item.text

    def _body(self, comment: str) -> str:
        """A comment cell without the "Reply to RV-…: " an earlier collect put before a reply, and a
        suggestion's wording normalised to English (a reply kept by LibreOffice is a plain comment)."""
        comment = comment or ""
        for reply, suggestion_forms in self.templates():
            before, after = reply
            if comment.startswith(before):
                rest = comment[len(before):]
                m = re.match(r"RV-[0-9a-f]+", rest)
                if m and rest[m.end():].startswith(after):
                    return rest[m.end() + len(after):]
            for pattern, english in suggestion_forms:
                m = pattern.match(comment)
                if m:
                    return english.format(**m.groupdict())
        return comment

    def templates(self):
        if self._templates is None:
            self._templates = []
            en = Messages("en")
            for lang in LANGUAGES:
                t = Messages(lang)
                before, _, after = t("review.reply", parent="\x00", text="\x01").partition("\x00")
                forms = []
                for key, names in (("review.replace", ("old", "new")), ("review.insert", ("text",)),
                                   ("review.delete", ("text",))):
                    sample = t(key, **{n: f"\x00{n}\x00" for n in names})
                    pattern = re.escape(sample)
                    for n in names:
                        pattern = pattern.replace(re.escape(f"\x00{n}\x00"), f"(?P<{n}>.*)")
                    english = en(key, **{n: "{" + n + "}" for n in names})
                    forms.append((re.compile(f"^{pattern}$", re.DOTALL), english))
                self._templates.append(((before, after.partition("\x01")[0]), forms))
        return self._templates


def _norm(text) -> str:
    return " ".join(str(text or "").split())


def _day(item: Remark) -> date | None:
    return item.date.date() if item.date else None


def _as_day(value) -> date | None:
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    return None


def _content_key(reviewer, day, anchor) -> tuple:
    return (_norm(reviewer)[:900], _as_day(day), _norm(anchor))


# -- files --------------------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot be read ({exc.strerror})", Location(file=path.name)) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.exists(a) and os.path.samefile(a, b)
    except OSError:
        return False


def _backup(workbook: Path, data: bytes, mode: int) -> Path:
    """``<name>.bak.xlsx`` next to the workbook, or the first of ``<name>.bak-2.xlsx``, ``-3``, … that
    does not exist: a backup never replaces a file. It has the workbook's permission bits."""
    n = 1
    while True:
        name = f"{workbook.stem}.bak{workbook.suffix}" if n == 1 else f"{workbook.stem}.bak-{n}{workbook.suffix}"
        try:
            return write_with_mode(workbook.with_name(name), data, mode, replace=False)
        except FileExistsError:
            n += 1
            if n > 10_000:
                raise OutputError(f"has 10,000 backups next to it; remove some ({workbook.stem}.bak-*)",
                                  Location(file=str(workbook))) from None


# -- the package edit ---------------------------------------------------------------------------------------


class _Editor:
    """Reads the workbook package once and returns new package bytes with the Review sheet edited."""

    def __init__(self, path: Path, data: bytes | None = None):
        self.path = path
        self.name = path.name
        self.data = data

    def fail(self, message: str) -> WorkbookError:
        return WorkbookError(message, Location(file=self.name))

    def apply(self, sheet_name: str | None, letters: dict[str, str], rows: list[dict],
              updates: dict[tuple[int, str], object]) -> bytes:
        with zipfile.ZipFile(io.BytesIO(self.data) if self.data is not None else self.path) as zf:
            self.zf = zf
            self.names = zf.namelist()
            changed: dict[str, bytes] = {}
            workbook_part = self._rels("").get_type(REL_OFFICE_DOCUMENT) or "xl/workbook.xml"
            wb_rels = self._rels(workbook_part)
            wb_xml = self._xml(workbook_part)
            self.date1904 = _date1904(wb_xml)
            self.date_styles = self._date_styles(wb_rels.get_type(REL_STYLES))
            if sheet_name is None:
                sheet_part, sheet = self._new_sheet(workbook_part, wb_xml, wb_rels, changed)
                letters = {key: _col_letter(i) for i, key in enumerate(COLUMNS, start=1)}
            else:
                sheet_part = self._sheet_part(workbook_part, wb_xml, wb_rels, sheet_name)
                sheet = self._xml(sheet_part)
            if rows or updates or sheet_name is None:
                first_new_row = _SheetEdit(sheet, self).apply(letters, rows, updates)
                if rows and sheet_name is not None:
                    self._extend_tables(sheet_part, first_new_row, first_new_row + len(rows) - 1, changed)
                changed[sheet_part] = _serialize(sheet)
            return self._write(changed)

    # parts
    def _read(self, part: str) -> bytes:
        return bounded_read(self.zf, part, MAX_MEMBER_SIZE, error=WorkbookError)

    def _xml(self, part: str):
        try:
            root = etree.fromstring(self._read(part), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.fail(f"is damaged: malformed XML in {part} ({str(exc).splitlines()[0][:120]})") from None
        if root.getroottree().docinfo.doctype:
            raise self.fail(f"the part {part} has an XML document type declaration (refused for safety)")
        return root

    def _rels(self, part: str) -> "_Rels":
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.names:
            return _Rels(rels_part, folder, None)
        return _Rels(rels_part, folder, self._xml(rels_part))

    def _sheet_part(self, workbook_part: str, wb_xml, wb_rels: "_Rels", name: str) -> str:
        for sheet in wb_xml.iter(_s("sheet")):
            if norm(sheet.get("name", "")) == norm(name):
                part = wb_rels.target(sheet.get(f"{{{REL_DOC}}}id", ""))
                if part and part in self.names:
                    return part
        raise self.fail(f"is damaged: cannot find the part of the sheet '{name}'")

    def _date_styles(self, styles_part: str | None) -> set[int]:
        """Indexes of cell formats (``s``) that show a date."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        if not styles_part or styles_part not in self.names:
            return set()
        root = self._xml(styles_part)
        custom = {int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in root.iter(_s("numFmt"))}
        out = set()
        xfs = root.find(_s("cellXfs"))
        for i, xf in enumerate(xfs if xfs is not None else ()):
            fid = int(xf.get("numFmtId", "0") or 0)
            code = custom.get(fid) or BUILTIN_FORMATS.get(fid, "")
            if code and is_date_format(code):
                out.add(i)
        return out

    def _new_sheet(self, workbook_part: str, wb_xml, wb_rels: "_Rels", changed: dict[str, bytes]):
        folder = posixpath.dirname(workbook_part)
        n = 1
        while posixpath.join(folder, "worksheets", f"sheet{n}.xml") in self.names or \
                posixpath.join(folder, "worksheets", f"sheet{n}.xml") in changed:
            n += 1
        part = posixpath.join(folder, "worksheets", f"sheet{n}.xml")
        rid = wb_rels.add(REL_WORKSHEET, f"worksheets/sheet{n}.xml")
        sheets = wb_xml.find(_s("sheets"))
        if sheets is None:
            raise self.fail("is damaged: xl/workbook.xml lists no sheets")
        ids = [int(s.get("sheetId", "0")) for s in sheets if s.get("sheetId", "").isdigit()]
        el = etree.SubElement(sheets, _s("sheet"))
        el.set("name", "Review")
        el.set("sheetId", str(max(ids, default=0) + 1))
        el.set(f"{{{REL_DOC}}}id", rid)
        changed[workbook_part] = _serialize(wb_xml)
        changed[wb_rels.part] = _serialize(wb_rels.root)
        types = self._xml("[Content_Types].xml")
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + part)
        override.set("ContentType", CT_WORKSHEET)
        changed["[Content_Types].xml"] = _serialize(types)
        header_style = self._header_style(wb_xml, wb_rels)
        return part, _empty_sheet(header_style)

    def _header_style(self, wb_xml, wb_rels: "_Rels") -> str:
        """The style of the first sheet's A1, so the new sheet's header looks like the others."""
        first = wb_xml.find(f"{_s('sheets')}/{_s('sheet')}")
        part = wb_rels.target(first.get(f"{{{REL_DOC}}}id", "")) if first is not None else None
        if not part or part not in self.names:
            return ""
        cell = self._xml(part).find(f"{_s('sheetData')}/{_s('row')}/{_s('c')}")
        return cell.get("s", "") if cell is not None else ""

    def _extend_tables(self, sheet_part: str, first: int, last: int, changed: dict[str, bytes]) -> None:
        """An Excel table that ends right above the new rows grows to include them."""
        rels = self._rels(sheet_part)
        for target in rels.targets(REL_TABLE):
            if target not in self.names:
                continue
            table = self._xml(target)
            ref = table.get("ref", "")
            m = re.match(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)$", ref)
            if not m or int(m[4]) != first - 1:
                continue
            table.set("ref", f"{m[1]}{m[2]}:{m[3]}{last}")
            auto = table.find(_s("autoFilter"))
            if auto is not None:
                auto.set("ref", f"{m[1]}{m[2]}:{m[3]}{last}")
            changed[target] = _serialize(table)

    def _write(self, changed: dict[str, bytes]) -> bytes:
        """Every part as it was (only its zip entry's time is fixed) but those changed; new parts last."""
        def entries():
            for info in self.zf.infolist():
                data = changed.pop(info.filename, None)
                yield info.filename, (data if data is not None else self._read(info))
            for name in sorted(changed):  # new parts
                yield name, changed[name]

        return zip_bytes(entries(), stored=IMAGES)


class _Rels:
    def __init__(self, part: str, folder: str, root):
        self.part, self.folder = part, folder
        self.root = root if root is not None else etree.Element(f"{{{REL_PKG}}}Relationships", nsmap={None: REL_PKG})

    def _full(self, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(self.folder, target))

    def get_type(self, rel_type: str) -> str | None:
        for rel in self.root:
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                return self._full(rel.get("Target", ""))
        return None

    def targets(self, rel_type: str) -> list[str]:
        return [self._full(r.get("Target", "")) for r in self.root
                if r.get("Type") == rel_type and r.get("TargetMode") != "External"]

    def target(self, rid: str) -> str | None:
        for rel in self.root:
            if rel.get("Id") == rid:
                return self._full(rel.get("Target", ""))
        return None

    def add(self, rel_type: str, target: str) -> str:
        ids = {r.get("Id") for r in self.root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rel = etree.SubElement(self.root, f"{{{REL_PKG}}}Relationship")
        rel.set("Id", f"rId{n}")
        rel.set("Type", rel_type)
        rel.set("Target", target)
        return f"rId{n}"


class _SheetEdit:
    """Cell-level edits of one worksheet's XML, keeping every other row, cell and style as it was."""

    def __init__(self, root, editor: _Editor):
        self.root, self.editor = root, editor
        self.numbers: list[int] | None = None  # row numbers in order, once a row is inserted
        data = root.find(_s("sheetData"))
        if data is None:
            raise editor.fail("is damaged: the Review sheet has no sheetData")
        self.data = data
        self.rows: dict[int, object] = {}
        last = 0
        for row in data.findall(_s("row")):
            r = int(row.get("r") or last + 1)
            row.set("r", str(r))
            last = r
            self.rows[r] = row
            col = 0
            for c in row.findall(_s("c")):
                ref = c.get("r")
                m = _CELL_REF.match(ref or "")
                col = _col_index(m[1]) if m else col + 1
                if not m:
                    c.set("r", f"{_col_letter(col)}{r}")

    def apply(self, letters: dict[str, str], rows: list[dict], updates: dict[tuple[int, str], object]) -> int:
        letters = dict(letters)
        header = self.rows.get(1)
        used = [_col_index(_CELL_REF.match(c.get("r"))[1]) for c in header.findall(_s("c"))
                if _has_value(c)] if header is not None else []
        next_col = max(used, default=0) + 1
        for key in COLUMNS:  # missing contract columns go after the last header
            if key not in letters:
                letters[key] = _col_letter(next_col)
                next_col += 1
                self.set(1, letters[key], key)
        first = self.last_row() + 1
        if rows and first + len(rows) - 1 > MAX_ROWS:
            raise self.editor.fail(f"the Review sheet would have {first + len(rows) - 1:,} rows, more than "
                                   f"Excel's {MAX_ROWS:,}; nothing was written")
        order = sorted(COLUMNS, key=lambda key: _col_index(letters[key]))
        for offset, values in enumerate(rows):
            r = first + offset
            if r in self.rows:  # a row prepared (styled) but empty: keep its cells' styles
                for key in COLUMNS:
                    value = values.get(key)
                    if value not in (None, ""):
                        self.set(r, letters[key], value)
                continue
            row = self.row(r)
            for key in order:  # a new row: its cells in column order, no search
                value = values.get(key)
                if value not in (None, ""):
                    cell = etree.SubElement(row, _s("c"))
                    cell.set("r", f"{letters[key]}{r}")
                    self.fill(cell, value)
        for (row, key), value in updates.items():
            if key in letters:
                self.set(row, letters[key], value)
        self.fix_dimension()
        return first

    def last_row(self) -> int:
        for r in sorted(self.rows, reverse=True):
            if any(_has_value(c) for c in self.rows[r].findall(_s("c"))):
                return r
        return 1

    def row(self, r: int):
        row = self.rows.get(r)
        if row is None:
            row = etree.Element(_s("row"))
            row.set("r", str(r))
            if self.numbers is None:
                self.numbers = sorted(self.rows)
            if not self.numbers or r > self.numbers[-1]:  # the usual case: a new row at the end
                self.data.append(row)
                self.numbers.append(r)
            else:
                i = bisect.bisect_left(self.numbers, r)
                self.rows[self.numbers[i]].addprevious(row)
                self.numbers.insert(i, r)
            self.rows[r] = row
        row.attrib.pop("spans", None)  # an optional hint that new cells could contradict
        return row

    def set(self, r: int, letter: str, value) -> None:
        row = self.row(r)
        ref = f"{letter}{r}"
        col = _col_index(letter)
        cell = None
        for c in row.findall(_s("c")):
            m = _CELL_REF.match(c.get("r", ""))
            k = _col_index(m[1]) if m else 0
            if k == col:
                cell = c
                break
            if k > col:
                cell = etree.Element(_s("c"))
                cell.set("r", ref)
                c.addprevious(cell)
                break
        if cell is None:
            cell = etree.SubElement(row, _s("c"))
            cell.set("r", ref)
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        self.fill(cell, value)

    def fill(self, cell, value) -> None:
        """Put ``value`` into an empty cell: a date as a date serial where the cell shows dates and Excel
        can hold it, anything else as an inline string."""
        if isinstance(value, date) and int(cell.get("s", "0") or 0) in self.editor.date_styles \
                and FIRST_DATE[self.editor.date1904] <= value <= LAST_DATE:
            v = etree.SubElement(cell, _s("v"))
            v.text = str(_serial(value, self.editor.date1904))
            return
        # a date Excel cannot hold as a date serial (before 1900-03-01, where Excel and LibreOffice
        # count days differently, or before 1904-01-02 in a 1904 workbook) is written as ISO text
        text = value.isoformat() if isinstance(value, date) else str(value)
        text = _cell_text(text)
        cell.set("t", "inlineStr")  # never a formula, whatever the text starts with
        is_ = etree.SubElement(cell, _s("is"))
        t = etree.SubElement(is_, _s("t"))
        t.text = text
        if text != text.strip() or "\n" in text:
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def fix_dimension(self) -> None:
        max_row, max_col = 1, 1
        for r, row in self.rows.items():
            for c in row.findall(_s("c")):
                m = _CELL_REF.match(c.get("r", ""))
                if m:
                    max_row, max_col = max(max_row, r), max(max_col, _col_index(m[1]))
        dim = self.root.find(_s("dimension"))
        if dim is not None:
            dim.set("ref", f"A1:{_col_letter(max_col)}{max_row}")


# -- small helpers ------------------------------------------------------------------------------------------


def _empty_sheet(header_style: str):
    root = etree.Element(_s("worksheet"), nsmap={None: S, "r": REL_DOC})
    views = etree.SubElement(etree.SubElement(root, _s("sheetViews")), _s("sheetView"))
    views.set("workbookViewId", "0")
    pane = etree.SubElement(views, _s("pane"))
    for k, v in (("ySplit", "1"), ("topLeftCell", "A2"), ("activePane", "bottomLeft"), ("state", "frozen")):
        pane.set(k, v)
    etree.SubElement(root, _s("sheetFormatPr")).set("defaultRowHeight", "15")
    cols = etree.SubElement(root, _s("cols"))
    for i, key in enumerate(COLUMNS, start=1):
        col = etree.SubElement(cols, _s("col"))
        for k, v in (("min", str(i)), ("max", str(i)), ("width", str(WIDTHS[key])), ("customWidth", "1")):
            col.set(k, v)
    data = etree.SubElement(root, _s("sheetData"))
    row = etree.SubElement(data, _s("row"))
    row.set("r", "1")
    for i, key in enumerate(COLUMNS, start=1):
        c = etree.SubElement(row, _s("c"))
        c.set("r", f"{_col_letter(i)}1")
        if header_style:
            c.set("s", header_style)
        c.set("t", "inlineStr")
        etree.SubElement(etree.SubElement(c, _s("is")), _s("t")).text = key
    margins = etree.SubElement(root, _s("pageMargins"))
    for k, v in (("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75"), ("header", "0.3"),
                 ("footer", "0.3")):
        margins.set(k, v)
    return root


def _cell_text(text: str) -> str:
    """Text as a cell may hold it: no characters XML or Excel refuse, at most 32,767 characters (a longer
    one ends with " […]"), and text that looks like Excel's ``_xHHHH_`` escape kept as it reads."""
    text = shorten(_CONTROL.sub("", text), MAX_CELL)
    return _ESCAPE_LIKE.sub("_x005F_", text) if "_x" in text else text


def _has_value(c) -> bool:
    for child in c:
        if child.tag == _s("v") and (child.text or "") != "":
            return True
        if child.tag == _s("f"):
            return True
        if child.tag == _s("is") and "".join(child.itertext()) != "":
            return True
    return False


def _date1904(wb_xml) -> bool:
    pr = wb_xml.find(_s("workbookPr"))
    return pr is not None and (pr.get("date1904") or "").lower() in ("1", "true")


def _serial(d: date, date1904: bool) -> int:
    return (d - (date(1904, 1, 1) if date1904 else date(1899, 12, 30))).days


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _col_letter(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def collect(workbook: str | Path, reviewed: Iterable[str | Path], output: str | Path) -> CollectResult:
    """Shorthand for :func:`collect_into` writing ``output``."""
    return collect_into(workbook, list(reviewed), output)


__all__ = ["collect_into", "collect", "CollectResult", "review_row", "COLUMNS"]
