"""implan diff: the example plan against a copy with known edits reports exactly those edits."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from implan_docs import blocks as b
from implan_docs.phases import check_plan
from implan_docs.cli import main
from implan_docs.diff import BudgetChange, FieldChange, RiskChange, RowChange, RowRef, diff_plans
from implan_docs.sections import changes
from implan_docs.sections.context import Context

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"


def _row(ws, column: int, value) -> int:
    for row in ws.iter_rows(min_row=2):
        if str(row[column - 1].value).rstrip("*") == value:
            return row[0].row
    raise AssertionError(f"{value} not in {ws.title}")


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    """The example with known edits, made with openpyxl."""
    path = tmp_path_factory.mktemp("diff") / "rollout-plan-v1.1.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    project = wb["Project"]
    project.cell(_row(project, 1, "Version"), 2).value = "1.1"
    project.cell(_row(project, 1, "Budget"), 2).value = 1_250_000
    tasks = wb["Tasks"]
    tasks.cell(_row(tasks, 1, "T10"), 7).value = 30  # Duration 25 -> 30, on the critical path
    risks = wb["Risks"]
    risks.cell(_row(risks, 1, "R1"), 4).value = 4  # Likelihood 3 -> 4: score 15 -> 20
    wb["Scope"].append(["Assumption", "Depot managers release two super-users each for testing", None])
    raci = wb["RACI"]
    raci.cell(_row(raci, 1, "D1"), 3).value = "R/C"  # Daniel Okafor: R -> R/C
    resources = wb["Resources"]
    resources.cell(2, 5).value = 500  # project manager's day rate 480 -> 500 (210 days)
    swot = wb["SWOT"]
    removed_swot = swot.cell(swot.max_row, 2).value
    swot.delete_rows(swot.max_row)
    deliverables = wb["Deliverables"]
    deliverables.cell(_row(deliverables, 1, "D2"), 5).value = "Priya Shah"
    wb.save(path)
    path.with_suffix(".removed").write_text(removed_swot, encoding="utf-8")
    return path


def test_reports_exactly_the_edits(edited):
    d = diff_plans(EXAMPLE, edited)
    removed_swot = edited.with_suffix(".removed").read_text(encoding="utf-8")
    old = check_plan(EXAMPLE).plan
    d2_owner = old.deliverable("D2").owner
    by_sheet = {s.sheet: s for s in d.sheets}
    assert list(by_sheet) == ["Project", "Scope", "Deliverables", "Tasks", "Risks", "RACI", "Resources", "SWOT"]
    assert by_sheet["Project"].changed == (
        RowChange("Version", "", (FieldChange("Value", "1.0", "1.1"),)),
        RowChange("Budget", "", (FieldChange("Value", "1200000", "1250000"),)),
    )
    assert by_sheet["Scope"].added == (RowRef("Depot managers release two super-users each for testing"),)
    assert by_sheet["Deliverables"].changed == (
        RowChange("D2", old.deliverable("D2").name, (FieldChange("Owner", d2_owner, "Priya Shah"),)),)
    assert by_sheet["Tasks"].changed == (
        RowChange("T10", old.task("T10").name, (FieldChange("Duration", "25", "30"),)),)
    assert by_sheet["Risks"].changed[0].changes == (FieldChange("Likelihood", "3", "4"),)
    assert by_sheet["RACI"].changed[0].changes == (FieldChange("Daniel Okafor", "R", "R/C"),)
    resource = old.resources[0].resource
    assert by_sheet["Resources"].changed == (RowChange(resource, "", (FieldChange("Unit cost", "480", "500"),)),)
    assert by_sheet["SWOT"].removed == (RowRef(removed_swot),)
    for s in d.sheets:
        assert len(s.added) + len(s.removed) + len(s.changed) == 1 + (s.sheet == "Project")
    assert d.counts == {"added": 1, "removed": 1, "changed": 7}

    assert d.risks == (RiskChange("R1", old.risks[0].risk, 15, 20, "High", "High"),)
    assert d.budget == (
        BudgetChange("Budget", 1_200_000, 1_250_000),
        BudgetChange("Planned cost", _planned(old), _planned(old) + 210 * 20),
        BudgetChange("Personnel", _planned(old, "Personnel"), _planned(old, "Personnel") + 210 * 20),
    )
    assert d.old_version == "1.0" and d.new_version == "1.1" and d.notes == ()


def _planned(plan, kind: str = "") -> float:
    return round(sum(r.total_cost or 0 for r in plan.resources if not kind or r.type == kind), 2)


def test_schedule_slips_in_working_days(edited):
    d = diff_plans(EXAMPLE, edited)
    slips = {(s.kind, s.id): s for s in d.slips}
    t10 = slips[("task", "T10")]
    assert t10.days == 5 and t10.new > t10.old
    assert all(s.days > 0 for s in d.slips)  # a longer task only pushes things later
    old, new = check_plan(EXAMPLE), check_plan(edited)
    moved = {t for t in new.schedule.tasks if new.schedule.tasks[t].early_finish != old.schedule.tasks[t].early_finish}
    assert {s.id for s in d.slips if s.kind == "task"} == moved
    project = d.slips[0]
    assert project.kind == "project" and project.days == d.finish_slip == 5  # critical: the finish moves too
    assert new.schedule.calendar.distance(old.schedule.finish, new.schedule.finish) == 5
    assert (project.old, project.new) == (old.schedule.finish, new.schedule.finish)


def test_same_plan_saved_again_has_no_changes(tmp_path):
    copy = tmp_path / "copy.xlsx"
    openpyxl.load_workbook(EXAMPLE).save(copy)
    d = diff_plans(EXAMPLE, copy)
    assert d.empty and d.slips == () and d.counts == {"added": 0, "removed": 0, "changed": 0}


def test_cli_text_and_json(edited, capsys):
    assert main(["diff", str(EXAMPLE), str(edited), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 7}
    assert data["new_version"] == "1.1"
    assert {s["sheet"] for s in data["sheets"]} >= {"Tasks", "Risks"}
    assert data["risks"][0]["new_score"] == 20
    assert all(isinstance(s["old"], str) for s in data["slips"])

    assert main(["diff", str(EXAMPLE), str(edited)]) == 0
    out = capsys.readouterr().out
    assert "1 row(s) added, 1 removed, 7 changed" in out
    assert "Duration" in out and "T10" in out and "Budget (GBP)" in out
    assert "forecast finish +5 working day(s)" in out


def test_plan_with_errors_is_compared_row_by_row(tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Tasks"].cell(_row(wb["Tasks"], 1, "T3"), 8).value = "T999"  # unknown predecessor: an error
    wb.save(broken)
    d = diff_plans(EXAMPLE, broken)
    assert d.sheet("Tasks").changed[0].changes == (FieldChange("Depends on", "T1 SS+2d", "T999"),)
    assert d.slips == () and len(d.notes) == 1 and "schedule not compared" in d.notes[0]


def test_unreadable_workbook_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert main(["diff", str(EXAMPLE), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.xlsx" in err


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_changes_section(edited, tmp_path, language):
    checked = check_plan(edited)
    d = diff_plans(EXAMPLE, edited)
    ctx = Context(checked.plan, checked.schedule, checked.findings, language, tmp_path,
                  checked.schedule.status_date, {"since": d})
    fragment = changes.build(ctx)
    again = b.Fragment.from_json(fragment.to_json())  # what the notebook writes and the assembler reads
    assert again == fragment
    heading = fragment.blocks[0]
    assert heading == b.Heading({"en": "Changes since version 1.0", "zh-TW": "自第 1.0 版以來的變更"}[language], 1)
    summary = fragment.blocks[1].text
    assert {"en": "working days later", "zh-TW": "個工作天"}[language] in summary
    tables = [x for x in fragment.blocks if isinstance(x, b.Table)]
    assert len(tables) == 4  # rows, schedule, risk scores, budget
    rows_table = tables[0]
    assert len(rows_table.rows) == 9
    details = [r[3].text for r in rows_table.rows]
    assert {"en": "Duration: 25 → 30", "zh-TW": "工期：25 → 30"}[language] in details
    schedule = tables[1]
    assert schedule.rows[0][0].text == {"en": "Project", "zh-TW": "專案"}[language]
    assert schedule.rows[0][4].text == "+5"
    assert any(r[1].text.startswith("T10 ") and r[4].text == "+5" for r in schedule.rows)
    assert tables[3].rows[0][3].text == "+£50,000"


def test_changes_section_without_previous_version(tmp_path):
    checked = check_plan(EXAMPLE)
    ctx = Context(checked.plan, checked.schedule, checked.findings, "en", tmp_path, checked.schedule.status_date)
    fragment = changes.build(ctx)
    assert fragment.section == "changes" and "--since" in fragment.blocks[1].text


def test_nothing_changed_section(tmp_path):
    checked = check_plan(EXAMPLE)
    d = diff_plans(EXAMPLE, EXAMPLE, status_date=date(2026, 11, 13))
    ctx = Context(checked.plan, checked.schedule, checked.findings, "en", tmp_path, checked.schedule.status_date,
                  {"since": d})
    fragment = changes.build(ctx)
    assert [x.text for x in fragment.blocks] == ["Changes since version 1.0",
                                                 "Nothing in the plan has changed since version 1.0."]
