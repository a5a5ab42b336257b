"""The large plan end to end: 5,000 tasks, 250 deliverables, 8,000 links, 300 risks, 120 people, 500 resources.

One real `implan build` in its own process (as a user runs it), measured: its peak resident memory must stay
under 1 GiB; its time is printed, not asserted (shared machines swing 2x; benchmarks/ holds the ratios).
The document must still be usable: a summary Gantt and paged task Gantts that fit the page, tables whose
header row repeats on each page and whose rows do not split, and the RACI chart in pieces a person can read.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_nasty_content import measured

ROOT = Path(__file__).resolve().parent.parent
COUNTS = dict(tasks=5000, deliverables=250, links=8000, risks=300, people=120, resources=500)
MAX_RACI_PEOPLE = 8
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"

pytestmark = pytest.mark.slow


def _generator():
    spec = importlib.util.spec_from_file_location("generate_plan", ROOT / "benchmarks" / "generate_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    plan = _generator().generate(folder / "large.xlsx", **COUNTS)
    result = measured("build", plan, "-o", folder / "out", timeout=1200)
    assert result["code"] == 0, result["err"][-2000:]
    print(f"\nlarge plan build: {result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB")
    docx = next((folder / "out").glob("*.docx"))
    return {"result": result, "docx": docx, "doc": Document(str(docx)), "out": folder / "out"}


def captions(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Caption"]


def test_builds_under_one_gib(large):
    assert large["result"]["peak_mib"] < 1024, large["result"]
    assert "wrote" in large["result"]["out"] and "Traceback" not in large["result"]["err"]


def test_summary_gantt_and_paged_task_gantts_fit_the_page(large):
    doc = large["doc"]
    caps = captions(doc)
    summary = [c for c in caps if "Summary Gantt chart" in c]
    tasks = [c for c in caps if re.search(r"Gantt chart of tasks, page \d+ of \d+$", c)]
    assert summary, caps[:20]
    pages = int(re.search(r"of (\d+)$", tasks[0])[1])
    assert len(tasks) == pages and pages >= COUNTS["tasks"] // 60  # at most about 60 task rows a page
    assert [int(re.search(r"page (\d+) of", c)[1]) for c in tasks] == list(range(1, pages + 1))
    # every picture fits inside the text area of the largest page of the document
    widest = tallest = 0
    for sect in doc.sections:
        widest = max(widest, sect.page_width - sect.left_margin - sect.right_margin)
        tallest = max(tallest, sect.page_height - sect.top_margin - sect.bottom_margin)
    extents = doc.element.body.findall(f".//{WP}extent")
    assert len(extents) >= len(summary) + len(tasks)
    for extent in extents:
        assert int(extent.get("cx")) <= widest and int(extent.get("cy")) <= tallest


def test_tables_repeat_their_header_row_and_rows_do_not_split(large):
    tables = large["doc"].element.body.findall(qn("w:tbl"))
    long_tables = 0
    for tbl in tables:
        rows = tbl.findall(qn("w:tr"))
        for row in rows:
            props = row.find(qn("w:trPr"))
            assert props is not None and props.find(qn("w:cantSplit")) is not None
        if len(rows) > 20:  # a table that runs over pages: its header row repeats on each
            long_tables += 1
            header = rows[0].find(qn("w:trPr"))
            assert header.find(qn("w:tblHeader")) is not None
    assert long_tables >= 5  # tasks, deliverables, risks, people, resources at least


def test_task_table_lists_every_task(large):
    doc = large["doc"]
    ids = set()
    for table in doc.tables:
        first = table.rows[0].cells[0].text if table.rows else ""
        if first == "ID" and len(table.rows) > COUNTS["tasks"]:
            ids = {row.cells[0].text for row in table.rows[1:]}
    assert len(ids) == COUNTS["tasks"]


def test_raci_is_split_into_readable_pieces(large):
    doc = large["doc"]
    raci_captions = [c for c in captions(doc) if "RACI chart" in c]
    assert len(raci_captions) >= COUNTS["people"] // MAX_RACI_PEOPLE
    people: set[str] = set()
    pieces = 0
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:2] == ["ID", "Item"]:
            pieces += 1
            named = header[2:]
            assert 1 <= len(named) <= MAX_RACI_PEOPLE, header
            people.update(named)
    assert pieces == len(raci_captions) and len(people) == COUNTS["people"]
