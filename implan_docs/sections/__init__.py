"""One module per document section; each turns a :class:`Context` into a :class:`~implan_docs.blocks.Fragment`.

Notebooks in ``notebooks/`` call these in a few lines::

    from implan_docs import sections
    ctx = sections.load(workbook, status_date, output, language, context)
    sections.schedule.build(ctx).write(output)
"""
from __future__ import annotations

from . import (appendix, changes, deliverables, objectives, overview, resources, risks, roles, schedule,  # noqa: F401
               scope, summary)
from .context import Context, load
from .preview import preview

ORDER = ("summary", "overview", "objectives", "scope", "deliverables", "schedule", "risks", "roles", "resources",
         "changes", "appendix")

__all__ = ["Context", "load", "preview", "ORDER", "appendix", "changes", "deliverables", "objectives", "overview", "resources",
           "risks", "roles", "schedule", "scope", "summary"]
