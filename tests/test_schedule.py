"""Hand-computed schedules: each link type and lag, milestones, buffers, calendars, float, roll-ups, status.

March 2027: Mon 1, Fri 5, Mon 8, Fri 12, Mon 15 ... (weekends off in the default Mon-Fri week).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from implan_docs.model import CalendarDay, Deliverable, Link, Plan, Project, Task
from implan_docs.schedule import Schedule, ScheduleError, TaskDates, _builder, schedule_plan


def mar(day: int) -> date:
    return date(2027, 3, day)


def links(text: str) -> tuple[Link, ...]:
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = re.fullmatch(r"(\S+?)(?:\s*(FS|SS|FF|SF))?([+-]\d+)?d?", part)
        out.append(Link(m[1], m[2] or "FS", int(m[3] or 0)))
    return tuple(out)


def task(id: str, duration: int | None = None, deps: str = "", **kw) -> Task:
    return Task(id, f"Task {id}", "Ann", duration=duration, depends=links(deps), **kw)


def plan(*tasks: Task, start=mar(1), week="Mon-Fri", holidays=(), extra=(), finish=None, status_date=None,
         deliverables=()) -> Plan:
    project = Project("P", "why", "Ann", "1", start, finish=finish, status_date=status_date, working_days=week,
                      rows=(("Finish", 8),))
    tasks = tuple(Task(**{**t.__dict__, "row": t.row or k + 2}) for k, t in enumerate(tasks))
    return Plan("plan.xlsx", project, deliverables=tuple(deliverables), tasks=tasks,
                holidays=tuple(CalendarDay(d) for d in holidays),
                extra_working_days=tuple(CalendarDay(d) for d in extra))


def sched(*tasks: Task, status=mar(1), **kw) -> Schedule:
    return schedule_plan(plan(*tasks, **kw), status)


def span(s: Schedule, tid: str) -> tuple[date, date]:
    t = s.tasks[tid]
    return t.early_start, t.early_finish


def codes(s: Schedule) -> list[str]:
    return [f.code for f in s.findings]


# -- link types and lags ----------------------------------------------------------------------------------

T1 = task("T1", 3)  # Mon 1 - Wed 3


@pytest.mark.parametrize("deps, expected", [
    ("T1", (mar(4), mar(5))),  # FS: the next working day after the predecessor's finish
    ("T1 FS", (mar(4), mar(5))),
    ("T1 FS+2d", (mar(8), mar(9))),  # two working days between (Thu, Fri)
    ("T1+2d", (mar(8), mar(9))),
    ("T1 FS-1d", (mar(3), mar(4))),  # overlaps the predecessor's last day
    ("T1 SS", (mar(1), mar(2))),  # starts with it
    ("T1 SS+2d", (mar(3), mar(4))),
    ("T1 FF", (mar(2), mar(3))),  # finishes with it
    ("T1 FF+1d", (mar(3), mar(4))),
    ("T1 FF+3d", (mar(5), mar(8))),
    ("T1 FF-1d", (mar(1), mar(2))),
])
def test_each_link_type_and_lag(deps, expected):
    s = sched(T1, task("T2", 2, deps))
    assert span(s, "T2") == expected


def test_start_to_finish_finishes_the_day_before_the_predecessor_starts():
    first = task("T1", 1, start=mar(10))  # Wed 10
    assert span(sched(first, task("T2", 2, "T1 SF")), "T2") == (mar(8), mar(9))
    assert span(sched(first, task("T2", 2, "T1 SF+1d")), "T2") == (mar(9), mar(10))
    assert span(sched(first, task("T2", 2, "T1 SF-2d")), "T2") == (mar(4), mar(5))


def test_negative_lags_never_start_before_the_project_start():
    s = sched(T1, task("T2", 2, "T1 SS-3d"), task("T3", 1, "T1 SF"))
    assert span(s, "T2") == (mar(1), mar(2)) and span(s, "T3") == (mar(1), mar(1))


def test_latest_predecessor_wins():
    s = sched(T1, task("T2", 5), task("T3", 1, "T1, T2 SS+1d, T1 FF+4d"))
    # T1 FS -> Thu 4; T2 SS+1d -> Tue 2; T1 FF+4d -> finish Tue 9
    assert span(s, "T3") == (mar(9), mar(9))
    assert s.tasks["T3"].driving == ("T1",)


# -- milestones ---------------------------------------------------------------------------------------------

def test_milestone_falls_on_the_finish_of_its_latest_predecessor_and_successors_start_next_day():
    s = sched(T1, task("T2", 5), task("M1", deps="T1, T2", milestone=True), task("T3", 1, "M1"))
    m = s.tasks["M1"]
    assert (m.early_start, m.early_finish, m.duration, m.milestone) == (mar(5), mar(5), 0, True)
    assert span(s, "T3") == (mar(8), mar(8))


def test_milestone_links_of_other_types():
    s = sched(T1, task("M1", deps="T1 SS", milestone=True), task("M2", deps="T1 FF+1d", milestone=True),
              task("T4", 2, "M1 SS"), task("M3", deps="T1 FS+1d", milestone=True))
    assert span(s, "M1") == (mar(1), mar(1))
    assert span(s, "M2") == (mar(4), mar(4))
    assert span(s, "T4") == (mar(1), mar(2))
    assert span(s, "M3") == (mar(4), mar(4))


def test_milestone_without_predecessors_sits_on_its_start_or_the_project_start():
    s = sched(task("M1", milestone=True), task("M2", milestone=True, start=mar(10)),
              task("M3", milestone=True, finish=mar(13)))  # Sat 13 -> Fri 12
    assert span(s, "M1") == (mar(1), mar(1))
    assert span(s, "M2") == (mar(10), mar(10))
    assert span(s, "M3") == (mar(12), mar(12))
    assert codes(s) == ["S104"]


def test_milestone_with_a_start_earlier_than_its_predecessors_is_pushed_with_a_finding():
    s = sched(T1, task("M1", milestone=True, start=mar(2), deps="T1"))
    assert span(s, "M1") == (mar(3), mar(3))
    assert codes(s) == ["S105"]
    assert s.tasks["M1"].total_float == 0  # a milestone's date is not a deadline


# -- buffers --------------------------------------------------------------------------------------------------

def test_buffer_follows_the_finish_and_pushes_successors():
    s = sched(task("T1", 3, buffer=2), task("T2", 1, "T1"), task("T3", 2, "T1 FF"), task("T4", 1, "T1 SS"))
    t1 = s.tasks["T1"]
    assert (t1.early_finish, t1.buffer, t1.buffer_end) == (mar(3), 2, mar(5))
    assert span(s, "T2") == (mar(8), mar(8))
    assert span(s, "T3") == (mar(4), mar(5))  # finishes with T1's buffer
    assert span(s, "T4") == (mar(1), mar(1))  # start links ignore the buffer
    assert t1.critical and t1.total_float == 0  # buffer is planned time, not float


def test_buffer_of_an_end_task_extends_the_project_finish():
    s = sched(T1, task("T2", 1, "T1", buffer=3))
    assert s.tasks["T2"].early_finish == mar(4) and s.tasks["T2"].buffer_end == mar(9)
    assert s.finish == mar(9)


# -- calendars ------------------------------------------------------------------------------------------------

def test_holidays_on_weekends_change_nothing():
    tasks = (task("T1", 5), task("T2", 3, "T1"))
    assert sched(*tasks, holidays=[mar(6), mar(7)]).tasks == sched(*tasks).tasks


def test_a_task_that_would_start_on_a_holiday_starts_the_next_working_day():
    s = sched(T1, task("T2", 2, "T1"), holidays=[mar(4)])
    assert span(s, "T2") == (mar(5), mar(8))


def test_a_holiday_inside_a_task_lengthens_it_in_calendar_days():
    s = sched(task("T1", 5), holidays=[mar(3)])
    assert span(s, "T1") == (mar(1), mar(8))


def test_a_written_start_on_a_holiday_moves_forward_with_a_finding():
    s = sched(task("T1", 2, start=mar(4)), holidays=[mar(4)])
    assert span(s, "T1") == (mar(5), mar(8))
    assert codes(s) == ["S103"]
    assert "2027-03-04" in s.findings[0].message and "2027-03-05" in s.findings[0].message


def test_sun_thu_week():
    s = sched(task("T1", 5), task("T2", 2, "T1"), start=date(2027, 2, 28), week="Sun-Thu")
    assert span(s, "T1") == (date(2027, 2, 28), mar(4))
    assert span(s, "T2") == (mar(7), mar(8))  # Fri 5 and Sat 6 are off


def test_extra_working_day():
    s = sched(task("T1", 6), task("T2", 1, "T1"), extra=[mar(6)])
    assert span(s, "T1") == (mar(1), mar(6))
    assert span(s, "T2") == (mar(8), mar(8))


def test_project_start_on_a_weekend_moves_to_the_next_working_day():
    s = sched(task("T1", 1), start=date(2027, 2, 27))
    assert span(s, "T1") == (mar(1), mar(1)) and s.start == mar(1)


# -- fixed dates, float, critical path -------------------------------------------------------------------------

def test_fixed_task_keeps_its_dates_and_its_predecessors_get_float():
    s = sched(task("T1", 5), task("T2", start=mar(10), finish=mar(11), deps="T1"))
    assert span(s, "T2") == (mar(10), mar(11))
    assert s.tasks["T2"].duration == 2 and s.tasks["T2"].fixed
    assert s.tasks["T1"].total_float == 2 and not s.tasks["T1"].critical
    assert (s.tasks["T1"].late_start, s.tasks["T1"].late_finish) == (mar(3), mar(9))
    assert s.tasks["T2"].total_float == 0 and s.tasks["T2"].critical
    assert codes(s) == []


def test_fixed_task_pushed_by_predecessors_has_negative_float_and_a_finding():
    s = sched(task("T1", 5), task("T2", start=mar(4), finish=mar(5), deps="T1"), task("T3", 1, "T2"))
    assert span(s, "T2") == (mar(8), mar(9))  # pushed: every link is respected
    assert s.tasks["T2"].total_float == -2 and s.tasks["T2"].critical
    assert s.tasks["T1"].total_float == -2  # the chain that pushes it shares the lateness
    assert s.tasks["T2"].late_start == mar(4)
    (f,) = s.findings
    assert (f.code, f.severity, f.location.row, f.location.header) == ("S101", "warning", 3, "Start")
    assert "2 working days late" in f.message


def test_start_with_duration_is_a_start_no_earlier_than():
    s = sched(T1, task("T2", 2, start=mar(8), deps="T1"), task("T3", 2, start=mar(2), deps="T1"))
    assert span(s, "T2") == (mar(8), mar(9))
    assert span(s, "T3") == (mar(4), mar(5))
    assert codes(s) == ["S105"]
    assert s.tasks["T3"].total_float >= 0


def test_finish_with_duration_places_the_start():
    s = sched(task("T1", 3, finish=mar(10)))
    assert span(s, "T1") == (mar(8), mar(10))


def test_start_finish_and_duration_disagreeing_is_a_finding_and_dates_win():
    s = sched(task("T1", 4, start=mar(1), finish=mar(3)))
    assert span(s, "T1") == (mar(1), mar(3)) and s.tasks["T1"].duration == 3
    (f,) = s.findings
    assert f.code == "S102" and f.location.header == "Duration" and "says 4" in f.message
    assert codes(sched(task("T1", 3, start=mar(1), finish=mar(3)))) == []


def test_task_written_before_the_project_start_is_a_finding():
    s = sched(task("T1", 2, start=date(2027, 2, 22)))
    assert codes(s) == ["S106"] and s.start == date(2027, 2, 22)


def test_float_and_critical_path():
    # T1 (3) -> T2 (5) -> T4 (1); T1 -> T3 (2) -> T4: T3 has 3 days of float
    s = sched(T1, task("T2", 5, "T1"), task("T3", 2, "T1"), task("T4", 1, "T2, T3"))
    assert {t.id: t.total_float for t in s.tasks.values()} == {"T1": 0, "T2": 0, "T3": 3, "T4": 0}
    assert s.critical_path == (("T1", "T2", "T4"),)
    assert s.critical_ids == {"T1", "T2", "T4"}
    assert s.finish == mar(11)
    t3 = s.tasks["T3"]
    assert (t3.early_start, t3.late_start, t3.late_finish) == (mar(4), mar(9), mar(10))


def test_two_critical_chains_and_a_milestone_at_the_end():
    s = sched(task("A", 2), task("B", 2), task("C", 1, "A, B"), task("M", deps="C", milestone=True))
    assert s.critical_path == (("A", "C", "M"), ("B", "C", "M"))


# -- roll-ups and findings ---------------------------------------------------------------------------------------

def deliverable(id, due, status=""):
    return Deliverable(id, f"Deliverable {id}", "Ann", due, status=status, row=5)


def test_deliverable_roll_up_and_late_finding():
    s = sched(task("T1", 3, deliverable="D1"), task("T2", 2, "T1", deliverable="D1"), task("T3", 1, deliverable="D2"),
              deliverables=[deliverable("D1", mar(3)), deliverable("D2", mar(6)), deliverable("D3", mar(1), "Done")])
    d1, d2, d3 = s.deliverables.values()
    assert (d1.start, d1.finish, d1.late_days, d1.tasks) == (mar(1), mar(5), 2, ("T1", "T2"))
    assert (d2.start, d2.finish, d2.late_days) == (mar(1), mar(1), 0)
    assert (d3.start, d3.finish, d3.actual_progress) == (None, None, 100.0)
    (f,) = s.findings
    assert (f.code, f.location.sheet, f.location.row, f.location.header) == ("S107", "Deliverables", 5, "Due")
    assert "2 working days after" in f.message


def test_due_on_a_weekend_counts_working_days_after_it():
    s = sched(task("T1", 6, deliverable="D1"), deliverables=[deliverable("D1", mar(6))])
    assert s.deliverables["D1"].late_days == 1  # finishes Mon 8, due Sat 6


def test_project_finish_after_the_target():
    s = sched(task("T1", 5), finish=mar(3))
    assert s.late_days == 2 and s.target_finish == mar(3)
    (f,) = s.findings
    assert (f.code, f.location.sheet, f.location.row) == ("S108", "Project", 8)
    assert sched(task("T1", 5), finish=mar(5)).late_days == 0


# -- status as of the status date -------------------------------------------------------------------------------

def test_behind_planned_and_actual_progress():
    tasks = (
        task("A", 5),  # Mon 1 - Fri 5: should be 60% by Wed 3
        task("B", 5, status="In progress", progress=20),
        task("C", 2, "A", status="Not started"),  # starts Mon 8: not yet
        task("D", 1),  # Mon 1, not done by Wed 3
        task("E", 1, status="Done"),
        task("M", milestone=True, start=mar(2)),  # Tue 2, not reached
        task("N", milestone=True, start=mar(3)),  # Wed 3: reached today at the end of the day
    )
    s = sched(*tasks, status=mar(3))
    got = {t.id: (t.behind, round(t.planned_progress), t.actual_progress) for t in s.tasks.values()}
    assert got == {"A": (True, 60, 0.0), "B": (False, 60, 20.0), "C": (False, 0, 0.0), "D": (True, 100, 0.0),
                   "E": (False, 100, 100.0), "M": (True, 100, 0.0), "N": (False, 100, 0.0)}
    assert s.behind_ids == ("A", "D", "M")
    # duration-weighted: planned (60*5 + 60*5 + 0*2 + 100 + 100) / 14, actual (20*5 + 100) / 14
    assert s.planned_progress == pytest.approx(800 / 14)
    assert s.actual_progress == pytest.approx(200 / 14)


def test_a_task_finishing_on_the_status_date_is_not_yet_behind():
    s = sched(task("A", 3, status="In progress", progress=50), status=mar(3))
    assert not s.tasks["A"].behind and s.tasks["A"].planned_progress == 100.0
    s = sched(task("A", 3, status="In progress", progress=50), status=mar(4))
    assert s.tasks["A"].behind


def test_status_date_argument_then_project_then_today():
    tasks = (task("A", 1),)
    assert schedule_plan(plan(*tasks, status_date=mar(9)), mar(2)).status_date == mar(2)
    assert schedule_plan(plan(*tasks, status_date=mar(9))).status_date == mar(9)
    assert schedule_plan(plan(*tasks)).status_date == date.today()


def test_deliverable_progress_is_duration_weighted():
    s = sched(task("A", 4, deliverable="D1", progress=50), task("B", 1, deliverable="D1", status="Done"),
              deliverables=[deliverable("D1", mar(31))], status=mar(2))
    d = s.deliverables["D1"]
    assert d.actual_progress == pytest.approx((50 * 4 + 100) / 5)
    assert d.planned_progress == pytest.approx((50 * 4 + 100) / 5)


# -- what cannot be scheduled -------------------------------------------------------------------------------------

def test_cycle_raises_a_located_error():
    with pytest.raises(ScheduleError) as err:
        sched(task("T1", 1, "T3"), task("T2", 1, "T1"), task("T3", 1, "T2"), task("T4", 1, "T3"))
    e = err.value
    assert e.finding.code == "E165" and "T1 -> T2 -> T3 -> T1" in e.message
    assert str(e).startswith("plan.xlsx:Tasks!2 (Depends on)")


@pytest.mark.parametrize("tasks, code", [
    ((task("T1", 1, "T9"),), "E163"),
    ((task("T1", 1, "T1"),), "E164"),
    ((task("T1"),), "E166"),
    ((task("T1", 1), task("T1", 2)), "E160"),
    ((task("T1", -2),), "E126"),
    ((task("T1", start=mar(5), finish=mar(2)),), "E167"),
])
def test_unschedulable_tasks_raise_located_errors(tasks, code):
    with pytest.raises(ScheduleError) as err:
        sched(*tasks)
    assert err.value.finding.code == code and err.value.location.sheet == "Tasks"


def test_no_tasks():
    s = sched()
    assert (s.start, s.finish, s.tasks, s.critical_path, s.planned_progress) == (mar(1), mar(1), {}, (), 0.0)


def test_fast_constructor_builds_the_same_frozen_value():
    values = ("T1", mar(1), mar(2), mar(3), mar(4), 2, False, 2, 1, mar(3), True, 50.0, 20.0, False, True, ("T0",))
    fast, slow = _builder(TaskDates)(values), TaskDates(*values)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(AttributeError):
        fast.critical = True


def test_findings_render_in_both_languages():
    from implan_docs.findings import render

    s = sched(task("T1", 5, deliverable="D1"), deliverables=[deliverable("D1", mar(3))], finish=mar(3))
    for f in s.findings:
        zh = render(f, "zh-TW")
        assert zh != f.message and "2" in zh


def test_big_chain_is_fast_and_does_not_recurse():
    n = 3000
    tasks = [task("T0", 1)] + [task(f"T{i}", 1, f"T{i - 1}") for i in range(1, n)]
    s = sched(*tasks)
    assert s.finish == mar(1) + timedelta(days=(n - 1) // 5 * 7 + (n - 1) % 5)
    assert len(s.critical_path) == 1 and len(s.critical_path[0]) == n
