"""What every section needs: the plan, its schedule, its findings, the language and the output folder.

A section notebook calls :func:`load` with its parameters. Standalone, that reads and schedules the
workbook; inside ``implan build`` the runner passes ``context`` (a snapshot the build wrote once), so ten
notebooks do not read the same workbook ten times.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import blocks as b
from ..errors import ValidationFailed
from ..findings import Finding
from ..i18n import Messages
from ..model import Plan
from ..schedule import Schedule

SNAPSHOT = "context.pickle"


@dataclass
class Context:
    plan: Plan
    schedule: Schedule
    findings: tuple[Finding, ...]
    language: str
    output: Path
    status_date: date
    extras: dict = field(default_factory=dict)  # e.g. {"since": Diff} for the changes section

    @property
    def t(self) -> Messages:
        return Messages(self.language)

    @property
    def chart_plan(self) -> Plan:
        """The plan as charts draw it: characters no chart font has are � (finding W192 says where)."""
        cached = self.extras.get("_chart_plan")
        if cached is None:
            from ..charts.drawable import drawable_plan

            cached = self.extras["_chart_plan"] = drawable_plan(self.plan)[0]
        return cached

    @property
    def charts_dir(self) -> Path:
        return self.output / "charts"

    def figure(self, chart) -> b.Figure:
        """Save a chart (from :mod:`implan_docs.charts`) under ``charts/`` and return its block."""
        from ..charts import save_png

        path = save_png(chart, self.charts_dir)
        return b.Figure(f"charts/{path.name}", chart.caption, chart.alt, chart.width_cm, chart.landscape)

    def figures(self, charts) -> list[b.Figure]:
        """Save several charts (PNG compression overlaps drawing the next one) and return their blocks."""
        from ..charts import save_pngs

        charts = list(charts)
        paths = save_pngs(charts, self.charts_dir)
        return [b.Figure(f"charts/{p.name}", c.caption, c.alt, c.width_cm, c.landscape) for c, p in zip(charts, paths)]


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load(workbook: str | Path = "", status_date=None, output: str | Path = "build", language: str = "",
         context: str | Path = "") -> Context:
    """The section context, from a build snapshot (``context``) or by reading ``workbook``."""
    output = Path(output)
    if context and Path(context).is_file():
        with open(context, "rb") as fh:
            ctx: Context = pickle.load(fh)  # written by this build (see build.py), never user input
        ctx.output = output
        if language:
            ctx.language = language
        return ctx
    from ..check import check_plan

    checked = check_plan(workbook, _parse_date(status_date))
    if not checked.ok:
        raise ValidationFailed(checked.findings, file=Path(workbook).name)
    schedule = checked.schedule
    return Context(checked.plan, schedule, checked.findings, language or checked.plan.language, output,
                   schedule.status_date)


def save_snapshot(ctx: Context, path: str | Path) -> Path:
    from ..fileio import atomic_write_bytes

    return atomic_write_bytes(path, pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL))
