"""The bundled example plans and the large-plan generator, read back with openpyxl against the contract.

Independent of implan_docs' reader on purpose: these files are the reader's test material.
"""
from __future__ import annotations

import importlib.util
import re
import time
from datetime import date, datetime
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plans import (COLUMNS, OPTIONAL_SHEETS, PROJECT_FIELDS, REQUIRED_COLUMNS, REQUIRED_SHEETS, Cell, minimal_rows,
                   norm, write_plan)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"en": ROOT / "examples" / "rollout-plan.xlsx",
            "zh-TW": ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx"}
LINK = re.compile(r"^(?P<id>[^\s+-]+)(?:\s+(?P<type>FS|SS|FF|SF))?(?P<lag>[+-]\d+d)?$", re.IGNORECASE)
ENUMS = {
    ("Scope", "kind"): {"In scope", "Out of scope", "Assumption", "Constraint"},
    ("Deliverables", "status"): {"Not started", "In progress", "Done", "At risk"},
    ("Tasks", "status"): {"Not started", "In progress", "Done", "Blocked"},
    ("Risks", "status"): {"Open", "Closed", "Occurred"},
    ("Resources", "type"): {"Personnel", "Money", "Software", "Equipment", "Material", "Time"},
    ("Resources", "status"): {"Requested", "Approved"},
    ("Research", "method"): {"Interview", "Survey", "Focus group", "Observation", "Document"},
    ("SWOT", "kind"): {"Strength", "Weakness", "Opportunity", "Threat"},
    ("Review", "status"): {"Open", "Answered", "Closed"},
}


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_examples = load_module(ROOT / "examples" / "make_examples.py", "make_examples")
generate_plan = load_module(ROOT / "benchmarks" / "generate_plan.py", "generate_plan")


class Book:
    """A workbook read back: per contract sheet, the header cells as written and rows as dicts keyed by
    normalised header (empty rows skipped)."""

    def __init__(self, path: Path):
        wb = load_workbook(path, read_only=True)
        self.names = wb.sheetnames
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, list[dict]] = {}
        for ws in wb.worksheets:
            values = list(ws.iter_rows(values_only=True))
            header = [str(h) if h is not None else "" for h in values[0]]
            self.headers[ws.title] = header
            keys = [norm(h) for h in header]
            pad = (None,) * len(keys)  # rows of files without a dimension record come back short
            self.rows[ws.title] = [dict(zip(keys, tuple(r) + pad)) for r in values[1:] if any(v is not None for v in r)]
        wb.close()
        self.project = {norm(r["field"]): r["value"] for r in self.rows["Project"]}
        self.people = [r["name"] for r in self.rows["People"]]

    def ids(self, sheet: str) -> list[str]:
        return [r["id"] for r in self.rows[sheet]]

    def links(self) -> list[tuple[str, str, str, int]]:
        """(task, predecessor, type, lag) for every entry of Depends on."""
        out = []
        for r in self.rows["Tasks"]:
            for part in filter(None, (p.strip() for p in (r["depends on"] or "").split(","))):
                m = LINK.match(part)
                assert m, f"{r['id']}: cannot read dependency {part!r}"
                out.append((r["id"], m["id"], (m["type"] or "FS").upper(), int((m["lag"] or "+0d")[:-1])))
        return out


def split(text) -> list[str]:
    return [x.strip() for x in str(text or "").split(",") if x.strip()]


def check_contract(book: Book) -> None:
    """What every plan we ship or generate must satisfy; raises AssertionError naming the problem."""
    assert set(REQUIRED_SHEETS) <= set(book.names), "every required sheet"
    present = [s for s in book.names if s in COLUMNS]
    assert present == [s for s in COLUMNS if s in present], "contract sheets in contract order"
    for sheet in OPTIONAL_SHEETS:  # absent optional sheets are checked as empty ones
        book.rows.setdefault(sheet, [])
        book.headers.setdefault(sheet, list(COLUMNS[sheet]))
    for sheet, columns in COLUMNS.items():
        written = {norm(h) for h in book.headers[sheet]}
        missing = [c for c in columns if norm(c) not in written]
        assert not missing, f"{sheet}: missing columns {missing}"
        for i, row in enumerate(book.rows[sheet], start=2):
            for col in REQUIRED_COLUMNS[sheet]:
                assert row.get(norm(col)) not in (None, ""), f"{sheet} row {i}: {col} is empty"
    for (sheet, col), allowed in ENUMS.items():
        bad = {r[col] for r in book.rows[sheet] if r.get(col) is not None} - allowed
        assert not bad, f"{sheet} {col}: unknown values {bad}"

    project = book.project
    for field in ("Name", "Purpose", "Manager", "Version", "Start"):
        assert project.get(norm(field)), f"Project {field} missing"
    assert isinstance(project["start"], datetime), "Start is a date cell"
    people = set(book.people)
    assert len(people) == len(book.people), "people names unique"
    for field in ("sponsor", "manager"):
        if project.get(field):
            assert project[field] in people, f"Project {field} not in People"

    objectives, deliverables, tasks = (set(book.ids(s)) for s in ("Objectives", "Deliverables", "Tasks"))
    for sheet in ("Objectives", "Deliverables", "Tasks", "Risks"):
        ids = book.ids(sheet)
        assert len(ids) == len(set(ids)), f"{sheet}: duplicate IDs"
        assert all(re.fullmatch(r"[^\s,]+", str(i)) for i in ids), f"{sheet}: IDs without spaces or commas"
        unknown = {r["owner"] for r in book.rows[sheet] if r.get("owner")} - people
        assert not unknown, f"{sheet}: owners not in People: {unknown}"
    for r in book.rows["Deliverables"]:
        assert set(split(r["objectives"])) <= objectives, f"{r['id']}: unknown objective"
        assert isinstance(r["due"], datetime)
    for r in book.rows["Tasks"]:
        assert not r["deliverable"] or r["deliverable"] in deliverables, f"{r['id']}: unknown deliverable"
        assert (r["start"] and r["finish"]) or r["duration"] or r["milestone"] == "yes", f"{r['id']}: no dates"
        if r["status"] == "Done":
            assert r["progress"] == 100, f"{r['id']}: Done at {r['progress']}%"
        if r["status"] == "Not started":
            assert not r["progress"], f"{r['id']}: Not started at {r['progress']}%"
    links = book.links()
    assert {p for _, p, _, _ in links} <= tasks, "every predecessor exists"
    graph: dict[str, set[str]] = {t: set() for t in tasks}
    for t, p, _, _ in links:
        graph[t].add(p)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"dependency cycle: {exc.args[1]}")

    for r in book.rows["Risks"]:
        assert 1 <= r["likelihood"] <= 5 and 1 <= r["impact"] <= 5
        if r["likelihood"] * r["impact"] >= 15:
            assert r["contingency"] and r["trigger"], f"{r['id']}: high risk without contingency and trigger"
    for r in book.rows["Resources"]:
        assert not r["for"] or r["for"] in tasks | deliverables, f"resource {r['resource']}: unknown For"
        assert not r["approver"] or r["approver"] in people, f"resource {r['resource']}: approver not in People"
        if r["cost"] is not None and r["quantity"] is not None and r["unit cost"] is not None:
            assert r["cost"] == pytest.approx(r["quantity"] * r["unit cost"])

    raci_people = book.headers["RACI"][1:]
    assert set(raci_people) <= people, "RACI columns are people"
    for r in book.rows["RACI"]:
        assert r["item"] in tasks | deliverables, f"RACI: unknown item {r['item']}"
        letters = [str(r[norm(p)] or "") for p in raci_people]
        assert all(re.fullmatch(r"[ARCI](/[ARCI])*", x) for x in letters if x), f"RACI {r['item']}: bad letters"
        assert sum("A" in x for x in letters) == 1, f"RACI {r['item']}: needs exactly one A"
        assert any("R" in x for x in letters), f"RACI {r['item']}: needs an R"
    assert deliverables <= {r["item"] for r in book.rows["RACI"]}, "every deliverable has a RACI row"

    for sheet in ("Holidays", "Extra working days"):
        assert all(isinstance(r["date"], datetime) for r in book.rows[sheet])
    texts = [v for rows in book.rows.values() for r in rows for v in r.values() if isinstance(v, str)]
    assert not [t for t in texts if t.startswith("=")], "no text that reads as a formula"


# -- the examples ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    make_examples.build(out)
    return out


@pytest.mark.parametrize("language", EXAMPLES)
def test_examples_regenerate_byte_identically(regenerated: Path, language: str):
    committed = EXAMPLES[language]
    fresh = regenerated / committed.relative_to(ROOT / "examples")
    assert fresh.read_bytes() == committed.read_bytes(), (
        f"{committed.name} is stale: run .venv/bin/python examples/make_examples.py and commit the result")


def test_example_zip_is_pinned():
    import zipfile

    with zipfile.ZipFile(EXAMPLES["en"]) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"  # then openpyxl's own (fixed) order
        core = z.read("docProps/core.xml").decode()
    assert core.count("2026-01-01T00:00:00Z") == 2, core


@pytest.fixture(scope="module", params=list(EXAMPLES))
def example(request) -> tuple[str, Book]:
    return request.param, Book(EXAMPLES[request.param])


def test_example_meets_contract(example):
    check_contract(example[1])


def test_example_has_every_sheet_and_project_field(example):
    language, book = example
    assert set(REQUIRED_SHEETS) | set(OPTIONAL_SHEETS) <= set(book.names)
    assert {norm(f) for f in PROJECT_FIELDS} <= set(book.project), "every known Project field"
    custom = set(book.project) - {norm(f) for f in PROJECT_FIELDS}
    assert len(custom) == 1, f"one custom Project field, got {custom}"
    assert book.project["language"] == language
    assert book.project["currency"] == {"en": "GBP", "zh-TW": "TWD"}[language]
    assert book.project["working days"] == "Mon-Fri"
    assert book.project["status"] == "In review" and book.project["version"] == "1.0"
    start, finish, status_date = (book.project[k].date() for k in ("start", "finish", "status date"))
    months = (finish - start).days / 30.4
    assert 9 <= months <= 12, f"spans {months:.1f} months"
    assert 0.25 <= (status_date - start) / (finish - start) <= 0.4, "status date about a third of the way in"


def test_example_is_rich(example):
    language, book = example
    rows = book.rows
    assert len(rows["Objectives"]) == 5
    assert sum(not isinstance(r["target"], (int, float)) for r in rows["Objectives"]) == 1, "one textual target"
    assert len(rows["Scope"]) >= 10 and {r["kind"] for r in rows["Scope"]} == ENUMS[("Scope", "kind")]
    assert len(rows["Deliverables"]) == 7
    assert all(r["acceptance criteria"] and r["objectives"] for r in rows["Deliverables"])
    assert 35 <= len(rows["Tasks"]) <= 45
    assert sum(r["milestone"] == "yes" for r in rows["Tasks"]) >= 4
    assert sum(bool(r["start"] and r["finish"]) for r in rows["Tasks"]) >= 2, "fixed tasks"
    assert sum(bool(r["buffer"]) for r in rows["Tasks"]) >= 2
    assert max(len(r["task"]) for r in rows["Tasks"]) >= 60, "a long task name"
    links = book.links()
    assert {t for _, _, t, _ in links} == {"FS", "SS", "FF", "SF"}
    assert any(lag > 0 for *_, lag in links) and any(lag < 0 for *_, lag in links)
    statuses = [r["status"] for r in rows["Tasks"]]
    assert statuses.count("Blocked") == 1
    assert {"Done", "In progress", "Not started"} <= set(statuses)
    assert 10 <= len(rows["Risks"]) <= 14
    assert sum(r["likelihood"] * r["impact"] >= 15 for r in rows["Risks"]) >= 2
    assert 10 <= len(rows["People"]) <= 12 and any(r["availability"] in (50, 0.5) for r in rows["People"])
    assert all(r["email"] and r["organization"] for r in rows["People"])
    assert {r["type"] for r in rows["Resources"]} == ENUMS[("Resources", "type")]
    assert any(r["cost"] is None for r in rows["Resources"]), "some Cost left to compute"
    assert {r["method"] for r in rows["Research"]} == ENUMS[("Research", "method")]
    assert {r["kind"] for r in rows["SWOT"]} == ENUMS[("SWOT", "kind")]
    assert any(r["date"].weekday() >= 5 for r in rows["Holidays"]), "a holiday on a weekend"
    assert rows["Extra working days"] and all(r["date"].weekday() >= 5 for r in rows["Extra working days"])
    assert len(rows["Review"]) <= 1
    for sheet in ("Tasks", "Risks"):
        assert len(book.headers[sheet]) > len(COLUMNS[sheet]), f"{sheet}: custom columns"
    assert all(h.endswith("*") for h in book.headers["Tasks"] if norm(h) in {"id", "task", "owner"})


def test_example_raci_is_complete(example):
    _, book = example
    items = [r["item"] for r in book.rows["RACI"]]
    assert sorted(items) == sorted(book.ids("Deliverables") + book.ids("Tasks"))
    used = {p for r in book.rows["RACI"] for p in book.people if r.get(norm(p))}
    assert used == set(book.people), "everyone has a role somewhere"


def test_example_dates_and_statuses_agree(example):
    """Fixed tasks are Done when they ended before the status date and Not started when they begin after it;
    progress is within 0-100; costs stay a little under the budget."""
    _, book = example
    status_date = book.project["status date"]
    for r in book.rows["Tasks"]:
        assert 0 <= r["progress"] <= 100
        if r["start"] and r["finish"]:
            if r["start"] > status_date:
                assert r["status"] == "Not started", r["id"]
            elif r["finish"] < status_date:
                assert r["status"] == "Done", r["id"]
            else:
                assert r["status"] in ("In progress", "Blocked"), r["id"]
    total = sum(r["cost"] if r["cost"] is not None else r["quantity"] * r["unit cost"] for r in book.rows["Resources"])
    assert 0.9 * book.project["budget"] <= total <= book.project["budget"]


def test_zh_tw_example_is_written_in_chinese():
    book = Book(EXAMPLES["zh-TW"])
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for sheet, col in (("Objectives", "objective"), ("Deliverables", "deliverable"), ("Tasks", "task"),
                       ("Risks", "risk"), ("People", "name"), ("Holidays", "name"), ("SWOT", "item")):
        assert all(cjk.search(r[col]) for r in book.rows[sheet]), f"{sheet} {col}"
    assert all(not cjk.search(h) for s in COLUMNS for h in book.headers[s][: len(COLUMNS[s])]), "contract headers in English"
    names = {r["name"] for r in book.rows["Holidays"]}
    for holiday in ("元旦", "春節", "和平紀念日", "兒童節", "清明節", "勞動節", "端午節", "中秋節", "國慶日"):
        assert any(holiday in n for n in names), holiday


# -- the large-plan generator ---------------------------------------------------------------------------
SMALL = dict(tasks=300, deliverables=15, links=450, risks=20, people=12, resources=30)


def test_generate_plan_counts_and_contract(tmp_path: Path):
    path = generate_plan.generate(tmp_path / "gen.xlsx", **SMALL)
    book = Book(path)
    assert book.names == list(COLUMNS)
    check_contract(book)
    assert len(book.rows["Tasks"]) == 300 and len(book.rows["Deliverables"]) == 15
    assert len(book.links()) == 450
    assert len(book.rows["Risks"]) == 20 and len(book.rows["People"]) == 12
    assert len(book.rows["Resources"]) == 30
    assert {t for _, _, t, _ in book.links()} == {"FS", "SS", "FF", "SF"}
    assert {r["item"] for r in book.rows["RACI"]} >= set(book.ids("Deliverables"))


def test_generate_plan_is_deterministic(tmp_path: Path):
    a = generate_plan.generate(tmp_path / "a.xlsx", seed=3, **SMALL).read_bytes()
    b = generate_plan.generate(tmp_path / "b.xlsx", seed=3, **SMALL).read_bytes()
    c = generate_plan.generate(tmp_path / "c.xlsx", seed=4, **SMALL).read_bytes()
    assert a == b
    assert a != c


def test_generate_plan_cli(tmp_path: Path, capsys):
    assert generate_plan.main([str(tmp_path / "cli.xlsx"), "--tasks", "40", "--deliverables", "4", "--links", "50",
                               "--risks", "5", "--people", "6", "--resources", "8"]) == 0
    assert "40 tasks" in capsys.readouterr().out
    assert len(Book(tmp_path / "cli.xlsx").rows["Tasks"]) == 40


@pytest.mark.slow
def test_generate_plan_default_size_is_fast(tmp_path: Path):
    t0 = time.perf_counter()
    path = generate_plan.generate(tmp_path / "big.xlsx")
    elapsed = time.perf_counter() - t0
    assert elapsed < 15, f"5,000 tasks took {elapsed:.1f} s"  # about 1.5 s measured; shared machines vary
    book = Book(path)
    assert len(book.rows["Tasks"]) == 5000 and len(book.rows["Deliverables"]) == 250
    assert len(book.links()) == 8000
    assert (len(book.rows["Risks"]), len(book.rows["People"]), len(book.rows["Resources"])) == (300, 120, 500)
    check_contract(book)


# -- the fixture builder (tests/plans.py), which many test files rely on ------------------------------------
def test_minimal_plan_meets_contract(tmp_path: Path):
    book = Book(write_plan(tmp_path / "min.xlsx"))
    check_contract(book)
    assert book.names == list(REQUIRED_SHEETS), "optional sheets only when given"
    assert book.project["status date"] == datetime(2026, 3, 16)
    assert minimal_rows() is not minimal_rows() and minimal_rows() == minimal_rows()


def _broken(rows: dict, change: str) -> dict:
    t1, t2 = rows["Tasks"]
    if change == "two A":
        rows["People"].append({"Name": "Bo Lin", "Role": "Analyst"})
        rows["RACI"][1]["Bo Lin"] = "A"
    elif change == "no R":
        rows["RACI"][0]["Alex Morgan"] = "A"
    elif change == "unknown predecessor":
        t2["Depends on"] = "T9"
    elif change == "cycle":
        t1["Depends on"] = "T2 SS"
    elif change == "owner not in People":
        t1["Owner"] = "Nobody"
    elif change == "unknown objective":
        rows["Deliverables"][0]["Objectives"] = "O1, O7"
    elif change == "high risk without trigger":
        rows["Risks"][0].update(Likelihood=5, Impact=4, Contingency="Plan B")
    elif change == "required cell empty":
        t1["Task"] = None
    return rows


@pytest.mark.parametrize("change", ["two A", "no R", "unknown predecessor", "cycle", "owner not in People",
                                    "unknown objective", "high risk without trigger", "required cell empty"])
def test_contract_check_catches(tmp_path: Path, change: str):
    book = Book(write_plan(tmp_path / "bad.xlsx", rows=_broken(minimal_rows(), change)))
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        check_contract(book)


def test_write_plan_overrides(tmp_path: Path):
    path = write_plan(
        tmp_path / "p.xlsx", star=True,
        project={"Language": "zh-TW", "Code": None, "Programme": "X"},
        tasks=[{"ID": "T1", "Task": "=SUM(A1)", "Deliverable": "D1", "Owner": "Alex Morgan", "Duration": 3,
                "Work package": "WP1"}],
        people=[{"Name": "Alex Morgan", "Role": "PM", "Availability": Cell(0.5, "0%")}],
        holidays=[], extra_sheets={"Notes": [["Note"], ["kept"]]},
        sheet_names={"Extra working days": "extra Working Days"}, extra_working_days=[{"Date": date(2026, 3, 7)}],
        columns={"Scope": [" kind* ", "ITEM"]}, drop=("Risks",), drop_columns={"Tasks": ["Progress"]})
    book = Book(path)
    assert book.names == ["Project", "Objectives", "Scope", "Deliverables", "Tasks", "People", "RACI", "Holidays",
                          "extra Working Days", "Notes"]
    assert book.project["language"] == "zh-TW" and "code" not in book.project and book.project["programme"] == "X"
    assert book.headers["Scope"] == [" kind* ", "ITEM"] and book.rows["Scope"][0]["kind"] == "In scope"
    assert book.headers["Tasks"][:2] == ["ID*", "Task*"] and "Progress" not in book.headers["Tasks"]
    assert book.headers["Tasks"][-1] == "Work package" and book.rows["Holidays"] == []
    wb = load_workbook(path)
    assert wb["Tasks"]["B2"].data_type == "s" and wb["Tasks"]["B2"].value == "=SUM(A1)", "text, not a formula"
    assert wb["People"]["F2"].number_format == "0%" and wb["People"]["F2"].value == 0.5
    assert wb["extra Working Days"]["A2"].is_date


def test_write_plan_rejects_unknown_sheet_keyword(tmp_path: Path):
    with pytest.raises(TypeError, match="taks"):
        write_plan(tmp_path / "x.xlsx", taks=[])
