"""Every .docx the tool writes opens in Word without "repair": no control characters in text or
attribute values, fields nested properly, bookmark and drawing ids unique integers across the whole
package. Checked by a reader of its own here (not the code that writes), on both example builds and
on templates that already hold bookmarks, pictures, broken fields and control characters; LibreOffice
reads the results as a second reader."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Cm
from lxml import etree

from implan_docs.docx import pdf as pdf_module
from implan_docs.blocks import Bullets, Figure, Fragment, Heading, Paragraph, table
from implan_docs.docx.assemble import assemble
from implan_docs.docx.template import DEFAULT_TEMPLATE, SECTION_NAMES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"en": ROOT / "examples" / "rollout-plan.xlsx", "zh-TW": ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NASTY = "bell\x07 vt\x0b us\x1f del\x7f nel\x85 nonchar\ufffe end"


def package_problems(data: bytes) -> list[str]:
    """What Word would repair in the package ``data``: one line per problem (empty: none)."""
    problems: list[str] = []
    bookmark_ids: dict[str, str] = {}
    bookmark_names: dict[str, str] = {}
    shape_ids: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            try:
                root = etree.fromstring(zf.read(name))
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: not well-formed XML ({exc})")
                continue
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                for where, value in [("text", el.text), ("tail", el.tail), *el.attrib.items()]:
                    if value and CONTROL.search(value):
                        problems.append(f"{name}: control character {CONTROL.search(value).group()!r} in "
                                        f"{el.tag.split('}')[-1]} {where}")
            # fields: begin [instr...] [separate] end, nested properly
            stack: list[bool] = []  # has the field a separator yet
            for el in root.iter(f"{W}fldChar", f"{W}instrText", f"{W}delInstrText"):
                kind = el.get(f"{W}fldCharType")
                if el.tag != f"{W}fldChar":
                    if not stack or stack[-1]:
                        problems.append(f"{name}: field instruction outside a field's instruction")
                elif kind == "begin":
                    stack.append(False)
                elif kind == "separate":
                    if not stack or stack[-1]:
                        problems.append(f"{name}: field separator without a field, or a second one")
                    else:
                        stack[-1] = True
                elif kind == "end":
                    if not stack:
                        problems.append(f"{name}: field end without a begin")
                    else:
                        stack.pop()
                else:
                    problems.append(f"{name}: unknown field character {kind!r}")
            if stack:
                problems.append(f"{name}: {len(stack)} field(s) never end")
            # bookmarks: integer ids unique in the package, each start ended in its part, names unique
            starts = [(b.get(f"{W}id"), b.get(f"{W}name")) for b in root.iter(f"{W}bookmarkStart")]
            ends = sorted(b.get(f"{W}id") or "" for b in root.iter(f"{W}bookmarkEnd"))
            if sorted(i or "" for i, _ in starts) != ends:
                problems.append(f"{name}: bookmark starts and ends do not pair up")
            for bid, mark in starts:
                if not re.fullmatch(r"\d+", bid or "") or int(bid) >= 2**31:
                    problems.append(f"{name}: bookmark {mark!r} has id {bid!r}, not an integer")
                elif bid in bookmark_ids:
                    problems.append(f"{name}: bookmark id {bid} also in {bookmark_ids[bid]}")
                bookmark_ids.setdefault(bid, name)
                if not mark or mark in bookmark_names:
                    problems.append(f"{name}: bookmark name {mark!r} twice (also in {bookmark_names.get(mark)})")
                bookmark_names.setdefault(mark, name)
            for el in root.iter(WP_DOCPR):
                sid = el.get("id")
                if not re.fullmatch(r"\d+", sid or "") or not 0 < int(sid) < 2**31:
                    problems.append(f"{name}: drawing {el.get('name')!r} has id {sid!r}")
                elif sid in shape_ids:
                    problems.append(f"{name}: drawing id {sid} also in {shape_ids[sid]}")
                shape_ids.setdefault(sid, name)
    return problems


def test_checker_sees_each_kind_of_problem():
    """The checker itself: a package holding one of each problem."""
    body = (f'<w:document xmlns:w="{W[1:-1]}" xmlns:wp="{WP_DOCPR[1:].split("}")[0]}"><w:body>'
            '<w:p><w:bookmarkStart w:id="1" w:name="a"/><w:bookmarkEnd w:id="1"/>'
            '<w:bookmarkStart w:id="1" w:name="a"/><w:bookmarkEnd w:id="1"/><w:bookmarkStart w:id="x" w:name="b"/>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:t>nel\u0085</w:t></w:r><wp:docPr id="3" name="p"/><wp:docPr id="3" name="q"/></w:p>'
            "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", body)
    found = "\n".join(package_problems(buf.getvalue()))
    for words in ("control character", "separator without a field", "never end", "do not pair up",
                  "not an integer", "bookmark id 1 also", "name 'a' twice", "drawing id 3 also"):
        assert words in found, words


# -- templates that already hold bookmarks, pictures and broken fields -----------------------------------


def busy_template(folder: Path) -> Path:
    """A corporate template as people make them: a logo in the header, pictures on the title page,
    bookmarks in the body and the header (ids colliding with each other, one id not a number, one
    bookmark never ended), a field that never ends, C1 control characters in its text."""
    from test_document import write_png

    logo = write_png(folder / "logo.png", 120, 40, (10, 60, 120))
    d = docx.Document(str(DEFAULT_TEMPLATE))
    title = d.paragraphs[0]
    title.add_run().add_picture(str(logo), width=Cm(3))
    title.add_run().add_picture(str(logo), width=Cm(2))
    header = d.sections[0].header
    header.paragraphs[0].add_run().add_picture(str(logo), width=Cm(2))
    first = d.sections[0].first_page_header
    first.paragraphs[0].add_run().add_picture(str(logo), width=Cm(4))
    body = d.element.body

    def xml(s: str):
        return etree.fromstring(f'<w:p xmlns:w="{W[1:-1]}">{s}</w:p>')

    marks = ('<w:bookmarkStart w:id="0" w:name="Intro"/><w:r><w:t>Intro nel\u0085 del\u007f</w:t></w:r>'
             '<w:bookmarkEnd w:id="0"/><w:bookmarkStart w:id="1" w:name="Intro"/><w:bookmarkEnd w:id="1"/>'
             '<w:bookmarkStart w:id="abc" w:name="Odd"/><w:r><w:t>odd</w:t></w:r><w:bookmarkEnd w:id="abc"/>'
             '<w:bookmarkStart w:id="7" w:name="Open"/>'
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF Intro </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Intro</w:t></w:r>')  # never ends
    body.insert(1, xml('<w:bookmarkStart w:id="900000001" w:name="_Toc900000001"/><w:bookmarkEnd w:id="900000001"/>'
                       '<w:r><w:fldChar w:fldCharType="end"/></w:r>'))  # an end without a field, a name the tool uses
    body.insert(2, xml(marks))
    header._element.append(xml('<w:bookmarkStart w:id="0" w:name="HeaderMark"/><w:r><w:t>h</w:t></w:r>'
                               '<w:bookmarkEnd w:id="0"/>'))
    path = folder / "busy.docx"
    d.save(str(path))
    return path


def fragments(folder: Path) -> list[Fragment]:
    from test_document import write_png

    write_png(folder / "charts" / "bars.png", 400, 200)
    write_png(folder / "charts" / "wide.png", 900, 300)
    out = []
    for name in SECTION_NAMES:
        out.append(Fragment(name, name.title(), (
            Heading(name.title(), 1), Heading(f"{name} {NASTY}", 2), Paragraph(f"About {name}: {NASTY}"),
            Bullets((NASTY, "plain")),
            table(["A", NASTY], [[NASTY, "2"]], caption=f"{name} {NASTY}"),
            Figure("charts/bars.png", f"Bars {NASTY}", f"alt {NASTY}", width_cm=8),
            Figure("charts/wide.png", "Wide", "a landscape figure", width_cm=30, landscape=True),
        )))
    return out


FIELDS = {"project.name": f"Harbour {NASTY}", "project.manager": f"Ann {NASTY}", "project.code": "H\x1fW",
          "project.version": "1.0", "document.date_iso": "2027-03-15", "document.date": "15 Mar 2027"}


@pytest.fixture(scope="module")
def busy_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("busy")
    template = busy_template(folder)
    out = assemble(template, fragments(folder), FIELDS, "en", folder / "busy-plan.docx", folder)
    return folder, template, out


def test_the_busy_template_has_the_problems_to_begin_with(busy_build):
    _, template, _ = busy_build
    found = "\n".join(package_problems(template.read_bytes()))
    for words in ("control character", "never end", "end without a begin", "not an integer",
                  "name 'Intro' twice", "do not pair up", "drawing id"):
        assert words in found, (words, found)


def test_a_plan_from_the_busy_template_has_none(busy_build):
    _, _, out = busy_build
    assert package_problems(out.read_bytes()) == []
    d = docx.Document(str(out))
    shown = "bell\ufffd vt\n us\ufffd del\ufffd nel\ufffd nonchar\ufffd end"  # VT is a line break
    assert f"About summary: {shown}" in [p.text for p in d.paragraphs]
    assert d.sections[0].header.paragraphs[0].text.startswith(f"Harbour {shown}\t")
    assert d.core_properties.title == f"Harbour {shown}"
    # the template's bookmarks stay (the unended one goes), the tool's own keep clear of their names
    marks = [b.get(f"{W}name") for b in d.element.body.iter(f"{W}bookmarkStart")]
    assert {"Intro", "Odd", "_Toc900000001"} <= set(marks) and "Open" not in marks
    anchors = {h.get(f"{W}anchor") for h in d.element.body.iter(f"{W}hyperlink")}
    assert len(anchors) > 20 and anchors <= set(marks) and "_Toc900000001" not in anchors
    assert "HeaderMark" in {b.get(f"{W}name") for b in d.sections[0].header._element.iter(f"{W}bookmarkStart")}
    # the template's pictures are still there, landscape pages got copies of the header with its logo
    with zipfile.ZipFile(out) as zf:
        headers = [n for n in zf.namelist() if re.fullmatch(r"word/header\d+\.xml", n)]
        logos = sum(zf.read(n).count(b"<wp:docPr ") for n in headers)
        title_pictures = zf.read("word/document.xml").count(b'name="Picture')
    assert len(headers) > 2 and logos >= 3 and title_pictures >= 2


def test_example_builds_have_no_problems(example_builds):
    for language, path in example_builds.items():
        assert package_problems(path.read_bytes()) == [], language


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory):
    from implan_docs.build import build_plan

    out = {}
    for language, workbook in EXAMPLES.items():
        result = build_plan(workbook, tmp_path_factory.mktemp(f"example-{language}"))
        out[language] = result.docx
    return out


@pytest.mark.skipif(pdf_module.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler-utils are installed by scripts/setup")
def test_libreoffice_reads_the_busy_plan_whole(busy_build):
    """LibreOffice as the second reader: it lays out every section and keeps the bookmarks apart
    (the table of contents finds each heading's page)."""
    folder, _, out = busy_build
    result = pdf_module.to_pdf(out, folder / "busy.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for name in SECTION_NAMES:
        assert name.title() in text
    assert len(result.pages) > 3 * len(SECTION_NAMES)  # headings and captions, each with its page
    assert "\x07" not in text and "\x1f" not in text
