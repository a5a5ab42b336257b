"""``implan build``: the phases in order — read, validate, schedule, sections, assemble, (pdf), publish.

Everything is produced in a staging folder next to the output folder and moved into place only when
complete, so a failed or killed build leaves earlier outputs as they were.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from .blocks import Fragment
from .check import Checked, check_plan
from .errors import ImplanError, ValidationFailed
from .fileio import _fail, ensure_dir, pid_alive, recover_publish, replace_dir
from .findings import Finding
from .i18n import Messages
from .notebooks import Outcome, discover, raise_for_failures, run_sections

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "plan.docx"


@dataclass
class BuildResult:
    docx: Path
    workbook: Path
    pdf: Path | None
    findings: tuple[Finding, ...]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""  # e.g. the PDF was made without LibreOffice's UNO bridge: TOC without page numbers


def output_stem(checked: Checked) -> str:
    p = checked.plan.project
    code = p.code or Path(checked.plan.file).stem
    stem = f"{code}-v{p.version}" if p.version else code
    return re.sub(r"[^\w.\-]+", "_", stem).strip("._") or "plan"


def build_plan(workbook: str | Path, output: str | Path, *, template: str | Path | None = None,
               status_date: date | None = None, pdf: bool = False, jobs: int | None = None,
               sections: Sequence[str] | None = None, notebooks: Sequence[str | Path] = (),
               since: str | Path | None = None, progress: Callable | None = None) -> BuildResult:
    """Build the plan document from ``workbook`` into the folder ``output``.

    Writes ``<Code>-v<Version>.docx``, ``<Code>-v<Version>-filled.xlsx``, ``charts/``, ``notebooks/``
    (executed, for audit), ``fragments/`` and with ``pdf=True`` the PDF. Raises :class:`ImplanError` on
    bad input or a failed section; findings (warnings) are returned.
    """
    started = time.perf_counter()
    workbook, output = Path(workbook), Path(output)
    template_path = Path(template) if template else TEMPLATE
    emit = progress or (lambda *_: None)

    # read, validate, schedule
    emit("phase", "check")
    checked = check_plan(workbook, status_date)
    if not checked.ok:
        raise ValidationFailed(checked.findings, file=workbook.name)
    from .template import load_template

    load_template(template_path)  # a broken or macro-enabled template stops the build before any work
    extras = {}
    if since:
        from .diff import diff_plans

        extras["since"] = diff_plans(since, workbook, status_date=status_date)

    # sections: the built-in notebooks, the folders given, and the workbook's own "Notebooks" field
    available = discover(list(notebooks) + workbook_notebook_dirs(checked.plan, workbook))
    wanted = _select(available, sections, extras)
    output = ensure_dir(output).resolve()
    _check_writable(output)  # a read-only output folder fails now, not after the sections ran
    staging, lock = _staging_dir(output)
    try:
        from .sections.context import Context, SNAPSHOT, save_snapshot

        schedule = checked.schedule
        ctx = Context(checked.plan, schedule, checked.findings, checked.plan.language, staging,
                      schedule.status_date, extras)
        save_snapshot(ctx, staging / SNAPSHOT)
        values = {"workbook": str(workbook.resolve()), "status_date": schedule.status_date.isoformat(),
                  "output": str(staging), "language": checked.plan.language, "context": str(staging / SNAPSHOT)}
        emit("phase", "sections")
        outcomes = run_sections(wanted, values, staging, jobs or os.cpu_count() or 1,
                                on_event=lambda name, state, outcome: emit("section", name, state, outcome))
        _publish_notebooks_only(staging, output, outcomes)
        raise_for_failures(outcomes, output)

        # assemble
        emit("phase", "assemble")
        fragments = [Fragment.read(staging / "fragments" / f"{nb.name}.json") for nb in wanted
                     if (staging / "fragments" / f"{nb.name}.json").is_file()]
        missing = [nb.name for nb in wanted if not (staging / "fragments" / f"{nb.name}.json").is_file()]
        if missing:
            raise ImplanError(f"section '{missing[0]}' ran but wrote no fragments/{missing[0]}.json "
                              f"(call fragment.write(output) in its notebook)")
        stem = output_stem(checked)
        fields = template_fields(checked, ctx)
        docx_path = staging / f"{stem}.docx"
        from .document import assemble

        assemble(template_path, fragments, fields, checked.plan.language, docx_path, staging)
        from .filled import write_filled_workbook

        xlsx_path = staging / f"{stem}-filled.xlsx"
        write_filled_workbook(workbook, checked.plan, schedule, xlsx_path)
        pdf_path, note = None, ""
        if pdf:
            emit("phase", "pdf")
            from .pdf import to_pdf

            pdf_path = staging / f"{stem}.pdf"
            result = to_pdf(docx_path, pdf_path)
            note = result.note or ""
            toc_pages = result.toc_pages
            if toc_pages:
                # write the page numbers LibreOffice found into the .docx's TOC result (still a real field)
                assemble(template_path, fragments, fields, checked.plan.language, docx_path, staging,
                         toc_pages=toc_pages)

        # publish
        emit("phase", "publish")
        for junk in (SNAPSHOT, ".jupyter"):
            target = staging / junk
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
        replace_dir(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        lock.close()
    return BuildResult(output / docx_path.name, output / xlsx_path.name, output / pdf_path.name if pdf_path else None,
                       checked.findings, outcomes, time.perf_counter() - started, note)


def workbook_notebook_dirs(plan, workbook: Path) -> list[Path]:
    """Folders named by an optional Project field ``Notebooks`` (comma-separated, relative to the
    workbook's folder): a plan can carry its own sections without a command-line option."""
    for field_name, value in plan.project.extra:
        if " ".join(str(field_name).split()).rstrip("*").strip().casefold() == "notebooks" and value:
            return [(workbook.parent / part.strip()) for part in str(value).split(",") if part.strip()]
    return []


def template_fields(checked: Checked, ctx) -> dict[str, str]:
    """Values of the template's ``{{...}}`` fields (title page, document control, header, footer)."""
    p = checked.plan.project
    t = Messages(checked.plan.language)
    open_comments = sum(1 for r in checked.plan.review if r.status in ("", "Open"))
    return {
        "project.name": p.name,
        "project.code": p.code or "–",
        "project.version": p.version,
        "project.status": t.word("status", p.status) if p.status else "–",
        "project.manager": p.manager,
        "project.sponsor": p.sponsor or "–",
        "project.confidentiality": p.confidentiality or "–",
        "project.purpose": p.purpose,
        "document.date": t.date(ctx.status_date),
        "document.date_iso": ctx.status_date.isoformat(),
        "review.open_comments": str(open_comments),
    }


def _select(available, sections, extras):
    names = [nb.name for nb in available]
    if sections:
        unknown = [s for s in sections if s not in names]
        if unknown:
            raise ImplanError(f"unknown section '{unknown[0]}' (available: {', '.join(names)})")
        chosen = [nb for nb in available if nb.name in sections]
    else:
        chosen = [nb for nb in available if nb.name != "changes" or "since" in extras]
    return chosen


def _staging_dir(output: Path):
    """A fresh staging folder beside ``output`` (same file system, so the final moves are renames),
    locked for as long as this build process lives; and the lock's file.

    Staging folders left by killed builds are cleaned here: first any half-done publish of theirs is
    undone (:func:`fileio.recover_publish`), so ``output`` is as it was before that build.
    """
    parent = output.parent
    for stale in sorted(parent.glob(f".{output.name}.staging-*")):
        if stale.is_dir() and not _in_use(stale):
            with contextlib.suppress(OSError):
                recover_publish(stale, output)
            shutil.rmtree(stale, ignore_errors=True)
    staging = parent / f".{output.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        lock = open(staging / ".lock", "w")  # noqa: SIM115 - held until the build ends
        # A POSIX record lock belongs to this process alone: section workers it forks do not inherit it,
        # so workers orphaned by a killed build do not keep its staging folder alive.
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(staging, exc) from exc
    return staging, lock


def _in_use(staging: Path) -> bool:
    """Whether a live build process still holds the staging folder's lock.

    A folder without a lock file (its build was killed right after creating it) falls back to
    whether the process named in its name is alive.
    """
    try:
        fd = os.open(staging / ".lock", os.O_RDWR)
    except FileNotFoundError:
        pid = staging.name.rsplit("-", 1)[-1]
        return pid.isdigit() and pid_alive(int(pid))
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases the lock just taken
    return False


def _check_writable(folder: Path) -> None:
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".implan-write-test-"):
            pass
    except OSError as exc:
        raise _fail(folder, exc) from exc


def _publish_notebooks_only(staging: Path, output: Path, outcomes: list[Outcome]) -> None:
    """When a section fails, keep its executed notebook for inspection (and nothing else of the build)."""
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return
    folder = ensure_dir(output / "notebooks")
    for o in failed:
        if o.executed.is_file():
            from .fileio import atomic_copy

            atomic_copy(o.executed, folder / o.executed.name)


__all__ = ["build_plan", "BuildResult", "TEMPLATE", "output_stem"]
