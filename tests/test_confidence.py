"""Schedule confidence (implan_docs/confidence.py): the Monte Carlo simulation against answers known exactly.

Reference distributions are computed here with a million plain numpy samples (a sum for a chain, the
larger of two sums for parallel branches); the simulation's dates must be within one working day of the
reference's. With O = ML = P on every task the simulation is the deterministic schedule, exactly.
"""
from __future__ import annotations

import dataclasses
import math
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from implan_docs import confidence
from implan_docs.confidence import Confidence, simulate
from implan_docs.model import Deliverable
from implan_docs.phases import check_plan
from implan_docs.schedule import schedule_plan
from plans import minimal_rows, write_plan
from test_schedule_properties import MON
from test_schedule_properties import plans as random_plans

PERSON = "Alex Morgan"
START = date(2026, 3, 2)  # a Monday
REFERENCE = 1_000_000


def task(tid: str, duration=None, depends=None, estimate=None, **more) -> dict:
    row = {"ID": tid, "Task": f"Task {tid}", "Deliverable": "D1", "Owner": PERSON, "Status": "Not started",
           "Progress": 0}
    if duration is not None:
        row["Duration"] = duration
    if depends:
        row["Depends on"] = depends
    if estimate:
        row["Optimistic"], row["Most likely"], row["Pessimistic"] = estimate
    row.update(more)
    return row


def checked_plan(tmp_path: Path, tasks: list[dict], **sheets):
    rows = minimal_rows()
    rows["Tasks"] = tasks
    rows["RACI"] = [{"Item": "D1", PERSON: "A/R"}] + [{"Item": t["ID"], PERSON: "A/R"} for t in tasks]
    rows["Project"].update(sheets.pop("project", {}))
    for key, value in sheets.items():
        rows[key] = value
    checked = check_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert checked.ok, checked.errors
    return checked


def day_of(checked, finish: float) -> date:
    """The working day a finish (working days from the start of the project's first day) falls on."""
    cal = checked.schedule.calendar
    return cal.day(cal.index(START) + math.ceil(finish - 1 - 1e-9))


def within_a_day(checked, got: date, want: date) -> bool:
    return abs(checked.schedule.calendar.distance(got, want)) <= 1


def assert_quantiles_near(checked, quantiles, reference: np.ndarray, level: float = 80.0) -> None:
    for name, q in (("p50", 50), ("p80", 80), ("p95", 95), ("at_level", level)):
        want = day_of(checked, float(np.percentile(reference, q)))
        got = getattr(quantiles, name)
        assert within_a_day(checked, got, want), (name, got, want)


CHAIN = [(2, 4, 9), (1, 1.5, 6), (3, 5, 6), (4, 8, 20), (0.5, 1, 3)]


def test_a_serial_chain_of_triangular_tasks_finishes_as_the_sum_of_its_durations(tmp_path):
    rows = [task(f"T{k + 1}", duration=round(est[1]) or 1, depends=f"T{k}" if k else None, estimate=est)
            for k, est in enumerate(CHAIN)]
    rows.append(task("M", depends=f"T{len(CHAIN)}", Milestone="yes"))
    checked = checked_plan(tmp_path, rows)
    result = simulate(checked.plan, checked.schedule, simulations=20_000)

    rng = np.random.default_rng(12345)
    reference = sum(rng.triangular(o, ml, p, REFERENCE) for o, ml, p in CHAIN)
    assert_quantiles_near(checked, result.finish, reference)
    assert_quantiles_near(checked, result.milestones["M"], reference)
    assert result.finish_offsets.mean() == pytest.approx(sum(sum(e) / 3 for e in CHAIN), abs=0.1)  # 3.5 SE
    assert result.criticality == {t["ID"]: 1.0 for t in rows}
    assert result.distribution == "triangular" and result.simulations == 20_000 and result.seed == 1
    # the longest, widest task drives the finish most
    assert result.drivers[0][0] == "T4" and [d for d, _ in result.drivers] == ["T4", "T1", "T2", "T3", "T5"]


BRANCH_A = [(2, 4, 9), (3, 5, 8)]
BRANCH_B = [(4, 6, 7), (2, 3, 6)]


def test_parallel_branches_joined_by_a_milestone_finish_as_the_longer_branch(tmp_path):
    rows = [task("A1", duration=4, estimate=BRANCH_A[0]), task("A2", duration=5, depends="A1", estimate=BRANCH_A[1]),
            task("B1", duration=6, estimate=BRANCH_B[0]), task("B2", duration=3, depends="B1", estimate=BRANCH_B[1]),
            task("M", depends="A2, B2", Milestone="yes")]
    checked = checked_plan(tmp_path, rows)
    result = simulate(checked.plan, checked.schedule, simulations=20_000)

    rng = np.random.default_rng(2024)
    a = sum(rng.triangular(*e, REFERENCE) for e in BRANCH_A)
    b = sum(rng.triangular(*e, REFERENCE) for e in BRANCH_B)
    reference = np.maximum(a, b)
    assert_quantiles_near(checked, result.finish, reference)
    assert_quantiles_near(checked, result.milestones["M"], reference)
    share_a = float(np.mean(a > b))
    assert 0.3 < share_a < 0.7  # a real contest
    for tid in ("A1", "A2"):
        assert result.criticality[tid] == pytest.approx(share_a, abs=0.05)
    for tid in ("B1", "B2"):
        assert result.criticality[tid] == pytest.approx(1 - share_a, abs=0.05)
    assert result.criticality["M"] == 1.0
    assert result.criticality["A1"] + result.criticality["B1"] == pytest.approx(1.0, abs=1e-3)  # ties: never


def test_ss_ff_and_sf_links_between_drawn_tasks_follow_the_continuous_rules(tmp_path):
    """A SS+2d B: B starts 2 days after A starts; A FF+1d C: C finishes at least a day after A; A SF+3d D:
    D finishes no earlier than 3 days after A starts. The finish is the largest of these, per simulation."""
    est = {"A": (2, 5, 9), "B": (1, 3, 10), "C": (4, 6, 8), "D": (1, 2, 5)}
    rows = [task("A", duration=5, estimate=est["A"]), task("B", duration=3, depends="A SS+2d", estimate=est["B"]),
            task("C", duration=6, depends="A FF+1d", estimate=est["C"]),
            task("D", duration=2, depends="A SF+3d", estimate=est["D"])]
    checked = checked_plan(tmp_path, rows)
    result = simulate(checked.plan, checked.schedule, simulations=20_000)
    rng = np.random.default_rng(99)
    a, b, c, d = (rng.triangular(*est[k], REFERENCE) for k in "ABCD")
    ends = np.stack([a + 1, 2 + b, c, d, np.full(REFERENCE, 3.0)])
    assert_quantiles_near(checked, result.finish, ends.max(axis=0))
    winner = ends.argmax(axis=0)  # A's start drives B (SS) and D's 3-day floor (SF), its finish C (FF)
    share = {"A": np.isin(winner, (0, 1, 4)), "B": winner == 1, "C": np.isin(winner, (0, 2)),
             "D": np.isin(winner, (3, 4))}
    for tid, critical in share.items():
        assert result.criticality[tid] == pytest.approx(float(np.mean(critical)), abs=0.05), tid


def test_the_same_seed_gives_the_same_figures_another_seed_other_samples_but_close_dates(tmp_path, monkeypatch):
    rows = [task("A1", duration=4, estimate=BRANCH_A[0]), task("A2", duration=5, depends="A1", estimate=BRANCH_A[1]),
            task("B1", duration=6, estimate=BRANCH_B[0]), task("B2", duration=3, depends="B1", estimate=BRANCH_B[1]),
            task("C", duration=1, estimate=(1, 1, 2)),  # drawn, never critical: not a candidate driver
            task("M", depends="A2, B2, C", Milestone="yes")]
    checked = checked_plan(tmp_path, rows, project={"Seed": 7, "Simulations": 5000})
    plan, schedule = checked.plan, checked.schedule
    first = simulate(plan, schedule)
    again = simulate(plan, schedule)
    assert first == again and np.array_equal(first.finish_offsets, again.finish_offsets)
    assert first.seed == 7 and first.simulations == 5000
    assert simulate(plan, schedule, seed=7) == first  # the Project Seed is the default
    pert = simulate(plan, schedule, distribution="PERT")

    # the figures do not depend on how the simulations are chunked to save memory, nor on whether the
    # drawn durations are kept for the drivers or drawn again
    monkeypatch.setattr(confidence, "WORK_BYTES", 1)
    chunked = simulate(plan, schedule)
    assert chunked == first and np.array_equal(chunked.finish_offsets, first.finish_offsets)
    monkeypatch.setattr(confidence, "STORE_BYTES", 4 * 4 * 5000)  # the 4 candidates' draws, not all 5 tasks'
    assert simulate(plan, schedule) == first
    assert simulate(plan, schedule, distribution="PERT") == pert
    # with less, the drivers are ranked over the first simulations only (here 256): the rest is the same
    monkeypatch.setattr(confidence, "STORE_BYTES", 0)
    few = simulate(plan, schedule)
    assert few.drivers != first.drivers and {d for d, _ in few.drivers} == {d for d, _ in first.drivers}
    assert dataclasses.replace(few, drivers=first.drivers) == first
    monkeypatch.undo()
    assert pert != first and pert.distribution == "pert"
    assert "C" not in dict(first.drivers) and first.criticality["C"] == 0.0

    other = simulate(plan, schedule, seed=8)
    assert not np.array_equal(other.finish_offsets, first.finish_offsets)
    for name in ("p50", "p80", "p95", "at_level"):
        assert within_a_day(checked, getattr(other.finish, name), getattr(first.finish, name))
    for tid, share in first.criticality.items():
        assert other.criticality[tid] == pytest.approx(share, abs=0.05)


def test_a_plan_without_estimates_has_no_confidence(tmp_path):
    checked = check_plan(write_plan(tmp_path / "plain.xlsx"))
    assert checked.ok
    assert simulate(checked.plan, checked.schedule) is None


def test_estimates_only_on_a_milestone_or_a_fixed_task_are_ignored(tmp_path):
    rows = [task("T1", Start=date(2026, 3, 2), Finish=date(2026, 3, 6), estimate=(3, 4, 9)),
            task("T2", depends="T1", Milestone="yes")]
    checked = checked_plan(tmp_path, rows)
    assert not any(t.has_estimate for t in checked.plan.tasks)
    assert simulate(checked.plan, checked.schedule) is None


def deterministic(plan):
    """Every task with a Duration gets O = ML = P = its Duration."""
    def exact(t):
        if t.milestone or t.is_fixed or t.duration is None:
            return t
        return dataclasses.replace(t, optimistic=t.duration, most_likely=None, pessimistic=t.duration)
    return dataclasses.replace(plan, tasks=tuple(exact(t) for t in plan.tasks))


def assert_reproduces_the_schedule(plan, schedule, result: Confidence) -> None:
    f = result.finish
    assert f.p50 == f.p80 == f.p95 == f.at_level == schedule.finish
    assert result.milestones and result.deliverables
    for tid, q in result.milestones.items():
        assert q.p50 == q.p95 == schedule.tasks[tid].early_finish, tid
    for did, q in result.deliverables.items():
        assert q.p50 == q.p95 == schedule.deliverables[did].finish, did
    assert result.criticality == {tid: 1.0 if t.critical else 0.0 for tid, t in schedule.tasks.items()}
    assert np.all(result.finish_offsets == result.finish_offsets[0])


def test_with_o_ml_p_equal_the_simulation_is_the_deterministic_schedule(tmp_path):
    """Lags, SS/FF/SF links, buffers, holidays, an extra working day, a start-no-earlier-than, a fixed task
    that its predecessors push (a deadline: negative float), milestones, a Done task, a task in progress."""
    rows = [
        task("A", duration=3, estimate=(3, 3, 3), Buffer=2),
        task("B", duration=4, depends="A FS+2d", estimate=(4, 4, 4)),
        task("C", duration=2, depends="A SS+1d", estimate=(2, 2, 2)),
        task("D", duration=5, depends="B FF-1d, C", estimate=(5, 5, 5)),
        task("E", duration=3, depends="D SF+4d", estimate=(3, 3, 3)),
        task("F", Start=date(2026, 3, 16), Finish=date(2026, 3, 18), depends="B"),  # fixed, pushed by B
        task("G", duration=2, depends="F", estimate=(2, 2, 2), Start=date(2026, 3, 30)),  # start no earlier than
        task("H", duration=6, depends="C", estimate=(6, 6, 6), Status="Done", Progress=100),
        task("I", duration=4, depends="H", estimate=(4, 4, 4), Status="In progress", Progress=40),
        task("J", duration=1, depends="E SS-2d, I FF+1d", estimate=(1, 1, 1), Buffer=1),
        task("M1", depends="D", Milestone="yes"),
        task("M2", depends="G, J", Milestone="yes"),
        task("K", duration=2, depends="M1 SS", estimate=(2, 2, 2)),
    ]
    holidays = [{"Date": date(2026, 3, 11), "Name": "A holiday"}, {"Date": date(2026, 3, 20), "Name": "Another"}]
    extra = [{"Date": date(2026, 3, 14), "Name": "A worked Saturday"}]
    checked = checked_plan(tmp_path, rows, Holidays=holidays, **{"Extra working days": extra})
    schedule = checked.schedule
    assert schedule.tasks["F"].total_float < 0 and schedule.tasks["F"].critical  # the deadline is missed
    assert any(f.code == "S101" for f in checked.findings)
    result = simulate(checked.plan, schedule, simulations=500)
    assert_reproduces_the_schedule(checked.plan, schedule, result)
    # the same with Triangular draws collapsed to a point and with PERT
    pert = simulate(checked.plan, schedule, simulations=300, distribution="PERT")
    assert_reproduces_the_schedule(checked.plan, schedule, pert)


def generated_plan(folder: Path, tasks: int, **kwargs):
    """A plan from benchmarks/generate_plan.py, read and scheduled."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate_plan

    path = generate_plan.generate(folder / "generated.xlsx", tasks=tasks, deliverables=max(1, tasks // 20),
                                  **kwargs)
    checked = check_plan(path)
    if not checked.ok and any(f.location.header in ("Optimistic", "Most likely", "Pessimistic")
                              for f in checked.errors):
        # generate_plan.py writes the contract's Tasks headers but fills only the first twelve (and its
        # custom Work package column): until it knows the estimate columns, leave them out
        headers = generate_plan.HEADERS["Tasks"]
        generate_plan.HEADERS["Tasks"] = headers[:12]
        try:
            path = generate_plan.generate(folder / "generated.xlsx", tasks=tasks,
                                          deliverables=max(1, tasks // 20), **kwargs)
        finally:
            generate_plan.HEADERS["Tasks"] = headers
        checked = check_plan(path)
    assert checked.ok, checked.errors[:3]
    return checked


def test_a_generated_plan_with_o_ml_p_equal_reproduces_its_schedule(tmp_path):
    checked = generated_plan(tmp_path, 400, links=640)
    plan = deterministic(checked.plan)
    result = simulate(plan, checked.schedule, simulations=300)
    assert_reproduces_the_schedule(plan, checked.schedule, result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_plans(), st.data())
def test_with_o_ml_p_equal_random_plans_reproduce_their_schedule(plan_and_calendar, data):
    """Random calendars, written dates, fixed tasks, milestones, buffers, links of every type and lag, rows
    in any order (from test_schedule_properties.py), and any status: the simulation is the schedule."""
    plan, cal = plan_and_calendar
    tasks = []
    for t in plan.tasks:
        kw = dict(status=data.draw(st.sampled_from(["", "Not started", "In progress", "Done", "Blocked"])),
                  progress=data.draw(st.sampled_from([None, 0, 40, 100])), deliverable="D1")
        if not t.milestone and not t.is_fixed and t.duration is not None:
            kw.update(optimistic=t.duration, most_likely=t.duration, pessimistic=t.duration)
        tasks.append(dataclasses.replace(t, **kw))
    plan = dataclasses.replace(plan, tasks=tuple(tasks), deliverables=(Deliverable("D1", "All", "Ann", None),))
    schedule = schedule_plan(plan, MON + timedelta(days=20), calendar=cal)
    result = simulate(plan, schedule, simulations=40)
    if result is None:  # no task with a duration
        assert not any(t.has_estimate for t in plan.tasks)
        return
    assert result.finish.p50 == result.finish.p95 == schedule.finish
    assert result.deliverables["D1"].p50 == result.deliverables["D1"].p95 == schedule.deliverables["D1"].finish
    for tid, q in result.milestones.items():
        assert q.p50 == q.p95 == schedule.tasks[tid].early_finish, tid
    assert result.criticality == {tid: 1.0 if t.critical else 0.0 for tid, t in schedule.tasks.items()}


def test_pert_and_triangular_means_and_variances_are_as_theory_says(tmp_path):
    o, ml, p = 2.0, 3.0, 10.0
    checked = checked_plan(tmp_path, [task("T1", duration=3, estimate=(o, ml, p)),
                                      task("M", depends="T1", Milestone="yes")])
    tri = simulate(checked.plan, checked.schedule, simulations=40_000)
    pert = simulate(checked.plan, checked.schedule, simulations=40_000, distribution="pert")
    assert (tri.distribution, pert.distribution) == ("triangular", "pert")
    assert tri.finish_offsets.mean() == pytest.approx((o + ml + p) / 3, abs=0.03)  # 5
    assert pert.finish_offsets.mean() == pytest.approx((o + 4 * ml + p) / 6, abs=0.03)  # 4
    tri_var = (o * o + ml * ml + p * p - o * ml - o * p - ml * p) / 18
    mean = (o + 4 * ml + p) / 6
    pert_var = (mean - o) * (p - mean) / 7
    assert tri.finish_offsets.var() == pytest.approx(tri_var, rel=0.05)
    assert pert.finish_offsets.var() == pytest.approx(pert_var, rel=0.05)
    assert o <= tri.finish_offsets.min() and tri.finish_offsets.max() <= p
    assert o <= pert.finish_offsets.min() and pert.finish_offsets.max() <= p
    with pytest.raises(ValueError):
        simulate(checked.plan, checked.schedule, distribution="normal")


def test_percentiles_are_the_earliest_days_by_which_that_share_has_finished(tmp_path):
    checked = checked_plan(tmp_path, [task("T1", duration=8, estimate=(3, 8, 40)),
                                      task("M", depends="T1", Milestone="yes")],
                           project={"Confidence": 90, "Finish": date(2026, 3, 13)})
    result = simulate(checked.plan, checked.schedule, simulations=3001)
    dates = result.finish_dates()
    assert len(dates) == 3001 and dates == sorted(dates)
    assert dates[0] == result.date_of(result.finish_offsets[0])
    cal = checked.schedule.calendar
    days = np.array([cal.index(d) for d in dates])
    for name, q in (("p50", 50), ("p80", 80), ("p95", 95), ("at_level", 90)):
        want = cal.day(int(np.percentile(days, q, method="inverted_cdf")))
        assert getattr(result.finish, name) == want, name
        assert sum(d <= want for d in dates) >= q / 100 * len(dates)  # at least that share by then
    assert result.level == 90.0
    # the probability of finishing by the target Finish (Fri 13 March) and by D1's Due
    assert result.finish.probability == pytest.approx(sum(d <= date(2026, 3, 13) for d in dates) / len(dates))
    assert 0.1 < result.finish.probability < 0.9
    assert result.deliverables["D1"].probability == 1.0  # due 30 April
    assert result.milestones["M"].probability is None


def test_a_finish_inside_a_working_day_is_reached_on_that_day(tmp_path):
    """10.3 working days from the start of day 1 finish on day 11; a successor starts at once."""
    checked = checked_plan(tmp_path, [task("T1", duration=10, estimate=(10.3, 10.3, 10.3)),
                                      task("T2", duration=2, depends="T1"),
                                      task("M", depends="T2", Milestone="yes")])
    result = simulate(checked.plan, checked.schedule, simulations=100)
    cal = checked.schedule.calendar
    assert result.finish_offsets[0] == pytest.approx(12.3)
    assert result.finish.p50 == result.finish.p95 == cal.add(START, 12)  # the 13th working day
    assert result.deliverables["D1"].p50 == cal.add(START, 12)


def test_done_tasks_keep_their_dates_and_tasks_in_progress_vary_only_in_what_remains(tmp_path):
    rows = [task("T1", duration=5, estimate=(1, 5, 30), Status="Done", Progress=100),
            task("T2", duration=10, depends="T1", estimate=(5, 10, 30), Status="In progress", Progress=50),
            task("T3", duration=3, estimate=(1, 3, 8)),  # not started, drawn: but T4 has already started
            task("T4", duration=4, depends="T3", estimate=(4, 4, 4), Status="In progress", Progress=25),
            task("M", depends="T2, T4", Milestone="yes")]
    checked = checked_plan(tmp_path, rows)
    result = simulate(checked.plan, checked.schedule, simulations=20_000)
    cal = checked.schedule.calendar
    held = cal.index(checked.schedule.tasks["T2"].early_start) - cal.index(START)  # T2 started after T1, as planned
    assert held == 5
    finish = result.finish_offsets  # T2 ends last: start + 10 + (1 - 0.5) * (draw - 10)
    assert finish.min() >= held + 10 + 0.5 * (5 - 10) - 1e-6
    assert finish.max() <= held + 10 + 0.5 * (30 - 10) + 1e-6
    assert finish.mean() == pytest.approx(held + 10 + 0.5 * (sum((5, 10, 30)) / 3 - 10), abs=0.05)
    assert [d for d, _ in result.drivers][:1] == ["T2"]
    assert "T1" not in dict(result.drivers)  # done: nothing drawn


def test_drivers_are_the_tasks_whose_durations_move_the_finish_strongest_first(tmp_path):
    rows = [task("T1", duration=10, estimate=(5, 10, 30)), task("T2", duration=10, depends="T1", estimate=(9, 10, 12)),
            task("T3", duration=1, estimate=(1, 1, 2)),  # always has float: never critical, not a driver
            task("M", depends="T2, T3", Milestone="yes")]
    checked = checked_plan(tmp_path, rows)
    result = simulate(checked.plan, checked.schedule, simulations=5000)
    names = [d for d, _ in result.drivers]
    assert names == ["T1", "T2"]
    rho = dict(result.drivers)
    assert rho["T1"] > 0.9 and 0 < rho["T2"] < rho["T1"]
    assert result.criticality["T3"] == 0.0


@pytest.mark.slow
def test_ten_thousand_simulations_of_a_5000_task_plan_with_estimates_on_every_task(tmp_path):
    checked = generated_plan(tmp_path, 5000, links=8000)
    rnd = np.random.default_rng(3)

    def estimated(t):
        if t.milestone or t.is_fixed or not t.duration:
            return t
        d = float(t.duration)
        return dataclasses.replace(t, optimistic=d * rnd.uniform(0.6, 0.95), most_likely=None,
                                   pessimistic=d * rnd.uniform(1.1, 2.0))
    plan = dataclasses.replace(checked.plan, tasks=tuple(estimated(t) for t in checked.plan.tasks))
    assert sum(t.has_estimate for t in plan.tasks) > 4500
    start = time.perf_counter()
    result = simulate(plan, checked.schedule, simulations=10_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"{elapsed:.1f} s"  # about 0.6 s on 2 shared cores; bounded for slow machines
    f = result.finish
    assert checked.schedule.finish <= f.p50 <= f.p80 <= f.p95  # estimates skewed late
    assert len(result.finish_offsets) == 10_000 and len(result.drivers) == 10
    assert all(0.0 <= c <= 1.0 for c in result.criticality.values())
    assert len(result.deliverables) == 250
