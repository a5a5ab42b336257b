"""Every file the tool writes goes through here: a temporary file in the same folder, then a rename.

A failed or killed run therefore never leaves a partial file, and an earlier output stays intact
until the new one is complete. Errors (read-only folder, disk full) become :class:`OutputError`.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from .errors import Location, OutputError


def _fail(path: Path, exc: OSError) -> OutputError:
    reason = {
        errno.EACCES: "permission denied (is the folder read-only?)",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "a folder of that name is in the way",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write: {reason}", Location(file=str(path)))


def ensure_dir(path: str | Path) -> Path:
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(path, exc) from exc
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is fsynced and renamed over ``path``."""
    path = Path(path)
    ensure_dir(path.parent)
    _remove_stale_parts(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=(suffix or path.suffix) + ".part",
                                        dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _fail(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise _fail(path, exc) from exc
    except BaseException:
        _unlink(tmp)
        raise


def _remove_stale_parts(path: Path) -> None:
    """Delete temporary files that killed processes left next to ``path`` (``.<name>.<pid>-*.part``)."""
    prefix = f".{path.name}."
    for part in path.parent.glob(glob.escape(prefix) + "*-*.part"):
        pid = part.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            _unlink(part)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_with(path: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call ``writer(tmp_path)`` and move the result into place only if it returns normally."""
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def atomic_copy(src: str | Path, dst: str | Path) -> Path:
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
    return Path(dst)


def replace_dir(staging: Path, target: Path) -> None:
    """Move a completed staging folder's entries into ``target`` as one unit, as far as a kill allows.

    Each entry goes in by one rename (an existing one is swapped out atomically where the system can,
    so no entry is ever missing) and the entries replaced are kept in ``staging/.previous`` until all
    are in. A journal written before the first move lets :func:`recover_publish` put ``target`` back
    exactly as it was if the process dies half-way; once every entry is in, the journal is removed
    (the commit point) and the staging folder with the old entries deleted.
    """
    entries = sorted(e for e in staging.iterdir() if e.name not in (_JOURNAL, _PREVIOUS, _LOCK))
    previous = ensure_dir(staging / _PREVIOUS)
    plan = [{"name": e.name, "ino": e.lstat().st_ino, "existed": os.path.lexists(target / e.name)}
            for e in entries]
    atomic_write_text(staging / _JOURNAL, json.dumps({"target": str(target), "entries": plan}))
    for entry in entries:
        dest = target / entry.name
        try:
            if os.path.lexists(dest):
                if _exchange(entry, dest):  # dest is new now, the old entry sits at the staging name
                    os.rename(entry, previous / entry.name)
                else:
                    os.rename(dest, previous / entry.name)
                    os.rename(entry, dest)
            else:
                os.rename(entry, dest)
        except OSError as exc:
            with contextlib.suppress(OSError):
                recover_publish(staging, target)  # a full or read-only target: put back what moved
            raise _fail(dest, exc) from exc
    (staging / _JOURNAL).unlink()  # committed
    shutil.rmtree(previous, ignore_errors=True)


def recover_publish(staging: Path, target: Path | None = None) -> bool:
    """Undo the moves of a :func:`replace_dir` that did not reach its commit point (its process was
    killed, or a move failed): every entry of ``target`` it replaced comes back, every entry it added
    goes. Returns whether there was anything to undo. Safe to repeat if itself interrupted."""
    try:
        journal = json.loads((staging / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    target = Path(target or journal["target"])
    previous = staging / _PREVIOUS
    for item in reversed(journal["entries"]):
        name, ino = item["name"], item["ino"]
        dest, parked, old_backup = target / name, staging / name, previous / name
        new_in_place = os.path.lexists(dest) and dest.lstat().st_ino == ino
        if os.path.lexists(old_backup):
            old = old_backup
        elif os.path.lexists(parked) and parked.lstat().st_ino != ino:
            old = parked  # swapped out, not yet parked in .previous
        else:
            old = None
        if new_in_place:
            if old is not None and _exchange(old, dest):
                continue
            discard = staging / f".discard-{name}"
            os.rename(dest, discard)  # out of target in one step, deleted with the staging folder
            if old is not None:
                os.rename(old, dest)
        elif old is not None and not os.path.lexists(dest):
            os.rename(old, dest)  # moved out, new one not yet in
    (staging / _JOURNAL).unlink()
    return True


_JOURNAL, _PREVIOUS, _LOCK = ".publish.json", ".previous", ".lock"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where the system cannot.

    Python has no binding for renameat2, hence ctypes; glibc has had it since 2.28.
    """
    func = _renameat2()
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # a file system without exchange: the caller falls back to two renames
    raise OSError(err, os.strerror(err), str(b))


@functools.lru_cache(maxsize=1)
def _renameat2():
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func
