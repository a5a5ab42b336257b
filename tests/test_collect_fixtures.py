"""Reviewed copies and workbooks for the collect tests, made from raw zip + XML (fast at any size).

No tests here: the other ``test_collect_*`` modules import these helpers.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
IMPLAN = ROOT / ".venv" / "bin" / "implan"
PYTHON = ROOT / ".venv" / "bin" / "python"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NS = f'xmlns:w="{W}" xmlns:w14="{W14}" xmlns:w15="{W15}"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/comments.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
    '<Override PartName="/word/commentsExtended.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/>'
    '</Types>')
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
    'Target="comments.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended" '
    'Target="commentsExtended.xml"/></Relationships>')
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {NS}>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>')


def heading(text: str, level: int = 1) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr><w:r><w:t>{escape(text)}</w:t></w:r></w:p>'


def para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def commented(cid, anchor: str, before: str = "", after: str = "", close: bool = True) -> str:
    """A paragraph with comment ``cid`` anchored to ``anchor`` (``close=False``: the range never ends)."""
    out = "<w:p>"
    if before:
        out += f'<w:r><w:t xml:space="preserve">{escape(before)}</w:t></w:r>'
    out += f'<w:commentRangeStart w:id="{cid}"/><w:r><w:t xml:space="preserve">{escape(anchor)}</w:t></w:r>'
    if close:
        out += f'<w:commentRangeEnd w:id="{cid}"/>'
    out += f'<w:r><w:commentReference w:id="{cid}"/></w:r>'
    if after:
        out += f'<w:r><w:t xml:space="preserve">{escape(after)}</w:t></w:r>'
    return out + "</w:p>"


def comment(cid, author: str, date: str | None, text: str, para_id: str | None = None, initials: str = "") -> str:
    """A ``w:comment``; each line of ``text`` is a paragraph, the last one carries ``para_id``."""
    attrs = f'w:id="{cid}" w:author={quoteattr(author)}'
    if date:
        attrs += f' w:date="{date}"'
    if initials:
        attrs += f" w:initials={quoteattr(initials)}"
    lines = text.split("\n")
    paras = []
    for i, line in enumerate(lines):
        pid = f' w14:paraId="{para_id}"' if para_id and i == len(lines) - 1 else ""
        paras.append(f'<w:p{pid}><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
    return f"<w:comment {attrs}>{''.join(paras)}</w:comment>"


def comment_ex(para_id: str, parent: str = "", done: bool = False) -> str:
    parent_attr = f' w15:paraIdParent="{parent}"' if parent else ""
    return f'<w15:commentEx w15:paraId="{para_id}"{parent_attr} w15:done="{1 if done else 0}"/>'


def docx_bytes(body: str | bytes, comments: str | bytes = "", extended: str | bytes = "",
               compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    def b(x):
        return x.encode("utf-8") if isinstance(x, str) else x

    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>'.encode()
                + b(body) + b"<w:sectPr/></w:body></w:document>")
    comments_part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {NS}>'.encode()
                     + b(comments) + b"</w:comments>")
    extended_part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx {NS}>'.encode()
                     + b(extended) + b"</w15:commentsEx>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", PACKAGE_RELS)
        zf.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        zf.writestr("word/styles.xml", STYLES)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/comments.xml", comments_part)
        zf.writestr("word/commentsExtended.xml", extended_part)
    return buf.getvalue()


def write_docx(path: Path, body, comments="", extended="") -> Path:
    path.write_bytes(docx_bytes(body, comments, extended))
    return path


def many_comments_docx(path: Path, n: int, author: str = "Ann Reviewer", extra: list[tuple[str, str, str, str]] = ()
                       ) -> Path:
    """``n`` distinct comments (one paragraph each), then ``extra`` (author, date, text, anchor) ones."""
    body, comments = [heading("Scope")], []
    specs = [(author, f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z", f"Comment number {i}: check this.",
              f"paragraph {i}") for i in range(n)] + list(extra)
    for cid, (who, date, text, anchor) in enumerate(specs):
        body.append(commented(cid, anchor))
        comments.append(comment(cid, who, date, text))
    return write_docx(path, "".join(body), "".join(comments))


def old_id(*parts: str) -> str:
    """The ID scheme before version 2 of the IDs: ``RV-`` and 8 hex digits (written out independently
    of implan_docs, as the workbooks collected back then hold it)."""
    text = "\x1f".join(" ".join(str(p).split()) for p in parts)
    return "RV-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


# Found by a birthday search: under the old scheme these two comments (different reviewers, dates, texts
# and anchors) have the same ID, RV-c98be7fe.
ANN = ("Ann Reviewer", "2026-11-20T10:00:00", "Please check figure 26811.", "three depots")
BOB = ("Bob Smith", "2026-11-21T11:00:00", "Is step 26494 needed?", "Go-live is in May.")
COLLIDING_OLD_ID = "RV-c98be7fe"


def plan_copy(folder: Path, name: str = "plan.xlsx") -> Path:
    target = folder / name
    shutil.copyfile(EXAMPLE, target)
    return target


def run_implan(*args, timeout: float = 300, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(IMPLAN), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kwargs)


def soffice_csv(xlsx: Path, folder: Path, sheet: str | int = "Review") -> str:
    """The sheet as LibreOffice reads it (converted to CSV, UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    # filter options: separator ",", text delimiter '"', UTF-8 (76), first line 1, ..., sheet by name/number
    options = f'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet if isinstance(sheet, int) else -1}'
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", options,
                    "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=180)
    outs = sorted(folder.glob(f"{xlsx.stem}*.csv"))
    assert outs, list(folder.iterdir())
    if isinstance(sheet, int):
        return outs[0].read_text(encoding="utf-8")
    match = [p for p in outs if p.stem.endswith(f"-{sheet}")]
    return (match[0] if match else outs[0]).read_text(encoding="utf-8")
