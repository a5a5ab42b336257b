"""Benchmark: ``check`` of the 5,000-task plan, as a ratio to bare openpyxl read-only iteration of the same file.

    .venv/bin/python benchmarks/bench_check.py [plan.xlsx] [--repeat 5]

Without a workbook, ``generate_plan.py`` writes the large plan to a temporary folder first. In one
process, after one warm-up of each (imports, message catalogues), the subject
``implan_docs.phases.check_plan(path)`` (read, validate, schedule: what ``implan check`` does) and the floor
(``load_workbook(read_only=True, data_only=True)`` and every row of every sheet through
``iter_rows(values_only=True)``) run in alternating order ``--repeat`` times each. Prints both medians and
their ratio; the goal is at most 3x. Exit 1 when the ratio is over the goal.
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import Row, interleave, large_plan, median, spread, timed  # noqa: E402

GOAL = 3.0


def openpyxl_floor(path: Path) -> int:
    """Every cell value of every sheet, read-only: the least any reader of this file must do."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    try:
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                rows += 1
    finally:
        wb.close()
    return rows


def measure(path: Path, repeat: int = 5) -> Row:
    from implan_docs.phases import check_plan

    checked = check_plan(path)  # warm-up
    if not checked.ok:
        raise SystemExit(f"{path}: the plan has errors, e.g. {checked.errors[0]}")
    rows = openpyxl_floor(path)
    gc.collect()
    times = interleave({"check": lambda: timed(check_plan, path),
                        "floor": lambda: timed(openpyxl_floor, path)}, repeat)
    ratio = median(times["check"]) / median(times["floor"])
    return Row("check: 5,000-task plan vs openpyxl read-only iteration",
               f"`check_plan` {spread(times['check'])}", f"openpyxl {spread(times['floor'])}",
               ratio, f"<= {GOAL:g}x", ratio <= GOAL,
               [f"{len(checked.plan.tasks)} tasks, {rows} rows in all sheets, "
                f"{len(checked.findings)} findings"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook", nargs="?", type=Path, help="plan workbook (default: generate the large plan)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.workbook or large_plan(tmp)
        row = measure(path, args.repeat)
    print(f"{row.name}\n  subject: {row.subject}\n  floor:   {row.floor}\n  {'; '.join(row.notes)}")
    print(f"ratio: {row.ratio:.2f}x (goal: at most {GOAL:g}x)")
    return 0 if row.met else 1


if __name__ == "__main__":
    sys.exit(main())
