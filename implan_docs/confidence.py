"""Schedule confidence: a Monte Carlo simulation of the schedule from three-point estimates.

The rules are in ``/work/shared/plan-workbook.md`` ("Schedule confidence") and ``docs/scheduling.md``;
:func:`simulate` returns :class:`Confidence` (P50/P80/P95 and the Project ``Confidence`` level for the
project finish, every milestone and every deliverable, the share of simulations in which each task is
critical, and the tasks whose durations drive the finish).

**The model.** Each simulation draws the duration of every task with an estimate
(:attr:`Task.has_estimate <implan_docs.model.Task.has_estimate>`) from Triangular(O, ML, P) or PERT
(Beta with lambda 4: alpha = 1 + 4 (ML - O) / (P - O), beta = 1 + 4 (P - ML) / (P - O)) as a real number
of working days, ``Most likely`` blank meaning the Duration. Every other task keeps its duration. The
network is then scheduled with the deterministic engine's rules (``schedule.py``): the same links and
lags, buffers, start-no-earlier-than dates, fixed tasks (a fixed task pushed by its predecessors moves
and keeps its written finish as a deadline) and milestones. Time is continuous and counted in working
days from the start of the project's first working day; a start or finish that falls inside a working
day is on that day (10.3 working days from the start of day 1 finish on day 11), so with whole
durations everything is exactly the deterministic schedule. A successor of an FS link starts the moment
its predecessor finishes (mid-day when the finish is mid-day), so a chain takes the sum of its
durations. The working-day calendar only maps offsets to dates at the end.

**Progress.** A Done task (Status Done or Progress 100) keeps its scheduled dates in every simulation
and draws nothing. A task in progress (Status In progress or Progress above 0) has started: its start
is held on its scheduled early start (its predecessors' draws do not move it), and only its remaining
share is uncertain: duration = Duration + (1 - Progress) x (draw - Duration). Tasks not started are
scheduled from their links, as in the deterministic schedule (neither re-forecasts from the status date).

**Figures.** P50, P80, P95 and the level are ``numpy.percentile(..., method="inverted_cdf")`` of the
days reached, so P80 is the earliest working day by which at least 80 % of the simulations have
finished. A probability is the share of simulations finishing on or before the target (the Project
Finish, a deliverable's Due). Criticality: the share of simulations in which the task's total float
(late start - early start, from a backward pass in the same simulation) is at most ``EPSILON`` (negative
float, a missed fixed date, counts as critical, as in the deterministic schedule). Drivers: the Spearman
rank correlation (average ranks for ties) of a task's drawn duration with the project finish, for tasks
critical in at least one simulation (a task that always has float cannot move the finish); the
``DRIVERS`` strongest by absolute value, ties in plan order.

**Speed and memory.** One pass over the network in topological order per chunk of simulations, each
task's simulations one float64 row: a forward pass (early dates) and a backward pass (late dates, float),
all plain numpy maxima, minima and additions. Chunks are sized so the working arrays stay near
``WORK_BYTES``; the drawn durations are kept as float32 for the drivers. Same plan, simulations and
seed: the same chunks, the same draws from ``numpy.random.Generator(PCG64(seed))``, the same figures.
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
WORK_BYTES = 256 * 2**20  # the chunk's working arrays (early/late dates, drawn durations, temporaries)
LEVELS = (50.0, 80.0, 95.0)
DISTRIBUTION_NAMES = ("triangular", "pert")  # as in the JSON contract
_BLOCK = 1 << 16  # elements per block when transforming uniform draws (stays in cache)


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
    cal = schedule.calendar or Calendar.from_plan(plan)
    net = _Network(plan, schedule, cal)
    runs = _run(net, n_sims, np.random.Generator(np.random.PCG64(seed)), kind)
    level = float(project.confidence)
    tasks = plan.tasks
    finish = _quantiles(runs.finish[None, :], level, [project.finish], cal, net.p0)[0]
    milestones = _quantiles(runs.milestone_finish, level, [None] * len(net.milestones), cal, net.p0)
    deliverables = _quantiles(runs.deliverable_finish, level, [d.due for d in net.deliverables], cal, net.p0)
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
        self.in_progress = bool(np.any(self.q > 0.0))

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
        self.members = [_rows(members[d.id]) for d in self.deliverables]
        self.buffered = [i for i in range(n) if self.buf[i]]

    def _widths(self, i: int) -> tuple[float, float]:
        """The least and the greatest width a task can have in a simulation."""
        if not self.drawn[i]:
            return self.width[i], self.width[i]
        k = self.xrow[i]
        q, dur = float(self.q[k, 0]), float(self.dur[k, 0])
        return dur + (1 - q) * (float(self.o[k, 0]) - dur), dur + (1 - q) * (float(self.p[k, 0]) - dur)

    def _forward_program(self, preds) -> list[tuple]:
        """Per task in topological order: (task, held start, start bound or None when the links always
        exceed it, start terms, finish terms, width or None when drawn), terms as (rows, task, c)."""
        low_s, low_f = [0.0] * self.n, [0.0] * self.n  # what a start / finish is at least, in any simulation
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
            if not drawn:  # a finish bound is a start bound less the width
                on_start += [(rows, p, c - width) for rows, p, c in on_finish]
                on_finish = []
            lows = [(low_f if rows == _F else low_s)[p] + c for rows, p, c in on_start]
            lows += [(low_f if rows == _F else low_s)[p] + c - most for rows, p, c in on_finish]
            lb = self.lb[s]
            if s in self.held:
                low_s[s] = self.held[s]
            else:
                low_s[s] = max([lb, *lows])
            low_f[s] = low_s[s] + least
            needs_lb = not lows or max(lows) < lb + 1e-3  # a margin for rounding in float32 draws
            program.append((s, self.held.get(s), lb if needs_lb else None, tuple(on_start), tuple(on_finish),
                            width))
        return program

    def _backward_program(self, succs) -> list[tuple]:
        """Per task in reverse topological order: (task, buffer, late-start terms, late-finish terms,
        width or None when drawn, fixed start or None), terms as (rows, task, c): bound = row - c."""
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
                            self.lb[p] if self.fixed[p] else None))
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
    milestone_finish: np.ndarray  # (milestones, sims)
    deliverable_finish: np.ndarray  # (deliverables, sims): the latest F of its tasks (no buffers)
    critical: np.ndarray  # (tasks,) simulations in which the task was critical
    durations: np.ndarray  # (drawn tasks, sims) float32, for the drivers


def _chunks(n: int, sims: int) -> list[int]:
    """Simulations per chunk: three float64 arrays of tasks x simulations within WORK_BYTES."""
    most = max(64, WORK_BYTES // (24 * max(n, 1) + 64))
    k = max(1, math.ceil(sims / most))
    return [sims // k + (1 if j < sims % k else 0) for j in range(k)]


def _run(net: _Network, sims: int, rng: np.random.Generator, kind: str) -> _Runs:
    runs = _Runs(np.empty(sims), np.empty((len(net.milestones), sims)), np.empty((len(net.deliverables), sims)),
                 np.zeros(net.n, dtype=np.int64), np.empty((len(net.draw), sims), dtype=np.float32))
    at = 0
    for width in _chunks(net.n, sims):
        _chunk(net, rng, kind, width, runs, slice(at, at + width))
        at += width
    return runs


def _chunk(net: _Network, rng: np.random.Generator, kind: str, width: int, runs: _Runs, cols: slice) -> None:
    n = net.n
    early = np.empty((n, width))  # early starts; after the backward pass, total floats
    finish = np.empty((n, width))  # early finishes; then late finishes
    third = np.empty((n, width))  # drawn durations (drawn tasks' rows); then late starts
    if net.draw:
        _draw(net, rng, kind, third[:len(net.draw)], runs.durations, cols)
    rows = (list(early), list(finish), list(third))
    widths = [rows[_X][net.xrow[i]] if net.drawn[i] else None for i in range(n)]
    tmp, tmp2 = np.empty(width), np.empty(width)
    _forward(net, rows, widths, tmp, tmp2)

    project = finish.max(axis=0) if n else np.zeros(width)
    for i in net.buffered:
        np.add(finish[i], net.buf[i], out=tmp)
        np.maximum(project, tmp, out=project)
    runs.finish[cols] = project
    for k, i in enumerate(net.milestones):
        runs.milestone_finish[k, cols] = finish[i]
    for k, members in enumerate(net.members):
        runs.deliverable_finish[k, cols] = finish[members].max(axis=0)

    _backward(net, rows, widths, project, tmp, tmp2)
    runs.critical += np.count_nonzero(early <= EPSILON, axis=1)


def _draw(net: _Network, rng: np.random.Generator, kind: str, out: np.ndarray, keep: np.ndarray,
          cols: slice) -> None:
    """Durations of the drawn tasks into ``out`` (drawn tasks x simulations, float64) and, as float32,
    into ``keep[:, cols]``. Triangular by the inverse of its distribution function, without branches,
    on float32 uniforms; PERT by numpy's Beta."""
    o, ml, p = net.o, net.ml, net.p
    spread = p - o
    sims = out.shape[1]
    block = max(1, _BLOCK // max(sims, 1))
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
        u_, x_, y_, m_ = (np.empty(block * sims, dtype=f32) for _ in range(4))
    for r in range(0, out.shape[0], block):
        k = min(block, out.shape[0] - r)
        dest = out[r:r + k]
        if kind == "pert":
            dest[...] = rng.beta(alpha[r:r + k], beta[r:r + k], size=(k, sims))
            np.multiply(dest, spread[r:r + k], out=dest)
            np.add(dest, o[r:r + k], out=dest)
        else:
            u, x, y, m = (v[:k * sims].reshape(k, sims) for v in (u_, x_, y_, m_))
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
            np.copyto(dest, x)
        if net.in_progress:  # only the remaining share is uncertain
            q, dur = net.q[r:r + k], net.dur[r:r + k]
            np.subtract(dest, dur, out=dest)
            np.multiply(dest, 1.0 - q, out=dest)
            np.add(dest, dur, out=dest)
        keep[r:r + k, cols] = dest


def _forward(net: _Network, rows, widths, tmp, tmp2) -> None:
    """Early starts and finishes, in topological order."""
    add, maximum, subtract, copyto = np.add, np.maximum, np.subtract, np.copyto
    S, F = rows[_S], rows[_F]
    for s, held, lb, on_start, on_finish, width in net.forward:
        row = S[s]
        w = widths[s] if width is None else width
        if held is not None:
            row.fill(held)
            add(row, w, out=F[s])
            continue
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
        if on_finish:  # drawn tasks only: a bound on the finish, less this simulation's duration
            src, p, c = on_finish[0]
            add(rows[src][p], c, out=tmp2)
            for src, p, c in on_finish[1:]:
                add(rows[src][p], c, out=tmp)
                maximum(tmp2, tmp, out=tmp2)
            if first:
                subtract(tmp2, w, out=row)
                first = False
            else:
                subtract(tmp2, w, out=tmp2)
                maximum(row, tmp2, out=row)
        if first:
            row.fill(net.lb[s])
        elif lb is not None:
            maximum(row, lb, out=row)
        add(row, w, out=F[s])


def _backward(net: _Network, rows, widths, project, tmp, tmp2) -> None:
    """Late starts and finishes in reverse topological order; each task's early-start row ends as its
    total float. A task is settled when its successors are: its early finish row becomes its late finish,
    its third row (its drawn durations, no longer needed) its late start."""
    add, minimum, subtract, copyto = np.add, np.minimum, np.subtract, np.copyto
    S, F, X = rows
    xrow = net.xrow
    for p, buf, on_start, on_finish, width, fixed in net.backward:
        late = X[xrow[p]]
        if width is None:  # drawn: bound the late finish, then the late start is the finish less the draw
            w = widths[p]
            acc = F[p]
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
                minimum(late, fixed, out=late, where=S[p] > fixed + EPSILON)
            add(late, width, out=F[p])
        subtract(late, S[p], out=S[p])  # total float


# -- figures -----------------------------------------------------------------------------------------------


def _days(finish: np.ndarray) -> np.ndarray:
    """The working day (offset from p0) a finish F is reached on: ceil(F - 1), within EPSILON."""
    return np.ceil(finish - 1.0 - EPSILON).astype(np.int64)


def _quantiles(finish: np.ndarray, level: float, dues: list, cal: Calendar, p0: int) -> list[Quantiles]:
    """Quantiles of each row of ``finish`` (items x simulations), with the probability by its due date."""
    if finish.shape[0] == 0:
        return []
    days = _days(finish)
    marks = np.percentile(days, (*LEVELS, level), axis=1, method="inverted_cdf").astype(np.int64)
    out = []
    for k, due in enumerate(dues):
        dates = [cal.day(p0 + int(m)) for m in marks[:, k]]
        probability = None
        if due is not None:
            probability = float(np.count_nonzero(days[k] <= cal.index_before(due) - p0)) / days.shape[1]
        out.append(Quantiles(*dates, probability=probability))
    return out


def _drivers(net: _Network, runs: _Runs, tasks) -> tuple[tuple[str, float], ...]:
    finish = _centred_ranks(runs.finish)
    norm = float(np.dot(finish, finish))
    if norm <= 0.0:
        return ()
    found = []
    for k, i in enumerate(net.draw):
        if not runs.critical[i] or net.p[k, 0] <= net.o[k, 0]:
            continue
        ranks = _centred_ranks(runs.durations[k])
        spread = float(np.dot(ranks, ranks))
        if spread <= 0.0:
            continue
        rho = float(np.dot(ranks, finish)) / math.sqrt(spread * norm)
        found.append((-abs(rho), i, rho))
    found.sort()
    return tuple((tasks[i].id, rho) for _, i, rho in found[:DRIVERS])


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


__all__ = ["DISTRIBUTION_NAMES", "DRIVERS", "EPSILON", "LEVELS", "Confidence", "Quantiles", "simulate"]
