"""Write the bundled example plans, byte for byte the same on every run.

    .venv/bin/python examples/make_examples.py [--out DIR]

writes ``rollout-plan.xlsx`` (English: a UK water company rolling out a field service management
system) and ``zh-TW/smart-service-plan.xlsx`` (Traditional Chinese: a Taiwanese district hospital
rolling out smart outpatient services) into ``examples/`` or ``DIR``.

Both follow the plan workbook contract (sheet names and headers are the public interface). The plans
are data below; the code around them derives what a planner keeps in step by hand:

- Status and Progress of tasks and deliverables, from each task's dates as of the plan's Status date
  (a few tasks are set behind or blocked on purpose);
- the RACI sheet (task owner R, deliverable owner A, plus the C and I listed per deliverable);
- self-checks: IDs exist, no cycles, owners are People, deliverables are due after they finish,
  the resources cost slightly less than the Budget.

Determinism: core properties are pinned to 2026-01-01 and the zip is rewritten with sorted entries
and fixed timestamps, so a rerun gives identical bytes (tests/test_examples_files.py checks this).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# The contract's sheets in workbook order: columns in order, required ones marked by a trailing "*".
CONTRACT: dict[str, tuple[str, ...]] = {
    "Project": ("Field*", "Value"),
    "Objectives": ("ID*", "Objective*", "Metric*", "Baseline", "Target*", "Due", "Owner"),
    "Scope": ("Kind*", "Item*", "Notes"),
    "Deliverables": ("ID*", "Deliverable*", "Description", "Objectives", "Owner*", "Due*",
                     "Acceptance criteria", "Status"),
    "Tasks": ("ID*", "Task*", "Deliverable", "Owner*", "Start", "Finish", "Duration", "Depends on",
              "Milestone", "Buffer", "Status", "Progress"),
    "Risks": ("ID*", "Risk*", "Category", "Likelihood*", "Impact*", "Mitigation*", "Contingency",
              "Owner*", "Trigger", "Status"),
    "People": ("Name*", "Role*", "Organization", "Email", "Responsibilities", "Availability"),
    "RACI": ("Item*",),
    "Resources": ("Resource*", "Type*", "Quantity", "Unit", "Unit cost", "Cost", "For", "From", "To",
                  "Approver", "Status"),
    "Research": ("Method*", "Source*", "Date", "Finding*", "Effect on plan"),
    "SWOT": ("Kind*", "Item*"),
    "Holidays": ("Date*", "Name"),
    "Extra working days": ("Date*", "Name"),
    "Review": ("ID", "Section", "Anchor", "Comment", "Reviewer", "Date", "Status", "Response"),
}
REQUIRED_PROJECT_FIELDS = ("Name", "Purpose", "Manager", "Version", "Start")

# Drop-down lists for the enumerated columns: (sheet, column) -> allowed values.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Scope", "Kind"): ("In scope", "Out of scope", "Assumption", "Constraint"),
    ("Deliverables", "Status"): ("Not started", "In progress", "Done", "At risk"),
    ("Tasks", "Status"): ("Not started", "In progress", "Done", "Blocked"),
    ("Tasks", "Milestone"): ("yes", "no"),
    ("Risks", "Status"): ("Open", "Closed", "Occurred"),
    ("Resources", "Type"): ("Personnel", "Money", "Software", "Equipment", "Material", "Time"),
    ("Resources", "Status"): ("Requested", "Approved"),
    ("Research", "Method"): ("Interview", "Survey", "Focus group", "Observation", "Document"),
    ("SWOT", "Kind"): ("Strength", "Weakness", "Opportunity", "Threat"),
    ("Review", "Status"): ("Open", "Answered", "Closed"),
}

# Column widths (characters) by header; long text columns wrap.
WIDTHS = {
    "Field": 20, "Value": 90, "ID": 7, "Objective": 40, "Metric": 44, "Baseline": 14, "Target": 16,
    "Due": 12, "Owner": 18, "Kind": 14, "Item": 70, "Notes": 50, "Deliverable": 34,
    "Description": 50, "Objectives": 12, "Acceptance criteria": 56, "Status": 13, "Task": 58,
    "Start": 12, "Finish": 12, "Duration": 10, "Depends on": 22, "Milestone": 11, "Buffer": 9,
    "Progress": 10, "Risk": 50, "Category": 14, "Likelihood": 11, "Impact": 9, "Mitigation": 56,
    "Contingency": 50, "Trigger": 40, "Name": 34, "Role": 30, "Organization": 30, "Email": 36,
    "Responsibilities": 56, "Availability": 12, "Resource": 46, "Type": 12, "Quantity": 10,
    "Unit": 18, "Unit cost": 12, "Cost": 13, "For": 8, "From": 12, "To": 12, "Approver": 18,
    "Method": 13, "Source": 46, "Date": 12, "Finding": 60, "Effect on plan": 56, "Section": 20,
    "Anchor": 14, "Comment": 50, "Reviewer": 18, "Response": 50,
}
WRAP = {"Value", "Objective", "Metric", "Item", "Notes", "Description", "Acceptance criteria", "Task",
        "Risk", "Mitigation", "Contingency", "Trigger", "Responsibilities", "Resource", "Source",
        "Finding", "Effect on plan", "Comment", "Response", "Deliverable"}
MONEY_COLUMNS = {"Unit cost", "Cost"}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")


# --------------------------------------------------------------------------------------------------
# Working-day calendar and a forward pass.
# Hand-written on purpose: it only keeps the examples' Status/Progress in step with their own dates
# (the contract's counting rules, no float or critical path); the product's scheduler lives in
# implan_docs.schedule and the examples must not depend on it.
# --------------------------------------------------------------------------------------------------
class Calendar:
    def __init__(self, holidays: Iterable[date], extra: Iterable[date]):
        self.holidays = set(holidays)
        self.extra = set(extra)

    def working(self, d: date) -> bool:
        return d in self.extra or (d.weekday() < 5 and d not in self.holidays)

    def shift(self, d: date, n: int) -> date:
        """The working day ``n`` working days after ``d`` (before, if negative); 0 gives ``d``
        itself, or the next working day when ``d`` is not one."""
        while not self.working(d):
            d += timedelta(days=1)
        step = 1 if n > 0 else -1
        while n:
            d += timedelta(days=step)
            if self.working(d):
                n -= step
        return d

    def count(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included."""
        n, d = 0, first
        while d <= last:
            n += self.working(d)
            d += timedelta(days=1)
        return n


def parse_depends(text: str) -> list[tuple[str, str, int]]:
    """``"T3 FS+2d, T5 SS, T2+3d"`` -> [("T3", "FS", 2), ("T5", "SS", 0), ("T2", "FS", 3)]."""
    links = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        lag = 0
        for sign in "+-":
            if sign in part:
                part, _, rest = part.partition(sign)
                lag = int(rest.rstrip("d")) * (1 if sign == "+" else -1)
                break
        pred, _, kind = part.strip().partition(" ")
        links.append((pred, (kind.strip() or "FS").upper(), lag))
    return links


def schedule(tasks: list[dict], cal: Calendar, project_start: date) -> dict[str, tuple[date, date, date]]:
    """Task ID -> (start, finish, end of buffer), by the contract's counting rules."""
    by_id = {t["ID"]: t for t in tasks}
    graph = {t["ID"]: [p for p, _, _ in parse_depends(t.get("Depends on", ""))] for t in tasks}
    out: dict[str, tuple[date, date, date]] = {}
    for tid in TopologicalSorter(graph).static_order():  # raises CycleError on a cycle
        t = by_id[tid]
        links = parse_depends(t.get("Depends on", ""))
        if t.get("Start") and t.get("Finish"):
            start, finish = t["Start"], t["Finish"]
        elif t.get("Milestone") == "yes":
            cands = [t.get("Start") or project_start]
            for pred, kind, lag in links:
                ps, pf, pe = out[pred]
                cands.append(cal.shift(ps if kind in ("SS", "SF") else pe, lag))
            start = finish = max(cands)
        else:
            dur = t["Duration"]
            if t.get("Start"):
                start = t["Start"]
            else:
                cands = [project_start]
                for pred, kind, lag in links:
                    ps, pf, pe = out[pred]
                    if kind == "FS":
                        cands.append(cal.shift(pe, 1 + lag))
                    elif kind == "SS":
                        cands.append(cal.shift(ps, lag))
                    elif kind == "FF":
                        cands.append(cal.shift(cal.shift(pe, lag), -(dur - 1)))
                    else:  # SF: finish no earlier than the day before the predecessor starts (+lag)
                        cands.append(cal.shift(cal.shift(ps, lag - 1), -(dur - 1)))
                start = max(cands)
            start = cal.shift(start, 0)
            finish = cal.shift(start, dur - 1)
        end = cal.shift(finish, t["Buffer"]) if t.get("Buffer") else finish
        out[tid] = (start, finish, end)
    return out


def round5(x: float) -> int:
    return int(5 * round(x / 5))


def derive_status(plan: dict, dates: dict, cal: Calendar, status_date: date) -> None:
    """Fill Status and Progress of tasks (unless given) and Status of deliverables as of the date."""
    by_id = {t["ID"]: t for t in plan["tasks"]}
    for tid in dates:  # in dependency order
        t = by_id[tid]
        start, finish, _ = dates[tid]
        if "Status" in t:  # set on purpose: behind or blocked
            continue
        waiting = [p for p, kind, _ in parse_depends(t.get("Depends on", ""))
                   if kind == "FS" and by_id[p]["Status"] != "Done"]
        if waiting or start > status_date:  # not started yet, or held up by an unfinished predecessor
            t["Status"], t["Progress"] = "Not started", 0
        elif finish <= status_date:
            t["Status"], t["Progress"] = "Done", 100
        else:
            done = cal.count(start, status_date) / cal.count(start, finish)
            t["Status"], t["Progress"] = "In progress", max(5, min(95, round5(100 * done)))
    for d in plan["deliverables"]:
        mine = [t for t in plan["tasks"] if t["Deliverable"] == d["ID"]]
        statuses = {t["Status"] for t in mine}
        troubled = any(t["Status"] == "Blocked" or t.get("_behind") for t in mine)
        if statuses == {"Done"}:
            d["Status"] = "Done"
        elif troubled:
            d["Status"] = "At risk"
        elif statuses == {"Not started"}:
            d["Status"] = "Not started"
        else:
            d["Status"] = "In progress"


def derive_raci(plan: dict) -> list[dict]:
    """One row per deliverable and task: task owner R, deliverable owner A (A/R when the same person),
    deliverable C lists and plan-wide I list from the plan's ``raci`` entry."""
    owners = {d["ID"]: d["Owner"] for d in plan["deliverables"]}
    people = [p["Name"] for p in plan["people"]]
    cfg = plan["raci"]
    rows = []

    def row(item: str, roles: dict[str, set]) -> dict:
        r: dict[str, Any] = {"Item": item}
        for name in people:
            letters = roles.get(name, set())
            if letters & {"R", "A"}:  # who does or answers for the work is consulted and informed anyway
                letters = letters - {"C", "I"}
            r[name] = "/".join(x for x in "ARCI" if x in letters) or None
        return r

    for d in plan["deliverables"]:
        roles: dict[str, set] = {}
        roles.setdefault(d["Owner"], set()).add("A")
        for t in plan["tasks"]:
            if t["Deliverable"] == d["ID"] and t["Owner"] != d["Owner"]:
                roles.setdefault(t["Owner"], set()).add("R")
        if len([n for n, ls in roles.items() if "R" in ls]) == 0:
            roles[d["Owner"]].add("R")
        for name in cfg["consulted"].get(d["ID"], ()):
            roles.setdefault(name, set()).add("C")
        for name in cfg["informed"]:
            roles.setdefault(name, set()).add("I")
        rows.append(row(d["ID"], roles))
    for t in plan["tasks"]:
        roles = {t["Owner"]: {"R"}}
        roles.setdefault(owners[t["Deliverable"]], set()).add("A")
        for name in t.get("_C", ()):
            roles.setdefault(name, set()).add("C")
        for name in t.get("_I", ()):
            roles.setdefault(name, set()).add("I")
        rows.append(row(t["ID"], roles))
    return rows


# --------------------------------------------------------------------------------------------------
# Self-checks: the example must satisfy the contract it demonstrates.
# --------------------------------------------------------------------------------------------------
def check(plan: dict, dates: dict) -> None:
    project = dict(plan["project"])
    people = {p["Name"] for p in plan["people"]}
    objectives = {o["ID"] for o in plan["objectives"]}
    deliverables = {d["ID"] for d in plan["deliverables"]}
    tasks = {t["ID"] for t in plan["tasks"]}
    problems = []
    for field in REQUIRED_PROJECT_FIELDS:
        if not project.get(field):
            problems.append(f"Project field {field} missing")
    for name in (project["Sponsor"], project["Manager"]):
        if name not in people:
            problems.append(f"{name} not in People")
    for sheet in ("objectives", "deliverables", "tasks", "risks"):
        for r in plan[sheet]:
            if r.get("Owner") and r["Owner"] not in people:
                problems.append(f"{sheet} {r.get('ID')}: owner {r['Owner']} not in People")
    for d in plan["deliverables"]:
        problems += [f"{d['ID']}: unknown objective {o}" for o in split_ids(d["Objectives"]) if o not in objectives]
        finish = max(dates[t["ID"]][2] for t in plan["tasks"] if t["Deliverable"] == d["ID"])
        if finish > d["Due"]:
            problems.append(f"{d['ID']} finishes {finish} after its Due {d['Due']}")
    for t in plan["tasks"]:
        if t["Deliverable"] not in deliverables:
            problems.append(f"{t['ID']}: unknown deliverable")
        problems += [f"{t['ID']}: unknown predecessor {p}" for p, _, _ in parse_depends(t.get("Depends on", "")) if p not in tasks]
        if t.get("Start") and t.get("Finish") and t.get("Depends on"):
            problems.append(f"{t['ID']}: a fixed task should not also have predecessors")
    status = {t["ID"]: t["Status"] for t in plan["tasks"]}
    for t in plan["tasks"]:
        for pred, kind, _ in parse_depends(t.get("Depends on", "")):
            if status[t["ID"]] != "Not started" and status[pred] != "Done" and kind == "FS":
                problems.append(f"{t['ID']} has started but its FS predecessor {pred} is not done")
            if status[t["ID"]] != "Not started" and status[pred] == "Not started" and kind == "SS":
                problems.append(f"{t['ID']} has started but its SS predecessor {pred} has not")
    for r in plan["resources"]:
        if r.get("For") and r["For"] not in tasks | deliverables:
            problems.append(f"resource {r['Resource']}: unknown For {r['For']}")
        if r.get("Approver") and r["Approver"] not in people:
            problems.append(f"resource {r['Resource']}: approver not in People")
        if r.get("Cost") is not None and r.get("Unit cost") is not None and r["Cost"] != r["Quantity"] * r["Unit cost"]:
            problems.append(f"resource {r['Resource']}: Cost is not Quantity x Unit cost")
    for r in plan["risks"]:
        if r["Likelihood"] * r["Impact"] >= 15 and not (r.get("Contingency") and r.get("Trigger")):
            problems.append(f"{r['ID']}: high risk without contingency or trigger")
    raci = plan["RACI"]
    seen: set[str] = set()
    for r in raci:
        letters = [v for k, v in r.items() if k != "Item" and v]
        seen |= {k for k, v in r.items() if k != "Item" and v}
        if sum("A" in v for v in letters) != 1 or not any("R" in v for v in letters):
            problems.append(f"RACI {r['Item']}: needs exactly one A and at least one R")
    if {r["Item"] for r in raci} != deliverables | tasks:
        problems.append("RACI does not cover every deliverable and task")
    if seen != people:
        problems.append(f"people without a RACI role: {sorted(people - seen)}")
    total = sum(cost_of(r) for r in plan["resources"])
    budget = project["Budget"]
    if not 0.95 * budget <= total <= budget:
        problems.append(f"resources cost {total:,.0f}, budget {budget:,.0f}: should be slightly under")
    finish = max(e for _, _, e in dates.values())
    if finish > project["Finish"]:
        problems.append(f"computed finish {finish} after target Finish {project['Finish']}")
    if problems:
        raise SystemExit("example plan is inconsistent:\n  " + "\n  ".join(problems))


def split_ids(text: str) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def cost_of(r: dict) -> float:
    return r["Cost"] if r.get("Cost") is not None else r["Quantity"] * r["Unit cost"]


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------
def build_workbook(plan: dict, *, star_fields: bool) -> Workbook:
    project = dict(plan["project"])
    cal = Calendar((h["Date"] for h in plan["holidays"]), (x["Date"] for x in plan["extra_working_days"]))
    dates = schedule(plan["tasks"], cal, project["Start"])
    derive_status(plan, dates, cal, project["Status date"])
    plan["RACI"] = derive_raci(plan)
    check(plan, dates)

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = plan["author"]
    wb.properties.title = project["Name"]
    wb.properties.created = wb.properties.modified = FIXED_TIME

    project_rows = []
    for field, value in plan["project"]:
        label = f"{field}*" if star_fields and field in REQUIRED_PROJECT_FIELDS else field
        project_rows.append({"Field": label, "Value": value})
    sheets = {
        "Project": project_rows, "Objectives": plan["objectives"], "Scope": plan["scope"],
        "Deliverables": plan["deliverables"], "Tasks": plan["tasks"], "Risks": plan["risks"],
        "People": plan["people"], "RACI": plan["RACI"], "Resources": plan["resources"],
        "Research": plan["research"], "SWOT": plan["swot"], "Holidays": plan["holidays"],
        "Extra working days": plan["extra_working_days"], "Review": plan["review"],
    }
    percent = set(plan.get("percent_columns", ()))
    for name, rows in sheets.items():
        write_sheet(wb.create_sheet(name), name, rows, percent)
    return wb


def write_sheet(ws, sheet: str, rows: list[dict], percent: set[tuple[str, str]]) -> None:
    headers = list(CONTRACT[sheet])
    known = {h.rstrip("*") for h in headers}
    for r in rows:  # custom columns (and the people of RACI) after the contract's, first seen first
        for key in r:
            if not key.startswith("_") and key not in known:
                headers.append(key)
                known.add(key)
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    plain = [h.rstrip("*") for h in headers]
    for r in rows:
        ws.append([r.get(h) for h in plain])
    for col, header in enumerate(plain, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = WIDTHS.get(header, 16 if sheet != "RACI" else 13)
        if sheet == "RACI" and col == 1:
            ws.column_dimensions[letter].width = 9
        for cell in ws[letter][1:]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
            elif header in MONEY_COLUMNS:
                cell.number_format = "#,##0.00" if isinstance(cell.value, float) and cell.value % 1 else "#,##0"
            if (sheet, header) in percent and cell.value is not None:
                cell.value = cell.value / 100
                cell.number_format = "0%"
            if header in WRAP:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif sheet == "RACI" and col > 1:
                cell.alignment = Alignment(horizontal="center")
            else:
                cell.alignment = Alignment(vertical="top")
    if sheet == "Project":
        for row in ws.iter_rows(min_row=2):
            if isinstance(row[1].value, (int, float)) and not isinstance(row[1].value, bool):
                row[1].number_format = "#,##0"
                row[1].alignment = Alignment(horizontal="left", vertical="top")
    if sheet == "RACI":
        for cell in ws[1][1:]:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[1].height = 32
    ws.freeze_panes = "B2" if sheet == "RACI" else "A2"
    last = max(ws.max_row, 2) + 200  # drop-downs reach past the data so new rows get them too
    for col, header in enumerate(plain, start=1):
        choices = CHOICES.get((sheet, header))
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            letter = get_column_letter(col)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)


def stable_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes that do not depend on when or where they were written."""
    from implan_docs.xlsx.package import workbook_bytes

    return workbook_bytes(wb, FIXED_TIME)


# --------------------------------------------------------------------------------------------------
# Helpers to keep the data below readable
# --------------------------------------------------------------------------------------------------
def D(text: str) -> date:
    return date.fromisoformat(text)


def task(tid: str, name: str, deliverable: str, owner: str, duration: int | None = None, depends: str = "",
         *, start: str = "", finish: str = "", milestone: bool = False, buffer: int | None = None,
         status: str = "", progress: int | None = None, behind: bool = False,
         consulted: Iterable[str] = (), informed: Iterable[str] = (), **custom: Any) -> dict:
    t: dict[str, Any] = {
        "ID": tid, "Task": name, "Deliverable": deliverable, "Owner": owner,
        "Start": D(start) if start else None, "Finish": D(finish) if finish else None,
        "Duration": duration, "Depends on": depends or None, "Milestone": "yes" if milestone else None,
        "Buffer": buffer,
    }
    if status:
        t["Status"], t["Progress"] = status, progress
    t["_behind"] = behind
    t["_C"], t["_I"] = tuple(consulted), tuple(informed)
    t.update({k.replace("_", " "): v for k, v in custom.items()})
    return t


def resource(name: str, kind: str, quantity: float | None, unit: str, unit_cost: float | None,
             cost: float | None, for_id: str | None, start: str, end: str, approver: str, status: str) -> dict:
    return {"Resource": name, "Type": kind, "Quantity": quantity, "Unit": unit, "Unit cost": unit_cost,
            "Cost": cost, "For": for_id, "From": D(start) if start else None, "To": D(end) if end else None,
            "Approver": approver, "Status": status}


# --------------------------------------------------------------------------------------------------
# Plan 1 (English): Kestrel Valley Water, field service management system, Aug 2026 - Jun 2027
# --------------------------------------------------------------------------------------------------
def rollout_plan() -> dict:
    HM, DO, PS, TW, GA = "Helen Marsh", "Daniel Okafor", "Priya Shah", "Tom Wilkinson", "Grace Adeyemi"
    MD, ST, RN, CB, OP, LH = ("Martin Doyle", "Sophie Turner", "Rajesh Nair", "Claire Bennett",
                              "Owen Price", "Lucy Hughes")
    org, vendor = "Kestrel Valley Water", "Fieldline Software Ltd"

    def mail(name: str, domain: str = "kestrelvalleywater.example") -> str:
        first, last = name.lower().split()
        return f"{first}.{last}@{domain}"

    people = [
        {"Name": HM, "Role": "Sponsor; Director of Operations", "Organization": org, "Email": mail(HM),
         "Responsibilities": "Owns the business case and benefits; chairs the steering group; "
                             "approves go/no-go decisions and budget changes above £25,000", "Availability": 10},
        {"Name": DO, "Role": "Project Manager", "Organization": org + " (Project Management Office)",
         "Email": mail(DO), "Responsibilities": "Plans and controls the project; reports to the steering "
         "group every four weeks; owns the risk register and the change log", "Availability": 100},
        {"Name": PS, "Role": "Lead Business Analyst", "Organization": org + " (Business Change)",
         "Email": mail(PS), "Responsibilities": "Process mapping, user stories and design sign-off; "
         "chairs the design authority", "Availability": 100},
        {"Name": TW, "Role": "Field Operations Manager (business lead)", "Organization": org + " (Network Operations)",
         "Email": mail(TW), "Responsibilities": "Speaks for the three depots; leads UAT, the pilot and the "
         "rollout; agrees working practices with the trade union", "Availability": 50},
        {"Name": GA, "Role": "Solution Architect", "Organization": org + " (IT)", "Email": mail(GA),
         "Responsibilities": "Integration design with GIS, finance and SMS; tablet management; "
         "support model and legacy decommissioning", "Availability": 50},
        {"Name": MD, "Role": "GIS and Asset Data Lead", "Organization": org + " (Asset Management)",
         "Email": mail(MD), "Responsibilities": "Asset and location data cleansing, migration scripts, "
         "reconciliation and the legacy archive", "Availability": 50},
        {"Name": ST, "Role": "Training and Change Lead", "Organization": org + " (People & Culture)",
         "Email": mail(ST), "Responsibilities": "Training plan, materials, super-user network and "
         "communications to field staff", "Availability": 80},
        {"Name": RN, "Role": "Vendor Delivery Manager", "Organization": vendor,
         "Email": mail(RN, "fieldline.example"), "Responsibilities": "Configures the FSM platform, fixes "
         "defects, provides hypercare under the implementation contract", "Availability": 100},
        {"Name": CB, "Role": "Finance Business Partner", "Organization": org + " (Finance)", "Email": mail(CB),
         "Responsibilities": "Budget tracking, purchase orders, cost-posting rules for the finance "
         "interface", "Availability": 20},
        {"Name": OP, "Role": "Information Security and Data Protection Officer", "Organization": org + " (IT)",
         "Email": mail(OP), "Responsibilities": "DPIA, security testing, device security policy", "Availability": 20},
        {"Name": LH, "Role": "Test Manager", "Organization": org + " (IT)", "Email": mail(LH),
         "Responsibilities": "Test strategy; system, integration and performance testing; defect triage",
         "Availability": 100},
    ]

    project = [
        ("Name", "Field Service Management System Rollout"),
        ("Code", "WFS-2027"),
        ("Purpose", "Replace paper job sheets and the 2009 work-order system with one field service "
                    "management (FSM) system, so that our 185 field staff receive, update and close every "
                    "job on a tablet, customers get appointment times we keep, and we can evidence the "
                    "supply-interruption and leakage commitments in our 2025-30 business plan."),
        ("Strategy", "Delivers the 'Smarter field operations' commitment of the Kestrel Valley Water "
                     "Business Plan 2025-30 (theme 3: reliable service for every customer) and step 2 of "
                     "the Digital Roadmap 2025-28, which retires unsupported operational systems by the "
                     "end of 2027."),
        ("Sponsor", HM),
        ("Manager", DO),
        ("Version", "1.0"),
        ("Status", "In review"),
        ("Start", D("2026-08-03")),
        ("Finish", D("2027-06-04")),
        ("Status date", D("2026-11-13")),
        ("Budget", 1_200_000),
        ("Currency", "GBP"),
        ("Confidentiality", "Internal"),
        ("Language", "en"),
        ("Working days", "Mon-Fri"),
        ("Programme", "Digital Operations Programme 2025-30"),
    ]

    objectives = [
        {"ID": "O1", "Objective": "Run every field job from a mobile device",
         "Metric": "% of field jobs issued and closed on a tablet (monthly)", "Baseline": 0, "Target": 95,
         "Due": D("2027-05-28"), "Owner": TW},
        {"ID": "O2", "Objective": "Keep the appointment times we give customers",
         "Metric": "% of booked appointments attended within the 2-hour slot (monthly)", "Baseline": 78,
         "Target": 92, "Due": D("2027-06-04"), "Owner": TW},
        {"ID": "O3", "Objective": "Repair reported leaks faster",
         "Metric": "Average working days from leak report to repair (reported leaks, quarterly)",
         "Baseline": 6.4, "Target": 4.5, "Due": D("2027-06-04"), "Owner": MD},
        {"ID": "O4", "Objective": "Stop re-keying job sheets in the office",
         "Metric": "Planner hours per week spent typing up paper job sheets", "Baseline": 120, "Target": 15,
         "Due": D("2027-05-28"), "Owner": PS},
        {"ID": "O5", "Objective": "Retire the legacy work-order system",
         "Metric": "State of the legacy system", "Baseline": "In daily use by 230 people",
         "Target": "Switched off; history archived and readable for 7 years", "Due": D("2027-06-04"),
         "Owner": GA},
    ]

    scope = [
        {"Kind": "In scope", "Item": "Work orders, scheduling and dispatch for network, treatment-works and "
         "metering teams (185 field staff, 32 planners and supervisors)", "Notes": "Three depots: Northfield, "
         "Eastbrook, Riverside"},
        {"Kind": "In scope", "Item": "Mobile app on rugged tablets, working offline where there is no signal",
         "Notes": "Offline for up to 3 days; photos and digital permits included"},
        {"Kind": "In scope", "Item": "Interfaces to the GIS asset register, the finance system (labour and "
         "materials costs) and the SMS gateway"},
        {"Kind": "In scope", "Item": "Customer appointment booking with SMS confirmation and 'on my way' texts"},
        {"Kind": "In scope", "Item": "Migration of open work orders and five years of job history",
         "Notes": "About 410,000 closed jobs; older history stays in the archive"},
        {"Kind": "Out of scope", "Item": "Wastewater jobs done by our maintenance partner",
         "Notes": "The partner keeps its own system; a later phase may connect it"},
        {"Kind": "Out of scope", "Item": "Replacing the GIS or the finance system"},
        {"Kind": "Out of scope", "Item": "Smart-meter data platform", "Notes": "Separate project SMP-2028"},
        {"Kind": "Assumption", "Item": "The vendor provides a UK-hosted production tenant by 1 September 2026",
         "Notes": "Contract schedule 4"},
        {"Kind": "Assumption", "Item": "The finance system supplier opens its cost-posting API to us "
         "by October 2026", "Notes": "See risk R6"},
        {"Kind": "Constraint", "Item": "No go-live in the peak-demand period from June to August"},
        {"Kind": "Constraint", "Item": "Customer and staff personal data stays in the UK",
         "Notes": "Data protection policy DP-04"},
        {"Kind": "Constraint", "Item": "Capital spend within the approved budget of £1.2m"},
    ]

    deliverables = [
        {"ID": "D1", "Deliverable": "Requirements and solution design",
         "Description": "Future-state processes, user stories, integration design and DPIA",
         "Objectives": "O1, O4", "Owner": PS, "Due": D("2026-10-09"),
         "Acceptance criteria": "Design authority signs off process maps, at least 60 user stories and the "
                                "integration design; no open 'must' questions; DPIA approved by the DPO"},
        {"ID": "D2", "Deliverable": "Configured FSM platform",
         "Description": "Work order types, skills, schedules, mobile forms and appointment booking",
         "Objectives": "O1, O2", "Owner": RN, "Due": D("2027-01-22"),
         "Acceptance criteria": "All 'must' user stories pass system test; 300 concurrent users with pages "
                                "loading in under 2 seconds"},
        {"ID": "D3", "Deliverable": "Integrations with GIS, finance and SMS",
         "Description": "Asset look-up, cost posting and customer texts, with an error queue",
         "Objectives": "O3, O4", "Owner": GA, "Due": D("2027-01-29"),
         "Acceptance criteria": "End-to-end tests pass for asset look-up, cost posting and appointment "
                                "texts; failed messages appear in a monitored error queue"},
        {"ID": "D4", "Deliverable": "Migrated work-order data",
         "Description": "Cleansed asset references, migration scripts, two rehearsals",
         "Objectives": "O5", "Owner": MD, "Due": D("2027-02-05"),
         "Acceptance criteria": "Open work orders reconcile 100% to the legacy system; history reconciles "
                                "within 0.5%"},
        {"ID": "D5", "Deliverable": "Trained staff and enrolled tablets",
         "Description": "190 tablets enrolled; super-users, field staff and planners trained",
         "Objectives": "O1", "Owner": ST, "Due": D("2027-04-30"),
         "Acceptance criteria": "95% of field staff and all planners trained and assessed; 190 tablets "
                                "enrolled in device management"},
        {"ID": "D6", "Deliverable": "Pilot and full go-live",
         "Description": "UAT, four-week pilot at Northfield, rollout to Eastbrook and Riverside",
         "Objectives": "O1, O2, O3", "Owner": TW, "Due": D("2027-05-07"),
         "Acceptance criteria": "Pilot runs four weeks with no severity-1 defects; Sponsor approves both "
                                "go/no-go decisions"},
        {"ID": "D7", "Deliverable": "Legacy switch-off and handover to support",
         "Description": "Support model, archive, switch-off, benefits re-measure and closure",
         "Objectives": "O5", "Owner": GA, "Due": D("2027-06-04"),
         "Acceptance criteria": "Legacy system switched off with a verified read-only archive; service desk "
                                "and vendor support contract accepted; lessons learned published"},
    ]

    wp1, wp2, wp3, wp4 = "WP1 Mobilise and design", "WP2 Build", "WP3 Data", "WP4 Devices and training"
    wp5, wp6 = "WP5 Pilot and rollout", "WP6 Transition and closure"
    cc_it, cc_ops, cc_am, cc_pc = "CC-4110 IT projects", "CC-2300 Network operations", "CC-2510 Asset data", "CC-1800 People & Culture"
    tasks = [
        task("T1", "Project kick-off and mobilisation", "D1", DO, start="2026-08-03", finish="2026-08-07",
             consulted=[HM], Work_package=wp1, Cost_centre=cc_it),
        task("T2", "Map current work-order processes with the three depots and the planning team, "
                   "including emergency call-outs", "D1", PS, 20, "T1", consulted=[TW], Work_package=wp1,
             Cost_centre=cc_it),
        task("T3", "Set up vendor tenant and environment access", "D1", RN, 10, "T1 SS+2d", consulted=[GA],
             Work_package=wp1, Cost_centre=cc_it),
        task("T4", "Future-state process design workshops", "D1", PS, 25, "T2 SS+10d", consulted=[TW, ST],
             Work_package=wp1, Cost_centre=cc_it),
        task("T5", "Integration architecture and interface specifications", "D1", GA, 25, "T3, T4 SS+5d",
             consulted=[MD, CB], Work_package=wp1, Cost_centre=cc_it),
        task("T6", "Data protection impact assessment (DPIA)", "D1", OP, 15, "T4 SS+10d", Work_package=wp1,
             Cost_centre=cc_it),
        task("T7", "Design signed off by the design authority", "D1", PS, milestone=True, depends="T4, T5, T6",
             informed=[HM], Work_package=wp1, Cost_centre=cc_it),
        task("T8", "Configure work order types, skills and schedules", "D2", RN, 50, "T7",
             consulted=[TW], Work_package=wp2, Cost_centre=cc_it),
        task("T9", "Configure mobile forms, photos and offline rules", "D2", RN, 35, "T8 SS+10d",
             status="In progress", progress=25, behind=True, consulted=[TW], Work_package=wp2, Cost_centre=cc_it),
        task("T10", "Configure appointment booking and SMS templates", "D2", RN, 25, "T8 SS+30d",
             Work_package=wp2, Cost_centre=cc_it),
        task("T11", "System test of the configured platform", "D2", LH, 30, "T9 FF+15d, T10 FF+10d",
             Work_package=wp2, Cost_centre=cc_it),
        task("T12", "Performance test with 300 concurrent users", "D2", LH, 5, "T11-2d", Work_package=wp2,
             Cost_centre=cc_it),
        task("T13", "Platform ready for user acceptance testing", "D2", RN, milestone=True, depends="T11, T12",
             informed=[TW], Work_package=wp2, Cost_centre=cc_it),
        task("T14", "Build GIS asset register interface", "D3", GA, 25, "T7", buffer=5, status="In progress",
             progress=85, behind=True, consulted=[MD],
             Work_package=wp2, Cost_centre=cc_it),
        task("T15", "Build finance cost-posting interface", "D3", GA, 20, "T14 SS+10d", status="Blocked",
             progress=20, consulted=[CB], Work_package=wp2, Cost_centre=cc_it),
        task("T16", "Build SMS gateway interface", "D3", GA, 10, "T10 SS", Work_package=wp2, Cost_centre=cc_it),
        task("T17", "End-to-end integration test", "D3", LH, 20, "T14, T15, T16, T11 SS+5d", Work_package=wp2,
             Cost_centre=cc_it),
        task("T18", "Cleanse asset references and customer locations", "D4", MD, 40, "T5 SS+5d",
             status="In progress", progress=70, behind=True, Work_package=wp3, Cost_centre=cc_am),
        task("T19", "Build migration scripts and field mapping", "D4", MD, 25, "T18 SS+30d, T7",
             consulted=[RN], Work_package=wp3, Cost_centre=cc_am),
        task("T20", "Migration rehearsal 1", "D4", MD, 5, "T19, T14", Work_package=wp3, Cost_centre=cc_am),
        task("T21", "Migration rehearsal 2 and reconciliation", "D4", MD, 5, "T20 FS+10d", consulted=[CB],
             Work_package=wp3, Cost_centre=cc_am),
        task("T22", "Buy 190 rugged tablets through the IT hardware framework", "D5", CB,
             start="2026-09-14", finish="2026-11-20", consulted=[GA], Work_package=wp4, Cost_centre=cc_it),
        task("T23", "Enrol and configure tablets in device management", "D5", GA, 10, "T22", consulted=[OP],
             Work_package=wp4, Cost_centre=cc_it),
        task("T24", "Write training materials and quick-reference cards", "D5", ST, 20, "T11 SS+5d",
             consulted=[PS], Work_package=wp4, Cost_centre=cc_pc),
        task("T25", "Train the trainers (12 super-users)", "D5", ST, 5, "T24, T13", Work_package=wp4,
             Cost_centre=cc_pc),
        task("T26", "Train Northfield depot staff for the pilot", "D5", ST, 10, "T25, T23", consulted=[TW],
             Work_package=wp4, Cost_centre=cc_pc),
        task("T27", "Train Eastbrook and Riverside staff and all planners", "D5", ST, 25, "T31 SS+5d",
             consulted=[TW], Work_package=wp4, Cost_centre=cc_pc),
        task("T28", "User acceptance testing", "D6", TW, 25, "T13, T17, T21 FF", consulted=[PS, LH],
             Work_package=wp5, Cost_centre=cc_ops),
        task("T29", "Consult the trade union on mobile working", "D6", TW, start="2026-09-07",
             finish="2026-12-11", consulted=[ST], informed=[HM], Work_package=wp5, Cost_centre=cc_ops),
        task("T30", "Go/no-go for the pilot", "D6", TW, milestone=True, depends="T28, T26, T29",
             consulted=[HM], Work_package=wp5, Cost_centre=cc_ops),
        task("T31", "Pilot at Northfield depot (four weeks)", "D6", TW, 20, "T30", Work_package=wp5,
             Cost_centre=cc_ops),
        task("T32", "Fix pilot defects and re-test", "D6", RN, 10, "T31 SS+10d", buffer=5, consulted=[LH],
             Work_package=wp5, Cost_centre=cc_it),
        task("T33", "Go/no-go for full rollout", "D6", TW, milestone=True, depends="T31, T32", consulted=[HM],
             Work_package=wp5, Cost_centre=cc_ops),
        task("T34", "Roll out to Eastbrook and Riverside depots", "D6", TW, 15, "T33, T27 FF",
             Work_package=wp5, Cost_centre=cc_ops),
        task("T35", "Hypercare (vendor on site)", "D6", RN, 30, "T34 SS", Work_package=wp5, Cost_centre=cc_it),
        task("T36", "Full go-live", "D6", TW, milestone=True, depends="T34", informed=[HM],
             Work_package=wp5, Cost_centre=cc_ops),
        task("T37", "Agree support model and service desk scripts", "D7", GA, 10, "T31 SS", buffer=3,
             Work_package=wp6, Cost_centre=cc_it),
        task("T38", "Keep the legacy system read-only alongside the new one", "D7", GA, 10,
             "T34 SS, T39 SF", Work_package=wp6, Cost_centre=cc_it),
        task("T39", "Archive legacy data and switch off the legacy system", "D7", MD, 5, "T35 FF-2d",
             consulted=[OP], Work_package=wp6, Cost_centre=cc_am),
        task("T40", "Re-measure benefits against the baselines and hold lessons learned", "D7", DO, 10,
             "T36+20d", consulted=[TW, CB], Work_package=wp6, Cost_centre=cc_it),
        task("T41", "Project closure approved by the steering group", "D7", DO, milestone=True,
             depends="T37, T38, T39, T40", consulted=[HM], Work_package=wp6, Cost_centre=cc_it),
    ]

    risks = [
        {"ID": "R1", "Risk": "Vendor configuration team is too small to deliver the build in time",
         "Category": "Supplier", "Likelihood": 3, "Impact": 5,
         "Mitigation": "Named vendor team in the contract; weekly capacity review with the vendor",
         "Contingency": "Invoke contract clause 12 for two extra consultants at the vendor's cost; move "
                        "appointment booking to a second release", "Owner": DO,
         "Trigger": "Two sprints in a row deliver less than 80% of the planned stories", "Status": "Open",
         "Response": "Reduce", "Proximity": "Nov 2026 - Jan 2027"},
        {"ID": "R2", "Risk": "Asset data in the legacy system is worse than the audit suggested",
         "Category": "Data", "Likelihood": 4, "Impact": 4,
         "Mitigation": "Start cleansing before design sign-off (T18); one data owner per depot",
         "Contingency": "Migrate with an 'unverified' flag and finish cleansing during hypercare; hire two "
                        "temporary data analysts from the contingency reserve", "Owner": MD,
         "Trigger": "Rehearsal 1 rejects more than 5% of asset references", "Status": "Open",
         "Response": "Reduce", "Proximity": "Jan 2027"},
        {"ID": "R3", "Risk": "No mobile signal at remote sites stops crews closing jobs",
         "Category": "Technical", "Likelihood": 4, "Impact": 3,
         "Mitigation": "Offline working is a 'must' story; test it at the ten worst sites during UAT",
         "Contingency": "Crews close jobs at the depot Wi-Fi at the end of the shift", "Owner": GA,
         "Trigger": "", "Status": "Open", "Response": "Reduce", "Proximity": "Feb 2027"},
        {"ID": "R4", "Risk": "The trade union does not agree the mobile working procedure before the pilot",
         "Category": "People", "Likelihood": 3, "Impact": 5,
         "Mitigation": "Consultation from September; joint working group with union representatives",
         "Contingency": "Run the pilot with volunteer crews only; keep paper job sheets for one more month",
         "Owner": TW, "Trigger": "No agreement by 11 December 2026", "Status": "Open",
         "Response": "Reduce", "Proximity": "Dec 2026"},
        {"ID": "R5", "Risk": "Tablet delivery delayed by supply shortages", "Category": "Supplier",
         "Likelihood": 2, "Impact": 3, "Mitigation": "Order through the framework in September with a "
         "delivery guarantee", "Contingency": "Borrow 20 tablets from the meter-reading team for the pilot",
         "Owner": CB, "Trigger": "Supplier confirms a delivery date after 27 November 2026",
         "Status": "Open", "Response": "Transfer", "Proximity": "Nov 2026"},
        {"ID": "R6", "Risk": "Finance system supplier is late opening its cost-posting API",
         "Category": "Supplier", "Likelihood": 4, "Impact": 3,
         "Mitigation": "Escalated through the finance system account manager; weekly call",
         "Contingency": "Post costs with a nightly file transfer until the API is available",
         "Owner": GA, "Trigger": "API not available by 13 November 2026", "Status": "Occurred",
         "Response": "Reduce", "Proximity": "Nov 2026"},
        {"ID": "R7", "Risk": "Winter bursts pull field staff away from training", "Category": "Operational",
         "Likelihood": 3, "Impact": 3, "Mitigation": "Train after the pilot, from March; short sessions at "
         "depots", "Contingency": "Add two catch-up sessions in April", "Owner": ST, "Trigger": "",
         "Status": "Open", "Response": "Accept", "Proximity": "Mar - Apr 2027"},
        {"ID": "R8", "Risk": "Personal data exposed through a lost or stolen tablet", "Category": "Security",
         "Likelihood": 2, "Impact": 5, "Mitigation": "Encryption, PIN and remote wipe enforced by device "
         "management; DPIA actions tracked", "Contingency": "Wipe the device; follow the data breach "
         "procedure", "Owner": OP, "Trigger": "", "Status": "Open", "Response": "Reduce",
         "Proximity": "From Jan 2027"},
        {"ID": "R9", "Risk": "Lead business analyst leaves during the build", "Category": "People",
         "Likelihood": 2, "Impact": 4, "Mitigation": "Designs and decisions kept in the shared design log; "
         "a second analyst shadows workshops", "Contingency": "Call off an analyst from the consultancy "
         "framework", "Owner": DO, "Trigger": "", "Status": "Open", "Response": "Reduce", "Proximity": ""},
        {"ID": "R10", "Risk": "Depots ask for local variations of forms, growing the scope",
         "Category": "Scope", "Likelihood": 3, "Impact": 2, "Mitigation": "One form set for all depots; "
         "changes go through the design authority", "Contingency": "", "Owner": PS, "Trigger": "",
         "Status": "Open", "Response": "Avoid", "Proximity": ""},
        {"ID": "R11", "Risk": "A major burst during cutover stretches crews and planners",
         "Category": "Operational", "Likelihood": 2, "Impact": 4, "Mitigation": "Cutover on a Saturday in "
         "April; incident roster agreed with the duty manager", "Contingency": "Roll back the depot to "
         "paper for the day and re-key afterwards", "Owner": TW, "Trigger": "", "Status": "Open",
         "Response": "Accept", "Proximity": "Apr 2027"},
        {"ID": "R12", "Risk": "The vendor's tenant is hosted outside the UK", "Category": "Compliance",
         "Likelihood": 1, "Impact": 5, "Mitigation": "UK hosting written into the contract",
         "Contingency": "", "Owner": OP, "Trigger": "", "Status": "Closed", "Response": "Avoid",
         "Proximity": ""},
    ]

    resources = [
        resource("Project manager (internal secondment)", "Personnel", 210, "day", 480, None, None,
                 "2026-08-03", "2027-06-04", HM, "Approved"),
        resource("Lead business analyst", "Personnel", 180, "day", 420, 75_600, "D1", "2026-08-03", "2027-04-30",
                 HM, "Approved"),
        resource("Fieldline implementation consultants", "Personnel", 270, "day", 1_050, None, "D2",
                 "2026-08-05", "2027-05-28", HM, "Approved"),
        resource("Solution architect (internal, half time)", "Personnel", 100, "day", 450, None, "D3",
                 "2026-08-17", "2027-05-28", HM, "Approved"),
        resource("Contract integration developer", "Personnel", 90, "day", 620, None, "D3", "2026-10-12",
                 "2027-02-26", HM, "Approved"),
        resource("Temporary data analysts (two)", "Personnel", 120, "day", 410, None, "T18", "2026-09-01",
                 "2027-01-29", HM, "Requested"),
        resource("FSM subscription, 230 named users, first year", "Software", 230, "user", 540, None, "D2",
                 "2026-09-01", "2027-08-31", HM, "Approved"),
        resource("Device management licences", "Software", 190, "device", 48, None, "T23", "2026-11-23",
                 "2027-11-22", CB, "Approved"),
        resource("Test management tool", "Software", 12, "month", 350, None, "T11", "2026-10-01", "2027-09-30",
                 CB, "Approved"),
        resource("Rugged tablets with cases and chargers", "Equipment", 190, "device", 1_180, None, "T22",
                 "2026-09-14", "2026-11-20", HM, "Approved"),
        resource("Vehicle mounts and in-cab chargers", "Equipment", 150, "kit", 95, None, "T23", "2026-11-23",
                 "2026-12-11", CB, "Approved"),
        resource("Depot Wi-Fi access points", "Equipment", 12, "unit", 640, None, "T31", "2027-01-11",
                 "2027-01-29", CB, "Requested"),
        resource("Printed quick-reference cards and training packs", "Material", 450, "set", 14, None, "T24",
                 "2027-01-25", "2027-02-19", CB, "Requested"),
        resource("SMS messages, first year", "Money", 400_000, "message", 0.03, None, "T16", "2027-02-01",
                 "2028-01-31", CB, "Requested"),
        resource("Training venue hire", "Money", 18, "day", 250, 4_500, "T27", "2027-03-01", "2027-04-09", CB,
                 "Requested"),
        resource("Backfill overtime while field staff train", "Time", 1_480, "hour", 38, None, "T27",
                 "2027-02-22", "2027-04-16", HM, "Requested"),
        resource("Planner and supervisor time for UAT", "Time", 320, "hour", 32, None, "T28", "2027-01-11",
                 "2027-02-05", CB, "Approved"),
        resource("Contingency reserve (held by the Sponsor)", "Money", 1, "lump sum", None, 95_000, None,
                 "", "", HM, "Approved"),
    ]

    research = [
        {"Method": "Interview", "Source": "Depot supervisors at Northfield, Eastbrook and Riverside (9 interviews)",
         "Date": D("2026-08-12"), "Finding": "Supervisors spend about two hours a day chasing paper job sheets; "
         "emergency jobs are phoned through and often never written up.",
         "Effect on plan": "Emergency call-outs designed first (T4); planners get live job status."},
        {"Method": "Survey", "Source": "Field staff survey: 142 of 185 replied (77%)", "Date": D("2026-08-21"),
         "Finding": "68% already use a smartphone for work; 24% worry about typing on site in bad weather.",
         "Effect on plan": "Forms use pick lists and photos; an extra session for less confident users (T27)."},
        {"Method": "Focus group", "Source": "Customer panel (11 household customers)", "Date": D("2026-08-26"),
         "Finding": "A 2-hour slot and a text 30 minutes before arrival matter more than evening appointments.",
         "Effect on plan": "SMS texts kept in scope (T10, T16); evening slots left out."},
        {"Method": "Observation", "Source": "Ride-along with four leak repair crews (2 days)",
         "Date": D("2026-08-19"), "Finding": "No signal at 3 of 11 job sites; crews drive back to the depot "
         "to collect permits.", "Effect on plan": "Offline working and digital permits made 'must' stories; "
         "risk R3 raised."},
        {"Method": "Document", "Source": "Legacy data dictionary and the 2025 internal audit report",
         "Date": D("2026-08-07"), "Finding": "31% of asset references on closed jobs do not match the GIS "
         "register.", "Effect on plan": "Data cleansing (T18) starts before design sign-off; risk R2 raised."},
        {"Method": "Interview", "Source": "Finance system supplier account manager", "Date": D("2026-09-30"),
         "Finding": "The cost-posting API needs a product upgrade planned for October 2026.",
         "Effect on plan": "Finance interface (T15) planned after the upgrade; risk R6 raised."},
    ]

    swot = [
        {"Kind": "Strength", "Item": "Field managers asked for this system and lead the pilot themselves"},
        {"Kind": "Strength", "Item": "GIS asset register already covers 98% of the network"},
        {"Kind": "Weakness", "Item": "Small IT team: two people run all operational systems today"},
        {"Kind": "Weakness", "Item": "Job history in the legacy system is incomplete and inconsistent"},
        {"Kind": "Opportunity", "Item": "Live job data supports leakage and interruption reporting to the regulator"},
        {"Kind": "Opportunity", "Item": "The same platform can later schedule the wastewater partner's jobs"},
        {"Kind": "Threat", "Item": "A hard winter can take crews out of training for weeks"},
        {"Kind": "Threat", "Item": "Legacy vendor support ends on 30 June 2027"},
    ]

    holidays = [
        {"Date": D("2026-08-31"), "Name": "Summer bank holiday"},
        {"Date": D("2026-12-25"), "Name": "Christmas Day"},
        {"Date": D("2026-12-26"), "Name": "Boxing Day (Saturday)"},
        {"Date": D("2026-12-28"), "Name": "Boxing Day (substitute day)"},
        {"Date": D("2027-01-01"), "Name": "New Year's Day"},
        {"Date": D("2027-03-26"), "Name": "Good Friday"},
        {"Date": D("2027-03-29"), "Name": "Easter Monday"},
        {"Date": D("2027-05-03"), "Name": "Early May bank holiday"},
        {"Date": D("2027-05-31"), "Name": "Spring bank holiday"},
    ]
    extra = [{"Date": D("2027-04-10"), "Name": "Cutover Saturday for Eastbrook and Riverside "
                                                "(worked; time off in lieu)"}]

    return {
        "author": DO, "project": project, "objectives": objectives, "scope": scope,
        "deliverables": deliverables, "tasks": tasks, "risks": risks, "people": people,
        "resources": resources, "research": research, "swot": swot, "holidays": holidays,
        "extra_working_days": extra, "review": [],
        "raci": {"consulted": {"D1": [TW, GA], "D2": [PS, TW], "D3": [MD, CB], "D4": [GA],
                               "D5": [TW, OP], "D6": [ST, LH], "D7": [OP, CB]},
                 "informed": [HM, DO]},
        "percent_columns": [("People", "Availability")],
    }


# --------------------------------------------------------------------------------------------------
# Plan 2 (zh-TW): 南嶺綜合醫院 智慧門診服務平台, Jan - Oct 2026.
# Holidays: the 2026 (民國115年) government office calendar. Since that year the calendar has no
# make-up Saturdays (補行上班 was dropped when 「紀念日及節日實施條例」 took effect in 2025), so the
# Extra working days here are the project's own worked Saturdays.
# --------------------------------------------------------------------------------------------------
def smart_service_plan() -> dict:
    LZM, CYJ, WJH, ZYT, LPS = "林志明", "陳怡君", "王建宏", "張雅婷", "李佩珊"
    HJJ, WSF, LGT, CYZ, ZMD, ZML = "黃俊傑", "吳淑芬", "劉冠廷", "蔡宜蓁", "周明德", "鄭美玲"
    hosp, vendor = "南嶺綜合醫院", "昕達資訊股份有限公司"
    domain = "nanling-hospital.example"

    people = [
        {"Name": LZM, "Role": "計畫督導（醫療副院長）", "Organization": hosp, "Email": f"cm.lin@{domain}",
         "Responsibilities": "主持計畫指導委員會；核定範圍、經費變更及上線決策", "Availability": 10},
        {"Name": CYJ, "Role": "專案經理", "Organization": f"{hosp} 資訊室", "Email": f"yj.chen@{domain}",
         "Responsibilities": "規劃與控管時程、經費及風險；每月向指導委員會提出進度報告", "Availability": 100},
        {"Name": WJH, "Role": "資訊室主任（系統架構）", "Organization": f"{hosp} 資訊室",
         "Email": f"ch.wang@{domain}", "Responsibilities": "系統架構、HIS 與金流介接設計；舊系統停用",
         "Availability": 40},
        {"Name": ZYT, "Role": "系統分析師", "Organization": f"{hosp} 資訊室", "Email": f"yt.chang@{domain}",
         "Responsibilities": "需求訪談、需求規格書、測試案例與缺失追蹤", "Availability": 100},
        {"Name": LPS, "Role": "門診護理長", "Organization": f"{hosp} 護理部", "Email": f"ps.lee@{domain}",
         "Responsibilities": "代表門診單位確認報到、叫號流程；主導試營運", "Availability": 50},
        {"Name": HJJ, "Role": "醫事課課長", "Organization": f"{hosp} 醫事課", "Email": f"cc.huang@{domain}",
         "Responsibilities": "掛號、批價及病歷申請作業流程；使用者驗收測試召集人", "Availability": 50},
        {"Name": WSF, "Role": "會計室主任", "Organization": f"{hosp} 會計室", "Email": f"sf.wu@{domain}",
         "Responsibilities": "經費控管、收單銀行合約與金流對帳規則", "Availability": 20},
        {"Name": LGT, "Role": "廠商專案經理", "Organization": vendor, "Email": "kt.liu@xinda-info.example",
         "Responsibilities": "依契約完成平台開發、測試、缺失修正及上線駐點支援", "Availability": 100},
        {"Name": CYZ, "Role": "資安暨個資管理專員", "Organization": f"{hosp} 資訊室",
         "Email": f"yc.tsai@{domain}", "Responsibilities": "個資衝擊評估、弱點掃描與滲透測試之規劃及追蹤",
         "Availability": 30},
        {"Name": ZMD, "Role": "總務課課長", "Organization": f"{hosp} 總務課", "Email": f"md.chou@{domain}",
         "Responsibilities": "自助報到繳費機採購、進場安裝與用電、網路佈線", "Availability": 30},
        {"Name": ZML, "Role": "教育訓練暨推廣專員", "Organization": f"{hosp} 品質管理中心",
         "Email": f"ml.cheng@{domain}", "Responsibilities": "教育訓練規劃、教材編製、病人推廣及滿意度調查",
         "Availability": 60},
    ]

    project = [
        ("Name", "智慧門診服務平台建置計畫"),
        ("Code", "SOPD-115"),
        ("Purpose", "整合線上掛號、行動報到、候診叫號推播、行動支付批價及線上病歷申請，縮短病人在院等候"
                    "時間、減少掛號批價櫃檯排隊，並讓櫃檯人力轉向需要協助的長者與初診病人。"),
        ("Strategy", "落實本院「2025-2028 年中程發展計畫」策略主軸三「以病人為中心的智慧醫療」，"
                     "並為資訊室「數位轉型三年藍圖」第二階段（門診服務數位化）之核心計畫。"),
        ("Sponsor", LZM),
        ("Manager", CYJ),
        ("Version", "1.0"),
        ("Status", "In review"),
        ("Start", D("2026-01-05")),
        ("Finish", D("2026-10-30")),
        ("Status date", D("2026-04-17")),
        ("Budget", 12_000_000),
        ("Currency", "TWD"),
        ("Confidentiality", "限院內使用"),
        ("Language", "zh-TW"),
        ("Working days", "Mon-Fri"),
        ("計畫類別", "院級重點計畫（數位轉型）"),
    ]

    objectives = [
        {"ID": "O1", "Objective": "縮短門診病人等候時間", "Metric": "病人自報到至進入診間之平均等候時間（分鐘，每月抽樣）",
         "Baseline": 42, "Target": 25, "Due": D("2026-10-30"), "Owner": LPS},
        {"ID": "O2", "Objective": "提高線上掛號比例", "Metric": "線上掛號（App、網站、LINE）占門診掛號人次比例（%）",
         "Baseline": 38, "Target": 65, "Due": D("2026-10-30"), "Owner": HJJ},
        {"ID": "O3", "Objective": "減少批價櫃檯排隊", "Metric": "行動支付與自助機繳費占門診批價筆數比例（%）",
         "Baseline": 0, "Target": 40, "Due": D("2026-10-30"), "Owner": WSF},
        {"ID": "O4", "Objective": "縮短病歷複本申請時間", "Metric": "病歷複本及診斷證明書自申請至取件之平均工作天數",
         "Baseline": 5, "Target": 2, "Due": D("2026-09-30"), "Owner": HJJ},
        {"ID": "O5", "Objective": "通過上線前資安檢測", "Metric": "第三方弱點掃描與滲透測試結果",
         "Baseline": "尚未檢測", "Target": "無高風險弱點；中風險弱點於上線前修補並複測通過",
         "Due": D("2026-08-14"), "Owner": CYZ},
    ]

    scope = [
        {"Kind": "In scope", "Item": "線上掛號、取消與改約（App、網站、LINE 官方帳號）", "Notes": "含初診病人線上建檔"},
        {"Kind": "In scope", "Item": "行動報到與候診叫號推播，更新診間叫號螢幕 24 面"},
        {"Kind": "In scope", "Item": "自助報到繳費機 6 台（門診大廳 4 台、二樓 2 台）"},
        {"Kind": "In scope", "Item": "行動支付與信用卡線上批價繳費", "Notes": "收單銀行依現行合約辦理"},
        {"Kind": "In scope", "Item": "線上申請病歷複本與診斷證明書，可選擇臨櫃取件或掛號郵寄"},
        {"Kind": "In scope", "Item": "與 HIS（醫院資訊系統）及會計系統介接"},
        {"Kind": "Out of scope", "Item": "住院、急診流程", "Notes": "納入第二期（116 年）規劃"},
        {"Kind": "Out of scope", "Item": "遠距視訊診療", "Notes": "另案辦理"},
        {"Kind": "Out of scope", "Item": "HIS 汰換或改版"},
        {"Kind": "Assumption", "Item": "HIS 維護廠商於 3 月底前提供掛號、看診進度及批價 API"},
        {"Kind": "Assumption", "Item": "收單銀行於 4 月中旬前開通金流測試環境", "Notes": "見風險 R2"},
        {"Kind": "Constraint", "Item": "病人個人資料須存放於院內或國內機房", "Notes": "本院資訊安全政策第 7 條"},
        {"Kind": "Constraint", "Item": "全院上線避開連續假期前後之門診高峰"},
        {"Kind": "Constraint", "Item": "總經費以董事會核定之新臺幣 1,200 萬元為上限"},
    ]

    deliverables = [
        {"ID": "D1", "Deliverable": "需求規格與系統設計書", "Description": "現況流程分析、系統需求規格書（SRS）、系統架構與介接設計",
         "Objectives": "O1, O2", "Owner": ZYT, "Due": D("2026-03-27"),
         "Acceptance criteria": "經跨部門需求審查會議確認，需求項目皆訂有優先順序與驗收條件；設計書經資訊室主任核定"},
        {"ID": "D2", "Deliverable": "智慧門診服務平台", "Description": "App（iOS、Android）、網站及 LINE 官方帳號之掛號、報到、叫號與病歷申請功能",
         "Objectives": "O1, O2, O4", "Owner": LGT, "Due": D("2026-07-10"),
         "Acceptance criteria": "功能測試案例全數執行，通過率 95% 以上且無嚴重缺失；尖峰 300 人同時使用，回應時間 3 秒以內"},
        {"ID": "D3", "Deliverable": "HIS 與金流介接", "Description": "掛號、看診進度、批價資料與 HIS 同步；行動支付、信用卡金流與會計對帳",
         "Objectives": "O2, O3", "Owner": WJH, "Due": D("2026-07-10"),
         "Acceptance criteria": "掛號與批價資料與 HIS 即時同步；連續 5 個工作天金流對帳差異為 0"},
        {"ID": "D4", "Deliverable": "自助報到繳費機", "Description": "6 台自助報到繳費機採購、安裝與連線",
         "Objectives": "O1, O3", "Owner": ZMD, "Due": D("2026-06-30"),
         "Acceptance criteria": "6 台機台完成安裝、連線測試及用電安全檢查；單筆繳費交易 60 秒內完成"},
        {"ID": "D5", "Deliverable": "資安檢測與個資保護", "Description": "個資衝擊評估、弱點掃描、滲透測試與修補",
         "Objectives": "O5", "Owner": CYZ, "Due": D("2026-08-14"),
         "Acceptance criteria": "完成個資衝擊評估；第三方滲透測試無高風險弱點，中風險弱點皆已修補並複測通過"},
        {"ID": "D6", "Deliverable": "教育訓練與試營運", "Description": "教材、種子人員與全院訓練、病人推廣、三科試營運",
         "Objectives": "O1, O2", "Owner": ZML, "Due": D("2026-09-04"),
         "Acceptance criteria": "門診護理、櫃檯及志工受訓率 95% 以上；試營運 4 週無重大異常，病人滿意度 4 分以上（5 分量表）"},
        {"ID": "D7", "Deliverable": "全院上線與驗收結案", "Description": "全院門診上線、駐點支援、舊系統停用、成效量測與結案",
         "Objectives": "O1, O2, O3, O4, O5", "Owner": CYJ, "Due": D("2026-10-30"),
         "Acceptance criteria": "全院門診上線；舊系統停用並完成資料封存；結案報告經院務會議核備"},
    ]

    w1, w2, w3, w4 = "WP1 需求與設計", "WP2 平台開發", "WP3 介接", "WP4 設備"
    w5, w6, w7 = "WP5 資安", "WP6 訓練與試營運", "WP7 上線與結案"
    it, opd, acc, gen = "資訊室", "門診部", "會計室", "總務課"
    tasks = [
        task("T1", "計畫啟動會議與專案團隊組成", "D1", CYJ, start="2026-01-05", finish="2026-01-09",
             consulted=[LZM], 工作包=w1, 成本中心=it),
        task("T2", "召開跨部門需求訪談（門診護理、醫事課、會計室、資訊室、病人服務中心），彙整現行掛號、"
                   "報到、批價及病歷申請流程之問題與改善需求", "D1", ZYT, 15, "T1", consulted=[LPS, HJJ],
             工作包=w1, 成本中心=it),
        task("T3", "觀察週一上午門診尖峰時段動線與等候情形", "D1", LPS, 5, "T2 SS+3d", 工作包=w1, 成本中心=opd),
        task("T4", "門診病人問卷調查（候診區，目標 400 份）", "D1", ZML, 10, "T2 SS", 工作包=w1, 成本中心=opd),
        task("T5", "撰寫系統需求規格書（SRS）", "D1", ZYT, 20, "T2, T4 FF+2d", consulted=[HJJ], 工作包=w1, 成本中心=it),
        task("T6", "系統架構與 HIS 介接設計", "D1", WJH, 15, "T5 SS+5d", consulted=[LGT], 工作包=w1, 成本中心=it),
        task("T7", "需求規格與設計書審查通過", "D1", ZYT, milestone=True, depends="T5, T6", informed=[LZM],
             工作包=w1, 成本中心=it),
        task("T8", "線上掛號功能開發（App、網站、LINE 官方帳號）", "D2", LGT, 50, "T7", 工作包=w2, 成本中心=it),
        task("T9", "行動報到與候診叫號推播開發", "D2", LGT, 40, "T8 SS+10d", status="In progress",
             progress=30, behind=True, consulted=[LPS], 工作包=w2, 成本中心=it),
        task("T10", "線上申請病歷複本與診斷證明書功能開發", "D2", LGT, 25, "T8 SS+25d", consulted=[HJJ],
             工作包=w2, 成本中心=it),
        task("T11", "系統功能測試與缺失修正", "D2", ZYT, 35, "T9 FF+20d, T10 FF+10d", 工作包=w2, 成本中心=it),
        task("T12", "平台通過系統測試", "D2", LGT, milestone=True, depends="T11", informed=[CYJ], 工作包=w2, 成本中心=it),
        task("T13", "HIS 掛號與看診進度 API 介接", "D3", WJH, 25, "T7", buffer=5, consulted=[LGT], 工作包=w3, 成本中心=it),
        task("T14", "行動支付與信用卡金流介接（含收單銀行測試）", "D3", WJH, 20, "T13 SS+5d", status="Blocked",
             progress=15, consulted=[WSF], 工作包=w3, 成本中心=it),
        task("T15", "批價資料與會計系統對帳功能", "D3", WSF, 10, "T14", 工作包=w3, 成本中心=acc),
        task("T16", "端對端整合測試", "D3", ZYT, 10, "T13, T15, T11 SS+5d", 工作包=w3, 成本中心=it),
        task("T17", "自助報到繳費機規格訂定與採購", "D4", ZMD, start="2026-02-02", finish="2026-04-30",
             consulted=[WJH, WSF], 工作包=w4, 成本中心=gen),
        task("T18", "機台進場安裝與網路佈線", "D4", ZMD, 10, "T17", 工作包=w4, 成本中心=gen),
        task("T19", "機台與平台、HIS 連線測試", "D4", WJH, 5, "T18, T13", 工作包=w4, 成本中心=it),
        task("T20", "個人資料保護衝擊評估（PIA）", "D5", CYZ, 25, "T7", status="In progress", progress=60,
             behind=True, 工作包=w5, 成本中心=it),
        task("T21", "第三方弱點掃描與滲透測試", "D5", CYZ, 10, "T12+2d", 工作包=w5, 成本中心=it),
        task("T22", "弱點修補與複測", "D5", LGT, 10, "T21 SS+5d", buffer=3, 工作包=w5, 成本中心=it),
        task("T23", "資安檢測通過", "D5", CYZ, milestone=True, depends="T22", informed=[LZM], 工作包=w5, 成本中心=it),
        task("T24", "編製操作手冊與教育訓練教材", "D6", ZML, 15, "T11 SS", consulted=[ZYT], 工作包=w6, 成本中心=opd),
        task("T25", "門診護理與櫃檯人員教育訓練（共 12 梯次）", "D6", ZML, 15, "T24, T12", consulted=[LPS],
             工作包=w6, 成本中心=opd),
        task("T26", "病人推廣與志工引導培訓", "D6", ZML, 10, "T25 SS+5d", 工作包=w6, 成本中心=opd),
        task("T27", "使用者驗收測試（UAT）", "D6", HJJ, 25, "T16, T19, T25 SS", consulted=[LPS, ZYT],
             工作包=w6, 成本中心=opd),
        task("T28", "試營運上線決策會議", "D6", CYJ, milestone=True, depends="T27, T23", consulted=[LZM],
             工作包=w6, 成本中心=it),
        task("T29", "試營運（家醫科、小兒科、骨科門診）", "D6", LPS, 20, "T28", 工作包=w6, 成本中心=opd),
        task("T30", "試營運問題修正與病人滿意度調查", "D6", ZYT, 10, "T29 FF+5d", buffer=3, consulted=[ZML],
             工作包=w6, 成本中心=it),
        task("T31", "全院上線決策會議", "D7", CYJ, milestone=True, depends="T29, T30", consulted=[LZM],
             工作包=w7, 成本中心=it),
        task("T32", "全院門診正式上線", "D7", HJJ, 5, "T31", consulted=[LPS], 工作包=w7, 成本中心=opd),
        task("T33", "上線後駐點支援（4 週）", "D7", LGT, 20, "T32 SS", 工作包=w7, 成本中心=it),
        task("T34", "舊版掛號網頁與叫號系統並行運作", "D7", WJH, 10, "T32 SS, T35 SF", 工作包=w7, 成本中心=it),
        task("T35", "舊系統停用與資料封存", "D7", WJH, 3, "T33 FF-3d", consulted=[CYZ], 工作包=w7, 成本中心=it),
        task("T36", "成效量測（等候時間、線上掛號比例、批價排隊）", "D7", ZML, 10, "T32 FS+15d", consulted=[LPS, HJJ, WSF],
             工作包=w7, 成本中心=opd),
        task("T37", "驗收與結案報告", "D7", CYJ, 8, "T36, T35", 工作包=w7, 成本中心=it),
        task("T38", "計畫結案（院務會議核備）", "D7", CYJ, milestone=True, depends="T37", consulted=[LZM],
             工作包=w7, 成本中心=it),
    ]

    risks = [
        {"ID": "R1", "Risk": "HIS 維護廠商 API 開發延遲，影響掛號與看診進度介接", "Category": "廠商",
         "Likelihood": 4, "Impact": 5, "Mitigation": "合約明定 API 交付日；每週召開三方（本院、平台廠商、HIS 廠商）介接會議",
         "Contingency": "先以每 5 分鐘批次同步看診進度上線，API 完成後再切換；必要時動用預備金增購 HIS 廠商人天",
         "Owner": WJH, "Trigger": "3 月 31 日前未取得掛號 API 測試版", "Status": "Open",
         "因應策略": "降低", "預計發生期間": "115 年 3-5 月"},
        {"ID": "R2", "Risk": "收單銀行金流測試環境延遲開通", "Category": "廠商", "Likelihood": 3, "Impact": 4,
         "Mitigation": "會計室每週追蹤銀行窗口；平台廠商先以模擬器開發", "Contingency": "試營運先提供自助機與臨櫃繳費，行動支付延至全院上線時開放",
         "Owner": WSF, "Trigger": "4 月 15 日前未開通測試環境", "Status": "Occurred",
         "因應策略": "降低", "預計發生期間": "115 年 4 月"},
        {"ID": "R3", "Risk": "長者病人不熟悉 App 操作，線上掛號比例未達目標", "Category": "使用者", "Likelihood": 4,
         "Impact": 3, "Mitigation": "介面採大字體與語音提示；門診大廳安排志工引導", "Contingency": "延長志工引導期間至 12 月，並於社區衛教活動推廣",
         "Owner": ZML, "Trigger": "", "Status": "Open", "因應策略": "降低", "預計發生期間": "115 年 8-10 月"},
        {"ID": "R4", "Risk": "門診護理人力吃緊，無法抽空參加教育訓練", "Category": "人力", "Likelihood": 3, "Impact": 3,
         "Mitigation": "訓練安排於午休及下午門診結束後，每梯次 1 小時", "Contingency": "錄製線上課程並列入年度必修時數",
         "Owner": LPS, "Trigger": "", "Status": "Open", "因應策略": "降低", "預計發生期間": "115 年 6-7 月"},
        {"ID": "R5", "Risk": "個資外洩或資安事件", "Category": "資安", "Likelihood": 2, "Impact": 5,
         "Mitigation": "完成個資衝擊評估；上線前滲透測試；敏感欄位加密及存取紀錄", "Contingency": "依本院資安事件通報及應變程序處理",
         "Owner": CYZ, "Trigger": "", "Status": "Open", "因應策略": "降低", "預計發生期間": "上線後"},
        {"ID": "R6", "Risk": "自助報到繳費機採購流標或交貨延遲", "Category": "採購", "Likelihood": 3, "Impact": 5,
         "Mitigation": "提前於 2 月辦理採購；規格參考三家廠商產品，避免綁標", "Contingency": "試營運期間向廠商租用 2 台展示機；必要時改採限制性招標",
         "Owner": ZMD, "Trigger": "4 月 30 日前未完成決標", "Status": "Open", "因應策略": "降低",
         "預計發生期間": "115 年 4-5 月"},
        {"ID": "R7", "Risk": "廠商專案人員異動，影響開發進度", "Category": "廠商", "Likelihood": 2, "Impact": 4,
         "Mitigation": "合約要求關鍵人員異動須經本院同意並有 2 週交接", "Contingency": "", "Owner": CYJ, "Trigger": "",
         "Status": "Open", "因應策略": "轉移", "預計發生期間": ""},
        {"ID": "R8", "Risk": "全院上線初期尖峰時段系統效能不足", "Category": "技術", "Likelihood": 3, "Impact": 5,
         "Mitigation": "系統測試納入 300 人同時上線之壓力測試；上線首週廠商駐點", "Contingency": "啟動備援主機並暫停非必要功能（病歷申請）；必要時恢復臨櫃掛號",
         "Owner": WJH, "Trigger": "週一上午掛號平均回應時間超過 5 秒", "Status": "Open", "因應策略": "降低",
         "預計發生期間": "115 年 9 月"},
        {"ID": "R9", "Risk": "部分醫師不習慣新叫號流程，仍採人工叫號", "Category": "使用者", "Likelihood": 3, "Impact": 3,
         "Mitigation": "試營運科別由科主任帶頭使用；醫務會議說明成效", "Contingency": "", "Owner": LPS, "Trigger": "",
         "Status": "Open", "因應策略": "降低", "預計發生期間": "115 年 8-9 月"},
        {"ID": "R10", "Risk": "各單位陸續提出新需求，範圍擴大", "Category": "範圍", "Likelihood": 3, "Impact": 3,
         "Mitigation": "需求變更一律提至指導委員會審議；非必要需求列入第二期", "Contingency": "", "Owner": CYJ,
         "Trigger": "", "Status": "Open", "因應策略": "避免", "預計發生期間": ""},
        {"ID": "R11", "Risk": "颱風或停電影響全院上線作業", "Category": "環境", "Likelihood": 2, "Impact": 4,
         "Mitigation": "上線日避開颱風警報期間；機房不斷電系統及發電機事前測試", "Contingency": "上線延後一週，維持舊系統運作",
         "Owner": WJH, "Trigger": "", "Status": "Open", "因應策略": "接受", "預計發生期間": "115 年 8-9 月"},
        {"ID": "R12", "Risk": "LINE 官方帳號認證申請延遲", "Category": "廠商", "Likelihood": 2, "Impact": 2,
         "Mitigation": "計畫啟動即提出申請", "Contingency": "", "Owner": ZML, "Trigger": "", "Status": "Closed",
         "因應策略": "避免", "預計發生期間": ""},
    ]

    resources = [
        resource("智慧門診服務平台建置（昕達資訊，含 App、網站、LINE）", "Money", 1, "式", 4_650_000, None, "D2",
                 "2026-02-02", "2026-10-30", LZM, "Approved"),
        resource("平台年度授權與維護", "Software", 1, "年", 580_000, None, "D2", "2026-09-01", "2027-08-31", LZM,
                 "Approved"),
        resource("HIS 介接 API 開發（HIS 維護廠商）", "Personnel", 60, "人天", 9_000, None, "T13", "2026-03-02",
                 "2026-05-29", LZM, "Approved"),
        resource("自助報到繳費機", "Equipment", 6, "台", 420_000, None, "T17", "2026-02-02", "2026-05-15", LZM,
                 "Approved"),
        resource("診間叫號螢幕（55 吋）", "Equipment", 24, "面", 28_000, None, "T9", "2026-06-01", "2026-06-30",
                 CYJ, "Requested"),
        resource("門診區無線基地台", "Equipment", 8, "台", 18_000, 144_000, "T18", "2026-05-04", "2026-05-15", CYJ,
                 "Approved"),
        resource("金流閘道建置費", "Money", 1, "式", 150_000, None, "T14", "2026-04-01", "2026-05-29", WSF,
                 "Approved"),
        resource("第三方弱點掃描與滲透測試", "Money", 1, "式", 280_000, None, "T21", "2026-06-15", "2026-07-31",
                 CYJ, "Requested"),
        resource("專案經理（院內人力）", "Personnel", 200, "人天", 3_600, None, None, "2026-01-05", "2026-10-30",
                 LZM, "Approved"),
        resource("系統分析師（院內人力）", "Personnel", 190, "人天", 3_000, None, "D1", "2026-01-05", "2026-10-30",
                 LZM, "Approved"),
        resource("教育訓練教材與操作手冊印製", "Material", 1_500, "份", 35, None, "T24", "2026-06-01", "2026-06-19",
                 CYJ, "Requested"),
        resource("病人推廣摺頁與大廳立牌", "Material", 3_000, "份", 12, None, "T26", "2026-06-15", "2026-07-10",
                 CYJ, "Requested"),
        resource("護理及櫃檯人員受訓加班時數", "Time", 360, "小時", 450, None, "T25", "2026-06-15", "2026-07-31",
                 LZM, "Requested"),
        resource("預備金", "Money", None, "", None, 600_000, None, "", "", LZM, "Approved"),
    ]

    research = [
        {"Method": "Interview", "Source": "門診護理長、櫃檯及病人服務中心人員（12 人）", "Date": D("2026-01-14"),
         "Finding": "週一上午掛號與批價櫃檯平均排隊 23 人；約三成詢問為「看到幾號」等叫號問題。",
         "Effect on plan": "叫號推播列為第一優先功能（T9）。"},
        {"Method": "Survey", "Source": "門診病人問卷（有效問卷 412 份）", "Date": D("2026-01-23"),
         "Finding": "72% 病人使用智慧型手機；65 歲以上病人僅 31% 曾用 App 掛號，多數希望有人現場協助。",
         "Effect on plan": "增列志工引導培訓（T26）；保留臨櫃與電話掛號。"},
        {"Method": "Focus group", "Source": "病友會與社區長者代表座談（8 人）", "Date": D("2026-01-29"),
         "Finding": "長者偏好以 LINE 接收叫號通知，不願另外下載 App。", "Effect on plan": "LINE 官方帳號納入第一階段範圍（T8）。"},
        {"Method": "Observation", "Source": "週一上午門診尖峰動線觀察（2 個上午）", "Date": D("2026-01-19"),
         "Finding": "病人批價後需回到一樓排隊領藥，動線往返；二樓候診區無繳費設備。",
         "Effect on plan": "二樓增設 2 台自助繳費機（T17）。"},
        {"Method": "Document", "Source": "113-114 年掛號批價統計報表與病人申訴紀錄", "Date": D("2026-01-12"),
         "Finding": "候診等候時間為申訴案件第一名（占 27%）；病歷複本申請平均 5 個工作天取件。",
         "Effect on plan": "訂定目標 O1 與 O4 之基線值。"},
    ]

    swot = [
        {"Kind": "Strength", "Item": "資訊室自行維護 HIS 周邊系統，介接彈性高"},
        {"Kind": "Strength", "Item": "院長室將本計畫列為年度重點，跨部門協調順暢"},
        {"Kind": "Weakness", "Item": "病人年齡層偏高，65 歲以上占門診人次 41%"},
        {"Kind": "Weakness", "Item": "資訊室僅 9 人，同時維運 30 餘套系統"},
        {"Kind": "Opportunity", "Item": "行動支付普及，民眾對線上繳費接受度提高"},
        {"Kind": "Opportunity", "Item": "平台可延伸至第二期住院及檢查預約服務"},
        {"Kind": "Threat", "Item": "鄰近醫學中心已提供完整智慧門診服務，病人可能流失"},
        {"Kind": "Threat", "Item": "醫療院所遭勒索軟體攻擊事件增加"},
    ]

    holidays = [
        {"Date": D("2026-01-01"), "Name": "開國紀念日（元旦）"},
        {"Date": D("2026-02-15"), "Name": "除夕前一日（逢星期日）"},
        {"Date": D("2026-02-16"), "Name": "農曆除夕"},
        {"Date": D("2026-02-17"), "Name": "春節（初一）"},
        {"Date": D("2026-02-18"), "Name": "春節（初二）"},
        {"Date": D("2026-02-19"), "Name": "春節（初三）"},
        {"Date": D("2026-02-20"), "Name": "除夕前一日補假"},
        {"Date": D("2026-02-27"), "Name": "和平紀念日補假"},
        {"Date": D("2026-02-28"), "Name": "和平紀念日（逢星期六）"},
        {"Date": D("2026-04-03"), "Name": "兒童節補假"},
        {"Date": D("2026-04-04"), "Name": "兒童節（逢星期六）"},
        {"Date": D("2026-04-05"), "Name": "民族掃墓節（清明節，逢星期日）"},
        {"Date": D("2026-04-06"), "Name": "民族掃墓節補假"},
        {"Date": D("2026-05-01"), "Name": "勞動節"},
        {"Date": D("2026-06-19"), "Name": "端午節"},
        {"Date": D("2026-09-25"), "Name": "中秋節"},
        {"Date": D("2026-09-28"), "Name": "孔子誕辰紀念日（教師節）"},
        {"Date": D("2026-10-09"), "Name": "國慶日補假"},
        {"Date": D("2026-10-10"), "Name": "國慶日（逢星期六）"},
        {"Date": D("2026-10-25"), "Name": "臺灣光復暨金門古寧頭大捷紀念日（逢星期日）"},
        {"Date": D("2026-10-26"), "Name": "臺灣光復暨金門古寧頭大捷紀念日補假"},
        {"Date": D("2026-12-25"), "Name": "行憲紀念日"},
    ]
    extra = [
        {"Date": D("2026-05-09"), "Name": "自助報到繳費機進場安裝（週六，避開平日門診；參與人員擇日補休）"},
        {"Date": D("2026-09-05"), "Name": "全院上線切換作業（週六；參與人員擇日補休）"},
    ]

    return {
        "author": CYJ, "project": project, "objectives": objectives, "scope": scope,
        "deliverables": deliverables, "tasks": tasks, "risks": risks, "people": people,
        "resources": resources, "research": research, "swot": swot, "holidays": holidays,
        "extra_working_days": extra, "review": [],
        "raci": {"consulted": {"D1": [LPS, HJJ], "D2": [ZYT, LPS], "D3": [WSF, LGT], "D4": [WJH, WSF],
                               "D5": [WJH], "D6": [LPS, HJJ], "D7": [WJH, WSF]},
                 "informed": [LZM, CYJ]},
    }


PLANS = {
    "rollout-plan.xlsx": (rollout_plan, True),
    "zh-TW/smart-service-plan.xlsx": (smart_service_plan, False),
}


def build(out_dir: Path = HERE) -> list[Path]:
    """Write every example plan under ``out_dir``; return their paths."""
    from implan_docs.fileio import atomic_write_bytes

    written = []
    for rel, (make, star_fields) in PLANS.items():
        wb = build_workbook(make(), star_fields=star_fields)
        written.append(atomic_write_bytes(Path(out_dir) / rel, stable_bytes(wb)))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: examples/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
