"""Templates that phone home: every kind of external reference a .docx can carry, pointed at a local
HTTP server and a local "secret" file. A real build with PDF must fetch nothing and embed nothing,
the built .docx must keep no external reference, and ``check_template`` must name each one."""
from __future__ import annotations

import http.server
import io
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path
from typing import ClassVar

import docx
import pytest
from lxml import etree

from implan_docs.docx.template import DEFAULT_TEMPLATE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
O_HREF = "{urn:schemas-microsoft-com:office:office}href"
NSDECL = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
SECRET = "TOP-SECRET-3b9f61c2-do-not-leak"
SECRET_PNG_SIZE = (37, 23)  # an image of this size in the PDF would be the secret picture


# -- the hostile template ------------------------------------------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with a small PNG and remembers the path."""

    requests: ClassVar[list[str]] = []
    png: ClassVar[bytes] = b""

    def do_GET(self):  # http.server's name
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.end_headers()
        self.wfile.write(self.png)

    do_HEAD = do_GET
    do_POST = do_GET
    do_PROPFIND = do_GET
    do_OPTIONS = do_GET

    def log_message(self, *args):  # quiet
        pass


def start_server(png: bytes):
    handler = type("Handler", (Recorder,), {"requests": [], "png": png})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, handler


def _drawing(rid_attr: str, shape_id: int, name: str, hlink_rid: str = "") -> str:
    hlink = f'<a:hlinkClick r:id="{hlink_rid}"/>' if hlink_rid else ""
    return (f'<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="360000" cy="360000"/>'
            f'<wp:docPr id="{shape_id}" name="{name}">{hlink}</wp:docPr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip {rid_attr}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing>")


def _complex_field(instr: str, result: str = '<w:r><w:t>cached</w:t></w:r>') -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{result}"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _simple_field(instr: str, result: str = '<w:r><w:t>cached</w:t></w:r>') -> str:
    instr = instr.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<w:fldSimple w:instr=" {instr} ">{result}</w:fldSimple>'


def _el(xml: str):
    return etree.fromstring(f"<root {NSDECL}>{xml}</root>")[0]


def _rels_xml(rels: list[tuple[str, str, str, bool]]) -> bytes:
    items = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"'
                    + (' TargetMode="External"' if external else "") + "/>"
                    for rid, kind, target, external in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}">'
            f"{items}</Relationships>").encode()


def _add_rels(data: bytes, rels: list[tuple[str, str, str, bool]]) -> bytes:
    root = etree.fromstring(data)
    for rid, kind, target, external in rels:
        el = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=kind, Target=target)
        if external:
            el.set("TargetMode", "External")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


#: what the hostile template references, by a short name: (url or path, kind of reference)
def hostile_template(folder: Path, base: str, secret_txt: Path, secret_png: Path) -> Path:
    """The default template plus every external reference a .docx can hold (see the module doc).

    ``base`` is the local server's URL (``http://127.0.0.1:PORT``); each reference asks for its own
    path there, so a request names the reference that made it.
    """
    txt_url, png_url = secret_txt.as_uri(), secret_png.as_uri()
    d = docx.Document(str(DEFAULT_TEMPLATE))
    part = d.part

    def ext(kind: str, target: str) -> str:
        return part.relate_to(target, RT + kind, is_external=True)

    img_http = ext("image", f"{base}/linked-image.png")
    img_file = ext("image", png_url)
    pict_http = ext("image", f"{base}/includepicture-result.png")
    ole_preview = ext("image", f"{base}/ole-preview.png")
    link_http = ext("hyperlink", f"{base}/hyperlink")
    link_mail = ext("hyperlink", "mailto:someone@example.com")
    link_file = ext("hyperlink", txt_url)
    link_js = ext("hyperlink", "javascript:alert(1)")
    pic_link = ext("hyperlink", f"{base}/picture-hyperlink")
    ole = ext("oleObject", f"{base}/ole-link.xlsx")
    alt = ext("aFChunk", f"{base}/altchunk.html")
    sub = ext("subDocument", f"{base}/subdocument.docx")
    alt_local = ext("aFChunk", txt_url)
    vml_relid = ext("image", f"{base}/vml-relid.png")
    bs = "\\"  # one backslash: field switches (\\d) and Windows paths (doubled inside quotes)
    nested = _complex_field(f'INCLUDEPICTURE "{base}/nested.png"')
    pict_result = (f'<w:r><w:pict><v:shape id="s1" style="width:20pt;height:20pt"><v:imagedata r:id="{pict_http}"/>'
                   "</v:shape></w:pict></w:r>")
    body_xml = [
        "<w:p><w:r><w:t>Linked pictures: </w:t></w:r><w:r>" + _drawing(f'r:link="{img_http}"', 901, "web")
        + "</w:r><w:r>" + _drawing(f'r:link="{img_file}"', 902, "local", hlink_rid=pic_link) + "</w:r></w:p>",
        "<w:p>" + _complex_field(f'INCLUDEPICTURE "{base}/includepicture.png" {bs}d', pict_result) + "</w:p>",
        "<w:p>" + _simple_field(f'INCLUDEPICTURE "{base}/includepicture-simple.png" {bs}* MERGEFORMAT') + "</w:p>",
        "<w:p>" + _complex_field(f'INCLUDETEXT "{txt_url}"') + "</w:p>",
        "<w:p>" + _simple_field(f'INCLUDETEXT "{base}/includetext.txt"') + "</w:p>",
        "<w:p>" + _complex_field(f'LINK Excel.Sheet.12 "{base}/link.xlsx" "Sheet1!R1C1" {bs}a {bs}t') + "</w:p>",
        "<w:p>" + _simple_field(f'LINK Word.Document.12 "{txt_url}" "" {bs}a {bs}t') + "</w:p>",
        "<w:p>" + _complex_field(f'DDE Excel "C:{bs}{bs}secret.xlsx" "R1C1"') + "</w:p>",
        "<w:p>" + _simple_field(f'DDEAUTO c:{bs}{bs}windows{bs}{bs}system32{bs}{bs}cmd.exe "/k calc.exe"') + "</w:p>",
        # nested: an INCLUDEPICTURE inside the instruction of an IF field
        "<w:p>" + _complex_field("IF 1 = 1 </w:instrText></w:r>" + nested + '<w:r><w:instrText xml:space="preserve">')
        + "</w:p>",
        f'<w:p><w:hyperlink r:id="{link_http}"><w:r><w:t>web link text</w:t></w:r></w:hyperlink>'
        '<w:r><w:t xml:space="preserve"> and </w:t></w:r>'
        f'<w:hyperlink r:id="{link_mail}"><w:r><w:t>mail link text</w:t></w:r></w:hyperlink>'
        f'<w:hyperlink r:id="{link_file}"><w:r><w:t>file link text</w:t></w:r></w:hyperlink>'
        f'<w:hyperlink r:id="{link_js}"><w:r><w:t>script link text</w:t></w:r></w:hyperlink></w:p>',
        "<w:p>" + _complex_field(f'HYPERLINK "{base}/hyperlink-field"', "<w:r><w:t>field link text</w:t></w:r>")
        + "</w:p>",
        '<w:p><w:r><w:object><v:shape id="ole1" style="width:40pt;height:20pt" o:ole="">'
        f'<v:imagedata r:id="{ole_preview}" o:title=""/></v:shape>'
        f'<o:OLEObject Type="Link" ProgID="Excel.Sheet.12" ShapeID="ole1" DrawAspect="Content" r:id="{ole}" '
        'UpdateMode="Always"><o:LinkType>EnhancedMetaFile</o:LinkType><o:LockedField>false</o:LockedField>'
        "</o:OLEObject></w:object></w:r></w:p>",
        '<w:p><w:r><w:pict><v:shape id="vml1" style="width:20pt;height:20pt">'
        f'<v:imagedata src="{base}/vml-src.png"/></v:shape></w:pict></w:r></w:p>',
        '<w:p><w:r><w:pict><v:shape id="vml2" style="width:20pt;height:20pt">'
        f'<v:imagedata o:relid="{vml_relid}"/></v:shape></w:pict></w:r>'
        '<w:r><w:pict><v:shape id="vml3" style="width:20pt;height:20pt">'
        f'<v:imagedata o:href="{png_url}"/></v:shape></w:pict></w:r></w:p>',
        f'<w:altChunk r:id="{alt}"/>',
        f'<w:altChunk r:id="{alt_local}"/>',
        f'<w:p><w:subDoc r:id="{sub}"/></w:p>',
    ]
    body = d.element.body
    final = body[-1]
    for xml in body_xml:
        final.addprevious(_el(xml))

    header = d.sections[0].header
    h_img = header.part.relate_to(f"{base}/header-image.png", RT + "image", is_external=True)
    h_link = header.part.relate_to(f"{base}/header-hyperlink", RT + "hyperlink", is_external=True)
    header._element.append(_el("<w:p><w:r>" + _drawing(f'r:link="{h_img}"', 903, "header logo") + "</w:r>"
                               f'<w:hyperlink r:id="{h_link}"><w:r><w:t>header link</w:t></w:r></w:hyperlink></w:p>'))
    footer = d.sections[0].footer
    footer._element.append(_el("<w:p>" + _simple_field(f'INCLUDEPICTURE "{base}/footer.png"')
                               + _complex_field(f'INCLUDETEXT "{txt_url}"') + "</w:p>"))
    buf = io.BytesIO()
    d.save(buf)

    # raw edits: settings (attached template, mail merge source), web settings (frames), properties, package
    members = {}
    with zipfile.ZipFile(buf) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    settings = etree.fromstring(members["word/settings.xml"])
    settings.insert(0, _el('<w:attachedTemplate r:id="rIdTpl"/>'))
    settings.insert(1, _el('<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/>'
                           '<w:dataType w:val="textFile"/><w:connectString w:val=""/>'
                           '<w:query w:val="SELECT * FROM secret"/><w:dataSource r:id="rIdMerge"/></w:mailMerge>'))
    members["word/settings.xml"] = etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)
    members["word/_rels/settings.xml.rels"] = _rels_xml([
        ("rIdTpl", RT + "attachedTemplate", f"{base}/attached-template.dotm", True),
        ("rIdMerge", RT + "mailMergeSource", txt_url, True),
    ])
    members["word/webSettings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:webSettings {NSDECL}>'
        '<w:frameset><w:frame><w:name w:val="leak"/><w:sourceFileName r:id="rIdFrame"/></w:frame></w:frameset>'
        "</w:webSettings>").encode()
    members["word/_rels/webSettings.xml.rels"] = _rels_xml([("rIdFrame", RT + "frame", f"{base}/frame.html", True)])
    members["word/_rels/document.xml.rels"] = _add_rels(members["word/_rels/document.xml.rels"], [
        ("rIdWeb", RT + "webSettings", "webSettings.xml", False)])
    types = etree.fromstring(members["[Content_Types].xml"])
    etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/word/webSettings.xml",
                     ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml")
    members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    members["docProps/app.xml"] = members["docProps/app.xml"].replace(
        b"</Properties>", f"<HyperlinkBase>{base}/hyperlink-base/</HyperlinkBase></Properties>".encode())
    members["_rels/.rels"] = _add_rels(members["_rels/.rels"], [
        ("rIdPkg", RT + "hyperlink", f"{base}/package-relationship", True)])
    path = folder / "corporate.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def secret_files(folder: Path) -> tuple[Path, Path]:
    from test_document import write_png

    txt = folder / "secret.txt"
    txt.write_text(SECRET + "\n", encoding="utf-8")
    png = write_png(folder / "secret.png", *SECRET_PNG_SIZE, rgb=(250, 10, 10))
    return txt, png


# -- one real build with PDF from the hostile template ------------------------------------------------------

needs_pdf = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None
                               or shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
                               reason="LibreOffice and poppler-utils are installed by scripts/setup")
FETCHING = re.compile(r"\b(INCLUDEPICTURE|IMPORT|INCLUDETEXT|INCLUDE|LINK|DDE|DDEAUTO|DATABASE)\b", re.IGNORECASE)

#: (part, code, a piece of the target) for every reference hostile_template plants
PLANTED = [
    ("word/document.xml", "W195", "/linked-image.png"), ("word/document.xml", "W195", "secret.png"),
    ("word/document.xml", "W195", "/includepicture-result.png"), ("word/document.xml", "W195", "/ole-preview.png"),
    ("word/document.xml", "W195", "/vml-src.png"), ("word/document.xml", "W195", "/vml-relid.png"),
    ("word/document.xml", "W195", "secret.png removed (v:imagedata o:href)"),
    ("word/document.xml", "W196", "/includepicture.png"), ("word/document.xml", "W196", "/includepicture-simple.png"),
    ("word/document.xml", "W196", "/includetext.txt"), ("word/document.xml", "W196", "/link.xlsx"),
    ("word/document.xml", "W196", "INCLUDETEXT field removed: it fetches file:"),
    ("word/document.xml", "W196", "LINK field removed: it fetches file:"),
    ("word/document.xml", "W196", "Excel C:\\secret.xlsx"), ("word/document.xml", "W196", "cmd.exe /k calc.exe"),
    ("word/document.xml", "W196", "/nested.png"),
    ("word/document.xml", "W197", "/hyperlink"), ("word/document.xml", "W197", "mailto:someone@example.com"),
    ("word/document.xml", "W197", "secret.txt"), ("word/document.xml", "W197", "javascript:alert(1)"),
    ("word/document.xml", "W197", "/hyperlink-field"), ("word/document.xml", "W197", "/picture-hyperlink"),
    ("word/document.xml", "W199", "/ole-link.xlsx"), ("word/document.xml", "W199", "/altchunk.html"),
    ("word/document.xml", "W199", "/subdocument.docx"), ("word/document.xml", "W199", "secret.txt removed (w:altChunk)"),
    ("word/settings.xml", "W199", "/attached-template.dotm"), ("word/settings.xml", "W199", "secret.txt"),
    ("word/webSettings.xml", "W199", "/frame.html"), ("docProps/app.xml", "W199", "/hyperlink-base/"),
    ("_rels/.rels", "W199", "/package-relationship"),
    ("word/header1.xml", "W195", "/header-image.png"), ("word/header1.xml", "W197", "/header-hyperlink"),
    ("word/footer1.xml", "W196", "/footer.png"), ("word/footer1.xml", "W196", "secret.txt"),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile template, its secret files and the server its URLs point at (running)."""
    from test_document import write_png

    folder = tmp_path_factory.mktemp("hostile")
    secret_txt, secret_png = secret_files(folder)
    server, handler = start_server(write_png(folder / "served.png", 41, 19).read_bytes())
    base = f"http://127.0.0.1:{server.server_address[1]}"
    template = hostile_template(folder, base, secret_txt, secret_png)
    yield {"folder": folder, "template": template, "requests": handler.requests, "base": base,
           "secret_txt": secret_txt, "secret_png": secret_png}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hostile_build(hostile):
    from implan_docs.build import build_plan

    if hostile["requests"]:
        pytest.fail(f"requests before the build: {hostile['requests']}")
    result = build_plan(EXAMPLE, hostile["folder"] / "out", template=hostile["template"], pdf=True)
    return result


def members(path_or_bytes) -> dict[str, bytes]:
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(src) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def external_references(package: dict[str, bytes]) -> list[str]:
    """What is left in a package that a reader could fetch: external relationships, fetching fields."""
    found = []
    for name, data in package.items():
        if name.endswith(".rels"):
            for rel in etree.fromstring(data):
                if rel.get("TargetMode") == "External":
                    found.append(f"{name}: {rel.get('Type').rsplit('/', 1)[-1]} -> {rel.get('Target')}")
        elif name.endswith(".xml"):
            root = etree.fromstring(data)
            instr = "".join(t.text or "" for t in root.iter(f"{{{W_NS}}}instrText", f"{{{W_NS}}}delInstrText"))
            instr += " ".join(f.get(f"{{{W_NS}}}instr") or "" for f in root.iter(f"{{{W_NS}}}fldSimple"))
            found += [f"{name}: {m.group(1)} field" for m in FETCHING.finditer(instr)]
            found += [f"{name}: {el.tag}" for el in root.iter(f"{{{W_NS}}}altChunk", f"{{{W_NS}}}subDoc",
                                                                f"{{{W_NS}}}attachedTemplate", f"{{{W_NS}}}mailMerge",
                                                                f"{{{W_NS}}}frame")]
            found += [f"{name}: o:OLEObject Link" for el in root.iter("{urn:schemas-microsoft-com:office:office}OLEObject")
                      if el.get("Type") == "Link"]
            found += [f"{name}: src {el.get('src')}" for el in root.iter() if isinstance(el.tag, str)
                      and el.tag.startswith("{urn:schemas-microsoft-com:vml}") and el.get("src")]
            found += [f"{name}: o:href {el.get(O_HREF)}" for el in root.iter() if isinstance(el.tag, str)
                      and el.get(O_HREF)]
            if b"HyperlinkBase" in data:
                found.append(f"{name}: HyperlinkBase")
    return found


def test_the_hostile_template_is_what_it_claims(hostile):
    """Before loading: every planted reference is in the file (so the tests below test something)."""
    left = "\n".join(external_references(members(hostile["template"])))
    for piece in ("linked-image.png", "vml-relid.png", "o:href file:", "INCLUDEPICTURE field", "INCLUDETEXT field", "LINK field", "DDE field",
                  "DDEAUTO field", "hyperlink -> http", "oleObject", "altChunk", "subDoc", "attachedTemplate",
                  "mailMerge", "frame", "HyperlinkBase", "src http", "header1.xml.rels: image", "_rels/.rels:"):
        assert piece in left, piece


def test_check_template_lists_every_reference_located(hostile):
    from implan_docs.docx.template import check_template

    findings = check_template(hostile["template"])
    assert all(not f.is_error for f in findings)  # still a usable template
    lines = [str(f) for f in findings]
    assert all("\n" not in line for line in lines)
    left = list(lines)
    for part, code, target in sorted(PLANTED, key=lambda p: -len(p[2])):  # each reference: a finding of its own
        match = [line for line in left if line.startswith(f"corporate.docx:{part}: {code} ") and target in line]
        assert match, (part, code, target, left)
        left.remove(match[0])
    assert left == []
    assert all(f.location.file == "corporate.docx" and f.location.sheet for f in findings)


@needs_pdf
def test_a_build_with_pdf_fetches_nothing(hostile, hostile_build):
    assert hostile["requests"] == []


@needs_pdf
def test_the_built_docx_keeps_no_external_reference(hostile, hostile_build):
    package = members(hostile_build.docx)
    assert external_references(package) == []
    for name, data in package.items():
        assert hostile["base"].encode() not in data and b"127.0.0.1" not in data, name
        assert str(hostile["secret_txt"].parent).encode() not in data, name
        assert SECRET.encode() not in data, name
    d = docx.Document(str(hostile_build.docx))
    text = "\n".join(p.text for p in d.paragraphs)
    for kept in ("web link text", "mail link text", "file link text", "field link text", "cached"):
        assert kept in text, kept  # a link's text and a removed field's last result stay
    from test_docx_validity import package_problems

    assert package_problems(hostile_build.docx.read_bytes()) == []


@needs_pdf
def test_the_pdf_holds_neither_the_secret_nor_a_fetched_picture(hostile, hostile_build):
    text = subprocess.run(["pdftotext", str(hostile_build.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert SECRET not in text
    assert "Executive summary" in text  # it is the plan
    images = subprocess.run(["pdfimages", "-list", str(hostile_build.pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    sizes = {(int(line.split()[3]), int(line.split()[4])) for line in images}
    assert SECRET_PNG_SIZE not in sizes and (41, 19) not in sizes
    assert SECRET.encode() not in hostile_build.pdf.read_bytes()


@needs_pdf
def test_review_copy_and_reviewer_guide_keep_no_external_reference(hostile, hostile_build):
    from implan_docs.phases import check_plan
    from implan_docs.handoff import review_copy, reviewer_guide

    copy = review_copy(hostile_build.docx.read_bytes(), "1.0", None, "en")
    assert external_references(members(copy)) == []
    checked = check_plan(EXAMPLE)
    guide = reviewer_guide(checked, hostile["template"], [], None, {"docx": "a.docx", "pdf": "a.pdf", "xlsx": "a.xlsx"})
    assert external_references(members(guide)) == []
    assert all(hostile["base"].encode() not in data for data in members(guide).values())
    from test_docx_validity import package_problems

    assert package_problems(guide) == [] and package_problems(copy) == []


@needs_pdf
def test_libreoffice_blocks_linked_content_on_its_own(hostile, tmp_path):
    """The second wall: the hostile template converted as it is (nothing stripped) fetches nothing
    and embeds no local file, by LibreOffice's own settings (pdf.PROFILE_SETTINGS)."""
    from implan_docs.docx.pdf import to_pdf

    before = list(hostile["requests"])
    result = to_pdf(hostile["template"], tmp_path / "raw.pdf")
    assert hostile["requests"] == before
    images = subprocess.run(["pdfimages", "-list", str(result.pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert images == []  # the template holds no picture of its own: any image was fetched
    assert SECRET not in subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True,
                                        check=True).stdout


# -- --keep-links, at the function level ---------------------------------------------------------------------


def test_keep_links_keeps_web_and_mail_hyperlinks_only(hostile, tmp_path):
    from test_template import section_fragments

    from implan_docs.docx.assemble import assemble
    from implan_docs.docx.template import check_template, load_template

    _, info = load_template(hostile["template"], keep_links=True)
    codes = [f.code for f in info.findings]
    assert "W197" not in codes and codes.count("W198") == 2  # file: and javascript: go all the same
    assert [str(f) for f in check_template(hostile["template"], keep_links=True)] == [str(f) for f in info.findings]
    out = assemble(hostile["template"], section_fragments(), {"project.name": "Harbour"}, "en", tmp_path / "k.docx",
                   tmp_path, keep_links=True)
    package = members(out)
    left = external_references(package)
    assert all(": hyperlink -> " in line for line in left), left
    targets = sorted(line.split(" -> ", 1)[1] for line in left)
    base = hostile["base"]
    assert targets == sorted([f"{base}/hyperlink", "mailto:someone@example.com", f"{base}/header-hyperlink"])
    d = docx.Document(str(out))
    links = [h for h in d.element.body.iter(f"{{{W_NS}}}hyperlink") if h.get(f"{{{R_NS}}}id")]
    assert {"".join(t.text for t in h.iter(f"{{{W_NS}}}t")) for h in links} == {"web link text", "mail link text"}
    instr = "".join(t.text for t in d.element.body.iter(f"{{{W_NS}}}instrText"))
    assert f'HYPERLINK "{base}/hyperlink-field"' in instr  # a field hyperlink to the web stays a link too
    # by default every hyperlink goes, its text stays
    _, plain = load_template(hostile["template"])
    assert [f.code for f in plain.findings].count("W197") == 7
    out = assemble(hostile["template"], section_fragments(), {}, "en", tmp_path / "p.docx", tmp_path)
    assert external_references(members(out)) == []


# -- what stays -------------------------------------------------------------------------------------------


def test_what_is_not_external_stays(tmp_path):
    """A picture linked *and* embedded keeps its embedded copy; links inside the document (w:anchor,
    HYPERLINK \\l) and ordinary fields stay; a chunk kept inside the package goes with its part; an
    INCLUDEPICTURE that never ends loses its instruction, not the text after it."""
    from test_document import write_png

    from implan_docs.docx import oxml as X
    from implan_docs.docx.template import load_template

    logo = write_png(tmp_path / "logo.png", 60, 20)
    d = docx.Document(str(DEFAULT_TEMPLATE))
    d.paragraphs[0].add_run().add_picture(str(logo))
    blip = next(d.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
    blip.set(f"{{{R_NS}}}link", d.part.relate_to("http://127.0.0.1:9/logo.png", RT + "image", is_external=True))
    body = d.element.body
    body[-1].addprevious(_el('<w:p><w:bookmarkStart w:id="5" w:name="here"/><w:bookmarkEnd w:id="5"/>'
                             '<w:hyperlink w:anchor="here"><w:r><w:t>inside link</w:t></w:r></w:hyperlink>'
                             + _complex_field('HYPERLINK \\l "here"', "<w:r><w:t>field inside link</w:t></w:r>")
                             + _complex_field("PAGE", "<w:r><w:t>1</w:t></w:r>") + "</w:p>"))
    body[-1].addprevious(_el('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                             '<w:r><w:instrText> INCLUDEPICTURE "http://127.0.0.1:9/open.png" </w:instrText></w:r>'
                             "<w:r><w:t>after the open field</w:t></w:r></w:p>"))
    body[-1].addprevious(_el('<w:altChunk r:id="rIdChunk"/>'))
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/chunk.html"] = b'<html><body><img src="http://127.0.0.1:9/chunk.png"></body></html>'
    parts["word/_rels/document.xml.rels"] = _add_rels(parts["word/_rels/document.xml.rels"],
                                                      [("rIdChunk", RT + "aFChunk", "chunk.html", False)])
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="html" ContentType="text/html"/></Types>')
    path = tmp_path / "mixed.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)

    document, info = load_template(path)
    assert sorted(f.code for f in info.findings) == ["W195", "W196", "W199"]
    body = document.element.body
    blip = next(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
    assert blip.get(f"{{{R_NS}}}link") is None and blip.get(f"{{{R_NS}}}embed") in document.part.related_parts
    text = "".join(t.text or "" for t in body.iter(f"{{{W_NS}}}t"))
    assert "inside link" in text and "field inside link" in text and "after the open field" in text
    assert [h.get(f"{{{W_NS}}}anchor") for h in body.iter(f"{{{W_NS}}}hyperlink")] == ["here"]
    instr = "".join(t.text for t in body.iter(f"{{{W_NS}}}instrText"))
    assert 'HYPERLINK \\l "here"' in instr and "PAGE" in instr and "INCLUDEPICTURE" not in instr
    assert not list(body.iter(f"{{{W_NS}}}altChunk"))
    package = members(X.package_bytes(document))
    assert "word/chunk.html" not in package and external_references(package) == []
    from test_docx_validity import package_problems

    assert package_problems(X.package_bytes(document)) == []


def test_the_cli_reports_every_removed_reference_and_strict_fails(hostile, capsys):
    """``implan check --template`` lists the removals as located findings (exit 0; 1 with --strict), and
    ``build`` names them on the console."""
    from implan_docs.cli import main

    name = hostile["template"].name
    assert main(["check", str(EXAMPLE), "--template", str(hostile["template"])]) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith(f"{name}:")]
    assert {ln.split(": ", 1)[1][:4] for ln in lines} >= {"W195", "W196", "W197", "W199"}
    assert main(["check", str(EXAMPLE), "--template", str(hostile["template"]), "--strict"]) == 1
    capsys.readouterr()
    assert main(["check", str(EXAMPLE), "--template", str(hostile["template"]), "--keep-links"]) == 0
    kept = capsys.readouterr().out
    assert kept.count(": W197 ") < out.count(": W197 ")
    code = main(["build", str(EXAMPLE), "-o", str(hostile["folder"] / "cli-out"), "--sections", "scope",
                 "--template", str(hostile["template"])])
    printed = capsys.readouterr().out
    assert code == 0 and f"{name}:word/" in printed and "W195" in printed
    assert hostile["requests"] == []
