"""Plan -> findings: the cross-record rules of the contract, and the questions a reviewer would ask.

Cell-level problems (types, ranges, required cells) are found while reading (``xlsx/reader.py``); this
module checks what needs the whole plan: unique IDs, references between sheets, dependency cycles,
RACI completeness, owners known in People, and the "no question left unanswered" findings.

One cause, one error: a required sheet that is missing (E101), has no header row (E103) or lacks a
required column (E105) was reported while reading. Its IDs (or names) are then unknown, so a reference
into it is not checked ("task T1 refers to unknown deliverable 'D1'" would only repeat that error), and
a question that needs its content ("objective O1 has no deliverable", "owner not in People") is not
asked. Everything that does not depend on it is still checked.
"""
from __future__ import annotations

from typing import Iterable

from . import model as m
from .findings import Finding, make
from .xlsx.contract import SPEC_BY_KEY

# The column that holds what other sheets refer to: IDs, or People's names.
KEY_COLUMNS = {"Project": "Field", "Objectives": "ID", "Deliverables": "ID", "Tasks": "ID", "Risks": "ID",
               "People": "Name", "RACI": "Item"}


def validate(plan: m.Plan) -> list[Finding]:
    out: list[Finding] = []
    out += _unique_ids(plan)
    out += _references(plan)
    out += _tasks(plan)
    out += _estimates(plan)
    out += _cycles(plan)
    out += _raci(plan)
    out += _questions(plan)
    return out


def readable(plan: m.Plan, key: str) -> bool:
    """The contract sheet ``key`` is there with a header row: its rows were read."""
    info = plan.sheet(key)
    return info is not None and bool(info.columns)


def keyed(plan: m.Plan, key: str) -> bool:
    """The sheet's rows were read with their key column: references into it can be checked."""
    info = plan.sheet(key)
    return readable(plan, key) and info.column(KEY_COLUMNS.get(key, "")) is not None


def complete(plan: m.Plan, key: str) -> bool:
    """The sheet was read with every required column: questions about its content can be asked."""
    info = plan.sheet(key)
    return readable(plan, key) and all(info.column(c.key) is not None for c in SPEC_BY_KEY[key].columns
                                       if c.required)


# -- identity and references -------------------------------------------------------------------------


def _unique_ids(plan: m.Plan) -> Iterable[Finding]:
    groups = (("Objectives", "ID", plan.objectives, "id"), ("Deliverables", "ID", plan.deliverables, "id"),
              ("Tasks", "ID", plan.tasks, "id"), ("Risks", "ID", plan.risks, "id"),
              ("People", "Name", plan.people, "name"), ("Review", "ID", plan.review, "id"))
    for sheet, column, records, attr in groups:
        first: dict[str, int] = {}
        for rec in records:
            key = getattr(rec, attr)
            if not key:
                continue
            if key in first:
                yield make("E160", plan.loc(sheet, rec.row, column), value=key, row=first[key])
            else:
                first[key] = rec.row
    task_ids = {t.id for t in plan.tasks}
    for d in plan.deliverables:
        if d.id and d.id in task_ids:
            yield make("E168", plan.loc("Deliverables", d.row, "ID"), value=d.id)


def _references(plan: m.Plan) -> Iterable[Finding]:
    objectives = {o.id for o in plan.objectives}
    deliverables = {d.id for d in plan.deliverables}
    tasks = {t.id for t in plan.tasks}
    objectives_known, deliverables_known, tasks_known = (keyed(plan, k) for k in ("Objectives", "Deliverables",
                                                                                  "Tasks"))
    for d in plan.deliverables:
        for oid in d.objectives:
            if oid not in objectives and objectives_known:
                yield make("E161", plan.loc("Deliverables", d.row, "Objectives"), item=d.id, value=oid)
    for t in plan.tasks:
        if t.deliverable and t.deliverable not in deliverables and deliverables_known:
            yield make("E162", plan.loc("Tasks", t.row, "Deliverable"), item=t.id, value=t.deliverable)
        for link in t.depends:
            if link.predecessor == t.id:
                yield make("E164", plan.loc("Tasks", t.row, "Depends on"), item=t.id)
            elif link.predecessor not in tasks and tasks_known:
                yield make("E163", plan.loc("Tasks", t.row, "Depends on"), item=t.id, value=link.predecessor)
    for r in plan.resources:
        if r.for_id and r.for_id not in tasks and r.for_id not in deliverables and tasks_known and deliverables_known:
            yield make("E173", plan.loc("Resources", r.row, "For"), item=r.resource, value=r.for_id)
        if r.start and r.end and r.end < r.start:
            yield make("E174", plan.loc("Resources", r.row, "To"), item=r.resource)
    p = plan.project
    if p.start and p.finish and p.finish < p.start:
        yield make("E145", plan.loc("Project", p.row_of("Finish"), "Value"))


def _tasks(plan: m.Plan) -> Iterable[Finding]:
    for t in plan.tasks:
        if not t.id:
            continue
        if not t.milestone and t.duration is None and not (t.start and t.finish):
            yield make("E166", plan.loc("Tasks", t.row, "Duration"), item=t.id)
        if t.start and t.finish and t.finish < t.start:
            yield make("E167", plan.loc("Tasks", t.row, "Finish"), item=t.id)
        if t.milestone and t.duration:
            yield make("W211", plan.loc("Tasks", t.row, "Duration"), item=t.id)
        if t.status == "Done" and t.progress is not None and t.progress < 100:
            yield make("W214", plan.loc("Tasks", t.row, "Progress"), item=t.id, value=f"{t.progress:g}")


ESTIMATE_COLUMNS = ("Optimistic", "Most likely", "Pessimistic")


def _estimates(plan: m.Plan) -> Iterable[Finding]:
    """Three-point estimates and baseline dates (plan-workbook.md, "Schedule confidence").

    E132: Optimistic and Pessimistic both, or neither (Most likely may be blank: it is the Duration; alone
    it is incomplete too), at the first empty one. E133: 0 <= Optimistic <= Most likely (or Duration) <=
    Pessimistic, at the first cell, left to right, that is below 0 or above a later value. W217: a
    milestone or a fixed task (Start and Finish) keeps its dates in every simulation, so its estimate is
    ignored. E134: Baseline finish before Baseline start.
    """
    for t in plan.tasks:
        if not t.id:
            continue
        row = t.row
        values = (t.optimistic, t.most_likely, t.pessimistic)
        given = [c for c, v in zip(ESTIMATE_COLUMNS, values) if v is not None]
        if given:
            if t.optimistic is None or t.pessimistic is None:
                missing = [c for c in ("Optimistic", "Pessimistic") if getattr(t, c.lower()) is None]
                yield make("E132", plan.loc("Tasks", row, missing[0]), item=t.id, missing=", ".join(missing))
            else:
                broken = _estimate_out_of_order(t)
                if broken:
                    column, value = broken
                    yield make("E133", plan.loc("Tasks", row, column), item=t.id, column=column, value=value,
                               values=_estimate_values(t))
            if t.milestone or (t.start is not None and t.finish is not None):
                yield make("W217", plan.loc("Tasks", row, given[0]), item=t.id)
        if t.baseline_start and t.baseline_finish and t.baseline_finish < t.baseline_start:
            yield make("E134", plan.loc("Tasks", row, "Baseline finish"), item=t.id,
                       start=t.baseline_start.isoformat(), finish=t.baseline_finish.isoformat())


def _most_likely(t: m.Task) -> float | None:
    """Most likely as written, else the Duration (a milestone's estimate has no Duration to stand for)."""
    if t.most_likely is not None:
        return t.most_likely
    return t.duration if t.duration is not None and not t.milestone else None


def _estimate_out_of_order(t: m.Task) -> tuple[str, str] | None:
    """(column, value) of the first estimate cell below 0 or above a later value; None when in order."""
    likely = _most_likely(t)
    if t.optimistic < 0:
        return "Optimistic", f"{t.optimistic:g}"
    if t.optimistic > t.pessimistic or (likely is not None and t.optimistic > likely):
        return "Optimistic", f"{t.optimistic:g}"
    if likely is not None and likely > t.pessimistic:
        if t.most_likely is not None:
            return "Most likely", f"{t.most_likely:g}"
        return "Pessimistic", f"{t.pessimistic:g}"  # below the Duration the blank Most likely stands for
    return None


def _estimate_values(t: m.Task) -> str:
    likely = (f"Most likely {t.most_likely:g}" if t.most_likely is not None
              else f"Duration {t.duration:g}" if t.duration is not None and not t.milestone else "")
    return ", ".join(p for p in (f"Optimistic {t.optimistic:g}", likely, f"Pessimistic {t.pessimistic:g}") if p)


def _cycles(plan: m.Plan) -> Iterable[Finding]:
    """Every dependency cycle, listed (``T1 -> T2 -> T1``), located at the first task's Depends on."""
    ids = {t.id for t in plan.tasks}
    graph = {t.id: sorted({l.predecessor for l in t.depends if l.predecessor in ids and l.predecessor != t.id})
             for t in plan.tasks if t.id}
    rows = {t.id: t.row for t in plan.tasks}
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue
        cycle = _one_cycle(graph, component)
        start = min(cycle, key=lambda i: rows[i])
        k = cycle.index(start)
        ordered = cycle[k:] + cycle[:k]
        text = " -> ".join(ordered + [ordered[0]])
        yield make("E165", plan.loc("Tasks", rows[start], "Depends on"), cycle=text)


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (plans have thousands of tasks: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
    return out


def _one_cycle(graph: dict[str, list[str]], component: list[str]) -> list[str]:
    """A simple cycle inside a strongly connected component (breadth-first back to the start)."""
    members = set(component)
    start = min(component)
    parents: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in graph.get(node, ()):
                if nxt not in members:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    # path runs node -> ... -> start against the edges (which point at predecessors):
                    # read from start, it is the order in which the work flows.
                    return [start] + path[:-1]
                if nxt not in seen:
                    seen.add(nxt)
                    parents[nxt] = node
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return sorted(component)


# -- RACI ----------------------------------------------------------------------------------------------


def _raci(plan: m.Plan) -> Iterable[Finding]:
    people = {p.name for p in plan.people}
    deliverables = {d.id for d in plan.deliverables}
    tasks = {t.id for t in plan.tasks}
    info = plan.sheet("RACI")
    if info is not None and keyed(plan, "People"):
        for col in info.columns:
            if not col.known and col.key not in people:
                yield make("E171", m.Location(plan.file, info.name, 1, col.letter, col.header), value=col.key)
    seen: dict[str, int] = {}
    for r in plan.raci:
        if not r.item:
            continue
        loc = plan.loc("RACI", r.row, "Item")
        if r.item in seen:
            yield make("E172", loc, value=r.item, row=seen[r.item])
            continue
        seen[r.item] = r.row
        if r.item not in deliverables and r.item not in tasks:
            if keyed(plan, "Deliverables") and keyed(plan, "Tasks"):
                yield make("E170", loc, value=r.item)
            continue  # unknown, or not known to be anything: nothing to ask about its roles
        accountable = r.people_with("A")
        if len(accountable) != 1:
            yield make("W201", loc, item=r.item, count=len(accountable))
        if not r.people_with("R"):
            yield make("W202", loc, item=r.item)
    for d in plan.deliverables:
        if d.id and d.id not in seen and keyed(plan, "RACI"):
            yield make("W203", plan.loc("Deliverables", d.row, "ID"), item=d.id)


# -- questions a reviewer would ask ------------------------------------------------------------------


def _questions(plan: m.Plan) -> Iterable[Finding]:
    linked = {oid for d in plan.deliverables for oid in d.objectives}
    for o in plan.objectives:
        if o.id and o.id not in linked and readable(plan, "Deliverables"):
            yield make("W204", plan.loc("Objectives", o.row, "ID"), item=o.id)
    for d in plan.deliverables:
        if d.id and not d.acceptance:
            yield make("W205", plan.loc("Deliverables", d.row, "Acceptance criteria"), item=d.id)
    for r in plan.risks:
        if r.score is not None and r.score >= 15 and r.status != "Closed":
            missing = [name for name, value in (("Contingency", r.contingency), ("Trigger", r.trigger)) if not value]
            if missing:
                yield make("W206", plan.loc("Risks", r.row, missing[0]), item=r.id, score=r.score,
                           missing=", ".join(missing))
    if plan.tasks and not any(t.milestone for t in plan.tasks):
        yield make("W208", plan.loc("Tasks", None, "Milestone"))
    yield from _owners(plan)
    yield from _people_without_role(plan)
    for r in plan.resources:
        if r.cost is not None and r.quantity is not None and r.unit_cost is not None:
            if abs(r.cost - r.quantity * r.unit_cost) > 0.005 * max(1.0, abs(r.cost)):
                yield make("W210", plan.loc("Resources", r.row, "Cost"), item=r.resource,
                           cost=_num(r.cost), expected=_num(r.quantity * r.unit_cost))
    budget = plan.project.budget
    total = sum(c for c in (r.total_cost for r in plan.resources) if c is not None)
    if budget is not None and plan.resources and total > budget:
        yield make("W213", plan.loc("Project", plan.project.row_of("Budget"), "Value"), total=_num(total),
                   budget=_num(budget))


def _owners(plan: m.Plan) -> Iterable[Finding]:
    people = {p.name for p in plan.people}
    if not people or not keyed(plan, "People"):
        return
    checks = [("Objectives", "Owner", o.row, o.owner) for o in plan.objectives]
    checks += [("Deliverables", "Owner", d.row, d.owner) for d in plan.deliverables]
    checks += [("Tasks", "Owner", t.row, t.owner) for t in plan.tasks]
    checks += [("Risks", "Owner", r.row, r.owner) for r in plan.risks]
    checks += [("Resources", "Approver", r.row, r.approver) for r in plan.resources]
    for sheet, column, row, name in checks:
        if name and name not in people:
            yield make("W209", plan.loc(sheet, row, column), value=name, field=column)
    p = plan.project
    for field_name, value in (("Sponsor", p.sponsor), ("Manager", p.manager)):
        if value and value not in people:
            yield make("W209", plan.loc("Project", p.row_of(field_name), "Value"), value=value, field=field_name)


def _people_without_role(plan: m.Plan) -> Iterable[Finding]:
    # Roles are looked for on every sheet below: one that could not be read hides them.
    if not all(complete(plan, k) for k in ("Project", "Objectives", "Deliverables", "Tasks", "Risks", "RACI")):
        return
    if "Resources" in plan.present and not readable(plan, "Resources"):
        return
    involved: set[str] = set()
    for r in plan.raci:
        involved.update(name for name, letters in r.roles if letters)
    for rec in (*plan.objectives, *plan.deliverables, *plan.tasks, *plan.risks):
        involved.add(rec.owner)
    involved.update(r.approver for r in plan.resources)
    involved.update((plan.project.manager, plan.project.sponsor))
    for p in plan.people:
        if p.name and p.name not in involved:
            yield make("W207", plan.loc("People", p.row, "Name"), value=p.name)


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")
