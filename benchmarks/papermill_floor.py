"""The Papermill floor: N one-cell notebooks executed one after another with ``papermill.execute_notebook``.

    .venv/bin/python benchmarks/papermill_floor.py FOLDER [--count 10]

One process, the same kernel ``implan build`` uses (this Python, through the kernelspec that
``implan_docs.notebooks.kernel_env`` writes); each notebook holds one code cell. This is what running the
build's notebooks costs before they do any work: process start-up, importing papermill, and a kernel
started and stopped per notebook. ``bench_build.py`` times this script as a child process, as it times
``implan build``.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="working folder (notebooks are written there)")
    ap.add_argument("--count", type=int, default=10)
    args = ap.parse_args(argv)

    import nbformat
    import papermill as pm

    from implan_docs.notebooks import KERNEL, kernel_env

    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.update(kernel_env(folder / ".jupyter"))
    source = folder / "one-cell.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")])
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "implan-docs", "language": "python"}
    nbformat.write(nb, source)
    for i in range(args.count):
        pm.execute_notebook(str(source), str(folder / f"executed-{i:02d}.ipynb"), kernel_name=KERNEL,
                            progress_bar=False, log_output=False, cwd=str(folder), start_timeout=300)
    return 0


if __name__ == "__main__":
    sys.exit(main())
