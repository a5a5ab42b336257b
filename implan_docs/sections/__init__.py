"""One module per document section; each turns a :class:`Context` into a :class:`~implan_docs.blocks.Fragment`.

Notebooks in ``notebooks/`` call these in a few lines::

    from implan_docs import sections
    ctx = sections.load(workbook, status_date, output, language, context)
    sections.schedule.build(ctx).write(output)

Section modules are imported on first use: a notebook that builds the scope section does not pay for
importing matplotlib (each notebook runs in its own kernel, so imports are paid per section).
"""
from __future__ import annotations

import importlib

from .context import Context, load
from .preview import preview

ORDER = ("summary", "overview", "objectives", "scope", "deliverables", "schedule", "risks", "roles", "resources",
         "changes", "appendix")

__all__ = ["Context", "load", "preview", "ORDER", *ORDER]


def __getattr__(name: str):
    if name in ORDER:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
