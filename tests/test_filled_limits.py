"""The filled workbook is one Excel accepts: no cell over 32,767 characters (text the user wrote, computed
columns, the Summary), dates never as negative serials, numbers within range, no control characters.

Real files: plans written with openpyxl (a 100,000-character cell is set past openpyxl's own cut at
32,767), filled through ``implan schedule`` in its own process and through ``write_filled_workbook``,
read back with openpyxl and, as a second reader, LibreOffice (CSV of every sheet).
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import MAC_EPOCH
from plans import minimal_rows, write_plan
from test_filled import csv_sheets

from implan_docs.phases import check_plan
from implan_docs.phases import schedule_to_workbook
from implan_docs.xlsx.filled import shortened, write_filled_workbook
from implan_docs.xlsx.contract import EXCEL_CELL_LIMIT, excel_length
from implan_docs.xlsx.reader import read_plan

IMPLAN = Path(sys.executable).parent / "implan"
LONG = "".join(f"Step {i:05d} of the cut-over checklist. " for i in range(2700))[:100_000]
LONG_NAME = "Programme " + LONG[10:]
EMOJI = "\U0001F680" * 20_000  # 20,000 characters, 40,000 as Excel counts them (UTF-16)
MARKER = re.compile(r"\u2026 \[shortened from ([\d,]+) characters\]$")
# Where the reader meets a long cell, and which text it holds.
LONG_CELLS = {("Project", "B2"): LONG_NAME, ("Project", "B4"): LONG, ("Deliverables", "B2"): LONG,
              ("Tasks", "B2"): LONG, ("Tasks", "M2"): LONG, ("Tasks", "N2"): EMOJI}


def set_long_cells(path: Path, texts: dict[str, str]) -> Path:
    """Replace every cell holding a placeholder by its long text. openpyxl cuts what its setter is given
    at 32,767 characters, so the value is set as openpyxl's own reader does, and written whole."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in texts:
                    cell._value = texts[cell.value]
    wb.save(path)
    return path


def long_plan(path: Path) -> Path:
    rows = minimal_rows()
    rows["Project"].update({"Name": "@@NAME@@", "Purpose": "@@LONG@@"})
    rows["Deliverables"][0]["Deliverable"] = "@@LONG@@"
    rows["Tasks"][0].update({"Task": "@@LONG@@", "Notes": "@@LONG@@", "Emoji": "@@EMOJI@@"})
    write_plan(path, rows=rows, extra_sheets={"Notes": [["@@LONG@@"], ["short"]]})
    path = set_long_cells(path, {"@@LONG@@": LONG, "@@NAME@@": LONG_NAME, "@@EMOJI@@": EMOJI})
    with zipfile.ZipFile(path) as zf:  # the source really holds the whole text
        parts = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/"))
    assert parts.count(LONG.encode()) == 5 and parts.count(LONG_NAME.encode()) == 1
    return path


def string_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    out = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
           if isinstance(c.value, str)}
    wb.close()
    return out


def assert_all_within_limit(cells: dict) -> None:
    too_long = {k: excel_length(v) for k, v in cells.items() if excel_length(v) > EXCEL_CELL_LIMIT}
    assert not too_long, too_long


def assert_shortened(value: str, original: str) -> None:
    """``value`` is ``original`` cut to Excel's limit, ending in the marker that gives its length."""
    match = MARKER.search(value)
    assert match, value[-80:]
    assert match[1] == f"{excel_length(original):,}"
    assert original.startswith(value[:match.start()])
    assert EXCEL_CELL_LIMIT - 2 <= excel_length(value) <= EXCEL_CELL_LIMIT  # as much as fits (an emoji is 2)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return long_plan(tmp_path_factory.mktemp("long") / "plan.xlsx")


@pytest.fixture(scope="module")
def filled_by_cli(source) -> Path:
    out = source.parent / "filled-cli.xlsx"
    run = subprocess.run([str(IMPLAN), "schedule", str(source), "-o", str(out)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out}"), run.stdout
    return out


def test_the_plan_keeps_the_whole_text(source):
    plan = check_plan(source).plan
    assert plan.project.name == LONG_NAME and plan.project.purpose == LONG
    assert plan.deliverables[0].name == LONG and plan.tasks[0].name == LONG
    assert dict(plan.tasks[0].extra) == {"Notes": LONG, "Emoji": EMOJI}


def test_w191_names_each_long_cell_once_and_where_the_filled_copy_is_shortened(source):
    w191 = [f for f in check_plan(source).findings if f.code == "W191"]
    assert sorted((f.location.sheet, f.location.cell) for f in w191) == sorted(LONG_CELLS)
    by_cell = {(f.location.sheet, f.location.cell): f for f in w191}
    assert str(by_cell["Tasks", "B2"]) == (
        "plan.xlsx:Tasks!B2 (Task): W191 the text has 100,000 characters, more than Excel's 32,767 per cell: "
        "the document shows it all; in the filled workbook, Tasks!B2 (and the Summary, where it shows the text) "
        "is shortened to fit, ending in \u201c\u2026 [shortened from 100,000 characters]\u201d")
    assert by_cell["Project", "B4"].location.header == "Purpose"
    assert "has 40,000 characters" in by_cell["Tasks", "N2"].message  # as Excel counts: UTF-16
    for (sheet, cell), f in by_cell.items():
        assert f"in the filled workbook, {sheet}!{cell} " in f.message


def test_implan_schedule_writes_every_cell_within_excel_s_limit(source, filled_by_cli):
    cells = string_cells(filled_by_cli)
    assert_all_within_limit(cells)
    for key, original in LONG_CELLS.items():
        assert_shortened(cells[key], original)
    assert_shortened(cells["Notes", "A1"], LONG)  # a sheet of the user's, not part of the contract
    assert cells["Notes", "A2"] == "short"
    # every shortened cell outside the Summary is one W191 names (the Notes sheet is not read as plan)
    marked = {key for key, value in cells.items() if MARKER.search(value) and key[0] not in ("Summary", "Notes")}
    assert marked == set(LONG_CELLS)


def test_the_summary_shortens_what_it_repeats(filled_by_cli):
    summary = openpyxl.load_workbook(filled_by_cli)["Summary"]
    assert_shortened(summary["A2"].value, f"{LONG_NAME} (TP-1) version 1.0")
    rows = {r[0].value: r for r in summary.iter_rows() if r[0].value in ("D1", "T1")}
    assert_shortened(rows["D1"][1].value, LONG)  # the deliverables table
    assert_shortened(rows["T1"][1].value, LONG)  # the critical tasks
    assert rows["D1"][2].is_date  # the rest of the row is there


def test_write_filled_workbook_gives_the_same_cells(source, filled_by_cli, tmp_path):
    checked = check_plan(source)
    out = write_filled_workbook(source, checked.plan, checked.schedule, tmp_path / "filled.xlsx")
    assert out.read_bytes() == filled_by_cli.read_bytes()
    assert checked.plan.tasks[0].name == LONG  # writing did not touch the plan


def test_filling_the_filled_workbook_again_shortens_nothing_more(filled_by_cli, tmp_path):
    again = tmp_path / "again.xlsx"
    schedule_to_workbook(filled_by_cli, again)
    before, after = string_cells(filled_by_cli), string_cells(again)
    assert {k: v for k, v in after.items() if k[0] != "Summary"} == \
        {k: v for k, v in before.items() if k[0] != "Summary"}
    assert not [f for f in read_plan(again)[1] if f.code == "W191"]


@pytest.mark.slow
def test_libreoffice_reads_every_cell_within_the_limit_and_the_markers(source, filled_by_cli, tmp_path):
    # LibreOffice may cut long cells itself on import: the source shows what this one does
    (tmp_path / "source").mkdir()
    (tmp_path / "filled").mkdir()
    source_sheets = csv_sheets(tmp_path / "source", source)
    cuts_itself = len(source_sheets["Tasks"][1][1]) < len(LONG)
    sheets = csv_sheets(tmp_path / "filled", filled_by_cli)
    ours = string_cells(filled_by_cli)
    for (sheet, cell), original in LONG_CELLS.items():
        column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
        value = sheets[sheet][int(row) - 1][openpyxl.utils.column_index_from_string(column) - 1]
        assert value == ours[sheet, cell], (sheet, cell)  # LibreOffice reads what openpyxl reads
        assert_shortened(value, original)  # with the marker at its end, so nothing was cut after it
    for name, rows in sheets.items():
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                assert excel_length(value) <= EXCEL_CELL_LIMIT, (name, r + 1, c + 1)
    assert_shortened(sheets["Summary"][1][0], f"{LONG_NAME} (TP-1) version 1.0")
    if not cuts_itself:
        assert len(source_sheets["Tasks"][1][1]) == len(LONG)


# -- the Summary's own texts, escapes, control characters ----------------------------------------------------


def test_a_critical_path_longer_than_a_cell_is_shortened(tmp_path):
    person = "Alex Morgan"
    ids = [f"T{i:03d}-" + "x" * 995 for i in range(40)]  # 40 tasks of 1,000-character IDs in one chain
    tasks = [{"ID": tid, "Task": f"step {i}", "Deliverable": "D1", "Owner": person, "Duration": 1,
              "Depends on": ids[i - 1] if i else None} for i, tid in enumerate(ids)]
    tasks.append({"ID": "M", "Task": "done", "Deliverable": "D1", "Owner": person, "Milestone": "yes",
                  "Depends on": ids[-1]})
    path = write_plan(tmp_path / "plan.xlsx", tasks=tasks,
                      raci=[{"Item": "D1", person: "A/R"}] + [{"Item": t["ID"], person: "A/R"} for t in tasks])
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    assert_all_within_limit(string_cells(out))
    chain = " \u2192 ".join(ids + ["M"])
    assert excel_length(chain) > EXCEL_CELL_LIMIT
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True) if r[0]}
    assert_shortened(summary["Chain 1"], chain)


@pytest.mark.slow
def test_summary_text_reads_back_as_written(tmp_path):
    """A task name with a literal ``_x0041_`` (Excel stores it as ``_x005F_x0041_``) is shown literally in
    the Summary, not as the "A" it would escape; control characters never reach a cell."""
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Literal _x005F_x0041_ and bell_x0007_"
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    plan = check_plan(path).plan
    assert plan.tasks[0].name == "Literal _x0041_ and bell"
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"Literal _x005F_x0041_ and bell<" in xml  # the Summary's copy, escaped as Excel does
    assert b"Literal _x005F_x0041_ and bell_x0007_<" in xml  # the user's cell, as it was
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
    sheets = csv_sheets(tmp_path, out)
    critical = [r for r in sheets["Summary"] if r[:1] == ["T1"]]
    assert critical[-1][1] == "Literal _x0041_ and bell"  # as LibreOffice reads it


# -- dates and numbers -----------------------------------------------------------------------------------------


def negative_serials(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return [v for n in zf.namelist() if n.startswith("xl/worksheets/")
                for v in re.findall(rb"<v>(-[^<]*)</v>", zf.read(n))]


def test_dates_before_the_1904_system_s_first_day_are_text_not_negative_serials(tmp_path):
    path = write_plan(tmp_path / "plan.xlsx", project={"Start": date(1903, 12, 28),
                                                       "Status date": date(1904, 1, 8)})
    wb = openpyxl.load_workbook(path)
    wb.epoch = MAC_EPOCH  # saved by Excel for Mac with the 1904 date system
    wb.save(path)
    plan = check_plan(path).plan
    assert plan.project.start == date(1903, 12, 28)
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    assert negative_serials(out) == []
    tasks = openpyxl.load_workbook(out)["Tasks"]
    headers = [c.value for c in tasks[1]]
    start, finish = (tasks.cell(2, headers.index(h) + 1) for h in ("Early start", "Early finish"))
    assert (start.value, start.data_type) == ("1903-12-28", "s")  # before 1904-01-01: ISO text
    # Mon 28 .. Fri 1: serial 0, which openpyxl (and so the reader) would take for a time of day
    assert (finish.value, finish.data_type) == ("1904-01-01", "s")
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Project start"] == "1903-12-28" and summary["Computed finish"] == "1904-01-01"
    assert summary["Status date"] == datetime(1904, 1, 8)  # a date cell: serial 7
    assert read_plan(out)[0].project.start == date(1903, 12, 28)  # and the filled workbook still reads


def test_a_formula_s_cached_date_keeps_its_serial_in_the_1904_system(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Review on"] = date(2026, 3, 20)
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    wb = openpyxl.load_workbook(path)
    wb.epoch = MAC_EPOCH
    wb.save(path)
    with zipfile.ZipFile(path) as zf:  # a formula with its cached value, as a calculating program saves it
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    serials = {}
    for name, data in members.items():
        match = re.search(rb'(<c r="M2"[^>]*>)<v>([^<]+)</v>', data)
        if match:
            serials[name] = match[2]
            members[name] = data.replace(match[0], match[1] + b"<f>DATE(2026,3,20)</f><v>" + match[2] + b"</v>")
    assert len(serials) == 1 and float(next(iter(serials.values()))) == 44639  # 2026-03-20 counted from 1904
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert re.search(rb'<c r="M2"[^>]*><f>DATE\(2026,3,20\)</f><v>44639(\.0)?</v>', xml)  # not 46101
    assert dict(read_plan(out)[0].tasks[0].extra)["Review on"] == date(2026, 3, 20)


def test_an_iso_date_cell_before_1900_is_copied_as_text(tmp_path):
    """Other programs may write ISO date cells (t="d"); one before 1900 would become a negative serial."""
    rows = minimal_rows()
    rows["Tasks"][0]["Baseline"] = "@@OLD@@"
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    for name, data in members.items():
        members[name] = re.sub(rb'<c r="([A-Z]+\d+)"[^>]*><is><t>@@OLD@@</t></is></c>',
                               rb'<c r="\1" t="d"><v>1850-01-01</v></c>', data)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert dict(check_plan(path).plan.tasks[0].extra) == {"Baseline": date(1850, 1, 1)}
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    assert negative_serials(out) == []
    cell = openpyxl.load_workbook(out)["Tasks"]["M2"]
    assert (cell.value, cell.data_type) == ("1850-01-01", "s")


def test_a_cost_beyond_excel_s_range_is_not_written_as_a_broken_number(tmp_path):
    rows = minimal_rows()
    rows["Resources"] = [{"Resource": "Huge", "Type": "Money", "Quantity": 1e300, "Unit cost": 1e300},
                         {"Resource": "Pens", "Type": "Material", "Quantity": 3, "Unit cost": 2}]
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    out = tmp_path / "filled.xlsx"
    schedule_to_workbook(path, out)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<v></v>" not in xml and b"<v>inf" not in xml and b"<v>nan" not in xml
    wb = openpyxl.load_workbook(out)
    assert wb["Resources"]["F2"].value is None and wb["Resources"]["F3"].value == 6  # blank: not computable
    summary = {r[0].value: r[1] for r in wb["Summary"].iter_rows() if r[0].value}
    assert (summary["Resource costs (USD)"].value, summary["Resource costs (USD)"].data_type) == ("#NUM!", "e")


# -- the rule itself -------------------------------------------------------------------------------------------


def test_shortened():
    assert shortened("short") == "short" and shortened("x" * EXCEL_CELL_LIMIT) == "x" * EXCEL_CELL_LIMIT
    cut = shortened("x" * (EXCEL_CELL_LIMIT + 1))
    assert len(cut) == EXCEL_CELL_LIMIT and cut.endswith("\u2026 [shortened from 32,768 characters]")
    # counted in UTF-16 units, and never half an emoji
    assert shortened("\U0001F680" * 16_383) == "\U0001F680" * 16_383  # 32,766 units: fits
    cut = shortened("a" + "\U0001F680" * 16_384)
    assert excel_length(cut) <= EXCEL_CELL_LIMIT and cut.endswith("[shortened from 32,769 characters]")
    body = cut[:cut.index("\u2026")]
    assert body.encode("utf-16-le").decode("utf-16-le") == body and set(body[1:]) == {"\U0001F680"}
