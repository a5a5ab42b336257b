"""The Office package (OPC zip container) layer both wings stand on: inspected before any library reads it.

Every workbook and Word file is sniffed and its zip package inspected *before* a library opens it:
missing paths, folders, empty files, OLE files (legacy .xls/.doc or password-protected OOXML), text and
CSV files, other binaries, truncated zips, packages of the wrong kind, Strict Open XML, zip bombs
(declared sizes, ratios, member count, compression methods, and members that inflate past their declared
size), and XML parts that carry a DOCTYPE (entity declarations, external references) are refused with
one line naming the file. The libraries' own exceptions are then converted to one line as well.

Nothing here inflates more than a bounded chunk at a time; an OLE file is only listed, never decoded.
"""
from __future__ import annotations

import contextlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator
from xml.parsers import expat

from ..errors import ImplanError, Location, WorkbookError

__all__ = [
    "Package",
    "normalized",
    "workbook_bytes",
    "bounded_read",
    "converting",
    "MAX_MEMBERS",
    "MAX_MEMBER_SIZE",
    "MAX_TOTAL_SIZE",
    "MAX_RATIO",
]

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30

# Bounds for a zip package (a plan workbook is kilobytes; a document with images a few megabytes).
MAX_MEMBERS = 10_000
MAX_MEMBER_SIZE = 200 * MiB  # declared uncompressed size of one member
MAX_TOTAL_SIZE = 500 * MiB  # declared uncompressed size of all members
MAX_RATIO = 1000  # uncompressed : compressed, checked for members above RATIO_FLOOR
RATIO_FLOOR = 4 * MiB
MAX_CENTRAL_DIRECTORY = 4 * MiB  # read by zipfile in one go before any member is looked at
MAX_CONTENT_TYPES = 8 * MiB
MAX_PROLOG = 1 * MiB  # XML before the root element (where a DOCTYPE would have to be)
# Deflate cannot exceed about 1032:1; a member whose compressed data could hide more than
# HIDDEN_SLACK beyond its declared size is inflated once, in bounded chunks, to prove it does not.
_DEFLATE_WORST_RATIO = 1100
HIDDEN_SLACK = 16 * MiB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SAFE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard"}

STRICT_SML = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_WML = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Main-part content types, as openpyxl (reader/excel.py) and python-docx (opc/constants.py) know them.
_XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": ".xltx",
    "application/vnd.ms-excel.template.macroenabled.main+xml": ".xltm",
}
_XLSB_TYPE = "application/vnd.ms-excel.sheet.binary.macroenabled.main"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOCX_TYPES = {
    DOCX_TYPE: ".docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": ".docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": ".dotx",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": ".dotm",
}
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
KIND_NAMES = {
    "xlsx": "an Excel workbook",
    "xlsb": "an Excel Binary Workbook (.xlsb)",
    "docx": "a Word document",
    "pptx": "a PowerPoint presentation",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "odt": "an OpenDocument text document (.odt)",
    "odp": "an OpenDocument presentation (.odp)",
    "xlsx-damaged": "a damaged Excel workbook",
    "docx-damaged": "a damaged Word document",
}


@dataclass(frozen=True)
class Fail:
    """Builds the one-line error for one file: ``raise fail("is empty")``."""

    error: type[ImplanError]
    location: Location

    def __call__(self, message: str) -> ImplanError:
        return self.error(message, self.location)


# --------------------------------------------------------------------------- shared helpers

def bounded_read(zf: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int, *,
                 error: type[ImplanError] = WorkbookError) -> bytes:
    """Read one zip member, never inflating more than ``limit`` bytes; refuse (``error``) past it.

    Only stored and deflated members are read: zipfile inflates a bzip2 or LZMA chunk in one
    unbounded call. zipfile cuts a member whose data inflates past its declared size at that size
    (and its CRC check usually fails then, which becomes ``error`` too).
    """
    file = Path(zf.filename).name if isinstance(zf.filename, str) else ""
    fail = failer(file, error)
    try:
        info = member if isinstance(member, zipfile.ZipInfo) else zf.getinfo(member)
    except KeyError:
        raise fail(f"is damaged: the part {member} is missing") from None
    if info.compress_type not in _SAFE_METHODS:
        raise fail(_method_message(info))
    if info.file_size > limit:
        raise fail(f"the part {info.filename} is too large ({_size(info.file_size)}, limit {_size(limit)}); refused")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise fail(f"is damaged: cannot read the part {info.filename} ({_first_line(exc)})") from None
    if len(data) > limit:
        raise fail(f"the part {info.filename} is larger than {_size(limit)}; refused")
    return data


@contextlib.contextmanager
def converting(path: str | Path, *, error: type[ImplanError] = WorkbookError) -> Iterator[None]:
    """Turn any exception raised inside (openpyxl, python-docx, XML parsers, zipfile) into one line.

    :class:`ImplanError` passes through unchanged. Use it around lazy reads of a read-only workbook.
    """
    try:
        yield
    except ImplanError:
        raise
    except Exception as exc:  # noqa: BLE001 - every library error must become one line
        raise error(_describe(exc), Location(file=Path(path).name)) from exc


def _describe(exc: BaseException) -> str:
    """A one-line reason for a library exception, looking through wrapped causes."""
    chain = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain)
    if "EntitiesForbidden" in names or "EntitiesForbidden" in text:
        return "contains an XML entity declaration (refused for safety)"
    if "ExternalReferenceForbidden" in names or "ExternalReferenceForbidden" in text:
        return "contains an XML external reference (refused for safety)"
    if "DTDForbidden" in names or "DTDForbidden" in text:
        return "contains an XML document type declaration (refused for safety)"
    if any(isinstance(e, MemoryError) for e in chain):
        return "is too large to open (ran out of memory)"
    for e in chain:
        if isinstance(e, (zipfile.BadZipFile, zlib.error, EOFError)):
            return f"is damaged (zip archive: {_first_line(e)})"
        if type(e).__name__ in ("ParseError", "XMLSyntaxError", "ExpatError"):
            return f"is damaged: malformed XML ({_first_line(e)})"
        if isinstance(e, KeyError):
            return f"is damaged: a required part is missing ({_first_line(e)})"
        if type(e).__name__ == "PackageNotFoundError":
            return f"cannot be opened as a Word document ({_first_line(e)})"
        if isinstance(e, OSError) and e.strerror:
            return f"cannot be read: {e.strerror.lower()}"
    return f"cannot be read ({type(exc).__name__}: {_first_line(exc)})"


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0].strip() if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 3] + "..."


def failer(path: str | Path, error: type[ImplanError]) -> Fail:
    return Fail(error, Location(file=Path(path).name if str(path) else ""))


def _size(n: int) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def read_head(path: Path, fail: Fail, versus: str) -> bytes:
    """The first 64 KiB of ``path``; refuses missing paths, folders, unreadable and empty files."""
    try:
        if path.is_dir():
            raise fail(f"is a folder{versus}")
        if not path.exists():
            raise fail("file not found")
        if not path.is_file():  # a FIFO or device would block or never end
            raise fail(f"is not a regular file{versus}")
        with open(path, "rb") as fh:
            head = fh.read(64 * KiB)
    except OSError as exc:
        raise fail(f"cannot be read: {(exc.strerror or str(exc)).lower()}") from None
    if not head:
        raise fail(f"is empty (0 bytes){versus}")
    return head


# --------------------------------------------------------------------------- non-zip content

_MAGIC_NAMES = (
    (b"%PDF", "pdf", "a PDF document"),
    (b"\x89PNG", "image", "a PNG image"),
    (b"\xff\xd8\xff", "image", "a JPEG image"),
    (b"GIF8", "image", "a GIF image"),
    (b"{\\rtf", "rtf", "an RTF document"),
    (b"\x1f\x8b", "archive", "a gzip archive"),
    (b"Rar!", "archive", "a RAR archive"),
    (b"7z\xbc\xaf", "archive", "a 7-Zip archive"),
)


def sniff(head: bytes) -> tuple[str, str]:
    """(kind, description) of a file that is neither a zip nor an OLE file, from its first bytes."""
    for magic, kind, name in _MAGIC_NAMES:
        if head.startswith(magic):
            return kind, name
    text = _as_text(head)
    if text is None:
        return "binary", "unrecognised binary data"
    stripped = text.lstrip("\ufeff \t\r\n")
    lowered = stripped[:4096].lower()
    if stripped.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return "xml-spreadsheet", "an Excel 2003 XML spreadsheet"
        if "<html" in lowered or "<!doctype html" in lowered:
            return "html", "an HTML file"
        return "xml", "an XML text file"
    lines = [ln for ln in stripped.splitlines()[:20] if ln.strip()]
    delimited = sum(1 for ln in lines if any(d in ln for d in (",", ";", "\t")))
    if lines and delimited >= max(1, 0.6 * len(lines)):
        return "csv", "a text (CSV) file"
    return "text", "a text file"


def _as_text(head: bytes) -> str | None:
    """``head`` decoded if it looks like text (any common encoding), else ``None``."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        except UnicodeError:
            return None
    if b"\x00" in head:
        return None
    controls = sum(1 for b in head if b < 0x20 and b not in b"\t\n\r\f\v\x1b")
    if controls > len(head) // 100:
        return None
    return head.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- OLE compound files

def _ole_kind(path: Path) -> str:
    """"encrypted", "xls", "doc", "ppt" or "ole", from the OLE file's stream names.

    olefile only lists the directory; nothing is decoded.
    """
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            names = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # noqa: BLE001 - a damaged OLE file is still an OLE file; say so
        return "ole"
    if {"encryptioninfo", "encryptedpackage"} <= names:
        return "encrypted"
    if {"workbook", "book"} & names:
        return "xls"
    if "worddocument" in names:
        return "doc"
    if "powerpoint document" in names:
        return "ppt"
    return "ole"


_OLE_NAMES = {
    "xls": "a legacy Excel 97-2003 workbook (.xls)",
    "doc": "a legacy Word 97-2003 document (.doc)",
    "ppt": "a legacy PowerPoint 97-2003 presentation (.ppt)",
    "ole": "an old-format or password-protected Office file (OLE compound file)",
}


def ole_message(path: Path, expected: str, what: str = "document") -> str:
    kind = _ole_kind(path)
    if expected == "workbook":
        if kind == "encrypted":
            return ("is encrypted (password-protected): open it in Excel, remove the password "
                    "(File > Info > Protect Workbook > Encrypt with Password) and save it without a password")
        if kind == "xls":
            return f"is {_OLE_NAMES[kind]}: open it in Excel and save it as Excel Workbook (.xlsx)"
        if kind == "ole":
            return (f"is {_OLE_NAMES[kind]}, not an Excel workbook (.xlsx): open it in Excel and "
                    "save it as Excel Workbook (.xlsx) without a password")
        return f"is {_OLE_NAMES[kind]}, not an Excel workbook (.xlsx)"
    if kind == "encrypted":
        return (f"is encrypted (password-protected): open the {what} in Word, remove the password "
                "(File > Info > Protect Document > Encrypt with Password) and save it without a password")
    if kind in ("doc", "ole"):
        return (f"is {_OLE_NAMES[kind]}: open it in Word and save the {what} as Word Document (.docx)"
                + (" without a password" if kind == "ole" else ""))
    return f"is {_OLE_NAMES[kind]}; expected the {what} as a Word document (.docx)"


# --------------------------------------------------------------------------- zip packages

@dataclass
class Package:
    """An inspected zip package: member list, content types, and bounded access to members."""

    path: Path
    zf: zipfile.ZipFile
    fail: Fail
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)  # lower-case name -> info
    overrides: dict[str, str] = field(default_factory=dict)  # lower-case part name -> content type
    defaults: dict[str, str] = field(default_factory=dict)  # lower-case extension -> content type

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path, fail: Fail) -> Iterator["Package"]:
        _check_end_record(path, fail)
        try:
            zf = zipfile.ZipFile(path)
        except Exception as exc:  # noqa: BLE001 - whatever a mangled directory makes zipfile raise
            raise fail(f"is damaged or incomplete (corrupt or truncated zip archive: {_first_line(exc)}): "
                       "save it again from the program that made it") from None
        try:
            pkg = cls(path, zf, fail)
            pkg._check_members()
            pkg._read_content_types()
            yield pkg
        finally:
            zf.close()

    def _check_members(self) -> None:
        infos = self.zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.fail(f"has {len(infos):,} zip entries (limit {MAX_MEMBERS:,}); refused as a possible zip bomb")
        total = 0
        for info in infos:
            key = info.filename.lower()
            if key in self.infos:
                raise self.fail(f"is damaged or tampered with: the zip holds {info.filename} twice")
            self.infos[key] = info
            if info.flag_bits & 0x1:
                raise self.fail(f"contains password-protected zip entries ({info.filename}); refused")
            if info.compress_type not in _SAFE_METHODS:
                raise self.fail(_method_message(info))
            if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
                raise self.fail(f"is damaged or tampered with: the stored entry {info.filename} "
                                "declares two different sizes")
            if max(info.file_size, info.compress_size) > MAX_MEMBER_SIZE:
                raise self.fail(f"looks like a zip bomb: {info.filename} would inflate to "
                                f"{_size(max(info.file_size, info.compress_size))} "
                                f"(limit {_size(MAX_MEMBER_SIZE)}); refused")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise self.fail(f"looks like a zip bomb: {info.filename} would inflate "
                                f"{info.file_size // max(info.compress_size, 1):,} times "
                                f"(limit {MAX_RATIO:,}); refused")
            total += info.file_size
        if total > MAX_TOTAL_SIZE:
            raise self.fail(f"looks like a zip bomb: its parts would inflate to {_size(total)} "
                            f"(limit {_size(MAX_TOTAL_SIZE)}); refused")

    def _read_content_types(self) -> None:
        info = self.infos.get("[content_types].xml")
        if info is None:
            return
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring

        data = bounded_read(self.zf, info, MAX_CONTENT_TYPES, error=self.fail.error)
        try:
            root = fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            raise self.fail("[Content_Types].xml contains an XML document type declaration "
                            "(refused for safety)") from None
        except (ParseError, ValueError) as exc:
            raise self.fail(f"is damaged: [Content_Types].xml is not well-formed ({_first_line(exc)})") from None
        for el in root:
            if el.tag == f"{_CT_NS}Override":
                name = (el.get("PartName") or "").lstrip("/").lower()
                self.overrides[name] = (el.get("ContentType") or "").strip().lower()
            elif el.tag == f"{_CT_NS}Default":
                ext = (el.get("Extension") or "").lower()
                self.defaults[ext] = (el.get("ContentType") or "").strip().lower()

    def has(self, name: str) -> bool:
        return name.lower() in self.infos

    def content_type(self, name: str) -> str:
        key = name.lower()
        if key in self.overrides:
            return self.overrides[key]
        return self.defaults.get(key.rsplit(".", 1)[-1] if "." in key else "", "")

    def kind(self) -> tuple[str | None, str | None]:
        """("xlsx"|"xlsb"|"docx"|"pptx"|"ods"|"odt"|"odp"|None, main part name or None)."""
        for name, ctype in self.overrides.items():
            if ctype in _XLSX_TYPES:
                return "xlsx", name
            if ctype in _DOCX_TYPES:
                return "docx", name
            if ctype == _XLSB_TYPE:
                return "xlsb", name
            if ctype.startswith("application/vnd.openxmlformats-officedocument.presentationml.") \
                    and ctype.endswith(".main+xml"):
                return "pptx", name
        defaults = set(self.defaults.values())
        # Like openpyxl's _find_workbook_part: some writers declare the main type as a default.
        if defaults & set(_XLSX_TYPES):
            return "xlsx", "xl/workbook.xml"
        if defaults & set(_DOCX_TYPES):
            return "docx", "word/document.xml"
        if "mimetype" in self.infos:
            mime = bounded_read(self.zf, self.infos["mimetype"], 256, error=self.fail.error)
            for suffix in ("spreadsheet", "text", "presentation"):
                if mime.startswith(b"application/vnd.oasis.opendocument." + suffix.encode()):
                    return {"spreadsheet": "ods", "text": "odt", "presentation": "odp"}[suffix], None
        if self.overrides or self.defaults:
            return None, None
        # No usable [Content_Types].xml: name what the layout suggests.
        if "word/document.xml" in self.infos:
            return "docx-damaged", None
        if "xl/workbook.xml" in self.infos:
            return "xlsx-damaged", None
        return None, None

    def has_macros(self) -> bool:
        if any(name.endswith("vbaproject.bin") or name.endswith("vbadata.xml") for name in self.infos):
            return True
        types = list(self.overrides.values()) + list(self.defaults.values())
        return any("macroenabled" in t or "vbaproject" in t for t in types)

    def scan_xml_parts(self, owner: str) -> dict[str, str]:
        """Refuse any XML part with a DOCTYPE; return each part's root element ("namespace local")."""
        roots: dict[str, str] = {}
        for key, info in self.infos.items():
            ctype = self.content_type(key)
            if key.endswith((".xml", ".rels", ".vml")) or ctype.endswith("+xml") or ctype in (
                    "application/xml", "text/xml"):
                root = _scan_prolog(self.zf, info, self.fail, owner)
                if root is not None:
                    roots[key] = root
        return roots

    def verify_inflated_sizes(self) -> None:
        """Prove that no deflated member inflates past its declared size (a lying header).

        zipfile's ``read()`` asks zlib for up to 2 GiB in one call and only then cuts the output to the
        declared size, so a member declaring 1 KiB could still cost gigabytes inside openpyxl.
        """
        suspects = [i for i in self.infos.values() if i.compress_type == zipfile.ZIP_DEFLATED
                    and i.compress_size * _DEFLATE_WORST_RATIO > i.file_size + HIDDEN_SLACK]
        if not suspects:
            return
        with open(self.path, "rb") as fh:
            for info in suspects:
                _inflate_within(fh, info, self.fail)


def _method_message(info: zipfile.ZipInfo) -> str:
    name = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
    return (f"{info.filename} uses {name} compression, which Office never writes; refused "
            "(save the file again from the program that made it)")


def _check_end_record(path: Path, fail: Fail) -> None:
    """Read the zip's end record and refuse huge central directories before zipfile loads one.

    zipfile reads the whole central directory into memory and builds an object per entry; hand-parsed
    here (a dozen lines) because zipfile has no public call for the end record.
    """
    truncated = ("is damaged or incomplete (the zip archive is truncated or corrupt): "
                 "save it again from the program that made it")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tail_len = min(size, 22 + 65535)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        # Like zipfile: the record is the last 22 bytes unless the archive has a comment.
        at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise fail(truncated)
        _, _, _, _, entries, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
        if (entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF) and at >= 20 \
                and tail[at - 20:at - 16] == b"PK\x06\x07":
            _, _, z64_offset, _ = struct.unpack("<4sLQL", tail[at - 20:at])
            if z64_offset + 56 > size:
                raise fail(truncated)
            fh.seek(z64_offset)
            rec = fh.read(56)
            if rec[:4] != b"PK\x06\x06":
                raise fail(truncated)
            _, _, _, _, _, _, _, entries, cd_size, _ = struct.unpack("<4sQ2H2L4Q", rec)
    if entries > MAX_MEMBERS:
        raise fail(f"has {entries:,} zip entries (limit {MAX_MEMBERS:,}); refused as a possible zip bomb")
    if cd_size > MAX_CENTRAL_DIRECTORY:
        raise fail(f"has a zip directory of {_size(cd_size)} (limit {_size(MAX_CENTRAL_DIRECTORY)}); refused")


def _inflate_within(fh: io.BufferedReader, info: zipfile.ZipInfo, fail: Fail) -> None:
    """Inflate one member's raw deflate data in 1 MiB steps; refuse once it passes its declared size."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise fail(f"is damaged: the zip entry {info.filename} has no local header")
    name_len, extra_len = struct.unpack("<2H", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = zlib.decompressobj(-15)
    remaining, produced = info.compress_size, 0
    try:
        while remaining > 0 and not inflater.eof:
            chunk = fh.read(min(64 * KiB, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            while chunk and not inflater.eof:
                produced += len(inflater.decompress(chunk, MiB))
                if produced > info.file_size:
                    raise fail(f"looks like a zip bomb: {info.filename} inflates to more than its declared "
                               f"size of {_size(info.file_size)}; refused")
                chunk = inflater.unconsumed_tail
    except zlib.error as exc:
        raise fail(f"is damaged: the zip entry {info.filename} cannot be inflated ({_first_line(exc)})") from None


class _Root(Exception):
    def __init__(self, name: str):
        self.name = name


class _Doctype(Exception):
    def __init__(self, what: str):
        self.what = what


def _scan_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, fail: Fail, owner: str) -> str | None:
    """Parse one part up to its root element with expat; refuse a DOCTYPE, return the root's name.

    A DOCTYPE (and so any entity declaration or external DTD) can only stand before the root element,
    so reading the prolog is enough. Entity declarations are refused as soon as expat reports the
    first one, before anything could be expanded. Other syntax errors are left to the library.
    """
    parser = expat.ParserCreate(namespace_separator=" ")

    def start_doctype(name, system_id, public_id, has_internal_subset):
        if not has_internal_subset:
            raise _Doctype("an XML document type declaration referring to an external DTD"
                           if system_id else "an XML document type declaration (DOCTYPE)")

    def entity_decl(name, is_parameter, value, base, system_id, public_id, notation):
        raise _Doctype("an XML external entity reference" if system_id else "an XML entity declaration")

    def end_doctype():
        raise _Doctype("an XML document type declaration (DOCTYPE)")

    def start_element(name, attrs):
        raise _Root(name)

    parser.StartDoctypeDeclHandler = start_doctype
    parser.EntityDeclHandler = entity_decl
    parser.EndDoctypeDeclHandler = end_doctype
    parser.StartElementHandler = start_element
    read = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(16 * KiB)
                read += len(chunk)
                if read > MAX_PROLOG:
                    raise fail(f"{info.filename} has over {_size(MAX_PROLOG)} of XML before its first "
                               "element (refused for safety)")
                parser.Parse(chunk, not chunk)
                if not chunk:
                    return None
    except _Root as root:
        return root.name
    except _Doctype as found:
        raise fail(f"{owner} contains {found.what} in {info.filename} (refused for safety)") from None
    except (expat.ExpatError, ValueError, LookupError) as exc:
        # pyexpat raises ValueError for multi-byte encodings and LookupError for unknown ones.
        unknown = getattr(exc, "code", None) == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]
        if unknown or not isinstance(exc, expat.ExpatError):
            raise fail(f"{info.filename} uses an XML encoding other than UTF-8 or UTF-16, which "
                       "Office Open XML does not allow; refused") from None
        return None  # not well-formed: the library will say so
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
        raise fail(f"is damaged: cannot read the part {info.filename} ({_first_line(exc)})") from None


# --------------------------------------------------------------------------- byte-identical packages

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def normalized(data: bytes, core_time: str = "2026-01-01T00:00:00Z") -> bytes:
    """The zip ``data`` rewritten: ``[Content_Types].xml`` first, then the rest in their original order,
    each with a fixed timestamp, fixed permissions and deflate compression; the created/modified dates of
    ``docProps/core.xml`` (which openpyxl sets to now on save) become ``core_time``."""
    from ..fileio import zip_bytes

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml")  # stable sort

        def entries():
            for info in infos:
                member = src.read(info)
                if info.filename == "docProps/core.xml":
                    member = _CORE_DATES.sub(lambda m: m[1] + core_time.encode() + m[3], member)
                yield info.filename, member

        return zip_bytes(entries())




def workbook_bytes(wb, when: datetime) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend only on its content and ``when``."""
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalized(buf.getvalue(), when.strftime("%Y-%m-%dT%H:%M:%SZ"))
