"""An exclusive lock on a workbook while it is read, changed and written back in place.

``implan collect --in-place`` reads the workbook, adds rows and replaces the file by a rename. Two such
runs at once would each read the same rows and the second rename would drop the first run's rows. So an
in-place update holds :func:`locked` from before it reads the workbook until after the new file is in
place; a second writer waits (up to :data:`LOCK_TIMEOUT` seconds, then stops with one line).

The lock is ``flock`` on the workbook file itself: no lock file is left in the user's folder. Because the
update replaces the file (a new inode), a waiter that gets the lock on the old file checks that the path
still names the file it locked, and otherwise locks the new one (the classic lock-then-restat loop).
A symbolic link is followed: the lock is on the file it points to, which is also the file updated.

Where ``fcntl`` does not exist (Windows), a lock file ``.<name>.lock`` next to the workbook, created
exclusively and removed afterwards, stands in for ``flock``.
"""
from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path
from typing import Iterator

from .errors import Location, OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT = 60.0  # seconds a second writer waits
_POLL = 0.05


def _busy(path: Path, timeout: float) -> OutputError:
    return OutputError(f"is being updated by another implan run (waited {timeout:g} s for it to finish); "
                       "try again when it is done", Location(file=str(path)))


@contextlib.contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on the file ``path`` names (through symbolic links); yield that file's
    real path, which is the one to read and to replace. Raises :class:`OutputError` (one line, naming
    ``path``) when another holder keeps it longer than ``timeout`` seconds, or it cannot be opened."""
    path = Path(path)
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    if fcntl is None:  # pragma: no cover - Windows
        with _lock_file(path, deadline, timeout) as real:
            yield real
        return
    while True:
        real = Path(os.path.realpath(path))
        try:
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            if time.monotonic() < deadline and os.path.lexists(path):
                time.sleep(_POLL)  # replaced between resolving and opening: look again
                continue
            raise OutputError("does not exist", Location(file=str(path))) from None
        except OSError as exc:
            raise OutputError(f"cannot be opened to lock it ({exc.strerror})", Location(file=str(path))) from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise OutputError(f"cannot be locked ({exc.strerror})", Location(file=str(path))) from None
                    if time.monotonic() >= deadline:
                        raise _busy(path, timeout) from None
                    time.sleep(_POLL)
            # while we waited, the holder may have replaced the file: is the path still this file?
            held = os.fstat(fd)
            current = Path(os.path.realpath(path))
            try:
                now = os.stat(current)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                real = current
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # locked a file that has since been replaced: lock the current one
    try:
        yield real
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


@contextlib.contextmanager
def _lock_file(path: Path, deadline: float, timeout: float) -> Iterator[Path]:  # pragma: no cover - Windows
    real = Path(os.path.realpath(path))
    lock = real.with_name(f".{real.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            if time.monotonic() >= deadline:
                raise _busy(path, timeout) from None
            time.sleep(_POLL)
        except OSError as exc:
            raise OutputError(f"cannot be locked ({exc.strerror})", Location(file=str(path))) from None
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield real
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


__all__ = ["LOCK_TIMEOUT", "locked"]
