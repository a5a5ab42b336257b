"""Stopping what a command started: section workers, their kernels, LibreOffice.

Kernels run in sessions of their own (jupyter_client starts them with ``start_new_session``), so a
signal to the command's process group does not reach them; they are found as descendants instead.
psutil does the walk portably (it is already a dependency of ipykernel).
"""
from __future__ import annotations

import contextlib
import os


def kill_descendants(grace: float = 2.0) -> None:
    """Terminate every process this one started (and theirs), then kill whatever is left after ``grace``."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return
    try:
        children = psutil.Process(os.getpid()).children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=grace)
