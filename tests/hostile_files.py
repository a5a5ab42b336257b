"""Makers of hostile and broken files, for the safety tests and for any test that feeds the tool bad input.

Each ``make_*`` function writes one file (or folder) into ``folder`` and returns its path. All are
real files: valid packages are written by openpyxl / python-docx and then altered; zip bombs are
genuine (their data really inflates to gigabytes, with correct CRCs) but built in well under a second
by repeating compressed segments, so they stay a few megabytes on disk.
"""
from __future__ import annotations

import bz2
import random
import struct
import zipfile
import zlib
from pathlib import Path

MiB = 1 << 20
GiB = 1 << 30
BOMB_SIZE = 3 * GiB

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    '<si><t>Warehouse move</t></si></sst>'
)


# --------------------------------------------------------------------------- valid packages

def make_valid_xlsx(folder: Path, name: str = "plan.xlsx") -> Path:
    """A small real workbook: a Project sheet with text, a number and a date.

    Written by openpyxl, then given a shared-strings part for B2 as Excel would write it (openpyxl
    writes inline strings), so that attacks on xl/sharedStrings.xml have a real part to replace.
    """
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Project"
    ws.append(["Field", "Value"])
    ws.append(["Name", "Warehouse move"])
    ws.append(["Budget", 125000])
    ws.append(["Start", datetime.date(2025, 3, 3)])
    path = Path(folder) / name
    wb.save(path)
    members = _members(path)
    sheet = members["xl/worksheets/sheet1.xml"]
    inline = b'<c r="B2" t="inlineStr"><is><t>Warehouse move</t></is></c>'
    assert inline in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(inline, b'<c r="B2" t="s"><v>0</v></c>')
    members["xl/sharedStrings.xml"] = SHARED_STRINGS.encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'.encode())
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rIdSst"/></Relationships>'.encode())
    return _write_zip(path, members)


def make_valid_docx(folder: Path, name: str = "document.docx") -> Path:
    """A small real Word document written by python-docx."""
    import docx

    doc = docx.Document()
    doc.add_heading("Implementation plan", level=1)
    doc.add_paragraph("A paragraph a reviewer may comment on.")
    path = Path(folder) / name
    doc.save(path)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return path


def _altered_xlsx(folder: Path, name: str, changes: dict[str, bytes]) -> Path:
    """A valid workbook with some members replaced or added."""
    members = _members(make_valid_xlsx(folder, f".base-{name}"))
    (Path(folder) / f".base-{name}").unlink()
    assert all(key in members for key in changes if key.endswith(".xml")), "replacing a member that is not there"
    members.update(changes)
    return _write_zip(Path(folder) / name, members)


def _sheet_xml(body: str, dimension: str = "A1:B4") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{SHEET_NS}"><dimension ref="{dimension}"/><sheetData>{body}</sheetData>'
            f'</worksheet>').encode()


# --------------------------------------------------------------------------- XML attacks

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE sst [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10))
    + ']>\n'
    f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)

XXE_SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE sst [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)


def make_billion_laughs_xlsx(folder: Path, name: str = "laughs.xlsx") -> Path:
    """A valid workbook whose sharedStrings.xml expands one entity to a billion "lol"s."""
    return _altered_xlsx(folder, name, {"xl/sharedStrings.xml": BILLION_LAUGHS.encode()})


def make_billion_laughs_sheet_xlsx(folder: Path, name: str = "laughs-sheet.xlsx") -> Path:
    """The same attack in xl/worksheets/sheet1.xml (parsed lazily by read-only openpyxl)."""
    dtd = BILLION_LAUGHS.split("<sst")[0].replace("DOCTYPE sst", "DOCTYPE worksheet")
    sheet = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>').decode()
    return _altered_xlsx(folder, name, {"xl/worksheets/sheet1.xml": (dtd + sheet.split("\n", 1)[1]).encode()})


def make_xxe_xlsx(folder: Path, name: str = "xxe.xlsx") -> Path:
    """A valid workbook whose shared string is an external entity reading /etc/passwd."""
    return _altered_xlsx(folder, name, {"xl/sharedStrings.xml": XXE_SHARED_STRINGS.encode()})


def make_utf16_xxe_xlsx(folder: Path, name: str = "xxe-utf16.xlsx") -> Path:
    """The XXE shared string encoded as UTF-16 (a byte search for "<!DOCTYPE" would miss it)."""
    xml = XXE_SHARED_STRINGS.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return _altered_xlsx(folder, name, {"xl/sharedStrings.xml": xml.encode("utf-16")})


def make_big5_part_xlsx(folder: Path, name: str = "big5.xlsx") -> Path:
    """A shared-strings part declared and encoded as Big5, which Office Open XML does not allow."""
    xml = SHARED_STRINGS.replace('encoding="UTF-8"', 'encoding="Big5"').replace("Warehouse move", "倉庫搬遷")
    return _altered_xlsx(folder, name, {"xl/sharedStrings.xml": xml.encode("big5")})


def make_xxe_docx(folder: Path, name: str = "xxe.docx") -> Path:
    """A python-docx document whose word/document.xml pulls /etc/passwd into a paragraph."""
    path = make_valid_docx(folder, name)
    members = _members(path)
    xml = members["word/document.xml"].decode()
    decl, rest = xml.split("\n", 1) if xml.startswith("<?xml") else ("", xml)
    rest = rest.replace("A paragraph a reviewer may comment on.", "&xxe;")
    members["word/document.xml"] = (decl + '\n<!DOCTYPE w:document [ <!ENTITY xxe SYSTEM '
                                    '"file:///etc/passwd"> ]>\n' + rest).encode()
    return _write_zip(path, members)


# --------------------------------------------------------------------------- zip bombs

def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine, which Python lacks)."""
    def times(mat: list[int], vec: int) -> int:
        out, i = 0, 0
        while vec:
            if vec & 1:
                out ^= mat[i]
            vec >>= 1
            i += 1
        return out

    def square(mat: list[int]) -> list[int]:
        return [times(mat, mat[n]) for n in range(32)]

    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if len2 & 1:
            crc1 = times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = square(even)
        if len2 & 1:
            crc1 = times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeat(crc: int, length: int, times: int) -> int:
    """CRC-32 of ``times`` copies of a block whose CRC is ``crc`` and length ``length``."""
    result = 0
    while times:
        if times & 1:
            result = crc32_combine(result, crc, length)
        crc = crc32_combine(crc, crc, length)
        length *= 2
        times >>= 1
    return result


def deflate_bomb(header: bytes, footer: bytes, size: int = BOMB_SIZE, fill: bytes = b" ") -> tuple[bytes, int, int]:
    """Raw deflate data of header + ``fill`` x about ``size`` + footer: (data, crc32, inflated size).

    After a full flush deflate starts afresh, so one compressed MiB of filler can be repeated.
    """
    block = fill * MiB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(header) + comp.flush(zlib.Z_FULL_FLUSH)
    segment = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert segment == comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(footer) + comp.flush()
    times = size // MiB
    crc = crc32_combine(zlib.crc32(header), _crc_repeat(zlib.crc32(block), MiB, times), MiB * times)
    crc = crc32_combine(crc, zlib.crc32(footer), len(footer))
    return head + segment * times + tail, crc, len(header) + MiB * times + len(footer)


_BZ_BLOCK_MAGIC = 0x314159265359
_BZ_END_MAGIC = 0x177245385090


def _bz2_block(data: bytes) -> tuple[int, int, int]:
    """The one block of ``bz2.compress(data)``: (bits, number of bits, block CRC)."""
    stream = bz2.compress(data, 9)
    value, total = int.from_bytes(stream, "big"), len(stream) * 8

    def bits(start: int, count: int) -> int:
        return (value >> (total - start - count)) & ((1 << count) - 1)

    assert stream[:4] == b"BZh9" and bits(32, 48) == _BZ_BLOCK_MAGIC
    for pad in range(8):
        end = total - pad - 80
        if bits(end, 48) == _BZ_END_MAGIC:
            break
    else:
        raise AssertionError("no bzip2 end-of-stream marker")
    block_crc = bits(80, 32)
    assert bits(end + 48, 32) == block_crc, "data did not fit one bzip2 block"
    return bits(32, end - 32), end - 32, block_crc


def bz2_stream(blocks: list[tuple[int, int, int]]) -> bytes:
    """A bzip2 stream of the given blocks (bit-aligned, with the combined stream CRC)."""
    acc, nbits, combined = int.from_bytes(b"BZh9", "big"), 32, 0
    for bits, count, crc in blocks:
        acc = (acc << count) | bits
        nbits += count
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ crc
    acc = (((acc << 48) | _BZ_END_MAGIC) << 32) | combined
    nbits += 80
    pad = -nbits % 8
    return (acc << pad).to_bytes((nbits + pad) // 8, "big")


def bzip2_bomb(header: bytes, footer: bytes, size: int = BOMB_SIZE, fill: bytes = b" ") -> tuple[bytes, int, int]:
    """bzip2 data of header + ``fill`` x about ``size`` + footer: (data, crc32, inflated size)."""
    chunk = 32 * MiB  # after bzip2's first run-length pass this fits one 900k block
    times = size // chunk
    blocks = [_bz2_block(header)] + [_bz2_block(fill * chunk)] * times + [_bz2_block(footer)]
    crc = crc32_combine(zlib.crc32(header), _crc_repeat(zlib.crc32(fill * chunk), chunk, times), chunk * times)
    crc = crc32_combine(crc, zlib.crc32(footer), len(footer))
    return bz2_stream(blocks), crc, len(header) + chunk * times + len(footer)


def write_raw_zip(path: Path, members: list[tuple[str, int, bytes, int, int]]) -> Path:
    """Write a zip from already compressed members: (name, method, data, crc32, declared size).

    zipfile cannot store pre-compressed data or a size that differs from the data, hence by hand.
    """
    central = []
    with open(path, "wb") as fh:
        for name, method, data, crc, size in members:
            raw = name.encode()
            offset = fh.tell()
            fh.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 46, 0, method, 0, 0x21, crc, len(data), size,
                                 len(raw), 0) + raw)
            fh.write(data)
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 46, 46, 0, method, 0, 0x21, crc, len(data),
                                       size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
        directory = b"".join(central)
        start = fh.tell()
        fh.write(directory)
        fh.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0))
    return path


def _deflated(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def _bombed(source: Path, target: Path, member: str, payload: tuple[bytes, int, int], method: int,
            declared: int | None = None, crc: int | None = None) -> Path:
    """``source`` rewritten with ``member`` replaced by a pre-compressed payload."""
    entries = []
    for name, data in _members(source).items():
        if name == member:
            body, real_crc, size = payload
            entries.append((name, method, body, real_crc if crc is None else crc, size if declared is None else declared))
        else:
            entries.append((name, zipfile.ZIP_DEFLATED, _deflated(data), zlib.crc32(data), len(data)))
    return write_raw_zip(target, entries)


def _sheet_bomb_parts() -> tuple[bytes, bytes]:
    head, tail = _sheet_xml("@@").split(b"@@")
    return head, tail


def make_zip_bomb_xlsx(folder: Path, name: str = "bomb.xlsx") -> Path:
    """A valid workbook whose sheet1.xml is well-formed XML that inflates to 3 GiB (about 3 MB on disk)."""
    base = make_valid_xlsx(folder, f".base-{name}")
    head, tail = _sheet_bomb_parts()
    path = _bombed(base, Path(folder) / name, "xl/worksheets/sheet1.xml", deflate_bomb(head, tail), zipfile.ZIP_DEFLATED)
    base.unlink()
    return path


def make_bzip2_bomb_xlsx(folder: Path, name: str = "bomb-bzip2.xlsx") -> Path:
    """The same with a bzip2 member (zipfile reads bzip2 transparently): a few KB inflating to 3 GiB."""
    base = make_valid_xlsx(folder, f".base-{name}")
    head, tail = _sheet_bomb_parts()
    path = _bombed(base, Path(folder) / name, "xl/worksheets/sheet1.xml", bzip2_bomb(head, tail), zipfile.ZIP_BZIP2)
    base.unlink()
    return path


def make_lying_zip_bomb_xlsx(folder: Path, name: str = "bomb-lying.xlsx") -> Path:
    """A deflate bomb whose zip headers declare 4 KiB, with the CRC of those first 4 KiB.

    zipfile cuts the data at the declared size and the CRC matches, so only inflating the raw data
    shows the lie; zipfile's ``read()`` would first inflate up to 2 GiB in one call.
    """
    base = make_valid_xlsx(folder, f".base-{name}")
    head, tail = _sheet_bomb_parts()
    payload = deflate_bomb(head, tail)
    declared = 4096
    first = head + b" " * (declared - len(head))
    path = _bombed(base, Path(folder) / name, "xl/worksheets/sheet1.xml", payload, zipfile.ZIP_DEFLATED,
                   declared=declared, crc=zlib.crc32(first))
    base.unlink()
    return path


def make_zip_bomb_docx(folder: Path, name: str = "bomb.docx") -> Path:
    """A python-docx document whose word/document.xml inflates to 3 GiB."""
    base = make_valid_docx(folder, f".base-{name}")
    xml = _members(base)["word/document.xml"]
    at = xml.index(b"<w:body>") + len(b"<w:body>")
    path = _bombed(base, Path(folder) / name, "word/document.xml", deflate_bomb(xml[:at], xml[at:]),
                   zipfile.ZIP_DEFLATED)
    base.unlink()
    return path


def make_missing_part_xlsx(folder: Path, name: str = "missing-strings.xlsx",
                           part: str = "xl/sharedStrings.xml") -> Path:
    """A workbook with a part that is declared and linked but absent from the zip."""
    members = _members(make_valid_xlsx(folder, f".base-{name}"))
    (Path(folder) / f".base-{name}").unlink()
    del members[part]
    return _write_zip(Path(folder) / name, members)


def make_missing_sheet_xlsx(folder: Path, name: str = "missing-sheet.xlsx") -> Path:
    """A workbook whose only sheet part is gone (openpyxl would return a workbook with no sheets)."""
    return make_missing_part_xlsx(folder, name, "xl/worksheets/sheet1.xml")


def make_many_members_xlsx(folder: Path, name: str = "many.xlsx", count: int = 10_001) -> Path:
    """A valid workbook padded with ``count`` tiny extra members."""
    members = _members(make_valid_xlsx(folder, f".base-{name}"))
    (Path(folder) / f".base-{name}").unlink()
    members.update({f"xl/media/pad{i}.bin": b"" for i in range(count)})
    return _write_zip(Path(folder) / name, members)


# --------------------------------------------------------------------------- OLE files

def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB version 3) holding up to three streams at the root.

    Streams are padded to 4 KiB so they live in regular sectors (no mini stream). Written by hand:
    olefile only reads, and this is all a test needs.
    """
    assert 1 <= len(streams) <= 3
    end, free, fat_sector, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end]  # sector 0: FAT, sector 1: directory
    data = b""
    entries = []
    for stream_name, content in streams.items():
        content = content.ljust(4096, b"\0")
        content += b"\0" * (-len(content) % 512)
        first = len(fat)
        count = len(content) // 512
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        entries.append((stream_name, first, len(content)))
        data += content
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le")
        return struct.pack("<64sHBBLLL16sLQQLQ", raw.ljust(64, b"\0"), len(raw) + 2 if name else 0, kind, 1,
                           nostream, right, child, b"\0" * 16, 0, 0, 0, start, size)

    directory = entry("Root Entry", 5, nostream, 1, end, 0)
    for i, (stream_name, first, size) in enumerate(entries, start=1):
        directory += entry(stream_name, 2, i + 1 if i < len(entries) else nostream, nostream, first, size)
    while len(directory) < 512:  # unused entries: no siblings, no children
        directory += entry("", 0, nostream, nostream, 0, 0)
    header = struct.pack("<8s16sHHHHH6sLLLLLLLLL", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE,
                         9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<L", 0) + struct.pack("<108L", *([free] * 108))
    return header + struct.pack("<128L", *fat) + directory + data


def make_legacy_xls(folder: Path, name: str = "plan.xls") -> Path:
    """An Excel 97-2003 file as far as the container goes: an OLE file with a Workbook stream."""
    bof = struct.pack("<HHHHHHLL", 0x0809, 16, 0x0600, 0x0005, 0, 0, 0, 0)  # a BIFF8 BOF record
    path = Path(folder) / name
    path.write_bytes(ole_file({"Workbook": bof}))
    return path


def make_legacy_doc(folder: Path, name: str = "template.doc") -> Path:
    """A Word 97-2003 container: an OLE file with WordDocument and 1Table streams."""
    path = Path(folder) / name
    path.write_bytes(ole_file({"WordDocument": b"\xec\xa5", "1Table": b""}))
    return path


def make_fake_encrypted_xlsx(folder: Path, name: str = "locked-ole.xlsx") -> Path:
    """An OLE file with EncryptionInfo and EncryptedPackage streams (no real cipher text)."""
    path = Path(folder) / name
    path.write_bytes(ole_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\0" * 16}))
    return path


def make_encrypted_xlsx(folder: Path, name: str = "locked.xlsx", password: str = "secret") -> Path:
    """A real workbook encrypted with a password by msoffcrypto-tool (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    base = make_valid_xlsx(folder, f".base-{name}")
    path = Path(folder) / name
    with open(base, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt(password, out)
    base.unlink()
    return path


def make_encrypted_docx(folder: Path, name: str = "locked.docx", password: str = "secret") -> Path:
    """A real Word document encrypted with a password by msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    base = make_valid_docx(folder, f".base-{name}")
    path = Path(folder) / name
    with open(base, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt(password, out)
    base.unlink()
    return path


# --------------------------------------------------------------------------- not workbooks at all

def make_csv_as_xlsx(folder: Path, name: str = "plan.xlsx") -> Path:
    path = Path(folder) / name
    path.write_text("ID,Task,Owner,Start\nT1,Plan the move,Ann,2025-03-03\nT2,Pack,Bo,2025-03-10\n", encoding="utf-8")
    return path


def make_text_file(folder: Path, name: str = "notes.xlsx") -> Path:
    path = Path(folder) / name
    path.write_text("Notes from the kick-off meeting\nWe agreed to start in March.\n", encoding="utf-8")
    return path


def make_empty_file(folder: Path, name: str = "empty.xlsx") -> Path:
    path = Path(folder) / name
    path.write_bytes(b"")
    return path


def make_random_binary(folder: Path, name: str = "noise.xlsx") -> Path:
    data = random.Random(20250303).randbytes(8192)
    assert not data.startswith((b"PK", b"\xd0\xcf"))
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def make_truncated_xlsx(folder: Path, name: str = "truncated.xlsx") -> Path:
    """The first half of a real workbook."""
    base = make_valid_xlsx(folder, f".base-{name}")
    data = base.read_bytes()
    base.unlink()
    path = Path(folder) / name
    path.write_bytes(data[: len(data) // 2])
    return path


def make_truncated_docx(folder: Path, name: str = "truncated.docx") -> Path:
    base = make_valid_docx(folder, f".base-{name}")
    data = base.read_bytes()
    base.unlink()
    path = Path(folder) / name
    path.write_bytes(data[: len(data) // 2])
    return path


def make_corrupt_docx(folder: Path, name: str = "corrupt.docx") -> Path:
    """A complete zip whose word/document.xml is cut off mid-element (not well-formed)."""
    path = make_valid_docx(folder, name)
    members = _members(path)
    xml = members["word/document.xml"]
    members["word/document.xml"] = xml[: len(xml) * 2 // 3]
    return _write_zip(path, members)


def make_docx_as_xlsx(folder: Path, name: str = "plan.xlsx") -> Path:
    """A Word document with a workbook's name."""
    base = make_valid_docx(folder, f".base-{name}")
    path = Path(folder) / name
    base.rename(path)
    return path


def make_xlsx_as_docx(folder: Path, name: str = "template.docx") -> Path:
    """A workbook with a Word document's name."""
    base = make_valid_xlsx(folder, f".base-{name}")
    path = Path(folder) / name
    base.rename(path)
    return path


def make_plain_zip(folder: Path, name: str = "plan.xlsx") -> Path:
    """A zip archive of two text files, nothing Office about it."""
    return _write_zip(Path(folder) / name, {"readme.txt": b"hello\n", "data/plan.csv": b"ID,Task\nT1,Plan\n"})


def make_missing_path(folder: Path, name: str = "no-such-plan.xlsx") -> Path:
    return Path(folder) / name


def make_directory(folder: Path, name: str = "plan.xlsx") -> Path:
    path = Path(folder) / name
    path.mkdir()
    return path


# --------------------------------------------------------------------------- unusual but valid, or not

STRICT_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" '
        'xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships" conformance="strict">'
        '<sheets><sheet name="Project" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Field</t></is></c><c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>'
        '</sheetData></worksheet>'),
}


def make_strict_xlsx(folder: Path, name: str = "strict.xlsx") -> Path:
    """A Strict Open XML workbook (Excel's "Strict Open XML Spreadsheet"); openpyxl reads it as empty."""
    return _write_zip(Path(folder) / name, {k: v.encode() for k, v in STRICT_FILES.items()})


def _with_vba(members: dict[str, bytes], main_part: str, old_type: str, new_type: str, rels: str) -> dict[str, bytes]:
    types = members["[Content_Types].xml"].decode().replace(old_type, new_type)
    types = types.replace("</Types>", f'<Default Extension="bin" ContentType="{VBA_TYPE}"/></Types>')
    members["[Content_Types].xml"] = types.encode()
    members[rels] = members[rels].decode().replace(
        "</Relationships>", f'<Relationship Id="rIdVba1" Type="{VBA_REL}" Target="vbaProject.bin"/></Relationships>'
    ).encode()
    members[main_part.rsplit("/", 1)[0] + "/vbaProject.bin"] = ole_file({"dir": b"\x01" * 64, "PROJECT": b"ID=\"{}\"\r\n"})
    return members


def make_xlsm(folder: Path, name: str = "plan.xlsm") -> Path:
    """A valid macro-enabled workbook (vbaProject.bin, macroEnabled content type): must be accepted."""
    members = _members(make_valid_xlsx(folder, f".base-{name}"))
    (Path(folder) / f".base-{name}").unlink()
    members = _with_vba(members, "xl/workbook.xml", XLSX_MAIN, XLSM_MAIN, "xl/_rels/workbook.xml.rels")
    return _write_zip(Path(folder) / name, members)


def make_docm(folder: Path, name: str = "template.docm") -> Path:
    """A macro-enabled Word file (vbaProject.bin, macroEnabled content type): refused."""
    base = make_valid_docx(folder, f".base-{name}")
    members = _members(base)
    base.unlink()
    members = _with_vba(members, "word/document.xml", DOCX_MAIN, DOCM_MAIN, "word/_rels/document.xml.rels")
    return _write_zip(Path(folder) / name, members)


def make_dotx(folder: Path, name: str = "template.dotx") -> Path:
    """A Word template (.dotx content type), which python-docx refuses to open."""
    base = make_valid_docx(folder, f".base-{name}")
    members = _members(base)
    base.unlink()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        DOCX_MAIN.encode(), b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
    return _write_zip(Path(folder) / name, members)


def make_huge_dimension_xlsx(folder: Path, name: str = "wide.xlsx", rows: int = 200) -> Path:
    """A workbook of ``rows`` short rows declaring the dimension A1:XFD1048576 (the whole sheet)."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 2}</v></c></row>'
                   for r in range(1, rows + 1))
    return _altered_xlsx(folder, name, {"xl/worksheets/sheet1.xml": _sheet_xml(body, "A1:XFD1048576")})


def make_warning_xlsx(folder: Path, name: str = "validation.xlsx") -> Path:
    """A workbook with an x14 data-validation extension: openpyxl warns it is not supported."""
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           '<x14:dataValidations count="0"/></ext></extLst>')
    sheet = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(b"</worksheet>", ext.encode() + b"</worksheet>")
    return _altered_xlsx(folder, name, {"xl/worksheets/sheet1.xml": sheet})


def make_doctype_only_xlsx(folder: Path, name: str = "doctype.xlsx") -> Path:
    """A workbook whose workbook.xml has a harmless DOCTYPE (no entities): still refused."""
    members = _members(make_valid_xlsx(folder, f".base-{name}"))
    (Path(folder) / f".base-{name}").unlink()
    xml = members["xl/workbook.xml"].decode()
    decl, rest = xml.split("?>", 1) if xml.startswith("<?xml") else ("<?xml version='1.0' encoding='UTF-8'", xml)
    members["xl/workbook.xml"] = (decl + "?><!DOCTYPE workbook>" + rest).encode()
    return _write_zip(Path(folder) / name, members)


def make_duplicate_member_xlsx(folder: Path, name: str = "duplicate.xlsx") -> Path:
    """A workbook whose zip holds xl/workbook.xml twice."""
    import warnings

    path = make_valid_xlsx(folder, name)
    data = _members(path)["xl/workbook.xml"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name"
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("xl/workbook.xml", data)
    return path


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).is_file() else ""


__all__ = [name for name in dir() if name.startswith("make_")] + [
    "deflate_bomb", "bzip2_bomb", "bz2_stream", "crc32_combine", "write_raw_zip", "ole_file", "sha256",
]
