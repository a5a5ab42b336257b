"""Run every benchmark and print the table (Markdown): each figure a ratio to a floor measured in the same run.

    benchmarks/run [--quick] [--readme] [--only check,schedule,charts,build,pandoc]

``benchmarks/run`` installs what is missing (Debian ``time`` and ``pandoc``) and calls this with the
project's Python. The large plan is generated once (``generate_plan.py``) and shared. ``--quick`` runs
fewer repeats (a smoke test, not figures to quote); ``--readme`` also writes the result between the
``<!-- results -->`` markers of ``benchmarks/README.md``. Exit 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import PYTHON, Row, fmt_s, large_plan, machine, run_child, table  # noqa: E402

ALL = ("check", "schedule", "confidence", "charts", "build", "pandoc")
REPEATS = {  # full / quick
    "check": (5, 2), "schedule": (9, 3), "confidence": (5, 2), "charts": (3, 1), "build": (3, 1), "pandoc": (3, 1),
}
_MEDIAN = re.compile(r"^(?P<label>.*?)\s*median of (?P<n>\d+):\s*(?P<v>[\d.]+) (?P<unit>ms|s)\s*$", re.M)
_RATIO = re.compile(r"^ratio: (?P<r>[\d.]+)x", re.M)


def from_script(script: str, name: str, goal: float, plan: Path, repeat: int) -> Row:
    """Run an existing benchmark script that prints ``... median of N: X s`` lines and ``ratio: Rx``."""
    path = HERE / script
    if not path.is_file():
        return Row(name, f"`{script}` not found", "–", None, f"<= {goal:g}x", None, [f"{script} is missing"])
    run = run_child([PYTHON, path, plan, "--repeat", str(repeat)], cwd=HERE.parent, check=False)
    out = run.stdout
    if run.returncode not in (0, 1):  # 1: over the goal, figures still printed
        last = (run.stderr or out).strip().splitlines()[-1:] or [f"exit {run.returncode}"]
        return Row(name, f"`{script}` failed", "–", None, f"<= {goal:g}x", False, last)
    medians = [(m["label"].strip(), float(m["v"]) / (1000 if m["unit"] == "ms" else 1), int(m["n"]))
               for m in _MEDIAN.finditer(out)]
    ratio = _RATIO.search(out)
    if len(medians) < 2 or not ratio:
        return Row(name, f"`{script}`: unreadable output", "–", None, f"<= {goal:g}x", None, [out[-300:]])
    (sl, sv, sn), (fl, fv, fn) = medians[0], medians[1]
    r = float(ratio["r"])
    others = [line for line in out.splitlines() if line and not _MEDIAN.match(line) and not _RATIO.match(line)]
    return Row(name, f"{sl}: {fmt_s(sv)} (median, n={sn})", f"{fl}: {fmt_s(fv)} (median, n={fn})", r,
               f"<= {goal:g}x", r <= goal, [f"`{script}`: " + "; ".join(others)])


def measure(name: str, work: Path, plan: Path, repeat: int) -> list[Row]:
    if name == "check":
        import bench_check

        return [bench_check.measure(plan, repeat)]
    if name == "schedule":
        return [from_script("bench_schedule.py", "schedule: 5,000 tasks / 8,000 links vs topological sort", 5.0,
                            plan, repeat)]
    if name == "confidence":
        import bench_confidence

        return bench_confidence.measure(plan, repeat)
    if name == "charts":
        return [from_script("bench_charts.py", "charts: every chart of the 5,000-task plan vs matplotlib floor",
                            4.0, plan, repeat)]
    if name == "build":
        import bench_build

        (work / "build").mkdir()
        return bench_build.measure(work / "build", plan, repeat)
    import bench_pandoc

    (work / "pandoc").mkdir()
    return [bench_pandoc.measure(work / "pandoc", repeat)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats: a smoke test")
    ap.add_argument("--readme", action="store_true", help="write the result into benchmarks/README.md")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(ALL)}")
    args = ap.parse_args(argv)
    wanted = [w.strip() for w in args.only.split(",")] if args.only else list(ALL)
    unknown = [w for w in wanted if w not in ALL]
    if unknown:
        ap.error(f"unknown benchmark {unknown[0]!r} (choose from {', '.join(ALL)})")
    reps = {k: v[1 if args.quick else 0] for k, v in REPEATS.items()}

    started = time.perf_counter()
    facts_before = machine()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        plan = large_plan(work)
        for name in wanted:
            t0 = time.perf_counter()
            print(f"... {name} (repeat {reps[name]})", file=sys.stderr, flush=True)
            try:
                rows += measure(name, work, plan, reps[name])
            except (Exception, SystemExit) as exc:  # one broken benchmark must not hide the others
                first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
                rows.append(Row(f"{name}: failed", "–", "–", None, "–", False, [first]))
                print(f"    {name} failed: {exc}", file=sys.stderr, flush=True)
            print(f"    {name}: {fmt_s(time.perf_counter() - t0)}", file=sys.stderr, flush=True)
    facts_after = machine()
    total = time.perf_counter() - started

    text = report(rows, facts_before, facts_after, total, args.quick)
    print(text)
    if args.readme:
        write_readme(text)
    return 0 if all(r.met is not False for r in rows) else 1


def report(rows: list[Row], before: dict, after: dict, total: float, quick: bool) -> str:
    facts = dict(before)
    facts["load average (1, 5, 15 min)"] = (f"{before['load average (1, 5, 15 min)']} at the start, "
                                            f"{after['load average (1, 5, 15 min)']} at the end")
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} by `benchmarks/run{' --quick' if quick else ''}` "
             f"in {total / 60:.1f} min.", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", table(rows), "", "Notes from the run:", ""]
    for r in rows:
        for n in r.notes:
            lines.append(f"- {r.name.split(':')[0]}: {n}")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    old = readme.read_text(encoding="utf-8")
    start, end = "<!-- results -->", "<!-- /results -->"
    if start not in old or end not in old:
        raise SystemExit(f"{readme}: no {start} ... {end} markers")
    head, rest = old.split(start, 1)
    _, tail = rest.split(end, 1)
    from implan_docs.fileio import atomic_write_text

    atomic_write_text(readme, f"{head}{start}\n{text}\n{end}{tail}")


if __name__ == "__main__":
    sys.exit(main())
