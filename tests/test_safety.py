"""The safety layer refuses every hostile or broken file with one line, fast, in little memory."""
from __future__ import annotations

import bz2
import os
import random
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

import hostile_files as H
from implan_docs.docx import guard as docx_guard
from implan_docs.xlsx import guard as xlsx_guard
from implan_docs.xlsx import package
from implan_docs.errors import DocumentError, ImplanError, TemplateError, WorkbookError

HERE = Path(__file__).parent
NO_HANG = 5.0  # seconds; generous on a loaded 2-core machine, far below what an unguarded bomb takes


def assert_one_line(exc: ImplanError, path: Path, *words: str) -> str:
    """The error names the file, is a single line, and says each of ``words``."""
    text = str(exc)
    assert "\n" not in text and "\r" not in text, text
    assert exc.location.file == path.name
    assert text.startswith(f"{path.name}: "), text
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    return text


# --------------------------------------------------------------------------- workbooks refused

WORKBOOK_CASES = [
    (H.make_missing_path, ["file not found"]),
    (H.make_directory, ["is a folder", "not an Excel workbook"]),
    (H.make_empty_file, ["empty (0 bytes)"]),
    (H.make_encrypted_xlsx, ["encrypted", "save it without a password"]),
    (H.make_fake_encrypted_xlsx, ["encrypted", "without a password"]),
    (H.make_legacy_xls, ["Excel 97-2003", ".xls", "save it as Excel Workbook (.xlsx)"]),
    (H.make_legacy_doc, ["Word 97-2003", "not an Excel workbook"]),
    (H.make_csv_as_xlsx, ["CSV", "not an Excel workbook", "save it as Excel Workbook (.xlsx)"]),
    (H.make_text_file, ["text file", "not an Excel workbook"]),
    (H.make_random_binary, ["binary", "not an Excel workbook"]),
    (H.make_truncated_xlsx, ["truncated"]),
    (H.make_docx_as_xlsx, ["is a Word document", "not an Excel workbook"]),
    (H.make_plain_zip, ["zip archive", "not an Excel workbook"]),
    (H.make_strict_xlsx, ["Strict Open XML", "save it as Excel Workbook (not Strict Open XML)"]),
    (H.make_zip_bomb_xlsx, ["zip bomb", "xl/worksheets/sheet1.xml", "3.0 GiB"]),
    (H.make_bzip2_bomb_xlsx, ["bzip2", "xl/worksheets/sheet1.xml"]),
    (H.make_lying_zip_bomb_xlsx, ["zip bomb", "more than its declared size"]),
    (H.make_many_members_xlsx, ["zip entries", "limit 10,000"]),
    (H.make_duplicate_member_xlsx, ["xl/workbook.xml twice"]),
    (H.make_missing_sheet_xlsx, ["sheet part xl/worksheets/sheet1.xml is missing"]),
    (H.make_billion_laughs_xlsx, ["entity declaration", "xl/sharedStrings.xml", "refused for safety"]),
    (H.make_billion_laughs_sheet_xlsx, ["entity declaration", "xl/worksheets/sheet1.xml"]),
    (H.make_xxe_xlsx, ["external entity", "xl/sharedStrings.xml", "refused for safety"]),
    (H.make_doctype_only_xlsx, ["DOCTYPE", "xl/workbook.xml"]),
    (H.make_utf16_xxe_xlsx, ["external entity", "xl/sharedStrings.xml"]),
    (H.make_big5_part_xlsx, ["encoding other than UTF-8 or UTF-16", "xl/sharedStrings.xml"]),
    (H.make_xlsx_as_docx, ["Excel workbook", "rename it to .xlsx"]),
]


@pytest.mark.parametrize("maker, words", WORKBOOK_CASES, ids=[m.__name__[5:] for m, _ in WORKBOOK_CASES])
def test_hostile_workbook_is_refused_in_one_line(tmp_path, maker, words):
    path = maker(tmp_path)
    before = H.sha256(path)
    start = time.monotonic()
    with pytest.raises(WorkbookError) as caught:
        xlsx_guard.open_workbook(path)
    elapsed = time.monotonic() - start
    text = assert_one_line(caught.value, path, *words)
    assert "root:" not in text and "/bin/" not in text  # nothing of /etc/passwd leaks
    assert elapsed < NO_HANG
    assert H.sha256(path) == before
    # check_workbook_file alone says the same
    with pytest.raises(WorkbookError) as again:
        xlsx_guard.check_workbook_file(path)
    assert str(again.value) == text


def test_workbook_refusals_are_fast_together(tmp_path):
    """All the hostile workbooks, bombs included, are refused in well under a second each."""
    paths = [maker(tmp_path / maker.__name__) for maker, _ in WORKBOOK_CASES
             if (tmp_path / maker.__name__).mkdir() is None]
    start = time.monotonic()
    for path in paths:
        with pytest.raises(WorkbookError):
            xlsx_guard.check_workbook_file(path)
    assert (time.monotonic() - start) / len(paths) < 0.5


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "plan.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(WorkbookError) as caught:
        xlsx_guard.check_workbook_file(fifo)
    assert_one_line(caught.value, fifo, "not a regular file")


@pytest.mark.parametrize("content, words", [
    ('<html><body><table><tr><td>1</td></tr></table></body></html>', ["HTML file", "save it as Excel Workbook"]),
    ('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     ["Excel 2003 XML spreadsheet", "save it as Excel Workbook"]),
    ("ID;Task;Owner\nT1;Plan;Ann\n", ["CSV"]),
    ("%PDF-1.7\n...", ["PDF document"]),
])
def test_other_text_and_documents_are_named(tmp_path, content, words):
    path = tmp_path / "plan.xlsx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        xlsx_guard.check_workbook_file(path)
    assert_one_line(caught.value, path, *words)


def test_utf16_and_big5_csv_are_text_not_binary(tmp_path):
    for encoding in ("utf-16", "big5"):
        path = tmp_path / f"plan-{encoding}.xlsx"
        path.write_bytes("編號,任務,負責人\nT1,規劃,王小明\n".encode(encoding))
        with pytest.raises(WorkbookError) as caught:
            xlsx_guard.check_workbook_file(path)
        assert_one_line(caught.value, path, "CSV")


# --------------------------------------------------------------------------- workbooks accepted

def test_valid_workbook_opens_and_reads(tmp_path):
    path = H.make_valid_xlsx(tmp_path)
    before = H.sha256(path)
    wb = xlsx_guard.open_workbook(path)
    try:
        with package.converting(path):
            rows = list(wb["Project"].iter_rows(values_only=True))
    finally:
        wb.close()
    assert rows[1] == ("Name", "Warehouse move")  # from the shared-strings part
    assert rows[2] == ("Budget", 125000)
    assert H.sha256(path) == before


def test_xlsm_is_accepted_as_data(tmp_path):
    path = H.make_xlsm(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    before = H.sha256(path)
    wb = xlsx_guard.open_workbook(path, read_only=False)
    assert wb["Project"]["B2"].value == "Warehouse move"
    assert wb.vba_archive is None  # the macros were not kept
    assert H.sha256(path) == before


def test_declared_whole_sheet_dimension_does_not_pad_rows(tmp_path):
    import openpyxl

    path = H.make_huge_dimension_xlsx(tmp_path, rows=200)
    # Without the guard openpyxl pads each row to the declared 16,384 columns (and 1,048,576 rows).
    plain = openpyxl.load_workbook(path, read_only=True)
    assert len(next(plain["Project"].iter_rows(values_only=True))) == 16384
    plain.close()

    wb = xlsx_guard.open_workbook(path)
    start = time.monotonic()
    rows = list(wb["Project"].iter_rows(values_only=True))
    wb.close()
    assert len(rows) == 200 and rows[0] == (1, 2) and rows[-1] == (200, 400)
    assert time.monotonic() - start < NO_HANG


def test_openpyxl_warnings_do_not_reach_the_user(tmp_path):
    import openpyxl

    path = H.make_warning_xlsx(tmp_path)
    with pytest.warns(UserWarning, match="extension is not supported"):  # the warning is real
        plain = openpyxl.load_workbook(path, read_only=True)
        list(plain.active.iter_rows())
        plain.close()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        wb = xlsx_guard.open_workbook(path)
        rows = list(wb.active.iter_rows(values_only=True))  # parsed lazily, after open_workbook returned
        wb.close()
    assert rows == [(1,)]
    assert [str(w.message) for w in seen if issubclass(w.category, UserWarning)] == []


def test_library_errors_become_one_line_behind_the_checks(tmp_path):
    """Second line of defence: openpyxl's own (multi-line, wrapped) errors are converted too."""
    import openpyxl

    cases = ((H.make_xxe_xlsx, "contains an XML entity declaration (refused for safety)"),
             (H.make_billion_laughs_sheet_xlsx, "contains an XML entity declaration (refused for safety)"),
             (H.make_truncated_xlsx, "is damaged (zip archive: File is not a zip file)"),
             (H.make_lying_zip_bomb_xlsx, "is damaged: malformed XML"))
    for maker, words in cases:
        (tmp_path / maker.__name__).mkdir()
        path = maker(tmp_path / maker.__name__)
        with pytest.raises(WorkbookError) as caught:
            with package.converting(path):
                wb = openpyxl.load_workbook(path, read_only=True)
                [list(ws.iter_rows()) for ws in wb.worksheets]
        text = assert_one_line(caught.value, path, words)
        assert "root:" not in text


def test_missing_part_passes_the_checks_and_openpyxl_error_is_converted(tmp_path):
    path = H.make_missing_part_xlsx(tmp_path)
    xlsx_guard.check_workbook_file(path)  # the package itself is sound
    with pytest.raises(WorkbookError) as caught:
        xlsx_guard.open_workbook(path)
    assert_one_line(caught.value, path, "is damaged: a required part is missing", "xl/sharedStrings.xml")


def test_opening_refuses_when_openpyxl_is_not_defused(tmp_path):
    path = H.make_valid_xlsx(tmp_path)
    code = textwrap.dedent(f"""
        from implan_docs.xlsx import guard as xlsx_guard
        from implan_docs.errors import WorkbookError
        try:
            xlsx_guard.open_workbook({str(path)!r})
        except WorkbookError as exc:
            print("REFUSED", exc)
        else:
            print("OPENED")
    """)
    env = dict(os.environ, OPENPYXL_DEFUSEDXML="False")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("REFUSED plan.xlsx: refusing to open workbooks: openpyxl is not using defusedxml"), out
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "OPENED", out


# --------------------------------------------------------------------------- memory

MEMORY_SCRIPT = """
import resource, sys, zipfile
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
sys.path.insert(0, {tests!r})
from pathlib import Path
from implan_docs.docx import guard as docx_guard
from implan_docs.xlsx import guard as xlsx_guard
from implan_docs.xlsx import package
from implan_docs.errors import ImplanError
for name in {names!r}:
    path = Path({folder!r}) / name
    try:
        (docx_guard.open_docx if name.endswith(".docx") else xlsx_guard.open_workbook)(path)
    except ImplanError as exc:
        print("REFUSED", exc)
    else:
        print("OPENED", name)
# Control: the same limit does stop an unguarded read of the lying bomb.
try:
    zipfile.ZipFile(Path({folder!r}) / "bomb-lying.xlsx").read("xl/worksheets/sheet1.xml")
except MemoryError:
    print("CONTROL MemoryError")
"""


def test_zip_bombs_stay_under_one_gib(tmp_path):
    makers = [H.make_zip_bomb_xlsx, H.make_bzip2_bomb_xlsx, H.make_lying_zip_bomb_xlsx, H.make_zip_bomb_docx]
    names = [maker(tmp_path).name for maker in makers]
    script = MEMORY_SCRIPT.format(tests=str(HERE), names=names, folder=str(tmp_path))
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split(" ", 2)[1].rstrip(":") for line in lines[:4]] == names, out.stdout
    assert all(line.startswith("REFUSED") and ("zip bomb" in line or "bzip2" in line) for line in lines[:4]), lines
    assert lines[4] == "CONTROL MemoryError", out.stdout
    assert time.monotonic() - start < 60


# --------------------------------------------------------------------------- Word files

DOCX_CASES = [
    (H.make_missing_path, ["file not found"]),
    (H.make_directory, ["is a folder", "expected the template as a Word document (.docx)"]),
    (H.make_empty_file, ["empty"]),
    (H.make_text_file, ["text file", "expected the template"]),
    (H.make_legacy_doc, ["Word 97-2003", ".doc", "save the template as Word Document (.docx)"]),
    (H.make_legacy_xls, ["Excel 97-2003", "expected the template"]),
    (H.make_encrypted_docx, ["encrypted", "without a password"]),
    (H.make_random_binary, ["binary"]),
    (H.make_truncated_docx, ["truncated"]),
    (H.make_xlsx_as_docx, ["is an Excel workbook", "expected the template as a Word document"]),
    (H.make_docm, ["contains macros", "save the template as Word Document (.docx)"]),
    (H.make_dotx, ["Word template (.dotx)", "save the template as Word Document (.docx)"]),
    (H.make_zip_bomb_docx, ["zip bomb", "word/document.xml"]),
    (H.make_xxe_docx, ["external entity", "word/document.xml", "refused for safety"]),
    (H.make_corrupt_docx, ["damaged", "malformed XML"]),
]


@pytest.mark.parametrize("maker, words", DOCX_CASES, ids=[m.__name__[5:] for m, _ in DOCX_CASES])
def test_hostile_template_is_refused_in_one_line(tmp_path, maker, words):
    path = maker(tmp_path)
    before = H.sha256(path)
    start = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        docx_guard.open_docx(path, what="template", error=TemplateError)
    assert time.monotonic() - start < NO_HANG
    text = assert_one_line(caught.value, path, *words)
    assert "root:" not in text
    assert H.sha256(path) == before


def test_reviewed_copy_errors_are_document_errors(tmp_path):
    path = H.make_docm(tmp_path, "review.docx")
    with pytest.raises(DocumentError) as caught:
        docx_guard.check_docx_file(path, what="reviewed copy")
    assert not isinstance(caught.value, TemplateError)
    assert_one_line(caught.value, path, "save the reviewed copy as Word Document")


def test_valid_docx_opens(tmp_path):
    path = H.make_valid_docx(tmp_path)
    before = H.sha256(path)
    doc = docx_guard.open_docx(path)
    assert [p.text for p in doc.paragraphs] == ["Implementation plan", "A paragraph a reviewer may comment on."]
    assert H.sha256(path) == before


def test_python_docx_itself_does_not_resolve_the_xxe(tmp_path):
    """Why the DOCTYPE refusal is belt and braces: python-docx parses with resolve_entities=False."""
    import docx

    doc = docx.Document(str(H.make_xxe_docx(tmp_path)))
    assert "root:" not in "".join(p.text for p in doc.paragraphs)


# --------------------------------------------------------------------------- bounded_read

def test_bounded_read(tmp_path):
    path = H.make_valid_xlsx(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert b"Warehouse move" in package.bounded_read(zf, "xl/sharedStrings.xml", 1 << 20)
        with pytest.raises(DocumentError) as caught:
            package.bounded_read(zf, "xl/sharedStrings.xml", 10, error=DocumentError)
        assert_one_line(caught.value, path, "too large")
        with pytest.raises(WorkbookError) as caught:
            package.bounded_read(zf, "xl/nothing.xml", 1 << 20)
        assert_one_line(caught.value, path, "xl/nothing.xml is missing")
    bomb = H.make_bzip2_bomb_xlsx(tmp_path)
    with zipfile.ZipFile(bomb) as zf, pytest.raises(WorkbookError) as caught:
        package.bounded_read(zf, "xl/worksheets/sheet1.xml", 1 << 20)
    assert_one_line(caught.value, bomb, "bzip2")
    lying = H.make_lying_zip_bomb_xlsx(tmp_path)
    with zipfile.ZipFile(lying) as zf:  # cut at the declared 4 KiB, never more
        assert len(package.bounded_read(zf, "xl/worksheets/sheet1.xml", 1 << 20)) == 4096


# --------------------------------------------------------------------------- the hostile files are genuine

def test_crc32_combine_matches_zlib():
    rng = random.Random(7)
    for _ in range(20):
        a, b = rng.randbytes(rng.randrange(0, 3000)), rng.randbytes(rng.randrange(0, 3000))
        assert H.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@pytest.mark.parametrize("maker, method", [(H.deflate_bomb, zipfile.ZIP_DEFLATED), (H.bzip2_bomb, zipfile.ZIP_BZIP2)])
def test_bomb_construction_inflates_to_its_declared_size(tmp_path, maker, method):
    """A 96 MiB bomb built the same way reads back in full through zipfile, CRC checked."""
    data, crc, size = maker(b"<a>", b"</a>", size=96 * H.MiB)
    path = H.write_raw_zip(tmp_path / "small.zip", [("a.xml", method, data, crc, size)])
    with zipfile.ZipFile(path) as zf:
        content = zf.read("a.xml")
    assert len(content) == size == 96 * H.MiB + 7
    assert content.startswith(b"<a>  ") and content.endswith(b"  </a>")


def raw_member(path: Path, name: str) -> bytes:
    """A member's compressed bytes, read past its local header without inflating anything."""
    import struct

    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        name_len, extra_len = struct.unpack("<2H", header[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        return fh.read(info.compress_size)


def test_big_bombs_are_cheap_to_make_and_really_inflate(tmp_path):
    """Their first 64 MiB inflate as declared (read with bounded decompressors: zipfile would
    inflate a whole bzip2 stream in one call, which is the very reason bzip2 members are refused)."""
    start = time.monotonic()
    deflated = H.make_zip_bomb_xlsx(tmp_path)
    bzipped = H.make_bzip2_bomb_xlsx(tmp_path)
    assert time.monotonic() - start < NO_HANG
    assert deflated.stat().st_size < 4 * H.MiB and bzipped.stat().st_size < 64 * 1024
    for path, inflater in ((deflated, zlib.decompressobj(-15)), (bzipped, bz2.BZ2Decompressor())):
        with zipfile.ZipFile(path) as zf:
            assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * H.GiB - H.MiB
        head = inflater.decompress(raw_member(path, "xl/worksheets/sheet1.xml"), 64 * H.MiB)
        assert len(head) == 64 * H.MiB and head.rstrip(b" ").endswith(b"<sheetData>")


def test_bz2_stream_reassembles_blocks():
    block = H._bz2_block(b"x" * 1000)
    assert H.bz2_stream([block]) == bz2.compress(b"x" * 1000, 9)
    assert bz2.decompress(H.bz2_stream([block, block, block])) == b"x" * 3000


def test_hand_made_ole_files_are_read_by_olefile(tmp_path):
    import olefile

    with olefile.OleFileIO(str(H.make_legacy_xls(tmp_path))) as ole:
        assert ole.listdir() == [["Workbook"]]
        assert ole.openstream("Workbook").read(2) == b"\x09\x08"
    with olefile.OleFileIO(str(H.make_encrypted_xlsx(tmp_path))) as ole:  # the real thing, by msoffcrypto
        assert ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")


def test_strict_workbook_really_reads_as_empty_in_openpyxl(tmp_path):
    """Why Strict is refused: openpyxl opens it without complaint and finds no cells."""
    import openpyxl

    path = H.make_strict_xlsx(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert b"<t>Field</t>" in zf.read("xl/worksheets/sheet1.xml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    assert [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value] == []


@pytest.mark.slow
def test_files_saved_by_libreoffice_pass(tmp_path):
    """Real files from another writer are not refused: the checks reject hostility, not variety."""
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sources = [H.make_valid_xlsx(tmp_path, "in.xlsx"), H.make_valid_docx(tmp_path, "in.docx")]
    for source, target in zip(sources, ("xlsx:Calc MS Excel 2007 XML", "docx:MS Word 2007 XML")):
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                        "--convert-to", target, "--outdir", str(tmp_path / "out"), str(source)],
                       capture_output=True, timeout=120, check=True)
    wb = xlsx_guard.open_workbook(tmp_path / "out" / "in.xlsx")
    assert list(wb.active.iter_rows(values_only=True))[1] == ("Name", "Warehouse move")
    wb.close()
    doc = docx_guard.open_docx(tmp_path / "out" / "in.docx")
    assert doc.paragraphs[1].text == "A paragraph a reviewer may comment on."
