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
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from . import __version__, trust
from .build import TEMPLATE, BuildResult, build_plan, output_stem
from .phases import Checked, check_plan
from .errors import ImplanError, Location, ValidationFailed
from .docx.review_copy import review_copy
from .fileio import atomic_write_bytes, atomic_write_text, ensure_dir, read_zip_member, zip_bytes
from .publish import open_staging, preflight, publish, remove_staging
from .publish import read_manifest as published_manifest

STAMP = ".implan/handoff.json"  # signed (implan_docs.trust), inside the folder's publish state
MANIFEST_FORMAT = 1
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
                           progress=progress, force=force, keep_links=keep_links, checked=checked)
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


def reviewer_guide(checked: Checked, template: str | Path, reviewers: Sequence[Reviewer], due: date | None,
                   files: dict[str, str], keep_links: bool = False) -> bytes:
    """The one-page guide in the plan's language (:mod:`implan_docs.sections.guide`), rendered by the
    assembler in the template's styles without its title page, headers and footers."""
    from datetime import datetime

    from .docx.assemble import assemble_page
    from .i18n import Messages
    from .sections.guide import guide_fragment

    p = checked.plan.project
    title = f"{Messages(checked.plan.language)('guide.title')} – {p.name}"
    when = datetime.combine(checked.schedule.status_date, datetime.min.time())
    return assemble_page(template, guide_fragment(checked, reviewers, due, files), checked.plan.language,
                         title=title, author=p.manager, when=when, keep_links=keep_links)


def read_manifest(package: str | Path) -> dict:
    """The manifest of a review package (for checks: every listed file's hash should match)."""
    return json.loads(read_zip_member(package, "manifest.json").decode("utf-8"))


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
    return zip_bytes((f"{folder}/{name}", data) for name, data in files)


__all__ = ["make_handoff", "parse_reviewer", "Reviewer", "HandoffResult", "review_copy", "reviewer_guide",
           "read_manifest", "STAMP"]
