"""Three-point estimates and baseline dates on Tasks (docs/plan-workbook.md, "Schedule confidence"):
E132 incomplete, E133 out of order, W217 ignored on a milestone or a fixed task, E134 baseline reversed.

The minimal plan: T1 (Duration 5, row 2) then milestone T2 (row 3). Tasks columns A-L are the contract's
first twelve; the schedule-confidence columns follow in the order written here: M Optimistic,
N Most likely, O Pessimistic, P Baseline start, Q Baseline finish.
"""
from __future__ import annotations

from datetime import date

import pytest
from plans import minimal_rows, write_plan

from implan_docs.cli import main
from implan_docs.findings import render
from implan_docs.phases import check_plan

NEW_COLUMNS = ("Optimistic", "Most likely", "Pessimistic", "Baseline start", "Baseline finish")
CODES = {"E132", "E133", "E134", "W217"}


def plan_path(tmp_path, t1=None, t2=None, name="plan.xlsx"):
    rows = minimal_rows()
    rows["Tasks"][0].update({c: None for c in NEW_COLUMNS})  # the columns, in this order, after the contract's
    rows["Tasks"][0].update(t1 or {})
    rows["Tasks"][1].update(t2 or {})
    return write_plan(tmp_path / name, rows=rows)


def found(tmp_path, t1=None, t2=None):
    """The estimate findings as (code, cell, header, message)."""
    result = check_plan(plan_path(tmp_path, t1, t2))
    return [(f.code, f.location.cell, f.location.header, f.message) for f in result.findings if f.code in CODES]


def test_a_complete_estimate_in_order_is_no_finding(tmp_path):
    assert found(tmp_path, {"Optimistic": 3, "Most likely": 5, "Pessimistic": 9}) == []
    assert found(tmp_path, {"Optimistic": 3, "Pessimistic": 9}) == []  # Most likely blank: the Duration, 5
    assert found(tmp_path, {"Optimistic": 5, "Most likely": 5, "Pessimistic": 5}) == []  # equal is in order
    assert found(tmp_path, {"Optimistic": 0, "Most likely": 2.5, "Pessimistic": 7.5}) == []  # 0, fractions
    assert check_plan(plan_path(tmp_path, {"Optimistic": 3, "Pessimistic": 9})).findings == ()


@pytest.mark.parametrize("given, cell, header, missing", [
    ({"Optimistic": 3}, "O2", "Pessimistic", "Pessimistic"),
    ({"Pessimistic": 9}, "M2", "Optimistic", "Optimistic"),
    ({"Optimistic": 3, "Most likely": 5}, "O2", "Pessimistic", "Pessimistic"),
    ({"Most likely": 5, "Pessimistic": 9}, "M2", "Optimistic", "Optimistic"),
    ({"Most likely": 5}, "M2", "Optimistic", "Optimistic, Pessimistic"),  # Most likely alone
])
def test_an_incomplete_estimate_is_e132_at_the_first_empty_cell(tmp_path, given, cell, header, missing):
    assert found(tmp_path, given) == [
        ("E132", cell, header, f"task T1 has an incomplete three-point estimate (empty: {missing}): give "
                               "Optimistic and Pessimistic, or neither; Most likely may stay blank for the Duration")]


@pytest.mark.parametrize("given, cell, column, value, values", [
    ({"Optimistic": -1, "Most likely": 5, "Pessimistic": 9}, "M2", "Optimistic", "-1",
     "Optimistic -1, Most likely 5, Pessimistic 9"),
    ({"Optimistic": 6, "Most likely": 5, "Pessimistic": 9}, "M2", "Optimistic", "6",
     "Optimistic 6, Most likely 5, Pessimistic 9"),
    ({"Optimistic": 3, "Most likely": 10, "Pessimistic": 9}, "N2", "Most likely", "10",
     "Optimistic 3, Most likely 10, Pessimistic 9"),
    ({"Optimistic": 9, "Most likely": 5, "Pessimistic": 3}, "M2", "Optimistic", "9",  # the first one only
     "Optimistic 9, Most likely 5, Pessimistic 3"),
    ({"Optimistic": 6, "Pessimistic": 9}, "M2", "Optimistic", "6",  # above the Duration (5)
     "Optimistic 6, Duration 5, Pessimistic 9"),
    ({"Optimistic": 2, "Pessimistic": 4.5}, "O2", "Pessimistic", "4.5",  # below the Duration (5)
     "Optimistic 2, Duration 5, Pessimistic 4.5"),
])
def test_an_estimate_out_of_order_is_e133_naming_the_cell(tmp_path, given, cell, column, value, values):
    assert found(tmp_path, given) == [
        ("E133", cell, column, f"task T1: {column} {value} breaks the order 0 <= Optimistic <= Most likely <= "
                               f"Pessimistic ({values})")]


def test_an_estimate_on_a_milestone_is_ignored_w217(tmp_path):
    assert found(tmp_path, t2={"Optimistic": 0, "Most likely": 1, "Pessimistic": 2}) == [
        ("W217", "M3", "Optimistic", "task T2: its three-point estimate is ignored, because a milestone or a task "
                                     "with both Start and Finish keeps its dates in every simulation")]
    # located at the first estimate cell given; the contract's rules hold on every row all the same
    assert [(c, cell) for c, cell, _, _ in found(tmp_path, t2={"Pessimistic": 2})] == [("E132", "M3"), ("W217", "O3")]


def test_an_estimate_on_a_fixed_task_is_ignored_w217(tmp_path):
    fixed = {"Start": date(2026, 3, 2), "Finish": date(2026, 3, 6), "Duration": None}
    assert [(c, cell) for c, cell, _, _ in found(tmp_path, {**fixed, "Optimistic": 3, "Pessimistic": 8})] == [
        ("W217", "M2")]
    # a Start with a Duration is not fixed: the simulation draws its duration
    assert found(tmp_path, {"Start": date(2026, 3, 2), "Optimistic": 3, "Pessimistic": 8}) == []
    assert found(tmp_path, {**fixed}) == []  # no estimate, nothing to say


def test_a_baseline_finish_before_its_start_is_e134(tmp_path):
    assert found(tmp_path, {"Baseline start": date(2026, 3, 6), "Baseline finish": date(2026, 3, 2)}) == [
        ("E134", "Q2", "Baseline finish", "task T1: Baseline finish 2026-03-02 is before Baseline start 2026-03-06")]
    assert found(tmp_path, {"Baseline start": date(2026, 3, 2), "Baseline finish": date(2026, 3, 6)}) == []
    assert found(tmp_path, t2={"Baseline start": date(2026, 3, 9), "Baseline finish": date(2026, 3, 9)}) == []


def test_messages_render_in_traditional_chinese(tmp_path):
    result = check_plan(plan_path(tmp_path, {"Optimistic": 6, "Most likely": 5},
                                  {"Optimistic": 0, "Pessimistic": 1, "Baseline start": date(2026, 3, 9),
                                   "Baseline finish": date(2026, 3, 6)}))
    texts = {f.code: render(f, "zh-TW") for f in result.findings if f.code in CODES}
    assert texts == {
        "E132": "工作項目 T1 的三點估計不完整（未填寫：Pessimistic）：樂觀值（Optimistic）與悲觀值（Pessimistic）"
                "須同時填寫或同時留空；最可能值（Most likely）可留空，即採用工期（Duration）",
        "E134": "工作項目 T2 的基準完成日（Baseline finish）2026年3月6日 早於基準開始日（Baseline start）2026年3月9日",  # dates as the document writes them
        "W217": "工作項目 T2 的三點估計不會被採用：里程碑或同時填寫開始日與完成日的工作項目，在每次模擬中都維持原定日期",
    }


def test_implan_check_lists_them_located_and_exits_1(tmp_path, capsys):
    path = plan_path(tmp_path, {"Optimistic": 6, "Most likely": 5, "Pessimistic": 9,
                                "Baseline start": date(2026, 3, 6), "Baseline finish": date(2026, 3, 2)},
                     {"Most likely": 1})
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "plan.xlsx:Tasks!M2 (Optimistic): E133 task T1: Optimistic 6 breaks the order 0 <= Optimistic <= "
        "Most likely <= Pessimistic (Optimistic 6, Most likely 5, Pessimistic 9)",
        "plan.xlsx:Tasks!Q2 (Baseline finish): E134 task T1: Baseline finish 2026-03-02 is before Baseline start "
        "2026-03-06",
        "plan.xlsx:Tasks!M3 (Optimistic): E132 task T2 has an incomplete three-point estimate (empty: Optimistic, "
        "Pessimistic): give Optimistic and Pessimistic, or neither; Most likely may stay blank for the Duration",
        "plan.xlsx:Tasks!N3 (Most likely): W217 task T2: its three-point estimate is ignored, because a milestone "
        "or a task with both Start and Finish keeps its dates in every simulation",
        "plan.xlsx: 3 errors, 1 finding",
    ]


def test_implan_check_passes_an_ignored_estimate_unless_strict(tmp_path, capsys):
    path = plan_path(tmp_path, t2={"Optimistic": 0, "Pessimistic": 0})
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "plan.xlsx:Tasks!M3 (Optimistic): W217 task T2: its three-point estimate is ignored, because a milestone "
        "or a task with both Start and Finish keeps its dates in every simulation",
        "plan.xlsx: 1 finding"]
    assert main(["check", "--strict", str(path)]) == 1
