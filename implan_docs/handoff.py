"""``implan handoff``: the review package handed to people outside the team.

``<Code>-v<Version>-review.zip`` holds, in a folder of the same name: the review copy of the document
(a header line "Review copy, version X, comments due DATE" on every page, and Word protection that allows
comments only, without a password), the PDF, the filled workbook, a one-page reviewer guide (.docx and
.pdf) in the plan's language, and ``manifest.json`` with the size and SHA-256 of every other file.

The document is built with :func:`implan_docs.build.build_plan`, or reused when the output folder holds a
build of the same workbook bytes, template bytes, status date and tool version (``.implan-handoff.json``
records them with the hashes of the outputs it reused). The zip is deterministic: fixed entry times,
a fixed order; with a reused build the same inputs give the same bytes (a PDF exported afresh differs:
LibreOffice stamps its PDFs).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Sequence

from . import __version__, trust
from .docx import oxml as X
from .build import TEMPLATE, BuildResult, build_plan, output_stem
from .phases import Checked, check_plan
from .errors import ImplanError, Location, ValidationFailed
from .fileio import atomic_write_bytes, atomic_write_text, ensure_dir
from .publish import open_staging, preflight, publish, remove_staging
from .publish import read_manifest as published_manifest
from .findings import render
from .i18n import Messages

STAMP = ".implan/handoff.json"  # signed (implan_docs.trust), inside the folder's publish state
MANIFEST_FORMAT = 1
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_KNOWN = 8  # open findings listed in the one-page guide (the rest are counted)
REVIEW_RED = "9C0006"
_REVIEWER = re.compile(r"^\s*(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>\s]+@[^<>\s]+)>)?\s*$")
_BARE_EMAIL = re.compile(r"^[^<>\s@]+@[^<>\s@]+$")


@dataclass(frozen=True)
class Reviewer:
    name: str
    email: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email and self.name else (self.name or self.email)


@dataclass
class HandoffResult:
    package: Path  # the .zip
    build: BuildResult
    manifest: dict
    reused: bool  # the build in the output folder was reused
    files: list[str] = field(default_factory=list)  # paths inside the zip, in order


def parse_reviewer(text: str) -> Reviewer:
    """``"Ann Lee <ann@example.org>"``, ``"Ann Lee"`` or ``"ann@example.org"`` -> :class:`Reviewer`."""
    text = " ".join(text.split())
    if _BARE_EMAIL.match(text):
        return Reviewer(text, text)
    m = _REVIEWER.match(text)
    if not text or not m or not (m["name"] or m["email"]):
        raise ImplanError(f"reviewer '{text}' is not \"Name <email>\", a name or an email address")
    return Reviewer(m["name"] or m["email"], m["email"] or "")


# -- the package -------------------------------------------------------------------------------------------


def make_handoff(workbook: str | Path, output: str | Path, *, reviewers: Sequence[Reviewer | str] = (),
                 due: date | None = None, template: str | Path | None = None, status_date: date | None = None,
                 pdf: bool = True, progress: Callable | None = None, force: bool = False,
                 keep_links: bool = False) -> HandoffResult:
    """Build (or reuse) the plan document in ``output`` and write ``output/<Code>-v<Version>-review.zip``.

    Like a build, it replaces only what implan published into ``output`` (``force`` takes over the user's
    same-named files); the package holds only files of that build, never a path a file in the folder names.
    """
    workbook, output = Path(workbook), Path(output)
    template_path = Path(template) if template else TEMPLATE
    reviewers = [r if isinstance(r, Reviewer) else parse_reviewer(r) for r in reviewers]
    emit = progress or (lambda *_: None)
    emit("phase", "check")
    checked = check_plan(workbook, status_date)
    if not checked.ok:
        raise ValidationFailed(checked.findings, file=workbook.name)
    effective_date = checked.schedule.status_date
    key = {
        "tool": __version__,
        "workbook": workbook.name,
        "workbook_sha256": _sha256_file(workbook),
        "template_sha256": _sha256_file(template_path),
        "status_date": effective_date.isoformat(),
        "keep_links": keep_links,
    }
    output = Path(os.path.abspath(output))
    package_name = f"{output_stem(checked)}-review.zip"
    preflight(output, [package_name], force=force, inputs=[workbook, template_path])
    build = _reusable_build(output, key, checked, pdf) if output.is_dir() else None
    reused = build is not None
    if build is None:
        build = build_plan(workbook, output, template=template_path, status_date=effective_date, pdf=pdf,
                           progress=progress, force=force, keep_links=keep_links)
        _write_stamp(output, key, build)

    emit("phase", "review package")
    plan = checked.plan
    stem = output_stem(checked)
    folder = f"{stem}-review"
    entries: list[tuple[str, str, bytes]] = []  # (name in folder, role, bytes)
    review_name = f"{stem}-review.docx"
    entries.append((review_name, "review copy", review_copy(build.docx.read_bytes(), plan.project.version, due,
                                                            plan.language)))
    if build.pdf is not None:
        entries.append((build.pdf.name, "document (PDF)", build.pdf.read_bytes()))
    entries.append((build.workbook.name, "filled workbook", build.workbook.read_bytes()))
    guide_name = f"{stem}-reviewer-guide.docx"
    names = {"docx": review_name, "pdf": build.pdf.name if build.pdf else "", "xlsx": build.workbook.name}
    guide = reviewer_guide(checked, template_path, reviewers, due, names, keep_links=keep_links)
    entries.append((guide_name, "reviewer guide", guide))
    if pdf:
        entries.append((f"{stem}-reviewer-guide.pdf", "reviewer guide (PDF)",
                        _guide_pdf(output, guide_name, guide)))
    manifest = {
        "format": MANIFEST_FORMAT,
        "generator": f"implan-docs {__version__}",
        "plan": {"name": plan.project.name, "code": plan.project.code, "version": plan.project.version,
                 "status": plan.project.status, "language": plan.language, "workbook": workbook.name},
        "status_date": effective_date.isoformat(),
        "due": due.isoformat() if due else None,
        "reviewers": [{"name": r.name, "email": r.email} for r in reviewers],
        "open_findings": len(checked.warnings),
        "source": {"workbook_sha256": key["workbook_sha256"], "template_sha256": key["template_sha256"]},
        "files": [{"path": name, "role": role, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, role, data in entries],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    entries.append(("manifest.json", "manifest", manifest_bytes))
    package = output / package_name
    staging, lock = open_staging(output)
    try:
        atomic_write_bytes(staging / package_name, _zip(folder, [(name, data) for name, _, data in entries]))
        publish(staging, output, force=force, inputs=[workbook, template_path])
    finally:
        remove_staging(staging, lock)
    return HandoffResult(package, build, manifest, reused, [f"{folder}/{name}" for name, _, _ in entries])


def read_manifest(package: str | Path) -> dict:
    """The manifest of a review package (for checks: every listed file's hash should match)."""
    with zipfile.ZipFile(package) as zf:
        name = next(n for n in zf.namelist() if n.endswith("/manifest.json") or n == "manifest.json")
        return json.loads(zf.read(name).decode("utf-8"))


# -- the review copy -------------------------------------------------------------------------------------------


def review_copy(docx_bytes: bytes, version: str, due: date | None, language: str) -> bytes:
    """The document with the review line first in every header and comments-only protection (no
    password; tracked changes on, so edits made after lifting the protection are still suggestions)."""
    import docx

    t = Messages(language)
    line = t("review.header", version=version, due=t.date(due)) if due else t("review.header_no_due", version=version)
    document = docx.Document(io.BytesIO(docx_bytes))
    settings = document.settings
    even = settings.odd_and_even_pages_header_footer
    done: set[str] = set()
    style = _style_id(document, "Header")
    for index, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if even:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous and index > 0:
                continue  # shares an earlier section's header
            part = header.part
            if str(part.partname) in done:
                continue
            done.add(str(part.partname))
            _insert_line(header, line, style)
    X.set_setting(settings.element, '<w:documentProtection w:edit="comments" w:enforcement="1"/>')
    X.set_setting(settings.element, "<w:trackRevisions/>")
    buf = io.BytesIO()
    document.save(buf)
    return X.normalize_zip(buf.getvalue())


def _insert_line(header, text: str, style: str) -> None:
    """The review line as the header's first paragraph (centred, bold, dark red)."""
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    p = X.parse_one(f'<w:p><w:pPr>{pstyle}<w:jc w:val="center"/></w:pPr>'
                    + X.run_xml(text, X.rpr_xml(bold=True, color=REVIEW_RED)) + "</w:p>")
    story = header._element
    blocks = [c for c in story if c.tag in (X.qn("w:p"), X.qn("w:tbl"), X.qn("w:sdt"))]
    if blocks:
        blocks[0].addprevious(p)
    else:
        story.append(p)


def _style_id(document, name: str) -> str:
    try:
        return document.styles[name].style_id
    except KeyError:
        return ""


# -- the reviewer guide -------------------------------------------------------------------------------------------

_CHECKS = ("summary", "scope", "deliverables", "schedule", "risks", "roles", "resources")


def reviewer_guide(checked: Checked, template: str | Path, reviewers: Sequence[Reviewer], due: date | None,
                   files: dict[str, str], keep_links: bool = False) -> bytes:
    """A one-page guide in the plan's language, styled by the plan's template (its headers left out;
    its external references removed, external hyperlinks too unless ``keep_links``)."""
    from docx.shared import Pt

    from .docx.template import load_template

    plan = checked.plan
    p = plan.project
    t = Messages(plan.language)
    document, _ = load_template(template, keep_links=keep_links)
    _clear(document)
    styles = {s.name for s in document.styles}
    title_style = "Title" if "Title" in styles else "Heading 1"
    document.add_paragraph(t("guide.title"), style=title_style)
    document.add_paragraph(t("guide.subtitle", name=X.sanitize(p.name), version=X.sanitize(p.version)),
                           style="Subtitle" if "Subtitle" in styles else "Normal")
    document.add_paragraph(t("guide.intro"))
    due_text = t("guide.due", due=t.date(due)) if due else t("guide.no_due")
    para = document.add_paragraph()
    para.add_run(due_text).bold = True
    if reviewers:
        para.add_run(" " if plan.language == "en" else "")
        para.add_run(f"{t('guide.reviewers')}: " if plan.language == "en" else f"{t('guide.reviewers')}：")
        para.add_run(X.sanitize(("; " if plan.language == "en" else "；").join(str(r) for r in reviewers)))

    def heading(key: str) -> None:
        para = document.add_paragraph(t(key), style="Heading 2")
        X.set_ppr_child(para._p, X.parse_one('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'))  # unnumbered

    def bullet(text: str, size: float = 0) -> None:
        para = document.add_paragraph(X.sanitize(text), style="List Bullet")
        if size:
            for run in para.runs:
                run.font.size = Pt(size)

    heading("guide.what")
    for key in _CHECKS:
        bullet(t(f"guide.checks.{key}"))
    heading("guide.how")
    bullet(t("guide.how_word"))
    bullet(t("guide.how_libreoffice"))
    bullet(t("guide.how_return"))
    heading("guide.files")
    bullet(t("guide.file_docx", name=files["docx"]))
    if files.get("pdf"):
        bullet(t("guide.file_pdf", name=files["pdf"]))
    bullet(t("guide.file_xlsx", name=files["xlsx"]))
    heading("guide.known")
    known = checked.warnings
    if known:
        document.add_paragraph(t("guide.known_intro"))
        for f in known[:MAX_KNOWN]:
            loc = f.location
            where = f"{loc.sheet}!{loc.cell}" if loc.sheet and loc.cell else loc.sheet
            bullet((f"{where}: " if where else "") + render(f, plan.language), size=9)
        if len(known) > MAX_KNOWN:
            document.add_paragraph(t("guide.known_more", count=len(known) - MAX_KNOWN))
    else:
        document.add_paragraph(t("guide.known_none"))
    document.add_paragraph(t("guide.contact", manager=X.sanitize(p.manager)))
    _finish(document, checked, t)
    X.repair(document)  # unique ids, whole fields, no control characters (the core properties too)
    buf = io.BytesIO()
    document.save(buf)
    return X.normalize_zip(buf.getvalue())


def _clear(document) -> None:
    """Empty the template's body and drop its headers, footers and title page (placeholders live there)."""
    body = document.element.body
    final = body.find(X.qn("w:sectPr"))
    for child in list(body):
        if child is not final:
            body.remove(child)
    if final is None:
        return
    rids = []
    for ref in final.findall(X.qn("w:headerReference")) + final.findall(X.qn("w:footerReference")):
        rids.append(ref.get(X.qn("r:id")))
        final.remove(ref)
    for tag in ("w:titlePg",):
        for el in final.findall(X.qn(tag)):
            final.remove(el)
    for rid in rids:
        if rid:
            document.part.drop_rel(rid)


def _finish(document, checked: Checked, t: Messages) -> None:
    """Language, East Asian font, fixed core properties (the output depends on its inputs only)."""
    from .docx.assemble import _set_language# the assembler's own: same language and font settings

    _set_language(document, checked.plan.language)
    stamp = datetime.combine(checked.schedule.status_date, datetime.min.time())
    core = document.core_properties
    core.title = f"{t('guide.title')} – {checked.plan.project.name}"
    core.author = checked.plan.project.manager
    core.last_modified_by = checked.plan.project.manager
    core.language = checked.plan.language
    core.created = stamp
    core.modified = stamp
    core.revision = 1


GUIDE_CACHE = ".implan/review-guide.pdf"


def _guide_pdf(output: Path, guide_name: str, guide: bytes) -> bytes:
    """The guide as PDF (LibreOffice). The last one made is kept in the folder's tool state, and reused
    only if the signed stamp records both its hash and that of the very same guide .docx (so the same
    inputs give the same package, and no file dropped there can stand in for it)."""
    import tempfile

    from .docx.pdf import to_pdf

    cache, binding = output / GUIDE_CACHE, os.path.abspath(output)
    record = trust.read_verified(output / GUIDE_STAMP, "guide-pdf", binding)
    guide_sha = hashlib.sha256(guide).hexdigest()
    if record and record.get("docx_sha256") == guide_sha:
        with contextlib.suppress(OSError):
            data = cache.read_bytes()
            if hashlib.sha256(data).hexdigest() == record.get("pdf_sha256"):
                return data
    with tempfile.TemporaryDirectory(prefix="implan-guide-") as tmp:
        docx_path = Path(tmp) / guide_name
        docx_path.write_bytes(guide)
        pdf_path = docx_path.with_suffix(".pdf")
        to_pdf(docx_path, pdf_path)
        data = pdf_path.read_bytes()
    ensure_dir(cache.parent)
    atomic_write_bytes(cache, data)
    atomic_write_text(output / GUIDE_STAMP, trust.sign(
        "guide-pdf", {"docx_sha256": guide_sha, "pdf_sha256": hashlib.sha256(data).hexdigest()}, binding))
    return data


GUIDE_STAMP = ".implan/review-guide.json"


# -- build reuse ---------------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise ImplanError(f"cannot be read: {exc.strerror or exc}", Location(file=Path(path).name)) from exc
    return h.hexdigest()


def _outputs(build: BuildResult) -> list[Path]:
    return [p for p in (build.docx, build.workbook, build.pdf) if p is not None]


def _write_stamp(output: Path, key: dict, build: BuildResult) -> None:
    stamp = {"key": key, "outputs": {p.name: _sha256_file(p) for p in _outputs(build)},
             "docx": build.docx.name, "workbook": build.workbook.name, "pdf": build.pdf.name if build.pdf else None}
    ensure_dir(output / ".implan")
    atomic_write_text(output / STAMP, trust.sign("handoff-stamp", stamp, os.path.abspath(output)))


def _reusable_build(output: Path, key: dict, checked: Checked, pdf: bool) -> BuildResult | None:
    """The build in ``output`` if its stamp matches ``key``, its outputs are unchanged and it has a PDF
    when one is wanted (a build with a PDF serves a request without one), else None.

    The stamp is trusted only if this user's tool signed it for this folder, and only for plain file
    names that the folder's publish manifest lists as the tool's, byte for byte: a crafted stamp cannot
    make the package carry any other file.
    """
    stamp = trust.read_verified(output / STAMP, "handoff-stamp", os.path.abspath(output))
    if stamp is None or stamp.get("key") != key:
        return None
    names = [stamp.get("docx"), stamp.get("workbook")] + ([stamp.get("pdf")] if pdf else [])
    if not all(trust.safe_name(n) for n in names):
        return None
    manifest = published_manifest(output)
    outputs = stamp.get("outputs")
    if not isinstance(outputs, dict) or set(names) - set(outputs):
        return None
    for name in names:
        if not manifest.owns(output, name) or manifest.entries.get(name) != outputs.get(name):
            return None
    pdf_path = output / stamp["pdf"] if pdf else None
    return BuildResult(output / stamp["docx"], output / stamp["workbook"], pdf_path, checked.findings)


def _zip(folder: str, files: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()


__all__ = ["make_handoff", "parse_reviewer", "Reviewer", "HandoffResult", "review_copy", "reviewer_guide",
           "read_manifest", "STAMP"]
