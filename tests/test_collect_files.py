"""implan collect --in-place and -o as files on disk: the workbook lock (two real processes), symbolic
links, backups that never overwrite, and permission bits (a private 0600 plan stays private)."""
from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import threading
import time

import openpyxl
import pytest

from implan_docs import workbook_lock
from implan_docs.cli import main
from implan_docs.errors import OutputError
from implan_docs.xlsx.review_rows import collect_into
from test_collect import review_rows
from test_collect_fixtures import IMPLAN, comment, commented, heading, many_comments_docx, plan_copy, write_docx


def small_copy(path, who="Ann Reviewer", n=1):
    body = heading("Scope") + "".join(commented(i, f"anchor {i}") for i in range(n))
    comments = "".join(comment(i, who, "2026-11-20T10:00:00Z", f"{who} says {i}.") for i in range(n))
    return write_docx(path, body, comments)


def leftovers(folder):
    """Hidden temporary or lock files left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix in (".part", ".lock"))


def test_two_concurrent_in_place_collects_keep_both_sets_of_rows(tmp_path):
    """Two real processes update one workbook in place at the same moment, 5,000 comments each. Without
    the lock both read the same rows and the second rename drops the first one's rows."""
    plan = plan_copy(tmp_path)
    original = plan.read_bytes()
    mei = many_comments_docx(tmp_path / "mei.docx", 5000, author="Mei Lin")
    tom = many_comments_docx(tmp_path / "tom.docx", 5000, author="Tom Berg")
    procs = [subprocess.Popen([str(IMPLAN), "collect", str(plan), str(copy), "--in-place"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for copy in (mei, tom)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("added 5000 row(s)" in out for out, _ in outs)
    rows = review_rows(plan)
    assert len(rows) == 10_000
    assert sum(r["Reviewer"] == "Mei Lin" for r in rows) == sum(r["Reviewer"] == "Tom Berg" for r in rows) == 5000
    # each run kept the workbook as it found it: the first the original, the second the first's result
    first, second = tmp_path / "plan.bak.xlsx", tmp_path / "plan.bak-2.xlsx"
    assert first.read_bytes() == original
    assert len(review_rows(second)) == 5000
    assert leftovers(tmp_path) == []


def test_a_writer_that_cannot_get_the_lock_stops_with_one_line(tmp_path, capsys, monkeypatch):
    plan = plan_copy(tmp_path)
    before = plan.read_bytes()
    copy = small_copy(tmp_path / "r.docx")
    monkeypatch.setattr(workbook_lock, "LOCK_TIMEOUT", 0.5)
    with open(plan, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another update in progress
        started = time.monotonic()
        assert main(["collect", str(plan), str(copy), "--in-place"]) == 1
        waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(plan) in err and "another implan run" in err and "Traceback" not in err
    assert 0.4 < waited < 30
    assert plan.read_bytes() == before and not (tmp_path / "plan.bak.xlsx").exists()
    assert leftovers(tmp_path) == []
    assert main(["collect", str(plan), str(copy), "--in-place"]) == 0  # once released, it goes through


def test_a_waiter_locks_the_file_that_replaced_the_one_it_waited_for(tmp_path):
    """The holder replaces the workbook by rename (as an in-place update does) and locks the new file
    before letting go of the old one: the waiter must not go ahead on the old, replaced file."""
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"version 1")
    got: list[bytes] = []
    old = open(path, "rb")
    fcntl.flock(old, fcntl.LOCK_EX)

    def waiter():
        with workbook_lock.locked(path, timeout=20) as real:
            got.append(real.read_bytes())

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.3)
    (tmp_path / "new").write_bytes(b"version 2")
    os.replace(tmp_path / "new", path)
    new = open(path, "rb")
    fcntl.flock(new, fcntl.LOCK_EX)  # e.g. a third run that opened the new file first
    old.close()
    time.sleep(0.5)
    assert got == [] and thread.is_alive()  # still waiting, for the current file
    new.close()
    thread.join(10)
    assert got == [b"version 2"]


def test_in_place_through_a_symlink_updates_the_file_it_points_to(tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = plan_copy(shared, "team-plan.xlsx")
    original = target.read_bytes()
    mine = tmp_path / "mine"
    mine.mkdir()
    link = mine / "plan.xlsx"
    link.symlink_to(target)
    copy = small_copy(tmp_path / "r.docx")
    assert main(["collect", str(link), str(copy), "--in-place"]) == 0
    printed = capsys.readouterr().out
    assert link.is_symlink() and os.readlink(link) == str(target)  # still the same link
    assert len(review_rows(target)) == 1  # the shared file has the row
    backup = shared / "team-plan.bak.xlsx"  # next to the file it backs up
    assert backup.read_bytes() == original and not backup.is_symlink()
    assert f"wrote {target} (through the link {link})" in printed and str(backup) in printed
    assert leftovers(shared) == [] and sorted(p.name for p in mine.iterdir()) == ["plan.xlsx"]


def test_a_backup_never_overwrites_a_file(tmp_path):
    plan = plan_copy(tmp_path)
    precious = tmp_path / "plan.bak.xlsx"
    precious.write_bytes(b"someone's own backup")
    v0 = plan.read_bytes()
    result = collect_into(plan, [small_copy(tmp_path / "a.docx", "Ann")], in_place=True)
    assert result.backup == tmp_path / "plan.bak-2.xlsx"
    assert precious.read_bytes() == b"someone's own backup" and result.backup.read_bytes() == v0
    v1 = plan.read_bytes()
    result = collect_into(plan, [small_copy(tmp_path / "b.docx", "Bob")], in_place=True)
    assert result.backup == tmp_path / "plan.bak-3.xlsx" and result.backup.read_bytes() == v1
    assert (tmp_path / "plan.bak-2.xlsx").read_bytes() == v0
    assert [r["Reviewer"] for r in review_rows(plan)] == ["Ann", "Bob"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["umask-022", "umask-077"])
def test_a_private_workbook_stays_private(tmp_path, umask):
    """A 0600 plan: the updated workbook, its backup and an -o output are 0600 too (the -o output gets
    the input's bits less the umask; replacing an existing output keeps it no more open than it was)."""
    old_umask = os.umask(umask)
    try:
        plan = plan_copy(tmp_path)
        os.chmod(plan, 0o600)
        collect_into(plan, [small_copy(tmp_path / "a.docx", "Ann")], in_place=True)
        assert stat.S_IMODE(plan.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "plan.bak.xlsx").stat().st_mode) == 0o600
        out = tmp_path / "out.xlsx"
        collect_into(plan, [small_copy(tmp_path / "b.docx", "Bob")], out)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        # a group-readable plan gives a group-readable output (less the umask)
        shared = plan_copy(tmp_path, "shared.xlsx")
        os.chmod(shared, 0o640)
        out2 = tmp_path / "out2.xlsx"
        collect_into(shared, [small_copy(tmp_path / "c.docx", "Cy")], out2)
        assert stat.S_IMODE(out2.stat().st_mode) == 0o640 & ~umask
        # overwriting a private output with --force from an open plan keeps the output private
        os.chmod(shared, 0o644)
        collect_into(shared, [small_copy(tmp_path / "d.docx", "Di")], out, force=True)
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_output_that_appears_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    """-o without --force never replaces a file, even one created after the check (it is created
    exclusively, by a hard link of the finished temporary file)."""
    import implan_docs.xlsx.review_rows as rs

    out = tmp_path / "out.xlsx"
    real_editor = rs._Editor.apply

    def racing(self, *args, **kwargs):
        out.write_bytes(b"written by someone else meanwhile")
        return real_editor(self, *args, **kwargs)

    monkeypatch.setattr(rs._Editor, "apply", racing)
    with pytest.raises(OutputError, match="already exists"):
        collect_into(plan_copy(tmp_path), [small_copy(tmp_path / "a.docx")], out)
    assert out.read_bytes() == b"written by someone else meanwhile"
    assert leftovers(tmp_path) == []


def test_in_place_output_is_a_valid_workbook_for_openpyxl(tmp_path):
    plan = plan_copy(tmp_path)
    collect_into(plan, [small_copy(tmp_path / "a.docx", n=3)], in_place=True)
    ws = openpyxl.load_workbook(plan)["Review"]
    assert [ws.cell(row=r, column=4).value for r in (2, 3, 4)] == [f"Ann Reviewer says {i}." for i in range(3)]


def test_temporary_files_of_a_killed_run_are_cleaned_up(tmp_path):
    """A run killed while writing its backup leaves .plan.bak.xlsx.<pid>-….part; the next run removes it."""
    plan = plan_copy(tmp_path)
    dead = subprocess.Popen(["true"])  # a process id that no longer runs
    dead.wait()
    stale = tmp_path / f".plan.bak.xlsx.{dead.pid}-x1y2.xlsx.part"
    stale.write_bytes(b"half a backup")
    collect_into(plan, [small_copy(tmp_path / "a.docx")], in_place=True)
    assert not stale.exists() and leftovers(tmp_path) == []
