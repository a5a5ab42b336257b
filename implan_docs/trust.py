"""Records the tool leaves for itself (publish manifests, recovery journals, hand-off stamps) are signed.

Any file lying in an output folder is data: a planted ``.publish.json`` or ``manifest.json`` could
otherwise make the tool delete, move or pack files it never wrote. So every such record carries an
HMAC-SHA256 made with a per-user secret key that only this tool writes (created once, mode 0600, in
``$XDG_STATE_HOME/implan-docs/`` or ``~/.local/state/implan-docs/``; where the home folder cannot be
used, a private folder in the temporary directory that must belong to this user). A record whose MAC
does not verify — planted, copied from another user, edited by hand — is ignored, never obeyed.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path

_KEY_NAME = "signing-key"
_FORMAT = "implan-docs-signed/1"


def _candidate_dirs() -> list[Path]:
    dirs = []
    state = os.environ.get("XDG_STATE_HOME")
    if state and os.path.isabs(state):
        dirs.append(Path(state) / "implan-docs")
    home = os.environ.get("HOME")
    if home and os.path.isabs(home):
        dirs.append(Path(home) / ".local" / "state" / "implan-docs")
    dirs.append(Path(tempfile.gettempdir()) / f"implan-docs-{os.getuid()}")
    return dirs


def _private_dir(folder: Path) -> bool:
    """Create ``folder`` (0700) if needed; True if it is a real folder of this user that nobody else can write."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        data = os.read(fd, 256)
    finally:
        os.close(fd)
    return data if len(data) >= 32 else None


@functools.lru_cache(maxsize=1)
def signing_key() -> bytes | None:
    """This user's key, created on first use; None when no private place for it exists (then nothing
    verifies, so no record is trusted: safe, at the cost of crash recovery and build reuse)."""
    for folder in _candidate_dirs():
        if not _private_dir(folder):
            continue
        path = folder / _KEY_NAME
        key = _read_key(path)
        if key is not None:
            return key
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            key = _read_key(path)  # another process created it just now
            if key is not None:
                return key
            continue
        except OSError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        key = _read_key(path)
        if key is not None:
            return key
    return None


def _mac(key: bytes, kind: str, binding: str, body: str) -> str:
    message = "\0".join((_FORMAT, kind, binding, body)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(kind: str, record: dict, binding: str = "") -> str:
    """``record`` as JSON text with a MAC over (kind, binding, record). ``binding`` ties the record to a
    place (e.g. the output folder's path and inode), so a valid record copied elsewhere does not verify."""
    body = json.dumps(record, sort_keys=True, ensure_ascii=False)
    key = signing_key()
    mac = _mac(key, kind, binding, body) if key else ""
    return json.dumps({"format": _FORMAT, "kind": kind, "record": record, "mac": mac},
                      sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def verify(kind: str, text: str, binding: str = "") -> dict | None:
    """The record of a signed text, or None if it is not one this user's tool wrote for ``binding``."""
    key = signing_key()
    if key is None:
        return None
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        doc = json.loads(text)
        record, mac = doc["record"], doc["mac"]
        if doc.get("format") != _FORMAT or doc.get("kind") != kind or not isinstance(record, dict):
            return None
        body = json.dumps(record, sort_keys=True, ensure_ascii=False)
        if isinstance(mac, str) and hmac.compare_digest(mac, _mac(key, kind, binding, body)):
            return record
    return None


def read_verified(path: Path, kind: str, binding: str = "", limit: int = 64 << 20) -> dict | None:
    """Read and verify a signed record file (never following a symlink, never more than ``limit`` bytes)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        return None
    try:
        return verify(kind, data.decode("utf-8"), binding)
    except UnicodeDecodeError:
        return None


def folder_binding(folder: Path) -> str:
    """A binding to one folder: its absolute path and its device and inode (a folder planted in its
    place, or the same path on another disk, gives another binding)."""
    st = os.lstat(folder)
    return f"{os.path.abspath(folder)}\0{st.st_dev}:{st.st_ino}"


def safe_name(name: object) -> bool:
    """A single path component naming an entry inside a folder: no separators, no '..', nothing odd."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name
            and "\0" not in name and len(name.encode("utf-8", "surrogateescape")) <= 255)


def safe_relpath(rel: object) -> bool:
    """A relative path of safe components (``charts/gantt-1.png``)."""
    return isinstance(rel, str) and not rel.startswith("/") and all(safe_name(p) for p in rel.split("/"))


__all__ = ["signing_key", "sign", "verify", "read_verified", "folder_binding", "safe_name", "safe_relpath"]
