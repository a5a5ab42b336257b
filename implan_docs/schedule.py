"""Plan -> Schedule: working-day dates, critical path method, roll-ups and status as of a date.

The rules (counting, link types, lags, buffers, milestones, float, critical, behind) are written out in
``docs/scheduling.md``; this module implements them. All arithmetic is on working-day indexes from
:class:`~implan_docs.workdays.Calendar` (consecutive working days have consecutive indexes), so a link
is one integer inequality ``start(successor) >= start(predecessor) + c``: the forward pass is a
longest-path sweep in topological order, the backward pass the same sweep reversed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .errors import ImplanError
from .findings import Finding, make
from .model import Plan, Task
from .workdays import Calendar, CalendarRangeError

MAX_CHAINS = 20  # critical chains listed at most (ties can multiply them); every critical task is flagged


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
    milestone: bool = False  # a milestone or another zero-duration task
    fixed: bool = False  # Start and Finish written: a deadline when predecessors push it
    driving: tuple[str, ...] = ()  # predecessors whose links set the early start (tight links)


@dataclass(frozen=True)
class DeliverableDates:
    id: str
    start: date | None
    finish: date | None
    due: date | None
    late_days: int = 0  # working days the computed finish is after Due (0 when on time)
    planned_progress: float = 0.0
    actual_progress: float = 0.0
    tasks: tuple[str, ...] = ()  # IDs of its tasks, in plan order


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
    target_finish: date | None = None  # the Project Finish as written
    calendar: Calendar | None = field(default=None, compare=False, repr=False)

    @property
    def critical_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.tasks.values() if t.critical)

    @property
    def behind_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.tasks.values() if t.behind)


class ScheduleError(ImplanError):
    """The tasks cannot be scheduled (a cycle, an unknown predecessor, a task without dates...).

    The validator reports the same problems as errors first; this is for callers that schedule an
    unvalidated plan. ``finding`` holds the error as a finding.
    """

    def __init__(self, finding: Finding):
        super().__init__(finding.message, finding.location)
        self.finding = finding


# -- public -----------------------------------------------------------------------------------------------


def schedule_plan(plan: Plan, status_date: date | None = None, calendar: Calendar | None = None) -> Schedule:
    """Schedule the plan's tasks and roll them up. ``status_date``: argument, else the Project
    ``Status date``, else today. ``calendar`` defaults to :meth:`Calendar.from_plan`.

    Raises :class:`ScheduleError` (located at the cell) for what the validator reports as errors:
    duplicate task IDs, unknown or self predecessors, dependency cycles, a task with no Start and
    Finish, no Duration and no Milestone flag, a negative Duration.
    """
    cal = calendar or Calendar.from_plan(plan)
    sd = status_date or plan.project.status_date or date.today()
    try:
        return _Scheduler(plan, cal, sd).run()
    except CalendarRangeError as exc:
        if exc.location.sheet:
            raise
        raise CalendarRangeError(exc.message, plan.loc("Tasks")) from exc


# -- the engine -------------------------------------------------------------------------------------------


class _Scheduler:
    """One run: per-task arrays indexed by the task's position in the plan."""

    def __init__(self, plan: Plan, cal: Calendar, status_date: date):
        self.plan, self.cal, self.sd = plan, cal, status_date
        self.findings: list[Finding] = []

    def loc(self, task: Task, column: str):
        return self.plan.loc("Tasks", task.row, column)

    def fail(self, code: str, location, **params):
        raise ScheduleError(make(code, location, **params))

    def note(self, code: str, location, **params):
        self.findings.append(make(code, location, **params))

    def run(self) -> Schedule:
        plan, cal = self.plan, self.cal
        tasks = plan.tasks
        n = len(tasks)
        pos: dict[str, int] = {}
        for i, t in enumerate(tasks):
            if t.id in pos:
                self.fail("E160", self.loc(t, "ID"), value=t.id, row=tasks[pos[t.id]].row)
            pos[t.id] = i

        p_start = plan.project.start or self._fallback_start()
        p0 = cal.index(p_start)

        # per task: span (finish - start in working days), duration, buffer, lower bound of the start
        span = [0] * n
        dur = [0] * n
        buf = [0] * n
        lb = [p0] * n
        zero = [False] * n  # milestone or zero duration
        fixed = [False] * n
        pinned = [False] * n  # a written date sets a start-no-earlier-than
        for i, t in enumerate(tasks):
            self._prepare(i, t, span, dur, buf, lb, zero, fixed, pinned)
            if pinned[i] and lb[i] < p0:
                self.note("S106", self.loc(t, "Start" if t.start else "Finish"), item=t.id,
                          start=cal.day(lb[i]).isoformat(), project=cal.day(p0).isoformat())

        # links: start[s] >= start[p] + c (the offsets c of docs/scheduling.md, inlined for speed)
        preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        indeg = [0] * n
        for s, t in enumerate(tasks):
            if not t.depends:
                continue
            pl = preds[s]
            for link in t.depends:
                p = pos.get(link.predecessor)
                if p is None:
                    self.fail("E163", self.loc(t, "Depends on"), item=t.id, value=link.predecessor)
                if p == s:
                    self.fail("E164", self.loc(t, "Depends on"), item=t.id)
                kind, lag = link.type, link.lag or 0
                if kind == "FS":  # start(s) >= finish(p) + buffer(p) + 1 + lag; a milestone falls on the finish
                    c = span[p] + buf[p] + lag + (0 if zero[s] else 1)
                else:
                    c = _link_offset(kind, lag, span[p], buf[p], span[s], zero[s])
                pl.append((p, c))
                succs[p].append((s, c))
            indeg[s] = len(pl)

        # forward pass fused with Kahn's topological sort
        es = lb[:]
        order: list[int] = [i for i in range(n) if indeg[i] == 0]
        k = 0
        while k < len(order):
            p = order[k]
            k += 1
            ep = es[p]
            for s, c in succs[p]:
                v = ep + c
                if v > es[s]:
                    es[s] = v
                indeg[s] -= 1
                if indeg[s] == 0:
                    order.append(s)
        if len(order) < n:
            self._cycle(indeg, preds)

        ends = [es[i] + span[i] + buf[i] for i in range(n)]
        pf = max(ends) if n else p0

        # pushed written dates: fixed tasks become deadlines (negative float), others a finding
        ls = [pf - buf[i] - span[i] for i in range(n)]
        for i in range(n):
            if pinned[i] and es[i] > lb[i]:
                t = tasks[i]
                params = dict(item=t.id, start=cal.day(lb[i]).isoformat(), early=cal.day(es[i]).isoformat(),
                              days=es[i] - lb[i])
                if fixed[i]:
                    if lb[i] < ls[i]:
                        ls[i] = lb[i]
                    self.note("S101", self.loc(t, "Start"), **params)
                else:
                    self.note("S105", self.loc(t, "Start" if t.start else "Finish"), **params)

        # backward pass
        for s in reversed(order):
            lss = ls[s]
            for p, c in preds[s]:
                v = lss - c
                if v < ls[p]:
                    ls[p] = v

        crit = [ls[i] <= es[i] for i in range(n)]
        driving = [[p for p, c in preds[s] if es[p] + c == es[s]] for s in range(n)]
        at_end = [i for i in range(n) if crit[i] and ends[i] == pf]
        extended = {p for s in at_end for p in driving[s]}  # an end task driving another one is not an end
        chains = _chains([i for i in at_end if i not in extended], driving, crit, tasks)

        # status as of the status date
        sd_next, sd_last = cal.index(self.sd), cal.index_before(self.sd)
        first = min(min(es, default=p0), min(ls, default=p0))
        table = cal.days(first, max(max(ends, default=p0), max((ls[i] + span[i] for i in range(n)), default=p0)))
        ids = [t.id for t in tasks]
        out: dict[str, TaskDates] = {}
        make_dates = _builder(TaskDates)
        planned = [0.0] * n
        actual = [0.0] * n
        for i, t in enumerate(tasks):
            e, f, b = es[i], es[i] + span[i], buf[i]
            status = t.status.casefold() if t.status else ""
            progress = t.progress or 0.0
            progress = 0.0 if progress < 0.0 else 100.0 if progress > 100.0 else float(progress)
            actual[i] = a = 100.0 if status == "done" else progress
            if zero[i]:
                planned[i] = pl = 100.0 if e <= sd_last else 0.0
                behind = f < sd_next and a < 100.0
            else:
                elapsed = (sd_last if sd_last < f else f) - e + 1
                planned[i] = pl = 0.0 if elapsed <= 0 else 100.0 * elapsed / dur[i]
                behind = (f < sd_next and a < 100.0) or (
                    e <= sd_last and progress == 0.0 and status in ("", "not started"))
            dr = driving[i]
            out[ids[i]] = make_dates((
                ids[i], table[e - first], table[f - first], table[ls[i] - first], table[ls[i] + span[i] - first],
                ls[i] - e, crit[i], dur[i], b, table[f + b - first] if b else None, behind, pl, a, zero[i],
                fixed[i], tuple([ids[p] for p in dr]) if dr else (),
            ))

        deliverables = self._deliverables(out, planned, actual, dur, pos)
        target = plan.project.finish
        finish = cal.day(pf)
        late = self._late(finish, target)
        if late:
            self.note("S108", plan.loc("Project", plan.project.row_of("Finish"), "Value"),
                      finish=finish.isoformat(), target=target.isoformat(), days=late)
        start = cal.day(min([p0, *es]))
        return Schedule(
            status_date=self.sd, start=start, finish=finish, tasks=out, deliverables=deliverables,
            critical_path=chains, planned_progress=_weighted(planned, dur), actual_progress=_weighted(actual, dur),
            late_days=late, findings=tuple(self.findings), target_finish=target, calendar=cal,
        )

    # -- pieces ---------------------------------------------------------------------------------------------
    def _fallback_start(self) -> date:
        """No Project Start (the reader reports E140): the earliest date written on a task, else the status date."""
        written = [d for t in self.plan.tasks for d in (t.start, t.finish) if d is not None]
        return min(written) if written else self.sd

    def _prepare(self, i, t: Task, span, dur, buf, lb, zero, fixed, pinned) -> None:
        cal = self.cal
        buf[i] = max(int(t.buffer or 0), 0)
        if t.duration is not None and t.duration < 0:
            self.fail("E126", self.loc(t, "Duration"), value=t.duration)
        if t.milestone:
            zero[i] = True
            written = t.start or t.finish
            if written is not None:
                if t.start is not None and t.finish is not None and t.finish != t.start:
                    self.note("S109", self.loc(t, "Finish"), item=t.id, start=t.start.isoformat(),
                              finish=t.finish.isoformat())
                column = "Start" if t.start is not None else "Finish"
                lb[i] = cal.index(written) if t.start is not None else cal.index_before(written)
                self._moved(t, column, written, lb[i])
                pinned[i] = True
            return
        if t.start is not None and t.finish is not None:
            s, f = cal.index(t.start), cal.index_before(t.finish)
            if t.finish < t.start:
                self.fail("E167", self.loc(t, "Finish"), item=t.id)
            f = max(f, s)
            self._moved(t, "Start", t.start, s)
            self._moved(t, "Finish", t.finish, f)
            d = f - s + 1
            if t.duration is not None and int(t.duration) != cal.count(t.start, t.finish):
                self.note("S102", self.loc(t, "Duration"), item=t.id, start=t.start.isoformat(),
                          finish=t.finish.isoformat(), days=cal.count(t.start, t.finish), duration=int(t.duration))
            span[i], dur[i], lb[i] = d - 1, d, s
            fixed[i] = pinned[i] = True
            return
        if t.duration is None:
            self.fail("E166", self.loc(t, "Duration"), item=t.id)
        d = int(t.duration)
        dur[i], span[i], zero[i] = d, max(d - 1, 0), d == 0
        if t.start is not None:
            lb[i] = cal.index(t.start)
            self._moved(t, "Start", t.start, lb[i])
            pinned[i] = True
        elif t.finish is not None:
            f = cal.index_before(t.finish)
            self._moved(t, "Finish", t.finish, f)
            lb[i] = f - span[i]
            pinned[i] = True

    def _moved(self, t: Task, column: str, written: date, index: int) -> None:
        moved = self.cal.day(index)
        if moved != written:
            self.note("S103" if column == "Start" else "S104", self.loc(t, column), item=t.id,
                      date=written.isoformat(), moved=moved.isoformat())

    def _cycle(self, indeg: list[int], preds) -> None:
        """Name one cycle among the tasks Kahn's sort could not place, and stop."""
        tasks = self.plan.tasks
        left = {i for i, d in enumerate(indeg) if d > 0}
        node = min(left)
        seen: dict[int, int] = {}
        path: list[int] = []
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = next(p for p, _ in preds[node] if p in left)
        cycle = path[seen[node]:]
        cycle.reverse()  # predecessor -> successor
        first = min(range(len(cycle)), key=lambda k: (tasks[cycle[k]].row, cycle[k]))
        cycle = cycle[first:] + cycle[:first]
        text = " -> ".join(tasks[i].id for i in cycle + cycle[:1])
        self.fail("E165", self.loc(tasks[cycle[0]], "Depends on"), cycle=text)

    def _late(self, finish: date | None, due: date | None) -> int:
        """Working days in (due, finish]: how late a finish is against a due date."""
        if finish is None or due is None or finish <= due:
            return 0
        return self.cal.count(due, finish) - (1 if self.cal.is_working(due) else 0)

    def _deliverables(self, out, planned, actual, dur, pos) -> dict[str, DeliverableDates]:
        members: dict[str, list[int]] = {}
        for i, t in enumerate(self.plan.tasks):
            if t.deliverable:
                members.setdefault(t.deliverable, []).append(i)
        result: dict[str, DeliverableDates] = {}
        for d in self.plan.deliverables:
            idx = members.get(d.id, [])
            if not idx:
                result[d.id] = DeliverableDates(d.id, None, None, d.due, 0, 0.0,
                                                100.0 if d.status.casefold() == "done" else 0.0)
                continue
            dates = [out[self.plan.tasks[i].id] for i in idx]
            start = min(x.early_start for x in dates)
            finish = max(x.early_finish for x in dates)
            late = self._late(finish, d.due)
            if late:
                self.note("S107", self.plan.loc("Deliverables", d.row, "Due"), item=d.id,
                          finish=finish.isoformat(), due=d.due.isoformat(), days=late)
            weights = [dur[i] for i in idx]
            result[d.id] = DeliverableDates(
                d.id, start, finish, d.due, late, _weighted([planned[i] for i in idx], weights),
                _weighted([actual[i] for i in idx], weights), tuple(x.id for x in dates))
        return result


def _link_offset(kind: str, lag: int, span_p: int, buf_p: int, span_s: int, zero_s: bool) -> int:
    """c in ``start(s) >= start(p) + c`` for a link of this type and lag (see docs/scheduling.md)."""
    kind = (kind or "FS").upper()
    if kind == "SS":
        return lag
    if kind == "FF":  # finish(s) >= finish(p) + buffer(p) + lag
        return span_p + buf_p + lag - span_s
    if kind == "SF":  # finish(s) >= start(p) - 1 + lag: finishes the day before p starts
        return lag - 1 - span_s
    # FS: start(s) >= finish(p) + buffer(p) + 1 + lag; a milestone falls on the finish itself
    return span_p + buf_p + lag + (0 if zero_s else 1)


def _chains(ends: list[int], driving: list[list[int]], crit: list[bool], tasks) -> tuple[tuple[str, ...], ...]:
    """Chains of critical tasks joined by driving links, each from a start to a task ending at the finish.

    Depth-first from each end task back through its critical driving predecessors, in plan order; a
    task without one starts the chain. At most MAX_CHAINS chains (ties can multiply them).
    """
    chains: list[tuple[str, ...]] = []
    stack: list[tuple[int, tuple | None]] = [(e, None) for e in reversed(ends)]
    while stack and len(chains) < MAX_CHAINS:
        node, parent = stack.pop()
        link = (node, parent)  # a linked list from this node to the end task
        back = [p for p in driving[node] if crit[p]]
        if not back:
            chain = []
            cur = link
            while cur is not None:
                chain.append(tasks[cur[0]].id)
                cur = cur[1]
            chains.append(tuple(chain))
            continue
        for p in sorted(set(back), reverse=True):
            stack.append((p, link))
    return tuple(chains)


def _builder(cls):
    """A fast constructor for a frozen dataclass from a tuple of all its fields, in order.

    The generated ``__init__`` of a frozen dataclass calls ``object.__setattr__`` once per field; with
    thousands of tasks that was a fifth of the run. This fills the instance ``__dict__`` directly, which
    is what that ``__init__`` ends up with (the classes here have no ``__post_init__``).
    """
    names = tuple(cls.__dataclass_fields__)
    new = object.__new__

    def build(values: tuple):
        obj = new(cls)
        obj.__dict__.update(zip(names, values))
        return obj

    return build


def _weighted(values: list[float], weights: list[int]) -> float:
    """Duration-weighted mean; a plain mean when every weight is 0 (only milestones); 0 for none."""
    if not values:
        return 0.0
    total = sum(weights)
    if total <= 0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights)) / total
