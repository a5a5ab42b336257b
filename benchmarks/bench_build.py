"""Benchmark: ``implan build`` of the example vs the Papermill floor; the 5,000-task plan vs the example.

    .venv/bin/python benchmarks/bench_build.py [--repeat 3] [--large plan.xlsx] [--phases]

Each round runs, as child processes and in rotating order: ``implan build examples/rollout-plan.xlsx``
(no ``--pdf``), ``papermill_floor.py`` with as many one-cell notebooks as the build runs sections, and
``implan build`` of the large plan (written by ``generate_plan.py`` unless given). Reported: the example's
build as a ratio to the floor (goal at most 1.0x), the large build as a ratio to the example's (goal at
most 3x), and the large build's peak memory (goal under 1 GiB): the largest process as
``/usr/bin/time -v`` reports it, and the summed RSS of the whole process tree (the build, its worker
processes and their kernels), sampled.

``--phases`` instead builds each plan once in this process through ``implan_docs.build.build_plan`` and
prints where the time goes: check (read, validate, schedule), sections (each notebook's seconds) and
assemble (document, filled workbook).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import (GIB, IMPLAN, PYTHON, ROOT, ChildRun, Row, fmt_bytes, fmt_s, interleave,  # noqa: E402
                    large_plan, median, run_child, spread)

EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
GOAL_FLOOR = 1.0
GOAL_LARGE = 3.0
_SECTION = re.compile(r"^\s+(?P<name>\S+)\s+done\s+(?P<s>[\d.]+) s\s*$", re.M)


def section_count() -> int:
    """How many notebooks a default build of the example runs (every built-in section but 'changes')."""
    from implan_docs.notebooks import discover

    return sum(1 for nb in discover() if nb.name != "changes")


def build(workbook: Path, out: Path, *extra: str) -> ChildRun:
    shutil.rmtree(out, ignore_errors=True)
    run = run_child([IMPLAN, "build", workbook, "-o", out, *extra], cwd=out.parent)
    return run


def section_seconds(run: ChildRun) -> dict[str, float]:
    return {m["name"]: float(m["s"]) for m in _SECTION.finditer(run.stdout + "\n" + run.stderr)}


def measure(work: Path, large: Path, repeat: int = 3) -> list[Row]:
    count = section_count()
    runs: dict[str, list[ChildRun]] = defaultdict(list)

    def one(name: str, fn):
        def go() -> float:
            run = fn()
            runs[name].append(run)
            return run.seconds
        return go

    times = interleave({
        "example": one("example", lambda: build(EXAMPLE, work / "example-out")),
        "floor": one("floor", lambda: run_child([PYTHON, HERE / "papermill_floor.py", work / "floor",
                                                  "--count", str(count)], cwd=work)),
        "large": one("large", lambda: build(large, work / "large-out")),
    }, repeat)
    ran = len(list((work / "example-out" / "notebooks").glob("*.ipynb")))
    if ran != count:
        raise SystemExit(f"the example build ran {ran} notebooks, the floor {count}: fix section_count()")

    example, floor, big = (median(times[k]) for k in ("example", "floor", "large"))
    r_floor, r_large = example / floor, big / example
    ex_sections = _median_sections(runs["example"])
    lg_sections = _median_sections(runs["large"])
    rows = [
        Row("build: example vs Papermill floor", f"`implan build` (example) {spread(times['example'])}",
            f"{count} one-cell notebooks {spread(times['floor'])}", r_floor, f"<= {GOAL_FLOOR:g}x",
            r_floor <= GOAL_FLOOR,
            [f"example sections (median s, notebooks run {_jobs()} at a time): {_fmt_sections(ex_sections)}"]),
        Row("build: 5,000-task plan vs example", f"`implan build` (large) {spread(times['large'])}",
            f"`implan build` (example) {spread(times['example'])}", r_large, f"<= {GOAL_LARGE:g}x",
            r_large <= GOAL_LARGE,
            [f"large sections (median s): {_fmt_sections(lg_sections)}"]),
    ]
    max_rss = max(r.max_rss for r in runs["large"])
    tree = max(r.tree_rss for r in runs["large"])
    rows.append(Row("build: 5,000-task plan, peak memory",
                    f"largest process (`/usr/bin/time -v`) {fmt_bytes(max_rss)}; whole process tree "
                    f"{fmt_bytes(tree)}",
                    f"example: {fmt_bytes(max(r.max_rss for r in runs['example']))}; "
                    f"tree {fmt_bytes(max(r.tree_rss for r in runs['example']))}",
                    None, "< 1 GiB", max_rss < GIB and tree < GIB,
                    ["maximum over the runs; the tree figure sums the build, its workers and their kernels"]))
    return rows


def _jobs() -> int:
    import os

    return os.cpu_count() or 1


def _median_sections(runs: list[ChildRun]) -> dict[str, float]:
    per: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for name, s in section_seconds(run).items():
            per[name].append(s)
    return {name: median(v) for name, v in per.items()}


def _fmt_sections(sections: dict[str, float]) -> str:
    ordered = sorted(sections.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {s:.1f}" for name, s in ordered)


def phases(workbooks: list[Path], work: Path) -> None:
    """Build each workbook once in this process and print the time of each phase and section."""
    from implan_docs.build import build_plan

    for wb in workbooks:
        marks: list[tuple[str, float]] = []
        sections: dict[str, float] = {}

        def progress(kind, *args):
            if kind == "phase":
                marks.append((args[0], time.perf_counter()))
            elif kind == "section" and args[1] == "done":
                sections[args[0]] = args[2].seconds

        out = work / f"{wb.stem}-phases"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        result = build_plan(wb, out, progress=progress)
        end = time.perf_counter()
        print(f"{wb.name}: {fmt_s(end - start)} in all ({result.docx.stat().st_size // 1024} KiB .docx)")
        for (name, t0), (_, t1) in zip(marks, marks[1:] + [("end", end)]):
            print(f"  {name:<10} {fmt_s(t1 - t0):>9}")
        print(f"  sections, each notebook (sum {fmt_s(sum(sections.values()))}): {_fmt_sections(sections)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--large", type=Path, help="the large plan (default: generate it)")
    ap.add_argument("--phases", action="store_true", help="where the time goes, one build of each plan")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        large = args.large.resolve() if args.large else large_plan(work)
        if args.phases:
            phases([EXAMPLE, large], work)
            return 0
        rows = measure(work, large, args.repeat)
    for row in rows:
        ratio = "" if row.ratio is None else f"  ratio {row.ratio:.2f}x"
        print(f"{row.name}:{ratio} (goal {row.goal}: {'met' if row.met else 'NOT met'})\n"
              f"  subject: {row.subject}\n  floor:   {row.floor}\n  " + "\n  ".join(row.notes))
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
