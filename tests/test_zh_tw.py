"""Traditional Chinese end to end: the zh-TW example built once (CLI, real notebooks, LibreOffice), its
.docx reopened, its PDF read back with poppler; the catalogues; Babel formatting; Chinese names in an
English plan's charts; the zh-TW ``new`` workbook."""
from __future__ import annotations

import ast
import re
import string
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from openpyxl import load_workbook
from plans import minimal_rows, write_plan

from implan_docs import i18n
from implan_docs.charts import MissingGlyphError
from implan_docs.charts import fonts as chart_fonts
from implan_docs.cli import main
from implan_docs.i18n import Messages
from implan_docs.sections import context as section_context
from implan_docs.sections import objectives as objectives_section
from implan_docs.sections import resources as resources_section
from implan_docs.sections import risks as risks_section
from implan_docs.sections import schedule as schedule_section

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx"
SECTIONS_DIR = ROOT / "implan_docs" / "sections"
HEADINGS = ["執行摘要", "專案概述", "目標", "範圍", "可交付成果", "時程", "風險評估", "角色與職責", "資源配置", "附錄"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
# Latin words the document may show although it is in Chinese: names of methods a Taiwanese PM uses as
# they are, the RACI letters and the L / I columns of the risk register, the currency symbol.
LATIN_ALLOWED = {"SWOT", "RACI", "R", "A", "C", "I", "L", "NT",
                 # the open questions name the workbook's cells (sheet names are the contract's) and codes,
                 # and earned value uses the standard abbreviations and ISO currency codes
                 "Project", "Objectives", "Scope", "Deliverables", "Tasks", "Risks", "People", "Resources",
                 "W", "S", "SPI", "CPI", "EV", "PV", "AC", "TWD", "Actual", "cost"}  # (column Actual cost)
# Workbook columns and Project fields whose values are enumerations or settings: the document must show
# them translated, so their English words do not excuse a leak.
ENUM_COLUMNS = {"status", "kind", "type", "method", "milestone"}
SETTING_FIELDS = {"status", "language", "working days", "currency"}


def _xml(path: Path, part: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _parts(path: Path, prefix: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith(prefix) and n.endswith(".xml"))


def _texts(path: Path) -> list[str]:
    """Every paragraph's text in the body, headers and footers (table cells included)."""
    out = []
    for part in ["word/document.xml"] + _parts(path, "word/header") + _parts(path, "word/footer"):
        for p in _xml(path, part).iter(f"{W}p"):
            text = "".join(t.text or "" for t in p.iter(f"{W}t"))
            if text.strip():
                out.append(text)
    return out


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


# -- the zh-TW example, built once -------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh")
    assert main(["build", str(EXAMPLE), "-o", str(out), "--pdf"]) == 0
    docx = next(out.glob("*.docx"))
    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file()
    return docx, pdf


@pytest.fixture(scope="module")
def pdf_pages(built):
    return _run("pdftotext", str(built[1]), "-").split("\f")


@pytest.mark.slow
def test_docx_has_the_chinese_section_headings_toc_and_captions(built):
    doc = Document(str(built[0]))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    texts = [p.text for p in doc.paragraphs]
    for title in ("目錄", "圖目錄", "表目錄", "文件管制"):
        assert title in texts
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions and all(re.match(r"(圖|表) \d+：\S", c) for c in captions), captions
    assert any(c.startswith("圖 1：") for c in captions) and any(c.startswith("表 1：") for c in captions)
    # tables: header rows in Chinese
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables if len(t.rows) > 1]
    assert ["編號", "風險", "類別", "L", "I", "分數", "負責人", "狀態"] in headers


@pytest.mark.slow
def test_every_style_has_an_east_asian_font_and_the_language_is_zh_tw(built):
    styles = _xml(built[0], "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    fonts = default.find("w:rFonts", NS)
    assert fonts.get(f"{W}eastAsia") or fonts.get(f"{W}eastAsiaTheme")
    assert default.find("w:lang", NS).get(f"{W}eastAsia") == "zh-TW"
    # a style that names a Latin font names an East Asian one too (else Word falls back to its own)
    for rfonts in styles.iter(f"{W}rFonts"):
        if rfonts.get(f"{W}ascii"):
            assert rfonts.get(f"{W}eastAsia") or rfonts.get(f"{W}eastAsiaTheme"), etree.tostring(rfonts)
    settings = _xml(built[0], "word/settings.xml")
    assert settings.find("w:themeFontLang", NS).get(f"{W}eastAsia") == "zh-TW"
    # kinsoku: Chinese closing punctuation may not start a line, opening punctuation may not end one
    before = settings.find("w:noLineBreaksBefore", NS)
    after = settings.find("w:noLineBreaksAfter", NS)
    assert before.get(f"{W}lang") == "zh-TW" and set("，。、；：？！）」』") <= set(before.get(f"{W}val"))
    assert after.get(f"{W}lang") == "zh-TW" and set("（「『") <= set(after.get(f"{W}val"))


@pytest.mark.slow
def test_latin_text_keeps_a_latin_language_so_words_do_not_break_inside(built):
    """With ``w:lang w:val="zh-TW"`` LibreOffice breaks Latin words and numbers anywhere ("Ap|p",
    "LIN|E", "4|00"): Latin runs must keep a Latin language, East Asian runs get zh-TW."""
    styles = _xml(built[0], "word/styles.xml")
    for lang in styles.iter(f"{W}lang"):
        latin = lang.get(f"{W}val")
        assert latin is None or not latin.lower().startswith(("zh", "ja", "ko")), etree.tostring(lang)


@pytest.mark.slow
def test_document_text_is_chinese_with_taiwanese_dates_and_money(built):
    texts = _texts(built[0])
    joined = "\n".join(texts)
    assert "2026年4月17日" in joined  # the status date, as Babel writes it for zh_Hant_TW
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", joined)  # no ISO dates
    assert "NT$12,000,000" in joined  # the approved budget
    assert not re.search(r"(?<!NT)(?<!US)\$\d", joined)  # no bare dollar sign for TWD
    assert re.search(r"第 \d+ 頁，共 \d+ 頁", joined)  # the footer: PAGE and NUMPAGES fields in Chinese words
    for word in ("實施計畫", "里程碑", "風險登錄表", "RACI 責任分配表", "預算", "要徑", "假日與補行上班日"):
        assert word in joined
    # chart alt texts are Chinese too
    doc = _xml(built[0], "word/document.xml")
    alts = [d.get("descr") for d in doc.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert alts and all(CJK.search(a or "") for a in alts)


@pytest.mark.slow
def test_no_english_words_leak_into_the_chinese_document(built):
    """Latin words in the document must come from the plan's own free text (HIS, App, LINE...) or be
    names a Taiwanese PM writes in English; enumerated values and settings are shown translated."""
    data: set[str] = set()
    wb = load_workbook(EXAMPLE, read_only=True, data_only=True)
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = [str(h or "").strip().rstrip("*").strip().lower() for h in next(rows, ())]
        for row in rows:
            if ws.title == "Project" and str(row[0] or "").strip().rstrip("*").strip().lower() in SETTING_FIELDS:
                continue
            for name, value in zip(header, row):
                if isinstance(value, str) and name not in ENUM_COLUMNS:
                    data.update(re.findall(r"[A-Za-z]+", value))
    wb.close()
    words = set(re.findall(r"[A-Za-z]+", "\n".join(_texts(built[0]))))
    leaks = sorted(words - data - LATIN_ALLOWED)
    assert not leaks, leaks


@pytest.mark.slow
def test_pdf_shows_chinese_headings_toc_and_footer(built, pdf_pages):
    text = "\n".join(pdf_pages)
    squeezed = re.sub(r"\s+", "", text)
    for heading in HEADINGS + ["目錄", "圖目錄", "表目錄"]:
        assert heading in text
    assert "第2頁，共" in squeezed
    assert "實施計畫" in pdf_pages[1]  # the running header


@pytest.mark.slow
def test_no_line_of_the_pdf_starts_with_closing_punctuation(pdf_pages):
    lines = [line for page in pdf_pages for line in page.splitlines()]
    orphans = [line for line in lines if line and line[0] in "，。、；：？！）」』％"]
    assert len(lines) > 500 and not orphans, orphans[:5]


@pytest.mark.slow
def test_pdf_toc_page_numbers_match_the_pages_of_the_headings(pdf_pages):
    toc = next(p for p in pdf_pages if "目錄" in p.splitlines()[:4] or "\n目錄\n" in p)
    for number, heading in enumerate(HEADINGS, start=1):
        entry = re.search(rf"^{number} {heading}\.*\s*(\d+)\s*$", toc, re.M)
        assert entry, heading
        listed = int(entry.group(1))
        page = pdf_pages[listed - 1]
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert any(re.fullmatch(rf"{number}\s*{heading}", line) for line in lines), (heading, listed)


@pytest.mark.slow
def test_pdf_embeds_a_cjk_font(built):
    rows = _run("pdffonts", str(built[1])).splitlines()[2:]
    cjk = [r for r in rows if re.search(r"CJK|JhengHei|TC|Hei|Ming|Kai", r.split()[0])]
    assert cjk, rows
    assert all(r.split()[-5] == "yes" for r in cjk), cjk  # the "emb" column


# -- catalogues ---------------------------------------------------------------------------------------
def _keys_in_sections() -> set[str]:
    """String literals in the section modules that look like catalogue keys ("table.id", "section.risks")."""
    groups = set(k.split(".")[0] for k in i18n.catalogue("en"))
    keys = set()
    for path in SECTIONS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", node.value) and node.value.split(".")[0] in groups:
                    keys.add(node.value)
    return keys


def test_catalogues_have_the_same_keys_and_placeholders_in_every_language():
    en = i18n.catalogue("en")
    files = {p.name for p in (i18n.HERE / "en").glob("*.yaml")}
    for language in i18n.languages():
        assert {p.name for p in (i18n.HERE / language).glob("*.yaml")} == files, language
        cat = i18n.catalogue(language)
        assert set(cat) == set(en), (language, sorted(set(cat) ^ set(en)))
        for key, text in cat.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            wanted = {f for _, f, _, _ in string.Formatter().parse(en[key]) if f}
            assert fields <= wanted, (language, key, fields - wanted)  # a placeholder the code never passes
    assert "zh-TW" in i18n.languages()


def test_every_key_the_sections_use_exists_and_zh_tw_translates_it():
    keys = _keys_in_sections()
    assert {"section.summary", "table.id", "caption.raci_part", "overview.calendar_text"} <= keys
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh-TW")
    missing = sorted(k for k in keys if k not in en or k not in zh)
    assert not missing, missing
    words = lambda text: re.sub(r"\{\w+\}", "", text)  # noqa: E731  (placeholders are not words)
    english = sorted(k for k in keys if zh[k] == en[k] and re.search("[A-Za-z]{3}", words(en[k]))
                     and k not in {"overview.swot", "caption.swot"})
    assert not english, english


def test_enumerated_values_have_chinese_words():
    t = Messages("zh-TW")
    enums = {
        "status": ["Draft", "In review", "Approved", "Not started", "In progress", "Done", "At risk", "Blocked",
                   "Open", "Closed", "Occurred", "Requested", "Answered"],
        "type": ["Personnel", "Money", "Software", "Equipment", "Material", "Time"],
        "method": ["Interview", "Survey", "Focus group", "Observation", "Document"],
        "rating": ["high", "medium", "low"],
    }
    for group, values in enums.items():
        for value in values:
            word = t.word(group, value)
            assert CJK.search(word), (group, value, word)
    assert t.word("status", "not started") == t.word("status", "Not started") == "未開始"
    assert t.word("status", "Closed") == "已結案"
    assert t("section.risks") == "風險評估" and t("section.roles") == "角色與職責"
    assert t("section.resources") == "資源配置" and t("section.deliverables") == "可交付成果"


# -- Babel formatting ---------------------------------------------------------------------------------
def test_dates_numbers_and_money_in_zh_tw():
    t = Messages("zh-TW")
    assert t.date(date(2027, 3, 15)) == "2027年3月15日"
    assert t.short_date(date(2027, 3, 15)) == "3/15"
    assert t.number(1234567) == "1,234,567"
    assert t.money(1234567, "TWD") == "NT$1,234,567"
    assert t.money(1234567.6, "twd") == "NT$1,234,568"
    assert t.money(-5000, "TWD") == "-NT$5,000"
    assert t.money(2500, "USD") == "US$2,500"  # not to be confused with NT$ in a Taiwanese document
    assert t.compact_money(15_000_000, "TWD") == "NT$1500萬"
    assert Messages("en").money(1234567, "TWD") == "NT$1,234,567"
    assert Messages("en").date(date(2027, 3, 15)) == "15\u00a0Mar\u00a02027"  # no-break spaces: never wraps


def test_working_week_in_words():
    zh, en = Messages("zh-TW"), Messages("en")
    assert zh.week("Mon-Fri") == "週一至週五"
    assert zh.week("Sun-Thu") == "週日至週四"
    assert zh.week("mon, tue, thu") == "週一、週二和週四"
    assert zh.week({0, 1, 2, 3, 4, 5, 6}) == "週一至週日"
    assert en.week("Mon-Fri") == "Mon–Fri"
    assert en.week("Fri-Sun") == "Fri–Sun"
    assert en.week("someday") == "someday"  # not a week: shown as written


# -- charts: Chinese names in an English plan ---------------------------------------------------------
def _chinese_rows(task_name: str = "需求訪談與現況分析") -> dict:
    rows = minimal_rows()
    person = "陳怡君"
    rows["Project"]["Manager"] = person
    rows["Project"]["Budget"] = 500000
    rows["Project"]["Currency"] = "TWD"
    rows["Objectives"][0].update(Owner=person, Objective="縮短等候時間")
    rows["Deliverables"][0].update(Owner=person, Deliverable="智慧門診服務平台")
    rows["Tasks"][0].update(Owner=person, Task=task_name)
    rows["Tasks"][1].update(Owner=person, Task="需求規格審查通過")
    rows["Risks"][0].update(Owner=person, Risk="廠商延遲交付", Likelihood=4, Impact=4, Contingency="備援方案",
                            Trigger="里程碑延誤")
    rows["People"] = [{"Name": person, "Role": "專案經理", "Organization": "南嶺綜合醫院", "Availability": 50}]
    rows["RACI"] = [{"Item": i, person: "A/R"} for i in ("D1", "T1", "T2")]
    rows["Resources"] = [{"Resource": "自助報到機", "Type": "Equipment", "Quantity": 2, "Unit": "台",
                          "Unit cost": 200000, "For": "T1", "From": date(2026, 3, 2), "To": date(2026, 3, 6),
                          "Approver": person, "Status": "Approved"}]
    return rows


def _font_covers(family: str, text: str) -> bool:
    path = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    charmap = FT2Font(str(path), face_index=getattr(path, "face_index", 0)).get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def _chart_sections(ctx) -> list:
    figures = []
    for section in (schedule_section, risks_section, resources_section, objectives_section):
        fragment = section.build(ctx)
        figures += [blk for blk in fragment.blocks if type(blk).__name__ == "Figure"]
    return figures


def test_english_plan_with_chinese_names_draws_its_charts(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", _chinese_rows())
    ctx = section_context.load(workbook=path, output=tmp_path / "out")
    assert ctx.language == "en"
    figures = _chart_sections(ctx)
    names = {Path(f.path).stem for f in figures}
    assert {"gantt", "milestones", "risk-matrix", "workload", "budget-by-type", "objectives"} <= names
    for f in figures:
        assert (ctx.output / f.path).stat().st_size > 2000
    # the font list of an English plan holding Chinese names draws every character of them
    families = chart_fonts.families_for("en", ["陳怡君 需求訪談與現況分析 智慧門診服務平台"])
    text = "陳怡君需求訪談與現況分析智慧門診服務平台南嶺綜合醫院自助報到機"
    assert any(_font_covers(f, text) for f in families), families
    assert not _font_covers(chart_fonts.LATIN, "陳")  # the Latin font alone could not: fallback is real


def test_a_character_no_chart_font_has_is_a_finding_and_a_placeholder(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", _chinese_rows("需求訪談 \U0010fffd"))
    ctx = section_context.load(workbook=path, output=tmp_path / "out")
    assert [f.code for f in ctx.findings if f.code == "W192"] == ["W192"]
    assert "\ufffd" in ctx.chart_plan.tasks[0].name and "\U0010fffd" in ctx.plan.tasks[0].name
    schedule_section.build(ctx)  # the charts draw the placeholder
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD"):  # the charts themselves stay strict
        from implan_docs.charts import gantt_charts
        gantt_charts(ctx.plan, ctx.schedule)


# -- implan new --language zh-TW ----------------------------------------------------------------------
def test_new_zh_tw_workbook_explains_in_chinese_with_the_contracts_english_names(tmp_path):
    path = tmp_path / "計畫.xlsx"
    assert main(["new", "--language", "zh-TW", str(path)]) == 0
    wb = load_workbook(path)
    for sheet in ("Project", "Objectives", "Scope", "Deliverables", "Tasks", "Risks", "People", "RACI",
                  "Resources", "Research", "SWOT", "Holidays", "Extra working days"):
        assert sheet in wb.sheetnames
    ws = wb["Instructions"]
    assert ws["A1"].value == "如何填寫本實施計畫"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert rows[0] == ["工作表", "必填", "欄位", "填寫說明"]
    sheets = [r[0] for r in rows if r[0]]
    assert "Extra working days" in sheets and "Tasks" in sheets  # contract names, not translated
    columns = [r[2] for r in rows if r[2]]
    assert "Depends on" in columns and "Duration" in columns
    explained = [r[3] for r in rows if r[3]]
    assert explained and all(CJK.search(text) for text in explained)
    headers = [c.value for c in wb["Tasks"][1]]
    assert any(str(h).startswith("ID") for h in headers) and not any(CJK.search(str(h or "")) for h in headers)
    fields = {str(r[0].value).rstrip("*"): r[1].value for r in wb["Project"].iter_rows(min_row=2)}
    assert fields["Language"] == "zh-TW" and fields["Currency"] == "TWD"
