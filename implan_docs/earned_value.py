"""Plan + Schedule -> earned value as of the status date (the end of that day).

The figures are the contract's (``docs/plan-workbook.md``, "Schedule confidence"):

- **BAC** (budget at completion) = the sum of the Resources' costs (``Resource.total_cost``: Cost, else
  Quantity x Unit cost); a line marked ``Reserve`` is left out.
- Each line's cost is **planned linearly over the working days** of what its ``For`` names: a task's
  dates, a deliverable's span (the earliest start to the latest finish of its tasks), or, with ``For``
  empty, the project's span (all tasks). A task's dates are its Baseline start and Baseline finish when
  it has both, else its planned (early) dates: the schedule does not re-forecast from progress, so those
  are the plan before any re-forecast. Buffer days are no work and carry no cost. A span with no working
  day (a baseline written on a weekend) has its cost planned at its finish; a deliverable without tasks
  at its Due date.
- **PV** = the cost planned up to the status date; **EV** = each line's cost x the progress of what it
  is for (a task's Progress, 100 when Done; a deliverable's and the project's: their tasks' progress
  weighted by duration, as the schedule rolls it up); **AC** = the sum of ``Actual cost`` over every
  line (a blank is 0; a reserve line's spending counts: it is money spent).
- SV = EV - PV, CV = EV - AC, SPI = EV / PV, CPI = EV / AC, EAC = BAC / CPI, ETC = EAC - AC,
  VAC = BAC - EAC; a figure that divides by zero (or needs one that did) is None.

Figures keep full precision (plain floats); round only for display. Money is in the plan's currency.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta

from .findings import Finding, make
from .model import Plan, Resource, Task
from .schedule import Schedule
from .workdays import Calendar

THRESHOLD = 0.9  # SPI or CPI below this is a finding (W215, W216)
KEYS = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac")
_YES = frozenset({"yes", "y", "true", "1", "x"})


@dataclass(frozen=True)
class EarnedValue:
    bac: float  # budget at completion
    pv: float  # planned value as of the status date
    ev: float  # earned value
    ac: float  # actual cost
    sv: float  # schedule variance EV - PV
    cv: float  # cost variance EV - AC
    spi: float | None  # EV / PV
    cpi: float | None  # EV / AC
    eac: float | None  # estimate at completion BAC / CPI
    etc: float | None  # estimate to complete EAC - AC
    vac: float | None  # variance at completion BAC - EAC

    def as_dict(self) -> dict:
        """The contract's JSON object: bac pv ev ac sv cv spi cpi eac etc vac (null for None)."""
        return {key: getattr(self, key) for key in KEYS}

    @classmethod
    def of(cls, bac: float, pv: float, ev: float, ac: float) -> "EarnedValue":
        """The derived figures from the four sums."""
        spi = ev / pv if pv else None
        cpi = ev / ac if ac else None
        eac = bac / cpi if cpi else None
        return cls(bac, pv, ev, ac, ev - pv, ev - ac, spi, cpi, eac,
                   None if eac is None else eac - ac, None if eac is None else bac - eac)


@dataclass(frozen=True)
class Line:
    """One Resources row as earned value sees it."""

    resource: str
    row: int
    for_id: str  # as written ("" for the project)
    deliverable: str  # the deliverable it counts towards ("" for none)
    start: date  # the span its cost is planned over (working days in [start, finish])
    finish: date
    cost: float  # in BAC (0 for a line without a cost or a reserve)
    pv: float
    ev: float
    actual_cost: float | None  # as written (None: blank)
    in_bac: bool  # has a cost and is not a reserve


@dataclass(frozen=True)
class EarnedValueReport:
    project: EarnedValue
    deliverables: dict[str, EarnedValue]  # per deliverable ID with lines for it or its tasks, in plan order
    # (date, PV, EV, AC) weekly, ending on the status date, then PV on to the planned end. The workbook
    # records progress and Actual cost as of the status date only, so EV and AC are known at that point
    # alone: None at every other point.
    curve: tuple[tuple[date, float, float | None, float | None], ...]
    status_date: date | None = None
    currency: str = ""
    lines: tuple[Line, ...] = field(default=(), repr=False)


# -- public -------------------------------------------------------------------------------------------


def earned_value(plan: Plan, schedule: Schedule) -> EarnedValueReport | None:
    """Earned value of ``plan`` as of ``schedule.status_date``; None when no resource has a cost."""
    costed = [r for r in plan.resources if r.total_cost is not None and not is_reserve(r)]
    if not costed:
        return None
    cal = schedule.calendar or Calendar.from_plan(plan)
    sd = schedule.status_date
    spans = _Spans(plan, schedule)
    lines: list[Line] = []
    plans: list[tuple[float, date, date, int]] = []  # (cost, start, finish, working days) for the curve
    for r in plan.resources:
        in_bac = r.total_cost is not None and not is_reserve(r)
        cost = float(r.total_cost) if in_bac else 0.0
        start, finish, progress, deliverable = spans.of(r.for_id)
        days = cal.count(start, finish)
        plans.append((cost, start, finish, days))
        lines.append(Line(r.resource, r.row, r.for_id, deliverable, start, finish, cost,
                          _planned(cost, start, finish, days, sd, cal), cost * progress / 100.0,
                          r.actual_cost, in_bac))

    project = _sum(lines)
    by_deliverable: dict[str, list[Line]] = {}
    for ln in lines:
        if ln.deliverable and (ln.in_bac or ln.actual_cost is not None):
            by_deliverable.setdefault(ln.deliverable, []).append(ln)
    deliverables = {d.id: _sum(by_deliverable[d.id]) for d in plan.deliverables if d.id in by_deliverable}
    return EarnedValueReport(project, deliverables, _curve(plans, project, sd, cal), sd, plan.project.currency,
                             tuple(lines))


def earned_value_findings(plan: Plan, report: EarnedValueReport | None) -> list[Finding]:
    """W215 (SPI < 0.9) and W216 (CPI < 0.9) for the project, located on the Resources sheet, and for each
    deliverable (at its row) unless its figures are the project's; W218 at each line's blank Actual cost
    when other lines have one and its work was under way (planned or earned value) by the status date."""
    if report is None:
        return []
    out: list[Finding] = []
    when = report.status_date.isoformat() if report.status_date else ""
    currency = report.currency or plan.project.currency
    rows = {d.id: d.row for d in plan.deliverables}
    scopes = [(plan.project.code_or_name, report.project, plan.loc("Resources"))]
    scopes += [(did, ev, plan.loc("Deliverables", rows.get(did), "ID")) for did, ev in report.deliverables.items()
               if ev != report.project]
    for item, ev, loc in scopes:
        if ev.spi is not None and ev.spi < THRESHOLD:
            out.append(make("W215", loc, item=item, spi=index(ev.spi), date=when, ev=money(ev.ev),
                            pv=money(ev.pv), currency=currency, share=percent(ev.spi)))
        if ev.cpi is not None and ev.cpi < THRESHOLD:
            out.append(make("W216", loc, item=item, cpi=index(ev.cpi), date=when, ev=money(ev.ev),
                            ac=money(ev.ac), currency=currency))
    if any(ln.actual_cost is not None for ln in report.lines):
        for ln in report.lines:
            if ln.in_bac and ln.actual_cost is None and (ln.pv > 0 or ln.ev > 0):
                out.append(make("W218", plan.loc("Resources", ln.row, "Actual cost"), item=ln.resource, date=when))
    return out


def is_reserve(resource: Resource) -> bool:
    """The line is held as contingency or management reserve (Resources column ``Reserve``: yes/no).

    Read from the model's ``reserve`` when it has one, else from the custom column of that name.
    """
    value = getattr(resource, "reserve", None)
    if value is None:
        for header, raw in resource.extra:
            if " ".join(str(header).split()).rstrip("*").strip().casefold() == "reserve":
                value = raw
                break
    if isinstance(value, str):
        return value.strip().casefold() in _YES
    return bool(value)


def index(value: float) -> str:
    """A performance index for messages: two decimals, more when two would show 0.90 for one below it."""
    digits = 2
    while value < THRESHOLD <= round(value, digits) and digits < 6:
        digits += 1
    return f"{value:.{digits}f}"


def percent(value: float) -> str:
    """The index as a percentage, to the precision :func:`index` shows it: 0.87 -> "87%", 0.8996 -> "89.96%"."""
    shown = index(value)
    return f"{float(shown):.{len(shown.split('.')[1]) - 2}%}"


def money(value: float) -> str:
    """1234.5 -> "1,234.50" (for messages)."""
    return f"{value:,.2f}"


# -- pieces -------------------------------------------------------------------------------------------


class _Spans:
    """What a ``For`` names: its span (baseline dates where a task has both), progress and deliverable."""

    def __init__(self, plan: Plan, schedule: Schedule):
        self.plan, self.schedule = plan, schedule
        self.tasks = {}
        for t in plan.tasks:
            td = schedule.tasks.get(t.id)
            if td is not None and t.id not in self.tasks:
                self.tasks[t.id] = (*task_span(t, td.early_start, td.early_finish), td.actual_progress)
        self.deliverables = {d.id: d for d in plan.deliverables}
        spans = [(s, f) for s, f, _ in self.tasks.values()]
        if spans:
            self.project = (min(s for s, _ in spans), max(f for _, f in spans))
        else:
            self.project = (schedule.start, schedule.finish)

    def of(self, for_id: str) -> tuple[date, date, float, str]:
        """(start, finish, progress %, deliverable ID) of a task, a deliverable or (empty) the project."""
        if for_id in self.tasks:
            start, finish, progress = self.tasks[for_id]
            task = self.plan.task(for_id)
            return start, finish, progress, task.deliverable if task else ""
        if for_id in self.deliverables:
            dd = self.schedule.deliverables.get(for_id)
            progress = dd.actual_progress if dd else 0.0
            mine = [self.tasks[i] for i in (dd.tasks if dd else ()) if i in self.tasks]
            if mine:
                return min(s for s, _, _ in mine), max(f for _, f, _ in mine), progress, for_id
            due = self.deliverables[for_id].due
            if due is not None:
                return due, due, progress, for_id
            return (*self.project, progress, for_id)
        # empty (or unknown, which validation reports as E173): the project
        return (*self.project, self.schedule.actual_progress, "")


def task_span(task: Task, early_start: date, early_finish: date) -> tuple[date, date]:
    """The dates a task's cost is planned over: Baseline start and finish when both are given (and in
    order), else the planned schedule."""
    if task.baseline_start and task.baseline_finish and task.baseline_start <= task.baseline_finish:
        return task.baseline_start, task.baseline_finish
    return early_start, early_finish


def _planned(cost: float, start: date, finish: date, days: int, when: date, cal: Calendar) -> float:
    """Cost planned up to the end of ``when``: linear over the ``days`` working days of [start, finish]."""
    if when >= finish:
        return cost
    if when < start or days <= 0:
        return 0.0
    return cost * cal.count(start, when) / days


def _sum(lines: list[Line]) -> EarnedValue:
    return EarnedValue.of(sum(ln.cost for ln in lines), sum(ln.pv for ln in lines), sum(ln.ev for ln in lines),
                          sum(ln.actual_cost or 0.0 for ln in lines))


def _curve(plans, project: EarnedValue, sd: date, cal: Calendar):
    """Weekly points ending on the status date, from the last one before any planned cost to the first
    one at or after the planned end (or the status date, when later)."""
    first = min(s for _, s, _, _ in plans)
    last = max(f for _, _, f, _ in plans)
    week = timedelta(days=7)
    day = sd
    while day >= first:
        day -= week
    days = [day]
    while not (days[-1] >= sd and days[-1] >= last):
        days.append(days[-1] + week)
    # each line adds its whole cost from the first point on or after its finish, a share at points inside
    spans: dict[tuple[date, date, int], float] = {}  # lines over the same span are spread together
    for cost, start, finish, n in plans:
        if cost:
            spans[(start, finish, n)] = spans.get((start, finish, n), 0.0) + cost
    pv = [0.0] * len(days)
    whole = [0.0] * (len(days) + 1)
    for (start, finish, n), cost in spans.items():
        done = bisect_left(days, finish)
        whole[done] += cost
        for k in range(bisect_left(days, start), done):
            pv[k] += _planned(cost, start, finish, n, days[k], cal)
    running = 0.0
    points = []
    for k, day in enumerate(days):
        running += whole[k]
        value = running + pv[k]
        points.append((day, value, project.ev, project.ac) if day == sd else (day, value, None, None))
    return tuple(points)
