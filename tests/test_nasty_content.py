"""Valid workbooks with nasty cells build correctly; hostile files stop every command with one line.

Nasty but valid: control characters (stored by Excel as ``_x0007_`` escapes), a 100,000-character cell,
Arabic and Hebrew text, formula-looking text, every sheet declaring the whole 1,048,576 x 16,384 grid,
a sheet of a million styled empty rows, emoji. Hostile files (tests/hostile_files.py) go through every
command that reads a workbook or a reviewed document: build, handoff, diff, collect.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile_files as hf
import pytest
from docx import Document
from openpyxl import load_workbook
from plans import minimal_rows, write_plan
from test_cli import HOSTILE_WORKBOOKS
from test_filled import csv_sheets

from implan_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
CLI = [sys.executable, "-c", "import sys; from implan_docs.cli import main; sys.exit(main())"]
GiB = 1 << 30

FORMULA_LIKE = {  # where each goes: sheet, row index in minimal_rows(), column
    '=HYPERLINK("http://x","y")': ("Risks", 0, "Risk"),
    "=cmd|' /C calc'!A0": ("Risks", 0, "Mitigation"),
    "+1": ("Risks", 0, "Contingency"),
    "-1": ("Risks", 0, "Trigger"),
    "@SUM(A1)": ("Deliverables", 0, "Deliverable"),
}
CONTROL = "Check wiring_x0007_ now"  # how Excel stores BEL in a cell
ARABIC, HEBREW = "تدريب الموظفين", "הדרכת עובדים"
LONG = "".join(f"Step {i:05d} of the cut-over checklist. " for i in range(2700))[:100_000]
WHOLE_SHEET = b'<dimension ref="A1:XFD1048576"/>'


# -- measuring a command in its own process ---------------------------------------------------------------

MEASURE = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux: the largest process of the tree
print(json.dumps({"code": proc.returncode, "out": proc.stdout, "err": proc.stderr,
                  "seconds": time.perf_counter() - started, "peak_mib": peak / 1024}))
"""


def measured(*args, timeout: float = 600) -> dict:
    """Run ``implan ARGS`` in a fresh process; its exit code, output, wall time and peak resident memory."""
    cmd = [sys.executable, "-c", MEASURE] + CLI + [str(a) for a in args]
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=timeout).stdout)


# -- workbooks --------------------------------------------------------------------------------------------


def rewrite_members(path: Path, edit) -> Path:
    """Rewrite the zip at ``path`` with ``edit(name, data) -> data`` applied to every member."""
    with zipfile.ZipFile(path) as zf:
        members = [(info, edit(info.filename, zf.read(info))) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return path


def nasty_plan(path: Path) -> Path:
    """A valid plan holding every kind of nasty text, each sheet declaring the whole grid as its dimension."""
    rows = minimal_rows()
    for text, (sheet, index, column) in FORMULA_LIKE.items():
        rows[sheet][index][column] = text
    rows["Tasks"][0]["Task"] = CONTROL
    rows["Tasks"][1]["Task"] = f"{ARABIC} · {HEBREW}"
    rows["People"][0]["Responsibilities"] = f"{HEBREW} / {ARABIC}"
    rows["Deliverables"][0]["Description"] = "@@LONG@@"  # openpyxl cuts text at 32,767 characters: patched in
    write_plan(path, rows=rows)

    def edit(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            data = re.sub(rb'<dimension ref="[^"]*"/>', WHOLE_SHEET, data)
            assert WHOLE_SHEET in data
        return data.replace(b"@@LONG@@", LONG.encode())

    return rewrite_members(path, edit)


def million_empty_rows_plan(path: Path, rows: int = 1_000_000) -> Path:
    """A valid plan whose Tasks sheet goes on with ``rows`` styled rows of styled empty cells (a fill or a
    border applied down the sheet), as a workbook formatted "to the bottom" is saved."""
    write_plan(path)
    names = _sheet_parts(path)

    def edit(name: str, data: bytes) -> bytes:
        if name != names["Tasks"]:
            return data
        empty = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="L{r}" s="1"/></row>'
                        for r in range(10, 10 + rows))
        return data.replace(b"</sheetData>", empty.encode() + b"</sheetData>")

    return rewrite_members(path, edit)


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its part name in the package (openpyxl writes sheetN.xml in sheet order)."""
    wb = load_workbook(path, read_only=True)
    names = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(wb.worksheets, start=1)}
    wb.close()
    return names


def document_texts(path: Path) -> list[str]:
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return texts


# -- one full build of the nasty plan ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    plan = nasty_plan(folder / "nasty.xlsx")
    run = subprocess.run(CLI + ["build", str(plan), "-o", str(folder / "out")], capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr
    docx = next((folder / "out").glob("*.docx"))
    return {"plan": plan, "run": run, "docx": docx, "filled": next((folder / "out").glob("*-filled.xlsx")),
            "texts": document_texts(docx), "folder": folder}


@pytest.mark.slow
def test_document_shows_nasty_text_literally(nasty):
    text = "\n".join(nasty["texts"])
    for literal in FORMULA_LIKE:
        assert any(t == literal or literal in t.split("\n") for t in nasty["texts"]), literal
    assert ARABIC in text and HEBREW in text
    assert LONG in nasty["texts"]  # the 100,000 characters, whole, in one table cell
    assert "\x07" not in text and "_x0007_" not in text and "Check wiring now" in text


@pytest.mark.slow
def test_control_characters_and_the_long_cell_are_listed_in_the_appendix(nasty):
    assert "2 open question(s) listed in the appendix" in nasty["run"].stdout
    doc = Document(str(nasty["docx"]))
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["Tasks!B2", "W190",
            "control characters removed from the text (they cannot appear in a Word document)"] in [r[1:] for r in rows]
    assert any(r[2:3] == ["W191"] and "100,000 characters" in r[3] and "32,767" in r[3] for r in rows)


@pytest.mark.slow
def test_formula_like_text_stays_text_in_the_filled_workbook(nasty, tmp_path):
    wb = load_workbook(nasty["filled"])
    for literal, (sheet, index, column) in FORMULA_LIKE.items():
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(column) + 1
        cell = ws.cell(index + 2, col)
        assert (cell.value, cell.data_type) == (literal, "s"), (sheet, column)
    summary = [c for row in wb["Summary"].iter_rows() for c in row if c.value == "@SUM(A1)"]
    assert summary and all(c.data_type == "s" for c in summary)  # the computed Summary sheet too
    wb.close()
    # a second reader: LibreOffice Calc shows the text, it computes nothing
    sheets = csv_sheets(tmp_path, nasty["filled"])
    risk = dict(zip(sheets["Risks"][0], sheets["Risks"][1]))
    assert [risk[column] for _, (sheet, _, column) in FORMULA_LIKE.items() if sheet == "Risks"] == \
        [literal for literal, (sheet, _, _) in FORMULA_LIKE.items() if sheet == "Risks"]
    assert dict(zip(sheets["Deliverables"][0], sheets["Deliverables"][1]))["Deliverable"] == "@SUM(A1)"


@pytest.mark.slow
def test_a_100000_character_cell_is_shortened_in_the_filled_workbook(nasty):
    """Excel holds 32,767 characters a cell: the document shows the whole text, the filled workbook's copy
    is shortened to the limit with a visible end (W191 says so)."""
    wb = load_workbook(nasty["filled"])
    ws = wb["Deliverables"]
    value = ws.cell(2, [c.value for c in ws[1]].index("Description") + 1).value
    assert len(value) == 32_767 and value.endswith("… [shortened from 100,000 characters]")
    assert LONG.startswith(value[:value.index("…")])
    wb.close()


@pytest.mark.slow
def test_charts_draw_right_to_left_names(nasty):
    charts = sorted(p.name for p in (nasty["docx"].parent / "charts").glob("*.png"))
    assert "gantt.png" in charts  # the schedule section drew the Arabic and Hebrew task names (no missing glyph)


def test_whole_sheet_dimension_is_read_as_the_cells_it_has(tmp_path):
    path = nasty_plan(tmp_path / "wide.xlsx")
    result = measured("check", path, timeout=120)
    assert result["code"] == 0 and "W190" in result["out"], result
    assert result["peak_mib"] < 1024
    not_a_plan = hf.make_huge_dimension_xlsx(tmp_path)
    result = measured("check", not_a_plan, timeout=120)
    assert result["code"] == 1 and "E101" in result["out"] and "Traceback" not in result["err"]


@pytest.mark.slow
def test_million_styled_empty_rows_check_in_seconds_and_little_memory(tmp_path):
    path = million_empty_rows_plan(tmp_path / "formatted.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert max(i.file_size for i in zf.infolist()) > 80_000_000  # the sheet really is that long
    result = measured("check", path, timeout=300)  # no hang: well within a timeout
    assert result["code"] == 0 and result["out"].strip() == "formatted.xlsx: OK, no errors or findings", result
    # the goal is under 1 GiB; openpyxl's own row loop needed 470 MiB here, the reader's needs about 50
    assert result["peak_mib"] < 256, result
    print(f"\ncheck of a million styled empty rows: {result['seconds']:.1f} s, {result['peak_mib']:.0f} MiB")


def build_with_task_name(tmp_path: Path, name: str) -> tuple[int, str, list[str]]:
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = name
    plan = write_plan(tmp_path / "emoji.xlsx", rows=rows)
    proc = subprocess.run(CLI + ["build", str(plan), "-o", str(tmp_path / "out"), "--sections", "schedule"],
                          capture_output=True, text=True, timeout=600)
    docx = list((tmp_path / "out").glob("*.docx"))
    return proc.returncode, proc.stderr, document_texts(docx[0]) if docx else []


@pytest.mark.slow
def test_emoji_in_a_task_name_builds(tmp_path):
    """Charts draw emoji through a monochrome fallback font (Symbola); the document keeps the text."""
    code, err, texts = build_with_task_name(tmp_path, "Launch 🚀 rollout ✅ 🧑‍💻")
    assert code == 0, err
    assert any("Launch 🚀 rollout ✅ 🧑‍💻" in t for t in texts)


@pytest.mark.slow
def test_character_no_chart_font_has_still_builds(tmp_path):
    code, err, texts = build_with_task_name(tmp_path, "Morale check 🫠")
    assert code == 0, err
    assert any("Morale check 🫠" in t for t in texts)  # the document keeps the text as written
    from implan_docs.phases import check_plan

    found = [str(f) for f in check_plan(tmp_path / "emoji.xlsx").findings]
    assert found == ["emoji.xlsx:Tasks!B2 (Task): W192 🫠 (U+1FAE0) cannot be drawn by any chart font: charts "
                     "show it as �; the document keeps it"]


# -- hostile files, every command -------------------------------------------------------------------------


def assert_one_line(code: int, err: str, name: str, word: str = "") -> str:
    errors = [line for line in err.splitlines() if line.startswith("implan:")]
    assert code == 1 and len(errors) == 1 and "Traceback" not in err, err
    assert name in errors[0] and word.lower() in errors[0].lower(), errors[0]
    return errors[0]


IDS = [m.__name__[5:] for m, _ in HOSTILE_WORKBOOKS]


@pytest.mark.parametrize("maker, word", HOSTILE_WORKBOOKS, ids=IDS)
@pytest.mark.parametrize("command", ["build", "handoff", "diff-old", "diff-new", "collect"])
def test_hostile_workbook_on_every_command(tmp_path, capsys, maker, word, command):
    path = maker(tmp_path)
    before = hf.sha256(path) if path.is_file() else None
    out = tmp_path / "out"
    args = {
        "build": ["build", path, "-o", out],
        "handoff": ["handoff", path, "-o", out, "--no-pdf"],
        "diff-old": ["diff", path, EXAMPLE],
        "diff-new": ["diff", EXAMPLE, path],
        "collect": ["collect", path, hf.make_valid_docx(tmp_path, "reviewed.docx"), "-o", out / f"updated{path.suffix}"],
    }[command]
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert_one_line(code, captured.err, path.name, word)
    assert captured.out == ""
    if before:
        assert hf.sha256(path) == before
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


REVIEWED = ["make_xxe_docx", "make_zip_bomb_docx", "make_encrypted_docx", "make_docm", "make_dotx",
            "make_corrupt_docx", "make_truncated_docx", "make_xlsx_as_docx", "make_legacy_doc", "make_empty_file",
            "make_random_binary", "make_directory", "make_missing_path"]


@pytest.mark.parametrize("maker", REVIEWED, ids=[m[5:] for m in REVIEWED])
def test_hostile_reviewed_copy_on_collect(tmp_path, capsys, maker):
    bad = getattr(hf, maker)(tmp_path, "reviewed.docx")
    out = tmp_path / "updated.xlsx"
    code = main(["collect", str(EXAMPLE), str(bad), "-o", str(out)])
    assert_one_line(code, capsys.readouterr().err, "reviewed.docx")
    assert not out.exists()


@pytest.mark.slow
def test_a_million_styled_empty_rows_fill_a_workbook_in_seconds(tmp_path):
    """The filled workbook drops the styled empty tail of a sheet (openpyxl would load all of it)."""
    import resource

    from openpyxl import load_workbook

    plan = million_empty_rows_plan(tmp_path / "million.xlsx")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(CLI + ["schedule", str(plan), "-o", str(tmp_path / "filled.xlsx")],
                          capture_output=True, text=True, timeout=300)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert proc.returncode == 0, proc.stderr
    assert max(peak_kib, before) < 1024 * 1024  # KiB: under 1 GiB
    ws = load_workbook(tmp_path / "filled.xlsx", read_only=True)["Tasks"]
    ws.reset_dimensions()
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert [r[0] for r in rows] == ["ID", "T1", "T2"] and "Early start" in rows[0]
