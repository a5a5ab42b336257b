"""The `implan` command as a user meets it: exit codes, one-line errors, JSON, `new`, `check`, `schedule`."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import hostile_files as hf
import pytest
from openpyxl import load_workbook
from plans import minimal_rows, write_plan

from implan_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"

# Every broken or hostile workbook a user could hand the tool, with a word its message must contain.
HOSTILE_WORKBOOKS = [
    (hf.make_billion_laughs_xlsx, "refused for safety"),
    (hf.make_billion_laughs_sheet_xlsx, "refused for safety"),
    (hf.make_xxe_xlsx, "refused for safety"),
    (hf.make_utf16_xxe_xlsx, "refused for safety"),
    (hf.make_zip_bomb_xlsx, ""),
    (hf.make_bzip2_bomb_xlsx, ""),
    (hf.make_lying_zip_bomb_xlsx, ""),
    (hf.make_encrypted_xlsx, "password"),
    (hf.make_legacy_xls, ".xls"),
    (hf.make_csv_as_xlsx, "CSV"),
    (hf.make_text_file, "text"),
    (hf.make_empty_file, "empty"),
    (hf.make_random_binary, ""),
    (hf.make_truncated_xlsx, ""),
    (hf.make_docx_as_xlsx, "Word"),
    (hf.make_plain_zip, ""),
    (hf.make_missing_path, "not found"),
    (hf.make_directory, "folder"),
    (hf.make_strict_xlsx, "Strict"),
    (hf.make_missing_sheet_xlsx, "missing"),
]


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_example_is_clean(capsys):
    """No errors, and no question but the one the example is built to raise: its work is behind the plan
    as of the status date, so earned value reports SPI below 0.9 (W215), for the project and D2-D4."""
    code, out, err = run(capsys, "check", EXAMPLE)
    lines = out.strip().splitlines()
    assert (code, err, lines[-1]) == (0, "", "rollout-plan.xlsx: 4 findings")
    assert all(": W215 " in line for line in lines[:-1])


def test_check_lists_every_error_and_exits_1(tmp_path, capsys):
    rows = minimal_rows()
    rows["Tasks"][1]["Owner"] = None
    rows["Risks"][0]["Impact"] = 7
    code, out, err = run(capsys, "check", write_plan(tmp_path / "plan.xlsx", rows=rows))
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "plan.xlsx:Risks!E2 (Impact): E125 7 is outside 1-5",
        "plan.xlsx:Tasks!D3 (Owner): E120 required cell is empty",
        "plan.xlsx: 2 errors, 0 findings",
    ]


def test_findings_pass_unless_strict(tmp_path, capsys):
    rows = minimal_rows()
    rows["Deliverables"][0]["Acceptance criteria"] = None
    path = write_plan(tmp_path / "plan.xlsx", rows=rows)
    code, out, _ = run(capsys, "check", path)
    assert code == 0 and "W205" in out
    code, _, _ = run(capsys, "check", "--strict", path)
    assert code == 1


def test_check_json(tmp_path, capsys):
    rows = minimal_rows()
    rows["Tasks"][0]["Progress"] = 120
    code, out, _ = run(capsys, "check", "--format", "json", write_plan(tmp_path / "plan.xlsx", rows=rows))
    doc = json.loads(out)
    assert code == 1 and doc["errors"] == 1 and doc["ok"] is False
    assert doc["findings"][0] | {} == {"code": "E128", "severity": "error", "message": "120 is outside 0-100",
                                       "file": "plan.xlsx", "sheet": "Tasks", "row": 2, "column": "L",
                                       "header": "Progress", "cell": "L2"}


@pytest.mark.parametrize("maker, word", HOSTILE_WORKBOOKS, ids=[m.__name__[5:] for m, _ in HOSTILE_WORKBOOKS])
@pytest.mark.parametrize("command", ["check", "schedule"])
def test_hostile_workbooks_get_one_line_and_exit_1(tmp_path, capsys, maker, word, command):
    path = maker(tmp_path)
    before = hf.sha256(path) if path.is_file() else None
    args = [command, path] + (["-o", tmp_path / "filled.xlsx"] if command == "schedule" else [])
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and path.name in lines[0] and "Traceback" not in err, err
    assert word.lower() in lines[0].lower()
    assert "root:" not in err
    if before:
        assert hf.sha256(path) == before
    assert not (tmp_path / "filled.xlsx").exists()


def test_xlsm_is_read_as_data(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    members = hf._with_vba(hf._members(plan), "xl/workbook.xml", hf.XLSX_MAIN, hf.XLSM_MAIN,
                           "xl/_rels/workbook.xml.rels")
    path = hf._write_zip(tmp_path / "plan.xlsm", members)
    code, out, err = run(capsys, "check", path)
    assert (code, err) == (0, "") and "OK" in out


def test_no_traceback_unless_debug_in_a_real_process(tmp_path):
    path = hf.make_xxe_xlsx(tmp_path)
    cmd = [sys.executable, "-m", "implan_docs.cli", "check", str(path)]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 1 and plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr
    debug = subprocess.run(cmd[:3] + ["--debug"] + cmd[3:], capture_output=True, text=True, timeout=60)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_usage_errors_exit_2(capsys):
    code, _, err = run(capsys, "check")
    assert code == 2 and "usage" in err


def test_new_fill_check(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    assert run(capsys, "new", path)[0] == 0
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Instructions"
    assert [c.value for c in wb["Tasks"][1]][:4] == ["ID*", "Task*", "Deliverable", "Owner*"]
    assert wb["Tasks"].freeze_panes == "A2"
    assert any("Not started" in (dv.formula1 or "") for dv in wb["Tasks"].data_validations.dataValidation)
    # fill one row per required sheet, as a user would
    project = {r[0].value.rstrip("*"): r[1] for r in wb["Project"].iter_rows(min_row=2)}
    project["Name"].value, project["Purpose"].value, project["Manager"].value = "Pilot", "Try it", "Ana"
    from datetime import date
    project["Start"].value = date(2027, 1, 4)
    fill = {
        "Objectives": ["O1", "Faster service", "Days to repair", 10, 5, None, "Ana"],
        "Scope": ["In scope", "The pilot"],
        "Deliverables": ["D1", "Pilot report", None, "O1", "Ana", date(2027, 2, 1), "Signed off", "Not started"],
        "Tasks": ["T1", "Run the pilot", "D1", "Ana", None, None, 5, None, "no", None, "Not started", 0],
        "Risks": ["R1", "Delay", None, 2, 2, "Plan ahead", None, "Ana"],
        "People": ["Ana", "Manager"],
        "RACI": ["D1", "A/R"],
    }
    for sheet, values in fill.items():
        for col, value in enumerate(values, start=1):
            wb[sheet].cell(2, col, value)
    wb["Tasks"].append(["T2", "Pilot done", "D1", "Ana", None, None, None, "T1", "yes"])
    wb["RACI"]["B1"] = "Ana"
    wb.save(path)
    code, out, _ = run(capsys, "check", path)
    assert code == 0, out


def test_new_never_overwrites_without_force(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"precious")
    code, _, err = run(capsys, "new", path)
    assert code == 1 and "already exists" in err and path.read_bytes() == b"precious"
    assert run(capsys, "new", "--force", path)[0] == 0


def test_new_is_deterministic_and_zh_tw_has_chinese_instructions(tmp_path, capsys):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    run(capsys, "new", "--language", "zh-TW", a)
    run(capsys, "new", "--language", "zh-TW", b)
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert wb["Instructions"]["A1"].value == "如何填寫本實施計畫"
    assert "Tasks" in wb.sheetnames  # sheet names stay as the contract says


def test_new_example(tmp_path, capsys):
    path = tmp_path / "example.xlsx"
    assert run(capsys, "new", "--example", path)[0] == 0
    assert path.read_bytes() == EXAMPLE.read_bytes()
    assert run(capsys, "check", path)[0] == 0


def test_schedule_writes_filled_workbook_and_refuses_to_overwrite_input(tmp_path, capsys):
    out = tmp_path / "filled.xlsx"
    code, stdout, _ = run(capsys, "schedule", EXAMPLE, "-o", out)
    assert code == 0 and out.is_file() and "41 tasks" in stdout
    code, _, err = run(capsys, "schedule", out, "-o", out)
    assert code == 2 and "overwrite the input" in err


@pytest.mark.parametrize("kind, words", [("ro", "read-only"), ("full", "no space left")])
def test_read_only_or_full_output_folder_is_a_clear_error(tmp_path, capsys, kind, words):
    with limited_folder(tmp_path / kind, kind) as folder:
        code, _, err = run(capsys, "schedule", EXAMPLE, "-o", folder / "filled.xlsx")
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err
        assert not [p for p in folder.iterdir() if p.name != "filler"]  # no partial file left behind


@contextlib.contextmanager
def limited_folder(folder: Path, kind: str):
    """A read-only folder, or one on a file system with no space left (a tiny tmpfs; needs root)."""
    folder.mkdir()
    if os.geteuid() != 0:
        if kind == "full":
            pytest.skip("a full file system needs a tmpfs mount (root)")
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)
        return
    size = "64k"
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}" + (",ro" if kind == "ro" else ""), "tmpfs",
                    str(folder)], check=True)
    try:
        if kind == "full":
            (folder / "filler").write_bytes(b"\0" * 60 * 1024)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_check_a_template_and_own_notebooks(tmp_path, capsys):
    import docx

    template = docx.Document(str(ROOT / "templates" / "plan.docx"))
    for p in template.paragraphs:
        if p.text == "{{section:risks}}":
            p._p.getparent().remove(p._p)
    template.save(str(tmp_path / "corporate.docx"))
    code, out, _ = run(capsys, "check", EXAMPLE, "--template", tmp_path / "corporate.docx")
    assert code == 1
    assert out.splitlines()[0] == ("corporate.docx: E190 template problem: placeholder {{section:risks}} is missing "
                                   "(a paragraph holding only that text)")
    assert run(capsys, "check", EXAMPLE, "--template", ROOT / "templates" / "plan.docx")[0] == 0
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "95-notes.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                                       "nbformat_minor": 5}), encoding="utf-8")
    (folder / "96-broken.ipynb").write_text("{not json", encoding="utf-8")
    (folder / "97-bare.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "workbook = ''", "outputs": [],
         "execution_count": None}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    code, out, _ = run(capsys, "check", EXAMPLE, "--notebooks", folder)
    lines = [ln for ln in out.splitlines() if ": E193 " in ln]
    assert code == 1 and len(lines) == 3  # every notebook's problem at once, each located
    assert any("95-notes.ipynb: E193 section notebook problem: no cell tagged 'parameters'" in ln for ln in lines)
    assert any("96-broken.ipynb: E193" in ln and "not a readable notebook" in ln for ln in lines)
    assert any("97-bare.ipynb: E193" in ln and "does not declare output" in ln for ln in lines)
