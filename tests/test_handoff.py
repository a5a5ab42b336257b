"""implan handoff: one real build (with PDF) of the example, the review package, and the round trip back."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from implan_docs import blocks as b
from implan_docs.build import template_fields
from implan_docs.phases import check_plan
from implan_docs.cli import main
from implan_docs.errors import ImplanError
from implan_docs.handoff import (STAMP, Reviewer, _reusable_build, make_handoff, parse_reviewer, read_manifest,
                                 review_copy)
from implan_docs.xlsx.review_rows import collect_into
from implan_docs.sections import appendix
from implan_docs.sections.context import Context

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
DUE = date(2026, 12, 4)
LINE = "Review copy, version 1.0, comments due 4\u00a0Dec\u00a02026"  # dates use no-break spaces
FOLDER = "WFS-2027-v1.0-review"


@pytest.fixture(scope="module")
def handed(tmp_path_factory):
    out = tmp_path_factory.mktemp("handoff") / "out"
    result = make_handoff(EXAMPLE, out, reviewers=["Ann Lee <ann@example.org>", Reviewer("Bob Smith")], due=DUE,
                          pdf=True)
    return result


def members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_package_files_and_manifest(handed):
    assert handed.package.name == f"{FOLDER}.zip" and not handed.reused
    with zipfile.ZipFile(handed.package) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == [f"{FOLDER}/{n}" for n in (
        "WFS-2027-v1.0-review.docx", "WFS-2027-v1.0.pdf", "WFS-2027-v1.0-filled.xlsx",
        "WFS-2027-v1.0-reviewer-guide.docx", "WFS-2027-v1.0-reviewer-guide.pdf", "manifest.json")]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}

    files = members(handed.package)
    manifest = json.loads(files[f"{FOLDER}/manifest.json"])
    assert manifest == read_manifest(handed.package) == handed.manifest
    assert [f["path"] for f in manifest["files"]] == [n.split("/", 1)[1] for n in names[:-1]]
    for entry in manifest["files"]:
        data = files[f"{FOLDER}/{entry['path']}"]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["plan"] == {"name": "Field Service Management System Rollout", "code": "WFS-2027",
                                "version": "1.0", "status": "In review", "language": "en",
                                "workbook": "rollout-plan.xlsx"}
    assert manifest["due"] == "2026-12-04" and manifest["status_date"] == "2026-11-13"
    assert manifest["reviewers"] == [{"name": "Ann Lee", "email": "ann@example.org"},
                                     {"name": "Bob Smith", "email": ""}]
    assert manifest["source"]["workbook_sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    # the PDF and filled workbook are the build's own files
    assert files[f"{FOLDER}/WFS-2027-v1.0.pdf"] == handed.build.pdf.read_bytes()
    assert files[f"{FOLDER}/WFS-2027-v1.0-filled.xlsx"] == handed.build.workbook.read_bytes()
    assert files[f"{FOLDER}/WFS-2027-v1.0.pdf"].startswith(b"%PDF")


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_review_copy_is_protected_for_comments_and_says_so_on_every_page(handed):
    data = members(handed.package)[f"{FOLDER}/WFS-2027-v1.0-review.docx"]
    document = docx.Document(io.BytesIO(data))
    protection = document.settings.element.find(qn("w:documentProtection"))
    assert protection is not None
    assert protection.get(qn("w:edit")) == "comments" and protection.get(qn("w:enforcement")) == "1"
    assert protection.get(qn("w:hash")) is None and protection.get(qn("w:hashValue")) is None  # no password
    assert document.settings.element.find(qn("w:trackRevisions")) is not None
    seen = 0
    for section in document.sections:
        headers = [section.header] + ([section.first_page_header] if section.different_first_page_header_footer
                                      else [])
        for header in headers:
            assert header.paragraphs[0].text == LINE
            assert [p.text for p in header.paragraphs].count(LINE) == 1
            seen += 1
    assert seen >= 2  # the title page's own header too
    # the body is the build's document, unchanged
    original = docx.Document(str(handed.build.docx))
    assert [p.text for p in document.paragraphs] == [p.text for p in original.paragraphs]


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_review_copy_is_deterministic_and_in_the_plan_language(handed):
    source = handed.build.docx.read_bytes()
    a = review_copy(source, "1.0", DUE, "zh-TW")
    assert a == review_copy(source, "1.0", DUE, "zh-TW")
    header = docx.Document(io.BytesIO(a)).sections[0].header
    assert header.paragraphs[0].text == "審閱稿，第 1.0 版，請於2026年12月4日前提供意見"
    no_due = docx.Document(io.BytesIO(review_copy(source, "1.0", None, "en"))).sections[0].header
    assert no_due.paragraphs[0].text == "Review copy, version 1.0"


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_reviewer_guide(handed):
    from pypdf import PdfReader

    files = members(handed.package)
    guide = docx.Document(io.BytesIO(files[f"{FOLDER}/WFS-2027-v1.0-reviewer-guide.docx"]))
    text = "\n".join(p.text for p in guide.paragraphs)
    assert guide.paragraphs[0].text == "Reviewer guide"
    for expected in ("Please send your comments by 4\u00a0Dec\u00a02026.", "Ann Lee <ann@example.org>; Bob Smith",
                     "What to check", "can you tell what the project will achieve", "who does what",
                     "what it costs", "How to comment", "Review › New Comment", "Insert › Comment",
                     "WFS-2027-v1.0-review.docx", "Questions the team already knows of", "Daniel Okafor"):
        assert expected in text, expected
    assert not [p for p in guide.paragraphs if "{{" in p.text]
    assert all(not s.header.paragraphs or not "".join(p.text for p in s.header.paragraphs)
               for s in guide.sections)  # the template's header placeholders are not carried over
    pdf = PdfReader(io.BytesIO(files[f"{FOLDER}/WFS-2027-v1.0-reviewer-guide.pdf"]))
    assert len(pdf.pages) == 1


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_same_inputs_reuse_the_build_and_give_the_same_zip(handed, capsys):
    before = handed.package.read_bytes()
    docx_mtime = handed.build.docx.stat().st_mtime_ns
    again = make_handoff(EXAMPLE, handed.package.parent, reviewers=["Ann Lee <ann@example.org>", "Bob Smith"],
                         due=DUE)
    assert again.reused and again.package.read_bytes() == before
    assert handed.build.docx.stat().st_mtime_ns == docx_mtime

    # without PDFs, through the CLI: the same build serves, the package just leaves the PDFs out
    out = handed.package.parent
    assert main(["handoff", str(EXAMPLE), "-o", str(out), "--no-pdf", "--due", "2026-12-04"]) == 0
    assert "reused" in capsys.readouterr().out
    names = list(members(out / f"{FOLDER}.zip"))
    assert not [n for n in names if n.endswith(".pdf")] and len(names) == 4
    shutil.copyfile(out / f"{FOLDER}.zip", out / "no-pdf.zip")
    (out / f"{FOLDER}.zip").write_bytes(before)  # leave the module's package as it was


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_changed_inputs_or_outputs_are_not_reused(handed):
    out = handed.package.parent
    stamp = json.loads((out / STAMP).read_text())["record"]
    checked = check_plan(EXAMPLE)
    assert _reusable_build(out, stamp["key"], checked, True) is not None
    assert _reusable_build(out, stamp["key"] | {"status_date": "2026-11-20"}, checked, True) is None
    assert _reusable_build(out, stamp["key"] | {"workbook_sha256": "0" * 64}, checked, True) is None
    docx_path = handed.build.docx
    saved = docx_path.read_bytes()
    try:
        docx_path.write_bytes(saved + b"\0")  # someone edited the built document
        assert _reusable_build(out, stamp["key"], checked, True) is None
    finally:
        docx_path.write_bytes(saved)


@pytest.mark.slow  # uses the module's one real build (with PDF)
def test_round_trip_review_copy_comments_back_into_the_plan(handed, tmp_path):
    """A reviewer comments the review copy; collect brings it back; the next build's appendix lists it."""
    data = members(handed.package)[f"{FOLDER}/WFS-2027-v1.0-review.docx"]
    document = docx.Document(io.BytesIO(data))
    heading, target = "", None
    for p in document.paragraphs:
        if p.style.name in ("Heading 1", "Heading 2") and p.text:
            heading = p.text
        elif heading == "Purpose" and p.runs and p.text.strip():
            target = p
            break
    assert target is not None
    document.add_comment(target.runs, text="Say which regulator asked for this.", author="Ann Lee",
                         initials="AL")
    reviewed = tmp_path / "WFS-2027-v1.0-review-ann.docx"
    document.save(reviewed)

    updated = tmp_path / "rollout-plan-reviewed.xlsx"
    result = collect_into(EXAMPLE, [reviewed], updated)
    assert len(result.added) == 1
    checked = check_plan(updated)
    assert checked.ok
    (row,) = checked.plan.review
    assert (row.section, row.comment, row.reviewer, row.status) == ("Purpose", "Say which regulator asked for this.",
                                                                    "Ann Lee", "Open")
    assert row.anchor == " ".join(target.text.split())

    ctx = Context(checked.plan, checked.schedule, checked.findings, "en", tmp_path, checked.schedule.status_date)
    fragment = appendix.build(ctx)
    log = [x for x in fragment.blocks if isinstance(x, b.Table) and x.caption == "Review log"][0]
    (cells,) = log.rows
    assert cells[0].text == row.id[:11] + "…" and cells[1].text == "Purpose" and cells[2].text == "Ann Lee"
    assert "Say which regulator asked for this." in cells[3].text and cells[0].fill  # open: highlighted
    assert template_fields(checked, ctx)["review.open_comments"] == "1"


def test_parse_reviewer():
    assert parse_reviewer("Ann Lee <ann@example.org>") == Reviewer("Ann Lee", "ann@example.org")
    assert parse_reviewer("  Bob   Smith ") == Reviewer("Bob Smith", "")
    assert parse_reviewer("carol@example.org") == Reviewer("carol@example.org", "carol@example.org")
    assert parse_reviewer("王小明 <ming@example.tw>") == Reviewer("王小明", "ming@example.tw")
    for bad in ("", "<>", "Ann <not an email>"):
        with pytest.raises(ImplanError):
            parse_reviewer(bad)


def test_plan_with_errors_builds_no_package(tmp_path, capsys):
    import openpyxl

    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Tasks"]["H3"] = "T999"
    wb.save(broken)
    assert main(["handoff", str(broken), "-o", str(tmp_path / "out"), "--no-pdf"]) == 1
    assert "error" in capsys.readouterr().err
    assert not list(tmp_path.glob("out/*.zip"))


def test_reviewer_guide_in_traditional_chinese(tmp_path):
    """A zh-TW plan gets its guide in Traditional Chinese, with the East Asian font and language set."""
    import openpyxl

    from implan_docs.build import TEMPLATE
    from implan_docs.handoff import reviewer_guide

    plan = tmp_path / "zh.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    for row in wb["Project"].iter_rows(min_row=2):
        if str(row[0].value).rstrip("*") == "Language":
            row[1].value = "zh-TW"
    wb["Tasks"]["D3"] = "Nobody Known"  # an owner not in People: a finding the guide lists
    wb.save(plan)
    checked = check_plan(plan)
    names = {"docx": "a-review.docx", "pdf": "a.pdf", "xlsx": "a-filled.xlsx"}
    data = reviewer_guide(checked, TEMPLATE, [Reviewer("王小明", "ming@example.tw")], DUE, names)
    assert data == reviewer_guide(checked, TEMPLATE, [Reviewer("王小明", "ming@example.tw")], DUE, names)
    guide = docx.Document(io.BytesIO(data))
    text = "\n".join([p.text for p in guide.paragraphs]
                     + [c.text for table in guide.tables for row in table.rows for c in row.cells])
    for expected in ("審閱指引", "請於2026年12月4日前提供意見。", "王小明 <ming@example.tw>", "審閱重點", "如何提供意見",
                     "團隊已知的待釐清問題", "Tasks!D3", "Nobody Known"):
        assert expected in text, expected
    fonts = guide.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) or fonts.get(qn("w:eastAsiaTheme"))
    assert guide.core_properties.language == "zh-TW"


def test_the_reviewer_guide_is_one_page_rendered_by_the_assembler(tmp_path):
    """The guide is blocks through the assembler (template styles, unnumbered headings, no title page or
    headers) and stays one page with many open findings: LibreOffice, as a second reader, counts pages."""
    import subprocess

    from plans import minimal_rows, write_plan
    from pypdf import PdfReader

    from implan_docs.build import TEMPLATE
    from implan_docs.handoff import reviewer_guide

    rows = minimal_rows()
    for i in range(12):
        rows["Tasks"].append(dict(rows["Tasks"][0], ID=f"T{10 + i}", Task=f"Extra work {i}", Owner=f"Unknown {i}"))
    checked = check_plan(write_plan(tmp_path / "many.xlsx", rows=rows))
    assert len(checked.warnings) >= 12
    data = reviewer_guide(checked, TEMPLATE, [Reviewer("Ann Lee", "ann@example.org")], DUE,
                          {"docx": "a-review.docx", "pdf": "a.pdf", "xlsx": "a-filled.xlsx"})
    guide = docx.Document(io.BytesIO(data))
    assert not any(s.header.paragraphs and s.header.paragraphs[0].text for s in guide.sections)
    headings = [p for p in guide.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}") is not None
                            for p in headings)  # numbering switched off on each
    (table,) = guide.tables
    assert len(table.rows) == 1 + 6 + 1 and "and 6 more" in table.rows[-1].cells[1].text
    path = tmp_path / "guide.docx"
    path.write_bytes(data)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    assert len(PdfReader(str(tmp_path / "guide.pdf")).pages) == 1

