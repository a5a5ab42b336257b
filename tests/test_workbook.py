"""The reader and the validator against the contract: each rule, at its exact location."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from plans import Cell, minimal_rows, write_plan

from implan_docs.phases import check_plan
from implan_docs.model import Link
from implan_docs.validate import validate
from implan_docs.xlsx.reader import read_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "rollout-plan.xlsx"


def findings_of(path: Path) -> list[str]:
    """All findings (reading + validation) as the one-line strings the CLI prints."""
    return [str(f) for f in check_plan(path).findings]


def codes(path: Path) -> list[str]:
    return [f.code for f in check_plan(path).findings]


def one(path: Path, code: str) -> str:
    lines = [line for line in findings_of(path) if f" {code} " in line]
    assert len(lines) == 1, findings_of(path)
    return lines[0]


# -- reading ---------------------------------------------------------------------------------------------


def test_minimal_plan_reads_clean(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx")
    assert findings_of(path) == []
    plan, _ = read_plan(path)
    assert plan.project.name == "Test plan" and plan.project.start == date(2026, 3, 2)
    assert [t.id for t in plan.tasks] == ["T1", "T2"]
    assert plan.tasks[1].milestone and plan.tasks[1].depends == (Link("T1", "FS", 0),)


def test_headers_match_by_text_in_any_order_and_custom_columns_are_kept(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Work package"] = "WP1"
    cols = ["  progress ", "OWNER*", "Work package", "task", " ID *", "Deliverable", "duration", "STATUS",
            "Depends On", "milestone"]
    path = write_plan(tmp_path / "plan.xlsx", rows=rows, columns={"Tasks": cols},
                      sheet_names={"Tasks": " tasks "}, extra_sheets={"Notes": [["Note"], ["kept"]]})
    plan, found = read_plan(path)
    assert found == []
    t1 = plan.tasks[0]
    assert (t1.id, t1.owner, t1.duration, t1.progress) == ("T1", "Alex Morgan", 5, 0)
    assert t1.extra == (("Work package", "WP1"),)
    assert plan.other_sheets == ("Notes",)
    assert plan.sheet("Tasks").name == " tasks "


def test_unknown_project_fields_are_kept(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", project={"Programme": "Digital 2030"})
    plan, found = read_plan(path)
    assert found == [] and plan.project.extra == (("Programme", "Digital 2030"),)


def test_empty_rows_are_skipped(tmp_path):
    rows = minimal_rows()
    rows["Risks"] = [{}, rows["Risks"][0], {}, {}]
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    plan, found = read_plan(path)
    assert found == [] and [(r.id, r.row) for r in plan.risks] == [("R1", 3)]


def test_dates_as_text_numbers_as_text_and_ids_as_numbers(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0].update({"Start": "2026-03-04", "Duration": "3", "ID": 1})
    rows["Tasks"][1]["Depends on"] = "1"
    rows["RACI"][1]["Item"] = 1
    rows["Resources"] = [{"Resource": "Laptops", "Type": "equipment", "Quantity": "1,500", "Unit cost": "2.50"}]
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    plan, found = read_plan(path)
    assert found == []
    assert plan.tasks[0].id == "1" and plan.tasks[0].start == date(2026, 3, 4) and plan.tasks[0].duration == 3
    r = plan.resources[0]
    assert (r.type, r.quantity, r.unit_cost, r.total_cost) == ("Equipment", 1500, 2.5, 3750)


def test_percent_formatted_cell_means_percent(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Progress"] = Cell(0.5, "0%")
    rows["People"][0]["Availability"] = "50%"
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert found == [] and plan.tasks[0].progress == 50 and plan.people[0].availability == 50


@pytest.mark.parametrize("value", ["yes", "Y", "TRUE", 1, True, "x"])
def test_milestone_accepts_the_usual_yes(tmp_path, value):
    rows = minimal_rows()
    rows["Tasks"][1]["Milestone"] = value
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert found == [] and plan.tasks[1].milestone


@pytest.mark.parametrize("text, links", [
    ("T1", (Link("T1", "FS", 0),)),
    ("T1 SS", (Link("T1", "SS", 0),)),
    ("T1 FS+2d", (Link("T1", "FS", 2),)),
    ("T1 ff-1d", (Link("T1", "FF", -1),)),
    ("T1+3d", (Link("T1", "FS", 3),)),
    ("T1 SF +2d, T1 SS", (Link("T1", "SF", 2), Link("T1", "SS", 0))),
])
def test_depends_on_syntax(tmp_path, text, links):
    rows = minimal_rows()
    rows["Tasks"][1]["Depends on"] = text
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert found == [] and plan.tasks[1].depends == links


def test_ids_with_dashes_and_dots_are_not_lags(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["ID"] = "T-3.1"
    rows["Tasks"][1]["Depends on"] = "T-3.1 FS-1d"
    rows["RACI"][1]["Item"] = "T-3.1"
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert found == [] and plan.tasks[1].depends == (Link("T-3.1", "FS", -1),)


def test_formula_cached_value_is_read_and_missing_cache_is_an_error(tmp_path):
    rows = minimal_rows()
    rows["Risks"][0]["Impact"] = "=1+2"  # openpyxl writes formulas without a cached value
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    wb = load_workbook(path)
    wb["Risks"]["D2"].value = "=1+1"  # a real formula (the builder writes text starting with = as text)
    wb["Risks"]["E2"].value = "=1+2"
    wb.save(path)
    lines = findings_of(path)
    assert len(lines) == 2, lines
    assert lines[0].startswith("plan.xlsx:Risks!D2 (Likelihood): E111 formula =1+1 has no cached value")
    assert lines[1].startswith("plan.xlsx:Risks!E2 (Impact): E111 formula =1+2 has no cached value")
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice is part of the setup")
    out = tmp_path / "calc"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=120,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    plan, found = read_plan(out / "plan.xlsx")  # saved by LibreOffice: calculated and cached
    assert found == [] and (plan.risks[0].likelihood, plan.risks[0].impact) == (2, 3)


# -- cell rules, each at its exact location ------------------------------------------------------------


def test_required_cell_empty_names_file_sheet_cell_and_column(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][1]["Owner"] = None
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    assert one(path, "E120") == "plan.xlsx:Tasks!D3 (Owner): E120 required cell is empty"


@pytest.mark.parametrize("sheet, row, key, value, code, cell", [
    ("Risks", 0, "Likelihood", 6, "E125", "Risks!D2 (Likelihood)"),
    ("Risks", 0, "Impact", "high", "E124", "Risks!E2 (Impact)"),
    ("Tasks", 0, "Progress", 150, "E128", "Tasks!L2 (Progress)"),
    ("Tasks", 0, "Duration", -2, "E126", "Tasks!G2 (Duration)"),
    ("Tasks", 0, "Duration", 2.5, "E124", "Tasks!G2 (Duration)"),
    ("Tasks", 0, "Status", "Finished", "E122", "Tasks!K2 (Status)"),
    ("Tasks", 0, "Start", "03/04/2026", "E123", "Tasks!E2 (Start)"),
    ("Tasks", 1, "Milestone", "maybe", "E129", "Tasks!I3 (Milestone)"),
    ("Tasks", 1, "Depends on", "T1 XX", "E131", "Tasks!H3 (Depends on)"),
    ("Tasks", 1, "Depends on", "T1 FS+2w", "E130", "Tasks!H3 (Depends on)"),
    ("Scope", 0, "Kind", "Maybe", "E122", "Scope!A2 (Kind)"),
    ("Tasks", 0, "ID", "T 1", "E121", "Tasks!A2 (ID)"),
])
def test_cell_rules(tmp_path, sheet, row, key, value, code, cell):
    rows = minimal_rows()
    rows[sheet][row][key] = value
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    assert one(path, code).startswith(f"plan.xlsx:{cell}: {code} ")


@pytest.mark.parametrize("field, value, code", [
    ("Language", "fr", "E143"), ("Working days", "Mon-Funday", "E144"), ("Currency", "Dollars", "E142"),
    ("Start", "soon", "E123"), ("Status", "Final", "E122"), ("Budget", "lots", "E127"),
])
def test_project_field_rules(tmp_path, field, value, code):
    path = write_plan(tmp_path / "plan.xlsx", project={field: value})
    row = list(minimal_rows()["Project"]).index(field) + 2 if field in minimal_rows()["Project"] else None
    line = one(path, code)
    assert line.startswith("plan.xlsx:Project!B")
    if row:
        assert line.startswith(f"plan.xlsx:Project!B{row} ({field}): {code}")


def test_required_project_field(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", project={"Manager": None})
    assert "E140 required Project field 'Manager' is missing or empty" in one(path, "E140")


def test_missing_sheet_column_duplicate_and_unnamed_columns(tmp_path):
    rows = minimal_rows()
    rows["Risks"][0]["?"] = "orphan value"
    path = write_plan(tmp_path / "plan.xlsx", rows=rows, drop=("Scope",), drop_columns={"Tasks": ["Owner"]},
                      columns={"Risks": ["ID", "Risk", "Likelihood", "Impact", "Mitigation", "Owner", "risk", ""]})
    wb = load_workbook(path)
    wb["Risks"]["H2"] = "orphan value"
    wb.save(path)
    lines = findings_of(path)
    assert "plan.xlsx:Scope: E101 required sheet 'Scope' is missing" in lines
    assert "plan.xlsx:Tasks!1: E105 required column 'Owner' is missing from sheet 'Tasks'" in lines
    assert "plan.xlsx:Risks!G1: E104 column header 'risk' appears twice (first in column B)" in lines
    assert "plan.xlsx:Risks!H2: E106 column has values but no header" in lines


def test_all_errors_in_one_pass_sorted_by_sheet_and_row(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][1]["Owner"] = None
    rows["Tasks"][0]["Progress"] = 300
    rows["Risks"][0]["Likelihood"] = 9
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    errors = [f for f in check_plan(path).findings if f.is_error]
    assert [(f.location.sheet, f.location.cell) for f in errors] == [("Risks", "D2"), ("Tasks", "L2"), ("Tasks", "D3")]


def test_control_characters_are_removed_with_a_finding(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Do_x0007_ the_x001B_ work"  # how Excel stores control characters in XML
    rows["Tasks"][1]["Task"] = "Literal _x005F_x0041_ stays"  # an escaped underscore: the user typed _x0041_
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert plan.tasks[1].name == "Literal _x0041_ stays"
    assert plan.tasks[0].name == "Do the work"
    assert [str(f) for f in found] == ["plan.xlsx:Tasks!B2 (Task): W190 control characters removed from the text "
                                       "(they cannot appear in a Word document)"]


# -- cross references ------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, code, expected", [
    (lambda r: r["Tasks"][1].update({"ID": "T1"}), "E160", "plan.xlsx:Tasks!A3 (ID): E160 duplicate ID 'T1' (first in row 2)"),
    (lambda r: r["Deliverables"][0].update({"Objectives": "O1, O9"}), "E161",
     "plan.xlsx:Deliverables!D2 (Objectives): E161 deliverable D1 refers to unknown objective 'O9'"),
    (lambda r: r["Tasks"][0].update({"Deliverable": "D9"}), "E162",
     "plan.xlsx:Tasks!C2 (Deliverable): E162 task T1 refers to unknown deliverable 'D9'"),
    (lambda r: r["Tasks"][1].update({"Depends on": "T9 SS"}), "E163",
     "plan.xlsx:Tasks!H3 (Depends on): E163 task T2 depends on unknown task 'T9'"),
    (lambda r: r["Tasks"][1].update({"Depends on": "T2"}), "E164", "plan.xlsx:Tasks!H3 (Depends on): E164 task T2 depends on itself"),
    (lambda r: r["Tasks"][0].update({"Duration": None}), "E166",
     "plan.xlsx:Tasks!G2 (Duration): E166 task T1 has no Start and Finish, no Duration, and is not a milestone"),
    (lambda r: r["RACI"].append({"Item": "X1"}), "E170", "plan.xlsx:RACI!A5 (Item): E170 RACI item 'X1' is not a deliverable or task ID"),
    (lambda r: r["RACI"][0].update({"Nobody": "I"}), "E171", "plan.xlsx:RACI!C1 (Nobody): E171 RACI column 'Nobody' is not a person listed in People"),
    (lambda r: r["RACI"][0].update({"Alex Morgan": "X"}), "E150", "plan.xlsx:RACI!B2 (Alex Morgan): E150 'X' is not a RACI role (use R, A, C, I or a combination such as A/R)"),
    (lambda r: r.update({"Resources": [{"Resource": "Laptop", "Type": "Equipment", "For": "T7"}]}), "E173",
     "plan.xlsx:Resources!G2 (For): E173 resource 'Laptop' is for unknown task or deliverable 'T7'"),
])
def test_references(tmp_path, change, code, expected):
    rows = minimal_rows()
    change(rows)
    assert one(write_plan(tmp_path / "plan.xlsx", rows=rows), code) == expected


def test_every_cycle_is_listed(tmp_path):
    rows = minimal_rows()
    person = "Alex Morgan"
    rows["Tasks"] = [
        {"ID": "A", "Task": "a", "Owner": person, "Duration": 1, "Depends on": "C"},
        {"ID": "B", "Task": "b", "Owner": person, "Duration": 1, "Depends on": "A SS"},
        {"ID": "C", "Task": "c", "Owner": person, "Duration": 1, "Depends on": "B FF+1d"},
        {"ID": "D", "Task": "d", "Owner": person, "Duration": 1, "Depends on": "E"},
        {"ID": "E", "Task": "e", "Owner": person, "Duration": 1, "Depends on": "D"},
        {"ID": "M", "Task": "m", "Owner": person, "Milestone": "yes"},
    ]
    rows["RACI"] = [{"Item": "D1", person: "A/R"}]
    lines = [line for line in findings_of(write_plan(tmp_path / "plan.xlsx", rows=rows)) if "E165" in line]
    assert lines == ["plan.xlsx:Tasks!H2 (Depends on): E165 dependency cycle: A -> B -> C -> A",
                     "plan.xlsx:Tasks!H5 (Depends on): E165 dependency cycle: D -> E -> D"]


# -- findings (questions a reviewer would ask) -----------------------------------------------------------


@pytest.mark.parametrize("change, code, expected", [
    (lambda r: r["RACI"][0].update({"Alex Morgan": "R"}), "W201", "plan.xlsx:RACI!A2 (Item): W201 D1 has 0 accountable (A) people in RACI; it needs exactly one"),
    (lambda r: r["RACI"][0].update({"Alex Morgan": "A"}), "W202", "plan.xlsx:RACI!A2 (Item): W202 D1 has no responsible (R) person in RACI"),
    (lambda r: r["RACI"].pop(0), "W203", "plan.xlsx:Deliverables!A2 (ID): W203 deliverable D1 has no row in RACI: who is accountable for it?"),
    (lambda r: r["Objectives"].append({"ID": "O2", "Objective": "x", "Metric": "y", "Target": 1}), "W204",
     "plan.xlsx:Objectives!A3 (ID): W204 objective O2 has no deliverable that serves it"),
    (lambda r: r["Deliverables"][0].update({"Acceptance criteria": None}), "W205",
     "plan.xlsx:Deliverables!G2 (Acceptance criteria): W205 deliverable D1 has no acceptance criteria: how will anyone know it is done?"),
    (lambda r: r["Risks"][0].update({"Likelihood": 4, "Impact": 4, "Contingency": "Plan B"}), "W206",
     "plan.xlsx:Risks!I2 (Trigger): W206 risk R1 scores 16 (high) but has no Trigger"),
    (lambda r: r["People"].append({"Name": "Sam Idle", "Role": "Observer"}), "W207",
     "plan.xlsx:People!A3 (Name): W207 Sam Idle is listed in People but has no role in the plan"),
    (lambda r: r["Tasks"][1].update({"Milestone": "no", "Duration": 1}), "W208", "plan.xlsx:Tasks!I (Milestone): W208 the plan has no milestone"),
    (lambda r: r["Risks"][0].update({"Owner": "Pat Unknown"}), "W209", "plan.xlsx:Risks!H2 (Owner): W209 Owner 'Pat Unknown' is not listed in People"),
])
def test_findings(tmp_path, change, code, expected):
    rows = minimal_rows()
    change(rows)
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    assert one(path, code) == expected
    assert check_plan(path).ok  # findings never fail the plan


def test_example_reads_with_no_findings():
    result = check_plan(EXAMPLE)
    # only earned value's W215: the example's work is behind its plan as of the status date, on purpose
    assert {f.code for f in result.findings} <= {"W215"}
    plan = result.plan
    assert {"FS", "SS", "FF", "SF"} <= {link.type for t in plan.tasks for link in t.depends}
    assert any(link.lag < 0 for t in plan.tasks for link in t.depends)
    assert any(link.lag > 0 for t in plan.tasks for link in t.depends)
    assert plan.holidays and plan.extra_working_days and plan.research and plan.swot and plan.resources
    assert any(t.extra for t in plan.tasks) and any(r.extra for r in plan.risks)
    assert validate(plan) == []


def test_input_is_never_modified(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx")
    before = path.read_bytes()
    check_plan(path)
    assert path.read_bytes() == before


def test_chinese_list_separators(tmp_path):
    rows = minimal_rows()
    rows["Objectives"].append({"ID": "O2", "Objective": "b", "Metric": "m", "Target": 1})
    rows["Deliverables"][0]["Objectives"] = "O1，O2"
    rows["Tasks"].insert(0, {"ID": "T0", "Task": "prep", "Owner": "Alex Morgan", "Duration": 1})
    rows["Tasks"][2]["Depends on"] = "T0、T1 FS+1d"
    plan, found = read_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert found == []
    assert plan.deliverables[0].objectives == ("O1", "O2")
    assert plan.tasks[2].depends == (Link("T0", "FS", 0), Link("T1", "FS", 1))
