"""Write the section notebooks in notebooks/ (thin: a parameters cell and a few calls into implan_docs).

Run after changing the notebook template: `.venv/bin/python scripts/make_notebooks.py`. The committed
notebooks carry no outputs; a test checks they match what this script writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("00", "summary", "Executive summary", "purpose, objectives, key milestones, top risks, budget, who is accountable"),
    ("10", "overview", "Project overview", "purpose, strategy, sponsor, manager, key dates, budget, calendar, research findings, SWOT"),
    ("20", "objectives", "Objectives", "objectives with metrics, baselines and targets, and the objectives chart"),
    ("30", "scope", "Scope", "in scope, out of scope, assumptions, constraints"),
    ("40", "deliverables", "Deliverables", "deliverables, due dates, forecasts, acceptance criteria"),
    ("50", "schedule", "Schedule", "Gantt charts, milestone chart, critical path, tasks behind, task table"),
    ("60", "risks", "Risk assessment", "risk matrix, register, mitigation and contingency"),
    ("70", "roles", "Roles and responsibilities", "people and the RACI chart"),
    ("80", "resources", "Resource allocation", "budget, cost by type, cumulative cost, workload, all resources"),
    ("85", "changes", "Changes since the previous version", "rows added, removed and changed, schedule slips, risk score and budget changes since an older workbook (implan build --since OLD.xlsx)"),
    ("90", "appendix", "Appendix", "open questions (findings) and the review log"),
]

PARAMETERS = '''workbook = "plan.xlsx"  # the plan workbook (.xlsx)
status_date = ""  # YYYY-MM-DD; empty: the Project "Status date" (or today)
output = "build"  # folder where the fragment (fragments/<section>.json) and charts (charts/*.png) go
language = ""  # "en" or "zh-TW"; empty: the plan's Language
context = ""  # set by `implan build`: a snapshot of the checked plan, so it is read once per build'''


def notebook(number: str, name: str, title: str, what: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    intro = (f"# {title}\n\nBuilds the *{title}* section of the plan document: {what}.\n\n"
             f"Run alone: `papermill notebooks/{number}-{name}.ipynb out.ipynb -p workbook plan.xlsx`; "
             f"`implan build` runs it with the others and places `fragments/{name}.json` at the template's "
             f"`{{{{section:{name}}}}}` placeholder.")
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(intro),
        params,
        nbformat.v4.new_code_cell("from implan_docs import sections\n\n"
                                  "ctx = sections.load(workbook, status_date, output, language, context)"),
        nbformat.v4.new_code_cell(f"fragment = sections.{name}.build(ctx)\nfragment.write(output)\n"
                                  "sections.preview(fragment)"),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i}"
    return nb


def main() -> int:
    folder = ROOT / "notebooks"
    folder.mkdir(exist_ok=True)
    for number, name, title, what in SECTIONS:
        path = folder / f"{number}-{name}.ipynb"
        path.write_text(nbformat.writes(notebook(number, name, title, what)) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
