"""Build small plan workbooks for tests, with openpyxl, the way a user's Excel file would look.

    from plans import write_plan, minimal_rows, Cell      # pytest puts tests/ on sys.path

    path = write_plan(tmp_path / "plan.xlsx")                        # a minimal valid plan
    path = write_plan(tmp_path / "p.xlsx", tasks=[{...}, {...}])      # replace a sheet's rows
    path = write_plan(tmp_path / "p.xlsx", project={"Language": "zh-TW", "Code": None})  # set / remove fields
    rows = minimal_rows(); rows["Tasks"][0]["Depends on"] = "T9"     # tweak, then
    path = write_plan(tmp_path / "p.xlsx", rows=rows)

Rows are dicts keyed by contract header (``{"ID": "T1", "Task": ..., "Owner": ...}``); a key the contract
does not know becomes a custom column after the contract's columns. RACI rows are ``{"Item": "T1",
"Alex Morgan": "A/R"}``: every key after Item is a person's column. The Project sheet is a dict of
field -> value (insertion order is row order; a value of None in an override removes the field).

Other knobs of :func:`write_plan`:

- ``drop=("Risks",)``: leave sheets out; ``drop_columns={"Tasks": ["Progress"]}``: leave columns out;
- ``columns={"Tasks": [" id* ", "TASK", ...]}``: the exact header cells of a sheet, in order, as
  written; each is filled from the row key it names (case, spaces and a trailing ``*`` ignored);
- ``sheet_names={"Extra working days": "extra Working Days"}``: write a sheet under another spelling;
- ``extra_sheets={"Notes": [["Note"], ["kept as is"]]}``: sheets the contract does not know, raw rows;
- ``star=True``: mark required headers with ``*`` as a template would;
- ``Cell(0.5, "0%")`` as a value: a cell with a number format (a percentage, a date as text...).

Dates are ``datetime.date`` values (written as Excel date cells); text that starts with ``=`` is
written as text, never as a formula. Optional sheets are written only when given (an empty list writes
the header row alone). Sheet keys in ``rows`` and ``columns`` are the contract's sheet names; the
keyword overrides use their snake_case form (``extra_working_days=[...]``).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from openpyxl import Workbook

# -- the plan workbook contract: sheets, columns, required ones -----------------------------------
COLUMNS: dict[str, tuple[str, ...]] = {
    "Project": ("Field", "Value"),
    "Objectives": ("ID", "Objective", "Metric", "Baseline", "Target", "Due", "Owner"),
    "Scope": ("Kind", "Item", "Notes"),
    "Deliverables": ("ID", "Deliverable", "Description", "Objectives", "Owner", "Due", "Acceptance criteria",
                     "Status"),
    "Tasks": ("ID", "Task", "Deliverable", "Owner", "Start", "Finish", "Duration", "Depends on", "Milestone",
              "Buffer", "Status", "Progress"),
    "Risks": ("ID", "Risk", "Category", "Likelihood", "Impact", "Mitigation", "Contingency", "Owner", "Trigger",
              "Status"),
    "People": ("Name", "Role", "Organization", "Email", "Responsibilities", "Availability"),
    "RACI": ("Item",),
    "Resources": ("Resource", "Type", "Quantity", "Unit", "Unit cost", "Cost", "For", "From", "To", "Approver",
                  "Status"),
    "Research": ("Method", "Source", "Date", "Finding", "Effect on plan"),
    "SWOT": ("Kind", "Item"),
    "Holidays": ("Date", "Name"),
    "Extra working days": ("Date", "Name"),
    "Review": ("ID", "Section", "Anchor", "Comment", "Reviewer", "Date", "Status", "Response"),
}
REQUIRED_COLUMNS: dict[str, frozenset[str]] = {
    "Project": frozenset({"Field"}),
    "Objectives": frozenset({"ID", "Objective", "Metric", "Target"}),
    "Scope": frozenset({"Kind", "Item"}),
    "Deliverables": frozenset({"ID", "Deliverable", "Owner", "Due"}),
    "Tasks": frozenset({"ID", "Task", "Owner"}),
    "Risks": frozenset({"ID", "Risk", "Likelihood", "Impact", "Mitigation", "Owner"}),
    "People": frozenset({"Name", "Role"}),
    "RACI": frozenset({"Item"}),
    "Resources": frozenset({"Resource", "Type"}),
    "Research": frozenset({"Method", "Source", "Finding"}),
    "SWOT": frozenset({"Kind", "Item"}),
    "Holidays": frozenset({"Date"}),
    "Extra working days": frozenset({"Date"}),
    "Review": frozenset(),
}
REQUIRED_SHEETS = ("Project", "Objectives", "Scope", "Deliverables", "Tasks", "Risks", "People", "RACI")
OPTIONAL_SHEETS = ("Resources", "Research", "SWOT", "Holidays", "Extra working days", "Review")
PROJECT_FIELDS = ("Name", "Code", "Purpose", "Strategy", "Sponsor", "Manager", "Version", "Status", "Start",
                  "Finish", "Status date", "Budget", "Currency", "Confidentiality", "Language", "Working days")
REQUIRED_PROJECT_FIELDS = ("Name", "Purpose", "Manager", "Version", "Start")


@dataclass(frozen=True)
class Cell:
    """A value written with a number format, e.g. ``Cell(0.5, "0%")`` or ``Cell(45000, "yyyy-mm-dd")``."""

    value: Any
    number_format: str


def norm(text: str) -> str:
    """Header matching as the contract defines it: case, surrounding spaces and a trailing ``*`` ignored."""
    return str(text).strip().rstrip("*").strip().lower()


def snake(sheet: str) -> str:
    return sheet.lower().replace(" ", "_")


SHEET_BY_KEYWORD = {snake(s): s for s in COLUMNS}


def minimal_rows() -> dict[str, Any]:
    """A fresh copy of the smallest valid plan with no findings: one row on each required sheet
    (two on Tasks, since a plan without a milestone is a finding) and a complete RACI.

    Project starts Monday 2026-03-02 with Status date 2026-03-16; one person (Alex Morgan) owns
    everything; T1 (5 working days) then milestone T2 deliver D1, which serves O1.
    """
    person = "Alex Morgan"
    return copy.deepcopy({
        "Project": {
            "Name": "Test plan",
            "Code": "TP-1",
            "Purpose": "Exercise the reader",
            "Manager": person,
            "Version": "1.0",
            "Start": date(2026, 3, 2),
            "Status date": date(2026, 3, 16),
            "Language": "en",
        },
        "Objectives": [{"ID": "O1", "Objective": "Ship it", "Metric": "Share shipped (%)", "Baseline": 0,
                        "Target": 100, "Due": date(2026, 4, 30), "Owner": person}],
        "Scope": [{"Kind": "In scope", "Item": "Everything in the test"}],
        "Deliverables": [{"ID": "D1", "Deliverable": "The thing", "Objectives": "O1", "Owner": person,
                          "Due": date(2026, 4, 30), "Acceptance criteria": "It works", "Status": "Not started"}],
        "Tasks": [{"ID": "T1", "Task": "Do the work", "Deliverable": "D1", "Owner": person, "Duration": 5,
                   "Status": "Not started", "Progress": 0},
                  {"ID": "T2", "Task": "Work accepted", "Deliverable": "D1", "Owner": person, "Depends on": "T1",
                   "Milestone": "yes", "Status": "Not started", "Progress": 0}],
        "Risks": [{"ID": "R1", "Risk": "It slips", "Likelihood": 2, "Impact": 3, "Mitigation": "Watch it",
                   "Owner": person, "Status": "Open"}],
        "People": [{"Name": person, "Role": "Project manager", "Organization": "Test Org",
                    "Email": "alex.morgan@example.org", "Availability": 100}],
        "RACI": [{"Item": "D1", person: "A/R"}, {"Item": "T1", person: "A/R"}, {"Item": "T2", person: "A/R"}],
    })


def write_plan(
    path: str | Path,
    rows: Mapping[str, Any] | None = None,
    *,
    drop: Iterable[str] = (),
    drop_columns: Mapping[str, Iterable[str]] | None = None,
    columns: Mapping[str, list[str]] | None = None,
    sheet_names: Mapping[str, str] | None = None,
    extra_sheets: Mapping[str, list[list[Any]]] | None = None,
    star: bool = False,
    **overrides: Any,
) -> Path:
    """Write a plan workbook to ``path`` and return the path (see the module docstring).

    ``rows`` defaults to :func:`minimal_rows`; keyword overrides (``tasks=[...]``, ``project={...}``,
    ``holidays=[...]``) replace a sheet's rows, or for ``project`` update its fields.
    """
    sheets = copy.deepcopy(dict(rows)) if rows is not None else minimal_rows()
    for key, value in overrides.items():
        if key not in SHEET_BY_KEYWORD:
            raise TypeError(f"write_plan() got an unknown sheet keyword {key!r}")
        sheet = SHEET_BY_KEYWORD[key]
        if sheet == "Project":
            fields = dict(sheets.get("Project", {}))
            fields.update(value)
            sheets["Project"] = fields
        else:
            sheets[sheet] = list(value)
    if "Project" in sheets and isinstance(sheets["Project"], Mapping):
        sheets["Project"] = [{"Field": k, "Value": v} for k, v in sheets["Project"].items() if v is not None]

    dropped = set(drop)
    drop_columns = {s: {norm(c) for c in cols} for s, cols in (drop_columns or {}).items()}
    names = dict(sheet_names or {})
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in COLUMNS:  # contract order, whatever order the dict has
        if sheet not in sheets or sheet in dropped:
            continue
        data = sheets[sheet]
        headers = list(columns[sheet]) if columns and sheet in columns else _headers(sheet, data, star)
        headers = [h for h in headers if norm(h) not in drop_columns.get(sheet, set())]
        ws = wb.create_sheet(names.get(sheet, sheet))
        _append(ws, headers)
        keys = [norm(h) for h in headers]
        for row in data:
            by_key = {norm(k): v for k, v in row.items()}
            _append(ws, [by_key.get(k) for k in keys])
    for name, raw_rows in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for raw in raw_rows:
            _append(ws, list(raw))
    if not wb.sheetnames:
        wb.create_sheet("Empty")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _headers(sheet: str, data: list[dict], star: bool) -> list[str]:
    headers = [f"{h}*" if star and h in REQUIRED_COLUMNS[sheet] else h for h in COLUMNS[sheet]]
    seen = {norm(h) for h in headers}
    for row in data:
        for key in row:
            if norm(key) not in seen:
                headers.append(key)
                seen.add(norm(key))
    return headers


def _append(ws, values: list[Any]) -> None:
    ws.append([v.value if isinstance(v, Cell) else v for v in values])
    for cell, v in zip(ws[ws.max_row], values):
        if isinstance(v, Cell):
            cell.number_format = v.number_format
        elif isinstance(v, str) and v.startswith("="):
            cell.data_type = "s"  # user text that looks like a formula stays text
        elif isinstance(v, date):
            cell.number_format = "yyyy-mm-dd"
