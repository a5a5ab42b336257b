"""A workbook is data; so is every file the tool finds. Nothing named in one is run, moved or packed.

The attacks: a workbook whose Project field ``Notebooks`` points at notebooks elsewhere; a planted crash
recovery journal beside the output; a planted hand-off stamp naming a private key; an IPython startup
file in the user's (or an attacker's) profile. Plus interrupted runs: SIGTERM and Ctrl-C on a real build.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from plans import write_plan

from implan_docs import trust
from implan_docs.cli import main

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "import sys; from implan_docs.cli import main; sys.exit(main())"]
STEM = "TP-1-v1.0"


def marker_notebook(path: Path, marker: Path) -> None:
    """A section notebook that, if it ever runs, leaves ``marker`` behind."""
    nb = {"cells": [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "id": "p", "source": 'workbook = ""\noutput = "build"'},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "id": "x",
         "source": f"open({str(marker)!r}, 'w').write('ran')"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture
def planted(tmp_path):
    """Notebooks at an absolute path and at a ``../`` path, one of them named like a built-in section."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    marker = tmp_path / "RAN"
    marker_notebook(elsewhere / "00-summary.ipynb", marker)  # would replace the built-in summary
    marker_notebook(elsewhere / "95-evil.ipynb", marker)
    (tmp_path / "up").mkdir()
    marker_notebook(tmp_path / "up" / "96-evil.ipynb", marker)
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = write_plan(plans / "plan.xlsx", project={"Notebooks": f"{elsewhere}, ../up"})
    return plan, marker


def test_notebooks_named_by_a_workbook_never_run_under_check_build_or_handoff(planted, tmp_path, capsys):
    plan, marker = planted
    assert main(["check", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "W194" in out and "--notebooks" in out and "../up" in out
    assert main(["build", str(plan), "-o", str(tmp_path / "out"), "--sections", "summary,scope"]) == 0
    assert main(["handoff", str(plan), "-o", str(tmp_path / "review"), "--no-pdf"]) == 0
    assert not marker.exists()
    assert not (tmp_path / "out" / "notebooks" / "95-evil.ipynb").exists()
    # the built-in summary ran, not the planted one
    summary = json.loads((tmp_path / "out" / "notebooks" / "00-summary.ipynb").read_text())
    assert "RAN" not in json.dumps(summary)
    assert capsys.readouterr()


def test_a_user_notebook_replacing_a_built_in_section_says_so(planted, tmp_path, capsys):
    plan, marker = planted
    code = main(["build", str(plan), "-o", str(tmp_path / "out"), "--sections", "summary",
                 "--notebooks", str(tmp_path / "elsewhere")])
    err = capsys.readouterr().err
    assert marker.exists()  # named on the command line: the user's choice, and run
    assert code == 1 and "wrote no fragments/summary.json" in err  # (the marker notebook writes none)
    assert "section 'summary'" in err and "replaces the built-in one" in err


def test_a_planted_recovery_journal_moves_nothing(tmp_path, capsys):
    """A ``.out.staging-*/.publish.json`` crafted to move a project file into IPython's startup folder."""
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "evil.py").write_text("open('PWNED', 'w').write('x')\n")
    startup = tmp_path / "home" / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    staging = tmp_path / ".out.staging-999999"
    (staging / ".previous").mkdir(parents=True)
    os.symlink(startup, staging / ".previous" / "evil.py")  # "put back" would move out/evil.py there
    ino = (out / "evil.py").lstat().st_ino
    for mac in ("", "0" * 64):
        (staging / ".publish.json").write_text(json.dumps(
            {"format": "implan-docs-signed/1", "kind": "publish-journal", "mac": mac,
             "record": {"target": str(out), "entries": [{"name": "evil.py", "ino": ino, "existed": True},
                                                         {"name": "../../home/.ipython", "ino": 1, "existed": False}],
                        "build_id": ""}}))
        # also the old, unsigned journal format
        (staging / ".publish.json.old").write_text(json.dumps({"target": str(out), "entries": []}))
        assert main(["build", str(plan), "-o", str(out), "--sections", "scope"]) == 0
        assert (out / "evil.py").is_file() and list(startup.iterdir()) == []
        assert staging.is_dir()  # not the tool's folder: left alone, not deleted
    capsys.readouterr()


def test_a_valid_journal_for_another_folder_is_not_obeyed(tmp_path):
    from implan_docs import fileio

    a, b, staging = tmp_path / "a", tmp_path / "b", tmp_path / ".a.staging-1"
    for folder in (a, b, staging):
        folder.mkdir()
    (b / "keep.txt").write_text("b's file")
    ino = (b / "keep.txt").lstat().st_ino
    # signed for (staging, a), then pointed at b
    text = trust.sign("publish-journal", {"target": str(b), "entries": [{"name": "keep.txt", "ino": ino}],
                                          "build_id": ""}, fileio._journal_binding(staging, a))
    (staging / ".publish.json").write_text(text)
    assert fileio.recover_publish(staging, b) is False
    assert (b / "keep.txt").read_text() == "b's file"


def test_a_planted_handoff_stamp_packs_no_local_file(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "review"
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- very secret")
    assert main(["handoff", str(plan), "-o", str(out), "--no-pdf"]) == 0
    stamp_path = out / ".implan" / "handoff.json"
    doc = json.loads(stamp_path.read_text())
    record = doc["record"]
    record["workbook"] = str(secret)  # absolute
    record["docx"] = "../id_rsa"  # relative, outside
    record["outputs"] = {str(secret): "x", "../id_rsa": "y"}
    for mac in (doc["mac"], "0" * 64):
        doc["mac"] = mac
        stamp_path.write_text(json.dumps(doc))
        assert main(["handoff", str(plan), "-o", str(out), "--no-pdf"]) == 0
        with zipfile.ZipFile(out / f"{STEM}-review.zip") as zf:
            assert not any(b"PRIVATE KEY" in zf.read(n) for n in zf.namelist())
            assert all(n.startswith(f"{STEM}-review/") and ".." not in n for n in zf.namelist())
    capsys.readouterr()


def test_no_ipython_startup_file_runs_in_a_build(tmp_path):
    """The user's (or an attacker's) ``~/.ipython/profile_default/startup/*.py`` and $IPYTHONDIR are not used."""
    plan = write_plan(tmp_path / "plan.xlsx")
    home = tmp_path / "home"
    marker = tmp_path / "STARTUP-RAN"
    for base in (home / ".ipython", tmp_path / "ipythondir"):
        startup = base / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    env = dict(os.environ, HOME=str(home), IPYTHONDIR=str(tmp_path / "ipythondir"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    proc = subprocess.run(CLI + ["build", str(plan), "-o", str(tmp_path / "out"), "--sections", "scope"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()


# -- interrupted runs --------------------------------------------------------------------------------------


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.glob(".out.staging-*"))


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_a_build_cleans_up_stops_kernels_and_exits(tmp_path, sig, code):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    assert subprocess.run(CLI + ["build", str(plan), "-o", str(out), "--sections", "scope"],
                          capture_output=True, timeout=600).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir))
    proc = subprocess.Popen(CLI + ["build", str(plan), "-o", str(out), "--jobs", "1",
                                   "--sections", "summary,schedule,risks"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if "schedule" in line and "done" in line:  # (heaviest first) the next notebook is starting or running
            time.sleep(0.5)
            break
    else:
        pytest.fail("the build ended before it could be interrupted: " + "".join(lines))
    descendants = psutil.Process(proc.pid).children(recursive=True)
    assert descendants, "no worker or kernel to stop"
    proc.send_signal(sig)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == code
    err_lines = [ln for ln in rest.strip().splitlines() if ln.strip()]
    assert err_lines[-1].startswith("implan: ") and "Traceback" not in rest
    _, alive = psutil.wait_procs(descendants, timeout=10)
    assert not alive, f"still running: {alive}"
    assert _leftovers(tmp_path) == []
    assert list(tmpdir.iterdir()) == []  # kernel connection files and sockets included
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    proc.stdout.close()
    proc.stderr.close()
    # and the next run works
    assert subprocess.run(CLI + ["build", str(plan), "-o", str(out), "--sections", "scope"],
                          capture_output=True, timeout=600).returncode == 0


def test_jobs_is_capped_at_the_number_of_sections(tmp_path, capsys):
    """``--jobs 1000`` must not fork a thousand workers for a two-section build."""
    plan = write_plan(tmp_path / "plan.xlsx")
    peak, stop = [0], threading.Event()

    def watch():
        me = psutil.Process()
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], len(me.children(recursive=True)))
            except psutil.Error:
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert main(["build", str(plan), "-o", str(tmp_path / "out"), "--jobs", "1000",
                     "--sections", "scope,summary"]) == 0
    finally:
        stop.set()
        watcher.join()
    # two workers, each with its kernel (and the kernel's own helpers), never hundreds
    assert 0 < peak[0] <= 12
    capsys.readouterr()


def test_a_section_context_must_be_one_the_build_signed(tmp_path):
    """``context`` is unpickled by the kernels: a pickle from anywhere else (code!) is refused."""
    import pickle

    from implan_docs.errors import ImplanError
    from implan_docs.sections import context as c

    marker = tmp_path / "UNPICKLED"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    evil = tmp_path / "context.pickle"
    evil.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ImplanError, match="not a context snapshot"):
        c.load(context=evil)
    assert not marker.exists()
    # a signature for one file does not cover another
    plan = write_plan(tmp_path / "plan.xlsx")
    ctx = c.load(plan, output=tmp_path)
    good = c.save_snapshot(ctx, tmp_path / "good.pickle")
    assert c.load(context=good).plan == ctx.plan
    (tmp_path / "good.pickle.sig").rename(tmp_path / "context.pickle.sig")
    with pytest.raises(ImplanError):
        c.load(context=evil)
    assert not marker.exists()
