"""The template contract: the default template, the generator's determinism, a restyled corporate
template, and templates that must be refused with a one-line error."""
from __future__ import annotations

import copy
import importlib.util
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt

from implan_docs.blocks import Fragment, Heading, Paragraph, table
from implan_docs.docx.assemble import assemble
from implan_docs.errors import TemplateError
from implan_docs.docx.template import DEFAULT_TEMPLATE, FIELDS, SECTION_NAMES, SECTIONS, STYLES, check_template, load_template, paragraph_text

ROOT = Path(__file__).resolve().parent.parent


def section_fragments():
    return [Fragment(name, name.title(), (Heading(name.title(), 1), Paragraph(f"About {name}."),
                                          table(["A", "B"], [["1", "2"]], caption=f"{name} table")))
            for name in SECTION_NAMES]


def test_default_template_is_usable_and_lists_its_placeholders():
    assert check_template(DEFAULT_TEMPLATE) == []
    _, info = load_template(DEFAULT_TEMPLATE)
    assert info.sections == SECTION_NAMES
    assert [s.name for s in SECTIONS if not s.required] == ["changes"]
    title_page = ["project.name", "project.code", "project.version", "project.status", "document.date",
                  "project.manager", "project.sponsor", "project.confidentiality", "review.open_comments"]
    assert [f for f in info.fields if not f.startswith("t:")] == title_page
    assert set(title_page) <= set(FIELDS)
    assert "t:document.page_of" in info.fields
    assert set(info.styles) == {s.name for s in STYLES}


def test_default_template_is_a4_with_title_page_and_numbered_headings():
    d = docx.Document(str(DEFAULT_TEMPLATE))
    s = d.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert s.different_first_page_header_footer
    assert "{{project.name}}" in s.header.paragraphs[0].text
    assert "{{t:document.page_of}}" in s.footer.paragraphs[0].text
    for level in (1, 2, 3):
        style = d.styles[f"Heading {level}"]
        assert style.element.pPr.numPr is not None
    table_style = d.styles["Plan Table"]
    assert table_style.element.find(qn("w:tblStylePr")).get(qn("w:type")) == "firstRow"
    fonts = [f for f in d.styles.element.iter(qn("w:rFonts"))]
    assert fonts and all(f.get(qn("w:eastAsia")) == "Microsoft JhengHei" for f in fonts)


def test_generator_reproduces_the_committed_template(tmp_path):
    spec = importlib.util.spec_from_file_location("make_template", ROOT / "templates" / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.build(tmp_path / "plan.docx")
    assert out.read_bytes() == DEFAULT_TEMPLATE.read_bytes(), "run templates/make_template.py and commit"


def _placeholder_paragraph(d, name):
    return next(p for p in d.paragraphs if p.text == "{{section:%s}}" % name)


def restyled_template(path: Path) -> Path:
    """A corporate template as a user makes it: other fonts, margins, US Letter, sections reordered,
    the optional 'changes' section removed, placeholders split over several runs as Word does."""
    d = docx.Document(str(DEFAULT_TEMPLATE))
    normal = d.styles["Normal"]
    normal.font.name = "Georgia"
    normal.font.size = Pt(11)
    d.styles["Heading 1"].font.name = "Arial"
    s = d.sections[0]
    s.page_width, s.page_height = Inches(8.5), Inches(11)
    s.left_margin = s.right_margin = Inches(1)
    s.top_margin = Cm(3)
    # risks before schedule; no changes
    risks, schedule = _placeholder_paragraph(d, "risks"), _placeholder_paragraph(d, "schedule")
    schedule._p.addprevious(risks._p)
    changes = _placeholder_paragraph(d, "changes")
    changes._p.getparent().remove(changes._p)
    # split placeholders into runs (Word does this after edits)
    for p in (_placeholder_paragraph(d, "summary"), next(p for p in d.paragraphs if p.text == "{{project.name}}")):
        text = p.text
        for r in list(p.runs):
            r._r.getparent().remove(r._r)
        for piece in (text[:3], text[3:9], text[9:]):
            p.add_run(piece)
    d.save(str(path))
    return path


def test_restyled_letter_template_builds_in_its_own_order(tmp_path):
    template = restyled_template(tmp_path / "corporate.docx")
    assert check_template(template) == []
    _, info = load_template(template)
    assert info.sections.index("risks") < info.sections.index("schedule") and "changes" not in info.sections
    out = assemble(template, section_fragments(), {"project.name": "Harbour Works"}, "en", tmp_path / "out.docx", tmp_path)
    d = docx.Document(str(out))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    # 'changes' has no placeholder here: it goes right before the appendix, like a user's own section
    assert heads == ["Summary", "Overview", "Objectives", "Scope", "Deliverables", "Risks", "Schedule", "Roles",
                     "Resources", "Changes", "Appendix"]
    assert "Harbour Works" in [p.text for p in d.paragraphs]
    assert d.styles["Normal"].font.name == "Georgia"
    grid = [int(g.get(qn("w:w"))) for g in d.tables[-1]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == int(Inches(6.5).twips)  # Letter width minus 1" margins
    assert round(d.sections[0].page_width.inches, 2) == 8.5
    assert "{{" not in d.element.xml


def problems_of(path) -> list[str]:
    """The problem texts of check_template's E190 findings."""
    return [dict(f.params)["problem"] for f in check_template(path) if f.code == "E190"]


def test_missing_placeholder_is_named(tmp_path):
    d = docx.Document(str(DEFAULT_TEMPLATE))
    p = _placeholder_paragraph(d, "risks")
    p._p.getparent().remove(p._p)
    d.save(str(tmp_path / "t.docx"))
    (finding,) = check_template(tmp_path / "t.docx")
    problem = "placeholder {{section:risks}} is missing (a paragraph holding only that text)"
    assert str(finding) == f"t.docx: E190 template problem: {problem}"
    assert finding.is_error and finding.location.file == "t.docx"
    with pytest.raises(TemplateError) as err:
        load_template(tmp_path / "t.docx")
    assert str(err.value) == f"t.docx: {problem}"
    # callers written for the lines check_template returned before findings keep working
    assert finding.removeprefix("t.docx: ") == problem


def test_missing_style_and_unknown_placeholders_are_problems(tmp_path):
    d = docx.Document(str(DEFAULT_TEMPLATE))
    style = d.styles["Table Text"].element
    style.getparent().remove(style)
    d.paragraphs[0].add_run("{{project.nam}} {{t:document.nothing}}")
    d.save(str(tmp_path / "t.docx"))
    problems = problems_of(tmp_path / "t.docx")
    assert any(p.startswith("paragraph style 'Table Text' is missing") for p in problems)
    assert any("{{project.nam}} is not a known field" in p for p in problems)
    assert any("{{t:document.nothing}}: no such message" in p for p in problems)
    with pytest.raises(TemplateError, match=r"and 2 more problem"):
        load_template(tmp_path / "t.docx")


def test_section_placeholder_must_be_its_own_paragraph(tmp_path):
    d = docx.Document(str(DEFAULT_TEMPLATE))
    _placeholder_paragraph(d, "scope").add_run(" and more")
    d.save(str(tmp_path / "t.docx"))
    problems = problems_of(tmp_path / "t.docx")
    assert "placeholder {{section:scope}} must be a paragraph of its own in the body" in problems


def test_macro_enabled_and_broken_templates_are_refused(tmp_path):
    docm = tmp_path / "plan.docm"
    shutil.copy(DEFAULT_TEMPLATE, docm)
    with pytest.raises(TemplateError, match="macro-enabled"):
        load_template(docm)
    # a .docx that carries a VBA project anyway
    sneaky = tmp_path / "sneaky.docx"
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as src, zipfile.ZipFile(sneaky, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(TemplateError, match="macro-enabled"):
        load_template(sneaky)
    not_zip = tmp_path / "plan.docx"
    not_zip.write_text("hello")
    with pytest.raises(TemplateError, match="expected the template as a Word document"):
        load_template(not_zip)
    (missing,) = check_template(tmp_path / "missing.docx")
    assert str(missing).startswith("missing.docx: E190 template problem: ") and missing.is_error
    assert missing.line.startswith("missing.docx: ")


def test_dotx_template_is_refused_with_a_hint(tmp_path):
    dotx = tmp_path / "corporate.dotx"
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as src, zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, data)
    (problem,) = check_template(dotx)
    assert str(problem).startswith("corporate.dotx: E190 ") and "save the template as Word Document (.docx)" in str(problem)


def test_paragraph_text_joins_runs():
    d = docx.Document(str(DEFAULT_TEMPLATE))
    p = copy.deepcopy(_placeholder_paragraph(d, "summary")._p)
    assert paragraph_text(p) == "{{section:summary}}"
