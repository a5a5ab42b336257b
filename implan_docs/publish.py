"""Publishing into a folder the user owns: only what the tool wrote is ever replaced or removed.

Every publish records what it put into the output folder in ``OUT/.implan/manifest.json`` (each file's
SHA-256, each folder; signed, see :mod:`implan_docs.trust`). The next publish may replace or remove an
entry only if that manifest lists it and the file is still byte for byte what was published. Anything
else in the folder is the user's:

* a top-level name the build wants (``plan.docx``, ``charts/``) that is the user's stops the build
  before any work, with one line naming the path: ``--force`` takes it over, or choose another ``-o``;
* the user's own files inside a folder the tool owns (a note dropped into ``charts/``) are carried
  into the new folder (hard-linked, so nothing is copied or lost), never deleted;
* a path that is an input of this run (the workbook, the template, a notebook folder) is never
  replaced, not even with ``--force``.

The moves themselves are :func:`implan_docs.fileio.replace_dir`'s journalled renames; the manifest write
is the commit point.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from . import trust
from .errors import ImplanError, Location
from .fileio import atomic_write_text, commit_publish, ensure_dir, output_error, recover_publish, replace_dir

STATE_DIR = ".implan"
MANIFEST = "manifest.json"
_KIND = "publish-manifest"


class CollisionError(ImplanError):
    """The output folder holds something of the user's where the tool wants to write."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- the manifest -----------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """What the tool published into one folder: relative path -> SHA-256 of a file, or "dir"."""

    entries: dict[str, str]
    build_id: str = ""

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.entries, sort_keys=True).encode("utf-8")).hexdigest()[:32]

    def owns(self, folder: Path, rel: str) -> bool:
        """Whether ``folder/rel`` is still exactly what the tool published there (never through a symlink)."""
        want = self.entries.get(rel)
        if want is None:
            return False
        try:
            st = os.lstat(folder / rel)
        except OSError:
            return False
        if want == "dir":
            return stat.S_ISDIR(st.st_mode)
        return stat.S_ISREG(st.st_mode) and sha256_file(folder / rel) == want


def _state_dir(folder: Path) -> Path:
    return folder / STATE_DIR


def read_manifest(folder: Path) -> Manifest:
    """The verified manifest of ``folder`` (empty when there is none, or it is not this user's tool's)."""
    state = _state_dir(folder)
    try:
        if not stat.S_ISDIR(os.lstat(state).st_mode):
            return Manifest({})
    except OSError:
        return Manifest({})
    record = trust.read_verified(state / MANIFEST, _KIND, _binding(folder))
    if record is None:
        return Manifest({})
    entries = record.get("entries")
    if not isinstance(entries, dict):
        return Manifest({})
    clean = {rel: value for rel, value in entries.items()
             if trust.safe_relpath(rel) and isinstance(value, str) and rel.split("/")[0] != STATE_DIR}
    return Manifest(clean, str(record.get("build_id") or ""))


def _binding(folder: Path) -> str:
    # Not bound to the folder's path or inode: a user may move, copy or restore an output folder and it
    # stays theirs. Only this user's key makes a manifest count, and it claims files only by content.
    return ""


def write_manifest(folder: Path, manifest: Manifest) -> None:
    state = _state_dir(folder)
    if os.path.lexists(state) and not stat.S_ISDIR(os.lstat(state).st_mode):
        raise CollisionError(f"'{STATE_DIR}' is not the tool's folder; move it away", Location(file=str(state)))
    ensure_dir(state)
    record = {"entries": dict(sorted(manifest.entries.items())), "build_id": manifest.build_id}
    atomic_write_text(state / MANIFEST, trust.sign(_KIND, record, _binding(folder)))


# -- checks before any work ---------------------------------------------------------------------------------


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.relative_to(parent)
        return True
    except ValueError:
        return False


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def check_inputs(folder: Path, names: Iterable[str], inputs: Iterable[str | Path]) -> None:
    """Refuse, whatever ``--force`` says, a publish that would replace or remove an input of this run."""
    real_folder = _real(folder)
    for name in names:
        dest = real_folder / name
        for item in inputs:
            if item is None:
                continue
            real_input = _real(item)
            if real_input == dest or _inside(real_input, dest) or (
                    real_input.exists() and os.path.lexists(folder / name) and _same(real_input, folder / name)):
                raise CollisionError(f"would overwrite an input of this run ({item}); choose another -o",
                                     Location(file=str(folder / name)))


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def collisions(folder: Path, names: Iterable[str], manifest: Manifest | None = None) -> list[Path]:
    """Top-level ``names`` the publish would take over in ``folder`` that the tool does not own."""
    manifest = manifest if manifest is not None else read_manifest(folder)
    found = []
    for name in names:
        dest = folder / name
        if os.path.lexists(dest) and not manifest.owns(folder, name):
            found.append(dest)
    state = _state_dir(folder)
    if os.path.lexists(state) and not stat.S_ISDIR(os.lstat(state).st_mode):
        found.append(state)
    return found


def refuse_collisions(found: Sequence[Path]) -> None:
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise CollisionError(f"already exists and was not written by implan{more}; "
                             f"use --force to replace it, or choose another -o", Location(file=str(found[0])))


def preflight(folder: Path, names: Iterable[str], *, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Before a build: stop with one line if publishing ``names`` into ``folder`` would touch the user's files."""
    names = list(names)
    check_inputs(folder, names, inputs)
    if not force:
        refuse_collisions(collisions(folder, names))
    state = _state_dir(folder)
    if os.path.lexists(state) and not stat.S_ISDIR(os.lstat(state).st_mode):
        raise CollisionError(f"'{STATE_DIR}' is not the tool's folder; move it away", Location(file=str(state)))


# -- publishing ---------------------------------------------------------------------------------------------


def _tree(root: Path) -> Iterable[tuple[str, os.stat_result]]:
    """Every entry under ``root`` (relative POSIX path, lstat), parents before children, symlinks not followed."""
    stack = [""]
    while stack:
        rel = stack.pop()
        base = root / rel if rel else root
        try:
            names = sorted(os.listdir(base))
        except OSError:
            continue
        for name in names:
            sub = f"{rel}/{name}" if rel else name
            st = os.lstat(root / sub)
            yield sub, st
            if stat.S_ISDIR(st.st_mode):
                stack.append(sub)


def _carry(src: Path, dst: Path, st: os.stat_result) -> None:
    """Put the user's ``src`` at ``dst`` in the staged tree without copying bytes where possible."""
    if stat.S_ISDIR(st.st_mode):
        dst.mkdir(exist_ok=True)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst, follow_symlinks=False)


def publish(staging: Path, folder: Path, *, names: Iterable[str] | None = None, force: bool = False,
            inputs: Iterable[str | Path] = (), merge: bool = False) -> Manifest:
    """Move the entries ``names`` of ``staging`` (default: all but dot-names) into ``folder`` under the
    ownership rules above; return the new manifest. Anything else in ``staging`` is not published.

    ``merge``: the tool's own files already in a replaced folder stay too (used to add a failed section's
    notebook to an earlier build's ``notebooks/``).
    """
    if names is None:
        names = [e.name for e in staging.iterdir() if not e.name.startswith(".")]
    names = sorted(n for n in names if os.path.lexists(staging / n))
    for entry in staging.iterdir():  # what a notebook left in its working folder is not a product
        if not entry.name.startswith(".") and entry.name not in names:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    if any(name == STATE_DIR for name in names):
        raise ImplanError(f"a build may not publish '{STATE_DIR}'")
    inputs = list(inputs)
    check_inputs(folder, names, inputs)
    old = read_manifest(folder)
    if not force:
        refuse_collisions(collisions(folder, names, old))
    new_entries: dict[str, str] = {}
    problems: list[Path] = []
    for name in names:
        staged, dest = staging / name, folder / name
        if staged.is_dir() and not staged.is_symlink():
            new_entries[name] = "dir"
            for rel, st in _tree(staged):
                new_entries[f"{name}/{rel}"] = "dir" if stat.S_ISDIR(st.st_mode) else sha256_file(staged / rel)
            try:
                dest_st = os.lstat(dest)
            except OSError:
                continue
            if not stat.S_ISDIR(dest_st.st_mode):
                continue  # a file or symlink of that name: taken over (force) or owned, replaced whole
            # what is in the tool's folder and not the tool's own moves with it into the new one
            for rel, st in _tree(dest):
                full = f"{name}/{rel}"
                ours = old.owns(folder, full) and not stat.S_ISDIR(st.st_mode)
                if ours and not merge:
                    continue
                if os.path.lexists(staged / rel):
                    if stat.S_ISDIR(st.st_mode) and (staged / rel).is_dir():
                        continue
                    if not ours and not force:
                        problems.append(dest / rel)
                    continue
                _carry(dest / rel, staged / rel, st)
                if ours:
                    new_entries[full] = old.entries[full]
        else:
            new_entries[name] = sha256_file(staged)
    if problems:
        refuse_collisions(problems)
    # entries of earlier publishes that this one leaves alone stay the tool's
    kept = {rel: value for rel, value in old.entries.items()
            if rel.split("/")[0] not in names and old.owns(folder, rel)}
    manifest = Manifest({**kept, **new_entries})
    manifest.build_id = manifest.digest()  # deterministic: the same build gives the same manifest
    replace_dir(staging, folder, build_id=manifest.build_id, commit=False)
    try:
        write_manifest(folder, manifest)
    except BaseException:
        recover_publish(staging, folder)
        raise
    commit_publish(staging)
    return manifest


def recover(staging: Path, folder: Path) -> bool:
    """Undo a killed publish from ``staging`` into ``folder`` unless its manifest was written (committed)."""
    current = read_manifest(folder).build_id
    return recover_publish(staging, folder, committed=lambda build_id: bool(build_id) and build_id == current)


def claim_file(dest: Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Before writing the single file ``dest`` (``schedule -o``): stop unless the tool owns it, or ``force``."""
    folder = dest.parent
    check_inputs(folder, [dest.name], inputs)
    if os.path.lexists(dest) and stat.S_ISDIR(os.lstat(dest).st_mode):
        raise CollisionError("a folder of that name is in the way", Location(file=str(dest)))
    if not force:
        refuse_collisions(collisions(folder, [dest.name]))


def record_file(dest: Path) -> None:
    """After ``dest`` was written (atomically): list it in its folder's manifest as the tool's."""
    folder = dest.parent
    old = read_manifest(folder)
    entries = {rel: v for rel, v in old.entries.items() if rel != dest.name and old.owns(folder, rel)}
    entries[dest.name] = sha256_file(dest)
    manifest = Manifest(entries)
    manifest.build_id = manifest.digest()
    write_manifest(folder, manifest)


# -- staging folders ----------------------------------------------------------------------------------------

_STAGING_KIND = "staging-folder"


def open_staging(output: Path):
    """A fresh staging folder beside ``output`` (same file system, so the final moves are renames), locked
    for as long as this process lives; returns (folder, lock file). Where the folder holding ``output``
    is not writable (``-o ~``), it goes into ``output/.implan/`` instead.

    Staging folders of killed runs are cleaned here — but only those this user's tool made (a signed
    marker bound to the folder's inode): first any half-done publish of theirs is undone, so ``output`` is
    as it was before that run. A planted look-alike is left alone.
    """
    parent = output.parent
    prefix = f".{output.name}.staging-"
    private = output / STATE_DIR  # where staging goes when the parent folder is not writable (-o ~)
    for home in (parent, private):
        if not home.is_dir() or home.is_symlink():
            continue
        for stale in sorted(home.glob(glob_escape(prefix) + "*")):
            if stale not in _OPEN and _ours(stale) and not _in_use(stale):
                with contextlib.suppress(OSError):
                    recover(stale, output)
                shutil.rmtree(stale, ignore_errors=True)
    try:
        staging, lock = _new_staging(parent, prefix)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not output.is_dir():
            raise output_error(parent, exc) from exc
        try:  # the same file system as the output folder, so the final moves are still renames
            if os.path.lexists(private) and not stat.S_ISDIR(os.lstat(private).st_mode):
                raise CollisionError(f"'{STATE_DIR}' is not the tool's folder; move it away",
                                     Location(file=str(private)))
            private.mkdir(mode=0o700, exist_ok=True)
            staging, lock = _new_staging(private, prefix)
        except OSError as exc2:
            raise output_error(output, exc2) from exc2
    _OPEN.add(staging)
    return staging, lock


_OPEN: set[Path] = set()  # this process's own staging folders (its POSIX locks do not exclude itself)


def _new_staging(home: Path, prefix: str):
    staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=home))
    try:
        lock = open(staging / ".lock", "w")  # noqa: SIM115 - held until the run ends
        # A POSIX record lock belongs to this process alone: section workers it forks do not inherit it,
        # so workers orphaned by a killed build do not keep its staging folder alive.
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        (staging / _MARK).write_text(trust.sign(_STAGING_KIND, {"pid": os.getpid()}, trust.folder_binding(staging)))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, lock


def glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


_MARK = ".implan-staging"


def _ours(staging: Path) -> bool:
    try:
        if not stat.S_ISDIR(os.lstat(staging).st_mode):
            return False
        return trust.read_verified(staging / _MARK, _STAGING_KIND, trust.folder_binding(staging)) is not None
    except OSError:
        return False


def _in_use(staging: Path) -> bool:
    """Whether a live process still holds the staging folder's lock."""
    try:
        fd = os.open(staging / ".lock", os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases the lock just taken
    return False


def remove_staging(staging: Path, lock) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    _OPEN.discard(staging)
    with contextlib.suppress(OSError):
        lock.close()


__all__ = ["publish", "claim_file", "record_file", "preflight", "recover", "read_manifest", "Manifest", "CollisionError",
           "check_inputs", "STATE_DIR", "open_staging", "remove_staging"]
