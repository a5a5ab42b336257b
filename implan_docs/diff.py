"""What changed between two versions of a plan workbook: rows, schedule slips, risk scores, budget.

Rows are matched per contract sheet by their identity: ``ID`` where the sheet has one, the Project by
``Field``, People by ``Name``, Scope and SWOT by the item text, RACI by ``Item`` (with one change per
person whose letters changed), Resources by ``Resource``, Research by ``Finding``, Holidays and Extra
working days by ``Date``. Values are compared as the reader types them (``12`` typed as text equals the
number 12; dates as dates), so re-saving a workbook in another program shows no change.

Schedule slips compare the computed early finish of tasks, deliverables and the project (both plans
scheduled as of the same status date), counted in working days of the new plan's calendar.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from .model import Link, Plan
from .xlsx.contract import PROJECT_FIELDS

# -- the result ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    column: str  # contract header, a custom column's header, or a person's name (RACI)
    old: str  # "" when the cell was empty
    new: str


@dataclass(frozen=True)
class RowRef:
    key: str  # the row's identity within its sheet (ID, Field, Name, item text ...)
    label: str = ""  # a readable name (task name, risk text) when the key is an ID


@dataclass(frozen=True)
class RowChange:
    key: str
    label: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SheetDiff:
    sheet: str  # contract sheet name
    added: tuple[RowRef, ...] = ()
    removed: tuple[RowRef, ...] = ()
    changed: tuple[RowChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class Slip:
    kind: str  # "project", "deliverable" or "task"
    id: str
    name: str
    old: date | None
    new: date | None
    days: int  # working days later (negative: earlier)


@dataclass(frozen=True)
class RiskChange:
    id: str
    risk: str
    old_score: int | None
    new_score: int | None
    old_rating: str
    new_rating: str


@dataclass(frozen=True)
class BudgetChange:
    item: str  # "Budget" (approved), "Planned cost" (all resources) or a resource Type
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


@dataclass(frozen=True)
class PlanDiff:
    old_file: str
    new_file: str
    old_version: str
    new_version: str
    name: str  # the new plan's name
    language: str  # the new plan's language (used by the document section)
    currency: str  # the new plan's currency
    sheets: tuple[SheetDiff, ...] = ()  # only sheets with changes, in contract order
    slips: tuple[Slip, ...] = ()  # project first, then deliverables, then tasks (plan order)
    risks: tuple[RiskChange, ...] = ()
    budget: tuple[BudgetChange, ...] = ()
    notes: tuple[str, ...] = ()  # why something could not be compared (English, for the console)
    old_finish: date | None = None
    new_finish: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.sheets or self.slips or self.risks or self.budget)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": sum(len(s.added) for s in self.sheets),
            "removed": sum(len(s.removed) for s in self.sheets),
            "changed": sum(len(s.changed) for s in self.sheets),
        }

    @property
    def finish_slip(self) -> int:
        """Working days the forecast project finish moved (0 when unchanged or not compared)."""
        for s in self.slips:
            if s.kind == "project":
                return s.days
        return 0

    def sheet(self, name: str) -> SheetDiff | None:
        for s in self.sheets:
            if s.sheet == name:
                return s
        return None

    def to_dict(self) -> dict:
        """Plain JSON-ready data (dates as ISO text)."""
        return _jsonable(asdict(self)) | {"counts": self.counts, "finish_slip": self.finish_slip}


# -- public ---------------------------------------------------------------------------------------------


def diff_plans(old: str | Path, new: str | Path, status_date: date | None = None) -> PlanDiff:
    """Compare two plan workbooks. ``status_date`` schedules both plans as of that date (default: each
    plan's own Status date, else today). Raises :class:`~implan_docs.errors.WorkbookError` when a file
    cannot be read at all; a plan with errors is still compared row by row (its schedule is not)."""
    from .errors import ImplanError
    from .phases import read_and_validate, scheduled

    notes: list[str] = []
    checked = []
    for path in (old, new):
        result = read_and_validate(path)
        if not result.ok:
            notes.append(f"{result.plan.file}: schedule not compared: {len(result.errors)} error(s) in the plan "
                         f"(first: {result.errors[0]})")
        else:
            try:
                result = scheduled(result, status_date)
            except ImplanError as exc:
                notes.append(f"{result.plan.file}: schedule not compared: {exc}")
        checked.append(result)
    a, b = checked
    return compare(a.plan, b.plan, a.schedule, b.schedule, tuple(notes))


def compare(old: Plan, new: Plan, old_schedule=None, new_schedule=None, notes: tuple[str, ...] = ()) -> PlanDiff:
    """Compare two plans already read (and optionally scheduled)."""
    sheets = []
    for name, rows_of in _SHEET_ROWS:
        if name not in old.present and name not in new.present:
            continue
        d = _diff_rows(name, rows_of(old), rows_of(new))
        if not d.empty:
            sheets.append(d)
    slips: tuple[Slip, ...] = ()
    if old_schedule is not None and new_schedule is not None:
        slips = _slips(old, new, old_schedule, new_schedule)
    return PlanDiff(
        old_file=old.file, new_file=new.file,
        old_version=old.project.version, new_version=new.project.version,
        name=new.project.name, language=new.language, currency=new.project.currency,
        sheets=tuple(sheets), slips=slips, risks=_risks(old, new), budget=_budget(old, new), notes=notes,
        old_finish=old_schedule.finish if old_schedule is not None else None,
        new_finish=new_schedule.finish if new_schedule is not None else None,
    )


# -- rows ------------------------------------------------------------------------------------------------

Rows = list[tuple[str, str, dict[str, str]]]  # (key, label, {column: value as text})


def text(value: Any) -> str:
    """A cell value as comparable, readable text: dates ISO, whole floats without ``.0``, links short."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, Link):
        kind = "" if value.type == "FS" and not value.lag else f" {value.type}"
        lag = f"{value.lag:+d}d" if value.lag else ""
        return f"{value.predecessor}{kind}{lag}"
    if isinstance(value, (tuple, list)):
        return ", ".join(text(v) for v in value)
    return str(value).strip()


def _with_extra(values: dict[str, Any], extra) -> dict[str, str]:
    out = {k: text(v) for k, v in values.items()}
    for header, value in extra:
        out[str(header)] = text(value)
    return out


def _project_rows(plan: Plan) -> Rows:
    p = plan.project
    attrs = {
        "Name": p.name, "Code": p.code, "Purpose": p.purpose, "Strategy": p.strategy, "Sponsor": p.sponsor,
        "Manager": p.manager, "Version": p.version, "Status": p.status, "Start": p.start, "Finish": p.finish,
        "Status date": p.status_date, "Budget": p.budget, "Currency": p.currency,
        "Confidentiality": p.confidentiality, "Language": p.language, "Working days": p.working_days,
        "Confidence": p.confidence, "Simulations": p.simulations, "Seed": p.seed, "Distribution": p.distribution,
    }
    assert set(attrs) == set(PROJECT_FIELDS)
    rows = [(k, "", {"Value": text(v)}) for k, v in attrs.items() if text(v)]
    rows += [(str(k), "", {"Value": text(v)}) for k, v in p.extra if text(v)]
    return rows


def _objective_rows(plan: Plan) -> Rows:
    return [(o.id, o.objective, _with_extra({"Objective": o.objective, "Metric": o.metric, "Baseline": o.baseline,
                                             "Target": o.target, "Due": o.due, "Owner": o.owner}, o.extra))
            for o in plan.objectives]


def _scope_rows(plan: Plan) -> Rows:
    return [(s.item, "", _with_extra({"Kind": s.kind, "Notes": s.notes}, s.extra)) for s in plan.scope]


def _deliverable_rows(plan: Plan) -> Rows:
    return [(d.id, d.name, _with_extra({
        "Deliverable": d.name, "Description": d.description, "Objectives": d.objectives, "Owner": d.owner,
        "Due": d.due, "Acceptance criteria": d.acceptance, "Status": d.status}, d.extra)) for d in plan.deliverables]


def _task_rows(plan: Plan) -> Rows:
    return [(t.id, t.name, _with_extra({
        "Task": t.name, "Deliverable": t.deliverable, "Owner": t.owner, "Start": t.start, "Finish": t.finish,
        "Duration": t.duration, "Depends on": t.depends, "Milestone": t.milestone, "Buffer": t.buffer or None,
        "Status": t.status, "Progress": t.progress, "Optimistic": t.optimistic, "Most likely": t.most_likely,
        "Pessimistic": t.pessimistic, "Baseline start": t.baseline_start, "Baseline finish": t.baseline_finish},
        t.extra)) for t in plan.tasks]


def _risk_rows(plan: Plan) -> Rows:
    return [(r.id, r.risk, _with_extra({
        "Risk": r.risk, "Category": r.category, "Likelihood": r.likelihood, "Impact": r.impact,
        "Mitigation": r.mitigation, "Contingency": r.contingency, "Owner": r.owner, "Trigger": r.trigger,
        "Status": r.status}, r.extra)) for r in plan.risks]


def _people_rows(plan: Plan) -> Rows:
    return [(p.name, "", _with_extra({
        "Role": p.role, "Organization": p.organization, "Email": p.email, "Responsibilities": p.responsibilities,
        "Availability": p.availability}, p.extra)) for p in plan.people]


def _raci_rows(plan: Plan) -> Rows:
    names = {d.id: d.name for d in plan.deliverables} | {t.id: t.name for t in plan.tasks}
    return [(r.item, names.get(r.item, ""), {person: "/".join(letters) for person, letters in r.roles})
            for r in plan.raci]


def _resource_rows(plan: Plan) -> Rows:
    return [(r.resource, "", _with_extra({
        "Type": r.type, "Quantity": r.quantity, "Unit": r.unit, "Unit cost": r.unit_cost, "Cost": r.cost,
        "For": r.for_id, "From": r.start, "To": r.end, "Approver": r.approver, "Status": r.status,
        "Actual cost": r.actual_cost}, r.extra))
        for r in plan.resources]


def _research_rows(plan: Plan) -> Rows:
    return [(r.finding, "", _with_extra({"Method": r.method, "Source": r.source, "Date": r.date,
                                         "Effect on plan": r.effect}, r.extra)) for r in plan.research]


def _swot_rows(plan: Plan) -> Rows:
    return [(s.item, "", _with_extra({"Kind": s.kind}, s.extra)) for s in plan.swot]


def _calendar_rows(attr: str):
    def rows(plan: Plan) -> Rows:
        return [(d.date.isoformat(), "", {"Name": d.name}) for d in getattr(plan, attr)]
    return rows


def _review_rows(plan: Plan) -> Rows:
    return [(r.id or r.comment, "", _with_extra({
        "Section": r.section, "Anchor": r.anchor, "Comment": r.comment, "Reviewer": r.reviewer, "Date": r.date,
        "Status": r.status, "Response": r.response}, r.extra)) for r in plan.review]


_SHEET_ROWS = (
    ("Project", _project_rows), ("Objectives", _objective_rows), ("Scope", _scope_rows),
    ("Deliverables", _deliverable_rows), ("Tasks", _task_rows), ("Risks", _risk_rows), ("People", _people_rows),
    ("RACI", _raci_rows), ("Resources", _resource_rows), ("Research", _research_rows), ("SWOT", _swot_rows),
    ("Holidays", _calendar_rows("holidays")), ("Extra working days", _calendar_rows("extra_working_days")),
    ("Review", _review_rows),
)


def _keyed(rows: Rows) -> dict[str, tuple[str, dict[str, str]]]:
    """Rows by key; a key seen again becomes ``key #2``, ``key #3`` (in row order)."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    seen: dict[str, int] = {}
    for key, label, values in rows:
        seen[key] = seen.get(key, 0) + 1
        out[key if seen[key] == 1 else f"{key} #{seen[key]}"] = (label, values)
    return out


def _diff_rows(sheet: str, old_rows: Rows, new_rows: Rows) -> SheetDiff:
    old, new = _keyed(old_rows), _keyed(new_rows)
    added = tuple(RowRef(k, new[k][0]) for k in new if k not in old)
    removed = tuple(RowRef(k, old[k][0]) for k in old if k not in new)
    changed = []
    for key, (label, values) in new.items():
        if key not in old:
            continue
        before = old[key][1]
        columns = list(before) + [c for c in values if c not in before]
        changes = tuple(FieldChange(c, before.get(c, ""), values.get(c, "")) for c in columns
                        if before.get(c, "") != values.get(c, ""))
        if changes:
            changed.append(RowChange(key, label or old[key][0], changes))
    return SheetDiff(sheet, added, removed, tuple(changed))


# -- schedule, risks, budget -------------------------------------------------------------------------------


def _slips(old: Plan, new: Plan, a, b) -> tuple[Slip, ...]:
    cal = b.calendar

    def steps(x: date | None, y: date | None) -> int:
        if x is None or y is None or x == y:
            return 0
        if cal is None:
            return (y - x).days
        return cal.distance(x, y)

    out: list[Slip] = []
    if a.finish != b.finish:
        out.append(Slip("project", new.project.code or "", new.project.name, a.finish, b.finish,
                        steps(a.finish, b.finish)))
    for d in new.deliverables:
        before, after = a.deliverables.get(d.id), b.deliverables.get(d.id)
        if before is None or after is None or before.finish == after.finish:
            continue
        out.append(Slip("deliverable", d.id, d.name, before.finish, after.finish, steps(before.finish, after.finish)))
    for t in new.tasks:
        before, after = a.tasks.get(t.id), b.tasks.get(t.id)
        if before is None or after is None or before.early_finish == after.early_finish:
            continue
        out.append(Slip("task", t.id, t.name, before.early_finish, after.early_finish,
                        steps(before.early_finish, after.early_finish)))
    return tuple(out)


def _risks(old: Plan, new: Plan) -> tuple[RiskChange, ...]:
    before = {r.id: r for r in old.risks}
    out = []
    for r in new.risks:
        o = before.get(r.id)
        if o is not None and o.score != r.score:
            out.append(RiskChange(r.id, r.risk, o.score, r.score, o.rating, r.rating))
    return tuple(out)


def _budget(old: Plan, new: Plan) -> tuple[BudgetChange, ...]:
    out = []
    if old.project.budget != new.project.budget:
        out.append(BudgetChange("Budget", old.project.budget, new.project.budget))
    a, b = _cost_totals(old.resources), _cost_totals(new.resources)
    if a.get("") != b.get(""):
        out.append(BudgetChange("Planned cost", a.get(""), b.get("")))
    for kind in sorted(set(a) | set(b), key=_type_order):
        if kind and a.get(kind) != b.get(kind):
            out.append(BudgetChange(kind, a.get(kind), b.get(kind)))
    return tuple(out)


def _type_order(kind: str):
    from .model import RESOURCE_TYPES

    return (RESOURCE_TYPES.index(kind) if kind in RESOURCE_TYPES else len(RESOURCE_TYPES), kind)


def _cost_totals(resources: Iterable) -> dict[str, float]:
    """Total cost of all resources ("") and per Type; rounded to cents so float noise is no change."""
    totals: dict[str, float] = {}
    for r in resources:
        cost = r.total_cost
        if cost is None:
            continue
        totals[""] = totals.get("", 0.0) + cost
        totals[r.type] = totals.get(r.type, 0.0) + cost
    return {k: round(v, 2) for k, v in totals.items()}


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# -- terminal -------------------------------------------------------------------------------------------


__all__ = ["diff_plans", "compare", "PlanDiff", "SheetDiff", "RowRef", "RowChange", "FieldChange",
           "Slip", "RiskChange", "BudgetChange", "text"]
