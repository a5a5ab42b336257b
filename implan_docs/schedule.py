"""Plan -> Schedule: working-day dates, critical path method, roll-ups and status as of a date.

(Interface fixed first so charts and sections can be written against it; see README "Scheduling rules".)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .findings import Finding
from .model import Plan


@dataclass(frozen=True)
class TaskDates:
    id: str
    early_start: date
    early_finish: date  # for a milestone: the day it is reached (end of that day)
    late_start: date
    late_finish: date
    total_float: int  # working days; negative when a fixed date is pushed by predecessors
    critical: bool
    duration: int  # working days of work (0 for a milestone)
    buffer: int = 0  # working days of buffer after the task
    buffer_end: date | None = None  # last buffer day (None when no buffer)
    behind: bool = False  # as of the status date
    planned_progress: float = 0.0  # % that should be done by the status date
    actual_progress: float = 0.0  # % done (Progress, or 100 when Status is Done)


@dataclass(frozen=True)
class DeliverableDates:
    id: str
    start: date | None
    finish: date | None
    due: date | None
    late_days: int = 0  # working days the computed finish is after Due (0 when on time)
    planned_progress: float = 0.0
    actual_progress: float = 0.0


@dataclass(frozen=True)
class Schedule:
    status_date: date
    start: date
    finish: date  # computed project finish (latest early finish incl. buffers of end tasks)
    tasks: dict[str, TaskDates] = field(default_factory=dict)  # in plan order
    deliverables: dict[str, DeliverableDates] = field(default_factory=dict)  # in plan order
    critical_path: tuple[tuple[str, ...], ...] = ()  # each chain from a start task to the project finish
    planned_progress: float = 0.0
    actual_progress: float = 0.0
    late_days: int = 0  # working days the computed finish is after the target Finish
    findings: tuple[Finding, ...] = ()

    @property
    def critical_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.tasks.values() if t.critical)


def schedule_plan(plan: Plan, status_date: date | None = None) -> Schedule:
    raise NotImplementedError
