"""``implan new``: a ready-to-fill plan workbook (or the bundled example).

Every contract sheet with its headers (required ones marked ``*``), a frozen header row, column widths,
date formats, dropdowns for enumerated columns, and an Instructions sheet in the chosen language.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import model as m
from ..errors import Location, OutputError
from ..fileio import atomic_copy, atomic_write_bytes
from ..i18n import Messages
from .package import workbook_bytes
from .contract import PROJECT_FIELDS, SHEETS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = {"en": "rollout-plan.xlsx", "zh-TW": "zh-TW/smart-service-plan.xlsx"}
ROWS = 500  # rows prepared with formats and dropdowns
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FIXED_TIME = datetime(2026, 1, 1)

_WIDE = {"Objective", "Metric", "Item", "Notes", "Deliverable", "Description", "Acceptance criteria", "Task",
         "Risk", "Mitigation", "Contingency", "Trigger", "Responsibilities", "Resource", "Finding",
         "Effect on plan", "Source", "Comment", "Anchor", "Response", "Value"}
_DROPDOWNS = {
    "Likelihood": "1,2,3,4,5",
    "Impact": "1,2,3,4,5",
    "Milestone": "yes,no",
}


def write_new_workbook(path: str | Path, language: str = "en", example: bool = False, force: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError("the new workbook must end in .xlsx", Location(file=str(path)))
    if path.exists() and not force:
        raise OutputError("already exists; use --force to overwrite it", Location(file=str(path)))
    if example:
        src = EXAMPLES / EXAMPLE_FILES.get(language, EXAMPLE_FILES["en"])
        if not src.is_file():
            raise OutputError("the bundled example is missing from this installation", Location(file=str(src)))
        return atomic_copy(src, path)

    return atomic_write_bytes(path, workbook_bytes(build_workbook(language), FIXED_TIME))


def build_workbook(language: str = "en") -> Workbook:
    t = Messages(language)
    wb = Workbook()
    wb.properties.creator = "implan-docs"
    _instructions(wb.active, t)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.key)
        if spec.key == "Project":
            _project_sheet(ws, language)
            continue
        for i, col in enumerate(spec.columns, start=1):
            _header(ws, i, col.key + ("*" if col.required else ""))
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = 48 if col.key in _WIDE else 16
            rng = f"{letter}2:{letter}{ROWS}"
            if col.kind == "date":
                for row in range(2, ROWS + 1):
                    ws.cell(row, i).number_format = "yyyy-mm-dd"
            elif col.kind == "percent":
                for row in range(2, ROWS + 1):
                    ws.cell(row, i).number_format = "0"
            choices = ",".join(col.choices) if col.kind == "enum" else _DROPDOWNS.get(col.key)
            if choices:
                _dropdown(ws, rng, choices)
        if spec.key == "RACI":
            # person columns follow Item: prepare dropdowns (other combinations such as C/I still allowed)
            for i in range(2, 21):
                ws.column_dimensions[get_column_letter(i)].width = 14
            _dropdown(ws, f"B2:T{ROWS}", "R,A,C,I,A/R,R/C", strict=False)
        ws.freeze_panes = "A2"
    return wb


def _header(ws, column: int, text: str) -> None:
    cell = ws.cell(1, column, text)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="center")


def _dropdown(ws, rng: str, choices: str, strict: bool = True) -> None:
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=strict)
    dv.add(rng)
    ws.add_data_validation(dv)


def _project_sheet(ws, language: str) -> None:
    _header(ws, 1, "Field*")
    _header(ws, 2, "Value")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 70
    defaults = {"Version": "0.1", "Status": "Draft", "Currency": "TWD" if language == "zh-TW" else "USD",
                "Language": language, "Working days": "Mon-Fri", "Confidentiality": "Internal"}
    for row, (key, (kind, required, choices)) in enumerate(PROJECT_FIELDS.items(), start=2):
        ws.cell(row, 1, key + ("*" if required else "")).font = Font(bold=required)
        value = ws.cell(row, 2, defaults.get(key))
        value.data_type = "s" if defaults.get(key) is not None else value.data_type
        if kind == "date":
            value.number_format = "yyyy-mm-dd"
        if choices:
            _dropdown(ws, f"B{row}", ",".join(choices))
        elif kind == "language":
            _dropdown(ws, f"B{row}", ",".join(m.LANGUAGES))
    ws.freeze_panes = "A2"


def _instructions(ws, t: Messages) -> None:
    ws.title = "Instructions"
    ws["A1"] = t("new.title")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = t("new.intro")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 90
    row = 4
    for i, key in enumerate(("col_sheet", "col_required", "col_column", "col_explains"), start=1):
        cell = ws.cell(row, i, t(f"new.{key}"))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for spec in SHEETS:
        row += 1
        ws.cell(row, 1, spec.key).font = Font(bold=True)
        ws.cell(row, 2, t("new.required_mark") if spec.required else t("new.optional_mark"))
        desc = ws.cell(row, 4, t(f"new.sheet.{spec.key}"))
        desc.font = Font(bold=True)
        desc.alignment = Alignment(wrap_text=True, vertical="top")
        required = {c.key for c in spec.columns if c.required}
        for key in (c.key for c in spec.columns):
            row += 1
            ws.cell(row, 2, t("new.required_mark") if key in required else "")
            ws.cell(row, 3, key + ("*" if key in required else ""))
            text = ws.cell(row, 4, t(f"new.column.{spec.key}.{key}"))
            text.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (20, 10, 22, 90)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A5"
