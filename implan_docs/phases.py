"""The read -> validate -> schedule phases that ``check``, ``schedule`` and ``build`` share."""
from __future__ import annotations

from dataclasses import dataclass
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
    from .schedule import schedule_plan

    plan, findings = read_plan(path)
    findings = list(findings) + validate(plan) + _undrawable(plan) + _declared_notebooks(plan)
    schedule = None
    if not any(f.is_error for f in findings):
        schedule = schedule_plan(plan, status_date)
        findings += list(schedule.findings)
    return Checked(plan, schedule, tuple(sort_findings(_dedupe(findings))))


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
