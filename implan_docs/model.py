"""The plan model: typed, immutable records of what the workbook says. No I/O here.

``xlsx/reader.py`` is the only producer of a :class:`Plan` from a file; everything downstream (validation,
schedule, sections, charts, document) consumes it. Each record keeps the Excel row it came from and any
custom columns (``extra``) so that errors can point at cells and nothing the user wrote is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import Location

# Enumerations of the contract (canonical spelling; input matches case-insensitively).
SCOPE_KINDS = ("In scope", "Out of scope", "Assumption", "Constraint")
DELIVERABLE_STATUSES = ("Not started", "In progress", "Done", "At risk")
TASK_STATUSES = ("Not started", "In progress", "Done", "Blocked")
RISK_STATUSES = ("Open", "Closed", "Occurred")
PROJECT_STATUSES = ("Draft", "In review", "Approved")
RESOURCE_TYPES = ("Personnel", "Money", "Software", "Equipment", "Material", "Time")
DISTRIBUTIONS = ("Triangular", "PERT")  # of a three-point estimate in the schedule simulation
RESOURCE_STATUSES = ("Requested", "Approved")
RESEARCH_METHODS = ("Interview", "Survey", "Focus group", "Observation", "Document")
SWOT_KINDS = ("Strength", "Weakness", "Opportunity", "Threat")
REVIEW_STATUSES = ("Open", "Answered", "Closed")
LINK_TYPES = ("FS", "SS", "FF", "SF")
LANGUAGES = ("en", "zh-TW")
RACI_LETTERS = "RACI"

Extra = tuple[tuple[str, Any], ...]  # custom columns: (header as written, value)


@dataclass(frozen=True)
class Column:
    header: str  # as written in the workbook
    letter: str  # "A", "B", ...
    key: str  # canonical header of the contract, or the normalised header for a custom column
    known: bool  # part of the contract


@dataclass(frozen=True)
class SheetInfo:
    """How one contract sheet was laid out in this workbook."""

    name: str  # the sheet's name as written
    key: str  # canonical contract name, e.g. "Extra working days"
    columns: tuple[Column, ...] = ()

    def column(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None


@dataclass(frozen=True)
class Project:
    name: str
    purpose: str
    manager: str
    version: str
    start: date | None
    code: str = ""
    strategy: str = ""
    sponsor: str = ""
    status: str = ""
    finish: date | None = None
    status_date: date | None = None
    budget: float | None = None
    currency: str = "USD"
    confidentiality: str = ""
    language: str = "en"
    working_days: str = "Mon-Fri"
    # schedule confidence (plan-workbook.md, "Schedule confidence")
    confidence: float = 80.0  # percent: the level the document quotes besides P50
    simulations: int = 10_000
    seed: int = 1
    distribution: str = "Triangular"  # or "PERT"
    extra: Extra = ()  # unknown Project fields: (field as written, value)
    rows: tuple[tuple[str, int], ...] = ()  # canonical field -> row, for locations

    def row_of(self, field_key: str) -> int | None:
        for key, row in self.rows:
            if key == field_key:
                return row
        return None

    @property
    def code_or_name(self) -> str:
        return self.code or self.name


@dataclass(frozen=True)
class Objective:
    id: str
    objective: str
    metric: str
    target: Any
    baseline: Any = None
    due: date | None = None
    owner: str = ""
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class ScopeItem:
    kind: str
    item: str
    notes: str = ""
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class Deliverable:
    id: str
    name: str
    owner: str
    due: date | None
    description: str = ""
    objectives: tuple[str, ...] = ()
    acceptance: str = ""
    status: str = ""
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class Link:
    """A dependency on a predecessor: ``T3 FS+2d`` is Link("T3", "FS", 2)."""

    predecessor: str
    type: str = "FS"
    lag: int = 0  # working days, may be negative

    def __str__(self) -> str:
        lag = f"{self.lag:+d}d" if self.lag else ""
        return f"{self.predecessor} {self.type}{lag}"


@dataclass(frozen=True)
class Task:
    id: str
    name: str
    owner: str
    deliverable: str = ""
    start: date | None = None
    finish: date | None = None
    duration: int | None = None  # working days
    depends: tuple[Link, ...] = ()
    milestone: bool = False
    buffer: int = 0  # working days of wiggle room after the task
    status: str = ""
    progress: float | None = None  # 0-100
    row: int = 0
    extra: Extra = ()
    # schedule confidence: a three-point estimate in working days (all three or none), the approved dates
    optimistic: float | None = None
    most_likely: float | None = None  # None with the other two given: the Duration
    pessimistic: float | None = None
    baseline_start: date | None = None
    baseline_finish: date | None = None

    @property
    def has_estimate(self) -> bool:
        """A three-point estimate the simulation draws from (milestones and fixed tasks keep their dates)."""
        return (self.optimistic is not None and self.pessimistic is not None
                and not self.milestone and not self.is_fixed)

    @property
    def is_fixed(self) -> bool:
        """Start and Finish given: the task is pinned to its dates."""
        return self.start is not None and self.finish is not None and not self.milestone


@dataclass(frozen=True)
class Risk:
    id: str
    risk: str
    likelihood: int | None
    impact: int | None
    mitigation: str
    owner: str
    category: str = ""
    contingency: str = ""
    trigger: str = ""
    status: str = ""
    row: int = 0
    extra: Extra = ()

    @property
    def score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """Low (1-4), Medium (5-14), High (15-25): the bands of the risk matrix."""
        return rating_for(self.score)


def rating_for(score: int | None) -> str:
    if score is None:
        return ""
    if score >= 15:
        return "High"
    if score >= 5:
        return "Medium"
    return "Low"


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    organization: str = ""
    email: str = ""
    responsibilities: str = ""
    availability: float = 100.0  # % of full time
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class RaciRow:
    item: str  # a Deliverable or Task ID
    roles: tuple[tuple[str, str], ...]  # (person name, letters such as "A/R" normalised to "AR")
    row: int = 0

    def people_with(self, letter: str) -> tuple[str, ...]:
        return tuple(name for name, letters in self.roles if letter in letters)


@dataclass(frozen=True)
class Resource:
    resource: str
    type: str
    quantity: float | None = None
    unit: str = ""
    unit_cost: float | None = None
    cost: float | None = None  # as written; see total_cost
    for_id: str = ""
    start: date | None = None  # From
    end: date | None = None  # To
    approver: str = ""
    status: str = ""
    row: int = 0
    extra: Extra = ()
    actual_cost: float | None = None  # spent on this line as of the status date

    @property
    def total_cost(self) -> float | None:
        """Cost as written, else Quantity x Unit cost."""
        if self.cost is not None:
            return self.cost
        if self.quantity is not None and self.unit_cost is not None:
            return self.quantity * self.unit_cost
        return None


@dataclass(frozen=True)
class ResearchItem:
    method: str
    source: str
    finding: str
    date: date | None = None
    effect: str = ""
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class SwotItem:
    kind: str
    item: str
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class CalendarDay:
    """A row of Holidays or Extra working days."""

    date: date
    name: str = ""
    row: int = 0


@dataclass(frozen=True)
class ReviewItem:
    id: str
    section: str = ""
    anchor: str = ""
    comment: str = ""
    reviewer: str = ""
    date: date | None = None
    status: str = ""
    response: str = ""
    row: int = 0
    extra: Extra = ()


@dataclass(frozen=True)
class Plan:
    """Everything the workbook says, typed. Built by :func:`implan_docs.xlsx.reader.read_plan`."""

    file: str  # file name (not path) for messages
    project: Project
    objectives: tuple[Objective, ...] = ()
    scope: tuple[ScopeItem, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()
    tasks: tuple[Task, ...] = ()
    risks: tuple[Risk, ...] = ()
    people: tuple[Person, ...] = ()
    raci: tuple[RaciRow, ...] = ()
    resources: tuple[Resource, ...] = ()
    research: tuple[ResearchItem, ...] = ()
    swot: tuple[SwotItem, ...] = ()
    holidays: tuple[CalendarDay, ...] = ()
    extra_working_days: tuple[CalendarDay, ...] = ()
    review: tuple[ReviewItem, ...] = ()
    sheets: tuple[SheetInfo, ...] = ()  # contract sheets present, in workbook order
    other_sheets: tuple[str, ...] = ()  # sheets the contract does not know (kept)
    present: frozenset[str] = field(default_factory=frozenset)  # contract sheets present (keys)

    # -- lookups -------------------------------------------------------------------------------
    def sheet(self, key: str) -> SheetInfo | None:
        for info in self.sheets:
            if info.key == key:
                return info
        return None

    def loc(self, sheet_key: str, row: int | None = None, column_key: str = "") -> Location:
        """The location of a cell, by contract sheet and column names: for messages."""
        info = self.sheet(sheet_key)
        name = info.name if info else sheet_key
        letter, header = "", column_key
        if info and column_key:
            col = info.column(column_key)
            if col:
                letter, header = col.letter, col.header.strip().rstrip("*").strip() or column_key
        return Location(self.file, name, row, letter, header)

    @property
    def language(self) -> str:
        return self.project.language or "en"

    def task(self, task_id: str) -> Task | None:
        return self._tasks_by_id().get(task_id)

    def deliverable(self, deliverable_id: str) -> Deliverable | None:
        for d in self.deliverables:
            if d.id == deliverable_id:
                return d
        return None

    def person(self, name: str) -> Person | None:
        for p in self.people:
            if p.name == name:
                return p
        return None

    def _tasks_by_id(self) -> dict[str, Task]:
        cache = self.__dict__.get("_task_index")
        if cache is None:
            cache = {t.id: t for t in self.tasks}
            object.__setattr__(self, "_task_index", cache)
        return cache
