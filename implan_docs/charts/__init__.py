"""Charts of a plan: pure functions from the plan model and schedule to matplotlib figures.

Each returns :class:`Chart` values (figure, caption, alt text, placement); the document and notebooks
only place them, and :func:`save_png` writes them as deterministic PNG files. Words come from the
``charts`` catalogue (``i18n/<language>/charts.yaml``), fonts and colours from :mod:`.theme`.
"""
from __future__ import annotations

from ..model import Plan
from ..schedule import Schedule
from .budget import budget_charts
from .chart import Chart, render_png, save_png, save_pngs
from .fonts import FontMissingError, MissingGlyphError
from .gantt import gantt_charts
from .milestones import milestone_chart
from .objectives import objectives_chart
from .risk_matrix import risk_matrix
from .workload import workload_chart

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
    charts = list(gantt_charts(plan, schedule, language))
    charts.append(milestone_chart(plan, schedule, language))
    charts.append(risk_matrix(plan, language))
    charts.append(workload_chart(plan, schedule, language))
    charts.extend(budget_charts(plan, schedule, language))
    charts.append(objectives_chart(plan, language))
    return [c for c in charts if c is not None]
