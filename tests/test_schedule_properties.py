"""Properties of the schedule on random acyclic plans and calendars (Hypothesis).

The plan generator lives here: random weeks, holidays and extra working days; tasks with durations,
milestones, written dates and buffers; links of every type with lags of either sign to earlier tasks
(so the plan is acyclic), in any order of the rows.
"""
from __future__ import annotations

import contextlib
import signal
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from implan_docs.model import CalendarDay, Link, Plan, Project, Task
from implan_docs.schedule import MAX_CHAINS, ScheduleError, schedule_plan
from implan_docs.workdays import Calendar

MON = date(2027, 3, 1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plans(draw, written: bool = True, fixed: bool = True, max_tasks: int = 12) -> Plan:
    week = draw(st.frozensets(st.integers(0, 6), min_size=1))
    start = MON + timedelta(days=draw(st.integers(0, 6)))
    near = st.integers(-5, 90).map(lambda k: start + timedelta(days=k))
    holidays = draw(st.sets(near, max_size=10))
    extra = draw(st.sets(near, max_size=3))
    n = draw(st.integers(1, max_tasks))
    kinds = ["duration", "duration", "duration", "milestone"] + (["start"] if written else []) + (
        ["fixed"] if fixed else [])
    tasks = []
    for i in range(n):
        kind = draw(st.sampled_from(kinds))
        preds = draw(st.lists(st.integers(0, i - 1), max_size=3, unique=True)) if i else []
        depends = tuple(Link(f"T{p}", draw(st.sampled_from(["FS", "SS", "FF", "SF"])), draw(st.integers(-3, 3)))
                        for p in preds)
        kw: dict = dict(depends=depends, buffer=draw(st.sampled_from([0, 0, 0, 1, 3])), row=i + 2)
        if kind == "milestone":
            kw["milestone"] = True
        elif kind == "fixed":
            s = start + timedelta(days=draw(st.integers(0, 40)))
            kw.update(start=s, finish=s + timedelta(days=draw(st.integers(0, 10))))
        else:
            kw["duration"] = draw(st.integers(0, 6))
            if kind == "start":
                kw["start"] = start + timedelta(days=draw(st.integers(0, 40)))
        tasks.append(Task(f"T{i}", f"task {i}", "Ann", **kw))
    order = draw(st.permutations(range(n)))  # rows in any order: predecessors may come later
    project = Project("P", "why", "Ann", "1", start, working_days="Mon,Tue,Wed,Thu,Fri,Sat,Sun")
    plan = Plan("plan.xlsx", project, tasks=tuple(tasks[k] for k in order),
                holidays=tuple(CalendarDay(d) for d in sorted(holidays)),
                extra_working_days=tuple(CalendarDay(d) for d in sorted(extra)))
    cal = Calendar(week, holidays, extra)
    return plan, cal


def run(plan_and_cal):
    plan, cal = plan_and_cal
    return plan, cal, schedule_plan(plan, MON + timedelta(days=20), calendar=cal)


def _end(t):
    return t.buffer_end or t.early_finish


@SETTINGS
@given(plans())
def test_every_link_is_respected(pc):
    plan, cal, s = run(pc)
    for task in plan.tasks:
        me = s.tasks[task.id]
        for link in task.depends:
            p = s.tasks[link.predecessor]
            if link.type == "FS":
                assert me.early_start >= cal.add(_end(p), link.lag + (0 if me.milestone else 1))
            elif link.type == "SS":
                assert me.early_start >= cal.add(p.early_start, link.lag)
            elif link.type == "FF":
                assert me.early_finish >= cal.add(_end(p), link.lag)
            else:
                assert me.early_finish >= cal.add(p.early_start, link.lag - 1)


@SETTINGS
@given(plans())
def test_dates_are_working_days_and_durations_hold(pc):
    plan, cal, s = run(pc)
    first = cal.next_working(plan.project.start)
    for task in plan.tasks:
        t = s.tasks[task.id]
        for d in (t.early_start, t.early_finish, t.late_start, t.late_finish, t.buffer_end or t.early_finish):
            assert cal.is_working(d)
        if t.milestone:
            assert t.early_start == t.early_finish and t.duration == 0
        else:
            assert cal.count(t.early_start, t.early_finish) == t.duration
        if t.buffer:
            assert cal.count(t.early_finish, t.buffer_end) == t.buffer + 1
        assert cal.distance(t.early_start, t.late_start) == t.total_float
        assert cal.distance(t.early_finish, t.late_finish) == t.total_float
        assert t.critical == (t.total_float <= 0)
        if task.start is None and task.finish is None:
            assert t.early_start >= first
        assert _end(t) <= s.finish


@SETTINGS
@given(plans(fixed=False))
def test_float_is_never_negative_without_fixed_dates(pc):
    plan, cal, s = run(pc)
    assert all(t.total_float >= 0 for t in s.tasks.values())
    assert not any(f.code == "S101" for f in s.findings)


@SETTINGS
@given(plans())
def test_critical_path_is_a_connected_chain_from_a_start_to_the_finish(pc):
    plan, cal, s = run(pc)
    assert 1 <= len(s.critical_path) <= MAX_CHAINS
    preds = {t.id: {link.predecessor for link in t.depends} for t in plan.tasks}
    for chain in s.critical_path:
        assert len(set(chain)) == len(chain)
        assert all(s.tasks[i].critical for i in chain)
        for a, b in zip(chain, chain[1:]):
            assert a in preds[b] and a in s.tasks[b].driving
        assert not [p for p in s.tasks[chain[0]].driving if s.tasks[p].critical]
        assert _end(s.tasks[chain[-1]]) == s.finish


@SETTINGS
@given(plans(written=False, fixed=False), st.integers(-5, 90))
def test_adding_a_holiday_never_makes_a_date_earlier(pc, offset):
    """For tasks placed by links and the project Start. (A date the user wrote is where they put it: a
    written Finish on a new holiday moves back a day, and a task finishing on it starts earlier.)"""
    plan, cal, before = run(pc)
    day = plan.project.start + timedelta(days=offset)
    cal2 = Calendar(cal.week, cal.holidays | {day}, cal.extra)
    after = schedule_plan(plan, MON + timedelta(days=20), calendar=cal2)
    for tid, old in before.tasks.items():
        new = after.tasks[tid]
        assert new.early_start >= old.early_start and new.early_finish >= old.early_finish
        assert new.late_start >= old.late_start and new.late_finish >= old.late_finish
        assert _end(new) >= _end(old)
    assert after.finish >= before.finish


@contextlib.contextmanager
def time_limit(seconds: int):
    def fail(*_):
        raise TimeoutError("the scheduler did not stop")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@SETTINGS
@given(plans(), st.data())
def test_cyclic_input_stops_with_an_error(pc, data):
    plan, cal = pc
    ids = [t.id for t in plan.tasks]
    a = data.draw(st.sampled_from(ids))
    b = data.draw(st.sampled_from(ids))
    tasks = []
    for t in plan.tasks:  # a depends on b and b on a (or a on itself): a cycle
        extra = (Link(b),) if t.id == a else (Link(a, "SS", -1),) if t.id == b else ()
        tasks.append(Task(**{**t.__dict__, "depends": t.depends + extra}))
    cyclic = Plan(plan.file, plan.project, tasks=tuple(tasks))
    with time_limit(10), pytest.raises(ScheduleError) as err:
        schedule_plan(cyclic, MON, calendar=cal)
    assert err.value.finding.code in ("E164", "E165")
    assert err.value.location.header == "Depends on"


@SETTINGS
@given(plans())
def test_same_plan_same_schedule(pc):
    plan, cal = pc
    one = schedule_plan(plan, MON, calendar=cal)
    two = schedule_plan(plan, MON, calendar=Calendar(cal.week, cal.holidays, cal.extra))
    assert one == two
