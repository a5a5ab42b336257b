"""One cause, one error: a required sheet that is missing, has no header row or lacks a required column is
one error line, not a cascade of references into it; every independent error is still reported."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from plans import REQUIRED_COLUMNS, REQUIRED_SHEETS, minimal_rows, write_plan

from implan_docs.phases import check_plan
from implan_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
IMPLAN = Path(sys.executable).parent / "implan"
REQUIRED_SHEET_COLUMNS = [(s, c) for s in REQUIRED_SHEETS for c in sorted(REQUIRED_COLUMNS[s])]


MONEY = ("W215", "W216", "W218")  # earned-value findings: the example's progress is behind its plan on purpose


def lines(path: Path) -> list[str]:
    return [str(f) for f in check_plan(path).findings if f.code not in MONEY]


def example_with(tmp_path: Path, name: str, change) -> Path:
    """The bundled example (a full plan: every sheet cross-referenced) changed by ``change(workbook)``."""
    wb = openpyxl.load_workbook(EXAMPLE)
    change(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def remove_column(ws, header: str) -> None:
    headers = [str(c.value or "").rstrip("*").strip() for c in ws[1]]
    ws.delete_cols(headers.index(header) + 1)


def clear_header_row(ws) -> None:
    for cell in ws[1]:
        cell.value = None


def test_the_plans_are_clean_before_they_are_broken(tmp_path):
    assert lines(EXAMPLE) == [] and lines(write_plan(tmp_path / "plan.xlsx")) == []


@pytest.mark.parametrize("sheet", REQUIRED_SHEETS)
def test_a_missing_required_sheet_is_one_error(tmp_path, sheet):
    assert lines(write_plan(tmp_path / "plan.xlsx", drop=(sheet,))) == [
        f"plan.xlsx:{sheet}: E101 required sheet '{sheet}' is missing"]
    path = example_with(tmp_path, "example.xlsx", lambda wb: wb.remove(wb[sheet]))
    assert lines(path) == [f"example.xlsx:{sheet}: E101 required sheet '{sheet}' is missing"]


@pytest.mark.parametrize("sheet", REQUIRED_SHEETS)
def test_a_required_sheet_without_header_row_is_one_error(tmp_path, sheet):
    path = example_with(tmp_path, "example.xlsx", lambda wb: clear_header_row(wb[sheet]))
    found = lines(path)
    assert len(found) == 1 and found[0].startswith(f"example.xlsx:{sheet}!1: E103 "), found


@pytest.mark.parametrize("sheet, column", REQUIRED_SHEET_COLUMNS)
def test_a_missing_required_column_is_one_error(tmp_path, sheet, column):
    expected = [f"plan.xlsx:{sheet}!1: E105 required column '{column}' is missing from sheet '{sheet}'"]
    assert lines(write_plan(tmp_path / "plan.xlsx", drop_columns={sheet: [column]})) == expected
    path = example_with(tmp_path, "example.xlsx", lambda wb: remove_column(wb[sheet], column))
    assert lines(path) == [expected[0].replace("plan.xlsx", "example.xlsx")]


@pytest.mark.parametrize("sheet", REQUIRED_SHEETS)
def test_implan_check_prints_one_error_line_and_the_count(tmp_path, capsys, sheet):
    path = example_with(tmp_path, "plan.xlsx", lambda wb: wb.remove(wb[sheet]))
    code = main(["check", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out == [f"plan.xlsx:{sheet}: E101 required sheet '{sheet}' is missing", "plan.xlsx: 1 error, 0 findings"]


def test_implan_check_in_its_own_process_the_issue_s_workbook(tmp_path):
    """The report of the issue: the example without its Deliverables sheet gave 11 lines."""
    path = example_with(tmp_path, "plan.xlsx", lambda wb: wb.remove(wb["Deliverables"]))
    run = subprocess.run([str(IMPLAN), "check", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == ["plan.xlsx:Deliverables: E101 required sheet 'Deliverables' is missing",
                                       "plan.xlsx: 1 error, 0 findings"]
    assert run.stderr == ""


def test_independent_errors_are_kept(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][1]["Depends on"] = "T1, T9"  # unknown task: the Tasks sheet is there, so this is an error
    rows["Risks"][0]["Likelihood"] = 9
    rows["Objectives"].append(dict(rows["Objectives"][0]))  # O1 twice
    rows["RACI"].append({"Item": "X1", "Alex Morgan": "A/R"})  # a deliverable's ID? cannot be told
    rows["Resources"] = [{"Resource": "Laptop", "Type": "Equipment", "For": "D7"}]  # idem
    found = lines(write_plan(tmp_path / "plan.xlsx", rows=rows, drop=("Deliverables",)))
    assert found == [
        "plan.xlsx:Deliverables: E101 required sheet 'Deliverables' is missing",
        "plan.xlsx:Objectives!A3 (ID): E160 duplicate ID 'O1' (first in row 2)",
        "plan.xlsx:Risks!D2 (Likelihood): E125 9 is outside 1-5",
        "plan.xlsx:Tasks!H3 (Depends on): E163 task T2 depends on unknown task 'T9'",
    ]


def test_references_into_a_sheet_that_is_there_are_still_checked(tmp_path):
    """Only the sheet that cannot be read silences references into it: with Tasks gone, a deliverable's
    unknown objective and a RACI column naming nobody in People are still errors."""
    rows = minimal_rows()
    rows["Deliverables"][0]["Objectives"] = "O1, O9"
    rows["RACI"][0]["Nobody"] = "I"
    rows["RACI"].append({"Item": "D1", "Alex Morgan": "A/R"})  # RACI item twice
    found = lines(write_plan(tmp_path / "plan.xlsx", rows=rows, drop=("Tasks",)))
    assert found == [  # sorted by sheet, then row
        "plan.xlsx:Deliverables!D2 (Objectives): E161 deliverable D1 refers to unknown objective 'O9'",
        "plan.xlsx:RACI!C1 (Nobody): E171 RACI column 'Nobody' is not a person listed in People",
        "plan.xlsx:RACI!A5 (Item): E172 RACI item 'D1' appears twice (first in row 2)",
        "plan.xlsx:Tasks: E101 required sheet 'Tasks' is missing",
    ]


def test_a_missing_non_key_column_still_checks_references(tmp_path):
    """Tasks without its Owner column (E105) still has its IDs: an unknown predecessor is an error."""
    rows = minimal_rows()
    rows["Tasks"][1]["Depends on"] = "T9"
    found = lines(write_plan(tmp_path / "plan.xlsx", rows=rows, drop_columns={"Tasks": ["Owner"]}))
    assert found == ["plan.xlsx:Tasks!1: E105 required column 'Owner' is missing from sheet 'Tasks'",
                     "plan.xlsx:Tasks!G3 (Depends on): E163 task T2 depends on unknown task 'T9'"]


def test_two_missing_sheets_are_two_errors(tmp_path):
    assert lines(write_plan(tmp_path / "plan.xlsx", drop=("Deliverables", "People"))) == [
        "plan.xlsx:Deliverables: E101 required sheet 'Deliverables' is missing",
        "plan.xlsx:People: E101 required sheet 'People' is missing",
    ]


def test_a_project_cell_is_one_finding_named_by_its_field(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", project={"Purpose": "Replace_x0007_ paper", "Programme": "Big_x0007_"})
    assert lines(path) == [
        "plan.xlsx:Project!B4 (Purpose): W190 control characters removed from the text (they cannot appear in a "
        "Word document)",
        "plan.xlsx:Project!B10 (Programme): W190 control characters removed from the text (they cannot appear in "
        "a Word document)",
    ]
    assert check_plan(path).plan.project.purpose == "Replace paper"
