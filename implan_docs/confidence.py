"""Schedule confidence: a Monte Carlo simulation of the schedule from three-point estimates.

The rules are in ``/work/shared/plan-workbook.md`` ("Schedule confidence") and ``docs/scheduling.md``;
:func:`simulate` returns :class:`Confidence` (P50/P80/P95 and the Project ``Confidence`` level for the
project finish, every milestone and every deliverable, the share of simulations in which each task is
critical, and the tasks whose durations drive the finish).

**The model.** Each simulation draws the duration of every task with an estimate
(:attr:`Task.has_estimate <implan_docs.model.Task.has_estimate>`: not a milestone, not fixed) from
Triangular(O, ML, P) or PERT (Beta with lambda 4: alpha = 1 + 4 (ML - O) / (P - O), beta = 1 + 4 (P - ML)
/ (P - O)) as a real number of working days, ``Most likely`` blank meaning the Duration. Every other task
keeps its duration. The network is then scheduled with the deterministic engine's rules
(``schedule.py``): the same links and lags, buffers, start-no-earlier-than dates (a written Finish with
a Duration gives the start bound it gives there), fixed tasks (pushed by their predecessors they move,
and their written finish is a deadline: negative float) and milestones. Time is continuous, counted in
working days from the start of the project's first working day; a finish that falls inside a working
day is reached on that day (10.3 working days from the start of day 1 finish on day 11), so with whole
durations everything is exactly the deterministic schedule. The successor of an FS link starts the
moment its predecessor finishes (mid-day when that finish is mid-day), so a chain takes the sum of its
durations. A milestone is reached at the end of its day (never before the end of the project's first
day). The working-day calendar only maps offsets to dates at the end (``Schedule.calendar``).

**Progress.** A Done task (Status Done or Progress 100) keeps its scheduled dates in every simulation
and draws nothing. A task in progress (Status In progress, or Progress above 0) has started: its start
is held on its scheduled early start (its predecessors' draws do not move it), and only its remaining
share is uncertain: duration = Duration + (1 - Progress) x (draw - Duration). Tasks not started are
scheduled from their links, as in the deterministic schedule (neither re-forecasts from the status date).

**Figures.** P50, P80, P95 and the level are the earliest working days by which at least that share of
the simulations has finished (``numpy.percentile(days, q, method="inverted_cdf")`` of the days reached,
counted exactly). A probability is the share of simulations finishing on or before the target (the
Project Finish, a deliverable's Due; a date that is not a working day counts as the working day before
it). A deliverable finishes with its latest task (buffers excluded, as ``DeliverableDates.finish``).
Criticality: the share of simulations in which the task's total float (late start - early start, from a
backward pass in the same simulation) is at most ``EPSILON``: zero, or negative for a missed fixed date,
as the deterministic schedule's ``critical``; equal parallel paths are both critical. Drivers: the
Spearman rank correlation (tied values share their average rank) of a task's drawn duration with the
project finish, for drawn tasks critical in at least one simulation (a task that always has float
cannot move the finish); the ``DRIVERS`` strongest by absolute value, ties in plan order.

**Speed, memory, reproducibility.** One pass over the network in topological order per chunk of
simulations, each task's simulations one float64 row: a forward pass (early dates) and a backward pass
(late dates, float), all plain numpy maxima, minima and additions; what is the same in every simulation
(tasks done or held, and what follows only from them) is folded in advance, and bounds computed once
leave out maxima that can never matter. Chunks keep the three working arrays near ``WORK_BYTES``; the
days reached are counted in histograms; the drawn durations are kept as float32 for the drivers up to
``STORE_BYTES`` (beyond, the candidates' are drawn again, for as many of the first simulations as that
holds, and the drivers are ranked over those). Simulations come in blocks of ``SIM_BLOCK``; block b
draws from ``numpy.random.PCG64(seed)`` jumped b times, so the same plan, number of simulations and seed
give the same figures whatever the chunks.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .model import Plan, Task
from .schedule import Schedule
from .workdays import Calendar

EPSILON = 1e-9  # working days: float at most this is zero; a finish this far past a day's end is on that day
DRIVERS = 10  # drivers listed at most
WORK_BYTES = 384 * 2**20  # the chunk's working arrays (early/late dates, drawn durations, temporaries)
STORE_BYTES = 256 * 2**20  # drawn durations kept for the drivers; more: drawn again for the candidates
LEVELS = (50.0, 80.0, 95.0)
DISTRIBUTION_NAMES = ("triangular", "pert")  # as in the JSON contract
SIM_BLOCK = 256  # simulations drawing from one stream: the figures do not depend on the chunks
_BLOCK = 1 << 16  # elements per block when transforming uniform draws (stays in cache)
_MARGIN = 1e-6  # working days: slack for rounding when a bound computed in advance leaves out a row


@dataclass(frozen=True)
class Quantiles:
    """Dates by which a share of the simulations has finished."""

    p50: date
    p80: date
    p95: date
    at_level: date  # the Project Confidence percentile
    probability: float | None = None  # of finishing on or before the target / due date, when there is one


@dataclass(frozen=True)
class Confidence:
    """The result of :func:`simulate`."""

    simulations: int
    seed: int
    distribution: str  # "triangular" | "pert"
    level: float  # Project Confidence, percent
    finish: Quantiles  # the project finish; probability by the Project Finish (target), or None
    milestones: dict[str, Quantiles]  # milestone (and zero-duration) task id -> when it is reached
    deliverables: dict[str, Quantiles]  # deliverable id -> its tasks' latest finish; probability by its Due
    criticality: dict[str, float]  # task id -> share of simulations with the task on a critical path
    drivers: tuple[tuple[str, float], ...]  # (task id, Spearman rank correlation with the finish), strongest first
    # sorted simulated project finish: working days from the start of the project's first working day
    # (10.3: during the 11th working day); see finish_dates() and date_of()
    finish_offsets: np.ndarray = field(compare=False, repr=False)
    start: date | None = None  # the working day whose start is offset 0
    calendar: Calendar | None = field(default=None, compare=False, repr=False)

    def date_of(self, offset: float) -> date:
        """The working day an offset (as in ``finish_offsets``) falls on."""
        return self._calendar().day(self._origin() + int(_days(np.array([float(offset)]))[0]))

    def finish_dates(self) -> list[date]:
        """The simulated project finish dates, sorted (one per simulation): for charts."""
        cal, origin = self._calendar(), self._origin()
        days = _days(self.finish_offsets)
        values, inverse = np.unique(days, return_inverse=True)
        dates = [cal.day(origin + int(v)) for v in values]
        return [dates[i] for i in inverse.ravel()]

    def _calendar(self) -> Calendar:
        if self.calendar is None:
            raise ValueError("this Confidence carries no calendar to map offsets to dates")
        return self.calendar

    def _origin(self) -> int:
        return self._calendar().index(self.start) if self.start is not None else 0


def simulate(plan: Plan, schedule: Schedule, *, simulations: int | None = None, seed: int | None = None,
             distribution: str | None = None) -> Confidence | None:
    """Simulate the schedule; None when no task has a three-point estimate.

    ``simulations``, ``seed`` and ``distribution`` ("Triangular" or "PERT", any case) default to the
    Project fields. ``schedule`` is the plan's deterministic schedule (``phases.check_plan(...).schedule``):
    its calendar, durations and the dates of tasks already started are used.
    """
    project = plan.project
    if not any(t.has_estimate for t in plan.tasks):
        return None
    n_sims = int(project.simulations if simulations is None else simulations)
    if n_sims < 1:
        raise ValueError(f"simulations must be at least 1, not {n_sims}")
    seed = int(project.seed if seed is None else seed)
    kind = str(project.distribution if distribution is None else distribution).strip().casefold()
    if kind not in DISTRIBUTION_NAMES:
        raise ValueError(f"unknown distribution {distribution!r} (Triangular or PERT)")
    level = float(project.confidence if project.confidence is not None else 80.0)
    if not 0.0 < level <= 100.0:
        raise ValueError(f"the confidence level is a percentage, not {level:g}")
    cal = schedule.calendar or Calendar.from_plan(plan)
    net = _Network(plan, schedule, cal)
    runs = _run(net, n_sims, seed, kind)
    tasks = plan.tasks
    whole = _Histogram()
    whole.add(_days(runs.finish))
    finish = _quantiles([whole], level, [project.finish], cal, net.p0)[0]
    milestones = _quantiles(runs.milestones, level, [None] * len(net.milestones), cal, net.p0)
    deliverables = _quantiles(runs.deliverables, level, [d.due for d in net.deliverables], cal, net.p0)
    return Confidence(
        simulations=n_sims, seed=seed, distribution=kind, level=level, finish=finish,
        milestones={tasks[i].id: q for i, q in zip(net.milestones, milestones)},
        deliverables={d.id: q for d, q in zip(net.deliverables, deliverables)},
        criticality={t.id: float(runs.critical[i]) / n_sims for i, t in enumerate(tasks)},
        drivers=_drivers(net, runs, tasks), finish_offsets=np.sort(runs.finish),
        start=cal.day(net.p0), calendar=cal,
    )


# -- the network, as the deterministic engine sees it ------------------------------------------------------

_S, _F, _X = 0, 1, 2  # the rows a link term reads: early (late) starts, early (late) finishes, late starts


class _Network:
    """The plan's tasks as the simulation sweeps them, built once for all chunks.

    Offsets count working days from the start of the project's first working day (``p0``). A task's
    *start* S is the offset of its first day, its *width* w its duration (1 for a zero-duration task,
    which is reached at the end of its day) and its *finish* F = S + w, so the day a finish is reached
    is ceil(F - 1). With whole widths these are the indexes of ``schedule.py`` (F = last day + 1), and
    each of its link inequalities ``start(s) >= start(p) + c`` becomes one of these, with b = buffer(p):

    - FS: S(s) >= F(p) + b + lag (- 1 into a zero-duration task: it falls on the predecessor's finish day)
    - SS: S(s) >= S(p) + lag
    - FF: F(s) >= F(p) + b + lag
    - SF: F(s) >= S(p) + lag

    The project finish is the latest F + buffer. The backward pass mirrors each inequality for late
    starts and finishes.
    """

    def __init__(self, plan: Plan, schedule: Schedule, cal: Calendar):
        tasks = plan.tasks
        n = self.n = len(tasks)
        pos = {t.id: i for i, t in enumerate(tasks)}
        self.p0 = p0 = cal.index(plan.project.start or _fallback_start(plan, schedule))
        dates = [schedule.tasks[t.id] for t in tasks]
        span = [max(d.duration - 1, 0) for d in dates]
        self.width = [float(s + 1) for s in span]  # of tasks that draw nothing
        self.buf = [int(d.buffer) for d in dates]
        self.zero = [bool(d.milestone) for d in dates]
        self.fixed = [bool(d.fixed) for d in dates]
        self.lb = [float(_lower_bound(t, cal, p0, span[i])) for i, t in enumerate(tasks)]
        self.held: dict[int, float] = {}  # started or done: the start is held on the scheduled early start
        draw, o, ml, p, q, dur = [], [], [], [], [], []
        for i, t in enumerate(tasks):
            done, started = _progress(t)
            if done or started:
                self.held[i] = float(cal.index(dates[i].early_start) - p0)
            if not t.has_estimate or done:
                continue
            lo, hi = float(t.optimistic), float(t.pessimistic)
            mode = float(t.most_likely if t.most_likely is not None else dates[i].duration)
            mode = min(max(mode, lo), hi)
            if hi <= 0.0:  # always zero: a zero-duration task, nothing to draw
                self.width[i], self.zero[i] = 1.0, True
                continue
            self.zero[i] = False
            draw.append(i)
            o.append(lo), ml.append(mode), p.append(hi), dur.append(float(dates[i].duration))
            q.append(min(max(float(t.progress or 0.0), 0.0), 100.0) / 100.0 if started else 0.0)
        self.draw = draw
        # rows of the third working array: drawn tasks first (their drawn durations, later their late
        # starts), in draw order, then the others (late starts only)
        self.xrow = [0] * n
        for k, i in enumerate(draw):
            self.xrow[i] = k
        rest = len(draw)
        drawn = set(draw)
        for i in range(n):
            if i not in drawn:
                self.xrow[i], rest = rest, rest + 1
        self.drawn = [i in drawn for i in range(n)]
        col = lambda v, dtype=np.float64: np.array(v, dtype=dtype).reshape(-1, 1)
        self.o, self.ml, self.p, self.q, self.dur = col(o), col(ml), col(p), col(q), col(dur)
        # the widths a drawn task can have: its range, widened for float32 rounding of the draws
        self.ranges = [(d + (1 - f) * (lo - d) - 1e-6 * (1 + lo), d + (1 - f) * (hi - d) + 1e-6 * (1 + hi))
                       for lo, hi, f, d in zip(o, p, q, dur)]
        self.started_rows = np.flatnonzero(self.q[:, 0] > 0.0)  # drawn rows of tasks in progress

        preds: list[list[tuple[int, str, int]]] = [[] for _ in range(n)]
        succs: list[list[tuple[int, str, int]]] = [[] for _ in range(n)]
        for s, t in enumerate(tasks):
            for link in t.depends:
                pred = pos[link.predecessor]
                kind = (link.type or "FS").upper()
                preds[s].append((pred, kind, int(link.lag or 0)))
                succs[pred].append((s, kind, int(link.lag or 0)))
        self.order = _topological(n, preds, succs)
        self.forward = self._forward_program(preds)
        self.backward = self._backward_program(succs)

        self.milestones = [i for i in range(n) if self.zero[i]]
        members: dict[str, list[int]] = {}
        for i, t in enumerate(tasks):
            if t.deliverable:
                members.setdefault(t.deliverable, []).append(i)
        self.deliverables = [d for d in plan.deliverables if members.get(d.id)]
        # the latest finish of a set of tasks: only those that can be the latest in some simulation
        self.project = self._latest(list(range(n)), [float(b) for b in self.buf])
        self.members = [self._latest(members[d.id]) for d in self.deliverables]
        self.milestone_rows = [self._latest([i]) for i in self.milestones]

    def _widths(self, i: int) -> tuple[float, float]:
        """The least and the greatest width a task can have in a simulation."""
        if not self.drawn[i]:
            return self.width[i], self.width[i]
        return self.ranges[self.xrow[i]]

    def _forward_program(self, preds) -> list[tuple]:
        """Per task in topological order, what the forward pass does with it.

        ``(task, constant start or None, start terms, start floor, finish terms, finish floor, width or
        None when drawn)``; a term is ``(rows, task, c)``: the bound is that task's row + c. Bounds on the
        start and finish of every task in any simulation (interval arithmetic over the durations' ranges)
        fold what is the same in every simulation (tasks held or done, and what follows only from them)
        into a floor, and leave out a floor that a term always exceeds.
        """
        n = self.n
        low = ([0.0] * n, [0.0] * n)  # [_S], [_F]: a start / finish is at least this in any simulation
        high = ([0.0] * n, [0.0] * n)
        const: list[float | None] = [None] * n  # the start, when it is the same in every simulation
        self.low_finish, self.high_finish = low[_F], high[_F]
        program = []
        for s in self.order:
            drawn = self.drawn[s]
            width = None if drawn else self.width[s]
            least, most = self._widths(s)
            on_start, on_finish = [], []
            for p, kind, lag in preds[s]:
                if kind == "FS":
                    on_start.append((_F, p, float(self.buf[p] + lag - (1 if self.zero[s] else 0))))
                elif kind == "SS":
                    on_start.append((_S, p, float(lag)))
                elif kind == "FF":
                    on_finish.append((_F, p, float(self.buf[p] + lag)))
                else:  # SF
                    on_finish.append((_S, p, float(lag)))
            if not drawn:  # a bound on the finish is a bound on the start less the width
                on_start += [(rows, p, c - width) for rows, p, c in on_finish]
                on_finish = []
            if s in self.held:
                lo = hi = self.held[s]
                program.append((s, lo, (), None, (), None, width))
            else:
                lb = self.lb[s]
                start_floor, finish_floor = lb, None
                var_start, var_finish, lows, highs = [], [], [], []
                for rows, p, c in on_start:
                    value = self._constant(rows, p, const)
                    if value is not None:
                        start_floor = max(start_floor, value + c)
                    else:
                        var_start.append((rows, p, c))
                        lows.append(low[rows][p] + c)
                        highs.append(high[rows][p] + c)
                finish_lows, finish_highs = [], []
                for rows, p, c in on_finish:
                    value = self._constant(rows, p, const)
                    if value is not None:
                        finish_floor = value + c if finish_floor is None else max(finish_floor, value + c)
                    else:
                        var_finish.append((rows, p, c))
                        finish_lows.append(low[rows][p] + c)
                        finish_highs.append(high[rows][p] + c)
                if finish_floor is not None:
                    finish_lows.append(finish_floor)
                    finish_highs.append(finish_floor)
                lo = max([start_floor, *lows, *(v - most for v in finish_lows)])
                hi = max([start_floor, *highs, *(v - least for v in finish_highs)])
                if not var_start and not var_finish and finish_floor is None:
                    const[s] = start_floor
                    program.append((s, start_floor, (), None, (), None, width))
                else:
                    if finish_floor is not None and var_finish and max(finish_lows[:-1]) >= finish_floor + _MARGIN:
                        finish_floor = None  # a variable finish term always exceeds it
                    if max([*lows, *(v - most for v in finish_lows)], default=-math.inf) >= start_floor + _MARGIN:
                        start_floor = None
                    program.append((s, None, tuple(var_start), start_floor, tuple(var_finish), finish_floor,
                                    width))
            if s in self.held:
                const[s] = lo
            low[_S][s], high[_S][s] = lo, hi
            low[_F][s], high[_F][s] = lo + least, hi + most
        self.const_start = const
        return program

    def _latest(self, tasks: list[int], add: list[float] | None = None) -> tuple:
        """``(rows without an addend, [(row, addend)], constant or None)`` whose maximum is the latest
        finish (+ addend) of ``tasks``: the tasks whose finish can be the latest in some simulation."""
        plus = add or [0.0] * self.n
        floor = max(self.low_finish[i] + plus[i] for i in tasks)
        plain, added, const = [], [], None
        for i in tasks:
            if self.high_finish[i] + plus[i] < floor - _MARGIN:
                continue
            value = self._constant(_F, i, self.const_start)
            if value is not None:
                const = value + plus[i] if const is None else max(const, value + plus[i])
            elif plus[i]:
                added.append((i, plus[i]))
            else:
                plain.append(i)
        return (_rows(plain) if plain else None), added, const

    def _constant(self, rows: int, p: int, const) -> float | None:
        """The value of a start (_S) or finish (_F) row that is the same in every simulation, else None."""
        value = const[p]
        if value is None or (rows == _F and self.drawn[p]):
            return None
        return value if rows == _S else value + self.width[p]

    def _backward_program(self, succs) -> list[tuple]:
        """Per task in reverse topological order: (task, buffer, late-start terms, late-finish terms,
        width or None when drawn, fixed start or None, constant early start or None, whether its late
        finish is read), terms as (rows, row, c): the bound is that row - c."""
        read = [False] * self.n  # a predecessor's late dates read this task's late finish (FF, SF)
        for ss in succs:
            for s, kind, _ in ss:
                if kind in ("FF", "SF"):
                    read[s] = True
        program = []
        for p in reversed(self.order):
            drawn = self.drawn[p]
            width = None if drawn else self.width[p]
            on_start, on_finish = [], []
            b = self.buf[p]
            for s, kind, lag in succs[p]:
                if kind == "FS":
                    on_finish.append((_X, self.xrow[s], float(b + lag - (1 if self.zero[s] else 0))))
                elif kind == "SS":
                    on_start.append((_X, self.xrow[s], float(lag)))
                elif kind == "FF":
                    on_finish.append((_F, s, float(b + lag)))
                else:  # SF
                    on_start.append((_F, s, float(lag)))
            if not drawn:
                on_start += [(rows, s, c + width) for rows, s, c in on_finish]
                on_finish = []
            program.append((p, float(b), tuple(on_start), tuple(on_finish), width,
                            self.lb[p] if self.fixed[p] else None, self.const_start[p], read[p]))
        return program


def _rows(indexes: list[int]):
    """A slice when the rows are consecutive (no copy when reading them), else an index array."""
    if indexes == list(range(indexes[0], indexes[0] + len(indexes))):
        return slice(indexes[0], indexes[0] + len(indexes))
    return np.array(indexes, dtype=np.intp)


def _progress(t: Task) -> tuple[bool, bool]:
    """(done, started): done is Status Done or Progress 100; started is In progress or Progress above 0."""
    status = (t.status or "").casefold()
    progress = float(t.progress or 0.0)
    done = status == "done" or progress >= 100.0
    return done, not done and (status == "in progress" or progress > 0.0)


def _fallback_start(plan: Plan, schedule: Schedule) -> date:
    """No Project Start: the earliest date written on a task, else the status date (as ``schedule.py``)."""
    written = [d for t in plan.tasks for d in (t.start, t.finish) if d is not None]
    return min(written) if written else schedule.status_date


def _lower_bound(t: Task, cal: Calendar, p0: int, span: int) -> int:
    """The start-no-earlier-than offset of a task from its written dates, as ``schedule.py`` places it."""
    if t.milestone:
        if t.start is not None:
            return cal.index(t.start) - p0
        if t.finish is not None:
            return cal.index_before(t.finish) - p0
        return 0
    if t.start is not None:
        return cal.index(t.start) - p0
    if t.finish is not None:
        return cal.index_before(t.finish) - span - p0
    return 0


def _topological(n: int, preds, succs) -> list[int]:
    indeg = [len(p) for p in preds]
    order = [i for i in range(n) if indeg[i] == 0]
    k = 0
    while k < len(order):
        for s, _, _ in succs[order[k]]:
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
        k += 1
    if len(order) < n:
        raise ValueError("the task links have a cycle (the validator reports it as E165)")
    return order


# -- the simulation ----------------------------------------------------------------------------------------


@dataclass
class _Runs:
    finish: np.ndarray  # (sims,) the project's finish F (with buffers)
    milestones: list[_Histogram]  # the day each milestone is reached
    deliverables: list[_Histogram]  # the day each deliverable's last task finishes (no buffers)
    critical: np.ndarray  # (tasks,) simulations in which the task was critical
    durations: np.ndarray | None  # (drawn tasks, sims) float32, for the drivers; None: drawn again later
    kept: dict[int, int] | None = None  # drawn row -> row of ``durations`` when only candidates are kept
    sample: int = 0  # the drivers are ranked over the first ``sample`` simulations


class _Histogram:
    """How many simulations reach an item on each day (offsets from p0): a few counts per item, whatever
    the number of simulations; it grows to cover the days added."""

    __slots__ = ("first", "counts")

    def __init__(self):
        self.first, self.counts = 0, np.zeros(0, dtype=np.int64)

    def add(self, days: np.ndarray) -> None:
        lo, hi = int(days.min()), int(days.max())
        last = self.first + self.counts.size - 1
        if not self.counts.size or lo < self.first or hi > last:
            first, last = (lo, hi) if not self.counts.size else (min(lo, self.first), max(hi, last))
            counts = np.zeros(last - first + 1, dtype=np.int64)
            counts[self.first - first:self.first - first + self.counts.size] = self.counts
            self.first, self.counts = first, counts
        self.counts += np.bincount(days - self.first, minlength=self.counts.size)

    def quantile(self, q: float) -> int:
        """The earliest day by which at least q % of the simulations are done (inverted CDF)."""
        seen = np.cumsum(self.counts)
        return self.first + int(np.argmax(seen * 100.0 >= q * seen[-1]))

    def share_by(self, day: int) -> float:
        """The share of simulations done on or before ``day``."""
        done = int(self.counts[:max(0, min(day - self.first + 1, self.counts.size))].sum())
        return done / int(self.counts.sum())


def chunk_sizes(n: int, sims: int) -> list[int]:
    """Simulations per chunk for ``n`` tasks: whole blocks of SIM_BLOCK, so that three float64 arrays of
    tasks x simulations stay within about WORK_BYTES. The draws do not depend on the chunks (each block
    of simulations has its own stream)."""
    blocks = math.ceil(sims / SIM_BLOCK)
    most = max(1, WORK_BYTES // ((24 * max(n, 1) + 64) * SIM_BLOCK))  # blocks per chunk
    k = math.ceil(blocks / most)
    per = math.ceil(blocks / k)
    sizes = [per * SIM_BLOCK] * (blocks // per) + ([(blocks % per) * SIM_BLOCK] if blocks % per else [])
    sizes[-1] -= blocks * SIM_BLOCK - sims
    return sizes


def _run(net: _Network, sims: int, seed: int, kind: str) -> _Runs:
    keep = len(net.draw) * sims * 4 <= STORE_BYTES
    runs = _Runs(np.empty(sims), [_Histogram() for _ in net.milestones], [_Histogram() for _ in net.deliverables],
                 np.zeros(net.n, dtype=np.int64), np.empty((len(net.draw), sims), dtype=np.float32) if keep else None,
                 sample=sims)
    source = np.random.PCG64(seed)
    widths = chunk_sizes(net.n, sims)
    arrays = [np.empty((net.n, widths[0])) for _ in range(3)]  # reused by every chunk
    at = 0
    for width in widths:
        _chunk(net, source, kind, [a[:, :width] for a in arrays], runs, slice(at, at + width))
        at += width
    if not keep:  # too many to keep: draw the same durations again, keeping the drivers' candidates only,
        rows = _candidates(net, runs)  # for as many of the first simulations as STORE_BYTES holds
        runs.sample = sample = min(sims, max(SIM_BLOCK, STORE_BYTES // (4 * max(len(rows), 1))))
        kept = np.empty((len(rows), sample), dtype=np.float32)
        at = 0
        for width in widths:
            if at >= sample:
                break
            third = arrays[2][:len(net.draw), :width]
            _draw(net, source, kind, third, at)
            use = min(width, sample - at)
            kept[:, at:at + use] = third[rows, :use]
            at += width
        runs.durations, runs.kept = kept, {k: j for j, k in enumerate(rows)}
    return runs


def _chunk(net: _Network, source: np.random.PCG64, kind: str, arrays: list, runs: _Runs, cols: slice) -> None:
    """One chunk of simulations. ``arrays``: three tasks x simulations arrays: early starts (after the
    backward pass, total floats), early finishes (then late finishes), drawn durations in the drawn
    tasks' rows (then late starts)."""
    n = net.n
    early, finish, third = arrays
    width = early.shape[1]
    if net.draw:
        _draw(net, source, kind, third[:len(net.draw)], cols.start)
        if runs.durations is not None:
            runs.durations[:, cols] = third[:len(net.draw)]
    rows = (list(early), list(finish), list(third))
    widths = [rows[_X][net.xrow[i]] if net.drawn[i] else None for i in range(n)]
    tmp, tmp2, tmp3 = np.empty(width), np.empty(width), np.empty(width)
    _forward(net, rows, widths, tmp, tmp2)

    project = _latest(finish, net.project, width, tmp)
    runs.finish[cols] = project
    for histogram, latest in zip(runs.milestones, net.milestone_rows):
        histogram.add(_days(_latest(finish, latest, width, tmp)))
    for histogram, latest in zip(runs.deliverables, net.members):
        histogram.add(_days(_latest(finish, latest, width, tmp)))

    _backward(net, rows, widths, project, tmp, tmp2, tmp3)
    critical = np.less_equal(early, EPSILON, out=np.empty(early.shape, dtype=bool))
    runs.critical += critical.view(np.uint8).sum(axis=1, dtype=np.int64)


def _latest(finish: np.ndarray, latest: tuple, width: int, tmp: np.ndarray) -> np.ndarray:
    """The latest finish of a set of tasks (``_Network._latest``), per simulation: a new array."""
    plain, added, const = latest
    if plain is None:
        out = np.full(width, -math.inf if const is None else const)
    elif isinstance(plain, slice) and plain.stop - plain.start == 1:
        out = finish[plain.start].copy()
    else:
        out = finish[plain].max(axis=0)
    for i, plus in added:
        np.add(finish[i], plus, out=tmp)
        np.maximum(out, tmp, out=out)
    if const is not None and plain is not None:
        np.maximum(out, const, out=out)
    return out


def _draw(net: _Network, source: np.random.PCG64, kind: str, out: np.ndarray, first: int) -> None:
    """Durations of the drawn tasks (rows) for the simulations ``first`` on (columns) into ``out``.

    Simulations come in blocks of SIM_BLOCK; block b draws from ``PCG64(seed)`` jumped b times, its
    tasks' rows one after another. Triangular: the inverse of its distribution function, without
    branches, on float32 uniforms; PERT: numpy's Beta. Tasks in progress: only the remaining share of
    the duration varies.
    """
    o, ml, p = net.o, net.ml, net.p
    spread = p - o
    if kind == "pert":
        flat = spread <= 0.0
        safe = np.where(flat, 1.0, spread)
        alpha = np.where(flat, 1.0, 1.0 + 4.0 * (ml - o) / safe)
        beta = np.where(flat, 1.0, 1.0 + 4.0 * (p - ml) / safe)
    else:
        f32 = np.float32
        split = np.divide(ml - o, spread, out=np.full_like(spread, 0.5), where=spread > 0.0).astype(f32)
        a, b = ((ml - o) * spread).astype(f32), ((p - ml) * spread).astype(f32)
        o32, p32 = o.astype(f32), p.astype(f32)
        rows = max(1, _BLOCK // SIM_BLOCK)
        u_, x_, y_, m_ = (np.empty(rows * SIM_BLOCK, dtype=f32) for _ in range(4))
    for at in range(0, out.shape[1], SIM_BLOCK):
        width = min(SIM_BLOCK, out.shape[1] - at)
        rng = np.random.Generator(source.jumped((first + at) // SIM_BLOCK))
        if kind == "pert":
            dest = out[:, at:at + width]
            dest[...] = rng.beta(alpha, beta, size=(out.shape[0], width))
            np.multiply(dest, spread, out=dest)
            np.add(dest, o, out=dest)
        else:
            for r in range(0, out.shape[0], rows):
                k = min(rows, out.shape[0] - r)
                u, x, y, m = (v[:k * width].reshape(k, width) for v in (u_, x_, y_, m_))
                rng.random(out=u, dtype=f32)
                np.less(u, split[r:r + k], out=m)  # 1 on the rising side of the triangle, else 0
                np.multiply(u, a[r:r + k], out=x)
                np.sqrt(x, out=x)
                np.add(x, o32[r:r + k], out=x)  # o + sqrt(u (p - o)(ml - o))
                np.subtract(f32(1.0), u, out=y)
                np.multiply(y, b[r:r + k], out=y)
                np.sqrt(y, out=y)
                np.subtract(p32[r:r + k], y, out=y)  # p - sqrt((1 - u)(p - o)(p - ml))
                np.subtract(x, y, out=x)
                np.multiply(x, m, out=x)
                np.add(x, y, out=x)
                out[r:r + k, at:at + width] = x
    for j in net.started_rows:
        row, q, dur = out[j], float(net.q[j, 0]), float(net.dur[j, 0])
        np.subtract(row, dur, out=row)
        np.multiply(row, 1.0 - q, out=row)
        np.add(row, dur, out=row)


def _forward(net: _Network, rows, widths, tmp, tmp2) -> None:
    """Early starts and finishes, in topological order (rows of tasks whose start is the same in every
    simulation are left unwritten: their values are folded into the program)."""
    add, maximum, subtract, copyto = np.add, np.maximum, np.subtract, np.copyto
    S, F = rows[_S], rows[_F]
    for s, const, on_start, floor, on_finish, finish_floor, width in net.forward:
        w = widths[s] if width is None else width
        if const is not None:
            if width is None:  # held, drawn: the finish varies
                add(w, const, out=F[s])
            continue
        row = S[s]
        first = True
        for src, p, c in on_start:
            x = rows[src][p]
            if first:
                if c:
                    add(x, c, out=row)
                else:
                    copyto(row, x)
                first = False
            elif c:
                add(x, c, out=tmp)
                maximum(row, tmp, out=row)
            else:
                maximum(row, x, out=row)
        if on_finish or finish_floor is not None:  # drawn only: a bound on the finish, less the draw
            out = row if first else tmp2
            if on_finish:
                src, p, c = on_finish[0]
                add(rows[src][p], c, out=tmp2)
                for src, p, c in on_finish[1:]:
                    add(rows[src][p], c, out=tmp)
                    maximum(tmp2, tmp, out=tmp2)
                if finish_floor is not None:
                    maximum(tmp2, finish_floor, out=tmp2)
                subtract(tmp2, w, out=out)
            else:
                subtract(finish_floor, w, out=out)
            if first:
                first = False
            else:
                maximum(row, tmp2, out=row)
        if floor is not None:
            if first:
                row.fill(floor)
            else:
                maximum(row, floor, out=row)
        add(row, w, out=F[s])


def _backward(net: _Network, rows, widths, project, tmp, tmp2, tmp3) -> None:
    """Late starts and finishes in reverse topological order; each task's early-start row ends as its
    total float. A task is settled when its successors are: its early finish row becomes its late finish,
    its third row (its drawn durations, no longer needed) its late start."""
    add, minimum, subtract, copyto = np.add, np.minimum, np.subtract, np.copyto
    S, F, X = rows
    xrow = net.xrow
    for p, buf, on_start, on_finish, width, fixed, const, read in net.backward:
        late = X[xrow[p]]
        if width is None:  # drawn: bound the late finish, then the late start is the finish less the draw
            w = widths[p]
            acc = F[p] if read else tmp3
            base = project
            if buf:
                subtract(project, buf, out=acc)
                base = acc
            for src, s, c in on_finish:
                x = rows[src][s]
                if c:
                    subtract(x, c, out=tmp)
                    x = tmp
                minimum(base, x, out=acc)
                base = acc
            if base is project:
                copyto(acc, project)
            if on_start:
                for j, (src, s, c) in enumerate(on_start):
                    x = rows[src][s]
                    if j == 0:
                        subtract(x, c, out=tmp2)
                    else:
                        subtract(x, c, out=tmp)
                        minimum(tmp2, tmp, out=tmp2)
                add(tmp2, w, out=tmp2)
                minimum(acc, tmp2, out=acc)
            subtract(acc, w, out=late)  # w is this row: the draw is read before it is overwritten
        else:
            subtract(project, buf + width, out=late)
            for src, s, c in on_start:
                x = rows[src][s]
                if c:
                    subtract(x, c, out=tmp)
                    x = tmp
                minimum(late, x, out=late)
            if fixed is not None:  # pushed past its written start: its written finish is a deadline
                if const is None:
                    minimum(late, fixed, out=late, where=S[p] > fixed + EPSILON)
                elif const > fixed + EPSILON:
                    minimum(late, fixed, out=late)
            if read:
                add(late, width, out=F[p])
        subtract(late, S[p] if const is None else const, out=S[p])  # total float


# -- figures -----------------------------------------------------------------------------------------------


def _days(finish: np.ndarray) -> np.ndarray:
    """The working day (offset from p0) a finish F is reached on: ceil(F - 1), within EPSILON."""
    return np.ceil(finish - 1.0 - EPSILON).astype(np.int64)


def _quantiles(histograms: list[_Histogram], level: float, dues: list, cal: Calendar, p0: int) -> list[Quantiles]:
    """P50, P80, P95 and the level of each item, with its probability by its due date (None: no due)."""
    out = []
    for histogram, due in zip(histograms, dues):
        dates = [cal.day(p0 + histogram.quantile(q)) for q in (*LEVELS, level)]
        probability = None if due is None else histogram.share_by(cal.index_before(due) - p0)
        out.append(Quantiles(*dates, probability=probability))
    return out


def _drivers(net: _Network, runs: _Runs, tasks) -> tuple[tuple[str, float], ...]:
    finish = _centred_ranks(runs.finish[:runs.sample])
    norm = float(np.dot(finish, finish))
    if norm <= 0.0:
        return ()
    found = []
    for k in _candidates(net, runs):
        i = net.draw[k]
        ranks = _centred_ranks(runs.durations[k if runs.kept is None else runs.kept[k]])
        spread = float(np.dot(ranks, ranks))
        if spread <= 0.0:
            continue
        rho = float(np.dot(ranks, finish)) / math.sqrt(spread * norm)
        found.append((-abs(rho), i, rho))
    found.sort()
    return tuple((tasks[i].id, rho) for _, i, rho in found[:DRIVERS])


def _candidates(net: _Network, runs: _Runs) -> list[int]:
    """Drawn rows that can drive the finish: a range to draw from, critical in at least one simulation."""
    return [k for k, i in enumerate(net.draw) if runs.critical[i] and net.p[k, 0] > net.o[k, 0]]


def _centred_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks (tied values share their average rank) less their mean."""
    n = values.size
    order = np.argsort(values)
    ordered = values[order]
    ranks = np.empty(n)
    new = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    if new.all():
        ranks[order] = np.arange(n, dtype=np.float64)
    else:
        firsts = np.flatnonzero(new)
        counts = np.diff(np.append(firsts, n))
        ranks[order] = np.repeat(firsts + (counts - 1) / 2.0, counts)
    ranks -= (n - 1) / 2.0
    return ranks


__all__ = ["DISTRIBUTION_NAMES", "DRIVERS", "EPSILON", "LEVELS", "Confidence", "Quantiles", "chunk_sizes",
           "simulate"]
