"""The filled workbook: computed columns, Summary, everything the user wrote kept, text stays text,
byte-identical output; read back with openpyxl and, as a second reader, LibreOffice (CSV of every sheet).
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from implan_docs.errors import ValidationFailed
from implan_docs.phases import schedule_to_workbook
from implan_docs.xlsx.filled import RISK_COLUMNS, TASK_COLUMNS, write_filled_workbook
from implan_docs.xlsx.new import build_workbook
from plans import write_plan
from implan_docs.schedule import schedule_plan
from implan_docs.xlsx.reader import read_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "rollout-plan.xlsx"
STATUS = date(2027, 3, 3)
FORMULA_LIKE = ["=SUM(1,2)", "+cmd|' /C calc'!A0", "-2+3", "@risky"]


PERSON = "Ann Lee"
TASKS = [
    {"ID": "T1", "Task": FORMULA_LIKE[0], "Deliverable": "D1", "Owner": PERSON, "Duration": 3, "Status": "Done",
     "Work package": "WP1"},
    {"ID": "T2", "Task": FORMULA_LIKE[1], "Deliverable": "D1", "Owner": PERSON, "Duration": 2, "Depends on": "T1",
     "Status": "Not started", "Work package": FORMULA_LIKE[2]},
    {"ID": "T3", "Task": FORMULA_LIKE[3], "Deliverable": "D1", "Owner": PERSON, "Duration": 1, "Depends on": "T1 SS",
     "Buffer": 1, "Status": "In progress", "Progress": 50},
    {"ID": "M1", "Task": "Go-live", "Deliverable": "D1", "Owner": PERSON, "Milestone": "yes", "Depends on": "T2, T3"},
]


def make_workbook(path: Path, language: str = "en", tasks: list[dict] | None = None,
                  summary_of_mine: bool = False) -> Path:
    """A small plan: T1 Mon 1 - Wed 3 Mar 2027; T2 after it (Fri 5 is a holiday); T3 with a buffer; M1."""
    extra = {"Notes": [["Anything the team keeps here"], [None, 42]]}
    if summary_of_mine:
        extra["Summary"] = [["My own summary"]]
    tasks = tasks or TASKS
    return write_plan(
        path, star=True, extra_sheets=extra,
        project={"Name": "Pilot rollout", "Purpose": "Replace paper forms", "Manager": PERSON, "Version": "1.2",
                 "Start": date(2027, 3, 1), "Finish": date(2027, 3, 10), "Budget": 10000, "Currency": "EUR",
                 "Status date": STATUS, "Language": language},
        deliverables=[{"ID": "D1", "Deliverable": "Forms app", "Objectives": "O1", "Owner": PERSON,
                       "Due": date(2027, 3, 4), "Acceptance criteria": "Used by all", "Status": "In progress"}],
        tasks=tasks,
        risks=[{"ID": "R1", "Risk": "Vendor late", "Likelihood": 3, "Impact": 5, "Mitigation": "Weekly review",
                "Contingency": "Second vendor", "Owner": PERSON, "Trigger": "Slip", "Status": "Open"},
               {"ID": "R2", "Risk": "Low uptake", "Likelihood": 1, "Impact": 2, "Mitigation": "Training",
                "Owner": PERSON, "Status": "Closed"}],
        people=[{"Name": PERSON, "Role": "Manager"}],
        raci=[{"Item": "D1", PERSON: "A/R"}] + [{"Item": t["ID"], PERSON: "A/R"} for t in tasks],
        resources=[{"Resource": "Tablets", "Type": "Equipment", "Quantity": 10, "Unit": "pcs", "Unit cost": 300,
                    "For": "D1", "Approver": PERSON},
                   {"Resource": "Licences", "Type": "Software", "Quantity": 10, "Unit cost": 50, "Cost": 500,
                    "For": "D1", "Approver": PERSON}],
        holidays=[{"Date": date(2027, 3, 5), "Name": "Founders' day"}],
    )


def cell_by_header(ws, header: str, row: int):
    for c in ws[1]:
        if str(c.value or "").rstrip("*") == header:
            return ws.cell(row, c.column)
    raise AssertionError(f"no column {header!r} in {ws.title}")


@pytest.fixture
def source(tmp_path) -> Path:
    return make_workbook(tmp_path / "plan.xlsx")


@pytest.fixture
def filled(source, tmp_path) -> Path:
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(source, out, STATUS)
    return out


def test_computed_columns_are_added_at_the_right_of_tasks(filled):
    ws = openpyxl.load_workbook(filled)["Tasks"]
    headers = [c.value for c in ws[1]]
    assert headers[-len(TASK_COLUMNS):] == list(TASK_COLUMNS)
    assert headers.index("Work package") < headers.index("Early start")  # custom column kept before them
    # T1 Mon 1 - Wed 3; T2 Thu 4, (Fri 5 holiday), Mon 8; T3 Mon 1 + 1 buffer day; M1 Mon 8
    expect = {2: (date(2027, 3, 1), date(2027, 3, 3), 0, "Yes", "No"),
              3: (date(2027, 3, 4), date(2027, 3, 8), 0, "Yes", "No"),
              4: (date(2027, 3, 1), date(2027, 3, 1), 3, "No", "Yes"),  # the buffer day is not float
              5: (date(2027, 3, 8), date(2027, 3, 8), 0, "Yes", "No")}
    for row, (es, ef, fl, crit, behind) in expect.items():
        start = cell_by_header(ws, "Early start", row)
        assert start.is_date and start.number_format == "yyyy-mm-dd"
        assert start.value == datetime.combine(es, datetime.min.time())
        assert cell_by_header(ws, "Early finish", row).value.date() == ef
        assert cell_by_header(ws, "Late finish", row).is_date
        assert cell_by_header(ws, "Total float", row).value == fl
        assert cell_by_header(ws, "Critical", row).value == crit
        assert cell_by_header(ws, "Behind", row).value == behind


def test_formula_looking_text_stays_text(filled):
    wb = openpyxl.load_workbook(filled)
    tasks = wb["Tasks"]
    for row, text in zip((2, 3, 4), (FORMULA_LIKE[0], FORMULA_LIKE[1], FORMULA_LIKE[3])):
        cell = cell_by_header(tasks, "Task", row)
        assert cell.value == text and cell.data_type == "s"
    assert cell_by_header(tasks, "Work package", 3).value == FORMULA_LIKE[2]
    summary = wb["Summary"]
    names = [c for row in summary.iter_rows() for c in row if c.value in FORMULA_LIKE]
    assert {c.value for c in names} >= {FORMULA_LIKE[0], FORMULA_LIKE[1]}  # critical task names listed
    assert all(c.data_type == "s" for c in names)
    with zipfile.ZipFile(filled) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets  # no formula anywhere in this plan


def test_risks_resources_and_summary(filled):
    wb = openpyxl.load_workbook(filled)
    risks = wb["Risks"]
    assert [c.value for c in risks[1]][-2:] == list(RISK_COLUMNS)
    assert (cell_by_header(risks, "Score", 2).value, cell_by_header(risks, "Rating", 2).value) == (15, "High")
    assert (cell_by_header(risks, "Score", 3).value, cell_by_header(risks, "Rating", 3).value) == (2, "Low")
    res = wb["Resources"]
    computed, written = cell_by_header(res, "Cost", 2), cell_by_header(res, "Cost", 3)
    assert computed.value == 3000 and computed.font.i
    assert written.value == 500 and not written.font.i
    rows = {r[0]: r[1:] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert rows["Schedule summary"][0] is None
    assert rows["Computed finish"][0].date() == date(2027, 3, 8)
    assert rows["Target finish"][0].date() == date(2027, 3, 10)
    assert rows["Chain 1"][0] == "T1 \u2192 T2 \u2192 M1"
    assert rows["Approved budget (EUR)"][0] == 10000
    assert rows["Resource costs (EUR)"][0] == 3500
    assert rows["Remaining (EUR)"][0] == 6500
    assert rows["D1"][:4] == ("Forms app", datetime(2027, 3, 1), datetime(2027, 3, 8), datetime(2027, 3, 4))
    assert rows["D1"][4] == 1  # working days late: Mon 8 vs Thu 4, Fri 5 is a holiday
    assert rows["Rated High"][0] == 1


def test_everything_the_user_wrote_is_kept(source, filled):
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(filled)
    assert after.sheetnames == before.sheetnames + ["Summary"]
    for ws in before.worksheets:
        new = after[ws.title]
        for row in ws.iter_rows():
            for c in row:
                assert new[c.coordinate].value == c.value or (ws.title == "Resources" and c.value is None)
    assert after["Notes"]["A1"].value == "Anything the team keeps here" and after["Notes"]["B2"].value == 42


def test_a_plan_started_from_the_ready_to_fill_workbook(tmp_path):
    """``implan new``'s workbook: styled headers, 500 prepared rows, dropdowns, an Instructions sheet."""
    wb = build_workbook("en")
    values = {"Name": "From the template", "Purpose": "Check the fill", "Manager": PERSON, "Version": "1",
              "Start": date(2027, 3, 1)}
    for row in wb["Project"].iter_rows(min_row=2):
        if str(row[0].value).rstrip("*") in values:
            row[1].value = values[str(row[0].value).rstrip("*")]
    rows = {"Objectives": [("O1", "Ship", "count", None, 1)], "Scope": [("In scope", "All")],
            "Deliverables": [("D1", "Thing", "", "O1", PERSON, date(2027, 3, 31), "Works")],
            "Tasks": [("T1", "Build", "D1", PERSON, None, None, 4), ("T2", "Done", "D1", PERSON, None, None, None,
                                                                   "T1", "yes")],
            "Risks": [("R1", "Slip", "", 2, 2, "Watch", "", PERSON)], "People": [(PERSON, "Manager")],
            "RACI": [("D1", "A/R"), ("T1", "A/R"), ("T2", "A/R")]}
    wb["RACI"]["B1"] = PERSON
    for sheet, data in rows.items():
        for r, values_ in enumerate(data, start=2):
            for c, value in enumerate(values_, start=1):
                wb[sheet].cell(r, c).value = value
    src = tmp_path / "new.xlsx"
    wb.save(src)
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(src, out, STATUS)
    filled = openpyxl.load_workbook(out)
    tasks = filled["Tasks"]
    header = cell_by_header(tasks, "Early start", 1)
    assert header.column == 18  # right after the contract columns (Progress ... Baseline finish)
    assert header.font.b and header.fill.fgColor.rgb == tasks["L1"].fill.fgColor.rgb != "00000000"  # styled alike
    assert cell_by_header(tasks, "Early finish", 3).value.date() == date(2027, 3, 4)
    assert cell_by_header(tasks, "Critical", 4).value is None  # prepared rows stay empty
    assert filled.sheetnames[0] == "Instructions"
    assert len(filled["Tasks"].data_validations.dataValidation) == len(
        openpyxl.load_workbook(src)["Tasks"].data_validations.dataValidation)


def test_same_inputs_give_the_same_bytes(source, tmp_path):
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    schedule_to_workbook(source, one, STATUS)
    schedule_to_workbook(source, two, STATUS)
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2027-03-03T00:00:00Z" in zf.read("docProps/core.xml")


def test_filling_a_filled_workbook_replaces_its_own_additions(filled, tmp_path):
    again = tmp_path / "again.xlsx"
    schedule_to_workbook(filled, again, STATUS)
    wb = openpyxl.load_workbook(again)
    headers = [c.value for c in wb["Tasks"][1]]
    assert all(headers.count(h) == 1 for h in TASK_COLUMNS)
    assert wb.sheetnames.count("Summary") == 1 and "Summary 2" not in wb.sheetnames
    plan, findings = read_plan(again)  # and it is still a plan
    assert not [f for f in findings if f.is_error] and len(plan.tasks) == 4


def test_a_summary_sheet_of_the_user_is_left_alone(tmp_path):
    src = make_workbook(tmp_path / "plan.xlsx", summary_of_mine=True)
    out = tmp_path / "out.xlsx"
    schedule_to_workbook(src, out, STATUS)
    wb = openpyxl.load_workbook(out)
    assert wb["Summary"]["A1"].value == "My own summary"
    assert wb["Summary 2"]["A1"].value == "Schedule summary"


def test_summary_labels_in_the_plan_language(tmp_path):
    src = make_workbook(tmp_path / "plan.xlsx", language="zh-TW")
    out = tmp_path / "out.xlsx"
    schedule_to_workbook(src, out, STATUS)
    wb = openpyxl.load_workbook(out)
    labels = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r[0]]
    assert labels[0] == "時程摘要" and "要徑" in labels and "核定預算（EUR）" in labels
    assert [c.value for c in wb["Tasks"][1]][-len(TASK_COLUMNS):] == list(TASK_COLUMNS)  # headers stay English


def test_a_plan_with_errors_is_not_filled(tmp_path):
    src = make_workbook(tmp_path / "plan.xlsx", tasks=[
        {"ID": "T1", "Task": "a", "Owner": "Ann Lee", "Duration": 1, "Depends on": "T2"},
        {"ID": "T2", "Task": "b", "Owner": "Ann Lee", "Duration": 1, "Depends on": "T1"},
    ])
    out = tmp_path / "out.xlsx"
    with pytest.raises(ValidationFailed) as err:
        schedule_to_workbook(src, out, STATUS)
    assert any(f.code == "E165" for f in err.value.findings)
    assert not out.exists()


# -- a second reader: LibreOffice ------------------------------------------------------------------------------


def soffice(tmp_path: Path, *args: str) -> None:
    exe = shutil.which("soffice")
    assert exe, "LibreOffice (soffice) is part of the environment (scripts/setup)"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", *args],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})


def csv_sheets(tmp_path: Path, xlsx: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``xlsx`` as LibreOffice Calc reads it (CSV, formatted as shown)."""
    outdir = tmp_path / "csv"
    outdir.mkdir(exist_ok=True)
    soffice(tmp_path, "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir", str(outdir), str(xlsx))
    sheets = {}
    for path in outdir.glob(f"{xlsx.stem}-*.csv"):
        with open(path, newline="", encoding="utf-8") as fh:
            sheets[path.stem[len(xlsx.stem) + 1:]] = list(csv.reader(fh))
    assert sheets, "LibreOffice wrote no CSV (is libreoffice-calc installed?)"
    return sheets


@pytest.mark.slow
def test_libreoffice_reads_the_computed_columns_and_keeps_text_as_text(tmp_path):
    src = make_workbook(tmp_path / "plan.xlsx")
    # a formula the user wrote, with its cached value as a calculating program saves it
    wb = openpyxl.load_workbook(src)
    wb["Notes"]["C3"] = "=B2*2"
    wb["Tasks"]["N1"] = "Estimate"
    wb["Tasks"]["N2"] = "=G2*100"
    wb.save(src)
    soffice(tmp_path, "--convert-to", "xlsx", "--outdir", str(tmp_path / "calc"), str(src))
    calculated = tmp_path / "calc" / "plan.xlsx"
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(calculated, out, STATUS)

    kept = openpyxl.load_workbook(out)
    assert kept["Notes"]["C3"].value == "=B2*2" and kept["Tasks"]["N2"].value == "=G2*100"  # still formulas
    values = openpyxl.load_workbook(out, data_only=True)
    assert values["Notes"]["C3"].value == 84 and values["Tasks"]["N2"].value == 300  # and their values
    assert not [f for f in read_plan(out)[1] if f.is_error]  # our reader needs those cached values

    sheets = csv_sheets(tmp_path, out)
    tasks = sheets["Tasks"]
    header = tasks[0]
    for name in TASK_COLUMNS:
        assert name in header
    row = dict(zip(header, tasks[1]))
    assert (row["Early start"], row["Early finish"], row["Critical"]) == ("2027-03-01", "2027-03-03", "Yes")
    assert row["Task*"] == FORMULA_LIKE[0] and row["Estimate"] == "300"
    assert dict(zip(header, tasks[2]))["Task*"] == FORMULA_LIKE[1]
    assert dict(zip(header, tasks[3]))["Task*"] == FORMULA_LIKE[3]
    assert sheets["Notes"][2][2] == "84"
    assert sheets["Summary"][0][0] == "Schedule summary"
    assert any(r[:2] == ["Computed finish", "2027-03-08"] for r in sheets["Summary"])
    risks = sheets["Risks"]
    assert dict(zip(risks[0], risks[1]))["Rating"] == "High"


def test_the_example_plan_filled(tmp_path):
    out = tmp_path / "filled.xlsx"
    s = schedule_to_workbook(EXAMPLE, out)
    plan, _ = read_plan(EXAMPLE)
    ws = openpyxl.load_workbook(out)["Tasks"]
    headers = [c.value for c in ws[1]]
    assert headers[-len(TASK_COLUMNS):] == list(TASK_COLUMNS)
    for task in plan.tasks:
        td = s.tasks[task.id]
        assert cell_by_header(ws, "Early finish", task.row).value.date() == td.early_finish
        assert cell_by_header(ws, "Critical", task.row).value == ("Yes" if td.critical else "No")
    again = tmp_path / "again.xlsx"
    write_filled_workbook(EXAMPLE, plan, schedule_plan(plan), again)
    assert again.read_bytes() == out.read_bytes()


def test_created_time_is_the_sources_or_the_status_date(source, tmp_path):
    core = zipfile.ZipFile(source).read("docProps/core.xml")
    created = core.split(b"<dcterms:created")[1].split(b">")[1].split(b"<")[0]
    out = tmp_path / "out.xlsx"
    schedule_to_workbook(source, out, STATUS)
    assert b">" + created + b"</dcterms:created>" in zipfile.ZipFile(out).read("docProps/core.xml")
    # a workbook whose core properties carry no created time (openpyxl would invent "now")
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(bare, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                start = body.index(b"<dcterms:created")
                body = body[:start] + body[body.index(b"</dcterms:created>") + 18:]
            dst.writestr(info.filename, body)
    schedule_to_workbook(bare, out, STATUS)
    assert b">2027-03-03T00:00:00Z</dcterms:created>" in zipfile.ZipFile(out).read("docProps/core.xml")
