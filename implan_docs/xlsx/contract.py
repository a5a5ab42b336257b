"""The plan workbook contract as data: sheets, their columns and kinds, the Project fields.

``docs/plan-workbook.md`` is the text of this contract; the reader (:mod:`.reader`), the ready-to-fill
workbook (:mod:`.new`) and the filled copy (:mod:`.filled`) all take the sheet and column names from
here, so a name is spelled in one place. Nothing here reads or writes a file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import model as m



@dataclass(frozen=True)
class Col:
    key: str  # contract header
    kind: str  # id | text | date | int | number | percent | bool | ids | depends | enum | likert
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    key: str
    required: bool
    columns: tuple[Col, ...]


def _c(key, kind="text", required=False, choices=()):
    return Col(key, kind, required, tuple(choices))


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Project", True, (_c("Field", "text", True), _c("Value", "raw"))),
    SheetSpec("Objectives", True, (
        _c("ID", "id", True), _c("Objective", required=True), _c("Metric", required=True), _c("Baseline", "raw"),
        _c("Target", "raw", True), _c("Due", "date"), _c("Owner"))),
    SheetSpec("Scope", True, (_c("Kind", "enum", True, m.SCOPE_KINDS), _c("Item", required=True), _c("Notes"))),
    SheetSpec("Deliverables", True, (
        _c("ID", "id", True), _c("Deliverable", required=True), _c("Description"), _c("Objectives", "ids"),
        _c("Owner", required=True), _c("Due", "date", True), _c("Acceptance criteria"),
        _c("Status", "enum", choices=m.DELIVERABLE_STATUSES))),
    SheetSpec("Tasks", True, (
        _c("ID", "id", True), _c("Task", required=True), _c("Deliverable", "ref"), _c("Owner", required=True),
        _c("Start", "date"), _c("Finish", "date"), _c("Duration", "int"), _c("Depends on", "depends"),
        _c("Milestone", "bool"), _c("Buffer", "int"), _c("Status", "enum", choices=m.TASK_STATUSES),
        _c("Progress", "percent"), _c("Optimistic", "number"), _c("Most likely", "number"),
        _c("Pessimistic", "number"), _c("Baseline start", "date"), _c("Baseline finish", "date"))),
    SheetSpec("Risks", True, (
        _c("ID", "id", True), _c("Risk", required=True), _c("Category"), _c("Likelihood", "likert", True),
        _c("Impact", "likert", True), _c("Mitigation", required=True), _c("Contingency"), _c("Owner", required=True),
        _c("Trigger"), _c("Status", "enum", choices=m.RISK_STATUSES))),
    SheetSpec("People", True, (
        _c("Name", required=True), _c("Role", required=True), _c("Organization"), _c("Email"),
        _c("Responsibilities"), _c("Availability", "percent"))),
    SheetSpec("RACI", True, (_c("Item", "ref", True),)),
    SheetSpec("Resources", False, (
        _c("Resource", required=True), _c("Type", "enum", True, m.RESOURCE_TYPES), _c("Quantity", "number"),
        _c("Unit"), _c("Unit cost", "number"), _c("Cost", "number"), _c("For", "ref"), _c("From", "date"),
        _c("To", "date"), _c("Approver"), _c("Status", "enum", choices=m.RESOURCE_STATUSES),
        _c("Actual cost", "number"))),
    SheetSpec("Research", False, (
        _c("Method", "enum", True, m.RESEARCH_METHODS), _c("Source", required=True), _c("Date", "date"),
        _c("Finding", required=True), _c("Effect on plan"))),
    SheetSpec("SWOT", False, (_c("Kind", "enum", True, m.SWOT_KINDS), _c("Item", required=True))),
    SheetSpec("Holidays", False, (_c("Date", "date", True), _c("Name"))),
    SheetSpec("Extra working days", False, (_c("Date", "date", True), _c("Name"))),
    SheetSpec("Review", False, (
        _c("ID", "id"), _c("Section"), _c("Anchor"), _c("Comment"), _c("Reviewer"), _c("Date", "date"),
        _c("Status", "enum", choices=m.REVIEW_STATUSES), _c("Response"))),
)
SPEC_BY_KEY = {s.key: s for s in SHEETS}

# Project sheet fields: key -> (kind, required, choices)
PROJECT_FIELDS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "Name": ("text", True, ()),
    "Code": ("text", False, ()),
    "Purpose": ("text", True, ()),
    "Strategy": ("text", False, ()),
    "Sponsor": ("text", False, ()),
    "Manager": ("text", True, ()),
    "Version": ("text", True, ()),
    "Status": ("enum", False, m.PROJECT_STATUSES),
    "Start": ("date", True, ()),
    "Finish": ("date", False, ()),
    "Status date": ("date", False, ()),
    "Budget": ("number", False, ()),
    "Currency": ("currency", False, ()),
    "Confidentiality": ("text", False, ()),
    "Language": ("language", False, ()),
    "Working days": ("week", False, ()),
    "Confidence": ("confidence", False, ()),
    "Simulations": ("simulations", False, ()),
    "Seed": ("seed", False, ()),
    "Distribution": ("enum", False, m.DISTRIBUTIONS),
}


def norm(text: Any) -> str:
    """Header/sheet/field matching key: case, surrounding and repeated spaces, trailing ``*`` ignored."""
    s = " ".join(str(text).split()).rstrip("*").strip()
    return s.casefold()


EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in a cell (other programs write more)

def excel_length(text: str) -> int:
    """The length of ``text`` as Excel counts it against :data:`EXCEL_CELL_LIMIT`: in UTF-16 code units
    (a character outside the Basic Multilingual Plane, such as most emoji, counts twice)."""
    n = len(text)
    if n * 2 <= EXCEL_CELL_LIMIT or text.isascii():  # the common cases, without encoding
        return n
    return len(text.encode("utf-16-le")) // 2


def sheet_spec(key: str) -> SheetSpec:
    return SPEC_BY_KEY[key]
