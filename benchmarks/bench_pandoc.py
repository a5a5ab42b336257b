"""Benchmark: the route a user would pick instead (Papermill + pandoc) against ``implan build --sections schedule``.

    .venv/bin/python benchmarks/bench_pandoc.py [--repeat 3]

The route: a parameterized notebook written here (reads the example's Tasks sheet with openpyxl, draws one
matplotlib chart, writes one table and the chart into Markdown) run with the ``papermill`` CLI, then
``pandoc plan.md -o plan.docx --reference-doc templates/plan.docx`` (Debian's pandoc, the engine under
Quarto's .docx output). The subject: ``implan build examples/rollout-plan.xlsx --sections schedule``, one
section of the same example (it also reads, validates and schedules the plan, draws its Gantt and milestone
charts, and writes the filled workbook). Both are child processes, alternated round by round; the ratio
is implan over the route. There is no goal: it shows what the toolkit costs over the hand-made route.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import IMPLAN, ROOT, Row, interleave, median, run_child, spread  # noqa: E402

EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
REFERENCE = ROOT / "templates" / "plan.docx"
PAPERMILL = ROOT / ".venv" / "bin" / "papermill"

ROUTE_CELLS = [
    ('workbook = "plan.xlsx"  # the plan workbook\noutput = "out"  # folder for plan.md and the chart', True),
    ("""from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from openpyxl import load_workbook

out = Path(output)
out.mkdir(parents=True, exist_ok=True)
wb = load_workbook(workbook, read_only=True, data_only=True)
rows = list(wb["Tasks"].iter_rows(values_only=True))
wb.close()
head = [str(h).rstrip("*") for h in rows[0]]
tasks = [dict(zip(head, r)) for r in rows[1:] if r and r[0]]""", False),
    ("""fig, ax = plt.subplots(figsize=(7, 0.22 * len(tasks) + 1))
ax.barh([t["ID"] for t in tasks], [t["Duration"] or 0 for t in tasks], color="#2f5597")
ax.invert_yaxis()
ax.set_xlabel("Working days")
ax.set_title("Task durations")
fig.tight_layout()
fig.savefig(out / "durations.png", dpi=150)
plt.close(fig)""", False),
    ("""def cell(value):
    return "" if value is None else str(value).replace("|", "\\\\|").replace("\\n", " ")

cols = ["ID", "Task", "Owner", "Duration", "Depends on", "Status", "Progress"]
lines = ["# Schedule", "", "![Task durations](durations.png)", "",
         "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
lines += ["| " + " | ".join(cell(t.get(c)) for c in cols) + " |" for t in tasks]
(out / "plan.md").write_text("\\n".join(lines) + "\\n", encoding="utf-8")""", False),
]


def write_route_notebook(path: Path) -> Path:
    import nbformat

    from implan_docs.notebooks import KERNEL

    cells = []
    for source, is_parameters in ROUTE_CELLS:
        c = nbformat.v4.new_code_cell(source)
        if is_parameters:
            c.metadata["tags"] = ["parameters"]
        cells.append(c)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "implan-docs", "language": "python"}
    nbformat.write(nb, path)
    return path


def route(work: Path, notebook: Path, env: dict) -> float:
    """papermill CLI, then pandoc CLI: seconds of both."""
    out = work / "route-out"
    shutil.rmtree(out, ignore_errors=True)
    from implan_docs.notebooks import KERNEL

    a = run_child([PAPERMILL, notebook, work / "route-executed.ipynb", "-k", KERNEL, "--no-progress-bar",
                   "-p", "workbook", EXAMPLE, "-p", "output", out], cwd=work, env=env)
    b = run_child(["pandoc", "plan.md", "-o", "plan.docx", "--reference-doc", REFERENCE], cwd=out)
    return a.seconds + b.seconds


def implan_one_section(work: Path) -> float:
    out = work / "implan-out"
    shutil.rmtree(out, ignore_errors=True)
    return run_child([IMPLAN, "build", EXAMPLE, "-o", out, "--sections", "schedule"], cwd=work).seconds


def measure(work: Path, repeat: int = 3) -> Row:
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is not installed (Debian: apt-get install pandoc; benchmarks/run does it)")
    from implan_docs.notebooks import kernel_env

    env = kernel_env(work / ".jupyter")
    notebook = write_route_notebook(work / "route.ipynb")
    times = interleave({"implan": lambda: implan_one_section(work),
                        "route": lambda: route(work, notebook, env)}, repeat)
    docx = work / "route-out" / "plan.docx"
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode("utf-8")
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    if "<w:tbl>" not in body or not media:
        raise SystemExit(f"{docx}: the route's document lacks its table or chart")
    ratio = median(times["implan"]) / median(times["route"])
    return Row("one section: `implan build --sections schedule` vs Papermill + pandoc",
               f"`implan build --sections schedule` {spread(times['implan'])}",
               f"papermill CLI + pandoc {spread(times['route'])}", ratio, "none (comparison)", None,
               [f"route: {pandoc_version()}, one chart (barh), one table, --reference-doc templates/plan.docx"])


def pandoc_version() -> str:
    import subprocess

    return subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="bench-pandoc-") as tmp:
        row = measure(Path(tmp), args.repeat)
    print(f"{row.name}\n  subject: {row.subject}\n  floor:   {row.floor}\n  {'; '.join(row.notes)}")
    print(f"ratio: {row.ratio:.2f}x (no goal: a comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
