"""Crash safety of `implan build`: SIGKILL at any moment, builds side by side, read-only and full folders.

A build stages everything in a sibling folder and publishes it with renames (``fileio.replace_dir``).
These tests kill real processes with SIGKILL: the CLI at each phase of a real build, and a process
running the publish step itself before and after each of its moves, then check every byte of the
output folder against what was there before.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plans import minimal_rows, write_plan
from test_cli import limited_folder

from implan_docs import fileio

CLI = [sys.executable, "-c", "import sys; from implan_docs.cli import main; sys.exit(main())"]
SECTIONS = "summary,schedule"  # a chart-drawing section and a quick one keep each build to seconds


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``: relative path -> sha256 (or "folder")."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "folder" if path.is_dir() and not path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def products(folder: Path) -> dict[str, str]:
    """The build's deterministic products (executed notebooks carry run times, so only their names; the
    publish manifest lists their hashes, so only its presence)."""
    return {rel: ("notebook" if rel.startswith("notebooks/") or rel == ".implan/manifest.json" else digest)
            for rel, digest in tree(folder).items()}


def staging_leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.glob(f".{output.name}.*"))


def build_cmd(plan: Path, out: Path, *extra: str) -> list[str]:
    return CLI + ["build", str(plan), "-o", str(out), "--sections", SECTIONS, *extra]


def end_session(proc: subprocess.Popen) -> None:
    """Kill what is left of a build started in its own session (its section workers and kernels)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """Plan A, already built (the "earlier build"), and plan B, which differs in a task name and a date
    so that every product of its build differs; plus B's products from an undisturbed build."""
    folder = tmp_path_factory.mktemp("plans")
    a = write_plan(folder / "a.xlsx")
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Do the other work"
    rows["Tasks"][0]["Duration"] = 7
    b = write_plan(folder / "b.xlsx", rows=rows)
    built_a, built_b = folder / "built-a", folder / "built-b"
    for plan, out in ((a, built_a), (b, built_b)):
        subprocess.run(build_cmd(plan, out), check=True, capture_output=True, timeout=600)
    return {"a": a, "b": b, "built_a": built_a, "built_b": built_b}


# -- SIGKILL during a real build ------------------------------------------------------------------------------


# When to kill: a progress line of the build (stderr, plain when not a terminal) and a delay after it.
KILL_MOMENTS = {
    "check": ("b.xlsx: check", 0.0),
    "sections-start": ("b.xlsx: sections", 0.3),  # kernels starting
    "sections-running": ("summary done", 0.0),  # with --jobs 1: the schedule notebook is running
    "assemble": ("b.xlsx: assemble", 0.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(KILL_MOMENTS))
def test_sigkill_leaves_the_earlier_build_byte_identical(plans, tmp_path, moment):
    trigger, delay = KILL_MOMENTS[moment]
    out = tmp_path / "out"
    shutil.copytree(plans["built_a"], out)
    before = tree(out)
    proc = subprocess.Popen(build_cmd(plans["b"], out, "--jobs", "1"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for line in proc.stderr:
            if " ".join(line.split()).startswith(trigger):
                time.sleep(delay)
                break
        else:
            pytest.fail(f"the build ended before '{trigger}': {proc.wait()}")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL, "the build finished before it could be killed"
        assert tree(out) == before
        assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    finally:
        end_session(proc)
        proc.stderr.close()
        proc.stdout.close()
    if moment == "sections-running":
        # the next build cleans the killed one's staging folder and publishes exactly what an undisturbed build does
        assert [name.startswith(".out.staging-") for name in staging_leftovers(out)] == [True]
        subprocess.run(build_cmd(plans["b"], out), check=True, capture_output=True, timeout=600)
        assert staging_leftovers(out) == []
        assert products(out) == products(plans["built_b"])


# -- SIGKILL inside the publish step, before and after each move ---------------------------------------------

KILLER = r"""
import os, signal, sys
from pathlib import Path
from implan_docs import fileio

staging, target, kill_at, when, mode, exchange = sys.argv[1:7]
kill_at = int(kill_at)
if exchange == "no":
    fileio._renameat2.cache_clear()
    fileio._renameat2 = lambda: None  # a file system without RENAME_EXCHANGE: two renames per entry
moves = 0

def counted(move):
    def wrapper(*args):
        global moves
        moves += 1
        if moves == kill_at and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = move(*args)
        if moves == kill_at and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper

fileio.os.rename = counted(os.rename)
fileio._exchange = counted(fileio._exchange)
if mode == "publish":
    fileio.replace_dir(Path(staging), Path(target))
else:
    fileio.recover_publish(Path(staging), Path(target))
print(moves)
"""


def _old_and_new(root: Path) -> tuple[Path, Path]:
    """An output folder with an earlier build and a user's own files, and a complete staging folder."""
    target, staging = root / "out", root / ".out.staging-1"
    for folder, tag in ((target, "old"), (staging, "new")):
        (folder / "charts").mkdir(parents=True)
        (folder / "plan.docx").write_bytes(f"{tag} document".encode() * 1000)
        (folder / "plan-filled.xlsx").write_bytes(f"{tag} workbook".encode())
        (folder / "charts" / "gantt.png").write_bytes(f"{tag} gantt".encode())
    (target / "charts" / "old-only.png").write_bytes(b"a chart the new build does not draw")
    (target / "notebooks").mkdir()
    (target / "notebooks" / "00-summary.ipynb").write_text("{}")
    (target / "my notes.txt").write_text("the user's own file, never touched")
    (target / "plan.pdf").write_bytes(b"%PDF from an earlier --pdf build")
    (staging / "charts" / "milestones.png").write_bytes(b"new milestones")
    (staging / "fragments").mkdir()
    (staging / "fragments" / "summary.json").write_text('{"new": true}')
    (staging / ".lock").write_text("")
    return target, staging


def _run_killer(staging: Path, target: Path, kill_at: int, when: str, mode: str, exchange: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, str(staging), str(target), str(kill_at), when, mode, exchange],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("exchange", ["yes", "no"], ids=["rename-exchange", "two-renames"])
def test_publish_killed_before_or_after_any_move_is_undone_by_the_next_build(tmp_path, exchange):
    target, staging = _old_and_new(tmp_path / "model")
    old, new_entries = tree(target), tree(staging)
    clean = _run_killer(staging, target, 0, "never", "publish", exchange)
    assert clean.returncode == 0, clean.stderr
    moves = int(clean.stdout)
    published = tree(target)
    assert published["plan.docx"] == new_entries["plan.docx"] and published["my notes.txt"] == old["my notes.txt"]
    assert "charts/old-only.png" not in published and "fragments/summary.json" in published
    assert "plan.pdf" in published and "notebooks/00-summary.ipynb" in published  # not the build's this time
    assert moves >= 4

    for kill_at in range(1, moves + 1):
        for when in ("before", "after"):
            root = tmp_path / f"{kill_at}-{when}"
            target, staging = _old_and_new(root)
            killed = _run_killer(staging, target, kill_at, when, "publish", exchange)
            assert killed.returncode == -signal.SIGKILL, killed.stderr
            state = tree(target)
            # whatever the moment, every entry is an old or a new one, whole (files are never written in place)
            for rel, digest in state.items():
                assert digest in (old.get(rel), new_entries.get(rel), "folder"), rel
            if exchange == "yes":  # an entry is swapped, never missing
                assert {rel.split("/")[0] for rel in old} <= {rel.split("/")[0] for rel in state}
            # the next build finds the staging folder of a dead process and puts the folder back as it was;
            # a kill during that recovery is recovered from the same way
            again = _run_killer(staging, target, 1, "after", "recover", exchange)
            assert again.returncode in (0, -signal.SIGKILL), again.stderr
            fileio.recover_publish(staging, target)
            assert tree(target) == old, (kill_at, when)


def test_a_failed_move_puts_back_what_had_moved(tmp_path, monkeypatch):
    """A move that fails half-way (a full or read-only file system) leaves the folder as it was."""
    target, staging = _old_and_new(tmp_path)
    (staging / "zz-last").write_text("the entry whose move fails")
    old = tree(target)
    real = os.rename

    def rename(src, dst):
        if Path(src).name == "zz-last":
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(fileio.OutputError, match="no space left"):
        fileio.replace_dir(staging, target)
    assert tree(target) == old


# -- builds side by side -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_into_different_folders_do_not_interfere(plans, tmp_path):
    """Both at once, into sibling folders (their staging folders sit side by side): each publishes exactly
    what it publishes when built alone."""
    procs = [subprocess.Popen(build_cmd(plans[p], tmp_path / f"out-{p}"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, start_new_session=True) for p in ("a", "b")]
    try:
        results = [proc.communicate(timeout=600) for proc in procs]
    finally:
        for proc in procs:
            end_session(proc)
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err.decode()
    assert products(tmp_path / "out-a") == products(plans["built_a"])
    assert products(tmp_path / "out-b") == products(plans["built_b"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-a", "out-b"]  # no staging folder left


# -- read-only and full output folders ---------------------------------------------------------------------


def run_cli(*args) -> tuple[int, str]:
    proc = subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stderr


def error_line(err: str) -> str:
    """The one error line, after the plain progress lines ("plan.xlsx: check")."""
    errors = [line for line in err.splitlines() if line.startswith("implan:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


@pytest.mark.parametrize("where", ["folder", "inside"])
def test_read_only_output_folder_is_one_line_before_any_work(plans, tmp_path, where):
    with limited_folder(tmp_path / "ro", "ro") as folder:
        out = folder if where == "folder" else folder / "out"
        code, err = run_cli("build", plans["a"], "-o", out, "--sections", SECTIONS)
        assert code == 1
        line = error_line(err)
        assert "read-only" in line and str(out) in line, line
        assert "sections" not in err  # stopped before running any notebook


@pytest.mark.slow
def test_full_output_folder_is_one_line_and_leaves_nothing(plans, tmp_path):
    with limited_folder(tmp_path / "full", "full") as folder:
        code, err = run_cli("build", plans["a"], "-o", folder / "out", "--sections", SECTIONS)
        assert code == 1 and "no space left" in error_line(err).lower(), err
        assert [p for p in folder.rglob("*") if p.is_file() and p.name != "filler"] == []


@pytest.mark.slow
@pytest.mark.parametrize("free_kib", [24, 48, 80])  # runs out at the snapshot, in a section, at assembly
def test_folder_filling_up_during_a_build_keeps_the_earlier_build(plans, tmp_path, free_kib):
    if os.geteuid() != 0:
        pytest.skip("a full file system needs a tmpfs mount (root)")
    folder = tmp_path / "small"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True)
    try:
        out = folder / "out"
        shutil.copytree(plans["built_a"], out)
        before = tree(out)
        free = shutil.disk_usage(folder).free
        (folder / "filler").write_bytes(b"\0" * (free - free_kib * 1024))  # room for some files, not a build
        code, err = run_cli("build", plans["b"], "-o", out, "--sections", SECTIONS)
        assert code == 1 and "no space left" in error_line(err).lower(), err
        after = tree(out)
        # a failed section's notebook may be kept for inspection (when it fits); nothing else changes
        assert {k: v for k, v in after.items() if not k.startswith("notebooks/")} == \
            {k: v for k, v in before.items() if not k.startswith("notebooks/")}
        assert sorted(p.name for p in folder.iterdir()) == ["filler", "out"]
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# -- single files written by other commands (schedule, collect, new) --------------------------------------

HALF_WRITER = r"""
import os, signal, sys
from implan_docs import fileio

def writer(tmp):
    tmp.write_bytes(b"half of a workbook")
    os.kill(os.getpid(), signal.SIGKILL)

fileio.atomic_write_with(sys.argv[1], writer)
"""


def test_killed_single_file_write_keeps_the_old_file_and_its_leftover_is_cleaned(tmp_path):
    target = tmp_path / "filled.xlsx"
    target.write_bytes(b"the complete earlier file")
    killed = subprocess.run([sys.executable, "-c", HALF_WRITER, str(target)], capture_output=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"the complete earlier file"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".filled.xlsx.")  # hidden, beside the file
    fileio.atomic_write_bytes(target, b"the next complete file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["filled.xlsx"]  # the next write removed it
    assert target.read_bytes() == b"the next complete file"
