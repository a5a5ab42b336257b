"""The filled workbook: a copy of the plan with the schedule's results added, everything the user wrote kept.

Added: computed columns at the right of Tasks (Early start, Early finish, Late start, Late finish, Total
float, Critical, Behind) and Risks (Score, Rating); Cost on Resources where it was blank (in italics); and
a Summary sheet (key dates, critical path, deliverables, budget, counts by status) in the plan's language.
The added column headers stay English: like the contract's headers they are names other tools match. A
column of that name that is already there (a workbook filled before) is overwritten, not repeated.

Formulas: the workbook is loaded with ``data_only=False`` so that formulas the user wrote stay formulas
(loading cached values instead would freeze them into constants). openpyxl drops the cached results of
formulas when it saves, which would leave other readers (LibreOffice never recalculates .xlsx on load
by default; our own reader refuses a formula without a cached value) with blank cells; so the cached
values are written back into the saved sheets, and Excel is told to recalculate on load.

Text from the plan is always written as text (``data_type = "s"``): a name beginning with ``=``, ``+``,
``-`` or ``@`` never becomes a formula. Dates are date cells. Same inputs and status date give the same
bytes: document properties are set to the status date and the zip is rewritten with fixed entry times.
openpyxl does not keep shapes, SmartArt or some data validation (see NOTES); the rest is carried over.

Every cell is one Excel accepts. Text longer than Excel's 32,767 characters a cell (counted as Excel
does, in UTF-16 units) is shortened, in the user's cells copied and in the cells written here, to the
limit with a visible end, ``… [shortened from 100,000 characters]`` (the plan, and so the document,
keep the whole text; the reader reports each such cell as W191). openpyxl would otherwise write a
loaded cell whole, which Excel refuses, and cut a cell it is given silently. Text written here has no
control characters and keeps a literal ``_x0041_`` literal (Excel would read it as an escape). A date
with no positive serial in the workbook's date system (before 1900-01-01; up to 1904-01-01 in the 1904
system) is written as ISO text, never as a negative serial, and cached formula dates are written in the
workbook's own date system; a number beyond Excel's range (an overflowing cost) is ``#NUM!``.
"""
from __future__ import annotations

import contextlib
import io
import math
import os
import re
import tempfile
import zipfile
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH, to_excel
from openpyxl.utils.escape import unescape

from .. import model as m
from ..fileio import atomic_write_bytes
from ..i18n import Messages, catalogue, languages
from ..model import Plan
from ..fileio import zip_bytes
from .package import converting
from .guard import open_workbook
from ..schedule import Schedule
from .contract import EXCEL_CELL_LIMIT, excel_length

TASK_COLUMNS = ("Early start", "Early finish", "Late start", "Late finish", "Total float", "Critical", "Behind")
RISK_COLUMNS = ("Score", "Rating")
SUMMARY_SHEET = "Summary"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
YES, NO = "Yes", "No"

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

EXCEL_MAX_NUMBER = 9.99999999999999e307  # the largest number a cell holds
# Characters no cell can hold (XML 1.0 has no place for them), and Excel's escape for a character.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_PARTIAL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{0,4}$")

__all__ = ["write_filled_workbook", "shortened", "TASK_COLUMNS", "RISK_COLUMNS",
           "SUMMARY_SHEET"]


# -- public -----------------------------------------------------------------------------------------------


def write_filled_workbook(source_path: str | Path, plan: Plan, schedule: Schedule, out_path: str | Path,
                          language: str | None = None, forecast=None) -> Path:
    """Write the filled copy of the workbook at ``source_path`` to ``out_path`` (atomically).

    ``plan`` is what :func:`implan_docs.xlsx.reader.read_plan` read from that file, ``schedule`` its
    :func:`~implan_docs.schedule.schedule_plan`. ``language`` (default: the plan's) sets the Summary's
    labels. ``out_path`` may be the source itself (it is read completely before anything is written).
    ``forecast`` (:class:`implan_docs.forecast.Forecast`) adds, where the plan has the data, the Tasks
    columns Criticality (three-point estimates) and Baseline variance (baseline dates), and
    the confidence dates and earned-value figures to the Summary; a plan without them is unchanged.
    """
    source_path = Path(source_path)
    t = Messages(language or plan.language)
    with _without_empty_tails(source_path) as readable:
        wb = open_workbook(readable, read_only=False, data_only=False)
    with converting(source_path):
        cached = _cached_formula_values(source_path, wb)
        _fit_copied_cells(wb)
        _fill_tasks(wb, plan, schedule)
        if forecast is not None:
            _fill_forecast(wb, plan, forecast)
        _fill_risks(wb, plan)
        _fill_resources(wb, plan)
        _summary(wb, plan, schedule, t, forecast)
        when = datetime.combine(schedule.status_date, datetime.min.time())
        if not _has_created_time(source_path):  # else openpyxl made it "now" while loading
            wb.properties.created = when
        wb.properties.modified = when
        wb.calculation.fullCalcOnLoad = bool(cached) or None
        buf = io.BytesIO()
        wb.save(buf)
    return atomic_write_bytes(out_path, _rewrite_package(buf.getvalue(), cached, when, wb.epoch))


# A sheet part larger than this is checked for a tail of styled but empty rows (a million of them would
# take openpyxl minutes and gigabytes to load in full).
BIG_SHEET = 4 * 1024 * 1024
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>.*?</(?:\w+:)?row>)", re.S)
_CONTENT = re.compile(rb"<(?:\w+:)?(?:v|is|f)\b")


@contextlib.contextmanager
def _without_empty_tails(path: Path):
    """``path``, or a temporary copy whose big sheets lose the rows after their last row holding a value.

    Those rows have no values, only styles; dropping them keeps every value, formula and the styles of the
    rows in use. Small sheets, and every other part, are copied unchanged.
    """
    with zipfile.ZipFile(path) as src:
        big = [i for i in src.infolist() if i.filename.startswith("xl/worksheets/") and i.file_size > BIG_SHEET]
        if not big:
            yield path
            return
        fd, tmp_name = tempfile.mkstemp(prefix=".implan-trim-", suffix=".xlsx", dir=tempfile.gettempdir())
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            tmp.write_bytes(zip_bytes((info.filename, _trim_sheet(src.read(info)) if info in big else src.read(info))
                                      for info in src.infolist()))
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)


def _trim_sheet(data: bytes) -> bytes:
    close = data.rfind(b"</sheetData>")
    if close < 0:
        close = data.rfind(b":sheetData>")
        close = data.rfind(b"<", 0, close) if close >= 0 else -1
    if close < 0:
        return data
    start = data.find(b"sheetData")
    last_end = None
    for match in _ROW.finditer(data, start, close):
        if _CONTENT.search(match.group()):
            last_end = match.end()
    if last_end is None:
        first = _ROW.search(data, start, close)
        return data if first is None else data[:first.start()] + data[close:]
    return data[:last_end] + data[close:]


# -- columns added to contract sheets -----------------------------------------------------------------------


def _norm(text: Any) -> str:
    return str(text or "").strip().rstrip("*").strip().casefold()


def _sheet(wb, plan: Plan, key: str):
    info = plan.sheet(key)
    if info is None or info.name not in wb.sheetnames:
        return None
    return wb[info.name]


def _columns(ws, headers: tuple[str, ...]) -> dict[str, int]:
    """Column numbers for ``headers``: an existing column of that name, else new ones at the right."""
    found: dict[str, int] = {}
    last = 0
    for cell in ws[1]:
        if cell.value is None or str(cell.value).strip() == "":
            continue
        last = max(last, cell.column)
        key = _norm(cell.value)
        for h in headers:
            if key == _norm(h) and h not in found:
                found[h] = cell.column
    template = ws.cell(1, last) if last else None
    for h in headers:
        if h in found:
            for row in range(2, ws.max_row + 1):  # stale values of an earlier fill
                ws.cell(row, found[h]).value = None
            continue
        last += 1
        found[h] = last
        cell = ws.cell(1, last)
        _text(cell, h)
        if template is not None and template.has_style:
            cell._style = copy(template._style)
        ws.column_dimensions[get_column_letter(last)].width = max(12, len(h) + 3)
    return found


def _text(cell, value: str) -> None:
    """Write user or label text as text, never as a formula, as Excel can hold it: without control
    characters, shortened with a marker when too long, a literal ``_xHHHH_`` escaped as Excel does."""
    text = shortened(_ILLEGAL.sub("", value))
    # Set directly: openpyxl's setter cuts at 32,767 characters again, counting the escapes' length too.
    cell._value = _ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text
    cell.data_type = "s"


def _date(cell, value: date | None) -> None:
    if value is not None and to_excel(value, cell.parent.parent.epoch) < 1:
        # Before the workbook's first day there are only negative serials, and serial 0 (1904-01-01 in
        # the 1904 system) reads back as a time of day: ISO text, which the reader takes as that date.
        _text(cell, value.isoformat())
        return
    cell.value = value
    if value is not None:
        cell.number_format = DATE_FORMAT


def _number(cell, value: float | int | None) -> None:
    if not _fits(value):
        cell.value = "#NUM!"  # what Excel shows for a result beyond its range (openpyxl would write <v></v>)
        cell.data_type = "e"
        return
    cell.value = value


def _fits(value: float | int | None) -> bool:
    """A number a cell can hold: finite, within Excel's range."""
    return not isinstance(value, float) or (math.isfinite(value) and abs(value) <= EXCEL_MAX_NUMBER)


# -- Excel's limits ------------------------------------------------------------------------------------------


def shortened(text: str) -> str:
    """``text`` as an Excel cell can hold it: whole, or cut to fit with a visible end saying how long
    it was (``… [shortened from 100,000 characters]``)."""
    length = excel_length(text)
    if length <= EXCEL_CELL_LIMIT:
        return text
    marker = _marker(length)
    return _prefix(text, EXCEL_CELL_LIMIT - excel_length(marker)) + marker


def _marker(length: int) -> str:
    return f"\u2026 [shortened from {length:,} characters]"


def _prefix(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 units, no character cut in two."""
    if text.isascii():
        return text[:units]
    return text.encode("utf-16-le")[:2 * units].decode("utf-16-le", errors="ignore")


def _fitted(raw: str) -> str | None:
    """A string cell as openpyxl loaded it (Excel's ``_xHHHH_`` escapes still in it), shortened when
    Excel would hold too much of it; None when it fits."""
    if len(raw) * 2 <= EXCEL_CELL_LIMIT:
        return None
    length = excel_length(unescape(raw) if "_x" in raw else raw)
    if length <= EXCEL_CELL_LIMIT:
        return None
    marker = _marker(length)
    # An escape is longer than the character it stands for: a start of the stored text that fits
    # still fits once read. An escape cut in two is dropped rather than shown half.
    return _PARTIAL_ESCAPE.sub("", _prefix(raw, EXCEL_CELL_LIMIT - excel_length(marker))) + marker


def _fit_copied_cells(wb) -> None:
    """Every cell the user wrote, as Excel can hold it: text too long shortened; a date before the
    workbook's first day (an ISO date cell written by another program, which openpyxl would save as a
    negative serial) as ISO text."""
    for ws in wb.worksheets:
        for cell in getattr(ws, "_cells", {}).values():  # a chart sheet has none
            value = cell._value
            if type(value) is str:
                if cell.data_type != "f":
                    fitted = _fitted(value)
                    if fitted is not None:
                        cell._value = fitted
            elif isinstance(value, date) and cell.data_type == "d" and to_excel(value, wb.epoch) < 0:
                cell._value = value.isoformat()
                cell.data_type = "s"


def _fill_tasks(wb, plan: Plan, schedule: Schedule) -> None:
    ws = _sheet(wb, plan, "Tasks")
    if ws is None:
        return
    col = _columns(ws, TASK_COLUMNS)
    for task in plan.tasks:
        td = schedule.tasks.get(task.id)
        if td is None or not task.row:
            continue
        r = task.row
        _date(ws.cell(r, col["Early start"]), td.early_start)
        _date(ws.cell(r, col["Early finish"]), td.early_finish)
        _date(ws.cell(r, col["Late start"]), td.late_start)
        _date(ws.cell(r, col["Late finish"]), td.late_finish)
        _number(ws.cell(r, col["Total float"]), td.total_float)
        _text(ws.cell(r, col["Critical"]), YES if td.critical else NO)
        _text(ws.cell(r, col["Behind"]), YES if td.behind else NO)


FORECAST_COLUMNS = ("Criticality", "Baseline variance")  # Finish P80 per task: not yet (see CHANGELOG)


def _fill_forecast(wb, plan: Plan, forecast) -> None:
    """Tasks' Criticality (when simulated) and Baseline variance (when baselined)."""
    c, variance = forecast.confidence, forecast.finish_variance
    wanted = (("Criticality",) if c is not None else ()) + (("Baseline variance",) if variance else ())
    ws = _sheet(wb, plan, "Tasks") if wanted else None
    if ws is None:
        return
    col = _columns(ws, wanted)
    for task in plan.tasks:
        if not task.row:
            continue
        r = task.row
        if c is not None:
            share = c.criticality.get(task.id)
            if share is not None:
                _number(ws.cell(r, col["Criticality"]), share)
                ws.cell(r, col["Criticality"]).number_format = "0%"
        if task.id in variance:
            _number(ws.cell(r, col["Baseline variance"]), variance[task.id])


def _fill_risks(wb, plan: Plan) -> None:
    ws = _sheet(wb, plan, "Risks")
    if ws is None:
        return
    col = _columns(ws, RISK_COLUMNS)
    for risk in plan.risks:
        if not risk.row:
            continue
        _number(ws.cell(risk.row, col["Score"]), risk.score)
        if risk.rating:
            _text(ws.cell(risk.row, col["Rating"]), risk.rating)


def _fill_resources(wb, plan: Plan) -> None:
    ws = _sheet(wb, plan, "Resources")
    if ws is None:
        return
    info = plan.sheet("Resources")
    existing = info.column("Cost") if info else None
    if existing is not None:
        cost_col = column_index_from_string(existing.letter)
    else:
        cost_col = _columns(ws, ("Cost",))["Cost"]
    for res in plan.resources:
        if res.cost is not None or res.total_cost is None or not res.row or not _fits(res.total_cost):
            continue  # blank is "Quantity x Unit cost": left blank when that is beyond a cell's range
        cell = ws.cell(res.row, cost_col)
        cell.value = res.total_cost
        font = copy(cell.font) if cell.has_style else Font()
        font.i = True
        cell.font = font
        if cell.number_format == "General":
            cell.number_format = MONEY_FORMAT


# -- the Summary sheet ---------------------------------------------------------------------------------------


def _summary_titles() -> set[str]:
    return {catalogue(lang).get("workbook.summary_title", "") for lang in languages()} - {""}


def _summary_sheet(wb):
    """The Summary sheet to fill: ours from an earlier fill is replaced in place; a user's is left alone."""
    name = SUMMARY_SHEET
    k = 1
    while name in wb.sheetnames:
        ws = wb[name]
        if str(ws["A1"].value or "").strip() in _summary_titles():
            index = wb.sheetnames.index(name)
            wb.remove(ws)
            return wb.create_sheet(name, index)
        k += 1
        name = f"{SUMMARY_SHEET} {k}"
    return wb.create_sheet(name)


class _Writer:
    """Rows of the Summary sheet, top to bottom."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        self.bold = Font(bold=True)

    def line(self, *values, bold: bool = False, formats: dict[int, str] | None = None) -> None:
        for k, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = self.ws.cell(self.row, k)
            if isinstance(value, str):
                _text(cell, value)
            elif isinstance(value, date):
                _date(cell, value)
            else:
                _number(cell, value)
            if formats and k in formats and cell.data_type == "n":
                cell.number_format = formats[k]
            if bold:
                cell.font = self.bold
        self.row += 1

    def heading(self, text: str) -> None:
        if self.row > 1:
            self.row += 1
        self.line(text, bold=True)

    def pair(self, label: str, value, fmt: str | None = None) -> None:
        self.line(label, value, formats={2: fmt} if fmt else None)


def _summary(wb, plan: Plan, s: Schedule, t: Messages, forecast=None) -> None:
    ws = _summary_sheet(wb)
    w = _Writer(ws)
    p = plan.project
    w.line(t("workbook.summary_title"), bold=True)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    w.line(" ".join(x for x in (p.name, f"({p.code})" if p.code else "", t("workbook.version", version=p.version)
                                if p.version else "") if x))
    w.pair(t("workbook.status_date"), s.status_date)

    w.heading(t("workbook.key_dates"))
    w.pair(t("workbook.project_start"), s.start)
    w.pair(t("workbook.computed_finish"), s.finish)
    w.pair(t("workbook.target_finish"), p.finish)
    w.pair(t("workbook.working_days_late"), s.late_days)
    w.pair(t("workbook.planned_progress"), _share(s.planned_progress), "0.0%")
    w.pair(t("workbook.actual_progress"), _share(s.actual_progress), "0.0%")
    w.pair(t("workbook.tasks_behind"), len(s.behind_ids))

    c = forecast.confidence if forecast is not None else None
    if c is not None:
        w.heading(t("workbook.confidence", simulations=f"{c.simulations:,}"))
        w.pair(t("workbook.finish_p50"), c.finish.p50)
        w.pair(t("workbook.finish_p80"), c.finish.p80)
        w.pair(t("workbook.finish_p95"), c.finish.p95)
        if c.level not in (50, 80, 95):
            w.pair(t("workbook.finish_at", level=f"{c.level:g}"), c.finish.at_level)
        if c.finish.probability is not None:
            w.pair(t("workbook.probability_by_target"), c.finish.probability, "0%")
    ev = forecast.earned_value if forecast is not None else None
    if ev is not None:
        w.heading(t("workbook.earned_value", currency=p.currency or "USD"))
        for key in ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac"):
            value = getattr(ev.project, key)
            w.pair(t(f"workbook.ev.{key}"), value, "0.00" if key in ("spi", "cpi") else MONEY_FORMAT)

    w.heading(t("workbook.critical_path"))
    if not s.critical_path:
        w.line(t("workbook.none"))
    for k, chain in enumerate(s.critical_path, start=1):
        w.line(t("workbook.chain", n=k), " \u2192 ".join(chain))
    names = {task.id: task.name for task in plan.tasks}
    critical = [tid for tid in s.tasks if s.tasks[tid].critical]
    w.pair(t("workbook.critical_tasks"), len(critical))

    w.heading(t("workbook.deliverables"))
    w.line(*(t(f"workbook.col.{c}") for c in ("id", "deliverable", "start", "finish", "due", "late", "planned",
                                               "actual")), bold=True)
    for d in plan.deliverables:
        dd = s.deliverables.get(d.id)
        if dd is None:
            continue
        w.line(d.id, d.name, dd.start, dd.finish, dd.due, dd.late_days, _share(dd.planned_progress),
               _share(dd.actual_progress), formats={7: "0.0%", 8: "0.0%"})

    w.heading(t("workbook.budget"))
    currency = p.currency or "USD"
    total = sum(c for c in (r.total_cost for r in plan.resources) if c is not None)
    w.pair(t("workbook.approved_budget", currency=currency), p.budget, MONEY_FORMAT)
    w.pair(t("workbook.resource_costs", currency=currency), total, MONEY_FORMAT)
    if p.budget is not None:
        w.pair(t("workbook.remaining", currency=currency), p.budget - total, MONEY_FORMAT)
    kinds = [kind for kind in m.RESOURCE_TYPES if any(r.type == kind for r in plan.resources)]
    if kinds:
        w.line(t("workbook.by_type", currency=currency), bold=True)
    for kind in kinds:
        cost = sum(c for c in (r.total_cost for r in plan.resources if r.type == kind) if c is not None)
        w.pair(t(f"workbook.value.{_key(kind)}"), cost, MONEY_FORMAT)
    if any(r.cost is None and r.total_cost is not None for r in plan.resources):
        w.line(t("workbook.italic_costs"))

    w.heading(t("workbook.counts"))
    w.line(t("workbook.tasks"), bold=True)
    for status in m.TASK_STATUSES:
        count = sum(1 for task in plan.tasks if (task.status or "Not started") == status)
        w.pair(t(f"workbook.value.{_key(status)}"), count)
    w.pair(t("workbook.behind"), len(s.behind_ids))
    w.line(t("workbook.deliverables"), bold=True)
    for status in m.DELIVERABLE_STATUSES:
        count = sum(1 for d in plan.deliverables if (d.status or "Not started") == status)
        w.pair(t(f"workbook.value.{_key(status)}"), count)
    w.line(t("workbook.risks"), bold=True)
    for status in m.RISK_STATUSES:
        count = sum(1 for r in plan.risks if (r.status or "Open") == status)
        w.pair(t(f"workbook.value.{_key(status)}"), count)
    for rating in ("High", "Medium", "Low"):
        w.pair(t("workbook.rated", rating=t(f"workbook.value.{_key(rating)}")),
               sum(1 for r in plan.risks if r.rating == rating))

    if critical:
        w.heading(t("workbook.critical_tasks"))
        for tid in critical:
            w.line(tid, names.get(tid, ""))

    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 40
    for letter in "CDEFGH":
        ws.column_dimensions[letter].width = 13
    ws.sheet_view.showGridLines = True
    for row in ws.iter_rows(min_row=1, max_row=w.row, max_col=1):
        for cell in row:
            cell.alignment = Alignment(vertical="top")


def _key(value: str) -> str:
    return value.lower().replace(" ", "_")


# -- the saved package: cached formula values, fixed times ----------------------------------------------------


def _cached_formula_values(path: Path, wb) -> dict[str, dict[str, tuple[Any, str]]]:
    """Sheet title -> cell -> (cached value, data type) for every formula cell the user wrote."""
    formulas: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        coords = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        if coords:
            formulas[ws.title] = coords
    if not formulas:
        return {}
    values = open_workbook(path, read_only=False, data_only=True)
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    for title, coords in formulas.items():
        ws = values[title]
        out[title] = {c: (ws[c].value, ws[c].data_type) for c in coords if ws[c].value is not None}
    return out


def _rewrite_package(data: bytes, cached: dict[str, dict[str, tuple[Any, str]]], when: datetime,
                     epoch: datetime = WINDOWS_EPOCH) -> bytes:
    """The saved package, made reproducible: cached formula values put back into the sheets, the
    modified time pinned (openpyxl sets it to now while saving; the created time stays the source's),
    ``[Content_Types].xml`` first and every entry with a fixed time, as :mod:`implan_docs.xlsx.package`
    does (which would also overwrite the created time the user's file carries)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = _sheet_parts(src) if cached else {}
    infos = sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml")  # stable sort

    def entries():
        for info in infos:
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)",
                              lambda mt: mt.group(1) + stamp + mt.group(2), body)
            elif parts.get(info.filename) in cached:
                body = _with_cached_values(body, cached[parts[info.filename]], epoch)
            yield info.filename, body

    return zip_bytes(entries())


def _has_created_time(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        try:
            return b"dcterms:created" in zf.read("docProps/core.xml")
        except KeyError:
            return False


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Zip part name -> sheet title, from xl/workbook.xml and its relationships."""
    from lxml import etree

    wbx = etree.fromstring(zf.read("xl/workbook.xml"))
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in wbx.iter(f"{{{_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[part] = sheet.get("name")
    return out


def _with_cached_values(body: bytes, values: dict[str, tuple[Any, str]], epoch: datetime = WINDOWS_EPOCH) -> bytes:
    from lxml import etree

    root = etree.fromstring(body)
    for c in root.iter(f"{{{_NS}}}c"):
        ref = c.get("r")
        if ref not in values or c.find(f"{{{_NS}}}f") is None:
            continue
        value, kind = values[ref]
        v = c.find(f"{{{_NS}}}v")
        if v is None:
            v = etree.SubElement(c, f"{{{_NS}}}v")
        if kind == "e":
            c.set("t", "e")
            v.text = str(value)
        elif isinstance(value, bool):
            c.set("t", "b")
            v.text = "1" if value else "0"
        elif isinstance(value, (int, float)):
            c.attrib.pop("t", None)
            v.text = repr(float(value)) if isinstance(value, float) else str(value)
        elif isinstance(value, (datetime, date)):
            c.attrib.pop("t", None)
            v.text = repr(float(to_excel(value, epoch)))  # the workbook's date system (1900 or 1904)
        else:
            c.set("t", "str")
            text = str(value)
            v.text = _fitted(text) or text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)



def _share(percent: float) -> float:
    """A percentage as the fraction a ``0.0%`` cell shows, rounded to a tenth of a percent."""
    return round(percent, 1) / 100
