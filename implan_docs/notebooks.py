"""Run section notebooks with Papermill in real Jupyter kernels, in parallel, and report like a build tool.

A section notebook is ``NN-<name>.ipynb``: ``NN`` orders it, ``<name>`` is its section (and its template
placeholder ``{{section:<name>}}``). It has a cell tagged ``parameters`` declaring at least ``workbook`` and
``output``; the runner passes only the names a notebook declares (papermill's contract), so a user's
notebook may leave out ``context`` or ``language``. A failed notebook is kept, executed up to the failing
cell, and reported in one line: section, cell, error, notebook path.
"""
from __future__ import annotations

import json
import os
import re
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .errors import ImplanError, Location, SectionFailed

BUILTIN = Path(__file__).resolve().parent.parent / "notebooks"
_NAME = re.compile(r"^(?P<order>\d+)[-_](?P<name>[A-Za-z][A-Za-z0-9_-]*)$")
REQUIRED_PARAMETERS = ("workbook", "output")
KERNEL = "implan-python"
HEAVY = ("schedule", "resources", "risks", "objectives")  # sections that draw charts, heaviest first
START_TIMEOUT = 300  # seconds; papermill's 60 s default is hit on loaded machines (papermill issue 776)


@dataclass(frozen=True)
class SectionNotebook:
    name: str
    order: int
    path: Path
    parameters: tuple[str, ...]  # names declared in the parameters cell

    @property
    def builtin(self) -> bool:
        return self.path.parent == BUILTIN


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    executed: Path
    seconds: float
    error: str = ""  # one line when not ok


def discover(extra_dirs: Iterable[str | Path] = (), builtin: bool = True) -> list[SectionNotebook]:
    """The built-in section notebooks plus the user's (a user's ``NN-name`` replaces a built-in ``name``).
    The first notebook breaking the contract stops it (:func:`notebook_findings` lists them all)."""
    found: dict[str, SectionNotebook] = {}
    dirs = ([BUILTIN] if builtin else []) + [Path(d) for d in extra_dirs]
    for folder in dirs:
        for path in _section_files(folder):
            match = _NAME.match(path.stem)
            found[match["name"]] = SectionNotebook(match["name"], int(match["order"]), path, declared_parameters(path))
    return sorted(found.values(), key=lambda nb: (nb.order, nb.name))


def _section_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ImplanError("notebook folder not found", Location(file=str(folder)))
    return [p for p in sorted(folder.glob("*.ipynb")) if _NAME.match(p.stem)]


def notebook_findings(dirs: Iterable[str | Path]) -> list:
    """Every contract problem of the section notebooks in ``dirs`` as located findings (E193), all at once
    (``implan check --notebooks``)."""
    from .findings import make

    out = []
    for folder in dirs:
        folder = Path(folder)
        try:
            files = _section_files(folder)
        except ImplanError as exc:
            out.append(make("E193", exc.location, problem=exc.message))
            continue
        for path in files:
            try:
                declared_parameters(path)
            except ImplanError as exc:
                out.append(make("E193", exc.location, problem=exc.message))
    return out


def declared_parameters(path: Path) -> tuple[str, ...]:
    """Names assigned in the cell tagged ``parameters``; a notebook without one breaks the contract."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImplanError(f"not a readable notebook ({type(exc).__name__})", Location(file=str(path))) from exc
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            names = tuple(dict.fromkeys(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=", source, re.M)))
            missing = [n for n in REQUIRED_PARAMETERS if n not in names]
            if missing:
                raise ImplanError(f"the parameters cell does not declare {', '.join(missing)}",
                                  Location(file=str(path)))
            return names
    raise ImplanError("no cell tagged 'parameters' (see README: your own sections)", Location(file=str(path)))


def kernel_env(folder: Path) -> dict[str, str]:
    """Environment for the section kernels: this Python, and only settings the tool controls.

    The kernelspec lives in ``folder`` and is the only entry of JUPYTER_PATH (a user-level "python3"
    kernelspec from another installation would otherwise win and run the notebooks without implan_docs).
    IPython and Jupyter look for profiles, startup files and configuration in fresh, empty folders under
    ``folder``, never in the user's home: no ``~/.ipython/profile_default/startup/*.py`` of the user's or
    of an attacker's runs in a build. Connection files go there too, so they go with the build folder.
    """
    spec_dir = folder / "kernels" / KERNEL
    spec_dir.mkdir(parents=True, exist_ok=True)
    ipython = folder / "ipython"
    config = folder / "config"
    runtime = folder / "runtime"
    for sub in (ipython, config, runtime):
        sub.mkdir(parents=True, exist_ok=True, mode=0o700)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--IPKernelApp.log_level=CRITICAL", f"--ipython-dir={ipython}",
                     "--HistoryManager.enabled=False"],
            "display_name": "implan-docs", "language": "python",
            "env": {"MPLBACKEND": "Agg", "IPYTHONDIR": str(ipython)}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    env = {"JUPYTER_PATH": str(folder), "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_DATA_DIR": str(folder),
           "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_PATH": str(config), "IPYTHONDIR": str(ipython),
           "JUPYTER_PREFER_ENV_PATH": "0", "JUPYTER_PLATFORM_DIRS": "0",
           "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    return env


KERNEL_ENV_DROP = ("PYTHONSTARTUP", "PYTHONINSPECT", "MATPLOTLIBRC", "JUPYTER_ALLOW_INSECURE_WRITES")


def _die_with_parent() -> None:
    """Worker initializer: on Linux, ask the kernel to end this worker when the build process dies (a
    killed build must not leave workers and kernels behind). Elsewhere a no-op."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _ipc_kernel_manager():
    """A kernel manager talking to its kernel over Unix sockets, not TCP ports.

    With TCP, jupyter_client picks free ports and binds them later: two builds starting kernels at the
    same moment can pick the same port ("Address already in use", the kernel dies). Socket files named
    after each kernel's own connection file cannot collide, and nothing listens on the network.
    """
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):
            # absolute: the kernel runs in the build folder, the client elsewhere; short: socket paths
            # are limited to about 100 characters
            import tempfile
            import uuid

            return os.path.join(os.environ.get("IMPLAN_KERNEL_SOCKETS") or tempfile.gettempdir(),
                                f"k-{uuid.uuid4().hex[:12]}")

    return IPCKernelManager


def _run_one(nb_path: str, out_path: str, parameters: dict, cwd: str, env: dict) -> tuple[bool, str, float]:
    """Executed in a worker process: one notebook through papermill. Returns (ok, one-line error, seconds)."""
    import time
    import warnings

    import tempfile

    for name in KERNEL_ENV_DROP:
        os.environ.pop(name, None)
    os.environ.update(env)
    tempfile.tempdir = env.get("TMPDIR") or tempfile.tempdir  # forked: the parent's choice is cached
    warnings.filterwarnings("ignore")
    import papermill as pm

    started = time.perf_counter()
    try:
        # shutdown_kernel="immediate": the cells have finished; a graceful shutdown only waits (~0.3 s each)
        pm.execute_notebook(nb_path, out_path, parameters=parameters, kernel_name=KERNEL, progress_bar=False,
                            log_output=False, cwd=cwd, start_timeout=START_TIMEOUT, shutdown_kernel="immediate",
                            kernel_manager_class=_ipc_kernel_manager())
    except pm.PapermillExecutionError as exc:
        value = " ".join(str(exc.evalue).split())[:300]
        return False, f"cell {exc.exec_count}: {exc.ename}: {value}", time.perf_counter() - started
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        return False, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}", time.perf_counter() - started
    return True, "", time.perf_counter() - started


def run_sections(notebooks: list[SectionNotebook], values: dict, out_dir: Path, jobs: int,
                 on_event: Callable[[str, str, Outcome | None], None] | None = None) -> list[Outcome]:
    """Execute notebooks (up to ``jobs`` at a time); executed copies go to ``out_dir/notebooks``.

    ``values`` holds every parameter the build can give (workbook, status_date, output, language,
    context); each notebook receives the ones it declares. ``on_event(name, "start"|"done", outcome)``
    drives the progress display.
    """
    import shutil
    import tempfile

    executed_dir = out_dir / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    # The kernels' Jupyter and IPython settings, connection files and sockets (short paths: about 100
    # characters at most) live in one private temporary folder, removed when the sections end.
    sockets = tempfile.mkdtemp(prefix="implan-k-")
    env = kernel_env(Path(sockets))
    env["IMPLAN_KERNEL_SOCKETS"] = sockets
    env["TMPDIR"] = sockets  # whatever a worker or kernel makes in a temporary folder goes with this one
    outcomes: dict[str, Outcome] = {}
    # The heaviest sections start first so that they do not become the tail of the build.
    pending = sorted(notebooks, key=lambda nb: HEAVY.index(nb.name) if nb.name in HEAVY else len(HEAVY))
    running: dict = {}
    notify = on_event or (lambda *_: None)
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_die_with_parent)
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                nb = pending.pop(0)
                params = {k: v for k, v in values.items() if k in nb.parameters}
                executed = executed_dir / f"{nb.path.stem}.ipynb"
                future = pool.submit(_run_one, str(nb.path), str(executed), params, str(out_dir), env)
                running[future] = (nb, executed)
                notify(nb.name, "start", None)
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                nb, executed = running.pop(future)
                try:
                    ok, error, seconds = future.result()
                except Exception as exc:  # the worker process itself died
                    ok, error, seconds = False, f"worker failed: {type(exc).__name__}: {exc}", 0.0
                outcome = Outcome(nb.name, ok, executed, seconds, error)
                outcomes[nb.name] = outcome
                notify(nb.name, "done", outcome)
    except BaseException:
        # interrupted (Ctrl-C, SIGTERM) or failed: stop every worker and kernel now, not after their cells
        from .processes import kill_descendants

        kill_descendants()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return [outcomes[nb.name] for nb in notebooks]


def raise_for_failures(outcomes: list[Outcome], final_dir: Path) -> None:
    failed = [o for o in outcomes if not o.ok]
    if failed:
        first = failed[0]
        where = final_dir / "notebooks" / first.executed.name
        more = f" (and {len(failed) - 1} more section(s) failed)" if len(failed) > 1 else ""
        raise SectionFailed(f"section '{first.name}' failed: {first.error}; open {where}{more}")
