"""Benchmark: every chart of the 5,000-task plan, drawn and saved, as a ratio to matplotlib's floor.

    .venv/bin/python benchmarks/bench_charts.py [plan.xlsx] [--repeat 3] [--tasks 5000]

Without a workbook, ``generate_plan.py`` writes the large plan to a temporary folder first. The plan is
read and scheduled once (not timed). Then, in the same process and interleaved, each ``--repeat`` times:

- charts: ``all_charts(plan, schedule)`` and ``save_pngs`` of all of them into a temporary folder (the
  summary Gantt, a Gantt page per 40 rows, milestones, risk matrix, workload, budget, objectives);
- floor: one landscape Gantt-sized figure (24 cm wide, 16 cm high, same dpi) with as many bars as the
  plan has tasks, drawn in one ``barh`` call and saved as PNG with ``savefig``.

Prints both medians, the number of charts and their total size, and the ratio; the goal is at most 4x.
Exit 1 when the ratio is over the goal.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from implan_docs import charts
from implan_docs.charts import theme
from implan_docs.schedule import schedule_plan
from implan_docs.xlsx.reader import read_plan

GOAL = 4.0


def floor(bars: int, folder: Path) -> float:
    """matplotlib's floor for this much drawing: one figure, one barh call, saved."""
    start = time.perf_counter()
    fig = theme.new_figure(theme.LANDSCAPE_CM, 16.0)
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    ax.barh(np.arange(bars), rng.integers(1, 20, bars), left=rng.integers(0, 500, bars))
    fig.savefig(folder / "floor.png", dpi=theme.DPI)
    return time.perf_counter() - start


def all_charts(plan, schedule, folder: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    made = charts.all_charts(plan, schedule)
    paths = charts.save_pngs(made, folder)
    elapsed = time.perf_counter() - start
    return elapsed, len(paths), sum(p.stat().st_size for p in paths)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook", nargs="?", type=Path, help="plan workbook (default: generate the large plan)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tasks", type=int, default=5000)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = args.workbook
        if path is None:
            from generate_plan import generate

            path = generate(tmp / "large-plan.xlsx", tasks=args.tasks)
        plan, findings = read_plan(path)
        errors = [f for f in findings if f.is_error]
        if errors:
            print(f"{path}: {len(errors)} error(s) in the plan, e.g. {errors[0]}", file=sys.stderr)
            return 2
        schedule = schedule_plan(plan)

        # warm up: imports, fonts, message catalogues, glyph caches
        all_charts(plan, schedule, tmp / "warm")
        floor(len(plan.tasks), tmp)
        chart_times, floor_times = [], []
        for k in range(args.repeat):
            gc.collect()
            floor_times.append(floor(len(plan.tasks), tmp))
            gc.collect()
            seconds, count, size = all_charts(plan, schedule, tmp / f"run{k}")
            chart_times.append(seconds)
    made, base = statistics.median(chart_times), statistics.median(floor_times)
    ratio = made / base
    print(f"plan: {len(plan.tasks)} tasks, {len(plan.deliverables)} deliverables, {len(plan.people)} people, "
          f"{len(plan.risks)} risks, {len(plan.resources)} resources")
    print(f"all charts: {count} PNG files, {size / 1e6:.1f} MB at {theme.DPI} dpi")
    print(f"all charts, drawn and saved   median of {args.repeat}: {made:7.2f} s")
    print(f"floor: {len(plan.tasks)} bars, one barh, saved median of {args.repeat}: {base:7.2f} s")
    print(f"ratio: {ratio:.2f}x (goal: at most {GOAL:g}x)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
