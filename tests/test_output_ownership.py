"""Nothing lost: a build, a hand-off and ``schedule -o`` replace only what implan itself published.

Each test does what a user (or an attacker who can leave files in a folder) would do, then compares every
byte of the user's files before and after.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from plans import write_plan

from implan_docs import trust
from implan_docs.cli import main
from implan_docs.publish import read_manifest

ROOT = Path(__file__).resolve().parent.parent
STEM = "TP-1-v1.0"  # what the minimal plan's outputs are called
QUICK = ["--sections", "scope"]  # one quick section keeps a build to a second or two


def tree(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            out[rel] = "folder"
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def user_files(folder: Path) -> dict[str, str]:
    """What a Jupyter user typically has in a project folder: charts/, notebooks/, fragments/, a README."""
    (folder / "charts").mkdir(parents=True)
    (folder / "charts" / "my.png").write_bytes(b"\x89PNG my own chart")
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "README.md").write_text("my analysis notebooks")
    (folder / "notebooks" / "helpers.py").write_text("def f():\n    return 1\n")
    (folder / "fragments").mkdir()
    (folder / "fragments" / "draft.json").write_text('{"mine": true}')
    (folder / "notes.txt").write_text("never touched")
    return tree(folder)


def build(plan: Path, out: Path, *extra: str) -> int:
    return main(["build", str(plan), "-o", str(out), *QUICK, *extra])


def last_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1] if err else ""


@pytest.mark.parametrize("folder_name", ["charts", "notebooks", "fragments"])
def test_a_users_folder_of_a_name_the_build_uses_stops_the_build_twice_in_a_row(tmp_path, capsys, folder_name):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "project"
    out.mkdir()
    (out / folder_name).mkdir()
    (out / folder_name / "mine.txt").write_text("the user's")
    before = tree(out)
    for _ in range(2):
        assert build(plan, out) == 1
        line = last_line(capsys)
        assert str(out / folder_name) in line and "not written by implan" in line and "--force" in line
        assert "Traceback" not in line
        assert tree(out) == before
    assert not list(tmp_path.glob(".project.staging-*"))


def test_every_user_file_survives_and_force_takes_over_only_what_collides(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "project"
    before = user_files(out)
    assert build(plan, out) == 1
    assert tree(out) == before
    capsys.readouterr()

    assert build(plan, out, "--force") == 0
    after = tree(out)
    for rel, digest in before.items():  # nothing of the user's was deleted or changed (no name collided)
        assert after[rel] == digest, rel
    assert (out / f"{STEM}.docx").is_file() and (out / "charts").is_dir()
    assert "notebooks/30-scope.ipynb" in after

    # the folders are the tool's now (their user files are not): a second build needs no --force and
    # still keeps every file of the user's; a note dropped into charts/ since survives too
    (out / "charts" / "later.txt").write_text("dropped in after the build")
    assert build(plan, out) == 0
    again = tree(out)
    for rel, digest in before.items():
        assert again[rel] == digest, rel
    assert again["charts/later.txt"] == hashlib.sha256(b"dropped in after the build").hexdigest()


def test_a_same_named_document_of_the_users_is_never_overwritten(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{STEM}.docx").write_bytes(b"the user's own document")
    before = tree(out)
    assert build(plan, out) == 1
    assert str(out / f"{STEM}.docx") in last_line(capsys)
    assert tree(out) == before
    assert build(plan, out, "--force") == 0
    assert (out / f"{STEM}.docx").read_bytes() != b"the user's own document"


def test_a_document_edited_after_the_build_is_the_users(tmp_path, capsys):
    """Opened in Word and saved: it is no longer what the tool published, so it is not replaced silently."""
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    assert build(plan, out) == 0
    (out / f"{STEM}.docx").write_bytes(b"edited by hand")
    capsys.readouterr()
    assert build(plan, out) == 1
    assert f"{STEM}.docx" in last_line(capsys)
    assert (out / f"{STEM}.docx").read_bytes() == b"edited by hand"


def test_rebuilding_replaces_only_the_tools_own_files(tmp_path):
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    assert build(plan, out) == 0
    first = tree(out)
    assert build(plan, out) == 0
    second = tree(out)
    assert set(first) == set(second)
    assert second[f"{STEM}.docx"] == first[f"{STEM}.docx"]  # deterministic, and replaced in place
    entries = read_manifest(out).entries
    assert entries[f"{STEM}.docx"] == first[f"{STEM}.docx"] and entries["charts"] == "dir"


def test_an_input_is_never_replaced_not_even_with_force(tmp_path, capsys):
    """``implan build WFS-2027-v1.0-filled.xlsx -o .``: the filled copy would overwrite its own input."""
    plan = write_plan(tmp_path / f"{STEM}-filled.xlsx")
    before = plan.read_bytes()
    for extra in ([], ["--force"]):
        assert build(plan, tmp_path, *extra) == 1
        line = last_line(capsys)
        assert "input" in line and f"{STEM}-filled.xlsx" in line
        assert plan.read_bytes() == before
    assert not (tmp_path / f"{STEM}.docx").exists()


def test_the_folder_of_the_users_own_notebooks_is_never_the_output(tmp_path, capsys):
    """``--notebooks notebooks -o .``: the executed copies would replace the user's notebooks."""
    plan = write_plan(tmp_path / "plan.xlsx")
    mine = tmp_path / "notebooks"
    mine.mkdir()
    shutil.copy(ROOT / "notebooks" / "30-scope.ipynb", mine / "95-extra.ipynb")
    (mine / "README.md").write_text("my notebooks")
    (mine / "helpers.py").write_text("X = 1\n")
    before = tree(tmp_path)
    for extra in ([], ["--force"]):
        code = main(["build", str(plan), "-o", str(tmp_path), "--sections", "scope", "--notebooks", str(mine), *extra])
        assert code == 1
        line = last_line(capsys)
        assert "notebooks" in line and ("input" in line or "--force" in line)
        assert tree(tmp_path) == before


def test_building_in_a_clone_of_this_repository_leaves_it_alone(tmp_path, capsys):
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "notebooks", clone / "notebooks")
    shutil.copytree(ROOT / "examples", clone / "examples")
    before = tree(clone)
    cwd = os.getcwd()
    os.chdir(clone)
    try:
        assert main(["build", "examples/rollout-plan.xlsx", "-o", ".", *QUICK]) == 1
    finally:
        os.chdir(cwd)
    assert "notebooks" in last_line(capsys)
    assert tree(clone) == before


def test_a_planted_manifest_claims_nothing(tmp_path, capsys):
    """A manifest the user's tool did not sign (from another machine, or hand-made) is ignored."""
    plan = write_plan(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    user_files(out)
    entries = {"notebooks": "dir", "notebooks/README.md": hashlib.sha256(b"my analysis notebooks").hexdigest()}
    (out / ".implan").mkdir()
    (out / ".implan" / "manifest.json").write_text(json.dumps(
        {"format": "implan-docs-signed/1", "kind": "publish-manifest", "mac": "0" * 64,
         "record": {"entries": entries, "build_id": "x"}}))
    before = tree(out)
    assert build(plan, out) == 1
    assert tree(out) == before


def test_portfolio_sub_folders_follow_the_same_rule(tmp_path, capsys):
    a = write_plan(tmp_path / "a.xlsx")
    b = write_plan(tmp_path / "b.xlsx")
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / f"{STEM}.docx").write_bytes(b"the user's")
    code = main(["build", str(a), str(b), "-o", str(out), *QUICK])
    captured = capsys.readouterr()
    assert code == 1 and "1 of 2 plans built" in captured.out
    assert (out / "a" / f"{STEM}.docx").is_file()
    assert (out / "b" / f"{STEM}.docx").read_bytes() == b"the user's"


# -- schedule -o ------------------------------------------------------------------------------------------


def test_schedule_never_overwrites_a_file_it_did_not_write(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(b"someone else's workbook")
    assert main(["schedule", str(plan), "-o", str(filled)]) == 1
    assert "not written by implan" in last_line(capsys) and filled.read_bytes() == b"someone else's workbook"
    assert main(["schedule", str(plan), "-o", str(filled), "--force"]) == 0
    first = filled.read_bytes()
    assert first.startswith(b"PK")
    assert main(["schedule", str(plan), "-o", str(filled)]) == 0  # its own output: replaced without --force
    assert filled.read_bytes() == first


def test_schedule_writes_only_workbooks(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    for extra in ([], ["--force"]):
        assert main(["schedule", str(plan), "-o", str(notes), *extra]) == 2
        assert ".xlsx" in last_line(capsys)
    assert notes.read_text() == "my notes"


def test_outputs_keep_the_mode_of_the_file_they_replace(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    filled = tmp_path / "filled.xlsx"
    assert main(["schedule", str(plan), "-o", str(filled)]) == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(filled.stat().st_mode) == 0o666 & ~umask  # a new file: as open() would make it
    filled.chmod(0o600)
    assert main(["schedule", str(plan), "-o", str(filled)]) == 0
    assert stat.S_IMODE(filled.stat().st_mode) == 0o600  # a private plan stays private


# -- records the tool leaves for itself ---------------------------------------------------------------------


def test_records_verify_only_for_this_users_key_and_their_binding():
    text = trust.sign("publish-journal", {"target": "/x"}, "binding-1")
    assert trust.verify("publish-journal", text, "binding-1") == {"target": "/x"}
    assert trust.verify("publish-journal", text, "binding-2") is None
    assert trust.verify("handoff-stamp", text, "binding-1") is None
    forged = json.loads(text)
    forged["record"]["target"] = "/home/user/.ssh"
    assert trust.verify("publish-journal", json.dumps(forged), "binding-1") is None
    for name in ("..", "a/b", "/etc", "", ".", "x\0y"):
        assert not trust.safe_name(name)
    assert not trust.safe_relpath("charts/../../x") and trust.safe_relpath("charts/gantt-1.png")


def test_the_signing_key_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    trust.signing_key.cache_clear()
    try:
        key = trust.signing_key()
        path = tmp_path / "state" / "implan-docs" / "signing-key"
        assert key and path.read_bytes() == key and stat.S_IMODE(path.stat().st_mode) == 0o600
        path.chmod(0o644)  # readable by others: no longer a secret, so not used
        trust.signing_key.cache_clear()
        assert trust.signing_key() != key
    finally:
        trust.signing_key.cache_clear()


def test_an_output_folder_whose_parent_is_read_only_still_builds(tmp_path, capsys):
    """``-o ~`` with /home not writable: staging goes into OUT/.implan/ (same file system), and is gone after."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("a read-only parent needs mounts (root)")
    plan = write_plan(tmp_path / "plan.xlsx")
    parent = tmp_path / "home"
    parent.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(parent)], check=True)
    try:
        out = parent / "me"
        out.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(out)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,ro", str(parent)], check=True)
            (out / "notes.txt").write_text("mine")
            assert build(plan, out) == 0, capsys.readouterr().err
            assert (out / f"{STEM}.docx").is_file() and (out / "notes.txt").read_text() == "mine"
            assert sorted(p.name for p in (out / ".implan").iterdir()) == ["manifest.json"]
            assert build(plan, out) == 0  # and again, replacing its own files
        finally:
            subprocess.run(["umount", str(out)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(parent)], check=True)
