"""End to end: real Papermill, real kernels, real .docx reopened, LibreOffice as a second reader."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from plans import minimal_rows, write_plan

from implan_docs.build import build_plan
from implan_docs.cli import main
from implan_docs.errors import ImplanError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
SECTION_HEADINGS = ["Executive summary", "Project overview", "Objectives", "Scope", "Deliverables", "Schedule",
                    "Risk assessment", "Roles and responsibilities", "Resource allocation", "Appendix"]
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    result = build_plan(EXAMPLE, out, pdf=True)
    return result


@pytest.mark.slow
def test_document_has_every_section_table_image_caption_and_alt_text(example_build):
    doc = Document(str(example_build.docx))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTION_HEADINGS
    assert len(doc.tables) > 25
    body = doc.element.body
    images = body.findall(f".//{WP}docPr")
    assert len(images) >= 8 and all(len(d.get("descr", "")) > 40 for d in images)
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    fields = [c._p.xml for c in captions]
    assert sum("SEQ Figure" in x for x in fields) == len(images)
    assert sum("SEQ Table" in x for x in fields) >= 20
    names = {d.get("name") for d in images}
    assert len(names) == len(images)
    # the filled workbook and the charts came along
    assert example_build.workbook.is_file()
    assert len(list((example_build.docx.parent / "charts").glob("*.png"))) == len(images)
    assert len(list((example_build.docx.parent / "notebooks").glob("*.ipynb"))) == 10


@pytest.mark.slow
def test_pdf_has_toc_with_page_numbers_header_and_footer(example_build):
    text = subprocess.run(["pdftotext", "-layout", str(example_build.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    toc = next(p for p in pages if "Table of contents" in p)
    for number, heading in enumerate(SECTION_HEADINGS, start=1):
        line = next(line for line in toc.splitlines() if f"{number} {heading}" in line)
        assert line.rstrip()[-1].isdigit(), line  # a page number at the end of the entry
    assert "Page 2 of" in pages[1] and "Internal" in pages[1]
    assert "Field Service Management System Rollout" in pages[3]  # header
    # the .docx carries the TOC entries (with the page numbers LibreOffice found) as the field's result
    doc = Document(str(example_build.docx))
    toc = [p.text for p in doc.paragraphs if p.style.name.lower().startswith("toc") and "heading" not in p.style.name.lower()]
    entry = next(line for line in toc if "Executive summary" in line)
    assert entry.split("\t")[-1].isdigit(), entry


@pytest.mark.slow
def test_same_inputs_give_the_same_bytes(example_build, tmp_path):
    again = build_plan(EXAMPLE, tmp_path / "again", pdf=True)
    assert sha(again.docx) == sha(example_build.docx)
    assert sha(again.workbook) == sha(example_build.workbook)
    for png in (example_build.docx.parent / "charts").glob("*.png"):
        assert sha(png) == sha(tmp_path / "again" / "charts" / png.name), png.name


def test_one_notebook_runs_alone_with_papermill(tmp_path):
    out = tmp_path / "alone"
    subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "60-risks.ipynb"),
                    str(tmp_path / "risks.ipynb"), "-p", "workbook", str(EXAMPLE), "-p", "output", str(out)],
                   check=True, capture_output=True, timeout=300, cwd=tmp_path)
    fragment = json.loads((out / "fragments" / "risks.json").read_text(encoding="utf-8"))
    assert fragment["section"] == "risks" and (out / "charts" / "risk-matrix.png").is_file()


def test_committed_notebooks_have_no_outputs_and_match_the_generator(tmp_path):
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"]
                   if c["cell_type"] == "code"), path.name
        tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
        assert ["parameters"] in tags, path.name
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    for number, name, title, what in maker.SECTIONS:
        expected = nbformat.writes(maker.notebook(number, name, title, what)) + "\n"
        assert (ROOT / "notebooks" / f"{number}-{name}.ipynb").read_text(encoding="utf-8") == expected, name


USER_SECTION = {
    "cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "id": "p", "source": 'workbook = ""\noutput = "build"\nlanguage = ""\ncontext = ""'},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "id": "b",
         "source": "from implan_docs import blocks as b, sections\n"
                   "ctx = sections.load(workbook, output=output, language=language, context=context)\n"
                   "b.Fragment('lessons', 'Lessons learned', (b.Heading('Lessons learned'),\n"
                   "    b.Paragraph(f'{len(ctx.plan.tasks)} tasks reviewed.'))).write(output)\n"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_own_section_lands_before_the_appendix(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "95-lessons.ipynb").write_text(json.dumps(USER_SECTION), encoding="utf-8")
    plan = write_plan(tmp_path / "plan.xlsx")
    result = build_plan(plan, tmp_path / "out", sections=["scope", "lessons", "appendix"], notebooks=[folder])
    doc = Document(str(result.docx))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Scope", "Lessons learned", "Appendix"]
    assert any(p.text == "2 tasks reviewed." for p in doc.paragraphs)


def test_failing_section_is_one_line_and_earlier_outputs_stay(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    assert main(["build", str(plan), "-o", str(out), "--sections", "scope"]) == 0
    before = {p.name: sha(p) for p in out.glob("*.*") if p.is_file()}
    capsys.readouterr()
    folder = tmp_path / "broken"
    folder.mkdir()
    bad = json.loads(json.dumps(USER_SECTION))
    bad["cells"][1]["source"] = "raise ValueError('the lessons sheet is empty')"
    (folder / "95-lessons.ipynb").write_text(json.dumps(bad), encoding="utf-8")
    code = main(["build", str(plan), "-o", str(out), "--sections", "scope,lessons", "--notebooks", str(folder)])
    err = capsys.readouterr().err
    line = err.strip().splitlines()[-1]
    assert code == 1 and "Traceback" not in err
    assert "section 'lessons' failed: cell" in line and "ValueError: the lessons sheet is empty" in line
    assert str(out / "notebooks" / "95-lessons.ipynb") in line and (out / "notebooks" / "95-lessons.ipynb").is_file()
    assert {p.name: sha(p) for p in out.glob("*.*") if p.is_file()} == before
    assert not list(tmp_path.glob(".out.staging-*"))


def test_errors_in_the_plan_stop_the_build(tmp_path, capsys):
    rows = minimal_rows()
    rows["Tasks"][0]["Owner"] = None
    plan = write_plan(tmp_path / "plan.xlsx", rows=rows)
    code = main(["build", str(plan), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "Tasks!D2 (Owner): E120" in err and "nothing was built" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_portfolio_builds_each_plan_and_reports_failures(tmp_path, capsys):
    good = write_plan(tmp_path / "a.xlsx")
    rows = minimal_rows()
    rows["Risks"][0]["Impact"] = 9
    bad = write_plan(tmp_path / "b.xlsx", rows=rows)
    other = write_plan(tmp_path / "c.xlsx", project={"Code": "TP-3"})
    code = main(["build", str(good), str(bad), str(other), "-o", str(tmp_path / "out"), "--sections", "scope"])
    out, err = capsys.readouterr()
    assert code == 1
    assert (tmp_path / "out" / "a" / "TP-1-v1.0.docx").is_file() and (tmp_path / "out" / "c" / "TP-3-v1.0.docx").is_file()
    assert not (tmp_path / "out" / "b").exists() or not list((tmp_path / "out" / "b").glob("*.docx"))
    assert "2 of 3 plans built, 1 failed" in out and "b.xlsx" in out


def test_template_problems_stop_before_any_work(tmp_path, capsys):
    import hostile_files as hf

    plan = write_plan(tmp_path / "plan.xlsx")
    for template in (hf.make_docm(tmp_path), hf.make_corrupt_docx(tmp_path), hf.make_zip_bomb_docx(tmp_path)):
        code = main(["build", str(plan), "-o", str(tmp_path / "out"), "--template", str(template)])
        err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("implan:")]
        assert code == 1 and len(err) == 1 and template.name in err[0], err


def test_restyled_template_builds(tmp_path):
    """A user's template: Letter size, other fonts and margins, placeholders in another order."""
    from docx.shared import Inches, Pt

    src = Document(str(ROOT / "templates" / "plan.docx"))
    for section in src.sections:
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        section.left_margin = section.right_margin = Inches(1.2)
    src.styles["Normal"].font.name = "DejaVu Serif"
    src.styles["Normal"].font.size = Pt(10.5)
    placeholders = [p for p in src.paragraphs if p.text.startswith("{{section:")]
    scope = next(p for p in placeholders if p.text == "{{section:scope}}")
    summary = next(p for p in placeholders if p.text == "{{section:summary}}")
    summary._p.addprevious(scope._p)  # scope first
    template = tmp_path / "corporate.docx"
    src.save(str(template))
    result = build_plan(write_plan(tmp_path / "plan.xlsx"), tmp_path / "out", template=template,
                        sections=["summary", "scope", "appendix"])
    doc = Document(str(result.docx))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Scope", "Executive summary", "Appendix"]
    assert doc.sections[-1].page_width == Inches(8.5)
    assert doc.styles["Normal"].font.name == "DejaVu Serif"


def test_unknown_section_is_a_usage_problem(tmp_path):
    with pytest.raises(ImplanError, match="unknown section 'nope'"):
        build_plan(write_plan(tmp_path / "plan.xlsx"), tmp_path / "out", sections=["nope"])


def test_shutil_available():
    assert shutil.which("soffice") and shutil.which("pdftotext"), "scripts/setup installs LibreOffice and poppler"


def test_since_adds_changes_section(tmp_path):
    old = write_plan(tmp_path / "v1.xlsx", project={"Version": "0.9"})
    rows = minimal_rows()
    rows["Tasks"][0]["Duration"] = 8
    new = write_plan(tmp_path / "v2.xlsx", rows=rows)
    result = build_plan(new, tmp_path / "out", sections=["changes", "appendix"], since=old)
    doc = Document(str(result.docx))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0].startswith("Changes since version 0.9") and headings[-1] == "Appendix"
    assert any("T1" in cell.text for table in doc.tables for row in table.rows for cell in row.cells)


@pytest.mark.parametrize("payload", ['{"format": 1, "section": "lessons", "blocks": [{"type": "paragraph", "text": {"a": 1}}]}',
                                     '{"format": 1, "section": "lessons", "blocks": [{"type": "nope"}]}',
                                     '{"format": 1, "section": "lessons", "blocks": [{"type": "table", "rows": 5}]}',
                                     'not json at all', '[1, 2]'],
                         ids=["wrong-type", "unknown-block", "rows-not-a-list", "not-json", "not-an-object"])
def test_a_malformed_fragment_is_one_line_naming_section_and_notebook(tmp_path, capsys, payload):
    folder = tmp_path / "mine"
    folder.mkdir()
    nb = json.loads(json.dumps(USER_SECTION))
    nb["cells"][1]["source"] = ("import os\nos.makedirs(os.path.join(output, 'fragments'), exist_ok=True)\n"
                                f"open(os.path.join(output, 'fragments', 'lessons.json'), 'w').write({payload!r})\n")
    (folder / "95-lessons.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    plan = write_plan(tmp_path / "plan.xlsx")
    code = main(["build", str(plan), "-o", str(tmp_path / "out"), "--sections", "lessons", "--notebooks", str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    line = err.strip().splitlines()[-1]
    assert "section 'lessons': notebook 95-lessons.ipynb wrote a malformed fragment" in line
