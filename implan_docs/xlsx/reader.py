"""Read a plan workbook (.xlsx) into a :class:`~implan_docs.model.Plan`, collecting located findings.

The reader of the .xlsx wing (writing lives in ``filled.py``, ``new.py`` and ``review_rows.py`` beside it).
It follows ``plan-workbook.md``: sheets and columns are found by header text (case, surrounding spaces and a
trailing ``*`` ignored), in any order; unknown columns and sheets are kept; empty rows are skipped; every
cell-level problem becomes an error Finding naming file, sheet, cell and column, and reading goes on so
that one pass reports everything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape
from lxml import etree
from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, INLINE_STRING, ROW_TAG, VALUE_TAG, WorkSheetParser

from .. import model as m
from .contract import EXCEL_CELL_LIMIT, PROJECT_FIELDS, SHEETS, Col, SheetSpec, excel_length, norm
from ..errors import Location
from ..findings import Finding, make
from .package import converting
from .guard import open_workbook

_NORM_SHEETS = {norm(s.key): s for s in SHEETS}
_NORM_FIELDS = {norm(k): k for k in PROJECT_FIELDS}

# Characters XML 1.0 (and so Word) cannot hold: C0 controls other than tab, newline, carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")  # C0 (but tab, newlines), DEL, C1
# Lists of IDs: commas, and the full-width comma and enumeration comma Chinese input methods type.
_LIST_SEP = re.compile("[,\uff0c\u3001]")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DEPENDS = re.compile(
    r"^(?P<id>[^\s,]+?)(?:\s+(?P<type>[A-Za-z]{2})\s*(?P<lag1>[+-]\s*\d+\s*[dD]?)?|(?P<lag2>[+-]\d+[dD]))?$"
)


# -- reading cells --------------------------------------------------------------------------------------


class _UncachedFormula:
    """Marks a formula cell that has no cached value (saved by a program that does not calculate)."""

    def __init__(self, formula: str):
        self.formula = formula


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, telling formulas without a cached value apart from empty cells, with a
    cheaper row loop (:meth:`rows`) for sheets of many styled but empty rows."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and self.data_only:
            f = element.find(FORMULA_TAG)
            if f is not None:
                cell["value"] = _UncachedFormula(f.text or "")
        return cell

    def rows(self) -> Iterator[tuple[int, list[dict]]]:
        """(row number, cells) of each row that holds a value, formula or inline string.

        Replaces openpyxl's ``parse()`` here: that one keeps every parsed row element and the attributes
        of every styled row, and converts every empty styled cell. A sheet of a million styled empty rows
        took 17 s and 470 MB through it. lxml's iterparse, filtered in C to the end of rows and of the
        elements only a non-empty cell holds (``<v>``, ``<f>``, ``<is>``), skips an empty styled row
        (``<row r="9" s="3"><c r="A9" s="3"/></row>``) without looking at its cells and frees rows once
        read: a few seconds and 50 MB. The parse is as safe as openpyxl's defusedxml one: no entities
        resolved, no DTD or network access, lxml's size limits (``huge_tree`` off), and
        :mod:`implan_docs.xlsx.package` has already refused any part with a DOCTYPE.
        """
        # End events of rows and of the elements only a non-empty cell has (value, formula, inline string)
        value_tags = (VALUE_TAG, FORMULA_TAG, INLINE_STRING)
        events = etree.iterparse(self.source, events=("end",), tag=(ROW_TAG,) + value_tags,
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        has_value, count = False, 0
        for _, element in events:
            if element.tag != ROW_TAG:
                has_value = True
                continue
            count += 1
            number = element.get("r")
            try:
                self.row_counter = int(number) if number is not None else self.row_counter + 1
            except ValueError:  # openpyxl accepts "5.0"
                self.row_counter = int(float(number))
            self.col_counter = 0
            if has_value:
                has_value = False
                yield self.row_counter, [self.parse_cell(c) for c in element.iterchildren(CELL_TAG)]
            element.clear()
            if count % 4096 == 0:  # drop the rows already read, keeping the current one
                parent = element.getparent()
                if parent is not None:
                    del parent[:-1]


@dataclass
class _Row:
    number: int
    values: dict[int, Any]  # column index -> value
    percent: set[int]  # column indexes formatted as percentages


class _Reader:
    """Collects findings while turning cells into typed values."""

    def __init__(self, path: Path):
        self.path = path
        self.file = path.name
        self.findings: list[Finding] = []

    # locations and findings
    def loc(self, sheet: str, row: int | None = None, col: int | None = None, header: str = "") -> Location:
        return Location(self.file, sheet, row, get_column_letter(col) if col else "", header)

    def add(self, code: str, location: Location, **params) -> None:
        self.findings.append(make(code, location, **params))

    # -- workbook ------------------------------------------------------------------------------------
    def read(self) -> m.Plan:
        wb = open_workbook(self.path, read_only=True, data_only=True)
        try:
            with converting(self.path):  # sheets are parsed lazily: their errors surface here
                return self._read(wb)
        finally:
            wb.close()

    def _read(self, wb) -> m.Plan:
        percent_styles = _percent_styles(wb)
        found: dict[str, Any] = {}
        other: list[str] = []
        for ws in wb.worksheets:
            spec = _NORM_SHEETS.get(norm(ws.title))
            if spec is None:
                other.append(ws.title)
            elif spec.key in found:
                self.add("E102", self.loc(ws.title), sheet=spec.key, other=found[spec.key].title)
            else:
                found[spec.key] = ws
        for spec in SHEETS:
            if spec.required and spec.key not in found:
                self.add("E101", Location(self.file, spec.key), sheet=spec.key)

        tables: dict[str, tuple[m.SheetInfo, list[dict]]] = {}
        for spec in SHEETS:
            ws = found.get(spec.key)
            if ws is not None:
                tables[spec.key] = self._read_sheet(ws, spec, percent_styles)

        project = self._project(tables.get("Project"))
        get = lambda key: tables.get(key, (None, []))[1]  # noqa: E731
        plan = m.Plan(
            file=self.file,
            project=project,
            objectives=tuple(self._objective(r) for r in get("Objectives")),
            scope=tuple(m.ScopeItem(r["Kind"], r["Item"], r["Notes"], r["_row"], r["_extra"]) for r in get("Scope")),
            deliverables=tuple(self._deliverable(r) for r in get("Deliverables")),
            tasks=tuple(self._task(r) for r in get("Tasks")),
            risks=tuple(self._risk(r) for r in get("Risks")),
            people=tuple(self._person(r) for r in get("People")),
            raci=tuple(r["_raci"] for r in get("RACI")),
            resources=tuple(self._resource(r) for r in get("Resources")),
            research=tuple(
                m.ResearchItem(r["Method"], r["Source"], r["Finding"], r["Date"], r["Effect on plan"], r["_row"],
                               r["_extra"]) for r in get("Research")),
            swot=tuple(m.SwotItem(r["Kind"], r["Item"], r["_row"], r["_extra"]) for r in get("SWOT")),
            holidays=tuple(m.CalendarDay(r["Date"], r["Name"], r["_row"]) for r in get("Holidays") if r["Date"]),
            extra_working_days=tuple(
                m.CalendarDay(r["Date"], r["Name"], r["_row"]) for r in get("Extra working days") if r["Date"]),
            review=tuple(self._review(r) for r in get("Review")),
            sheets=tuple(info for info, _ in tables.values()),
            other_sheets=tuple(other),
            present=frozenset(tables),
        )
        return plan

    # -- sheets ---------------------------------------------------------------------------------------
    def _rows(self, ws, percent_styles: set[int]) -> Iterator[_Row]:
        parser = _Parser(ws._get_source(), ws._shared_strings, data_only=True, epoch=ws.parent.epoch,
                         date_formats=ws.parent._date_formats, timedelta_formats=ws.parent._timedelta_formats)
        try:
            for number, cells in parser.rows():
                values: dict[int, Any] = {}
                percent: set[int] = set()
                for c in cells:
                    value = c["value"]
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    if c["data_type"] == "e":
                        value = _ExcelError(str(value))
                    values[c["column"]] = value
                    if c["style_id"] in percent_styles:
                        percent.add(c["column"])
                if values:
                    yield _Row(number, values, percent)
        finally:
            parser.source.close() if hasattr(parser.source, "close") else None

    def _read_sheet(self, ws, spec: SheetSpec, percent_styles: set[int]):
        rows = self._rows(ws, percent_styles)
        header_row = next(rows, None)
        columns: list[m.Column] = []
        by_index: dict[int, m.Column] = {}
        known = {norm(c.key): c for c in spec.columns}
        if header_row is None or header_row.number != 1:
            self.add("E103", self.loc(ws.title, 1), sheet=spec.key)
            info = m.SheetInfo(ws.title, spec.key, ())
            return info, []
        seen: dict[str, int] = {}
        duplicates: set[int] = set()
        for idx in sorted(header_row.values):
            raw = header_row.values[idx]
            text = self._clean(_as_text(raw), ws.title, 1, idx, "")
            key_norm = norm(text)
            if not key_norm:
                continue
            col_spec = known.get(key_norm)
            key = col_spec.key if col_spec else " ".join(text.split()).rstrip("*").strip()
            if key_norm in seen:
                self.add("E104", self.loc(ws.title, 1, idx), header=text, other=get_column_letter(seen[key_norm]))
                duplicates.add(idx)
                continue
            seen[key_norm] = idx
            col = m.Column(text, get_column_letter(idx), key, col_spec is not None)
            columns.append(col)
            by_index[idx] = col
        for c in spec.columns:
            if c.required and norm(c.key) not in seen:
                self.add("E105", self.loc(ws.title, 1), sheet=spec.key, column=c.key)
        info = m.SheetInfo(ws.title, spec.key, tuple(columns))
        spec_by_key = {c.key: c for c in spec.columns}
        records: list[dict] = []
        unnamed_reported: set[int] = set()
        for row in rows:
            rec: dict[str, Any] = {"_row": row.number}
            extra: list[tuple[str, Any]] = []
            for idx, value in row.values.items():
                col = by_index.get(idx)
                if col is None:
                    if idx not in duplicates and idx not in unnamed_reported:
                        unnamed_reported.add(idx)
                        self.add("E106", self.loc(ws.title, row.number, idx))
                    continue
                header = col.header.strip().rstrip("*").strip()
                if isinstance(value, (_ExcelError, _UncachedFormula)):
                    if isinstance(value, _ExcelError):
                        self.add("E110", self.loc(ws.title, row.number, idx, header), value=value.code)
                    else:
                        self.add("E111", self.loc(ws.title, row.number, idx, header), formula=value.formula[:60])
                    if col.known:  # reported: not also "required cell is empty"
                        rec[col.key] = _EMPTY.get(spec_by_key[col.key].kind, "") if col.key in spec_by_key else None
                    continue
                cspec = spec_by_key.get(col.key) if col.known else None
                if spec.key == "RACI" and not col.known:
                    rec.setdefault("_roles", []).append((col.key, value, idx, header))
                    continue
                if cspec is None:
                    if isinstance(value, str):
                        value = self._clean(value.strip(), ws.title, row.number, idx, header)
                    elif isinstance(value, datetime):
                        value = _to_date(value)
                    extra.append((col.header.strip(), value))
                    continue
                if spec.key == "Project" and col.key == "Value":
                    # cleaned by _project, located by the field it holds (one W190/W191 per cell)
                    rec[col.key] = value.strip() if isinstance(value, str) else (
                        _to_date(value) if isinstance(value, datetime) else value)
                    continue
                rec[col.key] = self._convert(value, cspec, ws.title, row.number, idx, header,
                                             idx in row.percent)
            # Defaults for absent cells; required cells that are empty are errors.
            for c in spec.columns:
                if c.key not in rec:
                    rec[c.key] = _EMPTY.get(c.kind, "")
                    col = info.column(c.key)
                    if c.required and col is not None:
                        self.add("E120", self.loc(ws.title, row.number, _col_number(col.letter),
                                                  col.header.strip().rstrip("*").strip()))
            rec["_extra"] = tuple(extra)
            if spec.key == "RACI":
                rec["_raci"] = self._raci(rec, info, ws.title)
            records.append(rec)
        return info, records

    # -- values -------------------------------------------------------------------------------------
    def _clean(self, text: str, sheet: str, row: int, col: int, header: str) -> str:
        if "_x" in text:  # Excel stores characters XML cannot hold as _xHHHH_ escapes
            text = unescape(text)
        if _CONTROL.search(text):
            self.add("W190", self.loc(sheet, row, col, header))
            text = _CONTROL.sub("", text)
        length = excel_length(text)
        if length > EXCEL_CELL_LIMIT:
            # the filled workbook keeps the cell where it is, shortened to fit (filled.py)
            self.add("W191", self.loc(sheet, row, col, header), length=f"{length:,}",
                     cell=f"{sheet}!{get_column_letter(col)}{row}" if col and row else sheet)
        return text

    def _convert(self, value: Any, c: Col, sheet: str, row: int, col: int, header: str, percent: bool) -> Any:
        loc = self.loc(sheet, row, col, header)
        kind = c.kind
        if kind == "raw":
            if isinstance(value, str):
                return self._clean(value.strip(), sheet, row, col, header)
            if isinstance(value, datetime):
                return _to_date(value)
            return value
        if kind in ("text", "ref"):
            return self._clean(_as_text(value), sheet, row, col, header)
        if kind == "id":
            text = self._clean(_as_text(value), sheet, row, col, header)
            if re.search(r"[\s,\uff0c\u3001]", text):
                self.add("E121", loc, value=text)
            return text
        if kind == "enum":
            text = _as_text(value)
            for choice in c.choices:
                if text.casefold() == choice.casefold():
                    return choice
            self.add("E122", loc, value=text[:60], choices=", ".join(c.choices))
            return ""
        if kind == "date":
            d = _parse_date(value)
            if d is None:
                self.add("E123", loc, value=_as_text(value)[:60])
            return d
        if kind in ("int", "likert"):
            n = _parse_number(value)
            if n is None or n != int(n):
                self.add("E124", loc, value=_as_text(value)[:60])
                return None
            n = int(n)
            if kind == "likert" and not 1 <= n <= 5:
                self.add("E125", loc, value=n)
                return None
            if kind == "int" and n < 0:
                self.add("E126", loc, value=n)
                return None
            return n
        if kind == "number":
            n = _parse_number(value)
            if n is None:
                self.add("E127", loc, value=_as_text(value)[:60])
            return n
        if kind == "percent":
            if isinstance(value, str) and value.strip().endswith("%"):
                n = _parse_number(value.strip()[:-1])
            else:
                n = _parse_number(value)
                if n is not None and percent:
                    n = n * 100
            if n is None:
                self.add("E127", loc, value=_as_text(value)[:60])
                return None
            n = round(float(n), 6)
            if not 0 <= n <= 100:
                self.add("E128", loc, value=_fmt_num(n))
                return None
            return n
        if kind == "bool":
            b = _parse_bool(value)
            if b is None:
                self.add("E129", loc, value=_as_text(value)[:60])
                return False
            return b
        if kind == "ids":
            return tuple(part.strip() for part in _LIST_SEP.split(_as_text(value)) if part.strip())
        if kind == "depends":
            return self._depends(_as_text(value), loc)
        raise AssertionError(kind)

    def _depends(self, text: str, loc: Location) -> tuple[m.Link, ...]:
        links = []
        for part in _LIST_SEP.split(text):
            part = " ".join(part.split())
            if not part:
                continue
            match = _DEPENDS.match(part)
            if not match:
                self.add("E130", loc, value=part[:60])
                continue
            link_type = (match["type"] or "FS").upper()
            if link_type not in m.LINK_TYPES:
                self.add("E131", loc, value=part[:60], type=match["type"])
                continue
            lag_text = (match["lag1"] or match["lag2"] or "0").replace(" ", "").rstrip("dD")
            links.append(m.Link(match["id"], link_type, int(lag_text)))
        return tuple(links)

    # -- records ------------------------------------------------------------------------------------
    def _project(self, table) -> m.Project:
        values: dict[str, Any] = {}
        rows: list[tuple[str, int]] = []
        extra: list[tuple[str, Any]] = []
        if table is not None:
            info, records = table
            for rec in records:
                field_text = rec.get("Field", "")
                if not field_text:
                    continue
                key = _NORM_FIELDS.get(norm(field_text))
                raw = rec.get("Value")
                col = info.column("Value")
                loc = self.loc(info.name, rec["_row"], _col_number(col.letter) if col else None, key or field_text)
                if isinstance(raw, str):
                    raw = self._clean(raw, loc.sheet, rec["_row"], _col_number(loc.column), loc.header)
                if key is None:
                    extra.append((field_text, raw))
                    continue
                if key in values:
                    self.add("E141", loc, field=key)
                    continue
                rows.append((key, rec["_row"]))
                values[key] = self._project_value(key, raw, loc)
            value_col = info.column("Value")
            value_idx = _col_number(value_col.letter) if value_col else None
            # Without a header row (E103) or a Field column (E105) no field can be found: that one error
            # says it all, not one more per required field.
            for key, (_, required, _) in PROJECT_FIELDS.items() if info.column("Field") else ():
                if required and values.get(key) in (None, ""):
                    row = dict(rows).get(key)
                    self.add("E140", self.loc(info.name, row, value_idx, key) if row else self.loc(info.name),
                             field=key)
        return m.Project(
            name=values.get("Name") or "",
            purpose=values.get("Purpose") or "",
            manager=values.get("Manager") or "",
            version=values.get("Version") or "",
            start=values.get("Start"),
            code=values.get("Code") or "",
            strategy=values.get("Strategy") or "",
            sponsor=values.get("Sponsor") or "",
            status=values.get("Status") or "",
            finish=values.get("Finish"),
            status_date=values.get("Status date"),
            budget=values.get("Budget"),
            currency=values.get("Currency") or "USD",
            confidentiality=values.get("Confidentiality") or "",
            language=values.get("Language") or "en",
            working_days=values.get("Working days") or "Mon-Fri",
            confidence=values.get("Confidence") or 80.0,
            simulations=values.get("Simulations") or 10_000,
            seed=values.get("Seed") if values.get("Seed") is not None else 1,
            distribution=values.get("Distribution") or "Triangular",
            extra=tuple(extra),
            rows=tuple(rows),
        )

    def _project_value(self, key: str, raw: Any, loc: Location) -> Any:
        kind, _, choices = PROJECT_FIELDS[key]
        if raw is None or raw == "":
            return None
        if kind == "text":
            if isinstance(raw, float) and raw == int(raw):
                raw = int(raw)
            return _as_text(raw)  # text was cleaned by _project
        if kind == "enum":
            return self._convert(raw, Col(key, "enum", False, choices), loc.sheet, loc.row or 0,
                                 _col_number(loc.column), key, False) or None
        if kind == "date":
            d = _parse_date(raw)
            if d is None:
                self.add("E123", loc, value=_as_text(raw)[:60])
            return d
        if kind == "number":
            n = _parse_number(raw)
            if n is None or n < 0:
                self.add("E127", loc, value=_as_text(raw)[:60])
            return n
        if kind == "confidence":  # a percent: 80, "80%", or 0.8 from a cell formatted as a percentage
            n = _parse_number(str(raw).strip().rstrip("%").strip()) if isinstance(raw, str) else _parse_number(raw)
            if n is not None and 0 < n < 1:
                n *= 100
            if n is None or not 1 <= n <= 99.9:
                self.add("E146", loc, value=_as_text(raw)[:60])
                return None
            return float(n)
        if kind in ("simulations", "seed"):
            n = _parse_number(raw)
            low, high = (100, 1_000_000) if kind == "simulations" else (0, 2**32 - 1)
            if n is None or n != int(n) or not low <= n <= high:
                self.add("E147" if kind == "simulations" else "E124", loc, value=_as_text(raw)[:60])
                return None
            return int(n)
        if kind == "currency":
            text = _as_text(raw).upper()
            if not re.fullmatch(r"[A-Z]{3}", text):
                self.add("E142", loc, value=text[:20])
                return None
            return text
        if kind == "language":
            text = _as_text(raw)
            for lang in m.LANGUAGES:
                if text.casefold() == lang.casefold() or text.casefold().replace("_", "-") == lang.casefold():
                    return lang
            self.add("E143", loc, value=text[:20], choices=", ".join(m.LANGUAGES))
            return None
        if kind == "week":
            from ..workdays import parse_week

            text = _as_text(raw)
            if parse_week(text) is None:
                self.add("E144", loc, value=text[:40])
                return None
            return text
        raise AssertionError(kind)

    def _objective(self, r) -> m.Objective:
        return m.Objective(r["ID"], r["Objective"], r["Metric"], r["Target"], r["Baseline"], r["Due"], r["Owner"],
                           r["_row"], r["_extra"])

    def _deliverable(self, r) -> m.Deliverable:
        return m.Deliverable(r["ID"], r["Deliverable"], r["Owner"], r["Due"], r["Description"], r["Objectives"],
                             r["Acceptance criteria"], r["Status"], r["_row"], r["_extra"])

    def _task(self, r) -> m.Task:
        return m.Task(
            id=r["ID"], name=r["Task"], owner=r["Owner"], deliverable=r["Deliverable"], start=r["Start"],
            finish=r["Finish"], duration=r["Duration"], depends=r["Depends on"] or (),
            milestone=bool(r["Milestone"]), buffer=r["Buffer"] or 0, status=r["Status"], progress=r["Progress"],
            row=r["_row"], extra=r["_extra"], optimistic=r["Optimistic"], most_likely=r["Most likely"],
            pessimistic=r["Pessimistic"], baseline_start=r["Baseline start"], baseline_finish=r["Baseline finish"])

    def _risk(self, r) -> m.Risk:
        return m.Risk(r["ID"], r["Risk"], r["Likelihood"], r["Impact"], r["Mitigation"], r["Owner"], r["Category"],
                      r["Contingency"], r["Trigger"], r["Status"], r["_row"], r["_extra"])

    def _person(self, r) -> m.Person:
        availability = r["Availability"]
        return m.Person(r["Name"], r["Role"], r["Organization"], r["Email"], r["Responsibilities"],
                        100.0 if availability in (None, "") else availability, r["_row"], r["_extra"])

    def _resource(self, r) -> m.Resource:
        return m.Resource(r["Resource"], r["Type"], r["Quantity"], r["Unit"], r["Unit cost"], r["Cost"], r["For"],
                          r["From"], r["To"], r["Approver"], r["Status"], r["_row"], r["_extra"], r["Actual cost"])

    def _review(self, r) -> m.ReviewItem:
        return m.ReviewItem(r["ID"], r["Section"], r["Anchor"], r["Comment"], r["Reviewer"], r["Date"], r["Status"],
                            r["Response"], r["_row"], r["_extra"])

    def _raci(self, rec: dict, info: m.SheetInfo, sheet: str) -> m.RaciRow:
        roles: list[tuple[str, str]] = []
        for person, value, idx, header in rec.get("_roles", []):
            text = _as_text(value).upper()
            letters = [ch for ch in text if ch not in " /,;+&-"]
            bad = [ch for ch in letters if ch not in m.RACI_LETTERS]
            if bad or not letters:
                self.add("E150", self.loc(sheet, rec["_row"], idx, header), value=_as_text(value)[:20])
                continue
            ordered = "".join(ch for ch in m.RACI_LETTERS if ch in letters)
            roles.append((person, ordered))
        return m.RaciRow(rec["Item"], tuple(roles), rec["_row"])


class _ExcelError(str):
    @property
    def code(self) -> str:
        return str(self)


_EMPTY = {"text": "", "ref": "", "id": "", "enum": "", "raw": None, "date": None, "int": None, "likert": None,
          "number": None, "percent": None, "bool": False, "ids": (), "depends": ()}


def _col_number(letter: str) -> int | None:
    if not letter:
        return None
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def _percent_styles(wb) -> set[int]:
    """Style ids whose number format shows a percentage."""
    styles: set[int] = set()
    custom = list(getattr(wb, "_number_formats", []))
    for i, style in enumerate(getattr(wb, "_cell_styles", [])):
        fid = style.numFmtId
        fmt = BUILTIN_FORMATS.get(fid) if fid < 164 else (custom[fid - 164] if 0 <= fid - 164 < len(custom) else "")
        if fmt and "%" in fmt:
            styles.add(i)
    return styles


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = _to_date(value) if value.time() == datetime.min.time() else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


def _to_date(value: datetime) -> date | datetime:
    return value.date() if value.time() == datetime.min.time() else value


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def _parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return value
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if _NUMBER.match(text):
            n = float(text.replace(",", ""))
            return int(n) if n.is_integer() and "." not in text else n
    return None


def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _as_text(value).casefold()
    if text in ("yes", "y", "true", "1", "x"):
        return True
    if text in ("no", "n", "false", "0", ""):
        return False
    return None


def _fmt_num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


# -- public ---------------------------------------------------------------------------------------------


def read_plan(path: str | Path) -> tuple[m.Plan, list[Finding]]:
    """Read a plan workbook. Returns the plan and the findings of reading (cell-level errors and warnings).

    Raises :class:`WorkbookError` when the file cannot be opened as a workbook at all (see ``guard.py``).
    Cross-reference rules live in :mod:`implan_docs.validate`.
    """
    reader = _Reader(Path(path))
    plan = reader.read()
    return plan, reader.findings




Converter = Callable[[Any], Any]
