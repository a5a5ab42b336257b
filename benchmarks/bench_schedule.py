"""Benchmark: scheduling the 5,000-task / 8,000-link plan, as a ratio to a plain topological sort.

    .venv/bin/python benchmarks/bench_schedule.py [plan.xlsx] [--repeat 9] [--tasks 5000] [--links 8000]

Without a workbook, ``generate_plan.py`` writes the large plan to a temporary folder first. The plan is
read once (not timed); then, in the same process and interleaved, ``schedule_plan(plan)`` (calendar,
forward and backward passes, float, critical chains, roll-ups, status, TaskDates for every task) and
``graphlib.TopologicalSorter`` on the same task graph are each timed ``--repeat`` times. Prints both
medians and their ratio; the goal is a ratio of at most 5 (and well under a second). Exit 1 when the
ratio is over the goal, so the benchmark can guard a CI step.
"""
from __future__ import annotations

import argparse
import gc
import graphlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from implan_docs.schedule import schedule_plan  # noqa: E402
from implan_docs.xlsx.reader import read_plan# noqa: E402

GOAL = 5.0


def topological_sort(graph: dict[str, list[str]]) -> list[str]:
    return list(graphlib.TopologicalSorter(graph).static_order())


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workbook", nargs="?", type=Path, help="plan workbook (default: generate the large plan)")
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--tasks", type=int, default=5000)
    ap.add_argument("--links", type=int, default=8000)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.workbook
        if path is None:
            from generate_plan import generate

            path = generate(Path(tmp) / "large-plan.xlsx", tasks=args.tasks, links=args.links,
                            deliverables=max(1, args.tasks // 20))
        t0 = time.perf_counter()
        plan, findings = read_plan(path)
        read_s = time.perf_counter() - t0
    errors = [f for f in findings if f.is_error]
    if errors:
        print(f"{path}: {len(errors)} error(s) in the plan, e.g. {errors[0]}", file=sys.stderr)
        return 2
    graph = {t.id: [link.predecessor for link in t.depends] for t in plan.tasks}
    n_links = sum(len(v) for v in graph.values())

    schedule = schedule_plan(plan)  # warm up (imports, message catalogues)
    topological_sort(graph)
    sched_times, topo_times = [], []
    gc.collect()
    for _ in range(args.repeat):
        topo_times.append(timed(topological_sort, graph))
        sched_times.append(timed(schedule_plan, plan))
    sched, topo = statistics.median(sched_times), statistics.median(topo_times)
    ratio = sched / topo
    print(f"plan: {len(plan.tasks)} tasks, {n_links} links, {len(schedule.critical_ids)} critical, "
          f"{len(schedule.findings)} schedule findings; read in {read_s:.2f} s (not timed)")
    print(f"schedule_plan      median of {args.repeat}: {sched * 1000:8.1f} ms")
    print(f"graphlib topo sort median of {args.repeat}: {topo * 1000:8.1f} ms")
    print(f"ratio: {ratio:.2f}x (goal: at most {GOAL:g}x)")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
