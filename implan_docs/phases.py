"""The read -> validate -> schedule phases: the only place they run, for every command.

``check``, ``schedule``, ``build``, ``handoff``, ``diff`` and a section notebook run on its own all call
:func:`check_plan` and share its typed result, :class:`Checked`. The workbook is read from disk once:
:func:`check_plan` takes a private copy of its bytes first, and everything later in the same run (the
filled workbook, a hand-off's build) works from that copy, so a file saved again in Excel half-way
through a build cannot give a document and a filled workbook of two different versions.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .findings import Finding, sort_findings
from .model import Plan
from .schedule import Schedule
from .validate import validate
from .xlsx.reader import read_plan


@dataclass(frozen=True)
class Checked:
    plan: Plan
    schedule: Schedule | None  # None when errors prevent scheduling
    findings: tuple[Finding, ...]
    source: Path | None = None  # the private copy of the workbook the plan was read from
    _keep: object = field(default=None, repr=False, compare=False)  # the copy's folder lives as long as this

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_plan(path: str | Path, status_date: date | None = None) -> Checked:
    """Read, validate and (when there are no errors) schedule a plan workbook."""
    return scheduled(read_and_validate(path), status_date)


def read_and_validate(path: str | Path) -> Checked:
    """The read and validate phases alone (no schedule yet): what ``diff`` compares row by row."""
    source, keep = _private_copy(Path(path))
    plan, findings = read_plan(source)
    # one cause, one error: a cell the reader could not read is not reported again by a rule about it
    unreadable = {(f.location.sheet, f.location.row, f.location.column) for f in findings if f.is_error}
    checks = [f for f in validate(plan)
              if not (f.is_error and (f.location.sheet, f.location.row, f.location.column) in unreadable)]
    findings = list(findings) + checks + _undrawable(plan) + _declared_notebooks(plan)
    return Checked(plan, None, tuple(sort_findings(_dedupe(findings))), source, keep)


def scheduled(checked: Checked, status_date: date | None = None) -> Checked:
    """The schedule phase: ``checked`` with its schedule, when it has no errors (else unchanged)."""
    from .schedule import schedule_plan

    if not checked.ok:
        return checked
    from .earned_value import earned_value, earned_value_findings

    schedule = schedule_plan(checked.plan, status_date)
    money = earned_value_findings(checked.plan, earned_value(checked.plan, schedule))  # W215, W216, W218
    findings = tuple(sort_findings(_dedupe(list(checked.findings) + list(schedule.findings) + money)))
    return Checked(checked.plan, schedule, findings, checked.source, checked._keep)


COPY_LIMIT = 1 << 30  # bigger files are read in place (the guard refuses them anyway)


def _private_copy(path: Path):
    """``path``'s bytes in a private temporary folder under the same name (messages name the file as
    the user knows it); the folder goes when the returned handle does. Anything but a regular file of
    a sane size is left where it is, for the guard to explain."""
    try:
        st = os.stat(path)
    except OSError:
        return path, None
    if not stat.S_ISREG(st.st_mode) or st.st_size > COPY_LIMIT:
        return path, None
    keep = _Folder(tempfile.mkdtemp(prefix="implan-read-"))
    copy = keep.path / path.name
    try:
        shutil.copyfile(path, copy)
    except OSError:
        keep.remove()
        return path, None
    return copy, keep


class _Folder:
    """A private temporary folder removed when the last reference goes (or at exit), quietly."""

    def __init__(self, name: str):
        import weakref

        self.path = Path(name)
        self.remove = weakref.finalize(self, shutil.rmtree, name, True)


def schedule_to_workbook(path: str | Path, out: str | Path, status_date: date | None = None) -> Schedule:
    """Read, validate and schedule the plan at ``path``, then write its filled workbook to ``out``.

    Raises :class:`~implan_docs.errors.ValidationFailed` (with every finding) when the plan has errors.
    Returns the schedule (its ``findings`` are the schedule's; read and validation findings come from
    :func:`check_plan`).
    """
    from .errors import ValidationFailed
    from .xlsx.filled import write_filled_workbook

    checked = check_plan(path, status_date)
    if not checked.ok or checked.schedule is None:
        raise ValidationFailed(checked.findings, Path(path).name)
    write_filled_workbook(checked.source, checked.plan, checked.schedule, out)
    return checked.schedule


def _undrawable(plan: Plan) -> list[Finding]:
    """W192: cells with a character no chart font has (asks the charts package; fast for plain text)."""
    from .charts.drawable import undrawable_findings

    return undrawable_findings(plan)


def declared_notebook_folders(plan: Plan) -> list[str]:
    """Folders an optional Project field ``Notebooks`` names (comma-separated). Reported, never run."""
    for field_name, value in plan.project.extra:
        if " ".join(str(field_name).split()).rstrip("*").strip().casefold() == "notebooks" and value:
            return [part.strip() for part in str(value).split(",") if part.strip()]
    return []


def _declared_notebooks(plan: Plan) -> list[Finding]:
    """W194: a workbook asking for notebooks to be run gets a finding that says how to run them."""
    from .errors import Location
    from .findings import make

    folders = declared_notebook_folders(plan)
    if not folders:
        return []
    row = next((r for key, r in plan.project.rows if key == "Notebooks"), None)
    return [make("W194", Location(file=Path(plan.file).name, sheet="Project", row=row, header="Notebooks"),
                 folders=", ".join(folders))]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set = set()
    out = []
    for f in findings:
        key = (f.code, f.location, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
