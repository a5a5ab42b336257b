"""Every file the tool writes goes through here: a temporary file in the same folder, then a rename.

A failed or killed run therefore never leaves a partial file, and an earlier output stays intact
until the new one is complete. Errors (read-only folder, disk full) become :class:`OutputError`.
Here too is the one zip writer (:func:`zip_bytes`) behind every .docx, .xlsx and .zip the tool writes:
fixed entry times and permissions, so the same parts in the same order give the same bytes.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import glob
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Iterator

from .errors import Location, OutputError


def output_error(path: Path, exc: OSError) -> OutputError:
    """An OSError met while writing ``path``, as the one-line error users see."""
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
        raise output_error(path, exc) from exc
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
        raise output_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, output_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise output_error(path, exc) from exc
    except BaseException:
        _unlink(tmp)
        raise


def output_mode(path: Path) -> int:
    """The permission bits an output at ``path`` gets: those of the file it replaces (a private 0600
    plan stays private), else what the user's umask gives a new file (as ``open()`` would)."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask (read by setting and restoring it: POSIX has no way to only read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
IMAGES = (".png", ".jpg", ".jpeg", ".gif")  # compressed already: stored, deflating them again buys nothing


def zip_bytes(entries, *, stored: tuple[str, ...] = ()) -> bytes:
    """A zip archive of ``entries`` ((name, bytes) pairs, written in the order given) that depends on
    nothing else: every entry gets :data:`ZIP_TIME`, mode 0644 and deflate level 6, except names ending
    in one of ``stored`` (already compressed images), which are stored."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored and name.lower().endswith(stored) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()


def read_zip_member(path: str | Path, name_suffix: str, limit: int = 16 << 20) -> bytes:
    """The first member of the zip at ``path`` whose name is or ends in ``/`` + ``name_suffix`` (at most
    ``limit`` bytes inflated): for reading back archives the tool itself wrote (a review package)."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n == name_suffix or n.endswith("/" + name_suffix))
        with zf.open(name) as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return data


def write_with_mode(path: Path, data: bytes, mode: int, *, replace: bool) -> Path:
    """Write ``data`` to a temporary file next to ``path``, give it the permission bits ``mode`` and move
    it into place in one step: over an existing file if ``replace``, else only where nothing exists
    (:class:`FileExistsError` otherwise; nothing is overwritten, even by a race)."""
    path = Path(path)
    ensure_dir(path.parent)
    _remove_stale_parts(path)  # what killed runs left
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=path.suffix + ".part",
                                        dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        _write_fd(fd, data, mode)
        if replace:
            os.replace(tmp, path)
            return path
        try:
            os.link(tmp, path)  # fails if path exists
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK,
                                 errno.ENOSYS):
                raise
            _create_exclusive(path, data, mode)  # a file system without hard links
        return path
    except FileExistsError:
        raise
    except OSError as exc:
        raise output_error(path, exc) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def _create_exclusive(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _write_fd(fd, data, mode)
    except BaseException:
        path.unlink()
        raise


def _write_fd(fd: int, data: bytes, mode: int) -> None:
    """Write ``data`` to the open file ``fd``, make it durable, give it ``mode``, close it."""
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
        os.fchmod(fh.fileno(), mode)


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


def replace_dir(staging: Path, target: Path, build_id: str = "", commit: bool = True) -> None:
    """Move a completed staging folder's entries into ``target`` as one unit, as far as a kill allows.

    Each entry goes in by one rename (an existing one is swapped out atomically where the system can,
    so no entry is ever missing) and the entries replaced are kept in ``staging/.previous`` until all
    are in. A journal written before the first move lets :func:`recover_publish` put ``target`` back
    exactly as it was if the process dies half-way; once every entry is in, the journal is removed
    (the commit point) and the staging folder with the old entries deleted. The journal is signed and
    bound to both folders (:mod:`implan_docs.trust`): a planted one is never obeyed. ``build_id`` names
    this publish; a caller that records it elsewhere after the moves (the publish manifest) makes that
    record the commit point instead: pass ``commit=False``, write it, then call :func:`commit_publish`
    (and see ``committed`` in :func:`recover_publish`).
    """
    from . import trust

    entries = sorted(e for e in staging.iterdir() if not e.name.startswith("."))  # dot-names: the tool's own
    previous = ensure_dir(staging / _PREVIOUS)
    plan = [{"name": e.name, "ino": e.lstat().st_ino, "existed": os.path.lexists(target / e.name)}
            for e in entries]
    record = {"target": str(target), "entries": plan, "build_id": build_id}
    atomic_write_text(staging / _JOURNAL, trust.sign("publish-journal", record, _journal_binding(staging, target)))
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
            raise output_error(dest, exc) from exc
    if commit:
        commit_publish(staging)


def commit_publish(staging: Path) -> None:
    """The commit point of :func:`replace_dir`: remove the journal, then the entries it replaced."""
    (staging / _JOURNAL).unlink()
    shutil.rmtree(staging / _PREVIOUS, ignore_errors=True)


def _journal_binding(staging: Path, target: Path) -> str:
    from . import trust

    return trust.folder_binding(staging) + "\0" + trust.folder_binding(target)


def recover_publish(staging: Path, target: Path | None = None,
                    committed: Callable[[str], bool] | None = None) -> bool:
    """Undo the moves of a :func:`replace_dir` that did not reach its commit point (its process was
    killed, or a move failed): every entry of ``target`` it replaced comes back, every entry it added
    goes. Returns whether there was anything to undo. Safe to repeat if itself interrupted.

    Only a journal this user's tool signed for exactly these two folders is obeyed, and only entries
    that are plain names inside them; anything else is left alone. ``committed(build_id)`` says whether
    the publish had in fact committed (its manifest was written): then nothing is undone.
    """
    from . import trust

    if target is None:
        return False
    try:
        journal = trust.read_verified(staging / _JOURNAL, "publish-journal", _journal_binding(staging, target))
    except OSError:
        return False
    if journal is None or journal.get("target") != str(target) or not isinstance(journal.get("entries"), list):
        return False
    items = journal["entries"]
    if not all(isinstance(i, dict) and trust.safe_name(i.get("name")) and isinstance(i.get("ino"), int)
               for i in items):
        return False
    in_place = all(os.path.lexists(target / i["name"]) and (target / i["name"]).lstat().st_ino == i["ino"]
                   for i in items)
    if in_place and committed is not None and committed(str(journal.get("build_id") or "")):
        commit_publish(staging)  # every entry moved and the manifest written: the publish had committed
        return False
    previous = staging / _PREVIOUS
    for item in reversed(items):
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


_JOURNAL, _PREVIOUS, _LOCK, _MARK = ".publish.json", ".previous", ".lock", ".implan-staging"
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
