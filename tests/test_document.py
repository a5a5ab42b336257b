"""The assembler: hand-made fragments of every block type rendered into the default template and
read back with python-docx (styles, tables, pictures, captions, fields, language, determinism)."""
from __future__ import annotations

import hashlib
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from implan_docs.blocks import Bullets, Cell, Figure, Fragment, Heading, PageBreak, Paragraph, Run, table
from implan_docs.docx.assemble import assemble
from implan_docs.errors import DocumentError
from implan_docs.docx.template import DEFAULT_TEMPLATE

FIELDS = {
    "project.name": "Customer Portal Renewal",
    "project.code": "CPR",
    "project.version": "1.2",
    "project.status": "Draft",
    "document.date": "15 Mar 2027",
    "project.manager": "Alice Chen",
    "project.sponsor": "Bob Lin",
    "project.confidentiality": "Internal",
    "review.open_comments": "3",
}
FIELDS_ZH = dict(FIELDS, **{"project.name": "客戶入口網站更新", "project.status": "草稿", "document.date": "2027年3月15日"})

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def write_png(path: Path, width: int, height: int, rgb=(46, 116, 181)) -> Path:
    """A solid-colour PNG written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def sample_fragments(folder: Path, zh: bool = False) -> list[Fragment]:
    """Every block type; a landscape figure; a user's own section; control characters; formulas."""
    write_png(folder / "charts" / "bars.png", 400, 200)
    write_png(folder / "charts" / "gantt.png", 900, 400, (200, 120, 40))
    summary = "執行摘要" if zh else "Executive summary"
    return [
        Fragment("summary", summary, (
            Heading(summary, 1),
            Paragraph("本計畫說明客戶入口網站的更新。" if zh else "This plan describes the rollout."),
            Paragraph(runs=(Run("Purpose: ", bold=True), Run("replace the legacy portal", italic=True))),
            Paragraph("=HYPERLINK(\"http://evil\") +SUM(A1) -2 @cmd bell\x07null\x00vt\x0bend"),
            Paragraph("A call-out.", style="Quote"),
            Bullets(("first", "second")),
            Bullets(("one", "two"), numbered=True),
            Bullets(("again one", "again two"), numbered=True),
        )),
        Fragment("overview", "Overview", (
            Heading("Overview", 1), Heading("Background", 2), Paragraph("Text."), Heading("Details", 3),
            table(["Field", "Value"], [["Sponsor", "Bob Lin"], ["Budget", "$1,000"]], caption="Key facts", key_value=True),
        )),
        Fragment("schedule", "Schedule", (
            Heading("Schedule", 1),
            Figure("charts/bars.png", "Milestones", "Bar chart of the milestones by month", width_cm=12),
            Figure("charts/gantt.png", "Gantt chart", "Gantt chart of every task", width_cm=40, landscape=True),
            table(["ID", "Task", "Owner", "Status"],
                  [["T1", "Design", "Alice", Cell("Done", fill="D9EAD3")],
                   ["T2", "Build", "Bob", Cell("Late", fill="#F4CCCC", bold=True, align="center")]],
                  caption="表 tasks" if zh else "Tasks", widths=(1, 5, 2, 2), font_size=8),
        )),
        Fragment("vendors", "Vendors", (Paragraph("A user's own section."),)),
        Fragment("appendix", "Appendix", (Heading("Appendix", 1), Paragraph("Open questions."), PageBreak(),
                                          Paragraph("After the break."))),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("doc")
    out = assemble(DEFAULT_TEMPLATE, sample_fragments(folder), FIELDS, "en", folder / "plan.docx", folder)
    return out, docx.Document(str(out))


def body_paragraphs(d):
    return [p for p in d.paragraphs]


def test_headings_use_the_template_heading_styles_in_order(built):
    _, d = built
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [
        ("Heading 1", "Executive summary"), ("Heading 1", "Overview"), ("Heading 2", "Background"),
        ("Heading 3", "Details"), ("Heading 1", "Schedule"), ("Heading 1", "Vendors"), ("Heading 1", "Appendix"),
    ]
    # the user's own section (no placeholder) lands right before the appendix; no placeholder remains
    xml = d.element.xml
    assert "{{" not in xml


def test_fields_are_filled_in_body_headers_and_footers(built):
    path, d = built
    texts = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "Customer Portal Renewal" in texts and "Implementation plan" in texts
    assert "Alice Chen" in cells and "CPR" in cells and "Bob Lin" in cells
    header = d.sections[0].header.paragraphs[0].text
    footer = d.sections[0].footer.paragraphs[0].text
    assert "Customer Portal Renewal" in header and "Version 1.2" in header
    assert footer.startswith("Internal") and "Page 1 of 1" in footer  # current results of PAGE/NUMPAGES
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xml")}
    footer_xml = next(v for k, v in parts.items() if "footer" in k and "PAGE" in v)
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer_xml)
    assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", footer_xml)
    assert not any("{{" in v for v in parts.values())


def test_tables_are_native_with_repeated_header_and_unsplit_rows(built):
    _, d = built
    tasks = next(t for t in d.tables if t.rows[0].cells[0].text == "ID")
    rows = tasks._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert tasks.style.name == "Plan Table"
    widths = [int(g.get(qn("w:w"))) for g in tasks._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) == 11906 - 2 * 1247  # A4 minus the template's margins
    assert widths[1] == max(widths) and widths[0] == min(widths)  # relative weights 1:5:2:2
    late = tasks.rows[2].cells[3]
    shd = late._tc.tcPr.find(qn("w:shd"))
    assert shd.get(qn("w:fill")) == "F4CCCC"
    assert late.paragraphs[0].runs[0].bold and late.paragraphs[0].alignment == 1  # center
    assert late.paragraphs[0].runs[0].font.size.pt == 8
    key_value = next(t for t in d.tables if t.rows[0].cells[0].text == "Sponsor")
    assert key_value._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is None  # no header row


def caption_of(el):
    return "".join(t.text for t in el.iter(qn("w:t")))


def test_narrow_weights_still_fit_header_words(tmp_path):
    frag = Fragment("risks", "Risks", (table(["Description", "Float", "ID"], [["long text " * 20, "12", "R-101"]],
                                             widths=(10, 0.2, 0.2)),))
    d = docx.Document(str(assemble(None, [frag], FIELDS, "en", tmp_path / "w.docx", tmp_path)))
    grid = [int(g.get(qn("w:w"))) for g in d.tables[-1]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == 11906 - 2 * 1247
    assert grid[1] >= 5 * 0.6 * 9 * 20 + 170 and grid[2] >= 5 * 0.55 * 9 * 20 + 170  # "Float", "R-101" unbroken
    assert grid[0] > 5 * grid[1]


def test_table_captions_above_with_seq_fields(built):
    _, d = built
    body = d.element.body
    captions = [p for p in body.iter(qn("w:p")) if p.pPr is not None and p.pPr.pStyle is not None
                and p.pPr.pStyle.val == "Caption"]
    texts = [caption_of(p) for p in captions]
    assert texts == ["Table 1: Key facts", "Figure 1: Milestones", "Figure 2: Gantt chart", "Table 2: Tasks"]
    for p in captions:
        instr = "".join(i.text for i in p.iter(qn("w:instrText")))
        assert re.fullmatch(r" SEQ (Table|Figure) \\\* ARABIC ", instr)
    for tbl in body.iter(qn("w:tbl")):
        prev = tbl.getprevious()
        if caption_of(prev).startswith("Table 2"):
            break
    else:
        pytest.fail("no caption right above the tasks table")


def test_figures_are_inline_pictures_with_alt_text_and_caption_below(built):
    _, d = built
    assert len(d.inline_shapes) == 2
    docprs = [el for el in d.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert [e.get("descr") for e in docprs] == ["Bar chart of the milestones by month", "Gantt chart of every task"]
    assert [e.get("title") for e in docprs] == ["Milestones", "Gantt chart"]
    pic_p = next(p for p in d.element.body.iter(qn("w:p")) if p.find(".//" + qn("w:drawing")) is not None)
    assert caption_of(pic_p.getnext()) == "Figure 1: Milestones"
    # width_cm 12 honoured; the 40 cm landscape figure is scaled to the landscape text width
    widths = [s.width.cm for s in d.inline_shapes]
    assert widths[0] == pytest.approx(12, abs=0.01)
    assert widths[1] == pytest.approx((16838 - 2 * 1247) / 567, abs=0.05)


def test_landscape_figure_gets_its_own_section_with_the_same_headers(built):
    _, d = built
    orient = [(s.orientation, s.page_width > s.page_height) for s in d.sections]
    assert [wide for _, wide in orient] == [False, True, False]
    assert int(d.sections[1].orientation) == 1  # WD_ORIENT.LANDSCAPE
    first, land, rest = d.sections
    assert first.different_first_page_header_footer  # title page without header
    assert not land.different_first_page_header_footer and not rest.different_first_page_header_footer
    assert "Customer Portal Renewal" in land.header.paragraphs[0].text
    assert "Customer Portal Renewal" in rest.header.paragraphs[0].text
    # the landscape footer's right tab sits at the landscape text width, so "Page X of Y" stays right
    tabs = land.footer.paragraphs[0]._p.pPr.find(qn("w:tabs"))
    stops = {(t.get(qn("w:val")), int(t.get(qn("w:pos")))) for t in tabs.findall(qn("w:tab"))}
    assert stops == {("clear", 11906 - 2 * 1247), ("right", 16838 - 2 * 1247)}
    assert rest.footer.paragraphs[0]._p.pPr.find(qn("w:tabs")) is None


def test_heading_leading_into_a_landscape_figure_moves_onto_its_page(tmp_path):
    write_png(tmp_path / "charts" / "wide.png", 1200, 400)
    frag = Fragment("schedule", "Schedule", (Heading("Schedule", 1), Paragraph("Two lines of introduction."),
                                              Figure("charts/wide.png", "Gantt", "Gantt chart", 30, landscape=True),
                                              Paragraph("Back to portrait.")))
    d = docx.Document(str(assemble(None, [frag], FIELDS, "en", tmp_path / "l.docx", tmp_path)))
    body = list(d.element.body.iterchildren(qn("w:p")))
    texts = [caption_of(p) for p in body]
    start = texts.index("Schedule")
    # the section break (a sectPr in a paragraph) comes before the heading, the next one after the caption
    breaks = [k for k, p in enumerate(body) if p.pPr is not None and p.pPr.find(qn("w:sectPr")) is not None]
    assert breaks[0] < start and texts[breaks[1]] == "Figure 1: Gantt"
    assert body[breaks[1]].pPr.find(qn("w:sectPr")).find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"


def test_paragraph_runs_bullets_and_numbered_lists_restart(built):
    _, d = built
    purpose = next(p for p in d.paragraphs if p.text.startswith("Purpose"))
    assert purpose.runs[0].bold and purpose.runs[1].italic
    assert [p.text for p in d.paragraphs if p.style.name == "List Bullet"] == ["first", "second"]
    numbered = [p for p in d.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["one", "two", "again one", "again two"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    assert next(p for p in d.paragraphs if p.text == "A call-out.").style.name == "Quote"
    assert any(r.find(qn("w:br")) is not None and r.find(qn("w:br")).get(qn("w:type")) == "page"
               for r in d.element.body.iter(qn("w:r")))


def test_control_characters_are_replaced_and_formulas_stay_literal(built):
    _, d = built
    p = next(p for p in d.paragraphs if "HYPERLINK" in p.text)
    assert p.text.startswith('=HYPERLINK("http://evil") +SUM(A1) -2 @cmd')
    assert "bell\ufffdnull\ufffdvt\nend" in p.text  # vertical tab -> line break


def test_toc_and_lists_carry_their_entries_as_field_results(built):
    _, d = built
    body = d.element.body
    tocs = [p for p in body.iter(qn("w:p")) if p.pPr is not None and p.pPr.pStyle is not None
            and p.pPr.pStyle.val in ("TOC1", "TOC2", "TOC3")]
    lines = ["".join(t.text for t in p.iter(qn("w:t"))) for p in tocs]
    assert lines == ["1Executive summary", "2Overview", "2.1Background", "2.1.1Details", "3Schedule",
                     "4Vendors", "5Appendix"]
    instr = [i.text.strip() for i in body.iter(qn("w:instrText"))]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instr
    assert 'TOC \\h \\z \\c "Figure"' in instr and 'TOC \\h \\z \\c "Table"' in instr
    figures = [p.text for p in d.paragraphs if p.style.name.lower() == "table of figures"]
    assert figures == ["Figure 1: Milestones", "Figure 2: Gantt chart", "Table 1: Key facts", "Table 2: Tasks"]
    # entries link to bookmarks around the headings; no page numbers without toc_pages
    anchors = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))]
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors and set(anchors) <= marks
    assert "PAGEREF" not in d.element.xml
    settings = d.settings.element
    assert settings.find(qn("w:updateFields")) is None  # no "update fields?" prompt on opening


def test_toc_pages_add_pageref_fields_with_page_numbers(tmp_path):
    frags = sample_fragments(tmp_path)
    first = assemble(None, frags, FIELDS, "en", tmp_path / "a.docx", tmp_path)
    marks = sorted({b.get(qn("w:name")) for b in docx.Document(str(first)).element.body.iter(qn("w:bookmarkStart"))})
    pages = {m: 5 + k for k, m in enumerate(marks)}
    out = assemble(None, frags, FIELDS, "en", tmp_path / "b.docx", tmp_path, toc_pages=pages)
    d = docx.Document(str(out))
    toc1 = next(p for p in d.paragraphs if p.style.name.lower() == "toc 1")
    assert toc1.text == "1\tExecutive summary\t5"
    assert "PAGEREF _Toc" in d.element.xml
    figures = [p.text for p in d.paragraphs if p.style.name.lower() == "table of figures"]
    assert all(re.fullmatch(r"(Figure|Table) \d: .+\t\d+", f) for f in figures)


def test_language_and_east_asian_settings_zh_tw(tmp_path):
    out = assemble(None, sample_fragments(tmp_path, zh=True), FIELDS_ZH, "zh-TW", tmp_path / "zh.docx", tmp_path)
    d = docx.Document(str(out))
    styles = d.styles.element
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    # Latin text keeps a Latin language (LibreOffice would otherwise break "App" or "100%" anywhere)
    assert lang.get(f"{W}val") == "en-US" and lang.get(f"{W}eastAsia") == "zh-TW"
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "Microsoft JhengHei"
    with_fonts = [s for s in styles.iter(f"{W}rFonts")]
    assert with_fonts and all(f.get(f"{W}eastAsia") for f in with_fonts)  # on every style that sets fonts
    settings = d.settings.element
    assert settings.find(qn("w:noLineBreaksBefore")).get(qn("w:lang")) == "zh-TW"
    assert "。" in settings.find(qn("w:noLineBreaksBefore")).get(qn("w:val"))
    assert d.core_properties.language == "zh-TW"
    assert d.core_properties.title == "客戶入口網站更新"
    texts = [p.text for p in d.paragraphs]
    assert "實施計畫" in texts and "目錄" in texts and "圖目錄" in texts and "表目錄" in texts
    assert "表 1：Key facts" in texts and "圖 1：Milestones" in texts
    assert d.paragraphs[[p.text for p in d.paragraphs].index("執行摘要")].style.name == "Heading 1"
    assert "第 1 頁，共 1 頁" in d.sections[0].footer.paragraphs[0].text


def test_english_document_language(built):
    _, d = built
    lang = d.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "en-US" and lang.get(f"{W}eastAsia") == "zh-TW"
    cp = d.core_properties
    assert (cp.title, cp.author, cp.language) == ("Customer Portal Renewal", "Alice Chen", "en-US")


def test_same_input_same_bytes(tmp_path):
    frags = sample_fragments(tmp_path)
    a = assemble(None, frags, FIELDS, "en", tmp_path / "a.docx", tmp_path)
    time.sleep(1.1)  # zip entry times would differ by now
    b = assemble(None, frags, FIELDS, "en", tmp_path / "b.docx", tmp_path)
    assert hashlib.sha256(a.read_bytes()).hexdigest() == hashlib.sha256(b.read_bytes()).hexdigest()
    with zipfile.ZipFile(a) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert docx.Document(str(a)).core_properties.created.year == 2000


def test_core_dates_follow_the_status_date(tmp_path):
    out = assemble(None, [], dict(FIELDS, **{"document.date_iso": "2027-03-15"}), "en", tmp_path / "d.docx", tmp_path)
    cp = docx.Document(str(out)).core_properties
    assert cp.created.date().isoformat() == cp.modified.date().isoformat() == "2027-03-15"


def test_five_thousand_row_table_assembles_fast(tmp_path):
    rows = [[f"T{i}", f"Task {i} & <b>", "Alice", "2027-01-04", "2027-02-01", Cell("Done", fill="D9EAD3")]
            for i in range(5000)]
    frag = Fragment("schedule", "Schedule", (table(["ID", "Task", "Owner", "Start", "Finish", "Status"], rows,
                                                   caption="All tasks"),))
    start = time.perf_counter()
    out = assemble(None, [frag], FIELDS, "en", tmp_path / "big.docx", tmp_path)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{elapsed:.2f} s"
    d = docx.Document(str(out))
    big = d.tables[-1]
    assert len(big.rows) == 5001 and big.rows[5000].cells[1].text == "Task 4999 & <b>"


def test_missing_placeholder_fragment_is_dropped_and_missing_fragment_removes_placeholder(tmp_path):
    out = assemble(None, [Fragment("risks", "Risks", (Paragraph("Only risks."),))], FIELDS, "en",
                   tmp_path / "one.docx", tmp_path)
    d = docx.Document(str(out))
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == ["Risks"]
    assert "{{section:" not in d.element.xml


def test_field_values_that_look_like_placeholders_stay_text(tmp_path):
    fields = dict(FIELDS, **{"project.name": "{{section:risks}}", "project.code": "{{t:document.title}}"})
    out = assemble(None, [Fragment("risks", "Risks", (Paragraph("Text with {{project.name}} inside."),))],
                   fields, "en", tmp_path / "x.docx", tmp_path)
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs]
    assert "{{section:risks}}" in texts  # the project name, on the title page, as typed
    assert texts.index("{{section:risks}}") < texts.index("Risks")
    assert "Text with {{project.name}} inside." in texts
    assert "{{t:document.title}}" in [c.text for t in d.tables for r in t.rows for c in r.cells]


def test_odd_numbers_in_fragments_do_not_break_the_document(tmp_path):
    write_png(tmp_path / "charts" / "x.png", 10, 10)
    frag = Fragment("risks", "Risks", (
        Figure("charts/x.png", "x", "x", width_cm=-3), Figure("charts/x.png", "y", "y", width_cm=float("nan")),
        table(["A", "B"], [["1", "2"]], widths=(float("inf"), -1), font_size=999),
        Heading("Deep", level=7), Paragraph("styled", style="No Such Style"),
    ))
    d = docx.Document(str(assemble(None, [frag], FIELDS, "en", tmp_path / "o.docx", tmp_path)))
    assert all(s.width.cm >= 1 for s in d.inline_shapes)
    assert d.tables[-1].rows[1].cells[0].paragraphs[0].runs[0].font.size.pt == 40
    assert [p.style.name for p in d.paragraphs if p.text == "Deep"] == ["Heading 3"]
    assert [p.style.name for p in d.paragraphs if p.text == "styled"] == ["Normal"]


def test_missing_or_escaping_figure_is_a_one_line_error(tmp_path):
    for path in ("charts/none.png", "../../etc/passwd"):
        frag = Fragment("schedule", "Schedule", (Figure(path, "x", "x"),))
        with pytest.raises(DocumentError) as err:
            assemble(None, [frag], FIELDS, "en", tmp_path / "x.docx", tmp_path)
        assert "schedule" in str(err.value) and "\n" not in str(err.value)
    (tmp_path / "charts").mkdir(exist_ok=True)
    (tmp_path / "charts" / "bad.png").write_bytes(b"not an image")
    with pytest.raises(DocumentError, match="bad.png"):
        assemble(None, [Fragment("schedule", "S", (Figure("charts/bad.png", "x", "x"),))], FIELDS, "en",
                 tmp_path / "x.docx", tmp_path)
    assert not (tmp_path / "x.docx").exists()
