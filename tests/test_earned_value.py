"""Earned value as of the status date, computed by hand (docs/plan-workbook.md, "Schedule confidence").

The plan below, in a Mon-Fri week of March 2026 with Wed 11 a holiday, status date Thu 12 (end of day):

    Mon 2 .. Fri 6 | Mon 9, Tue 10, (Wed 11 holiday), Thu 12, Fri 13 | Mon 16

    T1  D1  Duration 5            Mon 2 - Fri 6     Done, 100 %
    T2  D1  Duration 5, after T1  Mon 9 - Mon 16    50 %   (5 working days: 9, 10, 12, 13, 16)
    T3  D1  milestone, after T2   Mon 16            0 %
    T4  D2  Duration 4, after T1  Mon 9 - Fri 13    25 %   Baseline Mon 2 - Thu 5 (4 working days)

Working days up to the status date: T1's span 5 of 5; T2's 3 of 5 (9, 10, 12); T4's baseline 4 of 4; the
span of D1 (Mon 2 - Mon 16) and of the project (the same: T4's baseline starts Mon 2 too) 8 of 10.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from plans import minimal_rows, write_plan

from implan_docs.earned_value import EarnedValue, EarnedValueReport, earned_value, earned_value_findings
from implan_docs.phases import check_plan

PERSON = "Alex Morgan"
CENT = 0.005


def mar(day: int) -> date:
    return date(2026, 3, day)


def money(value):
    return pytest.approx(value, abs=CENT)


def rows_of_the_plan(**resources_changes):
    rows = minimal_rows()
    rows["Project"]["Status date"] = mar(12)
    rows["Project"]["Currency"] = "EUR"
    rows["Deliverables"].append({"ID": "D2", "Deliverable": "Training", "Objectives": "O1", "Owner": PERSON,
                                 "Due": date(2026, 4, 30), "Acceptance criteria": "Everyone trained"})
    rows["Tasks"] = [
        {"ID": "T1", "Task": "Design", "Deliverable": "D1", "Owner": PERSON, "Duration": 5, "Status": "Done",
         "Progress": 100},
        {"ID": "T2", "Task": "Build", "Deliverable": "D1", "Owner": PERSON, "Duration": 5, "Depends on": "T1",
         "Status": "In progress", "Progress": 50},
        {"ID": "T3", "Task": "Accepted", "Deliverable": "D1", "Owner": PERSON, "Depends on": "T2",
         "Milestone": "yes", "Progress": 0},
        {"ID": "T4", "Task": "Train", "Deliverable": "D2", "Owner": PERSON, "Duration": 4, "Depends on": "T1",
         "Status": "In progress", "Progress": 25, "Baseline start": mar(2), "Baseline finish": mar(5)},
    ]
    rows["RACI"] = [{"Item": i, PERSON: "A/R"} for i in ("D1", "D2", "T1", "T2", "T3", "T4")]
    rows["Holidays"] = [{"Date": mar(11), "Name": "Founders' day"}]
    resources = {
        "R1": {"Resource": "Design team", "Type": "Personnel", "Cost": 10_000, "For": "T1", "Actual cost": 12_000},
        "R2": {"Resource": "Build crew", "Type": "Personnel", "Quantity": 5, "Unit": "day", "Unit cost": 1_200,
               "For": "T2"},  # Cost blank: 5 x 1,200; Actual cost blank
        "R3": {"Resource": "Trainer", "Type": "Personnel", "Cost": 2_000, "For": "T4", "Actual cost": 400},
        "R4": {"Resource": "Licences", "Type": "Software", "Cost": 3_000, "For": "D1", "Actual cost": 2_000},
        "R5": {"Resource": "Project office", "Type": "Money", "Cost": 1_400, "Actual cost": 1_000},  # For empty
        "R6": {"Resource": "Contingency", "Type": "Money", "Cost": 5_000, "Reserve": "yes"},
    }
    for key, change in resources_changes.items():
        resources[key].update(change)
    rows["Resources"] = list(resources.values())
    return rows


def checked(tmp_path, rows, name="plan.xlsx"):
    result = check_plan(write_plan(tmp_path / name, rows=rows))
    assert result.ok, [str(f) for f in result.errors]
    return result


def report_of(tmp_path, rows) -> tuple:
    result = checked(tmp_path, rows)
    return result.plan, result.schedule, earned_value(result.plan, result.schedule)


@pytest.fixture
def hand(tmp_path):
    return report_of(tmp_path, rows_of_the_plan())


def assert_figures(figures: EarnedValue, **expected):
    for key, value in expected.items():
        got = getattr(figures, key)
        assert (got is None) if value is None else got == money(value), (key, got, value)


def test_the_schedule_is_the_one_the_comments_assume(hand):
    _, s, _ = hand
    dates = {tid: (t.early_start, t.early_finish) for tid, t in s.tasks.items()}
    assert dates == {"T1": (mar(2), mar(6)), "T2": (mar(9), mar(16)), "T3": (mar(16), mar(16)),
                     "T4": (mar(9), mar(13))}
    assert s.status_date == mar(12)


def test_project_figures_by_hand(hand):
    # line  For           cost    span (working days)         PV as of Thu 12        EV                     AC
    # R1    T1            10,000  Mon 2 - Fri 6 (5): all past  10,000                 10,000 x 100 % = 10,000 12,000
    # R2    T2  5 x 1,200  6,000  Mon 9 - Mon 16 (5; Wed 11 a  6,000 x 3/5 = 3,600    6,000 x 50 % = 3,000    blank = 0
    #                             holiday): 9, 10, 12 by Thu 12
    # R3    T4 (baseline) 2,000   Mon 2 - Thu 5 (4): all past  2,000 (the early dates 2,000 x 25 % = 500        400
    #                             Mon 9 - Fri 13 would give 3/4 of it: 1,500)
    # R4    D1            3,000   Mon 2 - Mon 16 (10), 8 past  3,000 x 8/10 = 2,400   D1 progress by duration: 2,000
    #                                                                                 (5x100 + 5x50 + 0x0)/10 = 75 %: 2,250
    # R5    (project)     1,400   Mon 2 - Mon 16 (10), 8 past  1,400 x 8/10 = 1,120   project progress by duration:
    #                                                                                 (5x100 + 5x50 + 0 + 4x25)/14 = 850/14 %: 850  1,000
    # R6    reserve       5,000   left out of BAC
    # BAC = 10,000 + 6,000 + 2,000 + 3,000 + 1,400 = 22,400
    # PV = 10,000 + 3,600 + 2,000 + 2,400 + 1,120 = 19,120
    # EV = 10,000 + 3,000 + 500 + 2,250 + 850 = 16,600
    # AC = 12,000 + 0 + 400 + 2,000 + 1,000 = 15,400
    # SV = 16,600 - 19,120 = -2,520; CV = 16,600 - 15,400 = 1,200
    # SPI = 16,600 / 19,120 = 0.868200...; CPI = 16,600 / 15,400 = 1.077922...
    # EAC = 22,400 / CPI = 22,400 x 15,400 / 16,600 = 20,780.722891...
    # ETC = EAC - 15,400 = 5,380.722891...; VAC = 22,400 - EAC = 1,619.277108...
    _, _, report = hand
    assert isinstance(report, EarnedValueReport) and report.currency == "EUR" and report.status_date == mar(12)
    assert_figures(report.project, bac=22_400, pv=19_120, ev=16_600, ac=15_400, sv=-2_520, cv=1_200,
                   spi=16_600 / 19_120, cpi=16_600 / 15_400, eac=20_780.72, etc=5_380.72, vac=1_619.28)
    assert report.project.spi == pytest.approx(0.868200836, abs=1e-9)
    assert report.project.eac == pytest.approx(22_400 * 15_400 / 16_600, rel=1e-12)  # full precision kept


def test_each_line_by_hand(hand):
    _, _, report = hand
    lines = {ln.resource: ln for ln in report.lines}
    assert {k: (ln.cost, ln.start, ln.finish) for k, ln in lines.items()} == {
        "Design team": (10_000, mar(2), mar(6)),
        "Build crew": (6_000, mar(9), mar(16)),  # Quantity x Unit cost
        "Trainer": (2_000, mar(2), mar(5)),  # the baseline, not Mon 9 - Fri 13
        "Licences": (3_000, mar(2), mar(16)),  # the span of D1's tasks
        "Project office": (1_400, mar(2), mar(16)),  # the span of all tasks (T4's from its baseline)
        "Contingency": (0, mar(2), mar(16)),  # a reserve: not in BAC
    }
    assert {k: (round(ln.pv, 2), round(ln.ev, 2)) for k, ln in lines.items()} == {
        "Design team": (10_000, 10_000), "Build crew": (3_600, 3_000), "Trainer": (2_000, 500),
        "Licences": (2_400, 2_250), "Project office": (1_120, 850), "Contingency": (0, 0)}
    assert not lines["Contingency"].in_bac and lines["Build crew"].actual_cost is None


def test_deliverables_by_hand(hand):
    # D1: R1 (T1), R2 (T2), R4 (D1). BAC 10,000 + 6,000 + 3,000 = 19,000; PV 10,000 + 3,600 + 2,400 = 16,000;
    #     EV 10,000 + 3,000 + 2,250 = 15,250; AC 12,000 + 0 + 2,000 = 14,000; SV -750; CV 1,250;
    #     SPI 15,250 / 16,000 = 0.953125; CPI 15,250 / 14,000 = 1.089285...;
    #     EAC 19,000 x 14,000 / 15,250 = 17,442.622950...; ETC 3,442.62...; VAC 1,557.377049...
    # D2: R3 (T4). BAC 2,000; PV 2,000; EV 500; AC 400; SV -1,500; CV 100; SPI 0.25; CPI 1.25;
    #     EAC 2,000 / 1.25 = 1,600; ETC 1,200; VAC 400
    # R5 (For empty) and R6 (reserve, For empty) belong to no deliverable.
    _, _, report = hand
    assert list(report.deliverables) == ["D1", "D2"]
    assert_figures(report.deliverables["D1"], bac=19_000, pv=16_000, ev=15_250, ac=14_000, sv=-750, cv=1_250,
                   spi=0.953125, cpi=15_250 / 14_000, eac=17_442.62, etc=3_442.62, vac=1_557.38)
    assert_figures(report.deliverables["D2"], bac=2_000, pv=2_000, ev=500, ac=400, sv=-1_500, cv=100, spi=0.25,
                   cpi=1.25, eac=1_600, etc=1_200, vac=400)


def test_the_curve_is_weekly_to_the_status_date_then_planned_value_to_the_end(hand):
    # Weekly points ending on Thu 12, from the last one before any planned cost to the first at or after the
    # planned end (Mon 16):
    # Thu Feb 26: nothing planned yet: 0.
    # Thu Mar 5: R1 4/5 x 10,000 = 8,000; R2 0; R3 all of its baseline (Mon 2 - Thu 5) 2,000;
    #            R4 4/10 x 3,000 = 1,200; R5 4/10 x 1,400 = 560: 11,760.
    # Thu Mar 12: PV 19,120 with EV 16,600 and AC 15,400 (known as of the status date only).
    # Thu Mar 19: everything planned: BAC 22,400.
    _, _, report = hand
    assert [p[0] for p in report.curve] == [date(2026, 2, 26), mar(5), mar(12), mar(19)]
    assert [round(p[1], 2) for p in report.curve] == [0, 11_760, 19_120, 22_400]
    assert [(p[2], p[3]) for p in report.curve] == [(None, None), (None, None), (16_600, 15_400), (None, None)]


def test_as_dict_is_the_json_contract(hand):
    _, _, report = hand
    d = report.project.as_dict()
    assert list(d) == ["bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac"]
    assert json.loads(json.dumps(d)) == d and d["bac"] == 22_400


def test_findings_of_the_hand_plan(hand):
    # Project SPI 0.87 < 0.9: W215 on Resources. D1: SPI 0.95, CPI 1.09: nothing. D2: SPI 0.25: W215 at D2's
    # row. R2 (Build crew) has no Actual cost while other lines have one and 3,600 of it was planned by
    # Thu 12: W218 at its Actual cost cell. R6 (reserve) has none either but is not in BAC: no finding.
    plan, _, report = hand
    found = earned_value_findings(plan, report)
    assert [(f.code, f.location.sheet, f.location.row, f.location.header) for f in found] == [
        ("W215", "Resources", None, ""), ("W215", "Deliverables", 3, "ID"),
        ("W218", "Resources", 3, "Actual cost")]
    assert str(found[0]) == (
        "plan.xlsx:Resources: W215 TP-1: schedule performance index SPI 0.87 as of 2026-03-12: the work done is "
        "worth 16,600.00 EUR of the 19,120.00 EUR planned by then (87%); below 0.9 the work is falling behind "
        "the plan")
    assert found[1].message.startswith("D2: schedule performance index SPI 0.25 as of 2026-03-12")
    assert str(found[2]).startswith("plan.xlsx:Resources!L3 (Actual cost): W218 resource 'Build crew' has no "
                                    "Actual cost although other lines have one and its work was under way by "
                                    "2026-03-12")
    assert all(not f.is_error for f in found)


def test_cpi_below_0_9_is_a_finding_for_the_project_and_the_deliverable(tmp_path):
    # R1 cost 20,000 instead of 12,000: AC = 23,400, CPI = 16,600 / 23,400 = 0.709...;
    # D1: AC 22,000, CPI 15,250 / 22,000 = 0.693...; D2 unchanged (CPI 1.25).
    plan, _, report = report_of(tmp_path, rows_of_the_plan(R1={"Actual cost": 20_000}))
    assert_figures(report.project, ac=23_400, cpi=16_600 / 23_400, eac=22_400 * 23_400 / 16_600)
    found = [f for f in earned_value_findings(plan, report) if f.code == "W216"]
    assert [(f.location.sheet, f.location.row) for f in found] == [("Resources", None), ("Deliverables", 2)]
    assert found[0].message == (
        "TP-1: cost performance index CPI 0.71 as of 2026-03-12: the work done is worth 16,600.00 EUR of the "
        "plan but cost 23,400.00 EUR; below 0.9 the work costs more than planned")


def test_a_figure_that_divides_by_zero_is_none(tmp_path):
    # Status date Fri Feb 27, before the start (Mon Mar 2), nothing spent and nothing done:
    # PV 0, EV 0, AC 0: SPI = 0/0, CPI = 0/0, so EAC, ETC and VAC are None; SV = CV = 0.
    rows = rows_of_the_plan(R1={"Actual cost": None}, R3={"Actual cost": None}, R4={"Actual cost": None},
                            R5={"Actual cost": None})
    rows["Project"]["Status date"] = date(2026, 2, 27)
    for t in rows["Tasks"]:
        t.update({"Status": "Not started", "Progress": 0})
    plan, _, report = report_of(tmp_path, rows)
    assert_figures(report.project, bac=22_400, pv=0, ev=0, ac=0, sv=0, cv=0, spi=None, cpi=None, eac=None,
                   etc=None, vac=None)
    assert report.project.as_dict()["spi"] is None
    assert earned_value_findings(plan, report) == []  # no SPI or CPI to judge; no Actual cost anywhere
    # the curve starts on the status date (before any planned cost) and runs weekly past Mon 16
    assert [p[0] for p in report.curve] == [date(2026, 2, 27), date(2026, 3, 6), mar(13), mar(20)]
    assert report.curve[0][1:] == (0.0, 0.0, 0.0)


def test_money_spent_with_nothing_earned_gives_cpi_0_and_no_estimate_at_completion(tmp_path):
    # As above, but 500 already spent on R5: AC 500, EV 0: CPI = 0 / 500 = 0, EAC = BAC / 0: None.
    rows = rows_of_the_plan(R1={"Actual cost": None}, R3={"Actual cost": None}, R4={"Actual cost": None},
                            R5={"Actual cost": 500})
    rows["Project"]["Status date"] = date(2026, 2, 27)
    for t in rows["Tasks"]:
        t.update({"Status": "Not started", "Progress": 0})
    plan, _, report = report_of(tmp_path, rows)
    assert_figures(report.project, ac=500, cv=-500, cpi=0, eac=None, etc=None, vac=None, spi=None)
    assert [f.code for f in earned_value_findings(plan, report)] == ["W216"]  # CPI 0 < 0.9; no work under way


def test_a_deliverable_without_tasks_plans_its_cost_on_its_due_date(tmp_path):
    # D3 has no tasks: R7's 900 are planned on its Due (Fri Mar 20), after the status date: PV 0; D3 is not
    # Done, so EV 0. On Mar 20 the curve has it all.
    rows = rows_of_the_plan()
    rows["Deliverables"].append({"ID": "D3", "Deliverable": "Report", "Objectives": "O1", "Owner": PERSON,
                                 "Due": mar(20), "Acceptance criteria": "Filed"})
    rows["RACI"].append({"Item": "D3", PERSON: "A/R"})
    rows["Resources"].append({"Resource": "Printing", "Type": "Material", "Cost": 900, "For": "D3"})
    _, _, report = report_of(tmp_path, rows)
    assert_figures(report.deliverables["D3"], bac=900, pv=0, ev=0, ac=0, spi=None, cpi=None)
    assert_figures(report.project, bac=23_300, pv=19_120, ev=16_600)
    assert report.curve[-1][0] == mar(26) and report.curve[-1][1] == money(23_300)


def test_no_resource_with_a_cost_gives_none(tmp_path):
    # a line without Cost or Unit cost, and a reserve, are no budget
    rows = minimal_rows()
    rows["Resources"] = [{"Resource": "Volunteers", "Type": "Personnel", "Quantity": 3, "For": "T1"},
                         {"Resource": "Contingency", "Type": "Money", "Cost": 1_000, "Reserve": "yes"}]
    result = checked(tmp_path, rows)
    assert earned_value(result.plan, result.schedule) is None
    assert earned_value_findings(result.plan, None) == []
    plain = checked(tmp_path, minimal_rows(), "plain.xlsx")  # no Resources sheet at all
    assert earned_value(plain.plan, plain.schedule) is None


def test_a_deliverables_figures_equal_to_the_projects_are_not_repeated(tmp_path):
    # Only R2 (Build crew, T2 in D1) with an Actual cost of 5,000: project and D1 are the same figures
    # (BAC 6,000, PV 3,600, EV 3,000, AC 5,000: SPI 0.83, CPI 0.6), so W215 and W216 once each, on Resources.
    rows = rows_of_the_plan()
    rows["Resources"] = [{"Resource": "Build crew", "Type": "Personnel", "Quantity": 5, "Unit cost": 1_200,
                          "For": "T2", "Actual cost": 5_000}]
    plan, _, report = report_of(tmp_path, rows)
    assert report.deliverables["D1"] == report.project
    assert_figures(report.project, bac=6_000, pv=3_600, ev=3_000, ac=5_000, spi=3_000 / 3_600, cpi=0.6,
                   eac=10_000, etc=5_000, vac=-4_000)
    found = earned_value_findings(plan, report)
    assert [(f.code, f.location.sheet) for f in found] == [("W215", "Resources"), ("W216", "Resources")]


def test_an_index_just_below_0_9_is_not_shown_as_0_90():
    from implan_docs.earned_value import index

    assert (index(0.868), index(0.8996), index(0.8951), index(0.9), index(1.25)) == (
        "0.87", "0.8996", "0.895", "0.90", "1.25")
