"""Every file the tool writes goes through here: a temporary file in the same folder, then a rename.

A failed or killed run therefore never leaves a partial file, and an earlier output stays intact
until the new one is complete. Errors (read-only folder, disk full) become :class:`OutputError`.
"""
from __future__ import annotations

import contextlib
import errno
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
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=(suffix or path.suffix) + ".part", dir=path.parent)
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
    """Move a completed staging folder's entries into ``target``, each by an atomic rename.

    Used by builds: everything is produced in a staging folder inside ``target`` and moved into place
    only at the end, so a killed build leaves earlier outputs as they were.
    """
    for entry in sorted(staging.iterdir()):
        dest = target / entry.name
        try:
            if entry.is_dir():
                old = None
                if dest.exists():
                    old = target / f".{entry.name}.old"
                    if old.exists():
                        shutil.rmtree(old, ignore_errors=True)
                    os.replace(dest, old)
                os.replace(entry, dest)
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(entry, dest)
        except OSError as exc:
            raise _fail(dest, exc) from exc
