"""Shared helpers for the benchmarks: interleaved repeats, medians, ratios, child processes' time and memory.

The machines are shared and noisy (2 cores, other jobs), so no figure is a bare time: each benchmark times
its subject and a floor in the same run, alternating them round by round, and reports the ratio of the
medians. A child process is timed by wall clock; its peak memory comes from ``/usr/bin/time -v`` (the
largest single process of the tree, as the issue asks) and from sampling the whole process tree with
psutil (a build runs notebooks in several kernels at once, so their sum is what the machine must hold).
"""
from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
IMPLAN = ROOT / ".venv" / "bin" / "implan"
GIB = 1024 ** 3


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable, *args, **kwargs) -> float:
    """Seconds one call of ``fn`` takes (wall clock)."""
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def interleave(subjects: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Run every subject once per round for ``repeat`` rounds; each call returns its own seconds.

    The order rotates from round to round, so no subject always runs first (on a cold cache) or right
    after a heavy one; load that comes and goes then spreads over all of them.
    """
    names = list(subjects)
    out: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(subjects[name]())
    return out


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall seconds and peak memory in bytes."""

    seconds: float
    max_rss: int  # largest single process of the tree (/usr/bin/time -v "Maximum resident set size")
    tree_rss: int  # peak of the summed RSS of the child and all its descendants, sampled every 100 ms
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0


class ChildFailed(RuntimeError):
    pass


def run_child(cmd: Sequence[str | Path], *, cwd: str | Path | None = None, env: dict | None = None,
              sample: float = 0.1, check: bool = True) -> ChildRun:
    """Run ``cmd`` to completion; with ``check``, raise :class:`ChildFailed` (with the end of its output) on a
    non-zero exit."""
    cmd = [str(c) for c in cmd]
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        rusage_file = Path(tmp) / "time-v.txt"
        gnu_time = shutil.which("time", path="/usr/bin")
        argv = [gnu_time, "-v", "-o", str(rusage_file), *cmd] if gnu_time else cmd
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=cwd, env=full_env, stdout=out, stderr=err)
            sampler = _TreeSampler(proc.pid, sample)
            sampler.start()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            sampler.stop()
        stdout = out_path.read_text(errors="replace")
        stderr = err_path.read_text(errors="replace")
        max_rss = usage.ru_maxrss * 1024  # kilobytes on Linux
        if gnu_time and rusage_file.is_file():
            text = rusage_file.read_text(errors="replace")
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            if m:
                max_rss = int(m[1]) * 1024
            m = re.search(r"Exit status: (\d+)", text)
            if m:
                proc.returncode = int(m[1])
    if check and proc.returncode != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
        raise ChildFailed(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
    return ChildRun(seconds, max_rss, max(sampler.peak, max_rss), stdout, stderr, proc.returncode)


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil  # a dependency of ipykernel, so always in the environment

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for p in procs:
                try:
                    total += p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Row:
    """One line of the benchmark table."""

    name: str
    subject: str  # e.g. "check_plan, median of 5: 3.10 s"
    floor: str
    ratio: float | None
    goal: str  # e.g. "<= 3x"
    met: bool | None  # None: no goal (a comparison)
    notes: list[str] = field(default_factory=list)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_bytes(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def spread(values: Sequence[float]) -> str:
    """``median (min-max, n=N)`` for a list of seconds."""
    return f"{fmt_s(median(values))} ({fmt_s(min(values))}-{fmt_s(max(values))}, n={len(values)})"


def table(rows: Sequence[Row]) -> str:
    lines = ["| benchmark | subject: median (min-max, n) | floor: median (min-max, n) | ratio | goal | met |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}x"
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.name} | {r.subject} | {r.floor} | {ratio} | {r.goal} | {met} |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """The facts a reader needs to weigh the figures: cores, CPU, load, versions."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    libs = []
    for dist in ("openpyxl", "python-docx", "matplotlib", "papermill", "nbclient", "ipykernel", "jupyter_client",
                 "numpy", "psutil"):
        try:
            libs.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    pandoc = shutil.which("pandoc")
    pandoc_version = ""
    if pandoc:
        pandoc_version = subprocess.run([pandoc, "--version"], capture_output=True, text=True,
                                        check=False).stdout.split("\n")[0]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu or platform.processor() or "unknown",
        "load average (1, 5, 15 min)": load,
        "memory": _mem_total(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "libraries": ", ".join(libs),
        "pandoc": pandoc_version or "not installed",
        "implan-docs": f"{_version('implan-docs')}, {_commit()}",
    }


def _commit() -> str:
    """The commit measured, and whether the working tree differed from it (others work in the same checkout)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "implan_docs",
                                "notebooks", "templates"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}" + (f" with {len(dirty)} modified file(s) in implan_docs/, notebooks/, templates/"
                               if dirty else "")


def _mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def large_plan(folder: str | Path) -> Path:
    """The large plan of the issues (5,000 tasks, 250 deliverables, 8,000 links, 300 risks, 120 people,
    500 resources), written by ``generate_plan.py`` into ``folder`` (same seed, same bytes)."""
    sys.path.insert(0, str(HERE))
    from generate_plan import generate

    return generate(Path(folder) / "large-plan.xlsx")
