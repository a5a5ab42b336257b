"""Charts of a plan: pure functions from the plan model and schedule to matplotlib figures.

Each returns :class:`Chart` values (figure, caption, alt text, placement); the document and notebooks
only place them, and :func:`save_png` writes them as deterministic PNG files. Words come from the
``charts`` catalogue (``i18n/<language>/charts.yaml``), fonts and colours from :mod:`.theme`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Plan
from ..schedule import Schedule

if TYPE_CHECKING:
    from .budget import budget_charts
    from .chart import Chart, render_png, save_png, save_pngs
    from .fonts import FontMissingError, MissingGlyphError
    from .gantt import gantt_charts
    from .milestones import milestone_chart
    from .objectives import objectives_chart
    from .risk_grid import risk_matrix
    from .workload import workload_chart

# Loaded on first use (PEP 562): matplotlib costs about a second to import, and the check phase asks
# this package only whether a plan's text can be drawn (``charts.drawable``), which needs none of it.
_LAZY = {
    "Chart": "chart", "render_png": "chart", "save_png": "chart", "save_pngs": "chart",
    "FontMissingError": "fonts", "MissingGlyphError": "fonts", "budget_charts": "budget",
    "gantt_charts": "gantt", "milestone_chart": "milestones", "objectives_chart": "objectives",
    "risk_matrix": "risk_grid", "workload_chart": "workload",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Chart",
    "FontMissingError",
    "MissingGlyphError",
    "all_charts",
    "budget_charts",
    "gantt_charts",
    "milestone_chart",
    "objectives_chart",
    "render_png",
    "risk_matrix",
    "save_png",
    "save_pngs",
    "workload_chart",
]


def all_charts(plan: Plan, schedule: Schedule, language: str | None = None) -> list[Chart]:
    """Every chart the plan has data for: Gantt pages, milestones, risk matrix, workload, budget, objectives."""
    from .budget import budget_charts
    from .gantt import gantt_charts
    from .milestones import milestone_chart
    from .objectives import objectives_chart
    from .risk_grid import risk_matrix
    from .workload import workload_chart

    charts = list(gantt_charts(plan, schedule, language))
    charts.append(milestone_chart(plan, schedule, language))
    charts.append(risk_matrix(plan, language))
    charts.append(workload_chart(plan, schedule, language))
    charts.extend(budget_charts(plan, schedule, language))
    charts.append(objectives_chart(plan, language))
    return [c for c in charts if c is not None]
