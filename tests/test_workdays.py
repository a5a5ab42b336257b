"""The working-day calendar: week patterns, holidays, extra working days, counting."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from implan_docs.errors import WorkbookError
from implan_docs.model import CalendarDay, Plan, Project
from implan_docs.workdays import Calendar, CalendarRangeError, format_week, parse_week

MON = date(2027, 3, 1)  # a Monday
D = {name: MON + timedelta(days=k) for k, name in enumerate("mon tue wed thu fri sat sun".split())}
NEXT_MON = MON + timedelta(days=7)


@pytest.mark.parametrize("text, days", [
    ("Mon-Fri", "Mon,Tue,Wed,Thu,Fri"),
    ("mon-fri", "Mon,Tue,Wed,Thu,Fri"),
    (" MON - FRI ", "Mon,Tue,Wed,Thu,Fri"),
    ("Mon\u2013Fri", "Mon,Tue,Wed,Thu,Fri"),
    ("Monday-Friday", "Mon,Tue,Wed,Thu,Fri"),
    ("Sun-Thu", "Mon,Tue,Wed,Thu,Sun"),
    ("Mon-Sat", "Mon,Tue,Wed,Thu,Fri,Sat"),
    ("Fri-Mon", "Mon,Fri,Sat,Sun"),
    ("Mon,Tue,Thu", "Mon,Tue,Thu"),
    ("mon, tue ,THU", "Mon,Tue,Thu"),
    ("Mon-Wed, Fri", "Mon,Tue,Wed,Fri"),
    ("Tu,Th", "Tue,Thu"),
    ("Sat Sun", "Sat,Sun"),
])
def test_parse_week_accepts_ranges_and_lists(text, days):
    assert format_week(parse_week(text)) == days


@pytest.mark.parametrize("text", ["", "   ", "Weekdays", "Mon-", "-Fri", "Mon-Tue-Wed", "T", "S-F", "Mon,Funday", None])
def test_parse_week_rejects_what_is_not_a_week(text):
    assert parse_week(text) is None


def test_mon_fri_counting_follows_the_contract():
    cal = Calendar()
    assert cal.is_working(D["fri"]) and not cal.is_working(D["sat"]) and not cal.is_working(D["sun"])
    assert cal.next_working(D["sat"]) == NEXT_MON and cal.next_working(D["wed"]) == D["wed"]
    assert cal.prev_working(D["sun"]) == D["fri"] and cal.prev_working(D["wed"]) == D["wed"]
    # Duration 1 starts and finishes the same day; Finish is the Duration-th working day from Start
    assert cal.finish_for(D["wed"], 1) == D["wed"]
    assert cal.finish_for(D["wed"], 3) == D["fri"]
    assert cal.finish_for(D["thu"], 3) == NEXT_MON
    assert cal.finish_for(D["sat"], 1) == NEXT_MON  # a start on a weekend moves to the next working day
    assert cal.finish_for(D["wed"], 0) == D["wed"]
    assert cal.start_for(NEXT_MON, 3) == D["thu"]
    assert cal.add(D["fri"], 1) == NEXT_MON and cal.add(D["sat"], 1) == NEXT_MON
    assert cal.add(NEXT_MON, -1) == D["fri"] and cal.add(D["sun"], -1) == D["fri"]
    assert cal.add(D["mon"], 0) == D["mon"] and cal.add(D["sun"], 0) == NEXT_MON
    assert cal.add(D["mon"], 10) == MON + timedelta(days=14)
    assert cal.count(D["mon"], D["sun"]) == 5 and cal.count(D["sat"], D["sun"]) == 0
    assert cal.count(D["wed"], D["wed"]) == 1 and cal.count(D["fri"], D["mon"]) == 0
    assert cal.distance(D["fri"], NEXT_MON) == 1 and cal.distance(NEXT_MON, D["fri"]) == -1
    assert cal.distance(D["sat"], NEXT_MON) == 0  # a weekend day counts as the next working day
    assert cal.working_days(D["thu"], NEXT_MON) == [D["thu"], D["fri"], NEXT_MON]


def test_holidays_skip_working_days_and_weekend_holidays_change_nothing():
    plain = Calendar()
    weekend = Calendar(holidays=[D["sat"], D["sun"]])
    for n in range(-10, 11):
        assert weekend.add(D["wed"], n) == plain.add(D["wed"], n)
    cal = Calendar(holidays=[D["thu"]])
    assert not cal.is_working(D["thu"])
    assert cal.finish_for(D["wed"], 2) == D["fri"]
    assert cal.next_working(D["thu"]) == D["fri"] and cal.prev_working(D["thu"]) == D["wed"]
    assert cal.count(D["mon"], D["fri"]) == 4


def test_sun_thu_week():
    cal = Calendar("Sun-Thu")
    assert cal.is_working(D["sun"]) and not cal.is_working(D["fri"]) and not cal.is_working(D["sat"])
    assert cal.finish_for(D["thu"], 2) == D["sun"]
    assert cal.add(D["fri"], 1) == D["sun"]


def test_extra_working_days_are_worked_and_holidays_win_over_them():
    cal = Calendar(extra=[CalendarDay(D["sat"], "make-up day")])
    assert cal.is_working(D["sat"]) and not cal.is_working(D["sun"])
    assert cal.finish_for(D["fri"], 2) == D["sat"]
    both = Calendar(holidays=[D["sat"]], extra=[D["sat"]])
    assert not both.is_working(D["sat"])


def test_indexes_stay_stable_when_the_table_grows():
    cal = Calendar()
    i = cal.index(MON)
    assert cal.day(i + 2000) == cal.add(MON, 2000)  # grows forwards
    assert cal.index(date(1950, 1, 2)) < i  # grows backwards
    assert cal.index(MON) == i and cal.day(i) == MON
    assert cal.add(date(1950, 1, 2), 0) == date(1950, 1, 2)


def test_runaway_counts_stop_with_a_clear_error():
    with pytest.raises(CalendarRangeError, match="outside the years"):
        Calendar().add(MON, 10**7)


def test_bad_weeks_are_refused():
    with pytest.raises(ValueError):
        Calendar("Weekdays")
    with pytest.raises(ValueError):
        Calendar(frozenset())
    project = Project("P", "why", "M", "1", MON, working_days="Someday", rows=(("Working days", 17),))
    with pytest.raises(WorkbookError) as err:
        Calendar.from_plan(Plan("plan.xlsx", project))
    assert str(err.value).startswith("plan.xlsx:Project!17")


def test_from_plan_reads_week_holidays_and_extra_days():
    project = Project("P", "why", "M", "1", MON, working_days="Mon-Fri")
    plan = Plan("plan.xlsx", project, holidays=(CalendarDay(D["wed"], "Holiday", 2),),
                extra_working_days=(CalendarDay(D["sat"], "Make-up", 2),))
    cal = Calendar.from_plan(plan)
    assert not cal.is_working(D["wed"]) and cal.is_working(D["sat"]) and cal.count(MON, D["sun"]) == 5


# -- against a day-by-day count ---------------------------------------------------------------------------

weeks = st.frozensets(st.integers(0, 6), min_size=1)
days_near = st.integers(-60, 60).map(lambda k: MON + timedelta(days=k))


def _naive_works(week, holidays, extra, d):
    return d not in holidays and (d.weekday() in week or d in extra)


@settings(max_examples=150, deadline=None)
@given(weeks, st.sets(days_near, max_size=8), st.sets(days_near, max_size=4), days_near, st.integers(-30, 30))
def test_calendar_agrees_with_walking_day_by_day(week, holidays, extra, d, n):
    cal = Calendar(week, holidays, extra)
    works = lambda x: _naive_works(week, holidays, extra, x)  # noqa: E731
    assert cal.is_working(d) == works(d)
    # add: step n working days
    x, left = d, abs(n)
    step = timedelta(days=1 if n > 0 else -1)
    if n == 0:
        while not works(x):
            x += timedelta(days=1)
    while left:
        x += step
        if works(x):
            left -= 1
    assert cal.add(d, n) == x
    b = d + timedelta(days=abs(n))
    assert cal.count(d, b) == sum(works(d + timedelta(days=k)) for k in range(abs(n) + 1))
    if works(d) and works(x):
        assert cal.add(d, cal.distance(d, x)) == x
