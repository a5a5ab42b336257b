"""``implan build``: the phases in order — read, validate, schedule, sections, assemble, (pdf), publish.

Everything is produced in a staging folder next to the output folder and moved into place only when
complete, so a failed or killed build leaves earlier outputs as they were.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from .blocks import Fragment
from .phases import Checked, check_plan
from .errors import ImplanError, ValidationFailed
from .fileio import atomic_copy, ensure_dir, output_error
from .findings import Finding
from .i18n import Messages
from .notebooks import BUILTIN, Outcome, discover, raise_for_failures, run_sections
from .publish import open_staging, preflight, publish, remove_staging

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
    template_findings: tuple[Finding, ...] = ()  # external references removed from the template (W195-W199)


def output_stem(checked: Checked) -> str:
    p = checked.plan.project
    code = p.code or Path(checked.plan.file).stem
    stem = f"{code}-v{p.version}" if p.version else code
    return re.sub(r"[^\w.\-]+", "_", stem).strip("._") or "plan"


def build_plan(workbook: str | Path, output: str | Path, *, template: str | Path | None = None,
               status_date: date | None = None, pdf: bool = False, jobs: int | None = None,
               sections: Sequence[str] | None = None, notebooks: Sequence[str | Path] = (),
               since: str | Path | None = None, progress: Callable | None = None, force: bool = False,
               keep_links: bool = False, checked: Checked | None = None) -> BuildResult:
    """Build the plan document from ``workbook`` into the folder ``output``.

    Writes ``<Code>-v<Version>.docx``, ``<Code>-v<Version>-filled.xlsx``, ``charts/``, ``notebooks/``
    (executed, for audit), ``fragments/`` and with ``pdf=True`` the PDF. Raises :class:`ImplanError` on
    bad input or a failed section; findings (warnings) are returned. Only what an earlier build published
    is replaced (:mod:`implan_docs.publish`); ``force`` takes over same-named files of the user's.
    Notebooks run only from the built-in set and the folders in ``notebooks``; a workbook's Project field
    ``Notebooks`` is reported (finding W194), never run. ``keep_links`` keeps the template's ordinary
    external hyperlinks (every other external reference is always removed). ``checked``: the result of
    :func:`implan_docs.phases.check_plan` for this workbook and status date, when the caller has it
    already (a hand-off), so the workbook is read once.
    """
    started = time.perf_counter()
    workbook, output = Path(workbook), Path(output)
    template_path = Path(template) if template else TEMPLATE
    emit = progress or (lambda *_: None)

    # read, validate, schedule
    emit("phase", "check")
    if checked is None:
        checked = check_plan(workbook, status_date)
    if not checked.ok:
        raise ValidationFailed(checked.findings, file=workbook.name)
    from .docx.template import load_template

    # a broken or macro-enabled template stops the build before any work; its external references are
    # removed (findings W195-W199, shown on the console, not in the plan's open questions)
    _, template_info = load_template(template_path, keep_links=keep_links)
    extras = {}
    if since:
        from .diff import diff_plans

        extras["since"] = diff_plans(since, workbook, status_date=status_date)

    # sections: the built-in notebooks and the folders named on the command line, nothing else
    available = discover(list(notebooks))
    wanted = _select(available, sections, extras)
    builtin_names = {nb.name for nb in discover()}
    for nb in wanted:
        if not nb.builtin and nb.name in builtin_names:
            emit("note", f"section '{nb.name}': your notebook {nb.path} replaces the built-in one")
    stem = output_stem(checked)
    products = [f"{stem}.docx", f"{stem}-filled.xlsx", "charts", "fragments", "notebooks"] + ([f"{stem}.pdf"] if pdf else [])
    inputs = [workbook, template_path, since, BUILTIN, *notebooks, *(nb.path for nb in wanted)]
    output = Path(os.path.abspath(output))
    preflight(output, products, force=force, inputs=inputs)  # the user's files stop the build before any work
    output = ensure_dir(output).resolve()
    _check_writable(output)  # a read-only output folder fails now, not after the sections ran
    staging, lock = open_staging(output)
    try:
        from .sections.context import Context, SNAPSHOT, save_snapshot

        schedule = checked.schedule
        from .forecast import forecast

        extras["forecast"] = fc = forecast(checked.plan, schedule)  # simulated once, shared by every section
        ctx = Context(checked.plan, schedule, checked.findings, checked.plan.language, staging,
                      schedule.status_date, extras)
        for folder in ("charts", "fragments", "notebooks"):  # always published, so claimed before the build
            ensure_dir(staging / folder)
        save_snapshot(ctx, staging / SNAPSHOT)
        values = {"workbook": str(workbook.resolve()), "status_date": schedule.status_date.isoformat(),
                  "output": str(staging), "language": checked.plan.language, "context": str(staging / SNAPSHOT)}
        emit("phase", "sections")
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(wanted)))
        outcomes = run_sections(wanted, values, staging, jobs,
                                on_event=lambda name, state, outcome: emit("section", name, state, outcome))
        _publish_notebooks_only(staging, output, outcomes, force=force, inputs=inputs)
        raise_for_failures(outcomes, output)

        # assemble
        emit("phase", "assemble")
        fragments = [Fragment.read(staging / "fragments" / f"{nb.name}.json", nb.name, nb.path) for nb in wanted
                     if (staging / "fragments" / f"{nb.name}.json").is_file()]
        missing = [nb.name for nb in wanted if not (staging / "fragments" / f"{nb.name}.json").is_file()]
        if missing:
            raise ImplanError(f"section '{missing[0]}' ran but wrote no fragments/{missing[0]}.json "
                              f"(call fragment.write(output) in its notebook)")
        fields = template_fields(checked, ctx)
        docx_path = staging / f"{stem}.docx"
        from .docx.assemble import assemble

        assemble(template_path, fragments, fields, checked.plan.language, docx_path, staging, keep_links=keep_links)
        from .xlsx.filled import write_filled_workbook

        xlsx_path = staging / f"{stem}-filled.xlsx"
        write_filled_workbook(checked.source or workbook, checked.plan, schedule, xlsx_path, forecast=fc)
        pdf_path, note = None, ""
        if pdf:
            emit("phase", "pdf")
            from .docx.pdf import to_pdf

            pdf_path = staging / f"{stem}.pdf"
            result = to_pdf(docx_path, pdf_path)
            note = result.note or ""
            toc_pages = result.toc_pages
            if toc_pages:
                # write the page numbers LibreOffice found into the .docx's TOC result (still a real field)
                assemble(template_path, fragments, fields, checked.plan.language, docx_path, staging,
                         toc_pages=toc_pages, keep_links=keep_links)

        # publish
        emit("phase", "publish")
        publish(staging, output, names=products, force=force, inputs=inputs)
    finally:
        remove_staging(staging, lock)
    return BuildResult(output / docx_path.name, output / xlsx_path.name, output / pdf_path.name if pdf_path else None,
                       checked.findings, outcomes, time.perf_counter() - started, note,
                       tuple(template_info.findings))


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


def _check_writable(folder: Path) -> None:
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".implan-write-test-"):
            pass
    except OSError as exc:
        raise output_error(folder, exc) from exc


def _publish_notebooks_only(staging: Path, output: Path, outcomes: list[Outcome], *, force: bool,
                            inputs: list) -> None:
    """When a section fails, add its executed notebook to ``OUT/notebooks/`` for inspection (nothing else
    of the build is published; the earlier build's notebooks stay)."""
    failed = [o for o in outcomes if not o.ok and o.executed.is_file()]
    if not failed:
        return
    folder, lock = open_staging(output)
    try:
        for o in failed:
            atomic_copy(o.executed, ensure_dir(folder / "notebooks") / o.executed.name)
        publish(folder, output, force=force, inputs=inputs, merge=True)
    finally:
        remove_staging(folder, lock)


__all__ = ["build_plan", "BuildResult", "TEMPLATE", "output_stem"]
