"""Write a large, valid plan workbook for benchmarks: same seed, same bytes.

    .venv/bin/python benchmarks/generate_plan.py out.xlsx [--tasks 5000] [--links 8000] [--seed 0] ...

or ``generate(path, tasks=5000, deliverables=250, links=8000, risks=300, people=120, resources=500, seed=0)``.

What it writes follows the workbook contract (every sheet, every column): tasks in blocks per
deliverable, links of all four types with lags (70% FS, 15% SS, 10% FF, 5% SF; a third with a lag
between -3d and +5d), always from an earlier "layer" of tasks so the graph is acyclic and the project
spans about two years; some milestones, some tasks with a fixed Start, some buffers; Status and
Progress as of a status date a third of the way in; RACI rows for every deliverable and every tenth
task, each with one A and at least one R; owners, approvers and RACI columns all in People; a budget
a little above the resources' total. openpyxl's write-only mode keeps 5,000 tasks to a few seconds.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from implan_docs.xlsx.contract import SHEETS

FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
START = date(2026, 1, 5)  # a Monday
LINK_TYPES = ("FS",) * 14 + ("SS",) * 3 + ("FF",) * 2 + ("SF",)
RESOURCE_TYPES = ("Personnel", "Money", "Software", "Equipment", "Material", "Time")
UNITS = {"Personnel": "day", "Money": "lump sum", "Software": "licence", "Equipment": "unit",
         "Material": "set", "Time": "hour"}
FIRST = ("Alex", "Blair", "Casey", "Dana", "Eli", "Farah", "Gita", "Hugo", "Ines", "Jon", "Kemal", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yusuf")
LAST = ("Abbott", "Brandt", "Chen", "Diaz", "Evans", "Fischer", "Gupta", "Haddad", "Ito", "Jensen", "Kowalski",
        "Lindqvist", "Moreau", "Novak", "Okafor", "Pereira", "Quinlan", "Rossi", "Sato", "Tanaka", "Usman",
        "Varga", "Walsh", "Yilmaz")
VERBS = ("Design", "Build", "Configure", "Test", "Review", "Migrate", "Document", "Train", "Deploy", "Verify")
THINGS = ("interface", "data model", "report pack", "workflow", "user guide", "test suite", "dashboard",
          "site survey", "integration", "cutover plan", "access roles", "archive")
# The contract's headers (required ones marked *), from the package's one description of the contract;
# RACI is written separately (a column per person).
HEADERS = {spec.key: tuple(c.key + ("*" if c.required else "") for c in spec.columns)
           for spec in SHEETS if spec.key != "RACI"}


def working_days(years: int = 12) -> tuple[list[date], list[tuple[date, str]], date]:
    """Mon-Fri days from START with New Year's Day and 25-26 December off, and one worked Saturday."""
    holidays = []
    for y in range(START.year, START.year + years):
        holidays += [(date(y, 1, 1), "New Year's Day"), (date(y, 12, 25), "Christmas Day"),
                     (date(y, 12, 26), "Boxing Day")]
    off = {d for d, _ in holidays}
    extra = date(2026, 6, 6)  # a Saturday
    days, d = [], START
    while d.year < START.year + years:
        if (d.weekday() < 5 and d not in off) or d == extra:
            days.append(d)
        d += timedelta(days=1)
    return days, [(d, n) for d, n in holidays if d >= START], extra


def generate(path: str | Path, tasks: int = 5000, deliverables: int = 250, links: int = 8000, risks: int = 300,
             people: int = 120, resources: int = 500, seed: int = 0) -> Path:
    """Write the plan to ``path`` (atomically) and return the path."""
    if tasks < 1 or deliverables < 1 or people < 1 or deliverables > tasks:
        raise ValueError("need at least one task, deliverable and person, and no more deliverables than tasks")
    rnd = random.Random(seed)
    days, holidays, extra = working_days()

    names = _people(people)
    n_obj = max(3, min(12, deliverables // 20))
    obj_ids = [f"O{i + 1}" for i in range(n_obj)]
    del_ids = [f"D{i + 1:03d}" for i in range(deliverables)]
    width = max(4, len(str(tasks)))
    task_ids = [f"T{i + 1:0{width}d}" for i in range(tasks)]
    del_of = [del_ids[i * deliverables // tasks] for i in range(tasks)]

    # -- the task graph: layers, durations, links --------------------------------------------------------
    n_layers = max(2, min(60, tasks // 50))
    layer = [i * n_layers // tasks for i in range(tasks)]
    first_of_layer = {}
    for i, lv in enumerate(layer):
        first_of_layer.setdefault(lv, i)
    milestone = [rnd.random() < 0.03 for _ in range(tasks)]
    duration = [0 if milestone[i] else rnd.randint(1, 10) for i in range(tasks)]
    buffer = [rnd.randint(1, 5) if not milestone[i] and rnd.random() < 0.05 else 0 for i in range(tasks)]
    preds: list[list[tuple[int, str, int]]] = [[] for _ in range(tasks)]
    candidates = [i for i in range(tasks) if layer[i] > 0]
    limit = sum(first_of_layer[layer[i]] for i in candidates)  # distinct pairs possible
    wanted, seen, attempts = min(links, limit), set(), 0
    while len(seen) < wanted and attempts < 50 * wanted + 1000:
        attempts += 1
        s = rnd.choice(candidates)
        top = first_of_layer[layer[s]]  # predecessors come from earlier layers only: no cycles
        low = 0 if rnd.random() < 0.1 else first_of_layer[max(0, layer[s] - 2)]
        p = rnd.randrange(low, top)
        if (s, p) in seen:
            continue
        seen.add((s, p))
        kind = rnd.choice(LINK_TYPES)
        lag = rnd.choice((-3, -2, -1, 1, 2, 3, 5)) if rnd.random() < 0.33 else 0
        preds[s].append((p, kind, lag))
    fixed_start = [not preds[i] and not milestone[i] and rnd.random() < 0.3 and i > 0 for i in range(tasks)]

    # forward pass on working-day indexes (0 = START): close to the contract's counting rules
    start, finish, end = [0] * tasks, [0] * tasks, [0] * tasks
    for i in range(tasks):
        d = duration[i]
        s = rnd.randint(0, 40) if fixed_start[i] else 0
        for p, kind, lag in preds[i]:
            ps, pe = start[p], end[p]
            if kind == "FS":
                s = max(s, pe + lag + (1 if d else 0))  # a milestone falls on its predecessor's finish
            elif kind == "SS":
                s = max(s, ps + lag)
            elif kind == "FF":
                s = max(s, pe + lag - max(d - 1, 0))
            else:
                s = max(s, ps + lag - 1 - max(d - 1, 0))
        s = max(s, 0)
        start[i], finish[i] = s, s + max(d - 1, 0)
        end[i] = finish[i] + buffer[i]
    span = max(end) + 1
    if span + 60 > len(days):
        raise ValueError("plan too long for the generated calendar")
    status_idx = span // 3
    status_date = days[status_idx]

    # -- rows ---------------------------------------------------------------------------------------------
    task_rows = []
    for i in range(tasks):
        deps = ", ".join(_link(task_ids[p], kind, lag, rnd) for p, kind, lag in preds[i])
        if finish[i] < status_idx:
            status, progress = "Done", 100
        elif start[i] >= status_idx:
            status, progress = "Not started", 0
        else:
            status, progress = "In progress", min(95, 5 * round(20 * (status_idx - start[i]) / max(duration[i], 1)))
        if status == "In progress" and rnd.random() < 0.05:
            status = "Blocked"
        name = f"{rnd.choice(VERBS)} {rnd.choice(THINGS)} {i + 1}"
        if i % 97 == 0:
            name += " for the regional offices, including the records that were migrated last year"
        task_rows.append([
            task_ids[i], name, del_of[i], rnd.choice(names),
            days[start[i]] if fixed_start[i] else None, None,
            duration[i] or None, deps or None, "yes" if milestone[i] else None, buffer[i] or None,
            status, progress, f"WP{int(del_of[i][1:]) % 8 + 1}",
        ])

    del_finish: dict[str, int] = {}
    del_state: dict[str, set[str]] = {}
    for i in range(tasks):
        del_finish[del_of[i]] = max(del_finish.get(del_of[i], 0), end[i])
        del_state.setdefault(del_of[i], set()).add(task_rows[i][10])
    del_owner = {d: rnd.choice(names) for d in del_ids}
    deliverable_rows = []
    for k, d in enumerate(del_ids):
        states = del_state[d]
        status = ("Done" if states == {"Done"} else "At risk" if "Blocked" in states else
                  "Not started" if states == {"Not started"} else "In progress")
        objs = ", ".join(sorted(rnd.sample(obj_ids, rnd.randint(1, min(2, n_obj)))))
        deliverable_rows.append([d, f"Deliverable {k + 1}: {rnd.choice(THINGS)}", f"Work package {k % 8 + 1}",
                                 objs, del_owner[d], days[del_finish[d] + rnd.randint(5, 30)],
                                 "Reviewed and accepted by the owner", status])

    raci_rows = []
    for d in del_ids:
        raci_rows.append(_raci(d, del_owner[d], [rnd.choice(names)], rnd, names))
    for i in range(0, tasks, 10):
        raci_rows.append(_raci(task_ids[i], del_owner[del_of[i]], [task_rows[i][3]], rnd, names))

    risk_rows = []
    for k in range(risks):
        lk, im = rnd.randint(1, 5), rnd.randint(1, 5)
        high = lk * im >= 15
        risk_rows.append([f"R{k + 1:03d}", f"Risk {k + 1}: the {rnd.choice(THINGS)} is late or incomplete",
                          rnd.choice(("Technical", "Supplier", "People", "Data", "Scope")), lk, im,
                          "Weekly review with the owner", "Escalate to the steering group" if high or k % 3 == 0
                          else None, rnd.choice(names), "Two weeks of slippage" if high else None,
                          rnd.choice(("Open",) * 8 + ("Closed", "Occurred"))])

    resource_rows, total = [], 0.0
    targets = task_ids + del_ids
    for k in range(resources):
        kind = RESOURCE_TYPES[k % len(RESOURCE_TYPES)]
        qty, unit_cost = rnd.randint(1, 200), rnd.choice((25, 40, 120, 450, 900, 1500))
        cost = qty * unit_cost if k % 4 == 0 else None  # written on a quarter of them, computed on the rest
        total += qty * unit_cost
        a = rnd.randrange(span)
        resource_rows.append([f"{kind} item {k + 1}", kind, qty, UNITS[kind], unit_cost, cost, rnd.choice(targets),
                              days[a], days[min(a + rnd.randint(5, 120), span)], rnd.choice(names),
                              rnd.choice(("Requested", "Approved"))])

    project = [
        ("Name*", f"Large generated plan ({tasks} tasks)"), ("Code", f"GEN-{seed}"),
        ("Purpose*", "Benchmark the reader, the scheduler and the document on a large plan"),
        ("Strategy", "Generated by benchmarks/generate_plan.py"), ("Sponsor", names[0]), ("Manager*", names[1 % people]),
        ("Version*", "1.0"), ("Status", "Draft"), ("Start*", START), ("Finish", days[span + 40]),
        ("Status date", status_date), ("Budget", round(total * 1.05, -3) or 1000), ("Currency", "EUR"),
        ("Confidentiality", "Internal"), ("Language", "en"), ("Working days", "Mon-Fri"), ("Seed", seed),
    ]
    people_rows = [[n, rnd.choice(("Analyst", "Engineer", "Lead", "Tester", "Trainer")), "Generated Org",
                    n.lower().replace(" ", ".") + "@example.org", None, rnd.choice((100, 100, 100, 50, 80))]
                   for n in names]
    objective_rows = [[o, f"Objective {o}", f"Metric for {o} (%)", rnd.randint(0, 50), rnd.randint(60, 100),
                       days[span], rnd.choice(names)] for o in obj_ids]
    scope_rows = [[k, f"{k} item {j + 1}", None] for k in ("In scope", "Out of scope", "Assumption", "Constraint")
                  for j in range(2)]
    research_rows = [[m, f"{m} source", START - timedelta(days=10 + j), f"{m} finding", None]
                     for j, m in enumerate(("Interview", "Survey", "Focus group", "Observation", "Document"))]
    swot_rows = [[k, f"{k} {j + 1}"] for k in ("Strength", "Weakness", "Opportunity", "Threat") for j in range(2)]
    holiday_rows = [[d, n] for d, n in holidays if d <= days[span + 40]]

    sheets = {
        "Project": [list(r) for r in project], "Objectives": objective_rows, "Scope": scope_rows,
        "Deliverables": deliverable_rows, "Tasks": task_rows, "Risks": risk_rows, "People": people_rows,
        "RACI": raci_rows, "Resources": resource_rows, "Research": research_rows, "SWOT": swot_rows,
        "Holidays": holiday_rows, "Extra working days": [[extra, "Worked Saturday (data centre move)"]],
        "Review": [],
    }
    wb = Workbook(write_only=True)
    wb.properties.creator = "implan-docs benchmarks"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    bold = Font(bold=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.freeze_panes = "B2" if name == "RACI" else "A2"
        headers = list(HEADERS.get(name, ("Item*",)))
        if name == "Tasks":
            headers.append("Work package")  # a custom column
        if name == "RACI":
            headers += names
        ws.append([_bold(ws, h, bold) for h in headers])
        for row in rows:
            if name == "Tasks":  # the contract's optional columns (estimates, baselines) stay empty
                row = list(row[:-1]) + [None] * (len(HEADERS["Tasks"]) - (len(row) - 1)) + [row[-1]]
            ws.append(row)
    return _write(path, wb)


def _people(n: int) -> list[str]:
    pairs = [f"{f} {l}" for l in LAST for f in FIRST]
    out = pairs[:n]
    k = 2
    while len(out) < n:  # more people than name pairs: number the extra ones
        out += [f"{p} {k}" for p in pairs[: n - len(out)]]
        k += 1
    return out


def _link(pred: str, kind: str, lag: int, rnd: random.Random) -> str:
    lag_text = f"{lag:+d}d" if lag else ""
    if kind == "FS" and rnd.random() < 0.5:
        return pred + lag_text  # "T3" or "T3+2d": the link type left out
    return f"{pred} {kind}{lag_text}"


def _raci(item: str, accountable: str, responsible: list[str], rnd: random.Random, names: list[str]) -> list:
    roles = {accountable: {"A"}}
    for r in responsible:
        roles.setdefault(r, set()).add("R")
    for _ in range(rnd.randint(0, 3)):
        roles.setdefault(rnd.choice(names), set()).add(rnd.choice("CI"))
    row = [item]
    for n in names:
        letters = roles.get(n, set())
        if letters & {"A", "R"}:
            letters = letters - {"C", "I"}
        row.append("/".join(x for x in "ARCI" if x in letters) or None)
    return row


def _bold(ws, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def _write(path: str | Path, wb: Workbook) -> Path:
    """Save with pinned core-property times and a zip of fixed entry times and order, atomically."""
    from implan_docs.fileio import atomic_write_bytes
    from implan_docs.xlsx.package import workbook_bytes

    return atomic_write_bytes(path, workbook_bytes(wb, FIXED_TIME))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the .xlsx file to write")
    for name, default in (("tasks", 5000), ("deliverables", 250), ("links", 8000), ("risks", 300),
                          ("people", 120), ("resources", 500), ("seed", 0)):
        parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default}")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        path = generate(args.out, tasks=args.tasks, deliverables=args.deliverables, links=args.links,
                        risks=args.risks, people=args.people, resources=args.resources, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"{path}: {args.tasks} tasks in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
