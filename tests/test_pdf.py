"""PDF through LibreOffice (real soffice, UNO from the system Python): TOC with page numbers, header
and footer, Chinese text with a CJK font embedded, the page numbers written back into the .docx, a
profile that keeps LibreOffice off the network and away from linked local files,
and the fallback and failure paths."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest

from implan_docs.docx import pdf as pdf_module
from implan_docs.docx.assemble import assemble
from implan_docs.errors import DocumentError, OutputError
from implan_docs.docx.pdf import to_pdf

from test_document import FIELDS, FIELDS_ZH, sample_fragments

pytestmark = pytest.mark.skipif(pdf_module.find_soffice() is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice and poppler-utils are installed by scripts/setup")


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf-en")
    frags = sample_fragments(folder)
    first = assemble(None, frags, FIELDS, "en", folder / "plan.docx", folder)
    result = to_pdf(first, folder / "plan.pdf")
    return folder, frags, result


def test_pdf_has_toc_with_page_numbers_header_and_footer(english):
    folder, _, result = english
    assert result.method == "uno" and result.pdf.is_file()
    text = pdftotext(result.pdf)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == result.page_count
    toc = next(p for p in pages if "Table of contents" in p)
    for entry in ("1 Executive summary", "2 Overview", "2.1 Background", "2.1.1 Details", "3 Schedule",
                  "4 Vendors", "5 Appendix"):
        assert re.search(re.escape(entry) + r"\s*\.{3,}\s*\d+\s*$", toc, re.MULTILINE), entry
    lists = next(p for p in pages if "List of figures" in p)
    assert re.search(r"Figure 2: Gantt chart\s*\.{3,}\s*\d+", lists)
    assert re.search(r"Table 2: Tasks\s*\.{3,}\s*\d+", lists)
    # title page has no header/footer; every other page has both
    assert "Page" not in pages[0]
    n = result.page_count
    for k, page in enumerate(pages[1:n], start=2):
        assert "Customer Portal Renewal" in page and "Version 1.2" in page
        assert re.search(rf"Internal\s+Page {k} of {n}\b", page), page[-200:]
    # the page of each heading as LibreOffice laid it out, keyed by the bookmark the TOC links to
    assert result.pages and all(1 <= p <= n for p in result.pages.values())
    summary_page = re.search(r"1 Executive summary\s*\.{3,}\s*(\d+)", toc).group(1)
    assert sorted(result.pages.values())[0] == int(summary_page)


def test_page_numbers_go_back_into_the_docx_toc(english):
    folder, frags, result = english
    again = assemble(None, frags, FIELDS, "en", folder / "plan2.docx", folder, toc_pages=result.pages)
    d = docx.Document(str(again))
    toc = [p.text for p in d.paragraphs if re.fullmatch(r"toc \d", p.style.name.lower())]
    pdf_toc = next(p for p in pdftotext(result.pdf).split("\f") if "Table of contents" in p)
    for line in toc:
        number, title, page = line.split("\t")
        assert re.search(rf"{re.escape(number)} {re.escape(title)}\s*\.+\s*{page}\s*$", pdf_toc, re.MULTILINE), line


def test_zh_tw_pdf_shows_chinese_and_embeds_a_cjk_font(tmp_path):
    frags = sample_fragments(tmp_path, zh=True)
    out = assemble(None, frags, FIELDS_ZH, "zh-TW", tmp_path / "zh.docx", tmp_path)
    result = to_pdf(out, tmp_path / "zh.pdf")
    text = pdftotext(result.pdf)
    for words in ("實施計畫", "客戶入口網站更新", "目錄", "1 執行摘要", "圖目錄", "表目錄", "圖 2：Gantt chart"):
        assert words in text, words
    assert re.search(r"第 2 頁，共 \d+ 頁", text)
    fonts = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    # Noto Sans CJK's faces share one CFF font named NotoSansCJKjp; the zh-TW language selects the
    # Traditional Chinese glyph forms.
    assert re.search(r"NotoSansCJK|NotoSerifCJK|JhengHei", fonts), fonts


def test_without_uno_falls_back_to_convert_to(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "SYSTEM_PYTHON", str(tmp_path / "no-python"))
    out = assemble(None, [], FIELDS, "en", tmp_path / "plain.docx", tmp_path)
    result = to_pdf(out, tmp_path / "plain.pdf")
    assert result.method == "convert-to" and result.pages == {}
    assert "without page numbers" in result.note
    assert "Customer Portal Renewal" in pdftotext(result.pdf)


def test_timeout_kills_libreoffice_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = assemble(None, [], FIELDS, "en", tmp_path / "slow.docx", tmp_path)
    with pytest.raises(OutputError, match=r"did not finish the PDF within 0.3 s"):
        to_pdf(out, tmp_path / "slow.pdf", timeout=0.3)
    assert not (tmp_path / "slow.pdf").exists()
    left = []
    for proc in Path("/proc").iterdir():
        try:
            if str(tmp_path).encode() in (proc / "cmdline").read_bytes():
                left.append(proc.name)
        except OSError:
            continue
    assert left == [], "soffice left running after the timeout"


def test_default_timeout_grows_with_table_cells(tmp_path):
    from implan_docs.blocks import Fragment, table
    from implan_docs.docx.pdf import BASE_TIMEOUT, SECONDS_PER_CELL, default_timeout

    small = assemble(None, [], FIELDS, "en", tmp_path / "s.docx", tmp_path)
    rows = [[str(i), "x", "y"] for i in range(2000)]
    big = assemble(None, [Fragment("risks", "Risks", (table(["A", "B", "C"], rows),))], FIELDS, "en",
                   tmp_path / "b.docx", tmp_path)
    assert default_timeout(small) < BASE_TIMEOUT + 1
    assert default_timeout(big) >= BASE_TIMEOUT + SECONDS_PER_CELL * 3 * 2001


def test_missing_libreoffice_and_unreadable_document_are_one_line_errors(tmp_path, monkeypatch):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError) as err:
        to_pdf(bad, tmp_path / "bad.pdf")
    assert "\n" not in str(err.value) and "bad.docx" in str(err.value)
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    with pytest.raises(OutputError, match="LibreOffice .* is not installed"):
        to_pdf(bad, tmp_path / "bad.pdf")
    assert not os.path.exists(tmp_path / "bad.pdf")


# -- LibreOffice off the network ------------------------------------------------------------------------


def test_profile_settings_are_written_for_libreoffice(tmp_path):
    from xml.etree import ElementTree

    from implan_docs.docx.pdf import PROFILE_SETTINGS, write_profile

    xcu = write_profile(tmp_path / "profile")
    assert xcu == tmp_path / "profile" / "user" / "registrymodifications.xcu"
    oor = "{http://openoffice.org/2001/registry}"
    items = ElementTree.parse(xcu).getroot().findall("item")
    got = {(i.get(f"{oor}path"), i[0].get(f"{oor}name")): i[0].findtext("value") for i in items}
    assert got[("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks")] == "true"
    assert got[("/org.openoffice.Office.Writer/Content/Update", "Link")] == "0"  # never update links
    assert got[("/org.openoffice.Inet/Settings", "ooInetProxyType")] == "2"
    assert len(got) == len(PROFILE_SETTINGS)


LINKED_PICTURE = (  # an inline picture whose a:blip only links (r:link) to its image
    '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:r><w:drawing>'
    '<wp:inline><wp:extent cx="360000" cy="360000"/><wp:docPr id="{id}" name="linked"/><a:graphic>'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
    '<pic:cNvPr id="0" name="linked"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="{rid}"/>'
    '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="360000" cy="360000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>")


def test_libreoffice_fetches_no_linked_picture_and_embeds_no_local_file(tmp_path):
    """A .docx whose pictures only link to a web address and to a local file, converted as it is:
    LibreOffice asks the (local) server nothing and puts neither picture into the PDF."""
    import http.server
    import threading

    from docx.oxml import parse_xml
    from test_document import write_png

    requests, served = [], write_png(tmp_path / "served.png", 41, 19).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(served)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    image = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
    try:
        d = docx.Document()
        web = d.part.relate_to(f"http://127.0.0.1:{server.server_address[1]}/linked.png", image, is_external=True)
        disk = d.part.relate_to(write_png(tmp_path / "local.png", 37, 23).as_uri(), image, is_external=True)
        for k, rid in enumerate((web, disk), start=1):
            d.element.body.insert(0, parse_xml(LINKED_PICTURE.format(id=k, rid=rid)))
        d.save(str(tmp_path / "linked.docx"))
        result = to_pdf(tmp_path / "linked.docx", tmp_path / "linked.pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    images = subprocess.run(["pdfimages", "-list", str(result.pdf)], capture_output=True, text=True, check=True)
    assert images.stdout.splitlines()[2:] == []
